"""Terms and QA inside `pipeline run`: the raw MT beside the fix, findings in the review file's comments."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import polib
from support import ROOT, SEEDS
from typer.testing import Result

from pipeline.formats.po import RunInfo, build_catalog
from pipeline.glossary.load import load_glossary
from pipeline.glossary.match import TermMatcher
from pipeline.ingest import read_article
from pipeline.run import review_segments


def test_review_segments_fix_terms_and_keep_the_raw_mt(tmp_path: Path) -> None:
    article = read_article(SEEDS / "mediazona-rosgvardiya-refusals.txt")
    glossary = load_glossary([ROOT / "glossary"])
    segment = next(s for s in article.segments if s.text.startswith("Near Kharkiv, the National Guard came under fire."))
    raw = "Под Харьковом Национальная гвардия попала под обстрел."
    hits = {segment.text: TermMatcher(glossary).find(segment.text)}
    reviewed = review_segments(article, "ru", {segment.text: raw}, hits, glossary)
    translation = reviewed[segment.id]
    assert translation.text == "Под Харьковом Росгвардия попала под обстрел."
    assert translation.raw == raw
    assert [f.check for f in translation.findings] == ["term-fixed"]

    catalog = build_catalog(article, "ru", reviewed, RunInfo("test", "2026-01-01 00:00+0000"))
    path = tmp_path / "a.po"
    catalog.save(str(path))
    entry = next(e for e in polib.pofile(str(path)) if e.msgctxt == segment.id)
    assert entry.msgstr == translation.text and "fuzzy" in entry.flags
    assert f"mt: {raw}" in entry.comment
    assert "qa: info: [term-fixed] «Национальная гвардия» → «Росгвардия» (rosgvardiya" in entry.comment


def test_seed_run_with_the_generated_model_reports_qa(cli: Callable[..., Result], models_dir: Path, tmp_path: Path) -> None:
    seed = SEEDS / "meduza-contract-soldiers.txt"
    result = cli(
        "run",
        seed,
        "--to",
        "uk",
        "--models-dir",
        models_dir,
        "--max-length",
        "6",
        "--no-cache",
        "--out",
        tmp_path,
        "-g",
        ROOT / "glossary",
    )
    assert result.exit_code == 0, result.stderr
    catalog = polib.pofile(str(tmp_path / "uk" / f"{seed.stem}.po"))
    translated = [e for e in catalog if e.msgstr]
    assert translated
    # Random weights cannot produce the approved terms, so every segment with a glossary term is flagged.
    with_terms = [e for e in translated if "term: " in e.comment]
    assert with_terms and all("[term-missing]" in e.comment or "[term-needs-review]" in e.comment for e in with_terms)
    audit = cli("qa", tmp_path, "-g", ROOT / "glossary")
    assert audit.exit_code in (0, 1) and "[term-missing]" in audit.stdout
