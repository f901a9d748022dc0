"""Sentence segmentation: the public Golden Rules, our news cases, and invariants."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from support import DATA, SEED_FILES

from pipeline.ingest import read_article
from pipeline.segment import IdAllocator, load_rules, normalize_for_id, segment_id, split_sentences

# pySBD's English Golden Rules (MIT license), copied from shared/eval.
GOLDEN = json.loads((DATA / "golden_rules_en.json").read_text("utf-8"))
NEWS = json.loads((DATA / "news_sentences.json").read_text("utf-8"))


def sentences(text: str) -> list[str]:
    return [text[s.start : s.end] for s in split_sentences(text)]


@pytest.mark.parametrize("case", GOLDEN, ids=lambda c: f"rule{c['id']}")
def test_golden_rules(case: dict[str, object]) -> None:
    assert sentences(str(case["text"])) == case["expected"]


@pytest.mark.parametrize("case", NEWS, ids=lambda c: c["name"])
def test_news_cases(case: dict[str, object]) -> None:
    assert sentences(str(case["text"])) == case["expected"]


@pytest.mark.parametrize(
    ("text", "count"),
    [
        ("He left at 5 p.m. on Monday. Nobody saw him.", 2),
        ("• 9. The first item • 10. The second item", 2),
        ("Visit www.meduza.io/en. Then read on.", 2),
        ("See [...] the rest. Done.", 2),
        ("", 0),
        ("   ", 0),
        ("No punctuation at all", 1),
    ],
)
def test_edge_cases(text: str, count: int) -> None:
    assert len(split_sentences(text)) == count


def _assert_covers(text: str) -> None:
    spans = split_sentences(text)
    pos = 0
    for span in spans:
        assert text[pos : span.start].strip() == "", "a gap between segments holds text"
        piece = text[span.start : span.end]
        assert piece and piece == piece.strip(), "a segment is empty or carries outer whitespace"
        pos = span.end
    assert text[pos:].strip() == ""


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("ab A.?!…'\"“”‘’()[] \n1,:;-—@/")), max_size=120))
def test_segments_cover_any_text(text: str) -> None:
    _assert_covers(text)


@pytest.mark.parametrize("path", SEED_FILES, ids=lambda p: p.stem)
def test_segments_cover_seed_blocks(path: Path) -> None:
    article = read_article(path)
    for block in article.blocks:
        _assert_covers(block.text)
        rebuilt, pos = "", 0
        for seg in block.segments:
            rebuilt += block.text[pos : seg.start] + seg.text
            pos = seg.end
        assert rebuilt + block.text[pos:] == block.text


def test_ids_ignore_quote_style_and_spacing() -> None:
    assert segment_id("“It’s over,” he said.") == segment_id('"It\'s  over," he said.')
    assert normalize_for_id("  A\u00a0B ") == "a b"


def test_repeated_sentence_gets_counter() -> None:
    ids = IdAllocator()
    first, second = ids.allocate("Read more."), ids.allocate("Read more.")
    assert first != second and second == f"{first}~2"


def test_extra_rules_file_adds_abbreviation(tmp_path: Path) -> None:
    extra = tmp_path / "extra.yaml"
    extra.write_text("prepositive: brig-gen\n", encoding="utf-8")
    text = "Brig-Gen. Petrov arrived. He spoke."
    assert len(split_sentences(text)) == 3
    assert len(split_sentences(text, load_rules(extra=extra))) == 2


def test_a_paragraph_with_no_sentence_end_is_cut_into_reviewable_pieces() -> None:
    from pipeline.segment import MAX_SEGMENT_CHARS

    phrase = "the National Guard and OMON officers detained contract soldiers near the enlistment office, "
    text = (phrase * 200).strip()
    spans = split_sentences(text)
    assert len(spans) > 1 and all(s.end - s.start <= MAX_SEGMENT_CHARS for s in spans)
    # Cut at a clause break, and nothing lost: the pieces cover the text but for the spaces between them.
    assert all(text[s.end - 1] == "," for s in spans[:-1])
    assert "".join(text[s.start : s.end] for s in spans).replace(" ", "") == text.replace(" ", "")
    # A sentence of ordinary length is never cut.
    assert len(split_sentences("He said so, and then he left, " * 20 + "without a word.")) == 1
