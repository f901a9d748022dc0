"""Context patterns: when a glossary entry's sense applies where its English term was found."""

from __future__ import annotations

import pytest
from support import ROOT

from pipeline.glossary.load import load_glossary
from pipeline.glossary.match import TermMatcher
from pipeline.glossary.sense import applies, pattern_matches, pattern_problem
from pipeline.model import TermHit


def hit(sentence: str, term: str) -> TermHit:
    start = sentence.index(term)
    return TermHit("x", start, start + len(term), term)


@pytest.mark.parametrize(
    ("pattern", "sentence", "term", "expected"),
    [
        ("{foreign} ~", "Ukraine's National Guard said", "National Guard", True),
        ("{foreign} ~", "the Texas National Guard was deployed", "National Guard", True),
        ("{foreign} ~", "the New York National Guard was deployed", "National Guard", True),
        ("{foreign} ~", "the Russian National Guard said", "National Guard", False),
        ("~ of {foreign}", "the National Guard of the United States", "National Guard", True),
        ("in ~", "In general, they do not care", "general", True),
        ("in ~", "a general in Moscow", "general", False),
        ("{ordinal} ~", "the 2nd company of the battalion", "company", True),
        ("~ commander", "the company commander said", "company", True),
        ("~ to *", "chief of staff to the governor", "chief of staff", True),
        ("~ ... Ukrainian command", "the National Guard's brigade held, the Ukrainian command said", "National Guard", True),
        ("Ukrainian command ... ~", "The Ukrainian command said the National Guard held", "National Guard", True),
        ("~ ... Ukrainian command", "The National Guard held. The Ukrainian command said so.", "National Guard", False),
    ],
)
def test_pattern_matches(pattern: str, sentence: str, term: str, expected: bool) -> None:
    assert pattern_matches(pattern, sentence, hit(sentence, term)) is expected


def test_pattern_problems_are_explained() -> None:
    assert pattern_problem("{foreign} ~") == ""
    assert "exactly once" in pattern_problem("rifle company")
    assert "unknown word class {nation}" in pattern_problem("{nation} ~")


@pytest.mark.parametrize(
    ("sentence", "entry_id", "expected"),
    [
        ("Ukraine's National Guard repelled the attack.", "national-guard-of-ukraine", True),  # the longer entry wins
        ("The Kazakhstan National Guard took part.", "rosgvardiya", False),
        ("The National Guard was thrown into Kharkiv.", "rosgvardiya", True),
        ("The company's shares fell.", "company", False),
        ("The 3rd company was sent to the front.", "company", True),
        ("The governor's chief of staff resigned.", "chief-of-staff", False),
        ("The battalion's chief of staff resigned.", "chief-of-staff", True),
        ("His early discharge from hospital surprised doctors.", "early-dismissal", False),
        ("He asked for early discharge from the army.", "early-dismissal", True),
    ],
)
def test_shipped_glossary_senses(sentence: str, entry_id: str, expected: bool) -> None:
    glossary = load_glossary([ROOT / "glossary"])
    found = [h for h in TermMatcher(glossary).find(sentence) if h.entry_id == entry_id]
    entry = glossary.by_id()[entry_id]
    assert bool(found and applies(entry, sentence, found[0])) is expected
