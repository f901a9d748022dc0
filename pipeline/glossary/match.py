"""Find glossary terms in English text: inflection-aware, longest match first.

All term forms go into one token trie (words normalized for plural and
possessive endings, case folded unless the entry is case-sensitive), so a
text is scanned once whatever the glossary's size: the cost per word is a
dictionary lookup, not a loop over entries. Pattern entries ("Military
Unit No. 21005") are joined into one regular expression.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from pipeline.model import EntryType, Glossary, GlossaryEntry, TermHit

_TOKEN = re.compile(r"\w+(?:['’]\w+)*")
# What may stand between two words of one term: spaces, hyphens, slashes, apostrophes.
_SPACE_JOINT = re.compile(r"[\s\-‐‑–/'’]+")
_DOT_JOINT = re.compile(r"[\s'’]*\.[\s\-‐‑–/'’]*")
_SPACE, _DOT, _OTHER = 0, 1, 2
_END = "\x00"  # trie key under which a node stores the entries ending there


def singular(word: str) -> str:
    """A crude English singular, applied alike to terms and text, so both meet."""
    lower = word.lower()
    if len(word) <= 3:
        return word
    if lower.endswith("men") and len(word) > 4:
        return word[:-3] + ("MAN" if word.isupper() else "man")
    if lower.endswith("ies") and len(word) > 4:
        return word[:-3] + ("Y" if word.isupper() else "y")
    if lower.endswith(("sses", "shes", "ches", "xes", "zes")):
        return word[:-2]
    if lower.endswith("s") and not lower.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def word_key(token: str) -> str:
    """The case-preserving key of a word: no possessive, singular, straight apostrophe."""
    if token.endswith(("'s", "’s")):
        token = token[:-2]
    return singular(token.replace("’", "'"))


def _joint(between: str) -> int:
    if not between or _SPACE_JOINT.fullmatch(between):
        return _SPACE
    if _DOT_JOINT.fullmatch(between):
        return _DOT
    return _OTHER


@dataclass(slots=True)
class _Node:
    children: dict[str, _Node] = field(default_factory=dict)
    dot_ok: bool = False  # the term has a period before this word ("St. Petersburg")
    entries: list[int] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class _Token:
    start: int
    end: int
    exact: str
    folded: str
    joint_before: int


class _Words:
    """The words of a text in parallel lists, keys memoized: the hot path of matching."""

    __slots__ = ("ends", "exact", "folded", "starts", "text")

    def __init__(self, text: str, memo: dict[str, tuple[str, str]]) -> None:
        self.text = text
        self.starts: list[int] = []
        self.ends: list[int] = []
        self.exact: list[str] = []
        self.folded: list[str] = []
        for match in _TOKEN.finditer(text):
            word = match.group()
            keys = memo.get(word)
            if keys is None:
                key = word_key(word)
                keys = memo[word] = (key, key.casefold())
            self.starts.append(match.start())
            self.ends.append(match.end())
            self.exact.append(keys[0])
            self.folded.append(keys[1])

    def joint_before(self, j: int) -> int:
        between = self.text[self.ends[j - 1] : self.starts[j]]
        return _SPACE if between == " " else _joint(between)


def tokenize(text: str) -> list[_Token]:
    """Words with their keys and the kind of gap before each (used for glossary terms)."""
    words = _Words(text, {})
    return [
        _Token(start, end, exact, folded, words.joint_before(j) if j else _SPACE)
        for j, (start, end, exact, folded) in enumerate(zip(words.starts, words.ends, words.exact, words.folded, strict=True))
    ]


class TermMatcher:
    """A glossary compiled for matching; build once, call ``find`` per text."""

    def __init__(self, glossary: Glossary) -> None:
        self.entries: tuple[GlossaryEntry, ...] = glossary.entries
        self._folded = _Node()  # case-insensitive forms
        self._exact = _Node()  # case-sensitive forms
        patterns: list[str] = []
        self._pattern_groups: dict[str, tuple[int, list[tuple[str, str]]]] = {}
        for index, entry in enumerate(self.entries):
            if entry.type is EntryType.PATTERN and entry.pattern:
                patterns.append(self._pattern_alternative(index, entry))
                continue
            for form in entry.forms:
                self._insert(index, entry, form)
        # Patterns are tried only where a word starts, which keeps one pass over the text cheap.
        self._pattern = re.compile(r"(?<!\w)(?=\w)(?:" + "|".join(patterns) + ")") if patterns else None
        self._memo: dict[str, tuple[str, str]] = {}

    def _insert(self, index: int, entry: GlossaryEntry, form: str) -> None:
        tokens = tokenize(form)
        if not tokens:
            return
        if entry.case_sensitive:
            keys = [t.exact for t in tokens]
            self._add(self._exact, keys, tokens, index)
            # A lower-case term starting a sentence is still the term.
            if keys[0][:1].islower():
                self._add(self._exact, [keys[0][:1].upper() + keys[0][1:], *keys[1:]], tokens, index)
        else:
            self._add(self._folded, [t.folded for t in tokens], tokens, index)

    @staticmethod
    def _add(root: _Node, keys: list[str], tokens: list[_Token], index: int) -> None:
        node = root
        for position, (key, token) in enumerate(zip(keys, tokens, strict=True)):
            node = node.children.setdefault(key, _Node())
            if position and token.joint_before == _DOT:
                node.dot_ok = True
        if index not in node.entries:
            node.entries.append(index)

    def _pattern_alternative(self, index: int, entry: GlossaryEntry) -> str:
        names: list[tuple[str, str]] = []

        def rename(match: re.Match[str]) -> str:
            inner = f"g{index}_{match.group(2)}"
            names.append((match.group(2), inner))
            return f"{match.group(1)}{inner}"

        body = re.sub(r"(\(\?P<)(\w+)(?=>)", rename, entry.pattern or "")
        body = re.sub(r"\(\?P=(\w+)\)", lambda m: f"(?P=g{index}_{m.group(1)})", body)
        flags = "" if entry.case_sensitive else "(?i)"
        self._pattern_groups[f"e{index}"] = (index, names)
        return f"(?P<e{index}>{'(?i:' if flags else '(?:'}{body})(?!\\w))"

    def find(self, text: str) -> tuple[TermHit, ...]:
        """Non-overlapping hits, leftmost first, the longest at each place."""
        candidates = list(self._trie_candidates(text))
        patterned = list(self._pattern_candidates(text))
        if patterned:
            # Both lists are already in text order: timsort merges such runs in linear time.
            candidates.extend(patterned)
            candidates.sort(key=lambda c: (c[0], c[0] - c[1], c[2]))
        hits: list[TermHit] = []
        taken_until = -1
        for start, end, index, groups in candidates:
            if start < taken_until:
                continue
            hits.append(TermHit(self.entries[index].id, start, end, text[start:end], groups))
            taken_until = end
        return tuple(hits)

    def _trie_candidates(self, text: str) -> Iterator[tuple[int, int, int, tuple[tuple[str, str], ...]]]:
        words = _Words(text, self._memo)
        folded_root, exact_root = self._folded.children, self._exact.children
        count = len(words.starts)
        folded, exact = words.folded, words.exact
        for i in range(count):
            first_folded, first_exact = folded_root.get(folded[i]), exact_root.get(exact[i])
            if first_folded is None and first_exact is None:
                continue  # most words start no term: one lookup each and on
            best: tuple[int, int] | None = None  # (last word index, entry index)
            for node, keys in ((first_folded, folded), (first_exact, exact)):
                j = i
                while node is not None:
                    if node.entries and (best is None or j > best[0] or (j == best[0] and node.entries[0] < best[1])):
                        best = (j, node.entries[0])
                    j += 1
                    if j >= count:
                        break
                    child = node.children.get(keys[j])
                    if child is None:
                        break
                    joint = words.joint_before(j)
                    if joint == _OTHER or (joint == _DOT and not child.dot_ok):
                        break
                    node = child
            if best is not None:
                yield words.starts[i], words.ends[best[0]], best[1], ()

    def _pattern_candidates(self, text: str) -> Iterator[tuple[int, int, int, tuple[tuple[str, str], ...]]]:
        if self._pattern is None:
            return
        for match in self._pattern.finditer(text):
            name = match.lastgroup
            if name is None or name not in self._pattern_groups:
                continue
            index, names = self._pattern_groups[name]
            groups = tuple((public, match.group(inner)) for public, inner in names if match.group(inner) is not None)
            yield match.start(), match.end(), index, groups
