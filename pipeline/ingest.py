"""Read articles (plain text, Markdown, HTML) into blocks, then segment them.

Only this module reads article files. It decides what each block is
(heading, paragraph, site chrome...) with the editable rules in
``data/blocks.yaml`` and leaves sentence splitting to ``segment``.
"""

from __future__ import annotations

import functools
import itertools
import re
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from pipeline.errors import ConfigError, InputError
from pipeline.model import Article, Block, BlockKind, Notice, Segment
from pipeline.segment import IdAllocator, SegmentationRules, segment_text
from pipeline.yamlio import compose_yaml

FORMATS = {".txt": "txt", ".md": "md", ".markdown": "md", ".html": "html", ".htm": "html"}
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
                and not p.name.startswith(".")
            )
            if not inside:
                raise InputError(
                    "no articles in this folder; put .txt, .md or .html files in it",
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
    articles: list[Article] = []
    notices: list[Notice] = []
    errors: list[InputError] = []
    for path in paths:
        try:
            article, noted = read_article_with_notices(path, rules, seg_rules)
        except InputError as exc:
            errors.append(exc)
            notices.append(Notice(str(path), f"skipped: {exc.message}"))
            continue
        articles.append(article)
        notices.extend(noted)
    if not articles and errors:
        raise errors[0]
    counts = Counter(a.name for a in articles)
    clash = next((a.name for a in articles if counts[a.name] > 1), None)
    if clash:
        same = [a.path for a in articles if a.name == clash]
        raise InputError(f"two articles would write the same review files ({', '.join(same)}); rename one", same[0])
    return articles, notices


def read_article(path: Path, rules: BlockRules | None = None, seg_rules: SegmentationRules | None = None) -> Article:
    """Read one article file and return it with blocks and segments."""
    return read_article_with_notices(path, rules, seg_rules)[0]


def read_article_with_notices(
    path: Path, rules: BlockRules | None = None, seg_rules: SegmentationRules | None = None
) -> tuple[Article, tuple[Notice, ...]]:
    """Read one article, with notices about what was changed on the way in (control characters removed)."""
    fmt = FORMATS.get(path.suffix.lower())
    if fmt is None:
        raise InputError(f"unknown article format {path.suffix or '(no extension)'!r}; use .txt, .md or .html", str(path))
    decoded = decode_article(path)
    removed = _illegal_characters(decoded)
    text = _without_illegal(_break_controls(decoded, fmt))
    rules = rules or default_block_rules()
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
}


def decode_article(path: Path) -> str:
    """Read a file as UTF-8 text, refusing binaries and naming the first bad byte."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(f"cannot read the file ({exc.strerror}); check its permissions", str(path)) from exc
    if b"\x00" in data[:8192]:
        raise InputError("this is a binary file, not an article; give .txt, .md or .html text", str(path))
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise InputError(
            f"invalid UTF-8 at byte offset {exc.start} (byte 0x{data[exc.start]:02x}); re-save the file as UTF-8",
            str(path),
            line,
        ) from exc
    text = text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        raise InputError("the article is empty; remove it or add text", str(path))
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
        text = _SPACES.sub(" ", _without_illegal(block.text)).strip()
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
            segments = segment_text(block.text, ids, seg_rules)
        else:
            # Chrome and foreign lines stay whole: nobody translates them.
            segments = (Segment(ids.allocate(block.text), block.text, 0, len(block.text)),)
        out.append(replace(block, segments=segments))
    return tuple(out)


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

_HTML_BLOCK_TAGS = {"p", "h1", "h2", "h3", "h4", "h5", "h6", "li", "blockquote", "figcaption", "dd", "dt"}
_HTML_DROP_TAGS = ["script", "style", "nav", "footer", "aside", "form", "noscript", "template", "button"]
_SPACES = re.compile(r"\s+")


def _html_blocks(text: str, where: str, rules: BlockRules) -> Iterator[Block]:
    """The article body's text blocks, without scripts, navigation and footers."""
    import lxml.etree
    import lxml.html

    try:
        root = lxml.html.document_fromstring(text)
    except (lxml.etree.ParserError, ValueError) as exc:
        raise InputError(f"cannot parse the HTML ({exc}); check that it is a web page", where) from exc
    lxml.etree.strip_elements(root, *_HTML_DROP_TAGS, with_tail=False)
    # An article's own <header> holds its headline, byline and standfirst; only the site's header is chrome.
    for header in [h for h in root.iter("header") if not any(a.tag in ("article", "main") for a in h.iterancestors())]:
        header.drop_tree()
    for br in root.iter("br"):
        br.tail = " " + (br.tail or "")  # text_content() would glue the words on either side of a <br>
    body = _html_article_root(root)
    elements = _html_text_elements(body)
    # How many text elements each element holds, up to the article's root: the page around it says nothing
    # about one paragraph.
    holders = Counter(a for e in elements for a in itertools.takewhile(lambda a: a is not body, e.iterancestors()))
    for element in elements:
        content = _html_text(element)
        kind = _html_kind(element, holders)
        kind = _override(kind, _classify(content, rules))
        marker = "#" * int(element.tag[1]) if kind is BlockKind.HEADING and element.tag[1:].isdigit() else ""
        yield Block(kind=kind, text=content, line=element.sourceline or 1, offset=None, marker=marker)


# Elements that only group others. Some pages put their text straight into them, with no <p> to read.
_HTML_WRAPPER_TAGS = {"div", "section", "article", "main", "body", "td", "th"}


def _html_text(element: Any) -> str:
    return _SPACES.sub(" ", element.text_content()).strip()


def _html_article_root(root: Any) -> Any:
    """The <article> or <main> with the most text, else the whole page.

    Not the first one: pages put teaser and promotion cards in <article> elements before the story, and
    each of them is only a headline and a "Read more".
    """
    return max(root.iter("article", "main"), key=lambda e: len(e.text_content().split()), default=root)


def _html_text_elements(body: Any) -> list[Any]:
    """The elements whose text is one block each, in document order.

    Those are the innermost paragraphs, headings, list items...; and innermost wrappers (a <div> holding no
    other wrapper or block, and not only links) when they hold more of the text than those do: a page that
    writes its story in <div>s is read, while bits of chrome in <div>s beside real paragraphs stay out.
    """
    blocks: list[Any] = []
    with_wrappers: list[Any] = []
    for element in body.iter():
        tag = element.tag
        if tag in _HTML_BLOCK_TAGS:
            if next(element.iterdescendants(*_HTML_BLOCK_TAGS), None) is None and _html_text(element):
                blocks.append(element)
                with_wrappers.append(element)
        elif (
            tag in _HTML_WRAPPER_TAGS
            and next(element.iterdescendants(*_HTML_WRAPPER_TAGS, *_HTML_BLOCK_TAGS), None) is None
            and not any(a.tag in _HTML_BLOCK_TAGS for a in element.iterancestors())
            and _html_text(element)
            and not _only_links(element)
        ):
            with_wrappers.append(element)
    return with_wrappers if _words(with_wrappers) > 2 * _words(blocks) else blocks


def _only_links(element: Any) -> bool:
    """Every word is a link's: share buttons, tag lists, "next story" rows, not prose."""
    return _words([element]) == _words(list(element.iter("a")))


def _words(elements: list[Any]) -> int:
    return sum(len(e.text_content().split()) for e in elements)


def _html_kind(element: Any, holders: Counter[Any]) -> BlockKind:
    tag = element.tag
    ancestors = {a.tag for a in element.iterancestors()}
    # A class describes this block only on elements inside the article that hold no other block:
    # "author-jane-doe" on <body> or "has-captions" on the story's wrapper would make every paragraph a byline
    # or a caption.
    own = [element, *itertools.takewhile(lambda a: holders[a] == 1 and a.tag != "body", element.iterancestors())]
    classes = " ".join(str(a.get("class", "")) for a in own).lower()
    if tag in ("h1", "h2", "h3", "h4", "h5", "h6"):
        return BlockKind.HEADING
    if tag == "figcaption" or "figcaption" in ancestors or "caption" in classes:
        return BlockKind.CAPTION
    if "byline" in classes or "author" in classes:
        return BlockKind.BYLINE
    if tag == "blockquote" or "blockquote" in ancestors:
        return BlockKind.QUOTE
    if tag == "li":
        return BlockKind.LIST_ITEM
    return BlockKind.PARAGRAPH
