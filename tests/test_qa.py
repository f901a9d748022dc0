"""`pipeline qa` on edited review files: terms, QA, consistency, exit codes and output formats."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import polib
import pytest
from support import ROOT
from typer.testing import Result


def write_po(path: Path, lang: str, entries: list[tuple[str, str]]) -> Path:
    catalog = polib.POFile()
    catalog.metadata = {"Language": lang, "Content-Type": "text/plain; charset=UTF-8"}
    for number, (source, target) in enumerate(entries):
        catalog.append(polib.POEntry(msgctxt=f"s{number}", msgid=source, msgstr=target))
    path.parent.mkdir(parents=True, exist_ok=True)
    catalog.save(str(path))
    return path


@pytest.fixture
def locales(tmp_path: Path) -> Path:
    root = tmp_path / "locales"
    write_po(
        root / "ru" / "a.po",
        "ru",
        [
            ("The garrison court rejected the appeal.", "Гарнизонный военный суд отклонил жалобу."),
            ("Rosgvardiya units arrived.", "Подразделения Национальной гвардии прибыли."),
            ("The contract soldiers left.", "Военнослужащие по контракту ушли."),
        ],
    )
    write_po(
        root / "ru" / "b.po",
        "ru",
        [
            ("The contract soldiers left.", "Контрактники ушли."),
            ("The contract soldiers stayed.", "Военнослужащие по контракту остались."),
        ],
    )
    write_po(root / "uk" / "c.po", "uk", [("He fled to Kharkiv.", "Він утік до Харькова.")])
    return root


def qa(cli: Callable[..., Result], *args: object) -> Result:
    return cli("qa", *args, "-g", ROOT / "glossary")


def test_findings_name_file_line_and_check(cli: Callable[..., Result], locales: Path) -> None:
    result = qa(cli, locales / "ru")
    assert result.exit_code == 1, result.stdout
    lines = result.stdout.splitlines()
    a = locales / "ru" / "a.po"
    avoided = [line for line in lines if "[term-avoided]" in line]
    assert len(avoided) == 1
    assert (
        avoided[0].startswith(f"{a}:")
        and "«Национальной гвардии» is a wrong rendering of “Rosgvardiya” (rosgvardiya" in avoided[0]
        and avoided[0].endswith("use «Росгвардии»")
    )
    line_number = int(avoided[0].split(":")[1])
    assert "Подразделения Национальной гвардии" in a.read_text("utf-8").splitlines()[line_number - 1 + 2]
    consistency = [line for line in lines if "[consistency]" in line]
    assert len(consistency) == 1 and "contract-soldier is rendered «контрактник»" in consistency[0]


def test_clean_files_pass_and_strict_counts_warnings(cli: Callable[..., Result], tmp_path: Path) -> None:
    write_po(tmp_path / "ru" / "ok.po", "ru", [("The garrison court ruled.", "Гарнизонный военный суд вынес решение.")])
    assert qa(cli, tmp_path).exit_code == 0
    write_po(tmp_path / "ru" / "warn.po", "ru", [("The garrison court ruled.", "Суд вынес решение.")])
    loose, strict = qa(cli, tmp_path), qa(cli, tmp_path, "--strict")
    assert loose.exit_code == 0 and strict.exit_code == 1
    assert "[term-needs-review]" in loose.stdout and "«Суд»" in loose.stdout


def test_lang_filter_and_json(cli: Callable[..., Result], locales: Path) -> None:
    result = qa(cli, locales, "--lang", "uk", "--json")
    payload = json.loads(result.stdout)
    assert [Path(f).name for f in payload["files"]] == ["c.po"]
    (finding,) = [f for f in payload["findings"] if f["check"] == "term-avoided"]
    assert finding["entry_id"] == "kharkiv" and "use «Харкова»" in finding["message"]


def test_github_annotations(cli: Callable[..., Result], locales: Path) -> None:
    result = qa(cli, locales / "uk", "--format", "github")
    assert result.stdout.startswith(f"::error file={locales / 'uk' / 'c.po'},line=")
    assert ",title=term-avoided::" in result.stdout


def test_no_review_files_is_exit_2(cli: Callable[..., Result], tmp_path: Path) -> None:
    result = qa(cli, tmp_path)
    assert result.exit_code == 2 and "no review files (.po) here" in result.stderr
