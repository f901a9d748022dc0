"""`glossary check`: every rule a curated glossary must keep, as findings with file:line.

Errors make CI fail; warnings (a word the dictionary does not know, an
entry without a source) are for a maintainer's attention.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from pipeline.glossary.load import build_glossary, duplicate_findings, glossary_files, parse_file
from pipeline.glossary.match import tokenize
from pipeline.glossary.template import PLACEHOLDER, placeholders
from pipeline.model import EntryType, Finding, Glossary, GlossaryEntry, Severity, TargetTerm

# Letters that exist in one of the two alphabets only.
ONLY_UK = set("іїєґІЇЄҐ")
ONLY_RU = set("ыэъёЫЭЪЁ")
_CYRILLIC = re.compile(r"[\u0400-\u04ff]")
_LATIN = re.compile(r"[A-Za-z]")
_WORD = re.compile(r"[\w\u0400-\u04ff'’-]+")


@dataclass(frozen=True, slots=True)
class CheckReport:
    """What `glossary check` found, and over how much."""

    files: tuple[str, ...]
    entries: int
    findings: tuple[Finding, ...]

    @property
    def errors(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.severity is Severity.ERROR)

    @property
    def warnings(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.severity is Severity.WARNING)


def check_glossary(paths: Sequence[Path], morphology: bool = True) -> CheckReport:
    """Run every check over the glossary files under ``paths``."""
    parsed = [parse_file(path) for path in glossary_files(paths)]
    glossary = build_glossary(parsed)
    findings = [finding for one in parsed for finding in one.findings]
    findings += list(check_entries(glossary, morphology))
    findings.sort(key=lambda f: (f.path, f.line or 0, f.check))
    return CheckReport(tuple(p.path for p in parsed), len(glossary.entries), tuple(findings))


# A one-word English form at least this frequent (wordfreq's Zipf scale: 4.5 is about once
# in 30,000 words) is a common word: "company", "general", "officer" have other senses.
COMMON_WORD_ZIPF = 4.5
_FUNCTION_WORDS = {"the", "a", "an", "of"}


def check_entries(glossary: Glossary, morphology: bool = True) -> Iterable[Finding]:
    """Checks across and within entries that the schema alone cannot see."""
    yield from duplicate_findings(glossary.entries)
    yield from _avoided_elsewhere(glossary.entries)
    yield from _common_words(glossary.entries)
    for entry in glossary.entries:
        if not entry.source:
            yield _warning(entry, "no-source", f"entry {entry.id!r} has no source; add where the term is attested")
        if entry.type is EntryType.PATTERN:
            yield from _pattern(entry)
        for target in entry.targets:
            yield from _target(entry, target, morphology)


def _avoided_elsewhere(entries: Sequence[GlossaryEntry]) -> Iterable[Finding]:
    """An avoided rendering that another entry approves: right for that sense, so this entry needs a context rule."""
    approved: dict[tuple[str, str], GlossaryEntry] = {}
    for entry in entries:
        for target in entry.targets:
            for text in (target.term, *target.alternatives):
                approved.setdefault((target.lang, text.casefold()), entry)
    for entry in entries:
        if entry.context.given:
            continue
        for target in entry.targets:
            for avoided in target.avoid:
                other = approved.get((target.lang, avoided.casefold()))
                if other is not None and other.id != entry.id:
                    yield _warning(
                        entry,
                        "avoided-elsewhere",
                        f"{target.lang} {avoided!r}, avoided by {entry.id!r}, is the approved rendering of {other.id!r} "
                        f"({other.path}:{other.line}); give {entry.id!r} a context rule saying when it applies, "
                        "or remove it from avoid",
                    )


def _common_words(entries: Sequence[GlossaryEntry]) -> Iterable[Finding]:
    """A term matched as one common English word, case-insensitively, with no context rule: other senses will match it."""
    from wordfreq import zipf_frequency

    for entry in entries:
        if entry.type is not EntryType.TERM or entry.case_sensitive or entry.context.given:
            continue
        for form in entry.forms:
            content = [t.exact for t in tokenize(form) if t.exact.lower() not in _FUNCTION_WORDS]
            if len(content) == 1 and zipf_frequency(content[0].lower(), "en") >= COMMON_WORD_ZIPF:
                yield _warning(
                    entry,
                    "common-word",
                    f"English {form!r} of {entry.id!r} is a common word with other senses; add context: unless/only "
                    "patterns for them, or `context: {}` if it has none",
                )
                break


def _pattern(entry: GlossaryEntry) -> Iterable[Finding]:
    try:
        compiled = re.compile(entry.pattern or "")
    except re.error as exc:
        yield _error(entry, "pattern", f"pattern of {entry.id!r} does not compile: {exc.msg}; fix the regular expression")
        return
    groups = set(compiled.groupindex)
    if not groups:
        yield _error(entry, "pattern", f"pattern of {entry.id!r} has no named group; capture numbers as (?P<number>\\d+)")
    for target in entry.targets:
        used = placeholders(target.term)
        for name in sorted(groups - used):
            yield _error(entry, "pattern", f"{target.lang} term of {entry.id!r} does not use group {{{name}}}; add it")
        for name in sorted(used - groups):
            yield _error(entry, "pattern", f"{target.lang} term of {entry.id!r} uses {{{name}}}, which the pattern lacks")


def _target(entry: GlossaryEntry, target: TargetTerm, morphology: bool) -> Iterable[Finding]:
    lang = target.lang
    avoided = {a.casefold() for a in target.avoid}
    for approved in (target.term, *target.alternatives):
        if approved.casefold() in avoided:
            yield _error(entry, "approved-avoided", f"{lang} {approved!r} of {entry.id!r} is approved and also listed to avoid")
    for text in (target.term, *target.alternatives, *target.avoid):
        # Parts of a compound may be in different scripts («Telegram-канал»); one part may not.
        for word in (part for w in _WORD.findall(text) for part in w.split("-")):
            if _CYRILLIC.search(word) and _LATIN.search(word):
                latin = "".join(sorted(set(_LATIN.findall(word))))
                yield _error(
                    entry,
                    "lookalike",
                    f"{lang} {word!r} of {entry.id!r} mixes Latin letters ({latin}) into a Cyrillic word; retype them",
                )
    wrong = ONLY_UK if lang == "ru" else ONLY_RU if lang == "uk" else set()
    for text in (target.term, *target.alternatives):
        letters = sorted(set(text) & wrong)
        if letters:
            other = "Ukrainian" if lang == "ru" else "Russian"
            yield _error(entry, "script", f"{lang} {text!r} of {entry.id!r} has {other}-only letters ({''.join(letters)})")
    if entry.type is EntryType.DO_NOT_TRANSLATE and target.term not in entry.forms:
        yield _error(entry, "do-not-translate", f"{lang} term of {entry.id!r} must be the English term unchanged")
    if morphology and lang in ("ru", "uk"):
        from pipeline.morphology import is_known

        for text in (target.term, *target.alternatives):
            for word in _WORD.findall(PLACEHOLDER.sub(" ", text)):
                if _CYRILLIC.search(word) and not _LATIN.search(word) and not is_known(word, lang):
                    yield _warning(entry, "unknown-word", f"{lang} {word!r} of {entry.id!r} is not in the {lang} dictionary")


def _error(entry: GlossaryEntry, check: str, message: str) -> Finding:
    return Finding(entry.path, entry.line, Severity.ERROR, check, message, entry.id)


def _warning(entry: GlossaryEntry, check: str, message: str) -> Finding:
    return Finding(entry.path, entry.line, Severity.WARNING, check, message, entry.id)
