"""Review formats by name: each renders a ``ReviewDocument``; its module is imported only when it is used.

Adding a format is one module with a ``render(document) -> str`` function
and one line in ``FORMATS``.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass

import polib

from pipeline.review import ReviewUnit

XLIFF_MT_PLACES = ("target", "alt-trans")


@dataclass(frozen=True, slots=True)
class ReviewDocument:
    """One article in one target language, as every review format shows it."""

    title: str  # the article's name
    original: str  # the source file, as review files cite it
    source_lang: str
    target_lang: str
    signature: str  # the run's signature, as the PO header records it
    units: tuple[ReviewUnit, ...]
    catalog: polib.POFile  # the canonical record, its comments written from ``units``
    xliff_mt: str = "target"  # where XLIFF puts an unreviewed MT draft: "target" or "alt-trans"


@dataclass(frozen=True, slots=True)
class Format:
    name: str
    extension: str
    module: str  # defines render(document) -> str
    description: str


FORMATS: dict[str, Format] = {
    f.name: f
    for f in (
        Format("po", "po", "pipeline.formats.po", "gettext PO, the canonical record (Poedit, Weblate, Lokalize)"),
        Format("xliff", "xlf", "pipeline.formats.xliff", "XLIFF 1.2 for CAT tools (OmegaT, memoQ, Trados)"),
        Format("tsv", "tsv", "pipeline.formats.tsv", "tab-separated sheet for spreadsheets"),
        Format("html", "html", "pipeline.formats.html", "a self-contained review page for a browser"),
    )
}


def renderer(name: str) -> Callable[[ReviewDocument], str]:
    """The render function of the format called ``name``."""
    render: Callable[[ReviewDocument], str] = importlib.import_module(FORMATS[name].module).render
    return render
