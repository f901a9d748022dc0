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


# SQLite's result codes for a file that is not a database or is damaged: only these mean "corrupt".
# "database is locked" (another run holds it) and "unable to open" (a folder, no permission) are not.
_CORRUPT_CODES = {11, 26}  # SQLITE_CORRUPT, SQLITE_NOTADB


def _is_corrupt(exc: sqlite3.Error) -> bool:
    code = getattr(exc, "sqlite_errorcode", None)
    if code is not None:
        return bool(code & 0xFF in _CORRUPT_CODES)
    return "not a database" in str(exc) or "malformed" in str(exc)


class TranslationCache:
    """Lookups and stores in batches; use as a context manager.

    A cache that cannot be used (locked by another run for longer than the
    time-out, a path that cannot be opened) is skipped with a notice: the
    run translates without it. Only a damaged file is moved aside and rebuilt.
    """

    def __init__(self, path: Path, timeout: float = 30.0) -> None:
        self.path = path
        self.timeout = timeout
        self.notices: list[Notice] = []
        self._db = self._open()

    def _open(self) -> sqlite3.Connection | None:
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            return self._connect()
        except OSError as exc:
            self._without(f"cannot create its folder ({exc.strerror})")
            return None
        except sqlite3.Error as exc:
            if not _is_corrupt(exc):
                self._without(str(exc))
                return None
            aside = self.path.with_name(f"{self.path.name}.corrupt-{int(time.time())}")
            try:
                os.replace(self.path, aside)
            except OSError as move:
                self._without(f"it is damaged ({exc}) and could not be moved aside ({move.strerror})")
                return None
            for suffix in ("-wal", "-shm"):
                Path(f"{self.path}{suffix}").unlink(missing_ok=True)
            self.notices.append(
                Notice(str(self.path), f"translation cache was unreadable ({exc}); moved to {aside.name} and rebuilt")
            )
            try:
                return self._connect()
            except sqlite3.Error as again:
                self._without(str(again))
                return None

    def _without(self, why: str) -> None:
        self.notices.append(Notice(str(self.path), f"translation cache not used ({why}); translating without it"))

    def _connect(self) -> sqlite3.Connection:
        db = sqlite3.connect(self.path, timeout=self.timeout, isolation_level=None)
        try:
            db.execute(f"PRAGMA busy_timeout = {int(self.timeout * 1000)}")
            db.execute("PRAGMA journal_mode = WAL")
            db.execute(SCHEMA)
            db.execute("SELECT count(*) FROM translations").fetchone()
            (check,) = db.execute("PRAGMA quick_check").fetchone()
            if check != "ok":
                raise sqlite3.DatabaseError(f"database disk image is malformed ({check})")
        except BaseException:
            db.close()
            raise
        return db

    def get_many(self, engine: str, target_lang: str, sources: Sequence[str]) -> dict[str, str]:
        """The cached translations among ``sources``, by source text."""
        if self._db is None:
            return {}
        keys = {cache_key(engine, target_lang, s): s for s in sources}
        found: dict[str, str] = {}
        items = list(keys)
        try:
            for start in range(0, len(items), _CHUNK):
                chunk = items[start : start + _CHUNK]
                marks = ",".join("?" * len(chunk))
                for key, target in self._db.execute(f"SELECT key, target FROM translations WHERE key IN ({marks})", chunk):
                    found[keys[key]] = target
        except sqlite3.Error as exc:
            self._give_up(exc)
            return {}
        return found

    def put_many(self, engine: str, target_lang: str, pairs: Mapping[str, str] | Iterable[tuple[str, str]]) -> None:
        """Store translations in one transaction."""
        if self._db is None:
            return
        rows = pairs.items() if isinstance(pairs, Mapping) else pairs
        now = time.time()
        values = [(cache_key(engine, target_lang, s), engine, target_lang, s, t, now) for s, t in rows]
        try:
            with self._db:
                self._db.execute("BEGIN IMMEDIATE")
                self._db.executemany("INSERT OR REPLACE INTO translations VALUES (?, ?, ?, ?, ?, ?)", values)
        except sqlite3.Error as exc:
            self._give_up(exc)

    def _give_up(self, exc: sqlite3.Error) -> None:
        """A cache that fails mid-run (locked too long, disk full) is dropped: the translations are still returned."""
        self.notices.append(Notice(str(self.path), f"translation cache not used any more ({exc}); translating without it"))
        if self._db is not None:
            self._db.close()
        self._db = None

    def close(self) -> None:
        if self._db is not None:
            self._db.close()

    def __enter__(self) -> TranslationCache:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
