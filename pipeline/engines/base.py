"""What every translation engine offers."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Protocol

Progress = Callable[[int], None]  # called with the number of texts done so far


class Engine(Protocol):
    """A translation backend: ``translate`` returns one output per input, in order."""

    name: str

    def signature(self) -> str:
        """Names the engine, model and version, so outputs can be told apart."""
        ...

    def cache_key(self, source_lang: str, target_lang: str) -> str | None:
        """What identifies this engine's output for a pair in the cache; None: do not cache."""
        ...

    def translate(self, texts: Sequence[str], source_lang: str, target_lang: str, progress: Progress | None = None) -> list[str]:
        """Translate ``texts``; an engine without MT returns empty strings."""
        ...
