"""Does an entry's sense apply where its English term was found? The `context:` patterns of the glossary.

A pattern is English words around the term, which is written ``~``:
"{foreign} ~" (a foreign country or nationality right before the term:
"Ukraine's National Guard", "the Texas National Guard"), "~ of {foreign}",
"in ~" ("in general"), "Kremlin ~". Words match case-insensitively; a
class in braces matches any of its words (``pipeline/data/context.yaml``,
a possessive and a leading "the" allowed); ``{number}`` and ``{ordinal}``
match figures ("25", "25th"), ``*`` any one word and ``...`` any words of the
sentence ("~ ... Ukrainian command": that phrase later in it). An entry does not
apply where an ``unless`` pattern matches, and, when it has ``only``
patterns, applies only where one of them matches.
"""

from __future__ import annotations

import functools
import re
from importlib import resources

from pipeline.model import GlossaryEntry, TermHit
from pipeline.yamlio import load_yaml

_TOKEN = re.compile(r"\{[a-z-]+\}|~|\.\.\.|\*|[^\s{}~*]+")
_GAP = r"[\s\-‐‑–]+"
BUILTIN = {
    "number": r"\d+(?:[.,]\d+)?",
    "ordinal": r"\d+(?:st|nd|rd|th)|first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth",
    "name": r"[A-Z][\w'’.-]*",
}


@functools.cache
def word_classes() -> dict[str, tuple[str, ...]]:
    """The word classes of ``data/context.yaml``."""
    text = resources.files("pipeline.data").joinpath("context.yaml").read_text("utf-8")
    data = load_yaml(text, "pipeline/data/context.yaml") or {}
    return {str(name): tuple(str(word) for word in words) for name, words in data.items()}


def pattern_problem(pattern: str) -> str:
    """What is wrong with a context pattern, or "" when it is fine."""
    tokens = _TOKEN.findall(pattern)
    if tokens.count("~") != 1:
        return "write the term as ~ exactly once, e.g. '{foreign} ~' or '~ of {foreign}'"
    for token in tokens:
        if token.startswith("{"):
            name = token[1:-1]
            if name not in BUILTIN and name not in word_classes():
                known = ", ".join(sorted({*BUILTIN, *word_classes()}))
                return f"unknown word class {token}; use one of {known} (classes live in pipeline/data/context.yaml)"
    return ""


def _token_regex(token: str) -> str:
    if token == "*":
        return r"[\w'’.-]+"
    if token.startswith("{"):
        name = token[1:-1]
        if name in BUILTIN:
            return f"(?:{BUILTIN[name]})"
        members = sorted(word_classes()[name], key=len, reverse=True)
        alternatives = "|".join(re.escape(m).replace(r"\ ", _GAP) for m in members)
        return rf"(?:the{_GAP})?(?:{alternatives})(?:['’]s)?"
    return re.escape(token)


def _joined(tokens: list[str]) -> str:
    """Tokens as one regex: words joined by spaces or hyphens, ``...`` by anything within the sentence."""
    out = ""
    for k, token in enumerate(tokens):
        if token == "...":
            out += r"(?:[^.!?]*?)"
            continue
        if k and tokens[k - 1] != "...":
            out += _GAP
        elif k:
            out += r"(?<![\w'’])"
        out += _token_regex(token)
    return out


@functools.lru_cache(maxsize=4096)
def compile_pattern(pattern: str) -> tuple[re.Pattern[str] | None, re.Pattern[str] | None]:
    """(left, right): regexes for the words before the term (matched at the end of the text before it) and after it."""
    tokens = _TOKEN.findall(pattern)
    cut = tokens.index("~")
    left, right = tokens[:cut], tokens[cut + 1 :]
    left_re = None
    if left:
        tail = "" if left[-1] == "..." else _GAP
        left_re = re.compile(r"(?<![\w'’.-])" + _joined(left) + tail + r"$", re.IGNORECASE)
    right_re = None
    if right:
        head = "" if right[0] == "..." else _GAP
        right_re = re.compile(r"^" + head + _joined(right) + r"(?![\w'’-])", re.IGNORECASE)
    return left_re, right_re


# How far around a term a context pattern looks: a long sentence's worth with ``...``, a few words without.
# Bounded, so a text with no sentence ends (a 5 MB paragraph) costs the same per term as a short one,
# instead of a scan of everything before it.
SENTENCE_REACH = 1000
WORDS_REACH = 200


def pattern_matches(pattern: str, source: str, hit: TermHit) -> bool:
    """Does ``pattern`` match the words around ``hit`` in ``source``?"""
    left, right = compile_pattern(pattern)
    reach = SENTENCE_REACH if "..." in pattern else WORDS_REACH
    if left is not None and not left.search(source[max(0, hit.start - reach) : hit.start]):
        return False
    return right is None or bool(right.search(source[hit.end : hit.end + reach]))


def applies(entry: GlossaryEntry, source: str, hit: TermHit) -> bool:
    """Is ``hit`` in ``source`` this entry's sense, by its context patterns?"""
    if any(pattern_matches(p, source, hit) for p in entry.context.unless):
        return False
    return not entry.context.only or any(pattern_matches(p, source, hit) for p in entry.context.only)
