"""Argos translation packages: where they live, which are installed, installing and removing them.

Packages are read with ``argostranslate.package`` (from the light
argos-translate-lt build); everything that touches the network or the
disk is done here, defensively: a short time-out on the package index,
archives checked member by member before anything is unpacked, unpacking
into a temporary folder that is renamed into place only when complete.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import tempfile
import urllib.request
import zipfile
import zlib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

from pipeline.errors import InputError, PipelineError, UsageError
from pipeline.model import Notice

DEFAULT_INDEX = "https://raw.githubusercontent.com/argosopentech/argospm-index/main/"
INDEX_TIMEOUT = 5.0
REQUIRED_MEMBERS = ("metadata.json", "model/model.bin")
TOKENIZERS = ("sentencepiece.model", "bpe.model")

Progress = Callable[[int, int], None]  # (bytes done, bytes total)


@dataclass(frozen=True, slots=True)
class InstalledModel:
    """An installed Argos package for one language pair."""

    from_code: str
    to_code: str
    version: str
    path: Path
    size: int

    @property
    def pair(self) -> str:
        return f"{self.from_code}-{self.to_code}"

    @property
    def model_id(self) -> str:
        """What names this model in signatures and cache keys."""
        return f"argos:{self.pair}@{self.version}"


def default_packages_dir() -> Path:
    """The folder Argos Translate itself installs into.

    ARGOS_PACKAGES_DIR wins, then the same key in Argos' settings.json, then
    $XDG_DATA_HOME/argos-translate/packages (~/.local/share/... by default).
    """
    if os.environ.get("ARGOS_PACKAGES_DIR"):
        return Path(os.environ["ARGOS_PACKAGES_DIR"])
    config_home = Path(os.environ.get("XDG_CONFIG_HOME") or Path.home() / ".config")
    settings_file = config_home / "argos-translate" / "settings.json"
    try:
        configured = json.loads(settings_file.read_text("utf-8")).get("ARGOS_PACKAGES_DIR")
    except (OSError, ValueError, AttributeError):
        configured = None
    if configured:
        return Path(configured)
    data_home = Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share")
    return data_home / "argos-translate" / "packages"


def packages_dir(models_dir: Path | None) -> Path:
    return models_dir if models_dir is not None else default_packages_dir()


def list_models(folder: Path) -> tuple[list[InstalledModel], list[Notice]]:
    """Installed packages, and a notice for every folder that is not a usable package.

    argostranslate's own listing raises on the first folder without
    metadata.json; one stray folder must not hide every model.
    """
    if not folder.is_dir():
        return [], []
    from argostranslate.package import Package

    found: list[InstalledModel] = []
    notices: list[Notice] = []
    for path in sorted(folder.iterdir()):
        if not path.is_dir() or path.name.startswith("."):
            continue
        problem = _package_problem(path)
        if problem:
            notices.append(Notice(str(path), f"not a usable Argos package ({problem}); remove the folder or reinstall"))
            continue
        try:
            package = Package(path)
        except (OSError, ValueError) as exc:
            notices.append(Notice(str(path), f"cannot read the package ({exc}); remove the folder or reinstall"))
            continue
        if not package.from_code or not package.to_code:
            notices.append(Notice(str(path), "metadata.json names no from_code/to_code; reinstall the package"))
            continue
        size = sum(f.stat().st_size for f in path.rglob("*") if f.is_file())
        found.append(InstalledModel(package.from_code, package.to_code, package.package_version or "0", path, size))
    return found, notices


def _package_problem(path: Path) -> str | None:
    for member in REQUIRED_MEMBERS:
        if not (path / member).is_file():
            return f"no {member}"
    if not any((path / name).is_file() for name in TOKENIZERS):
        return "no sentencepiece.model or bpe.model"
    try:
        json.loads((path / "metadata.json").read_text("utf-8"))
    except (OSError, ValueError) as exc:
        return f"metadata.json is not valid JSON ({exc})"
    return None


def find_model(models: Iterable[InstalledModel], from_code: str, to_code: str) -> InstalledModel | None:
    """The newest installed package for the pair."""
    candidates = [m for m in models if m.from_code == from_code and m.to_code == to_code]
    return max(candidates, key=lambda m: _version_key(m.version), default=None)


def _version_key(version: str) -> tuple[int, ...]:
    return tuple(int(part) if part.isdigit() else 0 for part in version.replace("_", ".").split("."))


# --- installing from a file ---------------------------------------------------


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def install_file(archive: Path, folder: Path, expect_pairs: Sequence[str] = (), sha256: str | None = None) -> InstalledModel:
    """Install an .argosmodel after checking it whole; refuse anything doubtful.

    Checks: the checksum when given, a readable zip with intact members, one
    top folder, no member that escapes it (absolute paths, "..") and no link
    or special file, the members a package needs, a folder name and code that
    agree with the metadata's pair, a pair we asked for, and a CTranslate2
    model that loads. Unpacks into a temporary folder beside the
    target and renames it into place, so a failure leaves nothing behind.
    """
    where = str(archive)
    if not archive.is_file():
        raise InputError("no such package file; check the path", where)
    if sha256 and sha256_of(archive).lower() != sha256.lower():
        raise InputError(f"SHA-256 does not match {sha256}; the file is corrupt or not the one expected", where)
    if archive.stat().st_size == 0:
        raise InputError("the package file is empty (0 bytes); download it again", where)
    if not zipfile.is_zipfile(archive):
        raise InputError(_not_a_zip(archive), where)
    try:
        with zipfile.ZipFile(archive) as zf:
            top, members = _check_members(zf, where)
            broken = zf.testzip()
            if broken is not None:
                raise InputError(f"corrupt package: member {broken!r} fails its CRC check; download it again", where)
            metadata = _read_metadata(zf, f"{top}/metadata.json", where)
            _check_names(top, metadata, where)
            pair = f"{metadata['from_code']}-{metadata['to_code']}"
            if expect_pairs and pair not in expect_pairs:
                raise InputError(
                    f"this package translates {pair}, not {' or '.join(expect_pairs)}; check that it is the right file",
                    where,
                )
            folder.mkdir(parents=True, exist_ok=True)
            staging = Path(tempfile.mkdtemp(prefix=".installing-", dir=folder))
            try:
                for info in members:
                    zf.extract(info, staging)
                unpacked = staging / top
                _check_model_loads(unpacked, where)
                final = folder / top
                _replace_folder(unpacked, final)
            finally:
                shutil.rmtree(staging, ignore_errors=True)
    except (zipfile.BadZipFile, EOFError, zlib.error) as exc:
        raise InputError(f"corrupt package ({exc}); download it again", where) from exc
    models, _ = list_models(folder)
    installed = next((m for m in models if m.path == folder / top), None)
    if installed is None:  # pragma: no cover - _check_model_loads makes this unreachable
        raise InputError("the package did not install cleanly; download it again", where)
    return installed


_ZIP_START = b"PK\x03\x04"  # a zip archive's first local file header


def _not_a_zip(archive: Path) -> str:
    """Why ``zipfile`` finds no archive: one cut short (its directory is at the end), or no zip at all."""
    with archive.open("rb") as handle:
        start = handle.read(len(_ZIP_START))
    if start == _ZIP_START:
        return (
            "the package is truncated or damaged: it starts as a zip archive but its end (the list of members) "
            "is missing; download it again"
        )
    return "not an Argos package: not a zip archive (.argosmodel files are zip archives)"


# Unix file types in a member's mode: only regular files and folders are unpacked.
_FILE_TYPE, _REGULAR, _FOLDER, _LINK = 0o170000, 0o100000, 0o040000, 0o120000


def _check_members(zf: zipfile.ZipFile, where: str) -> tuple[str, list[zipfile.ZipInfo]]:
    tops: set[str] = set()
    members = []
    for info in zf.infolist():
        name = info.filename
        path = PurePosixPath(name)
        kind = (info.external_attr >> 16) & _FILE_TYPE
        if name.startswith(("/", "\\")) or "\\" in name or (len(name) > 1 and name[1] == ":") or ".." in path.parts:
            raise InputError(f"refused: member {name!r} would land outside the package folder", where)
        if kind == _LINK:
            raise InputError(
                f"refused: member {name!r} is a symbolic link, which packages may not contain; "
                "download the package again from its source",
                where,
            )
        # Zips made without Unix modes (on Windows) leave the type 0.
        if kind not in (0, _REGULAR, _FOLDER):
            raise InputError(
                f"refused: member {name!r} is a special file (device, pipe or socket), which packages may not contain; "
                "download the package again from its source",
                where,
            )
        if path.parts:
            tops.add(path.parts[0])
        members.append(info)
    if len(tops) != 1:
        raise InputError("not an Argos package: expected one top folder holding metadata.json and model/", where)
    top = tops.pop()
    names = {info.filename for info in members}
    for member in REQUIRED_MEMBERS:
        if f"{top}/{member}" not in names:
            raise InputError(f"not an Argos package: {top}/{member} is missing", where)
    if not any(f"{top}/{tokenizer}" in names for tokenizer in TOKENIZERS):
        raise InputError(f"not an Argos package: {top}/sentencepiece.model is missing", where)
    return top, members


def _read_metadata(zf: zipfile.ZipFile, name: str, where: str) -> dict[str, Any]:
    try:
        metadata = json.loads(zf.read(name).decode("utf-8"))
    except (ValueError, UnicodeDecodeError) as exc:
        raise InputError(f"corrupt package: metadata.json is not valid JSON ({exc})", where) from exc
    if not isinstance(metadata, dict) or not metadata.get("from_code") or not metadata.get("to_code"):
        raise InputError("corrupt package: metadata.json names no from_code and to_code", where)
    return metadata


# How Argos names a package after its pair: "translate-en_ru-1_9" (folders), "translate-en_ru" or "en_ru" (codes).
_PAIR_NAME = re.compile(r"(?:[a-z]+-)?([a-z]{2,3})_([a-z]{2,3})(?:-[0-9][0-9_.]*)?", re.IGNORECASE)


def named_pair(name: str) -> str | None:
    """The language pair a package's folder or code names, as "en_ru", or None when it names none."""
    match = _PAIR_NAME.fullmatch(name)
    return f"{match.group(1)}_{match.group(2)}".lower() if match else None


def _check_names(top: str, metadata: dict[str, Any], where: str) -> None:
    """Refuse a package whose folder or code names another pair than its from_code and to_code.

    Which one is right cannot be known (argostranslate installs it by the
    codes, people choose it by the name), so neither is trusted.
    """
    declared = f"{metadata['from_code']}_{metadata['to_code']}".lower()
    claims = [("top folder", top)]
    if isinstance(metadata.get("code"), str):
        claims.append(("metadata code", metadata["code"]))
    wrong: dict[str, list[str]] = {}
    for label, name in claims:
        pair = named_pair(name)
        if pair is not None and pair != declared:
            wrong.setdefault(pair, []).append(f"{label} {name!r}")
    if wrong:
        named = " and ".join(f"{pair} ({', '.join(labels)})" for pair, labels in wrong.items())
        raise InputError(
            f"refused: the package is named {named} but its metadata.json says from_code {metadata['from_code']!r}, "
            f"to_code {metadata['to_code']!r}; it is mislabelled: download it again or ask whoever made it",
            where,
        )


def _check_model_loads(path: Path, where: str) -> None:
    import ctranslate2

    try:
        ctranslate2.Translator(str(path / "model"), device="cpu", intra_threads=1)
    except Exception as exc:  # CTranslate2 raises RuntimeError, IndexError... for damaged models
        raise InputError(f"corrupt package: its CTranslate2 model does not load ({exc})", where) from exc


def _replace_folder(new: Path, final: Path) -> None:
    """Put ``new`` at ``final``; an older copy is moved aside first and deleted only after."""
    old = None
    if final.exists():
        old = final.with_name(f".old-{final.name}-{os.getpid()}")
        final.rename(old)
    try:
        new.rename(final)
    except OSError:
        if old is not None:
            old.rename(final)
        raise
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def remove_model(folder: Path, from_code: str, to_code: str) -> list[InstalledModel]:
    """Remove every installed package for the pair; say which were removed."""
    models, _ = list_models(folder)
    chosen = [m for m in models if m.from_code == from_code and m.to_code == to_code]
    if not chosen:
        raise UsageError(f"no {from_code}→{to_code} model is installed in {folder}; see: pipeline models list")
    for model in chosen:
        shutil.rmtree(model.path)
    return chosen


# --- installing from the package index ---------------------------------------


def index_url() -> str:
    """Argos' package index, or the one ARGOS_PACKAGE_INDEX names (a base URL, as Argos reads it)."""
    base = os.environ.get("ARGOS_PACKAGE_INDEX") or DEFAULT_INDEX
    return base if base.endswith(".json") else base.rstrip("/") + "/index.json"


def fetch_index(url: str | None = None, timeout: float = INDEX_TIMEOUT) -> list[dict[str, Any]]:
    """The Argos package index, or a PipelineError at once when it cannot be reached.

    Argos' own get_available_packages() retries without a time-out (and, offline,
    recursed for 100 s into a RecursionError), so the index is fetched here.
    """
    url = url or index_url()
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            data = json.loads(response.read().decode("utf-8"))
    except (OSError, ValueError) as exc:
        reason = getattr(exc, "reason", exc)
        raise PipelineError(
            f"cannot reach the Argos package index ({reason}); on a machine without network, copy an "
            ".argosmodel file over and run: pipeline models install --file PATH"
        ) from exc
    if not isinstance(data, list):
        raise PipelineError("the Argos package index is not a list of packages; try again later")
    return data


def download(links: Sequence[str], target: Path, progress: Progress | None = None, timeout: float = 30.0) -> Path:
    """Fetch the first link that answers into ``target``."""
    last_error: Exception | None = None
    for link in links:
        try:
            with urllib.request.urlopen(link, timeout=timeout) as response, target.open("wb") as out:
                total = int(response.headers.get("Content-Length") or 0)
                done = 0
                for block in iter(lambda: response.read(1 << 16), b""):
                    out.write(block)
                    done += len(block)
                    if progress:
                        progress(done, total)
            return target
        except OSError as exc:
            last_error = exc
    raise PipelineError(f"cannot download the package ({last_error}); try again, or install from a file with --file")
