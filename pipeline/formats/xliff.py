"""XLIFF 1.2 (strict schema) for CAT tools: one file per article, a group per block, a trans-unit per segment.

Glossary terms are marked inline in the source (<mrk mtype="term">) and
listed as notes with the approved rendering; QA findings and the raw MT
are notes too. `approved` and `state` carry the review status both ways:
a CAT tool that approves a unit sets approved="yes" (or state="final"),
which `pipeline import` brings back into the canonical PO file.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from lxml import etree

from pipeline import __version__
from pipeline.errors import InputError
from pipeline.formats import ReviewDocument
from pipeline.model import Severity
from pipeline.review import ReviewUnit, Status

NS = "urn:oasis:names:tc:xliff:document:1.2"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
STATE = {
    Status.REVIEWED: "final",
    Status.MACHINE: "needs-review-translation",
    Status.CHANGED: "needs-review-translation",
    Status.UNTRANSLATED: "new",
}
APPROVED_STATES = {"final", "signed-off"}


# Characters XML cannot hold. Ingest removes them from articles; MT output, a memory or an imported file may
# still bring one. Each becomes U+FFFD, one for one, so the spans of the review model still point right.
_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def _x(text: str) -> str:
    return _XML_ILLEGAL.sub("\ufffd", text)


def _q(tag: str) -> str:
    return f"{{{NS}}}{tag}"


def render(document: ReviewDocument) -> str:
    """One article's review units as an XLIFF 1.2 document.

    ``document.xliff_mt`` says where an unreviewed MT draft goes: into
    ``<target>`` (tools that expect a pre-translated file), or into
    ``<alt-trans>`` as a suggestion with no target, for tools such as
    OmegaT that take any target differing from the source as the
    translation and would hide the English.
    """
    root = etree.Element(_q("xliff"), nsmap={None: NS}, version="1.2")
    file = etree.SubElement(
        root,
        _q("file"),
        original=_x(document.original),
        datatype="plaintext",
        **{"source-language": document.source_lang, "target-language": document.target_lang, "tool-id": "pipeline"},
    )
    header = etree.SubElement(file, _q("header"))
    etree.SubElement(header, _q("tool"), **{"tool-id": "pipeline", "tool-name": "pipeline", "tool-version": __version__})
    etree.SubElement(header, _q("note"), annotates="general").text = _x(f"signature: {document.signature}")
    body = etree.SubElement(file, _q("body"))
    group = None
    current_block = None
    for unit in document.units:
        if group is None or unit.block_index != current_block:
            current_block = unit.block_index
            group = etree.SubElement(body, _q("group"), id=f"block-{unit.block_index + 1}", restype=f"x-{unit.block_kind}")
        group.append(_trans_unit(unit, document.xliff_mt))
    data: bytes = etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)
    return data.decode("utf-8")


def _trans_unit(unit: ReviewUnit, mt_place: str) -> etree._Element:
    translatable = unit.status is not Status.NOT_FOR_TRANSLATION
    element = etree.Element(
        _q("trans-unit"),
        id=unit.id,
        approved="yes" if unit.status is Status.REVIEWED else "no",
        translate="yes" if translatable else "no",
    )
    element.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
    element.append(_source_with_terms(unit))
    suggestion_only = mt_place == "alt-trans" and unit.status in (Status.MACHINE, Status.UNTRANSLATED)
    if translatable and not suggestion_only:
        target = etree.SubElement(element, _q("target"), state=STATE[unit.status])
        target.text = _x(unit.target)
    for text in unit.term_notes:
        note = etree.SubElement(element, _q("note"), annotates="source", priority="3")
        note.set("from", "glossary")
        note.text = _x(text)
    if unit.raw_mt and not suggestion_only:
        note = etree.SubElement(element, _q("note"), annotates="target", priority="2")
        note.set("from", "machine translation")
        note.text = _x(f"before term fixes: {unit.raw_mt}")
    for finding in unit.findings:
        note = etree.SubElement(
            element, _q("note"), annotates="target", priority="1" if finding.severity is Severity.ERROR else "2"
        )
        note.set("from", "qa")
        note.text = _x(f"{finding.severity.value}: [{finding.check}] {finding.message}")
    if unit.previous_source:
        note = etree.SubElement(element, _q("note"), annotates="source", priority="1")
        note.set("from", "pipeline")
        note.text = _x(f"the English changed; previously: {unit.previous_source}")
    if suggestion_only and unit.target:
        alternative = etree.SubElement(element, _q("alt-trans"), origin="machine translation", alttranstype="proposal")
        alternative.set("tool-id", "pipeline")
        etree.SubElement(alternative, _q("target")).text = _x(unit.target)
    return element


def _source_with_terms(unit: ReviewUnit) -> etree._Element:
    """<source> with each glossary term wrapped in <mrk mtype="term">, the approved rendering in its comment.

    One pass over the marks in source order (they come sorted and may not
    overlap), so the cost follows the text and the marks, whatever their number.
    """
    source = etree.Element(_q("source"))
    source.text = ""
    position = 0
    last: etree._Element | None = None
    for mark in unit.terms:
        start, end = mark.source.start, mark.source.end
        if start < position or not mark.checked:
            continue
        gap = unit.source[position:start]
        if last is None:
            source.text += _x(gap)
        else:
            last.tail = (last.tail or "") + _x(gap)
        last = etree.SubElement(source, _q("mrk"), mtype="term", comment=_x(f"{mark.approved} [{mark.entry_id}]"))
        last.text = _x(unit.source[start:end])
        position = end
    rest = unit.source[position:]
    if last is None:
        source.text += _x(rest)
    else:
        last.tail = _x(rest)
    return source


@dataclass(frozen=True, slots=True)
class XliffUnit:
    """What `pipeline import` reads back from a reviewed XLIFF file."""

    id: str
    source: str
    target: str
    approved: bool


def read_xliff(path: Path) -> tuple[str, str, list[XliffUnit]]:
    """(original, target language, units) of a reviewed XLIFF file; malformed files get one clear error."""
    try:
        tree = etree.parse(str(path), etree.XMLParser(resolve_entities=False, no_network=True))
    except (OSError, etree.XMLSyntaxError) as exc:
        line = getattr(exc, "lineno", None)
        raise InputError(f"not a readable XLIFF file ({exc}); export it again from the CAT tool", str(path), line) from exc
    file = tree.find(_q("file"))
    if file is None:
        raise InputError("no XLIFF 1.2 <file> element; export as XLIFF 1.2", str(path))
    units = []
    for element in file.iter(_q("trans-unit")):
        source = element.find(_q("source"))
        target = element.find(_q("target"))
        state = target.get("state", "") if target is not None else ""
        units.append(
            XliffUnit(
                id=element.get("id", ""),
                source="".join(source.itertext()) if source is not None else "",
                target="".join(target.itertext()) if target is not None else "",
                approved=element.get("approved") == "yes" or state in APPROVED_STATES,
            )
        )
    return file.get("original", ""), file.get("target-language", ""), units
