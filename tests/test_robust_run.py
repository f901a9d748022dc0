"""Robustness of the run's own machinery: the cache, temporary files, writes, progress, qa on odd files."""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Callable
from pathlib import Path

import polib
import pytest
from support import ROOT, SEEDS
from typer.testing import Result

from pipeline.cache import TranslationCache

SEED = SEEDS / "mediazona-rosgvardiya-refusals.txt"


# --- the translation cache ----------------------------------------------------------------------------


def filled_cache(path: Path) -> None:
    with TranslationCache(path) as cache:
        cache.put_many("engine", "ru", {"Hello.": "Привет."})


def test_a_locked_cache_is_not_taken_for_corrupt(tmp_path: Path) -> None:
    """Found by an audit: “database is locked” was caught as corruption and a healthy cache was moved aside."""
    path = tmp_path / "cache.sqlite3"
    filled_cache(path)
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("PRAGMA locking_mode = EXCLUSIVE")
    holder.execute("BEGIN EXCLUSIVE")
    try:
        cache = TranslationCache(path, timeout=0.1)
        assert cache.get_many("engine", "ru", ["Hello."]) == {}
        cache.put_many("engine", "ru", {"Bye.": "Пока."})  # no exception: the run goes on without the cache
        cache.close()
    finally:
        holder.rollback()
        holder.close()
    assert [n.message for n in cache.notices] and all("not used" in n.message for n in cache.notices)
    assert list(tmp_path.glob("*.corrupt-*")) == []
    with TranslationCache(path) as again:
        assert again.get_many("engine", "ru", ["Hello."]) == {"Hello.": "Привет."}


def test_a_cache_path_that_cannot_be_opened_is_left_alone(tmp_path: Path) -> None:
    """Found by an audit: “unable to open database file” moved the path aside (here: a folder of the user's)."""
    folder = tmp_path / "not-a-file"
    folder.mkdir()
    (folder / "keep.txt").write_text("mine", "utf-8")
    cache = TranslationCache(folder)
    assert cache.get_many("engine", "ru", ["Hello."]) == {}
    cache.close()
    assert (folder / "keep.txt").read_text("utf-8") == "mine"
    assert "not used" in cache.notices[0].message


def test_a_corrupt_cache_that_cannot_be_moved_aside_is_a_notice_not_a_traceback(tmp_path: Path) -> None:
    path = tmp_path / "cache.sqlite3"
    path.write_bytes(b"this is not a database" * 100)
    now = int(time.time())
    for second in range(now, now + 5):  # the names it would move the file to are taken by folders
        (tmp_path / f"cache.sqlite3.corrupt-{second}" / "x").mkdir(parents=True)
    cache = TranslationCache(path)
    cache.put_many("engine", "ru", {"a": "б"})
    cache.close()
    assert "could not be moved aside" in cache.notices[0].message
    assert path.read_bytes().startswith(b"this is not a database")


def test_run_goes_on_when_the_cache_cannot_be_opened(cli: Callable[..., Result], models_dir: Path, tmp_path: Path) -> None:
    path = tmp_path / "cache.sqlite3"
    filled_cache(path)
    (tmp_path / "dir-cache").mkdir()
    result = cli(
        "run",
        SEED,
        "--to",
        "ru",
        "--models-dir",
        models_dir,
        "--max-length",
        "4",
        "--out",
        tmp_path / "out",
        "--cache",
        tmp_path / "dir-cache",
    )
    assert result.exit_code == 0, result.stderr
    assert "translation cache not used" in result.stderr
    assert (tmp_path / "out" / "ru" / f"{SEED.stem}.po").exists()


# --- writes ---------------------------------------------------------------------------------------------


def test_a_killed_runs_temporary_files_are_removed_by_the_next_run(cli: Callable[..., Result], tmp_path: Path) -> None:
    """Found by an audit: `.…tmp` files (0 bytes, mode 0600) of killed runs stayed in locales/ for good."""
    import subprocess
    import sys

    out = tmp_path / "out"
    folder = out / "ru"
    folder.mkdir(parents=True)
    # A write in a process that is then killed: its temporary file is what a crash leaves.
    code = (
        "import os, tempfile; "
        f"tempfile.mkstemp(prefix='.{SEED.stem}.po.' + str(os.getpid()) + '.', suffix='.tmp', dir={str(folder)!r}); "
        "os.kill(os.getpid(), 9)"
    )
    subprocess.run([sys.executable, "-c", code], check=False)
    (left,) = folder.glob(".*.tmp")
    busy = folder / f".{SEED.stem}.html.{__import__('os').getpid()}.abc.tmp"  # a live process's write in progress
    busy.write_text("", "utf-8")
    result = cli("run", SEED, "--to", "ru", "--engine", "none", "--out", out)
    assert result.exit_code == 0, result.stderr
    assert not left.exists() and busy.exists()
    assert "removed 1 temporary files an interrupted run left" in result.stderr


def test_a_write_that_fails_outside_run_does_not_mention_the_out_folder(cli: Callable[..., Result], tmp_path: Path) -> None:
    """Found by an audit: `publish -o`, `tm export`, `glossary import` told the user to choose another --out folder."""
    out = tmp_path / "out"
    assert cli("run", SEED, "--to", "ru", "--engine", "none", "--out", out).exit_code == 0
    blocker = tmp_path / "file"
    blocker.write_text("x", "utf-8")
    result = cli("tm", "export", out, "-o", blocker / "memory.tmx")  # a file where a folder should be
    assert result.exit_code != 0 and "cannot write here" in result.stderr
    assert "--out" not in result.stderr


# --- qa on review files with an odd header ----------------------------------------------------------------


def test_qa_on_a_po_without_a_language_is_one_clear_line(cli: Callable[..., Result], tmp_path: Path) -> None:
    """Found by an audit: no Language header (or an unknown one) gave an UnknownLocaleError traceback."""
    folder = tmp_path / "review"
    folder.mkdir()
    for name, header in (("none.po", {}), ("odd.po", {"Language": "xx-klingon"})):
        catalog = polib.POFile()
        catalog.metadata = {"Content-Type": "text/plain; charset=UTF-8", **header}
        catalog.append(polib.POEntry(msgid="There were 31,000 of them.", msgstr="Их было 31 000."))
        catalog.save(str(folder / name))
        result = cli("qa", folder / name, "-g", ROOT / "glossary")
        assert result.exit_code == 2, result.output
        (line,) = result.stderr.strip().splitlines()
        assert line.startswith(f"error: {folder / name}: cannot tell the translation's language") and "Language: ru" in line
    # Under locales/<lang>/ the folder says it.
    ru = tmp_path / "locales" / "ru"
    ru.mkdir(parents=True)
    (folder / "none.po").rename(ru / "none.po")
    assert cli("qa", ru / "none.po", "-g", ROOT / "glossary").exit_code == 0


# --- archives: chunked runs -------------------------------------------------------------------------------


def test_a_run_in_small_chunks_writes_exactly_what_one_chunk_writes(
    models_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Articles go through translation and writing a chunk at a time (memory flat in the archive's size)."""
    import pipeline.run as run_module
    from pipeline.engines.base import EngineOptions
    from pipeline.run import RunRequest, run

    def request(out: Path) -> RunRequest:
        return RunRequest(
            inputs=(SEEDS,),
            target_langs=("ru", "uk"),
            out_dir=out,
            engine="argos",
            glossary=(ROOT / "glossary",),
            engine_options=EngineOptions(models_dir=models_dir, max_length=4),
            use_cache=False,
        )

    whole = run(request(tmp_path / "whole"), "2026-01-01 00:00+0000")
    monkeypatch.setattr(run_module, "CHUNK_SEGMENTS", 40)
    # Which articles' texts the run holds: read for its chunk, let go once that chunk is written.
    events: list[tuple[str, str]] = []
    read, write = run_module.read_article, run_module._write_article
    monkeypatch.setattr(run_module, "read_article", lambda path: events.append(("read", str(path))) or read(path))
    monkeypatch.setattr(
        run_module, "_write_article", lambda article, *rest: events.append(("write", article.path)) or write(article, *rest)
    )
    seen: list[tuple[str, int, int]] = []
    chunked = run(request(tmp_path / "chunked"), "2026-01-01 00:00+0000", lambda *p: seen.append(p))
    assert chunked.translated == whole.translated
    assert chunked.articles == whole.articles == len(list(SEEDS.glob("*.txt")))
    held, most = set(), 0
    for kind, path in events:
        held = held | {path} if kind == "read" else held - {path}
        most = max(most, len(held))
    assert most <= 2 < whole.articles, "a chunk of 40 segments holds an article or two, never the archive"
    for path in sorted((tmp_path / "whole").rglob("*.*")):
        assert (tmp_path / "chunked" / path.relative_to(tmp_path / "whole")).read_bytes() == path.read_bytes(), path.name
    for lang in ("ru", "uk"):
        done = [d for lang_, d, _ in seen if lang_ == lang]
        totals = {t for lang_, _, t in seen if lang_ == lang}
        assert done == sorted(done) and len(totals) == 1 and max(done) <= totals.pop()


def test_a_control_character_from_mt_or_a_reviewer_never_breaks_the_xliff(cli: Callable[..., Result], tmp_path: Path) -> None:
    """Ingest cleans articles; a translation (MT, a memory, an import) can still hold one: XLIFF must not raise."""
    from lxml import etree

    out = tmp_path / "out"
    assert cli("run", SEED, "--to", "ru", "--engine", "none", "--out", out).exit_code == 0
    po = out / "ru" / f"{SEED.stem}.po"
    catalog = polib.pofile(str(po), wrapwidth=0)
    entry = next(e for e in catalog if e.msgid.startswith("Near Kharkiv"))
    entry.msgstr = "Под Харьковом\x1b Росгвардия\x0c попала под обстрел."
    catalog.save(str(po))
    result = cli("qa", po, "--fix-comments", "-g", ROOT / "glossary")
    assert result.exit_code in (0, 1), result.output
    document = etree.parse(str(po.with_suffix(".xlf")))
    targets = [t.text or "" for t in document.iter("{urn:oasis:names:tc:xliff:document:1.2}target")]
    assert "Под Харьковом\ufffd Росгвардия\ufffd попала под обстрел." in targets
