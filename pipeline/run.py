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
from pipeline.files import remove_leftovers
from pipeline.formats.po import RunInfo, build_catalog, is_reviewed, read_po
from pipeline.formats.tmx import read_tmx
from pipeline.glossary.load import load_glossary
from pipeline.glossary.match import TermMatcher
from pipeline.ingest import ArticleEntry, find_articles, read_article, scan_articles
from pipeline.languages import SOURCE_LANG
from pipeline.merge import merge_catalog
from pipeline.model import Article, Glossary, Notice, RunSignature, TermHit
from pipeline.review_files import Written, write_review_files

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

    articles: int
    segments: int
    written: int  # review files
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


def input_keys(path: Path, signature: RunSignature, request: RunRequest, memory: bytes) -> dict[str, str]:
    """Per target language, everything an article's review files depend on, besides the files themselves."""
    try:
        source = path.read_bytes()
    except OSError:  # gone since it was read: never equal to a key its files were written under
        source = b"\0unreadable\0" + os.urandom(16)
    common: list[str | bytes] = [
        source,
        str(signature),
        ",".join(request.formats),
        request.xliff_mt,
        source_reference(str(path)),
        memory,
    ]
    return {lang: manifest.digest([*common, lang]) for lang in request.target_langs}


def run(request: RunRequest, timestamp: str, progress: Progress | None = None) -> RunReport:
    """Ingest, segment, translate and write the review files of each article and language.

    Every article is read once up front, so a broken one is reported before
    any MT time is spent, and only its entry is kept; a chunk's articles are
    read again when its turn comes. An archive's texts are never all held at
    once: memory stays flat in the number of articles.
    """
    paths = find_articles(request.inputs)
    entries, notices = scan_articles(paths)
    glossary = load_run_glossary(request.glossary)
    engine, engine_notices = choose_engine(request.engine, SOURCE_LANG, request.target_langs, request.engine_options)
    notices = [*engine_notices, *notices]
    signature = RunSignature(
        __version__, engine.signature(SOURCE_LANG, request.target_langs), glossary.content_hash if glossary else ""
    )
    info = RunInfo(signature=signature, timestamp=timestamp, source_lang=SOURCE_LANG, xliff_mt=request.xliff_mt)
    memory_bytes = request.tm.read_bytes() if request.tm and request.tm.is_file() else b""

    for lang in request.target_langs:
        removed = remove_leftovers(request.out_dir / lang)
        if removed:
            notices.append(Notice(str(request.out_dir / lang), f"removed {len(removed)} temporary files an interrupted run left"))
    # What must be done: an article is skipped where its inputs and its files are as the last run left them.
    manifests = {lang: manifest.load(request.out_dir / lang) for lang in request.target_langs}
    # Keyed on the bytes as first read: a file edited before its chunk comes is done again by the next run.
    keys = {
        (lang, entry.name): key
        for entry in entries
        for lang, key in input_keys(entry.path, signature, request, memory_bytes).items()
    }
    todo = [
        (lang, entry)
        for lang in request.target_langs
        for entry in entries
        if request.force or not manifest.unchanged(manifests[lang], entry.name, keys[(lang, entry.name)], request.out_dir / lang)
    ]
    skipped = len(request.target_langs) * len(entries) - len(todo)
    # Read every review file to be merged first: a broken one stops the run before any MT time is spent.
    # (Read again when its article's turn comes, so an archive's files are not all held at once.)
    for lang, entry in todo:
        if (path := request.out_dir / lang / f"{entry.name}.po").exists():
            read_po(path)

    counts = RunCounts()
    cache = None
    if request.use_cache and engine.name != "none" and todo:
        cache = TranslationCache(request.cache or default_cache_path())
    memory = read_tmx(request.tm) if request.tm else {}
    matcher = TermMatcher(glossary) if glossary else None
    totals = {lang: sum(entry.translatable for todo_lang, entry in todo if todo_lang == lang) for lang in request.target_langs}
    done = dict.fromkeys(request.target_langs, 0)
    try:
        # A chunk of articles at a time: translated in one batch per language, written, recorded in the manifest.
        # Memory stays flat in the number of articles, and a killed run keeps the chunks it finished.
        for chunk in _chunks(todo, CHUNK_SEGMENTS):
            articles = {entry.path: read_article(entry.path) for _, entry in chunk}
            translations: dict[str, dict[str, str]] = {}
            for lang in request.target_langs:
                articles_here = [articles[entry.path] for todo_lang, entry in chunk if todo_lang == lang]
                texts = list(
                    dict.fromkeys(
                        seg.text for article in articles_here for b in article.blocks if b.kind.translatable for seg in b.segments
                    )
                )
                remembered = {text: memory[(lang, text)] for text in texts if (lang, text) in memory}
                counts.tm_hits += len(remembered)
                rest = [text for text in texts if text not in remembered]
                offset, total = done[lang], totals[lang]
                report = (lambda lang_, done_, _n, o=offset, t=total: progress(lang_, o + done_, t)) if progress else None
                outputs, lang_hits, lang_new = translate_texts(engine, rest, lang, cache, report)
                translations[lang] = {**dict(zip(rest, outputs, strict=True)), **remembered}
                done[lang] += sum(entry.translatable for todo_lang, entry in chunk if todo_lang == lang)
                counts.cache_hits += lang_hits
                counts.translated += lang_new
            term_hits = find_hits(list(articles.values()), matcher)
            assessors = {lang: Assessor(glossary, lang, term_hits) for lang in request.target_langs}
            for lang, entry in chunk:
                article = articles[entry.path]
                files = _write_article(article, lang, translations[lang], assessors[lang], request, info, counts)
                counts.written += len(files.paths)
                record = zip(files.paths, files.contents, strict=True)
                manifest.record(manifests[lang], article.name, keys[(lang, entry.name)], record)
            for lang in {lang for lang, _ in chunk}:
                manifest.save(request.out_dir / lang, manifests[lang])
    finally:
        if cache is not None:
            cache.close()
            notices.extend(cache.notices)
    return RunReport(
        articles=len(entries),
        segments=sum(entry.segments for entry in entries),
        written=counts.written,
        notices=tuple(notices),
        signature=signature,
        translated=counts.translated,
        cache_hits=counts.cache_hits,
        reviewed_kept=counts.reviewed_kept,
        tm_hits=counts.tm_hits,
        skipped=skipped,
    )


# Segments translated in one go: enough for full batches on every worker, few enough to keep memory flat.
CHUNK_SEGMENTS = 5000


@dataclass
class RunCounts:
    """What the run did so far (mutable: the loop adds to it)."""

    translated: int = 0
    cache_hits: int = 0
    reviewed_kept: int = 0
    tm_hits: int = 0
    written: int = 0


def _chunks(todo: list[tuple[str, ArticleEntry]], size: int) -> list[list[tuple[str, ArticleEntry]]]:
    """The (language, article) pairs in runs of about ``size`` segments (an article is never split)."""
    chunks: list[list[tuple[str, ArticleEntry]]] = [[]]
    filled = 0
    for pair in todo:
        if chunks[-1] and filled + pair[1].translatable > size:
            chunks.append([])
            filled = 0
        chunks[-1].append(pair)
        filled += pair[1].translatable
    return [chunk for chunk in chunks if chunk]


def _write_article(
    article: Article,
    lang: str,
    by_text: dict[str, str],
    assessor: Assessor,
    request: RunRequest,
    info: RunInfo,
    counts: RunCounts,
) -> Written:
    """Merge one article's fresh catalog into its review file and write every format."""
    by_id = machine_assessments(article, by_text, assessor)
    fresh = build_catalog(article, lang, by_id, info, source_reference(article.path))
    po_path = request.out_dir / lang / f"{article.name}.po"
    merged = merge_catalog(fresh, read_po(po_path) if po_path.exists() else None)
    counts.reviewed_kept += sum(1 for entry in merged if is_reviewed(entry))
    return write_review_files(
        request.out_dir / lang,
        article.name,
        merged,
        assessor,
        article,
        original=source_reference(article.path),
        signature=str(info.signature),
        formats=request.formats,
        xliff_mt=request.xliff_mt,
    )
