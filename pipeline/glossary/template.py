"""Fill a pattern entry's target template with the numbers captured in the English text.

``{number}`` copies the capture; ``{number:ord-f}``, ``{number:ord-m}`` and
``{number:ord-n}`` write it as an ordinal in figures for a feminine,
masculine or neuter noun in the nominative, as each language's rules want:
ru «11-я», «11-й», «11-е»; uk «11-та», «31-ша», «2-га», «83-тя», «7-ма»,
«40-ва», «1000-на», «11-й», «11-е» (Ukrainian orthography 2019, § 38).
"""

from __future__ import annotations

import re
from collections.abc import Mapping

PLACEHOLDER = re.compile(r"\{(?P<name>\w+)(?::(?P<format>ord-[fmn]))?\}")
FORMATS = ("ord-f", "ord-m", "ord-n")

# Ukrainian feminine ordinals end in the last letters of the last numeral word.
_UK_FEMININE_BY_LAST_DIGIT = {1: "ша", 2: "га", 3: "тя", 4: "та", 5: "та", 6: "та", 7: "ма", 8: "ма", 9: "та"}


def ordinal(number: str, lang: str, gender: str) -> str:
    """``number`` as an ordinal in figures: ordinal("31", "uk", "f") == "31-ша"."""
    if lang == "ru":
        return f"{number}-{ {'f': 'я', 'm': 'й', 'n': 'е'}[gender] }"
    if lang == "uk":
        if gender != "f":
            return f"{number}-{'й' if gender == 'm' else 'е'}"
        value = int(number)
        if 10 <= value % 100 <= 19:
            suffix = "та"  # одинадцята ... дев'ятнадцята
        elif value % 10:
            suffix = _UK_FEMININE_BY_LAST_DIGIT[value % 10]
        elif value % 100 == 40:
            suffix = "ва"  # сорокова
        elif value % 100 == 0 and value % 1000 == 0 and value:
            suffix = "на"  # тисячна
        else:
            suffix = "та"  # десята, двадцята, сота
        return f"{number}-{suffix}"
    return number


def placeholders(template: str) -> set[str]:
    """The group names a template uses."""
    return {m.group("name") for m in PLACEHOLDER.finditer(template)}


def render_template(template: str, groups: Mapping[str, str], lang: str) -> str:
    """Replace every placeholder with its capture, formatted as asked."""

    def fill(match: re.Match[str]) -> str:
        value = groups[match.group("name")]
        fmt = match.group("format")
        return ordinal(value, lang, fmt[-1]) if fmt else value

    return PLACEHOLDER.sub(fill, template)
