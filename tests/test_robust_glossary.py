"""Glossary YAML that PyYAML would quietly accept: duplicate keys, tags, bad bytes, patterns the matcher cannot join."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from support import DATA, ROOT
from typer.testing import Result

from pipeline.errors import ConfigError
from pipeline.glossary.check import check_glossary
from pipeline.glossary.load import load_glossary
from pipeline.yamlio import compose_yaml, load_yaml

ROBUST = DATA / "robust"
ARTICLE = ROBUST / "tm-article.txt"

CASES = [
    # (file, line, check, message start) as `glossary check` reports them and load_glossary refuses them
    ("dup-key-id.yaml", 8, "duplicate-key", "key 'id' appears twice in this mapping (first at line 3)"),
    ("dup-key-term.yaml", 5, "duplicate-key", "key 'term' appears twice in this mapping (first at line 4)"),
    ("dup-key-nested.yaml", 11, "duplicate-key", "key 'term' appears twice in this mapping (first at line 9)"),
    ("python-tag.yaml", 6, "yaml-tag", "YAML tag '!!python/object:os.system' is not allowed"),
    ("bad-utf8.yaml", 6, "yaml", "not valid UTF-8: byte 0xe9 at column 57 (byte offset 143); save the file as UTF-8"),
    ("pattern-inline-flag.yaml", 3, "pattern", "pattern of 'unit-number' uses a global inline flag"),
    ("pattern-backref.yaml", 3, "pattern", "pattern of 'unit-number' refers to a group by number (\\3)"),
]


@pytest.mark.parametrize(("name", "line", "check", "message"), CASES, ids=[c[0] for c in CASES])
def test_check_reports_file_and_line(cli: Callable[..., Result], name: str, line: int, check: str, message: str) -> None:
    path = ROBUST / name
    report = check_glossary([path], morphology=False)
    assert [(f.path, f.line, f.check) for f in report.errors] == [(str(path), line, check)], [str(f) for f in report.errors]
    assert report.errors[0].message.startswith(message)
    result = cli("glossary", "check", path, "--no-morphology")
    assert result.exit_code == 1
    assert f"{path}:{line}: error: [{check}] {message}" in result.stderr
    assert "must be non-empty" not in result.stderr


@pytest.mark.parametrize(("name", "line", "check", "message"), CASES, ids=[c[0] for c in CASES])
def test_load_refuses_with_file_and_line(name: str, line: int, check: str, message: str) -> None:
    path = ROBUST / name
    with pytest.raises(ConfigError) as caught:
        load_glossary([path])
    assert str(caught.value).startswith(f"{path}:{line}: {message}")


@pytest.mark.parametrize(("name", "line", "check", "message"), CASES, ids=[c[0] for c in CASES])
def test_run_stops_with_one_line(
    cli: Callable[..., Result], tmp_path: Path, name: str, line: int, check: str, message: str
) -> None:
    path = ROBUST / name
    result = cli("run", ARTICLE, "--to", "ru", "--engine", "none", "--glossary", path, "--out", tmp_path)
    assert result.exit_code == 2, (result.stdout, result.exception)
    assert "Traceback" not in result.stderr
    error = result.stderr.strip()
    assert "\n" not in error and error.startswith(f"error: {path}:{line}: {message}")


def test_duplicate_id_across_files() -> None:
    first, second = ROBUST / "dup-id-a.yaml", ROBUST / "dup-id-b.yaml"
    expected = f"{second}:10: id 'garrison-court' is already used at {first}:3; rename one"
    report = check_glossary([first, second], morphology=False)
    assert [str(f) for f in report.errors] == [f"{second}:10: error: [duplicate-id] {expected.split(': ', 1)[1]}"]
    with pytest.raises(ConfigError) as caught:
        load_glossary([first, second])
    assert str(caught.value).startswith(expected)


def test_one_english_form_in_two_entries_stops_load() -> None:
    # The matcher would silently keep the first entry for the form.
    bad = DATA / "glossary" / "bad-duplicate-term.yaml"
    with pytest.raises(ConfigError) as caught:
        load_glossary([bad])
    assert str(caught.value).startswith(f"{bad}:14: English 'garrison courts' of 'garrison-courts' is also 'garrison court'")


def test_an_uncompilable_pattern_stops_load_not_run() -> None:
    bad = DATA / "glossary" / "bad-pattern-compile.yaml"
    with pytest.raises(ConfigError) as caught:
        load_glossary([bad])
    assert str(caught.value).startswith(f"{bad}:3: pattern of 'unit-number' does not compile: missing ), unterminated subpattern")


def test_scoped_flags_and_named_references_are_fine(tmp_path: Path) -> None:
    path = tmp_path / "ok.yaml"
    text = (ROBUST / "pattern-inline-flag.yaml").read_text("utf-8")
    path.write_text(
        text.replace(r"'(?i)unit\s+(?P<number>\d{4,5})'", r"'(?-i:U)nit\s+(?P<number>\d{4,5})(?:/(?P=number))?'"), "utf-8"
    )
    assert check_glossary([path], morphology=False).errors == ()
    assert load_glossary([path]).by_id()["unit-number"].pattern is not None


def test_the_repository_glossary_has_no_duplicate_keys() -> None:
    from support import ROOT

    load_glossary([ROOT / "glossary"])


# --- the same loader for the other data files -------------------------------------------


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        ("a: 1\nb:\n  c: 2\n  c: 3\n", 4, "key 'c' appears twice in this mapping (first at line 3)"),
        ("- {x: 1, x: 2}\n", 1, "key 'x' appears twice in this mapping (first at line 1)"),
        ("a: !!python/name:os.system\n", 1, "YAML tag '!!python/name:os.system' is not allowed"),
        ("a: !custom x\n", 1, "YAML tag '!custom' is not allowed"),
    ],
)
def test_data_files_refuse_duplicates_and_tags(text: str, line: int, message: str) -> None:
    for read in (load_yaml, compose_yaml):
        with pytest.raises(ConfigError) as caught:
            read(text, "data.yaml")
        assert str(caught.value).startswith(f"data.yaml:{line}: {message}")


def test_data_files_still_read() -> None:
    assert load_yaml("a: [1, two]\nb: {c: null, d: 2024-01-01}\n", "x.yaml")["a"] == [1, "two"]
    anchors = "base: &b {x: 1}\none: *b\ntwo: *b\n"
    assert load_yaml(anchors, "x.yaml")["two"] == {"x": 1}


def test_a_folder_named_like_a_yaml_file_is_not_read_as_one(cli: Callable[..., Result], tmp_path: Path) -> None:
    """Found by an audit: `glossary check` on a folder holding `x.yaml/` crashed with IsADirectoryError."""
    folder = tmp_path / "glossary"
    (folder / "x.yaml").mkdir(parents=True)
    shutil.copy(ROOT / "glossary" / "places.yaml", folder / "places.yaml")
    result = cli("glossary", "check", folder)
    assert result.exit_code == 0, result.output
    assert "Traceback" not in result.output
