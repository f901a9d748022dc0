"""Term matching with synthetic glossaries of 100 to 10,000 entries over 1 MB of seed text."""

from __future__ import annotations

import random
import time
from pathlib import Path

from pipeline.glossary.load import load_glossary
from pipeline.glossary.match import TermMatcher
from pipeline.model import EntryType, Glossary, GlossaryEntry, TargetTerm

ROOT = Path(__file__).resolve().parent.parent


def synthetic_glossary(size: int, seed: int = 7, occurring: float = 0.3) -> Glossary:
    """The real glossary plus made-up multi-word terms up to ``size`` entries."""
    real = load_glossary([ROOT / "glossary"])
    rng = random.Random(seed)
    text = " ".join(p.read_text("utf-8") for p in sorted((ROOT / "seeds").glob("*.txt")))
    vocabulary = sorted({w.strip(".,;:“”‘’'\"()[]").lower() for w in text.split() if w.isalpha() and len(w) > 3})
    tokens = [w.strip(".,;:“”‘’'\"()[]") for w in text.split()]
    entries = list(real.entries)
    seen = {form.casefold() for entry in entries for form in entry.forms}
    index = 0
    while len(entries) < size:
        n = rng.choice((1, 2, 2, 3, 3, 4))
        if rng.random() < occurring:
            # A phrase that occurs in the text, so that the big glossary also finds more.
            start = rng.randrange(len(tokens) - n)
            term = " ".join(tokens[start : start + n])
        else:
            term = " ".join(rng.choice(vocabulary) for _ in range(n))
        index += 1
        if not term.strip() or term.casefold() in seen:
            continue
        seen.add(term.casefold())
        targets = (TargetTerm("ru", "термин"), TargetTerm("uk", "термін"))
        entries.append(
            GlossaryEntry(
                id=f"synthetic-{index}", term=term, type=EntryType.TERM, case_sensitive=False, definition="-", targets=targets
            )
        )
    return Glossary(tuple(entries[:size]), content_hash=f"synthetic-{size}")


def corpus(size: int = 1_000_000) -> str:
    text = "\n".join(p.read_text("utf-8") for p in sorted((ROOT / "seeds").glob("*.txt")))
    return (text * (size // len(text) + 1))[:size]


def run() -> list[tuple[str, str]]:
    text = corpus()
    rows = [("text", f"{len(text):,} characters (seeds repeated)")]
    for size, occurring in ((100, 0.3), (1_000, 0.3), (10_000, 0.3), (10_000, 0.0)):
        glossary = synthetic_glossary(size, occurring=occurring)
        started = time.perf_counter()
        matcher = TermMatcher(glossary)
        built = time.perf_counter() - started
        best = float("inf")
        hits = 0
        for _ in range(5):
            started = time.perf_counter()
            hits = len(matcher.find(text))
            best = min(best, time.perf_counter() - started)
        label = f"{size:>6,} entries" + (", made-up terms only" if not occurring else "")
        rows.append((label, f"match {best:.3f} s ({len(text) / best / 1e6:.2f} MB/s), build {built:.3f} s, {hits:,} hits"))
    return rows
