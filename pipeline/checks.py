"""Per-segment QA: small independent checks, listed in one table.

Each check takes the English source, the translation and the target
language and returns findings a translator understands: what is wrong and
what was expected. Term checks live in ``enforce``; these look at
everything else.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from decimal import Decimal, InvalidOperation

from pipeline.model import Finding, Severity

Check = Callable[[str, str, str], list[Finding]]

_EN_NUMBER = re.compile(r"(?<![\w.,])\d{1,3}(?:,\d{3})+(?:\.\d+)?(?![\d,]\d)|(?<![\w.,])\d+(?:\.\d+)?(?![\d])")
# Russian/Ukrainian: groups of three after a space, NBSP or narrow NBSP; decimal comma.
_LOCAL_NUMBER = re.compile(r"(?<![\w.,])\d{1,3}(?:[ \u00a0\u202f]\d{3})+(?:,\d+)?(?!\d)|(?<![\w.,])\d+(?:[.,]\d+)?(?!\d)")
_CYRILLIC = re.compile(r"[\u0400-\u04ff]")
_LATIN = re.compile(r"[A-Za-z]")
_WORD = re.compile(r"[\w’'-]+")
LOCALE_QUOTES = {"ru": ("«", "»"), "uk": ("«", "»")}


def _finding(check: str, severity: Severity, message: str) -> Finding:
    return Finding("", None, severity, check, message)


def _english_numbers(text: str) -> Counter[Decimal]:
    values: Counter[Decimal] = Counter()
    for match in _EN_NUMBER.finditer(text):
        try:
            values[Decimal(match.group().replace(",", ""))] += 1
        except InvalidOperation:
            continue
    return values


def _local_numbers(text: str) -> Counter[Decimal]:
    values: Counter[Decimal] = Counter()
    for match in _LOCAL_NUMBER.finditer(text):
        raw = re.sub(r"[ \u00a0\u202f]", "", match.group()).replace(",", ".")
        try:
            values[Decimal(raw)] += 1
        except InvalidOperation:
            continue
    return values


def check_numbers(source: str, target: str, lang: str) -> list[Finding]:
    """Every number of the source is in the translation, whatever the locale's separators."""
    from babel.numbers import format_decimal

    missing = _english_numbers(source) - _local_numbers(target)
    return [
        _finding(
            "numbers",
            Severity.WARNING,
            f"number {value:,} of the source is not in the translation (in {lang}: {format_decimal(value, locale=lang)})",
        )
        for value in sorted(missing)
    ]


def check_untranslated(source: str, target: str, lang: str) -> list[Finding]:
    """A translation that is the source again, or mostly English words in a Cyrillic language."""
    if not target.strip():
        return []
    if target.strip().casefold() == source.strip().casefold() and _LATIN.search(source):
        return [_finding("untranslated", Severity.WARNING, "the translation is the English source copied")]
    letters = sum(1 for ch in target if ch.isalpha())
    # Names stay Latin in good translations (Mediazona, The Moscow Times); ordinary
    # lower-case English words do not.
    english = sum(len(w) for w in _WORD.findall(target) if _LATIN.match(w) and w[0].islower() and not _CYRILLIC.search(w))
    if lang in LOCALE_QUOTES and letters >= 12 and english / letters > 0.5:
        message = f"most of it is English words ({english} of {letters} letters); is it translated?"
        return [_finding("untranslated", Severity.WARNING, message)]
    return []


def check_mixed_script(source: str, target: str, lang: str) -> list[Finding]:
    """Latin look-alike letters inside Cyrillic words (a Latin o in «вoенный»): one finding listing the words."""
    # Parts of a compound may be in different scripts («Telegram-канал»); one part may not.
    mixed = [
        word
        for word in dict.fromkeys(part for w in _WORD.findall(target) for part in w.split("-"))
        if _CYRILLIC.search(word) and _LATIN.search(word)
    ]
    if not mixed:
        return []
    latin = "".join(sorted({letter for word in mixed for letter in _LATIN.findall(word)}))
    shown = ", ".join(f"«{word}»" for word in mixed[:MIXED_SHOWN])
    more = f" and {len(mixed) - MIXED_SHOWN} more" if len(mixed) > MIXED_SHOWN else ""
    words = "word mixes" if len(mixed) == 1 else f"{len(mixed)} words mix"
    return [_finding("mixed-script", Severity.ERROR, f"{shown}{more}: {words} Latin letters ({latin}) into Cyrillic")]


MIXED_SHOWN = 10  # words named in the finding; a reviewer fixes them all once told where to look


def check_quotes(source: str, target: str, lang: str) -> list[Finding]:
    """Quotation marks balanced, and the locale's own (« ») rather than English ones."""
    out = []
    opening, closing = LOCALE_QUOTES.get(lang, ("“", "”"))
    if target.count(opening) != target.count(closing):
        out.append(
            _finding(
                "quotes",
                Severity.WARNING,
                f"unbalanced {opening} {closing}: {target.count(opening)} opening, {target.count(closing)} closing",
            )
        )
    if target.count('"') % 2:
        out.append(_finding("quotes", Severity.WARNING, 'an odd number of " marks: a quotation is not closed'))
    if lang in LOCALE_QUOTES and any(q in target for q in ('"', "“", "”")):
        out.append(_finding("quotes", Severity.WARNING, f"English quotation marks; {lang} uses {opening}…{closing}"))
    return out


def check_length(source: str, target: str, lang: str) -> list[Finding]:
    """A translation far shorter or longer than usual for its source."""
    if len(source) < 20 or not target.strip():
        return []
    ratio = len(target) / len(source)
    if ratio < 0.5 or ratio > 2.2:
        return [
            _finding(
                "length",
                Severity.WARNING,
                f"the translation is {ratio:.1f}x the source's length; something may be missing or added",
            )
        ]
    return []


CHECKS: dict[str, Check] = {
    "numbers": check_numbers,
    "untranslated": check_untranslated,
    "mixed-script": check_mixed_script,
    "quotes": check_quotes,
    "length": check_length,
}


def run_checks(source: str, target: str, lang: str) -> list[Finding]:
    """Every check in the table, on one segment."""
    if not target.strip():
        return []
    return [finding for check in CHECKS.values() for finding in check(source, target, lang)]
