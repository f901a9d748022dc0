"""Keep reviewed work when re-running: merge a fresh catalog into the existing one.

The rules follow msgmerge: a translation in the existing file is never
dropped or overwritten; a sentence whose source changed keeps its old
translation as fuzzy with the previous source recorded; sentences gone
from the article become obsolete entries.
"""

from __future__ import annotations

import difflib

import polib

# How alike an old and a new source must be for the old translation to carry over as fuzzy.
SIMILARITY = 0.6


def merge_catalog(fresh: polib.POFile, existing: polib.POFile | None) -> polib.POFile:
    """Return ``fresh`` with every translation from ``existing`` carried over.

    Obsolete entries count too: a sentence deleted and later restored gets
    its old translation back instead of an empty one.
    """
    if existing is None:
        return fresh
    live = {entry.msgctxt: entry for entry in existing if not entry.obsolete}
    buried = {entry.msgctxt: entry for entry in existing if entry.obsolete}
    unused = {**buried, **live}  # live entries win a (theoretical) id clash
    exact = set()
    for entry in fresh:
        old = live.get(entry.msgctxt) or buried.get(entry.msgctxt)
        if old is not None and old.msgid == entry.msgid:
            unused.pop(entry.msgctxt, None)
            exact.add(entry.msgctxt)
            _carry(entry, old, changed_source=False)
    # Second pass: sentences whose source changed (their id changed with the text).
    for entry in fresh:
        if entry.msgctxt in exact:
            continue
        match = _closest(entry.msgid, [e for e in unused.values() if e.msgstr])
        if match is not None:
            unused.pop(match.msgctxt, None)
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
    entry.flags = flags


def _closest(text: str, candidates: list[polib.POEntry]) -> polib.POEntry | None:
    best, best_ratio = None, SIMILARITY
    for candidate in candidates:
        matcher = difflib.SequenceMatcher(None, text, candidate.msgid, autojunk=False)
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
