"""`pipeline publish`: the localized article rebuilt from a review file, in the source's structure and markup."""

from __future__ import annotations

import html
from dataclasses import dataclass
from pathlib import Path

import polib

from pipeline.errors import InputError
from pipeline.formats.po import is_reviewed, read_po
from pipeline.ingest import read_article
from pipeline.model import Article, Block, BlockKind

FORMATS = ("txt", "md", "html")
# How an unreviewed segment shows in the published text, in the text's language: nobody should miss it.
UNREVIEWED = {"ru": "⟦не проверено: {}⟧", "uk": "⟦не перевірено: {}⟧"}
UNREVIEWED_DEFAULT = "⟦unreviewed: {}⟧"


@dataclass(frozen=True, slots=True)
class Published:
    text: str
    unreviewed: tuple[str, ...]  # segment ids without an approved translation


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
    blocks = []
    for block in article.blocks:
        if block.kind is BlockKind.BOILERPLATE:
            continue  # site chrome is not republished
        pieces = []
        position = 0
        for segment in block.segments:
            gap = block.text[position : segment.start]
            position = segment.end
            pieces.append(gap if fmt != "html" else html.escape(gap))
            pieces.append(_segment_text(block, segment.id, segment.text, entries.get(segment.id), fmt, lang, unreviewed))
        blocks.append((block, "".join(pieces)))
    render = {"txt": _render_txt, "md": _render_md, "html": _render_html}[fmt]
    return Published(render(article, blocks, lang), tuple(unreviewed))


def _segment_text(
    block: Block, segment_id: str, source: str, entry: polib.POEntry | None, fmt: str, lang: str, unreviewed: list[str]
) -> str:
    if block.kind is BlockKind.FOREIGN:
        return html.escape(source) if fmt == "html" else source
    if entry is not None and is_reviewed(entry):
        return html.escape(entry.msgstr) if fmt == "html" else entry.msgstr
    unreviewed.append(segment_id)
    shown = entry.msgstr if entry is not None and entry.msgstr else source
    if fmt == "html":
        return f'<mark class="unreviewed" title="not reviewed">{html.escape(shown)}</mark>'
    return UNREVIEWED.get(lang, UNREVIEWED_DEFAULT).format(shown)


def _render_txt(article: Article, blocks: list[tuple[Block, str]], lang: str) -> str:
    lines = [f"{block.marker} {text}" if block.kind is BlockKind.LIST_ITEM and block.marker else text for block, text in blocks]
    return "\n\n".join(lines) + "\n"


def _render_md(article: Article, blocks: list[tuple[Block, str]], lang: str) -> str:
    out = []
    for block, text in blocks:
        if block.kind is BlockKind.HEADING:
            out.append(f"{block.marker or '#'} {text}")
        elif block.kind is BlockKind.LIST_ITEM:
            out.append(f"{block.marker or '-'} {text}")
        elif block.kind is BlockKind.QUOTE:
            out.append(f"> {text}")
        else:
            out.append(text)
    return "\n\n".join(out) + "\n"


def _render_html(article: Article, blocks: list[tuple[Block, str]], lang: str) -> str:
    body: list[str] = []
    in_list = False
    for block, text in blocks:
        if block.kind is BlockKind.LIST_ITEM and not in_list:
            body.append("<ul>")
            in_list = True
        elif block.kind is not BlockKind.LIST_ITEM and in_list:
            body.append("</ul>")
            in_list = False
        if block.kind is BlockKind.HEADING:
            level = min(max(len(block.marker), 1), 6) if block.marker.startswith("#") else (1 if not body else 2)
            body.append(f"<h{level}>{text}</h{level}>")
        elif block.kind is BlockKind.LIST_ITEM:
            body.append(f"<li>{text}</li>")
        elif block.kind is BlockKind.QUOTE:
            body.append(f"<blockquote><p>{text}</p></blockquote>")
        elif block.kind is BlockKind.CAPTION:
            body.append(f"<figure><figcaption>{text}</figcaption></figure>")
        elif block.kind is BlockKind.BYLINE:
            body.append(f'<p class="byline">{text}</p>')
        else:
            body.append(f"<p>{text}</p>")
    if in_list:
        body.append("</ul>")
    title = html.escape(article.name)
    return (
        f'<!DOCTYPE html>\n<html lang="{html.escape(lang)}">\n<head><meta charset="utf-8"><title>{title}</title>\n'
        "<style>mark.unreviewed{background:#ffe08a}</style></head>\n<body>\n" + "\n".join(body) + "\n</body>\n</html>\n"
    )
