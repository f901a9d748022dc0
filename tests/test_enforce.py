"""Terms in the translation: locating, deciding and fixing, on the shipped glossary and the independent corpus.

The corpus (tests/data/terms/dev_*.yaml) was written from the glossary by a
translator who had not read the code and edited by a strict second one;
see bench/term_corpus.py for how it is scored beside its baselines.
"""

from __future__ import annotations

import functools
from pathlib import Path

import pytest
from support import ROOT

from pipeline.enforce import Enforced, check_segment
from pipeline.glossary.load import load_glossary
from pipeline.glossary.match import TermMatcher
from pipeline.model import Glossary, TermStatus
from pipeline.morphology import words
from pipeline.phrase import Reading, inflect, readings, shape


@functools.cache
def glossary() -> Glossary:
    return load_glossary([ROOT / "glossary"])


@functools.cache
def matcher() -> TermMatcher:
    return TermMatcher(glossary())


def enforce(source: str, mt: str, lang: str) -> Enforced:
    return check_segment(source, matcher().find(source), mt, glossary(), lang)


def flagged(result: Enforced, entry_id: str) -> bool:
    return any(c.entry_id == entry_id and c.status is TermStatus.REVIEW for c in result.checks)


# --- fixes that must be made, exactly -----------------------------------------------------------

FIXES = [
    # (lang, English, MT, expected): each a defect seen in an earlier version, or a class of wrong rendering.
    pytest.param(
        "ru",
        "He was summoned to the military enlistment office.",
        "Его вызвали в военный призывной пункт.",
        "Его вызвали в военкомат.",
        id="no-stray-adjective",  # not «военного военкомата»: the old rendering's adjective goes with it
    ),
    pytest.param(
        "ru",
        "The National Guard of Russia said the men had been dismissed.",
        "Национальная гвардия России заявила, что мужчины были уволены.",
        "Росгвардия заявила, что мужчины были уволены.",
        id="longer-avoid-item-wins",  # not «Росгвардия России»
    ),
    pytest.param(
        "uk",
        "The commander sent conscripts to the border.",
        "Командир направив солдатів строкової служби до кордону.",
        "Командир направив строковиків до кордону.",
        id="animate-accusative-plural",  # not «направив строковики»
        marks=pytest.mark.xfail(strict=True, reason="«солдатів строкової служби» is a paraphrase the glossary does not list"),
    ),
    pytest.param(
        "uk",
        "They were dismissed for gross disciplinary misconduct.",
        "Їх звільнили за грубу дисциплінарну поведінку.",
        "Їх звільнили за грубий дисциплінарний проступок.",
        id="adjectives-agree-in-accusative",  # not «за грубого дисциплінарний проступок»
    ),
    pytest.param(
        "ru",
        "The riot police detained the protesters.",
        "Полиция по борьбе с беспорядками задержала протестующих.",
        "ОМОН задержал протестующих.",
        id="predicate-follows-new-gender",
    ),
    pytest.param(
        "ru",
        "The brigade's howitzer division was moved to Bakhmut.",
        "Гаубичная дивизия бригады была переброшена под Бахмут.",
        "Гаубичный дивизион бригады был переброшен под Бахмут.",
        id="compound-predicate-follows-new-gender",
    ),
    pytest.param(
        "ru",
        "He was accused of desertion and treason.",
        "Его обвинили в дезертирстве и государственной измене.",
        "Его обвинили в дезертирстве и государственной измене.",
        id="approved-in-coordination",
    ),
    pytest.param(
        "ru",
        "Officers of Rosgvardiya detained him.",
        "Офицеры Rosgvardiya задержали его.",
        "Офицеры Росгвардии задержали его.",
        id="latin-leftover-after-noun",
    ),
    pytest.param(
        "ru",
        "Units of the National Guard arrived in Kharkiv.",
        "Подразделения Национальной гвардии России прибыли в Харьков.",
        "Подразделения Росгвардии прибыли в Харьков.",
        id="calque-with-country",
    ),
    pytest.param(
        "ru",
        "The contract soldiers demanded to be dismissed.",
        "Солдаты по контракту потребовали их уволить.",
        "Военнослужащие по контракту потребовали их уволить.",
        id="calque-head-from-avoided-word",
    ),
    pytest.param(
        "ru",
        "They were threatened with criminal charges.",
        "Им грозили уголовные заряды.",
        "Им грозили уголовные обвинения.",
        id="alternative-that-keeps-the-adjective",
    ),
    pytest.param(
        "ru",
        "He was discharged for good reasons.",
        "Его уволили по веским причинам.",
        "Его уволили по уважительным причинам.",
        id="adjective-standing-in-for-the-approved-one",
    ),
    pytest.param(
        "uk",
        "He fought in Donbas.",
        "Він воював на Донбассі.",
        "Він воював на Донбасі.",
        id="russian-form-in-ukrainian",
    ),
    pytest.param(
        "uk",
        "He wrote to the military prosecutor's office, which never replied.",
        "Він написав до офісу військового прокурора, який так і не відповів.",
        "Він написав до військової прокуратури, яка так і не відповіла.",
        id="relative-clause-predicate",  # not «яка так і не відповів»
    ),
    pytest.param(
        "uk",
        "Marines from Primorye were sent there.",
        "Туди відправили морських піхотинців з Приморя.",
        "Туди відправили морських піхотинців з Примор’я.",
        id="typographic-apostrophe",  # the dictionary's ASCII apostrophe is not written into the text
    ),
    pytest.param(
        "uk",
        "A school was hit in Volchiy Yar.",
        "У Волчому Яру влучили в школу.",
        "У Вовчому Яру влучили в школу.",
        id="translators-own-form",  # «Яру» and «Ярі» are both locatives of «яр»: the translator's stays
    ),
    pytest.param(
        "ru",
        "According to the Free Buryatia Foundation, the men were sent back.",
        "По данным Free Buryatia Foundation, мужчин отправили обратно.",
        "По данным фонда «Свободная Бурятия», мужчин отправили обратно.",
        id="source-locution-genitive",  # «по данным» takes the genitive, not the passive agent's instrumental
    ),
    pytest.param(
        "uk",
        "Russian troops have been in Ukraine since 2014.",
        "Російські війська перебувають на Україні з 2014 року.",
        "Російські війська перебувають в Україні з 2014 року.",
        id="preposition-before-a-vowel",  # the entry's «в»: before a vowel euphony never wants «у»
    ),
    pytest.param(
        "uk",
        "Ukraine will not give up, he said.",
        "На Україні не здадуться, сказав він.",
        "В Україні не здадуться, сказав він.",
        id="preposition-at-sentence-start",
    ),
    pytest.param(
        "uk",
        "The assault unit was made up of former prisoners.",
        "Штурмова одиниця складалася з колишніх в’язнів.",
        "Штурмовий підрозділ складався з колишніх в’язнів.",
        id="reflexive-verb-in-sia",  # not the dictionary's poetic «складавсь»
    ),
    pytest.param(
        "ru",
        "His first tour of duty lasted three months.",
        "Его первый тур службы длился три месяца.",
        "Его первая командировка длилась три месяца.",
        id="word-not-read-as-abbreviation",  # «тур» is a noun here, not «тур.» (турецкий) modifying «службы»
    ),
    pytest.param(
        "ru",
        "Putin set up a review board.",
        "Путин создал наблюдательный совет.",
        "Путин создал аттестационную комиссию.",
        id="object-after-a-verb-with-its-subject",
    ),
    pytest.param(
        "uk",
        "The decree does not say when the mobilization will end.",
        "У декреті не сказано, коли завершиться мобілізація.",
        "В указі не сказано, коли завершиться мобілізація.",
        id="u-before-u-becomes-v",  # not «У указі»
    ),
    # Found on the fourth held-out part (each was a wrong change):
    pytest.param(
        "ru",
        "On October 3, Pavel received a call-up notice, which he refused to sign.",
        "3 октября Павел получил призывное уведомление, которое отказался подписать.",
        "3 октября Павел получил повестку, которую отказался подписать.",
        id="relative-pronoun-keeps-its-own-case",  # the object of «подписать», not «которая»
    ),
    pytest.param(
        "uk",
        "His Sberbank account was frozen a week after he was declared a deserter.",
        "Його рахунок в Ощадбанку заблокували через тиждень після того, як його оголосили дезертиром.",
        "Його рахунок у Сбербанку заблокували через тиждень після того, як його оголосили дезертиром.",
        id="u-between-consonants",
    ),
    pytest.param(
        "uk",
        "The Free Yakutia Foundation has published a list of 412 mobilized men from the republic.",
        "Фонд Free Yakutia опублікував список 412 мобілізованих із республіки.",
        "Фонд «Вільна Якутія» опублікував список 412 мобілізованих із республіки.",
        id="designator-before-a-latin-name-is-the-terms-own",  # not «Фонд фонду „Вільна Якутія“»
    ),
]

# Found on the third held-out part: changes that were wrong. Each must now be flagged and left as written.
FLAGGED_NOT_CHANGED = [
    pytest.param(
        "ru",
        "His case was examined by the review board, which recommended his dismissal.",
        "Его дело рассмотрел наблюдательный совет, который рекомендовал его уволить.",
        "review-board",
        id="subject-after-its-verb",  # not «рассмотрел аттестационную комиссию»: OVS order, the board is the subject
    ),
    pytest.param(
        "ru",
        "A court in Novocherkassk convicted him of unauthorized abandonment of the unit.",
        "Суд в Новочеркасске признал его виновным в несанкционированном оставлении подразделения.",
        "absence-without-leave",
        id="complement-already-there",  # not «оставлении части подразделения»: «подразделения» renders “of the unit”
    ),
    pytest.param(
        "uk",
        "The FSB said it had detained a Ukrainian saboteur in Bryansk region.",
        "ФСБ заявило, що затримало українського диверсанта в Брянській області.",
        "fsb",
        id="predicate-of-a-named-gender",  # the approved name is there; its verbs («заявила, що затримала») are not
    ),
    pytest.param(
        "uk",
        "At the start of 2024, Memorial counted at least 780 political prisoners in Russia.",
        "На початок 2024 року Memorial налічував щонайменше 780 політв’язнів у Росії.",
        "memorial",
        id="no-genitive-after-a-date",  # not «року „Меморіалу“»: the date closes its phrase
    ),
]


def test_a_predicate_that_agrees_with_the_named_gender_is_not_flagged() -> None:
    result = enforce("The FSB said it had detained a saboteur.", "ФСБ заявила, что задержала диверсанта.", "ru")
    assert not flagged(result, "fsb")


@pytest.mark.parametrize(("lang", "source", "mt", "entry_id"), FLAGGED_NOT_CHANGED)
def test_flagged_not_changed(lang: str, source: str, mt: str, entry_id: str) -> None:
    result = enforce(source, mt, lang)
    assert result.text == mt
    assert flagged(result, entry_id)


@pytest.mark.parametrize(("lang", "source", "mt", "expected"), FIXES)
def test_fix(lang: str, source: str, mt: str, expected: str) -> None:
    result = enforce(source, mt, lang)
    assert result.text == expected
    again = enforce(source, result.text, lang)
    assert not again.changed, "a fixed translation must check clean"


# --- translations that must not change ------------------------------------------------------------

KEEP = [
    pytest.param(
        "uk",
        "He called it an attack on Ukraine.",
        "Він назвав це нападом на Україну.",
        id="na-governed-by-the-word-before",  # «напад на»: the accusative after «на» is not a place
    ),
    pytest.param(
        "ru",
        "Ukraine's National Guard said its brigades held the line.",
        "Национальная гвардия Украины заявила, что ее бригады удержали позиции.",
        id="ukraines-guard",
    ),
    pytest.param(
        "uk",
        "Ukrainian National Guardsmen repelled the attack.",
        "Українські нацгвардійці відбили атаку.",
        id="ukrainian-guardsmen",
    ),
    pytest.param(
        "ru",
        "The Texas National Guard was deployed to the border.",
        "Национальная гвардия Техаса была направлена на границу.",
        id="texas-guard",
    ),
    pytest.param(
        "ru",
        "Kazakhstan's National Guard took part in the exercise.",
        "Национальная гвардия Казахстана приняла участие в учениях.",
        id="kazakh-guard",
    ),
    pytest.param(
        "ru",
        "Georgian riot police dispersed the rally in Tbilisi.",
        "Грузинский спецназ разогнал митинг в Тбилиси.",
        id="georgian-riot-police",
    ),
    pytest.param("uk", "Ukraine's enlistment offices stepped up mobilization.", "ТЦК посилили мобілізацію.", id="ukraines-tcc"),
    pytest.param(
        "ru",
        "The governor's chief of staff resigned.",
        "Руководитель аппарата губернатора подал в отставку.",
        id="civilian-chief-of-staff",
    ),
    pytest.param(
        "ru",
        "The governor submitted his resignation letter.",
        "Губернатор подал заявление об отставке.",
        id="governors-resignation",
    ),
    pytest.param(
        "ru", "She got a discharge from hospital on Monday.", "В понедельник ее выписали из больницы.", id="hospital-discharge"
    ),
    pytest.param("ru", "He called it a treason of his comrades.", "Он назвал это предательством товарищей.", id="loose-treason"),
    pytest.param(
        "ru",
        "Wagner mercenaries fought beside contract soldiers.",
        "Наемники «Вагнера» воевали рядом с контрактниками.",
        id="mercenaries-beside-contract-soldiers",
    ),
    pytest.param(
        "ru",
        "Putin said: “The National Guard will protect public order.”",
        "Путин заявил: «Национальная гвардия будет охранять общественный порядок».",
        id="quotation",
    ),
    pytest.param(
        "ru",
        "The law on the National Guard was passed in 2016.",
        "Закон «О войсках национальной гвардии Российской Федерации» был принят в 2016 году.",
        id="law-title",
    ),
    pytest.param("ru", "The company's shares fell.", "Акции компании упали.", id="business-company"),
    pytest.param("ru", "In general, they do not care.", "В целом им все равно.", id="in-general"),
    pytest.param("ru", "The garrison court ruled against him.", "Суд вынес решение против него.", id="shortened-mention"),
    pytest.param("ru", "The garrison court ruled against him.", "Московский суд вынес решение против него.", id="named-court"),
    pytest.param(
        "uk",
        "He joined the army instead of doing his military service.",
        "Він пішов в армію замість строкової служби.",
        id="narrower-glossary-term",  # «строкова служба» is another entry's term: the translator's choice
    ),
    pytest.param(
        "ru",
        "He came back in a POW swap in May.",
        "Он вернулся в мае в ходе обмена POW.",
        id="noun-adjunct-number-unknown",  # “a POW swap”: one prisoner or many? flagged, not guessed
    ),
]


@pytest.mark.parametrize(("lang", "source", "mt"), KEEP)
def test_keep(lang: str, source: str, mt: str) -> None:
    assert enforce(source, mt, lang).text == mt


def test_a_shortened_mention_is_flagged_not_changed() -> None:
    result = enforce("The garrison court ruled against him.", "Суд вынес решение против него.", "ru")
    (check,) = [c for c in result.checks if c.entry_id == "garrison-court"]
    assert check.status is TermStatus.REVIEW and check.found == "Суд" and "shortened" in check.reason


def test_quotation_is_flagged_with_its_span_and_suggestion() -> None:
    mt = "Путин заявил: «Национальная гвардия будет охранять общественный порядок»."
    result = enforce("Putin said: “The National Guard will protect public order.”", mt, "ru")
    (check,) = [c for c in result.checks if c.entry_id == "rosgvardiya"]
    assert check.status is TermStatus.REVIEW and check.suggestion == "Росгвардия"
    assert check.found_span is not None and mt[check.found_span.start : check.found_span.end] == "Национальная гвардия"
    assert "quotation" in check.reason


def test_other_sense_is_recorded_not_checked() -> None:
    result = enforce("The Texas National Guard was deployed.", "Национальная гвардия Техаса была развернута.", "ru")
    assert [c.status for c in result.checks if c.entry_id == "rosgvardiya"] == [TermStatus.OTHER_SENSE]
    assert not any(f.entry_id == "rosgvardiya" for f in result.findings)


def test_surplus_candidates_are_flagged() -> None:
    # One "National Guard" in the English, two candidate renderings: which one is it?
    mt = "Национальная гвардия и Нацгвардия провели учения."
    result = enforce("The National Guard held exercises.", mt, "ru")
    assert result.text == mt and flagged(result, "rosgvardiya")


def test_gender_change_with_a_loose_adjective_is_flagged() -> None:
    mt = "Первой в здание вошла полиция по борьбе с беспорядками."
    result = enforce("The riot police entered the building first.", mt, "ru")
    assert result.text == mt and flagged(result, "riot-police")


def test_fixed_span_points_at_the_new_words() -> None:
    mt = "В марте из Национальной гвардии уволили около 500 военнослужащих."
    result = enforce("In March, around 500 servicemen were dismissed from the National Guard.", mt, "ru")
    (check,) = [c for c in result.checks if c.status is TermStatus.FIXED]
    assert check.target is not None and result.text[check.target.start : check.target.end] == "Росгвардии"
    assert check.found_span is not None and mt[check.found_span.start : check.found_span.end] == "Национальной гвардии"


# --- phrase grammar -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("lang", "term", "reading", "gender", "expected"),
    [
        ("ru", "Московский гарнизонный военный суд", Reading("gent", "sing"), "", "Московского гарнизонного военного суда"),
        ("ru", "военнослужащий по контракту", Reading("gent", "plur"), "", "военнослужащих по контракту"),
        ("ru", "Росгвардия", Reading("accs", "sing"), "", "Росгвардию"),
        ("ru", "росгвардеец", Reading("accs", "plur"), "", "росгвардейцев"),
        ("ru", "телеграм-канал", Reading("gent", "plur"), "", "телеграм-каналов"),
        ("ru", "Telegram-канал", Reading("loct", "sing"), "", "Telegram-канале"),
        ("ru", "генерал-лейтенант", Reading("gent", "sing"), "", "генерал-лейтенанта"),
        ("ru", "погибший в бою", Reading("nomn", "sing"), "femn", "погибшая в бою"),
        ("ru", "отряд мобильный особого назначения", Reading("ablt", "sing"), "", "отрядом мобильным особого назначения"),
        ("uk", "строковик", Reading("accs", "plur"), "", "строковиків"),
        ("uk", "грубий дисциплінарний проступок", Reading("accs", "sing"), "", "грубий дисциплінарний проступок"),
        ("uk", "військовий комісар", Reading("nomn", "sing"), "", "військовий комісар"),
        ("uk", "військовий комісар", Reading("datv", "sing"), "", "військовому комісарові"),
        ("uk", "загиблий у бою", Reading("nomn", "sing"), "femn", "загибла у бою"),
        ("uk", "загиблий у бою", Reading("nomn", "sing"), "masc", "загиблий у бою"),
        ("uk", "гарнізонний військовий суд", Reading("loct", "sing"), "", "гарнізонному військовому суді"),
        ("uk", "Сімферополь", Reading("loct", "sing"), "", "Сімферополі"),
        ("uk", "замполіт", Reading("datv", "sing"), "", "замполітові"),
    ],
)
def test_inflect(lang: str, term: str, reading: Reading, gender: str, expected: str) -> None:
    found = shape(term, lang)
    assert found is not None and inflect(found, reading, lang, gender) == expected


def test_head_is_inferred_when_the_glossary_gives_none() -> None:
    found = shape("Московский гарнизонный военный суд", "ru")
    assert found is not None and found.head_word == "суд" and found.modifiers == (0, 1, 2)
    found = shape("мобилизованный", "ru")
    assert found is not None and found.head_is_adjective


def test_readings_follow_the_modifiers() -> None:
    item = shape("гарнизонный двор", "ru")
    assert item is not None
    assert readings(item, words("гарнизонного двора"), "ru", item) == {Reading("gent", "sing", "masc")}


def test_ukrainian_apostrophes_compare_alike() -> None:
    result = enforce("It is a military duty.", "Це військовий обов'язок.", "uk")
    assert [c.status for c in result.checks] == [TermStatus.APPROVED]


# --- the independent corpus (development part) -------------------------------------------------

import sys  # noqa: E402

sys.path.insert(0, str(ROOT / "bench"))
import term_corpus  # noqa: E402

# "dev2" was the first held-out third: scored once (README), then used for development; a new held-out was written.
DEV = [(lang, case) for part in ("dev", "dev2") for lang in term_corpus.LANGS for case in term_corpus.load(part, lang)]


def outcome(lang: str, case: dict[str, object]) -> tuple[str, Enforced]:
    result = enforce(str(case["source"]), str(case["mt"]), lang)
    flags = any(f.check in ("term-needs-review", "term-missing") for f in result.findings)
    return term_corpus.outcome_kind(case, term_corpus.Outcome(result.text, flags)), result


@pytest.mark.parametrize(
    ("lang", "case"), [pytest.param(lang, case, id=str(case["id"])) for lang, case in DEV if case["kind"] == "correct"]
)
def test_corpus_correct_translation_is_left_alone(lang: str, case: dict[str, object]) -> None:
    kind, result = outcome(lang, case)
    assert kind == "kept", f"changed a correct translation into: {result.text}"


# Wrong renderings left unflagged, and why; strict, so fixing one makes its test fail and the list stays true.
KNOWN_LEFT = {
    "uk-018": "«командира» is the approved term; a district's commander is «командувач», an alternative only context picks",
    "uk-019": "«звання Герой Росії»: the approved term in the wrong case after «звання»; an approved term's case is not checked",
    "uk-029": "«призовників» is an accepted alternative; that the 2022 mobilization wants «мобілізованих» is the note's advice",
    "uk-134": "«25-у»: the ending of a numbered term's ordinal is not checked",
}


@pytest.mark.parametrize(
    ("lang", "case"),
    [
        pytest.param(
            lang,
            case,
            id=str(case["id"]),
            marks=[pytest.mark.xfail(strict=True, reason=KNOWN_LEFT[str(case["id"])])] if case["id"] in KNOWN_LEFT else [],
        )
        for lang, case in DEV
        if case["kind"] == "wrong"
    ],
)
def test_corpus_wrong_rendering_is_fixed_exactly_or_flagged(lang: str, case: dict[str, object]) -> None:
    kind, result = outcome(lang, case)
    assert kind in ("fixed", "flagged"), f"{kind}: {result.text}"
    if kind == "fixed":
        again = enforce(str(case["source"]), result.text, lang)
        assert not again.changed and not any(f.check == "term-needs-review" for f in again.findings)


@pytest.mark.parametrize("lang", term_corpus.LANGS)
def test_corpus_recall_does_not_fall(lang: str) -> None:
    """The share of wrong renderings fixed exactly on the development part (README and bench/term_corpus.py)."""
    wrong = [case for case_lang, case in DEV if case_lang == lang and case["kind"] == "wrong"]
    fixed = sum(1 for case in wrong if outcome(lang, case)[0] == "fixed")
    assert fixed / len(wrong) >= {"ru": 0.66, "uk": 0.6}[lang], f"{fixed}/{len(wrong)}"


# --- two terms, one set of words -------------------------------------------------------------------

SMALL = """
domain: test
entries:
  - id: alpha-unit
    term: alpha unit
    type: term
    definition: A test unit.
    source: "test"
    ru: {term: альфа-отряд, avoid: [особый отряд]}
    uk: {term: альфа-загін}
  - id: rapid-team
    term: rapid team
    type: term
    definition: A test team.
    source: "test"
    ru: {term: спецгруппа, avoid: [отряд быстрого реагирования]}
    uk: {term: спецгрупа}
  - id: discharge
    term: discharge from service
    type: term
    definition: A test dismissal.
    source: "test"
    ru: {term: увольнение с военной службы, head: увольнение, tail: с военной службы, avoid: [отставка]}
    uk: {term: звільнення з військової служби, head: звільнення, tail: з військової служби, avoid: [відставка]}
"""


@pytest.fixture
def small_glossary(tmp_path: Path) -> Glossary:
    path = tmp_path / "small.yaml"
    path.write_text(SMALL, "utf-8")
    return load_glossary([path])


def test_overlapping_wrong_renderings_of_two_terms_are_flagged_not_garbled(small_glossary: Glossary) -> None:
    source = "The alpha unit and the rapid team arrived."
    mt = "Прибыл особый отряд быстрого реагирования."
    result = check_segment(source, TermMatcher(small_glossary).find(source), mt, small_glossary, "ru")
    assert result.text == mt
    assert {c.entry_id for c in result.checks if c.status is TermStatus.REVIEW} == {"alpha-unit", "rapid-team"}


def test_a_tail_already_there_is_not_said_twice(small_glossary: Glossary) -> None:
    source = "He asked for a discharge from service."
    mt = "Он попросил об отставке с военной службы."
    result = check_segment(source, TermMatcher(small_glossary).find(source), mt, small_glossary, "ru")
    assert result.text == "Он попросил об увольнении с военной службы."
