"""The one place that writes files (atomically, so a crash never leaves half a file), and reads user sheets."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from pipeline.errors import InputError, PipelineError


def write_atomic(path: Path, text: str | bytes, where: str = "write it somewhere else") -> None:
    """Write ``text`` to ``path`` via a temporary file in the same folder, a rename, and an fsync of the folder.

    The temporary file's name holds this process's id, so a later run can
    tell the leftovers of a killed run (whose process is gone) from a
    concurrent run's file in progress (``remove_leftovers``). ``where``
    says what to do when the folder cannot be written (`run` says: choose
    another --out folder).
    """
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.{os.getpid()}.", suffix=TEMP_SUFFIX, dir=path.parent)
    except OSError as exc:
        raise PipelineError(f"cannot write here ({exc.strerror}); {where}", str(path)) from exc
    try:
        data = text.encode("utf-8") if isinstance(text, str) else text
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        if path.exists():
            # Keep the permissions a reviewer may have set on the file.
            os.chmod(tmp, path.stat().st_mode & 0o7777)
        else:
            os.chmod(tmp, 0o644)
        os.replace(tmp, path)
        _fsync_folder(path.parent)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise PipelineError(f"cannot write the file ({exc.strerror}); nothing was changed", str(path)) from exc
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


TEMP_SUFFIX = ".tmp"


def _fsync_folder(folder: Path) -> None:
    """Make the rename itself durable: without it a power cut can bring back the old file (or none)."""
    try:
        fd = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except OSError:
        return  # some filesystems (and Windows) do not open folders; the data itself is already synced
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def remove_leftovers(folder: Path) -> list[Path]:
    """Delete the temporary files of writes whose process is gone (a killed run); return them."""
    removed = []
    try:
        candidates = list(folder.glob(f".*{TEMP_SUFFIX}"))
    except OSError:
        return []
    for path in candidates:
        parts = path.name.rsplit(".", 3)  # ".name.po", pid, random, "tmp"
        pid = parts[1] if len(parts) == 4 else ""
        if not pid.isdigit() or _alive(int(pid)):
            continue
        try:
            path.unlink()
            removed.append(path)
        except OSError:
            continue
    return removed


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # someone else's process
    return True


def read_sheet(path: Path) -> str:
    """A user's CSV/TSV sheet as text (a spreadsheet's BOM dropped), or one clear error."""
    try:
        return path.read_text("utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"cannot read the sheet ({exc}); save it as UTF-8 text", str(path)) from exc
