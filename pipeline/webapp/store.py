"""The review app's access to review files: what is there, each entry's version, and saving an edit safely.

Every save reads the PO from disk, checks that the entry is still the one
the reviewer started from (its version: a hash of its source, translation
and state), changes that entry only, and writes every format of the
article again through ``write_review_files`` (atomic writes; comments and
checks derived afresh). An entry changed meanwhile on disk (a CAT tool,
`git pull`, another `run`, another tab or reviewer) is a ``Conflict``
carrying what is on disk now: never overwritten blindly. Saves to one file
are serialized in this process.
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import polib

from pipeline.assess import Assessor
from pipeline.errors import InputError
from pipeline.formats import FORMATS, ReviewDocument
from pipeline.formats.po import read_po
from pipeline.ingest import read_article
from pipeline.languages import SOURCE_LANG, review_file_language
from pipeline.model import Article, Glossary
from pipeline.publish import Published, publish
from pipeline.review import ReviewUnit, Status, build_units, entry_status, term_marks
from pipeline.review_files import review_path, write_review_files

MAX_TRANSLATION_CHARS = 20_000
_ALLOWED_CONTROLS = {"\n", "\t"}


class NotFound(Exception):
    """No such review file, or no such segment in it."""


class Invalid(Exception):
    """A request that makes no sense (an empty translation approved, a control character, too long)."""


@dataclass(frozen=True, slots=True)
class Current:
    """An entry as it is on disk now."""

    text: str
    approved: bool
    version: str


class Conflict(Exception):
    """The entry changed on disk since the reviewer loaded it."""

    def __init__(self, current: Current) -> None:
        super().__init__("this segment was changed on disk since you opened it")
        self.current = current


@dataclass(frozen=True, slots=True)
class ReviewFile:
    key: str  # "ru/meduza-contract-soldiers": what the app's URLs name
    lang: str
    name: str
    po_path: Path


@dataclass(frozen=True, slots=True)
class Loaded:
    """One review file as the app shows it."""

    file: ReviewFile
    document: ReviewDocument
    versions: dict[str, str]  # segment id -> entry version


def entry_version(entry: polib.POEntry) -> str:
    """Names the state of an entry a reviewer can see and change: its source, translation, approval, previous source."""
    parts = [entry.msgctxt or "", entry.msgid, entry.msgstr, "fuzzy" in entry.flags, entry.previous_msgid or ""]
    return hashlib.sha256(repr(parts).encode("utf-8")).hexdigest()[:16]


class Store:
    """The review files under one folder (``<root>/<lang>/<article>.po``)."""

    def __init__(self, root: Path, glossary: Glossary | None) -> None:
        self.root = root.resolve()
        self.glossary = glossary
        self._assessors: dict[str, Assessor] = {}
        self._locks: dict[str, threading.Lock] = {}
        self._guard = threading.Lock()
        self._articles: dict[Path, tuple[float, Article | None]] = {}

    def files(self) -> dict[str, ReviewFile]:
        """Every review file under the root, by key; found again on each call, so new files show up."""
        found: dict[str, ReviewFile] = {}
        for path in sorted(self.root.glob("*/*.po")):
            resolved = path.resolve()
            if not resolved.is_relative_to(self.root) or not resolved.is_file():
                continue  # a link out of the served folder is not served
            key = f"{path.parent.name}/{path.stem}"
            found[key] = ReviewFile(key, path.parent.name, path.stem, resolved)
        return found

    def file(self, key: str) -> ReviewFile:
        found = self.files().get(key)
        if found is None:
            raise NotFound(f"no review file {key!r} in {self.root}")
        return found

    def load(self, key: str) -> Loaded:
        file = self.file(key)
        catalog = read_po(file.po_path)
        return self._loaded(file, catalog)

    def check(self, key: str, segment_id: str, text: str) -> ReviewUnit:
        """The segment as it would be with ``text``: its term marks and findings, worked out by the code `qa` uses."""
        _validate(text, approved=False)
        file = self.file(key)
        catalog = read_po(file.po_path)
        entry = _entry(catalog, segment_id)
        lang = self._lang(catalog, file)
        assessment = self._assessor(lang).person(entry.msgid, text) if text else self._assessor(lang).untranslated(entry.msgid)
        return ReviewUnit(
            id=segment_id,
            block_index=0,
            block_kind="paragraph",
            source=entry.msgid,
            target=text,
            status=Status.REVIEWED if "fuzzy" not in entry.flags and entry.msgstr else Status.MACHINE,
            terms=term_marks(entry.msgid, assessment, self.glossary, lang),
            findings=tuple(dict.fromkeys(assessment.findings)) if text else (),
        )

    def save(self, key: str, segment_id: str, text: str, approved: bool, version: str) -> Loaded:
        """Write one edit into the PO (and every format beside it) if the entry is still at ``version``."""
        _validate(text, approved)
        file = self.file(key)
        with self._lock(key):
            catalog = read_po(file.po_path)
            entry = _entry(catalog, segment_id)
            if entry_status(entry) is Status.NOT_FOR_TRANSLATION:
                raise Invalid("this segment is not for translation; it is kept as it is in the published article")
            now = entry_version(entry)
            if now != version:
                raise Conflict(Current(entry.msgstr, entry_status(entry) is Status.REVIEWED, now))
            entry.msgstr = text
            flags = [flag for flag in entry.flags if flag != "fuzzy"]
            if text and not approved:
                flags.append("fuzzy")
            if approved:
                # Approved against the English as it is now: the old source is history.
                entry.previous_msgid = None
                entry.previous_msgctxt = None
            entry.flags = flags
            lang = self._lang(catalog, file)
            formats = [fmt for fmt in FORMATS if fmt == "po" or review_path(file.po_path.parent, file.name, fmt).exists()]
            write_review_files(
                file.po_path.parent,
                file.name,
                catalog,
                self._assessor(lang),
                self._article(catalog),
                original=catalog.metadata.get("X-Source-File", ""),
                signature=catalog.metadata.get("X-Pipeline-Signature", ""),
                formats=formats,
                xliff_mt=catalog.metadata.get("X-XLIFF-MT", "target"),
            )
            return self._loaded(file, catalog)

    def publish(self, key: str, fmt: str) -> Published:
        return publish(self.file(key).po_path, fmt)

    def _loaded(self, file: ReviewFile, catalog: polib.POFile) -> Loaded:
        lang = self._lang(catalog, file)
        units = build_units(catalog, self._assessor(lang), self._article(catalog))
        document = ReviewDocument(
            title=file.name,
            original=catalog.metadata.get("X-Source-File", ""),
            source_lang=catalog.metadata.get("X-Source-Language", SOURCE_LANG),
            target_lang=lang,
            signature=catalog.metadata.get("X-Pipeline-Signature", ""),
            units=units,
            catalog=catalog,
        )
        versions = {entry.msgctxt or "": entry_version(entry) for entry in catalog if not entry.obsolete}
        return Loaded(file, document, versions)

    def _lang(self, catalog: polib.POFile, file: ReviewFile) -> str:
        return review_file_language(catalog.metadata.get("Language", ""), str(file.po_path), file.lang)

    def _assessor(self, lang: str) -> Assessor:
        with self._guard:
            if lang not in self._assessors:
                self._assessors[lang] = Assessor(self.glossary, lang)
            return self._assessors[lang]

    @contextmanager
    def _lock(self, key: str) -> Iterator[None]:
        with self._guard:
            lock = self._locks.setdefault(key, threading.Lock())
        with lock:
            yield

    def _article(self, catalog: polib.POFile) -> Article | None:
        """The source article named in the header (for blocks), read again only when it changes."""
        source = Path(catalog.metadata.get("X-Source-File", ""))
        if not source.name or not source.is_file():
            return None
        stamp = source.stat().st_mtime
        known = self._articles.get(source)
        if known is None or known[0] != stamp:
            try:
                article: Article | None = read_article(source)
            except InputError:
                article = None
            self._articles[source] = (stamp, article)
        return self._articles[source][1]


def _entry(catalog: polib.POFile, segment_id: str) -> polib.POEntry:
    entry = next((e for e in catalog if not e.obsolete and e.msgctxt == segment_id), None)
    if entry is None:
        raise NotFound(f"no segment {segment_id!r} in this file (the article may have changed; reload the page)")
    return entry


def _validate(text: str, approved: bool) -> None:
    if len(text) > MAX_TRANSLATION_CHARS:
        raise Invalid(f"the translation is longer than {MAX_TRANSLATION_CHARS:,} characters")
    bad = next((c for c in text if (ord(c) < 32 and c not in _ALLOWED_CONTROLS) or 0xD800 <= ord(c) <= 0xDFFF), None)
    if bad is not None:
        raise Invalid(f"the translation holds a control character (U+{ord(bad):04X}); remove it")
    if approved and not text.strip():
        raise Invalid("an empty translation cannot be approved; translate the segment first")
