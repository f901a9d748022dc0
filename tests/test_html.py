"""HTML review pages: every text escaped, terms marked on both sides, statuses, summary, filter; shown by a real browser."""

from __future__ import annotations

import shutil
import subprocess
from dataclasses import replace
from pathlib import Path

import lxml.html
import polib
import pytest
from hypothesis import given
from hypothesis import strategies as st
from support import ROOT, SEEDS

from pipeline.assess import Assessor
from pipeline.formats import ReviewDocument
from pipeline.formats.html import Highlight, highlight
from pipeline.formats.html import render as render_html
from pipeline.glossary.load import load_glossary
from pipeline.ingest import read_article
from pipeline.model import BlockKind, Finding, Severity, Span, TermStatus
from pipeline.review import ReviewUnit, Status, TermMark, term_marks

EVIL = "<script>alert(1)</script> \"double\" 'single' & amp"
EVIL_ESCAPED = "&lt;script&gt;alert(1)&lt;/script&gt; &#34;double&#34; &#39;single&#39; &amp; amp"

CHROMIUM = shutil.which("chromium")
needs_chromium = pytest.mark.skipif(CHROMIUM is None, reason="Chromium is not installed (apt-get install -y chromium)")
GLOSSARY = load_glossary([ROOT / "glossary"])


def finding(severity: str, check: str, message: str) -> Finding:
    return Finding("", None, Severity(severity), check, message)


def mark(source: str, surface: str, approved: str, entry_id: str, avoid: tuple[str, ...] = ()) -> TermMark:
    start = source.index(surface)
    return TermMark(entry_id, TermStatus.APPROVED, surface, approved, Span(start, start + len(surface)), avoid=avoid)


def unit(id: str, status: Status = Status.MACHINE, block_index: int = 0, **fields: object) -> ReviewUnit:
    defaults: dict[str, object] = {"block_kind": "paragraph", "source": f"Source {id}.", "target": f"Перевод {id}."}
    return ReviewUnit(id=id, block_index=block_index, status=status, **{**defaults, **fields})  # type: ignore[arg-type]


def assessed(source: str, mt: str, lang: str = "ru") -> ReviewUnit:
    """A unit as `run` makes it: the MT enforced and checked against the shipped glossary."""
    assessment = Assessor(GLOSSARY, lang).machine(source, mt)
    return unit(
        "a",
        source=source,
        target=assessment.text,
        raw_mt=assessment.raw_mt,
        terms=term_marks(source, assessment, GLOSSARY, lang),
        findings=assessment.findings,
    )


def render(units: list[ReviewUnit], **overrides: str) -> str:
    options = {"title": "An article", "source_lang": "en", "target_lang": "ru", "signature": "pipeline 0.1.0|engine:none"}
    options.update(overrides)
    document = ReviewDocument(
        title=options["title"],
        original="article.txt",
        source_lang=options["source_lang"],
        target_lang=options["target_lang"],
        signature=options["signature"],
        units=tuple(units),
        catalog=polib.POFile(),
    )
    return render_html(document)


def parse(page: str) -> lxml.html.HtmlElement:
    return lxml.html.document_fromstring(page)


def marks(element: lxml.html.HtmlElement) -> list[tuple[str, str]]:
    return [(mark.text_content(), mark.get("class")) for mark in element.xpath(".//mark")]


# --- escaping -------------------------------------------------------------------------------------


def test_every_text_is_escaped() -> None:
    evil_unit = unit(
        EVIL,
        status=Status.CHANGED,
        block_kind=EVIL,
        source=f"{EVIL} and {EVIL}",
        target=EVIL,
        terms=(
            mark(f"{EVIL} and {EVIL}", EVIL, EVIL, EVIL, avoid=(EVIL,)),
            TermMark(EVIL, TermStatus.APPROVED, EVIL, EVIL, Span(len(EVIL) + 5, 2 * len(EVIL) + 5), avoid=(EVIL,)),
        ),
        findings=(finding("error", EVIL, EVIL),),
        raw_mt=EVIL + " raw",
        previous_source=EVIL,
        reference=EVIL,
        translator_comment=EVIL,
    )
    page = render([evil_unit, unit("plain")], title=EVIL, signature=EVIL, target_lang=EVIL)

    assert "<script>alert" not in page
    assert EVIL_ESCAPED in page
    doc = parse(page)
    assert len(doc.xpath("//script")) == 1  # only the page's own filter script
    assert doc.get("lang") == "en"  # the page's own words are English; each text is marked with its language
    assert {cell.get("lang") for cell in doc.find_class("target")} == {EVIL}
    assert doc.findtext(".//title").startswith(EVIL)
    assert doc.findtext(".//h1") == EVIL
    rows = doc.xpath("//*[@data-status]")
    assert [row.get("id") for row in rows] == [f"seg-{EVIL}", "seg-plain"]
    source = rows[0].find_class("source")[0]
    assert source.text_content() == f"{EVIL} and {EVIL}"
    assert [text for text, _ in marks(source)] == [EVIL, EVIL]
    assert source.xpath(".//mark/@title")[0] == f"approved: {EVIL} ({EVIL}); avoid: {EVIL}"
    assert rows[0].find_class("target")[0].text_content() == EVIL
    assert rows[0].xpath('.//li[contains(@class, "finding")]')[0].text_content() == f"error [{EVIL}] {EVIL}"
    assert EVIL in rows[0].xpath('string(.//*[@class="previous"])')
    assert EVIL in rows[0].xpath('string(.//*[@class="note"])')
    assert doc.xpath('string(//*[@class="signature"])') == EVIL
    assert f"{EVIL}: 1" in doc.xpath('string(//*[@class="checks"])')


# Surrogates cannot be encoded and control characters are not allowed in HTML text.
@given(st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc"))))
def test_any_text_reads_back_from_the_page(text: str) -> None:
    page = render([unit("x", source=text, target=text, findings=(finding("warning", "x", text),))], title=text, signature=text)
    doc = parse(page)
    row = doc.xpath("//*[@data-status]")[0]
    assert row.find_class("source")[0].text_content() == text
    assert row.find_class("finding")[0].text_content() == f"warning [x] {text}"
    assert doc.xpath('string(//*[@class="signature"])') == text


# --- content --------------------------------------------------------------------------------------


def test_terms_are_marked_in_source_and_translation_at_their_spans() -> None:
    row = assessed(
        "The garrison court heard the case of Russian National Guard servicemen; the Garrison Court agreed.",
        "Гарнизонный военный суд рассмотрел дело росгвардейцев; гарнизонный военный суд согласился.",
    )
    doc = parse(render([row]))
    source, target = doc.find_class("source")[0], doc.find_class("target")[0]
    assert marks(source) == [
        ("garrison court", "term"),
        ("Russian National Guard servicemen", "term"),
        ("Garrison Court", "term"),
    ]
    # The renderings verification found, in their case forms, not a search for the approved term's letters.
    assert marks(target) == [
        ("Гарнизонный военный суд", "term"),
        ("росгвардейцев", "term"),
        ("гарнизонный военный суд", "term"),
    ]
    assert source.xpath(".//mark/@title")[0] == "approved: гарнизонный военный суд (garrison-court); avoid: гарнизонный двор"
    assert target.xpath(".//mark/@title")[1].startswith("approved: росгвардеец (national-guardsman); avoid: нацгвардеец")


def test_term_fixed_by_enforcement_is_marked_with_the_raw_mt_beside() -> None:
    row = assessed(
        "The garrison court heard the case of Russian National Guard servicemen.",
        "Гарнизонный военный суд рассмотрел дело нацгвардейцев.",
    )
    assert row.raw_mt == "Гарнизонный военный суд рассмотрел дело нацгвардейцев."
    doc = parse(render([row]))
    source, target = doc.find_class("source")[0], doc.find_class("target")[0]
    assert ("Russian National Guard servicemen", "term fixed") in marks(source)
    assert marks(target) == [("Гарнизонный военный суд", "term"), ("росгвардейцев", "term fixed")]
    assert target.xpath(".//mark/@title")[1].endswith("fixed from «нацгвардейцев»")
    raw = doc.xpath('//*[@class="raw-mt"]')[0]
    assert "machine translation before term fixes" in raw.text_content()
    assert ("нацгвардейцев", "term avoided") in marks(raw)


def test_flagged_and_missing_terms_are_marked_as_such() -> None:
    row = assessed("The garrison court heard the case of OMON officers.", "Суд рассмотрел дело.")
    source = parse(render([row])).find_class("source")[0]
    classes = dict(marks(source))
    assert classes["garrison court"] in ("term missing", "term flagged")
    assert classes["OMON"] == "term missing"


def test_highlighting_visits_each_mark_once() -> None:
    """The algorithmic bound, counted: one pass over the marks, whatever their number or the text's length."""

    class Counted(list[Highlight]):
        visits = 0

        def __iter__(self):  # type: ignore[no-untyped-def]
            for item in super().__iter__():
                Counted.visits += 1
                yield item

    for size in (1_000, 10_000, 100_000):
        text = "росгвардия " * size
        spans = Counted(Highlight(11 * k, 11 * k + 10, "term", "t") for k in range(size))
        Counted.visits = 0
        pieces = highlight(text, spans)
        assert Counted.visits == size  # sorted() reads the list once
        assert sum(mark is not None for _, mark in pieces) == size and "".join(t for t, _ in pieces) == text


def test_no_raw_mt_line_when_enforcement_changed_nothing() -> None:
    doc = parse(render([unit("same", raw_mt="Перевод same.")]))
    assert doc.xpath('//*[@class="raw-mt"]') == []


def test_statuses_findings_blocks_and_summary() -> None:
    units = [
        unit("title", Status.REVIEWED, 0, block_kind="heading"),
        unit(
            "one",
            Status.MACHINE,
            1,
            findings=(finding("warning", "length", "too short"), finding("info", "term-fixed", "«a» → «b» (x: avoid «a»)")),
        ),
        unit("two", Status.CHANGED, 1, previous_source="The old English."),
        unit("three", Status.UNTRANSLATED, 1, target=""),
        unit("done", Status.REVIEWED, 2, findings=(finding("info", "quotes", "fine"),)),
        unit(
            "chrome", Status.NOT_FOR_TRANSLATION, 3, block_kind="boilerplate", target="", findings=(finding("error", "x", "odd"),)
        ),
    ]
    page = render(units)
    doc = parse(page)
    rows = doc.xpath("//*[@data-status]")
    assert [(row.get("id"), row.get("data-status")) for row in rows] == [
        ("seg-title", "reviewed"),
        ("seg-one", "machine"),
        ("seg-two", "source-changed"),
        ("seg-three", "untranslated"),
        ("seg-done", "reviewed"),
        ("seg-chrome", "not-for-translation"),
    ]
    attention = [row.get("id") for row in rows if "attention" in row.get("class").split()]
    assert attention == ["seg-one", "seg-two", "seg-three", "seg-chrome"]

    blocks = doc.xpath("//section")
    assert [block.get("data-kind") for block in blocks] == ["heading", "paragraph", "paragraph", "boilerplate"]
    assert [len(block.xpath(".//*[@data-status]")) for block in blocks] == [1, 3, 1, 1]
    assert [block.findtext('.//*[@class="kind"]') for block in blocks] == ["heading", "paragraph", "paragraph", "boilerplate"]
    assert "The old English." in rows[2].xpath('string(.//*[@class="previous"])')
    assert rows[3].find_class("target")[0].text_content() == "not translated yet"

    assert [li.get("class") for li in rows[1].xpath(".//li")] == ["finding warning", "finding info"]
    assert rows[5].xpath(".//li/@class") == ["finding error"]

    # Not-for-translation rows are not counted as segments (review.summary).
    summary = doc.xpath('//*[@class="summary"]')[0].text_content()
    assert "5 segments" in summary
    assert "2 reviewed" in summary
    assert "3 need attention" in summary
    checks = [li.text_content() for li in doc.xpath('//*[@class="checks"]/li')]
    assert checks == ["length: 1", "quotes: 1", "term-fixed: 1"]

    checkbox = doc.xpath('//input[@id="attention-only"]')[0]
    assert checkbox.get("type") == "checkbox"
    assert "need attention" in checkbox.getparent().text_content()
    assert "body.attention-only .row:not(.attention)" in page
    assert page == render(units)  # deterministic


def test_page_is_self_contained_and_set_up_for_phones() -> None:
    page = render([unit("a")], target_lang="uk")
    doc = parse(page)
    assert doc.get("lang") == "en" and doc.find_class("target")[0].get("lang") == "uk"
    assert doc.xpath("//meta/@charset") == ["utf-8"]
    assert doc.xpath('//meta[@name="viewport"]/@content') == ["width=device-width, initial-scale=1"]
    assert doc.xpath("//@src | //link | //@href[not(starts-with(., '#'))]") == []
    assert "@media (max-width:700px)" in page
    assert "Ukrainian (uk)" in doc.text_content()


# --- a real browser -------------------------------------------------------------------------------


def seed_units() -> list[ReviewUnit]:
    """Units for a real seed: fake Russian, a term, a fixed term, findings, a reviewed and a changed row."""
    article = read_article(SEEDS / "moscow-times-buryatia-objectors.txt")
    assessor = Assessor(GLOSSARY, "ru")
    units = []
    for index, block in enumerate(article.blocks):
        for segment in block.segments:
            if not block.kind.translatable:
                kind = block.kind.value
                units.append(unit(segment.id, Status.NOT_FOR_TRANSLATION, index, block_kind=kind, source=segment.text, target=""))
                continue
            mt = "Военнослужащие из Бурятии отказались воевать." if "Buryatia" in segment.text else f"Сегмент {len(units)}."
            assessment = assessor.machine(segment.text, mt)
            units.append(
                unit(
                    segment.id,
                    block_index=index,
                    block_kind=block.kind.value,
                    source=segment.text,
                    target=assessment.text,
                    terms=term_marks(segment.text, assessment, GLOSSARY, "ru"),
                    findings=assessment.findings,
                )
            )
    first = next(i for i, u in enumerate(units) if u.block_kind == BlockKind.HEADING)
    units[first] = replace(units[first], status=Status.REVIEWED, target="Власти России задерживают отказников")
    units[first + 2] = replace(units[first + 2], status=Status.CHANGED, previous_source="An older version of this caption.")
    return units


def chromium(tmp_path: Path, name: str, *args: str) -> subprocess.CompletedProcess[str]:
    assert CHROMIUM is not None
    command = [
        CHROMIUM,
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        f"--user-data-dir={tmp_path / f'profile-{name}'}",  # one per run: a profile is locked while in use
        *args,
    ]
    return subprocess.run(command, capture_output=True, text=True, timeout=60, check=False)


@needs_chromium
def test_chromium_renders_the_page_on_desktop_and_phone(tmp_path: Path) -> None:
    units = seed_units()
    page = tmp_path / "review.html"
    page.write_text(render(units, title="moscow-times-buryatia-objectors"), "utf-8")
    url = page.as_uri()

    dom = chromium(tmp_path, "dom", "--dump-dom", url)
    assert dom.returncode == 0, dom.stderr
    doc = parse(dom.stdout)
    assert doc.findtext(".//h1") == "moscow-times-buryatia-objectors"
    assert len(doc.xpath("//*[@data-status]")) == len(units)
    assert doc.xpath('//*[@data-status="reviewed"]/@id') == [f"seg-{u.id}" for u in units if u.status is Status.REVIEWED]
    translatable = sum(u.status is not Status.NOT_FOR_TRANSLATION for u in units)
    assert f"{translatable} segments" in doc.xpath('string(//*[@class="summary"])')
    assert "Бурятии" in [mark.text_content() for cell in doc.find_class("target") for mark in cell.iter("mark")]

    # The filter script runs: a checkbox that starts checked puts the class on <body>.
    checked = tmp_path / "checked.html"
    checked.write_text(page.read_text("utf-8").replace('id="attention-only"', 'id="attention-only" checked'), "utf-8")
    filtered = chromium(tmp_path, "filter", "--dump-dom", checked.as_uri())
    assert filtered.returncode == 0, filtered.stderr
    assert parse(filtered.stdout).find("body").get("class") == "attention-only"

    for name, size in [("desktop", "1280,2000"), ("phone", "390,2000")]:
        shot = tmp_path / f"{name}.png"
        run = chromium(tmp_path, name, f"--window-size={size}", f"--screenshot={shot}", url)
        assert run.returncode == 0, run.stderr
        data = shot.read_bytes()
        assert data.startswith(b"\x89PNG\r\n\x1a\n")
        assert len(data) > 20_000, f"{name} screenshot is only {len(data)} bytes"
        width = int.from_bytes(data[16:20], "big")  # the IHDR chunk comes first
        assert width == int(size.split(",")[0])
