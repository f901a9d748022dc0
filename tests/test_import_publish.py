"""Bringing approved work back from a CAT tool or spreadsheet, and publishing the localized article."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import polib
import pytest
from lxml import etree
from support import DATA, SEEDS
from typer.testing import Result

NS = {"x": "urn:oasis:names:tc:xliff:document:1.2"}


@pytest.fixture
def reviewed_run(cli: Callable[..., Result], tmp_path: Path) -> Path:
    out = tmp_path / "locales"
    result = cli(
        "run",
        SEEDS / "moscow-times-buryatia-objectors.txt",
        "--to",
        "ru",
        "--engine",
        "none",
        "--out",
        out,
        "--formats",
        "po,xliff,tsv",
    )
    assert result.exit_code == 0, result.stderr
    return out / "ru"


def approve_in_xliff(path: Path, updates: dict[str, str]) -> None:
    """What a CAT tool does: fill targets, mark units approved, save."""
    tree = etree.parse(str(path))
    for unit in tree.iterfind(".//x:trans-unit", NS):
        if unit.get("id") in updates:
            unit.find("x:target", NS).text = updates[unit.get("id")]
            unit.set("approved", "yes")
    tree.write(str(path), xml_declaration=True, encoding="UTF-8")


def test_import_reviewed_xliff_into_the_po(cli: Callable[..., Result], reviewed_run: Path) -> None:
    po = reviewed_run / "moscow-times-buryatia-objectors.po"
    catalog = polib.pofile(str(po))
    first = next(e for e in catalog if e.msgid.startswith("Last week,"))
    second = next(e for e in catalog if e.msgid.startswith("“As far as we know"))
    approve_in_xliff(po.with_suffix(".xlf"), {first.msgctxt: "На прошлой неделе…", second.msgctxt: "«Насколько нам известно…»"})
    result = cli("import", po.with_suffix(".xlf"))
    assert result.exit_code == 0, result.stderr
    assert "2 approved translations imported" in result.stdout
    entries = {e.msgctxt: e for e in polib.pofile(str(po))}
    assert entries[second.msgctxt].msgstr == "«Насколько нам известно…»" and "fuzzy" not in entries[second.msgctxt].flags


def test_import_reports_conflicts_instead_of_guessing(cli: Callable[..., Result], reviewed_run: Path) -> None:
    po = reviewed_run / "moscow-times-buryatia-objectors.po"
    catalog = polib.pofile(str(po))
    entry = next(e for e in catalog if e.msgid.startswith("Last week,"))
    entry.msgstr, entry.flags = "Утверждённый перевод.", []
    catalog.save()
    xliff = po.with_suffix(".xlf")
    approve_in_xliff(xliff, {entry.msgctxt: "Другой перевод."})
    result = cli("import", xliff)
    assert result.exit_code == 1
    assert f"conflict: {entry.msgctxt}: {po.name} already has a different approved translation" in result.stderr
    assert next(e for e in polib.pofile(str(po)) if e.msgctxt == entry.msgctxt).msgstr == "Утверждённый перевод."


def test_import_reviewed_tsv(cli: Callable[..., Result], reviewed_run: Path) -> None:
    tsv = reviewed_run / "moscow-times-buryatia-objectors.tsv"
    lines = tsv.read_text("utf-8").split("\n")
    header = lines[0].split("\t")
    for number, line in enumerate(lines):
        cells = line.split("\t")
        if len(cells) == len(header) and cells[2].startswith("Last week,"):
            cells[3], cells[4] = "Из таблицы.", "reviewed"
            lines[number] = "\t".join(cells)
    tsv.write_text("\n".join(lines), encoding="utf-8")
    assert cli("import", tsv).exit_code == 0
    entry = next(e for e in polib.pofile(str(tsv.with_suffix(".po"))) if e.msgid.startswith("Last week,"))
    assert entry.msgstr == "Из таблицы." and "fuzzy" not in entry.flags


def test_import_of_a_broken_xliff_is_one_line(cli: Callable[..., Result], reviewed_run: Path) -> None:
    broken = reviewed_run / "moscow-times-buryatia-objectors.xlf"
    broken.write_text("<xliff><file>", encoding="utf-8")
    result = cli("import", broken)
    assert result.exit_code == 2 and result.stderr.startswith(f"error: {broken}:1: not a readable XLIFF file")


def test_publish_markdown_keeps_structure_and_markup(cli: Callable[..., Result], tmp_path: Path) -> None:
    article = tmp_path / "article.md"
    shutil.copy(DATA / "article.md", article)
    out = tmp_path / "locales"
    assert cli("run", article, "--to", "ru", "--engine", "none", "--out", out, "--formats", "po").exit_code == 0
    po = out / "ru" / "article.po"
    catalog = polib.pofile(str(po))
    translations = {
        "Soldiers *refuse* to fight": "Солдаты *отказываются* воевать",
        "Rosgvardiya units were on the front line;": "Подразделения Росгвардии были на передовой;",
    }
    for entry in catalog:
        if entry.msgid in translations:
            entry.msgstr, entry.flags = translations[entry.msgid], []
    catalog.save()
    strict = cli("publish", po, "--format", "md", "--require-reviewed")
    assert strict.exit_code == 1 and "segments are not reviewed:" in strict.stderr
    published = cli("publish", po, "--format", "md")
    assert published.exit_code == 0
    text = published.stdout
    assert text.startswith("# Солдаты *отказываются* воевать\n")
    assert "- Подразделения Росгвардии были на передовой;" in text
    assert "⟦не проверено: Lt. Col. Zaur Ikaev warned his men.⟧" in text
    assert "Support Mediazona now!" not in text, "site chrome is not republished"
    assert "Павел Васильев" in text, "text already in Cyrillic is kept"


def test_publish_html_escapes_and_marks(cli: Callable[..., Result], tmp_path: Path) -> None:
    article = tmp_path / "hostile.txt"
    article.write_text("Headline without punctuation\n\nHe said <script>alert(1)</script> & left.\n", encoding="utf-8")
    out = tmp_path / "locales"
    assert cli("run", article, "--to", "uk", "--engine", "none", "--out", out, "--formats", "po").exit_code == 0
    result = cli("publish", out / "uk" / "hostile.po", "--format", "html")
    assert result.exit_code == 0
    assert "<script>alert" not in result.stdout and "&lt;script&gt;alert(1)&lt;/script&gt; &amp; left." in result.stdout
    assert '<mark class="unreviewed"' in result.stdout and '<html lang="uk">' in result.stdout
