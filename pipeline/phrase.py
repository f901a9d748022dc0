"""Phrase grammar for Russian and Ukrainian noun phrases: structure, readings, forms.

A term such as «гарнизонный военный суд» is a head noun («суд») with
agreeing modifiers before it and, optionally, a fixed tail after it that
never changes («по контракту», «России»). ``shape`` finds that structure
(from the glossary's `head`/`tail` or by inference), ``readings`` tells in
which case and number a phrase of a text can be, and ``inflect`` produces
a term in a reading and checks that the result parses back as one
agreeing phrase in it. The words around a phrase are ``syntax``'s.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass

from pipeline.morphology import (
    CASES,
    MODIFIERS,
    NAME_GRAMMEMES,
    NOUNS,
    Word,
    case_of,
    common_parses,
    dictionary_parse,
    gender_of,
    inflect_word,
    is_known,
    lemmas,
    match_case,
    number_of,
    parses,
    words,
)

# Cases a preposition can govern (the word right before the phrase).

GOVERNMENT = {
    "ru": {
        "в": {"accs", "loct"}, "во": {"accs", "loct"}, "на": {"accs", "loct"}, "о": {"loct"},
        "об": {"loct"}, "обо": {"loct"}, "при": {"loct"}, "из": {"gent"}, "от": {"gent"}, "у": {"gent"},
        "для": {"gent"}, "без": {"gent"}, "до": {"gent"}, "после": {"gent"}, "около": {"gent"}, "против": {"gent"},
        "среди": {"gent"}, "из-за": {"gent"}, "из-под": {"gent"}, "вокруг": {"gent"}, "со": {"ablt", "gent"},
        "с": {"ablt", "gent"}, "к": {"datv"}, "ко": {"datv"}, "по": {"datv", "loct", "accs"}, "благодаря": {"datv"},
        "согласно": {"datv"}, "вопреки": {"datv"}, "под": {"ablt", "accs"}, "над": {"ablt"}, "между": {"ablt"},
        "перед": {"ablt"}, "за": {"ablt", "accs"}, "через": {"accs"}, "про": {"accs"}, "сквозь": {"accs"},
        "вне": {"gent"}, "кроме": {"gent"}, "мимо": {"gent"}, "ради": {"gent"}, "вместо": {"gent"},
        "внутри": {"gent"}, "возле": {"gent"},
    },
    "uk": {
        "в": {"accs", "loct"}, "у": {"accs", "loct", "gent"}, "на": {"accs", "loct"}, "при": {"loct"},
        "по": {"loct", "datv", "accs"}, "з": {"gent", "ablt", "accs"}, "із": {"gent", "ablt"}, "зі": {"gent", "ablt"},
        "від": {"gent"}, "для": {"gent"}, "без": {"gent"}, "до": {"gent"}, "після": {"gent"}, "біля": {"gent"},
        "проти": {"gent"}, "серед": {"gent"}, "навколо": {"gent"}, "з-під": {"gent"}, "через": {"accs"},
        "про": {"accs"}, "крізь": {"accs"}, "під": {"ablt", "accs"}, "над": {"ablt"}, "між": {"ablt"},
        "перед": {"ablt"}, "за": {"ablt", "accs"}, "завдяки": {"datv"}, "всупереч": {"datv"}, "згідно": {"ablt"},
        "поза": {"ablt"}, "крім": {"gent"}, "замість": {"gent"}, "щодо": {"gent"}, "всередині": {"gent"},
        "з-за": {"gent"}, "внаслідок": {"gent"}, "заради": {"gent"}, "коло": {"gent"}, "повз": {"accs"},
    },
}  # fmt: skip

# Words after which a noun is counted, and the forms they take.


@dataclass(frozen=True, slots=True)
class Reading:
    """A grammatical reading of a noun phrase: case, number and, for a singular head, its gender."""

    case: str
    number: str
    gender: str = ""
    # Counted by 2, 3, 4 in Russian («22 солдата»): a noun in the genitive singular, its adjectives in the
    # genitive plural («два гарнизонных суда»), a noun declined like an adjective too («22 военнослужащих»).
    paucal: bool = False

    @property
    def form(self) -> tuple[str, str]:
        return self.case, self.number


@dataclass(frozen=True, slots=True)
class Shape:
    """The structure of a phrase: its words, which one is the head, where the fixed tail starts.

    ``modifiers`` are the words before the head that agree with it; other
    words before it (a number, a name in quotes) do not change.
    """

    text: str
    words: tuple[Word, ...]
    head: int
    tail: int
    modifiers: tuple[int, ...]
    head_is_adjective: bool  # a substantivized adjective or participle («погибший», «мобилизованный»)

    @property
    def head_word(self) -> str:
        return self.words[self.head].text


def prepositions(lang: str) -> dict[str, set[str]]:
    return GOVERNMENT.get(lang, {})


def has_pos(word: str, lang: str, pos: tuple[str, ...], cases: tuple[str | None, ...] | None = None) -> bool:
    return any(cases is None or (case_of(p.tag) or None) in cases for p in common_parses(word, lang, pos))


@functools.lru_cache(maxsize=20_000)
def shape(phrase: str, lang: str, head: str | None = None, tail: str | None = None, nominative: bool = True) -> Shape | None:
    """The structure of ``phrase``; ``head``/``tail`` as the glossary gives them, else inferred.

    Inference follows the Russian and Ukrainian noun phrase: adjectives
    before the head, complements after it. The tail starts at the first
    preposition (not the first word) or right after the head; the head is
    the first word before it that can only be a noun («суд» in «гарнизонный
    военный суд», not «военный», which is also a noun), else the last word
    that can be a noun («мобилизованный военнослужащий»), else the last word
    read as an adjective used as a noun («погибший»). ``nominative`` asks
    for a dictionary-form phrase (a glossary term); a phrase of a text may
    be in any case.
    """
    found = tuple(words(phrase))
    if not found:
        return None
    texts = [w.text for w in found]
    if tail and phrase.endswith(tail) and len(tail) < len(phrase):
        tail_start = len(phrase) - len(tail)
        tail_index = next((i for i, w in enumerate(found) if w.start >= tail_start), len(found))
    else:
        tail_index = next((i for i, t in enumerate(texts) if i and t.lower() in prepositions(lang)), len(found))
    cases: tuple[str | None, ...] | None = ("nomn", None) if nominative else None
    if head is not None and head in texts[:tail_index]:
        head_index = texts.index(head)
    else:
        core = range(tail_index)

        def noun(i: int) -> bool:
            # A surname reading does not make an adjective a noun («Московский»).
            found = [
                p
                for p in parses(texts[i].lower(), lang)
                if p.tag.POS in NOUNS and (cases is None or (case_of(p.tag) or None) in cases)
            ]
            return any(not (NAME_GRAMMEMES & set(p.tag.grammemes)) for p in found) or (
                bool(found) and not has_pos(texts[i], lang, MODIFIERS)
            )

        nouns = [i for i in core if noun(i)]

        def modifies_next(i: int) -> bool:
            # «военный» before «суд» is an adjective; «военнослужащий» before «Росгвардии» is the head.
            following = head_readings(texts[i + 1], None, lang, True) if i + 1 < len(texts) else set()
            return bool(following and agree(following, modifier_options(texts[i], None, lang)))

        heads = [i for i in nouns if not modifies_next(i)]
        if heads:
            head_index = heads[0]
        elif nouns:
            head_index = nouns[-1]
        else:
            head_index = tail_index - 1 if tail_index else 0
    modifiers = [i for i in range(head_index) if has_pos(texts[i], lang, MODIFIERS)]
    if not tail or not phrase.endswith(tail):
        tail_index = head_index + 1
        # Adjectives after the head that agree with it («отряд мобильный особого назначения») decline too.
        head_options = head_readings(texts[head_index], None, lang, True) if nominative else set()
        while tail_index < len(texts) and nominative:
            after = {r for r in modifier_options(texts[tail_index], None, lang) if r.case == "nomn"}
            if not after or not agree(head_options, after):
                break
            modifiers.append(tail_index)
            tail_index += 1
    head_text = texts[head_index]
    adjectival = not has_pos(head_text, lang, NOUNS) or (
        has_pos(head_text, lang, MODIFIERS) and not any(_noun_lexeme_only(p) for p in common_parses(head_text, lang, NOUNS))
    )
    return Shape(phrase, found, head_index, tail_index, tuple(modifiers), adjectival)


def _noun_lexeme_only(parse: object) -> bool:
    """A noun that declines as a noun: one gender throughout (суд), not an adjective's three (uk «загиблий»)."""
    tag = parse.tag  # type: ignore[attr-defined]
    if tag.POS != "NOUN" or "Subx" in tag.grammemes or "Adjx" in tag.grammemes:
        return False
    genders = {gender_of(form.tag) for form in parse.lexeme if "plur" not in form.tag}  # type: ignore[attr-defined]
    return len(genders - {""}) <= 1


# --- readings -----------------------------------------------------------------


# Case endings of nouns the dictionary does not know (a transliteration, a misspelt name), for the two
# commonest declensions; the dictionary's own guesses for such words are unreliable («Харкива» as a
# feminine nominative). Context then picks among them.


_GUESSED_ENDINGS: dict[str, dict[str, tuple[tuple[str, str], ...]]] = {
    "ru": {
        "": (("nomn", "sing"), ("accs", "sing")),
        "а": (("gent", "sing"), ("nomn", "sing")), "я": (("gent", "sing"), ("nomn", "sing")),
        "у": (("datv", "sing"), ("accs", "sing")), "ю": (("datv", "sing"), ("accs", "sing")),
        "ом": (("ablt", "sing"),), "ем": (("ablt", "sing"),),
        "ой": (("ablt", "sing"), ("gent", "sing"), ("datv", "sing"), ("loct", "sing")),
        "е": (("loct", "sing"), ("datv", "sing")), "и": (("gent", "sing"), ("nomn", "plur"), ("loct", "sing")),
        "ы": (("gent", "sing"), ("nomn", "plur")), "ов": (("gent", "plur"),), "ев": (("gent", "plur"),),
        "ам": (("datv", "plur"),), "ами": (("ablt", "plur"),), "ах": (("loct", "plur"),),
    },
    "uk": {
        "": (("nomn", "sing"), ("accs", "sing")),
        "а": (("gent", "sing"), ("nomn", "sing")), "я": (("gent", "sing"), ("nomn", "sing")),
        "у": (("datv", "sing"), ("loct", "sing"), ("gent", "sing"), ("accs", "sing")),
        "ові": (("datv", "sing"), ("loct", "sing")),
        "ом": (("ablt", "sing"),), "ою": (("ablt", "sing"),), "і": (("loct", "sing"), ("datv", "sing"), ("nomn", "plur")),
        "и": (("gent", "sing"), ("nomn", "plur")), "ів": (("gent", "plur"),), "ам": (("datv", "plur"),),
        "ю": (("accs", "sing"), ("datv", "sing")), "ї": (("gent", "sing"), ("datv", "sing"), ("loct", "sing")),
        "єю": (("ablt", "sing"),), "ію": (("accs", "sing"),),
        "ами": (("ablt", "plur"),), "ах": (("loct", "plur"),),
    },
}  # fmt: skip


def guessed_readings(word: str, lang: str) -> set[Reading]:
    """Readings of a word the dictionary does not know, by its ending alone."""
    if is_known(word, lang) or not word[-1:].isalpha():
        return set()
    if word.isupper() and len(word) > 1:
        return {Reading(case, "sing") for case in CASES}  # an unknown acronym (ТЦК) does not decline
    lower = word.lower()
    endings = _GUESSED_ENDINGS.get(lang, {})
    for cut in (3, 2, 1):
        if len(lower) > cut + 2 and lower[-cut:] in endings:
            return {Reading(case, number) for case, number in endings[lower[-cut:]]}
    if lower[-1] in "аеиоуыэюяіїє":
        return {Reading(case, "sing") for case in CASES}  # an undeclined name («в Зорино»): any case
    return {Reading(case, number) for case, number in endings.get("", ())}


def head_readings(word: str, lemma_keys: frozenset[str] | None, lang: str, adjectival: bool) -> set[Reading]:
    """Readings of a head word: as a noun (its own gender), or as an adjective used as a noun."""
    out: set[Reading] = guessed_readings(word, lang)
    pos = (*NOUNS, *MODIFIERS) if adjectival else NOUNS
    found = common_parses(word, lang, pos, lemma_keys)
    genitive = {number_of(p.tag) for p in found if case_of(p.tag) == "gent"}
    for parse in found:
        if case_of(parse.tag) not in CASES:
            continue
        number = number_of(parse.tag)
        if (
            case_of(parse.tag) == "accs"
            and "anim" in parse.tag.grammemes
            and (number == "plur" or gender_of(parse.tag) == "masc")
            and number not in genitive
        ):
            continue  # the accusative of a person is the genitive form; «строковики» is not one (uk lists it anyway)
        gender = gender_of(parse.tag) if number == "sing" else ""
        out.add(Reading(case_of(parse.tag), number, gender))
    return out


def modifier_options(word: str, lemma_keys: frozenset[str] | None, lang: str) -> set[Reading]:
    out: set[Reading] = set()
    for parse in common_parses(word, lang, MODIFIERS, lemma_keys):
        if case_of(parse.tag) not in CASES:
            continue
        number = number_of(parse.tag)
        out.add(Reading(case_of(parse.tag), number, gender_of(parse.tag) if number == "sing" else ""))
    return out


def agree(head: set[Reading], modifier: set[Reading]) -> set[Reading]:
    """Head readings that a modifier's readings agree with (gender only where both know it)."""
    return {h for h in head if any(m.form == h.form and (not h.gender or not m.gender or m.gender == h.gender) for m in modifier)}


def readings(shape_: Shape, text_words: Sequence[Word], lang: str, lemma_phrase: Shape | None = None) -> set[Reading]:
    """The readings of ``text_words`` as the phrase ``shape_`` describes, its modifiers agreeing with its head.

    ``lemma_phrase`` is the glossary phrase the text was matched against
    (word by word): its words name the lexemes to read the text's words as.
    Without it the text's words are read as whatever they may be.
    """
    if len(text_words) != len(shape_.words):
        return set()

    def keys(i: int) -> frozenset[str] | None:
        return lemmas(lemma_phrase.words[i].text, lang) if lemma_phrase is not None else None

    head_text = text_words[shape_.head].text
    found = head_readings(head_text, keys(shape_.head), lang, shape_.head_is_adjective)
    if not found and head_text.isupper() and len(head_text) > 1:
        # An unknown acronym (ТЦК) does not decline: any case, singular; context decides.
        found = {Reading(case, "sing") for case in CASES}
    modifier_readings = [
        options for index in shape_.modifiers if (options := modifier_options(text_words[index].text, keys(index), lang))
    ]
    if not found and modifier_readings:
        # An unknown head (a loanword, a misspelling: «іск»): the adjectives still show the case.
        found = set.intersection(*modifier_readings)
    if not found and head_text[:1].isupper() and not common_parses(head_text, lang, (*NOUNS, *MODIFIERS)):
        found = {Reading(case, "sing") for case in CASES}  # a name written as it is («у Зорино»): context decides
    for options in modifier_readings:
        found = agree(found, options)
    return found


def is_agreeing_phrase(phrase: str, shape_: Shape, reading: Reading, lang: str) -> bool:
    """Does ``phrase`` (a form of ``shape_``'s phrase) parse as one agreeing phrase in ``reading``?"""
    found = words(phrase)
    if len(found) != len(shape_.words):
        return False
    return any(r.form == reading.form for r in readings(shape_, found, lang))


# --- inflection ---------------------------------------------------------------


def _head_parse(shape_: Shape, lang: str) -> object | None:
    word = shape_.head_word
    if shape_.head_is_adjective:
        return dictionary_parse(word, lang, MODIFIERS) or dictionary_parse(word, lang, NOUNS)
    return dictionary_parse(word, lang, NOUNS)


def head_gender(shape_: Shape, lang: str) -> str:
    """The gender of the phrase's head in the singular; "" for adjectival heads, whose gender follows the referent."""
    if shape_.head_is_adjective:
        return ""
    parse = _head_parse(shape_, lang)
    return gender_of(parse.tag) if parse is not None else ""  # type: ignore[attr-defined]


def head_animate(shape_: Shape, lang: str) -> bool | None:
    """Is the head a person (or animal)? From its noun readings; None when the dictionary does not say."""
    for pos in (NOUNS, MODIFIERS):
        for parse in common_parses(shape_.head_word, lang, pos):
            grammemes = parse.tag.grammemes
            if pos == MODIFIERS and case_of(parse.tag) == "accs":
                continue  # an adjective's accusative carries the animacy of whatever it agrees with
            if "anim" in grammemes:
                return True
            if "inan" in grammemes:
                return False
    return None


def inflect(shape_: Shape, reading: Reading, lang: str, gender: str = "", animate: bool | None = None) -> str | None:
    """The phrase in ``reading`` (head, agreeing modifiers), its tail unchanged; None when unsure.

    ``gender`` sets the gender of an adjectival head in the singular
    («погибшая»); a noun head keeps its own. ``animate`` says whether the
    phrase names a person, when the dictionary does not (the phrase it
    replaces does). The result is parsed back and must read as one
    agreeing phrase in ``reading``.
    """
    head = _head_parse(shape_, lang)
    if head is None:
        return None
    if reading.paucal:
        return _inflect_paucal(shape_, head, lang)
    tag = head.tag  # type: ignore[attr-defined]
    own_gender = "" if shape_.head_is_adjective else gender_of(tag)
    singular = reading.number == "sing"
    use_gender = (own_gender or gender or "masc") if singular else ""
    known = head_animate(shape_, lang)
    animate = known if known is not None else animate
    if animate is None and reading.case == "accs" and (reading.number == "plur" or use_gender == "masc"):
        return None  # the accusative of «передовая» or «раненый»? The dictionary does not say which.
    animacy = "anim" if animate else "inan"
    wanted = {reading.case, reading.number}
    head_wanted = set(wanted)
    if shape_.head_is_adjective:
        if use_gender:
            head_wanted.add(use_gender)
        head_wanted.add(animacy)
    else:
        if reading.case == "accs":
            head_wanted.add(animacy)
    head_form = _inflect_part(head, shape_.head_word, head_wanted, lang)
    if head_form is None:
        return None
    replacements = {shape_.head: head_form}
    for index in shape_.modifiers:
        word = shape_.words[index].text
        modifier = dictionary_parse(word, lang, MODIFIERS)
        if modifier is None:
            continue  # an invariable word (a number, a name in quotes): leave it
        modifier_wanted = set(wanted)
        if use_gender:
            modifier_wanted.add(use_gender)
        if reading.case == "accs":
            modifier_wanted.add(animacy)
        form = _inflect_part(modifier, word, modifier_wanted, lang)
        if form is None:
            return None
        replacements[index] = form
    result = _replaced(shape_, replacements)
    check = Reading(reading.case, reading.number, use_gender if singular and not shape_.head_is_adjective else "")
    if not is_agreeing_phrase(result, shape_, check, lang):
        return None
    return result


def _replaced(shape_: Shape, replacements: dict[int, str]) -> str:
    out = []
    position = 0
    for index, part in enumerate(shape_.words):
        if index in replacements:
            out.append(shape_.text[position : part.start])
            out.append(replacements[index])
            position = part.end
    out.append(shape_.text[position:])
    return "".join(out)


def declines_like_adjective(parse: object) -> bool:
    """A noun with adjective endings (военнослужащий → военнослужащего), or an adjective used as a noun."""
    tag = parse.tag  # type: ignore[attr-defined]
    if tag.POS in MODIFIERS:
        return True
    genitive = [f.word for f in parse.lexeme if "gent" in f.tag and "plur" not in f.tag]  # type: ignore[attr-defined]
    return any(word.endswith(("ого", "его")) for word in genitive)


def _inflect_paucal(shape_: Shape, head: object, lang: str) -> str | None:
    """The phrase after 2, 3, 4 in Russian: «два гарнизонных военных суда», «22 военнослужащих по контракту».

    A noun takes the genitive singular, one declined like an adjective the
    genitive plural; adjectives take the genitive plural with masculine and
    neuter nouns and the nominative plural with feminine ones («две воинские части»).
    """
    adjectival = shape_.head_is_adjective or declines_like_adjective(head)
    head_form = _inflect_part(head, shape_.head_word, {"gent", "plur" if adjectival else "sing"}, lang)
    if head_form is None:
        return None
    feminine = gender_of(head.tag) == "femn"  # type: ignore[attr-defined]
    replacements = {shape_.head: head_form}
    for index in shape_.modifiers:
        word = shape_.words[index].text
        modifier = dictionary_parse(word, lang, MODIFIERS)
        if modifier is None:
            continue
        form = _inflect_part(modifier, word, {"nomn" if feminine and not adjectival else "gent", "plur"}, lang)
        if form is None:
            return None
        replacements[index] = form
    return _replaced(shape_, replacements)


def _inflect_part(parse: object, template: str, grammemes: set[str], lang: str) -> str | None:
    """One word inflected, capitalised like ``template``.

    In a hyphenated compound the dictionary does not list, only the last
    part declines: «Telegram-канал» → «Telegram-канала», «телеграм-канала»
    (not «телеграма-канала»); listed compounds decline as listed
    («генерал-лейтенанта»).
    """
    listed = type(parse.methods_stack[0][0]).__name__ == "DictionaryAnalyzer"  # type: ignore[attr-defined]
    if "-" in template and not listed:
        first, _, last = template.rpartition("-")
        last_parse = dictionary_parse(last, lang, (*NOUNS, *MODIFIERS))
        if last_parse is None:
            return None
        tail = inflect_word(last_parse, grammemes, lang)
        return f"{first}-{match_case(last, tail)}" if tail is not None else None
    form = inflect_word(parse, grammemes, lang)
    return match_case(template, form) if form is not None else None


# --- context ------------------------------------------------------------------
