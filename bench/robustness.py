"""Growth with the input: segmentation of long paragraphs, ingest of many articles, merging big catalogs.

Each row gives the time at each size and, in brackets, how many times the
time before that is against how many times the input: linear work grows like
the input (x3.0 then x2.2 for 100k, 300k and 672k characters).

    python bench/robustness.py
"""

from __future__ import annotations

import functools
import multiprocessing
import random
import re
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path

import polib

from pipeline.ingest import find_articles, read_articles
from pipeline.merge import merge_catalog
from pipeline.segment import segment_id, split_sentences

CHARS = (100_000, 300_000, 672_000)
ARTICLES = (1_000, 10_000)
ENTRIES = (2_000, 20_000)
MERGE_TIMEOUT = 120.0  # seconds for one merge; a slower one is reported as stopped, not waited for

PARAGRAPHS = {
    "brackets and URLs": (
        "The 31st brigade (see the map [1]) moved north, according to https://example.org/report-2023 "
        "and press@example.org. Officers (who declined to be named [2]) said so in www.meduza.io/en. "
    ),
    "no brackets or URLs": (
        "The 31st brigade moved north, according to the ministry and the agency. Officers who declined said so. "
    ),
    "abbreviations, no sentence end": "Gen. Petrov and Lt. Col. Ivanov met Mr. Smith and Dr. Jones, ",
    "one token, no spaces": "A",
}

ROOT = Path(__file__).resolve().parent.parent


def _seed_words() -> list[str]:
    """Every word of the seed articles, repeats included: drawing from it gives news text's word frequencies."""
    articles, _ = read_articles(find_articles([ROOT / "seeds"]))
    return [w for a in articles for b in a.blocks if b.kind.translatable for w in re.findall(r"[A-Za-z][\w'-]*", b.text)]


def _best(action: Callable[[], object], rounds: int = 3) -> float:
    """The fastest of a few runs: the others measure the machine's other work."""
    times = []
    for _ in range(rounds):
        started = time.perf_counter()
        action()
        times.append(time.perf_counter() - started)
    return min(times)


def _growth(sizes: Sequence[int], seconds: Sequence[float | None], unit: Callable[[int], str]) -> str:
    parts = []
    for i, (size, took) in enumerate(zip(sizes, seconds, strict=True)):
        if took is None:
            parts.append(f"{unit(size)}: stopped after {MERGE_TIMEOUT:.0f} s")
            continue
        part = f"{unit(size)}: {took:.3f} s" if took >= 0.01 else f"{unit(size)}: {took * 1e6:.0f} µs"
        before = seconds[i - 1] if i else None
        if before:
            part += f" (x{took / before:.1f} for x{size / sizes[i - 1]:.1f})"
        parts.append(part)
    return "; ".join(parts)


def _kilo(size: int) -> str:
    return f"{size // 1000}k"


def _count(size: int) -> str:
    return f"{size:,}"


# --- segmentation ---------------------------------------------------------------


def segmentation_rows() -> list[tuple[str, str]]:
    rows = []
    for name, unit in PARAGRAPHS.items():
        texts = [(unit * (size // len(unit) + 1))[:size] for size in CHARS]
        seconds: list[float | None] = [_best(functools.partial(split_sentences, text)) for text in texts]
        rows.append((f"segmentation, one paragraph: {name}", _growth(CHARS, seconds, _kilo)))
    return rows


# --- ingest -------------------------------------------------------------------------


def _write_articles(folder: Path, count: int) -> None:
    for i in range(count):
        (folder / f"story-{i:05d}.txt").write_text(
            f"Story number {i}\n\nSoldiers of unit {i} refused to fight. A court in Buryatia heard case No. {i}.\n",
            encoding="utf-8",
        )


def _ingest(folder: Path) -> None:
    read_articles(find_articles([folder]))


def ingest_rows() -> list[tuple[str, str]]:
    seconds: list[float | None] = []
    with tempfile.TemporaryDirectory() as scratch:
        for count in ARTICLES:
            folder = Path(scratch) / str(count)
            folder.mkdir()
            _write_articles(folder, count)
            seconds.append(_best(functools.partial(_ingest, folder), rounds=2))
    return [("ingest, small .txt articles in a folder", _growth(ARTICLES, seconds, _count))]


# --- merge ----------------------------------------------------------------------------


def _sentences(count: int, words: list[str], rng: random.Random) -> list[str]:
    """Distinct sentences of 12 to 20 words, each with a number of its own."""
    out = []
    for i in range(count):
        chosen = [rng.choice(words) for _ in range(rng.randint(11, 19))]
        chosen.insert(rng.randrange(len(chosen)), str(i))
        out.append(" ".join(chosen).capitalize() + ".")
    return out


def _changed(sentence: str, words: list[str], rng: random.Random) -> str:
    """The same sentence with one word replaced: its id changes, so only the fuzzy match can find it."""
    chosen = sentence.rstrip(".").split()
    at = rng.randrange(len(chosen))
    replacement = chosen[at]
    while replacement.lower() == chosen[at].lower():
        replacement = rng.choice(words)
    chosen[at] = replacement
    return " ".join(chosen) + "."


def _catalog(sources: list[str], translated: bool) -> polib.POFile:
    catalog = polib.POFile()
    for i, source in enumerate(sources):
        msgstr = f"перевод {i}" if translated else ""
        catalog.append(polib.POEntry(msgctxt=segment_id(source), msgid=source, msgstr=msgstr))
    return catalog


def _time_merge(size: int, with_existing: bool, results: multiprocessing.Queue[tuple[float, int]]) -> None:
    rng = random.Random(size)
    words = _seed_words()
    old = _sentences(size, words, rng)
    new = [_changed(s, words, rng) for s in old]
    fresh = _catalog(new, translated=False)
    existing = _catalog(old, translated=True) if with_existing else None
    started = time.perf_counter()
    merged = merge_catalog(fresh, existing)
    took = time.perf_counter() - started
    results.put((took, sum(1 for e in merged if not e.obsolete and e.msgstr and "fuzzy" in e.flags)))


def _merge_in_process(size: int, with_existing: bool) -> tuple[float, int] | None:
    """One merge in its own process, so one that is still quadratic can be stopped."""
    context = multiprocessing.get_context("fork")
    results: multiprocessing.Queue[tuple[float, int]] = context.Queue()
    worker = context.Process(target=_time_merge, args=(size, with_existing, results))
    worker.start()
    worker.join(MERGE_TIMEOUT)
    if worker.is_alive():
        worker.terminate()
        worker.join()
        return None
    return results.get(timeout=5)


def merge_rows() -> list[tuple[str, str]]:
    rows = []
    for with_existing, label in ((False, "fresh catalog (no existing file)"), (True, "existing catalog, every source changed")):
        measured = [_merge_in_process(size, with_existing) for size in ENTRIES]
        seconds = [m[0] if m else None for m in measured]
        carried = ", ".join(f"{m[1]:,}/{size:,}" for m, size in zip(measured, ENTRIES, strict=True) if m)
        suffix = f"; translations carried as fuzzy: {carried}" if with_existing and carried else ""
        rows.append((f"merge_catalog, {label}", _growth(ENTRIES, seconds, _count) + suffix))
    return rows


def run() -> list[tuple[str, str]]:
    return segmentation_rows() + ingest_rows() + merge_rows()


if __name__ == "__main__":
    results = run()
    width = max(len(name) for name, _ in results)
    for name, value in results:
        print(f"  {name:<{width}}  {value}")
