"""Abbreviations that may end a sentence (U.S., a.m., Inc., Jr., etc., km): the independent case table, and the rule files."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from support import DATA

from pipeline.segment import load_rules, split_sentences

# Written by a helper who had not read the segmenter, edited by a strict editor (issue #14). This is the dev part;
# a held-out part, kept apart and never tuned on, measures how well the rules carry over to text they have not seen.
CASES = json.loads((DATA / "abbreviation_cases.json").read_text("utf-8"))


def sentences(text: str) -> list[str]:
    return [text[s.start : s.end] for s in split_sentences(text)]


@pytest.mark.parametrize("case", CASES, ids=lambda c: str(c["id"]))
def test_abbreviation_cases(case: dict[str, object]) -> None:
    assert sentences(str(case["text"])) == case["expected"], case["note"]


def test_the_table_has_both_kinds() -> None:
    kinds = {case["kind"] for case in CASES}
    assert kinds == {"boundary", "no-boundary"}
    assert len({case["id"] for case in CASES}) == len(CASES)


def test_a_rules_file_without_the_abbreviation_kinds_still_loads(tmp_path: Path) -> None:
    # A maintainer's own full rules file from before the kinds existed: U.S. is only "ambiguous" there.
    own = tmp_path / "rules.yaml"
    own.write_text("ambiguous: u.s\nsentence_starters: the he\n", encoding="utf-8")
    rules = load_rules(own, extra=own)
    assert rules.places == frozenset()
    text = "He moved to the U.S. Ivanov stayed. He left the U.S. He came back."
    assert [text[s.start : s.end] for s in split_sentences(text, rules)] == [
        "He moved to the U.S. Ivanov stayed.",
        "He left the U.S.",
        "He came back.",
    ]


def test_extra_rules_file_adds_a_place_abbreviation(tmp_path: Path) -> None:
    extra = tmp_path / "extra.yaml"
    extra.write_text("places: r.f\n", encoding="utf-8")
    text = "The drones were sold to the R.F. Moscow denied it. The R.F. Defense Ministry did not comment."
    assert len(split_sentences(text)) == 2
    assert len(split_sentences(text, load_rules(extra=extra))) == 3
