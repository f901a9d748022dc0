"""The pipeline: calls the stages in order. No printing, no option parsing."""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from pipeline import __version__, manifest
from pipeline.assess import Assessment, Assessor
from pipeline.cache import TranslationCache, default_cache_path
from pipeline.engines import choose_engine
from pipeline.engines.base import Engine, EngineOptions
from pipeline.formats.po import RunInfo, build_catalog, is_reviewed, read_po
from pipeline.formats.tmx import read_tmx
from pipeline.glossary.load import load_glossary
from pipeline.glossary.match import TermMatcher
from pipeline.ingest import find_articles, read_articles
from pipeline.languages import SOURCE_LANG
from pipeline.merge import merge_catalog
from pipeline.model import Article, Glossary, Notice, RunSignature, TermHit
from pipeline.review_files import write_review_files

__all__ = ["EngineOptions", "RunReport", "RunRequest", "run"]

# (target language, segments done, segments to translate)
Progress = Callable[[str, int, int], None]


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
    xliff_mt: str = "target"  # where XLIFF puts unreviewed MT: "target" or "alt-trans" (OmegaT)
    force: bool = False  # write every article again, even when nothing it depends on changed


@dataclass(frozen=True, slots=True)
class RunReport:
    """What a run did, for the CLI to show."""

    articles: tuple[Article, ...]
    written: tuple[Path, ...]
    notices: tuple[Notice, ...]
    signature: RunSignature
    translated: int
    cache_hits: int
    reviewed_kept: int
    tm_hits: int = 0
    skipped: int = 0  # (article, language) pairs left as they were: nothing they depend on changed


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


def machine_assessments(article: Article, by_text: dict[str, str], assessor: Assessor) -> dict[str, Assessment]:
    """Each segment's machine translation with glossary terms enforced and QA findings attached."""
    out: dict[str, Assessment] = {}
    for block in article.blocks:
        if not block.kind.translatable:
            continue
        for segment in block.segments:
            raw = by_text.get(segment.text, "")
            if raw:
                out[segment.id] = assessor.machine(segment.text, raw)
    return out


def input_key(article: Article, signature: RunSignature, request: RunRequest, lang: str, memory: bytes) -> str:
    """Everything an article's review files depend on, besides the files themselves."""
    try:
        source = Path(article.path).read_bytes()
    except OSError:
        source = repr(article).encode("utf-8")
    return manifest.digest(
        [source, str(signature), lang, ",".join(request.formats), request.xliff_mt, source_reference(article.path), memory]
    )


def run(request: RunRequest, timestamp: str, progress: Progress | None = None) -> RunReport:
    """Ingest, segment, translate and write the review files of each article and language."""
    paths = find_articles(request.inputs)
    articles, notices = read_articles(paths)
    glossary = load_run_glossary(request.glossary)
    engine, engine_notices = choose_engine(request.engine, SOURCE_LANG, request.target_langs, request.engine_options)
    notices = [*engine_notices, *notices]
    signature = RunSignature(
        __version__, engine.signature(SOURCE_LANG, request.target_langs), glossary.content_hash if glossary else ""
    )
    info = RunInfo(signature=signature, timestamp=timestamp, source_lang=SOURCE_LANG, xliff_mt=request.xliff_mt)
    memory_bytes = request.tm.read_bytes() if request.tm and request.tm.is_file() else b""

    # What must be done: an article is skipped where its inputs and its files are as the last run left them.
    manifests = {lang: manifest.load(request.out_dir / lang) for lang in request.target_langs}
    keys = {
        (lang, a.name): input_key(a, signature, request, lang, memory_bytes) for lang in request.target_langs for a in articles
    }
    todo = [
        (lang, article)
        for lang in request.target_langs
        for article in articles
        if request.force
        or not manifest.unchanged(manifests[lang], article.name, keys[(lang, article.name)], request.out_dir / lang)
    ]
    skipped = len(request.target_langs) * len(articles) - len(todo)
    # Read every review file to be merged first: a broken one stops the run before any MT time is spent.
    existing = {
        (lang, article.name): read_po(path) if (path := request.out_dir / lang / f"{article.name}.po").exists() else None
        for lang, article in todo
    }
    pending = [article for _, article in todo]
    term_hits = find_hits(pending, TermMatcher(glossary) if glossary else None)

    written: list[Path] = []
    translated = hits = kept = tm_hits = 0
    cache = None
    if request.use_cache and engine.name != "none" and todo:
        cache = TranslationCache(request.cache or default_cache_path())
        notices.extend(cache.notices)
    try:
        translations: dict[str, dict[str, str]] = {}
        memory = read_tmx(request.tm) if request.tm else {}
        for lang in request.target_langs:
            # Every translatable sentence of the articles to do, once: one batch per language.
            texts = list(
                dict.fromkeys(
                    seg.text
                    for todo_lang, article in todo
                    if todo_lang == lang
                    for block in article.blocks
                    if block.kind.translatable
                    for seg in block.segments
                )
            )
            remembered = {text: memory[(lang, text)] for text in texts if (lang, text) in memory}
            tm_hits += len(remembered)
            rest = [text for text in texts if text not in remembered]
            outputs, lang_hits, lang_new = translate_texts(engine, rest, lang, cache, progress)
            translations[lang] = {**dict(zip(rest, outputs, strict=True)), **remembered}
            hits += lang_hits
            translated += lang_new
    finally:
        if cache is not None:
            cache.close()
    assessors = {lang: Assessor(glossary, lang, term_hits) for lang in request.target_langs}
    for lang, article in todo:
        assessor = assessors[lang]
        by_id = machine_assessments(article, translations[lang], assessor)
        fresh = build_catalog(article, lang, by_id, info, source_reference(article.path))
        merged = merge_catalog(fresh, existing[(lang, article.name)])
        kept += sum(1 for entry in merged if is_reviewed(entry))
        folder = request.out_dir / lang
        files = write_review_files(
            folder,
            article.name,
            merged,
            assessor,
            article,
            original=source_reference(article.path),
            signature=str(signature),
            formats=request.formats,
            xliff_mt=request.xliff_mt,
        )
        written += files.paths
        manifest.record(manifests[lang], article.name, keys[(lang, article.name)], zip(files.paths, files.contents, strict=True))
    for lang in request.target_langs:
        if any(todo_lang == lang for todo_lang, _ in todo):
            manifest.save(request.out_dir / lang, manifests[lang])
    return RunReport(tuple(articles), tuple(written), tuple(notices), signature, translated, hits, kept, tm_hits, skipped)
