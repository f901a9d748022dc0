"""English term matching with the repo's glossary: inflection, case rules, longest match, patterns."""

from __future__ import annotations

import functools
import itertools

import pytest
from support import ROOT, SEED_FILES

from pipeline.glossary.load import load_glossary
from pipeline.glossary.match import TermMatcher, singular
from pipeline.glossary.template import ordinal, render_template
from pipeline.ingest import read_article
from pipeline.model import TermHit


@functools.cache
def matcher() -> TermMatcher:
    return TermMatcher(load_glossary([ROOT / "glossary"]))


def found(text: str) -> list[tuple[str, str]]:
    hits = matcher().find(text)
    for hit in hits:
        assert text[hit.start : hit.end] == hit.surface
    return [(hit.entry_id, hit.surface) for hit in hits]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Two contract soldiers left.", [("contract-soldier", "contract soldiers")]),
        ("OMON's commander arrived.", [("omon", "OMON's"), ("commander", "commander")]),
        ("The omon of the story.", []),
        ("Garrison courts rejected every appeal.", [("garrison-court", "Garrison courts"), ("appeal", "appeal")]),
        ("He was from Kabardino Balkaria.", [("kabardino-balkaria", "Kabardino Balkaria")]),
        ("Ukraine's National Guard fought back.", [("national-guard-of-ukraine", "Ukraine's National Guard")]),
        ("the National Guard came under fire", [("rosgvardiya", "National Guard")]),
        ("Russian National Guard servicemen refused.", [("national-guardsman", "Russian National Guard servicemen")]),
        ("He served in Military Unit No. 21005.", [("military-unit-number", "Military Unit No. 21005")]),
        (
            "Soldiers’ Mothers of St. Petersburg head Oksana Paramonova",
            [("soldiers-mothers-of-st-petersburg", "Soldiers’ Mothers of St. Petersburg")],
        ),
        ("They reached St Petersburg.", [("st-petersburg", "St Petersburg")]),
        ("They left Kharkiv. Oblast officials stayed.", [("kharkiv", "Kharkiv")]),
        ("a gross-disciplinary-misconduct charge", [("gross-disciplinary-misconduct", "gross-disciplinary-misconduct")]),
        ("Zaslon-2022 drills", [("zaslon-2022", "Zaslon-2022")]),
    ],
)
def test_matching_table(text: str, expected: list[tuple[str, str]]) -> None:
    assert found(text) == expected


def test_pattern_captures_numbers() -> None:
    (hit,) = matcher().find("a group of the 11th Guards Air Assault Brigade resigned")
    assert hit.entry_id == "guards-air-assault-brigade" and dict(hit.groups) == {"number": "11"}
    hits = matcher().find("According to Article 51, paragraph 6 of the Federal Law")
    assert (hits[0].entry_id, dict(hits[0].groups)) == ("article-paragraph", {"article": "51", "paragraph": "6"})


@pytest.mark.parametrize(
    ("number", "lang", "gender", "expected"),
    [
        ("11", "uk", "f", "11-та"),
        ("31", "uk", "f", "31-ша"),
        ("72", "uk", "f", "72-га"),
        ("83", "uk", "f", "83-тя"),
        ("37", "uk", "f", "37-ма"),
        ("40", "uk", "f", "40-ва"),
        ("12", "uk", "f", "12-та"),
        ("1000", "uk", "f", "1000-на"),
        ("25", "ru", "f", "25-я"),
        ("25", "ru", "m", "25-й"),
        ("3", "uk", "m", "3-й"),
    ],
)
def test_ordinals(number: str, lang: str, gender: str, expected: str) -> None:
    assert ordinal(number, lang, gender) == expected


def test_pattern_target_renders_per_language() -> None:
    entry = load_glossary([ROOT / "glossary"]).by_id()["guards-air-assault-brigade"]
    uk, ru = entry.target("uk"), entry.target("ru")
    assert uk is not None and ru is not None
    assert render_template(uk.term, {"number": "31"}, "uk") == "31-ша гвардійська десантно-штурмова бригада"
    assert render_template(ru.term, {"number": "11"}, "ru") == "11-я гвардейская десантно-штурмовая бригада"


@pytest.mark.parametrize(
    ("word", "expected"),
    [
        ("soldiers", "soldier"),
        ("servicemen", "serviceman"),
        ("militaries", "military"),
        ("crosses", "cross"),
        ("SVDs", "SVD"),
        ("bus", "bus"),
    ],
)
def test_singular(word: str, expected: str) -> None:
    assert singular(word) == expected


# Every term the issue lists, as it appears in the seeds.
SEED_TERMS = """
rosgvardiya national-guardsman omon sobr garrison-court contract-soldier conscript compulsory-military-service
draftee mobilization mobilized-soldier military-enlistment-office military-commissar desertion deserter refusenik
conscientious-objector refusal-to-follow-orders treason missing-in-action gross-disciplinary-misconduct
dismissal-from-military-service class-action-lawsuit special-military-operation fsb investigative-committee
prosecutors-office prosecutor-generals-office military-prosecutors-office defense-ministry central-military-district
supreme-court federal-law-military-duty military-unit-number brigade battalion regiment company platoon-commander
senior-warrant-officer lieutenant-colonel commander-in-chief hero-of-russia military-id clothing-allowance
federation-council lpr dpr donbas zaslon-2022 plastun guards-motorized-rifle-brigade guards-air-assault-brigade
soldiers-mothers-of-st-petersburg free-buryatia-foundation free-yakutia-foundation go-by-the-forest military-ombudsman
agora citizen-army-law mediazona meduza the-moscow-times current-time kavkaz-realii telegram-channel astra
mobilization-news kyiv kharkiv luhansk chernihiv buryatia yakutia kabardino-balkaria north-ossetia kursk-oblast
belgorod-oblast smolensk-oblast bryansk-oblast yurga yelnya kemerovo zvezdny zhuravlevka zorino vladikavkaz ingushetia
krasnodar khakassia svatove-district nizhny-novgorod kostroma balashikha domodedovo voronezh
""".split()


@functools.cache
def seed_hits() -> dict[str, set[str]]:
    surfaces: dict[str, set[str]] = {}
    for path in SEED_FILES:
        for segment in read_article(path).segments:
            for hit in matcher().find(segment.text):
                surfaces.setdefault(hit.entry_id, set()).add(hit.surface)
    return surfaces


@pytest.mark.parametrize("entry_id", SEED_TERMS)
def test_seed_term_is_matched_in_the_seeds(entry_id: str) -> None:
    assert entry_id in seed_hits()


@pytest.mark.parametrize(
    ("text", "entry_id"),
    [
        # Listed in the issue but written differently in the seeds ("conscripted", "military prosecutors office").
        ("Conscription was announced in spring.", "conscription"),
        ("The military prosecutor opened a case.", "military-prosecutor"),
        ("Rosgvardia units and Rosguard officers", "rosgvardiya"),
        ("the National Guardsmen from Zvezdny", "national-guardsman"),
    ],
)
def test_listed_terms_outside_the_seeds(text: str, entry_id: str) -> None:
    assert entry_id in {hit.entry_id for hit in matcher().find(text)}


def test_overlaps_resolve_longest_then_leftmost() -> None:
    hits = matcher().find("the military unit 3723 and the military unit commander")
    assert hits[0].entry_id == "military-unit-number"
    assert all(isinstance(h, TermHit) for h in hits)
    ends = [(h.start, h.end) for h in hits]
    assert all(a[1] <= b[0] for a, b in itertools.pairwise(ends)), "hits overlap"
