"""The pipeline: calls the stages in order. No printing, no option parsing."""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import polib

from pipeline import __version__
from pipeline.cache import TranslationCache, default_cache_path
from pipeline.checks import run_checks
from pipeline.enforce import check_segment
from pipeline.engines import install_hint, load_engine
from pipeline.engines.base import Engine
from pipeline.errors import PipelineError
from pipeline.files import write_atomic
from pipeline.formats.po import RunInfo, build_catalog, is_reviewed, read_po, render_po
from pipeline.formats.tmx import read_tmx
from pipeline.formats.tsv import render_tsv
from pipeline.formats.xliff import render_xliff
from pipeline.glossary.load import load_glossary
from pipeline.glossary.match import TermMatcher
from pipeline.glossary.sense import applies
from pipeline.glossary.template import render_template
from pipeline.ingest import find_articles, read_articles
from pipeline.languages import SOURCE_LANG
from pipeline.merge import merge_catalog
from pipeline.model import Article, Glossary, Notice, TermHit, Translation
from pipeline.morphology import SUPPORTED as SUPPORTED_MORPHOLOGY
from pipeline.review import units_from_catalog

# (target language, segments done, segments to translate)
Progress = Callable[[str, int, int], None]


@dataclass(frozen=True, slots=True)
class EngineOptions:
    """Options the `argos` engine takes; ignored by `none`."""

    models_dir: Path | None = None
    beam_size: int = 4
    max_length: int = 256
    device: str = "auto"
    inter_threads: int = 0
    intra_threads: int = 0


@dataclass(frozen=True, slots=True)
class RunRequest:
    """What to run: the CLI builds this from options."""

    inputs: tuple[Path, ...]
    target_langs: tuple[str, ...]
    out_dir: Path
    engine: str = "auto"
    glossary: tuple[Path, ...] | None = None  # None: glossary/ in the working folder, if there is one
    engine_options: EngineOptions = field(default_factory=EngineOptions)
    cache: Path | None = None  # None: the default cache file
    use_cache: bool = True
    formats: tuple[str, ...] = ("po", "xliff", "tsv", "html")
    tm: Path | None = None  # a TMX memory whose exact matches are used before MT


@dataclass(frozen=True, slots=True)
class RunReport:
    """What a run did, for the CLI to show."""

    articles: tuple[Article, ...]
    written: tuple[Path, ...]
    notices: tuple[Notice, ...]
    signature: str
    translated: int
    cache_hits: int
    reviewed_kept: int
    tm_hits: int = 0


def choose_engine(name: str, target_langs: Sequence[str], options: EngineOptions) -> tuple[Engine, list[Notice]]:
    """Build the engine; `auto` is argos when every pair has a model, else a stop with the fix."""
    if name not in ("auto", "argos"):
        return load_engine(name), []  # `none`, or the "unknown engine" message
    # Importing the argos module is cheap: CTranslate2 loads only when a model does.
    from pipeline.engines.argos import ArgosEngine, DecodingOptions, Hardware

    engine = ArgosEngine(
        models_dir=options.models_dir,
        decoding=DecodingOptions(beam_size=options.beam_size, max_decoding_length=options.max_length),
        hardware=Hardware(device=options.device, inter_threads=options.inter_threads, intra_threads=options.intra_threads),
    )
    missing = engine.missing_pairs(SOURCE_LANG, target_langs)
    if missing:
        lines = [
            f"no translation model for {SOURCE_LANG}→{lang} in {engine.folder}; "
            f"install it with: {install_hint(SOURCE_LANG, [lang])}"
            for lang in missing
        ]
        lines.append("or write review files without machine translation: --engine none")
        raise PipelineError("\n".join(lines))
    return engine, list(engine.notices)


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


# The glossary terms of each source sentence, found once per run and shared by every language.
Hits = Mapping[str, tuple[TermHit, ...]]


def find_hits(articles: Sequence[Article], matcher: TermMatcher | None) -> dict[str, tuple[TermHit, ...]]:
    """Glossary hits for every translatable sentence of every article, by sentence text."""
    if matcher is None:
        return {}
    texts = {seg.text for a in articles for b in a.blocks if b.kind.translatable for seg in b.segments}
    return {text: matcher.find(text) for text in texts}


def term_notes(article: Article, hits: Hits, glossary: Glossary, lang: str) -> dict[str, tuple[str, ...]]:
    """For each segment, one line per glossary term found: surface -> approved rendering (note)."""
    by_id = glossary.by_id()
    notes: dict[str, tuple[str, ...]] = {}
    for block in article.blocks:
        if not block.kind.translatable:
            continue
        for segment in block.segments:
            lines = []
            for hit in hits.get(segment.text, ()):
                target = by_id[hit.entry_id].target(lang)
                if target is None or not applies(by_id[hit.entry_id], segment.text, hit):
                    continue
                approved = render_template(target.term, dict(hit.groups), lang) if hit.groups else target.term
                line = f"term: {hit.surface} = {approved} [{hit.entry_id}]"
                if target.avoid:
                    line += f"; avoid: {', '.join(target.avoid)}"
                lines.append(line)
            if lines:
                notes[segment.id] = tuple(lines)
    return notes


def translate_texts(
    engine: Engine,
    texts: Sequence[str],
    target_lang: str,
    cache: TranslationCache | None,
    progress: Progress | None = None,
) -> tuple[list[str], int, int]:
    """Translations of ``texts`` (cached ones reused), the number of cache hits and of new translations."""
    key = engine.cache_key(SOURCE_LANG, target_lang) if cache is not None else None
    cached = cache.get_many(key, target_lang, texts) if cache is not None and key else {}
    todo = [text for text in texts if text not in cached]
    report = (lambda done: progress(target_lang, done, len(todo))) if progress else None
    fresh = engine.translate(todo, SOURCE_LANG, target_lang, report) if todo else []
    if cache is not None and key:
        cache.put_many(key, target_lang, zip(todo, fresh, strict=True))
    by_text = {**cached, **dict(zip(todo, fresh, strict=True))}
    return [by_text[text] for text in texts], len(cached), sum(1 for text in fresh if text)


def review_segments(
    article: Article, lang: str, by_text: dict[str, str], hits: Hits, glossary: Glossary | None
) -> dict[str, Translation]:
    """Each segment's machine translation with glossary terms enforced and QA findings attached."""
    out: dict[str, Translation] = {}
    for block in article.blocks:
        if not block.kind.translatable:
            continue
        for segment in block.segments:
            raw = by_text.get(segment.text, "")
            if not raw:
                continue
            text, findings = raw, []
            if glossary is not None and lang in SUPPORTED_MORPHOLOGY:
                enforced = check_segment(segment.text, hits.get(segment.text, ()), raw, glossary, lang)
                text, findings = enforced.text, list(enforced.findings)
            findings += run_checks(segment.text, text, lang)
            out[segment.id] = Translation(segment.id, text, raw if text != raw else "", tuple(findings))
    return out


def run(request: RunRequest, timestamp: str, progress: Progress | None = None) -> RunReport:
    """Ingest, segment, translate and write one PO file per article and language."""
    paths = find_articles(request.inputs)
    articles, notices = read_articles(paths)
    glossary = load_run_glossary(request.glossary)
    term_hits = find_hits(articles, TermMatcher(glossary) if glossary else None)
    engine, engine_notices = choose_engine(request.engine, request.target_langs, request.engine_options)
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
    translated = hits = kept = tm_hits = 0
    cache = None
    # Read every existing review file first: a broken one stops the run before any MT time is spent.
    existing = {
        (lang, article.name): read_po(path) if (path := request.out_dir / lang / f"{article.name}.po").exists() else None
        for lang in request.target_langs
        for article in articles
    }
    if request.use_cache and engine.name != "none":
        cache = TranslationCache(request.cache or default_cache_path())
        notices.extend(cache.notices)
    try:
        translations: dict[str, dict[str, str]] = {}
        memory = read_tmx(request.tm) if request.tm else {}
        for lang in request.target_langs:
            remembered = {text: memory[(lang, text)] for text in unique_texts if (lang, text) in memory}
            tm_hits += len(remembered)
            rest = [text for text in unique_texts if text not in remembered]
            outputs, lang_hits, lang_new = translate_texts(engine, rest, lang, cache, progress)
            translations[lang] = {**dict(zip(rest, outputs, strict=True)), **remembered}
            hits += lang_hits
            translated += lang_new
    finally:
        if cache is not None:
            cache.close()
    for lang in request.target_langs:
        by_text = translations[lang]
        for article in articles:
            by_id = review_segments(article, lang, by_text, term_hits, glossary)
            notes = term_notes(article, term_hits, glossary, lang) if glossary else {}
            fresh = build_catalog(article, lang, by_id, info, source_reference(article.path), notes)
            merged = merge_catalog(fresh, existing[(lang, article.name)])
            kept += sum(1 for entry in merged if is_reviewed(entry))
            written += write_review_files(article, merged, lang, request, info)
    return RunReport(tuple(articles), tuple(written), tuple(notices), signature, translated, hits, kept, tm_hits)


FORMATS = ("po", "xliff", "tsv", "html")
EXTENSIONS = {"po": "po", "xliff": "xlf", "tsv": "tsv", "html": "html"}


def write_review_files(article: Article, catalog: polib.POFile, lang: str, request: RunRequest, info: RunInfo) -> list[Path]:
    """The canonical PO file (always) and the other formats asked for, all rendered from it."""
    folder = request.out_dir / lang
    po_path = folder / f"{article.name}.po"
    write_atomic(po_path, render_po(catalog))
    written = [po_path]
    units = units_from_catalog(catalog, article)
    reference = source_reference(article.path)
    for fmt in request.formats:
        if fmt == "po":
            continue
        if fmt == "xliff":
            text = render_xliff(units, original=reference, source_lang=SOURCE_LANG, target_lang=lang, signature=info.signature)
        elif fmt == "tsv":
            text = render_tsv(units)
        else:
            from pipeline.formats.html import render_html

            text = render_html(units, title=article.name, source_lang=SOURCE_LANG, target_lang=lang, signature=info.signature)
        path = folder / f"{article.name}.{EXTENSIONS[fmt]}"
        write_atomic(path, text)
        written.append(path)
    return written
