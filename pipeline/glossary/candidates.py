"""Names and acronyms that articles use but the glossary lacks: what to add next."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from pipeline.glossary.match import TermMatcher

_ACRONYM = re.compile(r"\b[A-Z][A-Z0-9]{1,7}\b")
# Two or more capitalised words, allowing short joining words inside ("Ministry of Defense").
_NAME = re.compile(r"\b[A-Z][\w’'.-]*[\w](?:\s+(?:(?:of|the|for|and|on|de|la|al)\s+)*[A-Z][\w’'.-]*[\w])+")
# Capitalised only because a sentence or heading starts with them.
_LEADING = {
    "The",
    "A",
    "An",
    "In",
    "On",
    "At",
    "For",
    "But",
    "And",
    "As",
    "If",
    "When",
    "After",
    "Before",
    "According",
    "Last",
    "This",
    "That",
    "These",
    "Those",
    "Then",
    "Now",
    "One",
    "Some",
    "Many",
    "His",
    "Her",
    "Their",
    "Our",
    "Russian",
    "Ukrainian",
}
_COMMON_ACRONYMS = {"TV", "OK", "AM", "PM", "USA", "UK", "EU", "US", "UN"}


@dataclass(frozen=True, slots=True)
class Candidate:
    """A term found in articles but not in the glossary."""

    text: str
    kind: str  # "acronym" or "name"
    count: int


def find_candidates(texts: Iterable[str], matcher: TermMatcher, min_count: int = 1) -> list[Candidate]:
    """Acronyms and capitalised multi-word names outside every glossary hit, most frequent first."""
    acronyms: Counter[str] = Counter()
    names: Counter[str] = Counter()
    for text in texts:
        covered = [(hit.start, hit.end) for hit in matcher.find(text)]

        def free(start: int, end: int, covered: list[tuple[int, int]] = covered) -> bool:
            return all(end <= a or start >= b for a, b in covered)

        for match in _ACRONYM.finditer(text):
            word = match.group()
            if word not in _COMMON_ACRONYMS and not word.isdigit() and free(*match.span()):
                acronyms[word] += 1
        for match in _NAME.finditer(text):
            words = match.group().split()
            start = match.start()
            while words and words[0] in _LEADING:
                start += len(words[0]) + 1
                words = words[1:]
            if len(words) >= 2 and free(start, match.end()):
                names[" ".join(words).rstrip(".").removesuffix("’s").removesuffix("'s")] += 1
    found = [Candidate(text, "acronym", n) for text, n in acronyms.items() if n >= min_count]
    found += [Candidate(text, "name", n) for text, n in names.items() if n >= min_count]
    return sorted(found, key=lambda c: (-c.count, c.kind, c.text))
