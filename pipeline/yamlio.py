"""YAML reading for our data files, with errors that name the file and line.

PyYAML quietly keeps the last of two equal keys and builds whatever a tag
asks for, so every document is composed to nodes first (which keep their
line numbers) and checked for both before any value is used. Files people
edit by hand (YAML, PO) are decoded here too, naming the line of a bad byte.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import yaml
from yaml.constructor import SafeConstructor

from pipeline.errors import ConfigError, InputError

# libyaml's parser when PyYAML was built with it: ten times faster on the glossary.
FAST_LOADER: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

_CORE = "tag:yaml.org,2002:"
# What plain YAML resolves to by itself; any other tag (!!python/..., !!binary, !local) was written on purpose.
PLAIN_TAGS = frozenset(_CORE + name for name in ("str", "int", "float", "bool", "null", "timestamp", "seq", "map", "merge"))


@dataclass(frozen=True, slots=True)
class YamlProblem:
    """Something in a well-formed document that our data files do not allow."""

    line: int
    check: str  # "duplicate-key" or "yaml-tag"
    message: str


def decode_utf8(data: bytes, where: str) -> str:
    """Bytes of a text file people edit as text, or an InputError naming the line and column of the first bad byte."""
    try:
        return data.decode("utf-8").removeprefix("\ufeff")
    except UnicodeDecodeError as exc:
        start = data.rfind(b"\n", 0, exc.start) + 1
        line = data.count(b"\n", 0, exc.start) + 1
        # Everything before the first bad byte decodes, so the column counts characters as an editor does.
        column = len(data[start : exc.start].decode("utf-8")) + 1
        raise InputError(
            f"not valid UTF-8: byte 0x{data[exc.start]:02x} at column {column} (byte offset {exc.start}); save the file as UTF-8",
            where,
            line,
        ) from exc


def syntax_problem(exc: yaml.YAMLError) -> tuple[int | None, str]:
    """The line and the message for a document PyYAML cannot parse."""
    mark = getattr(exc, "problem_mark", None)
    problem = getattr(exc, "problem", None) or str(exc)
    return (mark.line + 1 if mark else None), f"invalid YAML: {problem}; fix the syntax"


def yaml_problems(root: yaml.Node | None) -> list[YamlProblem]:
    """Duplicate keys in any mapping and tags that are not plain data, anywhere in the document, in line order."""
    problems: list[YamlProblem] = []
    seen: set[int] = set()
    stack = [root] if root is not None else []
    while stack:
        node = stack.pop()
        if id(node) in seen:  # an alias repeats a node already checked (and may be recursive)
            continue
        seen.add(id(node))
        if node.tag not in PLAIN_TAGS:
            shown = "!!" + node.tag.removeprefix(_CORE) if node.tag.startswith(_CORE) else node.tag
            problems.append(
                YamlProblem(
                    _line(node),
                    "yaml-tag",
                    f"YAML tag {shown!r} is not allowed: our data files hold plain text, numbers, lists and mappings; remove it",
                )
            )
        if isinstance(node, yaml.MappingNode):
            first: dict[tuple[str, str], int] = {}
            for key, value in node.value:
                if isinstance(key, yaml.ScalarNode) and key.tag != _CORE + "merge":
                    # The resolved tag keeps 1 and "1" apart, as the constructed keys would be.
                    identity = (key.tag, str(key.value))
                    if identity in first:
                        problems.append(
                            YamlProblem(
                                _line(key),
                                "duplicate-key",
                                f"key {key.value!r} appears twice in this mapping (first at line {first[identity]}); "
                                "YAML keeps only the last, so remove or merge one",
                            )
                        )
                    else:
                        first[identity] = _line(key)
                stack.extend((key, value))
        elif isinstance(node, yaml.SequenceNode):
            stack.extend(node.value)
    return sorted(problems, key=lambda p: p.line)


def _line(node: yaml.Node) -> int:
    return int(node.start_mark.line) + 1


def compose_yaml(text: str, where: str) -> yaml.Node | None:
    """Parse to nodes, which keep line numbers for later messages; refuse duplicate keys and tags."""
    try:
        root = yaml.compose(text, Loader=FAST_LOADER)
    except yaml.YAMLError as exc:
        line, message = syntax_problem(exc)
        raise ConfigError(message, where, line) from exc
    problems = yaml_problems(root)
    if problems:
        raise ConfigError(problems[0].message, where, problems[0].line)
    return root


def load_yaml(text: str, where: str) -> Any:
    """Parse to plain Python values; refuse duplicate keys and tags."""
    root = compose_yaml(text, where)
    if root is None:
        return None
    try:
        return SafeConstructor().construct_document(root)
    except yaml.YAMLError as exc:
        line, message = syntax_problem(exc)
        raise ConfigError(message, where, line) from exc
