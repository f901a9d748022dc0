"""`glossary check`: one broken file per check, asserting the message and the line it names."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from support import DATA, ROOT
from typer.testing import Result

from pipeline.errors import ConfigError
from pipeline.glossary.check import check_glossary
from pipeline.glossary.load import load_glossary

BAD = DATA / "glossary"

CASES = [
    ("bad-yaml.yaml", 6, "yaml", "expected ',' or ']'"),  # libyaml and pure-Python PyYAML word it differently
    ("bad-unknown-field.yaml", 6, "schema", "unknown field 'defintion'"),
    ("bad-missing-field.yaml", 3, "schema", "has no `definition`"),
    ("bad-type.yaml", 5, "schema", "type 'phrase' is unknown"),
    ("bad-head.yaml", 10, "schema", "ru head 'трибунал' is not a word of 'гарнизонный военный суд'"),
    ("bad-duplicate-id.yaml", 14, "duplicate-id", "id 'garrison-court' is already used at"),
    ("bad-duplicate-term.yaml", 14, "duplicate-term", "English 'garrison courts' of 'garrison-courts' is also 'garrison court'"),
    ("bad-approved-avoided.yaml", 3, "approved-avoided", "ru 'гарнизонный военный суд' of 'garrison-court' is approved"),
    ("bad-pattern-compile.yaml", 3, "pattern", "does not compile: missing ), unterminated subpattern"),
    ("bad-pattern-groups.yaml", 3, "pattern", "uk term of 'unit-number' does not use group {number}"),
    ("bad-missing-language.yaml", 3, "missing-language", "has no 'uk' term; add uk: {term: ...}"),
    ("bad-lookalike.yaml", 3, "lookalike", "'вoенный' of 'garrison-court' mixes Latin letters (o)"),
    ("bad-script-ru.yaml", 3, "script", "has Ukrainian-only letters (і)"),
    ("bad-script-uk.yaml", 3, "script", "has Russian-only letters (ы)"),
    ("bad-dnt.yaml", 3, "do-not-translate", "ru term of 'the-moscow-times' must be the English term unchanged"),
    ("bad-context.yaml", 9, "context", "unknown word class {nationality}"),
    ("bad-context-term.yaml", 10, "context", "write the term as ~ exactly once"),
]


@pytest.mark.parametrize(("name", "line", "check", "message"), CASES, ids=[c[0] for c in CASES])
def test_each_check_names_file_and_line(name: str, line: int, check: str, message: str) -> None:
    report = check_glossary([BAD / name])
    matching = [f for f in report.errors if f.check == check and message in f.message]
    assert matching, [str(f) for f in report.findings]
    assert matching[0].line == line and matching[0].path == str(BAD / name)


WARNINGS = [
    ("warn-no-source.yaml", "no-source"),
    ("warn-unknown-word.yaml", "unknown-word"),
    ("warn-common-word.yaml", "common-word"),
    ("warn-avoided-elsewhere.yaml", "avoided-elsewhere"),
]


@pytest.mark.parametrize(("name", "check"), WARNINGS)
def test_warnings_do_not_fail(cli: Callable[..., Result], name: str, check: str) -> None:
    report = check_glossary([BAD / name])
    assert not report.errors and [f.check for f in report.warnings] == [check]
    assert cli("glossary", "check", BAD / name).exit_code == 0
    assert cli("glossary", "check", BAD / name, "--strict").exit_code == 1


def test_a_context_rule_answers_the_sense_warnings(tmp_path: Path) -> None:
    guarded = tmp_path / "guarded.yaml"
    text = (BAD / "warn-common-word.yaml").read_text("utf-8")
    guarded.write_text(text.replace("    ru:\n", '    context:\n      only: ["rifle ~"]\n    ru:\n', 1), "utf-8")
    assert check_glossary([guarded]).findings == ()
    text = (BAD / "warn-avoided-elsewhere.yaml").read_text("utf-8")
    guarded.write_text(text.replace("    ru:\n", '    context:\n      unless: ["{foreign} ~"]\n    ru:\n', 1), "utf-8")
    assert check_glossary([guarded]).findings == ()


def test_good_file_is_clean() -> None:
    report = check_glossary([BAD / "good.yaml"])
    assert report.findings == () and report.entries == 1


def test_repo_glossary_is_clean_and_big_enough(cli: Callable[..., Result]) -> None:
    result = cli("glossary", "check", ROOT / "glossary", "--json")
    assert result.exit_code == 0, result.stdout
    payload = json.loads(result.stdout)
    assert payload["errors"] == 0
    assert payload["entries"] >= 120
    assert {Path(f).name for f in payload["files"]} >= {"military.yaml", "legal.yaml", "organizations.yaml", "places.yaml"}
    # Unknown words are only names and acronyms, which the dictionaries cannot hold.
    unknown = [f for f in payload["findings"] if f["check"] == "unknown-word"]
    assert all(f["severity"] == "warning" for f in unknown)


def test_cli_exit_codes(cli: Callable[..., Result], tmp_path: Path) -> None:
    errors = cli("glossary", "check", BAD / "bad-script-ru.yaml")
    assert errors.exit_code == 1
    assert f"{BAD / 'bad-script-ru.yaml'}:3: error: [script]" in errors.stderr
    missing = cli("glossary", "check", tmp_path / "nowhere")
    assert missing.exit_code == 2
    assert missing.stderr.strip() == f"error: {tmp_path / 'nowhere'}: no such glossary file or folder; check the path"


def test_load_refuses_a_broken_glossary() -> None:
    with pytest.raises(ConfigError) as caught:
        load_glossary([BAD / "bad-type.yaml"])
    assert str(caught.value).startswith(f"{BAD / 'bad-type.yaml'}:5: type 'phrase' is unknown")


def test_glossary_hash_changes_with_content(tmp_path: Path) -> None:
    first = load_glossary([BAD / "good.yaml"]).content_hash
    copy = tmp_path / "good.yaml"
    copy.write_text((BAD / "good.yaml").read_text("utf-8").replace("first instance", "first-instance"), "utf-8")
    assert load_glossary([copy]).content_hash != first
