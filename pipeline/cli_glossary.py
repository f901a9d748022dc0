"""`pipeline glossary ...`: check, find, candidates, export, import."""

from __future__ import annotations

import json
import sys
from dataclasses import asdict
from pathlib import Path
from typing import Annotated

import typer

from pipeline.cliutil import err, out, user_errors
from pipeline.errors import UsageError
from pipeline.files import write_atomic
from pipeline.glossary.candidates import find_candidates
from pipeline.glossary.check import check_glossary
from pipeline.glossary.edit import import_csv
from pipeline.glossary.load import load_glossary
from pipeline.glossary.match import TermMatcher
from pipeline.glossary.template import render_template
from pipeline.ingest import find_articles, read_articles
from pipeline.model import GlossaryEntry, TermHit

glossary_app = typer.Typer(help="Check, search, export and extend the curated glossary.", no_args_is_help=True)

GlossaryOption = Annotated[
    list[Path] | None,
    typer.Option("--glossary", "-g", help="Glossary files or folders (default: glossary/). Repeatable."),
]


def _glossary_paths(paths: list[Path] | None) -> list[Path]:
    return paths or [Path("glossary")]


@glossary_app.command("check")
@user_errors
def check_command(
    paths: Annotated[list[Path] | None, typer.Argument(help="Glossary files or folders (default: glossary/).")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON for machines.")] = False,
    strict: Annotated[bool, typer.Option("--strict", help="Warnings fail the check too.")] = False,
    morphology: Annotated[
        bool, typer.Option("--morphology/--no-morphology", help="Look up target words in the ru/uk dictionaries.")
    ] = True,
) -> None:
    """Check the glossary's schema and terms; exit 0 clean, 1 with findings, 2 on unusable input.

    Example: pipeline glossary check glossary/ --json
    """
    report = check_glossary(_glossary_paths(paths), morphology=morphology)
    failed = bool(report.errors) or (strict and bool(report.warnings))
    if as_json:
        payload = {
            "files": report.files,
            "entries": report.entries,
            "errors": len(report.errors),
            "warnings": len(report.warnings),
            "findings": [{**asdict(f), "severity": f.severity.value} for f in report.findings],
        }
        json.dump(payload, sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
    else:
        for finding in report.findings:
            (err if finding.severity.value == "error" else out).print(str(finding), markup=False)
        out.print(
            f"{report.entries} entries in {len(report.files)} files: "
            f"{len(report.errors)} errors, {len(report.warnings)} warnings",
            markup=False,
        )
    if failed:
        raise typer.Exit(1)


def _approved(entry: GlossaryEntry, hit: TermHit, lang: str) -> str:
    target = entry.target(lang)
    if target is None:
        return ""
    return render_template(target.term, dict(hit.groups), lang) if hit.groups else target.term


@glossary_app.command("find")
@user_errors
def find_command(
    files: Annotated[list[Path], typer.Argument(help="Articles or folders of articles.")],
    glossary: GlossaryOption = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON for machines.")] = False,
) -> None:
    """Show the glossary terms found in each segment, with their approved ru and uk renderings.

    Example: pipeline glossary find seeds/moscow-times-buryatia-objectors.txt
    """
    entries = load_glossary(_glossary_paths(glossary))
    by_id = entries.by_id()
    matcher = TermMatcher(entries)
    articles, notices = read_articles(find_articles(files))
    for notice in notices:
        err.print(f"warning: {notice.path}: {notice.message}", markup=False)
    results = []
    for article in articles:
        for block in article.blocks:
            if not block.kind.translatable:
                continue
            for segment in block.segments:
                hits = matcher.find(segment.text)
                if not hits:
                    continue
                results.append(
                    {
                        "path": article.path,
                        "line": block.line,
                        "segment": segment.id,
                        "text": segment.text,
                        "hits": [
                            {
                                "entry": hit.entry_id,
                                "surface": hit.surface,
                                "start": hit.start,
                                "end": hit.end,
                                "ru": _approved(by_id[hit.entry_id], hit, "ru"),
                                "uk": _approved(by_id[hit.entry_id], hit, "uk"),
                            }
                            for hit in hits
                        ],
                    }
                )
    if as_json:
        json.dump(results, sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
        return
    for result in results:
        out.print(f"{result['path']}:{result['line']} [dim]{result['segment']}[/dim]")
        for hit in result["hits"]:  # type: ignore[attr-defined]
            out.print(f"    {hit['surface']} -> {hit['entry']}: ru {hit['ru']} | uk {hit['uk']}", markup=False)


@glossary_app.command("candidates")
@user_errors
def candidates_command(
    files: Annotated[list[Path], typer.Argument(help="Articles or folders of articles.")],
    glossary: GlossaryOption = None,
    min_count: Annotated[int, typer.Option("--min-count", help="Only names seen at least this often.")] = 1,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON for machines.")] = False,
) -> None:
    """List acronyms and capitalised names that articles use but the glossary lacks, most frequent first.

    Example: pipeline glossary candidates seeds/ --min-count 2
    """
    matcher = TermMatcher(load_glossary(_glossary_paths(glossary)))
    articles, _ = read_articles(find_articles(files))
    texts = (seg.text for a in articles for b in a.blocks if b.kind.translatable for seg in b.segments)
    found = find_candidates(texts, matcher, min_count)
    if as_json:
        json.dump([asdict(c) for c in found], sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
        return
    for candidate in found:
        out.print(f"{candidate.count:>4}  {candidate.kind:<8} {candidate.text}", markup=False)


@glossary_app.command("export")
@user_errors
def export_command(
    fmt: Annotated[str, typer.Option("--format", "-f", help="tbx (CAT tools) or csv (two columns, MT glossaries).")],
    lang: Annotated[str | None, typer.Option("--lang", help="Target language of a csv export (ru or uk).")] = None,
    output: Annotated[Path | None, typer.Option("--output", "-o", help="File to write (default: standard output).")] = None,
    glossary: GlossaryOption = None,
) -> None:
    """Export the glossary as TBX for a CAT tool's termbase, or as a two-column CSV for an MT glossary.

    Example: pipeline glossary export --format csv --lang uk -o glossary-uk.csv
    """
    entries = load_glossary(_glossary_paths(glossary))
    if fmt == "tbx":
        from pipeline.glossary.tbx import render_tbx

        text = render_tbx(entries)
    elif fmt == "csv":
        if lang not in ("ru", "uk"):
            raise UsageError("a csv export is for one target language; add --lang ru or --lang uk")
        from pipeline.glossary.sheet import render_glossary_csv

        text = render_glossary_csv(entries, lang)
    else:
        raise UsageError(f"unknown export format {fmt!r}; use tbx or csv")
    if output is None:
        sys.stdout.write(text)
    else:
        write_atomic(output, text)
        err.print(f"wrote {output}", markup=False)


@glossary_app.command("import")
@user_errors
def import_command(
    sheet: Annotated[Path, typer.Argument(help="CSV sheet with a header row (see glossary/README.md).")],
    into: Annotated[Path, typer.Option("--into", help="Glossary file to append to, e.g. glossary/military.yaml.")],
    glossary: GlossaryOption = None,
) -> None:
    """Add entries in bulk from a CSV sheet; all are refused if any breaks a glossary rule.

    Example: pipeline glossary import new-terms.csv --into glossary/legal.yaml
    """
    result = import_csv(sheet, into, _glossary_paths(glossary))
    out.print(f"added {len(result.added)} entries to {result.target}: {', '.join(result.added)}", markup=False)
