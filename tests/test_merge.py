"""Re-runs never lose a reviewer's work: property tests over edit/review/re-run sequences, and a seed scenario."""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path

import polib
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from support import SEEDS
from typer.testing import Result

from pipeline.files import write_atomic
from pipeline.formats.po import RunInfo, build_catalog, is_reviewed, read_po, render_po
from pipeline.ingest import read_article
from pipeline.merge import merge_catalog

SENTENCES = [
    "The garrison court rejected the appeal.",
    "Several hundred soldiers refused to fight.",
    "They were dismissed from service.",
    "The commander threatened them with prison.",
    "Mediazona studied the lawsuits.",
    "The families asked for help.",
]

# One step of a reviewer's and editor's life between two runs. Besides real edits, the changes segment ids
# ignore (case, quote style, spacing) and a deleted sentence coming back, which share an id with an old entry.
step = st.one_of(
    st.tuples(st.just("approve"), st.integers(0, 20), st.text("абвгдеёжзийклмнопрстуфхцчшщыэюя ", min_size=1, max_size=20)),
    st.tuples(st.just("edit"), st.integers(0, 20), st.sampled_from(["Also,", "In 2022,", "Reportedly,"])),
    st.tuples(st.just("drop"), st.integers(0, 20), st.just("")),
    st.tuples(st.just("add"), st.integers(0, 20), st.sampled_from(SENTENCES)),
    st.tuples(st.just("case"), st.integers(0, 20), st.sampled_from(["upper", "lower", "title"])),
    st.tuples(st.just("quote"), st.integers(0, 20), st.sampled_from(['"{}"', "“{}”", "«{}»", "'{}'"])),
    st.tuples(st.just("space"), st.integers(0, 20), st.sampled_from(["  ", " \t "])),
    st.tuples(st.just("restore"), st.integers(0, 20), st.just("")),
)


def restyle(action: str, value: str, text: str) -> str:
    """A change a segment id does not see: letter case, quotation marks, spacing."""
    if action == "case":
        return {"upper": text.upper(), "lower": text.lower(), "title": text.title()}[value]
    if action == "quote":
        return value.format(text.strip("\"“”«»'"))
    return text.replace(" ", value, 1)


def run_once(article: Path, out: Path) -> Path:
    """What `pipeline run --engine none` does to one article's PO file: build fresh, merge, write."""
    po = out / "ru" / f"{article.stem}.po"
    fresh = build_catalog(read_article(article), "ru", {}, RunInfo("test", "2026-01-01 00:00+0000"))
    merged = merge_catalog(fresh, read_po(po) if po.exists() else None)
    write_atomic(po, render_po(merged))
    return po


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(step, min_size=1, max_size=8))
def test_no_sequence_of_edits_and_reruns_drops_an_approved_translation(steps: list[tuple[str, int, str]]) -> None:
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch)
        article = folder / "story.txt"
        paragraphs = list(SENTENCES[:4])
        article.write_text("\n\n".join(paragraphs) + "\n", encoding="utf-8")
        po = run_once(article, folder / "out")
        approved: dict[str, str] = {}  # segment id -> the reviewer's latest approved translation
        dropped: list[str] = []
        for action, index, value in steps:
            if action == "approve":
                catalog = polib.pofile(str(po))
                live = [e for e in catalog if not e.obsolete]
                if live:
                    entry = live[index % len(live)]
                    # Overwriting a translation (the reviewer's own, carried over) is the reviewer's choice.
                    approved = {k: v for k, v in approved.items() if v != entry.msgstr}
                    entry.msgstr = f"{value.strip() or 'перевод'} {index}"
                    entry.flags = [f for f in entry.flags if f != "fuzzy"]
                    catalog.save()
                    approved[entry.msgctxt] = entry.msgstr
            elif paragraphs and action == "edit":
                i = index % len(paragraphs)
                paragraphs[i] = f"{value} {paragraphs[i][0].lower()}{paragraphs[i][1:]}"
            elif paragraphs and action == "drop":
                dropped.append(paragraphs.pop(index % len(paragraphs)))
            elif dropped and action == "restore":
                paragraphs.insert(index % (len(paragraphs) + 1), dropped.pop(index % len(dropped)))
            elif paragraphs and action in ("case", "quote", "space"):
                i = index % len(paragraphs)
                paragraphs[i] = restyle(action, value, paragraphs[i])
            elif action == "add":
                paragraphs.insert(index % (len(paragraphs) + 1), value)
            if paragraphs:
                article.write_text("\n\n".join(paragraphs) + "\n", encoding="utf-8")
                run_once(article, folder / "out")
            kept = {e.msgstr for e in polib.pofile(str(po))}
            lost = set(approved.values()) - kept
            assert not lost, f"lost: {lost}"


def test_seed_scenario_review_edit_rerun(cli: Callable[..., Result], tmp_path: Path) -> None:
    seeds = tmp_path / "seeds"
    shutil.copytree(SEEDS, seeds)
    article = seeds / "moscow-times-buryatia-objectors.txt"
    out = tmp_path / "locales"
    assert cli("run", article, "--to", "ru", "--engine", "none", "--out", out, "--formats", "po,xliff").exit_code == 0
    po = out / "ru" / f"{article.stem}.po"

    # A reviewer approves two translations in the PO file...
    catalog = polib.pofile(str(po))
    first, second = [e for e in catalog if e.msgid.startswith(("Last week,", "“As far as we know"))]
    first.msgstr = "На прошлой неделе фонд «Свободная Бурятия» сообщил, что 150 военнослужащих вернулись домой."
    second.msgstr = "«Насколько нам известно, они до сих пор задержаны»."
    for entry in (first, second):
        entry.flags = []
    catalog.save()

    # ...the editor then changes one of those sentences, deletes the other and inserts a paragraph.
    text = article.read_text("utf-8")
    text = text.replace("150 soldiers", "160 soldiers")
    text = text.replace(second.msgid, "")
    text = text.replace("Last week,", "A new paragraph from the editor.\n\nLast week,")
    article.write_text(text, encoding="utf-8")
    assert cli("run", article, "--to", "ru", "--engine", "none", "--out", out, "--formats", "po,xliff").exit_code == 0

    merged = polib.pofile(str(po))
    changed = next(e for e in merged if e.msgid.startswith("Last week,") and not e.obsolete)
    assert changed.msgstr == first.msgstr and "fuzzy" in changed.flags and changed.previous_msgid == first.msgid
    gone = next(e for e in merged if e.obsolete)
    assert gone.msgstr == second.msgstr
    new = next(e for e in merged if e.msgid == "A new paragraph from the editor.")
    assert new.msgstr == "" and not is_reviewed(new)
    # The XLIFF rendered from the merged PO shows the kept translation as needing review.
    assert first.msgstr in (out / "ru" / f"{article.stem}.xlf").read_text("utf-8")


def approve(po: Path, msgid: str, translation: str) -> None:
    catalog = polib.pofile(str(po))
    entry = next(e for e in catalog if e.msgid == msgid and not e.obsolete)
    entry.msgstr = translation
    entry.flags = [f for f in entry.flags if f != "fuzzy"]
    catalog.save()


def test_a_live_and_an_obsolete_entry_sharing_an_id_both_survive(tmp_path: Path) -> None:
    """Found by an audit: ids ignore case, merge keyed old entries by id, and the live one pushed the obsolete one out.

    The file an older version left: «GO ON.» approved as A, and the deleted «Go on.» (same id) approved as B.
    """
    article = tmp_path / "story.txt"
    out = tmp_path / "out"
    article.write_text("They waited.\n\nGO ON.\n", encoding="utf-8")
    po = run_once(article, out)
    approve(po, "GO ON.", "ДАВАЙ.")
    catalog = polib.pofile(str(po), wrapwidth=0)
    live = next(e for e in catalog if e.msgid == "GO ON.")
    catalog.append(polib.POEntry(msgctxt=live.msgctxt, msgid="Go on.", msgstr="Продолжай.", obsolete=True))
    catalog.save(str(po))
    for _ in range(2):
        run_once(article, out)
        entries = [e for e in polib.pofile(str(po)) if e.msgctxt == live.msgctxt]
        assert {(e.msgid, e.msgstr, e.obsolete) for e in entries} == {("GO ON.", "ДАВАЙ.", False), ("Go on.", "Продолжай.", True)}


def test_a_restored_sentence_in_other_case_gets_its_old_translation_back_for_review(tmp_path: Path) -> None:
    article = tmp_path / "story.txt"
    out = tmp_path / "out"
    article.write_text("Go on.\n", encoding="utf-8")
    po = run_once(article, out)
    approve(po, "Go on.", "Продолжай.")
    article.write_text("GO ON.\n", encoding="utf-8")
    run_once(article, out)
    entry = next(e for e in polib.pofile(str(po)) if not e.obsolete)
    assert entry.msgstr == "Продолжай." and "fuzzy" in entry.flags and entry.previous_msgid == "Go on."


def test_the_previous_source_survives_a_second_rerun(tmp_path: Path) -> None:
    """Found by an audit: the exact-match path kept `fuzzy` but dropped `#| msgid` on the next re-run."""
    article = tmp_path / "story.txt"
    out = tmp_path / "out"
    article.write_text("Several hundred soldiers refused to fight.\n", encoding="utf-8")
    po = run_once(article, out)
    approve(po, "Several hundred soldiers refused to fight.", "Несколько сотен военнослужащих отказались воевать.")
    article.write_text("Several hundred soldiers refused to fight in Ukraine.\n", encoding="utf-8")
    run_once(article, out)
    for _ in range(2):
        run_once(article, out)
        entry = next(e for e in polib.pofile(str(po)) if not e.obsolete)
        assert "fuzzy" in entry.flags and entry.previous_msgid == "Several hundred soldiers refused to fight."
