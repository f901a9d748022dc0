"""Check and fix glossary terms in a translation, for Russian and Ukrainian: the stages in order.

For every glossary term of the English segment whose sense applies there
(``glossary.sense``), ``locate`` finds the words of the translation that
render it; where they are a wrong rendering, ``phrase`` works out the
approved term's form in their place and what outside them must agree,
and ``decide`` says whether to replace or to flag. Precision comes
first: a translation is changed only when the wrong words are certainly
this term's rendering and the new words certainly fit; otherwise it stays
as it is and is flagged with the span and the suggested form.
"""

from __future__ import annotations

import difflib
import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field, replace

from pipeline.decide import Action, Facts, decide
from pipeline.glossary.match import singular
from pipeline.glossary.sense import applies
from pipeline.locate import (
    FUNCTION_WORDS,
    Evidence,
    Located,
    anchor,
    anchor_lemma,
    find_phrase,
    locate,
    renderings,
    transliterate,
    vocabulary,
)
from pipeline.model import EntryType, Finding, Glossary, GlossaryEntry, Severity, Span, TargetTerm, TermCheck, TermHit, TermStatus
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
    number_of,
    parses,
    same_lexeme,
    words,
)
from pipeline.phrase import (
    Reading,
    Shape,
    WordChange,
    head_animate,
    head_gender,
    inflect,
    narrow,
    outer_modifiers,
    outside_agreement,
    predicate_agrees,
    readings,
    shape,
)

_OPEN_QUOTES = "«„“"
_CYRILLIC_RE = re.compile(r"[\u0400-\u04ff]")
_CLOSE_QUOTES = "»“”"
_RUSSIA = {"ru": {"россия", "рф", "российский", "федерация"}, "uk": {"росія", "рф", "російський", "федерація"}}


@dataclass(frozen=True, slots=True)
class Enforced:
    """A translation after term enforcement: the text, the term checks and the findings for the reviewer."""

    text: str
    raw: str
    checks: tuple[TermCheck, ...]
    findings: tuple[Finding, ...]

    @property
    def changed(self) -> bool:
        return self.text != self.raw


@dataclass(slots=True)
class _Term:
    """A source term being checked: its hit, entry, target and what was located for it."""

    hit: TermHit
    entry: GlossaryEntry
    target: TargetTerm
    located: list[Located] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class _Plan:
    """A replacement worked out: the words [start, end) become ``new``; ``outside`` words change with them."""

    start: int
    end: int
    new: str
    outside: tuple[WordChange, ...] = ()
    left: int = 0  # characters before the first word that go too (quotation marks around it)
    right: int = 0


def check_segment(source: str, hits: Sequence[TermHit], translation: str, glossary: Glossary, lang: str) -> Enforced:
    """Verify every source term in ``translation`` and fix wrong renderings where certain; see the module docstring."""
    by_id = glossary.by_id()
    text_words = words(translation)
    checks: list[TermCheck] = []
    terms: list[_Term] = []
    for hit in hits:
        entry = by_id.get(hit.entry_id)
        target = entry.target(lang) if entry is not None else None
        if entry is None or target is None:
            continue
        if not applies(entry, source, hit):
            checks.append(TermCheck(entry.id, TermStatus.OTHER_SENSE, Span(hit.start, hit.end)))
            continue
        terms.append(_Term(hit, entry, target, locate(entry, target, hit, translation, text_words, lang)))

    accepted = [(loc.start, loc.end) for term in terms for loc in term.located if loc.evidence.accepted]
    claims: dict[tuple[int, int], set[str]] = defaultdict(set)  # wrong-rendering windows, by the entries that claim them
    for term in terms:
        for loc in term.located:
            if not loc.evidence.accepted and not _overlaps((loc.start, loc.end), accepted):
                claims[(loc.start, loc.end)].add(term.entry.id)

    outcomes: list[tuple[TermCheck, _Plan | None]] = [(check, None) for check in checks]
    groups: dict[str, list[_Term]] = defaultdict(list)
    for term in terms:
        groups[term.entry.id].append(term)
    for group in groups.values():
        outcomes += _check_group(group, source, translation, text_words, claims, glossary, lang)
    outcomes = _drop_colliding(outcomes)
    text, final = _apply(translation, text_words, outcomes)
    findings = tuple(f for check in final if (f := _check_finding(check, source, glossary, lang)) is not None)
    return Enforced(text=text, raw=translation, checks=tuple(final), findings=findings)


def _check_group(
    group: list[_Term],
    source: str,
    translation: str,
    text_words: Sequence[Word],
    claims: dict[tuple[int, int], set[str]],
    glossary: Glossary,
    lang: str,
) -> list[tuple[TermCheck, _Plan | None]]:
    """The checks of one entry's hits: as many renderings as the English has terms, each fixed, flagged or found."""
    first = group[0]
    entry = first.entry
    if entry.type is EntryType.PATTERN:
        return [(_pattern_check(term, translation, text_words, lang), None) for term in group]
    accepted = _merged([(loc.start, loc.end, loc) for loc in first.located if loc.evidence.accepted])
    wrong = sorted(
        {
            (loc.start, loc.end): loc for loc in first.located if not loc.evidence.accepted and (loc.start, loc.end) in claims
        }.values(),
        key=lambda loc: loc.start,
    )
    out: list[tuple[TermCheck, _Plan | None]] = []
    pending = list(group)
    for start, end, loc in accepted[: len(pending)]:
        term = pending.pop(0)
        status = TermStatus.APPROVED if loc.evidence is Evidence.APPROVED else TermStatus.ALTERNATIVE
        span = _chars(text_words, start, end)
        found = translation[span.start : span.end]
        check = TermCheck(entry.id, status, _source_span(term), found, span, span, loc.phrase, evidence=loc.evidence)
        if first.target.preposition and start > 0 and text_words[start - 1].text.lower() == "на":
            # «на Україні»: the place takes в/у (which of the two is euphony's choice: left to the reviewer).
            before = _chars(text_words, start - 1, end)
            check = replace(
                check,
                status=TermStatus.REVIEW,
                found=translation[before.start : before.end],
                found_span=before,
                target=before,
                suggestion=f"{first.target.preposition} {found}",
                reason=f"«{first.target.term}» takes «в»/«у», not «на»",
            )
        out.append((check, None))
    # A calque that may be a paraphrase gives way to firmer evidence for the same term (a name left in Latin letters).
    firm = [
        loc
        for loc in wrong
        if loc.evidence is not Evidence.CALQUE
        or not _calque_doubt(first.target, text_words, loc.start, loc.end, translation, lang)
    ]
    wrong = firm or wrong
    surplus = len(wrong) > len(pending)
    for index, loc in enumerate(wrong if pending else []):
        term = pending[min(index, len(pending) - 1)]
        facts, plan, suggestion = _facts(term, loc, source, translation, text_words, claims, glossary, lang, surplus)
        decision = decide(facts)
        found_span = _chars(text_words, loc.start, loc.end)
        found = translation[found_span.start : found_span.end]
        if decision.action is Action.REPLACE and plan is not None:
            plan_span = _chars(text_words, plan.start, plan.end)
            check = TermCheck(
                entry.id,
                TermStatus.FIXED,
                _source_span(term),
                translation[plan_span.start : plan_span.end],
                plan_span,
                rendering=loc.phrase,
                fixed_to=plan.new,
                evidence=loc.evidence,
                reason=_why(loc),
            )
            out.append((check, plan))
        else:
            check = TermCheck(
                entry.id,
                TermStatus.REVIEW,
                _source_span(term),
                found,
                found_span,
                found_span,
                loc.phrase,
                suggestion=suggestion,
                evidence=loc.evidence,
                reason=decision.reason,
            )
            out.append((check, None))
    for term in pending[len(wrong) :]:
        out.append((TermCheck(entry.id, TermStatus.MISSING, _source_span(term)), None))
    return out


def _facts(
    term: _Term,
    loc: Located,
    source: str,
    translation: str,
    text_words: Sequence[Word],
    claims: dict[tuple[int, int], set[str]],
    glossary: Glossary,
    lang: str,
    surplus: bool,
) -> tuple[Facts, _Plan | None, str]:
    """Everything ``decide`` needs about one wrong window, the replacement it would make, and the form to suggest."""
    entry, target = term.entry, term.target
    start, end = _extend(term, loc, text_words, translation, lang)
    window = (start, end)
    contested = len(claims.get((loc.start, loc.end), ())) > 1 or any(
        other != (loc.start, loc.end) and _overlaps(other, [window]) and entry.id not in owners
        for other, owners in claims.items()
    )
    span = _chars(text_words, start, end)
    facts = Facts(
        evidence=loc.evidence,
        quoted=_quoted(translation, span.start, span.end) or _quoted(source, term.hit.start, term.hit.end),
        other_entry=_other_entry(entry, text_words, start, end, glossary, lang),
        qualifier=_qualifier(target, text_words, end, translation, lang),
        contested=contested,
        surplus=surplus,
        calque_doubt=_calque_doubt(target, text_words, start, end, translation, lang) if loc.evidence is Evidence.CALQUE else "",
    )
    rendering = _best_rendering(term, loc, text_words[start:end], lang)
    options, animate, old_gender = _readings(term, loc, start, end, text_words, translation, lang)
    options = narrow(options, text_words, start, end, translation, lang)
    old_numbers = {o.number for o in options}
    if not target.declines:
        return _facts_unchanged_form(facts, target, rendering, options, old_gender, start, end, text_words, translation, lang)
    if rendering != target.term and _indeclinable_acronym(rendering, lang):
        target = replace(target, declines=False)
        return _facts_unchanged_form(facts, target, rendering, options, old_gender, start, end, text_words, translation, lang)
    approved = shape(rendering, lang, target.head, target.tail)
    if approved is None:
        return replace(facts, form_problem="the approved term has no words to inflect"), None, ""
    if not options:
        return replace(facts, form_problem="its case could not be determined"), None, rendering
    gender = old_gender if approved.head_is_adjective else ""
    plural_term = _plural_only(approved, lang)
    if plural_term:
        # The term is plural in the glossary («военные учения»): so it is in the text, whatever number the MT used.
        options = {Reading(o.case, "plur", "", o.paucal) if o.number == "sing" else o for o in options}
    results = {option: inflect(approved, option, lang, gender, animate) for option in sorted(options, key=_order)}
    forms = tuple(dict.fromkeys(f for f in results.values() if f is not None))
    suggestion = _written_as_text(target, forms[0], text_words, start, translation) if len(forms) == 1 else ""
    if not forms:
        return replace(facts, form_problem="the approved term has no form for it in the dictionary"), None, rendering
    if len(forms) == 1 and None in results.values():
        problem = "in one of its possible cases the approved term has no form in the dictionary"
        return replace(facts, forms=forms, form_problem=problem), None, suggestion
    if len(forms) > 1:
        return replace(facts, forms=forms), None, ""
    new = suggestion
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
    facts = replace(facts, forms=(new,), agreement_problem=problem)
    return facts, _plan(start, end, new, tuple(changes), target, text_words, translation), new


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


def _facts_unchanged_form(
    facts: Facts,
    target: TargetTerm,
    rendering: str,
    options: set[Reading],
    old_gender: str,
    start: int,
    end: int,
    text_words: Sequence[Word],
    text: str,
    lang: str,
) -> tuple[Facts, _Plan | None, str]:
    """A replacement that does not decline («ФСБ», «The Washington Post», «СВО»): only its predicate may change."""
    fixed = _written_as_text(target, rendering, text_words, start, text)
    new_gender = target.gender or _dictionary_gender(rendering, lang)
    subject = {o for o in options if o.case == "nomn"}
    gendered = subject | {Reading("nomn", "sing", g) for g in GENDERS}
    if subject and not new_gender and predicate_agrees(text_words, end, text, gendered, lang):
        problem = "it may be the subject, and the gender its predicate should have with the approved name is unknown"
        return replace(facts, forms=(fixed,), agreement_problem=problem), None, fixed
    changes: list[WordChange] = []
    problem = ""
    if subject and new_gender:
        if len({o.case for o in options}) > 1:
            problem = "it may be the subject, and the approved name may have another gender"
        else:
            old = Reading("nomn", "sing", old_gender)
            changes, problem = outside_agreement(text_words, start, end, text, old, new_gender, fixed, lang)
    plan = _plan(start, end, fixed, tuple(changes), target, text_words, text)
    return replace(facts, forms=(fixed,), agreement_problem=problem), plan, fixed


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
) -> _Plan:
    """The replacement with the quotation marks a name needs: «Агоры» for «Agora»; none around The Washington Post."""
    span = _chars(text_words, start, end)
    before, after = text[span.start - 1 : span.start], text[span.end : span.end + 1]
    wrapped = before in _OPEN_QUOTES + '"' and after in _CLOSE_QUOTES + '"'
    if target.quoted and not wrapped:
        return _Plan(start, end, f"«{new}»", outside)
    if wrapped and not target.quoted and not _CYRILLIC_RE.search(new):
        return _Plan(start, end, new, outside, 1, 1)  # a Latin name is not put in quotes: «Пост» → The Washington Post
    return _Plan(start, end, new, outside)


def _plural_only(approved: Shape, lang: str) -> bool:
    """Is the approved term given in the plural («военные учения», «боевые действия»)?"""
    return any(
        number_of(p.tag) == "plur" and case_of(p.tag) in ("nomn", "") for p in common_parses(approved.head_word, lang, NOUNS)
    ) and not any(
        number_of(p.tag) == "sing" and case_of(p.tag) in ("nomn", "") for p in common_parses(approved.head_word, lang, NOUNS)
    )


def _best_rendering(term: _Term, loc: Located, window: Sequence[Word], lang: str) -> str:
    """The approved term, or the alternative closest to the words it replaces.

    An acronym left in Latin letters becomes the Cyrillic acronym («SMO» →
    «СВО»); «уголовные заряды» becomes «уголовные обвинения» (the alternative
    «уголовное обвинение» = «обвинение» + «уголовный»), not «обвинения».
    """
    choices = renderings(term.target, term.hit, lang)
    english = loc.phrase
    if loc.evidence in (Evidence.LATIN, Evidence.TRANSLIT) and english.isupper() and " " not in english:
        # The same initialism in Cyrillic (SMO → СВО, VDV → ВДВ), not another one (AWOL is not СОЧ).
        initial = transliterate(english[0])[:1].upper()
        acronym = next((c for c in choices if c.isupper() and " " not in c and _CYRILLIC_RE.search(c) and c[0] == initial), None)
        if acronym is not None:
            return acronym
    present = set().union(*(lemmas(w.text, lang) for w in window)) if window else set()
    approved = [lemmas(w.text, lang) for w in words(choices[0])]
    for alternative in choices[1:]:
        parts = [lemmas(w.text, lang) for w in words(alternative)]
        extra = [p for p in parts if not any(p & a for a in approved)]
        if extra and all(any(p & a for p in parts) for a in approved) and all(p & present for p in extra):
            return alternative
    return choices[0]


def _order(reading: Reading) -> tuple[int, str]:
    return CASES.index(reading.case), reading.number


def _readings(
    term: _Term, loc: Located, start: int, end: int, text_words: Sequence[Word], text: str, lang: str
) -> tuple[set[Reading], bool | None, str]:
    """(readings of the window, is it a person, its gender in the singular ("" unknown))."""
    window = list(text_words[start:end])
    if loc.evidence is Evidence.LATIN:
        last = (term.hit.surface.split() or [""])[-1].removesuffix("'s").removesuffix("’s")
        number = "plur" if last and singular(last) != last else "sing"
        return {Reading(case, number) for case in CASES}, None, ""
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


def _extend(term: _Term, loc: Located, text_words: Sequence[Word], text: str, lang: str) -> tuple[int, int]:
    """The window grown over words that would otherwise be left behind or said twice.

    An adjective before it that is one of the entry's words belongs to the
    old rendering («военного призывного пункта» → «военкомата», not
    «военного военкомата»); words after it that repeat the approved
    term's tail would be doubled («звільнення з військової служби з військової служби»).
    """
    start, end = loc.start, loc.end
    if loc.evidence is Evidence.LATIN:
        return start, end
    vocab = vocabulary(term.target, lang)
    options = {Reading(c, n) for c in CASES for n in ("sing", "plur")}
    outside = outer_modifiers(text_words, start, text, options, lang)
    implied = _implied_adjectives(term.target, lang)
    while outside and start > 0 and lemmas(text_words[start - 1].text, lang) & (vocab.all | implied):
        start -= 1
        outside -= 1
    tail = term.target.tail or ""
    tail_words = [w.text for w in words(tail)]
    if tail_words and end + len(tail_words) <= len(text_words):
        following = text_words[end : end + len(tail_words)]
        if all(same_lexeme(t, w.text, lang) for t, w in zip(tail_words, following, strict=True)):
            end += len(tail_words)
    return start, end


# Compounds whose first part stands for an adjective: «Росгвардия» is Russian, «Госдума» state, «спецоперация» special.
_COMPOUND_PREFIXES = {
    "ru": {"рос": "российский", "гос": "государственный", "нац": "национальный", "спец": "специальный", "воен": "военный"},
    "uk": {"рос": "російський", "держ": "державний", "нац": "національний", "спец": "спеціальний", "військ": "військовий"},
}


def _implied_adjectives(target: TargetTerm, lang: str) -> set[str]:
    """Adjectives the approved one-word term already says: «российского» before «росгвардейца» would say it twice."""
    parts = words(target.term)
    if len(parts) != 1:
        return set()
    word = parts[0].text.lower()
    return {adjective for prefix, adjective in _COMPOUND_PREFIXES.get(lang, {}).items() if word.startswith(prefix)}


def _calque_doubt(target: TargetTerm, text_words: Sequence[Word], start: int, end: int, text: str, lang: str) -> str:
    """Why a calque might be a paraphrase rather than a wrong rendering ("" when it is certainly the term's rendering).

    Certain: every word is one of the entry's own (its renderings, avoided
    ones included), its head is the term's head, its root («гвардия» in
    «Росгвардия») or a word the glossary avoids, and it is not a mere
    shortening of the approved term. «Национальной гвардии России» and
    «солдаты по контракту» are calques to fix; «суд» for «гарнизонный
    военный суд» may be a shortened mention: a reviewer decides.
    """
    vocab = vocabulary(target, lang)
    found = shape(text[text_words[start].start : text_words[end - 1].end], lang, nominative=False)
    if found is None:
        return "its words could not be analysed"
    content = [w.text for w in text_words[start:end] if fold(w.text) not in FUNCTION_WORDS.get(lang, set())]
    if not all(anchor(word, vocab, lang)[0] for word in content):
        return "it has words the glossary does not give for this term"
    head = lemmas(found.words[found.head].text, lang)
    if not head & vocab.all:
        return "its head word is not one of the term's"
    if found.head_is_adjective and start > 0:
        return "it may belong to a noun before it"
    if end < len(text_words) and _modifies(text_words[end - 1].text, text_words[end].text, lang):
        return f"its last word belongs to «{text_words[end].text}» after it"
    approved_words = [w for w in words(target.term) if fold(w.text) not in FUNCTION_WORDS.get(lang, set())]
    approved_shape = shape(target.term, lang, target.head, target.tail)
    tail = set().union(*(lemmas(w.text, lang) for w in approved_shape.words[approved_shape.tail :])) if approved_shape else set()
    modifiers = [found.words[k].text for k in range(found.head)]
    # A complement of the approved term turned into an adjective («боевая зона» for «зона боевых действий») is a calque.
    restructured = any(anchor_lemma(word, vocab, lang) in tail for word in modifiers)
    only_approved_words = all(lemmas(word, lang) & vocab.approved for word in content)
    shorter = len(content) < len(approved_words) or not head & vocab.approved
    if len(approved_words) > 1 and not restructured and only_approved_words and shorter:
        return "it may be a shortened mention of the term"
    return ""


def _modifies(word: str, following: str, lang: str) -> bool:
    """Is ``word`` an adjective agreeing with the noun ``following`` («політичних питань»)?"""
    adjective = {
        Reading(case_of(p.tag), number_of(p.tag), gender_of(p.tag) if number_of(p.tag) == "sing" else "")
        for p in common_parses(word, lang, ("ADJF", "PRTF"))
    }
    noun = {
        Reading(case_of(p.tag), number_of(p.tag), gender_of(p.tag) if number_of(p.tag) == "sing" else "")
        for p in common_parses(following, lang, NOUNS)
    }
    return any(a.form == n.form and (not a.gender or not n.gender or a.gender == n.gender) for a in adjective for n in noun)


def _other_entry(entry: GlossaryEntry, text_words: Sequence[Word], start: int, end: int, glossary: Glossary, lang: str) -> str:
    """Is the window part of a longer approved rendering of another entry here («Национальная гвардия Украины»)?"""
    keys = set().union(*(lemmas(w.text, lang) for w in text_words[start:end]))
    for other in _renderings_by_lemma(glossary, lang, frozenset(keys)):
        other_id, rendering, size = other
        if other_id == entry.id or size <= end - start:
            continue
        for i, j in find_phrase(rendering, text_words[max(0, start - size) : end + size], lang):
            i += max(0, start - size)
            j += max(0, start - size)
            if i <= start and end <= j:
                return other_id
    return ""


def _renderings_by_lemma(glossary: Glossary, lang: str, keys: frozenset[str]) -> list[tuple[str, str, int]]:
    index = _rendering_index(glossary, lang)
    seen: dict[tuple[str, str], int] = {}
    for key in keys:
        for other_id, rendering, size in index.get(key, ()):
            seen[(other_id, rendering)] = size
    return [(i, r, n) for (i, r), n in seen.items()]


_INDEXES: dict[tuple[str, str], dict[str, list[tuple[str, str, int]]]] = {}


def _rendering_index(glossary: Glossary, lang: str) -> dict[str, list[tuple[str, str, int]]]:
    """Multi-word approved renderings of every entry, by the lemmas of their words (built once per glossary)."""
    key = (glossary.content_hash, lang)
    if key not in _INDEXES:
        index: dict[str, list[tuple[str, str, int]]] = defaultdict(list)
        for entry in glossary.entries:
            target = entry.target(lang)
            if target is None or entry.type is EntryType.PATTERN:
                continue
            for rendering in (target.term, *target.alternatives):
                found = words(rendering)
                if len(found) < 2:
                    continue
                for word in found:
                    for lemma in lemmas(word.text, lang):
                        index[lemma].append((entry.id, rendering, len(found)))
        _INDEXES[key] = dict(index)
    return _INDEXES[key]


def _qualifier(target: TargetTerm, text_words: Sequence[Word], end: int, text: str, lang: str) -> str:
    """A name right after the window that is not part of the term and not Russia («Казахстана», «США»)."""
    if end >= len(text_words) or text[text_words[end - 1].end : text_words[end].start].strip():
        return ""
    following = text_words[end].text
    if not following[:1].isupper():
        return ""
    keys = lemmas(following, lang)
    if keys & vocabulary(target, lang).all or keys & _RUSSIA.get(lang, set()):
        return ""
    # A place (Казахстана, США), not a person or a body: «декрет Путина» is still a decree, «рота ОМОН» still a company.
    named = any("Geox" in p.tag.grammemes and case_of(p.tag) in ("gent", "") for p in common_parses(following, lang, NOUNS))
    return following if named else ""


def _quoted(text: str, start: int, end: int) -> bool:
    """Is [start, end) inside quotation marks that hold more than these words (a quotation, a title)?

    Quotation marks around the term alone («"особая военная операция"») are
    the author's, not a quotation: the term may be fixed inside them.
    """
    for open_at, close_at in _quote_spans(text):
        if open_at < start and end <= close_at:
            inside = text[open_at + 1 : close_at].strip(" .,;:!?")
            if fold(inside) != fold(text[start:end]):
                return True
    return False


def _quote_spans(text: str) -> list[tuple[int, int]]:
    """(opening, closing) positions of quotation marks, nested ones included; straight quotes pair in order."""
    spans = []
    stack: list[int] = []
    straight: int | None = None
    for k, ch in enumerate(text):
        if ch == '"':
            if straight is None:
                straight = k
            else:
                spans.append((straight, k))
                straight = None
        elif ch in _OPEN_QUOTES and not (ch == "“" and stack and text[stack[-1]] == "„"):
            stack.append(k)
        elif ch in _CLOSE_QUOTES and stack:
            spans.append((stack.pop(), k))
    return spans


def _sentence_case(fixed: str, text_words: Sequence[Word], start: int, text: str) -> str:
    """Capitalise the replacement where it opens a sentence, as the words it replaces did."""
    first = text_words[start]
    at = first.start
    if first.text[:1].isupper() and (at == 0 or text[:at].rstrip()[-1:] in '.!?«"“„—'):
        return fixed[:1].upper() + fixed[1:]
    return fixed


def _pattern_check(term: _Term, translation: str, text_words: Sequence[Word], lang: str) -> TermCheck:
    """A numbered term («войсковая часть № 3723»): its head word and every number must be there, and its other words.

    Numbered terms are checked, never rewritten: a missing word around the
    number («воздушно-штурмовой» where the approved term has
    «десантно-штурмовая») is flagged with the approved form.
    """
    numbers = [value for _, value in term.hit.groups]
    rendered = renderings(term.target, term.hit, lang)[0]
    head = term.target.head or rendered.split()[0]
    heads = [k for k, w in enumerate(text_words) if same_lexeme(head, w.text, lang)]
    has_numbers = all(re.search(rf"(?<!\d){re.escape(n)}(?!\d)", translation) for n in numbers)
    if not (heads and has_numbers):
        return TermCheck(term.entry.id, TermStatus.MISSING, _source_span(term))
    span = _chars(text_words, heads[0], heads[0] + 1)
    near = text_words[max(0, heads[0] - 5) : heads[0] + 6]
    lacking = [
        w.text
        for w in words(rendered)
        if not any(ch.isdigit() for ch in w.text) and not any(same_lexeme(w.text, t.text, lang) for t in near)
    ]
    found = translation[span.start : span.end]
    if lacking:
        reason = f"«{', '.join(lacking)}» of the approved term is not there"
        return TermCheck(
            term.entry.id, TermStatus.REVIEW, _source_span(term), found, span, span, rendered, suggestion=rendered, reason=reason
        )
    return TermCheck(term.entry.id, TermStatus.APPROVED, _source_span(term), found, span, span, rendered)


def _why(loc: Located) -> str:
    return {
        Evidence.AVOIDED: f"avoid «{loc.phrase}»",
        Evidence.LATIN: "the English term was left in Latin letters",
        Evidence.CALQUE: "a calque of the term",
    }.get(loc.evidence, str(loc.evidence))


def _is_in(name: str, text: str) -> bool:
    return re.search(rf"(?<!\w){re.escape(name)}(?!\w)", text) is not None


def _source_span(term: _Term) -> Span:
    return Span(term.hit.start, term.hit.end)


def _chars(text_words: Sequence[Word], start: int, end: int) -> Span:
    return Span(text_words[start].start, text_words[end - 1].end)


def _overlaps(window: tuple[int, int], others: Sequence[tuple[int, int]]) -> bool:
    return any(window[0] < e and s < window[1] for s, e in others)


def _merged(windows: list[tuple[int, int, Located]]) -> list[tuple[int, int, Located]]:
    """Accepted windows, overlapping ones counted once (an alternative inside the approved rendering)."""
    out: list[tuple[int, int, Located]] = []
    for start, end, loc in sorted(windows, key=lambda w: (w[0], -(w[1] - w[0]))):
        if out and start < out[-1][1]:
            continue
        out.append((start, end, loc))
    return out


def _drop_colliding(outcomes: list[tuple[TermCheck, _Plan | None]]) -> list[tuple[TermCheck, _Plan | None]]:
    """Two replacements touching the same words would garble them: neither is made; both are flagged."""

    def touched_by(plan: _Plan) -> set[int]:
        return {*range(plan.start, plan.end), *(c.index for c in plan.outside)}

    counts: dict[int, int] = defaultdict(int)
    for _, plan in outcomes:
        for k in touched_by(plan) if plan is not None else ():
            counts[k] += 1
    out: list[tuple[TermCheck, _Plan | None]] = []
    for check, plan in outcomes:
        if plan is not None and any(counts[k] > 1 for k in touched_by(plan)):
            check = replace(
                check,
                status=TermStatus.REVIEW,
                target=check.found_span,
                suggestion=check.fixed_to,
                fixed_to="",
                reason="another fix would change the same words",
            )
            plan = None
        out.append((check, plan))
    return out


def _apply(text: str, text_words: Sequence[Word], outcomes: list[tuple[TermCheck, _Plan | None]]) -> tuple[str, list[TermCheck]]:
    """The text with every planned change made, and each fixed check's rendering span in the new text."""
    edits: list[tuple[int, int, str, int | None]] = []  # (start, end, new text, index of the outcome it fixes)
    for index, (_, plan) in enumerate(outcomes):
        if plan is None:
            continue
        span = _chars(text_words, plan.start, plan.end)
        edits.append((span.start - plan.left, span.end + plan.right, plan.new, index))
        edits += [(text_words[c.index].start, text_words[c.index].end, c.new, None) for c in plan.outside]
    if "ё" not in text.lower():
        # A text written without «ё» (as Mediazona and MT write) gets none from us either.
        edits = [(a, b, new.replace("ё", "е").replace("Ё", "Е"), k) for a, b, new, k in edits]
    edits.sort(key=lambda e: e[0])
    pieces, position, shift = [], 0, 0
    spans: dict[int, Span] = {}
    for start, end, new, fixes in edits:
        pieces.append(text[position:start])
        if fixes is not None:
            spans[fixes] = Span(start + shift, start + shift + len(new))
        pieces.append(new)
        shift += len(new) - (end - start)
        position = end
    pieces.append(text[position:])
    checks = [replace(check, target=spans[k]) if k in spans else check for k, (check, _) in enumerate(outcomes)]
    return "".join(pieces), checks


def _check_finding(check: TermCheck, source: str, glossary: Glossary, lang: str) -> Finding | None:
    """The reviewer's finding for a term check, written from its typed values."""
    entry = glossary.by_id()[check.entry_id]
    target = entry.target(lang)
    surface = source[check.source.start : check.source.end]
    approved = target.term if target is not None else ""
    if check.status is TermStatus.FIXED:
        return _finding(
            "term-fixed", Severity.INFO, f"«{check.found}» → «{check.fixed_to}» ({entry.id}: {check.reason})", entry.id
        )
    if check.status is TermStatus.REVIEW:
        hint = f"; suggested «{check.suggestion}»" if check.suggestion else ""
        message = (
            f"«{check.found}» may render “{surface}”, which should be «{approved}» ({entry.id}){hint}; "
            f"left as it is: {check.reason}"
        )
        return _finding("term-needs-review", Severity.WARNING, message, entry.id)
    if check.status is TermStatus.MISSING and entry.type is not EntryType.DO_NOT_TRANSLATE:
        return _finding(
            "term-missing", Severity.WARNING, f"source has “{surface}”; the translation lacks «{approved}» ({entry.id})", entry.id
        )
    if check.status is TermStatus.MISSING:
        return _finding(
            "term-missing", Severity.WARNING, f"source has “{surface}”; keep «{approved}» as written ({entry.id})", entry.id
        )
    return None


def _finding(check: str, severity: Severity, message: str, entry_id: str) -> Finding:
    return Finding("", None, severity, check, message, entry_id)
