"""Bulk additions from a CSV sheet, validated like the rest of the glossary, then written atomically."""

from __future__ import annotations

import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import yaml

from pipeline.errors import ConfigError, InputError
from pipeline.files import read_sheet, write_atomic
from pipeline.glossary.check import check_entries
from pipeline.glossary.load import build_glossary, glossary_files, parse_file
from pipeline.glossary.sheet import read_import_csv
from pipeline.model import Severity
from pipeline.yamlio import FAST_LOADER


@dataclass(frozen=True, slots=True)
class ImportResult:
    """What an import added, and where."""

    target: Path
    added: tuple[str, ...]


def import_csv(sheet: Path, into: Path, glossary_paths: Sequence[Path]) -> ImportResult:
    """Append the sheet's entries to ``into``, refusing them all if any breaks a glossary rule."""
    rows, problems = read_import_csv(read_sheet(sheet))
    if problems:
        line, message = problems[0]
        raise ConfigError(message, str(sheet), line)
    if not rows:
        raise InputError("the sheet has no rows to import", str(sheet))

    existing = into.read_text("utf-8") if into.exists() else f"domain: {into.stem}\nentries:\n"
    _require_entries_last(existing, into)
    block = yaml.safe_dump([row.entry for row in rows], allow_unicode=True, sort_keys=False, width=100)
    combined = existing.rstrip("\n") + "\n\n" + "".join(f"  {line}\n" if line else "\n" for line in block.splitlines())

    with tempfile.TemporaryDirectory() as scratch:
        candidate = Path(scratch) / into.name
        candidate.write_text(combined, encoding="utf-8")
        others = [p for p in glossary_files(glossary_paths) if p.resolve() != into.resolve()]
        parsed = [parse_file(p) for p in others] + [parse_file(candidate)]
        new_ids = {str(row.entry.get("id")): row.line for row in rows}
        findings = [f for one in parsed for f in one.findings]
        findings += list(check_entries(build_glossary(parsed), morphology=False))
        for finding in findings:
            if finding.severity is Severity.ERROR and (finding.entry_id in new_ids or finding.path == str(candidate)):
                raise ConfigError(f"{finding.message}; nothing was imported", str(sheet), new_ids.get(finding.entry_id or ""))
    write_atomic(into, combined)
    return ImportResult(into, tuple(new_ids))


def _require_entries_last(text: str, path: Path) -> None:
    try:
        root = yaml.compose(text, Loader=FAST_LOADER)
    except yaml.YAMLError as exc:
        raise ConfigError(f"invalid YAML ({exc}); fix it before importing", str(path)) from exc
    if not isinstance(root, yaml.MappingNode) or not root.value or root.value[-1][0].value != "entries":
        raise ConfigError("`entries:` must be the last top-level field to append to this file", str(path))
