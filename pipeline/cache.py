"""SQLite translation cache: a re-run translates only what changed.

Keyed by the engine's signature (model id and version, decoding options),
the target language and the source text. WAL mode and a busy time-out let
concurrent runs share one file; a file SQLite cannot read is moved aside
and rebuilt, with a notice, never a failed run.
"""

from __future__ import annotations

import hashlib
import os
import sqlite3
import time
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

from pipeline.model import Notice

SCHEMA = """
CREATE TABLE IF NOT EXISTS translations (
    key TEXT PRIMARY KEY,
    engine TEXT NOT NULL,
    target_lang TEXT NOT NULL,
    source TEXT NOT NULL,
    target TEXT NOT NULL,
    created REAL NOT NULL
)
"""
_CHUNK = 500  # SQLite's bound-parameter limit is far above this; keeps statements small


def default_cache_path() -> Path:
    base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return base / "pipeline" / "translations.sqlite3"


def cache_key(engine: str, target_lang: str, source: str) -> str:
    return hashlib.sha256(f"{engine}\x00{target_lang}\x00{source}".encode()).hexdigest()


class TranslationCache:
    """Lookups and stores in batches; use as a context manager."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.notices: list[Notice] = []
        self._db = self._open()

    def _open(self) -> sqlite3.Connection:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        try:
            return self._connect()
        except sqlite3.DatabaseError as exc:
            aside = self.path.with_name(f"{self.path.name}.corrupt-{int(time.time())}")
            os.replace(self.path, aside)
            for suffix in ("-wal", "-shm"):
                Path(f"{self.path}{suffix}").unlink(missing_ok=True)
            self.notices.append(
                Notice(str(self.path), f"translation cache was unreadable ({exc}); moved to {aside.name} and rebuilt")
            )
            return self._connect()

    def _connect(self) -> sqlite3.Connection:
        db = sqlite3.connect(self.path, timeout=30.0, isolation_level=None)
        db.execute("PRAGMA busy_timeout = 30000")
        db.execute("PRAGMA journal_mode = WAL")
        db.execute(SCHEMA)
        db.execute("SELECT count(*) FROM translations").fetchone()
        db.execute("PRAGMA quick_check").fetchone()
        return db

    def get_many(self, engine: str, target_lang: str, sources: Sequence[str]) -> dict[str, str]:
        """The cached translations among ``sources``, by source text."""
        keys = {cache_key(engine, target_lang, s): s for s in sources}
        found: dict[str, str] = {}
        items = list(keys)
        for start in range(0, len(items), _CHUNK):
            chunk = items[start : start + _CHUNK]
            marks = ",".join("?" * len(chunk))
            for key, target in self._db.execute(f"SELECT key, target FROM translations WHERE key IN ({marks})", chunk):
                found[keys[key]] = target
        return found

    def put_many(self, engine: str, target_lang: str, pairs: Mapping[str, str] | Iterable[tuple[str, str]]) -> None:
        """Store translations in one transaction."""
        rows = pairs.items() if isinstance(pairs, Mapping) else pairs
        now = time.time()
        values = [(cache_key(engine, target_lang, s), engine, target_lang, s, t, now) for s, t in rows]
        with self._db:
            self._db.execute("BEGIN IMMEDIATE")
            self._db.executemany("INSERT OR REPLACE INTO translations VALUES (?, ?, ?, ?, ?, ?)", values)

    def close(self) -> None:
        self._db.close()

    def __enter__(self) -> TranslationCache:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
