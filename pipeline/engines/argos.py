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
        # Measured on 2 cores (make bench): two single-threaded workers, each on its own
        # batch, ran 1.8x faster than one worker with two threads; so on CPUs, one worker
        # per core up to four, and the remaining cores shared inside each worker.
        inter = self.inter_threads or (1 if device == "cuda" else min(cores, 4))
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

    def _load(self, source_lang: str, target_lang: str) -> _LoadedPair:
        key = (source_lang, target_lang)
        if key not in self._loaded:
            import ctranslate2
            import sentencepiece

            model = self._model(source_lang, target_lang)
            device, inter, intra = self.hardware.resolved()
            try:
                translator = ctranslate2.Translator(
                    str(model.path / "model"), device=device, inter_threads=inter, intra_threads=intra
                )
                tokenizer = sentencepiece.SentencePieceProcessor(model_file=str(model.path / "sentencepiece.model"))
            except Exception as exc:  # CTranslate2 raises RuntimeError, IndexError... for damaged models
                raise PipelineError(
                    f"cannot load the {source_lang}→{target_lang} model ({exc}); reinstall it with: "
                    f"pipeline models install {source_lang} {target_lang}",
                    str(model.path),
                ) from exc
            self._loaded[key] = _LoadedPair(model, translator, tokenizer)
        return self._loaded[key]

    def translate(self, texts: Sequence[str], source_lang: str, target_lang: str, progress: Progress | None = None) -> list[str]:
        """Translate all ``texts`` in token-sized batches, longest inputs cut at clauses; order kept."""
        if not texts:
            return []
        pair = self._load(source_lang, target_lang)
        units: list[tuple[int, list[str]]] = []  # (index of the text, tokens of one piece)
        for index, text in enumerate(texts):
            for piece in split_long(text, pair.tokenizer, MAX_INPUT_TOKENS):
                units.append((index, piece))
        order = sorted(range(len(units)), key=lambda k: len(units[k][1]))
        # Small jobs still get one batch per worker, so every core has work.
        workers = pair.translator.num_translators
        batch_size = max(1, min(self.hardware.batch_size, -(-len(units) // workers)))
        results = pair.translator.translate_iterable(
            (units[k][1] for k in order),
            max_batch_size=batch_size,
            batch_type="examples",
            beam_size=self.decoding.beam_size,
            length_penalty=self.decoding.length_penalty,
            max_decoding_length=self.decoding.max_decoding_length,
            replace_unknowns=self.decoding.replace_unknowns,
            max_input_length=0,  # never truncate: long inputs were split above
        )
        outputs: list[str] = [""] * len(units)
        # Progress counts texts, not pieces: a text is done when its last piece is.
        pieces_left = [0] * len(texts)
        for index, _ in units:
            pieces_left[index] += 1
        texts_done = 0
        for k, result in zip(order, results, strict=True):
            outputs[k] = detokenize(result.hypotheses[0])
            index = units[k][0]
            pieces_left[index] -= 1
            if pieces_left[index] == 0:
                texts_done += 1
                if progress is not None:
                    progress(texts_done)
        joined: list[list[str]] = [[] for _ in texts]
        for (index, _), output in zip(units, outputs, strict=True):
            joined[index].append(output)
        return [" ".join(part for part in parts if part) for parts in joined]


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
