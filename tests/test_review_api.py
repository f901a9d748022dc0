"""The review app's HTTP API without a browser: every bad request answers 4xx with a clear message and changes nothing."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import polib
import pytest
from starlette.testclient import TestClient
from support import ROOT, SEEDS
from typer.testing import Result

from pipeline.glossary.load import load_glossary
from pipeline.webapp.app import MAX_BODY_BYTES, Settings, create_app
from pipeline.webapp.store import Store, entry_version

SEED = SEEDS / "mediazona-rosgvardiya-refusals.txt"
KEY = f"ru/{SEED.stem}"
PORT = 8765


@pytest.fixture
def served(cli: Callable[..., Result], tmp_path: Path) -> Path:
    out = tmp_path / "locales"
    assert cli("run", SEED, "--to", "ru", "--engine", "none", "--out", out, "-g", ROOT / "glossary").exit_code == 0
    return out


def client(root: Path, token: str = "", host: str = "127.0.0.1") -> TestClient:
    app = create_app(Store(root, load_glossary([ROOT / "glossary"])), Settings(host=host, port=PORT, token=token, csrf="t0k"))
    return TestClient(app, base_url=f"http://{host}:{PORT}")


@pytest.fixture
def api(served: Path) -> Iterator[TestClient]:
    with client(served) as test_client:
        yield test_client


def po(served: Path) -> Path:
    return served / "ru" / f"{SEED.stem}.po"


def first_entry(served: Path) -> polib.POEntry:
    return next(e for e in polib.pofile(str(po(served))) if e.msgid.startswith("Near Kharkiv"))


def save(api: TestClient, **fields: object) -> object:
    headers = {"X-CSRF-Token": "t0k", **fields.pop("headers", {})}  # type: ignore[dict-item]
    return api.post("/api/save", json=fields, headers=headers)


def test_a_good_save_lands_in_the_po(api: TestClient, served: Path) -> None:
    entry = first_entry(served)
    response = save(
        api,
        file=KEY,
        id=entry.msgctxt,
        text="Под Харьковом Росгвардия попала под обстрел.",
        approved=True,
        version=entry_version(entry),
    )
    assert response.status_code == 200, response.text  # type: ignore[attr-defined]
    saved = first_entry(served)
    assert saved.msgstr == "Под Харьковом Росгвардия попала под обстрел." and "fuzzy" not in saved.flags
    assert 'data-status="reviewed"' in response.json()["row"]  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("change", "status", "message"),
    [
        ({"id": "seg-nonexistent"}, 404, "no segment"),
        ({"file": "ru/../../etc/passwd"}, 404, "no review file"),
        ({"file": "de/" + SEED.stem}, 404, "no review file"),
        ({"version": "0000000000000000"}, 409, "changed on disk"),
        ({"approved": "yes"}, 400, "“approved” must be true or false"),
        ({"text": 42}, 400, "“text” must be a string"),
        ({"text": "", "approved": True}, 400, "empty translation cannot be approved"),
        ({"text": "Под\x07 Харьковом"}, 400, "control character"),
        ({"headers": {"X-CSRF-Token": "wrong"}}, 403, "CSRF"),
        ({"headers": {"Origin": "http://evil.example"}}, 403, "another site"),
    ],
)
def test_bad_saves_are_refused_and_change_nothing(
    api: TestClient, served: Path, change: dict[str, object], status: int, message: str
) -> None:
    entry = first_entry(served)
    before = po(served).read_bytes()
    fields: dict[str, object] = {
        "file": KEY,
        "id": entry.msgctxt,
        "text": "Перевод.",
        "approved": True,
        "version": entry_version(entry),
    }
    fields.update(change)
    response = save(api, **fields)
    assert response.status_code == status  # type: ignore[attr-defined]
    assert message in response.json()["error"]  # type: ignore[attr-defined]
    assert po(served).read_bytes() == before


def test_a_stale_save_gets_what_is_on_disk_now(api: TestClient, served: Path) -> None:
    entry = first_entry(served)
    stale = entry_version(entry)
    catalog = polib.pofile(str(po(served)), wrapwidth=0)
    disk = next(e for e in catalog if e.msgctxt == entry.msgctxt)
    disk.msgstr = "Перевод из CAT-программы."
    catalog.save(str(po(served)))
    response = save(api, file=KEY, id=entry.msgctxt, text="Мой перевод.", approved=True, version=stale)
    assert response.status_code == 409  # type: ignore[attr-defined]
    current = response.json()["current"]  # type: ignore[attr-defined]
    assert current["text"] == "Перевод из CAT-программы." and current["version"] == entry_version(disk)
    assert first_entry(served).msgstr == "Перевод из CAT-программы."


def test_oversized_and_non_json_bodies(api: TestClient, served: Path) -> None:
    before = po(served).read_bytes()
    big = api.post(
        "/api/save",
        content=b"{" + b" " * (MAX_BODY_BYTES + 10) + b"}",
        headers={"X-CSRF-Token": "t0k", "Content-Type": "application/json"},
    )
    assert big.status_code == 413 and "larger than" in big.json()["error"]
    form = api.post("/api/save", data={"file": KEY}, headers={"X-CSRF-Token": "t0k"})
    assert form.status_code == 415
    broken = api.post("/api/save", content=b"{not json", headers={"X-CSRF-Token": "t0k", "Content-Type": "application/json"})
    assert broken.status_code == 400 and "not valid JSON" in broken.json()["error"]
    assert po(served).read_bytes() == before


def test_another_host_header_is_refused(api: TestClient) -> None:
    assert api.get("/", headers={"Host": "evil.example"}).status_code == 421
    assert api.get("/").status_code == 200


def test_beyond_loopback_the_access_token_is_required(served: Path) -> None:
    with client(served, token="s3cret", host="10.1.2.3") as remote:
        assert remote.get("/").status_code == 403
        assert remote.get("/?token=wrong").status_code == 403
        entered = remote.get("/?token=s3cret", follow_redirects=False)
        assert entered.status_code == 303 and "token" not in entered.headers["location"]
        assert remote.get("/").status_code == 200  # the cookie carries it now
        remote.cookies.clear()
        assert remote.get(f"/a/{KEY}").status_code == 403


def test_pages_forbid_foreign_scripts_and_resources(api: TestClient) -> None:
    page = api.get(f"/a/{KEY}")
    policy = page.headers["content-security-policy"]
    assert "default-src 'none'" in policy and "script-src 'nonce-" in policy
    assert "http" not in policy.replace("'self'", "")
    assert api.get("/a/ru/nothing-here").status_code == 404
    assert api.get("/a/ru/..%2F..%2Fetc%2Fpasswd").status_code == 404
    assert api.get("/a/../../etc/passwd").status_code == 404


def test_live_check_uses_the_qa_code(api: TestClient, served: Path) -> None:
    entry = first_entry(served)
    wrong = api.post(
        "/api/check",
        json={"file": KEY, "id": entry.msgctxt, "text": "Под Харьковом Национальная гвардия попала под обстрел."},
        headers={"X-CSRF-Token": "t0k"},
    )
    assert [f["check"] for f in wrong.json()["findings"]] == ["term-avoided"]
    right = api.post(
        "/api/check",
        json={"file": KEY, "id": entry.msgctxt, "text": "Под Харьковом Росгвардия попала под обстрел."},
        headers={"X-CSRF-Token": "t0k"},
    )
    assert right.json()["findings"] == []
