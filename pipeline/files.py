"""The one place that writes files (atomically, so a crash never leaves half a file), and reads user sheets."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from pipeline.errors import InputError, PipelineError


def write_atomic(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` via a temporary file in the same folder and a rename."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    except OSError as exc:
        raise PipelineError(f"cannot write here ({exc.strerror}); choose another --out folder", str(path)) from exc
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        if path.exists():
            # Keep the permissions a reviewer may have set on the file.
            os.chmod(tmp, path.stat().st_mode & 0o7777)
        else:
            os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise PipelineError(f"cannot write the file ({exc.strerror}); nothing was changed", str(path)) from exc
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def read_sheet(path: Path) -> str:
    """A user's CSV/TSV sheet as text (a spreadsheet's BOM dropped), or one clear error."""
    try:
        return path.read_text("utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"cannot read the sheet ({exc}); save it as UTF-8 text", str(path)) from exc
