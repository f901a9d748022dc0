"""Check and fix glossary terms in a translation, for Russian and Ukrainian: the stages in order.

For every glossary term of the English segment whose sense applies there
(``glossary.sense``), ``locate`` finds the words of the translation that
render it; for each wrong rendering ``evidence`` gathers what is known
about it (a quotation around it, another country's name after it,
another term's rendering overlapping it), ``rewrite`` works out the
approved term's form in its place and what outside it must agree (with
``phrase`` and ``syntax``), and ``decide`` says whether to replace or to
flag. Precision comes first: a translation is changed only when the wrong
words are certainly this term's rendering and the new words certainly
fit; otherwise it stays as it is and is flagged with the span and the
suggested form. Findings are written from the typed checks at the end.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, replace

from pipeline.decide import Action, Facts, decide
from pipeline.evidence import SourceTerm, calque_doubt, is_noun_adjunct, window_facts, word_span
from pipeline.glossary.sense import applies
from pipeline.locate import (
    Evidence,
    Located,
    find_phrase,
    locate,
    renderings,
)
from pipeline.model import EntryType, Finding, Glossary, Severity, Span, TermCheck, TermHit, TermStatus
from pipeline.morphology import (
    Word,
    same_lexeme,
    words,
)
from pipeline.rewrite import Plan, plan_replacement
from pipeline.syntax import GENDER_WORDS, disagreeing_predicate, place_preposition


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


def check_segment(
    source: str, hits: Sequence[TermHit], translation: str, glossary: Glossary, lang: str, fix: bool = True
) -> Enforced:
    """Verify every source term in ``translation`` and fix wrong renderings where certain; see the module docstring.

    ``fix=False`` for a person's translation: nothing is changed; what would
    have been fixed is reported as ``WRONG`` with the form to use.
    """
    by_id = glossary.by_id()
    text_words = words(translation)
    checks: list[TermCheck] = []
    terms: list[SourceTerm] = []
    located_by_surface: dict[tuple[str, str, tuple[tuple[str, str], ...]], list[Located]] = {}
    for hit in hits:
        entry = by_id.get(hit.entry_id)
        target = entry.target(lang) if entry is not None else None
        if entry is None or target is None:
            continue
        if not applies(entry, source, hit):
            checks.append(TermCheck(entry.id, TermStatus.OTHER_SENSE, Span(hit.start, hit.end)))
            continue
        # The same term said again finds the same words: located once per distinct surface.
        key = (entry.id, hit.surface, hit.groups)
        if key not in located_by_surface:
            located_by_surface[key] = locate(entry, target, hit, translation, text_words, lang)
        located = list(located_by_surface[key])
        terms.append(SourceTerm(hit, entry, target, located, noun_adjunct=is_noun_adjunct(source, hit.start, hit.end)))

    accepted = [(loc.start, loc.end) for term in terms for loc in term.located if loc.evidence.accepted]
    claims: dict[tuple[int, int], set[str]] = defaultdict(set)  # wrong-rendering windows, by the entries that claim them
    for term in terms:
        for loc in term.located:
            # Another term's rendering may sit inside a wrong phrase («заступник командира полку по тилу» holds
            # «полку»), as long as the fix keeps it (checked below); one that straddles its edge rules it out.
            straddles = [
                a for a in accepted if a[0] < loc.end and loc.start < a[1] and not (loc.start <= a[0] and a[1] <= loc.end)
            ]
            if not loc.evidence.accepted and not straddles and (loc.start, loc.end) not in accepted:
                claims[(loc.start, loc.end)].add(term.entry.id)

    outcomes: list[tuple[TermCheck, Plan | None]] = [(check, None) for check in checks]
    groups: dict[str, list[SourceTerm]] = defaultdict(list)
    for term in terms:
        groups[term.entry.id].append(term)
    for group in groups.values():
        outcomes += _check_group(group, source, translation, text_words, claims, glossary, lang)
    outcomes = _keep_other_renderings(_drop_colliding(outcomes), text_words, lang)
    if not fix:
        outcomes = [(_left_as_written(check), None) if plan is not None else (check, plan) for check, plan in outcomes]
    text, final = _apply(translation, text_words, outcomes)
    findings = tuple(f for check in final if (f := _check_finding(check, source, glossary, lang)) is not None)
    return Enforced(text=text, raw=translation, checks=tuple(final), findings=findings)


def _check_group(
    group: list[SourceTerm],
    source: str,
    translation: str,
    text_words: Sequence[Word],
    claims: dict[tuple[int, int], set[str]],
    glossary: Glossary,
    lang: str,
) -> list[tuple[TermCheck, Plan | None]]:
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
    out: list[tuple[TermCheck, Plan | None]] = []
    pending = list(group)
    for start, end, loc in accepted[: len(pending)]:
        term = pending.pop(0)
        status = TermStatus.APPROVED if loc.evidence is Evidence.APPROVED else TermStatus.ALTERNATIVE
        span = word_span(text_words, start, end)
        found = translation[span.start : span.end]
        check = TermCheck(entry.id, status, _source_span(term), found, span, span, loc.phrase, evidence=loc.evidence)
        plan = None
        place = place_preposition(text_words, start, end, first.target.preposition, lang)
        if place is not None:
            wanted, certain = place
            before = word_span(text_words, start - 1, end)
            fixed = f"{wanted} {found}"
            plan = Plan(start - 1, end, fixed) if certain else None
            check = replace(
                check,
                status=TermStatus.FIXED if certain else TermStatus.REVIEW,
                found=translation[before.start : before.end],
                found_span=before,
                target=before,
                fixed_to=fixed if certain else "",
                suggestion="" if certain else fixed,
                reason=f"«{first.target.term}» takes «в»{'' if certain else '/«у»'}, not «на»",
            )
        gender = first.target.gender
        if check.status is not TermStatus.REVIEW and (
            predicate := disagreeing_predicate(gender, text_words, start, end, translation, lang)
        ):
            check = replace(
                check,
                status=TermStatus.REVIEW,
                suggestion="",
                reason=f"«{predicate}» after it does not agree with «{found}», which is {GENDER_WORDS[gender]}",
            )
        out.append((check, plan))
    # A calque that may be a paraphrase gives way to firmer evidence for the same term (a name left in Latin letters).
    firm = [
        loc
        for loc in wrong
        if loc.evidence is not Evidence.CALQUE
        or not calque_doubt(first.target, text_words, loc.start, loc.end, translation, lang)
    ]
    wrong = firm or wrong
    surplus = len(wrong) > len(pending)
    for index, loc in enumerate(wrong if pending else []):
        term = pending[min(index, len(pending) - 1)]
        facts, plan, suggestion = _facts(term, loc, source, translation, text_words, claims, glossary, lang, surplus)
        decision = decide(facts)
        found_span = word_span(text_words, loc.start, loc.end)
        found = translation[found_span.start : found_span.end]
        if decision.action is Action.REPLACE and plan is not None:
            plan_span = word_span(text_words, plan.start, plan.end)
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
    term: SourceTerm,
    loc: Located,
    source: str,
    translation: str,
    text_words: Sequence[Word],
    claims: dict[tuple[int, int], set[str]],
    glossary: Glossary,
    lang: str,
    surplus: bool,
) -> tuple[Facts, Plan | None, str]:
    """Everything ``decide`` needs about one wrong window, the replacement it would make, and the form to suggest."""
    start, end, facts = window_facts(term, loc, source, translation, text_words, claims, glossary, lang, surplus)
    found = plan_replacement(term, loc, start, end, translation, text_words, lang)
    facts = replace(facts, forms=found.forms, form_problem=found.form_problem, agreement_problem=found.agreement_problem)
    return facts, found.plan, found.suggestion


def _pattern_check(term: SourceTerm, translation: str, text_words: Sequence[Word], lang: str) -> TermCheck:
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
    span = word_span(text_words, heads[0], heads[0] + 1)
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


def _source_span(term: SourceTerm) -> Span:
    return Span(term.hit.start, term.hit.end)


def _merged(windows: list[tuple[int, int, Located]]) -> list[tuple[int, int, Located]]:
    """Accepted windows, overlapping ones counted once (an alternative inside the approved rendering)."""
    out: list[tuple[int, int, Located]] = []
    for start, end, loc in sorted(windows, key=lambda w: (w[0], -(w[1] - w[0]))):
        if out and start < out[-1][1]:
            continue
        out.append((start, end, loc))
    return out


def _drop_colliding(outcomes: list[tuple[TermCheck, Plan | None]]) -> list[tuple[TermCheck, Plan | None]]:
    """Two replacements touching the same words would garble them: neither is made; both are flagged."""

    def touched_by(plan: Plan) -> set[int]:
        return {*range(plan.start, plan.end), *(c.index for c in plan.outside)}

    counts: dict[int, int] = defaultdict(int)
    for _, plan in outcomes:
        for k in touched_by(plan) if plan is not None else ():
            counts[k] += 1
    out: list[tuple[TermCheck, Plan | None]] = []
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


def _keep_other_renderings(
    outcomes: list[tuple[TermCheck, Plan | None]], text_words: Sequence[Word], lang: str
) -> list[tuple[TermCheck, Plan | None]]:
    """A fix that would remove another term's approved rendering from inside its words is not made, only flagged."""
    kept = [c for c, _ in outcomes if c.status in (TermStatus.APPROVED, TermStatus.ALTERNATIVE) and c.found_span]
    out: list[tuple[TermCheck, Plan | None]] = []
    for check, plan in outcomes:
        if plan is not None:
            span = word_span(text_words, plan.start, plan.end)
            inside = [
                c
                for c in kept
                if c.found_span is not None
                and c.entry_id != check.entry_id
                and span.start <= c.found_span.start
                and c.found_span.end <= span.end
            ]
            lost = next((c for c in inside if not find_phrase(c.rendering, words(plan.new), lang)), None)
            if lost is not None:
                reason = f"the fix would drop «{lost.found}», the rendering of {lost.entry_id}"
                check = replace(
                    check,
                    status=TermStatus.REVIEW,
                    target=check.found_span,
                    suggestion=check.fixed_to,
                    fixed_to="",
                    reason=reason,
                )
                plan = None
        out.append((check, plan))
    return out


def _left_as_written(check: TermCheck) -> TermCheck:
    """A certain fix not made, because the text is a person's: the wrong words stay marked, with the form to use."""
    return replace(check, status=TermStatus.WRONG, target=check.found_span, suggestion=check.fixed_to)


def _apply(text: str, text_words: Sequence[Word], outcomes: list[tuple[TermCheck, Plan | None]]) -> tuple[str, list[TermCheck]]:
    """The text with every planned change made, and each fixed check's rendering span in the new text."""
    edits: list[tuple[int, int, str, int | None]] = []  # (start, end, new text, index of the outcome it fixes)
    for index, (_, plan) in enumerate(outcomes):
        if plan is None:
            continue
        span = word_span(text_words, plan.start, plan.end)
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
    if check.status is TermStatus.WRONG:
        return _finding(
            "term-avoided",
            Severity.ERROR,
            f"«{check.found}» is a wrong rendering of “{surface}” ({entry.id}: {check.reason}); use «{check.fixed_to}»",
            entry.id,
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
