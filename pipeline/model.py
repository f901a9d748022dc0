"""The frozen data model every stage passes along."""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType


class BlockKind(enum.StrEnum):
    """What a block of an article is; decides whether it goes to MT."""

    HEADING = "heading"
    PARAGRAPH = "paragraph"
    LIST_ITEM = "list-item"
    QUOTE = "quote"
    CAPTION = "caption"
    BYLINE = "byline"
    BOILERPLATE = "boilerplate"
    FOREIGN = "foreign-language"

    @property
    def translatable(self) -> bool:
        """Site chrome and text already in the target script are kept, never translated."""
        return self not in (BlockKind.BOILERPLATE, BlockKind.FOREIGN)


@dataclass(frozen=True, slots=True)
class Span:
    """A half-open character range [start, end) into some text."""

    start: int
    end: int


@dataclass(frozen=True, slots=True)
class Segment:
    """One sentence (or sentence-like unit) of a block.

    ``start``/``end`` are offsets into the block's text; ``id`` is derived from
    the normalized text plus an occurrence counter, so edits elsewhere in the
    article do not renumber it.
    """

    id: str
    text: str
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class Block:
    """A structural unit of an article: a heading, a paragraph, a list item...

    ``line`` is the 1-based line in the source file where the block starts;
    ``offset`` is the character offset of ``text`` in the source file when
    the text is a verbatim slice of it (plain text and Markdown), else None.
    ``markup`` names how inline markup inside ``text`` is written ("markdown"
    or None for plain text), so a publisher can restore it.
    """

    kind: BlockKind
    text: str
    line: int
    offset: int | None = None
    segments: tuple[Segment, ...] = ()
    markup: str | None = None
    # Markdown list items and headings keep their marker ("-", "1.", "##") for publishing.
    marker: str = ""


@dataclass(frozen=True, slots=True)
class Article:
    """A source article: where it came from, its format and its blocks."""

    path: str
    name: str
    format: str
    blocks: tuple[Block, ...]

    @property
    def segments(self) -> tuple[Segment, ...]:
        """All segments of all blocks, in document order."""
        return tuple(seg for block in self.blocks for seg in block.segments)


@dataclass(frozen=True, slots=True)
class Notice:
    """A problem that did not stop the run (an article skipped, a rule ignored)."""

    path: str
    message: str


# --- the glossary -------------------------------------------------------------


class EntryType(enum.StrEnum):
    """How an entry is matched and rendered."""

    TERM = "term"
    ABBREVIATION = "abbreviation"
    PROPER_NAME = "proper-name"
    DO_NOT_TRANSLATE = "do-not-translate"
    PATTERN = "pattern"


@dataclass(frozen=True, slots=True)
class TargetTerm:
    """An entry's rendering in one target language."""

    lang: str
    term: str
    alternatives: tuple[str, ...] = ()
    avoid: tuple[str, ...] = ()
    declines: bool = True
    head: str | None = None  # the word that carries case and number
    tail: str | None = None  # a fixed complement after the head ("по контракту")
    note: str | None = None
    quoted: bool = False  # written in «» in running text (media, groups, unit names): «Медуза», «Агора»
    gender: str = ""  # masc | femn | neut where the dictionary cannot tell (ФСБ is feminine: «ФСБ заявила»)
    preposition: str = ""  # "в": a place taking в/у, never на («в Україні», not «на Україні»)


@dataclass(frozen=True, slots=True)
class Context:
    """When an entry applies: English patterns around the term (see glossary/README.md, "Senses").

    ``unless``: the entry does not apply where one of these matches
    ("{foreign} ~": a foreign country or nationality right before the term).
    ``only``: when given, the entry applies only where one of these matches.
    """

    unless: tuple[str, ...] = ()
    only: tuple[str, ...] = ()
    given: bool = False  # the entry has a `context:` at all (`context: {}` says it needs no guard)


@dataclass(frozen=True, slots=True)
class GlossaryEntry:
    """One curated term: the English forms and their approved renderings."""

    id: str
    term: str
    type: EntryType
    case_sensitive: bool
    definition: str
    targets: tuple[TargetTerm, ...]
    variants: tuple[str, ...] = ()
    source: str | None = None
    pattern: str | None = None
    domain: str = ""
    path: str = ""
    line: int = 0
    context: Context = field(default_factory=Context)

    @property
    def forms(self) -> tuple[str, ...]:
        """The English term and its variants."""
        return (self.term, *self.variants)

    def target(self, lang: str) -> TargetTerm | None:
        """The rendering for ``lang``, if the entry has one."""
        return next((t for t in self.targets if t.lang == lang), None)


@dataclass(frozen=True, slots=True)
class Glossary:
    """All entries of all glossary files, with a hash that names this content."""

    entries: tuple[GlossaryEntry, ...]
    content_hash: str
    # Built once: enforcement looks entries up for every segment.
    _index: dict[str, GlossaryEntry] = field(init=False, repr=False, compare=False, hash=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_index", {entry.id: entry for entry in self.entries})

    def by_id(self) -> Mapping[str, GlossaryEntry]:
        """Entries by id (read-only view of an index built once)."""
        return MappingProxyType(self._index)


@dataclass(frozen=True, slots=True)
class TermHit:
    """A glossary entry found in a text: where, as what surface, with pattern captures."""

    entry_id: str
    start: int
    end: int
    surface: str
    groups: tuple[tuple[str, str], ...] = ()


class TermStatus(enum.StrEnum):
    """How a glossary term of the source came out in the translation."""

    APPROVED = "approved"  # the approved rendering is there
    ALTERNATIVE = "alternative"  # an accepted alternative is there
    FIXED = "fixed"  # a wrong rendering was replaced by the approved term
    REVIEW = "review"  # a wrong rendering may be there; left as it is and flagged with a suggestion
    WRONG = "wrong"  # a wrong rendering, certainly, in a person's translation: left as written, with the form to use
    MISSING = "missing"  # no rendering found
    OTHER_SENSE = "other-sense"  # the English word is used in another sense here (the entry's context rules)

    @property
    def rendered(self) -> bool:
        return self in (TermStatus.APPROVED, TermStatus.ALTERNATIVE, TermStatus.FIXED)


@dataclass(frozen=True, slots=True)
class TermCheck:
    """One glossary term of a source segment checked in its translation, with the spans a reviewer is shown.

    ``source`` is the term's place in the English; ``target`` the place of
    its rendering in the final translation (the fixed words, when fixed);
    ``found`` and ``found_span`` the words the check took for its rendering
    in the translation it was given (the raw MT, when enforcement ran).
    """

    entry_id: str
    status: TermStatus
    source: Span
    found: str = ""
    found_span: Span | None = None
    target: Span | None = None
    rendering: str = ""  # the glossary phrase the found words are a form of (approved, alternative or avoided)
    fixed_to: str = ""
    suggestion: str = ""
    evidence: str = ""  # approved | alternative | avoided | latin | calque
    reason: str = ""  # why it was flagged, for people


class Severity(enum.StrEnum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"  # something the pipeline did that a reviewer should see (a term it fixed)


@dataclass(frozen=True, slots=True)
class Finding:
    """A problem found by a check, pointing at a file and line."""

    path: str
    line: int | None
    severity: Severity
    check: str
    message: str
    entry_id: str | None = None

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line is not None else self.path
        return f"{where}: {self.severity.value}: [{self.check}] {self.message}"


@dataclass(frozen=True, slots=True)
class EngineSignature:
    """What produced the machine translations: the engine, each pair's model and version, the decoding options."""

    name: str
    models: tuple[str, ...] = ()  # "en-ru@1.9", only the pairs this run used
    options: str = ""

    def __str__(self) -> str:
        text = f"{self.name}({','.join(self.models)})" if self.models else self.name
        return f"{text}|{self.options}" if self.options else text


@dataclass(frozen=True, slots=True)
class RunSignature:
    """What a review file was made with: tool version, engine, glossary content. Equal signatures, equal output."""

    tool_version: str
    engine: EngineSignature
    glossary_hash: str = ""  # "" when no glossary was applied

    def __str__(self) -> str:
        return f"pipeline {self.tool_version}|engine:{self.engine}|glossary:{self.glossary_hash or 'none'}"
