"""`pipeline publish`: the localized article rebuilt from a review file, in the source's structure and markup."""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import polib

from pipeline.errors import InputError
from pipeline.formats.po import is_reviewed, read_po
from pipeline.ingest import escape_markdown, read_article
from pipeline.model import Article, Block, BlockKind, Segment

FORMATS = ("txt", "md", "html", "docx")
# How an unreviewed segment shows in the published text, in the text's language: nobody should miss it.
UNREVIEWED = {"ru": "⟦не проверено: {}⟧", "uk": "⟦не перевірено: {}⟧"}
UNREVIEWED_DEFAULT = "⟦unreviewed: {}⟧"
# The same words on the highlight of an unreviewed segment in the HTML page (its tooltip).
UNREVIEWED_TITLE = {"ru": "не проверено", "uk": "не перевірено"}
UNREVIEWED_TITLE_DEFAULT = "unreviewed"
# The only links a published page keeps; a link to anything else (javascript:, data:, a relative path) keeps its text.
LINK_SCHEMES = frozenset({"http", "https", "mailto"})

# Where an unreviewed segment starts and ends inside a block's text until it is rendered. Punctuation to
# Markdown, as a quotation mark is, so that "**Did you?**" next to one still closes; taken out of every
# translation and source beforehand, so they cannot collide with text.
_OPEN, _CLOSE = "\u2e4e", "\u2e4f"
_MARKDOWN_MARKER = re.compile(r"[-*+]|\d{1,9}[.)]")
_STYLE = (
    "body{max-width:40em;margin:0 auto;padding:0 1em;line-height:1.5;font-family:Georgia,serif}"
    "mark.unreviewed{background:#ffe08a}figure{margin:1em 0}figcaption,.byline{color:#555;font-size:.9em}"
)


@dataclass(frozen=True, slots=True)
class Published:
    text: str
    unreviewed: tuple[str, ...]  # segment ids without an approved translation
    data: bytes = b""  # the file itself, for a binary format (docx)


@dataclass(frozen=True, slots=True)
class _Part:
    """Published text of a block, with where its unreviewed segments are (between _OPEN and _CLOSE)."""

    block: Block
    text: str
    level: int = 0  # a heading's level, the same in every format

    @property
    def markdown(self) -> bool:
        return self.block.markup == "markdown"


def publish(po_path: Path, fmt: str, source: Path | None = None) -> Published:
    """Rebuild the article in ``fmt`` from the approved translations of ``po_path``."""
    if fmt not in FORMATS:
        raise InputError(f"unknown format {fmt!r}; use {', '.join(FORMATS)}", str(po_path))
    catalog = read_po(po_path)
    source_path = source or Path(catalog.metadata.get("X-Source-File", ""))
    if not source_path.name or not source_path.is_file():
        raise InputError(
            f"cannot find the source article {str(source_path)!r} named in the PO header; give it with --source PATH",
            str(po_path),
        )
    article = read_article(source_path)
    entries = {e.msgctxt: e for e in catalog if not e.obsolete}
    lang = catalog.metadata.get("Language", "")
    unreviewed: list[str] = []
    parts = []
    texts: dict[str, str] = {}  # segment id -> what to publish, in the Markdown form (for docx)
    for block in article.blocks:
        if block.kind is BlockKind.BOILERPLATE:
            continue  # site chrome is not republished
        pieces = []
        position = 0
        for segment in block.segments:
            pieces.append(_clean(block.text[position : segment.start]))
            position = segment.end
            text, reviewed = _segment_text(block, segment, entries.get(segment.id))
            if not reviewed:
                unreviewed.append(segment.id)
            if fmt == "md" and not block.markup:
                text = escape_markdown(text)  # plain text published as Markdown shows as it is
            pieces.append(text if reviewed else f"{_OPEN}{text}{_CLOSE}")
            texts[segment.id] = text if reviewed else _unreviewed_marks(f"{_OPEN}{text}{_CLOSE}", lang)
        pieces.append(_clean(block.text[position:]))
        parts.append(_Part(block, "".join(pieces)))
    parts = _with_levels(parts)
    if fmt == "docx":
        if article.format != "docx":
            raise InputError(
                f"--format docx rebuilds a Word document from its source, and this article is .{article.format}; "
                "use txt, md or html",
                str(po_path),
            )
        from pipeline.docx_io import write_docx

        return Published("", tuple(unreviewed), write_docx(source_path, article, texts, lang, frozenset(unreviewed)))
    render = {"txt": _render_txt, "md": _render_md, "html": _render_html}[fmt]
    return Published(render(article, parts, lang), tuple(unreviewed))


def _clean(text: str) -> str:
    return text.replace(_OPEN, "").replace(_CLOSE, "")


def _segment_text(block: Block, segment: Segment, entry: polib.POEntry | None) -> tuple[str, bool]:
    """The text to publish for a segment, and whether a person approved it."""
    if block.kind is BlockKind.FOREIGN:
        return _clean(segment.text), True
    if entry is not None and is_reviewed(entry):
        return _clean(entry.msgstr), True
    return _clean(entry.msgstr if entry is not None and entry.msgstr else segment.text), False


def _with_levels(parts: list[_Part]) -> list[_Part]:
    """Heading levels as the source gives them (Markdown "##", HTML <h2>); else the title h1, sections h2."""
    out = []
    seen_heading = False
    for part in parts:
        if part.block.kind is BlockKind.HEADING:
            marker = part.block.marker
            level = min(len(marker), 6) if marker and set(marker) == {"#"} else (2 if seen_heading else 1)
            seen_heading = True
            part = _Part(part.block, part.text, level)
        out.append(part)
    return out


def _unreviewed_marks(text: str, lang: str) -> str:
    before, after = UNREVIEWED.get(lang, UNREVIEWED_DEFAULT).split("{}")
    return text.replace(_OPEN, before).replace(_CLOSE, after)


# --- txt and md ---------------------------------------------------------------


def _render_txt(article: Article, parts: list[_Part], lang: str) -> str:
    lines = []
    for part in parts:
        text = _unreviewed_marks(_plain(part.text) if part.markdown else part.text, lang)
        marker = part.block.marker
        lines.append(f"{marker} {text}" if part.block.kind is BlockKind.LIST_ITEM and marker else text)
    return "\n\n".join(lines) + "\n"


def _render_md(article: Article, parts: list[_Part], lang: str) -> str:
    out = []
    for part in parts:
        text = _unreviewed_marks(part.text, lang)
        kind = part.block.kind
        if kind is BlockKind.HEADING:
            out.append(f"{'#' * part.level} {text.replace(chr(10), ' ')}")
            continue
        text = text.replace("\n", "\\\n")  # a line break (<br>) in the source is a hard break in Markdown
        if kind is BlockKind.LIST_ITEM:
            out.append(f"{_md_marker(part.block.marker)} {text}")
        elif kind is BlockKind.QUOTE:
            out.append("> " + text.replace("\n", "\n> "))
        else:
            out.append(text)
    return "\n\n".join(out) + "\n"


def _md_marker(marker: str) -> str:
    """A list item's marker as Markdown writes it: "•" of a text article is "-"; nesting stays."""
    bare = marker.lstrip(" ")
    indent = marker[: len(marker) - len(bare)]
    return indent + (bare if _MARKDOWN_MARKER.fullmatch(bare) else "-")


@functools.cache
def _markdown() -> Any:
    from markdown_it import MarkdownIt

    md = MarkdownIt("commonmark", {"html": False})
    # Every link is parsed as a link, so that one to a refused scheme can keep its text (see LINK_SCHEMES).
    md.validateLink = lambda url: True  # type: ignore[method-assign]
    return md


def _inline_tokens(text: str) -> list[Any]:
    tokens = _markdown().parseInline(text)
    return list(tokens[0].children or []) if tokens else []


def _plain(markdown: str) -> str:
    """The text a reader sees in Markdown: markup removed, escapes resolved."""
    out = []
    for token in _inline_tokens(markdown):
        if token.type in ("softbreak", "hardbreak"):
            out.append("\n")
        elif token.type in ("text", "text_special", "code_inline", "image", "html_inline"):
            out.append(token.content)
    return "".join(out)


# --- html ---------------------------------------------------------------------


def _render_html(article: Article, parts: list[_Part], lang: str) -> str:
    import lxml.html
    from lxml.html import builder as E

    title_text = next(
        (_plain(p.text) if p.markdown else p.text for p in parts if p.block.kind is BlockKind.HEADING), article.name
    )
    body = E.BODY()
    mark_title = UNREVIEWED_TITLE.get(lang, UNREVIEWED_TITLE_DEFAULT)
    lists: list[tuple[int, Any]] = []  # open lists: the marker's indent, the <ul>/<ol>
    for part in parts:
        kind = part.block.kind
        if kind is not BlockKind.LIST_ITEM:
            lists = []
        if kind is BlockKind.HEADING:
            container = E.E(f"h{part.level}")
            body.append(container)
        elif kind is BlockKind.LIST_ITEM:
            container = _list_item(body, lists, part.block.marker)
        elif kind is BlockKind.QUOTE:
            container = E.P()
            body.append(E.BLOCKQUOTE(container))
        elif kind is BlockKind.CAPTION:
            container = E.FIGCAPTION()
            body.append(E.FIGURE(container))
        elif kind is BlockKind.BYLINE:
            container = E.P(E.CLASS("byline"))
            body.append(container)
        else:
            container = E.P()
            body.append(container)
        _fill(container, part, mark_title)
    page = E.HTML(
        E.HEAD(
            E.META(charset="utf-8"),
            E.META(name="viewport", content="width=device-width, initial-scale=1"),
            E.TITLE(_clean(title_text).replace("\n", " ").strip()),
            E.STYLE(_STYLE),
        ),
        body,
        lang=lang,
    )
    return str(lxml.html.tostring(page, doctype="<!DOCTYPE html>", encoding="unicode", pretty_print=True))


def _list_item(body: Any, lists: list[tuple[int, Any]], marker: str) -> Any:
    """A <li> in the right list: markers of the source ("-", "  -", "3.") give nesting, order and start."""
    from lxml.html import builder as E

    bare = marker.lstrip(" ")
    indent = len(marker) - len(bare)
    ordered = bare[:1].isdigit()
    while lists and lists[-1][0] > indent:
        lists.pop()
    if lists and lists[-1][0] == indent and (lists[-1][1].tag == "ol") != ordered:
        lists.pop()
    if not lists or lists[-1][0] < indent:
        new = E.OL() if ordered else E.UL()
        if ordered and bare.rstrip(".)") not in ("", "1") and bare.rstrip(".)").isdigit():
            new.set("start", bare.rstrip(".)"))
        parent = lists[-1][1] if lists else body
        # A nested list goes inside the item before it.
        (parent[-1] if lists and len(parent) else parent).append(new)
        lists.append((indent, new))
    item = E.LI()
    lists[-1][1].append(item)
    return item


def _fill(container: Any, part: _Part, mark_title: str) -> None:
    """Build a block's inline content: em, strong and links from its Markdown, every text escaped by lxml."""
    import lxml.etree

    stack = [container]
    marked = [False]

    def text(value: str) -> None:
        for index, piece in enumerate(re.split(f"([{_OPEN}{_CLOSE}])", value)):
            if index % 2:
                marked[0] = piece == _OPEN
            elif piece:
                if marked[0]:
                    mark = lxml.etree.SubElement(stack[-1], "mark", {"class": "unreviewed", "title": mark_title})
                    mark.text = piece
                else:
                    _append_text(stack[-1], piece)

    tokens: Iterable[Any] = _inline_tokens(part.text) if part.markdown else _plain_tokens(part.text)
    for token in tokens:
        kind = token.type
        if kind in ("softbreak", "hardbreak"):
            lxml.etree.SubElement(stack[-1], "br")
        elif kind in ("em_open", "strong_open"):
            stack.append(lxml.etree.SubElement(stack[-1], kind.removesuffix("_open")))
        elif kind == "link_open":
            href = str(token.attrs.get("href") or "")
            allowed = urlsplit(href).scheme.lower() in LINK_SCHEMES
            stack.append(lxml.etree.SubElement(stack[-1], "a", href=href) if allowed else stack[-1])
        elif kind in ("em_close", "strong_close", "link_close"):
            stack.pop()
        elif kind == "code_inline":
            stack.append(lxml.etree.SubElement(stack[-1], "code"))
            text(token.content)
            stack.pop()
        else:
            text(token.content)  # text, an escape, an image's alt text


@dataclass(frozen=True, slots=True)
class _PlainToken:
    type: str
    content: str = ""


def _plain_tokens(text: str) -> list[_PlainToken]:
    """Plain text as the tokens of a Markdown text with no markup: text and line breaks."""
    out = []
    for index, line in enumerate(text.split("\n")):
        if index:
            out.append(_PlainToken("hardbreak"))
        out.append(_PlainToken("text", line))
    return out


def _append_text(element: Any, text: str) -> None:
    if len(element):
        element[-1].tail = (element[-1].tail or "") + text
    else:
        element.text = (element.text or "") + text
