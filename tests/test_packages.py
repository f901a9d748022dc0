"""`pipeline models`: install from a file (checked member by member), list, remove, index failures."""

from __future__ import annotations

import hashlib
import http.server
import json
import threading
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from typer.testing import Result

from pipeline.packages import fetch_index, list_models


def listed(cli: Callable[..., Result], folder: Path) -> list[dict[str, object]]:
    result = cli("models", "list", "--models-dir", folder, "--json")
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)["models"]


def test_install_file_then_list_and_remove(cli: Callable[..., Result], argos_packages: dict[str, Path], tmp_path: Path) -> None:
    folder = tmp_path / "packages"
    result = cli("models", "install", "--file", argos_packages["ru"], "--models-dir", folder)
    assert result.exit_code == 0, result.stderr
    assert result.stdout.startswith("installed en→ru 1.0 in ")
    (model,) = listed(cli, folder)
    assert model["pair"] == "en-ru" and model["version"] == "1.0" and int(model["size"]) > 100_000
    assert model["model_id"] == "argos:en-ru@1.0"
    removed = cli("models", "remove", "en", "ru", "--models-dir", folder)
    assert removed.exit_code == 0 and listed(cli, folder) == []
    again = cli("models", "remove", "en", "ru", "--models-dir", folder)
    assert again.exit_code == 2 and "no en→ru model is installed" in again.stderr


def test_reinstall_replaces_in_place(cli: Callable[..., Result], argos_packages: dict[str, Path], tmp_path: Path) -> None:
    folder = tmp_path / "packages"
    for _ in range(2):
        assert cli("models", "install", "--file", argos_packages["uk"], "--models-dir", folder).exit_code == 0
    assert [m["pair"] for m in listed(cli, folder)] == ["en-uk"]
    assert sorted(p.name for p in folder.iterdir()) == ["translate-en_uk-1_0"]


def test_sha256_is_verified(cli: Callable[..., Result], argos_packages: dict[str, Path], tmp_path: Path) -> None:
    archive = argos_packages["ru"]
    good = hashlib.sha256(archive.read_bytes()).hexdigest()
    bad = cli("models", "install", "--file", archive, "--sha256", "0" * 64, "--models-dir", tmp_path)
    assert bad.exit_code == 2 and "SHA-256 does not match" in bad.stderr
    ok = cli("models", "install", "--file", archive, "--sha256", good.upper(), "--models-dir", tmp_path)
    assert ok.exit_code == 0


def test_wrong_pair_is_refused(cli: Callable[..., Result], argos_packages: dict[str, Path], tmp_path: Path) -> None:
    result = cli("models", "install", "en", "uk", "--file", argos_packages["ru"], "--models-dir", tmp_path / "p")
    assert result.exit_code == 2
    assert "this package translates en-ru, not en-uk" in result.stderr
    assert not (tmp_path / "p").exists() or not any((tmp_path / "p").iterdir())


def _rezip(source: Path, target: Path, change: Callable[[str, bytes], tuple[str, bytes] | None]) -> Path:
    """Copy an archive member by member, letting ``change`` rename, edit or drop members."""
    with zipfile.ZipFile(source) as zin, zipfile.ZipFile(target, "w") as zout:
        for info in zin.infolist():
            changed = change(info.filename, zin.read(info))
            if changed is not None:
                zout.writestr(changed[0], changed[1])
    return target


BROKEN = {
    "escape": (lambda n, d: (n.replace("translate-en_ru-1_0/README.md", "translate-en_ru-1_0/../../evil.txt"), d)),
    "absolute": (lambda n, d: ("/tmp/evil.txt" if n.endswith("README.md") else n, d)),
    "no-model": (lambda n, d: None if n.endswith("model.bin") else (n, d)),
    "bad-metadata": (lambda n, d: (n, b"{not json") if n.endswith("metadata.json") else (n, d)),
    "model-garbage": (lambda n, d: (n, b"\x00" * 64) if n.endswith("model.bin") else (n, d)),
}
MESSAGES = {
    "escape": "refused: member 'translate-en_ru-1_0/../../evil.txt' would land outside the package folder",
    "absolute": "refused: member '/tmp/evil.txt' would land outside the package folder",
    "no-model": "not an Argos package: translate-en_ru-1_0/model/model.bin is missing",
    "bad-metadata": "corrupt package: metadata.json is not valid JSON",
    "model-garbage": "corrupt package: its CTranslate2 model does not load",
}


@pytest.mark.parametrize("kind", sorted(BROKEN))
def test_broken_packages_are_refused_whole(
    cli: Callable[..., Result], argos_packages: dict[str, Path], tmp_path: Path, kind: str
) -> None:
    archive = _rezip(argos_packages["ru"], tmp_path / f"{kind}.argosmodel", BROKEN[kind])
    folder = tmp_path / "deep" / "packages"
    result = cli("models", "install", "--file", archive, "--models-dir", folder)
    assert result.exit_code == 2, result.stdout
    assert result.stderr.startswith(f"error: {archive}: {MESSAGES[kind]}")
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "evil.txt").exists() and not (tmp_path / "deep" / "evil.txt").exists()
    leftovers = list(folder.iterdir()) if folder.exists() else []
    assert leftovers == [], "a refused package left files behind"


def test_not_a_zip_and_bad_crc(cli: Callable[..., Result], argos_packages: dict[str, Path], tmp_path: Path) -> None:
    text = tmp_path / "notes.argosmodel"
    text.write_text("hello", encoding="utf-8")
    result = cli("models", "install", "--file", text, "--models-dir", tmp_path / "p")
    assert result.exit_code == 2 and "not a zip archive" in result.stderr
    data = bytearray(argos_packages["ru"].read_bytes())
    with zipfile.ZipFile(argos_packages["ru"]) as zf:
        info = zf.getinfo("translate-en_ru-1_0/model/model.bin")
    # Flip a byte inside the stored data of model.bin: the zip still opens, its CRC fails.
    data[info.header_offset + 200] ^= 0xFF
    damaged = tmp_path / "damaged.argosmodel"
    damaged.write_bytes(bytes(data))
    result = cli("models", "install", "--file", damaged, "--models-dir", tmp_path / "p")
    assert result.exit_code == 2
    assert "corrupt package" in result.stderr


def test_stray_folder_is_reported_not_fatal(cli: Callable[..., Result], argos_packages: dict[str, Path], tmp_path: Path) -> None:
    folder = tmp_path / "packages"
    assert cli("models", "install", "--file", argos_packages["ru"], "--models-dir", folder).exit_code == 0
    (folder / "leftover").mkdir()
    result = cli("models", "list", "--models-dir", folder)
    assert result.exit_code == 0
    assert f"warning: {folder / 'leftover'}: not a usable Argos package (no metadata.json)" in result.stderr
    assert "en→ru" in result.stdout
    models, notices = list_models(folder)
    assert len(models) == 1 and len(notices) == 1


def test_install_without_network_fails_fast_with_the_fix(cli: Callable[..., Result], tmp_path: Path) -> None:
    result = cli("models", "install", "en", "ru", "uk", "--models-dir", tmp_path)
    assert result.exit_code == 2
    line = result.stderr.strip()
    assert line.startswith("error: cannot reach the Argos package index")
    assert line.endswith("pipeline models install --file PATH") and "\n" not in line


@pytest.fixture
def package_server(argos_packages: dict[str, Path]) -> Iterator[str]:
    """A package index on loopback, serving the test packages as Argos' index would."""
    folder = argos_packages["ru"].parent

    class Handler(http.server.SimpleHTTPRequestHandler):
        def __init__(self, *args: object, **kwargs: object) -> None:
            super().__init__(*args, directory=str(folder), **kwargs)  # type: ignore[arg-type]

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    base = f"http://127.0.0.1:{server.server_address[1]}/"
    index = [
        {"from_code": "en", "to_code": lang, "package_version": "1.0", "links": [base + path.name]}
        for lang, path in argos_packages.items()
    ]
    (folder / "index.json").write_text(json.dumps(index), encoding="utf-8")
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield base
    server.shutdown()


def test_install_from_an_index(
    cli: Callable[..., Result], package_server: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ARGOS_PACKAGE_INDEX", package_server)
    folder = tmp_path / "packages"
    result = cli("models", "install", "en", "ru", "uk", "--models-dir", folder)
    assert result.exit_code == 0, result.stderr
    assert sorted(m["pair"] for m in listed(cli, folder)) == ["en-ru", "en-uk"]
    again = cli("models", "install", "en", "ru", "--models-dir", folder)
    assert again.exit_code == 0 and "en→ru is already installed" in again.stdout
    assert len(fetch_index(package_server + "index.json")) == 2
