"""The replacement: which approved rendering fits a wrong window, in which form, and what outside it changes.

The case and number come from the window's own readings narrowed by its
context (``phrase``); the form is the approved term (or the alternative
closest to the words it replaces) inflected and parsed back; the words
outside that must agree are worked out or the reason they cannot be is
given. Names keep the typography the glossary asks for («Агора», The
Washington Post without quotes).
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace

from pipeline.evidence import CLOSE_QUOTES, OPEN_QUOTES, SourceTerm, word_span
from pipeline.glossary.match import singular
from pipeline.locate import (
    Evidence,
    Located,
    renderings,
    transliterate,
)
from pipeline.model import TargetTerm
from pipeline.morphology import (
    CASES,
    GENDERS,
    NOUNS,
    Word,
    case_of,
    common_parses,
    fold,
    gender_of,
    is_known,
    lemmas,
    match_case,
    number_of,
    parses,
    words,
)
from pipeline.phrase import Reading, Shape, head_animate, head_gender, inflect, readings, shape
from pipeline.syntax import WordChange, narrow, outside_agreement, predicate_agrees

_CYRILLIC_RE = re.compile(r"[\u0400-\u04ff]")
_LATIN_RE = re.compile(r"[A-Za-z]")


@dataclass(frozen=True, slots=True)
class Plan:
    """A replacement worked out: the words [start, end) become ``new``; ``outside`` words change with them."""

    start: int
    end: int
    new: str
    outside: tuple[WordChange, ...] = ()
    left: int = 0  # characters before the first word that go too (quotation marks around it)
    right: int = 0


@dataclass(frozen=True, slots=True)
class Replacement:
    """What replacing a window would give: the forms the context allows, the plan when there is one form."""

    forms: tuple[str, ...] = ()
    plan: Plan | None = None
    suggestion: str = ""  # the form to show a reviewer when the text is left as it is
    form_problem: str = ""
    agreement_problem: str = ""


def plan_replacement(
    term: SourceTerm, loc: Located, start: int, end: int, translation: str, text_words: Sequence[Word], lang: str
) -> Replacement:
    """The approved term (or the alternative closest to the words it replaces) in the form the window needs."""
    target = term.target
    if loc.evidence is Evidence.TITLE:
        # A title in quotation marks is written as the approved one, word for word: nothing in it declines.
        plan = Plan(loc.start, loc.end, loc.phrase)
        return Replacement(forms=(loc.phrase,), plan=plan, suggestion=loc.phrase)
    rendering = _best_rendering(term, loc, text_words[start:end], lang)
    options, animate, old_gender = _readings(term, loc, start, end, text_words, translation, lang)
    bare = loc.evidence in (Evidence.LATIN, Evidence.TRANSLIT) or text_words[start].text.isupper()
    options = narrow(options, text_words, start, end, translation, lang, bare=bare)
    if target.quoted and _after_designator(text_words, start, translation, lang):
        # A name after the word for what it is stays in the nominative: «телеканалу „Настоящее время“».
        options = {o for o in options if o.case == "nomn"} or {Reading("nomn", "sing")}
    old_numbers = {o.number for o in options}
    if not target.declines:
        return _unchanged_form(target, rendering, options, old_gender, start, end, text_words, translation, lang)
    if rendering != target.term and _indeclinable_acronym(rendering, lang):
        target = replace(target, declines=False)
        return _unchanged_form(target, rendering, options, old_gender, start, end, text_words, translation, lang)
    approved = shape(rendering, lang, target.head, target.tail)
    if approved is None:
        return Replacement(form_problem="the approved term has no words to inflect")
    if not options:
        return Replacement(form_problem="its case could not be determined", suggestion=rendering)
    gender = old_gender if approved.head_is_adjective else ""
    plural_term = _plural_only(approved, lang)
    if plural_term:
        # The term is plural in the glossary («военные учения»): so it is in the text, whatever number the MT used.
        options = {Reading(o.case, "plur", "", o.paucal) if o.number == "sing" else o for o in options}
    results = {option: inflect(approved, option, lang, gender, animate) for option in sorted(options, key=_order)}
    forms = tuple(dict.fromkeys(f for f in results.values() if f is not None))
    suggestion = _written_as_text(target, forms[0], text_words, start, translation) if len(forms) == 1 else ""
    if not forms:
        return Replacement(form_problem="the approved term has no form for it in the dictionary", suggestion=rendering)
    if len(forms) == 1 and None in results.values():
        problem = "in one of its possible cases the approved term has no form in the dictionary"
        return Replacement(forms=forms, form_problem=problem, suggestion=suggestion)
    if len(forms) > 1:
        return Replacement(forms=forms)
    new = _keep_own_forms(suggestion, text_words[start:end], lang)
    new_gender = head_gender(approved, lang) or gender
    cases = {o.case for o in options}
    old = sorted(options, key=_order)[0]
    genders = {o.gender for o in options}
    old_number = old_numbers.pop() if len(old_numbers) == 1 else old.number
    old = Reading(old.case, old_number, old_gender if len(genders) == 1 else "")
    problem = ""
    changes: list[WordChange] = []
    if "nomn" in cases and len(cases) > 1 and old.number == "sing" and new_gender and old.gender and old.gender != new_gender:
        problem = "it may be the subject, and the approved term has another gender"
    else:
        new_animate = head_animate(approved, lang)
        new_number = "plur" if plural_term else ""
        changes, problem = outside_agreement(
            text_words, start, end, translation, old, new_gender, new, lang, new_animate, new_number
        )
    if not problem:
        problem = _lexical_preposition(approved, text_words, start, end, translation, lang)
    plan = _plan(start, end, new, tuple(changes), target, text_words, translation)
    return Replacement(forms=(new,), plan=plan, suggestion=new, agreement_problem=problem)


def _lexical_preposition(approved: Shape, text_words: Sequence[Word], start: int, end: int, text: str, lang: str) -> str:
    """«на» goes with some nouns, «в» with others («на территории», «в крае»): a new head noun may need the other one.

    The same word in another spelling («на Донбассі» → «на Донбасі») keeps its preposition.
    """
    if start == 0 or text_words[start - 1].text.lower() != "на":
        return ""
    head_keys = lemmas(approved.head_word, lang)
    if any(lemmas(w.text, lang) & head_keys for w in text_words[start:end]):
        return ""
    if any(difflib.SequenceMatcher(None, fold(w.text), fold(approved.head_word)).ratio() >= 0.75 for w in text_words[start:end]):
        return ""
    return "«на» before it may have to become «в» with the approved term"


# Words for what a name names («телеканал „Дождь“», «проект „Идите лесом“»): the name after them does not decline.
DESIGNATORS = {
    "ru": {
        "телеканал", "канал", "телеграм-канал", "издание", "газета", "журнал", "сайт", "портал", "агентство", "проект",
        "фонд", "организация", "движение", "группа", "сообщество", "объединение", "центр", "рота", "отряд",
        "подразделение", "батальон", "бригада", "учение", "учения", "операция", "программа", "инициатива", "радио",
    },
    "uk": {
        "телеканал", "канал", "телеграм-канал", "видання", "газета", "журнал", "сайт", "портал", "агенція", "проєкт",
        "проект", "фонд", "організація", "рух", "група", "спільнота", "об’єднання", "центр", "рота", "загін",
        "підрозділ", "батальйон", "бригада", "навчання", "операція", "програма", "ініціатива", "радіо",
    },
}  # fmt: skip


def _after_designator(text_words: Sequence[Word], start: int, text: str, lang: str) -> bool:
    if start == 0 or text[text_words[start - 1].end : text_words[start].start].strip().strip('«„“"'):
        return False
    return bool(lemmas(text_words[start - 1].text, lang) & DESIGNATORS.get(lang, set()))


def _unchanged_form(
    target: TargetTerm,
    rendering: str,
    options: set[Reading],
    old_gender: str,
    start: int,
    end: int,
    text_words: Sequence[Word],
    text: str,
    lang: str,
) -> Replacement:
    """A replacement that does not decline («ФСБ», «The Washington Post», «СВО»): only its predicate may change."""
    fixed = _written_as_text(target, rendering, text_words, start, text)
    new_gender = target.gender or _dictionary_gender(rendering, lang)
    subject = {o for o in options if o.case == "nomn"}
    if _apposition(text_words, start, end, text, lang):
        subject = set()  # «проект „Отвали“ получает»: the predicate agrees with «проект», not with the name
    gendered = subject | {Reading("nomn", "sing", g) for g in GENDERS}
    if subject and not new_gender and _gendered_predicate(text_words, end, text, gendered, lang):
        problem = "it may be the subject, and the gender its predicate should have with the approved name is unknown"
        return Replacement(forms=(fixed,), suggestion=fixed, agreement_problem=problem)
    changes: list[WordChange] = []
    problem = ""
    if subject and new_gender:
        if len({o.case for o in options}) > 1:
            problem = "it may be the subject, and the approved name may have another gender"
        else:
            old = Reading("nomn", "sing", old_gender)
            changes, problem = outside_agreement(text_words, start, end, text, old, new_gender, fixed, lang)
    plan = _plan(start, end, fixed, tuple(changes), target, text_words, text)
    return Replacement(forms=(fixed,), plan=plan, suggestion=fixed, agreement_problem=problem)


def _apposition(text_words: Sequence[Word], start: int, end: int, text: str, lang: str) -> bool:
    """Is the window a name in quotation marks after the noun it names («проект „Отвали“», «телеканал „Дождь“»)?"""
    span = word_span(text_words, start, end)
    quoted = text[span.start - 1 : span.start] in OPEN_QUOTES + '"' and text[span.end : span.end + 1] in CLOSE_QUOTES + '"'
    return quoted and start > 0 and bool(common_parses(text_words[start - 1].text, lang, NOUNS))


def _gendered_predicate(text_words: Sequence[Word], end: int, text: str, subjects: set[Reading], lang: str) -> bool:
    """A past-tense or short-form predicate that shows the subject's gender («заявил», «была уволена»)."""
    return predicate_agrees(text_words, end, text, subjects, lang, present=False)


def _indeclinable_acronym(rendering: str, lang: str) -> bool:
    """An acronym written the same in every case: unknown to the dictionary («СВО», «СЗЧ») or listed as fixed («ФСБ»).

    Acronyms read as words decline and are left to the dictionary («ОМОН», «ОМОНа»).
    """
    if len(words(rendering)) != 1 or not rendering.isupper() or len(rendering) < 2:
        return False
    found = [p for p in parses(rendering.lower(), lang) if p.tag.POS == "NOUN"]
    return not is_known(rendering, lang) or all("Fixd" in p.tag.grammemes for p in found)


def _dictionary_gender(name: str, lang: str) -> str:
    """The gender the dictionary gives a one-word name («ОМОН»: masculine), or ""."""
    found = words(name)
    if len(found) != 1:
        return ""
    genders = {gender_of(p.tag) for p in common_parses(found[0].text, lang, NOUNS)} - {""}
    return genders.pop() if len(genders) == 1 else ""


def _written_as_text(target: TargetTerm, form: str, text_words: Sequence[Word], start: int, text: str) -> str:
    """The replacement as this text writes it: a capital where a sentence opens, «е» where the text has no «ё»."""
    fixed = _sentence_case(form, text_words, start, text)
    if "ё" not in text.lower():
        fixed = fixed.replace("ё", "е").replace("Ё", "Е")
    return fixed


def _plan(
    start: int, end: int, new: str, outside: tuple[WordChange, ...], target: TargetTerm, text_words: Sequence[Word], text: str
) -> Plan:
    """The replacement with the quotation marks a name needs: «Агоры» for «Agora»; none around The Washington Post."""
    span = word_span(text_words, start, end)
    before, after = text[span.start - 1 : span.start], text[span.end : span.end + 1]
    wrapped = before in OPEN_QUOTES + '"' and after in CLOSE_QUOTES + '"'
    if target.quoted and not wrapped:
        return Plan(start, end, f"«{new}»", outside)
    if wrapped and not target.quoted and not _CYRILLIC_RE.search(new):
        return Plan(start, end, new, outside, 1, 1)  # a Latin name is not put in quotes: «Пост» → The Washington Post
    return Plan(start, end, new, outside)


def _plural_only(approved: Shape, lang: str) -> bool:
    """Is the approved term given in the plural («военные учения», «боевые действия»)?"""
    return any(
        number_of(p.tag) == "plur" and case_of(p.tag) in ("nomn", "") for p in common_parses(approved.head_word, lang, NOUNS)
    ) and not any(
        number_of(p.tag) == "sing" and case_of(p.tag) in ("nomn", "") for p in common_parses(approved.head_word, lang, NOUNS)
    )


def _best_rendering(term: SourceTerm, loc: Located, window: Sequence[Word], lang: str) -> str:
    """The approved term, or the alternative closest to the words it replaces.

    An acronym left in Latin letters becomes the Cyrillic acronym («SMO» →
    «СВО»); «уголовные заряды» becomes «уголовные обвинения» (the alternative
    «уголовное обвинение» = «обвинение» + «уголовный»), not «обвинения».
    """
    choices = renderings(term.target, term.hit, lang)
    written = " ".join(w.text for w in window)
    if written.isupper() and " " not in written:
        # An acronym for an acronym: the same initialism in Cyrillic (SMO or «СМО» → «СВО», VDV → «ВДВ»; «КК» →
        # «КК РФ»), not another one (AWOL is not «СОЧ»).
        initial = (transliterate(written[0]) if _LATIN_RE.match(written) else written[0])[:1].upper()
        acronym = next((c for c in choices if c.isupper() and _CYRILLIC_RE.search(c) and c[0] == initial), None)
        if acronym is not None:
            return acronym
    present = set().union(*(lemmas(w.text, lang) for w in window)) if window else set()
    # The MT wrote most of a long alternative (the official name): that alternative («Федеральная служба [войск]
    # национальной гвардии» → «Федеральная служба войск национальной гвардии»).
    for alternative in choices[1:]:
        content = [w for w in words(alternative) if len(w.text) > 2]
        covered = sum(1 for w in content if lemmas(w.text, lang) & present)
        if (
            len(content) >= 3
            and covered * 4 >= len(content) * 3
            and covered > sum(1 for w in words(choices[0]) if lemmas(w.text, lang) & present)
        ):
            return alternative
    approved = [lemmas(w.text, lang) for w in words(choices[0])]
    for alternative in choices[1:]:
        parts = [lemmas(w.text, lang) for w in words(alternative)]
        extra = [p for p in parts if not any(p & a for a in approved)]
        if extra and all(any(p & a for p in parts) for a in approved) and all(p & present for p in extra):
            return alternative
    # The MT kept a tail an alternative has and the approved term does not («выписке со службы» →
    # «увольнении со службы», the alternative «увольнение со службы»): keep the MT's tail.
    approved_shape = shape(choices[0], lang, term.target.head, term.target.tail)
    if approved_shape is not None and not _tail_present(approved_shape, present, lang):
        head_keys = lemmas(approved_shape.head_word, lang)
        # Words the MT shares with the approved term must survive («зі військової служби» keeps «військової»).
        shared = [a for a in approved if a & present]
        for alternative in choices[1:]:
            other = shape(alternative, lang)
            if other is None or other.tail == len(other.words) or not lemmas(other.head_word, lang) & head_keys:
                continue
            keeps = all(any(a & lemmas(w.text, lang) for w in other.words) for a in shared if not a & head_keys)
            if keeps and _tail_present(other, present, lang):
                return alternative
    return choices[0]


def _tail_present(item: Shape, present: set[str], lang: str) -> bool:
    """Are all the words of the phrase's tail among ``present`` (lemmas of the words it replaces)?"""
    tail = item.words[item.tail :]
    return bool(tail) and all(lemmas(w.text, lang) & present for w in tail)


def _keep_own_forms(new: str, window: Sequence[Word], lang: str) -> str:
    """``new`` with the translator's own form of a word where the dictionary lists two for the same slot.

    «у Волчому Яру» → «у Вовчому Яру», not «Ярі»: a word of the window that is
    a form of the new word's lexeme, in every case, number and gender the new
    word may be in, is just as right, and it is what the translator wrote.
    """

    def slots(word: str, lexeme: tuple[str, str | None]) -> set[tuple[str, str, str]]:
        return {
            (case_of(p.tag), number_of(p.tag), gender_of(p.tag))
            for p in parses(word, lang)
            if (p.normal_form, p.tag.POS) == lexeme
        }

    out, last = [], 0
    for word in words(new):
        found = parses(word.text, lang)
        kept = word.text
        if found:
            lexeme = (found[0].normal_form, found[0].tag.POS)
            wanted = slots(word.text, lexeme)
            for own in window:
                if own.text.lower() != word.text.lower() and wanted and wanted <= slots(own.text, lexeme):
                    kept = match_case(word.text, own.text.lower())
                    break
        out.append(new[last : word.start] + kept)
        last = word.end
    return "".join(out) + new[last:]


def _order(reading: Reading) -> tuple[int, str]:
    return CASES.index(reading.case), reading.number


def _readings(
    term: SourceTerm, loc: Located, start: int, end: int, text_words: Sequence[Word], text: str, lang: str
) -> tuple[set[Reading], bool | None, str]:
    """(readings of the window, is it a person, its gender in the singular ("" unknown))."""
    window = list(text_words[start:end])
    if loc.evidence is Evidence.LATIN:
        last = (term.hit.surface.split() or [""])[-1].removesuffix("'s").removesuffix("’s")
        number = "plur" if last and singular(last) != last else "sing"
        numbers = ("sing", "plur") if number == "sing" and term.noun_adjunct else (number,)
        return {Reading(case, n) for case in CASES for n in numbers}, None, ""
    for analysis in loc.analyses or (lang,):
        if loc.evidence is Evidence.AVOIDED and start == loc.start and end == loc.end:
            text_shape = shape(loc.phrase, analysis, nominative=True)
            found = readings(text_shape, window, analysis, lemma_phrase=text_shape) if text_shape else set()
        else:
            text_shape = shape(text[text_words[start].start : text_words[end - 1].end], analysis, nominative=False)
            found = readings(text_shape, window, analysis) if text_shape else set()
        if found and text_shape is not None:
            genders = {r.gender for r in found if r.number == "sing"}
            gender = genders.pop() if len(genders) == 1 else ""
            return found, _animate(text_shape, window, analysis), gender
    return set(), None, ""


def _animate(item: Shape, window: Sequence[Word], lang: str) -> bool | None:
    head = window[item.head].text if item.head < len(window) else ""
    for parse in common_parses(head, lang, NOUNS):
        if "anim" in parse.tag.grammemes:
            return True
        if "inan" in parse.tag.grammemes:
            return False
    return head_animate(item, lang)


def _sentence_case(fixed: str, text_words: Sequence[Word], start: int, text: str) -> str:
    """Capitalise the replacement where it opens a sentence, as the words it replaces did."""
    first = text_words[start]
    before = text[: first.start].rstrip().rstrip('«„“"').rstrip()  # «про «СМО»»: a quotation mark opens no sentence
    if first.text[:1].isupper() and (not before or before[-1] in ".!?:—"):
        return fixed[:1].upper() + fixed[1:]
    return fixed
