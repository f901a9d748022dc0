"""`pipeline models ...`: list, install and remove Argos translation packages."""

from __future__ import annotations

import json
import sys
import tempfile
from pathlib import Path
from typing import Annotated

import typer

from pipeline.cliutil import err, out, user_errors
from pipeline.errors import PipelineError, UsageError
from pipeline.languages import check_lang
from pipeline.packages import download, fetch_index, find_model, install_file, list_models, packages_dir, remove_model

models_app = typer.Typer(help="List, install and remove offline translation models (Argos packages).", no_args_is_help=True)

ModelsDir = Annotated[
    Path | None,
    typer.Option("--models-dir", help="Argos packages folder (default: Argos' own, or $ARGOS_PACKAGES_DIR)."),
]


@models_app.command("list")
@user_errors
def list_command(
    models_dir: ModelsDir = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON for machines.")] = False,
) -> None:
    """Show installed language pairs with their versions, sizes and folders.

    Example: pipeline models list
    """
    folder = packages_dir(models_dir)
    models, notices = list_models(folder)
    for notice in notices:
        err.print(f"warning: {notice.path}: {notice.message}", markup=False)
    if as_json:
        rows = [
            {"pair": m.pair, "version": m.version, "size": m.size, "path": str(m.path), "model_id": m.model_id} for m in models
        ]
        json.dump({"folder": str(folder), "models": rows}, sys.stdout, indent=2)
        sys.stdout.write("\n")
        return
    out.print(f"models folder: {folder}", markup=False)
    if not models:
        out.print("no models installed; install with: pipeline models install en ru uk", markup=False)
    for model in models:
        out.print(
            f"  {model.from_code}→{model.to_code}  {model.version:<8} {model.size / 1e6:8.1f} MB  {model.path}", markup=False
        )


def _pairs(langs: list[str]) -> list[tuple[str, str]]:
    if len(langs) < 2:
        raise UsageError("name the source and target languages, e.g.: pipeline models install en ru uk")
    source, *targets = (check_lang(code) for code in langs)
    return [(source, target) for target in targets]


@models_app.command("install")
@user_errors
def install_command(
    langs: Annotated[list[str] | None, typer.Argument(help="Source then target languages: en ru uk.")] = None,
    file: Annotated[Path | None, typer.Option("--file", help="Install this .argosmodel file (air-gapped machines).")] = None,
    sha256: Annotated[str | None, typer.Option("--sha256", help="Refuse the file unless its SHA-256 matches.")] = None,
    models_dir: ModelsDir = None,
) -> None:
    """Install models from the Argos package index, or from a local .argosmodel file.

    Example: pipeline models install en ru uk
    """
    folder = packages_dir(models_dir)
    if file is not None:
        expect = [f"{s}-{t}" for s, t in _pairs(langs)] if langs else []
        model = install_file(file, folder, expect, sha256)
        out.print(f"installed {model.from_code}→{model.to_code} {model.version} in {model.path}", markup=False)
        return
    if sha256:
        raise UsageError("--sha256 checks a file: use it with --file PATH")
    pairs = _pairs(langs or [])
    installed, _ = list_models(folder)
    wanted = [(s, t) for s, t in pairs if find_model(installed, s, t) is None]
    for s, t in pairs:
        if (s, t) not in wanted:
            out.print(f"{s}→{t} is already installed", markup=False)
    if not wanted:
        return
    index = fetch_index()
    for source, target in wanted:
        entry = next((p for p in index if p.get("from_code") == source and p.get("to_code") == target), None)
        if entry is None:
            raise PipelineError(f"the Argos package index has no {source}→{target} model")
        with tempfile.TemporaryDirectory() as scratch:
            archive = Path(scratch) / f"{source}_{target}.argosmodel"
            _download_with_progress(entry.get("links", []), archive, f"{source}→{target}")
            model = install_file(archive, folder, [f"{source}-{target}"])
        out.print(f"installed {model.from_code}→{model.to_code} {model.version} in {model.path}", markup=False)


def _download_with_progress(links: list[str], archive: Path, label: str) -> None:
    from rich.progress import DownloadColumn, Progress, TransferSpeedColumn

    with Progress(*Progress.get_default_columns(), DownloadColumn(), TransferSpeedColumn(), console=err) as bar:
        task = bar.add_task(label, total=None)

        def advance(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total or None)

        download(links, archive, advance)


@models_app.command("remove")
@user_errors
def remove_command(
    source: Annotated[str, typer.Argument(help="Source language, e.g. en.")],
    target: Annotated[str, typer.Argument(help="Target language, e.g. ru.")],
    models_dir: ModelsDir = None,
) -> None:
    """Remove the installed model(s) for one language pair.

    Example: pipeline models remove en ru
    """
    for model in remove_model(packages_dir(models_dir), source, target):
        out.print(f"removed {model.from_code}→{model.to_code} {model.version} ({model.path})", markup=False)
