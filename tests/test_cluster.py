"""`pipeline run --cluster`: the argos engine on Ray workers, on a two-node local Ray cluster and the tiny test model."""

from __future__ import annotations

import gc
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from support import ROOT, SEEDS
from test_engine_argos import seed_texts
from typer.testing import Result

ray = pytest.importorskip("ray", reason="Ray is not installed: pip install -e '.[cluster]'")
from ray.cluster_utils import Cluster  # noqa: E402

from pipeline.engines import cluster  # noqa: E402
from pipeline.engines.argos import ArgosEngine, DecodingOptions, Hardware  # noqa: E402
from pipeline.engines.base import EngineOptions  # noqa: E402
from pipeline.errors import PipelineError, UsageError  # noqa: E402
from pipeline.packages import list_models  # noqa: E402

SEED = SEEDS / "moscow-times-buryatia-objectors.txt"


class Nodes:
    """A head and one worker node, one CPU each; without --models-dir each looks in its own packages folder."""

    def __init__(self, address: str, head_packages: Path, node_packages: Path) -> None:
        self.address = address
        self.head_packages = head_packages  # empty: a node without the model
        self.node_packages = node_packages  # en→ru 1.0 under the same name, other weights


@pytest.fixture(scope="module")
def nodes(models_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Nodes]:
    head_packages = tmp_path_factory.mktemp("head-packages")
    node_packages = tmp_path_factory.mktemp("node-packages")
    (ru,) = [m for m in list_models(models_dir)[0] if m.to_code == "ru"]
    (uk,) = [m for m in list_models(models_dir)[0] if m.to_code == "uk"]
    impostor = node_packages / ru.path.name
    shutil.copytree(ru.path, impostor)
    shutil.rmtree(impostor / "model")
    shutil.copytree(uk.path / "model", impostor / "model")  # same name and version, the uk model's weights
    ray_cluster: Any = Cluster(
        initialize_head=True,
        head_node_args={"num_cpus": 1, "include_dashboard": False, "env_vars": {"ARGOS_PACKAGES_DIR": str(head_packages)}},
    )
    try:
        ray_cluster.add_node(num_cpus=1, env_vars={"ARGOS_PACKAGES_DIR": str(node_packages)})
        yield Nodes(ray_cluster.address, head_packages, node_packages)
    finally:
        ray_cluster.shutdown()


@pytest.fixture(autouse=True)
def disconnected() -> Iterator[None]:
    """Each test connects on its own; an engine a failed CLI run left behind may still hold the connection."""
    yield
    gc.collect()
    if ray.is_initialized():
        ray.shutdown()


@pytest.fixture
def frozen_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    """Both runs stamp their files with the same minute, so files can be compared byte for byte."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")  # 2026-01-01 00:00 UTC


def _files(folder: Path) -> dict[str, bytes]:
    return {path.relative_to(folder).as_posix(): path.read_bytes() for path in sorted(folder.rglob("*")) if path.is_file()}


def test_review_files_are_byte_identical_with_and_without_the_cluster(
    cli: Callable[..., Result], models_dir: Path, nodes: Nodes, tmp_path: Path, frozen_clock: None
) -> None:
    common = (
        "run",
        SEEDS,
        "--to",
        "ru,uk",
        "--models-dir",
        models_dir,
        "--max-length",
        "4",
        "--no-cache",
        "-g",
        ROOT / "glossary",
    )
    formats = ("--formats", "po,xliff,tsv,html")
    here = cli(*common, *formats, "--out", tmp_path / "here")
    assert here.exit_code == 0, here.stderr
    there = cli(*common, *formats, "--out", tmp_path / "there", "--cluster", nodes.address)
    assert there.exit_code == 0, there.stderr
    local, remote = _files(tmp_path / "here"), _files(tmp_path / "there")
    assert {Path(name).suffix for name in local} >= {".po", ".xlf", ".tsv", ".html"}
    assert local.keys() == remote.keys()
    assert [name for name in local if local[name] != remote[name]] == []
    summary = here.stdout.replace(f"{tmp_path / 'here'}/", "")
    assert summary == there.stdout.replace(f"{tmp_path / 'there'}/", ""), "the same segments translated, the same signature"


def _reference(models_dir: Path, texts: list[str]) -> list[str]:
    return ArgosEngine(models_dir=models_dir, decoding=DecodingOptions(max_decoding_length=16)).translate(texts, "en", "ru")


@pytest.mark.parametrize("restart", [True, False], ids=["restarted-by-ray", "gone-for-good"])
def test_a_worker_killed_mid_batch_loses_and_repeats_nothing(models_dir: Path, nodes: Nodes, restart: bool) -> None:
    texts = seed_texts()[:300]
    expected = _reference(models_dir, texts)
    engine = cluster.build(EngineOptions(models_dir=models_dir, max_length=16, cluster=nodes.address))
    seen: list[int] = []
    killed: list[str] = []

    def kill_one_busy_worker(done: int) -> None:
        seen.append(done)
        if not killed:
            busy = next(slot for slot in engine.session().workers if slot.busy)
            ray.kill(busy.handle, no_restart=not restart)
            killed.append(busy.where)

    try:
        outputs = engine.translate(texts, "en", "ru", kill_one_busy_worker)
    finally:
        engine.close()
    assert killed
    assert outputs == expected, "every text translated once, in its place, as the local engine does"
    assert seen == sorted(seen) and seen[-1] == len(texts) and len(seen) == len(set(seen))
    if not restart:
        assert engine.lost_batches >= 1, "the dead worker's batches went to another worker"


def test_ctrl_c_kills_the_remote_work_and_the_next_call_starts_afresh(models_dir: Path, nodes: Nodes) -> None:
    texts = seed_texts()[:200]
    engine = cluster.build(EngineOptions(models_dir=models_dir, max_length=16, cluster=nodes.address))
    handles: list[object] = []

    def interrupt(done: int) -> None:
        handles.extend(slot.handle for slot in engine.session().workers)
        raise KeyboardInterrupt

    try:
        with pytest.raises(KeyboardInterrupt):
            engine.translate(texts, "en", "ru", interrupt)
        assert engine.session().workers == []
        for handle in handles:
            with pytest.raises(ray.exceptions.RayActorError):
                ray.get(handle.ping.remote(), timeout=30)  # type: ignore[attr-defined]
        assert engine.translate(texts[:40], "en", "ru") == _reference(models_dir, texts[:40])
    finally:
        engine.close()


def test_an_unreachable_cluster_is_one_line_and_fast(cli: Callable[..., Result], models_dir: Path, tmp_path: Path) -> None:
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]  # nothing listens here once the socket is closed
    started = time.monotonic()
    result = cli("run", SEED, "--to", "ru", "--models-dir", models_dir, "--cluster", f"127.0.0.1:{port}", "--out", tmp_path / "o")
    assert time.monotonic() - started < 10
    assert result.exit_code == 2
    assert result.stderr.strip().splitlines() == [
        f"error: cannot reach the Ray cluster at 127.0.0.1:{port} (Connection refused); start a head with "
        "`ray start --head` and workers with `ray start --address HEAD:6379`, or check --cluster / $RAY_ADDRESS"
    ]
    assert not (tmp_path / "o").exists()


def test_a_port_that_is_not_ray_and_ray_address_from_the_environment(
    cli: Callable[..., Result], models_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(cluster, "CONNECT_TIMEOUT", 1.0)
    with socket.socket() as silent:  # accepts connections, never answers
        silent.bind(("127.0.0.1", 0))
        silent.listen()
        address = f"127.0.0.1:{silent.getsockname()[1]}"
        monkeypatch.setenv("RAY_ADDRESS", address)
        started = time.monotonic()
        result = cli("run", SEED, "--to", "ru", "--models-dir", models_dir, "--out", tmp_path / "o")
    assert time.monotonic() - started < 10
    assert result.exit_code == 2
    (line,) = result.stderr.strip().splitlines()
    assert line.startswith(f"error: cannot reach the Ray cluster at {address} (no answer within 1 s)")


def test_a_cluster_without_a_worker_for_the_device_stops_before_work(
    cli: Callable[..., Result], models_dir: Path, nodes: Nodes, tmp_path: Path
) -> None:
    result = cli(
        "run", SEED, "--to", "ru", "--models-dir", models_dir, "--device", "cuda", "--cluster", nodes.address, "--out", tmp_path
    )
    assert result.exit_code == 2
    assert result.stderr.strip().splitlines() == [
        f"error: the Ray cluster at {nodes.address} has no node with a GPU for a worker (2 nodes); "
        "add one with: ray start --address HEAD:6379 --num-gpus 1"
    ]


def test_nodes_without_the_model_or_with_another_one_stop_the_run_before_work(
    cli: Callable[..., Result], models_dir: Path, nodes: Nodes, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ARGOS_PACKAGES_DIR", str(models_dir))  # the driver's folder; each node has its own
    out = tmp_path / "o"
    result = cli("run", SEED, "--to", "ru", "--cluster", nodes.address, "--out", out, "--no-cache")
    assert result.exit_code == 2
    lines = result.stderr.strip().splitlines()
    assert lines[0] == "error: the cluster's workers cannot translate like this machine:"
    assert len(lines) == 3, lines
    absent = next(line for line in lines if str(nodes.head_packages) in line)
    assert absent.endswith(f"has no en→ru model in {nodes.head_packages}; install it there with: pipeline models install en ru")
    other = next(line for line in lines if str(nodes.node_packages) in line)
    assert "has different files for en→ru 1.0" in other and "install the same package on every node" in other
    assert not out.exists()


def test_a_worker_checks_its_model_itself_too(models_dir: Path, nodes: Nodes, monkeypatch: pytest.MonkeyPatch) -> None:
    """A node that joined after the check (autoscaling) still cannot mix models: the worker refuses."""
    monkeypatch.setenv("ARGOS_PACKAGES_DIR", str(models_dir))
    engine = cluster.build(EngineOptions(max_length=4, cluster=nodes.address))
    engine._checked.add(("en", "ru"))  # as if the nodes had been checked before they changed
    try:
        with pytest.raises(PipelineError, match=r"translation failed on the cluster: the worker on .* has "):
            engine.translate(seed_texts()[:10], "en", "ru")
        assert engine.session().workers == []
    finally:
        engine.close()


def test_without_the_option_ray_is_never_imported(models_dir: Path, tmp_path: Path) -> None:
    args = ["run", str(SEED), "--to", "ru", "--models-dir", str(models_dir), "--max-length", "4", "--no-cache"]
    code = (
        "import sys\n"
        "from pipeline.cli import app\n"
        f"app({[*args, '--out', str(tmp_path)]!r}, standalone_mode=False)\n"
        "assert 'ray' not in sys.modules and 'pipeline.engines.cluster' not in sys.modules\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    assert list(tmp_path.glob("ru/*.po"))


def test_cluster_addresses_are_parsed_or_refused() -> None:
    assert cluster.parse_target("local:3").local_cpus == 3
    assert cluster.parse_target("head.example").address == "head.example:6379"
    assert cluster.parse_target("ray://head.example").address == "ray://head.example:10001"
    assert cluster.parse_target("[::1]:6380").address == "[::1]:6380"
    for bad in ("local:0", "local:x", "head:port", ":6379"):
        with pytest.raises(UsageError):
            cluster.parse_target(bad)


def test_the_batch_plan_covers_every_piece_once_and_never_depends_on_the_workers(models_dir: Path) -> None:
    """The cluster sends the local engine's plan; batch make-up can change a beam's output, so it must not vary."""
    texts = [*seed_texts()[:300], ", ".join(["the court ruled"] * 120), "x"]
    plans = [
        ArgosEngine(models_dir=models_dir, hardware=Hardware(device="cpu", inter_threads=n)).plan(texts, "en", "ru")
        for n in (1, 2, 3, 16)
    ]
    assert all(plan == plans[0] for plan in plans)
    plan = plans[0]
    assert sorted(k for batch in plan.batches for k in batch) == list(range(len(plan.pieces)))
    assert sorted({index for index, _ in plan.pieces}) == list(range(len(texts)))
    assert sum(1 for index, _ in plan.pieces if index == len(texts) - 2) > 1, "a long text is cut at its commas"
    lengths = [len(plan.pieces[k][1]) for batch in plan.batches for k in batch]
    assert lengths == sorted(lengths)
    assert max(len(batch) for batch in plan.batches) == 32, "full batches once there are 8 x 32 pieces"


def test_local_n_starts_a_ray_on_this_machine_and_writes_what_a_local_run_writes(
    cli: Callable[..., Result], models_dir: Path, tmp_path: Path, frozen_clock: None
) -> None:
    common = ("run", SEED, "--to", "uk", "--models-dir", models_dir, "--max-length", "4", "--no-cache", "-g", ROOT / "glossary")
    assert cli(*common, "--out", tmp_path / "here").exit_code == 0
    there = cli(*common, "--out", tmp_path / "there", "--cluster", "local:1")
    assert there.exit_code == 0, there.stderr
    assert _files(tmp_path / "here") == _files(tmp_path / "there")
    assert not ray.is_initialized(), "the local Ray it started is shut down"
