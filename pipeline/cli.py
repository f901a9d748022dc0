"""The command line: parses options, calls the library, prints. Nothing else."""

from __future__ import annotations

import json
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Any

import typer

from pipeline import __version__
from pipeline.cli_glossary import glossary_app
from pipeline.cliutil import err, out, user_errors
from pipeline.ingest import find_articles, read_articles
from pipeline.languages import parse_target_langs
from pipeline.model import Article
from pipeline.run import RunRequest, run

app = typer.Typer(
    help="Translate English reporting on the Russian military into Russian and Ukrainian, offline, with a curated glossary.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
app.add_typer(glossary_app, name="glossary")


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
    engine: Annotated[str, typer.Option(help="Translation engine: auto, none.")] = "auto",
    out_dir: Annotated[Path, typer.Option("--out", help="Folder for review files: <out>/<lang>/<article>.po")] = Path("locales"),
    glossary: Annotated[
        list[Path] | None,
        typer.Option("--glossary", "-g", help="Glossary files or folders (default: glossary/ if present)."),
    ] = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Print only warnings and errors.")] = False,
) -> None:
    """Segment and translate articles and write review files, keeping reviewed work.

    Example: pipeline run seeds/ --to ru,uk --out locales/
    """
    request = RunRequest(
        inputs=tuple(inputs),
        target_langs=parse_target_langs(to),
        out_dir=out_dir,
        engine=engine,
        glossary=tuple(glossary) if glossary else None,
    )
    stamp = datetime.now(UTC).strftime("%Y-%m-%d %H:%M+0000")
    report = run(request, timestamp=stamp)
    for notice in report.notices:
        label = "note" if notice.path == "engine" else f"warning: {notice.path}"
        err.print(f"{label}: {notice.message}", markup=False)
    if not quiet:
        segments = sum(len(a.segments) for a in report.articles)
        out.print(
            f"{len(report.articles)} articles, {segments} segments, "
            f"{len(report.written)} review files in {out_dir}/ ({report.signature}); "
            f"{report.reviewed_kept} reviewed translations kept",
            markup=False,
        )


if __name__ == "__main__":  # pragma: no cover
    app()
