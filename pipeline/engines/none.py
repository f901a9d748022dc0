"""The `none` engine: no machine translation, for translators who work from scratch."""

from __future__ import annotations

from collections.abc import Sequence

from pipeline.engines.base import EngineOptions, Progress
from pipeline.model import EngineSignature, Notice


class NoneEngine:
    """Returns empty targets: the review files carry only sources and notes."""

    name = "none"
    location = ""
    notices: tuple[Notice, ...] = ()

    def missing_pairs(self, source_lang: str, target_langs: Sequence[str]) -> list[str]:
        return []

    def signature(self, source_lang: str, target_langs: Sequence[str]) -> EngineSignature:
        return EngineSignature("none")

    def cache_key(self, source_lang: str, target_lang: str) -> str | None:
        return None

    def translate(self, texts: Sequence[str], source_lang: str, target_lang: str, progress: Progress | None = None) -> list[str]:
        if progress is not None:
            progress(len(texts))
        return ["" for _ in texts]


def build(options: EngineOptions) -> NoneEngine:
    return NoneEngine()
