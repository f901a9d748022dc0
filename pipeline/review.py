"""The review model: one typed unit per segment, which every review format renders.

A unit holds the English, the translation, the raw MT, where it stands in
review, its glossary terms and its findings, all as typed values, with
character spans into the source, the translation and the raw MT. Units are
built from the canonical PO catalog (what a person approved lives there)
and an ``Assessor`` that works out the term checks and QA afresh; the PO's
comments are then written from the units. Two comment lines are data the
PO has no other place for, written verbatim: ``block:`` (the block's kind,
when the article is not at hand) and ``mt:`` (the machine output before
term fixes). Everything else is derived again on every read.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import polib

from pipeline.assess import Assessment, Assessor
from pipeline.glossary.template import render_template
from pipeline.model import Article, BlockKind, Finding, Glossary, Severity, Span, TermCheck, TermStatus

# Flags that tell a reviewer (and our own readers) an entry is not for translation.
KIND_FLAGS = {BlockKind.BOILERPLATE: "boilerplate", BlockKind.FOREIGN: "foreign-language"}
BLOCK_LINE = "block: "
MT_LINE = "mt: "


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
class TermMark:
    """A glossary term of the source and what became of it in the translation.

    ``source`` spans the English words; ``target`` the rendering in the
    translation (the fixed words, when fixed; the words to look at, when
    flagged); ``mt`` the wrong rendering in the raw MT that a fix replaced.
    """

    entry_id: str
    status: TermStatus
    surface: str
    approved: str
    source: Span
    target: Span | None = None
    mt: Span | None = None
    avoid: tuple[str, ...] = ()
    found: str = ""
    fixed_to: str = ""
    suggestion: str = ""
    reason: str = ""

    @property
    def checked(self) -> bool:
        """Does the entry apply here (it is not the English word in another sense)?"""
        return self.status is not TermStatus.OTHER_SENSE

    @property
    def note(self) -> str:
        """The term as reviewers read it: “garrison courts = гарнизонный военный суд [garrison-court]; avoid: …”."""
        line = f"{self.surface} = {self.approved} [{self.entry_id}]"
        return f"{line}; avoid: {', '.join(self.avoid)}" if self.avoid else line


@dataclass(frozen=True, slots=True)
class ReviewUnit:
    """Everything a reviewer sees about one segment."""

    id: str
    block_index: int
    block_kind: str
    source: str
    target: str
    status: Status
    terms: tuple[TermMark, ...] = ()
    findings: tuple[Finding, ...] = ()
    raw_mt: str = ""
    previous_source: str = ""
    reference: str = ""  # "path:line" of the source
    translator_comment: str = ""

    @property
    def needs_attention(self) -> bool:
        return self.status.needs_attention or any(f.severity is not Severity.INFO for f in self.findings)

    @property
    def term_notes(self) -> tuple[str, ...]:
        """One note per distinct term of the segment (a term said ten times is one note)."""
        return tuple(dict.fromkeys(mark.note for mark in self.terms if mark.checked))


def entry_status(entry: polib.POEntry) -> Status:
    if any(flag in entry.flags for flag in KIND_FLAGS.values()):
        return Status.NOT_FOR_TRANSLATION
    if not entry.msgstr:
        return Status.UNTRANSLATED
    if "fuzzy" not in entry.flags:
        return Status.REVIEWED
    return Status.CHANGED if entry.previous_msgid else Status.MACHINE


def data_line(comment: str, prefix: str) -> str:
    """The verbatim value of a data line (``block:`` or ``mt:``) in an entry's extracted comments."""
    for line in comment.splitlines():
        if line.startswith(prefix):
            return line.removeprefix(prefix)
    return ""


def build_units(catalog: polib.POFile, assessor: Assessor, article: Article | None = None) -> tuple[ReviewUnit, ...]:
    """The catalog's live entries as review units, in document order, grouped by the article's blocks."""
    block_of: dict[str, tuple[int, str]] = {}
    if article is not None:
        block_of = {seg.id: (index, block.kind.value) for index, block in enumerate(article.blocks) for seg in block.segments}
    units = []
    previous_block, previous_reference = -1, None
    for entry in catalog:
        if entry.obsolete:
            continue
        comment = entry.comment or ""
        reference = ":".join(entry.occurrences[0]) if entry.occurrences else ""
        known = block_of.get(entry.msgctxt or "")
        if known is not None:
            index, kind = known
        elif article is not None:
            index, kind = previous_block, data_line(comment, BLOCK_LINE) or "paragraph"
        else:
            # Without the article, a block is a run of entries citing the same source line.
            index = previous_block if reference == previous_reference else previous_block + 1
            kind = data_line(comment, BLOCK_LINE) or "paragraph"
        previous_block, previous_reference = index, reference
        status = entry_status(entry)
        if status is Status.NOT_FOR_TRANSLATION:
            assessment = Assessment("", "", (), ())
        else:
            assessment = assessor.stored(entry.msgid, entry.msgstr, data_line(comment, MT_LINE))
        units.append(
            ReviewUnit(
                id=entry.msgctxt or "",
                block_index=index,
                block_kind=kind,
                source=entry.msgid,
                target=entry.msgstr,
                status=status,
                terms=term_marks(entry.msgid, assessment, assessor.glossary, assessor.lang),
                # The same finding twice says nothing more (a term missing at each of its places): listed once.
                findings=tuple(dict.fromkeys(assessment.findings)) if entry.msgstr else (),
                raw_mt=assessment.raw_mt,
                previous_source=entry.previous_msgid or "",
                reference=reference,
                translator_comment=entry.tcomment or "",
            )
        )
    return tuple(units)


def term_marks(source: str, assessment: Assessment, glossary: Glossary | None, lang: str) -> tuple[TermMark, ...]:
    """The assessment's term checks as marks, with the approved rendering each should have, in source order."""
    if glossary is None:
        return ()
    by_id = glossary.by_id()
    groups = {(h.start, h.end): dict(h.groups) for h in assessment.hits}
    marks = []
    for check in sorted(assessment.checks, key=lambda c: (c.source.start, c.source.end)):
        entry = by_id.get(check.entry_id)
        target = entry.target(lang) if entry is not None else None
        if target is None:
            continue
        captured = groups.get((check.source.start, check.source.end))
        approved = render_template(target.term, captured, lang) if captured else target.term
        marks.append(_mark(check, source, approved, target.avoid))
    return tuple(marks)


def _mark(check: TermCheck, source: str, approved: str, avoid: tuple[str, ...]) -> TermMark:
    fixed = check.status is TermStatus.FIXED
    return TermMark(
        entry_id=check.entry_id,
        status=check.status,
        surface=source[check.source.start : check.source.end],
        approved=approved,
        source=check.source,
        target=check.target,
        mt=check.found_span if fixed else None,
        avoid=avoid,
        found=check.found,
        fixed_to=check.fixed_to,
        suggestion=check.suggestion,
        reason=check.reason,
    )


def comments(unit: ReviewUnit, not_for_translation: bool = False) -> str:
    """The extracted comments of a unit's PO entry, written from the unit: the data lines and notes for people."""
    lines = [f"{BLOCK_LINE}{unit.block_kind}"]
    lines += (f"term: {note}" for note in unit.term_notes)
    if not_for_translation:
        lines.append("not for translation: kept as it is in the published article")
    if unit.raw_mt and unit.raw_mt != unit.target:
        lines.append(f"{MT_LINE}{unit.raw_mt}")
    lines.extend(f"qa: {f.severity.value}: [{f.check}] {f.message}" for f in unit.findings)
    return "\n".join(lines)


def annotate(catalog: polib.POFile, units: Sequence[ReviewUnit]) -> None:
    """Write every live entry's comments from its unit (the PO edge: the catalog is changed in place)."""
    by_id = {unit.id: unit for unit in units}
    for entry in catalog:
        unit = by_id.get(entry.msgctxt or "")
        if entry.obsolete or unit is None:
            continue
        entry.comment = comments(unit, unit.status is Status.NOT_FOR_TRANSLATION)


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
            counts[f"finding:{finding.check}"] = counts.get(f"finding:{finding.check}", 0) + 1
    return counts
