"""Read glossary YAML files into entries, recording every schema problem with its line.

The schema is documented for maintainers in glossary/README.md. Reading
collects findings instead of stopping at the first, so `glossary check`
can report them all; `load_glossary` refuses a glossary with errors.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from yaml.constructor import ConstructorError, SafeConstructor

from pipeline.errors import ConfigError, InputError
from pipeline.glossary.match import TermMatcher, tokenize
from pipeline.model import Context, EntryType, Finding, Glossary, GlossaryEntry, Severity, TargetTerm
from pipeline.yamlio import FAST_LOADER, decode_utf8, syntax_problem, yaml_problems

REQUIRED_LANGS = ("ru", "uk")
ENTRY_FIELDS = ("id", "term", "variants", "type", "case_sensitive", "definition", "source", "pattern", "context")
CONTEXT_FIELDS = ("unless", "only")
TARGET_FIELDS = ("term", "alternatives", "avoid", "declines", "head", "tail", "note", "quoted", "gender", "preposition")
GENDERS = {"masculine": "masc", "feminine": "femn", "neuter": "neut"}
ID_FORMAT = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
# A key of two or three lower-case letters in an entry is a target language.
LANG_KEY = re.compile(r"[a-z]{2,3}")


@dataclass
class ParsedFile:
    """One file's entries and the schema problems met while reading it."""

    path: str
    domain: str = ""
    entries: list[GlossaryEntry] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)


def glossary_files(paths: Sequence[Path]) -> list[Path]:
    """Expand folders into their .yaml files (sorted); refuse paths that do not exist."""
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            # A folder that happens to be called x.yaml is not a glossary file.
            inside = sorted(
                p for p in path.iterdir() if p.suffix in (".yaml", ".yml") and not p.name.startswith(".") and p.is_file()
            )
            if not inside:
                raise InputError("no glossary files (.yaml) in this folder", str(path))
            files.extend(inside)
        elif path.is_file():
            files.append(path)
        else:
            raise InputError("no such glossary file or folder; check the path", str(path))
    return files


def load_glossary(paths: Sequence[Path]) -> Glossary:
    """Read every glossary file; raise ConfigError naming the first error that would make matching wrong.

    That is every schema error (YAML, duplicate keys, patterns the matcher
    cannot use) and two entries claiming one id or one English form, where
    one would silently hide the other.
    """
    parsed = [parse_file(path) for path in glossary_files(paths)]
    glossary = build_glossary(parsed)
    findings = [finding for one in parsed for finding in one.findings]
    findings += duplicate_findings(glossary.entries)
    for finding in findings:
        if finding.severity is Severity.ERROR:
            raise ConfigError(f"{finding.message} (run `pipeline glossary check` for every problem)", finding.path, finding.line)
    return glossary


def build_glossary(parsed: Iterable[ParsedFile]) -> Glossary:
    """Join parsed files into one glossary whose hash names its content."""
    parsed = list(parsed)
    digest = hashlib.sha256()
    for one in sorted(parsed, key=lambda p: Path(p.path).name):
        digest.update(Path(one.path).name.encode())
        digest.update(Path(one.path).read_bytes())
    entries = tuple(entry for one in parsed for entry in one.entries)
    return Glossary(entries=entries, content_hash=digest.hexdigest()[:12])


def duplicate_findings(entries: Sequence[GlossaryEntry]) -> list[Finding]:
    """Two entries with one id (the index keeps the last) or one English form (the matcher keeps the first)."""
    findings: list[Finding] = []
    seen_ids: dict[str, GlossaryEntry] = {}
    seen_forms: dict[tuple[str, ...], tuple[GlossaryEntry, str]] = {}
    for entry in entries:
        if entry.id in seen_ids:
            first = seen_ids[entry.id]
            findings.append(
                _entry_error(entry, "duplicate-id", f"id {entry.id!r} is already used at {first.path}:{first.line}; rename one")
            )
        else:
            seen_ids[entry.id] = entry
        if entry.type is EntryType.PATTERN:
            continue
        for form in entry.forms:
            key = tuple(t.folded for t in tokenize(form))
            if not key:
                continue
            owner = seen_forms.get(key)
            if owner is None:
                seen_forms[key] = (entry, form)
            elif owner[0].id != entry.id:
                findings.append(
                    _entry_error(
                        entry,
                        "duplicate-term",
                        f"English {form!r} of {entry.id!r} is also {owner[1]!r} of {owner[0].id!r} "
                        f"({owner[0].path}:{owner[0].line}); keep it in one entry",
                    )
                )
    return findings


def parse_file(path: Path) -> ParsedFile:
    """Parse one glossary file, keeping going after problems so all are reported."""
    result = ParsedFile(path=str(path))
    try:
        text = decode_utf8(path.read_bytes(), str(path))
    except OSError as exc:
        result.findings.append(_error(result, None, "yaml", f"cannot read the file ({exc.strerror}); check its permissions"))
        return result
    except InputError as exc:
        result.findings.append(_error(result, exc.line, "yaml", exc.message))
        return result
    try:
        root = yaml.compose(text, Loader=FAST_LOADER)
    except yaml.YAMLError as exc:
        line, message = syntax_problem(exc)
        result.findings.append(_error(result, line, "yaml", message))
        return result
    problems = yaml_problems(root)
    result.findings += [_error(result, p.line, p.check, p.message) for p in problems]
    if any(p.check == "yaml-tag" for p in problems):
        # A tagged value is not the text it looks like: reading on would only report it as missing.
        return result
    if not isinstance(root, yaml.MappingNode):
        result.findings.append(_error(result, 1, "schema", "a glossary file needs `domain:` and `entries:` at the top"))
        return result
    top = _mapping(root)
    for key, (key_node, _) in top.items():
        if key not in ("domain", "entries"):
            result.findings.append(
                _error(result, _line(key_node), "schema", f"unknown top-level field {key!r}; use domain and entries")
            )
    domain_node = top.get("domain", (None, None))[1]
    result.domain = str(_value(domain_node)) if domain_node is not None else path.stem
    entries_node = top.get("entries", (None, None))[1]
    if not isinstance(entries_node, yaml.SequenceNode):
        line = _line(entries_node) if entries_node is not None else 1
        result.findings.append(_error(result, line, "schema", "`entries:` must be a list of entries (- id: ...)"))
        return result
    for node in entries_node.value:
        entry = _parse_entry(node, result)
        if entry is not None:
            result.entries.append(entry)
    return result


def _parse_entry(node: yaml.Node, result: ParsedFile) -> GlossaryEntry | None:
    line = _line(node)
    if not isinstance(node, yaml.MappingNode):
        result.findings.append(_error(result, line, "schema", "an entry must be a mapping (id: ..., term: ...)"))
        return None
    fields = _mapping(node)
    entry_id = _string(fields, "id", result, None)
    if entry_id is None:
        result.findings.append(_error(result, line, "schema", "entry has no `id`; add a stable id such as omon"))
        return None
    ok = True

    def problem(at: yaml.Node | None, message: str, check: str = "schema") -> None:
        nonlocal ok
        ok = False
        result.findings.append(_error(result, _line(at) if at is not None else line, check, message, entry_id))

    if not ID_FORMAT.fullmatch(entry_id):
        problem(fields["id"][1], f"id {entry_id!r} must be lower-case words joined by hyphens, e.g. garrison-court")
    targets: list[TargetTerm] = []
    for key, (key_node, value_node) in fields.items():
        if key in ENTRY_FIELDS:
            continue
        if LANG_KEY.fullmatch(key):
            target = _parse_target(key, value_node, entry_id, result)
            if target is None:
                ok = False
            else:
                targets.append(target)
            continue
        problem(key_node, f"entry {entry_id!r} has unknown field {key!r}; known fields: {', '.join(ENTRY_FIELDS)}")
    for key in ("term", "type", "definition"):
        if key not in fields:
            problem(None, f"entry {entry_id!r} has no `{key}`; add {key}: ...")
    for lang in REQUIRED_LANGS:
        if lang not in fields:
            problem(None, f"entry {entry_id!r} has no {lang!r} term; add {lang}: {{term: ...}}", check="missing-language")
    term = _string(fields, "term", result, entry_id)
    definition = _string(fields, "definition", result, entry_id)
    source = _string(fields, "source", result, entry_id)
    pattern = _string(fields, "pattern", result, entry_id)
    variants = _string_list(fields, "variants", result, entry_id)
    type_text = _string(fields, "type", result, entry_id)
    try:
        entry_type = EntryType(type_text) if type_text is not None else EntryType.TERM
    except ValueError:
        problem(fields["type"][1], f"type {type_text!r} is unknown; use one of: {', '.join(t.value for t in EntryType)}")
        entry_type = EntryType.TERM
    if entry_type is EntryType.PATTERN and pattern is None:
        problem(None, f"pattern entry {entry_id!r} has no `pattern:`; add a regular expression with named groups")
    if pattern is not None and entry_type is not EntryType.PATTERN:
        problem(fields["pattern"][1], f"entry {entry_id!r} has a pattern but type {entry_type.value!r}; set type: pattern")
    context = _context(fields, result, entry_id)
    if context is None:
        ok = False
        context = Context()
    case_sensitive = _bool(fields, "case_sensitive", result, entry_id)
    if case_sensitive is None:
        case_sensitive = entry_type is EntryType.ABBREVIATION
    if not ok or term is None or definition is None:
        return None
    entry = GlossaryEntry(
        id=entry_id,
        term=term,
        type=entry_type,
        case_sensitive=case_sensitive,
        definition=definition,
        targets=tuple(targets),
        variants=tuple(variants),
        source=source,
        pattern=pattern,
        domain=result.domain,
        path=result.path,
        line=line or 0,
        context=context,
    )
    if entry.type is EntryType.PATTERN:
        message = pattern_problem(entry)
        if message:
            problem(None, message, check="pattern")
            return None
    return entry


# A regular expression token by token: octal escapes, references to a group by number
# (\1, (?(1)...)), other escapes, character classes, and any other character.
_REGEX_TOKEN = re.compile(r"\\[0-7]{3}|(?P<ref>\\[1-9][0-9]?|\(\?\([0-9]+\))|\\.|\[\^?\]?(?:\\.|[^\]\\])*\]|.", re.DOTALL)
_GLOBAL_FLAG = re.compile(r"\(\?[aiLmsux]+\)")


def pattern_problem(entry: GlossaryEntry) -> str:
    """What stops the matcher using a pattern entry as written, or "" when it is fine.

    The matcher renames the named groups and joins every pattern into one
    expression, so the pattern is compiled that way, through the matcher
    itself: a global flag such as (?i) is refused once it is no longer at the
    start, and a group number would count the groups of the other patterns.
    """
    pattern = entry.pattern or ""
    try:
        re.compile(pattern)
    except re.error as exc:
        return f"pattern of {entry.id!r} does not compile: {exc.msg}; fix the regular expression"
    reference = next((m.group("ref") for m in _REGEX_TOKEN.finditer(pattern) if m.group("ref")), None)
    if reference:
        return (
            f"pattern of {entry.id!r} refers to a group by number ({reference}), which means another group once the "
            "matcher joins all patterns; name the group (?P<name>...) and refer to it as (?P=name)"
        )
    try:
        TermMatcher(Glossary(entries=(entry,), content_hash=""))
    except re.error as exc:
        flag = _GLOBAL_FLAG.search(pattern)
        if flag is not None:
            return (
                f"pattern of {entry.id!r} uses a global inline flag {flag.group()}, which Python accepts only at the start "
                "of the whole expression, and the matcher joins all patterns into one; remove it (patterns ignore case "
                "unless case_sensitive: true) or scope it to a part: (?i:...)"
            )
        return (
            f"pattern of {entry.id!r} compiles alone but not joined with the others as the matcher uses it "
            f"({exc.msg}); fix the regular expression"
        )
    return ""


def _parse_target(lang: str, node: yaml.Node, entry_id: str, result: ParsedFile) -> TargetTerm | None:
    if not isinstance(node, yaml.MappingNode):
        result.findings.append(
            _error(
                result,
                _line(node),
                "schema",
                f"{lang!r} of {entry_id!r} must be a mapping: {lang}: {{term: ...}}",
                entry_id,
            )
        )
        return None
    fields = _mapping(node)
    before = len(result.findings)
    for key, (key_node, _) in fields.items():
        if key not in TARGET_FIELDS:
            result.findings.append(
                _error(
                    result,
                    _line(key_node),
                    "schema",
                    f"{lang!r} of {entry_id!r} has unknown field {key!r}; known fields: {', '.join(TARGET_FIELDS)}",
                    entry_id,
                )
            )
    term = _string(fields, "term", result, entry_id)
    if term is None:
        result.findings.append(
            _error(
                result,
                _line(node),
                "missing-language",
                f"{lang!r} of {entry_id!r} has no term; add term: ...",
                entry_id,
            )
        )
    head = _string(fields, "head", result, entry_id)
    tail = _string(fields, "tail", result, entry_id)
    if term is not None:
        words = term.split()
        if head is not None and head not in words:
            result.findings.append(
                _error(
                    result,
                    _line(fields["head"][1]),
                    "schema",
                    f"{lang} head {head!r} is not a word of {term!r}",
                    entry_id,
                )
            )
        if tail is not None and (not term.endswith(" " + tail) or (head is not None and head in tail.split())):
            result.findings.append(
                _error(
                    result,
                    _line(fields["tail"][1]),
                    "schema",
                    f"{lang} tail {tail!r} must be the end of {term!r} after the head word",
                    entry_id,
                )
            )
    gender = _string(fields, "gender", result, entry_id)
    if gender is not None and gender not in GENDERS:
        result.findings.append(
            _error(result, _line(fields["gender"][1]), "schema", f"`gender` must be one of: {', '.join(GENDERS)}", entry_id)
        )
    preposition = _string(fields, "preposition", result, entry_id)
    if preposition is not None and preposition != "в":
        result.findings.append(
            _error(
                result,
                _line(fields["preposition"][1]),
                "schema",
                "`preposition` can only be в (a place never taking на)",
                entry_id,
            )
        )
    target = TargetTerm(
        lang=lang,
        term=term or "",
        alternatives=tuple(_string_list(fields, "alternatives", result, entry_id)),
        avoid=tuple(_string_list(fields, "avoid", result, entry_id)),
        declines=_bool(fields, "declines", result, entry_id) is not False,
        quoted=_bool(fields, "quoted", result, entry_id) is True,
        gender=GENDERS.get(gender or "", ""),
        preposition=preposition or "",
        head=head,
        tail=tail,
        note=_string(fields, "note", result, entry_id),
    )
    return target if len(result.findings) == before else None


def _context(fields: dict[str, tuple[yaml.Node, yaml.Node]], result: ParsedFile, entry_id: str) -> Context | None:
    """The entry's `context:` (unless/only patterns), checked against the pattern language; None on an error."""
    from pipeline.glossary.sense import pattern_problem

    if "context" not in fields:
        return Context()
    node = fields["context"][1]
    if not isinstance(node, yaml.MappingNode):
        result.findings.append(
            _error(result, _line(node), "schema", "`context` must be a mapping: context: {unless: [...], only: [...]}", entry_id)
        )
        return None
    inner = _mapping(node)
    before = len(result.findings)
    for key, (key_node, _) in inner.items():
        if key not in CONTEXT_FIELDS:
            result.findings.append(
                _error(result, _line(key_node), "schema", f"`context` has unknown field {key!r}; use unless or only", entry_id)
            )
    lists = {key: tuple(_string_list(inner, key, result, entry_id)) for key in CONTEXT_FIELDS}
    for key in CONTEXT_FIELDS:
        nodes = inner[key][1].value if key in inner and isinstance(inner[key][1], yaml.SequenceNode) else []
        for item, item_node in zip(lists[key], nodes, strict=False):
            problem = pattern_problem(item)
            if problem:
                result.findings.append(_error(result, _line(item_node), "context", f"{key} {item!r}: {problem}", entry_id))
    if len(result.findings) != before:
        return None
    return Context(unless=lists["unless"], only=lists["only"], given=True)


# --- node helpers -------------------------------------------------------------

_CONSTRUCTOR = SafeConstructor()


def _mapping(node: yaml.MappingNode) -> dict[str, tuple[yaml.Node, yaml.Node]]:
    return {str(key.value): (key, value) for key, value in node.value}


def _line(node: yaml.Node | None) -> int | None:
    return node.start_mark.line + 1 if node is not None else None


def _value(node: yaml.Node) -> Any:
    try:
        return _CONSTRUCTOR.construct_object(node, deep=True)
    except ConstructorError:
        return None


def _error(result: ParsedFile, line: int | None, check: str, message: str, entry_id: str | None = None) -> Finding:
    return Finding(result.path, line, Severity.ERROR, check, message, entry_id)


def _entry_error(entry: GlossaryEntry, check: str, message: str) -> Finding:
    return Finding(entry.path, entry.line, Severity.ERROR, check, message, entry.id)


def _string(fields: dict[str, tuple[yaml.Node, yaml.Node]], key: str, result: ParsedFile, entry_id: str | None) -> str | None:
    if key not in fields:
        return None
    node = fields[key][1]
    value = _value(node)
    if not isinstance(value, str) or not value.strip():
        result.findings.append(_error(result, _line(node), "schema", f"`{key}` must be non-empty text", entry_id))
        return None
    return value.strip()


def _string_list(fields: dict[str, tuple[yaml.Node, yaml.Node]], key: str, result: ParsedFile, entry_id: str | None) -> list[str]:
    if key not in fields:
        return []
    node = fields[key][1]
    value = _value(node)
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        result.findings.append(_error(result, _line(node), "schema", f"`{key}` must be a list of text items: [a, b]", entry_id))
        return []
    return [v.strip() for v in value]


def _bool(fields: dict[str, tuple[yaml.Node, yaml.Node]], key: str, result: ParsedFile, entry_id: str | None) -> bool | None:
    if key not in fields:
        return None
    node = fields[key][1]
    value = _value(node)
    if not isinstance(value, bool):
        result.findings.append(_error(result, _line(node), "schema", f"`{key}` must be true or false", entry_id))
        return None
    return value
