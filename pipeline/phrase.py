"""Phrase grammar for Russian and Ukrainian noun phrases: structure, readings in a text, forms.

A term such as «гарнизонный военный суд» is a head noun («суд») with
agreeing modifiers before it and, optionally, a fixed tail after it that
never changes («по контракту», «России»). ``shape`` finds that structure
(from the glossary's `head`/`tail` or by inference), ``readings`` tells in
which case and number a phrase of a text can be, ``narrow`` keeps the
readings its context allows, and ``inflect`` produces a term in a reading
and checks that the result parses back as one agreeing phrase in it.
``outside_agreement`` finds the words outside a phrase that must change
with it (a predicate, a relative pronoun, an adjective before it, the
preposition о/об or в/у) and says when that cannot be done with certainty.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from dataclasses import dataclass

from pipeline.morphology import (
    CASES,
    GENDERS,
    MODIFIERS,
    NAME_GRAMMEMES,
    NOUNS,
    Word,
    case_of,
    common_parses,
    dictionary_parse,
    fold,
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
_RU_PAUCAL_WORDS = {"два", "две", "три", "четыре", "оба", "обе", "полтора", "полторы"}
_RU_MANY_WORDS = {
    "пять", "шесть", "семь", "восемь", "девять", "десять", "одиннадцать", "двенадцать", "пятнадцать", "двадцать",
    "тридцать", "сорок", "пятьдесят", "сто", "двести", "триста", "пятьсот",
}  # fmt: skip
QUANTIFIERS = {
    "ru": {
        "несколько",
        "много",
        "немало",
        "мало",
        "сколько",
        "столько",
        "сотни",
        "тысячи",
        "десятки",
        "большинство",
        *_RU_MANY_WORDS,
    },
    "uk": {"кілька", "декілька", "багато", "чимало", "мало", "скільки", "стільки", "сотні", "тисячі", "десятки", "більшість"},
}
# A clause ends here: the predicate of a subject is looked for no further.
_CLAUSE_END = re.compile(r"[,;:.!?()«»\"“”„—–]")
_RELATIVE = {"ru": ("который",), "uk": ("який",)}
_CONJUNCTIONS = {"ru": ("и", "или", "либо"), "uk": ("і", "й", "та", "або", "чи")}
# Verbs of saying whose object right after them, when a name, is the addressee (dative).
_ADDRESSEE_VERBS = {
    "ru": {
        "рассказать", "рассказывать", "сообщить", "сообщать", "сказать", "говорить", "пояснить", "объяснить",
        "признаться", "ответить", "написать", "передать",
    },
    "uk": {
        "розповісти", "розповідати", "повідомити", "повідомляти", "сказати", "говорити", "пояснити", "зізнатися",
        "відповісти", "написати", "передати",
    },
}  # fmt: skip
# Possessives that do not decline, so they show no case of their own.
_POSSESSIVES = {"ru": ("его", "ее", "её", "их"), "uk": ("його", "її", "їх", "їхній")}
_NEGATIONS = {"ru": ("не", "ни"), "uk": ("не", "ні")}
# Letters whose name begins with a vowel sound when an acronym is read letter by letter (эль, эм, эс, эф...).
_VOWEL_NAMED_LETTERS = set("ЛМНРСФ")
_RU_VOWELS = set("аоуэиыеёяю")
_RU_FRONT_VOWELS = set("аоуэи")  # «об» before these; «о» before е ё ю я (о ёлке, о юге)


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


def _prepositions(lang: str) -> dict[str, set[str]]:
    return GOVERNMENT.get(lang, {})


def _has(word: str, lang: str, pos: tuple[str, ...], cases: tuple[str | None, ...] | None = None) -> bool:
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
        tail_index = next((i for i, t in enumerate(texts) if i and t.lower() in _prepositions(lang)), len(found))
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
                bool(found) and not _has(texts[i], lang, MODIFIERS)
            )

        nouns = [i for i in core if noun(i)]

        def modifies_next(i: int) -> bool:
            # «военный» before «суд» is an adjective; «военнослужащий» before «Росгвардии» is the head.
            following = _head_readings(texts[i + 1], None, lang, True) if i + 1 < len(texts) else set()
            return bool(following and _agree(following, _modifier_options(texts[i], None, lang)))

        heads = [i for i in nouns if not modifies_next(i)]
        if heads:
            head_index = heads[0]
        elif nouns:
            head_index = nouns[-1]
        else:
            head_index = tail_index - 1 if tail_index else 0
    modifiers = [i for i in range(head_index) if _has(texts[i], lang, MODIFIERS)]
    if not tail or not phrase.endswith(tail):
        tail_index = head_index + 1
        # Adjectives after the head that agree with it («отряд мобильный особого назначения») decline too.
        head_readings = _head_readings(texts[head_index], None, lang, True) if nominative else set()
        while tail_index < len(texts) and nominative:
            after = {r for r in _modifier_options(texts[tail_index], None, lang) if r.case == "nomn"}
            if not after or not _agree(head_readings, after):
                break
            modifiers.append(tail_index)
            tail_index += 1
    head_text = texts[head_index]
    adjectival = not _has(head_text, lang, NOUNS) or (
        _has(head_text, lang, MODIFIERS) and not any(_noun_lexeme_only(p) for p in common_parses(head_text, lang, NOUNS))
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


def _head_readings(word: str, lemma_keys: frozenset[str] | None, lang: str, adjectival: bool) -> set[Reading]:
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


def _modifier_options(word: str, lemma_keys: frozenset[str] | None, lang: str) -> set[Reading]:
    out: set[Reading] = set()
    for parse in common_parses(word, lang, MODIFIERS, lemma_keys):
        if case_of(parse.tag) not in CASES:
            continue
        number = number_of(parse.tag)
        out.add(Reading(case_of(parse.tag), number, gender_of(parse.tag) if number == "sing" else ""))
    return out


def _agree(head: set[Reading], modifier: set[Reading]) -> set[Reading]:
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
    found = _head_readings(head_text, keys(shape_.head), lang, shape_.head_is_adjective)
    if not found and head_text.isupper() and len(head_text) > 1:
        # An unknown acronym (ТЦК) does not decline: any case, singular; context decides.
        found = {Reading(case, "sing") for case in CASES}
    modifier_readings = [
        options for index in shape_.modifiers if (options := _modifier_options(text_words[index].text, keys(index), lang))
    ]
    if not found and modifier_readings:
        # An unknown head (a loanword, a misspelling: «іск»): the adjectives still show the case.
        found = set.intersection(*modifier_readings)
    if not found and head_text[:1].isupper() and not common_parses(head_text, lang, (*NOUNS, *MODIFIERS)):
        found = {Reading(case, "sing") for case in CASES}  # a name written as it is («у Зорино»): context decides
    for options in modifier_readings:
        found = _agree(found, options)
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


def counted_forms(word: str, lang: str) -> set[tuple[str, str]]:
    """The (case, number) a counted noun takes after ``word``: «500 солдат», «2 солдата», «3 солдати»."""
    if word.isdigit():
        value = int(word)
        if value % 10 == 1 and value % 100 != 11:
            return {("nomn", "sing"), ("accs", "sing")}
        if 2 <= value % 10 <= 4 and not 12 <= value % 100 <= 14:
            return {("gent", "sing")} if lang == "ru" else {("nomn", "plur"), ("accs", "plur")}
        return {("gent", "plur")}
    if lang == "ru" and word.lower() in _RU_PAUCAL_WORDS:
        return {("gent", "sing")}
    if word.lower() in QUANTIFIERS.get(lang, set()):
        return {("gent", "plur")}
    return set()


def is_paucal(word: str, lang: str) -> bool:
    """Does ``word`` count by 2, 3 or 4 in Russian (the genitive singular of nouns, the plural of adjectives)?"""
    return lang == "ru" and counted_forms(word, lang) == {("gent", "sing")}


def _adjacent(text: str, left: Word, right: Word) -> bool:
    return not text[left.end : right.start].strip()


def outer_modifiers(text_words: Sequence[Word], start: int, text: str, options: set[Reading], lang: str) -> int:
    """How many words right before ``start`` agree with the phrase from outside it («российские военнослужащие»)."""
    j = start
    government = _prepositions(lang)
    while j > 0 and _adjacent(text, text_words[j - 1], text_words[j]):
        word = text_words[j - 1].text
        if word.lower() in government:
            break
        agreeing = _agree(options, _modifier_options(word, None, lang))
        if not agreeing:
            break
        options = agreeing
        j -= 1
    return start - j


def narrow(options: set[Reading], text_words: Sequence[Word], start: int, end: int, text: str, lang: str) -> set[Reading]:
    """Keep the readings the words around the phrase allow.

    Strong evidence only: a preposition governs its cases; the prepositional
    (locative) case needs a preposition; a numeral fixes the form of what
    it counts; adjectives before the phrase agree with it; a noun right
    before a noun phrase takes it in the genitive («командир батальона»); a
    transitive verb takes its object in the accusative, or the genitive
    when negated; a phrase opening a clause whose predicate agrees with it
    is its subject.
    """
    if not options:
        return options
    government = _prepositions(lang)
    outside = outer_modifiers(text_words, start, text, options, lang)
    if outside:
        for k in range(start - outside, start):
            options = _agree(options, _modifier_options(text_words[k].text, None, lang)) or options
    first = start - outside
    previous = text_words[first - 1] if first > 0 and _adjacent(text, text_words[first - 1], text_words[first]) else None
    if previous is not None and previous.text.lower() in _POSSESSIVES.get(lang, ()) and first > 1:
        # «у його військовому білеті»: the preposition governs across an invariable possessive.
        before_possessive = text_words[first - 2]
        if before_possessive.text.lower() in government and _adjacent(text, before_possessive, previous):
            previous = before_possessive
    governed = government.get(previous.text.lower()) if previous is not None else None
    if governed:
        return {o for o in options if o.case in governed}
    if previous is not None and previous.text.lower() in _CONJUNCTIONS.get(lang, ()) and first > 1:
        # Coordinated phrases share their case: «в дезертирстве и предательстве».
        conjunct = text_words[first - 2]
        cases = {case_of(p.tag) for p in common_parses(conjunct.text, lang, (*NOUNS, *MODIFIERS))} - {""}
        shared = {o for o in options if o.case in cases}
        if shared and _adjacent(text, conjunct, previous):
            return shared
    options = {o for o in options if o.case != "loct"}
    if previous is not None:
        counted = counted_forms(previous.text, lang)
        if counted:
            paucal = is_paucal(previous.text, lang)
            return {Reading(o.case, o.number, o.gender, paucal) for o in options if o.form in counted}
        verbs = common_parses(previous.text, lang, ("VERB", "INFN"))
        addressed = {fold(v.normal_form) for v in verbs} & _ADDRESSEE_VERBS.get(lang, set())
        if addressed and not text_words[start].text[:1].islower():
            # Told or wrote *to* a name («рассказали „Медузе“»): the addressee of a verb of saying.
            return {o for o in options if o.case == "datv"} or options
        if verbs and not _has(previous.text, lang, NOUNS):
            negated = first > 1 and text_words[first - 2].text.lower() in _NEGATIONS.get(lang, ())
            if negated:
                genitive = {o for o in options if o.case == "gent"}
                return genitive or options
            # A subject after its verb agrees with it; a nominative the verb does not agree with is no subject.
            finite = [v for v in verbs if v.tag.POS == "VERB"]
            if finite:
                options = {o for o in options if o.case != "nomn" or any(_verb_agrees(v, o) for v in finite)} or options
            # A transitive verb's object is in the accusative: decides only between the forms a noun phrase
            # shares with it (nominative, genitive); a bare name in Latin letters may still be a dative.
            if any("tran" in v.tag.grammemes for v in verbs) and {o.case for o in options} <= {"nomn", "accs", "gent"}:
                objects = {o for o in options if o.case == "accs"}
                return objects or options
            return options
        if _has(previous.text, lang, NOUNS) and not _has(previous.text, lang, MODIFIERS):
            genitive = {o for o in options if o.case == "gent"}
            if genitive:
                return genitive
    before = text[: text_words[first].start].rstrip()
    opens_clause = not before or before[-1] in '.!?:;—«"(“„'
    subject = {o for o in options if o.case == "nomn"}
    # After a comma only an agreeing predicate makes it a subject («Согласно приказу, нарушение было совершено»).
    certain_subject = opens_clause and len(subject) == len(options)
    if (
        subject
        and (opens_clause or before[-1:] == ",")
        and (certain_subject or predicate_agrees(text_words, end, text, subject, lang))
    ):
        return subject
    return options


def _verb_agrees(verb: object, subject: Reading) -> bool:
    """Could ``verb`` (a finite form) have ``subject`` as its subject? Past tense by number and gender, else by number."""
    tag = verb.tag  # type: ignore[attr-defined]
    if number_of(tag) != subject.number:
        return False
    if "past" in tag.grammemes and subject.number == "sing" and subject.gender and gender_of(tag):
        return gender_of(tag) == subject.gender
    person = str(tag.person) if tag.person else ""
    return person in ("", "3per")


def predicate_agrees(text_words: Sequence[Word], end: int, text: str, subjects: set[Reading], lang: str) -> bool:
    """Is there a finite verb or short adjective after the phrase, in its clause, that agrees with it as a subject?"""
    return bool(_predicates(text_words, end, text, subjects, lang))


def _predicates(text_words: Sequence[Word], end: int, text: str, subjects: set[Reading], lang: str) -> list[int]:
    """Word indexes of the predicate forms after ``end`` in the same clause that agree with a subject reading."""
    found = []
    k = end
    while k < len(text_words):
        gap = text[text_words[k - 1].end : text_words[k].start]
        if k == end:
            gap = gap.lstrip('»“”"')  # the quotation marks closing the phrase itself («„Пост“ проверил»)
        if _CLAUSE_END.search(gap):
            # A relative clause between subject and predicate («Службовці, які підписали контракт, не можуть»).
            if "," in gap and k == end and _is_relative(text_words[k].text, lang):
                close = next(
                    (m for m in range(k + 1, len(text_words)) if "," in text[text_words[m - 1].end : text_words[m].start]), None
                )
                if close is None:
                    break
                k = close
                continue
            break
        for parse in common_parses(text_words[k].text, lang, ("VERB", "PRTS", "ADJS")):
            if "past" not in parse.tag.grammemes and parse.tag.POS == "VERB":
                continue
            number = number_of(parse.tag)
            gender = gender_of(parse.tag)
            if any(s.number == number and (number == "plur" or not s.gender or s.gender == gender) for s in subjects):
                found.append(k)
                break
        k += 1
    return found


def _is_relative(word: str, lang: str) -> bool:
    return any(r in lemmas(word, lang) for r in _RELATIVE.get(lang, ()))


# --- agreement outside the phrase -------------------------------------------------


@dataclass(frozen=True, slots=True)
class WordChange:
    """A word outside the replaced phrase that changes with it."""

    index: int
    new: str


def outside_agreement(
    text_words: Sequence[Word],
    start: int,
    end: int,
    text: str,
    old: Reading,
    new_gender: str,
    new_first_word: str,
    lang: str,
    new_animate: bool | None = None,
    new_number: str = "",
) -> tuple[list[WordChange], str]:
    """Words outside [start, end) that must change when the phrase gets ``new_gender``; or (…, why it cannot be certain).

    Gender matters in the singular only. A subject's predicate forms in
    its clause, a relative pronoun right after it and agreeing words right
    before it are re-inflected; a subject followed by a comma (an apposition
    or a relative clause before its predicate) cannot be followed safely.
    The preposition before the phrase is adjusted to the new first word
    (о/об, в/у) when the rule is certain.
    """
    changes: list[WordChange] = []
    if old.case == "nomn" and old.number == "sing" and not old.gender and new_gender:
        # The old words showed no gender (a Latin leftover, an acronym): the predicate shows the one the MT gave it.
        shown = _predicate_genders(text_words, start, end, text, lang)
        if len(shown) > 1:
            return [], "its predicates disagree in gender"
        if shown:
            old = Reading(old.case, old.number, shown.pop())
    outside = outer_modifiers(text_words, start, text, {old}, lang) if old.gender else 0
    if new_number == "plur" and old.number == "sing":
        # A plural term for a singular rendering («военные учения» for «военная тренировка»): agree in the plural.
        new_gender = "plur"
    if old.number == "sing" and old.gender and new_gender and old.gender != new_gender:
        for k in range(start - outside, start):
            form = _regender(text_words[k].text, old, new_gender, lang, MODIFIERS, animate=new_animate)
            if form is None:
                return [], f"«{text_words[k].text}» before it would have to change gender"
            changes.append(WordChange(k, form))
        if end < len(text_words):
            gap = text[text_words[end - 1].end : text_words[end].start]
            relative = next((r for r in _RELATIVE.get(lang, ()) if r in lemmas(text_words[end].text, lang)), None)
            if "," in gap and relative:
                form = _regender(text_words[end].text, old, new_gender, lang, ("ADJF", "NPRO"), keep_case=True)
                if form is None:
                    return [], "the relative pronoun after it would have to change gender"
                changes.append(WordChange(end, form))
        if old.case == "nomn":
            after = text[text_words[end - 1].end :].lstrip()
            if after.startswith((",", "—", "–", "(")):
                return [], "it has another gender, and the predicate after the inserted clause would have to agree"
            predicates = [
                *_predicates(text_words, end, text, {old}, lang),
                *_predicates_before(text_words, start - outside, text, old, lang),
            ]
            loose = [k for k in _loose_agreeing_words(text_words, start - outside, end, text, old, lang) if k not in predicates]
            # An adjective right beside a predicate that changes is its complement («першою увійшла»): it changes too.
            attached = [k for k in loose if any(abs(k - p) == 1 for p in predicates)]
            if len(attached) != len(loose):
                return [], f"«{text_words[loose[0]].text}» agrees with it and would have to change gender"
            for k in predicates:
                form = _regender(text_words[k].text, old, new_gender, lang, ("VERB", "PRTS", "ADJS"))
                if form is None:
                    return [], f"the predicate «{text_words[k].text}» would have to change gender"
                changes.append(WordChange(k, form))
            for k in attached:
                form = _regender(text_words[k].text, old, new_gender, lang, ("ADJF", "PRTF"), keep_case=True)
                if form is None:
                    return [], f"«{text_words[k].text}» agrees with it and would have to change gender"
                changes.append(WordChange(k, form))
            changed = {c.index for c in changes}
            # Any other verb of the sentence in the old gender may have the same subject («заявив, що затримав»).
            stray = [k for k in _gendered_verbs(text_words, old.gender, lang) if k not in changed and not start <= k < end]
            if stray:
                return [], f"«{text_words[stray[0]].text}» later in the sentence may agree with it too"
    first = start - outside
    changed_first = next((c.new for c in changes if c.index == first), None)
    following = new_first_word if outside == 0 else changed_first
    if following is not None:
        preposition, problem = preposition_before(text_words, first, text, following, lang)
        if problem:
            return [], problem
        if preposition is not None:
            changes.append(preposition)
    return changes, ""


def _gendered_verbs(text_words: Sequence[Word], gender: str, lang: str) -> list[int]:
    """Past-tense verbs and short forms in the singular of ``gender`` anywhere in the text."""
    found = []
    for k, word in enumerate(text_words):
        if word.text.lower() in _prepositions(lang):
            continue  # «согласно» is also a short adjective
        for parse in common_parses(word.text, lang, ("VERB", "PRTS")):
            tag = parse.tag
            if (tag.POS != "VERB" or "past" in tag.grammemes) and number_of(tag) == "sing" and gender_of(tag) == gender:
                found.append(k)
                break
    return found


def _predicate_genders(text_words: Sequence[Word], start: int, end: int, text: str, lang: str) -> set[str]:
    """The genders a subject's predicate shows (after it in its clause, or right before it)."""
    subjects = {Reading("nomn", "sing", g) for g in GENDERS}
    found = set()
    for k in [*_predicates(text_words, end, text, subjects, lang), *(range(start - 1, start) if start else ())]:
        for parse in common_parses(text_words[k].text, lang, ("VERB", "PRTS", "ADJS")):
            tag = parse.tag
            if (tag.POS != "VERB" or "past" in tag.grammemes) and number_of(tag) == "sing" and gender_of(tag):
                if k < start and _CLAUSE_END.search(text[text_words[k].end : text_words[start].start]):
                    continue
                found.add(gender_of(tag))
    return found


def _loose_agreeing_words(text_words: Sequence[Word], start: int, end: int, text: str, old: Reading, lang: str) -> list[int]:
    """Adjectives of the subject's clause in its gender that belong to no noun («Первой вошла полиция»): not safe to follow."""
    clause_start = start
    while clause_start > 0 and not _CLAUSE_END.search(text[text_words[clause_start - 1].end : text_words[clause_start].start]):
        clause_start -= 1
    clause_end = end
    while clause_end < len(text_words) and not _CLAUSE_END.search(
        text[text_words[clause_end - 1].end : text_words[clause_end].start]
    ):
        clause_end += 1
    loose = []
    for k in [*range(clause_start, start), *range(end, clause_end)]:
        following = _head_readings(text_words[k + 1].text, None, lang, False) if k + 1 < len(text_words) else set()
        readings_ = {
            Reading(case_of(p.tag), number_of(p.tag), gender_of(p.tag) if number_of(p.tag) == "sing" else "")
            for p in common_parses(text_words[k].text, lang, ("ADJF", "PRTF"))
        }
        if following and _agree(following, readings_):
            continue  # it agrees with the noun after it («украинской границы», «первой роты»)
        if any(r.number == "sing" and r.gender == old.gender and r.case in ("nomn", "ablt") for r in readings_):
            loose.append(k)
    return loose


def _predicates_before(text_words: Sequence[Word], start: int, text: str, subject: Reading, lang: str) -> list[int]:
    """A predicate right before its subject («заявила Национальная гвардия»)."""
    if start == 0:
        return []
    k = start - 1
    if _CLAUSE_END.search(text[text_words[k].end : text_words[start].start]):
        return []
    for parse in common_parses(text_words[k].text, lang, ("VERB", "PRTS", "ADJS")):
        if parse.tag.POS == "VERB" and "past" not in parse.tag.grammemes:
            continue
        if number_of(parse.tag) == subject.number and gender_of(parse.tag) == subject.gender:
            return [k]
    return []


def _regender(
    word: str, old: Reading, gender: str, lang: str, pos: tuple[str, ...], keep_case: bool = False, animate: bool | None = None
) -> str | None:
    """``word`` (agreeing with ``old``) in the same form with another gender, or in the plural when ``gender`` is
    "plur"; an accusative needs to know ``animate``."""
    plural = gender == "plur"
    for parse in common_parses(word, lang, pos):
        tag = parse.tag
        if gender_of(tag) != old.gender or number_of(tag) != "sing":
            continue
        case = case_of(tag)
        if not keep_case and case and case != old.case:
            continue
        wanted = {"plur"} if plural else {gender, "sing"}
        if case:
            wanted.add(case)
        if case == "accs" and (gender == "masc" or plural):
            if animate is None:
                return None
            wanted.add("anim" if animate else "inan")
        if tag.POS == "VERB":
            if "past" not in tag.grammemes:
                return None  # a present-tense verb changes by person and number: not followed here
            wanted = {"plur", "past"} if plural else {gender, "sing", "past"}
        form = inflect_word(parse, wanted, lang)
        if form is not None:
            return match_case(word, form)
    return None


def preposition_before(
    text_words: Sequence[Word], start: int, text: str, new_first: str, lang: str
) -> tuple[WordChange | None, str]:
    """The preposition right before the phrase, changed for its new first word when a rule says so.

    Russian: «о» before a vowel is «об» (об ОМОНе), «об» before a consonant
    is «о»; «в»/«во», «с»/«со», «к»/«ко» before clusters. Ukrainian: «в»
    before в-, ф- is «у». Acronyms read letter by letter (МВД: эм-вэ-дэ)
    leave о/об undecidable: flagged rather than guessed.
    """
    if start == 0 or not _adjacent(text, text_words[start - 1], text_words[start]):
        return None, ""
    previous = text_words[start - 1].text
    lower = previous.lower()
    first = new_first[:1]
    if not first:
        return None, ""
    f = first.lower()
    second = new_first[1:2].lower()
    acronym = new_first.isupper() and len(new_first) > 1
    if lang == "ru":
        if lower in ("о", "об"):
            if acronym and first in _VOWEL_NAMED_LETTERS:
                return None, "the preposition «о»/«об» before an acronym depends on how it is read"
            wanted = "об" if f in _RU_FRONT_VOWELS else "о"
            return (WordChange(start - 1, match_case(previous, wanted)) if wanted != lower else None), ""
        if lower in ("в", "во", "с", "со", "к", "ко"):
            base = lower[0]
            clusters = {"в": "вф", "с": "сзшж", "к": "кг"}[base]
            consonant_next = bool(second) and second not in _RU_VOWELS and second.isalpha()
            if f in clusters and consonant_next:
                wanted = base + "о"
            elif lower.endswith("о") and (f not in clusters or not consonant_next):
                wanted = base
            else:
                wanted = lower
            return (WordChange(start - 1, match_case(previous, wanted)) if wanted != lower else None), ""
        return None, ""
    if lang == "uk":
        if lower == "в" and f in "вф":
            return WordChange(start - 1, match_case(previous, "у")), ""
        if lower in ("з", "із", "зі") and f in "зсцчшщж":
            return None, "the preposition з/із/зі before it may have to change"
    return None, ""
