"""Word documents (.docx): paragraphs in as blocks with Markdown inline markup, the localized document out.

Reading (``read_docx``): every paragraph of the main document body, in
order, including those in table cells and content controls, is numbered
from 1; that number is the block's ``line`` (a .docx has no lines). The
paragraph style decides the kind: Title and Heading 1..9 are headings
(marker "#" to "######", as Markdown has it), List Paragraph / List
Bullet / List Number (or any numbered paragraph) list items ("-" or
"3."), Quote / Intense Quote quotes, Caption captions, everything else
(Normal, Body Text, table cells) paragraphs. Empty paragraphs are skipped.
Bold and italic runs become ``**…**`` and ``*…*``, hyperlinks to http,
https and mailto addresses ``[text](url)``, and every other character that
Markdown would read as markup is escaped, so the block's text is Markdown
(``markup="markdown"``) like a .md article's. Footnotes, endnotes, comments,
headers, footers and text boxes live outside the body's paragraphs and are
never read, so their text never reaches MT.

Writing (``write_docx``): the source document is opened again and each
paragraph that was a block gets the published text in place of its own,
with runs made again from the text's Markdown (bold, italic, links) in the
formatting of the paragraph's own runs; the paragraph's style and
properties, bookmarks, images, footnote and comment marks, and everything
outside those paragraphs (styles, sections, headers, footers, other
paragraphs) stay as they were. Unreviewed segments are highlighted yellow.
"""

from __future__ import annotations

import functools
import io
import itertools
import re
import zipfile
from collections.abc import Collection, Iterator, Mapping, Sequence
from copy import deepcopy
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import docx
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_COLOR_INDEX
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.exceptions import PackageNotFoundError
from docx.oxml.ns import qn
from docx.oxml.parser import OxmlElement
from docx.shared import RGBColor
from docx.text.font import Font
from markdown_it import MarkdownIt
from markdown_it.token import Token

from pipeline.errors import InputError
from pipeline.model import Article, Block, BlockKind

__all__ = ["Inline", "Piece", "from_markdown", "read_docx", "to_markdown", "write_docx"]

_P, _R, _T, _TBL, _TR, _TC = (qn(f"w:{t}") for t in ("p", "r", "t", "tbl", "tr", "tc"))
_PPR, _RPR, _HYPERLINK, _SDT, _SDT_CONTENT = (qn(f"w:{t}") for t in ("pPr", "rPr", "hyperlink", "sdt", "sdtContent"))
_FLD_CHAR, _FLD_SIMPLE, _INSTR_TEXT, _VAL = qn("w:fldChar"), qn("w:fldSimple"), qn("w:instrText"), qn("w:val")
# Where the body keeps paragraphs: tables, rows, cells, content controls, custom XML around blocks.
_BLOCK_CONTAINERS = {_TBL, _TR, _TC, _SDT_CONTENT, qn("w:customXml")}
# Inside a paragraph: elements whose runs are shown (insertions, smart tags, simple fields...).
_INLINE_CONTAINERS = {qn(f"w:{t}") for t in ("ins", "moveTo", "smartTag", "customXml", "fldSimple", "dir", "bdo")}
# Inside a paragraph: deleted text of tracked changes, never shown.
_DELETED = {qn("w:del"), qn("w:moveFrom")}
# Run content that is not text and must survive a paragraph's new text: images, objects, note and comment marks.
_KEPT_IN_RUN = {
    qn(t)
    for t in (
        "w:drawing",
        "w:pict",
        "w:object",
        "w:footnoteReference",
        "w:endnoteReference",
        "w:commentReference",
    )
} | {"{http://schemas.openxmlformats.org/markup-compatibility/2006}AlternateContent"}
_RUN_TEXT = {qn(f"w:{t}") for t in ("t", "tab", "ptab", "cr", "br", "noBreakHyphen", "softHyphen", "sym")}
# Paragraph-level markers kept where they are when the text is replaced.
_MARKS = {qn(f"w:{t}") for t in ("bookmarkStart", "bookmarkEnd", "commentRangeStart", "commentRangeEnd", "permStart", "permEnd")}

LINK_SCHEMES = ("http", "https", "mailto")
# Word's language tags for the target languages (spell checking, hyphenation, fonts).
LANGUAGE_TAGS = {"ru": "ru-RU", "uk": "uk-UA", "en": "en-US"}
_HIGHLIGHT = WD_COLOR_INDEX.YELLOW
_HYPERLINK_COLOR = RGBColor(0x05, 0x63, 0xC1)  # Word's own Hyperlink style
# What XML cannot hold (a translation pasted with a control character): dropped, as ingest drops it from sources.
_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
# A zip entry's time is the only clock in a saved document: fixed, so equal input gives equal bytes.
_ZIP_TIME = (1980, 1, 1, 0, 0, 0)


# --- reading ------------------------------------------------------------------


def read_docx(path: Path) -> list[Block]:
    """The blocks of a Word document, one per non-empty body paragraph, with Markdown inline markup.

    ``Block.line`` is the paragraph's 1-based number among all the body's
    paragraphs (empty ones, table cells and content controls included), in
    document order: what ``write_docx`` finds the paragraph by. ``offset``
    is None. Each table cell's paragraphs are blocks like any other (a
    Normal cell paragraph is a paragraph block). Kinds come from the
    paragraph styles only; the line rules (chrome, bylines, text already in
    Cyrillic) are ingest's to apply on top, as for other formats.
    """
    document = _open(path)
    styles = _Styles.of(document)
    numbering = _Numbering.of(document)
    blocks = []
    for number, p in enumerate(_paragraphs(document.element.body), start=1):
        runs = _runs(p, document.part, styles)
        if not "".join(r.text for r in runs).strip():
            continue
        kind, marker = _kind(p, styles, numbering)
        text = to_markdown([Inline(r.text, r.bold, r.italic, r.href) for r in runs])
        blocks.append(Block(kind=kind, text=text, line=number, markup="markdown", marker=marker))
    return blocks


def _open(path: Path) -> Any:
    try:
        return docx.Document(str(path))
    except FileNotFoundError as exc:
        raise InputError("no such file; check the path", str(path)) from exc
    except OSError as exc:
        raise InputError(f"cannot read the file ({exc.strerror}); check its permissions", str(path)) from exc
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError, SyntaxError) as exc:
        # lxml's XMLSyntaxError is a SyntaxError; a .doc, an encrypted .docx or a .docm land here too.
        raise InputError(
            f"cannot read this Word document ({exc}); save it as .docx (Word 2007 or later, not .doc, without a password)",
            str(path),
        ) from exc


def _paragraphs(container: Any) -> Iterator[Any]:
    """Every ``w:p`` of the body in document order, into tables and content controls, not into text boxes."""
    for child in container:
        if child.tag == _P:
            yield child
        elif child.tag in _BLOCK_CONTAINERS:
            yield from _paragraphs(child)
        elif child.tag == _SDT:
            content = child.find(_SDT_CONTENT)
            if content is not None:
                yield from _paragraphs(content)


@dataclass(frozen=True, slots=True)
class _RunText:
    """The text a run shows, with the formatting Markdown can say, and the run it came from."""

    element: Any
    text: str
    bold: bool
    italic: bool
    href: str | None


@dataclass(slots=True)
class _Field:
    """A complex field being read: its instruction so far, and whether its result (the shown text) has begun."""

    instruction: str = ""
    result: bool = False


_HYPERLINK_FIELD = re.compile(r'\s*HYPERLINK\s+(?:"(?P<quoted>[^"]*)"|(?P<bare>[^\s"\\]+))', re.IGNORECASE)
_SPACES = re.compile(r"[ \t\n\r\f\v]+")  # not U+00A0: a no-break space is the author's choice


def _runs(p: Any, part: Any, styles: _Styles) -> list[_RunText]:
    """The shown runs of a paragraph, in order, whitespace collapsed, with hyperlink targets."""
    style_id = _paragraph_style_id(p)
    # Bold in a bold style (headings) or italic in an italic one (quotes) is the style's: no markup for it.
    plain_bold = styles.flag(style_id, "b", "paragraph")
    plain_italic = styles.flag(style_id, "i", "paragraph")
    out: list[_RunText] = []
    fields: list[_Field] = []

    def walk(element: Any, href: str | None) -> None:
        for child in element:
            tag = child.tag
            if tag == _R:
                run(child, href)
            elif tag == _HYPERLINK:
                walk(child, _hyperlink_target(child, part))
            elif tag == _FLD_SIMPLE:
                walk(child, href or _field_target([_Field(child.get(qn("w:instr")) or "", result=True)]))
            elif tag in _INLINE_CONTAINERS:
                walk(child, href)
            elif tag == _SDT:
                content = child.find(_SDT_CONTENT)
                if content is not None:
                    walk(content, href)

    def run(r: Any, href: str | None) -> None:
        rpr = r.find(_RPR)
        if rpr is not None and _on(rpr.find(qn("w:vanish"))):
            return  # hidden text is not shown, so not translated
        pieces = []
        for child in r:
            tag = child.tag
            if tag == _FLD_CHAR:
                kind = child.get(qn("w:fldCharType"))
                if kind == "begin":
                    fields.append(_Field())
                elif kind == "separate" and fields:
                    fields[-1].result = True
                elif kind == "end" and fields:
                    fields.pop()
            elif tag == _INSTR_TEXT:
                if fields:
                    fields[-1].instruction += child.text or ""
            elif fields and not fields[-1].result:
                continue  # a field's instruction part shows nothing
            elif tag == _T:
                pieces.append(child.text or "")
            elif tag in (qn("w:tab"), qn("w:ptab"), qn("w:cr"), qn("w:br")):
                pieces.append(" ")
            elif tag == qn("w:noBreakHyphen"):
                pieces.append("-")
        text = "".join(pieces)
        if not text:
            return
        bold = not plain_bold and _run_flag(rpr, "b", styles)
        italic = not plain_italic and _run_flag(rpr, "i", styles)
        out.append(_RunText(r, text, bold, italic, href or _field_target(fields)))

    walk(p, None)
    return _collapse_spaces(out)


def _collapse_spaces(runs: list[_RunText]) -> list[_RunText]:
    """Runs of white space (tabs and line breaks too) as one space, none at either end of the paragraph."""
    out: list[_RunText] = []
    after_space = True  # at the start, a space is dropped
    for run in runs:
        text = _SPACES.sub(" ", run.text)
        if after_space:
            text = text.removeprefix(" ")
        if text:
            after_space = text.endswith(" ")
            out.append(_RunText(run.element, text, run.bold, run.italic, run.href))
    while out and out[-1].text.endswith(" "):
        last = out.pop()
        if last.text.rstrip(" "):
            out.append(_RunText(last.element, last.text.rstrip(" "), last.bold, last.italic, last.href))
            break
    return out


def _hyperlink_target(element: Any, part: Any) -> str | None:
    """An external hyperlink's address (with its fragment), when it is a web or mail address."""
    rid = element.get(qn("r:id"))
    if not rid or rid not in part.rels:
        return None  # an internal link to a bookmark: its text is plain text
    url = str(part.rels[rid].target_ref)
    anchor = element.get(qn("w:anchor"))
    if anchor and "#" not in url:
        url = f"{url}#{anchor}"
    return url if _linkable(url) else None


def _field_target(fields: list[_Field]) -> str | None:
    """The address of the innermost HYPERLINK field whose shown text this is (Word's older way to link)."""
    for found in reversed(fields):
        match = _HYPERLINK_FIELD.match(found.instruction)
        if found.result and match and r"\l" not in found.instruction:
            url = match.group("quoted") or match.group("bare") or ""
            return url if _linkable(url) else None
    return None


def _linkable(url: str) -> bool:
    try:
        return urlsplit(url).scheme.lower() in LINK_SCHEMES
    except ValueError:
        return False


def _on(element: Any) -> bool:
    """An on/off property element (``w:b``, ``w:vanish``...): present and not switched off."""
    return element is not None and element.get(_VAL, "true").lower() not in ("0", "false", "off")


def _run_flag(rpr: Any, name: str, styles: _Styles) -> bool:
    """A run's bold or italic, set on the run or by its character style."""
    if rpr is not None:
        own = rpr.find(qn(f"w:{name}"))
        if own is not None:
            return _on(own)
        rstyle = rpr.find(qn("w:rStyle"))
        if rstyle is not None:
            return styles.flag(rstyle.get(_VAL), name, "character")
    return False


def _paragraph_style_id(p: Any) -> str | None:
    ppr = p.find(_PPR)
    pstyle = ppr.find(qn("w:pStyle")) if ppr is not None else None
    return pstyle.get(_VAL) if pstyle is not None else None


@dataclass(frozen=True, slots=True)
class _Styles:
    """The styles part, by id: names along the "based on" chain, bold and italic, numbering and outline levels."""

    by_id: Mapping[str, Any]
    default_paragraph: str | None

    @classmethod
    def of(cls, document: Any) -> _Styles:
        by_id: dict[str, Any] = {}
        default = None
        for style in document.styles.element.iterchildren(qn("w:style")):
            style_id = style.get(qn("w:styleId"))
            if style_id:
                by_id[style_id] = style
                if style.get(qn("w:type")) == "paragraph" and _on_attr(style.get(qn("w:default"))):
                    default = style_id
        return cls(by_id, default)

    def chain(self, style_id: str | None, kind: str = "paragraph") -> list[Any]:
        """The style and those it is based on, nearest first (the default paragraph style when none is set)."""
        if style_id is None and kind == "paragraph":
            style_id = self.default_paragraph
        out: list[Any] = []
        while style_id and style_id in self.by_id and len(out) < 20:  # a loop in basedOn is a broken file
            style = self.by_id[style_id]
            if style in out:
                break
            out.append(style)
            based = style.find(qn("w:basedOn"))
            style_id = based.get(_VAL) if based is not None else None
        return out

    def names(self, style_id: str | None) -> list[str]:
        names = []
        for style in self.chain(style_id):
            name = style.find(qn("w:name"))
            if name is not None and name.get(_VAL):
                names.append(" ".join(name.get(_VAL).lower().split()))
        return names

    def flag(self, style_id: str | None, name: str, kind: str) -> bool:
        for style in self.chain(style_id, kind):
            rpr = style.find(_RPR)
            own = rpr.find(qn(f"w:{name}")) if rpr is not None else None
            if own is not None:
                return _on(own)
        return False

    def paragraph_property(self, style_id: str | None, tag: str) -> Any:
        """The nearest ``w:pPr`` child ``tag`` along the chain, or None."""
        for style in self.chain(style_id):
            ppr = style.find(_PPR)
            found = ppr.find(qn(tag)) if ppr is not None else None
            if found is not None:
                return found
        return None


def _on_attr(value: str | None) -> bool:
    return value is not None and value.lower() in ("1", "true", "on")


@dataclass(slots=True)
class _Numbering:
    """List definitions (numbering part), with counters so numbered items get their numbers in order."""

    part: Any
    counters: dict[str, list[int | None]] = field(default_factory=dict)

    @classmethod
    def of(cls, document: Any) -> _Numbering:
        try:
            return cls(document.part.part_related_by(RT.NUMBERING).element)
        except KeyError:
            return cls(None)

    def marker(self, num_id: str, level: int) -> str | None:
        """ "-" for a bullet, "3." for the third item of a numbered level; None when the list is not defined."""
        level_element, start = self._level(num_id, level)
        if level_element is None:
            return None
        fmt = level_element.find(qn("w:numFmt"))
        if fmt is not None and fmt.get(_VAL) in ("bullet", "none"):
            return "-"
        counts = self.counters.setdefault(num_id, [])
        while len(counts) <= level:
            counts.append(None)
        del counts[level + 1 :]  # an item ends the deeper levels: they start again
        count = counts[level]
        counts[level] = number = start if count is None else count + 1
        return f"{number}."

    def _level(self, num_id: str, level: int) -> tuple[Any, int]:
        if self.part is None:
            return None, 1
        num = next((n for n in self.part.iterchildren(qn("w:num")) if n.get(qn("w:numId")) == num_id), None)
        if num is None:
            return None, 1
        abstract_id = num.find(qn("w:abstractNumId"))
        abstract = next(
            (
                a
                for a in self.part.iterchildren(qn("w:abstractNum"))
                if abstract_id is not None and a.get(qn("w:abstractNumId")) == abstract_id.get(_VAL)
            ),
            None,
        )
        found = None
        if abstract is not None:
            found = next((lvl for lvl in abstract.iterchildren(qn("w:lvl")) if lvl.get(qn("w:ilvl")) == str(level)), None)
        start = _int(found.find(qn("w:start")) if found is not None else None, 1)
        for override in num.iterchildren(qn("w:lvlOverride")):
            if override.get(qn("w:ilvl")) == str(level):
                start = _int(override.find(qn("w:startOverride")), start)
                found = override.find(qn("w:lvl")) if override.find(qn("w:lvl")) is not None else found
        return found, start


def _int(element: Any, default: int) -> int:
    try:
        return int(element.get(_VAL)) if element is not None else default
    except (TypeError, ValueError):
        return default


_HEADING_STYLE = re.compile(r"heading ([1-9])")
_QUOTE_STYLES = {"quote", "intense quote", "quotations", "block text"}
_BULLET_STYLES = re.compile(r"list bullet( \d)?")
_NUMBER_STYLES = re.compile(r"list number( \d)?")


def _kind(p: Any, styles: _Styles, numbering: _Numbering) -> tuple[BlockKind, str]:
    """The block kind and marker a paragraph's style (or numbering, or outline level) gives it."""
    style_id = _paragraph_style_id(p)
    for name in styles.names(style_id):
        heading = _HEADING_STYLE.fullmatch(name)
        if name == "title" or heading:
            return BlockKind.HEADING, "#" * min(int(heading.group(1)) if heading else 1, 6)
        if name in _QUOTE_STYLES:
            return BlockKind.QUOTE, ">"
        if name == "caption":
            return BlockKind.CAPTION, ""
        if name == "list paragraph" or _BULLET_STYLES.fullmatch(name) or _NUMBER_STYLES.fullmatch(name):
            default = "1." if _NUMBER_STYLES.fullmatch(name) else "-"
            return BlockKind.LIST_ITEM, _list_marker(p, style_id, styles, numbering) or default
    marker = _list_marker(p, style_id, styles, numbering)
    if marker:
        return BlockKind.LIST_ITEM, marker
    ppr = p.find(_PPR)
    outline = ppr.find(qn("w:outlineLvl")) if ppr is not None else None
    if outline is None:
        outline = styles.paragraph_property(style_id, "w:outlineLvl")
    level = _int(outline, 9)
    if 0 <= level < 9:  # level 9 is body text
        return BlockKind.HEADING, "#" * min(level + 1, 6)
    return BlockKind.PARAGRAPH, ""


def _list_marker(p: Any, style_id: str | None, styles: _Styles, numbering: _Numbering) -> str | None:
    """The paragraph's list marker from its own numbering or its style's; None when it is not numbered."""
    ppr = p.find(_PPR)
    own = ppr.find(qn("w:numPr")) if ppr is not None else None
    inherited = styles.paragraph_property(style_id, "w:numPr")
    num_id = level = None
    for numpr in (own, inherited):
        if numpr is None:
            continue
        if num_id is None and numpr.find(qn("w:numId")) is not None:
            num_id = numpr.find(qn("w:numId")).get(_VAL)
        if level is None and numpr.find(qn("w:ilvl")) is not None:
            level = _int(numpr.find(qn("w:ilvl")), 0)
    if num_id is None or num_id == "0":  # numId 0 switches a style's numbering off
        return None
    return numbering.marker(num_id, level or 0)


# --- Markdown inline markup -------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Inline:
    """Text with the formatting Markdown inline markup can say: what one run holds."""

    text: str
    bold: bool = False
    italic: bool = False
    href: str | None = None


@dataclass(frozen=True, slots=True)
class Piece:
    """Text read from Markdown, with its formatting and where in the Markdown it was written.

    ``verbatim`` says that ``text`` is the Markdown's ``[start, end)``
    character for character (plain text), so a span inside it can be cut out;
    otherwise (an escape, an entity, an autolink) the whole piece stands for
    that range.
    """

    text: str
    bold: bool
    italic: bool
    href: str | None
    start: int
    end: int
    verbatim: bool


_ESCAPED = re.compile(r"[\\`*_\[\]<]|&(?=#?[0-9A-Za-z]+;)")
# What would start a heading, quote, list or rule if the text began a Markdown line.
_LINE_START = re.compile(r"(?:#{1,6}(?=[ \t]|$)|>|[-+](?=[ \t]|$|-))")
_NUMBERED_START = re.compile(r"(\d{1,9})([.)])(?=[ \t]|$)")


def to_markdown(spans: Sequence[Inline]) -> str:
    """Markdown for formatted text: ``**bold**``, ``*italic*``, ``[text](url)``, other markup characters escaped.

    Leading and trailing spaces of a bold or italic span are moved out of its
    delimiters (CommonMark would not read "**word **" as bold). A span whose
    delimiters still would not be read back as written (bold right after a
    letter and before punctuation, as in ``x**"y"**``) is written plain rather
    than with stray asterisks. Spaces, angle brackets and backslashes in link
    addresses are percent-encoded.
    """
    merged = _merge([Inline(s.text, s.bold, s.italic, _address(s.href)) if s.href else s for s in spans])
    text = _write(merged)
    if _read_back(text) == _characters(merged):
        return text
    # Keep each span's emphasis that reads back, in order; the rest is plain.
    chosen = [Inline(s.text, False, False, s.href) for s in merged]
    for index, span in enumerate(merged):
        if span.bold or span.italic:
            trial = [*chosen[:index], span, *chosen[index + 1 :]]
            if _read_back(_write(trial)) == _characters(trial):
                chosen = trial
    return _write(chosen)


def _read_back(text: str) -> list[tuple[str, bool, bool, str | None]]:
    return _characters(from_markdown(text))


def _merge(spans: Sequence[Inline]) -> list[Inline]:
    """Adjacent spans of the same formatting as one (Word splits runs for spelling marks and edit sessions)."""
    out: list[Inline] = []
    for span in spans:
        if not span.text:
            continue
        if out and (out[-1].bold, out[-1].italic, out[-1].href) == (span.bold, span.italic, span.href):
            out[-1] = Inline(out[-1].text + span.text, span.bold, span.italic, span.href)
        else:
            out.append(span)
    return out


def _characters(spans: Sequence[Inline | Piece]) -> list[tuple[str, bool, bool, str | None]]:
    """Each character with its formatting; white space is never bold or italic (it moves out of delimiters)."""
    return [(ch, s.bold and not ch.isspace(), s.italic and not ch.isspace(), s.href) for s in spans for ch in s.text]


def _write(spans: list[Inline]) -> str:
    out: list[str] = []
    for href, group in itertools.groupby(_merge(spans), key=lambda s: s.href):
        items = list(group)
        if href is None:
            out.append(_emphasis(items, at_start=not out))
        else:
            if out and out[-1].endswith("!"):
                out[-1] = out[-1][:-1] + "\\!"  # "![" would begin an image
            out.append(f"[{_emphasis(items, at_start=False)}]({_destination(href)})")
    return "".join(out)


_BOLD, _ITALIC = "**", "*"


def _emphasis(items: list[Inline], at_start: bool) -> str:
    """Delimiters opened and closed like nested tags; the one that lasts longer is the outer one."""
    atoms = _settle_spaces([(i.text, _marks(i)) for i in items])
    out: list[str] = []
    stack: list[str] = []
    for index, (text, marks) in enumerate(atoms):
        while any(m not in marks for m in stack):
            out.append(stack.pop())
        for mark in sorted(marks - set(stack), key=lambda m: (-_reach(atoms, index, m), m != _BOLD)):
            out.append(mark)
            stack.append(mark)
        out.append(_escape(text, at_start and not out))
    out.extend(reversed(stack))
    return "".join(out)


def _marks(span: Inline) -> frozenset[str]:
    return frozenset(m for m, on in ((_BOLD, span.bold), (_ITALIC, span.italic)) if on)


def _reach(atoms: list[tuple[str, frozenset[str]]], index: int, mark: str) -> int:
    return sum(1 for _ in itertools.takewhile(lambda a: mark in a[1], atoms[index:]))


_EDGE_SPACE = re.compile(r"^(\s*)(.*?)(\s*)$", re.DOTALL)


def _settle_spaces(atoms: list[tuple[str, frozenset[str]]]) -> list[tuple[str, frozenset[str]]]:
    """White space at a formatted span's edge takes only the formatting of the text on both sides of it."""
    split: list[tuple[str, frozenset[str] | None]] = []  # None: white space to settle
    for text, marks in atoms:
        if not marks:
            split.append((text, marks))
            continue
        found = _EDGE_SPACE.match(text)
        assert found is not None  # the pattern matches any string
        lead, core, trail = found.groups()
        split.extend((part, m) for part, m in ((lead, None), (core, marks), (trail, None)) if part)
    settled: list[tuple[str, frozenset[str]]] = []
    for index, (text, maybe) in enumerate(split):
        if maybe is None:
            before = next((m for _, m in reversed(split[:index]) if m is not None), frozenset[str]())
            after = next((m for _, m in split[index + 1 :] if m is not None), frozenset[str]())
            marks = before & after
        else:
            marks = maybe
        if settled and settled[-1][1] == marks:
            settled[-1] = (settled[-1][0] + text, marks)
        else:
            settled.append((text, marks))
    return settled


def _escape(text: str, at_line_start: bool) -> str:
    """Literal text as Markdown: a backslash before every character that could be read as markup."""
    text = _ESCAPED.sub(lambda m: "\\" + m.group(), text)
    if at_line_start:
        numbered = _NUMBERED_START.match(text)
        if numbered:
            return f"{numbered.group(1)}\\{text[numbered.end(1) :]}"
        if _LINE_START.match(text):
            return "\\" + text
    return text


def _address(url: str) -> str:
    """A URL with what a Markdown link destination cannot hold percent-encoded: spaces, angle brackets, backslashes."""
    return "".join(f"%{ord(c):02X}" if c in " <>\\" or ord(c) < 0x20 or c == "\x7f" else c for c in url)


def _destination(url: str) -> str:
    """An address (``_address``) as a Markdown link destination: parentheses escaped unless balanced."""
    depth = 0
    for ch in url:
        depth += {"(": 1, ")": -1}.get(ch, 0)
        if depth < 0:
            break
    if depth != 0:
        url = url.replace("(", "\\(").replace(")", "\\)")
    return url


class _Markdown(MarkdownIt):
    def normalizeLink(self, url: str) -> str:
        # The address goes back into a document as it was written, not percent-encoded for HTML.
        return url


@functools.cache
def _markdown() -> MarkdownIt:
    md = _Markdown("commonmark")
    # Escapes and entities stay tokens of their own, so that every text token is the source character for character.
    md.disable("text_join")
    return md


class _Misaligned(Exception):
    """A token that is not where the source says: the pieces cannot point into the source."""


# Line breaks as spaces, the same length: a paragraph is one line, and offsets into the text must hold.
_AS_SPACES = str.maketrans({"\n": " ", "\r": " ", "\0": "\ufffd"})


def from_markdown(text: str) -> list[Piece]:
    """Read Markdown inline markup (CommonMark, as markdown-it-py reads it) into formatted pieces.

    Each piece says where in ``text`` it was written; in the unlikely case
    that the tokens cannot be matched to the text (an image), every piece
    covers the whole text. Links other than http, https and mailto are
    kept as their text.
    """
    src = text.translate(_AS_SPACES)
    tokens = _markdown().parseInline(src)[0].children or []
    try:
        return _Reader(src, track=True).read(tokens)
    except _Misaligned:
        return _Reader(src, track=False).read(tokens)


@dataclass(slots=True)
class _Reader:
    """Walks inline tokens and the source together: every token consumes the source it was parsed from."""

    src: str
    track: bool
    pos: int = 0
    bold: int = 0
    italic: int = 0
    links: list[str | None] = field(default_factory=list)
    autolink_end: int = -1
    out: list[Piece] = field(default_factory=list)

    def read(self, tokens: Sequence[Token]) -> list[Piece]:
        for token in tokens:
            self.token(token)
        if self.track and self.src[self.pos :].strip():
            raise _Misaligned
        return self.out

    def token(self, token: Token) -> None:
        kind = token.type
        if kind == "text" and self.autolink_end >= 0:
            self.emit(token.content, self.pos, self.autolink_end, verbatim=False)
        elif kind in ("text", "html_inline"):
            start = self.pos
            self.take(token.content)
            self.emit(token.content, start, self.pos, verbatim=True)
        elif kind == "text_special":
            start = self.pos
            self.take(token.markup)
            self.emit(token.content, start, self.pos, verbatim=False)
        elif kind in ("strong_open", "strong_close", "em_open", "em_close"):
            self.take(token.markup)
            step = 1 if kind.endswith("_open") else -1
            if kind.startswith("strong"):
                self.bold += step
            else:
                self.italic += step
        elif kind == "link_open":
            href = str(token.attrGet("href") or "")
            self.links.append(href if _linkable(href) else None)
            if token.info == "auto":
                self.take("<")
                end = self.src.find(">", self.pos)
                if self.track and end < 0:
                    raise _Misaligned
                self.autolink_end = end
            else:
                self.take("[")
        elif kind == "link_close":
            if self.links:
                self.links.pop()
            if token.info == "auto":
                self.pos, self.autolink_end = self.autolink_end + 1, -1
            elif self.track:
                self.pos = _link_tail(self.src, self.pos)
        elif kind == "code_inline":
            start = self.pos
            self.take(token.markup)
            if self.track:
                closing = re.compile(rf"(?<!`){re.escape(token.markup)}(?!`)").search(self.src, self.pos)
                if closing is None:
                    raise _Misaligned
                self.pos = closing.end()
            self.emit(token.content, start, self.pos, verbatim=False)
        elif kind == "image":
            if self.track:
                raise _Misaligned  # its label and address are not worth aligning: alt text, unaligned
            self.emit(token.content, 0, len(self.src), verbatim=False)
        elif kind in ("softbreak", "hardbreak"):
            if self.track:
                raise _Misaligned  # no line breaks reach here (they are spaces): never happens
            self.emit(" ", 0, len(self.src), verbatim=False)
        elif self.track:
            raise _Misaligned

    def take(self, expected: str) -> None:
        if self.track:
            if not self.src.startswith(expected, self.pos):
                raise _Misaligned
            self.pos += len(expected)

    def emit(self, text: str, start: int, end: int, verbatim: bool) -> None:
        if not text:
            return
        if not self.track:
            start, end, verbatim = 0, len(self.src), False
        href = next((h for h in reversed(self.links) if h is not None), None) if self.links else None
        self.out.append(Piece(text, self.bold > 0, self.italic > 0, href, start, end, verbatim))


def _link_tail(src: str, pos: int) -> int:
    """Past ``](destination "title")`` at ``pos``, parsed as markdown-it's link rule parses it."""
    helpers = _markdown().helpers
    if not src.startswith("](", pos):
        raise _Misaligned
    pos = _skip_spaces(src, pos + 2)
    destination = helpers.parseLinkDestination(src, pos, len(src))
    if destination.ok:
        pos = destination.pos
        start = pos
        pos = _skip_spaces(src, pos)
        title = helpers.parseLinkTitle(src, pos, len(src))
        if pos < len(src) and start != pos and title.ok:
            pos = _skip_spaces(src, title.pos)
    if not src.startswith(")", pos):
        raise _Misaligned
    return pos + 1


def _skip_spaces(src: str, pos: int) -> int:
    while pos < len(src) and src[pos] in " \t\n":
        pos += 1
    return pos


# --- writing ------------------------------------------------------------------


def write_docx(
    source: Path,
    article: Article,
    translations: Mapping[str, str],
    lang: str,
    unreviewed: Collection[str] = frozenset(),
) -> bytes:
    """The localized Word document: ``source`` with each block's paragraph holding its published text.

    ``article`` is ``source`` as read (``read_article``: blocks whose
    ``line`` is the paragraph number ``read_docx`` gave them, with segments).
    ``translations`` maps each segment id to the text to publish in Markdown
    inline markup, as publish makes it for Markdown: the approved
    translation, or for an unreviewed segment the marked text (⟦не
    проверено: …⟧); a segment missing from it keeps its English.
    ``unreviewed`` names the segments to highlight. Site chrome paragraphs
    (boilerplate blocks) are removed, as publish leaves chrome out; a block
    whose text comes out as it was is left untouched. ``lang`` (ru, uk)
    becomes the language of the new runs and of the document's styles, for
    spelling and hyphenation. The bytes are the same for the same input.
    """
    document = _open(source)
    paragraphs = list(_paragraphs(document.element.body))
    styles = _Styles.of(document)
    writer = _Writer(document, styles, LANGUAGE_TAGS.get(lang, lang))
    clean = {segment_id: _XML_ILLEGAL.sub("", text) for segment_id, text in translations.items()}
    for block in article.blocks:
        if not 1 <= block.line <= len(paragraphs):
            raise InputError(
                f"block at paragraph {block.line} is not in the document (it has {len(paragraphs)}); "
                "publish from the source the review file was made from",
                str(source),
            )
        p = paragraphs[block.line - 1]
        if block.kind is BlockKind.BOILERPLATE:
            _remove_paragraph(p)
            continue
        text, marked = _published(block, clean, unreviewed)
        if text != block.text or marked:
            writer.replace(p, text, marked)
    writer.finish()
    out = io.BytesIO()
    document.save(out)
    return _fixed_zip_times(out.getvalue())


def _published(block: Block, translations: Mapping[str, str], unreviewed: Collection[str]) -> tuple[str, list[tuple[int, int]]]:
    """The block's text as published (the English gaps between segments kept), and the ranges to highlight."""
    pieces: list[str] = []
    marked: list[tuple[int, int]] = []
    length = position = 0
    for segment in block.segments:
        gap = block.text[position : segment.start]
        position = segment.end
        text = translations.get(segment.id, segment.text)
        pieces += [gap, text]
        length += len(gap)
        if segment.id in unreviewed:
            marked.append((length, length + len(text)))
        length += len(text)
    return "".join(pieces), marked


@dataclass(frozen=True, slots=True)
class _Styled:
    """A stretch of published text: one run's worth."""

    text: str
    bold: bool
    italic: bool
    href: str | None
    highlight: bool


def _styled(text: str, marked: list[tuple[int, int]]) -> list[_Styled]:
    """The text's pieces, cut where a highlighted range begins or ends."""
    pieces = from_markdown(text)
    bounds = sorted({b for r in marked for b in r})
    out: list[_Styled] = []
    for piece in pieces:
        cuts = [piece.start]
        if piece.verbatim:
            cuts += [b for b in bounds if piece.start < b < piece.end]
        cuts.append(piece.end)
        for begin, end in itertools.pairwise(cuts):
            part = piece.text[begin - piece.start : end - piece.start] if piece.verbatim else piece.text
            lit = any(lo <= begin < hi or (begin <= lo < end) for lo, hi in marked)
            out.append(_Styled(part, piece.bold, piece.italic, piece.href, lit))
    merged: list[_Styled] = []
    for styled in out:
        if merged and (merged[-1].bold, merged[-1].italic, merged[-1].href, merged[-1].highlight) == (
            styled.bold,
            styled.italic,
            styled.href,
            styled.highlight,
        ):
            merged[-1] = _Styled(merged[-1].text + styled.text, styled.bold, styled.italic, styled.href, styled.highlight)
        else:
            merged.append(styled)
    return merged


@dataclass(slots=True)
class _Writer:
    document: Any
    styles: _Styles
    language: str
    hyperlink_style: str | None = None

    def replace(self, p: Any, text: str, marked: list[tuple[int, int]]) -> None:
        """The paragraph's text runs replaced by runs for ``text``, in the formatting of its own runs."""
        templates = _Templates.of(_runs(p, self.document.part, self.styles), self.styles)
        at = _clear_text(p)
        for group_href, group in itertools.groupby(_styled(text, marked), key=lambda s: s.href):
            if group_href is None:
                for styled in group:
                    p.insert(at, self._run(styled, templates.plain_for(styled)))
                    at += 1
                continue
            link: Any = OxmlElement("w:hyperlink")
            link.set(qn("r:id"), self.document.part.relate_to(group_href, RT.HYPERLINK, is_external=True))
            link.set(qn("w:history"), "1")
            for styled in group:
                template = templates.link_for(styled)
                link.append(self._run(styled, self._link_template(templates) if template is None else template))
            p.insert(at, link)
            at += 1

    def _run(self, styled: _Styled, template: Any) -> Any:
        r: Any = OxmlElement("w:r")
        if template is not None:
            r.append(deepcopy(template))
        font = Font(r)
        if styled.bold and not _on(r.find(f"{_RPR}/{qn('w:b')}")):
            font.bold = True
        if styled.italic and not _on(r.find(f"{_RPR}/{qn('w:i')}")):
            font.italic = True
        if styled.highlight:
            font.highlight_color = _HIGHLIGHT
        if self.language:
            _set_language(r.get_or_add_rPr(), self.language)
        r.text = styled.text
        return r

    def _link_template(self, templates: _Templates) -> Any:
        """The paragraph's plain formatting with the document's Hyperlink style (added when it has none)."""
        rpr: Any = deepcopy(templates.plain) if templates.plain is not None else OxmlElement("w:rPr")
        if self.hyperlink_style is None:
            self.hyperlink_style = _hyperlink_style(self.document)
        rstyle = rpr.find(qn("w:rStyle"))
        if rstyle is None:
            rstyle = OxmlElement("w:rStyle")
            rpr.insert(0, rstyle)
        rstyle.set(_VAL, self.hyperlink_style)
        return rpr

    def finish(self) -> None:
        """The document's language: style defaults and every style that names one, and the core properties."""
        if not self.language:
            return
        styles = self.document.styles.element
        for found in styles.iter(qn("w:lang")):
            found.set(_VAL, self.language)
        defaults = styles.find(qn("w:docDefaults"))
        if defaults is not None:
            run_default = defaults.find(qn("w:rPrDefault"))
            if run_default is None:
                run_default = OxmlElement("w:rPrDefault")
                defaults.insert(0, run_default)
            rpr = run_default.find(_RPR)
            if rpr is None:
                rpr = OxmlElement("w:rPr")
                run_default.append(rpr)
            _set_language(rpr, self.language)
        package = self.document.part.package
        # Reading the core properties of a package without them would make them, with the time of day.
        if any(rel.reltype == RT.CORE_PROPERTIES for rel in package.rels.values()):
            self.document.core_properties.language = self.language


def _set_language(rpr: Any, language: str) -> None:
    found = rpr.find(qn("w:lang"))
    if found is None:
        found = OxmlElement("w:lang")
        rpr.insert_element_before(found, "w:eastAsianLayout", "w:specVanish", "w:oMath")
    found.set(_VAL, language)


def _hyperlink_style(document: Any) -> str:
    for style in document.styles:
        if style.type == WD_STYLE_TYPE.CHARACTER and style.name and style.name.lower() == "hyperlink":
            return str(style.style_id)
    style = document.styles.add_style("Hyperlink", WD_STYLE_TYPE.CHARACTER)
    style.font.color.rgb = _HYPERLINK_COLOR
    style.font.underline = True
    style.unhide_when_used = True
    return str(style.style_id)


@dataclass(frozen=True, slots=True)
class _Templates:
    """Run properties to copy for new runs: the paragraph's own first run of each kind of formatting."""

    plain: Any
    by_format: Mapping[tuple[bool, bool, bool], Any]  # (bold, italic, in a link)
    styles: _Styles

    @classmethod
    def of(cls, runs: list[_RunText], styles: _Styles) -> _Templates:
        by_format: dict[tuple[bool, bool, bool], Any] = {}
        for run in runs:
            by_format.setdefault((run.bold, run.italic, run.href is not None), _template(run.element.find(_RPR)))
        plain = by_format.get((False, False, False))
        if (False, False, False) not in by_format and runs:
            plain = _without_emphasis(_template(runs[0].element.find(_RPR)), styles)
        return cls(plain, by_format, styles)

    def plain_for(self, styled: _Styled) -> Any:
        return self.by_format.get((styled.bold, styled.italic, False), self.plain)

    def link_for(self, styled: _Styled) -> Any:
        key = (styled.bold, styled.italic, True)
        if key in self.by_format:
            return self.by_format[key]
        other = next((rpr for (_, _, link), rpr in self.by_format.items() if link), None)
        return _without_emphasis(deepcopy(other), self.styles)


def _template(rpr: Any) -> Any:
    """A copy of a run's properties without what belonged to its text alone (highlight, language, changes)."""
    if rpr is None:
        return None
    rpr = deepcopy(rpr)
    for tag in ("w:highlight", "w:lang", "w:rPrChange", "w:vanish"):
        for found in rpr.findall(qn(tag)):
            rpr.remove(found)
    return rpr


def _without_emphasis(rpr: Any, styles: _Styles) -> Any:
    if rpr is None:
        return None
    for tag in ("w:b", "w:bCs", "w:i", "w:iCs"):
        for found in rpr.findall(qn(tag)):
            rpr.remove(found)
    rstyle = rpr.find(qn("w:rStyle"))
    if rstyle is not None and (
        styles.flag(rstyle.get(_VAL), "b", "character") or styles.flag(rstyle.get(_VAL), "i", "character")
    ):
        rpr.remove(rstyle)
    return rpr


def _clear_text(p: Any) -> int:
    """Remove the paragraph's text (runs, links, fields, tracked changes), keep the rest; where new runs go."""
    fields = _whole_fields(p)
    insert_at: int | None = None
    for child in list(p):
        tag = child.tag
        if tag == _PPR or tag in _MARKS:
            continue
        if tag == _R:
            if _keeps(child, fields):
                for text in [c for c in child if c.tag in _RUN_TEXT and not _is_page_break(c)]:
                    child.remove(text)
                continue
            kept: list[Any] = []
        elif tag in _INLINE_CONTAINERS or tag in (_HYPERLINK, _SDT, qn("w:proofErr")):
            kept = list(_kept_inside(child, fields))
        elif tag in _DELETED:
            kept = []
        else:
            continue  # math, and whatever else a paragraph may hold that was not read as text
        index = p.index(child)
        if insert_at is None:
            insert_at = index
        for offset, element in enumerate(kept):
            p.insert(index + offset, element)
        p.remove(child)
    # Nothing but kept runs (an image and its caption text in one run): the text goes after them.
    return len(p) if insert_at is None else insert_at


def _keeps(r: Any, fields: set[Any]) -> bool:
    """A run holding an image, a note or comment mark, a page break, or part of a field that goes on elsewhere."""
    for child in r:
        if child.tag in _KEPT_IN_RUN or _is_page_break(child):
            return True
        if child.tag in (_FLD_CHAR, _INSTR_TEXT) and r not in fields:
            return True
    return False


def _is_page_break(element: Any) -> bool:
    return bool(element.tag == qn("w:br") and element.get(qn("w:type")) in ("page", "column"))


def _kept_inside(container: Any, fields: set[Any]) -> Iterator[Any]:
    for child in container:
        if child.tag in _MARKS:
            yield child
        elif child.tag == _R:
            if _keeps(child, fields):
                for text in [c for c in child if c.tag in _RUN_TEXT and not _is_page_break(c)]:
                    child.remove(text)
                yield child
        elif child.tag not in _DELETED:
            yield from _kept_inside(child, fields)


def _whole_fields(p: Any) -> set[Any]:
    """The runs of complex fields that begin and end in this paragraph (their shown text was read as text)."""
    whole: set[Any] = set()
    open_fields: list[list[Any]] = []
    for r in p.xpath(".//w:r[not(ancestor::w:txbxContent)]"):
        for child in r:
            if child.tag == _FLD_CHAR:
                kind = child.get(qn("w:fldCharType"))
                if kind == "begin":
                    open_fields.append([r])
                elif open_fields:
                    open_fields[-1].append(r)
                    if kind == "end":
                        whole.update(open_fields.pop())
            elif child.tag == _INSTR_TEXT and open_fields:
                open_fields[-1].append(r)
    return whole


def _remove_paragraph(p: Any) -> None:
    """Take a paragraph out; a cell's last paragraph, or one that ends a section, is emptied instead."""
    parent = p.getparent()
    ppr = p.find(_PPR)
    ends_section = ppr is not None and ppr.find(qn("w:sectPr")) is not None
    if ends_section or (parent.tag == _TC and len(parent.findall(_P)) == 1):
        for child in list(p):
            if child.tag != _PPR:
                p.remove(child)
        return
    parent.remove(p)


def _fixed_zip_times(data: bytes) -> bytes:
    """The same package with every entry dated 1980-01-01: python-docx stamps entries with the time of saving."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            entry = zipfile.ZipInfo(info.filename, date_time=_ZIP_TIME)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o644 << 16
            dst.writestr(entry, src.read(info.filename))
    return out.getvalue()
