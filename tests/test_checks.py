"""Per-segment QA checks: one table of cases per check, each firing and each staying quiet."""

from __future__ import annotations

import pytest

from pipeline.checks import CHECKS, run_checks


def fired(check: str, source: str, target: str, lang: str = "ru") -> list[str]:
    return [f.message for f in CHECKS[check](source, target, lang)]


@pytest.mark.parametrize(
    ("source", "target", "lang"),
    [
        ("He was paid 31,000 rubles ($480) a month.", "Ему платили 31 000 рублей (480 долларов) в месяц.", "ru"),
        ("He was paid 31,000 rubles ($480) a month.", "Йому платили 31\u00a0000 рублів (480 доларів) на місяць.", "uk"),
        ("About 0.6 percent deserted in 2022.", "Около 0,6 процента дезертировали в 2022 году.", "ru"),
        ("the 11th Guards Air Assault Brigade", "11-я гвардейская десантно-штурмовая бригада", "ru"),
        ("Unit 3723 on March 4", "войсковая часть 3723, 4 марта", "ru"),
    ],
)
def test_numbers_kept_across_locale_formats(source: str, target: str, lang: str) -> None:
    assert fired("numbers", source, target, lang) == []


def test_numbers_missing_are_named_in_the_locale_format() -> None:
    messages = fired("numbers", "He was paid 31,000 rubles ($480).", "Ему платили 31 рубль.")
    assert messages == [
        "number 480 of the source is not in the translation (in ru: 480)",
        "number 31,000 of the source is not in the translation (in ru: 31\u00a0000)",
    ]


@pytest.mark.parametrize(
    ("source", "target", "expected"),
    [
        ("The court dismissed it.", "The court dismissed it.", 1),
        ("The court dismissed it.", "The court dismissed the lawsuit today.", 1),
        ("The court dismissed it.", "Суд отклонил иск.", 0),
        ("Mediazona and Meduza reported.", "Mediazona и Meduza сообщили.", 0),
    ],
)
def test_untranslated(source: str, target: str, expected: int) -> None:
    assert len(fired("untranslated", source, target)) == expected


def test_mixed_script() -> None:
    assert fired("mixed-script", "", "Суд oтклонил иск ОМОН.") == ["«oтклонил»: word mixes Latin letters (o) into Cyrillic"]
    # Found by an audit: one finding per word buried a segment's other findings. One per segment, listing them.
    assert fired("mixed-script", "", "Cуд oтклонил иcк, а пoтом eщё раз oтклонил.") == [
        "«Cуд», «oтклонил», «иcк», «пoтом», «eщё»: 5 words mix Latin letters (Cceo) into Cyrillic"
    ]
    assert fired("mixed-script", "", "Суд отклонил иск ОМОНа, The Moscow Times.") == []


@pytest.mark.parametrize(
    ("target", "lang", "expected"),
    [
        ("«Мы ели всё», — сказала она.", "ru", []),
        ("«Ми їли все», — сказала вона.", "uk", []),
        ('"Мы ели всё", — сказала она.', "ru", ["English quotation marks; ru uses «…»"]),
        ("«Мы ели всё, — сказала она.", "ru", ["unbalanced « »: 1 opening, 0 closing"]),
    ],
)
def test_quotes(target: str, lang: str, expected: list[str]) -> None:
    assert fired("quotes", "", target, lang) == expected


def test_length_ratio() -> None:
    source = "Several hundred Rosgvardiya soldiers on the front line decided to leave Ukraine."
    assert fired("length", source, "Несколько сотен росгвардейцев на передовой решили покинуть Украину.") == []
    assert fired("length", source, "Они ушли.") != []


def test_empty_translation_is_not_checked() -> None:
    assert run_checks("He was paid 31,000 rubles.", "", "ru") == []
