"""Translation memory: approved segments of review files to TMX, and exact matches back for new runs."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from pipeline.formats.po import is_reviewed, read_po
from pipeline.formats.tmx import render_tmx
from pipeline.qa import po_files


def export_tm(paths: Sequence[Path]) -> tuple[str, int]:
    """TMX text of every approved entry under ``paths``, and how many units it holds (one per source and language)."""
    seen: dict[tuple[str, str], tuple[str, str, str, str]] = {}
    for path in po_files(list(paths)):
        catalog = read_po(path)
        lang = catalog.metadata.get("Language") or path.parent.name
        for entry in catalog:
            if is_reviewed(entry):
                seen.setdefault((lang, entry.msgid), (entry.msgctxt or "", lang, entry.msgid, entry.msgstr))
    units = sorted(seen.values(), key=lambda u: (u[1], u[0]))
    return render_tmx(units), len(units)
