"""The `none` engine: no machine translation, for translators who work from scratch."""

from __future__ import annotations

from collections.abc import Sequence

from pipeline.engines.base import Progress


class NoneEngine:
    """Returns empty targets: the review files carry only sources and notes."""

    name = "none"

    def signature(self) -> str:
        return "none"

    def cache_key(self, source_lang: str, target_lang: str) -> str | None:
        return None

    def translate(self, texts: Sequence[str], source_lang: str, target_lang: str, progress: Progress | None = None) -> list[str]:
        if progress is not None:
            progress(len(texts))
        return ["" for _ in texts]
