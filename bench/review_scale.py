"""Review files for one huge article: a single paragraph with no sentence ends, full of glossary terms.

`pipeline run --engine none` writes PO, XLIFF, TSV and HTML for 128 KB,
1 MB and 5 MB of it, each in a fresh process (so peak memory is its own),
then runs again with nothing changed. The growth from one size to the next
is what to look at: linear work grows like the input (x8, then x5).

    python bench/review_scale.py
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SIZES = (("128 KB", 128_000), ("1 MB", 1_000_000), ("5 MB", 5_000_000))
# Six glossary terms a phrase, commas but no sentence end.
PHRASE = "the National Guard and OMON officers detained contract soldiers near the military enlistment office in Buryatia, "


def article(size: int) -> str:
    return "A long article\n\n" + (PHRASE * (size // len(PHRASE) + 1))[:size] + "\n"


def one_run(path: Path, out: Path) -> dict[str, float]:
    """Time one `pipeline run` in its own process; its peak resident memory."""
    command = [sys.executable, "-m", "pipeline.cli", "run", str(path), "--to", "ru", "--engine", "none"]
    command += ["--out", str(out), "-g", str(ROOT / "glossary"), "--quiet"]
    code = (
        "import resource, subprocess, sys, time, json\n"
        "t = time.perf_counter()\n"
        f"p = subprocess.run({command!r}, capture_output=True, text=True)\n"
        "s = time.perf_counter() - t\n"
        "peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024\n"
        "print(json.dumps({'seconds': s, 'peak_mb': peak, 'rc': p.returncode, 'err': p.stderr[-300:]}))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True)
    report: dict[str, float] = json.loads(result.stdout)
    if report["rc"] != 0:
        raise RuntimeError(f"pipeline run failed: {report['err']}")
    return report


def run() -> list[tuple[str, str]]:
    rows = []
    previous = None
    with tempfile.TemporaryDirectory() as scratch:
        for label, size in SIZES:
            folder = Path(scratch) / label.replace(" ", "")
            folder.mkdir()
            source = folder / "long-article.txt"
            source.write_text(article(size), "utf-8")
            out = folder / "locales"
            first = one_run(source, out)
            again = one_run(source, out)
            files = sorted((out / "ru").glob("long-article.*"))
            sizes = ", ".join(f"{p.suffix[1:]} {p.stat().st_size / 1e6:.1f} MB" for p in files)
            growth = f"; x{first['seconds'] / previous:.1f} the time of the size before" if previous else ""
            rows.append(
                (
                    f"{label} article, all four formats",
                    f"{first['seconds']:.1f} s, peak {first['peak_mb']:.0f} MB{growth}; re-run with nothing changed "
                    f"{again['seconds']:.2f} s ({sizes})",
                )
            )
            previous = first["seconds"]
    return rows


if __name__ == "__main__":
    for name, value in run():
        print(f"  {name:<36}  {value}")
