"""The argos engine on a Ray cluster's workers: `pipeline run --cluster ADDRESS` (or ``local[:N]``).

The driver keeps everything that decides what a run writes: the signature,
the cache key and the review files come from the same installed packages as
the local engine, and so does the batch plan: the driver tokenizes and cuts
the texts into exactly the batches the local engine would run
(``ArgosEngine.plan``). Only translation moves: each batch of token pieces
goes to a Ray actor, which loads its pair's model once from its own packages
folder and runs that batch as one CTranslate2 batch with the local engine's
options (``ArgosEngine.translate_pieces``). Batch make-up can change a beam
search's result, so the same batches are what makes the output the local
engine's, byte for byte.

Before any work, every node that can run a worker is asked for its model of
each pair (found by pair and version) and a checksum of the model files; a
node without it, or with other files under the same name, stops the run.
A worker that dies mid-batch is restarted by Ray and the batch retried; a
worker gone for good has its batches sent to another. Ray is imported only
here, and only when ``--cluster`` is given.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import os
import socket
import time
import weakref
from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pipeline import __version__
from pipeline.engines.argos import ArgosEngine, BatchPlan, DecodingOptions, Hardware, TextsDone
from pipeline.engines.argos import build as build_local
from pipeline.engines.base import EngineOptions, Progress
from pipeline.errors import PipelineError, UsageError
from pipeline.model import EngineSignature
from pipeline.packages import TOKENIZERS, InstalledModel, find_model

CONNECT_TIMEOUT = 5.0  # seconds to reach the head; Ray itself would retry for minutes
START_TIMEOUT = 120.0  # seconds for every node to answer the model check, or for a first worker to start
IN_FLIGHT = 2  # batches queued on each worker, so it never waits for the driver between two
ATTEMPTS = 3  # workers a batch may be lost on before the run stops
RESTARTS = 2  # Ray restarts a crashed worker, and retries its batches, this many times
GCS_PORT = 6379  # `ray start --head`'s default
CLIENT_PORT = 10001  # Ray Client's default (ray://)
_HTTP2_PREFACE = b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"
_SETTINGS_FRAME = 0x04

Pair = tuple[str, str]


@dataclass(frozen=True, slots=True)
class Target:
    """Where to translate, from ``--cluster``."""

    text: str  # as given, for messages
    address: str  # what ray.init gets
    local_cpus: int = 0  # > 0: start a local Ray with this many CPU workers
    probe: tuple[str, int] | None = None  # host and port to reach first, quickly


def parse_target(text: str) -> Target:
    """``local``, ``local:N``, ``auto``, ``host[:port]`` (a head's GCS) or ``ray://host[:port]`` (Ray Client)."""
    value = text.strip()
    if value == "local" or value.startswith("local:"):
        count = value.partition(":")[2] or str(os.cpu_count() or 1)
        if not count.isdigit() or int(count) < 1:
            raise UsageError(f"--cluster {text!r}: the number of local workers must be a whole number from 1, as in local:2")
        return Target(text, "local", local_cpus=int(count))
    if value == "auto":
        return Target(text, "auto", probe=_auto_address())
    client = value.startswith("ray://")
    rest = value.removeprefix("ray://")
    host, colon, port = rest.rpartition(":") if ":" in rest else (rest, "", "")
    if not colon:
        host, port = rest, str(CLIENT_PORT if client else GCS_PORT)
    host = host.strip("[]")
    if not host or not port.isdigit():
        raise UsageError(
            f"--cluster {text!r} is not an address; use host:port (a head started with `ray start --head`), "
            "ray://host:10001, auto, or local:N"
        )
    where = f"[{host}]:{port}" if ":" in host else f"{host}:{port}"  # IPv6 in brackets
    address = f"ray://{where}" if client else where
    return Target(text, address, probe=(host, int(port)))


def _auto_address() -> tuple[str, int] | None:
    """The head `ray start` last recorded on this machine, as Ray's own ``auto`` finds it."""
    try:
        from ray._private.services import canonicalize_bootstrap_address

        found = canonicalize_bootstrap_address("auto")
    except ConnectionError as exc:
        raise PipelineError(
            f"--cluster auto found no Ray cluster on this machine ({exc}); start one with `ray start --head` or give its address"
        ) from exc
    except Exception:  # a private helper of Ray's: if it changes, let ray.init find the cluster
        return None
    if not found or ":" not in found:
        return None
    host, _, port = found.rpartition(":")
    return (host, int(port)) if port.isdigit() else None


def probe(host: str, port: int, timeout: float | None = None) -> str | None:
    """Why ``host:port`` is not a Ray head (gRPC answers an HTTP/2 preface with SETTINGS), or None when it looks like one."""
    timeout = timeout or CONNECT_TIMEOUT
    try:
        with socket.create_connection((host, port), timeout=timeout) as connection:
            connection.settimeout(timeout)
            connection.sendall(_HTTP2_PREFACE + bytes([0, 0, 0, _SETTINGS_FRAME, 0, 0, 0, 0, 0]))
            header = connection.recv(9)
    except TimeoutError:
        return f"no answer within {timeout:g} s"
    except OSError as exc:
        return exc.strerror or str(exc)
    if len(header) < 4 or header[3] != _SETTINGS_FRAME:
        return "something answered, but not a Ray head (not gRPC)"
    return None


def fingerprint(model: InstalledModel) -> str:
    """SHA-256 of the files that decide a translation: the CTranslate2 model folder and the tokenizer."""
    digest = hashlib.sha256()
    files = sorted(p for p in (model.path / "model").rglob("*") if p.is_file())
    files += [model.path / name for name in TOKENIZERS if (model.path / name).is_file()]
    for path in files:
        digest.update(path.relative_to(model.path).as_posix().encode("utf-8") + b"\0")
        with path.open("rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)
    return digest.hexdigest()


@dataclass(frozen=True, slots=True)
class Expected:
    """The driver's model for a pair, which every worker must have too."""

    source_lang: str
    target_lang: str
    version: str
    fingerprint: str

    @property
    def pair(self) -> str:
        return f"{self.source_lang}→{self.target_lang}"


def _where() -> str:
    return f"{socket.gethostname()} ({_node_ip()})"


def _node_ip() -> str:
    try:
        ray: Any = __import__("ray")
        return str(ray.util.get_node_ip_address())
    except Exception:  # outside Ray (tests call these helpers directly)
        return "no ray"


def model_problem(models: Sequence[InstalledModel], folder: Path, expected: Expected) -> tuple[InstalledModel | None, str]:
    """The model matching ``expected`` in ``models``, or why there is none, in words for the driver's message."""
    lang_pair = (expected.source_lang, expected.target_lang)
    same_pair = [m for m in models if (m.from_code, m.to_code) == lang_pair]
    model = next((m for m in same_pair if m.version == expected.version), None)
    install = f"pipeline models install {expected.source_lang} {expected.target_lang}"
    if model is None and not same_pair:
        return None, f"has no {expected.pair} model in {folder}; install it there with: {install}"
    if model is None:
        found = ", ".join(sorted(m.version for m in same_pair))
        return None, (
            f"has {expected.pair} {found} in {folder} but not {expected.version}, the driver's; "
            "install the same version on every node"
        )
    there = fingerprint(model)
    if there != expected.fingerprint:
        return None, (
            f"has different files for {expected.pair} {expected.version} in {model.path} "
            f"(sha256 {there[:12]}, the driver's {expected.fingerprint[:12]}); install the same package on every node"
        )
    return model, ""


def describe_node(models_dir: str | None, wanted: Sequence[Expected]) -> tuple[str, str, list[str]]:
    """Runs on each node before any work: its pipeline version, where it is, and what is wrong with its models."""
    engine = ArgosEngine(models_dir=Path(models_dir) if models_dir else None)
    problems = [problem for expected in wanted if (problem := model_problem(engine.models, engine.folder, expected)[1])]
    return __version__, _where(), problems


class ArgosWorker:
    """A Ray actor: one local engine, single-threaded on a CPU or alone on a GPU, loading each pair's model once."""

    def __init__(self, models_dir: str | None, decoding: DecodingOptions, hardware: Hardware) -> None:
        self.engine = ArgosEngine(models_dir=Path(models_dir) if models_dir else None, decoding=decoding, hardware=hardware)
        self.checked: set[Pair] = set()

    def ping(self) -> str:
        return f"{_where()} pid {os.getpid()}"

    def translate(self, pieces: list[list[str]], expected: Expected) -> list[str]:
        """One batch of the driver's plan: token pieces in, one translation per piece out."""
        key = (expected.source_lang, expected.target_lang)
        if key not in self.checked:
            model, problem = model_problem(self.engine.models, self.engine.folder, expected)
            if model is None:
                raise PipelineError(f"the worker on {_where()} {problem}")
            # Exactly the driver's version, even where a newer one is installed too.
            self.engine.models = [m for m in self.engine.models if (m.from_code, m.to_code) != key] + [model]
            self.checked.add(key)
        return self.engine.translate_pieces(pieces, expected.source_lang, expected.target_lang)


def _ray() -> Any:
    try:
        import ray
    except ImportError as exc:
        raise PipelineError("--cluster needs Ray; install it with: pip install 'pipeline[cluster]'") from exc
    return ray


def _kill(ray: Any, handle: Any) -> None:
    with contextlib.suppress(Exception):  # already gone
        ray.kill(handle, no_restart=True)


def _first_line(exc: BaseException) -> str:
    cause = getattr(exc, "cause", None)
    if isinstance(cause, BaseException):
        exc = cause
    lines = [line.strip() for line in str(exc).strip().splitlines() if line.strip()]
    return lines[0] if lines else type(exc).__name__


@dataclass(eq=False)
class _Slot:
    """One worker actor, as the driver sees it."""

    handle: Any
    where: str = ""
    busy: int = 0


@dataclass(eq=False)
class Session:
    """A connection to a Ray cluster and the workers started on it; closing kills the workers and disconnects."""

    target: Target
    device: str  # cpu | cuda: what the workers run on
    slots: int  # workers the cluster has room for: one per CPU, or per GPU
    nodes: list[str]  # ids of the nodes that can run a worker
    owns_connection: bool  # this session called ray.init, so it calls ray.shutdown
    job_id: str  # the connection's job: a later connection is never shut down by this session
    actor: Any = None  # the ArgosWorker class made remote, once
    workers: list[_Slot] = field(default_factory=list)
    starting: dict[Any, _Slot] = field(default_factory=dict)  # ping reference -> a worker not yet up
    started_at: dict[int, float] = field(default_factory=dict)  # id(slot) -> when it was asked for
    closed: bool = False

    def kill_workers(self) -> None:
        ray = _ray()
        for slot in [*self.workers, *self.starting.values()]:
            _kill(ray, slot.handle)
        self.workers.clear()
        self.starting.clear()
        self.started_at.clear()

    def close(self) -> None:
        if self.closed:
            return
        self.closed = True
        ray = _ray()
        if not ray.is_initialized() or ray.get_runtime_context().get_job_id() != self.job_id:
            return
        self.kill_workers()
        if self.owns_connection:
            ray.shutdown()


def connect(target: Target, device: str) -> Session:
    """Connect to the cluster (or start a local one) and count the workers it has room for; fail fast and in one line."""
    ray = _ray()
    owns = not ray.is_initialized()
    if not owns:
        current = ray.get_runtime_context().gcs_address
        if target.address not in ("auto", current):
            raise PipelineError(
                f"this process is already connected to the Ray cluster at {current}, not {target.text}; "
                "use that address or call ray.shutdown() first"
            )
    elif target.local_cpus:
        ray.init(
            address="local",
            num_cpus=target.local_cpus,
            num_gpus=None if device == "cuda" else 0,
            include_dashboard=False,
            logging_level=logging.ERROR,
            log_to_driver=False,
        )
    else:
        if target.probe is not None:
            host, port = target.probe
            problem = probe(host, port)
            if problem:
                raise PipelineError(
                    f"cannot reach the Ray cluster at {target.text} ({problem}); start a head with `ray start --head` "
                    "and workers with `ray start --address HEAD:6379`, or check --cluster / $RAY_ADDRESS"
                )
        try:
            ray.init(address=target.address, logging_level=logging.ERROR, log_to_driver=False)
        except Exception as exc:  # ConnectionError, RuntimeError, AuthenticationError, ValueError...
            raise PipelineError(f"cannot connect to the Ray cluster at {target.text}: {_first_line(exc)}") from exc
    try:
        return _count_workers(ray, target, device, owns)
    except BaseException:
        if owns:
            ray.shutdown()
        raise


def _count_workers(ray: Any, target: Target, device: str, owns: bool) -> Session:
    nodes = [node for node in ray.nodes() if node.get("Alive")]
    if device == "auto":
        device = "cuda" if any(node["Resources"].get("GPU", 0) >= 1 for node in nodes) else "cpu"
    resource = "GPU" if device == "cuda" else "CPU"
    usable = [node for node in nodes if node["Resources"].get(resource, 0) >= 1]
    slots = sum(int(node["Resources"][resource]) for node in usable)
    if slots == 0:
        raise PipelineError(
            f"the Ray cluster at {target.text} has no node with a {resource} for a worker ({len(nodes)} nodes); "
            f"add one with: ray start --address HEAD:6379" + (" --num-gpus 1" if resource == "GPU" else "")
        )
    job = ray.get_runtime_context().get_job_id()
    return Session(target, device, slots, [node["NodeID"] for node in usable], owns, job)


class ClusterEngine:
    """The argos engine, translating on a Ray cluster's workers; signature and cache key are the local engine's."""

    name = "argos"

    def __init__(self, options: EngineOptions) -> None:
        if options.device not in ("auto", "cpu", "cuda"):
            raise UsageError(f"unknown device {options.device!r}; use auto, cpu or cuda")
        self.options = options
        self.target = parse_target(options.cluster)
        # Workers resolve the same folder: --models-dir as an absolute path, else their own default.
        self.models_dir = str(options.models_dir.resolve()) if options.models_dir else None
        self.local = build_local(options)  # reads the driver's packages; never loads a model here
        self.location = self.local.location
        self.notices = self.local.notices
        self._expected: dict[Pair, Expected] = {}
        self._checked: set[Pair] = set()
        self._session: Session | None = None
        self.lost_batches = 0  # batches resent because their worker was gone for good

    # --- what the local engine answers -------------------------------------

    def missing_pairs(self, source_lang: str, target_langs: Sequence[str]) -> list[str]:
        """The pairs the driver lacks; then, before any work, every node is checked for the same models."""
        missing = self.local.missing_pairs(source_lang, target_langs)
        if not missing:
            self.check_nodes([(source_lang, lang) for lang in target_langs])
        return missing

    def signature(self, source_lang: str, target_langs: Sequence[str]) -> EngineSignature:
        return self.local.signature(source_lang, target_langs)

    def cache_key(self, source_lang: str, target_lang: str) -> str:
        return self.local.cache_key(source_lang, target_lang)

    # --- the cluster ---------------------------------------------------------

    def session(self) -> Session:
        if self._session is None or self._session.closed:
            self._session = connect(self.target, self.options.device)
            weakref.finalize(self, self._session.close)
        return self._session

    def close(self) -> None:
        """Kill the workers and disconnect (shutting down a local Ray this engine started)."""
        if self._session is not None:
            self._session.close()

    def expected(self, source_lang: str, target_lang: str) -> Expected:
        key = (source_lang, target_lang)
        if key not in self._expected:
            model = find_model(self.local.models, source_lang, target_lang)
            if model is None:
                raise PipelineError(
                    f"no {source_lang}→{target_lang} model in {self.local.folder}; install it with: "
                    f"pipeline models install {source_lang} {target_lang}"
                )
            self._expected[key] = Expected(source_lang, target_lang, model.version, fingerprint(model))
        return self._expected[key]

    def check_nodes(self, pairs: Sequence[Pair]) -> None:
        """Ask every node that can run a worker for the pairs' models; one error listing every node that differs."""
        todo = [pair for pair in pairs if pair not in self._checked]
        if not todo:
            return
        wanted = [self.expected(*pair) for pair in todo]
        session = self.session()
        ray = _ray()
        from ray.util.scheduling_strategies import NodeAffinitySchedulingStrategy

        task = ray.remote(num_cpus=0, max_retries=1)(describe_node)
        refs = [
            task.options(scheduling_strategy=NodeAffinitySchedulingStrategy(node, soft=False)).remote(self.models_dir, wanted)
            for node in session.nodes
        ]
        ready, late = ray.wait(refs, num_returns=len(refs), timeout=START_TIMEOUT)
        problems: list[str] = []
        if late:
            problems.append(f"{len(late)} of {len(refs)} nodes did not answer within {START_TIMEOUT:g} s")
        for ref in ready:
            try:
                version, where, node_problems = ray.get(ref)
            except Exception as exc:
                problems.append(f"a node cannot run pipeline workers ({_first_line(exc)}); install pipeline[cluster] there")
                continue
            if version != __version__:
                problems.append(f"node {where} runs pipeline {version}, the driver {__version__}; install the same version")
            problems += [f"node {where} {problem}" for problem in node_problems]
        if problems:
            raise PipelineError("the cluster's workers cannot translate like this machine:\n" + "\n".join(problems))
        self._checked.update(todo)

    def translate(self, texts: Sequence[str], source_lang: str, target_lang: str, progress: Progress | None = None) -> list[str]:
        """Translate the local engine's batches on the workers, longest first; each text's output is the local engine's."""
        if not texts:
            return []
        self.check_nodes([(source_lang, target_lang)])
        expected = self.expected(source_lang, target_lang)
        session = self.session()
        plan = self.local.plan(texts, source_lang, target_lang)
        outputs: list[str | None] = [None] * len(plan.pieces)
        _Run(self, session, expected, plan, outputs, progress).go()
        missing = sum(1 for output in outputs if output is None)
        if missing:  # pragma: no cover - _Run either fills every slot or raises
            raise PipelineError(f"{missing} pieces came back without a translation; run again")
        return plan.join([output or "" for output in outputs])


class _Run:
    """One translate() call: keeps every worker's queue full, collects results by batch, resends lost batches."""

    def __init__(
        self,
        engine: ClusterEngine,
        session: Session,
        expected: Expected,
        plan: BatchPlan,
        outputs: list[str | None],
        progress: Progress | None,
    ) -> None:
        self.ray = _ray()
        self.engine = engine
        self.session = session
        self.expected = expected
        self.plan = plan
        self.outputs = outputs
        self.progress = progress
        # Longest batches first: the slowest start early, so no worker is left with one at the end.
        self.queue = deque(reversed(range(len(plan.batches))))
        self.attempts = [0] * len(plan.batches)
        self.running: dict[Any, tuple[int, _Slot]] = {}
        self.texts_done = TextsDone(plan)

    def go(self) -> None:
        finished = False
        try:
            self._start_workers(min(self.session.slots, len(self.plan.batches)))
            while self.queue or self.running:
                self._submit()
                self._collect()
            finished = True
        finally:
            if not finished:  # Ctrl-C or an error: stop the remote work, now
                for ref in self.running:
                    with contextlib.suppress(Exception):  # already finished, or its worker already gone
                        self.ray.cancel(ref)
                self.session.kill_workers()

    def _start_workers(self, count: int) -> None:
        session = self.session
        cpu = session.device == "cpu"
        hardware = Hardware(device=session.device, inter_threads=1, intra_threads=1 if cpu else 0)
        if session.actor is None:
            session.actor = self.ray.remote(
                num_cpus=1,
                num_gpus=0 if cpu else 1,
                max_restarts=RESTARTS,
                max_task_retries=RESTARTS,
                scheduling_strategy="SPREAD",
            )(ArgosWorker)
        while len(session.workers) + len(session.starting) < count:
            slot = _Slot(session.actor.remote(self.engine.models_dir, self.engine.local.decoding, hardware))
            session.starting[slot.handle.ping.remote()] = slot
            session.started_at[id(slot)] = time.monotonic()

    def _submit(self) -> None:
        for slot in self.session.workers:
            while slot.busy < IN_FLIGHT and self.queue:
                batch = self.queue.popleft()
                pieces = [list(self.plan.pieces[k][1]) for k in self.plan.batches[batch]]
                ref = slot.handle.translate.remote(pieces, self.expected)
                self.running[ref] = (batch, slot)
                slot.busy += 1

    def _collect(self) -> None:
        session = self.session
        waiting = [*self.running, *session.starting]
        if not waiting:
            raise PipelineError(
                f"no worker is left on the Ray cluster at {session.target.text}; {len(self.queue)} batches not done"
            )
        ready, _ = self.ray.wait(waiting, num_returns=1, timeout=0.5)  # short, so Ctrl-C is seen at once
        for ref in ready:
            if ref in session.starting:
                self._worker_up(ref)
            else:
                self._batch_back(ref)
        if not session.workers and session.starting:
            oldest = min(session.started_at.get(id(slot), time.monotonic()) for slot in session.starting.values())
            if time.monotonic() - oldest > START_TIMEOUT:
                raise PipelineError(
                    f"no worker started on the Ray cluster at {session.target.text} within {START_TIMEOUT:g} s; "
                    "check `ray status` for free CPUs (or GPUs)"
                )

    def _worker_up(self, ref: Any) -> None:
        slot = self.session.starting.pop(ref)
        self.session.started_at.pop(id(slot), None)
        try:
            slot.where = self.ray.get(ref)
        except self.ray.exceptions.RayActorError as exc:
            if self.session.workers or self.session.starting:
                return  # the others carry on
            raise PipelineError(f"no worker could start on the Ray cluster: {_first_line(exc)}") from exc
        self.session.workers.append(slot)

    def _batch_back(self, ref: Any) -> None:
        batch, slot = self.running.pop(ref)
        slot.busy -= 1
        try:
            translated: list[str] = self.ray.get(ref)
        except self.ray.exceptions.RayTaskError as exc:  # the worker itself refused: a model problem, a bug
            raise PipelineError(f"translation failed on the cluster: {_first_line(exc)}") from exc
        except self.ray.exceptions.RayActorError as exc:  # gone for good, even after Ray's restarts
            self._lost(batch, slot, exc)
            return
        for k, text in zip(self.plan.batches[batch], translated, strict=True):
            self.outputs[k] = text
        if self.texts_done.finished(self.plan.batches[batch]) and self.progress is not None:
            self.progress(self.texts_done.done)

    def _lost(self, batch: int, slot: _Slot, exc: BaseException) -> None:
        self.attempts[batch] += 1
        if self.attempts[batch] >= ATTEMPTS:
            raise PipelineError(
                f"a batch of {len(self.plan.batches[batch])} texts was lost on {ATTEMPTS} workers ({_first_line(exc)}); "
                "check the workers' memory and logs (ray logs), then run again"
            ) from exc
        self.engine.lost_batches += 1
        self.queue.appendleft(batch)
        if slot in self.session.workers:
            self.session.workers.remove(slot)
            _kill(self.ray, slot.handle)
            # A replacement, where the cluster still has room (a node may be gone with the worker).
            self._start_workers(len(self.session.workers) + len(self.session.starting) + 1)


def build(options: EngineOptions) -> ClusterEngine:
    return ClusterEngine(options)
