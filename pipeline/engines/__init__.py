"""Engines by name. Heavy modules are imported only when their engine is chosen."""

from __future__ import annotations

import importlib
from typing import Any

from pipeline.engines.base import Engine
from pipeline.errors import UsageError

# name -> "module:class"; the module is imported on first use only, so --help
# and the `none` engine never load CTranslate2.
ENGINES: dict[str, str] = {
    "argos": "pipeline.engines.argos:ArgosEngine",
    "none": "pipeline.engines.none:NoneEngine",
}


def install_hint(source_lang: str, target_langs: list[str] | tuple[str, ...]) -> str:
    """The exact command that installs models for these pairs."""
    return f"pipeline models install {source_lang} {' '.join(target_langs)}"


def load_engine(name: str, **options: Any) -> Engine:
    """Build the engine registered under ``name`` with its own options."""
    try:
        target = ENGINES[name]
    except KeyError:
        known = ", ".join(["auto", *ENGINES])
        raise UsageError(f"unknown engine {name!r}; choose one of: {known}") from None
    module_name, class_name = target.split(":")
    engine: Engine = getattr(importlib.import_module(module_name), class_name)(**options)
    return engine
