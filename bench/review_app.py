"""The review app: time to first render of the largest seed article, and the save round trip (edit to PO on disk).

Runs the app in-process (Starlette's test client: the same routes, store
and writes, without a network hop) on review files made from the largest
seed with `--engine none`, then, when Playwright and Chromium are there,
the time a real browser takes to show the page.

    python bench/review_app.py
"""

from __future__ import annotations

import shutil
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
SAVES = 30


def largest_seed() -> Path:
    return max((ROOT / "seeds").glob("*.txt"), key=lambda p: p.stat().st_size)


def run() -> list[tuple[str, str]]:
    import polib
    from starlette.testclient import TestClient

    from pipeline.glossary.load import load_glossary
    from pipeline.run import RunRequest
    from pipeline.run import run as pipeline_run
    from pipeline.webapp.app import Settings, create_app
    from pipeline.webapp.store import Store, entry_version

    seed = largest_seed()
    rows = []
    with tempfile.TemporaryDirectory() as scratch:
        out = Path(scratch) / "locales"
        pipeline_run(
            RunRequest(inputs=(seed,), target_langs=("ru",), out_dir=out, engine="none", glossary=(ROOT / "glossary",)),
            "2026-01-01 00:00+0000",
        )
        glossary = load_glossary([ROOT / "glossary"])
        key = f"ru/{seed.stem}"
        app = create_app(Store(out, glossary), Settings(host="127.0.0.1", port=8765, csrf="c"))
        client = TestClient(app, base_url="http://127.0.0.1:8765")
        started = time.perf_counter()
        page = client.get(f"/a/{key}")
        first = time.perf_counter() - started
        started = time.perf_counter()
        client.get(f"/a/{key}")
        warm = time.perf_counter() - started
        segments = page.text.count('data-id="')
        rows.append(
            (
                f"first render of {seed.name} ({segments} segments)",
                f"{first * 1000:.0f} ms cold, {warm * 1000:.0f} ms warm (server side)",
            )
        )

        po = out / "ru" / f"{seed.stem}.po"
        entries = [e for e in polib.pofile(str(po)) if not {"boilerplate", "foreign-language"} & set(e.flags)][:SAVES]
        times = []
        for number, entry in enumerate(entries):
            current = next(e for e in polib.pofile(str(po)) if e.msgctxt == entry.msgctxt)
            body = {
                "file": key,
                "id": entry.msgctxt,
                "text": f"Перевод {number}.",
                "approved": True,
                "version": entry_version(current),
            }
            started = time.perf_counter()
            answer = client.post("/api/save", json=body, headers={"X-CSRF-Token": "c"})
            times.append(time.perf_counter() - started)
            assert answer.status_code == 200, answer.text
        rows.append(
            (
                f"save round trip, {len(times)} saves (PO + XLIFF + TSV + HTML rewritten)",
                f"median {statistics.median(times) * 1000:.0f} ms, max {max(times) * 1000:.0f} ms",
            )
        )
        rows.append(_browser_row(out, glossary, key))
    return rows


def _browser_row(out: Path, glossary: object, key: str) -> tuple[str, str]:
    chromium = shutil.which("chromium")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        return ("first render in Chromium", "skipped: playwright is not installed")
    if chromium is None:
        return ("first render in Chromium", "skipped: chromium is not installed")
    import uvicorn

    from pipeline.webapp.app import Settings, create_app
    from pipeline.webapp.serve import bind
    from pipeline.webapp.store import Store

    sock = bind("127.0.0.1", 0)
    port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(create_app(Store(out, glossary), Settings("127.0.0.1", port)), log_level="warning"))  # type: ignore[arg-type]
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    while not server.started:
        thread.join(0.05)
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=chromium, args=["--no-sandbox", "--disable-gpu"])
            page = browser.new_page()
            started = time.perf_counter()
            page.goto(f"http://127.0.0.1:{port}/a/{key}", wait_until="load")
            shown = time.perf_counter() - started
            browser.close()
    finally:
        server.should_exit = True
        thread.join(5)
        sock.close()
    return ("first render in Chromium (request to load event, cold server)", f"{shown * 1000:.0f} ms")


if __name__ == "__main__":
    for name, value in run():
        print(f"  {name:<60}  {value}")
