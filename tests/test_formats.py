"""XLIFF (strict schema), TSV (spreadsheet round trip) and TMX (DTD) written by `pipeline run` and read back."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from pathlib import Path

import polib
import pytest
from lxml import etree
from support import DATA, ROOT, SEEDS
from typer.testing import Result

from pipeline.formats import ReviewDocument
from pipeline.formats.tsv import read_tsv
from pipeline.formats.tsv import render as render_tsv
from pipeline.model import Span, TermStatus
from pipeline.review import ReviewUnit, Status, TermMark

SCHEMAS = ROOT / "build" / "schemas"
needs_xsd = pytest.mark.skipif(
    not (SCHEMAS / "xliff-core-1.2-strict.xsd").exists(), reason="the XLIFF schema is fetched by `make test` (make system-tools)"
)


def strict_schema() -> etree.XMLSchema:
    text = (SCHEMAS / "xliff-core-1.2-strict.xsd").read_text("utf-8")
    # The schema imports xml.xsd from the W3C site; the local copy beside it is the same file.
    text = text.replace('schemaLocation="http://www.w3.org/2001/xml.xsd"', 'schemaLocation="xml.xsd"')
    return etree.XMLSchema(etree.fromstring(text.encode("utf-8"), base_url=f"{SCHEMAS.resolve()}/"))


@pytest.fixture(scope="module")
def translated(models_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    from typer.testing import CliRunner

    from pipeline.cli import app

    out = tmp_path_factory.mktemp("locales")
    args = ["run", str(SEEDS), "--to", "ru,uk", "--models-dir", str(models_dir), "--max-length", "6", "--no-cache"]
    result = CliRunner().invoke(app, [*args, "--out", str(out), "-g", str(ROOT / "glossary"), "--formats", "po,xliff,tsv"])
    assert result.exit_code == 0, result.stderr
    return out


@needs_xsd
def test_every_xliff_is_valid_against_the_strict_schema(translated: Path) -> None:
    schema = strict_schema()
    files = sorted(translated.glob("*/*.xlf"))
    assert len(files) == 10
    for path in files:
        document = etree.parse(str(path))
        assert schema.validate(document), f"{path}: {schema.error_log.last_error}"


def test_xliff_structure_matches_the_po(translated: Path) -> None:
    ns = {"x": "urn:oasis:names:tc:xliff:document:1.2"}
    path = translated / "ru" / "moscow-times-buryatia-objectors.xlf"
    document = etree.parse(str(path))
    catalog = polib.pofile(str(path.with_suffix(".po")))
    units = document.findall(".//x:trans-unit", ns)
    assert [u.get("id") for u in units] == [e.msgctxt for e in catalog if not e.obsolete]
    (file,) = document.findall("x:file", ns)
    assert file.get("target-language") == "ru" and file.get("original").endswith("moscow-times-buryatia-objectors.txt")
    chrome = [u for u in units if u.get("translate") == "no"]
    assert chrome and all(u.find("x:target", ns) is None for u in chrome)
    brigade = next(u for u in units if "Guards Air Assault Brigade" in "".join(u.find("x:source", ns).itertext()))
    mark = brigade.find("x:source/x:mrk", ns)
    assert mark is not None and mark.get("mtype") == "term"
    assert any(m.get("comment", "").startswith("11-я гвардейская") for m in brigade.findall("x:source/x:mrk", ns))
    notes = [n.text for n in brigade.findall("x:note", ns) if n.get("from") == "glossary"]
    assert any("11-я гвардейская десантно-штурмовая бригада [guards-air-assault-brigade]" in (n or "") for n in notes)
    assert {g.get("restype") for g in document.findall(".//x:group", ns)} >= {"x-heading", "x-paragraph", "x-boilerplate"}


def test_tsv_survives_a_spreadsheet_round_trip(translated: Path) -> None:
    path = translated / "uk" / "meduza-contract-soldiers.tsv"
    rows, problem = read_tsv(path.read_text("utf-8"))
    assert problem is None
    catalog = polib.pofile(str(path.with_suffix(".po")))
    assert [(r.id, r.source, r.translation) for r in rows] == [(e.msgctxt, e.msgid, e.msgstr) for e in catalog if not e.obsolete]


def test_tsv_quotes_tabs_and_newlines() -> None:
    hostile = 'She said "no"\tthen left.\nNew line; and a "quote'
    term = TermMark("x", TermStatus.APPROVED, "no", "нет", Span(10, 12))
    unit = ReviewUnit("a-1", 0, "paragraph", hostile, "«Нет»\tи ушла.\n", Status.MACHINE, (term,))
    document = ReviewDocument("a", "a.txt", "en", "ru", "sig", (unit,), polib.POFile())
    text = render_tsv(document)
    # Any spreadsheet reads it back the way Python's csv module (excel-tab) does.
    (header, row) = list(csv.reader(io.StringIO(text), dialect="excel-tab"))
    assert header[:4] == ["id", "block", "source", "translation"]
    assert row[2] == hostile and row[3] == "«Нет»\tи ушла.\n" and row[4] == "machine"


def test_tmx_export_is_valid_and_holds_only_approved(cli: Callable[..., Result], tmp_path: Path) -> None:
    out = tmp_path / "locales"
    assert (
        cli("run", SEEDS / "moscow-times-buryatia-objectors.txt", "--to", "ru", "--engine", "none", "--out", out).exit_code == 0
    )
    po = out / "ru" / "moscow-times-buryatia-objectors.po"
    catalog = polib.pofile(str(po))
    entry = next(e for e in catalog if e.msgid.startswith("Last week, the Free Buryatia Foundation"))
    entry.msgstr = "На прошлой неделе фонд «Свободная Бурятия» сообщил о возвращении 150 военнослужащих & <других>."
    catalog.save()
    memory = tmp_path / "memory.tmx"
    result = cli("tm", "export", out, "-o", memory)
    assert result.exit_code == 0 and "1 approved segments" in result.stdout
    dtd = etree.DTD(str(DATA / "tmx14.dtd"))
    document = etree.parse(str(memory))
    assert dtd.validate(document), dtd.error_log.last_error
    (tu,) = document.findall(".//tu")
    segs = [s.text for s in tu.iter("seg")]
    assert segs == [entry.msgid, entry.msgstr]

    # The memory feeds the next run: the exact match arrives before any MT.
    again = tmp_path / "again"
    result = cli(
        "run", SEEDS / "moscow-times-buryatia-objectors.txt", "--to", "ru", "--engine", "none", "--tm", memory, "--out", again
    )
    assert result.exit_code == 0 and "1 from memory" in result.stdout
    reused = next(e for e in polib.pofile(str(again / "ru" / po.name)) if e.msgid == entry.msgid)
    assert reused.msgstr == entry.msgstr and "fuzzy" in reused.flags
