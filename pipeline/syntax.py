"""The words around a noun phrase: the case its context allows, and what outside it must agree with it.

``narrow`` keeps the readings the context allows (a preposition, a
numeral, a verb, a noun before it, a predicate after it);
``outside_agreement`` finds the words outside a phrase that must change
with it (a predicate, a relative pronoun, an adjective before it, the
preposition о/об or в/у) and says when that cannot be done with certainty.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from pipeline.morphology import (
    CASES,
    GENDERS,
    MODIFIERS,
    NOUNS,
    Word,
    case_of,
    common_parses,
    fold,
    gender_of,
    inflect_word,
    lemmas,
    match_case,
    number_of,
    parses,
)
from pipeline.phrase import Reading, agree, has_pos, head_readings, modifier_options, prepositions

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
# Words after which «в»/«у» takes the locative of the charge: accused, suspected, guilty.


_ACCUSATION_STEMS = {
    "ru": ("обвин", "виновн", "подозрев", "заподозр", "уличи", "признан"),
    "uk": ("звинуват", "обвинуват", "винн", "підозр", "запідозр", "визнан"),
}
# Possessives that do not decline, so they show no case of their own.


_POSSESSIVES = {"ru": ("его", "ее", "её", "их"), "uk": ("його", "її", "їх", "їхній")}


# «по данным фонда», «за словами командира»: a source of information, always in the genitive.
_GENITIVE_LOCUTIONS = {
    "ru": {
        ("по", "данным"),
        ("по", "словам"),
        ("по", "мнению"),
        ("по", "оценкам"),
        ("по", "подсчетам"),
        ("по", "информации"),
        ("по", "сведениям"),
        ("со", "слов"),
        ("по", "версии"),
    },
    "uk": {
        ("за", "даними"),
        ("за", "словами"),
        ("на", "думку"),
        ("за", "оцінками"),
        ("за", "підрахунками"),
        ("за", "інформацією"),
        ("зі", "слів"),
        ("за", "версією"),
    },
}
_NEGATIONS = {"ru": ("не", "ни"), "uk": ("не", "ні")}
# Letters whose name begins with a vowel sound when an acronym is read letter by letter (эль, эм, эс, эф...).


_VOWEL_NAMED_LETTERS = set("ЛМНРСФ")


_RU_VOWELS = set("аоуэиыеёяю")
_UK_VOWELS = frozenset("аеєиіїоуюя")
_VOWELS = _RU_VOWELS | _UK_VOWELS


_RU_FRONT_VOWELS = set("аоуэи")  # «об» before these; «о» before е ё ю я (о ёлке, о юге)


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
    if lang == "ru" and word.lower() in ("двух", "трех", "трёх", "четырех", "четырёх", "обоих", "обеих"):
        return {("gent", "plur"), ("accs", "plur")}  # «двух солдат»: the genitive, or the accusative of persons
    if word.lower() in QUANTIFIERS.get(lang, set()):
        return {("gent", "plur")}
    return set()


def is_paucal(word: str, lang: str) -> bool:
    """Does ``word`` count by 2, 3 or 4 in Russian (the genitive singular of nouns, the plural of adjectives)?"""
    return lang == "ru" and counted_forms(word, lang) == {("gent", "sing")}


def _adjacent(text: str, left: Word, right: Word) -> bool:
    """Nothing but spaces (and quotation marks opening a name: рассказали «Медузе») between two words."""
    return not text[left.end : right.start].strip().strip('«„“"')


def outer_modifiers(
    text_words: Sequence[Word], start: int, text: str, options: set[Reading], lang: str, nouns_stop: bool = False
) -> int:
    """How many words right before ``start`` agree with the phrase from outside it («российские военнослужащие»)."""
    j = start
    government = prepositions(lang)
    while j > 0 and _adjacent(text, text_words[j - 1], text_words[j]):
        word = text_words[j - 1].text
        if word.lower() in government or (nouns_stop and common_parses(word, lang, NOUNS)):
            break
        agreeing = agree(options, modifier_options(word, None, lang))
        if not agreeing:
            break
        options = agreeing
        j -= 1
    return start - j


def narrow(
    options: set[Reading], text_words: Sequence[Word], start: int, end: int, text: str, lang: str, bare: bool = False
) -> set[Reading]:
    """Keep the readings the words around the phrase allow.

    Strong evidence only: a preposition governs its cases; the prepositional
    (locative) case needs a preposition; a numeral fixes the form of what
    it counts; adjectives before the phrase agree with it; a noun right
    before a noun phrase takes it in the genitive («командир батальона»); a
    transitive verb takes its object in the accusative, or the genitive
    when negated; a phrase opening a clause whose predicate agrees with it
    is its subject. ``bare``: the phrase shows no case of its own (a name in
    Latin letters): a word before it that may be a noun («Командующий VDV»)
    governs it rather than agreeing with it.
    """
    if not options:
        return options
    government = prepositions(lang)
    outside = outer_modifiers(text_words, start, text, options, lang, nouns_stop=bare)
    if outside:
        for k in range(start - outside, start):
            options = agree(options, modifier_options(text_words[k].text, None, lang)) or options
    first = start - outside
    previous = text_words[first - 1] if first > 0 and _adjacent(text, text_words[first - 1], text_words[first]) else None
    if previous is not None and previous.text.lower() in _POSSESSIVES.get(lang, ()) and first > 1:
        # «у його військовому білеті»: the preposition governs across an invariable possessive.
        before_possessive = text_words[first - 2]
        if before_possessive.text.lower() in government and _adjacent(text, before_possessive, previous):
            previous = before_possessive
    governed = government.get(previous.text.lower()) if previous is not None else None
    if governed and previous is not None and previous.text.lower() in ("в", "во", "у") and first - 1 > 0:
        # Accused, suspected or found guilty *of* something: «виновным в дезертирстве», «звинуватили в СЗЧ».
        accusing = text_words[first - 2].text.lower()
        if accusing.startswith(_ACCUSATION_STEMS.get(lang, ())):
            governed = {"loct"}
    if governed:
        return {o for o in options if o.case in governed}
    if previous is not None and first > 1:
        locution = (fold(text_words[first - 2].text.lower()), fold(previous.text.lower()))
        if locution in _GENITIVE_LOCUTIONS.get(lang, set()):
            return {o for o in options if o.case == "gent"}
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
        if any("pssv" in p.tag.grammemes for p in common_parses(previous.text, lang, ("PRTF", "PRTS"))):
            # Gathered *by* someone: the agent of a passive participle («собранные „Медиазоной“»).
            agents = {o for o in options if o.case == "ablt"}
            if agents and bare:
                return agents
        verbs = common_parses(previous.text, lang, ("VERB", "INFN"))
        addressed = {fold(v.normal_form) for v in verbs} & _ADDRESSEE_VERBS.get(lang, set())
        if addressed and not text_words[start].text[:1].islower():
            # Told or wrote *to* a name («рассказали „Медузе“»): the addressee of a verb of saying.
            return {o for o in options if o.case == "datv"} or options
        if verbs and not has_pos(previous.text, lang, NOUNS):
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
            # But a nominative the verb agrees with may be its subject, after it («Дело рассмотрел совет»):
            # only a subject of the verb's own before it makes the phrase the object.
            inverted = any(o.case == "nomn" for o in options) and not _subject_before(text_words, first - 1, text, finite, lang)
            if inverted and finite:
                return options
            if any("tran" in v.tag.grammemes for v in verbs) and {o.case for o in options} <= {"nomn", "accs", "gent"}:
                objects = {o for o in options if o.case == "accs"}
                return objects or options
            return options
        # A date or count closes its phrase: «на початок 2024 року Memorial налічував» has no genitive of «року».
        dated = first > 1 and text_words[first - 2].text[:1].isdigit()
        if has_pos(previous.text, lang, NOUNS) and not has_pos(previous.text, lang, MODIFIERS) and not dated:
            genitive = {o for o in options if o.case == "gent"}
            if genitive:
                return genitive
    before = text[: text_words[first].start].rstrip()
    opens_clause = _opens_clause(text, text_words[first])
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


_CLAUSE_MARKS = re.compile(r"[,.;:!?()«»\"“”„—–]")
_PRONOUNS = ("NPRO",)


def _subject_before(text_words: Sequence[Word], verb: int, text: str, finite: Sequence[object], lang: str) -> bool:
    """Is there a nominative before the verb at ``verb``, in its clause, that the verb agrees with?"""
    k = verb - 1
    while k >= 0 and not _CLAUSE_MARKS.search(text[text_words[k].end : text_words[k + 1].start]):
        for parse in parses(text_words[k].text, lang):  # names too: «Путин создал совет»
            tag = parse.tag
            if tag.POS in (*NOUNS, *_PRONOUNS) and case_of(tag) == "nomn":
                reading = Reading("nomn", number_of(tag), gender_of(tag) if number_of(tag) == "sing" else "")
                if any(_verb_agrees(v, reading) for v in finite):
                    return True
        k -= 1
    return False


def _opens_clause(text: str, word: Word) -> bool:
    before = text[: word.start].rstrip()
    return not before or before[-1] in '.!?:;—«"(“„'


GENDER_WORDS = {"masc": "masculine", "femn": "feminine", "neut": "neuter"}


def disagreeing_predicate(gender: str, text_words: Sequence[Word], start: int, end: int, text: str, lang: str) -> str:
    """A name of a known ``gender`` opening a clause, with a past-tense predicate of another gender or number
    after it («ФСБ заявило», «The Moscow Times дізналися»): that predicate, or ""."""
    if not gender or not _opens_clause(text, text_words[start]):
        return ""
    if predicate_agrees(text_words, end, text, {Reading("nomn", "sing", gender)}, lang, present=False):
        return ""
    others = {Reading("nomn", "sing", g) for g in GENDER_WORDS if g != gender} | {Reading("nomn", "plur")}
    found = _predicates(text_words, end, text, others, lang)
    return text_words[found[0]].text if found else ""


def place_preposition(text_words: Sequence[Word], start: int, end: int, hint: str, lang: str) -> tuple[str, bool] | None:
    """«на» before a place that takes ``hint`` (в/у: «в Україні»): the preposition it wants, and whether that is
    certain; None where there is no «на». Before a vowel euphony always wants «в» (Правопис 2019 §23); before a
    consonant в/у is the reviewer's choice. Only a locative is a place: «на Україну» may be governed by the word
    before it («напад на Україну»)."""
    if not hint or start == 0 or text_words[start - 1].text.lower() != "на":
        return None
    wanted = hint.capitalize() if text_words[start - 1].text[0].isupper() else hint
    cases = {case_of(parse.tag) for parse in parses(text_words[end - 1].text, lang)}
    certain = hint == "в" and text_words[start].text[:1].lower() in _VOWELS and "loct" in cases and "accs" not in cases
    return wanted, certain


def _verb_agrees(verb: object, subject: Reading) -> bool:
    """Could ``verb`` (a finite form) have ``subject`` as its subject? Past tense by number and gender, else by number."""
    tag = verb.tag  # type: ignore[attr-defined]
    if number_of(tag) != subject.number:
        return False
    if "past" in tag.grammemes and subject.number == "sing" and subject.gender and gender_of(tag):
        return gender_of(tag) == subject.gender
    person = str(tag.person) if tag.person else ""
    return person in ("", "3per")


def predicate_agrees(
    text_words: Sequence[Word], end: int, text: str, subjects: set[Reading], lang: str, present: bool = True
) -> bool:
    """Is there a finite verb or short adjective after the phrase, in its clause, that agrees with it as a subject?

    ``present``: a present-tense verb counts (it shows number, not gender).
    """
    return bool(_predicates(text_words, end, text, subjects, lang, present=present))


def _predicates(
    text_words: Sequence[Word], end: int, text: str, subjects: set[Reading], lang: str, present: bool = False
) -> list[int]:
    """Word indexes of the predicate forms after ``end`` in the same clause that agree with a subject reading."""
    found = []
    k = end
    resumed = False
    while k < len(text_words):
        gap = text[text_words[k - 1].end : text_words[k].start]
        if k == end:
            gap = gap.lstrip('»“”"')  # the quotation marks closing the phrase itself («„Пост“ проверил»)
        if resumed:
            gap, resumed = "", False  # just past a relative clause: go on from here
        if _CLAUSE_END.search(gap):
            # A relative clause between subject and predicate («Службовці, які підписали контракт, не можуть»).
            if "," in gap and k == end and _is_relative(text_words[k].text, lang):
                close = next(
                    (m for m in range(k + 1, len(text_words)) if "," in text[text_words[m - 1].end : text_words[m].start]), None
                )
                if close is None:
                    break
                k, resumed = close, True
                continue
            break
        for parse in common_parses(text_words[k].text, lang, ("VERB", "PRTS", "ADJS")):
            if "past" not in parse.tag.grammemes and parse.tag.POS == "VERB":
                # A present-tense verb shows number and person, not gender: evidence of a subject, nothing to re-gender.
                if present and "3per" in parse.tag.grammemes and any(s.number == number_of(parse.tag) for s in subjects):
                    found.append(k)
                    break
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
                # The pronoun's case is its clause's: the subject where a predicate agreeing with it follows
                # («совет, который рекомендовал»), else not the nominative («уведомление, которое отказался подписать»).
                clause_subject = Reading("nomn", "sing", old.gender)
                subject = bool(_predicates(text_words, end + 1, text, {clause_subject}, lang))
                cases = frozenset({"nomn"}) if subject else frozenset(CASES) - {"nomn"}
                form = _regender(text_words[end].text, old, new_gender, lang, ("ADJF", "NPRO"), keep_case=True, cases=cases)
                if form is None:
                    return [], "the relative pronoun after it would have to change gender"
                changes.append(WordChange(end, form))
                # The pronoun as its clause's subject («прокуратури, яка досі не відповіла»): its predicate follows.
                for k in _predicates(text_words, end + 1, text, {clause_subject}, lang):
                    if any(_may_be_subject(text_words[m].text, lang) for m in range(end + 1, k)):
                        return [], "the relative clause after it may have its own subject"
                    verb = _regender(text_words[k].text, clause_subject, new_gender, lang, ("VERB", "PRTS", "ADJS"))
                    if verb is None:
                        return [], f"the predicate «{text_words[k].text}» of the relative clause would have to change gender"
                    changes.append(WordChange(k, verb))
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


def _may_be_subject(word: str, lang: str) -> bool:
    """Can ``word`` be a nominative noun or pronoun («який я бачив»)?"""
    return any(case_of(p.tag) == "nomn" for p in common_parses(word, lang, ("NOUN", "NPRO")))


def _gendered_verbs(text_words: Sequence[Word], gender: str, lang: str) -> list[int]:
    """Past-tense verbs and short forms in the singular of ``gender`` anywhere in the text."""
    found = []
    for k, word in enumerate(text_words):
        if word.text.lower() in prepositions(lang):
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
        following = head_readings(text_words[k + 1].text, None, lang, False) if k + 1 < len(text_words) else set()
        readings_ = {
            Reading(case_of(p.tag), number_of(p.tag), gender_of(p.tag) if number_of(p.tag) == "sing" else "")
            for p in common_parses(text_words[k].text, lang, ("ADJF", "PRTF"))
        }
        if following and agree(following, readings_):
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
    word: str,
    old: Reading,
    gender: str,
    lang: str,
    pos: tuple[str, ...],
    keep_case: bool = False,
    animate: bool | None = None,
    cases: frozenset[str] | None = None,
) -> str | None:
    """``word`` (agreeing with ``old``) in the same form with another gender, or in the plural when ``gender`` is
    "plur"; an accusative needs to know ``animate``. ``cases``: the cases the word may be in, when known."""
    plural = gender == "plur"
    forms: list[str] = []
    for parse in common_parses(word, lang, pos):
        tag = parse.tag
        if gender_of(tag) != old.gender or number_of(tag) != "sing":
            continue
        case = case_of(tag)
        if not keep_case and case and case != old.case:
            continue
        if cases is not None and case and case not in cases:
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
            if not keep_case:
                return match_case(word, form)
            forms.append(form)
    # A word keeping its own case must have one: «которое» is a nominative or an accusative, and with
    # a feminine antecedent those differ («которая»/«которую»): the clause decides, not a guess.
    distinct = set(forms)
    return match_case(word, forms[0]) if len(distinct) == 1 else None


def _after_consonant_or_pause(text_words: Sequence[Word], index: int, text: str) -> bool:
    """Does the word at ``index`` follow a consonant-final word, or open the text or a clause?"""
    if index == 0 or not _adjacent(text, text_words[index - 1], text_words[index]):
        return True
    last = text_words[index - 1].text[-1:].lower()
    return last.isalpha() and last not in _UK_VOWELS and last not in "йь"


def preposition_before(
    text_words: Sequence[Word], start: int, text: str, new_first: str, lang: str
) -> tuple[WordChange | None, str]:
    """The preposition right before the phrase, changed for its new first word when a rule says so.

    Russian: «о» before a vowel is «об» (об ОМОНе), «об» before a consonant
    is «о»; «в»/«во», «с»/«со», «к»/«ко» before clusters. Ukrainian: «в»
    before в-, ф- is «у», and between consonants; «у» before у- is «в». Acronyms read letter by letter (МВД: эм-вэ-дэ)
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
        if lower == "у" and f == "у":  # «у указі» → «в указі»: two у's in a row (Правопис 2019 §23)
            return WordChange(start - 1, match_case(previous, "в")), ""
        if lower == "в" and f.isalpha() and f not in _UK_VOWELS and _after_consonant_or_pause(text_words, start - 1, text):
            # «рахунок в Ощадбанку» → «рахунок у Сбербанку»: «у» between consonants and after a pause (§23).
            return WordChange(start - 1, match_case(previous, "у")), ""
        if lower in ("з", "із", "зі") and f in "зсцчшщж":
            return None, "the preposition з/із/зі before it may have to change"
    return None, ""
