"""Read articles (plain text, Markdown, HTML) into blocks, then segment them.

Only this module reads article files. It decides what each block is
(heading, paragraph, site chrome...) with the editable rules in
``data/blocks.yaml`` and leaves sentence splitting to ``segment``.
"""

from __future__ import annotations

import codecs
import functools
import itertools
import re
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from importlib import resources
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import quote, urljoin, urlsplit

import yaml

from pipeline.errors import ConfigError, InputError
from pipeline.model import Article, Block, BlockKind, Notice, Segment
from pipeline.segment import IdAllocator, SegmentationRules, segment_text, split_sentences
from pipeline.yamlio import compose_yaml

FORMATS = {".txt": "txt", ".md": "md", ".markdown": "md", ".html": "html", ".htm": "html", ".docx": "docx"}
# Files a folder of articles usually holds beside them: not articles.
NOT_ARTICLES = re.compile(r"(readme|license|licence|changelog|contributing)(\..*)?", re.IGNORECASE)

_FINAL_PUNCT = ".!?:;,…"
_CLOSING_QUOTES = "\"'”’»“‘)"
_BULLET = re.compile(r"(?P<marker>[•▪◦‣⁃*·]|-(?=\s)|\d{1,3}[.)])\s+")
HEADLINE_MAX_WORDS = 30
SUBHEADING_MAX_WORDS = 12
# Lines no longer than this (95th percentile) mean the text was wrapped at a fixed width.
WRAP_WIDTH = 100


@dataclass(frozen=True, slots=True)
class BlockRules:
    """Compiled line rules: the first kind whose pattern matches a whole line wins."""

    rules: tuple[tuple[BlockKind, re.Pattern[str]], ...]

    def classify(self, text: str) -> BlockKind | None:
        stripped = text.strip()
        for kind, pattern in self.rules:
            if pattern.fullmatch(stripped):
                return kind
        return None


_RULE_KINDS = {"boilerplate": BlockKind.BOILERPLATE, "caption": BlockKind.CAPTION, "byline": BlockKind.BYLINE}


def load_block_rules(path: Path | None = None) -> BlockRules:
    """Read and compile the line rules (packaged ones unless ``path`` is given)."""
    if path is None:
        where = "pipeline/data/blocks.yaml"
        text = resources.files("pipeline.data").joinpath("blocks.yaml").read_text("utf-8")
    else:
        where = str(path)
        try:
            text = path.read_text("utf-8")
        except OSError as exc:
            raise ConfigError(f"cannot read block rules ({exc.strerror})", where) from exc
    data = compose_yaml(text, where)
    if data is None:
        return BlockRules(())
    if not isinstance(data, yaml.MappingNode):
        raise ConfigError("expected kinds (boilerplate, caption, byline) with lists of patterns", where, 1)
    compiled: list[tuple[BlockKind, re.Pattern[str]]] = []
    for key_node, value_node in data.value:
        kind = _RULE_KINDS.get(key_node.value)
        if kind is None:
            raise ConfigError(
                f"unknown kind {key_node.value!r}; use one of: {', '.join(_RULE_KINDS)}",
                where,
                key_node.start_mark.line + 1,
            )
        if not isinstance(value_node, yaml.SequenceNode):
            raise ConfigError(f"{key_node.value!r} must be a list of patterns", where, value_node.start_mark.line + 1)
        for item in value_node.value:
            try:
                compiled.append((kind, re.compile(item.value, re.IGNORECASE)))
            except re.error as exc:
                raise ConfigError(f"pattern {item.value!r} does not compile: {exc.msg}", where, item.start_mark.line + 1) from exc
    return BlockRules(tuple(compiled))


@functools.cache
def default_block_rules() -> BlockRules:
    """The packaged line rules, read once."""
    return load_block_rules()


# --- finding articles ---------------------------------------------------------


def find_articles(inputs: Sequence[Path]) -> list[Path]:
    """Expand files and folders into the article files to read, in a stable order."""
    found: list[Path] = []
    for path in inputs:
        if path.is_dir():
            inside = sorted(
                p
                for p in path.rglob("*")
                if p.is_file()
                and p.suffix.lower() in FORMATS
                and not NOT_ARTICLES.fullmatch(p.name)
                and not p.name.startswith((".", "~$"))  # hidden files and Word's lock files
            )
            if not inside:
                raise InputError(
                    "no articles in this folder; put .txt, .md, .html or .docx files in it",
                    str(path),
                )
            found.extend(inside)
        elif path.is_file():
            found.append(path)
        elif path.exists():
            raise InputError("not a regular file or folder; give article files or a folder of them", str(path))
        else:
            raise InputError("no such file or folder; check the path", str(path))
    return list(dict.fromkeys(found))


def read_articles(
    paths: Sequence[Path], rules: BlockRules | None = None, seg_rules: SegmentationRules | None = None
) -> tuple[list[Article], list[Notice]]:
    """Read every article; a bad one is skipped with a notice while others remain.

    When every article is unusable the first error is raised, so the user
    sees what is wrong instead of an empty run.
    """
    return _read_each(paths, rules, seg_rules, lambda article: article)


@dataclass(frozen=True, slots=True)
class ArticleEntry:
    """An article as a run plans it, without its text: an archive's entries fit in memory where its texts may not."""

    path: Path
    name: str
    segments: int  # all of them
    translatable: int  # those sent to MT


def scan_articles(
    paths: Sequence[Path], rules: BlockRules | None = None, seg_rules: SegmentationRules | None = None
) -> tuple[list[ArticleEntry], list[Notice]]:
    """Read every article as `read_articles` does, the same errors and notices, keeping only its entry."""

    def entry(article: Article) -> ArticleEntry:
        translatable = sum(len(b.segments) for b in article.blocks if b.kind.translatable)
        return ArticleEntry(Path(article.path), article.name, len(article.segments), translatable)

    return _read_each(paths, rules, seg_rules, entry)


_Kept = TypeVar("_Kept", Article, "ArticleEntry")


def _read_each(
    paths: Sequence[Path],
    rules: BlockRules | None,
    seg_rules: SegmentationRules | None,
    keep: Callable[[Article], _Kept],
) -> tuple[list[_Kept], list[Notice]]:
    kept: list[_Kept] = []
    names: list[tuple[str, str]] = []  # (name, path) of each article read
    notices: list[Notice] = []
    errors: list[InputError] = []
    for path in paths:
        try:
            article, noted = read_article_with_notices(path, rules, seg_rules)
        except InputError as exc:
            errors.append(exc)
            notices.append(Notice(str(path), f"skipped: {exc.message}"))
            continue
        kept.append(keep(article))
        names.append((article.name, article.path))
        notices.extend(noted)
    if not kept and errors:
        raise errors[0]
    counts = Counter(name for name, _ in names)
    clash = next((name for name, _ in names if counts[name] > 1), None)
    if clash:
        same = [where for name, where in names if name == clash]
        raise InputError(f"two articles would write the same review files ({', '.join(same)}); rename one", same[0])
    return kept, notices


def read_article(path: Path, rules: BlockRules | None = None, seg_rules: SegmentationRules | None = None) -> Article:
    """Read one article file and return it with blocks and segments."""
    return read_article_with_notices(path, rules, seg_rules)[0]


def read_article_with_notices(
    path: Path, rules: BlockRules | None = None, seg_rules: SegmentationRules | None = None
) -> tuple[Article, tuple[Notice, ...]]:
    """Read one article, with notices about what was changed on the way in (control characters removed)."""
    fmt = FORMATS.get(path.suffix.lower())
    if fmt is None:
        raise InputError(f"unknown article format {path.suffix or '(no extension)'!r}; use .txt, .md, .html or .docx", str(path))
    rules = rules or default_block_rules()
    removed: _Removed | None = None
    if fmt == "docx":
        # A Word document is binary: its paragraphs come with their styles, then the same line rules as text.
        from pipeline.docx_io import read_docx

        raw = [replace(b, kind=_override(b.kind, _classify(b.text, rules))) for b in read_docx(path)]
    else:
        decoded = decode_html(path) if fmt == "html" else decode_article(path)
        removed = _illegal_characters(decoded)
        text = _without_illegal(_break_controls(decoded, fmt))
        if fmt == "md":
            raw = list(_markdown_blocks(text, rules))
        elif fmt == "html":
            raw = list(_html_blocks(text, str(path), rules))
        else:
            raw = list(_classify_text_blocks(list(_text_blocks(text)), rules))
    # HTML character references ("&#27;") decode to characters the source text did not show.
    raw, in_blocks = _blocks_without_illegal(raw)
    removed = _first_of(removed, in_blocks)
    if not raw:
        raise InputError(_NOTHING_FOUND[fmt], str(path))
    if not any(b.kind.translatable for b in raw):
        raise InputError("the article has no text to translate (only site chrome or foreign-language lines)", str(path))
    article = Article(path=str(path), name=path.stem, format=fmt, blocks=_segment_blocks(raw, seg_rules))
    return article, () if removed is None else (_removed_notice(str(path), removed),)


_NOTHING_FOUND = {
    "html": (
        "found no text in the page (no paragraphs, headings or list items; a page that loads its text with a script "
        "has none until then); save the page after it has loaded, or copy its text into a .txt file"
    ),
    "md": "the article has no paragraphs, headings or list items (only code, HTML or rules); add its text as paragraphs",
    "txt": "the article is empty but for control characters; check that it is the file you meant",
    "docx": ("the document has no text in its body paragraphs (only images, or text in text boxes); add its text as paragraphs"),
}


def decode_article(path: Path) -> str:
    """Read a file as UTF-8 text, refusing binaries and naming the first bad byte."""
    return _decoded(_read_bytes(path), "utf-8", "utf-8", str(path))


def _read_bytes(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise InputError(f"cannot read the file ({exc.strerror}); check its permissions", str(path)) from exc


def _decoded(data: bytes, encoding: str, label: str, where: str, binary_check: bool = True) -> str:
    """``data`` decoded strictly, with the byte offset and line of the first byte that does not fit."""
    if binary_check and b"\x00" in data[:8192]:
        raise InputError("this is a binary file, not an article; give .txt, .md or .html text", where)
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        at = f"byte offset {exc.start} (byte 0x{data[exc.start]:02x})"
        if encoding == "utf-8":
            message = f"invalid UTF-8 at {at}; re-save the file as UTF-8"
        else:
            message = f"invalid {label} (the character set the page declares) at {at}; re-save the page as UTF-8"
        raise InputError(message, where, line) from exc
    text = text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        raise InputError("the article is empty; remove it or add text", where)
    return text


# --- characters XML cannot hold -------------------------------------------------
#
# Decided here, once, so that nothing later (PO, XLIFF, TSV, HTML, the cache, publish) ever sees them: lxml
# refuses them when the XLIFF is rendered, after the PO was written. XML 1.0 allows tab, line feed and carriage
# return of the C0 controls, and nothing of U+FFFE, U+FFFF or the surrogates (strict UTF-8 decoding already
# refuses encoded surrogates; HTML character references can still produce the others). A form feed or vertical
# tab is a page or line break: in text and Markdown it ends the line (nothing is added where a line already ends
# beside it, so line numbers stay those of the file); in HTML it is white space, as the HTML standard says of the
# form feed. Every other such character is removed, and the article gets one notice with the count and the
# first line. C1 controls and U+0085 are legal XML and are kept.

_SPACES = re.compile(r"\s+")
_HSPACES = re.compile(r"[^\S\n]+")  # white space but line breaks, which HTML blocks keep from <br>
_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_REMOVED = re.compile("[\x00-\x08\x0e-\x1f\ud800-\udfff\ufffe\uffff]")  # the illegal ones not turned into breaks
_BREAK_CONTROLS = re.compile("[\x0b\x0c]+")


@dataclass(frozen=True, slots=True)
class _Removed:
    """Characters removed from an article: how many, and the first one with its line."""

    count: int
    line: int
    char: str


def _illegal_characters(text: str) -> _Removed | None:
    first = _REMOVED.search(text)
    if first is None:
        return None
    return _Removed(len(_REMOVED.findall(text)), text.count("\n", 0, first.start()) + 1, first.group())


def _break_controls(text: str, fmt: str) -> str:
    """Form feeds and vertical tabs as line breaks (text, Markdown) or spaces (HTML)."""
    if fmt == "html":
        return _BREAK_CONTROLS.sub(" ", text)

    def line_break(found: re.Match[str]) -> str:
        start, end = found.span()
        beside_a_break = start == 0 or end == len(text) or text[start - 1] == "\n" or text[end] == "\n"
        return "" if beside_a_break else "\n"

    return _BREAK_CONTROLS.sub(line_break, text)


def _without_illegal(text: str) -> str:
    return _XML_ILLEGAL.sub("", text)


def _blocks_without_illegal(blocks: list[Block]) -> tuple[list[Block], _Removed | None]:
    """Blocks with no character XML cannot hold, and what was removed (HTML references decode to them)."""
    out: list[Block] = []
    removed: _Removed | None = None
    for block in blocks:
        found = _illegal_characters(block.text)
        if found is None:
            out.append(block)
            continue
        removed = _first_of(removed, _Removed(found.count, block.line, found.char))
        text = _HSPACES.sub(" ", _without_illegal(block.text)).strip()
        if text:
            out.append(replace(block, text=text))
    return out, removed


def _first_of(a: _Removed | None, b: _Removed | None) -> _Removed | None:
    """Both counts together, with the earlier first character."""
    if a is None or b is None:
        return a or b
    first = a if a.line <= b.line else b
    return _Removed(a.count + b.count, first.line, first.char)


def _removed_notice(path: str, removed: _Removed) -> Notice:
    what = "character" if removed.count == 1 else "characters"
    return Notice(
        path,
        f"line {removed.line}: removed {removed.count} {what} that XML review files cannot hold "
        f"(the first is U+{ord(removed.char):04X}); check the source if they stood for text",
    )


def _segment_blocks(blocks: Iterable[Block], seg_rules: SegmentationRules | None) -> tuple[Block, ...]:
    ids = IdAllocator()
    out = []
    for block in blocks:
        if block.kind.translatable:
            segments = _segment_lines(block.text, ids, seg_rules, block.markup == "markdown")
        else:
            # Chrome and foreign lines stay whole: nobody translates them.
            segments = (Segment(ids.allocate(block.text), block.text, 0, len(block.text)),)
        out.append(replace(block, segments=segments))
    return tuple(out)


# A line break (an HTML <br>) after this ends the sentence, whatever follows it: closing quotes, brackets and
# Markdown emphasis may stand between the punctuation and the break.
_ENDS_SENTENCE = re.compile(r"[.!?…][\"'”’»“‘)\]*_]*$")


def _segment_lines(
    text: str, ids: IdAllocator, seg_rules: SegmentationRules | None, markdown: bool = False
) -> tuple[Segment, ...]:
    """Segments of a block's text; a line break after a sentence's end is a boundary even before a lower-case word."""
    segment = _segment_markdown if markdown else segment_text
    if "\n" not in text:
        return segment(text, ids, seg_rules)
    segments: list[Segment] = []
    start = 0
    for found in re.finditer("\n", text):
        if _ENDS_SENTENCE.search(text, start, found.start()):
            segments += _shifted(segment(text[start : found.start()], ids, seg_rules), start)
            start = found.end()
    segments += _shifted(segment(text[start:], ids, seg_rules), start)
    return tuple(segments)


def _shifted(segments: tuple[Segment, ...], by: int) -> list[Segment]:
    return [replace(s, start=s.start + by, end=s.end + by) for s in segments]


def _segment_markdown(text: str, ids: IdAllocator, seg_rules: SegmentationRules | None) -> tuple[Segment, ...]:
    """Segments of Markdown text, decided on the text without its emphasis markers.

    The sentence splitter reads "**Jan." as a word that is not "Jan." and does not see the end of "*He left.*
    Then": it is given the text with every emphasis marker blanked out (same length, so the offsets hold), and
    each sentence then takes back the markers that touch it.
    """
    masked = _emphasis_masked(text)
    if masked == text:
        return segment_text(text, ids, seg_rules)
    out = []
    for span in split_sentences(masked, seg_rules):
        start, end = span.start, span.end
        while start > 0 and masked[start - 1] == " " and text[start - 1] != " ":
            start -= 1
        while end < len(text) and masked[end] == " " and text[end] != " ":
            end += 1
        piece = text[start:end]
        out.append(Segment(id=ids.allocate(piece), text=piece, start=start, end=end))
    return tuple(out)


def _emphasis_masked(text: str) -> str:
    """``text`` with its unescaped "*" and word-edge "_" (Markdown's emphasis markers) as spaces."""
    masked = _EMPHASIS_MARKER.sub(lambda m: m.group() if m.group(1) else " ", text)
    # "1\." (a paragraph that starts like an ordered list) reads to the splitter as a list marker, " 1.".
    return _ESCAPED_MARKER.sub(lambda m: f" {m.group(1)}{m.group(2)}", masked)


# An escape (kept), or an emphasis marker: "*", or "_" that is not inside a word.
_EMPHASIS_MARKER = re.compile(r"(\\.)|\*|(?<![^\W_])_|_(?![^\W_])", re.DOTALL)
_ESCAPED_MARKER = re.compile(r"^(\d{1,9})\\([.)])", re.MULTILINE)


# --- classification shared by all formats ----------------------------------


def is_cyrillic(text: str) -> bool:
    """Mostly Cyrillic letters: a Russian byline or navigation line."""
    letters = [ch for ch in text if ch.isalpha()]
    cyrillic = sum(1 for ch in letters if "\u0400" <= ch <= "\u04ff")
    return bool(letters) and cyrillic * 2 >= len(letters)


def _ends_unpunctuated(text: str) -> bool:
    return text.rstrip().rstrip(_CLOSING_QUOTES)[-1:] not in _FINAL_PUNCT


def _classify(text: str, rules: BlockRules) -> BlockKind | None:
    """Chrome, foreign-language and credit lines, whatever the format."""
    kind = rules.classify(text)
    if kind is BlockKind.BOILERPLATE:
        return kind
    if is_cyrillic(text):
        return BlockKind.FOREIGN
    return kind


def _override(structural: BlockKind, special: BlockKind | None) -> BlockKind:
    """A line rule beats the markup's kind, except that a marked-up heading stays a heading unless it is chrome."""
    if special is None or (structural is BlockKind.HEADING and special is not BlockKind.BOILERPLATE):
        return structural
    return special


# --- plain text ---------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Line:
    text: str
    number: int
    offset: int


def _lines(text: str) -> Iterator[_Line]:
    offset = 0
    for number, line in enumerate(text.split("\n"), start=1):
        yield _Line(line, number, offset)
        offset += len(line) + 1


def _is_hard_wrap(line: str, following: str) -> bool:
    """A line broken mid-sentence: no final punctuation and a lower-case continuation."""
    stripped = following.lstrip()
    return bool(stripped) and stripped[0].islower() and _ends_unpunctuated(line)


def _looks_hard_wrapped(lines: list[_Line]) -> bool:
    """Text wrapped at a fixed width (e-mail, Gutenberg style) rather than a line per paragraph."""
    lengths = sorted(len(line.text) for line in lines if line.text.strip())
    if len(lengths) < 3:
        return False
    return lengths[int(len(lengths) * 0.95) - 1] <= WRAP_WIDTH


def _text_blocks(text: str) -> Iterator[Block]:
    """One block per line; in hard-wrapped text, wrapped lines join their paragraph."""
    lines = list(_lines(text))
    wrapped = _looks_hard_wrapped(lines)
    pending: list[_Line] = []
    for line in lines:
        joins = wrapped and bool(pending) and _is_hard_wrap(pending[-1].text, line.text)
        if pending and (not line.text.strip() or not joins):
            yield _line_group_block(pending, text)
            pending = []
        if line.text.strip():
            pending.append(line)
    if pending:
        yield _line_group_block(pending, text)


def _line_group_block(lines: list[_Line], source: str) -> Block:
    first = lines[0]
    start = first.offset + len(first.text) - len(first.text.lstrip())
    last = lines[-1]
    end = last.offset + len(last.text.rstrip())
    # Newlines of a hard-wrapped paragraph become spaces: same length, so offsets hold.
    return Block(kind=BlockKind.PARAGRAPH, text=source[start:end].replace("\n", " "), line=first.number, offset=start)


def _classify_text_blocks(blocks: list[Block], rules: BlockRules) -> Iterator[Block]:
    headline_seen = False
    for index, block in enumerate(blocks):
        kind = _classify(block.text, rules)
        if kind is not None:
            yield replace(block, kind=kind)
            continue
        bullet = _BULLET.match(block.text)
        if bullet:
            cut = bullet.end()
            yield replace(
                block,
                kind=BlockKind.LIST_ITEM,
                text=block.text[cut:],
                offset=(block.offset or 0) + cut,
                marker=bullet.group("marker"),
            )
            continue
        words = len(block.text.split())
        is_last = index == len(blocks) - 1
        if not headline_seen and _ends_unpunctuated(block.text) and words <= HEADLINE_MAX_WORDS:
            headline_seen = True
            yield replace(block, kind=BlockKind.HEADING)
            continue
        headline_seen = True
        if not is_last and _ends_unpunctuated(block.text) and words <= SUBHEADING_MAX_WORDS and block.text[:1].isupper():
            yield replace(block, kind=BlockKind.HEADING)
            continue
        yield block


# --- Markdown -----------------------------------------------------------------


def _markdown_blocks(text: str, rules: BlockRules) -> Iterator[Block]:
    """Headings, paragraphs, list items and quotes; inline markup is kept as written."""
    from markdown_it import MarkdownIt

    tokens = MarkdownIt("commonmark").parse(text)
    line_offsets = [line.offset for line in _lines(text)]
    context: list[str] = []  # enclosing containers: "list_item", "blockquote"
    markers: list[str] = []
    heading_marker = ""
    for token in tokens:
        if token.type in ("bullet_list_open", "ordered_list_open", "blockquote_open"):
            context.append(token.type)
        elif token.type in ("bullet_list_close", "ordered_list_close", "blockquote_close"):
            context.pop()
        elif token.type == "list_item_open":
            markers.append(f"{token.info}{token.markup}" if token.info else token.markup)
        elif token.type == "list_item_close":
            markers.pop()
        elif token.type == "heading_open":
            heading_marker = token.markup
        elif token.type == "inline" and token.map is not None:
            content = token.content
            line = token.map[0] + 1
            found = text.find(content, line_offsets[token.map[0]])
            offset = found if found >= 0 else None
            block_text = content.replace("\n", " ")
            if heading_marker:
                kind, marker = BlockKind.HEADING, heading_marker
                heading_marker = ""
            elif context and context[-1] == "blockquote_open":
                kind, marker = BlockKind.QUOTE, ">"
            elif context and markers:
                kind, marker = BlockKind.LIST_ITEM, markers[-1]
            else:
                kind, marker = BlockKind.PARAGRAPH, ""
            kind = _override(kind, _classify(block_text, rules))
            yield Block(kind=kind, text=block_text, line=line, offset=offset, markup="markdown", marker=marker)


# --- HTML ---------------------------------------------------------------------
#
# A news page is read the way a browser lays it out: every block element (p, h1-h6, li, blockquote,
# figcaption, div...) holds runs of inline content, and each run is one block of the article; text sitting
# directly in a <div> beside its <p> children is a run of its own, as is a <li>'s text before its nested list.
# Inline markup is kept as Markdown (``*em*``, ``**strong**``, ``[text](url)``), as a .md article keeps it,
# and every other character that Markdown would read as markup is escaped. A <br> is a line break ("\n") in
# the block's text; segmentation ends a sentence there when the text before it ends one. Site chrome is left
# out by what it is (nav, footer, aside, forms, scripts) and by what the page calls it (class and id words
# such as share, related, newsletter, ad, comments), and whatever slips through is caught by the line rules
# of data/blocks.yaml.

MAX_HTML_BYTES = 20 * 1024 * 1024
MAX_HTML_DEPTH = 500
# When a page nests deeper than MAX_HTML_DEPTH, inline tags beyond this depth are dropped and their text kept:
# thousands of nested <span>s only style text, and libxml2 stops reading at 256 (2048 with huge_tree) levels.
_INLINE_KEPT = 32

_HTML_BLOCK_TAGS = frozenset(
    "address article aside blockquote body caption center dd details dialog div dl dt fieldset figcaption figure "
    "footer form h1 h2 h3 h4 h5 h6 header hgroup hr html legend li main menu nav ol p pre section summary table "
    "tbody td tfoot th thead tr ul".split()
)
_HEADINGS = frozenset(f"h{n}" for n in range(1, 7))
# Containers whose text is prose only if it is not all links (share rows, tag lists, "next story" teasers).
_HTML_WRAPPER_TAGS = frozenset({"div", "section", "article", "main", "body", "td", "th", "header", "figure", "center"})
_HTML_DROP_TAGS = (
    "script", "style", "noscript", "template", "iframe", "object", "embed", "form", "button", "input", "select",
    "textarea", "svg", "math", "canvas", "video", "audio", "map", "nav", "footer", "dialog",
)  # fmt: skip
_INLINE_TAGS = frozenset(
    "a abbr acronym b bdi bdo big cite code data del dfn em font i ins kbd label mark q s samp small span strike "
    "strong sub sup time tt u var".split()
)

# Words in an element's class, id, data-qa or data-testid that name site chrome. An element named so is left
# out with everything in it, unless it holds at least half of the article's words (a wrapper called
# "has-sidebar" or "no-comments" is still the article).
_CHROME_WORDS = frozenset(
    "ad ads adv adfox advert advertisement advertising banner bookmark breadcrumb breadcrumbs comment comments "
    "consent contribute cookie cookies donate donation footer gdpr gift interstitial kicker masthead menu nav "
    "navigation newsletter outbrain popular promo promotion rail recirc recommended related rubric share sharing "
    "sidebar signup skip social sponsor sponsored subscribe subscription support taboola tag tags toolbar "
    "trending".split()
)
_BYLINE_WORDS = frozenset(
    "author authors byline bylines contributor date dateline datetime meta published pubdate time timestamp".split()
)
_CAPTION_WORDS = frozenset({"caption", "figcaption", "credit", "credits"})
# A heading that is the standfirst (dek) under the headline: a paragraph, not a section heading.
_DEK_WORDS = frozenset({"dek", "deck", "lead", "standfirst", "strapline", "subheadline", "subtitle"})
# Embedded posts (a tweet, a Telegram post): only the quoted post is article text, not the widget around it.
_EMBED_WORDS = frozenset({"instagram", "telegram", "tgme", "tiktok", "tweet", "twitter"})

_ATTR_WORD = re.compile(r"[A-Za-z0-9]+")
_NO_WORDS: frozenset[str] = frozenset()
_PASCAL = re.compile(r"[A-Z][a-z]+(?:[A-Z][a-z]+)+")
_PASCAL_WORD = re.compile(r"[A-Z][a-z]+")
_DISPLAY_NONE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.IGNORECASE)
_LINK_SCHEMES = frozenset({"http", "https", "mailto"})


def _attr_words(element: Any) -> frozenset[str]:
    """The words an element's class, id, data-qa and data-testid are made of ("RelatedRichBlock-root": related...).

    Only PascalCase names are split at their capitals: hashed class names ("wpds-c-cYdRxM") would otherwise
    yield chance words such as "ad".
    """
    values = [v for v in (element.get("class"), element.get("id"), element.get("data-qa"), element.get("data-testid")) if v]
    if not values:
        return _NO_WORDS
    words: set[str] = set()
    for value in values:
        for token in _ATTR_WORD.findall(str(value)):
            if _PASCAL.fullmatch(token):
                words.update(w.lower() for w in _PASCAL_WORD.findall(token))
            if len(token) > 1:
                words.add(token.lower())
    return frozenset(words)


def _is_pull_quote(words: frozenset[str]) -> bool:
    return "pullquote" in words or {"pull", "quote"} <= words


def decode_html(path: Path) -> str:
    """Read a web page in the character set it declares (BOM, XML declaration, <meta>), else UTF-8."""
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise InputError(f"cannot read the file ({exc.strerror}); check its permissions", str(path)) from exc
    if size > MAX_HTML_BYTES:
        raise InputError(
            f"the page is {size / 2**20:.1f} MB, more than the {MAX_HTML_BYTES // 2**20} MB an HTML article is read "
            "from; save the article's text as .txt, or only the part of the page that holds it",
            str(path),
        )
    data = _read_bytes(path)
    encoding, label = _html_encoding(data, str(path))
    return _decoded(data, encoding, label, str(path), binary_check=not encoding.startswith("utf-16"))


_BOMS = ((codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be"))
_XML_ENCODING = re.compile(rb"""\s*<\?xml[^>]*?\bencoding\s*=\s*["']([A-Za-z0-9._:-]+)""")
_META_CHARSET = re.compile(rb"""<meta\b[^>]*?\bcharset\s*=\s*["']?\s*([A-Za-z0-9._:-]+)""", re.IGNORECASE)
# What the HTML standard reads these labels as: browsers show such pages as windows-1252, and a page read
# before it was decoded cannot really be UTF-16.
_CHARSET_ALIASES = {
    "iso-8859-1": "windows-1252",
    "iso8859-1": "windows-1252",
    "latin1": "windows-1252",
    "latin-1": "windows-1252",
    "us-ascii": "windows-1252",
    "ascii": "windows-1252",
    "utf-16": "utf-8",
    "utf-16le": "utf-8",
    "utf-16be": "utf-8",
}


def _html_encoding(data: bytes, where: str) -> tuple[str, str]:
    """The Python codec and the page's own name for its character set."""
    for bom, name in _BOMS:
        if data.startswith(bom):
            return name, name
    found = _XML_ENCODING.match(data) or _META_CHARSET.search(data[:8192])
    if found is None:
        return "utf-8", "utf-8"
    label = found.group(1).decode("ascii").lower()
    name = _CHARSET_ALIASES.get(label, label)
    try:
        return codecs.lookup(name).name, label
    except LookupError:
        raise InputError(
            f"the page declares the character set {label!r}, which is unknown; re-save it as UTF-8 or correct its charset",
            where,
        ) from None


def _html_blocks(text: str, where: str, rules: BlockRules) -> Iterator[Block]:
    """The article body's blocks, with inline markup as Markdown, without scripts, navigation and other chrome."""
    root = _parse_html(text, where)
    _stand_in_for_illegal(root)
    base = _base_url(root)
    _etree().strip_elements(root, *_HTML_DROP_TAGS, with_tail=False)
    for element in [e for e in root.iter() if _hidden(e)]:
        element.drop_tree()
    for aside in [a for a in root.iter("aside") if not _is_pull_quote(_attr_words(a))]:
        aside.drop_tree()
    # An article's own <header> holds its headline, byline and standfirst; only the site's header is chrome.
    for header in [h for h in root.iter("header") if not any(a.tag in ("article", "main") for a in h.iterancestors())]:
        header.drop_tree()
    body = _html_article_root(root)
    _drop_chrome(body)
    runs = _Walker(base).runs(body)
    if any(run.pulled for run in runs):
        # A pull quote repeats a sentence of the story in large type: published again, it would say it twice.
        said = f" {_comparable(' '.join(run.plain for run in runs if not run.pulled))} "
        runs = [run for run in runs if not run.pulled or f" {_comparable(run.plain)} " not in said]
    holders = Counter(a for run in runs for a in _chain(run.owner, body))
    for run in runs:
        chain = _chain(run.owner, body)
        # A class describes this block only on elements that hold no other block: "author-jane-doe" on <body>
        # or "has-captions" on the story's wrapper would make every paragraph a byline or a caption.
        own = set(run.words)
        for element in itertools.takewhile(lambda a: holders[a] == 1, chain):
            own |= _attr_words(element)
        kind, marker = _html_kind(run, chain, frozenset(own), body)
        if run.owner.tag in _HTML_WRAPPER_TAGS and run.link_words == run.words_count and kind is BlockKind.PARAGRAPH:
            continue  # share buttons, tag lists, "next story" rows: links, not prose
        one_line = run.plain.replace("\n", " ")
        kind = _override(kind, _classify(one_line, rules))
        text = run.markdown.translate(_ILLEGAL_BACK)
        yield Block(kind=kind, text=text, line=run.line, offset=None, markup="markdown", marker=marker)


# Character references ("&#27;") put characters in the tree that lxml refuses to set again (as drop_tree does
# when it moves a tail); they stand in as private-use characters while the tree is worked on, and come back in
# the blocks, where they are removed and counted with the rest (_blocks_without_illegal).
_ILLEGAL_STAND_IN = {c: 0xF0000 + c for c in [*range(0x20), 0xFFFE, 0xFFFF] if chr(c) not in "\t\n\r"}
_ILLEGAL_BACK = {v: k for k, v in _ILLEGAL_STAND_IN.items()}


def _stand_in_for_illegal(root: Any) -> None:
    for element in root.iter():
        if element.text and _XML_ILLEGAL.search(element.text):
            element.text = element.text.translate(_ILLEGAL_STAND_IN)
        if element.tail and _XML_ILLEGAL.search(element.tail):
            element.tail = element.tail.translate(_ILLEGAL_STAND_IN)


def _etree() -> Any:
    import lxml.etree

    return lxml.etree


def _parse_html(text: str, where: str) -> Any:
    """Parse the page; one clear error when it is nested too deep to be read whole."""
    root, fatal = _parse_once(text, where)
    if fatal is None and _tree_depth(root) <= MAX_HTML_DEPTH:
        return root
    root, fatal = _parse_once(_flatten_inline(text), where)
    if fatal is not None and "depth" not in fatal.lower():
        raise InputError(f"cannot read the whole page (the HTML parser stopped: {fatal}); save the article's text as .txt", where)
    if fatal is not None or _tree_depth(root) > MAX_HTML_DEPTH:
        raise InputError(
            f"the page's elements are nested more than {MAX_HTML_DEPTH} levels deep, which no article needs (a "
            "generated or damaged page); save the article's text as .txt, or only the part of the page that holds it",
            where,
        )
    return root


def _parse_once(text: str, where: str) -> tuple[Any, str | None]:
    import lxml.html

    etree = _etree()
    # Bytes with the encoding given: libxml2 refuses a str that starts with an XML encoding declaration, and the
    # text was decoded already, in the character set the page declares.
    parser = lxml.html.HTMLParser(encoding="utf-8", huge_tree=True, remove_comments=True, remove_pis=True)
    try:
        root = lxml.html.document_fromstring(text.encode("utf-8"), parser=parser)
    except (etree.ParserError, ValueError) as exc:
        raise InputError(f"cannot parse the HTML ({exc}); check that it is a web page", where) from exc
    fatal = next((str(e.message).strip() for e in parser.error_log if e.level == etree.ErrorLevels.FATAL), None)
    return root, fatal


def _tree_depth(root: Any) -> int:
    depth = {root: 0}
    deepest = 0
    for element in root.iterdescendants():
        level = depth[element.getparent()] + 1
        depth[element] = level
        deepest = max(deepest, level)
    return deepest


_TAG_TOKEN = re.compile(
    r"""<!--.*?(?:-->|\Z)
      | <(?P<raw>script|style|textarea|title)\b[^>]*>.*?(?:</(?P=raw)\s*>|\Z)
      | <(?P<end>/?)(?P<name>[A-Za-z][A-Za-z0-9:-]*)(?P<attrs>(?:[^>"']|"[^"]*"|'[^']*')*)>""",
    re.DOTALL | re.IGNORECASE | re.VERBOSE,
)


def _flatten_inline(text: str) -> str:
    """The page with inline tags nested deeper than _INLINE_KEPT removed, their text kept, line numbers unchanged."""
    out: list[str] = []
    last = 0
    open_: list[tuple[str, bool]] = []  # open inline elements: name, kept
    kept = 0
    for token in _TAG_TOKEN.finditer(text):
        name = (token.group("name") or "").lower()
        if name not in _INLINE_TAGS or token.group("attrs").rstrip().endswith("/"):
            continue
        if not token.group("end"):
            keep = kept < _INLINE_KEPT
            open_.append((name, keep))
            kept += keep
            drop = not keep
        else:
            at = next((i for i in range(len(open_) - 1, -1, -1) if open_[i][0] == name), None)
            if at is None:
                continue
            drop = not open_[at][1]
            kept -= sum(k for _, k in open_[at:])  # elements opened inside it close with it
            del open_[at:]
        if drop:
            out.append(text[last : token.start()])
            out.append("\n" * token.group().count("\n"))
            last = token.end()
    out.append(text[last:])
    return "".join(out)


def _base_url(root: Any) -> str:
    """The page's own address, to resolve relative links: <base>, the canonical link, og:url."""
    candidates = [
        *(e.get("href") for e in root.iter("base")),
        *(e.get("href") for e in root.iter("link") if "canonical" in str(e.get("rel", "")).lower().split()),
        *(e.get("content") for e in root.iter("meta") if str(e.get("property", "")).lower() == "og:url"),
    ]
    return next((str(c).strip() for c in candidates if c and urlsplit(str(c).strip()).scheme in ("http", "https")), "")


def _hidden(element: Any) -> bool:
    if not isinstance(element.tag, str):
        return False
    return element.get("hidden") is not None or bool(_DISPLAY_NONE.search(str(element.get("style") or "")))


def _html_article_root(root: Any) -> Any:
    """The <article> with the most text, else the <main>, else the whole page.

    Not the first <article>: pages put teaser and promotion cards in <article> elements before the story, and
    each of them is only a headline and a "Read more". And not a <main> around the <article>: it holds the
    newsletter box and "More from..." lists beside it. A largest <article> with less than a fifth of the page's
    text is a teaser; the story is then elsewhere.
    """
    body = next(root.iter("body"), root)
    main = max(root.iter("main"), key=_words, default=None)
    article = max(root.iter("article"), key=_words, default=None)
    if article is not None and _words(article) * 5 >= _words(main if main is not None else body):
        return article
    return main if main is not None else body


def _words(element: Any) -> int:
    return len(element.text_content().split())


def _drop_chrome(body: Any) -> None:
    """Leave out what the page names as chrome; keep only the quoted post of an embedded tweet or Telegram post."""
    total = _words(body)
    stack = list(reversed(body))
    while stack:
        element = stack.pop()
        if not isinstance(element.tag, str):
            continue
        words = _attr_words(element)
        if words & _CHROME_WORDS and not _is_pull_quote(words) and _words(element) * 2 <= total:
            element.drop_tree()
            continue
        if words & _EMBED_WORDS or element.get("data-telegram-post") is not None:
            _keep_quoted_post(element)
            continue
        stack.extend(reversed(element))


def _keep_quoted_post(embed: Any) -> None:
    """An embed's quoted post (its blockquote, and in that its paragraphs) without the name, handle, date, views."""
    quotes = [embed] if embed.tag == "blockquote" else [q for q in embed.iter("blockquote") if _outermost_quote(q, embed)]
    if embed.tag != "blockquote" and not quotes:
        embed.drop_tree()
        return
    for post in quotes:
        if post.find(".//p") is not None:
            post.text = None
            for child in list(post):
                if child.tag == "p":
                    child.tail = None
                else:
                    post.remove(child)
    if embed.tag != "blockquote":
        embed.text = None
        for child in list(embed):
            embed.remove(child)
        for post in quotes:
            post.tail = None
            embed.append(post)


def _outermost_quote(quote: Any, embed: Any) -> bool:
    """No other blockquote between ``quote`` and the ``embed`` it is in."""
    return next(a for a in quote.iterancestors() if a is embed or a.tag == "blockquote") is embed


def _chain(owner: Any, body: Any) -> list[Any]:
    """The owner and its ancestors up to the article's root, which is not included."""
    chain = [owner]
    for ancestor in owner.iterancestors():
        if ancestor is body:
            break
        chain.append(ancestor)
    return chain if owner is not body else []


def _comparable(text: str) -> str:
    return " ".join(re.findall(r"\w+", text.lower()))


@dataclass(slots=True)
class _Run:
    """One run of inline content: a block of the article, as Markdown and as plain text."""

    owner: Any
    line: int
    markdown: str
    plain: str
    words_count: int
    link_words: int
    words: frozenset[str]  # attribute words of inline elements around all of the run's text ("time" for <time>)
    pulled: bool


@dataclass(slots=True)
class _Inline:
    """An open inline element as the run sees it."""

    kind: str  # "em" | "strong" | "a" | "time" | "" (any other inline element)
    href: str | None  # an allowed link target, for "a"
    words: frozenset[str]


_LITERAL_OPEN, _LITERAL_CLOSE, _LITERAL_BANG = "\ue000", "\ue001", "\ue002"
_LINE_BREAK = "\ue003"


class _Walker:
    """Cuts an article's tree into runs of inline content, in document order, in one pass without recursion."""

    def __init__(self, base: str) -> None:
        self.base = base

    def runs(self, body: Any) -> list[_Run]:
        etree = _etree()
        self.out: list[_Run] = []
        self.open_inline: list[_Inline] = []
        self.owners: list[Any] = []
        self.tokens: list[tuple[str, Any]] = []  # ("text", s) | ("open", _Inline) | ("close", None) | ("br", None)
        self.line = 0
        self.run_line = 0
        self.pull_depth = 0
        self.caption_depth = 0
        for event, element in etree.iterwalk(body, events=("start", "end")):
            if not isinstance(element.tag, str):
                if event == "end":
                    self._text(element.tail)
                continue
            tag = element.tag.lower()
            # Decided once, at the start: a <span class="caption"> is a block only where no caption is open.
            block = self._is_block(tag, element) if event == "start" else bool(self.owners) and self.owners[-1] is element
            if event == "start":
                self.line = element.sourceline or self.line
                if block:
                    self._flush()
                    self.owners.append(element)
                    words = _attr_words(element)
                    self.pull_depth += _is_pull_quote(words)
                    self.caption_depth += tag == "figcaption" or bool(words & _CAPTION_WORDS)
                elif tag == "br":
                    self._break()
                else:
                    spec = self._inline(tag, element)
                    self.open_inline.append(spec)
                    if self.tokens:
                        self.tokens.append(("open", spec))
                self._text(element.text)
            else:
                if block:
                    self._flush()
                    self.owners.pop()
                    words = _attr_words(element)
                    self.pull_depth -= _is_pull_quote(words)
                    self.caption_depth -= tag == "figcaption" or bool(words & _CAPTION_WORDS)
                elif tag != "br":
                    self.open_inline.pop()
                    if self.tokens:
                        self.tokens.append(("close", None))
                self._text(element.tail)
        self._flush()
        return self.out

    def _is_block(self, tag: str, element: Any) -> bool:
        if tag in _HTML_BLOCK_TAGS:
            return True
        # The older Washington Post markup writes a photo caption as <span class="caption">, not a <figcaption>.
        return tag in _INLINE_TAGS and not self.caption_depth and "caption" in _attr_words(element)

    def _inline(self, tag: str, element: Any) -> _Inline:
        words = _attr_words(element)
        if tag in ("em", "i"):
            return _Inline("em", None, words)
        if tag in ("strong", "b"):
            return _Inline("strong", None, words)
        if tag == "a":
            return _Inline("a", _link_target(str(element.get("href") or ""), self.base), words)
        if tag == "time":
            return _Inline("time", None, words | {"time"})
        return _Inline("", None, words)

    def _start_run(self) -> None:
        self.run_line = self.line
        self.tokens = [("open", spec) for spec in self.open_inline]

    def _text(self, text: str | None) -> None:
        if not text:
            return
        if not self.tokens:
            if not text.strip():
                return
            self._start_run()
            self.run_line += text[: len(text) - len(text.lstrip())].count("\n")
        self.tokens.append(("text", text))

    def _break(self) -> None:
        if not self.tokens:
            return
        # Two <br>s in a row (white space between) are the end of a paragraph, as old pages write them.
        previous = next((t for t in reversed(self.tokens) if t[0] != "text" or t[1].strip()), None)
        at_top = len(self.open_inline) == 0
        if previous is not None and previous[0] == "br" and at_top:
            while self.tokens[-1][0] != "br":
                self.tokens.pop()
            self.tokens.pop()
            self._flush()
            return
        self.tokens.append(("br", None))

    def _flush(self) -> None:
        tokens, self.tokens = self.tokens, []
        if not tokens or not self.owners:
            return
        run = _finish_run(tokens, len(self.open_inline))
        if run is None:
            return
        markdown, plain, words_count, link_words, words = run
        self.out.append(
            _Run(self.owners[-1], self.run_line, markdown, plain, words_count, link_words, words, self.pull_depth > 0)
        )


def _link_target(href: str, base: str) -> str | None:
    """An absolute http, https or mailto address for a link, or None: other schemes keep only their text."""
    href = href.strip()
    if not href or href.startswith("#"):
        return None
    scheme = urlsplit(href).scheme.lower()
    if not scheme and base:
        href = urljoin(base, href)
        scheme = urlsplit(href).scheme.lower()
    if scheme not in _LINK_SCHEMES:
        return None
    # Markdown ends a destination at a space or an unbalanced parenthesis: percent-encoded, they mean the same.
    return quote(href, safe=":/?#[]@!$&'*+,;=%~-._")


def _finish_run(tokens: list[tuple[str, Any]], still_open: int) -> tuple[str, str, int, int, frozenset[str]] | None:
    """Markdown and plain text of a run's tokens; inline elements still open close at its end."""
    specs: list[_Inline] = []  # the open inline elements
    parts: list[list[str]] = [[]]  # the Markdown of the run, and of each open inline element
    opened_at: list[int] = []  # words before each open inline element
    closed: list[tuple[frozenset[str], int, int]] = []  # a closed element's attribute words, words before, words after
    plain: list[str] = []
    words = link_words = 0
    for kind, value in [*tokens, *[("close", None)] * still_open]:
        if kind == "text":
            piece = _SPACES.sub(" ", value)
            parts[-1].append(_escape_literal(piece))
            plain.append(piece)
            count = len(piece.split())
            words += count
            link_words += count if any(spec.kind == "a" for spec in specs) else 0
        elif kind == "br":
            parts[-1].append(_LINE_BREAK)
            plain.append("\n")
        elif kind == "open":
            specs.append(value)
            parts.append([])
            opened_at.append(words)
        else:
            spec, inner = specs.pop(), "".join(parts.pop())
            closed.append((spec.words, opened_at.pop(), words))
            parts[-1].append(_wrap(spec, inner, specs))
    plain_text = _tidy("".join(plain))
    if not any(ch.isalnum() for ch in plain_text):
        return None
    markdown = _line_starts(_resolve_literals(_tidy("".join(parts[0])).replace(_LINE_BREAK, "\n")))
    # What an inline element around all of the run's words is called describes the run ("byline", <time>).
    around = frozenset(w for names, before, after in closed if before == 0 and after == words for w in names)
    return markdown, plain_text, words, link_words, around


def _tidy(text: str) -> str:
    """One space between words, none around line breaks or at the ends."""
    text = re.sub(r" {2,}", " ", text)
    text = re.sub(rf" *([\n{_LINE_BREAK}]) *", r"\1", text)
    return text.strip(f" \n{_LINE_BREAK}")


def _wrap(spec: _Inline, inner: str, outer: list[_Inline]) -> str:
    """An inline element as Markdown; white space at its edges goes outside the markers, which Markdown needs."""
    core = inner.strip(f" {_LINE_BREAK}")
    if not core:
        return inner
    lead = inner[: len(inner) - len(inner.lstrip(f" {_LINE_BREAK}"))]
    trail = inner[len(inner.rstrip(f" {_LINE_BREAK}")) :]
    if spec.kind in ("em", "strong") and not any(o.kind == spec.kind for o in outer):
        mark = "*" if spec.kind == "em" else "**"
        core = f"{mark}{core}{mark}"
    elif spec.kind == "a" and spec.href and not any(o.kind == "a" for o in outer):
        core = f"[{core}]({spec.href})"
    return f"{lead}{core}{trail}"


_ENTITY_LIKE = re.compile(r"&(?=#?[A-Za-z0-9]+;)")
_MARKDOWN_SPECIAL = re.compile(r"[\\`*<_&\[\]!]")


def _escape_literal(text: str) -> str:
    """Text that Markdown reads as itself; brackets and "!" are left as placeholders for _resolve_literals."""
    if not _MARKDOWN_SPECIAL.search(text):
        return text
    text = text.replace("\\", "\\\\")
    text = re.sub(r"([`*<])", r"\\\1", text)
    # "_" makes emphasis only where it is not between letters or digits: snake_case and e-mail names stay as they are.
    text = re.sub(r"(?<![^\W_])_|_(?![^\W_])", r"\\_", text)
    text = _ENTITY_LIKE.sub(r"\\&", text)
    return text.replace("[", _LITERAL_OPEN).replace("]", _LITERAL_CLOSE).replace("!", _LITERAL_BANG)


def _resolve_literals(text: str) -> str:
    """Literal brackets and "!": escaped only where Markdown would read a link, an image or a reference."""
    text = re.sub(rf"{_LITERAL_BANG}(?=[\[{_LITERAL_OPEN}])", r"\\!", text)
    text = re.sub(rf"{_LITERAL_CLOSE}(?=[(\[:{_LITERAL_OPEN}])", r"\\]", text)
    return text.replace(_LITERAL_OPEN, "[").replace(_LITERAL_CLOSE, "]").replace(_LITERAL_BANG, "!")


# What starts a heading, quote, list, fence or rule at the start of a line, where a block's text begins.
_LINE_START = re.compile(r"^(?:(#{1,6}|[-+])(?=[ \t]|$)|(>)|(\d{1,9})([.)])(?=[ \t]|$)|([=-]+)(?=[ \t]*$)|(~~~))", re.MULTILINE)


def _line_starts(text: str) -> str:
    def escape(found: re.Match[str]) -> str:
        if found.group(3):
            return f"{found.group(3)}\\{found.group(4)}"
        return "\\" + found.group()

    return _LINE_START.sub(escape, text)


def escape_markdown(text: str) -> str:
    """``text`` written so that Markdown shows it as it is (for plain text published as Markdown)."""
    return _line_starts(_resolve_literals(_escape_literal(text)))


def _html_kind(run: _Run, chain: list[Any], own: frozenset[str], body: Any) -> tuple[BlockKind, str]:
    owner = run.owner
    tag = owner.tag
    tags = {e.tag for e in chain}
    if tag in _HEADINGS:
        if own & _DEK_WORDS or {"sub", "headline"} <= own or _follows_headline(owner, chain):
            return BlockKind.PARAGRAPH, ""
        return BlockKind.HEADING, "#" * int(tag[1])
    if tags & {"figcaption", "caption"} or own & _CAPTION_WORDS or "caption" in _attr_words(owner):
        return BlockKind.CAPTION, ""
    if own & _BYLINE_WORDS:
        return BlockKind.BYLINE, ""
    if "blockquote" in tags or run.pulled:
        return BlockKind.QUOTE, ""
    item = next((e for e in chain if e.tag == "li"), None)
    if item is not None:
        return BlockKind.LIST_ITEM, _list_marker(item, body)
    return BlockKind.PARAGRAPH, ""


def _follows_headline(heading: Any, chain: list[Any]) -> bool:
    """A heading after the <h1> in the article's own <header>: the standfirst."""
    header = next((e for e in chain if e.tag == "header"), None)
    if header is None:
        return False
    for element in header.iter(*_HEADINGS):
        if element is heading:
            return False
        if element.tag == "h1":
            return True
    return False


def _list_marker(item: Any, body: Any) -> str:
    """ "-" or "3." as Markdown writes it, indented under the items it is nested in."""
    items = [item, *(a for a in _chain(item, body)[1:] if a.tag == "li")]
    markers = []
    for li in items:
        parent = li.getparent()
        if parent is not None and parent.tag == "ol":
            try:
                start = int(str(parent.get("start") or "1"))
            except ValueError:
                start = 1
            markers.append(f"{start + sum(1 for s in li.itersiblings('li', preceding=True))}.")
        else:
            markers.append("-")
    indent = "".join(" " * (len(m) + 1) for m in reversed(markers[1:]))
    return indent + markers[0]
