"""Engines by name. An engine's module is imported only when it is chosen, so --help and `none` never load CTranslate2.

Adding an engine is one module with a ``build(options) -> Engine`` function
and one line in ``ENGINES``.
"""

from __future__ import annotations

import importlib
from collections.abc import Sequence

from pipeline.engines.base import Engine, EngineOptions
from pipeline.errors import PipelineError, UsageError
from pipeline.model import Notice

# name -> the module that builds it
ENGINES: dict[str, str] = {
    "argos": "pipeline.engines.argos",
    "none": "pipeline.engines.none",
}
# With --cluster, the argos models run on a Ray cluster's workers (Ray is imported only then).
CLUSTER_ENGINE = "pipeline.engines.cluster"
AUTO = "argos"  # what `auto` means: the one engine that translates offline


def install_hint(source_lang: str, target_langs: Sequence[str]) -> str:
    """The exact command that installs models for these pairs."""
    return f"pipeline models install {source_lang} {' '.join(target_langs)}"


def load_engine(name: str, options: EngineOptions | None = None) -> Engine:
    """Build the engine registered under ``name`` from the run's options."""
    try:
        module_name = ENGINES[name]
    except KeyError:
        known = ", ".join(["auto", *ENGINES])
        raise UsageError(f"unknown engine {name!r}; choose one of: {known}") from None
    engine: Engine = importlib.import_module(module_name).build(options or EngineOptions())
    return engine


def choose_engine(
    name: str, source_lang: str, target_langs: Sequence[str], options: EngineOptions
) -> tuple[Engine, list[Notice]]:
    """Build the engine; a translating engine without a model for some pair stops the run with the fix."""
    chosen = AUTO if name == "auto" else name
    if options.cluster and chosen == "argos":
        engine: Engine = importlib.import_module(CLUSTER_ENGINE).build(options)
    elif options.cluster:
        raise UsageError(f"--cluster runs the argos engine on a cluster; it does not apply to --engine {name}")
    else:
        engine = load_engine(chosen, options)
    missing = engine.missing_pairs(source_lang, target_langs)
    if missing:
        lines = [
            f"no translation model for {source_lang}→{lang} in {engine.location}; "
            f"install it with: {install_hint(source_lang, [lang])}"
            for lang in missing
        ]
        lines.append("or write review files without machine translation: --engine none")
        raise PipelineError("\n".join(lines))
    return engine, list(engine.notices)
