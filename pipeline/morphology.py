"""Russian and Ukrainian word morphology over pymorphy3: lemmas to compare words, forms to inflect them.

Phrases (a term's head and its agreeing words, a phrase's case in context)
are ``phrase``'s business; this module knows single words. Known
dictionary weaknesses are handled here rather than at every caller:
- the Ukrainian dictionary has no frequency scores and lists archaic forms
  first or beside modern ones (-ім, -ая, -ую, -ові): ``inflect_word``
  prefers the forms modern media use;
- Ukrainian tags carry no `sing` grammeme: number is `plur` or singular;
- Ukrainian lists the accusative plural of animate nouns twice (the
  genitive-like form and the nominative-like one); the norm is the first;
- common nouns also parse as surnames (uk «комісар» as a feminine surname):
  name readings are used only when nothing else fits;
- apostrophes: Ukrainian is written with ’ (U+2019), ʼ (U+02BC) or ASCII ';
  lemmas compare them as one;
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
GENDERS = ("masc", "femn", "neut")
NOUNS = ("NOUN",)
MODIFIERS = ("ADJF", "PRTF", "NUMR")
# Readings as a person's name: a common noun read as a surname is the dictionary's guess, not the word.
NAME_GRAMMEMES = frozenset({"Surn", "Name", "Patr"})
_WORD = re.compile(r"[\w’'ʼ-]*\w")
_ACRONYM_ENDING = re.compile(r"[а-яёіїєґ]{0,3}")
_APOSTROPHES = str.maketrans({"’": "'", "ʼ": "'"})


@functools.cache
def analyzer(lang: str) -> Any:
    """The pymorphy3 analyzer for ``lang`` (imported on first use: it takes a moment)."""
    if lang not in SUPPORTED:
        raise UsageError(f"no morphology dictionary for {lang!r}; supported: {', '.join(SUPPORTED)}")
    import pymorphy3

    return pymorphy3.MorphAnalyzer(lang=lang)


def fold(word: str) -> str:
    """The comparison key of a word: lower case, е for ё, one apostrophe."""
    return word.lower().replace("ё", "е").translate(_APOSTROPHES)


@functools.lru_cache(maxsize=200_000)
def is_known(word: str, lang: str) -> bool:
    """Does the dictionary know ``word`` (any form)? Hyphenated words count when every part is known."""
    morph = analyzer(lang)
    lowered = word.lower().translate(_APOSTROPHES)
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
    """Every dictionary reading of ``word`` (lower-cased by the caller)."""
    return tuple(analyzer(lang).parse(word.translate(_APOSTROPHES) if lang == "uk" else word))


def common_parses(word: str, lang: str, pos: tuple[str, ...] = (), lemma_keys: frozenset[str] | None = None) -> tuple[Any, ...]:
    """Readings of ``word`` with a part of speech in ``pos`` (any if empty) and, if given, a lemma among
    ``lemma_keys``; name readings only if nothing else fits. A word written in lower case is not read as
    an abbreviation where it is also a word: «тур» is a noun, not «тур.» (турецкий) before «службы»."""
    every = parses(word.lower(), lang)
    if not word.isupper() and any("Abbr" not in p.tag.grammemes for p in every):
        every = tuple(p for p in every if "Abbr" not in p.tag.grammemes)
    found = [p for p in every if (not pos or p.tag.POS in pos) and (lemma_keys is None or fold(p.normal_form) in lemma_keys)]
    common = [p for p in found if not (NAME_GRAMMEMES & set(p.tag.grammemes))]
    return tuple(common or found)


@functools.lru_cache(maxsize=200_000)
def lemmas(word: str, lang: str) -> frozenset[str]:
    """Every dictionary form ``word`` may be a form of, folded."""
    forms = {fold(p.normal_form) for p in parses(word.lower(), lang)}
    forms.add(fold(word))
    return frozenset(forms)


def same_lexeme(term_word: str, text_word: str, lang: str) -> bool:
    """Could ``text_word`` be a form of ``term_word``? Acronyms match by stem: ОМОН ~ ОМОНа."""
    if term_word.isupper() and len(term_word) > 1:
        rest = text_word[len(term_word) :]
        return text_word.startswith(term_word) and bool(_ACRONYM_ENDING.fullmatch(rest))
    if not any(ch.isalpha() for ch in term_word):
        return term_word == text_word
    if lemmas(term_word, lang) & lemmas(text_word, lang):
        return True
    return _same_unknown_name(term_word, text_word, lang)


def _known_common(word: str, lang: str) -> bool:
    """Known to the dictionary as something other than a person's name («Зоріні» is only a form of the surname Зорін)."""
    return is_known(word, lang) and any(not (NAME_GRAMMEMES & set(p.tag.grammemes)) for p in parses(word.lower(), lang))


def _same_unknown_name(term_word: str, text_word: str, lang: str) -> bool:
    """A name the dictionary does not know, declined («Зоріно» ~ «Зоріні», «Кемерово» ~ «Кемерові»): same stem, new ending."""
    if not term_word[:1].isupper() or _known_common(term_word, lang) or _known_common(text_word, lang):
        return False
    a, b = fold(term_word), fold(text_word)
    common = 0
    while common < min(len(a), len(b)) and a[common] == b[common]:
        common += 1
    return common >= max(4, len(a) - 2) and len(b) - common <= 3 and b[common:].isalpha()


def number_of(tag: Any) -> str:
    return "plur" if "plur" in tag else "sing"


def gender_of(tag: Any) -> str:
    """The tag's gender as a plain string ("" when it has none)."""
    return str(tag.gender) if tag.gender else ""


def case_of(tag: Any) -> str:
    """The tag's case as a plain string ("" when it has none)."""
    return str(tag.case) if tag.case else ""


def case_number_options(word: str, lemma_words: Iterable[str], lang: str, pos: tuple[str, ...]) -> set[tuple[str, str]]:
    """The (case, number) readings of ``word`` as a form of one of ``lemma_words`` with a part of speech in ``pos``."""
    wanted = {fold(w) for w in lemma_words}
    options = set()
    for parse in parses(word.lower(), lang):
        if parse.tag.POS in pos and fold(parse.normal_form) in wanted and parse.tag.case in CASES:
            options.add((parse.tag.case, number_of(parse.tag)))
    return options


def dictionary_parse(word: str, lang: str, pos: tuple[str, ...]) -> Any | None:
    """The analysis of ``word`` as a dictionary form (nominative) of the given part of speech.

    The Ukrainian dictionary leaves the case off some nominatives ("NOUN,inan masc").
    """
    nominative = [p for p in common_parses(word, lang, pos) if p.tag.case in ("nomn", None)]
    exact = [p for p in nominative if fold(p.normal_form) == fold(p.word)]
    candidates = exact or nominative
    return candidates[0] if candidates else None


# Ukrainian long adjective endings (військовая, військовую, військовеє) and the old locative -ім.
_UK_ARCHAIC = ("ая", "яя", "ую", "юю", "еє", "єє", "ім")


def inflect_word(parse: Any, grammemes: set[str], lang: str) -> str | None:
    """The form of ``parse``'s lexeme with ``grammemes``; for Ukrainian the one modern media use.

    ``grammemes`` holds a case, `sing` or `plur`, and optionally a gender and
    `anim`/`inan` (the accusative of animate masculine and plural nouns and
    their adjectives is the genitive, of inanimate ones the nominative).
    """
    wanted = set(grammemes)
    case = next((g for g in wanted if g in CASES), None)
    animacy = next((g for g in wanted if g in ("anim", "inan")), None)
    gender = next((g for g in wanted if g in ("masc", "femn", "neut")), None) or gender_of(parse.tag)
    masculine_or_plural = "plur" in wanted or gender == "masc"
    if case == "accs" and animacy and masculine_or_plural and (parse.tag.POS in MODIFIERS or lang == "uk"):
        # Dictionaries tag adjectives (and Ukrainian nouns) unevenly for animacy: use the rule itself.
        wanted = (wanted - {"accs", animacy}) | {"gent" if animacy == "anim" else "nomn"}
    elif animacy and parse.tag.POS not in MODIFIERS:
        wanted.discard(animacy)  # a noun's animacy is its own, not something to ask for
    if lang != "uk":
        inflected = parse.inflect(wanted) or (parse.inflect(wanted - {animacy}) if animacy else None)
        return str(inflected.word) if inflected is not None else None
    wanted.discard(animacy or "")
    singular = "sing" in wanted
    wanted.discard("sing")
    forms = [f for f in parse.lexeme if wanted <= set(f.tag.grammemes) and not (singular and "plur" in f.tag)]
    if not forms and "nomn" in wanted and singular:
        return str(parse.word)  # a nominative listed without its case
    if not forms:
        return None
    # The dictionary writes the apostrophe in ASCII; Ukrainian typography (and the glossary) use ’.
    return _modern_ukrainian([f.word for f in forms], parse.tag.POS, wanted, "anim" in parse.tag).replace("'", "’")


def _modern_ukrainian(forms: list[str], pos: str | None, grammemes: set[str], animate: bool) -> str:
    """Pick among equally tagged Ukrainian forms: the dictionary lists archaic ones beside modern ones.

    Adjectives: -ому/-им over -ім, -а over -ая. Verbs: -ся over -сь. Nouns: the shortest (у Сімферополі,
    not Сімферополеві; проступку, not проступкові), except the dative of persons,
    where -ові is the norm (замполітові).
    """
    unique = list(dict.fromkeys(forms))
    modern = [f for f in unique if not f.endswith(_UK_ARCHAIC)] or unique
    # Reflexive verbs: -ся is the norm, -сь (складавсь) a poetic variant the dictionary lists beside it.
    modern = [f for f in modern if not (f.endswith("сь") and f[:-2] + "ся" in modern)]
    if pos in MODIFIERS:
        return modern[0]
    if "datv" in grammemes and animate:
        personal = [f for f in modern if f.endswith(("ові", "еві", "єві"))]
        if personal:
            return personal[0]
    return min(modern, key=len)


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
