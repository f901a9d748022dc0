"""Keep reviewed work when re-running: merge a fresh catalog into the existing one.

The rules follow msgmerge: a translation in the existing file is never
dropped or overwritten; a sentence whose source changed keeps its old
translation as fuzzy with the previous source recorded; sentences gone
from the article become obsolete entries.
"""

from __future__ import annotations

import difflib
import re
from collections import Counter

import polib

# How alike an old and a new source must be for the old translation to carry over as fuzzy.
SIMILARITY = 0.6


def merge_catalog(fresh: polib.POFile, existing: polib.POFile | None) -> polib.POFile:
    """Return ``fresh`` with every translation from ``existing`` carried over.

    Obsolete entries count too: a sentence deleted and later restored gets
    its old translation back instead of an empty one. Old entries are kept
    by identity, not by id: ids ignore case and quotation style, so a live
    and an obsolete entry (or two obsolete ones) may share one, and each
    keeps its translation.
    """
    if existing is None:
        return fresh
    old_entries = [entry for entry in existing if not entry.obsolete] + [entry for entry in existing if entry.obsolete]
    unused: dict[int, polib.POEntry] = {id(entry): entry for entry in old_entries}
    by_text: dict[tuple[str, str], polib.POEntry] = {}
    by_id: dict[str, list[polib.POEntry]] = {}
    for entry in old_entries:  # live first: of two with the same text the live one wins
        by_text.setdefault((entry.msgctxt or "", entry.msgid), entry)
        by_id.setdefault(entry.msgctxt or "", []).append(entry)
    exact = set()
    for entry in fresh:
        old = by_text.get((entry.msgctxt or "", entry.msgid))
        if old is not None and id(old) in unused:
            del unused[id(old)]
            exact.add(id(entry))
            _carry(entry, old, changed_source=False)
    # Second pass: sentences whose source changed. The same id means the same words in another case, quotation
    # style or spacing: that old entry first; else the closest old source with a translation.
    index = _SimilarityIndex([e for e in unused.values() if e.msgstr])
    for entry in fresh:
        if id(entry) in exact:
            continue
        same = [e for e in by_id.get(entry.msgctxt or "", []) if id(e) in unused and e.msgstr]
        match = same[0] if same else index.closest(entry.msgid, unused)
        if match is not None:
            del unused[id(match)]
            _carry(entry, match, changed_source=True)
    for old in unused.values():
        if old.msgstr or old.tcomment or old.obsolete:
            old.obsolete = True
            fresh.append(old)
    _keep_header_edits(fresh, existing)
    return fresh


def _carry(entry: polib.POEntry, old: polib.POEntry, changed_source: bool) -> None:
    if old.tcomment:
        entry.tcomment = old.tcomment
    if not old.msgstr:
        return
    entry.msgstr = old.msgstr
    flags = [f for f in entry.flags if f != "fuzzy"]
    if changed_source:
        entry.previous_msgid = old.msgid
        entry.previous_msgctxt = old.msgctxt
        flags.append("fuzzy")
    elif "fuzzy" in old.flags:
        flags.append("fuzzy")
        # Still waiting for review after a source change: the reviewer still needs to see what it was.
        entry.previous_msgid = old.previous_msgid
        entry.previous_msgctxt = old.previous_msgctxt
    entry.flags = flags


_WORD = re.compile(r"\w+")
RAREST_WORDS = 8  # of a new source, the words looked up: the rarest say most about which old source it was
CANDIDATES = 20  # old sources compared in full, those sharing most of those words
# Old sources looked at per new one, at most: a text of only common words would otherwise visit most of the file.
# Past this, a changed sentence may miss its old translation (which stays in the file as obsolete, not lost).
VISIT_BUDGET = 400


class _SimilarityIndex:
    """Old sources by their words, so a changed sentence is compared with a few likely old ones, not with all.

    A source at least ``SIMILARITY`` alike shares most of its words with
    the new one, so it is among the old sources sharing the new one's
    rarest words; comparing only those keeps merging near-linear in the
    size of the file (a 20,000-entry PO: see `make bench`).
    """

    def __init__(self, entries: list[polib.POEntry]) -> None:
        self.postings: dict[str, list[polib.POEntry]] = {}
        for entry in entries:
            for word in set(_words(entry.msgid)):
                self.postings.setdefault(word, []).append(entry)

    def closest(self, text: str, unused: dict[int, polib.POEntry]) -> polib.POEntry | None:
        words = sorted(set(_words(text)), key=lambda w: len(self.postings.get(w, ())))
        shared: Counter[int] = Counter()
        entries: dict[int, polib.POEntry] = {}
        budget = VISIT_BUDGET
        for word in words[:RAREST_WORDS]:
            for entry in self.postings.get(word, ())[:budget]:
                if id(entry) in unused:
                    shared[id(entry)] += 1
                    entries[id(entry)] = entry
            budget -= len(self.postings.get(word, ()))
            if budget <= 0:
                break
        return _closest(text, [entries[key] for key, _ in shared.most_common(CANDIDATES)])


def _words(text: str) -> list[str]:
    return [w.lower() for w in _WORD.findall(text)]


def _closest(text: str, candidates: list[polib.POEntry]) -> polib.POEntry | None:
    best, best_ratio = None, SIMILARITY
    # The new text is the matcher's second sequence: difflib indexes that one, once, for every candidate.
    matcher = difflib.SequenceMatcher(None, autojunk=False)
    matcher.set_seq2(text)
    for candidate in candidates:
        matcher.set_seq1(candidate.msgid)
        if matcher.real_quick_ratio() < best_ratio or matcher.quick_ratio() < best_ratio:
            continue
        ratio = matcher.ratio()
        if ratio > best_ratio:
            best, best_ratio = candidate, ratio
    return best


def _keep_header_edits(fresh: polib.POFile, existing: polib.POFile) -> None:
    """A reviewer's name and team in the header survive re-runs."""
    for key in ("Last-Translator", "Language-Team"):
        value = existing.metadata.get(key)
        if value:
            fresh.metadata[key] = value
    if existing.header:
        fresh.header = existing.header
