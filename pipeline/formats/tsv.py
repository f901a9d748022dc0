"""TSV for spreadsheets: one row per segment, quoted so tabs, quotes and newlines survive a round trip."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

from pipeline.formats import ReviewDocument

COLUMNS = ("id", "block", "source", "translation", "status", "terms", "findings")


def render(document: ReviewDocument) -> str:
    """Header row plus one row per unit; cells with tabs, quotes or newlines are quoted as spreadsheets expect."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, dialect="excel-tab", lineterminator="\n")
    writer.writerow(COLUMNS)
    for unit in document.units:
        terms = "; ".join(dict.fromkeys(f"{t.surface} = {t.approved}" for t in unit.terms if t.checked))
        findings = "\n".join(f"{f.severity.value}: [{f.check}] {f.message}" for f in unit.findings)
        writer.writerow([unit.id, unit.block_kind, unit.source, unit.target, unit.status.value, terms, findings])
    return buffer.getvalue()


@dataclass(frozen=True, slots=True)
class TsvRow:
    """A row read back from a reviewed sheet."""

    line: int
    id: str
    source: str
    translation: str
    status: str


def read_tsv(text: str) -> tuple[list[TsvRow], str | None]:
    """Rows of a reviewed sheet, or (rows so far, a problem) when a required column is missing."""
    reader = csv.DictReader(io.StringIO(text), dialect="excel-tab")
    missing = [c for c in ("id", "source", "translation", "status") if c not in (reader.fieldnames or [])]
    if missing:
        return [], f"the sheet has no {missing[0]!r} column; keep the header row the pipeline wrote"
    rows = [
        TsvRow(reader.line_num, row["id"] or "", row["source"] or "", row["translation"] or "", (row["status"] or "").strip())
        for row in reader
    ]
    return rows, None
