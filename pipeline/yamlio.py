"""YAML reading for our data files, with errors that name the file and line."""

from __future__ import annotations

from typing import Any

import yaml

from pipeline.errors import ConfigError

# libyaml's parser when PyYAML was built with it: ten times faster on the glossary.
FAST_LOADER: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _raise(exc: yaml.YAMLError, where: str) -> None:
    mark = getattr(exc, "problem_mark", None)
    problem = getattr(exc, "problem", None) or str(exc)
    raise ConfigError(f"invalid YAML: {problem}; fix the syntax", where, mark.line + 1 if mark else None) from exc


def compose_yaml(text: str, where: str) -> yaml.Node | None:
    """Parse to nodes, which keep line numbers for later messages."""
    try:
        return yaml.compose(text, Loader=FAST_LOADER)
    except yaml.YAMLError as exc:
        _raise(exc, where)
        raise  # unreachable; keeps type checkers content


def load_yaml(text: str, where: str) -> Any:
    """Parse to plain Python values."""
    try:
        return yaml.load(text, Loader=FAST_LOADER)
    except yaml.YAMLError as exc:
        _raise(exc, where)
        raise
