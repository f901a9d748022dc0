"""Language codes given by the user, checked against CLDR (via babel)."""

from __future__ import annotations

from babel import Locale, UnknownLocaleError

from pipeline.errors import UsageError

SOURCE_LANG = "en"


def parse_target_langs(text: str) -> tuple[str, ...]:
    """Parse "ru,uk" into ("ru", "uk"), refusing unknown codes and the source language."""
    codes = [code.strip() for code in text.split(",") if code.strip()]
    if not codes:
        raise UsageError("no target language given; use --to ru,uk")
    for code in codes:
        check_lang(code)
        if code == SOURCE_LANG:
            raise UsageError(f"{code!r} is the source language; translate --to another language, such as ru or uk")
    return tuple(dict.fromkeys(codes))


def check_lang(code: str) -> str:
    """Return ``code`` if CLDR knows it as a language, else raise a UsageError."""
    try:
        locale = Locale.parse(code)
    except (UnknownLocaleError, ValueError, TypeError):
        raise UsageError(f"unknown language code {code!r}; use an ISO 639-1 code such as ru or uk") from None
    if str(locale) != code:
        raise UsageError(f"unknown language code {code!r}; use an ISO 639-1 code such as ru or uk")
    return code
