"""Sentence segmentation for news text, with exact offsets.

Rules, not a statistical model: every decision is made at a candidate
boundary (terminal punctuation, optional closing quotes or brackets, then
whitespace) by looking at the word before it and the words after it. The
abbreviation lists live in ``data/segmentation.yaml`` so that maintainers
can extend them without touching code.

An abbreviation that may end a sentence (U.S., a.m., Inc., Jr., etc.) is
judged by what kind of word it is and by evidence about the next words:
a function word or an opening quotation starts a sentence; a place
abbreviation goes on into a title or an organisation ("the U.S. Army") but
not into a name ("the E.U. Moscow called"); a time goes on only into a day,
a date or a time zone ("5 a.m. Moscow time"); a name suffix goes on only
into more of the name or a title before a name ("Kama Motor Co. President
Igor Semyonov"). Whether a word is a name comes from its frequency as a
word (wordfreq), its spelling and CLDR's English names of places and
languages (babel).

Segments never include surrounding whitespace and the gaps between them
are whitespace only, so joining segments with the original gaps gives the
paragraph back.
"""

from __future__ import annotations

import bisect
import functools
import hashlib
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import NamedTuple

from pipeline.errors import ConfigError
from pipeline.model import Segment, Span
from pipeline.yamlio import load_yaml

OPENERS = "\"'“‘«„(["
CLOSERS = "\"'”’»“‘)]"

# A candidate boundary: terminal punctuation, closing quotes or brackets that
# hug it, then whitespace. Spaced ellipses come first so that ". . . ." is one
# token and not four periods.
_CANDIDATE = re.compile(
    r"""
    (?P<punct>
        (?:\.\ ){2,}\.      # spaced ellipsis ". . ." or ". . . ."
      | \.{2,}              # "..." or "...."
      | …+
      | [!?][!?.]*          # "!", "?!", "??", "?."
      | \.
    )
    (?P<close>["'”’»“‘)\]]*)
    (?P<ws>\s+)
    """,
    re.VERBOSE,
)

_URL = re.compile(r"""\b(?:https?://|www\.)[^\s<>"]*[^\s<>".,;:!?)\]'”’]""")
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_WORD = re.compile(r"[\w’'-]+")
_BRACKET = re.compile(r"[()\[\]]")
_NOT_OPENER = re.compile(rf"[^{re.escape(OPENERS)}]")
_ALNUM = re.compile(r"[^\W_]")  # what str.isalnum() accepts: \w without the underscore
# How much text after a boundary the rules read (a quoted attribution's name and verb of saying).
_LOOKAHEAD = 80
_INITIALS = re.compile(r"(?:[A-Za-z]\.)+[A-Za-z]")
_SINGLE_LETTER = re.compile(r"[A-Za-z]")
# A left piece that is only a list marker: "1.", "1.)", "a.", "• 9.", "⁃10."
_MARKER_ONLY = re.compile(r"(?:[•⁃\-*]\s*)?(?:\d{1,3}|[A-Za-z]|[ivxIVX]{1,4})[.)]\)?")
# "At 5 a.m." and the like: a fronted time adverbial cannot be a whole sentence.
_FRONTED_TIME = re.compile(
    r"(?:at|by|before|after|until|till|since|from|around|about)\s+\d{1,2}(?::\d\d)?\s+[ap]\.m\.",
    re.IGNORECASE,
)


@dataclass(frozen=True, slots=True)
class SegmentationRules:
    """Word lists that steer boundary decisions (see data/segmentation.yaml)."""

    prepositive: frozenset[str]
    number_only: frozenset[str]
    ambiguous: frozenset[str]
    never_final: frozenset[str]
    sentence_starters: frozenset[str]
    reporting_verbs: frozenset[str]
    places: frozenset[str] = frozenset()
    times: frozenset[str] = frozenset()
    name_suffixes: frozenset[str] = frozenset()
    list_final: frozenset[str] = frozenset()
    units: frozenset[str] = frozenset()
    time_zones: frozenset[str] = frozenset()


_RULE_KEYS = (
    "prepositive",
    "number_only",
    "ambiguous",
    "never_final",
    "sentence_starters",
    "reporting_verbs",
    "places",
    "times",
    "name_suffixes",
    "list_final",
    "units",
    "time_zones",
)


def load_rules(path: Path | None = None, extra: Path | None = None) -> SegmentationRules:
    """Read the segmentation rules; ``extra`` adds a user's own words to each list."""
    base = _read_rule_file(path) if path else _read_packaged_rules()
    if extra is not None:
        more = _read_rule_file(extra)
        base = {key: base.get(key, frozenset()) | more.get(key, frozenset()) for key in _RULE_KEYS}
    return SegmentationRules(**{key: base.get(key, frozenset()) for key in _RULE_KEYS})


def _read_packaged_rules() -> dict[str, frozenset[str]]:
    text = resources.files("pipeline.data").joinpath("segmentation.yaml").read_text("utf-8")
    return _parse_rules(text, "pipeline/data/segmentation.yaml")


def _read_rule_file(path: Path) -> dict[str, frozenset[str]]:
    try:
        text = path.read_text("utf-8")
    except OSError as exc:
        raise ConfigError(f"cannot read segmentation rules ({exc.strerror})", str(path)) from exc
    return _parse_rules(text, str(path))


def _parse_rules(text: str, where: str) -> dict[str, frozenset[str]]:
    data = load_yaml(text, where) or {}
    if not isinstance(data, dict):
        raise ConfigError("expected a mapping of list names to word lists", where, 1)
    unknown = sorted(set(data) - set(_RULE_KEYS))
    if unknown:
        raise ConfigError(f"unknown list {unknown[0]!r}; use one of: {', '.join(_RULE_KEYS)}", where)
    out: dict[str, frozenset[str]] = {}
    for key, words in data.items():
        # Words are one space-separated string: YAML lists would turn "no" and "on" into booleans.
        if not isinstance(words, str):
            raise ConfigError(f"{key!r} must be words separated by spaces, e.g. {key}: mr dr gen", where)
        out[key] = frozenset(w.lower().rstrip(".") for w in words.split())
    return out


@functools.cache
def default_rules() -> SegmentationRules:
    """The packaged rules, read once."""
    return load_rules()


def split_sentences(text: str, rules: SegmentationRules | None = None) -> tuple[Span, ...]:
    """Split ``text`` into sentence spans that cover it exactly, but for whitespace."""
    rules = rules or default_rules()
    protected = _Reach.of(_protected_spans(text))
    list_cuts = _inline_list_cuts(text)
    list_starts = sorted(start for _, start in list_cuts)
    cuts: list[tuple[int, int]] = list(list_cuts)  # (end of left sentence, start of next)
    last_start = _skip_space(text, 0)
    # Where the sentence so far first has a letter or digit: the sentence start only moves forward, so one
    # search serves every candidate until the start passes it, instead of a rescan of the sentence at each.
    alnum_from, alnum_at = last_start, _first_alnum(text, last_start)
    for match in _CANDIDATE.finditer(text):
        punct_at = match.start("punct")
        if protected.covers(punct_at, match.end("close")):
            continue
        # "[...]" and "(!)" mark an omission or an aside, never an end.
        if punct_at > 0 and text[punct_at - 1] in "([":
            continue
        before = bisect.bisect_right(list_starts, punct_at)
        if before:
            last_start = max(last_start, list_starts[before - 1])
        if last_start < alnum_from or alnum_at < last_start:
            alnum_from, alnum_at = last_start, _first_alnum(text, last_start)
        cut = _decide(text, match, last_start, rules, alnum_at < match.end("close"))
        if cut is not None:
            cuts.append(cut)
            last_start = cut[1]
    return tuple(piece for span in _spans_from_cuts(text, sorted(set(cuts))) for piece in _capped(text, span))


# A sentence longer than this is cut at its last clause break (or space) before the limit: text with no sentence
# ends (a scraped page, a run-on list) would otherwise be one unit nobody can review, and every check of a
# segment grows with its length.
MAX_SEGMENT_CHARS = 1000
_CLAUSE_BREAK = re.compile(r"[;,:]\s+|\s+[—–]\s+")


def _capped(text: str, span: Span) -> list[Span]:
    pieces = []
    start, end = span.start, span.end
    while end - start > MAX_SEGMENT_CHARS:
        window = text[start : start + MAX_SEGMENT_CHARS]
        breaks = [m.end() for m in _CLAUSE_BREAK.finditer(window) if m.end() > MAX_SEGMENT_CHARS // 2]
        cut = breaks[-1] if breaks else (window.rfind(" ") + 1 or MAX_SEGMENT_CHARS)
        pieces.append(Span(start, _rstrip_end(text, start + cut)))
        start = _skip_space(text, start + cut)
    pieces.append(Span(start, end))
    return pieces


def _decide(
    text: str, match: re.Match[str], sentence_start: int, rules: SegmentationRules, left_has_alnum: bool
) -> tuple[int, int] | None:
    """Return the cut for a candidate boundary, or None when it is not one."""
    punct = match.group("punct")
    left_end = match.end("close")
    next_start = match.end("ws")
    # Only a short window after the boundary is ever looked at: slicing the rest of the text at every
    # candidate made long paragraphs quadratic.
    next_at = _skip_openers(text, next_start)
    if next_at == len(text):
        return None
    first = text[next_at]
    next_word = _first_word(text, next_at)
    following = text[next_at : next_at + _LOOKAHEAD]
    # The sentence so far without its outer whitespace, as bounds: copying it at every refused
    # candidate made a long run of abbreviations quadratic.
    left_from = min(_skip_space(text, sentence_start), left_end)
    left_to = max(_rstrip_end(text, left_end), left_from)

    # A piece with no letters or digits (". . .", a lone bullet) or only a list
    # marker ("1.", "a.") is not a sentence: it belongs to what follows.
    if not left_has_alnum or _MARKER_ONLY.fullmatch(text, left_from, left_to):
        return None
    if first.islower():
        return None

    if "." in punct and len(punct) > 1 and " " in punct:
        return _decide_spaced_ellipsis(text, match, punct, first)
    if punct.startswith(("..", "…")):
        return (left_end, next_start) if first.isupper() or first.isdigit() else None

    if punct[0] in "!?":
        if _is_quoted_attribution(match.group("close"), following, rules):
            return None
        return left_end, next_start

    # A single period: look at the word it ends.
    word_at = _word_start(text, match.start("punct"))
    prev = text[word_at : match.start("punct")].lstrip(OPENERS)
    key = prev.lower()
    if key in rules.never_final:
        return None
    if key in rules.number_only and first.isdigit():
        return None
    if key in rules.units and _number_before(text, word_at):
        # A unit symbol takes no period of its own: after a number, the period ends the sentence.
        return (left_end, next_start) if first.isupper() else None
    # "3 Gagarin St." is a street and ends a name; "St. Petersburg" is a saint and stands before one. Without a
    # house number ("Wall St. Journal") only a sentence starter after it says it was a street.
    suffix = key in rules.name_suffixes
    if key in rules.prepositive and suffix:
        street = _street(text, word_at, rules)
        if street is None:
            return None
        if street == "unnumbered":
            return (left_end, next_start) if next_word.lower() in rules.sentence_starters else None
    elif key in rules.prepositive:
        return None
    kind = _abbreviation_kind(key, suffix, rules)
    if kind is not None:
        if _FRONTED_TIME.fullmatch(text, left_from, left_to):
            return None
        words = _next_words(text, next_start)
        return (left_end, next_start) if _starts_sentence(kind, words, rules) else None
    if key in rules.ambiguous or _INITIALS.fullmatch(prev) or _SINGLE_LETTER.fullmatch(prev):
        if _FRONTED_TIME.fullmatch(text, left_from, left_to):
            return None
        if next_word.lower() in rules.sentence_starters:
            return left_end, next_start
        return None
    if match.group("close") and _is_quoted_attribution(match.group("close"), following, rules):
        return None
    return left_end, next_start


def _decide_spaced_ellipsis(text: str, match: re.Match[str], punct: str, first: str) -> tuple[int, int] | None:
    """Spaced ellipses follow the style guides' conventions.

    "word. . . . Next": a period ends the sentence and the ellipsis opens the
    next one. "word . . . . Next": ellipsis plus period end the sentence.
    "word . . . Next": an omission inside a sentence.
    """
    start = match.start("punct")
    attached = start > 0 and not text[start - 1].isspace()
    dots = punct.count(".")
    if not first.isupper():
        return None
    if attached and dots >= 4:
        # Only the first period belongs to the left sentence.
        return start + 1, start + 2
    if dots >= 4:
        return match.end("close"), match.end("ws")
    return None


# --- abbreviations that may end a sentence ----------------------------------------------------------------------
#
# Each kind says how the abbreviation is used inside a sentence, and so what the next words must look like for the
# sentence to go on; anything else after it starts a new sentence.

_TRAILING = ".,;:!?…" + CLOSERS
_QUOTES = "\"'“‘«„"
_POSSESSIVE = re.compile(r"['’]s?$")
_YEAR = re.compile(r"1[5-9]\d\d|20\d\d")
_ORDINAL = re.compile(r"\d+(?:st|nd|rd|th)", re.IGNORECASE)
# Finite verbs a sentence-initial year is followed by ("2023 was the peak year").
_AUXILIARIES = frozenset("is are was were has have had will would can could may might must should did does do".split())
# After "Jr." or "Co.", a capitalised noun followed by these goes on with the name ("the King Jr. Memorial in ...").
_NAME_LINKS = frozenset("of in at on".split())
_WEEKDAYS = frozenset("monday tuesday wednesday thursday friday saturday sunday".split())
_MONTHS = frozenset(
    "january february march april may june july august september october november december "
    "jan feb mar apr jun jul aug sep sept oct nov dec".split()
)
# wordfreq's Zipf scale: below 3 (under once per million words) a capitalised word is most likely a name
# (Ivanov 2.8, Gerasimov 1.9, Zelensky 1.8); titles and organisation words are above it (envoy 3.5, Navy 4.6).
RARE_WORD_ZIPF = 3.0


class _Word(NamedTuple):
    """A word after a candidate boundary, without its openers and trailing punctuation.

    A named tuple, not a frozen dataclass: four are made at every candidate after an abbreviation, and a frozen
    dataclass takes twice as long to build.
    """

    core: str
    key: str  # the form the rule lists use: lower case, a possessive dropped
    trail: str  # the punctuation after it, an abbreviation's own period included
    quoted: bool  # an opening quotation mark stands before it
    capitalised: bool


def _next_words(text: str, pos: int, count: int = 4) -> list[_Word]:
    """Up to ``count`` words from ``pos``, read from a short window only."""
    words = []
    for token in text[pos : pos + _LOOKAHEAD].split(maxsplit=count)[:count]:
        body = token.lstrip(OPENERS)
        core = body.rstrip(_TRAILING)
        if not core:
            continue
        key = core.lower().replace("’", "'")
        openers = token[: len(token) - len(body)]
        words.append(
            _Word(
                core=core,
                key=key[:-2] if key.endswith("'s") else key,
                trail=body[len(core) :],
                quoted=bool(openers) and any(q in openers for q in _QUOTES),
                capitalised=core[0].isupper(),
            )
        )
    return words


def _abbreviation_kind(key: str, suffix: bool, rules: SegmentationRules) -> str | None:
    """How the abbreviation goes on inside a sentence: "place", "time", "suffix", "list", or None for the rest."""
    if key in rules.places:
        return "place"
    if key in rules.times:
        return "time"
    if suffix:
        return "suffix"
    if key in rules.list_final:
        return "list"
    return None


def _number_before(text: str, word_at: int) -> bool:
    """Is the word that starts at ``word_at`` preceded by a number ("35 kg", "12.5 km")?"""
    return _word_ending_before(text, word_at)[-1:].isdigit()


def _street(text: str, word_at: int, rules: SegmentationRules) -> str | None:
    """Does the word at ``word_at`` end a street's name, and is there a house number before it?

    "numbered": "3 Gagarin St.", "5th St."; "unnumbered": "Tverskaya St."; None when no name stands before it
    ("in St. Petersburg", "Russia’s St. Petersburg").
    """
    end = _rstrip_end(text, word_at)
    start = _word_start(text, end)
    before = text[start:end]
    if _ORDINAL.fullmatch(before):
        return "numbered"
    if (
        not before[:1].isupper()
        or not before[-1:].isalnum()
        or _POSSESSIVE.search(before)
        or before.lower() in rules.sentence_starters
    ):
        return None
    return "numbered" if _number_before(text, start) else "unnumbered"


def _starts_sentence(kind: str, words: list[_Word], rules: SegmentationRules) -> bool:
    """After an abbreviation of ``kind``, do ``words`` start a new sentence?"""
    if not words:
        return False
    first, rest = words[0], words[1:]
    if first.core[:1].isdigit():
        # A sentence may start with a year and a verb; otherwise a number goes on ("the U.S. 82nd Airborne").
        return kind != "time" and bool(_YEAR.fullmatch(first.core)) and bool(rest) and rest[0].key in _AUXILIARIES
    if not first.capitalised:
        return False
    if first.quoted or kind == "list":
        return True
    if kind == "time":
        return not _is_time_phrase(words, rules)
    if first.key in rules.sentence_starters:
        return True
    following = rest[0] if rest and not first.trail else None
    if kind == "place":
        if first.key in rules.prepositive:
            return False  # a title: "U.S. Rep. Joe Wilson"
        if first.key in rules.places:
            return not (following and following.capitalised)  # "the U.K. U.S. officials" / "the U.S. U.N. Ambassador"
    else:
        if first.key in rules.name_suffixes:
            return False  # "Co. Ltd."
        if "." in first.core or first.key in rules.prepositive or first.key in rules.places:
            return True  # another abbreviation opens the next sentence: "Ltd. U.S. prosecutors", "Jr. Gen. Orlov"
    name = _is_name(first.core)
    if not name and following is not None and _is_place_pair(first, following):
        # "South Korea", "New York": the name is two words long.
        name, first, following = True, following, rest[1] if len(rest) > 1 and not following.trail else None
    if kind == "place":
        # A title or an organisation goes on ("the U.S. Army"), a name does not ("the E.U. Moscow called", "the U.S.
        # Ukraine’s allies"), unless it is an organisation's first word ("the U.S. Africa Command").
        if not name:
            return False
        return bool(_POSSESSIVE.search(first.core)) or not (following and following.capitalised)
    # kind == "suffix": "Inc.", "Jr.", "Gagarin St." end a name.
    if name:
        return True
    if first.trail[:1] in tuple(".,;:") or following is None:
        return False  # the name's last word: "on Martin Luther King Jr. Boulevard."
    if following.capitalised:
        return False  # a title before a name: "Kama Motor Co. President Igor Semyonov"
    # "Jr. Memorial in Washington" goes on; a plural ("Co. Officials in Moscow said") is a new subject.
    return not (following.key in _NAME_LINKS and not _is_plural(first.core))


def _is_time_phrase(words: list[_Word], rules: SegmentationRules) -> bool:
    """Does a clock time go on: a weekday, a date, a time zone ("10 a.m. Tuesday", "5 a.m. Moscow time")?"""
    first = words[0]
    following = words[1] if len(words) > 1 else None
    if first.key in _WEEKDAYS:
        return True
    if first.key in _MONTHS and following is not None and following.core[:1].isdigit():
        return True
    if first.key in rules.time_zones and (first.trail or following is None or not following.capitalised):
        return True  # "3 p.m. Eastern on Thursday", "1:15 a.m. GMT," but not "5 p.m. Eastern European diplomats"
    # "Moscow time", "Eastern Standard Time": capitalised words up to the word "time".
    for word in words[1:]:
        if word.key == "time":
            return True
        if not word.capitalised or word.trail:
            return False
    return False


def _is_plural(word: str) -> bool:
    """Is the word a common noun's plural ("Officials", "Industries")?"""
    lower = word.lower()
    if not lower.endswith("s") or lower.endswith("ss"):
        return False
    singular = lower[:-3] + "y" if lower.endswith("ies") else lower[:-1]
    return _zipf(singular) >= RARE_WORD_ZIPF


@functools.lru_cache(maxsize=8192)
def _is_name(word: str) -> bool:
    """Is a capitalised word a name rather than a word that starts a sentence or heads a title?

    Names are spelled with a capital inside (O’Neill, McCain), are a place or a language in CLDR's English names
    (Moscow, Ukraine, Ukrainian), or are rare as words (Ivanov, Gerasimov). An acronym is not taken for one:
    it names an organisation or a title ("U.S. CENTCOM", "Co. CEO Dmitry Larin") as often as it opens a sentence.
    """
    word = _POSSESSIVE.sub("", word)
    if word.isupper():
        return False
    if any(part[1:] != part[1:].lower() and part != part.upper() for part in word.split("-")):
        return True
    if word in _cldr_names():
        return True
    return _zipf(word.lower()) < RARE_WORD_ZIPF


def _is_place_pair(first: _Word, second: _Word) -> bool:
    """Are two words one of CLDR's two-word names ("South Korea", "New York’s")?"""
    return f"{first.core} {_POSSESSIVE.sub('', second.core)}" in _cldr_names()


@functools.lru_cache(maxsize=8192)
def _zipf(word: str) -> float:
    # The small list holds every word from Zipf 3 up, which is all RARE_WORD_ZIPF needs, and loads in 30 ms.
    from wordfreq import zipf_frequency

    return float(zipf_frequency(word, "en", wordlist="small"))


@functools.cache
def _cldr_names() -> frozenset[str]:
    """English names of countries, regions, languages and time-zone cities of one or two words, from CLDR."""
    from babel import Locale
    from babel.core import get_global

    english = Locale("en")
    cities = {zone: names["city"] for zone, names in english.time_zones.items() if "city" in names}
    # Not names: CLDR's placeholders ("Unknown Region", "Multiple languages", "Unknown Location").
    found = [name for code, name in english.territories.items() if code != "ZZ"]
    found += [name for code, name in english.languages.items() if code not in ("und", "mul", "zxx")]
    found += [
        cities.get(zone) or zone.rsplit("/", 1)[-1].replace("_", " ")
        for zone in get_global("zone_territories")
        if not zone.startswith("Etc/")
    ]
    return frozenset(name for name in found if name.count(" ") <= 1 and all(w[:1].isupper() for w in name.split()))


def _is_quoted_attribution(close: str, following: str, rules: SegmentationRules) -> bool:
    """True for '"Where is he?" Svetlana asked.': a name and a verb of saying.

    A capitalised pronoun ("He said, ...") starts a new sentence instead,
    since an attribution that continues the sentence would be lower case.
    """
    if not any(ch in close for ch in "\"'”’»“‘"):
        return False
    words = _WORD.findall(following[:_LOOKAHEAD])[:4]
    if len(words) < 2 or words[0].lower() in rules.sentence_starters:
        return False
    for word in words[1:4]:
        if word.lower() in rules.reporting_verbs:
            return True
        if not word[:1].isupper():
            return False
    return False


def _word_start(text: str, pos: int) -> int:
    """Where the whitespace-delimited word that ends at ``pos`` starts."""
    start = pos
    while start > 0 and not text[start - 1].isspace():
        start -= 1
    return start


def _word_ending_before(text: str, pos: int) -> str:
    """The whitespace-delimited word before the whitespace before ``pos`` ("" at the start of the text)."""
    end = _rstrip_end(text, pos)
    return text[_word_start(text, end) : end]


def _first_word(text: str, pos: int = 0) -> str:
    match = _WORD.match(text, pos)
    return match.group(0) if match else ""


def _skip_openers(text: str, pos: int) -> int:
    found = _NOT_OPENER.search(text, pos)
    return found.start() if found else len(text)


def _first_alnum(text: str, pos: int) -> int:
    """The first letter or digit at or after ``pos`` (``len(text)`` when there is none)."""
    found = _ALNUM.search(text, pos)
    return found.start() if found else len(text)


def _skip_space(text: str, pos: int) -> int:
    while pos < len(text) and text[pos].isspace():
        pos += 1
    return pos


def _protected_spans(text: str) -> list[tuple[int, int]]:
    """Regions where no boundary may fall: URLs, e-mails, balanced brackets."""
    spans = [m.span() for m in _URL.finditer(text)]
    spans += _email_spans(text)
    stacks: dict[str, list[int]] = {"(": [], "[": []}
    for bracket in _BRACKET.finditer(text):
        ch, i = bracket.group(), bracket.start()
        if ch in stacks:
            stacks[ch].append(i)
        else:
            stack = stacks["(" if ch == ")" else "["]
            if stack:
                begin = stack.pop()
                # A long bracketed passage is prose in its own right: let it split.
                if i - begin < 400:
                    spans.append((begin, i + 1))
    return spans


# An address can only start where a run of address characters starts: trying every position of a long
# token (a hash, a rule of dashes) and failing at each was quadratic in the token's length.
_EMAIL_AT_RUN_START = re.compile(r"(?<![\w.+-])" + _EMAIL.pattern)
_EMAIL_CHAR = re.compile(r"[\w.+-]")


def _email_spans(text: str) -> list[tuple[int, int]]:
    """What ``_EMAIL.finditer`` finds, in time linear in the text."""
    spans: list[tuple[int, int]] = []
    pos = 0
    while True:
        # Right after an address the search may resume inside a run ("a@b.c+d@e.f"): there, only its
        # first position can start a match, since every later one reaches the same "@".
        resumed = _EMAIL.match(text, pos) if pos and _EMAIL_CHAR.match(text, pos) else None
        found = resumed or _EMAIL_AT_RUN_START.search(text, pos)
        if found is None:
            return spans
        spans.append(found.span())
        pos = found.end()


@dataclass(frozen=True, slots=True)
class _Reach:
    """Protected spans sorted by start, with the furthest end reached by any span starting so far."""

    starts: tuple[int, ...]
    reach: tuple[int, ...]

    @classmethod
    def of(cls, spans: Iterable[tuple[int, int]]) -> _Reach:
        ordered = sorted(spans)
        reach, furthest = [], -1
        for _, end in ordered:
            furthest = max(furthest, end)
            reach.append(furthest)
        return cls(tuple(begin for begin, _ in ordered), tuple(reach))

    def covers(self, punct_at: int, close_end: int) -> bool:
        """Is the punctuation inside a protected span that goes on past the closers?

        Some span has ``begin <= punct_at < end`` and ``end > close_end``; as ``close_end > punct_at``,
        that is: the spans starting at or before the punctuation reach past the closers.
        """
        count = bisect.bisect_right(self.starts, punct_at)
        return count > 0 and self.reach[count - 1] > close_end


# Inline list styles: the marker's value, then what follows it ("1.)", "1)", "1.", "a.").
_LIST_STYLES = (
    (r"\d{1,3}", r"\.\)"),
    (r"\d{1,3}", r"\)"),
    (r"\d{1,3}", r"\."),
    (r"[a-z]", r"\."),
)


def _inline_list_cuts(text: str) -> list[tuple[int, int]]:
    """Cuts before the items of a list written on one line ("1) a 2) b", "• 9. a • 10. b")."""
    head = text.lstrip()
    offset = len(text) - len(head)
    if head and head[0] in "•⁃":
        bullet = re.compile(rf"\s({re.escape(head[0])})")
        return [(_rstrip_end(text, m.start() + 1), m.start(1)) for m in bullet.finditer(text, offset + 1)]
    for value_pattern, suffix in _LIST_STYLES:
        first = re.match(rf"({value_pattern}){suffix}\s", head)
        if not first:
            continue
        cuts = []
        value = first.group(1)
        pos = offset + first.end()
        while True:
            value = chr(ord(value) + 1) if value.isalpha() else str(int(value) + 1)
            found = re.compile(rf"\s({re.escape(value)}){suffix}\s").search(text, pos)
            if not found:
                break
            cuts.append((_rstrip_end(text, found.start() + 1), found.start(1)))
            pos = found.end()
        return cuts
    return []


def _rstrip_end(text: str, pos: int) -> int:
    while pos > 0 and text[pos - 1].isspace():
        pos -= 1
    return pos


def _spans_from_cuts(text: str, cuts: Iterable[tuple[int, int]]) -> tuple[Span, ...]:
    spans = []
    start = _skip_space(text, 0)
    for left_end, next_start in cuts:
        if left_end <= start:
            continue
        spans.append(Span(start, left_end))
        start = _skip_space(text, next_start)
    end = _rstrip_end(text, len(text))
    if end > start:
        spans.append(Span(start, end))
    return tuple(spans)


# --- stable ids -------------------------------------------------------------

_QUOTE_FOLD = str.maketrans({"“": '"', "”": '"', "„": '"', "«": '"', "»": '"', "‘": "'", "’": "'", "—": "-", "–": "-"})
_SPACE = re.compile(r"\s+")
_SLUG_WORD = re.compile(r"[a-z0-9]+")


def normalize_for_id(text: str) -> str:
    """The text an id is derived from: case, quote style and spacing do not matter."""
    folded = unicodedata.normalize("NFKC", text).translate(_QUOTE_FOLD)
    return _SPACE.sub(" ", folded).strip().casefold()


def segment_id(text: str, occurrence: int = 1) -> str:
    """A readable, stable id: a slug of the first words plus a hash of the whole text.

    The n-th repeat of the same sentence in one article gets ``~n``.
    """
    normalized = normalize_for_id(text)
    digest = hashlib.sha1(normalized.encode("utf-8")).hexdigest()[:8]
    slug = "-".join(_SLUG_WORD.findall(normalized)[:3])[:24] or "seg"
    base = f"{slug}-{digest}"
    return base if occurrence == 1 else f"{base}~{occurrence}"


class IdAllocator:
    """Hands out segment ids in document order, counting repeats of a text."""

    def __init__(self) -> None:
        self._seen: Counter[str] = Counter()

    def allocate(self, text: str) -> str:
        key = normalize_for_id(text)
        self._seen[key] += 1
        return segment_id(text, self._seen[key])


def segment_text(text: str, ids: IdAllocator, rules: SegmentationRules | None = None) -> tuple[Segment, ...]:
    """Split a block's text into segments with ids from ``ids``."""
    return tuple(
        Segment(id=ids.allocate(text[s.start : s.end]), text=text[s.start : s.end], start=s.start, end=s.end)
        for s in split_sentences(text, rules)
    )
