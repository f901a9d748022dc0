"""Robust ingest: work that grows linearly with the input, control characters, nested HTML.

No test here times anything: the cost of an algorithm is counted (items read, characters sliced),
at two sizes, and a linear algorithm does about four times the work for four times the input.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import Result

from pipeline import segment
from pipeline.segment import split_sentences

DATA = Path(__file__).parent / "data" / "robust_ingest"

# Four times the input may cost a little more than four times the work (sorting); a quadratic scan costs 16.
LINEAR = 5.0


class CountingList(list[Any]):
    """A list that counts every item read from it, by iteration or by index."""

    def __init__(self, items: list[Any]) -> None:
        super().__init__(items)
        self.reads = 0

    def __iter__(self) -> Iterator[Any]:
        for item in super().__iter__():
            self.reads += 1
            yield item

    def __getitem__(self, index: Any) -> Any:
        self.reads += 1
        return super().__getitem__(index)


class CountingText(str):
    """A string that counts the characters copied out of it by slicing."""

    sliced: int

    def __getitem__(self, key: Any) -> str:
        if isinstance(key, slice):
            self.sliced = getattr(self, "sliced", 0) + len(range(*key.indices(len(self))))
        return str.__getitem__(self, key)


def _counting(monkeypatch: pytest.MonkeyPatch, name: str) -> list[CountingList]:
    """Make ``pipeline.segment.<name>`` return counting lists; returns the lists handed out."""
    made: list[CountingList] = []
    original = getattr(segment, name)

    def wrapper(text: str) -> CountingList:
        made.append(CountingList(original(text)))
        return made[-1]

    monkeypatch.setattr(segment, name, wrapper)
    return made


# Units repeated to make long paragraphs: each has sentence ends, and the bracketed one many protected spans.
BRACKETS = (
    "The 31st brigade (see the map [1]) moved north, according to https://example.org/report-2023 "
    "and press@example.org. Officers (who declined to be named [2]) said so in www.meduza.io/en. "
)
PLAIN = "The 31st brigade moved north, according to the ministry and the agency. Officers who declined said so. "
# Candidates that are all refused: the sentence so far grows to the whole paragraph.
ABBREVIATIONS = "Gen. Petrov and Lt. Col. Ivanov met Mr. Smith and Dr. Jones, "
BARE_PUNCTUATION = "! ? "


def _work(measure: Callable[[int], int], small: int = 60) -> tuple[int, int]:
    return measure(small), measure(small * 4)


def test_protected_spans_are_read_once_not_once_per_candidate(monkeypatch: pytest.MonkeyPatch) -> None:
    per_unit = len(segment._protected_spans(BRACKETS))
    made = _counting(monkeypatch, "_protected_spans")

    def reads(units: int) -> int:
        made.clear()
        split_sentences(BRACKETS * units)
        return sum(spans.reads for spans in made)

    small, large = _work(reads)
    # Each protected span is read a bounded number of times, however many boundary candidates there are.
    assert per_unit >= 6 and large <= 3 * per_unit * 240
    assert large <= LINEAR * small


def test_inline_list_items_are_read_once_not_once_per_candidate(monkeypatch: pytest.MonkeyPatch) -> None:
    made = _counting(monkeypatch, "_inline_list_cuts")

    def reads(items: int) -> int:
        made.clear()
        spans = split_sentences(" ".join(f"{i}) Item number {i}. It has two sentences." for i in range(1, items + 1)))
        assert len(spans) == 2 * items
        return sum(cuts.reads for cuts in made)

    small, large = _work(reads)
    assert large <= 3 * 240 and large <= LINEAR * small


@pytest.mark.parametrize("unit", [PLAIN, BRACKETS, ABBREVIATIONS, BARE_PUNCTUATION], ids=["plain", "brackets", "abbr", "bare"])
def test_characters_copied_grow_linearly_with_the_paragraph(unit: str) -> None:
    def sliced(units: int) -> int:
        text = CountingText(unit * units)
        split_sentences(text)
        return getattr(text, "sliced", 0)

    small, large = _work(sliced, small=100)
    # Copying the rest of the paragraph (or the sentence so far) at every candidate was quadratic: now each
    # candidate looks at a short window, and the text is copied out about once.
    candidates = sum(1 for _ in segment._CANDIDATE.finditer(unit * 400))
    assert candidates >= 400 and large <= 2 * len(unit) * 400 + 100 * candidates
    assert large <= LINEAR * max(small, 1)


def test_fast_segmentation_gives_the_same_sentences_on_long_paragraphs() -> None:
    text = BRACKETS * 50 + ABBREVIATIONS * 20 + "Then it ended. " + PLAIN * 50
    pieces = [text[s.start : s.end] for s in split_sentences(text)]
    assert pieces[:4] == [
        "The 31st brigade (see the map [1]) moved north, according to https://example.org/report-2023 and press@example.org.",
        "Officers (who declined to be named [2]) said so in www.meduza.io/en.",
        "The 31st brigade (see the map [1]) moved north, according to https://example.org/report-2023 and press@example.org.",
        "Officers (who declined to be named [2]) said so in www.meduza.io/en.",
    ]
    assert len(pieces) == 100 + 2 + 100


def _naive_inside(spans: list[tuple[int, int]], punct_at: int, close_end: int) -> bool:
    """The definition the bisect search must agree with: one scan of every span."""
    return any(begin <= punct_at < end and end > close_end for begin, end in spans)


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.tuples(st.integers(0, 60), st.integers(1, 30)), max_size=12),
    st.integers(0, 80),
    st.integers(1, 4),
)
def test_reach_agrees_with_a_scan_of_every_span(raw: list[tuple[int, int]], punct_at: int, closers: int) -> None:
    spans = [(begin, begin + length) for begin, length in raw]
    close_end = punct_at + closers
    assert segment._Reach.of(spans).covers(punct_at, close_end) == _naive_inside(spans, punct_at, close_end)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("ab_1.+-@ é")), max_size=40))
def test_email_spans_agree_with_the_regex(text: str) -> None:
    assert segment._email_spans(text) == [m.span() for m in segment._EMAIL.finditer(text)]


# --- many articles -------------------------------------------------------------


class CountingName(str):
    """An article name that counts how often it is compared with another one."""

    compared = 0

    def __eq__(self, other: object) -> bool:
        CountingName.compared += 1
        return str.__eq__(self, other)

    __hash__ = str.__hash__


class CountingPath(type(Path())):  # type: ignore[misc]
    """A path whose stem, the article's name, counts its comparisons."""

    @property
    def stem(self) -> str:
        return CountingName(super().stem)


def test_article_names_are_checked_for_clashes_without_comparing_every_pair(tmp_path: Path) -> None:
    from pipeline.ingest import read_articles

    paths = []
    for i in range(400):
        path = tmp_path / f"story-{i:04d}.txt"
        path.write_text(f"Story number {i}.\n", encoding="utf-8")
        paths.append(CountingPath(path))

    def comparisons(count: int) -> int:
        CountingName.compared = 0
        articles, _ = read_articles(paths[:count])
        assert [a.name for a in articles] == [p.stem for p in paths[:count]]
        return CountingName.compared

    small, large = _work(comparisons, small=100)
    # One comparison of every name with every other is 400 * 399; a count by hash needs none.
    assert large <= 400 and large <= LINEAR * max(small, 1)


# --- characters XML cannot hold ------------------------------------------------


def test_control_characters_never_reach_a_writer(cli: Callable[..., Result], tmp_path: Path) -> None:
    import lxml.etree
    import polib

    articles = tmp_path / "articles"
    articles.mkdir()
    shutil.copy(DATA / "controls.txt", articles / "a-controls.txt")
    (articles / "b-plain.txt").write_text("Another article\n\nIt has a plain sentence. And another one.\n", encoding="utf-8")
    out = tmp_path / "out"
    result = cli("run", articles, "--to", "ru", "--engine", "none", "--out", out)
    assert result.exit_code == 0, result.stderr
    assert "Traceback" not in result.stderr
    assert (
        f"warning: {articles / 'a-controls.txt'}: line 3: removed 1 character that XML review files cannot hold "
        "(the first is U+001B); check the source if they stood for text"
    ) in result.stderr
    for name in ("a-controls", "b-plain"):
        for ext in ("po", "xlf", "tsv", "html"):
            written = out / "ru" / f"{name}.{ext}"
            assert written.is_file(), f"{written} was not written"
            assert not ILLEGAL.search(written.read_text("utf-8")), f"{written} holds a character XML forbids"
    lxml.etree.parse(str(out / "ru" / "a-controls.xlf"))
    sources = [entry.msgid for entry in polib.pofile(str(out / "ru" / "a-controls.po"))]
    # The form feed in the middle of a line was a page break: the pages are two paragraphs, not one word.
    assert "The first page ends here." in sources
    assert "The second page has a stray escape." in sources


ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def test_form_feeds_break_lines_without_moving_the_line_numbers_after_them(tmp_path: Path) -> None:
    from pipeline.ingest import read_articles

    path = tmp_path / "pages.txt"
    path.write_text("Page one ends.\n\x0c\nPage two starts.\n\x0cPage three starts.\x0b\nThe end.\n", encoding="utf-8")
    [article], notices = read_articles([path])
    # A form feed beside a line break adds none: the lines are still those of the file, and nothing was removed.
    assert [(b.text, b.line) for b in article.blocks] == [
        ("Page one ends.", 1),
        ("Page two starts.", 3),
        ("Page three starts.", 4),
        ("The end.", 5),
    ]
    assert notices == []


def test_removed_characters_are_counted_with_the_first_line(tmp_path: Path) -> None:
    from pipeline.ingest import read_articles

    path = tmp_path / "bell.md"
    # A NUL byte in the first 8 KB means a binary file (as git decides); later, it is one more stray character.
    filler = "A paragraph of filler text.\n\n" * 400
    path.write_text(f"# A heading\n\nA first\x07 line.\n\n{filler}A sec\x00ond\x1f one, and \ufffe a third.\n", encoding="utf-8")
    [article], [notice] = read_articles([path])
    assert notice.path == str(path)
    assert notice.message.startswith("line 3: removed 4 characters that XML review files cannot hold (the first is U+0007)")
    texts = [b.text for b in article.blocks]
    assert texts[:2] == ["A heading", "A first line."] and texts[-1] == "A second one, and  a third."


def test_html_control_characters_and_references_are_removed(tmp_path: Path) -> None:
    from pipeline.ingest import read_article, read_articles

    [article], [notice] = read_articles([DATA / "controls.html"])
    assert [b.text for b in article.blocks] == [
        "Soldiers refuse to fight",
        "An escape here.",
        "A reference there and a non-character here.",
    ]
    # The raw escape on line 4 and the two references on line 5.
    assert notice.message.startswith("line 4: removed 3 characters")
    # publish and import read the source again: the same article, the same ids.
    assert read_article(DATA / "controls.html") == article


# --- HTML nested in wrappers ------------------------------------------------------


def test_nested_article_is_found_behind_promotion_cards_and_wrappers() -> None:
    from pipeline.ingest import read_article
    from pipeline.model import BlockKind

    article = read_article(DATA / "nested.html")
    blocks = [(b.kind, b.text, b.line) for b in article.blocks]
    assert blocks == [
        # The article's own <header> is the story's, not the site's.
        (BlockKind.HEADING, "Soldiers who refused to fight are held in basements", 23),
        (BlockKind.BYLINE, "By Jane Doe", 24),
        # Neither "author-jane-doe" on <body> nor "has-captions" on the wrapper makes these bylines or captions.
        (
            BlockKind.PARAGRAPH,
            "Russian servicemen who refused to return to the front have been held in basements in occupied Luhansk, "
            "relatives told reporters.",
            28,
        ),
        (BlockKind.CAPTION, "The building in Bryanka. (Photo: Telegram)", 29),
        # <br> is a line break, kept as \n (and a sentence end after one), never nothing.
        (
            BlockKind.PARAGRAPH,
            "At least 300 men were detained there in July, according to the lawyer Maxim Grebenyuk.\n"
            "He said the detentions were illegal.",
            30,
        ),
        (BlockKind.HEADING, "Military prosecutors stay silent", 31),
        (BlockKind.PARAGRAPH, "The military prosecutor's office did not answer a request for comment.", 32),
        (BlockKind.QUOTE, '"They told us we would be sent back to the trenches," one of the men said.', 33),
        (BlockKind.LIST_ITEM, "Some were released after signing new contracts.", 34),
        (BlockKind.LIST_ITEM, "Others are still held.", 34),
        # A wrapper's class does describe the one block it holds.
        (BlockKind.BYLINE, "Jane Doe covers the Russian military for The Example Times.", 37),
    ]
    assert [b.marker for b in article.blocks if b.kind is BlockKind.HEADING] == ["#", "##"]


def test_story_written_in_divs_is_read_without_its_share_links() -> None:
    from pipeline.ingest import read_article
    from pipeline.model import BlockKind

    article = read_article(DATA / "nested-divs.html")
    assert [(b.kind, b.text) for b in article.blocks] == [
        (BlockKind.HEADING, "Deserters wait for papers in Kazakhstan"),
        (
            BlockKind.PARAGRAPH,
            "Hundreds of Russian men who fled the draft are waiting for residence permits in Almaty. "
            "A new law lets the police send them back.",
        ),
        (
            BlockKind.PARAGRAPH,
            '"We cannot go home," said Dmitry, a former contract soldier. He asked us not to print his surname.',
        ),
        (BlockKind.PARAGRAPH, "The Kazakh interior ministry said it reviews every request on its merits."),
    ]


def test_page_with_no_text_says_so_rather_than_blaming_site_chrome(cli: Callable[..., Result]) -> None:
    result = cli("segment", DATA / "script-shell.html")
    assert result.exit_code == 2
    assert result.stderr.strip() == (
        f"error: {DATA / 'script-shell.html'}: found no text in the page (no paragraphs, headings or list items; "
        "a page that loads its text with a script has none until then); save the page after it has loaded, "
        "or copy its text into a .txt file"
    )
