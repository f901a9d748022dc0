"""One translation path per process, so each reports its own time and peak memory (JSON on stdout).

Run by bench/translation.py; not meant to be called by hand.
  A: argostranslate.translate.translate() once per sentence, the way Argos users call it
  B: the pipeline's argos engine end to end (tokenize, sort, batch, translate, detokenize)
  C: one raw ctranslate2 translate_batch on pre-tokenized input (the machine's practical limit)
  cached: `pipeline run` on seeds/ twice with one cache (first and second run)
"""

from __future__ import annotations

import json
import os
import resource
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def sentences(count: int = 300) -> list[str]:
    from pipeline.ingest import find_articles, read_articles

    articles, _ = read_articles(find_articles([ROOT / "seeds"]))
    texts = [s.text for a in articles for b in a.blocks if b.kind.translatable for s in b.segments]
    return list(dict.fromkeys(texts))[:count]


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


class FixedLength:
    """Wraps Argos' Translator so its decoding length is the same as the other paths'; counts tokens."""

    def __init__(self, translator: object, length: int) -> None:
        self.translator = translator
        self.length = length
        self.tokens = 0

    def translate_batch(self, source: list[list[str]], **options: object) -> list[object]:
        options.update(max_decoding_length=self.length, min_decoding_length=self.length)
        results = self.translator.translate_batch(source, **options)  # type: ignore[attr-defined]
        self.tokens += sum(len(r.hypotheses[0]) for r in results)
        return results


class OneSentence:
    """A sentencizer that downloads nothing: each call already holds one sentence."""

    def split_sentences(self, text: str) -> list[str]:
        return [text]


def path_a(packages: Path, length: int) -> dict[str, object]:
    import ctranslate2
    from argostranslate import settings, translate

    texts = sentences()
    translation = translate.get_translation_from_codes("en", "ru")
    package_translation = translation.underlying  # type: ignore[attr-defined]
    package_translation.sentencizer = OneSentence()
    translator = ctranslate2.Translator(
        str(package_translation.pkg.package_path / "model"),
        device=settings.device,
        inter_threads=settings.inter_threads,
        intra_threads=settings.intra_threads,
    )
    fixed = FixedLength(translator, length)
    package_translation.translator = fixed
    started = time.perf_counter()
    for text in texts:
        translate.translate(text, "en", "ru")
    seconds = time.perf_counter() - started
    return {
        "seconds": seconds,
        "sentences": len(texts),
        "tokens": fixed.tokens,
        "settings": f"inter={settings.inter_threads} intra={settings.intra_threads} beam={settings.beam_size}",
    }


def path_b(packages: Path, length: int) -> dict[str, object]:
    from pipeline.engines.argos import MAX_INPUT_TOKENS, ArgosEngine, DecodingOptions, split_long

    texts = sentences()
    engine = ArgosEngine(models_dir=packages, decoding=DecodingOptions(max_decoding_length=length))
    engine._load("en", "ru")  # model loading is not translation time, as in A and C
    started = time.perf_counter()
    outputs = engine.translate(texts, "en", "ru")
    seconds = time.perf_counter() - started
    _, inter, intra = engine.hardware.resolved()
    pair = engine._load("en", "ru")
    # The model never emits </s>: every translated piece is exactly `length` tokens.
    pieces = sum(len(split_long(t, pair.tokenizer, MAX_INPUT_TOKENS)) for t in texts)
    assert len(outputs) == len(texts)
    return {
        "seconds": seconds,
        "sentences": len(texts),
        "tokens": pieces * length,
        "settings": f"inter={inter} intra={intra} batch=32",
    }


def path_c(packages: Path, length: int, inter: int, intra: int, batch: int) -> dict[str, object]:
    import ctranslate2
    import sentencepiece

    texts = sentences()
    folder = next(p for p in packages.iterdir() if p.name.startswith("translate-en_ru"))
    tokenizer = sentencepiece.SentencePieceProcessor(model_file=str(folder / "sentencepiece.model"))
    source = sorted((tokenizer.encode(t, out_type=str) for t in texts), key=len)
    translator = ctranslate2.Translator(str(folder / "model"), inter_threads=inter, intra_threads=intra)
    started = time.perf_counter()
    results = translator.translate_batch(
        source,
        max_batch_size=batch,
        beam_size=4,
        length_penalty=0.2,
        max_decoding_length=length,
        min_decoding_length=length,
        replace_unknowns=True,
    )
    seconds = time.perf_counter() - started
    tokens = sum(len(r.hypotheses[0]) for r in results)
    return {
        "seconds": seconds,
        "sentences": len(texts),
        "tokens": tokens,
        "settings": f"inter={inter} intra={intra} batch={batch}",
    }


def cached(packages: Path, length: int) -> dict[str, object]:
    from pipeline.run import EngineOptions, RunRequest, run

    with tempfile.TemporaryDirectory() as scratch:
        request = RunRequest(
            inputs=(ROOT / "seeds",),
            target_langs=("ru",),
            out_dir=Path(scratch) / "locales",
            engine="argos",
            glossary=(ROOT / "glossary",),
            engine_options=EngineOptions(models_dir=packages, max_length=length),
            cache=Path(scratch) / "cache.sqlite3",
        )
        started = time.perf_counter()
        first = run(request, "2026-01-01 00:00+0000")
        middle = time.perf_counter()
        second = run(request, "2026-01-01 00:00+0000")
        ended = time.perf_counter()
        forced = run(replace(request, force=True), "2026-01-01 00:00+0000")
        rendered = time.perf_counter()
    return {
        "first": middle - started,
        "second": ended - middle,
        "forced": rendered - ended,
        "translated": first.translated,
        "skipped": second.skipped,
        "hits": forced.cache_hits,
    }


if __name__ == "__main__":
    name, packages, length = sys.argv[1], Path(sys.argv[2]), int(sys.argv[3])
    extra = [int(x) for x in sys.argv[4:]]
    os.environ.setdefault("ARGOS_PACKAGES_DIR", str(packages))
    result = {"A": path_a, "B": path_b, "cached": cached}.get(name)
    report = result(packages, length) if result else path_c(packages, length, *extra)
    report["peak_mb"] = peak_mb()
    print(json.dumps(report))
