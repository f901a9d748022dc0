"""Is a located window this term's rendering? The facts ``decide`` weighs, gathered from the text around it.

A window may hold more words than were located (an adjective of the old
rendering, a repeated tail); it may sit inside a quotation or a title,
be followed by another country's name, be part of another entry's
rendering, or be a calque that could also be a paraphrase.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

from pipeline.decide import Facts
from pipeline.locate import (
    FUNCTION_WORDS,
    Evidence,
    Located,
    Vocabulary,
    anchor,
    anchor_lemma,
    find_phrase,
    vocabulary,
)
from pipeline.model import EntryType, Glossary, GlossaryEntry, Span, TargetTerm, TermHit
from pipeline.morphology import (
    CASES,
    MODIFIERS,
    NOUNS,
    Word,
    case_of,
    common_parses,
    fold,
    gender_of,
    lemmas,
    number_of,
    same_lexeme,
    words,
)
from pipeline.phrase import Reading, prepositions, shape
from pipeline.syntax import outer_modifiers

OPEN_QUOTES = "«„“"
CLOSE_QUOTES = "»“”"


_RUSSIA = {"ru": {"россия", "рф", "российский", "федерация"}, "uk": {"росія", "рф", "російський", "федерація"}}


@dataclass(slots=True)
class SourceTerm:
    """A source term being checked: its hit, entry, target and what was located for it."""

    hit: TermHit
    entry: GlossaryEntry
    target: TargetTerm
    located: list[Located] = field(default_factory=list)
    # The English term modifies the noun after it («a POW exchange»): its number says nothing about the translation's.
    noun_adjunct: bool = False


_ENGLISH_FUNCTION_WORDS = frozenset(
    "a an the of in on at to for from with by as and or but nor was is were are be been has had have will would "
    "can could may might must should who whom whose which that this these those said says told after before "
    "during since until while when where if than then also not".split()
)


_DETERMINERS = frozenset("a an the this that his her its their our my your each every".split())


def is_noun_adjunct(source: str, start: int, end: int) -> bool:
    """Is the term between a determiner and a lowercase content word («a POW exchange»), so likely modifying it?"""
    before = re.search(r"([A-Za-z]+)[ \t]+$", source[:start])
    following = re.match(r"[ \t]+([a-z][a-z-]*)", source[end:])
    return (
        before is not None
        and before.group(1).lower() in _DETERMINERS
        and following is not None
        and following.group(1) not in _ENGLISH_FUNCTION_WORDS
    )


def _extend(term: SourceTerm, loc: Located, text_words: Sequence[Word], text: str, lang: str) -> tuple[int, int]:
    """The window grown over words that would otherwise be left behind or said twice.

    An adjective before it that is one of the entry's words belongs to the
    old rendering («военного призывного пункта» → «военкомата», not
    «военного военкомата»); words after it that repeat the approved
    term's tail would be doubled («звільнення з військової служби з військової служби»).
    """
    start, end = loc.start, loc.end
    if loc.evidence is Evidence.LATIN:
        # «Фонд Free Yakutia»: the word before is the approved term's own first word («фонд „Вільна Якутія“»).
        first = words(term.target.term)[:1]
        adjacent = start > 0 and not text[text_words[start - 1].end : text_words[start].start].strip()
        if first and adjacent and lemmas(text_words[start - 1].text, lang) & lemmas(first[0].text, lang):
            return start - 1, end
        return start, end
    vocab = vocabulary(term.target, lang)
    options = {Reading(c, n) for c in CASES for n in ("sing", "plur")}
    outside = outer_modifiers(text_words, start, text, options, lang)
    implied = _implied_adjectives(term.target, lang)
    while outside and start > 0 and lemmas(text_words[start - 1].text, lang) & (vocab.all | implied):
        start -= 1
        outside -= 1
    start = _governing_rendering(vocab, text_words, start, text, lang)
    tail = term.target.tail or ""
    tail_words = [w.text for w in words(tail)]
    if tail_words and end + len(tail_words) <= len(text_words):
        following = text_words[end : end + len(tail_words)]
        if all(same_lexeme(t, w.text, lang) for t, w in zip(tail_words, following, strict=True)):
            end += len(tail_words)
    return start, end


def _governing_rendering(vocab: Vocabulary, text_words: Sequence[Word], start: int, text: str, lang: str) -> int:
    """Where the rendering starts when the window is the genitive of one of the entry's own head nouns before it.

    «Федеральная служба [национальной гвардии]»: «служба» heads an
    alternative («Федеральная служба войск национальной гвардии»), so the
    whole phrase renders the term.
    """
    if start == 0 or text[text_words[start - 1].end : text_words[start].start].strip():
        return start
    noun = text_words[start - 1].text
    if not lemmas(noun, lang) & vocab.heads or not common_parses(noun, lang, NOUNS):
        return start
    genitive = any(case_of(p.tag) == "gent" for p in common_parses(text_words[start].text, lang, (*NOUNS, *MODIFIERS)))
    if not genitive:
        return start
    head = start - 1
    options = {Reading(c, n) for c in CASES for n in ("sing", "plur")}
    before = outer_modifiers(text_words, head, text, options, lang)
    first = head
    while before and first > 0 and lemmas(text_words[first - 1].text, lang) & vocab.all:
        first -= 1
        before -= 1
    return first


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


def calque_doubt(target: TargetTerm, text_words: Sequence[Word], start: int, end: int, text: str, lang: str) -> str:
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


def _variant_doubt(text_words: Sequence[Word], start: int, end: int, lang: str) -> str:
    """A variant is certain unless its head is an adjective that may belong to something else."""
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


def _other_entry(
    entry: GlossaryEntry, text_words: Sequence[Word], start: int, end: int, glossary: Glossary, lang: str, exact: bool
) -> str:
    """Is the window part of a longer approved rendering of another entry here («Национальная гвардия Украины»)?

    ``exact``: or is it, word for word, another entry's rendering («строкова
    служба» for “military service”: a narrower term the translator chose)?
    """
    keys = set().union(*(lemmas(w.text, lang) for w in text_words[start:end]))
    for other in _renderings_by_lemma(glossary, lang, frozenset(keys)):
        other_id, rendering, size = other
        if other_id == entry.id or size < end - start or (size == end - start and not exact):
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
    return following if is_place_genitive(following, lang) else ""


def is_place_genitive(word: str, lang: str) -> bool:
    """A place name in the genitive (Казахстана, США), not a person or a body: «декрет Путина» is still a decree,
    «рота ОМОН» still a company. The Ukrainian dictionary does not mark places: any capitalised inanimate noun
    that is not an acronym of a body counts there."""
    if not word[:1].isupper():
        return False
    found = [p for p in common_parses(word, lang, NOUNS) if case_of(p.tag) in ("gent", "")]
    if lang == "uk":
        return any("inan" in p.tag.grammemes and "Abbr" not in p.tag.grammemes for p in found) or (
            word.isupper() and any("Fixd" in p.tag.grammemes and "plur" in p.tag for p in found)
        )
    return any("Geox" in p.tag.grammemes for p in found)


def incomplete(target: TargetTerm, text_words: Sequence[Word], end: int, lang: str, surface: str = "") -> str:
    """Does the phrase go on past the window? An adjective of a noun after it («Красноярський крайовий суд»),
    a place name depending on its last noun («суд гарнізону Нальчика»), an English word of the same term
    left in Latin letters («військовослужбовців Rosgvardiya»), or a genitive that may render the approved
    term's complement («оставлении подразделения»): the window is not the whole rendering."""
    if end >= len(text_words):
        return ""
    last, following = text_words[end - 1].text, text_words[end].text
    if following.isascii() and following.isalpha() and following.lower() in surface.lower().split():
        return f"«{following}» after it is part of the same term, left in English"
    if _modifies(last, following, lang):
        return f"its last word belongs to «{following}» after it"
    if common_parses(last, lang, NOUNS) and not common_parses(last, lang, MODIFIERS) and is_place_genitive(following, lang):
        return f"«{following}» after it depends on its last word"
    return _complement_after(target, text_words, end, lang)


def _complement_after(target: TargetTerm, text_words: Sequence[Word], end: int, lang: str) -> str:
    """The approved term ends in a complement («самовольное оставление части») and a genitive noun follows the
    window («оставлении подразделения»): that noun may render the complement, which the fix would add twice."""
    approved = shape(target.term, lang, target.head, target.tail)
    if approved is None or approved.head + 1 >= len(approved.words) or end >= len(text_words):
        return ""
    complement = approved.words[approved.head + 1 :]

    def genitive_noun(word: str) -> bool:  # a declined one: an indeclinable noun («по» the note) shows no case
        return word.lower() not in prepositions(lang) and any(
            case_of(p.tag) == "gent" and "Fixd" not in p.tag.grammemes for p in common_parses(word, lang, NOUNS)
        )

    # The complement a genitive noun phrase; the window ends before one (its last word is no genitive).
    if not any(genitive_noun(w.text) for w in complement) or genitive_noun(text_words[end - 1].text):
        return ""
    following = text_words[end].text
    if genitive_noun(following):
        rest = approved.text[approved.words[approved.head + 1].start :]
        return f"«{following}» after it may render the «{rest}» of the approved term"
    return ""


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
        elif ch in OPEN_QUOTES and not (ch == "“" and stack and text[stack[-1]] == "„"):
            stack.append(k)
        elif ch in CLOSE_QUOTES and stack:
            spans.append((stack.pop(), k))
    return spans


def word_span(text_words: Sequence[Word], start: int, end: int) -> Span:
    return Span(text_words[start].start, text_words[end - 1].end)


def overlaps(window: tuple[int, int], others: Sequence[tuple[int, int]]) -> bool:
    return any(window[0] < e and s < window[1] for s, e in others)


def window_facts(
    term: SourceTerm,
    loc: Located,
    source: str,
    translation: str,
    text_words: Sequence[Word],
    claims: dict[tuple[int, int], set[str]],
    glossary: Glossary,
    lang: str,
    surplus: bool,
) -> tuple[int, int, Facts]:
    """The window grown to the words it takes with it, and what ``decide`` needs to know about it."""
    entry, target = term.entry, term.target
    start, end = _extend(term, loc, text_words, translation, lang)
    window = (start, end)
    contested = len(claims.get((loc.start, loc.end), ())) > 1 or any(
        other != (loc.start, loc.end) and overlaps(other, [window]) and entry.id not in owners for other, owners in claims.items()
    )
    span = word_span(text_words, start, end)
    if loc.evidence is Evidence.CALQUE:
        doubt = calque_doubt(target, text_words, start, end, translation, lang)
    elif loc.evidence is Evidence.VARIANT:
        doubt = _variant_doubt(text_words, start, end, lang)
    else:
        doubt = ""
    facts = Facts(
        evidence=loc.evidence,
        quoted=_quoted(translation, span.start, span.end) or _quoted(source, term.hit.start, term.hit.end),
        other_entry=_other_entry(entry, text_words, start, end, glossary, lang, exact=loc.evidence is not Evidence.AVOIDED),
        qualifier=_qualifier(target, text_words, end, translation, lang),
        contested=contested,
        surplus=surplus,
        calque_doubt=doubt,
        incomplete=incomplete(target, text_words, end, lang, term.hit.surface) if loc.evidence is not Evidence.AVOIDED else "",
    )
    return start, end, facts
