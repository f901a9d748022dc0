"""Translation speed on an Argos-sized model (6+6 layers, d_model 512, 8 heads, FFN 2048, int8).

The weights are random (no real model can be downloaded here) and the
model never emits </s>, so every output is exactly LENGTH tokens on every
path: the comparison measures the machinery, not the model's verbosity.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BUILD = ROOT / "build" / "bench"
LENGTH = 32


def ensure_model(folder: str = "packages", argos_sized: bool = True) -> Path:
    """Build and install an en→ru package once (Argos-sized, or the tests' tiny one); later runs reuse it."""
    packages = BUILD / folder
    if any(packages.glob("translate-en_ru-*/model/model.bin")):
        return packages
    sys.path.insert(0, str(ROOT / "tests"))
    from modelkit import ModelShape, build_argosmodel, train_sentencepiece, training_sentences

    from pipeline.packages import install_file

    BUILD.mkdir(parents=True, exist_ok=True)
    sp_model = train_sentencepiece(training_sentences(), 8000 if argos_sized else 400)
    shape = ModelShape.argos() if argos_sized else ModelShape.tiny()
    archive = build_argosmodel(BUILD, "en", "ru", shape=shape, seed=3 if argos_sized else 1, sp_model=sp_model)
    install_file(archive, packages, ["en-ru"])
    archive.unlink()
    return packages


def measure(name: str, packages: Path, *extra: int, env: dict[str, str] | None = None) -> dict[str, float | str]:
    home = tempfile.mkdtemp(prefix="bench-home-")
    environment = {
        **os.environ,
        "HOME": home,
        "XDG_DATA_HOME": f"{home}/data",
        "XDG_CONFIG_HOME": f"{home}/config",
        "XDG_CACHE_HOME": f"{home}/cache",
        "ARGOS_PACKAGES_DIR": str(packages),
        **(env or {}),
    }
    command = [sys.executable, str(ROOT / "bench" / "translation_paths.py"), name, str(packages), str(LENGTH), *map(str, extra)]
    done = subprocess.run(command, capture_output=True, text=True, env=environment, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"{name} failed:\n{done.stderr}")
    result: dict[str, float | str] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def _row(label: str, result: dict[str, float | str]) -> tuple[str, str]:
    seconds = float(result["seconds"])
    return (
        label,
        f"{float(result['sentences']) / seconds:6.1f} sentences/s  {float(result['tokens']) / seconds:7.0f} target tokens/s  "
        f"peak {float(result['peak_mb']):5.0f} MB  ({result['settings']})",
    )


def run() -> list[tuple[str, str]]:
    packages = ensure_model()
    a_default = measure("A", packages, env={"ARGOS_INTER_THREADS": "1", "ARGOS_INTRA_THREADS": "0"})
    a_best = measure("A", packages, env={"ARGOS_INTER_THREADS": "2", "ARGOS_INTRA_THREADS": "1"})
    b = measure("B", packages)
    sweep = [measure("C", packages, inter, intra, batch) for inter, intra, batch in ((2, 1, 32), (1, 2, 32), (2, 1, 16))]
    c = min(sweep, key=lambda r: float(r["seconds"]))
    again = measure("cached", packages)
    rate = {k: float(r["sentences"]) / float(r["seconds"]) for k, r in (("a", a_best), ("b", b), ("c", c))}
    first, second, forced = float(again["first"]), float(again["second"]), float(again["forced"])
    rows = [
        ("model", f"6+6 layers, d_model 512, 8 heads, FFN 2048, vocab 32,000, int8; beam 4; {LENGTH} tokens per output"),
        ("input", f"{a_default['sentences']} seed sentences"),
        _row("A  Argos per sentence, default", a_default),
        _row("A  Argos per sentence, best", a_best),
        _row("B  pipeline argos engine", b),
        *(_row("C  raw translate_batch", r) for r in sweep),
        ("B / A(best)", f"{rate['b'] / rate['a']:.1f}x"),
        ("B / C(best)", f"{rate['b'] / rate['c']:.2f}x"),
        (
            "seeds, ru: first run / re-run, nothing changed",
            f"{first:.1f} s / {second:.2f} s = {first / second:.0f}x "
            f"({again['translated']} translated; then {again['skipped']} articles skipped, their files as they were)",
        ),
        (
            "seeds, ru: re-run forced to redo everything from the cache",
            f"{forced:.2f} s = {first / forced:.0f}x ({again['hits']} from cache; term checks, QA, four formats again)",
        ),
    ]
    return rows
