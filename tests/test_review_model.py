"""One review model: every format rendered from the same typed units, derived data recomputed, never parsed back."""

from __future__ import annotations

import ast
import csv
import io
import json
from collections.abc import Callable
from pathlib import Path

import lxml.html
import polib
import pytest
from lxml import etree
from support import ROOT, SEEDS
from test_formats import needs_xsd, strict_schema
from typer.testing import Result

NS = {"x": "urn:oasis:names:tc:xliff:document:1.2"}
SEED = SEEDS / "mediazona-rosgvardiya-refusals.txt"
NAME = SEED.stem


def run(cli: Callable[..., Result], out: Path, *extra: str | Path) -> Result:
    result = cli("run", SEED, "--to", "ru", "--out", out, "-g", ROOT / "glossary", *extra)
    assert result.exit_code == 0, result.stderr
    return result


def machine_run(cli: Callable[..., Result], models_dir: Path, out: Path, *extra: str | Path) -> Result:
    return run(cli, out, "--models-dir", models_dir, "--max-length", "6", "--no-cache", *extra)


# --- what every format shows ------------------------------------------------------------------------


def po_view(path: Path) -> dict[str, tuple[str, list[str]]]:
    view = {}
    for entry in polib.pofile(str(path)):
        if entry.obsolete or {"boilerplate", "foreign-language"} & set(entry.flags):
            continue
        status = "reviewed" if entry.msgstr and "fuzzy" not in entry.flags else "other"
        findings = sorted(line.removeprefix("qa: ") for line in entry.comment.splitlines() if line.startswith("qa: "))
        view[entry.msgctxt] = (status, findings)
    return view


def xliff_view(path: Path) -> dict[str, tuple[str, list[str]]]:
    view = {}
    for unit in etree.parse(str(path)).iterfind(".//x:trans-unit", NS):
        if unit.get("translate") == "no":
            continue
        status = "reviewed" if unit.get("approved") == "yes" else "other"
        findings = sorted(n.text or "" for n in unit.iterfind("x:note", NS) if n.get("from") == "qa")
        view[unit.get("id")] = (status, findings)
    return view


def tsv_view(path: Path) -> dict[str, tuple[str, list[str]]]:
    rows = csv.DictReader(io.StringIO(path.read_text("utf-8")), dialect="excel-tab")
    return {
        row["id"]: ("reviewed" if row["status"] == "reviewed" else "other", sorted(filter(None, row["findings"].split("\n"))))
        for row in rows
        if row["status"] != "not-for-translation"
    }


def html_view(path: Path) -> dict[str, tuple[str, list[str]]]:
    doc = lxml.html.document_fromstring(path.read_text("utf-8"))
    view = {}
    for row in doc.xpath("//*[@data-status]"):
        if row.get("data-status") == "not-for-translation":
            continue
        findings = []
        for item in row.xpath('.//li[contains(@class, "finding")]'):
            severity = item.findtext("b")
            findings.append(f"{severity}: {item.text_content().removeprefix(severity).strip()}")
        status = "reviewed" if row.get("data-status") == "reviewed" else "other"
        view[row.get("id").removeprefix("seg-")] = (status, sorted(findings))
    return view


def all_views(folder: Path) -> list[dict[str, tuple[str, list[str]]]]:
    return [
        po_view(folder / f"{NAME}.po"),
        xliff_view(folder / f"{NAME}.xlf"),
        tsv_view(folder / f"{NAME}.tsv"),
        html_view(folder / f"{NAME}.html"),
    ]


def test_after_import_every_format_shows_the_same_status_and_findings(
    cli: Callable[..., Result], models_dir: Path, tmp_path: Path
) -> None:
    machine_run(cli, models_dir, tmp_path)
    folder = tmp_path / "ru"
    po, xlf = folder / f"{NAME}.po", folder / f"{NAME}.xlf"
    before = {e.msgctxt: e.comment for e in polib.pofile(str(po))}

    # A reviewer approves one unit in the CAT tool with a translation that keeps an avoided rendering.
    document = etree.parse(str(xlf))
    unit = next(
        u
        for u in document.iterfind(".//x:trans-unit", NS)
        if "".join(u.find("x:source", NS).itertext()).startswith("Near Kharkiv")
    )
    target = unit.find("x:target", NS)
    target.text = "Под Харьковом Национальная гвардия попала под обстрел."
    target.set("state", "final")
    unit.set("approved", "yes")
    document.write(str(xlf), xml_declaration=True, encoding="UTF-8")

    result = cli("import", xlf, "-g", ROOT / "glossary")
    assert result.exit_code == 0, result.stderr
    assert "1 approved translations imported" in result.stdout and "4 review files brought up to date" in result.stdout

    views = all_views(folder)
    assert all(view == views[0] for view in views[1:]), "the four formats disagree after import"
    status, findings = views[0][unit.get("id")]
    assert status == "reviewed"
    # Worked out afresh for the reviewer's text: the avoided rendering is an error, and the MT's own findings are gone.
    assert any(f.startswith("error: [term-avoided] «Национальная гвардия»") for f in findings)
    entry = next(e for e in polib.pofile(str(po)) if e.msgctxt == unit.get("id"))
    assert entry.comment != before[unit.get("id")]
    assert "mt: " not in entry.comment or entry.msgstr not in entry.comment


def test_comments_are_never_needed_for_correctness(cli: Callable[..., Result], models_dir: Path, tmp_path: Path) -> None:
    """Strip every note from the PO, or write nonsense into them: re-deriving gives the same review files."""
    machine_run(cli, models_dir, tmp_path)
    folder = tmp_path / "ru"
    po = folder / f"{NAME}.po"
    result = cli("qa", po, "-g", ROOT / "glossary", "--fix-comments")
    assert result.exit_code in (0, 1), result.stderr
    expected = {path.name: path.read_text("utf-8") for path in sorted(folder.glob(f"{NAME}.*"))}

    catalog = polib.pofile(str(po), wrapwidth=0)
    for entry in catalog:
        kept = [line for line in entry.comment.splitlines() if line.startswith(("block: ", "mt: "))]
        entry.comment = "\n".join([*kept, "term: nonsense = чепуха [rosgvardiya]", "qa: error: [term-fixed] «a» → «b» (x: y)"])
    catalog.save(str(po))
    result = cli("qa", po, "-g", ROOT / "glossary", "--fix-comments")
    assert result.exit_code in (0, 1), result.stderr
    assert {path.name: path.read_text("utf-8") for path in sorted(folder.glob(f"{NAME}.*"))} == expected


def test_no_module_reads_the_wording_of_a_message() -> None:
    """Findings and term notes are typed values; nothing takes them apart again with a regex."""
    for path in (ROOT / "pipeline").rglob("*.py"):
        text = path.read_text("utf-8")
        for marker in ("→ «", "[term-fixed]", "'term: '", '"term: "', '"qa: "'):
            if marker in text and "re.compile" in text:
                assert not any(marker in line and "re." in line for line in text.splitlines()), f"{path}: {marker}"
    assert "parse_comment" not in "".join(p.read_text("utf-8") for p in (ROOT / "pipeline").rglob("*.py"))


def test_the_package_has_no_import_cycle() -> None:
    graph: dict[str, set[str]] = {}
    for path in (ROOT / "pipeline").rglob("*.py"):
        parts = path.relative_to(ROOT).with_suffix("").parts
        module = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        imported = set()
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("pipeline"):
                imported.add(node.module)
                imported.update(f"{node.module}.{a.name}" for a in node.names)
            elif isinstance(node, ast.Import):
                imported.update(a.name for a in node.names if a.name.startswith("pipeline"))
        graph[module] = imported
    graph = {m: {i for i in deps if i in graph and i != m} for m, deps in graph.items()}

    def cycle_from(start: str) -> list[str] | None:
        stack, seen = [(start, [start])], set()
        while stack:
            node, path = stack.pop()
            for nxt in graph[node]:
                if nxt == start:
                    return [*path, nxt]
                if nxt not in seen:
                    seen.add(nxt)
                    stack.append((nxt, [*path, nxt]))
        return None

    cycles = [c for m in sorted(graph) if (c := cycle_from(m))]
    assert not cycles, " -> ".join(cycles[0])


# --- re-runs ---------------------------------------------------------------------------------------------


def test_a_rerun_with_nothing_changed_skips_and_an_edit_is_noticed(cli: Callable[..., Result], tmp_path: Path) -> None:
    out = tmp_path / "out"
    run(cli, out, "--engine", "none")
    folder = out / "ru"
    first = {p.name: p.read_bytes() for p in folder.iterdir()}
    assert json.loads((folder / ".pipeline-manifest.json").read_text("utf-8"))[NAME]["files"].keys() == {
        f"{NAME}.{ext}" for ext in ("po", "xlf", "tsv", "html")
    }

    again = run(cli, out, "--engine", "none")
    assert "1 unchanged (article, language) pairs skipped" in again.stdout
    assert {p.name: p.read_bytes() for p in folder.iterdir()} == first

    # A reviewer's edit to the PO means the article is merged and written again, keeping the edit.
    po = folder / f"{NAME}.po"
    catalog = polib.pofile(str(po), wrapwidth=0)
    entry = next(e for e in catalog if e.msgid.startswith("Near Kharkiv"))
    entry.msgstr = "Под Харьковом Росгвардия попала под обстрел."
    catalog.save(str(po))
    third = run(cli, out, "--engine", "none")
    assert "skipped" not in third.stdout
    assert (
        "Под Харьковом Росгвардия" in lxml.html.document_fromstring((folder / f"{NAME}.html").read_text("utf-8")).text_content()
    )
    assert "1 reviewed translations kept" in third.stdout

    # So does another glossary, and --force.
    assert "skipped" not in run(cli, out, "--engine", "none", "--force").stdout


# --- XLIFF for OmegaT --------------------------------------------------------------------------------------


@needs_xsd
def test_xliff_can_offer_the_mt_as_a_suggestion(cli: Callable[..., Result], models_dir: Path, tmp_path: Path) -> None:
    machine_run(cli, models_dir, tmp_path, "--xliff-mt", "alt-trans")
    xlf = tmp_path / "ru" / f"{NAME}.xlf"
    document = etree.parse(str(xlf))
    assert strict_schema().validate(document), strict_schema().error_log.last_error
    units = [u for u in document.iterfind(".//x:trans-unit", NS) if u.get("translate") == "yes"]
    assert units and all(u.find("x:target", NS) is None for u in units)
    proposals = [u.find("x:alt-trans/x:target", NS) for u in units]
    assert all(p is not None and p.text for p in proposals)

    # The translator fills a target and approves it; it comes in, and the file rendered again keeps the choice.
    unit = units[0]
    target = etree.Element(f"{{{NS['x']}}}target", state="final")
    target.text = "Перевод редактора."
    unit.find("x:source", NS).addnext(target)
    unit.set("approved", "yes")
    document.write(str(xlf), xml_declaration=True, encoding="UTF-8")
    result = cli("import", xlf, "-g", ROOT / "glossary")
    assert result.exit_code == 0, result.stderr
    assert "1 approved translations imported" in result.stdout
    again = etree.parse(str(xlf))
    assert strict_schema().validate(again)
    reviewed = next(u for u in again.iterfind(".//x:trans-unit", NS) if u.get("id") == unit.get("id"))
    assert reviewed.findtext("x:target", namespaces=NS) == "Перевод редактора."
    assert sum(u.find("x:target", NS) is not None for u in again.iterfind(".//x:trans-unit", NS)) == 1


def test_unknown_xliff_mt_place_is_a_usage_error(cli: Callable[..., Result], tmp_path: Path) -> None:
    result = cli("run", SEED, "--to", "ru", "--engine", "none", "--out", tmp_path, "--xliff-mt", "both")
    assert result.exit_code == 2 and "choose target or alt-trans" in result.stderr


@pytest.mark.parametrize("fmt", ["po", "xliff", "tsv", "html"])
def test_every_registered_format_renders_from_the_document(fmt: str) -> None:
    from pipeline.formats import FORMATS, renderer

    assert FORMATS[fmt].name == fmt and callable(renderer(fmt))
