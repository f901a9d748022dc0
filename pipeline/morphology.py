"""Russian and Ukrainian morphology over pymorphy3, loaded once per language."""

from __future__ import annotations

import functools
from typing import Any

from pipeline.errors import UsageError

SUPPORTED = ("ru", "uk")


@functools.cache
def analyzer(lang: str) -> Any:
    """The pymorphy3 analyzer for ``lang`` (imported on first use: it takes a moment)."""
    if lang not in SUPPORTED:
        raise UsageError(f"no morphology dictionary for {lang!r}; supported: {', '.join(SUPPORTED)}")
    import pymorphy3

    return pymorphy3.MorphAnalyzer(lang=lang)


def is_known(word: str, lang: str) -> bool:
    """Does the dictionary know ``word`` (any form)? Hyphenated words count when every part is known."""
    morph = analyzer(lang)
    lowered = word.lower()
    if morph.word_is_known(lowered):
        return True
    parts = [p for p in lowered.split("-") if p]
    return len(parts) > 1 and all(morph.word_is_known(p) for p in parts)
