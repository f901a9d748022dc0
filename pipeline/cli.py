"""The command line: parses options, calls the library, prints. Nothing else."""

from __future__ import annotations

import json
import os
import sys
from dataclasses import asdict
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Any

import typer

from pipeline import __version__
from pipeline.cli_glossary import glossary_app
from pipeline.cli_models import models_app
from pipeline.cliutil import err, out, progress_bar, user_errors
from pipeline.errors import UsageError
from pipeline.files import write_atomic
from pipeline.ingest import find_articles, read_articles
from pipeline.languages import parse_target_langs
from pipeline.model import Article
from pipeline.run import EngineOptions, RunRequest, run

app = typer.Typer(
    help="Translate English reporting on the Russian military into Russian and Ukrainian, offline, with a curated glossary.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
app.add_typer(glossary_app, name="glossary")
app.add_typer(models_app, name="models")


def _version(value: bool) -> None:
    if value:
        out.print(f"pipeline {__version__}")
        raise typer.Exit()


@app.callback()
def main(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Show the version and exit.")
    ] = False,
) -> None:
    """Offline translation-and-glossary pipeline."""


@app.command()
@user_errors
def segment(
    files: Annotated[list[Path], typer.Argument(help="Article files (.txt, .md, .html) or folders of them.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON for machines.")] = False,
    fix_comments: Annotated[
        bool,
        typer.Option("--fix-comments", help="Rewrite each PO's notes from fresh checks and render its other formats again."),
    ] = False,
) -> None:
    """Show how articles split into blocks and sentence segments, with their ids.

    Example: pipeline segment seeds/meduza-contract-soldiers.txt
    """
    articles, notices = read_articles(find_articles(files))
    for notice in notices:
        err.print(f"warning: {notice.path}: {notice.message}", markup=False)
    if as_json:
        json.dump([_article_json(a) for a in articles], sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
        return
    for article in articles:
        out.print(f"[bold]{article.path}[/bold] ({article.format}, {len(article.segments)} segments)")
        for block in article.blocks:
            out.print(f"  [dim]{block.line:>4}[/dim] [cyan]{block.kind.value}[/cyan]")
            for seg in block.segments:
                out.print(f"       [dim]{seg.id}[/dim]  ", end="")
                out.print(seg.text, markup=False)


def _article_json(article: Article) -> dict[str, Any]:
    return {
        "path": article.path,
        "format": article.format,
        "blocks": [
            {
                "kind": block.kind.value,
                "line": block.line,
                "offset": block.offset,
                "marker": block.marker,
                "translatable": block.kind.translatable,
                "segments": [{"id": s.id, "text": s.text, "start": s.start, "end": s.end} for s in block.segments],
            }
            for block in article.blocks
        ],
    }


@app.command("run")
@user_errors
def run_command(
    inputs: Annotated[list[Path], typer.Argument(help="Article files or folders of articles.")],
    to: Annotated[str, typer.Option("--to", help="Target languages, comma-separated.")] = "ru,uk",
    engine: Annotated[str, typer.Option(help="auto (argos when models are installed), argos, none.")] = "auto",
    out_dir: Annotated[Path, typer.Option("--out", help="Folder for review files: <out>/<lang>/<article>.po")] = Path("locales"),
    glossary: Annotated[
        list[Path] | None,
        typer.Option("--glossary", "-g", help="Glossary files or folders (default: glossary/ if present)."),
    ] = None,
    models_dir: Annotated[
        Path | None, typer.Option("--models-dir", help="Argos packages folder (default: Argos' own, or $ARGOS_PACKAGES_DIR).")
    ] = None,
    beam: Annotated[int, typer.Option("--beam", min=1, max=16, help="Beam size (Argos uses 4).")] = 4,
    max_length: Annotated[int, typer.Option("--max-length", min=1, help="Most tokens generated per segment.")] = 256,
    device: Annotated[str, typer.Option("--device", help="auto, cpu or cuda.")] = "auto",
    cache: Annotated[Path | None, typer.Option("--cache", help="Translation cache file (SQLite).")] = None,
    no_cache: Annotated[bool, typer.Option("--no-cache", help="Translate everything again; store nothing.")] = False,
    formats: Annotated[str, typer.Option("--formats", help="Review formats to write: po,xliff,tsv,html.")] = "po,xliff,tsv,html",
    tm: Annotated[Path | None, typer.Option("--tm", help="TMX memory: exact matches are used before MT.")] = None,
    xliff_mt: Annotated[
        str,
        typer.Option(
            "--xliff-mt",
            help="Where XLIFF puts unreviewed MT: target (pre-translated), or alt-trans (a suggestion; for OmegaT).",
        ),
    ] = "target",
    force: Annotated[bool, typer.Option("--force", help="Write every article again, even if nothing changed.")] = False,
    cluster: Annotated[
        str | None,
        typer.Option(
            "--cluster",
            envvar="RAY_ADDRESS",
            help="Translate on a Ray cluster: its address (ray://head:10001, auto), or local[:N] for N local workers.",
        ),
    ] = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar or summary; warnings and errors only.")] = False,
) -> None:
    """Segment and translate articles and write review files, keeping reviewed work.

    Example: pipeline run seeds/ --to ru,uk --out locales/
    Example: pipeline run archive/ --cluster local:2
    """
    request = RunRequest(
        inputs=tuple(inputs),
        target_langs=parse_target_langs(to),
        out_dir=out_dir,
        engine=engine,
        glossary=tuple(glossary) if glossary else None,
        engine_options=EngineOptions(
            models_dir=models_dir, beam_size=beam, max_length=max_length, device=device, cluster=cluster or ""
        ),
        cache=cache,
        use_cache=not no_cache,
        formats=parse_formats(formats),
        tm=tm,
        xliff_mt=parse_xliff_mt(xliff_mt),
        force=force,
    )
    stamp = run_time().strftime("%Y-%m-%d %H:%M+0000")
    with progress_bar(disabled=quiet) as progress:
        report = run(request, timestamp=stamp, progress=progress)
    for notice in report.notices:
        err.print(f"warning: {notice.path}: {notice.message}", markup=False)
    if not quiet:
        out.print(
            f"{report.articles} articles, {report.segments} segments; {report.translated} translated, "
            f"{report.cache_hits} from cache, {report.tm_hits} from memory; {report.written} review files in {out_dir}/; "
            f"{report.reviewed_kept} reviewed translations kept"
            + (f"; {report.skipped} unchanged (article, language) pairs skipped" if report.skipped else "")
            + f" ({report.signature})",
            markup=False,
        )


def run_time() -> datetime:
    """Now, or $SOURCE_DATE_EPOCH (reproducible-builds.org): two runs then write the same bytes."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if not epoch:
        return datetime.now(UTC)
    if not epoch.isdigit():
        raise UsageError(f"SOURCE_DATE_EPOCH={epoch!r} is not a number of seconds since 1970; unset it or give one")
    return datetime.fromtimestamp(int(epoch), UTC)


def parse_formats(text: str) -> tuple[str, ...]:
    from pipeline.formats import FORMATS

    chosen = tuple(dict.fromkeys(part.strip() for part in text.split(",") if part.strip()))
    unknown = [f for f in chosen if f not in FORMATS]
    if unknown or not chosen:
        raise UsageError(f"unknown review format {(unknown or [text])[0]!r}; choose from {','.join(FORMATS)}")
    return chosen


def parse_xliff_mt(text: str) -> str:
    from pipeline.formats import XLIFF_MT_PLACES

    if text not in XLIFF_MT_PLACES:
        raise UsageError(f"unknown --xliff-mt {text!r}; choose target or alt-trans")
    return text


@app.command("import")
@user_errors
def import_command(
    reviewed: Annotated[Path, typer.Argument(help="A reviewed .xlf/.xliff (from a CAT tool) or .tsv (from a spreadsheet).")],
    po: Annotated[Path | None, typer.Option("--po", help="The canonical PO file (default: the .po beside it).")] = None,
    glossary: Annotated[
        list[Path] | None, typer.Option("--glossary", "-g", help="Glossary files or folders (default: glossary/ if present).")
    ] = None,
) -> None:
    """Bring approved translations from a reviewed XLIFF or TSV file into the canonical PO file.

    Conflicts (a changed English source, a different approved translation) are listed, not guessed; exit 1 if any.
    Then every review file of the article (PO, XLIFF, TSV, HTML) is rendered again, its checks worked out afresh.

    Example: pipeline import locales/ru/meduza-contract-soldiers.xlf
    """
    from pipeline.review_files import refresh
    from pipeline.review_import import import_reviewed
    from pipeline.run import load_run_glossary

    report = import_reviewed(reviewed, po)
    written = refresh(report.po_path, load_run_glossary(tuple(glossary) if glossary else None))
    out.print(
        f"{report.po_path}: {report.applied} approved translations imported, {report.already} already there; "
        f"{len(written.paths)} review files brought up to date",
        markup=False,
    )
    for conflict in report.conflicts:
        err.print(f"conflict: {conflict}", markup=False)
    if report.conflicts:
        raise typer.Exit(1)


@app.command("publish")
@user_errors
def publish_command(
    po: Annotated[Path, typer.Argument(help="A review file, e.g. locales/ru/<article>.po")],
    fmt: Annotated[str, typer.Option("--format", help="txt, md, html, or docx (for a .docx source; needs -o).")] = "txt",
    output: Annotated[Path | None, typer.Option("--output", "-o", help="File to write (default: standard output).")] = None,
    source: Annotated[Path | None, typer.Option("--source", help="The English article (default: from the PO header).")] = None,
    require_reviewed: Annotated[bool, typer.Option("--require-reviewed", help="Fail unless every segment is approved.")] = False,
) -> None:
    """Rebuild the localized article from approved translations, in the source's structure and markup.

    Unreviewed segments are marked ⟦…⟧ in the text; --require-reviewed fails and lists them instead.

    Example: pipeline publish locales/ru/meduza-contract-soldiers.po --format md -o article.ru.md
    """
    from pipeline.publish import publish

    if fmt == "docx" and output is None:
        raise UsageError("--format docx writes a Word file: name it with -o, e.g. -o article.ru.docx")
    result = publish(po, fmt, source)
    if require_reviewed and result.unreviewed:
        err.print(
            f"error: {po}: {len(result.unreviewed)} segments are not reviewed: {', '.join(result.unreviewed)}", markup=False
        )
        raise typer.Exit(1)
    if output is None:
        sys.stdout.write(result.text)
    else:
        write_atomic(output, result.data or result.text)
        err.print(f"wrote {output} ({len(result.unreviewed)} unreviewed segments marked)", markup=False)


@app.command("review")
@user_errors
def review_command(
    folder: Annotated[Path, typer.Argument(help="The folder `run` wrote review files to.")] = Path("locales"),
    port: Annotated[int, typer.Option("--port", min=0, max=65535, help="Port to listen on (0: any free one).")] = 8765,
    host: Annotated[
        str, typer.Option("--host", help="Address to listen on; anything but loopback needs the printed access token.")
    ] = "127.0.0.1",
    glossary: Annotated[
        list[Path] | None, typer.Option("--glossary", "-g", help="Glossary files or folders (default: glossary/ if present).")
    ] = None,
    no_browser: Annotated[bool, typer.Option("--no-browser", help="Do not open a browser.")] = False,
) -> None:
    """Review in the browser: edit and approve translations, saved at once into the PO (and every format beside it).

    Example: pipeline review locales/
    """
    from pipeline.run import load_run_glossary
    from pipeline.webapp.serve import serve

    serve(
        folder,
        load_run_glossary(tuple(glossary) if glossary else None),
        host,
        port,
        not no_browser,
        lambda line: out.print(line, markup=False, soft_wrap=True),
    )


tm_app = typer.Typer(help="Translation memory (TMX) from approved segments.", no_args_is_help=True)
app.add_typer(tm_app, name="tm")


@tm_app.command("export")
@user_errors
def tm_export_command(
    paths: Annotated[list[Path], typer.Argument(help="Review files or folders, e.g. locales/.")],
    output: Annotated[Path, typer.Option("--output", "-o", help="The TMX file to write.")],
) -> None:
    """Write the approved segments of review files as a TMX 1.4b translation memory.

    Example: pipeline tm export locales/ -o memory.tmx
    """
    from pipeline.tm import export_tm

    text, count = export_tm(paths)
    write_atomic(output, text)
    out.print(f"wrote {output}: {count} approved segments", markup=False)


@app.command("qa")
@user_errors
def qa_command(
    paths: Annotated[list[Path], typer.Argument(help="Review files (.po) or folders of them, e.g. locales/.")],
    lang: Annotated[str | None, typer.Option("--lang", help="Only this language's files (e.g. ru).")] = None,
    glossary: Annotated[
        list[Path] | None, typer.Option("--glossary", "-g", help="Glossary files or folders (default: glossary/).")
    ] = None,
    strict: Annotated[bool, typer.Option("--strict", help="Warnings fail the check too.")] = False,
    fmt: Annotated[str, typer.Option("--format", help="text, or github (annotations for GitHub Actions).")] = "text",
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON for machines.")] = False,
    fix_comments: Annotated[
        bool,
        typer.Option("--fix-comments", help="Rewrite each PO's notes from fresh checks and render its other formats again."),
    ] = False,
) -> None:
    """Re-check review files after editing: approved terms, avoided renderings, QA, consistency.

    Prints file:line: [check] message; exits 1 on errors (and on warnings with --strict).

    Example: pipeline qa locales/ --lang ru --strict
    """
    from pipeline.glossary.load import load_glossary
    from pipeline.qa import audit, github_annotation

    if fmt not in ("text", "github"):
        raise UsageError(f"unknown format {fmt!r}; use text or github")
    loaded = load_glossary(list(glossary or [Path("glossary")]))
    report = audit(paths, loaded, lang)
    if fix_comments:
        from pipeline.review_files import refresh

        for path in report.files:
            refresh(Path(path), loaded)
        err.print(f"notes and review files brought up to date for {len(report.files)} PO files", markup=False)
    if as_json:
        rows = [{**asdict(f), "severity": f.severity.value} for f in report.findings]
        json.dump({"files": report.files, "entries": report.entries, "findings": rows}, sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
    else:
        for finding in report.findings:
            line = (
                github_annotation(finding)
                if fmt == "github"
                else f"{finding.path}:{finding.line}: [{finding.check}] {finding.message}"
            )
            out.print(line, markup=False)
        counts = {s: sum(1 for f in report.findings if f.severity.value == s) for s in ("error", "warning")}
        err.print(
            f"{report.entries} translated entries in {len(report.files)} files: "
            f"{counts['error']} errors, {counts['warning']} warnings",
            markup=False,
        )
    if report.failed(strict):
        raise typer.Exit(1)


if __name__ == "__main__":  # pragma: no cover
    app()
