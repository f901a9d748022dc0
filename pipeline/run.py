"""The pipeline: calls the stages in order. No printing, no option parsing."""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from pipeline import __version__
from pipeline.engines import INSTALL_HINT, load_engine
from pipeline.engines.base import Engine
from pipeline.files import write_atomic
from pipeline.formats.po import RunInfo, build_catalog, is_reviewed, read_po, render_po
from pipeline.glossary.load import load_glossary
from pipeline.glossary.match import TermMatcher
from pipeline.glossary.render import render_template
from pipeline.ingest import find_articles, read_articles
from pipeline.languages import SOURCE_LANG
from pipeline.merge import merge_catalog
from pipeline.model import Article, Glossary, Notice

Progress = Callable[[str, int, int], None]


@dataclass(frozen=True, slots=True)
class RunRequest:
    """What to run: the CLI builds this from options."""

    inputs: tuple[Path, ...]
    target_langs: tuple[str, ...]
    out_dir: Path
    engine: str = "auto"
    glossary: tuple[Path, ...] | None = None  # None: glossary/ in the working folder, if there is one


@dataclass(frozen=True, slots=True)
class RunReport:
    """What a run did, for the CLI to show."""

    articles: tuple[Article, ...]
    written: tuple[Path, ...]
    notices: tuple[Notice, ...]
    signature: str
    translated: int
    reviewed_kept: int


def choose_engine(name: str, target_langs: Sequence[str]) -> tuple[Engine, list[Notice]]:
    """Resolve ``auto``: MT when models are installed, else review files without MT."""
    if name != "auto":
        return load_engine(name), []
    pairs = ", ".join(f"{SOURCE_LANG}→{lang}" for lang in target_langs)
    notice = Notice(
        "engine",
        f"no translation model installed for {pairs}; writing review files without MT (engine none). "
        f"Install models with: {INSTALL_HINT}",
    )
    return load_engine("none"), [notice]


def source_reference(path: str) -> str:
    """The article path as review files cite it: relative to the working folder when inside it."""
    relative = os.path.relpath(path)
    return Path(relative if not relative.startswith("..") else os.path.abspath(path)).as_posix()


def load_run_glossary(paths: tuple[Path, ...] | None) -> Glossary | None:
    """The glossary a run applies: the given paths, else ./glossary when it exists."""
    if paths:
        return load_glossary(paths)
    default = Path("glossary")
    return load_glossary([default]) if default.is_dir() else None


def term_notes(article: Article, matcher: TermMatcher, glossary: Glossary, lang: str) -> dict[str, tuple[str, ...]]:
    """For each segment, one line per glossary term found: surface -> approved rendering (note)."""
    by_id = glossary.by_id()
    notes: dict[str, tuple[str, ...]] = {}
    for block in article.blocks:
        if not block.kind.translatable:
            continue
        for segment in block.segments:
            lines = []
            for hit in matcher.find(segment.text):
                target = by_id[hit.entry_id].target(lang)
                if target is None:
                    continue
                approved = render_template(target.term, dict(hit.groups), lang) if hit.groups else target.term
                line = f"term: {hit.surface} = {approved} [{hit.entry_id}]"
                if target.avoid:
                    line += f"; avoid: {', '.join(target.avoid)}"
                lines.append(line)
            if lines:
                notes[segment.id] = tuple(lines)
    return notes


def run(request: RunRequest, timestamp: str) -> RunReport:
    """Ingest, segment, translate and write one PO file per article and language."""
    paths = find_articles(request.inputs)
    articles, notices = read_articles(paths)
    glossary = load_run_glossary(request.glossary)
    matcher = TermMatcher(glossary) if glossary else None
    engine, engine_notices = choose_engine(request.engine, request.target_langs)
    notices = [*engine_notices, *notices]
    glossary_part = f"glossary:{glossary.content_hash}" if glossary else "glossary:none"
    signature = f"pipeline {__version__}|engine:{engine.signature()}|{glossary_part}"
    info = RunInfo(signature=signature, timestamp=timestamp, source_lang=SOURCE_LANG)

    # Every translatable sentence of every article, once: one batch per language.
    unique_texts = list(
        dict.fromkeys(
            seg.text for article in articles for block in article.blocks if block.kind.translatable for seg in block.segments
        )
    )
    written: list[Path] = []
    translated = kept = 0
    for lang in request.target_langs:
        outputs = engine.translate(unique_texts, SOURCE_LANG, lang)
        by_text = dict(zip(unique_texts, outputs, strict=True))
        translated += sum(1 for text in outputs if text)
        for article in articles:
            by_id = {seg.id: by_text.get(seg.text, "") for seg in article.segments}
            notes = term_notes(article, matcher, glossary, lang) if matcher and glossary else {}
            fresh = build_catalog(article, lang, by_id, info, source_reference(article.path), notes)
            target = request.out_dir / lang / f"{article.name}.po"
            existing = read_po(target) if target.exists() else None
            merged = merge_catalog(fresh, existing)
            kept += sum(1 for entry in merged if is_reviewed(entry))
            write_atomic(target, render_po(merged))
            written.append(target)
    return RunReport(tuple(articles), tuple(written), tuple(notices), signature, translated, kept)
