"""PO review files: written by `pipeline run`, checked by msgfmt, read back by polib, merged on re-run."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import polib
import pytest
from support import ROOT, SEED_FILES, SEEDS
from typer.testing import Result

from pipeline.formats.po import is_reviewed
from pipeline.ingest import read_article

MSGFMT = shutil.which("msgfmt")
needs_msgfmt = pytest.mark.skipif(MSGFMT is None, reason="gettext's msgfmt is not installed (make test installs it)")


@pytest.fixture
def locales(cli: Callable[..., Result], tmp_path: Path) -> Path:
    out = tmp_path / "locales"
    result = cli("run", SEEDS, "--to", "ru,uk", "--engine", "none", "--out", out, "-g", ROOT / "glossary")
    assert result.exit_code == 0, result.stderr
    return out


@needs_msgfmt
def test_every_file_passes_msgfmt_check(locales: Path) -> None:
    files = sorted(locales.glob("*/*.po"))
    assert len(files) == 2 * len(SEED_FILES)
    for path in files:
        check = subprocess.run([MSGFMT, "--check", "-o", "/dev/null", str(path)], capture_output=True, text=True)
        assert check.returncode == 0, f"{path}: {check.stderr}"


@pytest.mark.parametrize("lang", ["ru", "uk"])
def test_po_reads_back_with_segments_and_references(locales: Path, lang: str) -> None:
    seed = SEEDS / "mediazona-rosgvardiya-refusals.txt"
    article = read_article(seed)
    catalog = polib.pofile(str(locales / lang / f"{seed.stem}.po"))
    assert catalog.metadata["Language"] == lang
    assert catalog.metadata["Plural-Forms"].startswith("nplurals=3;")
    assert "engine:none" in catalog.metadata["X-Pipeline-Signature"]
    entries = [e for e in catalog if not e.obsolete]
    assert [e.msgctxt for e in entries] == [s.id for s in article.segments]
    assert [e.msgid for e in entries] == [s.text for s in article.segments]
    assert all(e.msgstr == "" for e in entries)
    lines = seed.read_text("utf-8").split("\n")
    for entry in entries:
        ((path, line),) = entry.occurrences
        assert path.endswith("seeds/mediazona-rosgvardiya-refusals.txt")
        assert entry.msgid in lines[int(line) - 1]


def test_chrome_and_foreign_entries_are_flagged(locales: Path) -> None:
    catalog = polib.pofile(str(locales / "ru" / "mediazona-rosgvardiya-refusals.po"))
    by_text = {e.msgid: e for e in catalog}
    assert "boilerplate" in by_text["Load more"].flags
    assert "foreign-language" in by_text["Павел Васильев"].flags
    assert "block: heading" in by_text["Convoys under fire, driving through fields and returning to Russia"].comment


def test_rerun_keeps_reviewed_translation(cli: Callable[..., Result], locales: Path) -> None:
    path = locales / "ru" / "moscow-times-buryatia-objectors.po"
    catalog = polib.pofile(str(path))
    entry = next(e for e in catalog if e.msgid.startswith("Last week, the Free Buryatia Foundation"))
    entry.msgstr = "На прошлой неделе фонд «Свободная Бурятия» сообщил, что 150 военнослужащих вернулись домой."
    entry.tcomment = "checked against the Russian original"
    catalog.save()

    result = cli("run", SEEDS, "--to", "ru,uk", "--engine", "none", "--out", locales)
    assert result.exit_code == 0
    assert "1 reviewed translations kept" in result.stdout
    again = {e.msgctxt: e for e in polib.pofile(str(path))}
    kept = again[entry.msgctxt]
    assert kept.msgstr == entry.msgstr and is_reviewed(kept)
    assert kept.tcomment == "checked against the Russian original"


def test_changed_source_keeps_old_translation_as_fuzzy(cli: Callable[..., Result], seeds_copy: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    seed = seeds_copy / "moscow-times-buryatia-objectors.txt"
    assert cli("run", seed, "--to", "ru", "--engine", "none", "--out", out).exit_code == 0
    path = out / "ru" / f"{seed.stem}.po"
    catalog = polib.pofile(str(path))
    old = next(e for e in catalog if e.msgid.startswith("Last week, the Free Buryatia Foundation"))
    old.msgstr = "Перевод редактора."
    gone = next(e for e in catalog if e.msgid.startswith("Whether the story of Kaminsky"))
    gone.msgstr = "Перевод абзаца, который потом удалят."
    catalog.save()

    text = seed.read_text("utf-8").replace("announced that 150 soldiers", "announced that 160 soldiers")
    text = text.replace(gone.msgid, "")
    seed.write_text(text, encoding="utf-8")
    assert cli("run", seed, "--to", "ru", "--engine", "none", "--out", out).exit_code == 0

    merged = polib.pofile(str(path))
    changed = next(e for e in merged if e.msgid.startswith("Last week,") and not e.obsolete)
    assert changed.msgctxt != old.msgctxt
    assert changed.msgstr == "Перевод редактора." and "fuzzy" in changed.flags
    assert changed.previous_msgid == old.msgid
    obsolete = [e for e in merged if e.obsolete]
    assert [e.msgstr for e in obsolete] == ["Перевод абзаца, который потом удалят."]


def test_po_write_is_atomic_no_temp_files_left(locales: Path) -> None:
    assert not [p for p in locales.rglob("*") if p.name.endswith(".tmp")]


def test_unreadable_existing_po_is_reported(cli: Callable[..., Result], tmp_path: Path) -> None:
    out = tmp_path / "out"
    seed = SEEDS / "moscow-times-buryatia-objectors.txt"
    target = out / "ru" / f"{seed.stem}.po"
    target.parent.mkdir(parents=True)
    target.write_text('msgid "unterminated\n', encoding="utf-8")
    result = cli("run", seed, "--to", "ru", "--engine", "none", "--out", out)
    assert result.exit_code == 2
    assert result.stderr.startswith(f"error: {target}:1: cannot read this PO file (syntax error)")
    assert target.read_text("utf-8") == 'msgid "unterminated\n', "a reviewer's file was overwritten"


def test_glossary_terms_are_noted_for_reviewers(locales: Path) -> None:
    catalog = polib.pofile(str(locales / "ru" / "moscow-times-buryatia-objectors.po"))
    assert "|glossary:" in catalog.metadata["X-Pipeline-Signature"]
    entry = next(e for e in catalog if e.msgid.startswith("Last week, the Free Buryatia Foundation"))
    assert "term: Free Buryatia Foundation = фонд «Свободная Бурятия» [free-buryatia-foundation]" in entry.comment
    uk = polib.pofile(str(locales / "uk" / "mediazona-rosgvardiya-refusals.po"))
    notes = "\n".join(e.comment for e in uk)
    assert "term: Rosgvardiya = Росгвардія [rosgvardiya]; avoid: Національна гвардія, Нацгвардія" in notes
