"""Language codes given by the user, checked against CLDR (via babel)."""

from __future__ import annotations

from babel import Locale, UnknownLocaleError

from pipeline.errors import InputError, UsageError

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


def is_language(code: str) -> bool:
    try:
        return str(Locale.parse(code.replace("-", "_"))) == code.replace("-", "_")
    except (UnknownLocaleError, ValueError, TypeError):
        return False


def review_file_language(header_language: str, path: str, folder_name: str) -> str:
    """The target language of a review file: its Language header, else its folder's name (locales/ru/...).

    Neither naming a language CLDR knows is one clear error, not a traceback deep in a check.
    """
    for code in (header_language.strip(), folder_name):
        if code and is_language(code):
            return code.replace("-", "_")
    shown = f"its Language header says {header_language.strip()!r}" if header_language.strip() else "it has no Language header"
    raise InputError(
        f"cannot tell the translation's language: {shown} and its folder {folder_name!r} is not a language code; "
        'add a header line such as "Language: ru\\n"',
        path,
    )
