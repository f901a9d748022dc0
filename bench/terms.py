"""Term verification and enforcement speed on the seeds (accuracy: bench/term_corpus.py)."""

from __future__ import annotations

import time
from pathlib import Path

from pipeline.enforce import check_segment
from pipeline.glossary.load import load_glossary
from pipeline.glossary.match import TermMatcher
from pipeline.ingest import find_articles, read_articles
from pipeline.morphology import lemmas, parses

ROOT = Path(__file__).resolve().parent.parent


def seed_workload(lang: str) -> list[tuple[str, str]]:
    """Every seed segment with glossary terms, with a stand-in translation that uses avoided renderings.

    No real Russian/Ukrainian MT of the seeds exists here, so the stand-in names each
    term by a rendering the glossary says to avoid (or the approved one), inside a
    sentence frame: the work of finding, parsing and re-inflecting is the real work.
    """
    glossary = load_glossary([ROOT / "glossary"])
    by_id = glossary.by_id()
    matcher = TermMatcher(glossary)
    articles, _ = read_articles(find_articles([ROOT / "seeds"]))
    frame = {"ru": "В сообщении говорится о том, что {}.", "uk": "У повідомленні йдеться про те, що {}."}[lang]
    work = []
    for article in articles:
        for segment in article.segments:
            names = []
            for hit in matcher.find(segment.text):
                target = by_id[hit.entry_id].target(lang)
                if target is not None:
                    names.append(target.avoid[0] if target.avoid else target.term)
            if names:
                work.append((segment.text, frame.format(", ".join(names))))
    return work


def run() -> list[tuple[str, str]]:
    glossary = load_glossary([ROOT / "glossary"])
    matcher = TermMatcher(glossary)
    rows = []
    for lang in ("ru", "uk"):
        work = seed_workload(lang)
        parses.cache_clear()
        lemmas.cache_clear()
        timings = []
        for _ in range(3):
            started = time.perf_counter()
            fixed = sum(check_segment(source, matcher.find(source), mt, glossary, lang).changed for source, mt in work)
            timings.append(time.perf_counter() - started)
        rows.append(
            (
                f"{lang}: seed segments with terms",
                f"{len(work)} segments, {fixed} fixed; {len(work) / timings[0]:,.0f} segments/s cold, "
                f"{len(work) / min(timings[1:]):,.0f} warm (matching + verification + enforcement)",
            )
        )
    return rows
