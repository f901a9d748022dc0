"""Gettext PO review files: one per article and target language.

msgctxt is the segment id, msgid the source sentence, msgstr the
translation. Machine output is ``fuzzy`` until a person approves it.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import polib
from babel import Locale
from babel.messages.plurals import get_plural

from pipeline import __version__
from pipeline.assess import Assessment
from pipeline.errors import InputError
from pipeline.formats import ReviewDocument
from pipeline.model import Article, RunSignature
from pipeline.review import BLOCK_LINE, KIND_FLAGS, MT_LINE
from pipeline.yamlio import decode_utf8


@dataclass(frozen=True, slots=True)
class RunInfo:
    """What every review file's header records about the run that made it."""

    signature: RunSignature
    timestamp: str  # "YYYY-MM-DD HH:MM+ZZZZ", passed in so rendering stays pure
    source_lang: str = "en"
    xliff_mt: str = "target"  # recorded so files rendered again later (`import`) put the MT where the run did


def plural_forms(lang: str) -> str:
    """The gettext Plural-Forms header for ``lang``, from babel's CLDR data."""
    return str(get_plural(lang).plural_forms)


def build_catalog(
    article: Article,
    target_lang: str,
    translations: Mapping[str, Assessment],
    info: RunInfo,
    source_ref: str | None = None,
) -> polib.POFile:
    """A fresh catalog for one article: sources and machine translations (fuzzy).

    Only data goes in here (the block's kind, the raw MT); the notes for
    people are written from the review units once the catalog is merged.
    """
    # No wrapping: polib would also wrap comments, and wrapped notes do not read back whole.
    catalog = polib.POFile(wrapwidth=0, encoding="utf-8")
    catalog.header = (
        f"Review file: {article.name} ({info.source_lang} -> {target_lang}).\n"
        "Translate msgstr; remove the fuzzy flag to approve. Re-runs keep your work."
    )
    catalog.metadata = {
        "Project-Id-Version": f"{article.name}",
        "Report-Msgid-Bugs-To": "",
        "POT-Creation-Date": info.timestamp,
        "PO-Revision-Date": info.timestamp,
        "Last-Translator": "",
        "Language-Team": Locale.parse(target_lang).english_name or target_lang,
        "Language": target_lang,
        "MIME-Version": "1.0",
        "Content-Type": "text/plain; charset=UTF-8",
        "Content-Transfer-Encoding": "8bit",
        "Plural-Forms": plural_forms(target_lang),
        "X-Generator": f"pipeline {__version__}",
        "X-Pipeline-Signature": str(info.signature),
        "X-Source-Language": info.source_lang,
        "X-Source-File": source_ref or article.path,
        "X-XLIFF-MT": info.xliff_mt,
    }
    ref = isolate_path(source_ref or article.path)
    for block in article.blocks:
        for segment in block.segments:
            flags = []
            comments = [f"{BLOCK_LINE}{block.kind.value}"]
            if not block.kind.translatable:
                flags.append(KIND_FLAGS[block.kind])
            translation = translations.get(segment.id) if block.kind.translatable else None
            text = translation.text if translation else ""
            if translation is not None and translation.raw_mt and translation.raw_mt != translation.text:
                comments.append(f"{MT_LINE}{translation.raw_mt}")
            if text:
                flags.append("fuzzy")
            catalog.append(
                polib.POEntry(
                    msgctxt=segment.id,
                    msgid=segment.text,
                    msgstr=text,
                    occurrences=[(ref, str(block.line))],
                    flags=flags,
                    comment="\n".join(comments),
                )
            )
    return catalog


# GNU gettext's convention for a file name with whitespace in a `#:` reference: wrap it in
# U+2068 FIRST STRONG ISOLATE ... U+2069 POP DIRECTIONAL ISOLATE, or it reads as several names.
FSI, PDI = "\u2068", "\u2069"
_WHITESPACE = re.compile(r"\s")
_ISOLATED = re.compile(f"{FSI}[^{PDI}\n]*{PDI}")
# polib splits references at whitespace whatever the marks say, so inside them each whitespace
# character is swapped for a stand-in from a private-use plane before parsing and restored after.
_STAND_IN = 0xF0000


def isolate_path(path: str) -> str:
    """A file name as a `#:` reference cites it: wrapped in isolation marks when it holds whitespace."""
    return f"{FSI}{path}{PDI}" if _WHITESPACE.search(path) else path


def reference_path(reference: str) -> str:
    """The file name of a `#:` reference as read back, without its isolation marks."""
    return reference.removeprefix(FSI).removesuffix(PDI) if reference.startswith(FSI) else reference


def _hide_isolated_whitespace(text: str) -> str:
    def hide(match: re.Match[str]) -> str:
        return _WHITESPACE.sub(lambda ws: chr(_STAND_IN + ord(ws.group())), match.group())

    return re.sub(r"(?m)^#:.*$", lambda line: _ISOLATED.sub(hide, line.group()), text)


def _restore_isolated_whitespace(catalog: polib.POFile) -> None:
    for entry in catalog:
        entry.occurrences = [
            (_ISOLATED.sub(lambda m: "".join(_restore(c) for c in m.group()), path), line) for path, line in entry.occurrences
        ]


def _restore(char: str) -> str:
    code = ord(char) - _STAND_IN
    return chr(code) if 0 <= code < 0x10000 and chr(code).isspace() else char


def render(document: ReviewDocument) -> str:
    """The review document's canonical catalog as PO text."""
    return render_po(document.catalog)


def render_po(catalog: polib.POFile) -> str:
    """The catalog as PO text."""
    return str(catalog)


# A PO line is a comment, a keyword with a quoted string, or a quoted continuation.
_PO_LINE = re.compile(r'(?:#~\s*)?(?:(?:msgctxt|msgid|msgid_plural|msgstr(?:\[\d+\])?)\s+)?"(?:[^"\\]|\\.)*"\s*')


def read_po(path: Path) -> polib.POFile:
    """Read a review file strictly: a reviewer's file with a syntax error is never overwritten.

    polib quietly accepts some broken lines (an unterminated string), and
    merging a half-read file would drop the reviewer's work, so every line
    is checked first.
    """
    try:
        data = path.read_bytes()
    except FileNotFoundError as exc:
        raise InputError(
            "no such PO file; check the path, or create it with: pipeline run ARTICLE --to LANG (it writes LANG/ARTICLE.po)",
            str(path),
        ) from exc
    except OSError as exc:
        raise InputError(f"cannot read this PO file ({exc.strerror}); check the path and its permissions", str(path)) from exc
    text = decode_utf8(data, str(path))
    for number, line in enumerate(text.split("\n"), start=1):
        stripped = line.strip()
        # Comments, including an obsolete entry's previous source ("#~| msgid"), are free text.
        if not stripped or (stripped.startswith("#") and not stripped.startswith("#~")) or stripped.startswith("#~|"):
            continue
        if not _PO_LINE.fullmatch(stripped):
            raise InputError(
                "cannot read this PO file (syntax error); fix this line or move the file away and re-run",
                str(path),
                number,
            )
    try:
        catalog = polib.pofile(_hide_isolated_whitespace(text), wrapwidth=0, encoding="utf-8")
    except (OSError, ValueError) as exc:
        raise InputError(
            f"cannot read this PO file ({exc}); fix it or move it away and re-run to regenerate it", str(path)
        ) from exc
    _restore_isolated_whitespace(catalog)
    return catalog


def is_reviewed(entry: polib.POEntry) -> bool:
    """A person approved it: a translation without the fuzzy flag."""
    return bool(entry.msgstr) and "fuzzy" not in entry.flags and not entry.obsolete
