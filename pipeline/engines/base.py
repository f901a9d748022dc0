"""What every translation engine offers."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol


class Engine(Protocol):
    """A translation backend: ``translate`` returns one output per input, in order."""

    name: str

    def signature(self) -> str:
        """Names the engine, model and version, so outputs can be told apart."""
        ...

    def translate(self, texts: Sequence[str], source_lang: str, target_lang: str) -> list[str]:
        """Translate ``texts``; an engine without MT returns empty strings."""
        ...
