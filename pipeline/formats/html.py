"""HTML review pages: one static, self-contained page per article and target language.

Source and translation side by side, one row per segment, grouped by
block; glossary terms highlighted on both sides; QA findings under each
row; a filter for the rows that need attention. The page loads nothing
(inline CSS and a few lines of JS), so it can be mailed or opened offline.

Every piece of text goes through ``html.escape(..., quote=True)``: the
markup itself is a fixed template, so escaping at the one place text
enters it is as safe as a tree builder and keeps the page readable.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import groupby

from babel import Locale, UnknownLocaleError

from pipeline.formats import ReviewDocument
from pipeline.model import Finding, TermStatus
from pipeline.review import ReviewUnit, Status, TermMark, summary

CSS = """
*{box-sizing:border-box}
body{margin:0;font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,"DejaVu Sans",sans-serif;color:#1d1d1f;background:#f6f6f4}
header,main,footer{max-width:1200px;margin:0 auto;padding:0 16px}
header{padding-top:16px}
h1{font-size:1.5em;margin:0 0 4px;overflow-wrap:anywhere}
.langs{margin:0 0 12px;color:#555}
.summary{display:flex;flex-wrap:wrap;gap:8px;margin:0 0 8px;padding:0;list-style:none}
.summary li{background:#fff;border:1px solid #ddd;border-radius:6px;padding:4px 10px}
.summary b{font-size:1.2em}
.checks{margin:0 0 8px;padding:0;list-style:none;display:flex;flex-wrap:wrap;gap:6px;font-size:.85em;color:#444}
.checks li{background:#eceae4;border-radius:4px;padding:1px 8px}
.filter{display:inline-flex;gap:8px;align-items:center;margin:8px 0 16px;font-weight:600;cursor:pointer}
.columns,.row{display:grid;grid-template-columns:minmax(0,1fr) minmax(0,1fr);column-gap:24px}
.columns{position:sticky;top:0;z-index:1;background:#f6f6f4;border-bottom:2px solid #ccc;font-weight:700;padding:6px 12px}
.block{background:#fff;border:1px solid #e0e0e0;border-left:4px solid #9aa;border-radius:6px;margin:14px 0;padding:6px 12px}
.kind{display:inline-block;font-size:.7em;letter-spacing:.05em;text-transform:uppercase;color:#667;margin:0 0 2px}
.block-heading{border-left-color:#345}
.block-heading .cell{font-size:1.3em;font-weight:700;line-height:1.3}
.block-caption .cell,.block-byline .cell{font-style:italic;color:#444}
.block-boilerplate,.block-foreign-language{background:#f0f0f0;border-left-color:#ccc}
.row{padding:6px 0;border-top:1px dashed #e4e4e4}
.row:first-of-type{border-top:0}
.row.attention{box-shadow:-12px 0 0 -8px #e0a000}
.meta,.findings,.raw-mt,.previous,.note{grid-column:1/-1}
.meta{font-size:.75em;color:#777;display:flex;gap:8px;flex-wrap:wrap;align-items:center}
.meta a{color:#777;overflow-wrap:anywhere}
.status{border-radius:10px;padding:0 8px;font-weight:600}
.status-reviewed{background:#dcf3df;color:#185c24}
.status-machine{background:#fff1c6;color:#6b4d00}
.status-source-changed{background:#ffe0c2;color:#7a3300}
.status-untranslated{background:#fbd5d5;color:#8a1414}
.status-not-for-translation{background:#e6e6e6;color:#555}
.cell{margin:2px 0;overflow-wrap:anywhere;white-space:pre-wrap}
.empty{color:#888;font-style:italic}
mark.term{background:#d8ecff;border-bottom:2px solid #3c84c8;color:inherit;padding:0 1px;cursor:help}
mark.term.fixed{background:#dff5d8;border-bottom:2px solid #2f8f2f}
mark.term.avoided{background:#fde2e1;border-bottom:2px solid #c0392b;text-decoration:line-through}
mark.term.flagged{background:#fff1c6;border-bottom:2px dashed #b07a00}
mark.term.missing{background:#fde2e1;border-bottom:2px dotted #c0392b}
mark.term.other-sense{background:none;border-bottom:1px dotted #999}
.raw-mt,.previous,.note{font-size:.85em;color:#444;margin:2px 0;overflow-wrap:anywhere}
.raw-mt .label,.previous .label,.note .label{font-weight:600;color:#666}
.findings{margin:4px 0 2px;padding:0;list-style:none;font-size:.85em}
.finding{border-left:4px solid;padding:1px 8px;margin:2px 0;overflow-wrap:anywhere}
.finding.error{border-color:#c0392b;background:#fdecea}
.finding.warning{border-color:#e0a000;background:#fff6dc}
.finding.info{border-color:#3c84c8;background:#eaf3fb}
body.attention-only .row:not(.attention),body.attention-only .block:not(.attention){display:none}
footer{color:#666;font-size:.8em;padding-bottom:24px;overflow-wrap:anywhere}
@media (max-width:700px){
.columns{display:none}
.row{grid-template-columns:minmax(0,1fr)}
.cell::before{content:attr(lang);display:inline-block;min-width:2em;font-size:.65em;font-weight:700;color:#889;text-transform:uppercase;vertical-align:middle}
}
"""

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


def render(document: ReviewDocument) -> str:
    """One article's review units as a self-contained HTML page."""
    units, title = document.units, document.title
    source_lang, target_lang, signature = document.source_lang, document.target_lang, str(document.signature)
    counts = summary(units)
    languages = f"{_language(source_lang)} → {_language(target_lang)}"
    parts = [
        "<!DOCTYPE html>",
        f'<html lang="{_e(target_lang)}">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{_e(title)} — {_e(languages)}</title>",
        f"<style>{CSS}</style>",
        "</head>",
        "<body>",
        "<header>",
        f"<h1>{_e(title)}</h1>",
        f'<p class="langs">Review: {_e(languages)}</p>',
        _summary(counts),
        '<label class="filter"><input type="checkbox" id="attention-only"> Show only segments that need attention</label>',
        "</header>",
        "<main>",
        f'<div class="columns"><div lang="{_e(source_lang)}">{_e(_language(source_lang))}</div>'
        f'<div lang="{_e(target_lang)}">{_e(_language(target_lang))}</div></div>',
    ]
    # groupby groups consecutive units only: a new block starts where the index changes.
    parts.extend(_block(list(block), source_lang, target_lang) for _, block in groupby(units, key=lambda u: u.block_index))
    parts += [
        "</main>",
        f'<footer><p>{_e(title)} · {_e(languages)}</p><p class="signature">{_e(signature)}</p></footer>',
        f"<script>{JS}</script>",
        "</body>",
        "</html>",
    ]
    return "\n".join(parts) + "\n"


def _e(text: str) -> str:
    return html.escape(text, quote=True)


def _language(code: str) -> str:
    try:
        name = Locale.parse(code.replace("-", "_")).english_name
    except (ValueError, TypeError, UnknownLocaleError):
        name = None
    return f"{name} ({code})" if name else code


def _summary(counts: dict[str, int]) -> str:
    items = [
        f'<li class="segments"><b>{counts["segments"]}</b> segments</li>',
        f'<li class="reviewed"><b>{counts["reviewed"]}</b> reviewed</li>',
        f'<li class="attention"><b>{counts["attention"]}</b> need attention</li>',
    ]
    checks = sorted(
        ((k.removeprefix("finding:"), n) for k, n in counts.items() if k.startswith("finding:")), key=lambda c: (-c[1], c[0])
    )
    findings = "".join(f"<li>{_e(check)}: {n}</li>" for check, n in checks)
    by_check = f'<ul class="checks" aria-label="findings by check">{findings}</ul>' if checks else ""
    return f'<ul class="summary">{"".join(items)}</ul>{by_check}'


def _block(units: Sequence[ReviewUnit], source_lang: str, target_lang: str) -> str:
    kind = units[0].block_kind
    attention = " attention" if any(u.needs_attention for u in units) else ""
    rows = "\n".join(_row(u, source_lang, target_lang) for u in units)
    return (
        f'<section class="block block-{_e(kind)}{attention}" data-kind="{_e(kind)}">\n'
        f'<span class="kind">{_e(kind)}</span>\n{rows}\n</section>'
    )


def _row(unit: ReviewUnit, source_lang: str, target_lang: str) -> str:
    source_marks = [Highlight(m.source.start, m.source.end, _SOURCE_CLASSES[m.status], _term_title(m)) for m in unit.terms]
    target_marks = [
        Highlight(m.target.start, m.target.end, _TARGET_CLASSES[m.status], _term_title(m))
        for m in unit.terms
        if m.target is not None and m.status in _TARGET_CLASSES
    ]
    mt_marks = [Highlight(m.mt.start, m.mt.end, "term avoided", f"replaced by «{m.fixed_to}»") for m in unit.terms if m.mt]
    attention = " attention" if unit.needs_attention else ""
    status = unit.status.value
    lines = [
        f'<div class="row{attention}" id="seg-{_e(unit.id)}" data-status="{_e(status)}">',
        f'<div class="meta"><span class="status status-{_e(status)}">{_e(status)}</span>'
        f'<a href="#seg-{_e(unit.id)}">{_e(unit.id)}</a><span>{_e(unit.reference)}</span></div>',
        f'<div class="cell source" lang="{_e(source_lang)}">{highlight(unit.source, source_marks)}</div>',
        f'<div class="cell target" lang="{_e(target_lang)}">{_target(unit, target_marks)}</div>',
    ]
    if unit.status is Status.CHANGED and unit.previous_source:
        lines.append(f'<p class="previous"><span class="label">previous source:</span> {_e(unit.previous_source)}</p>')
    if unit.raw_mt and unit.raw_mt != unit.target:
        lines.append(
            '<p class="raw-mt"><span class="label">machine translation before term fixes:</span> '
            f'<span lang="{_e(target_lang)}">{highlight(unit.raw_mt, mt_marks)}</span></p>'
        )
    if unit.translator_comment:
        lines.append(f'<p class="note"><span class="label">note:</span> {_e(unit.translator_comment)}</p>')
    if unit.findings:
        lines.append('<ul class="findings">' + "".join(_finding(f) for f in unit.findings) + "</ul>")
    lines.append("</div>")
    return "\n".join(lines)


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


def _target(unit: ReviewUnit, marks: Sequence[Highlight]) -> str:
    if unit.target:
        return highlight(unit.target, marks)
    if unit.status is Status.NOT_FOR_TRANSLATION:
        return '<span class="empty">kept as it is in the published article</span>'
    return '<span class="empty">not translated yet</span>'


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


def highlight(text: str, marks: Sequence[Highlight]) -> str:
    """``text`` escaped, each mark's span wrapped in <mark>; of overlapping marks the earliest (then longest) wins.

    One sort and one pass: the cost follows the text and the number of marks.
    """
    out, position = [], 0
    for mark in sorted(marks, key=lambda m: (m.start, -m.end)):
        if mark.start < position or mark.end <= mark.start or mark.end > len(text):
            continue
        out.append(_e(text[position : mark.start]))
        out.append(f'<mark class="{mark.classes}" title="{_e(mark.title)}">{_e(text[mark.start : mark.end])}</mark>')
        position = mark.end
    out.append(_e(text[position:]))
    return "".join(out)


def _finding(finding: Finding) -> str:
    severity = finding.severity.value
    return f'<li class="finding {severity}"><b>{_e(severity)}</b> [{_e(finding.check)}] {_e(finding.message)}</li>'
