"""Check and fix glossary terms in a translation, by lemma, for Russian and Ukrainian.

For every term the English source contains, the translation must carry
the approved rendering or an accepted alternative, in any case and number.
Where it carries a rendering the glossary says to avoid, that phrase is
replaced by the approved term in the same case and number, adjectives
agreeing with the head noun and a fixed tail left alone. The case comes
from the phrase's own analyses, narrowed by the preposition before it;
when the forms of the approved term would still differ, nothing is
changed and the segment is flagged for review. The source match decides
what is expected: a rendering is only ever "avoided" for a term the
English actually contains.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from pipeline.glossary.render import render_template
from pipeline.model import EntryType, Finding, Glossary, GlossaryEntry, Severity, TargetTerm, TermHit
from pipeline.morphology import (
    CASES,
    Word,
    case_number_options,
    dictionary_parse,
    inflect_word,
    is_known,
    lemmas,
    match_case,
    number_of,
    parses,
    same_lexeme,
    words,
)

NOUNS = ("NOUN",)
MODIFIERS = ("ADJF", "PRTF", "NUMR")

# Cases a preposition can govern (the word right before the phrase).
GOVERNMENT = {
    "ru": {
        "в": {"accs", "loct"}, "во": {"accs", "loct"}, "на": {"accs", "loct"}, "о": {"loct", "accs"},
        "об": {"loct", "accs"}, "обо": {"loct"}, "при": {"loct"}, "из": {"gent"}, "от": {"gent"}, "у": {"gent"},
        "для": {"gent"}, "без": {"gent"}, "до": {"gent"}, "после": {"gent"}, "около": {"gent"}, "против": {"gent"},
        "среди": {"gent"}, "из-за": {"gent"}, "из-под": {"gent"}, "вокруг": {"gent"}, "со": {"ablt", "gent"},
        "с": {"ablt", "gent"}, "к": {"datv"}, "ко": {"datv"}, "по": {"datv", "loct", "accs"}, "благодаря": {"datv"},
        "согласно": {"datv"}, "вопреки": {"datv"}, "под": {"ablt", "accs"}, "над": {"ablt"}, "между": {"ablt"},
        "перед": {"ablt"}, "за": {"ablt", "accs"}, "через": {"accs"}, "про": {"accs"}, "сквозь": {"accs"},
    },
    "uk": {
        "в": {"accs", "loct"}, "у": {"accs", "loct", "gent"}, "на": {"accs", "loct"}, "при": {"loct"},
        "по": {"loct", "datv", "accs"}, "з": {"gent", "ablt", "accs"}, "із": {"gent", "ablt"}, "зі": {"gent", "ablt"},
        "від": {"gent"}, "для": {"gent"}, "без": {"gent"}, "до": {"gent"}, "після": {"gent"}, "біля": {"gent"},
        "проти": {"gent"}, "серед": {"gent"}, "навколо": {"gent"}, "з-під": {"gent"}, "через": {"accs"},
        "про": {"accs"}, "крізь": {"accs"}, "під": {"ablt", "accs"}, "над": {"ablt"}, "між": {"ablt"},
        "перед": {"ablt"}, "за": {"ablt", "accs"}, "завдяки": {"datv"}, "всупереч": {"datv"}, "згідно": {"ablt"},
    },
}  # fmt: skip


@dataclass(frozen=True, slots=True)
class TermCheck:
    """How one glossary term of the source came out in the translation."""

    entry_id: str
    status: str  # approved | alternative | avoided | missing | fixed | review
    found: str = ""  # the rendering found in the translation
    fixed_to: str = ""


@dataclass(frozen=True, slots=True)
class Enforced:
    """A translation after term enforcement: the text, what changed, what to look at."""

    text: str
    raw: str
    checks: tuple[TermCheck, ...]
    findings: tuple[Finding, ...]

    @property
    def changed(self) -> bool:
        return self.text != self.raw


def expected_renderings(entry: GlossaryEntry, target: TargetTerm, hit: TermHit, lang: str) -> list[str]:
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


def check_segment(source_hits: Sequence[TermHit], translation: str, glossary: Glossary, lang: str) -> Enforced:
    """Verify every source term in ``translation`` and fix avoided renderings where the case is certain."""
    by_id = glossary.by_id()
    text_words = words(translation)
    protected: list[tuple[int, int]] = []  # word windows holding an approved rendering of some term
    plans: list[tuple[GlossaryEntry, TargetTerm, TermHit]] = []
    for hit in source_hits:
        entry = by_id.get(hit.entry_id)
        target = entry.target(lang) if entry else None
        if entry is None or target is None:
            continue
        plans.append((entry, target, hit))
        for rendering in expected_renderings(entry, target, hit, lang):
            protected.extend(find_phrase(rendering, text_words, lang))

    checks: list[TermCheck] = []
    findings: list[Finding] = []
    replacements: dict[tuple[int, int], str] = {}
    for entry, target, hit in plans:
        if any(c.entry_id == entry.id for c in checks):
            continue  # one verdict per entry and segment
        check = _check_entry(entry, target, hit, translation, text_words, protected, lang)
        if check.status == "avoided" and entry.type is not EntryType.PATTERN:
            for start, end, analysis in _avoided_windows(target, translation, text_words, protected, lang):
                window = (start, end)
                fixed, reason = inflect_replacement(target, text_words, window, translation, lang, analysis)
                before = translation[text_words[window[0]].start : text_words[window[1] - 1].end]
                if fixed is None:
                    check = TermCheck(entry.id, "review", before)
                    findings.append(
                        _finding(
                            "term-needs-review",
                            Severity.WARNING,
                            f"«{before}» should be «{target.term}» ({entry.id}), but {reason}; left as it is",
                            entry.id,
                        )
                    )
                    continue
                replacements[window] = fixed
                check = TermCheck(entry.id, "fixed", before, fixed)
                findings.append(
                    _finding("term-fixed", Severity.INFO, f"«{before}» → «{fixed}» ({entry.id}: avoid «{before}»)", entry.id)
                )
        elif check.status == "missing":
            findings.append(
                _finding(
                    "term-missing",
                    Severity.WARNING,
                    f"source has “{hit.surface}”; the translation lacks «{expected_renderings(entry, target, hit, lang)[0]}» "
                    f"({entry.id})",
                    entry.id,
                )
            )
        checks.append(check)
    text = _apply(translation, text_words, replacements)
    return Enforced(text=text, raw=translation, checks=tuple(checks), findings=tuple(findings))


def _check_entry(
    entry: GlossaryEntry,
    target: TargetTerm,
    hit: TermHit,
    translation: str,
    text_words: Sequence[Word],
    protected: list[tuple[int, int]],
    lang: str,
) -> TermCheck:
    if entry.type is EntryType.DO_NOT_TRANSLATE:
        return TermCheck(entry.id, "approved" if target.term in translation else "missing")
    if entry.type is EntryType.PATTERN:
        numbers = [value for _, value in hit.groups]
        rendered = expected_renderings(entry, target, hit, lang)[0]
        head = target.head or rendered.split()[0]
        has_head = any(same_lexeme(head, w.text, lang) for w in text_words)
        has_numbers = all(re.search(rf"(?<!\d){re.escape(n)}(?!\d)", translation) for n in numbers)
        return TermCheck(entry.id, "approved" if has_head and has_numbers else "missing", rendered)
    renderings = expected_renderings(entry, target, hit, lang)
    for index, rendering in enumerate(renderings):
        if find_phrase(rendering, text_words, lang):
            return TermCheck(entry.id, "approved" if index == 0 else "alternative", rendering)
    if _avoided_windows(target, translation, text_words, protected, lang):
        return TermCheck(entry.id, "avoided")
    return TermCheck(entry.id, "missing")


# MT into Ukrainian often leaks Russian forms (Харькова, Донбасса): avoided renderings
# are also looked up with the Russian dictionary.
ALSO_ANALYSE_AS = {"uk": "ru"}


def _avoided_windows(
    target: TargetTerm, translation: str, text_words: Sequence[Word], protected: list[tuple[int, int]], lang: str
) -> list[tuple[int, int, str]]:
    """(start, end, language whose dictionary matched) of avoided renderings outside approved ones."""
    windows: list[tuple[int, int, str]] = []
    for avoided in sorted(target.avoid, key=lambda a: -len(a.split())):
        for analysis in (lang, ALSO_ANALYSE_AS.get(lang)):
            if analysis is None:
                continue
            for start, end in find_phrase(avoided, text_words, analysis):
                taken = [*protected, *((s, e) for s, e, _ in windows)]
                if not any(start < e and s < end for s, e in taken) and not _in_foreign_quote(
                    translation, text_words, start, end, lang
                ):
                    windows.append((start, end, analysis))
    return sorted(windows)


_QUOTED = re.compile(r"«[^«»]*»|“[^“”]*”|\"[^\"]*\"")


def _in_foreign_quote(translation: str, text_words: Sequence[Word], start: int, end: int, lang: str) -> bool:
    """Is the phrase inside quotation marks holding words of another language (a Russian channel's name)?

    Such a quotation is reproduced as written; its words are not the translator's to change.
    """
    text_start, text_end = text_words[start].start, text_words[end - 1].end
    for quote in _QUOTED.finditer(translation):
        if quote.start() < text_start and text_end < quote.end():
            others = [w for w in text_words if quote.start() < w.start < quote.end() and not text_start <= w.start < text_end]
            if any(w.text[:1].islower() and not is_known(w.text, lang) for w in others):
                return True
    return False


def inflect_replacement(
    target: TargetTerm,
    text_words: Sequence[Word],
    window: tuple[int, int],
    translation: str,
    lang: str,
    analysis: str | None = None,
) -> tuple[str | None, str]:
    """The approved term in the case and number of the phrase at ``window``, or (None, why not).

    ``analysis`` names the dictionary that recognised the phrase (Russian for a
    Russian form leaked into Ukrainian output); the term is inflected in ``lang``.
    """
    phrase = [w.text for w in text_words[window[0] : window[1]]]
    if not target.declines:
        return _sentence_case(target.term, phrase, text_words, window, translation), ""
    analysis = analysis or lang
    readings = phrase_readings(phrase, analysis)
    options = narrow_by_context({(case, number) for case, number, _ in readings}, text_words, window, translation, analysis)
    if not options:
        return None, "its case could not be determined"
    forms = {option: inflect_term(target, *option, lang) for option in sorted(options)}
    results = {form for form in forms.values() if form is not None}
    if not results:
        return None, "the approved term has no form for it in the dictionary"
    if len(results) > 1:
        shown = ", ".join(f"{case} {number}" for case, number in sorted(o for o, f in forms.items() if f))
        return None, f"its case is ambiguous ({shown}) and the forms differ"
    chosen = {o for o, f in forms.items() if f is not None}
    gender_changes = _changes_agreement(target, readings, chosen, lang)
    if gender_changes and any(case == "nomn" for case, _ in chosen):
        return None, "the approved term has another gender or number, so words outside the phrase (a verb) would change"
    if gender_changes and _RELATIVE.match(translation[text_words[window[1] - 1].end :]):
        return None, "the approved term has another gender, so the relative pronoun after it would change"
    previous = text_words[window[0] - 1].text.lower() if window[0] > 0 else ""
    fixed_first = results.copy().pop()[:1].lower()
    if lang == "uk" and previous == "в" and fixed_first in "вфу":
        return None, "before this word the preposition must be «у», not «в»"
    vowel = fixed_first in "аоуэиы"
    if lang == "ru" and ((previous == "о" and vowel) or (previous == "об" and not vowel)):
        return None, "the preposition «о»/«об» before it would have to change"
    return _sentence_case(results.pop(), phrase, text_words, window, translation), ""


def _sentence_case(fixed: str, phrase: Sequence[str], text_words: Sequence[Word], window: tuple[int, int], text: str) -> str:
    """Capitalise the replacement where it opens a sentence, as the phrase did."""
    start = text_words[window[0]].start
    if phrase[0][:1].isupper() and (start == 0 or text[:start].rstrip()[-1:] in '.!?«"“—'):
        return fixed[:1].upper() + fixed[1:]
    return fixed


def phrase_readings(phrase: Sequence[str], lang: str) -> set[tuple[str, str, str]]:
    """(case, number, gender) readings of an avoided phrase: its head's, agreeing with its modifiers.

    Words from the first preposition on («в дії», «по контракту») are a fixed
    complement; the head is the first word before it that can only be a noun
    («военных» may be a noun, but in «военных упражнениях» the head is
    «упражнениях»), else a noun, else the last word, read as an adjective
    used as a noun («убитых в бою»).
    """
    government = GOVERNMENT.get(lang, {})
    cut = next((i for i, word in enumerate(phrase) if i and word.lower() in government), len(phrase))
    core = phrase[:cut]
    nouns = [i for i, word in enumerate(core) if dictionary_parse_any(word, lang, NOUNS)]
    pure = [i for i in nouns if not dictionary_parse_any(core[i], lang, MODIFIERS)]
    head = (pure or nouns or [len(core) - 1])[0]
    readings = noun_readings(core[head], lang)
    if not readings and not nouns:
        readings = {(c, n, "") for c, n in case_number_options(core[head], _lemma_candidates(core[head], lang), lang, MODIFIERS)}
    modifier_options: set[tuple[str, str]] | None = None
    for word in core[:head]:
        agreeing = case_number_options(word, _lemma_candidates(word, lang), lang, MODIFIERS)
        if agreeing:
            modifier_options = agreeing if modifier_options is None else modifier_options & agreeing
    if not readings and modifier_options:
        # An unknown head (a loanword, a misspelling): the adjectives still show the case.
        return {(case, number, "") for case, number in modifier_options}
    if not readings and core[head].isupper():
        # An unknown acronym (ТЦК) does not decline: any case, singular; context decides.
        return {(case, "sing", "") for case in CASES}
    if modifier_options is not None:
        readings = {r for r in readings if (r[0], r[1]) in modifier_options}
    return readings


def noun_readings(word: str, lang: str) -> set[tuple[str, str, str]]:
    out = set()
    for parse in parses(word.lower(), lang):
        if parse.tag.POS in NOUNS and parse.tag.case in CASES:
            out.add((parse.tag.case, number_of(parse.tag), parse.tag.gender or ""))
    return out


def narrow_by_context(
    options: set[tuple[str, str]], text_words: Sequence[Word], window: tuple[int, int], translation: str, lang: str
) -> set[tuple[str, str]]:
    """Keep the readings the words before the phrase allow.

    A preposition governs its cases; the prepositional (locative) case needs a
    preposition; a noun right before a noun phrase takes it in the genitive
    («командир батальона»); a phrase opening the sentence is its subject.
    """
    if not options:
        return options
    start = window[0]
    previous = text_words[start - 1] if start > 0 else None
    between = translation[previous.end : text_words[start].start] if previous else ""
    government = GOVERNMENT.get(lang, {})
    governed = government.get(previous.text.lower()) if previous is not None and not between.strip() else None
    if governed:
        return {o for o in options if o[0] in governed} or options
    narrowed = {o for o in options if o[0] != "loct"} or options
    if previous is not None and not between.strip():
        counted = _after_numeral(previous.text, lang)
        if counted:
            return {o for o in narrowed if o in counted} or narrowed
        if dictionary_parse_any(previous.text, lang, ("VERB", "INFN")):
            negated = start > 1 and text_words[start - 2].text.lower() in ("не", "ни")
            genitive = {o for o in narrowed if o[0] == "gent"}
            if negated and genitive:
                return genitive  # genitive of negation: «не получил вещевого довольствия»
            return {o for o in narrowed if o[0] not in ("gent",)} or narrowed
    # Skip adjectives that agree with the phrase from outside it («Российские военнослужащие ...»).
    j = start
    while j > 0 and not translation[text_words[j - 1].end : text_words[j].start].strip():
        agreeing = case_number_options(text_words[j - 1].text, _lemma_candidates(text_words[j - 1].text, lang), lang, MODIFIERS)
        if not agreeing or not (agreeing & narrowed) or government.get(text_words[j - 1].text.lower()):
            break
        narrowed = narrowed & agreeing
        j -= 1
    before = translation[: text_words[j].start].rstrip()
    if not before or before[-1] in '.!?:;—«"(':
        subject = {o for o in narrowed if o[0] == "nomn"}
        return subject or narrowed
    after_noun = (
        j == start
        and previous is not None
        and not between.strip()
        and dictionary_parse_any(previous.text, lang, NOUNS)
        and not dictionary_parse_any(previous.text, lang, ("VERB", "INFN"))
    )
    genitive = {o for o in narrowed if o[0] == "gent"}
    if after_noun and genitive:
        return genitive
    return narrowed


# Words after which a noun is counted, and the forms they take.
_QUANTIFIERS = {
    "ru": {"несколько", "много", "немало", "мало", "сколько", "столько", "сотни", "тысячи", "десятки", "большинство", "около"},
    "uk": {
        "кілька",
        "декілька",
        "багато",
        "чимало",
        "мало",
        "скільки",
        "стільки",
        "сотні",
        "тисячі",
        "десятки",
        "близько",
        "найбільше",
        "більшість",
    },
}


_RELATIVE = re.compile(r",\s+(котор|яку|яка|який|яке|які|якої|якого)", re.IGNORECASE)


def _after_numeral(word: str, lang: str) -> set[tuple[str, str]]:
    """The (case, number) a counted noun takes after ``word``: «500 солдат», «2 солдата», «3 солдати»."""
    if word.isdigit():
        value = int(word)
        if value % 10 == 1 and value % 100 != 11:
            return {("nomn", "sing"), ("accs", "sing")}
        if 2 <= value % 10 <= 4 and not 12 <= value % 100 <= 14:
            return {("gent", "sing")} if lang == "ru" else {("nomn", "plur"), ("accs", "plur")}
        return {("gent", "plur")}
    if word.lower() in _QUANTIFIERS.get(lang, set()):
        return {("gent", "plur")}
    return set()


def _changes_agreement(target: TargetTerm, readings: set[tuple[str, str, str]], chosen: set[tuple[str, str]], lang: str) -> bool:
    """Would a subject's replacement need a verb to change? (a new gender in the singular)"""
    head_word = target.head or target.term.split()[0]
    head = dictionary_parse(head_word, lang, NOUNS)
    if head is None or not head.tag.gender:
        return False
    genders = {gender for case, number, gender in readings if (case, number) in chosen and number == "sing" and gender}
    return bool(genders) and head.tag.gender not in genders and "Ms-f" not in head.tag.grammemes


def dictionary_parse_any(word: str, lang: str, pos: tuple[str, ...]) -> bool:
    return any(p.tag.POS in pos for p in parses(word.lower(), lang))


def _lemma_candidates(word: str, lang: str) -> set[str]:
    return set(lemmas(word, lang))


def inflect_term(target: TargetTerm, case: str, number: str, lang: str) -> str | None:
    """``target.term`` in ``case`` and ``number``: head and agreeing modifiers inflect, the tail stays."""
    term = target.term
    if not target.declines:
        return term
    tail = target.tail or ""
    body = term[: len(term) - len(tail)].rstrip() if tail and term.endswith(tail) else term
    parts = body.split()
    head_index = parts.index(target.head) if target.head in parts else _first_noun(parts, lang)
    if head_index is None:
        return None
    head = dictionary_parse(parts[head_index], lang, NOUNS) or dictionary_parse(parts[head_index], lang, (*NOUNS, *MODIFIERS))
    if head is None:
        return None
    head_form = inflect_word(head, {case, number}, lang)
    if head_form is None:
        return None
    out = list(parts)
    out[head_index] = match_case(parts[head_index], head_form)
    gender = head.tag.gender
    animacy = head.tag.animacy
    for i in range(head_index):
        modifier = dictionary_parse(parts[i], lang, MODIFIERS)
        if modifier is None:
            continue  # an invariable word (a number, a name in quotes): leave it
        wanted = {case, number}
        if number == "sing" and gender:
            wanted.add(gender)
        if case == "accs" and animacy and (number == "plur" or gender == "masc"):
            wanted.add(animacy)  # accusative of animate masculine and plural = genitive
        form = inflect_word(modifier, wanted, lang)
        if form is None and case == "accs" and animacy:
            # Dictionaries without animacy on adjectives: the accusative of inanimate
            # nouns is the nominative, of animate ones the genitive.
            wanted = (wanted - {case, animacy}) | {"nomn" if animacy == "inan" else "gent"}
            form = inflect_word(modifier, wanted, lang)
        if form is None:
            return None
        out[i] = match_case(parts[i], form)
    result = " ".join(out)
    return f"{result} {tail}" if tail and term.endswith(tail) else result


def _first_noun(parts: Sequence[str], lang: str) -> int | None:
    for i, word in enumerate(parts):
        if dictionary_parse(word, lang, NOUNS) is not None:
            return i
    return None


def _apply(text: str, text_words: Sequence[Word], replacements: dict[tuple[int, int], str]) -> str:
    out = text
    for (i, j), new in sorted(replacements.items(), reverse=True):
        out = out[: text_words[i].start] + new + out[text_words[j - 1].end :]
    return out


def _finding(check: str, severity: Severity, message: str, entry_id: str) -> Finding:
    return Finding("", None, severity, check, message, entry_id)
