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
    Word,
    case_number_options,
    dictionary_parse,
    inflect_word,
    match_case,
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
            for start, end, analysis in _avoided_windows(target, text_words, protected, lang):
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
    if _avoided_windows(target, text_words, protected, lang):
        return TermCheck(entry.id, "avoided")
    return TermCheck(entry.id, "missing")


# MT into Ukrainian often leaks Russian forms (Харькова, Донбасса): avoided renderings
# are also looked up with the Russian dictionary.
ALSO_ANALYSE_AS = {"uk": "ru"}


def _avoided_windows(
    target: TargetTerm, text_words: Sequence[Word], protected: list[tuple[int, int]], lang: str
) -> list[tuple[int, int, str]]:
    """(start, end, language whose dictionary matched) of avoided renderings outside approved ones."""
    windows: list[tuple[int, int, str]] = []
    for avoided in sorted(target.avoid, key=lambda a: -len(a.split())):
        for analysis in (lang, ALSO_ANALYSE_AS.get(lang)):
            if analysis is None:
                continue
            for start, end in find_phrase(avoided, text_words, analysis):
                taken = [*protected, *((s, e) for s, e, _ in windows)]
                if not any(start < e and s < end for s, e in taken):
                    windows.append((start, end, analysis))
    return sorted(windows)


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
    options = phrase_case_options(phrase, lang if analysis is None else analysis)
    if window[0] > 0:
        governed = GOVERNMENT.get(lang, {}).get(text_words[window[0] - 1].text.lower())
        if governed:
            options = {o for o in options if o[0] in governed} or options
    if not options:
        return None, "its case could not be determined"
    forms = {option: inflect_term(target, *option, lang) for option in sorted(options)}
    results = {form for form in forms.values() if form is not None}
    if None in forms.values() or not results:
        return None, "the approved term has no form for it in the dictionary"
    if len(results) > 1:
        readings = ", ".join(f"{case} {number}" for case, number in sorted(options))
        return None, f"its case is ambiguous ({readings}) and the forms differ"
    fixed = results.pop()
    start = text_words[window[0]].start
    if phrase[0][:1].isupper() and (start == 0 or translation[:start].rstrip()[-1:] in '.!?«"“—'):
        fixed = fixed[:1].upper() + fixed[1:]
    return fixed, ""


def phrase_case_options(phrase: Sequence[str], lang: str) -> set[tuple[str, str]]:
    """(case, number) readings of an avoided phrase: its nouns' readings, agreeing with its modifiers."""
    nouns = [i for i, word in enumerate(phrase) if dictionary_parse_any(word, lang, NOUNS)]
    head = nouns[0] if nouns else len(phrase) - 1
    options = case_number_options(phrase[head], _lemma_candidates(phrase[head], lang), lang, NOUNS)
    if not options:
        # Unknown abbreviations (СОБР) parse as anything; try every reading.
        options = case_number_options(phrase[head], _lemma_candidates(phrase[head], lang), lang, (*NOUNS, *MODIFIERS))
    for word in phrase[:head]:
        agreeing = case_number_options(word, _lemma_candidates(word, lang), lang, MODIFIERS)
        if agreeing:
            options &= agreeing
    return options


def dictionary_parse_any(word: str, lang: str, pos: tuple[str, ...]) -> bool:
    from pipeline.morphology import parses

    return any(p.tag.POS in pos for p in parses(word.lower(), lang))


def _lemma_candidates(word: str, lang: str) -> set[str]:
    from pipeline.morphology import lemmas

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
