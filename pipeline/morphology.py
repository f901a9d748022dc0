"""Russian and Ukrainian morphology over pymorphy3: lemmas to compare terms, forms to inflect them.

Known dictionary weaknesses handled here rather than at every caller:
- the Ukrainian dictionary has no frequency scores and lists archaic forms
  first (-ім, -ові): ``inflect_word`` prefers the forms modern media use;
- Ukrainian tags carry no `sing` grammeme: number is `plur` or singular;
- acronyms (ОМОН, СОБР) decline with a lower-case ending: ОМОНа, СОБРу.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from pipeline.errors import UsageError

SUPPORTED = ("ru", "uk")
CASES = ("nomn", "gent", "datv", "accs", "ablt", "loct")
_WORD = re.compile(r"[\w’'-]*\w")
_ACRONYM_ENDING = re.compile(r"[а-яёіїєґ]{0,3}")


@functools.cache
def analyzer(lang: str) -> Any:
    """The pymorphy3 analyzer for ``lang`` (imported on first use: it takes a moment)."""
    if lang not in SUPPORTED:
        raise UsageError(f"no morphology dictionary for {lang!r}; supported: {', '.join(SUPPORTED)}")
    import pymorphy3

    return pymorphy3.MorphAnalyzer(lang=lang)


def is_known(word: str, lang: str) -> bool:
    """Does the dictionary know ``word`` (any form)? Hyphenated words count when every part is known."""
    morph = analyzer(lang)
    lowered = word.lower()
    if morph.word_is_known(lowered):
        return True
    parts = [p for p in lowered.split("-") if p]
    return len(parts) > 1 and all(morph.word_is_known(p) for p in parts)


@dataclass(frozen=True, slots=True)
class Word:
    """A word of a text with its character span."""

    text: str
    start: int
    end: int


def words(text: str) -> list[Word]:
    """Words (hyphenated compounds kept whole), with offsets."""
    return [Word(m.group(), m.start(), m.end()) for m in _WORD.finditer(text)]


@functools.lru_cache(maxsize=200_000)
def parses(word: str, lang: str) -> tuple[Any, ...]:
    return tuple(analyzer(lang).parse(word))


@functools.lru_cache(maxsize=200_000)
def lemmas(word: str, lang: str) -> frozenset[str]:
    """Every dictionary form ``word`` may be a form of, lower-cased."""
    forms = {p.normal_form.replace("ё", "е") for p in parses(word.lower(), lang)}
    forms.add(word.lower().replace("ё", "е"))
    return frozenset(forms)


def same_lexeme(term_word: str, text_word: str, lang: str) -> bool:
    """Could ``text_word`` be a form of ``term_word``? Acronyms match by stem: ОМОН ~ ОМОНа."""
    if term_word.isupper() and len(term_word) > 1:
        rest = text_word[len(term_word) :]
        return text_word.startswith(term_word) and bool(_ACRONYM_ENDING.fullmatch(rest))
    if not any(ch.isalpha() for ch in term_word):
        return term_word == text_word
    return bool(lemmas(term_word, lang) & lemmas(text_word, lang))


def number_of(tag: Any) -> str:
    return "plur" if "plur" in tag else "sing"


def case_number_options(word: str, lemma_words: Iterable[str], lang: str, pos: tuple[str, ...]) -> set[tuple[str, str]]:
    """The (case, number) readings of ``word`` as a form of one of ``lemma_words`` with a part of speech in ``pos``."""
    wanted = {w.lower().replace("ё", "е") for w in lemma_words}
    options = set()
    for parse in parses(word.lower(), lang):
        if parse.tag.POS in pos and parse.normal_form.replace("ё", "е") in wanted and parse.tag.case in CASES:
            options.add((parse.tag.case, number_of(parse.tag)))
    return options


def dictionary_parse(word: str, lang: str, pos: tuple[str, ...]) -> Any | None:
    """The analysis of ``word`` as a dictionary form (nominative) of the given part of speech.

    The Ukrainian dictionary leaves the case off some nominatives ("NOUN,inan masc").
    """
    nominative = [p for p in parses(word.lower(), lang) if p.tag.POS in pos and p.tag.case in ("nomn", None)]
    exact = [p for p in nominative if p.normal_form == p.word]
    candidates = exact or nominative
    return candidates[0] if candidates else None


def inflect_word(parse: Any, grammemes: set[str], lang: str) -> str | None:
    """The form of ``parse``'s lexeme with ``grammemes``; for Ukrainian the one modern media use."""
    if lang != "uk":
        inflected = parse.inflect(grammemes)
        return str(inflected.word) if inflected is not None else None
    wanted = set(grammemes)
    singular = "sing" in wanted
    wanted.discard("sing")
    forms = [f for f in parse.lexeme if wanted <= set(f.tag.grammemes) and not (singular and "plur" in f.tag)]
    if not forms and wanted & {"nomn"} and singular:
        return str(parse.word)  # a nominative listed without its case
    if not forms:
        return None
    return str(_modern_ukrainian([f.word for f in forms], parse.tag.POS, wanted, "anim" in parse.tag))


def _modern_ukrainian(forms: list[str], pos: str | None, grammemes: set[str], animate: bool) -> str:
    """Pick among equally tagged Ukrainian forms: the dictionary lists archaic ones (-ім) first.

    Adjectives: -ому/-им over -ім. Nouns: the shortest (у Сімферополі, not Сімферополеві;
    проступку, not проступкові), except the dative of persons, where -ові is the norm
    (замполітові).
    """
    unique = list(dict.fromkeys(forms))
    # -ім is the older adjectival ending (also on nouns made from adjectives: «зниклим»).
    modern = [f for f in unique if not f.endswith("ім")] or unique
    if pos in ("ADJF", "PRTF"):
        return modern[0]
    unique = modern
    if "datv" in grammemes and animate:
        personal = [f for f in unique if f.endswith(("ові", "еві", "єві"))]
        if personal:
            return personal[0]
    return min(unique, key=len)


def match_case(template: str, word: str) -> str:
    """Give ``word`` the capitalisation of ``template``: ОМОН + омона -> ОМОНа; each part of a hyphenated name."""
    if "-" in template and template.count("-") == word.count("-"):
        return "-".join(match_case(t, w) for t, w in zip(template.split("-"), word.split("-"), strict=True))
    if template.isupper() and len(template) > 1:
        stem = word[: len(template)]
        return stem.upper() + word[len(template) :] if stem.lower() == template.lower() else word.upper()
    if template[:1].isupper():
        return word[:1].upper() + word[1:]
    return word
