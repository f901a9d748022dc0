"""The argos engine on a real (tiny, random-weight) CTranslate2 model: batching, order, cache, errors."""

from __future__ import annotations

import multiprocessing
import sqlite3
from collections.abc import Callable
from pathlib import Path

import polib
import pytest
from support import ROOT, SEEDS
from typer.testing import Result

from pipeline.cache import TranslationCache
from pipeline.engines.argos import ArgosEngine, DecodingOptions, detokenize, split_long
from pipeline.ingest import find_articles, read_articles

SHORT = DecodingOptions(max_decoding_length=8)


@pytest.fixture(scope="module")
def engine(models_dir: Path) -> ArgosEngine:
    return ArgosEngine(models_dir=models_dir, decoding=SHORT)


def seed_texts() -> list[str]:
    articles, _ = read_articles(find_articles([SEEDS]))
    return list(dict.fromkeys(s.text for a in articles for b in a.blocks if b.kind.translatable for s in b.segments))


def test_translates_every_text_in_order(engine: ArgosEngine) -> None:
    texts = seed_texts()[:60]
    done: list[int] = []
    outputs = engine.translate(texts, "en", "ru", progress=done.append)
    assert len(outputs) == len(texts) and all(outputs)
    assert done[-1] == len(texts) and done == sorted(done)
    # Batched and one-by-one give the same result for the same text: order is kept.
    singles = [engine.translate([text], "en", "ru")[0] for text in texts[:12]]
    assert outputs[:12] == singles
    assert len(set(outputs)) > len(outputs) // 2, "different inputs should give different outputs"


def test_pairs_use_their_own_models(engine: ArgosEngine) -> None:
    text = ["The court dismissed the class action lawsuit."]
    assert engine.translate(text, "en", "ru") != engine.translate(text, "en", "uk")


def test_signature_and_cache_key_name_model_and_decoding(engine: ArgosEngine) -> None:
    assert str(engine.signature("en", ["ru", "uk"])) == "argos(en-ru@1.0,en-uk@1.0)|beam=4,lp=0.2,max=8,unk=1"
    # Only the pairs used: the uk model being installed does not change a ru run's signature.
    assert str(engine.signature("en", ["ru"])) == "argos(en-ru@1.0)|beam=4,lp=0.2,max=8,unk=1"
    assert engine.cache_key("en", "uk") == "argos:en-uk@1.0|beam=4,lp=0.2,max=8,unk=1"


def test_long_segment_is_split_at_clauses_not_truncated(engine: ArgosEngine) -> None:
    pair = engine._load("en", "ru")
    clause = "the soldiers refused to fight, the commanders threatened them with prison; "
    text = (clause * 20).strip()
    pieces = split_long(text, pair.tokenizer, 200)
    assert len(pieces) > 1 and all(len(p) <= 200 for p in pieces)
    assert [t for p in pieces for t in p if t != "▁"] == [t for t in pair.tokenizer.encode(text, out_type=str) if t != "▁"]
    (output,) = engine.translate([text], "en", "ru")
    assert len(output.split()) >= len(pieces), "every piece must be translated and joined"


def test_detokenize_turns_markers_into_spaces() -> None:
    assert detokenize(["▁Росгвардия", "▁от", "казалась", "."]) == "Росгвардия отказалась."


def test_run_writes_translated_po_and_reuses_the_cache(cli: Callable[..., Result], models_dir: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache.sqlite3"
    args = ("run", SEEDS, "--to", "ru,uk", "--models-dir", models_dir, "--max-length", "8", "--cache", cache)
    first = cli(*args, "--out", tmp_path / "a", "-g", ROOT / "glossary")
    assert first.exit_code == 0, first.stderr
    unique = len(seed_texts())
    assert f"{2 * unique} translated, 0 from cache" in first.stdout
    catalog = polib.pofile(str(tmp_path / "a" / "uk" / "moscow-times-buryatia-objectors.po"))
    assert "engine:argos(en-ru@1.0,en-uk@1.0)|beam=4,lp=0.2,max=8,unk=1" in catalog.metadata["X-Pipeline-Signature"]
    translatable = [e for e in catalog if "boilerplate" not in e.flags and "foreign-language" not in e.flags]
    assert translatable and all(e.msgstr and "fuzzy" in e.flags for e in translatable)
    chrome = [e for e in catalog if "boilerplate" in e.flags]
    assert chrome and all(e.msgstr == "" for e in chrome), "site chrome is never sent to MT"

    second = cli(*args, "--out", tmp_path / "b")
    assert second.exit_code == 0
    assert f"0 translated, {2 * unique} from cache" in second.stdout
    with sqlite3.connect(cache) as db:
        assert db.execute("SELECT count(*) FROM translations").fetchone()[0] == 2 * unique


def test_no_cache_stores_nothing(cli: Callable[..., Result], models_dir: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache.sqlite3"
    seed = SEEDS / "moscow-times-buryatia-objectors.txt"
    result = cli(
        "run",
        seed,
        "--to",
        "ru",
        "--models-dir",
        models_dir,
        "--max-length",
        "4",
        "--cache",
        cache,
        "--no-cache",
        "--out",
        tmp_path,
    )
    assert result.exit_code == 0 and not cache.exists()


def test_auto_without_models_stops_before_work(cli: Callable[..., Result], tmp_path: Path) -> None:
    empty = tmp_path / "no-models"
    out = tmp_path / "out"
    result = cli("run", SEEDS, "--to", "ru,uk", "--models-dir", empty, "--out", out)
    assert result.exit_code == 2
    lines = result.stderr.strip().splitlines()
    assert lines[0] == f"error: no translation model for en→ru in {empty}; install it with: pipeline models install en ru"
    assert lines[1] == f"no translation model for en→uk in {empty}; install it with: pipeline models install en uk"
    assert lines[2] == "or write review files without machine translation: --engine none"
    assert not out.exists(), "nothing may be written before the engine is ready"


def test_bad_device_is_a_usage_error(cli: Callable[..., Result], models_dir: Path, tmp_path: Path) -> None:
    seed = SEEDS / "moscow-times-buryatia-objectors.txt"
    result = cli("run", seed, "--to", "ru", "--models-dir", models_dir, "--device", "tpu", "--out", tmp_path, "--no-cache")
    assert result.exit_code == 2 and "unknown device 'tpu'; use auto, cpu or cuda" in result.stderr


def test_corrupt_cache_is_rebuilt_with_a_warning(cli: Callable[..., Result], models_dir: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache.sqlite3"
    cache.write_bytes(b"this is not a database" * 100)
    seed = SEEDS / "moscow-times-buryatia-objectors.txt"
    result = cli(
        "run", seed, "--to", "ru", "--models-dir", models_dir, "--max-length", "4", "--cache", cache, "--out", tmp_path / "o"
    )
    assert result.exit_code == 0, result.stderr
    assert "translation cache was unreadable" in result.stderr and "rebuilt" in result.stderr
    assert list(tmp_path.glob("cache.sqlite3.corrupt-*"))
    with sqlite3.connect(cache) as db:
        assert db.execute("SELECT count(*) FROM translations").fetchone()[0] > 0


def _writer(path: str, worker: int) -> None:
    with TranslationCache(Path(path)) as cache:
        for round_ in range(20):
            cache.put_many("engine", "ru", {f"text {worker}-{round_}-{i}": f"перевод {i}" for i in range(25)})


def test_concurrent_writers_share_the_cache(tmp_path: Path) -> None:
    path = tmp_path / "shared.sqlite3"
    TranslationCache(path).close()
    context = multiprocessing.get_context("fork")  # separate processes, separate SQLite connections
    workers = [context.Process(target=_writer, args=(str(path), n)) for n in range(3)]
    for process in workers:
        process.start()
    for process in workers:
        process.join(60)
        assert process.exitcode == 0
    with TranslationCache(path) as cache:
        found = cache.get_many("engine", "ru", [f"text {w}-{r}-{i}" for w in range(3) for r in range(20) for i in range(25)])
    assert len(found) == 3 * 20 * 25


def test_progress_counts_texts_not_the_pieces_of_long_ones(engine: ArgosEngine) -> None:
    """Found by an audit: a long text cut into pieces pushed progress past its total."""
    clause = "the soldiers refused to fight, the commanders threatened them with prison; "
    texts = [(clause * 20).strip(), "A short one.", (clause * 12).strip()]
    seen: list[int] = []
    outputs = engine.translate(texts, "en", "ru", seen.append)
    assert len(outputs) == 3
    assert seen == sorted(seen) and seen[-1] == len(texts) and max(seen) <= len(texts)


@pytest.mark.parametrize(("cores", "expected"), [(1, ("cpu", 1, 1)), (2, ("cpu", 2, 1)), (16, ("cpu", 16, 1))])
def test_cpu_workers_are_one_single_threaded_worker_per_core_with_no_cap(
    monkeypatch: pytest.MonkeyPatch, cores: int, expected: tuple[str, int, int]
) -> None:
    from pipeline.engines.argos import Hardware

    monkeypatch.setattr("pipeline.engines.argos.os.cpu_count", lambda: cores)
    assert Hardware(device="cpu").resolved() == expected
    assert Hardware(device="cpu", inter_threads=2).resolved() == ("cpu", 2, max(1, cores // 2)), "given workers share the cores"
    assert Hardware(device="cuda").resolved()[1:] == (1, 0), "one GPU worker; CTranslate2 picks its threads"
