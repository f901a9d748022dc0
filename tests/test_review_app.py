"""`pipeline review` in a real browser: Playwright driving Debian's Chromium against the app on a copy of seed files."""

from __future__ import annotations

import re
import shutil
import subprocess
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import lxml.html
import polib
import pytest
from lxml import etree
from support import ROOT, SEEDS
from typer.testing import Result

from pipeline.glossary.load import load_glossary
from pipeline.webapp.app import Settings, create_app
from pipeline.webapp.serve import bind
from pipeline.webapp.store import Store

playwright = pytest.importorskip("playwright.sync_api")
CHROMIUM = shutil.which("chromium")
pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="Chromium is not installed (make system-tools)")

SEED = SEEDS / "mediazona-rosgvardiya-refusals.txt"
NAME = SEED.stem
SCREENSHOTS = ROOT / "build" / "screenshots"
NS = {"x": "urn:oasis:names:tc:xliff:document:1.2"}
SAVED = re.compile(r"^(Approved|Saved) ")  # the status line after a save went through


@dataclass
class Served:
    url: str
    root: Path

    def po(self) -> Path:
        return self.root / "ru" / f"{NAME}.po"

    def entry(self, prefix: str) -> polib.POEntry:
        return next(e for e in polib.pofile(str(self.po())) if e.msgid.startswith(prefix) and not e.obsolete)


def start(root: Path, glossary: Path) -> Iterator[str]:
    import uvicorn

    sock = bind("127.0.0.1", 0)
    port = sock.getsockname()[1]
    app = create_app(Store(root, load_glossary([glossary])), Settings(host="127.0.0.1", port=port))
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="off"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    while not server.started:
        thread.join(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(5)
        sock.close()


@pytest.fixture
def served(cli: Callable[..., Result], models_dir: Path, tmp_path: Path) -> Iterator[Served]:
    out = tmp_path / "locales"
    result = cli(
        "run",
        SEED,
        "--to",
        "ru",
        "--models-dir",
        models_dir,
        "--max-length",
        "6",
        "--no-cache",
        "--out",
        out,
        "-g",
        ROOT / "glossary",
    )
    assert result.exit_code == 0, result.stderr
    for url in start(out, ROOT / "glossary"):
        yield Served(url, out)


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    with playwright.sync_playwright() as p:
        launched = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
        yield launched
        launched.close()


@pytest.fixture
def page(browser: object) -> Iterator[object]:
    context = browser.new_context(viewport={"width": 1280, "height": 900})  # type: ignore[attr-defined]
    errors: list[str] = []
    opened = context.new_page()
    opened.on("pageerror", lambda error: errors.append(str(error)))
    yield opened
    context.close()
    assert not errors, f"JavaScript errors: {errors}"


def row_of(page: object, served: Served, prefix: str) -> object:
    entry = served.entry(prefix)
    return page.locator(f'.row[data-id="{entry.msgctxt}"]')  # type: ignore[attr-defined]


def test_edit_and_approve_with_the_keyboard_is_on_disk_and_everywhere(page: object, served: Served) -> None:
    page.goto(f"{served.url}/a/ru/{NAME}")  # type: ignore[attr-defined]
    row = row_of(page, served, "Near Kharkiv")
    row.focus()
    page.keyboard.press("Enter")  # type: ignore[attr-defined]
    editor = row.locator("textarea")
    editor.fill("Под Харьковом Росгвардия попала под обстрел.")
    page.keyboard.press("Control+Enter")  # type: ignore[attr-defined]
    page.locator("#status").filter(has_text=SAVED).wait_for()  # type: ignore[attr-defined]
    # Ctrl+Enter moved on to the next segment needing attention, with its editor open.
    assert page.locator(".row.editing textarea").count() == 1  # type: ignore[attr-defined]

    page.reload()  # type: ignore[attr-defined]
    row = row_of(page, served, "Near Kharkiv")
    assert row.get_attribute("data-status") == "reviewed"
    assert row.locator(".target").inner_text() == "Под Харьковом Росгвардия попала под обстрел."

    entry = served.entry("Near Kharkiv")
    assert entry.msgstr == "Под Харьковом Росгвардия попала под обстрел." and "fuzzy" not in entry.flags
    subprocess.run(["msgfmt", "--check", "-o", "/dev/null", str(served.po())], check=True)
    folder = served.root / "ru"
    unit = next(
        u for u in etree.parse(str(folder / f"{NAME}.xlf")).iterfind(".//x:trans-unit", NS) if u.get("id") == entry.msgctxt
    )
    assert unit.get("approved") == "yes" and unit.findtext("x:target", namespaces=NS) == entry.msgstr
    assert f"{entry.msgctxt}\t" in (folder / f"{NAME}.tsv").read_text("utf-8")
    static = lxml.html.document_fromstring((folder / f"{NAME}.html").read_text("utf-8"))
    assert static.get_element_by_id(f"seg-{entry.msgctxt}").get("data-status") == "reviewed"


def test_live_qa_shows_an_avoided_rendering_and_clears_when_fixed(page: object, served: Served) -> None:
    page.goto(f"{served.url}/a/ru/{NAME}")  # type: ignore[attr-defined]
    row = row_of(page, served, "Near Kharkiv")
    row.locator("button.edit").click()
    editor = row.locator("textarea")
    editor.fill("Под Харьковом Национальная гвардия попала под обстрел.")
    row.locator(".live .finding", has_text="term-avoided").wait_for()
    editor.fill("Под Харьковом Росгвардия попала под обстрел.")
    row.locator(".live .finding", has_text="term-avoided").wait_for(state="detached")
    # The approved term can be inserted from the editor.
    editor.fill("")
    row.locator("button.insert", has_text="Росгвардия").first.click()
    assert "Росгвардия" in editor.input_value()


def test_a_change_on_disk_meanwhile_is_a_conflict_and_nothing_is_lost(page: object, browser: object, served: Served) -> None:
    page.goto(f"{served.url}/a/ru/{NAME}")  # type: ignore[attr-defined]
    # Someone else (a CAT tool, git pull) changes the entry on disk after the page loaded.
    catalog = polib.pofile(str(served.po()), wrapwidth=0)
    disk = next(e for e in catalog if e.msgid.startswith("Near Kharkiv"))
    disk.msgstr = "Перевод из CAT-программы."
    disk.flags = []
    catalog.save(str(served.po()))

    row = row_of(page, served, "Near Kharkiv")
    row.locator("button.edit").click()
    row.locator("textarea").fill("Мой перевод.")
    page.keyboard.press("Control+Enter")  # type: ignore[attr-defined]
    conflict = row.locator(".conflict")
    conflict.wait_for()
    assert "Перевод из CAT-программы." in conflict.inner_text()
    assert served.entry("Near Kharkiv").msgstr == "Перевод из CAT-программы."
    conflict.locator("button", has_text="Save mine over it").click()
    page.locator("#status").filter(has_text=SAVED).wait_for()  # type: ignore[attr-defined]
    assert served.entry("Near Kharkiv").msgstr == "Мой перевод."

    # Two tabs on one article: the second one's save, based on what it loaded, is refused.
    first, second = page, browser.new_context().new_page()  # type: ignore[attr-defined]
    second.goto(f"{served.url}/a/ru/{NAME}")
    first.reload()  # type: ignore[attr-defined]
    row_a, row_b = row_of(first, served, "Near Kharkiv"), row_of(second, served, "Near Kharkiv")
    row_a.locator("button.edit").click()
    row_b.locator("button.edit").click()
    row_a.locator("textarea").fill("Первая вкладка.")
    row_b.locator("textarea").fill("Вторая вкладка.")
    row_a.locator("button.do-save").click()
    first.locator("#status").filter(has_text=SAVED).wait_for()  # type: ignore[attr-defined]
    row_b.locator("button.do-save").click()
    row_b.locator(".conflict").wait_for()
    assert served.entry("Near Kharkiv").msgstr == "Первая вкладка."
    second.context.close()


def test_hostile_text_is_shown_never_run(cli: Callable[..., Result], browser: object, tmp_path: Path) -> None:
    evil = '<script>window.pwned=1</script> "onmouseover=window.pwned=2 x=" <img src=x onerror=window.pwned=3>'
    article = tmp_path / "hostile.txt"
    article.write_text(f"A headline\n\nThe garrison court heard it: {evil}\n", "utf-8")
    glossary = tmp_path / "glossary"
    glossary.mkdir()
    quoted = evil.replace('"', '\\"')
    (glossary / "hostile.yaml").write_text(
        "domain: test\nentries:\n  - id: garrison-court\n    term: garrison court\n    type: term\n"
        "    definition: A military court of first instance.\n    source: Mediazona\n    ru:\n"
        f'      term: гарнизонный военный суд\n      avoid: ["{quoted}"]\n      note: "{quoted}"\n      head: суд\n'
        "    uk:\n      term: гарнізонний військовий суд\n      head: суд\n",
        "utf-8",
    )
    out = tmp_path / "locales"
    assert cli("run", article, "--to", "ru", "--engine", "none", "--out", out, "-g", glossary).exit_code == 0
    catalog = polib.pofile(str(out / "ru" / "hostile.po"), wrapwidth=0)
    entry = next(e for e in catalog if "garrison" in e.msgid)
    entry.msgstr = f"Гарнизонный военный суд: {evil}"
    catalog.save(str(out / "ru" / "hostile.po"))
    for url in start(out, glossary):
        page = browser.new_page()  # type: ignore[attr-defined]
        for path in ("/", "/a/ru/hostile", "/a/ru/hostile/publish"):
            page.goto(url + path)
            page.mouse.move(300, 300)
            for mark in page.locator("mark").all():
                mark.hover()
                mark.focus()
            assert page.evaluate("window.pwned") is None, path
        page.goto(url + "/a/ru/hostile")
        assert evil in page.locator(".cell.source").nth(1).inner_text()
        assert evil in page.locator(".cell.target").nth(1).inner_text()
        page.close()


def test_publish_preview_and_download(page: object, served: Served) -> None:
    page.goto(f"{served.url}/a/ru/{NAME}/publish")  # type: ignore[attr-defined]
    assert "not reviewed yet" in page.locator("header").inner_text()  # type: ignore[attr-defined]
    frame = page.frame_locator("iframe")  # type: ignore[attr-defined]
    assert frame.locator("mark.unreviewed").count() > 0  # publish's html marks what nobody approved
    with page.expect_download() as download:  # type: ignore[attr-defined]
        page.locator("a", has_text="Download Markdown").click()  # type: ignore[attr-defined]
    saved = Path(download.value.path())
    assert saved.read_text("utf-8").startswith("#") and "⟦не проверено" in saved.read_text("utf-8")


CONTRAST = """
() => {
  const parse = (c) => (c.match(/[\\d.]+/g) || []).map(Number);
  const lum = ([r, g, b]) => { const f = (v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; };
    return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b); };
  const background = (el) => { for (let e = el; e; e = e.parentElement) { const c = parse(getComputedStyle(e).backgroundColor);
    if (c.length === 3 || (c.length === 4 && c[3] > 0.9)) return c.slice(0, 3); } return [255, 255, 255]; };
  const bad = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    if (!n.textContent.trim() || !n.parentElement.offsetParent) continue;
    const el = n.parentElement, fg = parse(getComputedStyle(el).color).slice(0, 3), bg = background(el);
    const [a, b] = [lum(fg), lum(bg)].sort((x, y) => y - x), ratio = (a + 0.05) / (b + 0.05);
    if (ratio < 4.5) bad.push(`${el.tagName}.${el.className}: ${ratio.toFixed(2)} «${n.textContent.trim().slice(0, 30)}»`);
  }
  return bad;
}
"""


def test_text_contrast_is_at_least_4_5_and_terms_open_by_keyboard(page: object, served: Served) -> None:
    static = (served.root / "ru" / f"{NAME}.html").as_uri()
    for url in (f"{served.url}/", f"{served.url}/a/ru/{NAME}", static):
        page.goto(url)  # type: ignore[attr-defined]
        assert page.evaluate(CONTRAST) == [], url  # type: ignore[attr-defined]
    page.goto(static)  # type: ignore[attr-defined]
    mark = page.locator(".cell.source mark").first  # type: ignore[attr-defined]
    page.keyboard.press("Tab")  # type: ignore[attr-defined]
    mark.focus()
    tip = page.evaluate("() => getComputedStyle(document.activeElement, '::after').content")  # type: ignore[attr-defined]
    assert "approved:" in tip


def test_screenshots_at_desktop_and_phone_width(browser: object, served: Served) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for width in (1280, 390):
        context = browser.new_context(viewport={"width": width, "height": 1000})  # type: ignore[attr-defined]
        tab = context.new_page()
        tab.goto(f"{served.url}/a/ru/{NAME}")
        row_of(tab, served, "Near Kharkiv").locator("button.edit").click()
        shot = SCREENSHOTS / f"review-app-{width}.png"
        tab.screenshot(path=str(shot))
        assert shot.stat().st_size > 20_000
        # Nothing wider than the screen: no horizontal scrolling on a phone.
        assert tab.evaluate("document.documentElement.scrollWidth") <= width
        context.close()
