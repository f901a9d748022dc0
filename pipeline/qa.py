"""`pipeline qa`: re-check review files as they stand after human editing.

For every translated entry of every PO file: the source's glossary terms
must be rendered with approved forms (by lemma), no avoided rendering may
remain, the per-segment QA checks must pass, and one source term must be
rendered the same way across the whole corpus.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from pipeline.assess import Assessor
from pipeline.errors import InputError
from pipeline.formats.po import read_po
from pipeline.languages import review_file_language
from pipeline.model import Finding, Glossary, Severity, TermStatus
from pipeline.review import KIND_FLAGS


@dataclass(frozen=True, slots=True)
class AuditReport:
    """Findings over a set of review files."""

    files: tuple[str, ...]
    entries: int
    findings: tuple[Finding, ...]

    def failed(self, strict: bool) -> bool:
        worst = {f.severity for f in self.findings}
        return Severity.ERROR in worst or (strict and Severity.WARNING in worst)


def po_files(paths: Sequence[Path], lang: str | None = None) -> list[Path]:
    """PO files under ``paths`` (folders searched recursively), optionally one language's."""
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            found.extend(sorted(path.rglob("*.po")))
        elif path.is_file():
            found.append(path)
        else:
            raise InputError("no such file or folder; check the path", str(path))
    if lang is not None:
        found = [p for p in found if p.parent.name == lang or p.stem.endswith(f".{lang}")]
    if not found:
        raise InputError("no review files (.po) here; run `pipeline run` first", str(paths[0]) if paths else None)
    return list(dict.fromkeys(found))


def audit(paths: Iterable[Path], glossary: Glossary, lang: str | None = None) -> AuditReport:
    """Check every translated entry of the review files; see the module docstring."""
    files = po_files(list(paths), lang)
    assessors: dict[str, Assessor] = {}
    findings: list[Finding] = []
    renderings: dict[tuple[str, str], dict[str, list[tuple[str, int]]]] = defaultdict(lambda: defaultdict(list))
    entries = 0
    for path in files:
        catalog = read_po(path)
        file_lang = review_file_language(catalog.metadata.get("Language", ""), str(path), path.parent.name)
        assessor = assessors.setdefault(file_lang, Assessor(glossary, file_lang))
        for entry in catalog:
            if entry.obsolete or not entry.msgstr or any(flag in entry.flags for flag in KIND_FLAGS.values()):
                continue
            entries += 1
            where = {"path": str(path), "line": entry.linenum}
            assessment = assessor.person(entry.msgid, entry.msgstr)
            findings += [replace(f, **where) for f in assessment.findings]
            for check in assessment.checks:
                if check.status in (TermStatus.APPROVED, TermStatus.ALTERNATIVE) and check.rendering:
                    renderings[(file_lang, check.entry_id)][check.rendering].append((str(path), entry.linenum))
    findings += _inconsistencies(renderings)
    findings.sort(key=lambda f: (f.path, f.line or 0, f.check))
    return AuditReport(tuple(str(p) for p in files), entries, tuple(findings))


def _inconsistencies(renderings: dict[tuple[str, str], dict[str, list[tuple[str, int]]]]) -> list[Finding]:
    """A term rendered more than one accepted way across the corpus: a warning at each minority use."""
    out = []
    for (lang, entry_id), uses in sorted(renderings.items()):
        if len(uses) < 2:
            continue
        ranked = sorted(uses.items(), key=lambda item: -len(item[1]))
        main, main_uses = ranked[0]
        for rendering, places in ranked[1:]:
            for path, line in places:
                out.append(
                    Finding(
                        path,
                        line,
                        Severity.WARNING,
                        "consistency",
                        f"{entry_id} is rendered «{rendering}» here but «{main}» in {len(main_uses)} other places ({lang})",
                        entry_id,
                    )
                )
    return out


def github_annotation(finding: Finding) -> str:
    """A GitHub Actions workflow command that shows the finding on the file's line."""
    level = {"error": "error", "warning": "warning"}.get(finding.severity.value, "notice")
    message = finding.message.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    return f"::{level} file={finding.path},line={finding.line or 1},title={finding.check}::{message}"
