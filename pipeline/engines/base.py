"""What every translation engine offers."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from pipeline.model import EngineSignature, Notice

Progress = Callable[[int], None]  # called with the number of texts done so far


@dataclass(frozen=True, slots=True)
class EngineOptions:
    """What a run may ask of an engine; each engine takes what applies to it."""

    models_dir: Path | None = None
    beam_size: int = 4
    max_length: int = 256
    device: str = "auto"
    inter_threads: int = 0
    intra_threads: int = 0
    cluster: str = ""  # a Ray address ("ray://head:10001", "auto", "local:2"): translate on a cluster's workers


class Engine(Protocol):
    """A translation backend: ``translate`` returns one output per input, in order."""

    name: str
    location: str  # where its models live, for messages ("" when it has none)
    notices: Sequence[Notice]  # problems met while loading (a broken package skipped)

    def missing_pairs(self, source_lang: str, target_langs: Sequence[str]) -> list[str]:
        """The target languages it cannot translate into."""
        ...

    def signature(self, source_lang: str, target_langs: Sequence[str]) -> EngineSignature:
        """Names the engine and, for the pairs used, each model and version, so outputs can be told apart."""
        ...

    def cache_key(self, source_lang: str, target_lang: str) -> str | None:
        """What identifies this engine's output for a pair in the cache; None: do not cache."""
        ...

    def translate(self, texts: Sequence[str], source_lang: str, target_lang: str, progress: Progress | None = None) -> list[str]:
        """Translate ``texts``; an engine without MT returns empty strings."""
        ...
