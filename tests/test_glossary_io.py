"""Glossary export (TBX, two-column CSV), bulk import from CSV, and the find/candidates commands."""

from __future__ import annotations

import csv
import io
import json
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from lxml import etree
from support import DATA, ROOT, SEEDS
from typer.testing import Result

from pipeline.errors import ConfigError
from pipeline.glossary.check import check_glossary
from pipeline.glossary.edit import import_csv
from pipeline.glossary.load import load_glossary

XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


def test_tbx_export_has_an_entry_per_term(cli: Callable[..., Result], tmp_path: Path) -> None:
    target = tmp_path / "glossary.tbx"
    result = cli("glossary", "export", "--format", "tbx", "-o", target, "-g", ROOT / "glossary")
    assert result.exit_code == 0, result.stderr
    tree = etree.parse(str(target))
    glossary = load_glossary([ROOT / "glossary"])
    entries = tree.findall(".//termEntry")
    assert tree.getroot().tag == "martif" and len(entries) == len(glossary.entries)
    omon = next(e for e in entries if e.get("id") == "rosgvardiya")
    langs = [ls.get(XML_LANG) for ls in omon.findall("langSet")]
    assert langs == ["en", "ru", "uk"]
    uk = omon.findall("langSet")[2]
    statuses = {t.findtext("term"): t.findtext("termNote[@type='administrativeStatus']") for t in uk.findall("tig")}
    assert statuses["Росгвардія"] == "preferredTerm-admn-sts"
    assert statuses["Національна гвардія"] == "deprecatedTerm-admn-sts"


def test_csv_export_two_columns(cli: Callable[..., Result]) -> None:
    result = cli("glossary", "export", "--format", "csv", "--lang", "uk", "-g", ROOT / "glossary")
    assert result.exit_code == 0
    rows = list(csv.reader(io.StringIO(result.stdout)))
    assert all(len(row) == 2 for row in rows)
    mapping = dict(rows)
    assert mapping["Kyiv"] == "Київ" and mapping["Rosgvardiya"] == "Росгвардія"
    assert "Military Unit No. 21005" not in mapping, "patterns cannot be literal glossary rows"


def test_csv_export_needs_a_language(cli: Callable[..., Result]) -> None:
    result = cli("glossary", "export", "--format", "csv", "-g", ROOT / "glossary")
    assert result.exit_code == 2 and "add --lang ru or --lang uk" in result.stderr


SHEET = (
    "id,term,variants,type,definition,source,ru,ru_avoid,ru_head,uk,uk_head\n"
    "penal-battalion,penal battalion,penal unit; Storm-Z,term,A unit of convicts sent to assault positions.,"
    "Meduza; Suspilne,штрафной батальон,штрафбатальон; карательный батальон,батальон,штрафний батальйон,батальйон\n"
)


@pytest.fixture
def glossary_copy(tmp_path: Path) -> Path:
    target = tmp_path / "glossary"
    shutil.copytree(ROOT / "glossary", target)
    return target


def test_import_appends_checked_entries(glossary_copy: Path, tmp_path: Path) -> None:
    sheet = tmp_path / "new.csv"
    sheet.write_text(SHEET, encoding="utf-8")
    before = (glossary_copy / "military.yaml").read_text("utf-8")
    result = import_csv(sheet, glossary_copy / "military.yaml", [glossary_copy])
    assert result.added == ("penal-battalion",)
    after = (glossary_copy / "military.yaml").read_text("utf-8")
    assert after.startswith(before.rstrip("\n")), "existing entries and comments must stay as they were"
    entry = load_glossary([glossary_copy]).by_id()["penal-battalion"]
    assert entry.variants == ("penal unit", "Storm-Z")
    ru = entry.target("ru")
    assert ru is not None and ru.avoid == ("штрафбатальон", "карательный батальон") and ru.head == "батальон"
    assert not check_glossary([glossary_copy], morphology=False).errors


def test_import_refuses_a_duplicate_and_names_the_sheet_line(glossary_copy: Path, tmp_path: Path) -> None:
    sheet = tmp_path / "dup.csv"
    sheet.write_text(SHEET + "omon-again,OMON,,abbreviation,Again.,x,ОМОН,,,ОМОН,\n", encoding="utf-8")
    before = (glossary_copy / "military.yaml").read_text("utf-8")
    with pytest.raises(ConfigError) as caught:
        import_csv(sheet, glossary_copy / "military.yaml", [glossary_copy])
    assert str(caught.value).startswith(f"{sheet}:3: English 'OMON' of 'omon-again' is also 'OMON'")
    assert (glossary_copy / "military.yaml").read_text("utf-8") == before


def test_import_cli(cli: Callable[..., Result], glossary_copy: Path, tmp_path: Path) -> None:
    sheet = tmp_path / "new.csv"
    sheet.write_text(SHEET, encoding="utf-8")
    result = cli("glossary", "import", sheet, "--into", glossary_copy / "legal.yaml", "-g", glossary_copy)
    assert result.exit_code == 0 and "added 1 entries" in result.stdout


def test_find_json_lists_hits_with_approved_terms(cli: Callable[..., Result]) -> None:
    result = cli("glossary", "find", SEEDS / "moscow-times-buryatia-objectors.txt", "-g", ROOT / "glossary", "--json")
    assert result.exit_code == 0
    segments = json.loads(result.stdout)
    hits = [hit for seg in segments for hit in seg["hits"]]
    brigade = next(h for h in hits if h["entry"] == "guards-air-assault-brigade")
    assert brigade["uk"] == "11-та гвардійська десантно-штурмова бригада"
    assert brigade["ru"] == "11-я гвардейская десантно-штурмовая бригада"
    assert any(h["entry"] == "free-buryatia-foundation" and h["ru"] == "фонд «Свободная Бурятия»" for h in hits)


def test_candidates_are_missing_names(cli: Callable[..., Result], tmp_path: Path) -> None:
    article = tmp_path / "story.txt"
    article.write_text(
        "Wagner Group fighters met the FSB. Wagner Group recruiters visited the prison. The NKVD archive is closed.\n",
        encoding="utf-8",
    )
    result = cli("glossary", "candidates", article, "-g", ROOT / "glossary", "--json")
    assert result.exit_code == 0
    found = {(c["text"], c["kind"]): c["count"] for c in json.loads(result.stdout)}
    assert found[("Wagner Group", "name")] == 2
    assert found[("NKVD", "acronym")] == 1
    assert ("FSB", "acronym") not in found, "terms already in the glossary are not candidates"


def test_bad_glossary_option(cli: Callable[..., Result]) -> None:
    result = cli("glossary", "find", SEEDS, "-g", DATA / "glossary" / "bad-type.yaml")
    assert result.exit_code == 2
    assert "type 'phrase' is unknown" in result.stderr


def test_import_takes_senses_and_the_new_grammar_hints(glossary_copy: Path, tmp_path: Path) -> None:
    """The sheet covers what the YAML can say: context patterns, quoted names, gender, the preposition hint."""
    sheet = tmp_path / "senses.csv"
    rows = [
        "id,term,type,definition,source,context_unless,ru,ru_quoted,ru_gender,uk,uk_quoted,uk_preposition",
        "novaya-vkladka,Novaya Vkladka,proper-name,A Russian independent outlet.,Novaya Vkladka,"
        "{foreign} ~; ~ of {foreign},Новая вкладка,yes,feminine,Нова вкладка,true,в",
    ]
    sheet.write_text("\n".join(rows) + "\n", encoding="utf-8")
    import_csv(sheet, glossary_copy / "media.yaml", [glossary_copy])
    entry = load_glossary([glossary_copy]).by_id()["novaya-vkladka"]
    assert entry.context.unless == ("{foreign} ~", "~ of {foreign}")
    ru, uk = entry.target("ru"), entry.target("uk")
    assert ru is not None and ru.quoted and ru.gender == "femn"  # given as "feminine"
    assert uk is not None and uk.quoted and uk.preposition == "в"
    bad = tmp_path / "bad.csv"
    bad.write_text(rows[0] + "\n" + rows[1].replace(",yes,", ",maybe,") + "\n", encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        import_csv(bad, glossary_copy / "media.yaml", [glossary_copy])
    assert "ru_quoted must be true or false, not 'maybe'" in str(caught.value)
