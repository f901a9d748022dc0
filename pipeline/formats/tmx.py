"""TMX 1.4b translation memory: approved segments out, exact matches back in."""

from __future__ import annotations

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
    """{(target language, source text): target text} from a TMX file."""
    try:
        tree = etree.parse(str(path), etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False))
    except (OSError, etree.XMLSyntaxError) as exc:
        raise InputError(f"not a readable TMX file ({exc}); export it again", str(path), getattr(exc, "lineno", None)) from exc
    memory: dict[tuple[str, str], str] = {}
    for tu in tree.iter("tu"):
        texts = {
            (tuv.get(XML_LANG) or tuv.get("lang") or "").lower(): "".join(tuv.findtext("seg") or "") for tuv in tu.iter("tuv")
        }
        source = texts.pop(source_lang, None)
        if source is None:
            continue
        for lang, text in texts.items():
            if text:
                memory[(lang.split("-")[0], source)] = text
    return memory
