"""`models install --file`: mislabelled packages, links and truncated archives, each refused with one clear line."""

from __future__ import annotations

import json
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import Result

TOP = "translate-en_ru-1_0"


def _rezip(source: Path, target: Path, metadata: dict[str, object] | None = None, top: str | None = None) -> Path:
    """Copy a real package, optionally changing metadata.json fields and renaming the top folder."""
    with zipfile.ZipFile(source) as zin, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info)
            if info.filename == f"{TOP}/metadata.json" and metadata is not None:
                data = json.dumps({**json.loads(data), **metadata}).encode()
            zout.writestr(info.filename.replace(TOP, top, 1) if top else info.filename, data)
    return target


def _refused(result: Result, archive: Path, folder: Path) -> str:
    assert result.exit_code == 2, (result.stdout, result.exception)
    assert "Traceback" not in result.stderr
    line = result.stderr.strip()
    assert "\n" not in line and line.startswith(f"error: {archive}: ")
    assert not folder.exists() or not any(folder.iterdir()), "a refused package left files behind"
    return line.removeprefix(f"error: {archive}: ")


MISLABELLED = {
    # name: (metadata changes, top folder, what the message must say)
    "folder-and-code-say-en_ru": (
        {"code": "translate-en_ru", "to_code": "uk"},
        None,
        "the package is named en_ru (top folder 'translate-en_ru-1_0', metadata code 'translate-en_ru') "
        "but its metadata.json says from_code 'en', to_code 'uk'",
    ),
    "folder-says-en_ru": (
        {"to_code": "uk"},
        None,
        "the package is named en_ru (top folder 'translate-en_ru-1_0') but its metadata.json says from_code 'en', to_code 'uk'",
    ),
    "code-says-en_uk": (
        {"code": "en_uk"},
        None,
        "the package is named en_uk (metadata code 'en_uk') but its metadata.json says from_code 'en', to_code 'ru'",
    ),
    "folder-and-code-disagree": (
        {"code": "translate-en_ru"},
        "translate-en_uk-1_0",
        "the package is named en_uk (top folder 'translate-en_uk-1_0') but its metadata.json says from_code 'en', to_code 'ru'",
    ),
}


@pytest.mark.parametrize("kind", sorted(MISLABELLED))
def test_a_mislabelled_package_is_refused(
    cli: Callable[..., Result], argos_packages: dict[str, Path], tmp_path: Path, kind: str
) -> None:
    changes, top, message = MISLABELLED[kind]
    archive = _rezip(argos_packages["ru"], tmp_path / f"{kind}.argosmodel", changes, top)
    folder = tmp_path / "packages"
    reason = _refused(cli("models", "install", "--file", archive, "--models-dir", folder), archive, folder)
    assert reason.startswith(f"refused: {message}; ")
    assert reason.endswith("it is mislabelled: download it again or ask whoever made it")


def test_consistent_names_still_install(cli: Callable[..., Result], argos_packages: dict[str, Path], tmp_path: Path) -> None:
    archive = _rezip(argos_packages["ru"], tmp_path / "coded.argosmodel", {"code": "translate-en_ru"})
    folder = tmp_path / "packages"
    result = cli("models", "install", "en", "ru", "--file", archive, "--models-dir", folder)
    assert result.exit_code == 0, result.stderr
    # A folder whose name names no pair is not a claim to check.
    plain = _rezip(argos_packages["ru"], tmp_path / "plain.argosmodel", top="my-model")
    result = cli("models", "install", "--file", plain, "--models-dir", folder)
    assert result.exit_code == 0, result.stderr
    assert sorted(p.name for p in folder.iterdir()) == ["my-model", TOP]


def test_a_link_member_is_called_a_link(cli: Callable[..., Result], argos_packages: dict[str, Path], tmp_path: Path) -> None:
    archive = tmp_path / "link.argosmodel"
    _rezip(argos_packages["ru"], archive)
    with zipfile.ZipFile(archive, "a") as zf:
        link = zipfile.ZipInfo(f"{TOP}/model/vocabulary.txt")
        link.create_system = 3  # Unix: the mode sits in the high 16 bits
        link.external_attr = (0o120777 << 16) | 0x20
        zf.writestr(link, "/etc/passwd")
    folder = tmp_path / "packages"
    reason = _refused(cli("models", "install", "--file", archive, "--models-dir", folder), archive, folder)
    assert reason == (
        f"refused: member '{TOP}/model/vocabulary.txt' is a symbolic link, which packages may not contain; "
        "download the package again from its source"
    )


def test_a_device_member_is_refused(cli: Callable[..., Result], argos_packages: dict[str, Path], tmp_path: Path) -> None:
    archive = tmp_path / "fifo.argosmodel"
    _rezip(argos_packages["ru"], archive)
    with zipfile.ZipFile(archive, "a") as zf:
        fifo = zipfile.ZipInfo(f"{TOP}/pipe")
        fifo.create_system = 3
        fifo.external_attr = 0o010644 << 16
        zf.writestr(fifo, "")
    folder = tmp_path / "packages"
    reason = _refused(cli("models", "install", "--file", archive, "--models-dir", folder), archive, folder)
    assert reason.startswith(f"refused: member '{TOP}/pipe' is a special file (device, pipe or socket)")


@pytest.mark.parametrize("keep", [0.5, 0.99, 0.02])
def test_a_truncated_package_says_truncated(
    cli: Callable[..., Result], argos_packages: dict[str, Path], tmp_path: Path, keep: float
) -> None:
    data = argos_packages["ru"].read_bytes()
    archive = tmp_path / "cut.argosmodel"
    archive.write_bytes(data[: int(len(data) * keep)])
    folder = tmp_path / "packages"
    reason = _refused(cli("models", "install", "--file", archive, "--models-dir", folder), archive, folder)
    assert reason.startswith("the package is truncated or damaged")
    assert reason.endswith("download it again")
    assert "not a zip archive" not in reason


def test_an_empty_package_file(cli: Callable[..., Result], tmp_path: Path) -> None:
    archive = tmp_path / "empty.argosmodel"
    archive.write_bytes(b"")
    folder = tmp_path / "packages"
    reason = _refused(cli("models", "install", "--file", archive, "--models-dir", folder), archive, folder)
    assert reason == "the package file is empty (0 bytes); download it again"
