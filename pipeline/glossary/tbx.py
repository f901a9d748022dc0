"""TBX export of the glossary, for CAT tools' termbases.

TBX 2 (ISO 30042:2008, the "martif" form that Trados MultiTerm, memoQ and
Phrase import): one termEntry per entry, one langSet per language (TBX 3
calls it langSec), approved, admitted and deprecated terms told apart by
administrativeStatus, as TBX-Basic does.
"""

from __future__ import annotations

from lxml import etree

from pipeline import __version__
from pipeline.model import Glossary

XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
STATUS = {
    "approved": "preferredTerm-admn-sts",
    "alternative": "admittedTerm-admn-sts",
    "avoid": "deprecatedTerm-admn-sts",
}


def render_tbx(glossary: Glossary, source_lang: str = "en") -> str:
    """The whole glossary as a TBX document (pattern entries carry their template)."""
    root = etree.Element("martif", type="TBX-Basic")
    root.set(XML_LANG, source_lang)
    header = etree.SubElement(root, "martifHeader")
    file_desc = etree.SubElement(header, "fileDesc")
    source = etree.SubElement(etree.SubElement(file_desc, "sourceDesc"), "p")
    source.text = f"pipeline {__version__} glossary {glossary.content_hash}"
    body = etree.SubElement(etree.SubElement(root, "text"), "body")
    for entry in glossary.entries:
        term_entry = etree.SubElement(body, "termEntry", id=entry.id)
        _add(term_entry, "descrip", entry.definition, type="definition")
        _add(term_entry, "descrip", entry.domain, type="subjectField")
        if entry.source:
            _add(term_entry, "admin", entry.source, type="source")
        english = _lang_set(term_entry, source_lang)
        for index, form in enumerate(entry.forms):
            _tig(english, form, "approved" if index == 0 else "alternative", entry.type.value)
        for target in entry.targets:
            lang_set = _lang_set(term_entry, target.lang)
            if target.note:
                _add(lang_set, "note", target.note)
            _tig(lang_set, target.term, "approved", entry.type.value)
            for alternative in target.alternatives:
                _tig(lang_set, alternative, "alternative", entry.type.value)
            for avoided in target.avoid:
                _tig(lang_set, avoided, "avoid", entry.type.value)
    data: bytes = etree.tostring(
        root,
        xml_declaration=True,
        encoding="UTF-8",
        pretty_print=True,
        doctype='<!DOCTYPE martif SYSTEM "TBXBasiccoreStructV02.dtd">',
    )
    return data.decode("utf-8")


def _lang_set(parent: etree._Element, lang: str) -> etree._Element:
    lang_set = etree.SubElement(parent, "langSet")
    lang_set.set(XML_LANG, lang)
    return lang_set


def _tig(parent: etree._Element, term: str, status: str, part: str) -> None:
    tig = etree.SubElement(parent, "tig")
    _add(tig, "term", term)
    _add(tig, "termNote", STATUS[status], type="administrativeStatus")
    _add(tig, "termNote", part, type="termType")


def _add(parent: etree._Element, tag: str, text: str, **attributes: str) -> None:
    element = etree.SubElement(parent, tag, **attributes)
    element.text = text
