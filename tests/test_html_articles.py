"""HTML articles read the way news pages are built, and published back with their markup.

Block texts of HTML articles are Markdown (``markup="markdown"``), as for .md articles: the tests compare
them with the expected page text after stripping the markup with markdown-it (links become their text,
escapes their character, whitespace collapsed to one space, so a ``<br>`` kept as a line break compares as
a space), and check the markup itself in its parsed form: every expected link with its href and every
emphasis span.
"""

from __future__ import annotations

import json
import re
import shutil
from collections.abc import Callable
from pathlib import Path

import lxml.html
import polib
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt
from markdown_it.token import Token
from support import DATA as ALL_DATA
from typer.testing import Result

from pipeline.errors import InputError
from pipeline.ingest import MAX_HTML_BYTES, MAX_HTML_DEPTH, escape_markdown, read_article
from pipeline.model import Article, BlockKind

DATA = ALL_DATA / "html"
PAGES = sorted(p for p in DATA.glob("*.html") if p.with_name(f"{p.name}.expected.json").is_file())

_MD = MarkdownIt("commonmark", {"html": False})
_MD.validateLink = lambda url: True  # type: ignore[method-assign]


def _inline(markdown: str) -> list[Token]:
    tokens = _MD.parseInline(markdown)
    return list(tokens[0].children or []) if tokens else []


def plain(markdown: str) -> str:
    """The text a reader sees: markup removed, escapes resolved, white space collapsed."""
    parts = []
    for token in _inline(markdown):
        if token.type in ("text", "code_inline", "text_special"):
            parts.append(token.content)
        elif token.type in ("softbreak", "hardbreak"):
            parts.append(" ")
        elif token.type == "image":
            parts.append(token.content)
    return re.sub(r"\s+", " ", "".join(parts)).strip()


def spans(markdown: str) -> tuple[list[tuple[str, str]], list[str]]:
    """The links (text, href) and the emphasized texts (em or strong) of a Markdown text."""
    links: list[tuple[str, str]] = []
    emphasis: list[str] = []
    open_: list[tuple[str, str, list[str]]] = []
    for token in _inline(markdown):
        if token.type in ("link_open", "em_open", "strong_open"):
            open_.append((token.type, str(token.attrs.get("href", "")), []))
        elif token.type in ("link_close", "em_close", "strong_close"):
            kind, href, texts = open_.pop()
            text = re.sub(r"\s+", " ", "".join(texts)).strip()
            (links.append((text, href)) if kind == "link_open" else emphasis.append(text))
        elif token.type in ("text", "code_inline", "text_special", "softbreak", "hardbreak"):
            for _, _, texts in open_:
                texts.append(" " if "break" in token.type else token.content)
    return links, emphasis


def expected(page: Path) -> dict[str, object]:
    data: dict[str, object] = json.loads(page.with_name(f"{page.name}.expected.json").read_text("utf-8"))
    return data


def blocks(article: Article) -> list[tuple[str, str]]:
    return [(block.kind.value, plain(block.text)) for block in article.blocks]


# A few chrome phrases per page, written here besides the fixtures' own "not_article" lists.
CHROME = {
    "mediazona-awol-count": ["14 comments", "Open the post in Telegram", "Get our data newsletter", "Losses tracker"],
    "mediazona-krasnodar-riot-police": ["Donate to us", "Every appeal failed", "Mediazona in your inbox", "Fine"],
    "meduza-mobilization-decree": ["48.2K views", "View in Telegram", "Two years of mobilization", "Become a member"],
    "meduza-rosgvardiya-lawsuits": ["Chip in", "Copy link", "Pay or go to the front", "Advertisement", "Got it"],
    "moscow-times-awol-record": ["27 comments", "Monday, Aug. 19", "Storm’ Units", "Most read", "VKontakte"],
    "moscow-times-buryatia-verdict": ["@BaikalWatchOrg", "A message from The Moscow Times", "Sign me up", "Mobilization"],
    "washington-post-contract-lawsuits": ["Gift Article", "214 Comments", "Story continues", "More on Russia’s war"],
    "washington-post-exit-network": ["48°F", "Sign in", "Most Read World", "Russia frees convicts", "CDATA"],
}


def test_every_page_has_chrome_phrases_listed() -> None:
    assert {p.name.removesuffix(".html") for p in PAGES} == set(CHROME)


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.stem)
def test_page_reads_as_its_visible_article_text_block_by_block(page: Path) -> None:
    want = expected(page)
    article = read_article(page)
    assert blocks(article) == [(b["kind"], b["text"]) for b in want["blocks"]]  # type: ignore[attr-defined]
    assert plain(next(b.text for b in article.blocks if b.kind is BlockKind.HEADING)) == want["title"]
    assert {b.markup for b in article.blocks} == {"markdown"}
    assert article.blocks[0].marker == "#"


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.stem)
def test_page_sentences_come_out_of_segmentation(page: Path) -> None:
    article = read_article(page)
    assert [plain(s.text) for s in article.segments] == expected(page)["sentences"]


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.stem)
def test_page_keeps_links_and_emphasis_as_markdown(page: Path) -> None:
    want = expected(page)
    found_links: list[tuple[str, str]] = []
    found_emphasis: list[str] = []
    for block in read_article(page).blocks:
        links, emphasis = spans(block.text)
        found_links += links
        found_emphasis += emphasis
    assert found_links == [(link["text"], link["href"]) for link in want["links"]]  # type: ignore[attr-defined]
    assert sorted(found_emphasis) == sorted(want["emphasis"])  # type: ignore[arg-type]


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.stem)
def test_page_leaves_out_site_chrome(page: Path) -> None:
    text = "\n".join(plain(b.text) for b in read_article(page).blocks)
    for phrase in [*CHROME[page.stem], *expected(page)["not_article"]]:  # type: ignore[misc]
        assert phrase not in text, f"chrome {phrase!r} came out as article text"


# --- one small page per problem ------------------------------------------------------


def test_article_header_keeps_headline_standfirst_and_byline() -> None:
    article = read_article(DATA / "header-standfirst.html")
    assert blocks(article) == [
        ("heading", "Soldiers refuse to fight"),
        ("paragraph", "Dozens of contract soldiers were sent home from the front."),
        ("byline", "By Jane Doe"),
        ("paragraph", "The story starts here."),
    ]


def test_list_item_keeps_its_own_text_before_a_nested_list() -> None:
    article = read_article(DATA / "nested-list.html")
    items = [(b.marker, b.text) for b in article.blocks if b.kind is BlockKind.LIST_ITEM]
    assert items == [
        ("-", "Students of state universities"),
        ("  -", "full-time students only;"),
        ("  -", "postgraduates enrolled before the decree."),
        ("-", "Fathers of large families"),
        ("3.", "Third, the officers."),
        ("4.", "Fourth, the cadets."),
    ]


def test_text_directly_in_a_div_is_read_beside_its_paragraphs() -> None:
    article = read_article(DATA / "div-text.html")
    assert blocks(article) == [
        ("heading", "Deserters wait for papers"),
        ("paragraph", "Hundreds of men who fled the draft are waiting in Almaty."),
        ("paragraph", "Text sitting directly in a div comes first."),
        ("paragraph", "Then a real paragraph inside the same div."),
        ("paragraph", "And text after that paragraph, still in the div."),
    ]


def test_br_is_a_line_break_that_ends_a_sentence_only_after_one() -> None:
    article = read_article(DATA / "br-breaks.html")
    by_block = [[s.text for s in b.segments] for b in article.blocks[1:]]
    assert by_block == [
        ["The court rejected the lawsuit.", "An appeal was filed in August."],
        # Lower case after the break: still two sentences, never "…refusals. by March 3" in one.
        ["Sixty-one officers handed in written refusals.", "by March 3, they were back at their base."],
        # No sentence end before the break: one unit that keeps its line break.
        ["Military Unit No. 6771\nNalchik, Kabardino-Balkaria"],
        # Two breaks in a row separate paragraphs.
        ["The first page of the ruling ends here."],
        ["The second page begins with the verdict."],
    ]
    assert article.blocks[1].text == "The court rejected the lawsuit.\nAn appeal was filed in August."


def test_xhtml_with_an_encoding_declaration_is_read_in_that_encoding() -> None:
    article = read_article(DATA / "xhtml-windows-1251.html")
    assert blocks(article) == [
        ("heading", "Officers who refused to fight lose in court"),
        ("paragraph", "The ruling names the unit’s commander, Лейтенант Бекову, twice. It was signed on March 3."),
        ("paragraph", "The court’s press service did not comment."),
    ]


def test_meta_charset_is_honoured() -> None:
    article = read_article(DATA / "meta-charset-windows-1251.html")
    assert blocks(article) == [
        ("heading", "A headline with a dash — and quotes “like these”"),
        ("paragraph", "The commander, «полковник» Bekov, was not named in the ruling."),
    ]


def test_a_declared_charset_that_does_not_fit_the_bytes_is_one_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "wrong.html"
    path.write_bytes(b'<html><head><meta charset="utf-8"></head><body><p>Caf\xe9 society.</p></body></html>')
    with pytest.raises(InputError, match=r"invalid UTF-8 at byte offset 53 \(byte 0xe9\)"):
        read_article(path)
    path.write_bytes(b'<html><head><meta charset="klingon-8"></head><body><p>Text.</p></body></html>')
    with pytest.raises(InputError, match="declares the character set 'klingon-8'"):
        read_article(path)


def test_five_thousand_nested_inline_tags_keep_all_their_text(tmp_path: Path) -> None:
    path = tmp_path / "deep-inline.html"
    depth = 5000
    path.write_text(
        "<html><body><article><h1>Deep page</h1><p>Start of the text, "
        + "<span>" * depth
        + "the middle of it. "
        + "</span>" * depth
        + "The end of the paragraph.</p><p>The last paragraph.</p></article></body></html>",
        encoding="utf-8",
    )
    assert blocks(read_article(path)) == [
        ("heading", "Deep page"),
        ("paragraph", "Start of the text, the middle of it. The end of the paragraph."),
        ("paragraph", "The last paragraph."),
    ]


def test_five_thousand_nested_divs_stop_with_one_clear_error(cli: Callable[..., Result], tmp_path: Path) -> None:
    path = tmp_path / "deep-divs.html"
    depth = 5000
    path.write_text(
        "<html><body><article><h1>Deep page</h1>"
        + "<div>" * depth
        + "The text inside."
        + "</div>" * depth
        + "<p>The end.</p></article></body></html>",
        encoding="utf-8",
    )
    result = cli("segment", path)
    assert result.exit_code == 2
    lines = result.stderr.strip().split("\n")
    assert len(lines) == 1 and lines[0].startswith(f"error: {path}: ")
    assert f"nested more than {MAX_HTML_DEPTH} levels deep" in lines[0] and ".txt" in lines[0]


def test_a_page_just_under_the_depth_limit_is_read(tmp_path: Path) -> None:
    path = tmp_path / "deep-but-fine.html"
    depth = MAX_HTML_DEPTH - 10
    path.write_text(
        "<html><body>" + "<div>" * depth + "<p>Still read.</p>" + "</div>" * depth + "</body></html>", encoding="utf-8"
    )
    assert blocks(read_article(path)) == [("paragraph", "Still read.")]


def test_an_over_large_page_stops_with_one_clear_error(cli: Callable[..., Result], tmp_path: Path) -> None:
    path = tmp_path / "huge.html"
    paragraph = b"<p>" + b"A sentence of filler text. " * 40 + b"</p>\n"
    with path.open("wb") as out:
        out.write(b"<html><body><article>")
        for _ in range(MAX_HTML_BYTES // len(paragraph) + 2):
            out.write(paragraph)
        out.write(b"</article></body></html>")
    result = cli("segment", path)
    assert result.exit_code == 2
    lines = result.stderr.strip().split("\n")
    assert len(lines) == 1 and lines[0].startswith(f"error: {path}: the page is 20.0 MB")
    assert "more than the 20 MB" in lines[0] and ".txt" in lines[0]


def test_pull_quote_repeating_the_text_is_left_out_and_one_with_its_own_text_is_a_quote() -> None:
    article = read_article(DATA / "pull-quotes.html")
    assert blocks(article) == [
        ("heading", "The phone does not stop"),
        ("paragraph", "“After every new decree, the phone doesn’t stop,” said Vera, a coordinator."),
        ("quote", "The volunteers have helped 612 servicemen leave Russia."),
        ("paragraph", "The group says it has answered more than 15,000 calls."),
    ]


# --- inline markup as Markdown ---------------------------------------------------------


def test_inline_markup_is_kept_as_markdown_and_literal_marks_are_escaped() -> None:
    article = read_article(DATA / "markup.html")
    texts = [b.text for b in article.blocks]
    assert texts == [
        "Soldiers *refuse* to fight",
        # Relative links are resolved against the page's canonical address.
        "By [Jane Doe](https://news.example.org/authors/jane-doe)",
        "The court rejected **every one** of the lawsuits, *the lawyer* said, citing the "
        "[federal law](https://example.org/law?a=1&b=%282%29).",
        r"The ruling quoted a post that said \<script>alert(1)\</script> & nothing else.",
        # Only http, https and mailto links are kept; the text of the others stays.
        "Write to [tips@example.org](mailto:tips@example.org) or read the full ruling and the annex.",
        r"Literal marks stay text: 5 \* 3 = 15, snake_case_name, \_underscored\_, [Unit 6771\](not a link), "
        r"\`ticks\`, a back\\slash and \&amp; too.",
        "**Did anyone tell you where you were going?**",
        "What the [court](https://example.org/court) said",
        r"1\. This paragraph starts with a number and a period.",
    ]
    assert [plain(t) for t in texts[3:6]] == [
        "The ruling quoted a post that said <script>alert(1)</script> & nothing else.",
        "Write to tips@example.org or read the full ruling and the annex.",
        "Literal marks stay text: 5 * 3 = 15, snake_case_name, _underscored_, [Unit 6771](not a link), "
        "`ticks`, a back\\slash and &amp; too.",
    ]
    assert [b.marker for b in article.blocks if b.kind is BlockKind.HEADING] == ["#", "##"]


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("ab 1.#>-+*_[]()!<&;`\\~=|:x")), max_size=30))
def test_escaped_text_reads_back_as_the_same_text(text: str) -> None:
    text = " ".join(text.split())
    assert plain(escape_markdown(text)) == text


_SOUP_TAGS = [
    "p", "div", "span", "em", "b", "a href='https://x.org/a'", "a href='javascript:x'", "li", "ul", "h2",
    "blockquote", "figcaption", "br", "aside class='pull-quote'", "div class='share'", "header", "article",
    "span class='caption'", "blockquote class='twitter-tweet'", "time", "hr",
]  # fmt: skip
_SOUP_WORDS = ["The court ruled.", "He said", "*", "_", "[x](y)", "<", "&amp;", "Jan. 17.", "1.", "# x", "\n", "Why?"]
_SOUP_WORDS += ["“Quote.”", "Лейтенант", "&nbsp;", "&#27;", "!", "]("]


@settings(max_examples=150, deadline=None)
@given(
    st.lists(
        st.one_of(
            st.sampled_from(_SOUP_TAGS).map(lambda t: f"<{t}>"),
            st.sampled_from(_SOUP_TAGS).map(lambda t: f"</{t.split()[0]}>"),
            st.sampled_from(_SOUP_WORDS),
        ),
        max_size=40,
    )
)
def test_any_tag_soup_reads_or_says_why(tmp_path_factory: pytest.TempPathFactory, pieces: list[str]) -> None:
    path = tmp_path_factory.mktemp("soup") / "soup.html"
    path.write_text("<html><body>" + " ".join(pieces) + "</body></html>", encoding="utf-8")
    try:
        article = read_article(path)
    except InputError:
        return
    for block in article.blocks:
        assert block.text and block.text == block.text.strip()
        assert all(block.text[s.start : s.end] == s.text for s in block.segments)


# --- publishing ----------------------------------------------------------------------


def _run(cli: Callable[..., Result], source: Path, out: Path, lang: str = "ru") -> Path:
    result = cli("run", source, "--to", lang, "--engine", "none", "--out", out, "--formats", "po")
    assert result.exit_code == 0, result.stderr
    return out / lang / f"{source.stem}.po"


def _approve(po: Path, translations: dict[str, str]) -> None:
    catalog = polib.pofile(str(po))
    found = set()
    for entry in catalog:
        if entry.msgid in translations:
            entry.msgstr, entry.flags = translations[entry.msgid], []
            found.add(entry.msgid)
    assert found == set(translations), set(translations) - found
    catalog.save()


def _publish(cli: Callable[..., Result], po: Path, fmt: str) -> str:
    result = cli("publish", po, "--format", fmt)
    assert result.exit_code == 0, result.stderr
    return result.stdout


def _md_levels(markdown: str) -> list[int]:
    return [len(m.group(1)) for m in re.finditer(r"^(#{1,6}) ", markdown, re.MULTILINE)]


def _html_levels(page: lxml.html.HtmlElement) -> list[int]:
    return [int(e.tag[1]) for e in page.iter("h1", "h2", "h3", "h4", "h5", "h6")]


def test_html_article_round_trip_keeps_links_emphasis_and_escapes(cli: Callable[..., Result], tmp_path: Path) -> None:
    source = tmp_path / "markup.html"
    shutil.copy(DATA / "markup.html", source)
    po = _run(cli, source, tmp_path / "locales")
    _approve(
        po,
        {
            "Soldiers *refuse* to fight": "Солдаты *отказываются* воевать",
            "The court rejected **every one** of the lawsuits, *the lawyer* said, citing the "
            "[federal law](https://example.org/law?a=1&b=%282%29).": "Суд отклонил **все до одного** иски, сказал "
            "*адвокат*, сославшись на [федеральный закон](https://example.org/law?a=1&b=%282%29).",
            r"The ruling quoted a post that said \<script>alert(1)\</script> & nothing else.": (
                r"В решении приведён пост: \<script>alert(1)\</script> & ничего больше."
            ),
            "Write to [tips@example.org](mailto:tips@example.org) or read the full ruling and the annex.": (
                "Пишите на [tips@example.org](mailto:tips@example.org) или [сюда](javascript:alert(1))."
            ),
        },
    )
    page = lxml.html.document_fromstring(_publish(cli, po, "html"))
    assert page.get("lang") == "ru"
    assert page.find(".//meta[@name='viewport']").get("content") == "width=device-width, initial-scale=1"
    assert [h.text_content() for h in page.iter("h1")] == ["Солдаты отказываются воевать"]
    assert page.findtext(".//title") == "Солдаты отказываются воевать"
    assert [e.text_content() for e in page.iter("em")][:2] == ["отказываются", "адвокат"]
    assert next(e.text_content() for e in page.iter("strong")) == "все до одного"
    links = [(a.text_content(), a.get("href")) for a in page.iter("a")]
    assert ("федеральный закон", "https://example.org/law?a=1&b=%282%29") in links
    assert ("tips@example.org", "mailto:tips@example.org") in links
    # A translator's javascript: link keeps its text and loses its href; an unreviewed one is marked.
    assert all(href.startswith(("https://", "mailto:")) for _, href in links), links
    assert "сюда" in page.text_content()
    assert page.find(".//script") is None
    assert "В решении приведён пост: <script>alert(1)</script> & ничего больше." in page.text_content()
    # What nobody approved is marked, in the target language, inside the markup it keeps.
    assert {m.get("title") for m in page.iter("mark")} == {"не проверено"}
    byline = page.find(".//p[@class='byline']")
    assert byline.find("a").get("href") == "https://news.example.org/authors/jane-doe"
    assert byline.find("a/mark").text == "Jane Doe"


def test_publish_md_and_html_use_the_same_heading_levels(cli: Callable[..., Result], tmp_path: Path) -> None:
    for source, levels in (
        (DATA / "markup.html", [1, 2]),
        (DATA / "mediazona-awol-count.html", [1, 3, 3]),
        (ALL_DATA / "article.md", [1, 2]),
        (ALL_DATA.parent.parent / "seeds" / "meduza-contract-soldiers.txt", None),
    ):
        po = _run(cli, source, tmp_path / source.stem)
        markdown = _md_levels(_publish(cli, po, "md"))
        page = _html_levels(lxml.html.document_fromstring(_publish(cli, po, "html")))
        assert markdown == page and page[0] == 1, source
        if levels is not None:
            assert page == levels, source
        else:
            assert set(page[1:]) == {2}, source


@pytest.mark.parametrize(
    ("lang", "title", "marker"), [("ru", "не проверено", "⟦не проверено: "), ("uk", "не перевірено", "⟦не перевірено: ")]
)
def test_published_html_speaks_the_target_language(
    cli: Callable[..., Result], tmp_path: Path, lang: str, title: str, marker: str
) -> None:
    po = _run(cli, DATA / "nested-list.html", tmp_path, lang)
    text = _publish(cli, po, "html")
    page = lxml.html.document_fromstring(text)
    assert text.startswith("<!DOCTYPE html>")
    assert page.get("lang") == lang
    assert page.find(".//meta[@name='viewport']").get("content") == "width=device-width, initial-scale=1"
    assert {m.get("title") for m in page.iter("mark")} == {title}
    assert marker in _publish(cli, po, "md")
    # Nested and numbered lists come back as lists in lists.
    assert [li.text_content().strip().split("\n")[0] for li in page.find(".//ul").iterchildren("li")] == [
        "Students of state universities",
        "Fathers of large families",
    ]
    assert len(page.findall(".//ul/li/ul/li")) == 2
    assert page.find(".//ol").get("start") == "3"


def test_publish_html_restores_markdown_from_a_markdown_source(cli: Callable[..., Result], tmp_path: Path) -> None:
    source = tmp_path / "article.md"
    shutil.copy(ALL_DATA / "article.md", source)
    po = _run(cli, source, tmp_path / "locales")
    page = lxml.html.document_fromstring(_publish(cli, po, "html"))
    assert next(e.text_content() for e in page.iter("em")) == "refuse"
    assert "considered war criminals" in [e.text_content() for e in page.iter("strong")]
    assert [(a.text_content(), a.get("href")) for a in page.iter("a")] == [
        ("military prosecutor", "https://example.org/prosecutor")
    ]


def test_publish_txt_shows_text_without_markup(cli: Callable[..., Result], tmp_path: Path) -> None:
    po = _run(cli, DATA / "markup.html", tmp_path)
    text = _publish(cli, po, "txt")
    assert "⟦не проверено: By Jane Doe⟧" in text
    assert "⟦не проверено: The ruling quoted a post that said <script>alert(1)</script> & nothing else.⟧" in text
    assert "⟦не проверено: Soldiers refuse to fight⟧" in text and "⟦не проверено: 1. This paragraph starts" in text
    assert "[Unit 6771](not a link), `ticks`, a back\\slash and &amp; too." in text


def test_publish_md_of_a_plain_text_article_escapes_markdown(cli: Callable[..., Result], tmp_path: Path) -> None:
    source = tmp_path / "plain.txt"
    source.write_text("Headline without punctuation\n\nHe said <script>alert(1)</script> & left *now*.\n", encoding="utf-8")
    po = _run(cli, source, tmp_path / "locales")
    text = _publish(cli, po, "md")
    assert r"He said \<script>alert(1)\</script> & left \*now\*." in text
    page = lxml.html.document_fromstring(_publish(cli, po, "html"))
    assert "He said <script>alert(1)</script> & left *now*." in page.text_content()
