"""The `argos` engine: installed Argos packages run by CTranslate2 and SentencePiece directly.

Not through ``argostranslate.translate``: that path calls the model once
per sentence, re-splits text with its own sentence splitter and, offline,
tries to download a sentence-boundary model. Here every text of a language
pair goes through one loaded Translator, sorted by length and batched by
tokens, with the decoding options Argos uses by default.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pipeline.engines.base import EngineOptions
from pipeline.errors import PipelineError, UsageError
from pipeline.model import EngineSignature
from pipeline.packages import InstalledModel, find_model, list_models, packages_dir

# Segments longer than this many source tokens are cut at clause boundaries:
# the models were trained on sentences, and CTranslate2 would otherwise
# truncate silently at max_input_length.
MAX_INPUT_TOKENS = 200
_CLAUSE_BREAK = re.compile(r"(?<=[;:,])\s+|\s+(?=[—–]\s)|(?<=[—–])\s+")


@dataclass(frozen=True, slots=True)
class DecodingOptions:
    """How to decode; part of every cache key, so changing one re-translates."""

    beam_size: int = 4  # what Argos uses
    length_penalty: float = 0.2  # what Argos uses
    max_decoding_length: int = 256
    replace_unknowns: bool = True  # what Argos uses: copy the source token for <unk>

    def key(self) -> str:
        return f"beam={self.beam_size},lp={self.length_penalty},max={self.max_decoding_length},unk={int(self.replace_unknowns)}"


@dataclass(frozen=True, slots=True)
class Hardware:
    """Where and how wide to run. Defaults come from `make bench` measurements (README)."""

    device: str = "auto"  # auto | cpu | cuda
    inter_threads: int = 0  # 0: decide from the cores
    intra_threads: int = 0
    batch_size: int = 32  # sentences per batch; inputs are sorted by length first

    def resolved(self) -> tuple[str, int, int]:
        import ctranslate2

        device = self.device
        if device == "auto":
            device = "cuda" if ctranslate2.get_cuda_device_count() > 0 else "cpu"
        if device not in ("cpu", "cuda"):
            raise UsageError(f"unknown device {self.device!r}; use auto, cpu or cuda")
        cores = os.cpu_count() or 1
        # On CPUs, one single-threaded worker per core. Measured on 2 cores (make bench):
        # two workers, each on its own batch, beat one worker with two threads, and four
        # workers (oversubscribed) cost under a tenth. Workers share one copy of the weights
        # (CTranslate2 replicas on one device), so more of them cost activations only. The
        # old cap of four had no measurement behind it; past 2 cores nothing is measured yet.
        inter = self.inter_threads or (1 if device == "cuda" else cores)
        intra = self.intra_threads or (0 if device == "cuda" else max(1, cores // inter))
        return device, inter, intra


@dataclass
class _LoadedPair:
    model: InstalledModel
    translator: Any
    tokenizer: Any


Progress = Callable[[int], None]


class ArgosEngine:
    """Translate with installed Argos packages; load each pair's model once."""

    name = "argos"

    def __init__(
        self,
        models_dir: Path | None = None,
        decoding: DecodingOptions | None = None,
        hardware: Hardware | None = None,
    ) -> None:
        self.folder = packages_dir(models_dir)
        self.location = str(self.folder)
        self.decoding = decoding or DecodingOptions()
        self.hardware = hardware or Hardware()
        self.models, self.notices = list_models(self.folder)
        self._loaded: dict[tuple[str, str], _LoadedPair] = {}
        self._tokenizers: dict[tuple[str, str], Any] = {}

    def missing_pairs(self, source_lang: str, target_langs: Sequence[str]) -> list[str]:
        return [lang for lang in target_langs if find_model(self.models, source_lang, lang) is None]

    def signature(self, source_lang: str, target_langs: Sequence[str]) -> EngineSignature:
        """Only the pairs used: installing an unrelated pair changes nothing."""
        used = (find_model(self.models, source_lang, lang) for lang in target_langs)
        models = tuple(sorted(m.model_id.removeprefix("argos:") for m in used if m is not None))
        return EngineSignature("argos", models, self.decoding.key())

    def cache_key(self, source_lang: str, target_lang: str) -> str:
        """Names exactly what produces a translation: model, version and decoding options."""
        model = self._model(source_lang, target_lang)
        return f"{model.model_id}|{self.decoding.key()}"

    def _model(self, source_lang: str, target_lang: str) -> InstalledModel:
        model = find_model(self.models, source_lang, target_lang)
        if model is None:
            raise PipelineError(
                f"no {source_lang}→{target_lang} model in {self.folder}; install it with: "
                f"pipeline models install {source_lang} {target_lang}"
            )
        return model

    def tokenizer(self, source_lang: str, target_lang: str) -> Any:
        """The pair's SentencePiece model alone: what planning batches needs, without loading the translator."""
        key = (source_lang, target_lang)
        if key in self._loaded:
            return self._loaded[key].tokenizer
        if key not in self._tokenizers:
            import sentencepiece

            model = self._model(source_lang, target_lang)
            try:
                self._tokenizers[key] = sentencepiece.SentencePieceProcessor(model_file=str(model.path / "sentencepiece.model"))
            except Exception as exc:  # OSError, RuntimeError for a damaged file
                raise _damaged(model, source_lang, target_lang, exc) from exc
        return self._tokenizers[key]

    def _load(self, source_lang: str, target_lang: str) -> _LoadedPair:
        key = (source_lang, target_lang)
        if key not in self._loaded:
            import ctranslate2

            model = self._model(source_lang, target_lang)
            tokenizer = self.tokenizer(source_lang, target_lang)
            device, inter, intra = self.hardware.resolved()
            try:
                translator = ctranslate2.Translator(
                    str(model.path / "model"), device=device, inter_threads=inter, intra_threads=intra
                )
            except Exception as exc:  # CTranslate2 raises RuntimeError, IndexError... for damaged models
                raise _damaged(model, source_lang, target_lang, exc) from exc
            self._loaded[key] = _LoadedPair(model, translator, tokenizer)
        return self._loaded[key]

    def plan(self, texts: Sequence[str], source_lang: str, target_lang: str) -> BatchPlan:
        """How ``texts`` go to CTranslate2; the cluster sends exactly these batches, so outputs are the same."""
        return plan_batches(texts, self.tokenizer(source_lang, target_lang), self.hardware.batch_size)

    def translate_pieces(self, batch: Sequence[Sequence[str]], source_lang: str, target_lang: str) -> list[str]:
        """One planned batch of token pieces, as one CTranslate2 batch (how a cluster worker translates)."""
        pair = self._load(source_lang, target_lang)
        results = pair.translator.translate_batch([list(tokens) for tokens in batch], **self._batch_options())
        return [detokenize(result.hypotheses[0]) for result in results]

    def _batch_options(self) -> dict[str, Any]:
        return {
            "max_batch_size": 0,  # the batch as planned: CTranslate2 must not regroup it
            "beam_size": self.decoding.beam_size,
            "length_penalty": self.decoding.length_penalty,
            "max_decoding_length": self.decoding.max_decoding_length,
            "replace_unknowns": self.decoding.replace_unknowns,
            "max_input_length": 0,  # never truncate: long inputs were split when planning
        }

    def translate(self, texts: Sequence[str], source_lang: str, target_lang: str, progress: Progress | None = None) -> list[str]:
        """Translate all ``texts`` in planned batches, run in parallel on the workers; order kept."""
        if not texts:
            return []
        pair = self._load(source_lang, target_lang)
        plan = self.plan(texts, source_lang, target_lang)
        options = self._batch_options()
        # Every batch queued at once: each of CTranslate2's workers takes the next when it is free.
        pending = [
            pair.translator.translate_batch([list(plan.pieces[k][1]) for k in batch], asynchronous=True, **options)
            for batch in plan.batches
        ]
        outputs: list[str] = [""] * len(plan.pieces)
        tracker = TextsDone(plan)
        for batch, results in zip(plan.batches, pending, strict=True):
            for k, result in zip(batch, results, strict=True):
                outputs[k] = detokenize(result.result().hypotheses[0])
            done = tracker.finished(batch)
            if progress is not None and done:
                progress(tracker.done)
        return plan.join(outputs)


def _damaged(model: InstalledModel, source_lang: str, target_lang: str, exc: Exception) -> PipelineError:
    return PipelineError(
        f"cannot load the {source_lang}→{target_lang} model ({exc}); reinstall it with: "
        f"pipeline models install {source_lang} {target_lang}",
        str(model.path),
    )


# Batches planned from the number of pieces alone, never from the number of workers: the same input is
# cut the same way on any machine and on a cluster, and batch make-up is what can change a beam's result.
MIN_BATCHES = 8  # a small job is still cut into this many batches, so several cores have work


@dataclass(frozen=True, slots=True)
class BatchPlan:
    """Texts as pieces of at most MAX_INPUT_TOKENS tokens, grouped into batches of similar length."""

    texts: int
    pieces: tuple[tuple[int, tuple[str, ...]], ...]  # (index of the text, its tokens)
    batches: tuple[tuple[int, ...], ...]  # indices into pieces, shortest batch first

    def join(self, outputs: Sequence[str]) -> list[str]:
        """One translation per text: its pieces' translations, in order, joined by spaces."""
        joined: list[list[str]] = [[] for _ in range(self.texts)]
        for (index, _), output in zip(self.pieces, outputs, strict=True):
            joined[index].append(output)
        return [" ".join(part for part in parts if part) for parts in joined]


def plan_batches(texts: Sequence[str], tokenizer: Any, batch_size: int) -> BatchPlan:
    """Cut long texts at clauses, sort the pieces by length and group them; depends on the input only."""
    pieces = tuple(
        (index, tuple(tokens)) for index, text in enumerate(texts) for tokens in split_long(text, tokenizer, MAX_INPUT_TOKENS)
    )
    order = sorted(range(len(pieces)), key=lambda k: len(pieces[k][1]))
    size = max(1, min(batch_size, -(-len(pieces) // MIN_BATCHES)))
    batches = tuple(tuple(order[start : start + size]) for start in range(0, len(order), size))
    return BatchPlan(len(texts), pieces, batches)


class TextsDone:
    """Progress counts texts, not pieces: a text is done when its last piece is."""

    def __init__(self, plan: BatchPlan) -> None:
        self.plan = plan
        self.left = [0] * plan.texts
        for index, _ in plan.pieces:
            self.left[index] += 1
        self.done = 0

    def finished(self, batch: Sequence[int]) -> int:
        """Record a batch as translated; returns how many texts it completed."""
        before = self.done
        for k in batch:
            index = self.plan.pieces[k][0]
            self.left[index] -= 1
            if self.left[index] == 0:
                self.done += 1
        return self.done - before


def detokenize(tokens: Sequence[str]) -> str:
    """SentencePiece pieces back to text, as Argos does: every ▁ becomes a space."""
    return "".join(tokens).replace("▁", " ").strip()


def split_long(text: str, tokenizer: Any, limit: int) -> list[list[str]]:
    """Tokens of ``text``, cut into pieces of at most ``limit`` tokens at clause boundaries.

    Clauses (after ; : , and around dashes) are packed greedily; a single
    clause still too long is cut between words. Nothing is dropped.
    """
    tokens: list[str] = tokenizer.encode(text, out_type=str)
    if len(tokens) <= limit:
        return [tokens]
    pieces: list[list[str]] = []
    current: list[str] = []
    for clause in _CLAUSE_BREAK.split(text):
        clause_tokens: list[str] = tokenizer.encode(clause, out_type=str)
        if len(clause_tokens) > limit:
            if current:
                pieces.append(current)
                current = []
            pieces.extend(_split_words(clause, tokenizer, limit))
            continue
        if current and len(current) + len(clause_tokens) > limit:
            pieces.append(current)
            current = []
        current = current + clause_tokens
    if current:
        pieces.append(current)
    return pieces


def _split_words(text: str, tokenizer: Any, limit: int) -> list[list[str]]:
    pieces: list[list[str]] = []
    current: list[str] = []
    for word in text.split():
        word_tokens: list[str] = tokenizer.encode(word, out_type=str)
        if current and len(current) + len(word_tokens) > limit:
            pieces.append(current)
            current = []
        current = current + word_tokens
        while len(current) > limit:  # one enormous "word" (a URL): cut by tokens
            pieces.append(current[:limit])
            current = current[limit:]
    if current:
        pieces.append(current)
    return pieces


def build(options: EngineOptions) -> ArgosEngine:
    return ArgosEngine(
        models_dir=options.models_dir,
        decoding=DecodingOptions(beam_size=options.beam_size, max_decoding_length=options.max_length),
        hardware=Hardware(device=options.device, inter_threads=options.inter_threads, intra_threads=options.intra_threads),
    )
