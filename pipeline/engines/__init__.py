"""Engines by name. Heavy modules are imported only when their engine is chosen."""

from __future__ import annotations

import importlib

from pipeline.engines.base import Engine
from pipeline.errors import UsageError

# name -> "module:class"; the module is imported on first use only.
ENGINES: dict[str, str] = {
    "none": "pipeline.engines.none:NoneEngine",
}

# The command that installs what the `argos` engine needs (named in messages).
INSTALL_HINT = "pipeline models install en ru uk"


def load_engine(name: str) -> Engine:
    """Build the engine registered under ``name``."""
    try:
        target = ENGINES[name]
    except KeyError:
        known = ", ".join(["auto", *ENGINES])
        raise UsageError(f"unknown engine {name!r}; choose one of: {known}") from None
    module_name, class_name = target.split(":")
    engine: Engine = getattr(importlib.import_module(module_name), class_name)()
    return engine
