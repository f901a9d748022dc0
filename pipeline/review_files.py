"""Write one article's review files, every format from one set of review units, so they always agree.

``write_review_files`` is the I/O edge of `run`; ``refresh`` re-derives
everything from a PO file as it stands (after `import`, or by
`qa --fix-comments`): term checks and QA computed afresh, the PO's
comments rewritten, the other formats beside it rendered again.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import polib

from pipeline.assess import Assessor
from pipeline.errors import InputError
from pipeline.files import remove_leftovers, write_atomic
from pipeline.formats import FORMATS, ReviewDocument, renderer
from pipeline.formats.po import read_po
from pipeline.ingest import read_article
from pipeline.languages import SOURCE_LANG, review_file_language
from pipeline.model import Article, Glossary
from pipeline.review import annotate, build_units


@dataclass(frozen=True, slots=True)
class Written:
    """The files written for one article, with what each now holds (for the run's manifest)."""

    paths: tuple[Path, ...]
    contents: tuple[str, ...]


def review_path(folder: Path, name: str, fmt: str) -> Path:
    return folder / f"{name}.{FORMATS[fmt].extension}"


def write_review_files(
    folder: Path,
    name: str,
    catalog: polib.POFile,
    assessor: Assessor,
    article: Article | None,
    *,
    original: str,
    signature: str,
    formats: Sequence[str],
    xliff_mt: str = "target",
) -> Written:
    """Build the units, write the PO's comments from them, and render the PO (always) and the other formats asked for."""
    units = build_units(catalog, assessor, article)
    annotate(catalog, units)
    document = ReviewDocument(
        title=name,
        original=original,
        source_lang=SOURCE_LANG,
        target_lang=assessor.lang,
        signature=signature,
        units=units,
        catalog=catalog,
        xliff_mt=xliff_mt,
    )
    chosen = ["po", *(f for f in formats if f != "po")]
    rendered = [(review_path(folder, name, fmt), renderer(fmt)(document)) for fmt in chosen]
    # Render everything first: a failure in one format leaves every file as it was.
    for path, text in rendered:
        write_atomic(path, text, where="choose another --out folder")
    return Written(tuple(p for p, _ in rendered), tuple(t for _, t in rendered))


def refresh(po_path: Path, glossary: Glossary | None) -> Written:
    """Re-derive a PO file's comments and re-render the formats beside it from the catalog as it stands."""
    remove_leftovers(po_path.parent)
    catalog = read_po(po_path)
    lang = review_file_language(catalog.metadata.get("Language", ""), str(po_path), po_path.parent.name)
    article = _article_of(catalog)
    name = po_path.stem
    formats = [fmt for fmt in FORMATS if fmt == "po" or review_path(po_path.parent, name, fmt).exists()]
    return write_review_files(
        po_path.parent,
        name,
        catalog,
        Assessor(glossary, lang),
        article,
        original=catalog.metadata.get("X-Source-File", ""),
        signature=catalog.metadata.get("X-Pipeline-Signature", ""),
        formats=formats,
        xliff_mt=catalog.metadata.get("X-XLIFF-MT", "target"),
    )


def _article_of(catalog: polib.POFile) -> Article | None:
    """The source article named in the header, when it is still there to group segments by block."""
    source = Path(catalog.metadata.get("X-Source-File", ""))
    if not source.name or not source.is_file():
        return None
    try:
        return read_article(source)
    except InputError:
        return None
