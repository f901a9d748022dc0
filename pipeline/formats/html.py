"""HTML review pages: one static, self-contained page per article and target language.

Source and translation side by side, one row per segment, grouped by
block; glossary terms marked on both sides at the spans the review model
gives (focusable, with the approved rendering shown on focus, tap or
hover); QA findings under each row; a filter for the rows that need
attention. The page loads nothing (inline CSS and a few lines of JS), so
it can be mailed or opened offline.

The markup is Jinja2 templates (``templates/``) with autoescaping on, the
same rows the review app (``pipeline review``) shows with editing added:
every piece of text is escaped where it enters the page.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import groupby
from pathlib import Path

import jinja2
from babel import Locale, UnknownLocaleError

from pipeline.formats import ReviewDocument
from pipeline.model import TermStatus
from pipeline.review import ReviewUnit, TermMark, summary

TEMPLATES = Path(__file__).resolve().parent / "templates"

# Without JS the checkbox does nothing and every row stays visible.
JS = """
const only = document.getElementById("attention-only");
const apply = () => document.body.classList.toggle("attention-only", only.checked);
only.addEventListener("change", apply);
apply();  // browsers restore a checkbox's state on reload
"""


@dataclass(frozen=True, slots=True)
class Highlight:
    """A span of a text to mark, with the mark's classes and tooltip."""

    start: int
    end: int
    classes: str
    title: str


Piece = tuple[str, Highlight | None]  # a run of text, and the mark around it if any


@dataclass(frozen=True, slots=True)
class RowView:
    """A unit as a row shows it: its texts cut into marked and unmarked pieces."""

    unit: ReviewUnit
    source: tuple[Piece, ...]
    target: tuple[Piece, ...]
    mt: tuple[Piece, ...]
    version: str = ""  # the review app's version of the entry, for saving


@functools.cache
def environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=False,
        keep_trailing_newline=True,
    )


@functools.cache
def css() -> str:
    return (TEMPLATES / "review.css").read_text("utf-8")


def render(document: ReviewDocument) -> str:
    """One article's review units as a self-contained HTML page."""
    return environment().get_template("page.html.j2").render(**page_context(document), js=JS, css=css())


def page_context(document: ReviewDocument, versions: dict[str, str] | None = None) -> dict[str, object]:
    """What the page templates need: the document, its blocks of row views, the counts, language names."""
    views = [row_view(unit, (versions or {}).get(unit.id, "")) for unit in document.units]
    # groupby groups consecutive units only: a new block starts where the index changes.
    blocks = [list(group) for _, group in groupby(views, key=lambda v: v.unit.block_index)]
    return {
        "doc": document,
        "blocks": blocks,
        "counts": counts(document.units),
        "languages": f"{language_name(document.source_lang)} → {language_name(document.target_lang)}",
        "source_language": language_name(document.source_lang),
        "target_language": language_name(document.target_lang),
    }


def counts(units: Iterable[ReviewUnit]) -> dict[str, object]:
    totals = summary(units)
    checks = sorted(
        ((k.removeprefix("finding:"), n) for k, n in totals.items() if k.startswith("finding:")), key=lambda c: (-c[1], c[0])
    )
    return {"segments": totals["segments"], "reviewed": totals["reviewed"], "attention": totals["attention"], "checks": checks}


def row_view(unit: ReviewUnit, version: str = "") -> RowView:
    source_marks = [Highlight(m.source.start, m.source.end, _SOURCE_CLASSES[m.status], _term_title(m)) for m in unit.terms]
    target_marks = [
        Highlight(m.target.start, m.target.end, _TARGET_CLASSES[m.status], _term_title(m))
        for m in unit.terms
        if m.target is not None and m.status in _TARGET_CLASSES
    ]
    mt_marks = [Highlight(m.mt.start, m.mt.end, "term avoided", f"replaced by «{m.fixed_to}»") for m in unit.terms if m.mt]
    return RowView(
        unit,
        highlight(unit.source, source_marks),
        highlight(unit.target, target_marks),
        highlight(unit.raw_mt, mt_marks),
        version,
    )


def language_name(code: str) -> str:
    try:
        name = Locale.parse(code.replace("-", "_")).english_name
    except (ValueError, TypeError, UnknownLocaleError):
        name = None
    return f"{name} ({code})" if name else code


# How a term shows, by what became of it: in the English, and at its rendering in the translation.
_SOURCE_CLASSES = {
    TermStatus.APPROVED: "term",
    TermStatus.ALTERNATIVE: "term",
    TermStatus.FIXED: "term fixed",
    TermStatus.REVIEW: "term flagged",
    TermStatus.WRONG: "term flagged",
    TermStatus.MISSING: "term missing",
    TermStatus.OTHER_SENSE: "term other-sense",
}
_TARGET_CLASSES = {
    TermStatus.APPROVED: "term",
    TermStatus.ALTERNATIVE: "term",
    TermStatus.FIXED: "term fixed",
    TermStatus.REVIEW: "term flagged",
    TermStatus.WRONG: "term flagged",
}


def _term_title(mark: TermMark) -> str:
    if mark.status is TermStatus.OTHER_SENSE:
        return f"{mark.entry_id}: another sense here; not checked"
    title = f"approved: {mark.approved} ({mark.entry_id})"
    if mark.avoid:
        title += f"; avoid: {', '.join(mark.avoid)}"
    if mark.status is TermStatus.FIXED:
        title += f"; fixed from «{mark.found}»"
    elif mark.status in (TermStatus.REVIEW, TermStatus.WRONG):
        suggestion = f"; suggested «{mark.suggestion}»" if mark.suggestion else ""
        title += f"; check this rendering{suggestion}"
    elif mark.status is TermStatus.MISSING:
        title += "; not found in the translation"
    return title


def highlight(text: str, marks: Sequence[Highlight]) -> tuple[Piece, ...]:
    """``text`` cut into pieces, each mark's span its own; of overlapping marks the earliest (then longest) wins.

    One sort and one pass: the cost follows the text and the number of marks.
    """
    out: list[Piece] = []
    position = 0
    for mark in sorted(marks, key=lambda m: (m.start, -m.end)):
        if mark.start < position or mark.end <= mark.start or mark.end > len(text):
            continue
        if mark.start > position:
            out.append((text[position : mark.start], None))
        out.append((text[mark.start : mark.end], mark))
        position = mark.end
    if position < len(text):
        out.append((text[position:], None))
    return tuple(out)
