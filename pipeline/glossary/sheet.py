"""Glossary as CSV: a two-column export for cloud MT glossaries, and a bulk-import sheet."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

from pipeline.model import EntryType, Glossary

# Columns of the import sheet; lists inside a cell are separated by "; ".
IMPORT_COLUMNS = (
    "id", "term", "variants", "type", "case_sensitive", "definition", "source", "context_unless", "context_only",
    "ru", "ru_alternatives", "ru_avoid", "ru_head", "ru_tail", "ru_declines", "ru_note",
    "ru_quoted", "ru_gender", "ru_preposition",
    "uk", "uk_alternatives", "uk_avoid", "uk_head", "uk_tail", "uk_declines", "uk_note",
    "uk_quoted", "uk_gender", "uk_preposition",
)  # fmt: skip
_BOOLEANS = {"true": True, "yes": True, "false": False, "no": False}


def render_glossary_csv(glossary: Glossary, target_lang: str) -> str:
    """source,target rows (every English form to the approved term), the shape DeepL and Google accept.

    Pattern entries are left out: a two-column glossary matches literal strings only.
    """
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    seen: set[str] = set()
    for entry in glossary.entries:
        target = entry.target(target_lang)
        if entry.type is EntryType.PATTERN or target is None:
            continue
        for form in entry.forms:
            if form.casefold() not in seen:
                seen.add(form.casefold())
                writer.writerow([form, target.term])
    return buffer.getvalue()


@dataclass(frozen=True, slots=True)
class ImportRow:
    """One row of an import sheet, as a YAML-ready entry, with the sheet line it came from."""

    line: int
    entry: dict[str, object]


def read_import_csv(text: str) -> tuple[list[ImportRow], list[tuple[int, str]]]:
    """Parse an import sheet; problems come back as (line, message)."""
    reader = csv.DictReader(io.StringIO(text))
    problems: list[tuple[int, str]] = []
    columns = reader.fieldnames or []
    unknown = [c for c in columns if c not in IMPORT_COLUMNS]
    if unknown:
        problems.append((1, f"unknown column {unknown[0]!r}; columns are: {', '.join(IMPORT_COLUMNS)}"))
        return [], problems
    rows = []
    for row in reader:
        line = reader.line_num
        entry: dict[str, object] = {}
        for key in ("id", "term", "type", "definition", "source"):
            if row.get(key):
                entry[key] = row[key].strip()
        if row.get("variants"):
            entry["variants"] = _split(row["variants"])
        bad = ""
        if row.get("case_sensitive"):
            value, bad = _boolean(row["case_sensitive"], "case_sensitive")
            entry["case_sensitive"] = value
        # Senses (glossary/README.md): patterns such as "{foreign} ~", separated by "; ".
        context = {kind: _split(row[f"context_{kind}"]) for kind in ("unless", "only") if row.get(f"context_{kind}")}
        if context:
            entry["context"] = context
        for lang in ("ru", "uk"):
            target: dict[str, object] = {}
            if row.get(lang):
                target["term"] = row[lang].strip()
            for field in ("alternatives", "avoid"):
                if row.get(f"{lang}_{field}"):
                    target[field] = _split(row[f"{lang}_{field}"])
            for field in ("head", "tail", "note", "gender", "preposition"):
                if row.get(f"{lang}_{field}"):
                    target[field] = row[f"{lang}_{field}"].strip()
            for field in ("declines", "quoted"):
                if row.get(f"{lang}_{field}"):
                    value, problem = _boolean(row[f"{lang}_{field}"], f"{lang}_{field}")
                    target[field] = value
                    bad = bad or problem
            if target:
                entry[lang] = target
        if bad:
            problems.append((line, bad))
            continue
        rows.append(ImportRow(line, entry))
    return rows, problems


def _boolean(cell: str, column: str) -> tuple[bool, str]:
    """A yes/no cell, or (False, the problem)."""
    value = _BOOLEANS.get(cell.strip().lower())
    if value is None:
        return False, f"{column} must be true or false, not {cell!r}"
    return value, ""


def _split(cell: str) -> list[str]:
    return [part.strip() for part in cell.split(";") if part.strip()]
