"""The CLI as a user meets it: help texts, exit codes, one-line errors."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from support import SEEDS
from typer.testing import Result

from pipeline.cli import app

COMMANDS = sorted(command.name or (command.callback.__name__ if command.callback else "") for command in app.registered_commands)


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_has_help_with_an_example(cli: Callable[..., Result], command: str) -> None:
    result = cli(command, "--help")
    assert result.exit_code == 0
    assert "Example: pipeline" in result.stdout


def test_version(cli: Callable[..., Result]) -> None:
    result = cli("--version")
    assert result.exit_code == 0 and result.stdout.startswith("pipeline ")


def test_segment_json(cli: Callable[..., Result]) -> None:
    result = cli("segment", SEEDS / "moscow-times-buryatia-objectors.txt", "--json")
    assert result.exit_code == 0
    (article,) = json.loads(result.stdout)
    kinds = {b["kind"] for b in article["blocks"]}
    assert {"heading", "paragraph", "caption", "boilerplate"} <= kinds
    first = article["blocks"][0]
    assert first["kind"] == "boilerplate" and first["translatable"] is False
    seg = next(b for b in article["blocks"] if b["kind"] == "paragraph")["segments"][0]
    assert {"id", "text", "start", "end"} <= seg.keys()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--to", "xx"], "error: unknown language code 'xx'; use an ISO 639-1 code such as ru or uk"),
        (["--to", "en"], "error: 'en' is the source language; translate --to another language, such as ru or uk"),
        (["--to", "ru", "--engine", "deepl"], "error: unknown engine 'deepl'; choose one of: auto, argos, none"),
    ],
)
def test_bad_options_are_one_line_exit_2(cli: Callable[..., Result], tmp_path: Path, args: list[str], message: str) -> None:
    result = cli("run", SEEDS, *args, "--out", tmp_path)
    assert result.exit_code == 2
    assert result.stderr.strip() == message
    assert not list(tmp_path.iterdir()), "nothing may be written when the options are wrong"


def test_engine_none_needs_no_models(cli: Callable[..., Result], tmp_path: Path) -> None:
    result = cli("run", SEEDS, "--to", "ru,uk", "--engine", "none", "--out", tmp_path, "--models-dir", tmp_path / "none")
    assert result.exit_code == 0, result.stderr
    assert result.stderr == ""
    assert len(list(tmp_path.glob("*/*.po"))) == 10


def test_source_date_epoch_makes_two_runs_write_the_same_bytes(
    cli: Callable[..., Result], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    seed = SEEDS / "meduza-savchenko-escape.txt"
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")  # 2026-01-01 00:00 UTC
    for out in ("a", "b"):
        assert cli("run", seed, "--to", "ru", "--engine", "none", "--out", tmp_path / out).exit_code == 0
    po = (tmp_path / "a" / "ru" / f"{seed.stem}.po").read_text("utf-8")
    assert "2026-01-01 00:00+0000" in po
    for path in sorted((tmp_path / "a").rglob("*.*")):
        assert (tmp_path / "b" / path.relative_to(tmp_path / "a")).read_bytes() == path.read_bytes(), path.name
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "yesterday")
    result = cli("run", seed, "--to", "ru", "--engine", "none", "--out", tmp_path / "c")
    assert result.exit_code == 2
    assert (
        result.stderr.strip()
        == "error: SOURCE_DATE_EPOCH='yesterday' is not a number of seconds since 1970; unset it or give one"
    )
    assert not (tmp_path / "c").exists()
