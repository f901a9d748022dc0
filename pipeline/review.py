"""Review units: one segment as every review format shows it, read from the canonical PO catalog.

The PO file is the canonical record (it is what re-runs merge into); XLIFF,
TSV and HTML are rendered from it, so they always agree with it.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from dataclasses import dataclass

import polib

from pipeline.formats.po import KIND_FLAGS
from pipeline.model import Article


class Status(enum.StrEnum):
    """Where a segment stands in review."""

    REVIEWED = "reviewed"  # a person approved the translation
    MACHINE = "machine"  # machine output nobody has approved yet
    CHANGED = "source-changed"  # an old translation kept after the English changed
    UNTRANSLATED = "untranslated"
    NOT_FOR_TRANSLATION = "not-for-translation"  # site chrome, text already in Cyrillic

    @property
    def needs_attention(self) -> bool:
        return self in (Status.MACHINE, Status.CHANGED, Status.UNTRANSLATED)


@dataclass(frozen=True, slots=True)
class TermNote:
    """A glossary term of the source: its English surface, approved rendering, entry and what to avoid."""

    surface: str
    approved: str
    entry_id: str
    avoid: str = ""


@dataclass(frozen=True, slots=True)
class ReviewUnit:
    """Everything a reviewer sees about one segment."""

    id: str
    block_index: int
    block_kind: str
    source: str
    target: str
    status: Status
    terms: tuple[TermNote, ...] = ()
    findings: tuple[str, ...] = ()  # "severity: [check] message"
    raw_mt: str = ""
    previous_source: str = ""
    reference: str = ""  # "path:line" of the source
    translator_comment: str = ""

    @property
    def needs_attention(self) -> bool:
        return self.status.needs_attention or any(not f.startswith("info:") for f in self.findings)


def entry_status(entry: polib.POEntry) -> Status:
    if any(flag in entry.flags for flag in KIND_FLAGS.values()):
        return Status.NOT_FOR_TRANSLATION
    if not entry.msgstr:
        return Status.UNTRANSLATED
    if "fuzzy" not in entry.flags:
        return Status.REVIEWED
    return Status.CHANGED if entry.previous_msgid else Status.MACHINE


def parse_comment(comment: str) -> tuple[str, tuple[TermNote, ...], tuple[str, ...], str]:
    """(block kind, term notes, findings, raw MT) from the extracted comments the pipeline writes."""
    kind, terms, findings, raw = "paragraph", [], [], ""
    for line in comment.splitlines():
        if line.startswith("block: "):
            kind = line.removeprefix("block: ")
        elif line.startswith("term: "):
            terms.append(_term_note(line.removeprefix("term: ")))
        elif line.startswith("qa: "):
            findings.append(line.removeprefix("qa: "))
        elif line.startswith("mt: "):
            raw = line.removeprefix("mt: ")
    return kind, tuple(terms), tuple(findings), raw


def _term_note(text: str) -> TermNote:
    # "garrison courts = гарнизонный военный суд [garrison-court]; avoid: гарнизонный двор"
    main, _, avoid = text.partition("; avoid: ")
    surface, _, rest = main.partition(" = ")
    approved, _, entry = rest.rpartition(" [")
    return TermNote(surface=surface, approved=approved, entry_id=entry.rstrip("]"), avoid=avoid)


def units_from_catalog(catalog: polib.POFile, article: Article | None = None) -> tuple[ReviewUnit, ...]:
    """The catalog's live entries as review units, in document order, grouped by the article's blocks."""
    block_of = {}
    if article is not None:
        block_of = {seg.id: index for index, block in enumerate(article.blocks) for seg in block.segments}
    units = []
    previous_block, previous_reference = -1, None
    for entry in catalog:
        if entry.obsolete:
            continue
        kind, terms, findings, raw = parse_comment(entry.comment or "")
        reference = ":".join(entry.occurrences[0]) if entry.occurrences else ""
        if article is not None:
            index = block_of.get(entry.msgctxt or "", previous_block)
        else:
            # Without the article, a block is a run of entries citing the same source line.
            index = previous_block if reference == previous_reference else previous_block + 1
        previous_block, previous_reference = index, reference
        units.append(
            ReviewUnit(
                id=entry.msgctxt or "",
                block_index=index,
                block_kind=kind,
                source=entry.msgid,
                target=entry.msgstr,
                status=entry_status(entry),
                terms=terms,
                findings=findings,
                raw_mt=raw,
                previous_source=entry.previous_msgid or "",
                reference=reference,
                translator_comment=entry.tcomment or "",
            )
        )
    return tuple(units)


def summary(units: Iterable[ReviewUnit]) -> dict[str, int]:
    """Counts for a review page's header: segments, reviewed, needing attention, findings by check."""
    counts: dict[str, int] = {"segments": 0, "reviewed": 0, "attention": 0}
    for unit in units:
        if unit.status is Status.NOT_FOR_TRANSLATION:
            continue
        counts["segments"] += 1
        counts["reviewed"] += unit.status is Status.REVIEWED
        counts["attention"] += unit.needs_attention
        for finding in unit.findings:
            check = finding.split("[", 1)[-1].split("]", 1)[0]
            counts[f"finding:{check}"] = counts.get(f"finding:{check}", 0) + 1
    return counts
