"""The `none` engine: no machine translation, for translators who work from scratch."""

from __future__ import annotations

from collections.abc import Sequence


class NoneEngine:
    """Returns empty targets: the review files carry only sources and notes."""

    name = "none"

    def signature(self) -> str:
        return "none"

    def translate(self, texts: Sequence[str], source_lang: str, target_lang: str) -> list[str]:
        return ["" for _ in texts]
