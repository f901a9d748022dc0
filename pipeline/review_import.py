"""`pipeline import`: bring translations approved in a CAT tool (XLIFF) or a spreadsheet (TSV) into the canonical PO.

Only approved units come in. Anything that does not fit is reported, never
guessed: a unit the PO file no longer has, an English source that changed
since the export, a different translation already approved in the PO.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from pipeline.errors import InputError
from pipeline.files import read_sheet, write_atomic
from pipeline.formats.po import is_reviewed, read_po, render_po
from pipeline.formats.tsv import read_tsv
from pipeline.formats.xliff import read_xliff


@dataclass(frozen=True, slots=True)
class Approved:
    id: str
    source: str
    target: str


@dataclass(frozen=True, slots=True)
class ImportReport:
    po_path: Path
    applied: int
    already: int
    conflicts: tuple[str, ...]


def approved_units(path: Path) -> list[Approved]:
    """The approved units of a reviewed .xlf/.xliff or .tsv file."""
    suffix = path.suffix.lower()
    if suffix in (".xlf", ".xliff"):
        _, _, units = read_xliff(path)
        return [Approved(u.id, u.source, u.target) for u in units if u.approved and u.target]
    if suffix == ".tsv":
        rows, problem = read_tsv(read_sheet(path))
        if problem:
            raise InputError(problem, str(path), 1)
        return [Approved(r.id, r.source, r.translation) for r in rows if r.status == "reviewed" and r.translation]
    raise InputError("import reads reviewed .xlf, .xliff or .tsv files", str(path))


def import_reviewed(path: Path, po_path: Path | None = None) -> ImportReport:
    """Apply approved units to the PO file beside ``path`` (or ``po_path``); report conflicts."""
    if not path.is_file():
        raise InputError("no such file; check the path", str(path))
    target_po = po_path or path.with_suffix(".po")
    if not target_po.is_file():
        raise InputError(f"no review file {target_po.name} beside it; name the PO file with --po", str(path))
    units = approved_units(path)
    catalog = read_po(target_po)
    entries = {entry.msgctxt: entry for entry in catalog if not entry.obsolete}
    applied = already = 0
    conflicts: list[str] = []
    for unit in units:
        entry = entries.get(unit.id)
        if entry is None:
            conflicts.append(f"{unit.id}: not in {target_po.name} any more (the article changed); re-export and review again")
        elif entry.msgid != unit.source:
            conflicts.append(f"{unit.id}: the English changed since the export; review the new source in {target_po.name}")
        elif is_reviewed(entry) and entry.msgstr != unit.target:
            conflicts.append(f"{unit.id}: {target_po.name} already has a different approved translation; choose one by hand")
        elif is_reviewed(entry):
            already += 1
        else:
            entry.msgstr = unit.target
            entry.flags = [flag for flag in entry.flags if flag != "fuzzy"]
            entry.previous_msgid = None
            entry.previous_msgctxt = None
            applied += 1
    if applied:
        write_atomic(target_po, render_po(catalog))
    return ImportReport(target_po, applied, already, tuple(conflicts))
