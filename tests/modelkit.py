"""Build real Argos packages offline: a SentencePiece model and a CTranslate2 Transformer with random weights.

Real models cannot be downloaded here, so tests and benchmarks make their
own: the loading, tokenizing, batching and decoding paths are the real ones;
only the weights are random, so the output is meaningless but its structure
is not. EOS is made impossible so every output is exactly as long as the
decoding limit, which keeps tests fast and comparisons fair.
"""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class ModelShape:
    """Transformer dimensions; ``tiny`` for tests, ``argos`` matches Argos' published models."""

    layers: int = 2
    d_model: int = 64
    heads: int = 4
    ffn: int = 128
    vocab_size: int = 400
    quantization: str | None = None

    @classmethod
    def tiny(cls) -> ModelShape:
        return cls()

    @classmethod
    def argos(cls) -> ModelShape:
        return cls(layers=6, d_model=512, heads=8, ffn=2048, vocab_size=32000, quantization="int8")


def training_sentences() -> list[str]:
    """English from the seeds and Russian/Ukrainian from the glossary: a few hundred lines."""
    import yaml

    lines: list[str] = []
    for path in sorted((ROOT / "seeds").glob("*.txt")):
        lines += [line.strip() for line in path.read_text("utf-8").splitlines() if len(line.strip()) > 20]
    for path in sorted((ROOT / "glossary").glob("*.yaml")):
        data = yaml.safe_load(path.read_text("utf-8"))
        for entry in data["entries"]:
            for lang in ("ru", "uk"):
                target = entry[lang]
                lines.append(" ".join([target["term"], *target.get("alternatives", []), target.get("note", "")]))
    return lines


def train_sentencepiece(sentences: Iterable[str], vocab_size: int) -> bytes:
    """A unigram SentencePiece model (bytes), as Argos packages ship it."""
    import sentencepiece as spm

    model = io.BytesIO()
    spm.SentencePieceTrainer.train(
        sentence_iterator=iter(list(sentences)),
        model_writer=model,
        vocab_size=vocab_size,
        character_coverage=1.0,
        model_type="unigram",
        hard_vocab_limit=False,
        minloglevel=2,
    )
    return model.getvalue()


def _vocabulary(sp_model: bytes, size: int) -> list[str]:
    import sentencepiece as spm

    processor = spm.SentencePieceProcessor(model_proto=sp_model)
    pieces = [processor.id_to_piece(i) for i in range(processor.get_piece_size())]
    # Pad to the requested size so the output layer costs what a real model's does.
    return pieces + [f"<extra_{i}>" for i in range(max(0, size - len(pieces)))]


def build_ctranslate2_model(target: Path, vocabulary: list[str], shape: ModelShape, seed: int) -> None:
    """Save a CTranslate2 Transformer with random weights to ``target``."""
    from ctranslate2.specs import transformer_spec

    rng = np.random.default_rng(seed)
    d, f, v = shape.d_model, shape.ffn, len(vocabulary)

    def weight(*dims: int, scale: float = 0.3) -> np.ndarray:
        return (rng.standard_normal(dims) * scale).astype(np.float32)

    def norm(layer_norm: object) -> None:
        layer_norm.gamma = np.ones(d, dtype=np.float32)  # type: ignore[attr-defined]
        layer_norm.beta = np.zeros(d, dtype=np.float32)  # type: ignore[attr-defined]

    def linear(spec: object, out_dim: int, in_dim: int) -> None:
        spec.weight = weight(out_dim, in_dim)  # type: ignore[attr-defined]
        spec.bias = np.zeros(out_dim, dtype=np.float32)  # type: ignore[attr-defined]

    def ffn(spec: object) -> None:
        norm(spec.layer_norm)  # type: ignore[attr-defined]
        linear(spec.linear_0, f, d)  # type: ignore[attr-defined]
        linear(spec.linear_1, d, f)  # type: ignore[attr-defined]

    spec = transformer_spec.TransformerSpec.from_config((shape.layers, shape.layers), shape.heads)
    spec.encoder.embeddings[0].weight = weight(v, d, scale=0.5)
    norm(spec.encoder.layer_norm)
    for layer in spec.encoder.layer:
        norm(layer.self_attention.layer_norm)
        linear(layer.self_attention.linear[0], 3 * d, d)
        linear(layer.self_attention.linear[1], d, d)
        ffn(layer.ffn)
    spec.decoder.embeddings.weight = weight(v, d, scale=0.5)
    norm(spec.decoder.layer_norm)
    for layer in spec.decoder.layer:
        norm(layer.self_attention.layer_norm)
        linear(layer.self_attention.linear[0], 3 * d, d)
        linear(layer.self_attention.linear[1], d, d)
        norm(layer.attention.layer_norm)
        linear(layer.attention.linear[0], d, d)
        linear(layer.attention.linear[1], 2 * d, d)
        linear(layer.attention.linear[2], d, d)
        ffn(layer.ffn)
    spec.decoder.projection.weight = weight(v, d)
    bias = np.zeros(v, dtype=np.float32)
    bias[vocabulary.index("</s>")] = -1e4  # never stop early: outputs are exactly max length
    for special in ("<unk>", "<s>"):
        bias[vocabulary.index(special)] = -1e4
    spec.decoder.projection.bias = bias
    spec.register_source_vocabulary(vocabulary)
    spec.register_target_vocabulary(vocabulary)
    spec.validate()
    spec.optimize(quantization=shape.quantization)
    target.mkdir(parents=True, exist_ok=True)
    spec.save(str(target))


def build_argosmodel(
    out_dir: Path,
    from_code: str = "en",
    to_code: str = "ru",
    shape: ModelShape | None = None,
    seed: int = 1,
    package_version: str = "1.0",
    sp_model: bytes | None = None,
) -> Path:
    """Write ``translate-<from>_<to>-<version>.argosmodel`` into ``out_dir`` and return its path."""
    shape = shape or ModelShape.tiny()
    sp_model = sp_model or train_sentencepiece(training_sentences(), min(shape.vocab_size, 400))
    vocabulary = _vocabulary(sp_model, shape.vocab_size)
    name = f"translate-{from_code}_{to_code}-{package_version.replace('.', '_')}"
    work = out_dir / f".build-{name}"
    build_ctranslate2_model(work / "model", vocabulary, shape, seed)
    metadata = {
        "package_version": package_version,
        "argos_version": "1.12",
        "from_code": from_code,
        "from_name": {"en": "English"}.get(from_code, from_code),
        "to_code": to_code,
        "to_name": {"ru": "Russian", "uk": "Ukrainian"}.get(to_code, to_code),
        "links": [],
    }
    archive = out_dir / f"{name}.argosmodel"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr(f"{name}/metadata.json", json.dumps(metadata, indent=2))
        zf.writestr(f"{name}/sentencepiece.model", sp_model)
        zf.writestr(f"{name}/README.md", f"Test model {from_code}->{to_code} with random weights.\n")
        for file in sorted((work / "model").iterdir()):
            zf.write(file, f"{name}/model/{file.name}")
    for file in sorted((work / "model").iterdir()):
        file.unlink()
    (work / "model").rmdir()
    work.rmdir()
    return archive
