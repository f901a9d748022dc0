"""Segmentation speed and accuracy against pysbd, on the seeds and our case tables."""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Callable
from pathlib import Path

from pipeline.ingest import find_articles, read_articles
from pipeline.segment import split_sentences

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "tests" / "data"


def _paragraphs() -> list[str]:
    articles, _ = read_articles(find_articles([ROOT / "seeds"]))
    return [block.text for article in articles for block in article.blocks if block.kind.translatable]


def _ours(text: str) -> list[str]:
    return [text[s.start : s.end] for s in split_sentences(text)]


def _score(segment: Callable[[str], list[str]], cases: list[dict[str, object]]) -> int:
    return sum(1 for case in cases if segment(str(case["text"])) == case["expected"])


def _both(ours: Callable[[str], list[str]], theirs: Callable[[str], list[str]], cases: list[dict[str, object]]) -> str:
    return f"{_score(ours, cases)}/{len(cases)} / {_score(theirs, cases)}/{len(cases)}"


def _by_kind(segment: Callable[[str], list[str]], cases: list[dict[str, object]]) -> str:
    """Cases right among those with a boundary to find, and among those with none to invent."""
    parts = []
    for kind in ("boundary", "no-boundary"):
        some = [case for case in cases if case.get("kind") == kind]
        parts.append(f"{kind} {_score(segment, some)}/{len(some)}")
    return ", ".join(parts)


def _rate(segment: Callable[[str], list[str]], paragraphs: list[str], min_seconds: float = 2.0) -> tuple[float, int]:
    # One untimed round first: what is loaded once (pysbd's rules, our word frequencies) is not the rate.
    for text in paragraphs:
        segment(text)
    rounds, sentences, started = 0, 0, time.perf_counter()
    while True:
        for text in paragraphs:
            sentences += len(segment(text))
        rounds += 1
        elapsed = time.perf_counter() - started
        if elapsed >= min_seconds:
            return sentences / elapsed, sentences // rounds


def _pysbd() -> Callable[[str], list[str]]:
    import pysbd

    segmenter = pysbd.Segmenter(language="en", clean=False)

    def theirs(text: str) -> list[str]:
        return [s.strip() for s in segmenter.segment(text) if s.strip()]

    return theirs


def _case_rows(name: str, cases: list[dict[str, object]], theirs: Callable[[str], list[str]]) -> list[tuple[str, str]]:
    return [
        (f"{name}: pipeline / pysbd", _both(_ours, theirs, cases)),
        (f"{name} by kind: pipeline", _by_kind(_ours, cases)),
        (f"{name} by kind: pysbd", _by_kind(theirs, cases)),
    ]


def run() -> list[tuple[str, str]]:
    theirs = _pysbd()

    golden = json.loads((DATA / "golden_rules_en.json").read_text("utf-8"))
    news = json.loads((DATA / "news_sentences.json").read_text("utf-8"))
    abbreviations = json.loads((DATA / "abbreviation_cases.json").read_text("utf-8"))
    paragraphs = _paragraphs()
    ours_rate, ours_count = _rate(_ours, paragraphs)
    theirs_rate, theirs_count = _rate(theirs, paragraphs)
    return [
        ("seed paragraphs", f"{len(paragraphs)} ({sum(map(len, paragraphs)):,} chars)"),
        ("sentences found: pipeline / pysbd", f"{ours_count} / {theirs_count}"),
        ("speed: pipeline", f"{ours_rate:,.0f} sentences/s"),
        ("speed: pysbd 0.3.4", f"{theirs_rate:,.0f} sentences/s"),
        ("speed ratio pipeline/pysbd", f"{ours_rate / theirs_rate:.1f}x"),
        ("golden rules: pipeline / pysbd", _both(_ours, theirs, golden)),
        ("news cases: pipeline / pysbd", _both(_ours, theirs, news)),
        *_case_rows("abbreviation cases, dev (issue #14)", abbreviations, theirs),
    ]


def main(paths: list[str]) -> None:
    """The benchmark's rows; each case file named ({"text", "expected", "kind"} objects) is scored the same way."""
    rows = run()
    theirs = _pysbd()
    for path in paths:
        rows += _case_rows(Path(path).name, json.loads(Path(path).read_text("utf-8")), theirs)
    width = max(len(name) for name, _ in rows)
    for name, value in rows:
        print(f"  {name:<{width}}  {value}")


if __name__ == "__main__":
    main(sys.argv[1:])
