"""What a run wrote, so a re-run can skip an article whose output cannot have changed.

Per output folder, ``.pipeline-manifest.json`` maps each article to the
key of its inputs (the source file's bytes, the run's signature, the
formats and options, the memory file) and a hash of every file written.
An article is skipped only when its key is the same and every file is
still there with the same content: a reviewer's edit to any of them, a
changed glossary, model or article, or a deleted file means it is done
again. A missing or unreadable manifest just means nothing is skipped.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from pathlib import Path

from pipeline.files import write_atomic

NAME = ".pipeline-manifest.json"


def digest(parts: Iterable[str | bytes]) -> str:
    """A SHA-256 over the parts, each length-prefixed so no two lists of parts collide."""
    hasher = hashlib.sha256()
    for part in parts:
        data = part.encode("utf-8") if isinstance(part, str) else part
        hasher.update(len(data).to_bytes(8, "big"))
        hasher.update(data)
    return hasher.hexdigest()


def load(folder: Path) -> dict[str, dict[str, object]]:
    try:
        data = json.loads((folder / NAME).read_text("utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def unchanged(manifest: dict[str, dict[str, object]], name: str, key: str, folder: Path) -> bool:
    """Did the last run write this article from the same inputs, and is every file it wrote as it left it?"""
    record = manifest.get(name)
    if not isinstance(record, dict) or record.get("key") != key:
        return False
    files = record.get("files")
    if not isinstance(files, dict) or not files:
        return False
    for filename, expected in files.items():
        try:
            if digest([(folder / filename).read_bytes()]) != expected:
                return False
        except OSError:
            return False
    return True


def record(manifest: dict[str, dict[str, object]], name: str, key: str, written: Iterable[tuple[Path, str]]) -> None:
    manifest[name] = {"key": key, "files": {path.name: digest([text.encode("utf-8")]) for path, text in written}}


def save(folder: Path, manifest: dict[str, dict[str, object]]) -> None:
    write_atomic(
        folder / NAME, json.dumps(manifest, ensure_ascii=False, indent=1, sort_keys=True) + "\n", "choose another --out folder"
    )
