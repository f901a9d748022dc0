"""Shared fixtures: the repo's seeds, generated translation models, and a CLI runner."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path

import pytest

# argostranslate reads its settings from the environment once, at import, and
# creates folders under HOME: point everything at a scratch home first, and
# keep the package index on a closed loopback port so no test reaches the network.
_HOME = Path(tempfile.mkdtemp(prefix="pipeline-test-home-"))
for _name, _value in {
    "HOME": _HOME,
    "XDG_DATA_HOME": _HOME / "data",
    "XDG_CONFIG_HOME": _HOME / "config",
    "XDG_CACHE_HOME": _HOME / "cache",
    "ARGOS_PACKAGE_INDEX": "http://127.0.0.1:9/",
}.items():
    os.environ[_name] = str(_value)
os.environ.pop("ARGOS_PACKAGES_DIR", None)

from support import SEEDS  # noqa: E402
from typer.testing import CliRunner, Result  # noqa: E402

from pipeline.cli import app  # noqa: E402


@pytest.fixture
def cli() -> Callable[..., Result]:
    """Run the CLI in-process; returns typer's Result (exit_code, stdout, stderr)."""
    runner = CliRunner()

    def invoke(*args: str | Path) -> Result:
        return runner.invoke(app, [str(a) for a in args])

    return invoke


@pytest.fixture
def seeds_copy(tmp_path: Path) -> Path:
    """A private copy of seeds/ that a test may edit."""
    target = tmp_path / "seeds"
    shutil.copytree(SEEDS, target)
    return target


@pytest.fixture(scope="session")
def argos_packages(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Real .argosmodel files for en→ru and en→uk: tiny Transformers with random weights."""
    from modelkit import build_argosmodel, train_sentencepiece, training_sentences

    folder = tmp_path_factory.mktemp("argosmodels")
    sentencepiece = train_sentencepiece(training_sentences(), 400)
    return {
        lang: build_argosmodel(folder, "en", lang, seed=seed, sp_model=sentencepiece)
        for seed, lang in enumerate(("ru", "uk"), start=1)
    }


@pytest.fixture(scope="session")
def models_dir(argos_packages: dict[str, Path], tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A packages folder with both test models installed through `pipeline models install --file`."""
    from typer.testing import CliRunner

    folder = tmp_path_factory.mktemp("packages")
    for lang, archive in argos_packages.items():
        result = CliRunner().invoke(app, ["models", "install", "en", lang, "--file", str(archive), "--models-dir", str(folder)])
        assert result.exit_code == 0, result.stderr
    return folder
