"""Translation on Ray workers (`pipeline run --cluster`): throughput against the local engine, and 2,000 articles end to end.

Throughput uses the Argos-sized model of bench/translation.py (random
weights, every output exactly LENGTH tokens) on a `ray.cluster_utils.Cluster`
of two nodes with one CPU each, on this one machine: the same two cores
either way, so the ratios show what Ray costs and how the work spreads, not
what more machines would add. The end-to-end run is a subprocess
(`pipeline run --cluster local:2`, the tiny test model, --max-length 4) so
its driver's peak memory is its own.
"""

from __future__ import annotations

import json
import os
import random
import resource
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
BUILD = ROOT / "build" / "bench"
LENGTH = 32  # tokens per output, as in bench/translation.py
SENTENCES = 256  # 8 batches of 32: the same for one worker or two, local or not
ROUNDS = 2
ARTICLES = (500, 2000)
PER_ARTICLE = 30
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))


def ensure_tiny_model() -> Path:
    """The tests' tiny en→ru model, built and installed once under build/bench/."""
    from translation import ensure_model

    return ensure_model("tiny-packages", argos_sized=False)


def _rss_mb(pid: int | str = "self", field: str = "VmRSS") -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(f"{field}:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def _peak_mb() -> float:
    """This process's own peak: ru_maxrss would carry the parent's over fork and exec (Linux keeps it)."""
    return _rss_mb("self", "VmHWM") or resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _rate(translate: Callable[[list[str]], list[str]], texts: list[str], rounds: int = ROUNDS) -> tuple[float, list[str]]:
    """Sentences per second, the best of ``rounds``: other work on a shared machine only ever slows a round down."""
    best, outputs = 0.0, []
    for _ in range(rounds):
        started = time.perf_counter()
        outputs = translate(texts)
        best = max(best, len(texts) / (time.perf_counter() - started))
    return best, outputs


def throughput() -> list[tuple[str, str]]:
    import ray
    from ray.cluster_utils import Cluster
    from translation import ensure_model
    from translation_paths import sentences

    from pipeline.engines import cluster
    from pipeline.engines.argos import ArgosEngine, DecodingOptions, Hardware
    from pipeline.engines.base import EngineOptions

    packages = ensure_model()
    texts = sentences(SENTENCES)
    decoding = DecodingOptions(max_decoding_length=LENGTH)
    rows: list[tuple[str, str]] = [
        ("model, input", f"Argos-sized (6+6 layers, d512, int8), beam 4, {LENGTH} tokens out; {len(texts)} seed sentences"),
        ("load average before (other work on the machine skews every figure)", " ".join(f"{x:.2f}" for x in os.getloadavg())),
    ]

    # The default is one single-threaded CTranslate2 worker per core (no cap); more workers than cores, measured.
    local_rates: dict[str, float] = {}
    reference: list[str] = []
    for label, inter, intra in (("1x1", 1, 1), ("1x2", 1, 2), ("2x1", 2, 1), ("3x1", 3, 1), ("4x1", 4, 1)):
        local = ArgosEngine(models_dir=packages, decoding=decoding, hardware=Hardware(inter_threads=inter, intra_threads=intra))
        local._load("en", "ru")  # loading is not translating
        local_rates[label], outputs = _rate(lambda t, e=local: e.translate(t, "en", "ru"), texts)  # type: ignore[misc]
        reference = reference or outputs
        assert outputs == reference, f"local engine {label} changed the output"
        del local
    default = local_rates["2x1"]  # what Hardware.resolved() picks on 2 cores
    rows.append(
        (
            "local engine, workers x threads (2 cores)",
            "  ".join(f"{k}: {v:.1f}/s" for k, v in local_rates.items()) + f"  (4x1 / 2x1 = {local_rates['4x1'] / default:.2f})",
        )
    )

    nodes: Any = Cluster(initialize_head=True, head_node_args={"num_cpus": 1, "include_dashboard": False})
    try:
        nodes.add_node(num_cpus=1)
        engine = cluster.build(EngineOptions(models_dir=packages, max_length=LENGTH, cluster=nodes.address))
        started = time.perf_counter()
        engine.missing_pairs("en", ["ru"])
        checked = time.perf_counter() - started
        engine.translate(texts[:64], "en", "ru")  # two batches: both workers asked for
        session = engine.session()
        while len(session.workers) < 2:  # the second may have been slower to start than the first batches
            engine.translate(texts[:64], "en", "ru")
        expected = engine.expected("en", "ru")
        ray.get([slot.handle.translate.remote(texts[:2], expected) for slot in session.workers])  # each loads its model
        ready = time.perf_counter() - started
        memory = [_rss_mb(int(slot.where.rsplit(" ", 1)[1])) for slot in session.workers]
        two, outputs_two = _rate(lambda t: engine.translate(t, "en", "ru"), texts)
        plan = engine.local.plan(texts, "en", "ru")
        payload = [len(json.dumps([plan.pieces[k][1] for k in batch], ensure_ascii=False).encode()) for batch in plan.batches]
        back = [sum(len(outputs_two[plan.pieces[k][0]].encode()) for k in batch) for batch in plan.batches]
        extra = session.workers.pop()
        ray.kill(extra.handle)
        session.slots = 1
        one, outputs_one = _rate(lambda t: engine.translate(t, "en", "ru"), texts)
        engine.close()
    finally:
        nodes.shutdown()
    same = outputs_two == reference and outputs_one == reference
    rows += [
        (
            "cluster: connected, nodes checked / workers up, each with its model",
            f"{checked:.1f} s / {ready:.1f} s",
        ),
        (
            "cluster engine, 1 worker",
            f"{one:.1f} sentences/s = {one / default:.2f}x local ({one / local_rates['1x1']:.2f}x local 1x1)",
        ),
        (
            "cluster engine, 2 workers on 2 nodes",
            f"{two:.1f} sentences/s = {two / default:.2f}x local, {two / one:.2f}x 1 worker",
        ),
        ("outputs identical to the local engine", "yes" if same else "NO"),
        ("memory per worker process (RSS)", " / ".join(f"{mb:.0f} MB" for mb in memory)),
        (
            "sent per batch / returned",
            f"{sum(payload) / len(payload) / 1024:.1f} KB of SentencePiece tokens / {sum(back) / len(back) / 1024:.1f} KB "
            f"of text ({len(payload)} batches of up to 32 pieces; the model never moves)",
        ),
    ]
    return rows


_WORDS = (
    "soldiers court district military contract refused commander regiment prison service region families "
    "lawyer mobilized unit officers ministry defense report village republic volunteers battalion order "
    "appeal judge sentence decision week month year city border press statement local residents hospital"
).split()


def write_articles(folder: Path, count: int, per_article: int = PER_ARTICLE, seed: int = 13) -> int:
    """``count`` articles of ``per_article`` short sentences, every sentence different; returns the sentences written."""
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    serial = 0
    for n in range(count):
        paragraphs: list[str] = []
        sentences: list[str] = []
        for _ in range(per_article):
            serial += 1
            words = rng.sample(_WORDS, rng.randint(5, 9))
            sentences.append(f"{' '.join(words).capitalize()} {serial}.")
            if len(sentences) == 4:
                paragraphs.append(" ".join(sentences))
                sentences = []
        if sentences:
            paragraphs.append(" ".join(sentences))
        (folder / f"article-{n:05d}.txt").write_text(f"Report number {n}\n\n" + "\n\n".join(paragraphs) + "\n", "utf-8")
    return serial


def _driver(args: Sequence[str]) -> None:
    from pipeline.cli import app

    started = time.perf_counter()
    try:
        app(list(args), standalone_mode=False)
    finally:
        seconds = time.perf_counter() - started
        print(json.dumps({"seconds": seconds, "peak_mb": _peak_mb()}))


def _worker_pids() -> list[int]:
    """The processes of ArgosWorker actors on this machine (Ray titles them ``ray::ArgosWorker``)."""
    pids = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if (entry / "cmdline").read_bytes().startswith(b"ray::ArgosWorker"):
                    pids.append(int(entry.name))
            except OSError:  # gone meanwhile
                continue
    return pids


def _kill_a_worker_once_files_appear(folder: Path, stop: threading.Event, killed: list[str]) -> None:
    """SIGKILL one worker after the first chunk's review files are written: mid-run, with batches in flight."""
    started = time.monotonic()
    while not stop.is_set():
        pids = _worker_pids()
        if pids and any(folder.rglob("*.po")):
            os.kill(pids[0], signal.SIGKILL)
            killed.append(f"pid {pids[0]} killed at {time.monotonic() - started:.0f} s")
            return
        time.sleep(0.2)


def end_to_end(work: Path, articles: str, out: str, extra: Sequence[str], kill: bool = False) -> dict[str, Any]:
    """`pipeline run` in a child process that reports its own time and peak memory; optionally a worker killed."""
    args = ["run", articles, "--to", "ru", "--models-dir", str(ensure_tiny_model()), "--max-length", "4"]
    args += ["--no-cache", "--out", out, "-g", str(ROOT / "glossary"), "--quiet", *extra]
    environment = {
        **os.environ,
        "HOME": str(work),
        "XDG_CACHE_HOME": f"{work}/cache",
        "XDG_CONFIG_HOME": f"{work}/config",
        "SOURCE_DATE_EPOCH": "1767225600",  # every run stamps the same minute: files compare byte for byte
    }
    environment.pop("RAY_ADDRESS", None)
    stop, killed = threading.Event(), list[str]()
    killer = threading.Thread(target=_kill_a_worker_once_files_appear, args=(work / out, stop, killed), daemon=True)
    if kill:
        killer.start()
    try:
        done = subprocess.run(
            [sys.executable, __file__, "driver", *args], capture_output=True, text=True, env=environment, cwd=work, check=False
        )
    finally:
        stop.set()
    if done.returncode != 0:
        raise RuntimeError(f"pipeline run failed:\n{done.stderr[-3000:]}")
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    result["files"] = sum(1 for _ in (work / out).rglob("*.po"))
    result["killed"] = killed[0] if killed else ""
    return result


def _files(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def end_to_end_rows() -> list[tuple[str, str]]:
    """An archive of 2,000 articles on a two-node cluster with a worker killed, against the local engine."""
    from ray.cluster_utils import Cluster

    rows: list[tuple[str, str]] = []
    with tempfile.TemporaryDirectory(prefix="bench-cluster-") as scratch:
        work = Path(scratch)
        small, big = (write_articles(work / f"archive-{n}", n) for n in ARTICLES)
        sentences = {f"archive-{ARTICLES[0]}": small, f"archive-{ARTICLES[-1]}": big}
        nodes: Any = Cluster(initialize_head=True, head_node_args={"num_cpus": 1, "include_dashboard": False})
        try:
            nodes.add_node(num_cpus=1)
            runs: list[tuple[str, str, str, list[str], bool]] = [
                (f"archive-{ARTICLES[0]}", "small-local2", "--cluster local:2", ["--cluster", "local:2"], False),
                (f"archive-{ARTICLES[-1]}", "local", "local engine", [], False),
                (
                    f"archive-{ARTICLES[-1]}",
                    "cluster",
                    "two-node Cluster, one worker SIGKILLed mid-run",
                    ["--cluster", nodes.address],
                    True,
                ),
                (f"archive-{ARTICLES[-1]}", "none", "--engine none: the driver alone", ["--engine", "none"], False),
            ]
            for articles, out, label, extra, kill in runs:
                before = os.getloadavg()[0]
                r = end_to_end(work, articles, out, extra, kill)
                count = int(articles.rsplit("-", 1)[1])
                seconds = float(r["seconds"])
                rows.append(
                    (
                        f"{count:,} articles ({sentences[articles]:,} sentences), {label}",
                        f"{seconds:6.1f} s, {sentences[articles] / seconds:5.0f} sentences/s end to end, "
                        f"driver peak {float(r['peak_mb']):5.0f} MB, {r['files']} PO files "
                        f"(load {before:.1f}-{os.getloadavg()[0]:.1f})" + (f"; worker {r['killed']}" if kill else ""),
                    )
                )
                if kill and not r["killed"]:
                    rows.append(("worker killed", "NO: the run ended before a worker could be killed"))
        finally:
            nodes.shutdown()
        local, remote = _files(work / "local"), _files(work / "cluster")
        differ = [name for name in local if local[name] != remote.get(name)] + sorted(remote.keys() - local.keys())
        rows.append(
            (
                "2,000 articles: cluster (worker killed) against local, byte for byte",
                f"{len(local) - len(differ)} of {len(local)} files identical" + (f"; differ: {differ[:5]}" if differ else ""),
            )
        )
    return rows


def run() -> list[tuple[str, str]]:
    try:
        import ray  # noqa: F401
    except ImportError:
        return [("skipped", "Ray is not installed: pip install -e '.[cluster]'")]
    return throughput() + end_to_end_rows()


if __name__ == "__main__":
    if sys.argv[1:2] == ["driver"]:  # the child process of end_to_end()
        _driver(sys.argv[2:])
    elif sys.argv[1:2] == ["e2e"]:  # the end-to-end part alone
        for name, value in end_to_end_rows():
            print(f"  {name:<60}  {value}")
    else:
        for name, value in run():
            print(f"  {name:<60}  {value}")
