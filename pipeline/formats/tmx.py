"""TMX 1.4b translation memory: approved segments out, exact matches back in."""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path

from lxml import etree

from pipeline import __version__
from pipeline.errors import InputError

XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


def render_tmx(pairs: Iterable[tuple[str, str, str, str]], source_lang: str = "en") -> str:
    """(id, target language, source, target) tuples as a TMX 1.4b document."""
    root = etree.Element("tmx", version="1.4")
    etree.SubElement(
        root,
        "header",
        creationtool="pipeline",
        creationtoolversion=__version__,
        segtype="sentence",
        adminlang="en",
        srclang=source_lang,
        datatype="plaintext",
        **{"o-tmf": "PO"},
    )
    body = etree.SubElement(root, "body")
    for unit_id, lang, source, target in pairs:
        tu = etree.SubElement(body, "tu", tuid=unit_id)
        for code, text in ((source_lang, source), (lang, target)):
            tuv = etree.SubElement(tu, "tuv")
            tuv.set(XML_LANG, code)
            etree.SubElement(tuv, "seg").text = text
    data: bytes = etree.tostring(
        root, xml_declaration=True, encoding="UTF-8", pretty_print=True, doctype='<!DOCTYPE tmx SYSTEM "tmx14.dtd">'
    )
    return data.decode("utf-8")


def read_tmx(path: Path, source_lang: str = "en") -> dict[tuple[str, str], str]:
    """{(target language, source text): target text} from a TMX file's exact, plain-text segments.

    A segment's text is its characters in order, including those inside
    ``<hi>``; paired and isolated codes (``<bpt>``, ``<ept>``, ``<it>``) mark
    formatting around that text and are left out. A placeholder (``<ph>``,
    or the deprecated ``<ut>``) stands for something that is not text (an
    image, a variable, a line break), so a segment holding one matches no
    plain sentence: its unit is skipped, or that translation of it. So is a
    unit with two different segments for one language. Languages match by
    their primary subtag in any case (en-US and EN-gb are en; the key is ru
    for ru-RU); a segment without ``xml:lang`` is in the header's ``srclang``.
    """
    root = _parse(path)
    header = root.find("header")
    default_lang = _primary(header.get("srclang") if header is not None else None)
    memory: dict[tuple[str, str], str] = {}
    for tu in root.iter("tu"):
        unit_lang = _primary(tu.get("srclang")) or default_lang
        texts: dict[str, set[str | None]] = {}
        for tuv in tu.iter("tuv"):
            lang = _primary(tuv.get(XML_LANG) or tuv.get("lang")) or unit_lang
            seg = tuv.find("seg")
            if lang and seg is not None:
                texts.setdefault(lang, set()).add(segment_text(seg))
        source = _only(texts.pop(_primary(source_lang), set()))
        if source is None:
            continue
        for lang, found in texts.items():
            text = _only(found)
            if text is not None:
                memory[(lang, source)] = text
    return memory


def _only(texts: set[str | None]) -> str | None:
    """The one usable text a language has in a unit, or None (none, a placeholder, or two that differ)."""
    if len(texts) != 1:
        return None
    text = next(iter(texts))
    return text if text and text.strip() else None


# TMX 1.4b inline elements: formatting codes are dropped, highlighted text kept, placeholders refused.
_FORMATTING = frozenset({"bpt", "ept", "it"})
_HIGHLIGHT = "hi"


def segment_text(element: etree._Element) -> str | None:
    """The text of a ``<seg>`` (or ``<hi>``) in order, or None when it holds a placeholder or an unknown element."""
    parts = [element.text or ""]
    for child in element:
        if child.tag is etree.Comment or child.tag is etree.ProcessingInstruction:
            pass
        elif child.tag == _HIGHLIGHT:
            inner = segment_text(child)
            if inner is None:
                return None
            parts.append(inner)
        elif child.tag not in _FORMATTING:
            return None
        parts.append(child.tail or "")
    return "".join(parts)


def _primary(tag: str | None) -> str:
    """The primary language subtag, lower-cased: "EN-gb" -> "en"; "" for none or TMX's "*all*"."""
    if not tag or tag == "*all*":
        return ""
    return tag.strip().replace("_", "-").split("-")[0].lower()


_LOCATION = re.compile(r",? line \d+, column \d+$")


def _parse(path: Path) -> etree._Element:
    where = str(path)
    if path.is_dir():
        raise InputError("this is a folder, not a TMX file; give the .tmx file", where)
    if not path.is_file():
        raise InputError("no such TMX file; check the --tm path", where)
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
    try:
        root = etree.parse(str(path), parser).getroot()
    except etree.XMLSyntaxError as exc:
        line, column = exc.position if exc.position else (exc.lineno, 0)
        message = _LOCATION.sub("", exc.msg or "syntax error")
        raise InputError(
            f"not well-formed XML: {message} (column {column}); fix the file or export the memory again", where, line
        ) from exc
    except OSError as exc:
        raise InputError(f"cannot read the TMX file ({exc}); check its permissions", where) from exc
    if root.tag != "tmx":
        raise InputError(
            f"not a TMX file: the root element is <{root.tag}>, not <tmx>; give a TMX 1.4 memory (pipeline tm export writes one)",
            where,
            root.sourceline,
        )
    return root
