"""Terms and QA inside `pipeline run`: the raw MT beside the fix, findings in the review file's comments."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import polib
from support import ROOT, SEEDS
from typer.testing import Result

from pipeline.assess import Assessor
from pipeline.formats.po import RunInfo, build_catalog
from pipeline.glossary.load import load_glossary
from pipeline.ingest import read_article
from pipeline.model import EngineSignature, RunSignature
from pipeline.review_files import write_review_files
from pipeline.run import machine_assessments


def test_machine_output_is_fixed_and_the_raw_mt_kept_in_the_review_file(tmp_path: Path) -> None:
    article = read_article(SEEDS / "mediazona-rosgvardiya-refusals.txt")
    glossary = load_glossary([ROOT / "glossary"])
    segment = next(s for s in article.segments if s.text.startswith("Near Kharkiv, the National Guard came under fire."))
    raw = "Под Харьковом Национальная гвардия попала под обстрел."
    assessor = Assessor(glossary, "ru")
    assessed = machine_assessments(article, {segment.text: raw}, assessor)
    translation = assessed[segment.id]
    assert translation.text == "Под Харьковом Росгвардия попала под обстрел."
    assert translation.raw_mt == raw
    assert [f.check for f in translation.findings] == ["term-fixed"]

    signature = RunSignature("test", EngineSignature("none"), glossary.content_hash)
    catalog = build_catalog(article, "ru", assessed, RunInfo(signature, "2026-01-01 00:00+0000"))
    written = write_review_files(
        tmp_path, "a", catalog, assessor, article, original="a.txt", signature=str(signature), formats=("po",)
    )
    assert written.paths == (tmp_path / "a.po",)
    entry = next(e for e in polib.pofile(str(tmp_path / "a.po")) if e.msgctxt == segment.id)
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
