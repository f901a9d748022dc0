"""Which words of a translation render a source term, and on what evidence.

For one glossary entry found in the English, the translation may hold:

- the approved rendering or an accepted alternative, in any case and
  number (by lemma; acronyms by stem; a hyphenated compound holding one,
  «солдаты-контрактники»);
- a rendering the glossary lists under ``avoid`` (also read with the
  Russian dictionary in Ukrainian text, where MT leaks Russian forms);
- the English term left in Latin letters («Rosgvardiya», «OMONа»);
- a calque: a noun phrase made of the entry's own words (those of its
  renderings, approved or avoided) that drops, adds or reorders some
  («солдаты по контракту», «Национальной гвардии России»).

Locating only reports; what to do with each finding is ``decide``'s job.
"""

from __future__ import annotations

import difflib
import enum
import functools
import re
from collections.abc import Sequence
from dataclasses import dataclass

from pipeline.glossary.match import singular
from pipeline.glossary.template import render_template
from pipeline.model import EntryType, GlossaryEntry, TargetTerm, TermHit
from pipeline.morphology import MODIFIERS, NOUNS, Word, common_parses, fold, is_known, lemmas, same_lexeme, words
from pipeline.phrase import GOVERNMENT, shape

_LATIN = re.compile(r"[A-Za-z]")
_CYRILLIC = re.compile(r"[\u0400-\u04ff]")
# MT into Ukrainian often leaks Russian forms (Харькова, Донбасса): avoided renderings
# are also looked up with the Russian dictionary.
ALSO_ANALYSE_AS = {"uk": "ru"}
# Words too general to tie a phrase to a term on their own.
FUNCTION_WORDS = {
    "ru": {"и", "или", "а", "но", "не", "с", "со", "по", "в", "во", "на", "о", "об", "за", "из", "к", "от", "до", "для", "у"},
    "uk": {"і", "й", "та", "або", "а", "але", "не", "з", "із", "зі", "по", "в", "у", "на", "про", "за", "від", "до", "для", "к"},
}
_ENGLISH_FUNCTION_WORDS = {"the", "a", "an", "of", "and", "for", "in", "on", "to"}
# A calque shares a stem this long (and most of the shorter word) with one of the entry's words: контрактный ~ контракт.
STEM_LETTERS = 6


class Evidence(enum.StrEnum):
    """Why a window of the translation is taken for a term's rendering."""

    APPROVED = "approved"
    ALTERNATIVE = "alternative"
    AVOIDED = "avoided"  # an item of the entry's avoid list
    LATIN = "latin"  # the English term left in Latin letters
    TRANSLIT = "transliterated"  # the English term spelled in Cyrillic («Росгард», «уорент-офицер»)
    SPELLING = "spelling"  # the approved word spelled another way («про-кремлевский»)
    CALQUE = "calque"  # a phrase of the entry's own words, not one the glossary lists
    VARIANT = "variant"  # the approved head with other adjectives («веские причины» for «уважительные причины»)
    TITLE = "title"  # a quoted title with some words of the approved one («О военной обязанности…» for «О воинской…»)

    @property
    def accepted(self) -> bool:
        return self in (Evidence.APPROVED, Evidence.ALTERNATIVE)


@dataclass(frozen=True, slots=True)
class Located:
    """A window [start, end) of the translation's words and what it seems to be."""

    start: int
    end: int
    evidence: Evidence
    phrase: str = ""  # the glossary phrase it matched (a rendering or an avoid item); the English form for LATIN
    analyses: tuple[str, ...] = ()  # the dictionaries that recognised it (Russian, for a Russian form in Ukrainian)


def renderings(target: TargetTerm, hit: TermHit, lang: str) -> list[str]:
    """The approved term and its alternatives, with pattern captures filled in."""
    groups = dict(hit.groups)
    return [render_template(t, groups, lang) if groups else t for t in (target.term, *target.alternatives)]


def find_phrase(phrase: str, text_words: Sequence[Word], lang: str) -> list[tuple[int, int]]:
    """Word windows [i, j) of the text that are forms of ``phrase``, word by word."""
    keys = [w.text for w in words(phrase)]
    if not keys:
        return []
    found = []
    for i in range(len(text_words) - len(keys) + 1):
        if all(same_lexeme(key, text_words[i + k].text, lang) for k, key in enumerate(keys)):
            found.append((i, i + len(keys)))
    return found


def locate(
    entry: GlossaryEntry, target: TargetTerm, hit: TermHit, text: str, text_words: Sequence[Word], lang: str
) -> list[Located]:
    """Every window of the translation that renders, or may render, this hit's term."""
    if entry.type is EntryType.DO_NOT_TRANSLATE:
        return _unchanged_names(entry, target, text, text_words, lang)
    found: list[Located] = []
    for index, rendering in enumerate(renderings(target, hit, lang)):
        evidence = Evidence.APPROVED if index == 0 else Evidence.ALTERNATIVE
        found += [Located(i, j, evidence, rendering, (lang,)) for i, j in find_phrase(rendering, text_words, lang)]
        if len(words(rendering)) == 1:
            found += [Located(i, i + 1, evidence, rendering, (lang,)) for i in _compounds_holding(rendering, text_words, lang)]
    if entry.type is EntryType.PATTERN:
        return found
    analyses = (lang, ALSO_ANALYSE_AS[lang]) if lang in ALSO_ANALYSE_AS else (lang,)
    for avoided in sorted(target.avoid, key=lambda a: -len(a.split())):
        windows: dict[tuple[int, int], list[str]] = {}
        for analysis in analyses:
            for window in find_phrase(avoided, text_words, analysis):
                windows.setdefault(window, []).append(analysis)
        found += [Located(i, j, Evidence.AVOIDED, avoided, tuple(by)) for (i, j), by in windows.items()]
    if _CYRILLIC.search(target.term):
        found += _latin_leftovers(entry, text_words)
        found += _transliterations(entry, target, text_words, found, lang)
        found += _spellings(target, text_words, found, lang)
    found = _reconciled(found, text_words)
    titles = _titles(target, hit, text, text_words, found, lang)
    # A wrong title inside an avoided phrase («Федеральный закон „О военной обязанности…“»): fixing the title is all it takes.
    found = [
        loc
        for loc in found
        if not any(loc.start <= t.start and t.end <= loc.end and loc.evidence is Evidence.AVOIDED for t in titles)
    ] + titles
    found += _calques(entry, target, text, text_words, found, lang)
    return _without_nested(found)


_QUOTED_TITLE = re.compile(r"[«„“\"]([^«»„“”\"]+)[»“”\"]")


def _titles(
    target: TargetTerm, hit: TermHit, text: str, text_words: Sequence[Word], located: Sequence[Located], lang: str
) -> list[Located]:
    """A title in quotation marks (a law's, a foundation's) with some of the approved title's words changed.

    «Федерального закона „О военной обязанности и военной службе“» for
    «… „О воинской обязанности и военной службе“»: the words of the title
    are located, to be replaced by the approved title as it is written.
    """
    titles = [m.group(1) for r in renderings(target, hit, lang) for m in _QUOTED_TITLE.finditer(r)]
    taken = [(loc.start, loc.end) for loc in located if loc.evidence.accepted]
    found = []
    for quote in _QUOTED_TITLE.finditer(text):
        inside = [k for k, w in enumerate(text_words) if quote.start(1) <= w.start and w.end <= quote.end(1)]
        if not inside or any(inside[0] < e and s < inside[-1] + 1 for s, e in taken):
            continue
        written = [text_words[k].text for k in inside]
        for title in titles:
            wanted = [w.text for w in words(title)]
            if abs(len(wanted) - len(written)) > 1 or [fold(w) for w in wanted] == [fold(w) for w in written]:
                continue
            shared = sum(1 for w in wanted if any(same_lexeme(w, t, lang) for t in written))
            if shared * 2 >= len(wanted) and shared < len(wanted) + (len(written) != len(wanted)):
                found.append(Located(inside[0], inside[-1] + 1, Evidence.TITLE, title, (lang,)))
                break
    return found


def _reconciled(found: list[Located], text_words: Sequence[Word]) -> list[Located]:
    """Where an avoided phrase and an accepted rendering claim the same words, decide which one it is.

    An avoided phrase around an accepted word is the wrong one («сумлінних
    відмовників» holds «відмовників»); one that differs from an accepted
    rendering in spelling only («зниклий безвісті» for «безвісти»), by lemma
    the same, is what the text has only if its words are spelled that way.
    """
    avoided = [loc for loc in found if loc.evidence is Evidence.AVOIDED]
    drop: set[int] = set()
    for k, loc in enumerate(found):
        if not loc.evidence.accepted:
            continue
        for bad in avoided:
            if bad.start <= loc.start and loc.end <= bad.end and (bad.end - bad.start) > (loc.end - loc.start):
                drop.add(k)
            elif (bad.start, bad.end) == (loc.start, loc.end):
                pairs = zip(words(bad.phrase), words(loc.phrase), text_words[loc.start : loc.end], strict=False)
                differing = [(a.text, t.text) for a, r, t in pairs if fold(a.text) != fold(r.text)]
                if differing and all(fold(t) == fold(a) for a, t in differing):
                    drop.add(k)
                else:
                    drop.add(found.index(bad))
    return [loc for k, loc in enumerate(found) if k not in drop]


def _unchanged_names(entry: GlossaryEntry, target: TargetTerm, text: str, text_words: Sequence[Word], lang: str) -> list[Located]:
    """A do-not-translate name: as written, or as an accepted alternative («телеграм», «ютуб») in any form.

    Spelled in Cyrillic instead («Астра», «Пост»), it is located as a transliteration, to be written as the name.
    """
    found: list[Located] = []
    for name in (target.term, *entry.forms):
        for match in re.finditer(rf"(?<!\w){re.escape(name)}(?!\w)", text):
            inside = [k for k, w in enumerate(text_words) if match.start() <= w.start < match.end()]
            if inside:
                found.append(Located(inside[0], inside[-1] + 1, Evidence.APPROVED, name, (lang,)))
    for alternative in target.alternatives:
        found += [
            Located(i, j, Evidence.ALTERNATIVE, alternative, (lang,)) for i, j in find_phrase(alternative, text_words, lang)
        ]
    return found + _transliterations(entry, target, text_words, found, lang)


def _compounds_holding(rendering: str, text_words: Sequence[Word], lang: str) -> list[int]:
    """Hyphenated words one part of which is the rendering («солдаты-контрактники» holds «контрактник»)."""
    out = []
    for k, word in enumerate(text_words):
        if "-" in word.text:
            parts = [p for p in word.text.split("-") if p]
            if len(parts) > 1 and any(same_lexeme(rendering, part, lang) for part in parts):
                out.append(k)
    return out


def _latin_leftovers(entry: GlossaryEntry, text_words: Sequence[Word]) -> list[Located]:
    """The English term (or a variant) in Latin letters, perhaps with a Cyrillic ending glued on («OMONа»)."""
    found = []
    for form in entry.forms:
        keys = [w.text if any(ch.isdigit() for ch in w.text) else _latin_key(w.text) for w in words(form)]
        if not keys or not all(keys):
            continue
        for i in range(len(text_words) - len(keys) + 1):
            if all(_latin_match(key, text_words[i + k].text, entry.case_sensitive) for k, key in enumerate(keys)):
                found.append(Located(i, i + len(keys), Evidence.LATIN, form))
    return found


def _latin_key(word: str) -> str:
    return singular(word.replace("’", "'").removesuffix("'s"))


def _latin_match(key: str, word: str, case_sensitive: bool) -> bool:
    if (word == key) if case_sensitive else (word.lower() == key.lower()):
        return True
    latin = re.match(r"[A-Za-z'’.]+", word)
    if latin is None:
        return False
    part = latin.group()
    rest = word[latin.end() :]
    if rest and not _CYRILLIC.fullmatch(rest[:1]):
        return False
    a, b = (part, key) if case_sensitive else (part.lower(), key.lower())
    if a == b or _latin_key(a) == b:
        return True
    # Transliterated endings: Rosgvardii, Rosgvardiyu for Rosgvardiya.
    common = len(_common_prefix(a, b))
    return len(b) >= STEM_LETTERS and common >= len(b) - 2 and common >= STEM_LETTERS


def _common_prefix(a: str, b: str) -> str:
    n = 0
    while n < min(len(a), len(b)) and a[n] == b[n]:
        n += 1
    return a[:n]


# --- the English term spelled in Cyrillic ------------------------------------------------

# English letters as Russian and Ukrainian media transliterate them, longest first; rough by nature,
# which is why a match must be close (``TRANSLIT_SIMILARITY``) and the word long enough.
_TRANSLIT = [
    ("shch", "щ"), ("sch", "ш"), ("zh", "ж"), ("kh", "х"), ("ch", "ч"), ("sh", "ш"), ("ts", "ц"), ("tz", "ц"),
    ("ya", "я"), ("yu", "ю"), ("yo", "е"), ("ye", "е"), ("ee", "и"), ("oo", "у"), ("ph", "ф"), ("th", "т"),
    ("ck", "к"), ("qu", "кв"), ("ce", "се"), ("ci", "си"), ("cy", "си"), ("x", "кс"), ("a", "а"), ("b", "б"),
    ("c", "к"), ("d", "д"), ("e", "е"), ("f", "ф"), ("g", "г"), ("h", "х"), ("i", "и"), ("j", "дж"), ("k", "к"),
    ("l", "л"), ("m", "м"), ("n", "н"), ("o", "о"), ("p", "п"), ("q", "к"), ("r", "р"), ("s", "с"), ("t", "т"),
    ("u", "у"), ("v", "в"), ("w", "у"), ("y", "и"), ("z", "з"),
]  # fmt: skip
TRANSLIT_SIMILARITY = 0.8
_LOOSE = str.maketrans(
    {"ё": "е", "э": "е", "є": "е", "й": "и", "і": "и", "ї": "и", "ы": "и", "ь": None, "ъ": None, "’": None, "'": None}
)


# Letters English spells one way and Russian transliterates several ways: major → майор, not маджор.
_TRANSLIT_CHOICES: dict[str, tuple[str, ...]] = {
    "j": ("дж", "й"),
    "g": ("г", "дж"),
    "c": ("к", "с"),
    "y": ("и", "й"),
    "a": ("а", "е"),
    "e": ("е", ""),
}
_MAX_SPELLINGS = 32


def transliterate(english: str) -> str:
    """A rough Cyrillic spelling of an English word, for comparison only («Rosguard» → «росгуард»)."""
    return spellings(english)[0]


@functools.lru_cache(maxsize=4096)
def spellings(english: str) -> tuple[str, ...]:
    """Rough Cyrillic spellings of an English word, the likeliest first (at most ``_MAX_SPELLINGS``)."""
    word, k = english.lower(), 0
    pieces: list[tuple[str, ...]] = []
    while k < len(word):
        for latin, cyrillic in _TRANSLIT:
            if word.startswith(latin, k):
                choices = _TRANSLIT_CHOICES.get(latin, (cyrillic,)) if len(latin) == 1 else (cyrillic,)
                pieces.append(choices)
                k += len(latin)
                break
        else:
            k += 1
    out = [""]
    for options in pieces:
        out = [done + choice for done in out for choice in options][:_MAX_SPELLINGS]
    return tuple(out)


def _loose(word: str) -> str:
    return word.lower().translate(_LOOSE)


def spelled_like(word: str, english: str) -> bool:
    """Is Cyrillic ``word`` (with any ending) close to a transliteration of ``english``?"""
    return _spelled_like(_loose(word), english.lower())


@functools.lru_cache(maxsize=100_000)
def _spelled_like(candidate: str, english: str) -> bool:
    for spelling in spellings(english):
        target = _loose(spelling)
        # A transliteration keeps the first letter and about the length: most words fail here, cheaply.
        if len(target) < 4 or candidate[:1] != target[:1] or len(candidate) < len(target) - 2:
            continue
        for cut in range(max(len(target) - 1, 1), min(len(candidate), len(target) + 3) + 1):
            matcher = difflib.SequenceMatcher(None, candidate[:cut], target)
            if matcher.real_quick_ratio() >= TRANSLIT_SIMILARITY and matcher.ratio() >= TRANSLIT_SIMILARITY:
                return True
    return False


def _transliterations(
    entry: GlossaryEntry, target: TargetTerm, text_words: Sequence[Word], located: Sequence[Located], lang: str
) -> list[Located]:
    """The English term or a variant spelled in Cyrillic, word by word or as one hyphenated word («майора-генерала»)."""
    taken = [(loc.start, loc.end) for loc in located]
    found = []
    for form in entry.forms:
        keys = [w.text for w in words(form) if w.text.lower() not in _ENGLISH_FUNCTION_WORDS and _LATIN.search(w.text)]
        if not keys:
            continue
        names = [key for key in keys if key[:1].isupper()]
        approved_words = [w.text for w in words(target.term)]
        if entry.domain == "places" and not all(any(spelled_like(w, name) for w in approved_words) for name in names):
            # A place whose name is translated (Грузия for Georgia) may have a transliterated namesake (Джорджия).
            continue
        for i, word in enumerate(text_words):
            # A known word may be the term spelled in Cyrillic only where the sense is certain («компанія» for a
            # rifle company: the entry's `only` context matched) or the English was several words («майор-генерал»).
            trusted = bool(entry.context.only) or len(keys) > 1
            if not _CYRILLIC.match(word.text) or not (trusted or _could_be_spelled_name(word.text, lang)):
                continue
            parts = word.text.split("-")
            if len(keys) > 1 and len(parts) == len(keys) and all(spelled_like(p, k) for p, k in zip(parts, keys, strict=True)):
                window = (i, i + 1)
            elif i + len(keys) <= len(text_words) and all(
                _CYRILLIC.match(text_words[i + k].text) and spelled_like(text_words[i + k].text, key)
                for k, key in enumerate(keys)
            ):
                window = (i, i + len(keys))
            else:
                continue
            if not any(window[0] < e and s < window[1] for s, e in taken):
                found.append(Located(window[0], window[1], Evidence.TRANSLIT, form, (lang,)))
                taken.append(window)
    return found


@functools.lru_cache(maxsize=100_000)
def _could_be_spelled_name(word: str, lang: str) -> bool:
    """A word the dictionary does not know, or a capitalised noun; never an adjective made from a name («московский»)."""
    if common_parses(word, lang, MODIFIERS) and is_known(word, lang):
        return False
    return not is_known(word, lang) or (word[:1].isupper() and bool(common_parses(word, lang, NOUNS)))


def _spellings(target: TargetTerm, text_words: Sequence[Word], located: Sequence[Located], lang: str) -> list[Located]:
    """A word that is an approved one-word rendering written with a hyphen inside («Про-кремлевские»)."""
    taken = [(loc.start, loc.end) for loc in located]
    found = []
    for rendering in (target.term, *target.alternatives):
        parts = words(rendering)
        if len(parts) != 1 or "-" in rendering:
            continue
        keys = lemmas(parts[0].text, lang)
        for i, word in enumerate(text_words):
            if (
                "-" in word.text
                and lemmas(word.text.replace("-", ""), lang) & keys
                and not any(i < e and s > i for s, e in taken)
            ):
                found.append(Located(i, i + 1, Evidence.SPELLING, rendering, (lang,)))
                taken.append((i, i + 1))
    return found


# --- calques ----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Vocabulary:
    """The lemmas of an entry's renderings in one language: approved ones, and all (avoided included)."""

    approved: frozenset[str]
    all: frozenset[str]
    roots: frozenset[str]  # known words inside one-word approved renderings: «гвардия» in «Росгвардия»
    heads: frozenset[str]  # the head words of every rendering, approved or avoided (what a calque may be headed by)


@functools.lru_cache(maxsize=4096)
def vocabulary(target: TargetTerm, lang: str) -> Vocabulary:
    """Content-word lemmas of the entry's renderings, for recognising calques of them."""
    function_words = FUNCTION_WORDS.get(lang, set())

    def lemma_set(phrases: Sequence[str], analysis: str) -> set[str]:
        out: set[str] = set()
        for phrase in phrases:
            for word in words(phrase):
                if fold(word.text) not in function_words and len(word.text) > 2 and not word.text.isdigit():
                    out |= {fold(p.normal_form) for p in common_parses(word.text, analysis)} or {fold(word.text)}
        return out

    approved = lemma_set((target.term, *target.alternatives), lang)
    avoided = lemma_set(target.avoid, lang)
    roots: set[str] = set()
    for rendering in (target.term, *target.alternatives):
        parts = words(rendering)
        if len(parts) == 1 and len(parts[0].text) >= STEM_LETTERS + 2 and not parts[0].text.isupper():
            lemma = next(iter(lemmas(parts[0].text, lang)))
            for cut in range(2, len(lemma) - 4):
                if is_known(lemma[cut:], lang) and fold(lemma[cut:]) not in function_words:
                    roots.add(fold(lemma[cut:]))
                    break
    heads: set[str] = set(roots)
    for phrase in (target.term, *target.alternatives, *target.avoid):
        found = shape(phrase, lang)
        if found is not None:
            heads |= {fold(p.normal_form) for p in common_parses(found.head_word, lang)} | {fold(found.head_word)}
    return Vocabulary(frozenset(approved), frozenset(approved | avoided | roots), frozenset(roots), frozenset(heads))


def anchor(word: str, vocab: Vocabulary, lang: str) -> tuple[bool, bool]:
    """(is the word one of the entry's words, is it one of its approved words or their roots)."""
    matched = anchor_lemma(word, vocab, lang)
    return matched is not None, matched is not None and (matched in vocab.approved or matched in vocab.roots)


@functools.lru_cache(maxsize=200_000)
def anchor_lemma(word: str, vocab: Vocabulary, lang: str) -> str | None:
    """The entry's word that ``word`` is a form of, shares a stem with («контрактный» ~ «контракт»),
    or is an adjective made from («полковой» ~ «полк», «фронтовой» ~ «фронт»); None if none."""
    keys = lemmas(word, lang)
    direct = keys & vocab.all
    if direct:
        return sorted(direct)[0]
    adjective = bool(common_parses(word, lang, MODIFIERS))
    for key in keys:
        for known in sorted(vocab.all):
            shorter = min(len(key), len(known))
            common = len(_common_prefix(key, known))
            if common >= STEM_LETTERS and common * 4 >= shorter * 3:
                return known
            if adjective and len(known) >= 4 and common == len(known) and len(key) - len(known) <= 4:
                return known
    return None


def _calques(
    entry: GlossaryEntry, target: TargetTerm, text: str, text_words: Sequence[Word], located: Sequence[Located], lang: str
) -> list[Located]:
    """Noun phrases of the entry's own words that are none of its listed renderings.

    A run of such words (prepositions allowed inside) must hold a noun, must
    share a word with the approved renderings (or two with the avoided ones),
    and must not overlap a rendering already located. The approved head with
    other adjectives before it than the approved ones is a variant.
    """
    if not target.declines:
        return []
    vocab = vocabulary(target, lang)
    government = GOVERNMENT.get(lang, {})
    taken = [(loc.start, loc.end) for loc in located]
    anchors = [anchor(w.text, vocab, lang) for w in text_words]
    found: list[Located] = []
    i = 0
    while i < len(text_words):
        if not anchors[i][0] or text_words[i].text.lower() in government:
            i += 1
            continue
        j = i + 1
        while j < len(text_words):
            if anchors[j][0] and text_words[j].text.lower() not in government:
                j += 1
            elif text_words[j].text.lower() in government and j + 1 < len(text_words) and anchors[j + 1][0]:
                j += 2
            else:
                break
        window = range(i, j)
        approved_words = sum(1 for k in window if anchors[k][1])
        has_noun = any(common_parses(text_words[k].text, lang, NOUNS) for k in window)
        found_shape = shape(" ".join(text_words[k].text for k in window), lang, nominative=False)
        headed = found_shape is not None and bool(lemmas(found_shape.head_word, lang) & vocab.heads)
        only_modifiers = all(common_parses(text_words[k].text, lang, MODIFIERS) for k in window)
        overlaps = any(i < e and s < j for s, e in taken)
        if headed and has_noun and not overlaps and (approved_words or j - i >= 2) and not (only_modifiers and j - i == 1):
            start = _variant_start(target, text, text_words, i, j, taken, lang)
            evidence = Evidence.CALQUE if start == i else Evidence.VARIANT
            found.append(Located(start, j, evidence, "", (lang,)))
        i = j
    return found


def _variant_start(
    target: TargetTerm, text: str, text_words: Sequence[Word], i: int, j: int, taken: Sequence[tuple[int, int]], lang: str
) -> int:
    """Where the window starts once the adjectives standing in for the approved ones are taken in (else ``i``).

    «по другим веским причинам» for «уважительная причина»: the window «причинам»
    is the approved head without its adjective, and «веским» stands in its
    place («другим» is the MT's own, left alone).
    """
    from pipeline.phrase import Reading
    from pipeline.syntax import outer_modifiers

    approved = shape(target.term, lang, target.head, target.tail)
    if approved is None or not approved.modifiers or (approved.tail < len(approved.words) and j - i > 1):
        return i
    head_keys = lemmas(approved.head_word, lang)
    if i != j - 1 or not lemmas(text_words[i].text, lang) & head_keys:
        return i
    options = {Reading(c, n) for c in ("nomn", "gent", "datv", "accs", "ablt", "loct") for n in ("sing", "plur")}
    before = outer_modifiers(text_words, i, text, options, lang)
    wanted = len(approved.modifiers)
    if before < wanted:
        return i  # fewer adjectives than the approved term has: a shortening, or a name («Московский суд»)
    start = i - wanted
    if any(start < e and s < i for s, e in taken):
        return i
    if any(
        w.text[:1].isupper() and k and not text[: w.start].rstrip().endswith((".", "!", "?"))
        for k, w in enumerate(text_words[start:i], start)
    ):
        return i  # a capitalised adjective is a name («Московский»), not a stand-in
    approved_keys = set().union(*(lemmas(approved.words[k].text, lang) for k in approved.modifiers))
    if any(lemmas(w.text, lang) & approved_keys for w in text_words[start:i]):
        return i  # one of the approved adjectives is there: a shortening, not a stand-in
    return start


def _without_nested(found: list[Located]) -> list[Located]:
    """Drop a window inside a longer one of the same evidence (an avoid item inside a longer avoid item)."""
    out = []
    for loc in found:
        if any(
            other is not loc
            and other.evidence == loc.evidence
            and other.start <= loc.start
            and loc.end <= other.end
            and (other.end - other.start) > (loc.end - loc.start)
            for other in found
        ):
            continue
        if loc not in out:
            out.append(loc)
    return out
