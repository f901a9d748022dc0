"""TMX with inline codes and language subtags, PO references to file names with spaces, and PO read errors."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import polib
import pytest
from support import DATA
from typer.testing import Result

from pipeline.errors import InputError
from pipeline.formats.po import read_po, reference_path
from pipeline.formats.tmx import read_tmx

ROBUST = DATA / "robust"
ARTICLE = ROBUST / "tm-article.txt"
FSI, PDI = "\u2068", "\u2069"


def _one_line_error(result: Result) -> str:
    assert result.exit_code == 2, (result.stdout, result.stderr, result.exception)
    assert "Traceback" not in result.stderr
    line = result.stderr.strip()
    assert "\n" not in line, line
    return line


# --- TMX ------------------------------------------------------------------------


def test_tmx_inline_elements_and_subtags() -> None:
    memory = read_tmx(ROBUST / "inline.tmx")
    assert memory == {
        ("ru", "The court met in Moscow."): "Суд собрался в Москве.",
        ("ru", "She called the unit commander."): "Она позвонила командиру части.",
        ("ru", "They signed the contract."): "Они подписали контракт.",
    }


TMX_CASES = [
    # (source seg, target seg, what read_tmx keeps: the target text, or None for no match)
    ("Plain.", "Просто.", "Просто."),
    ("Nested <hi>and <hi>deeper</hi></hi> text.", "Вложенный <hi>и <hi>глубже</hi></hi> текст.", "Вложенный и глубже текст."),
    (
        "A <bpt i='1'>&lt;a href='x'&gt;<sub>title</sub></bpt>link<ept i='1'>&lt;/a&gt;</ept>.",
        "<bpt i='1'>x</bpt>Ссылка<ept i='1'>y</ept>.",
        "Ссылка.",
    ),
    ("Line<ph/> break.", "Перенос.", None),  # an empty placeholder still stands for something
    ("Unknown.", "Не<ut>{1}</ut>известно.", None),  # deprecated unknown tag: not text
    ("Ok.", "Так <ph>x</ph>.", None),
    ("Comment.", "Ком<!-- a note -->ментарий.", "Комментарий."),
    ("Empty target.", "", None),
]


@pytest.mark.parametrize(("source", "target", "expected"), TMX_CASES, ids=[c[0] for c in TMX_CASES])
def test_tmx_segment_content(tmp_path: Path, source: str, target: str, expected: str | None) -> None:
    tmx = tmp_path / "m.tmx"
    tmx.write_text(
        '<?xml version="1.0" encoding="UTF-8"?>\n<tmx version="1.4"><header srclang="en" segtype="sentence"/><body>'
        f'<tu><tuv xml:lang="en"><seg>{source}</seg></tuv><tuv xml:lang="ru"><seg>{target}</seg></tuv></tu>'
        "</body></tmx>\n",
        encoding="utf-8",
    )
    memory = read_tmx(tmx)
    assert list(memory.values()) == ([expected] if expected is not None else [])


def test_tmx_two_different_targets_for_one_language_are_no_match(tmp_path: Path) -> None:
    tmx = tmp_path / "m.tmx"
    tmx.write_text(
        '<tmx version="1.4"><header srclang="EN-US"/><body><tu>'
        '<tuv xml:lang="en-US"><seg>Hello.</seg></tuv>'
        '<tuv xml:lang="uk-UA"><seg>Привіт.</seg></tuv>'
        '<tuv xml:lang="ru-RU"><seg>Привет.</seg></tuv><tuv xml:lang="ru-BY"><seg>Здравствуйте.</seg></tuv>'
        "</tu></body></tmx>",
        encoding="utf-8",
    )
    assert read_tmx(tmx) == {("uk", "Hello."): "Привіт."}


def test_run_uses_the_text_of_inline_segments_and_never_a_fragment(cli: Callable[..., Result], tmp_path: Path) -> None:
    out = tmp_path / "locales"
    result = cli("run", ARTICLE, "--to", "ru", "--engine", "none", "--tm", ROBUST / "inline.tmx", "--out", out)
    assert result.exit_code == 0, result.stderr
    assert "3 from memory" in result.stdout
    catalog = polib.pofile(str(out / "ru" / "tm-article.po"))
    by_source = {e.msgid: e.msgstr for e in catalog if not e.obsolete}
    assert by_source["The court met in Moscow."] == "Суд собрался в Москве."
    assert by_source["She called the unit commander."] == "Она позвонила командиру части."
    assert by_source["They signed the contract."] == "Они подписали контракт."
    # Placeholders are not text: no «Он », and no translation of a source that held a placeholder.
    assert by_source["He left the base on Monday."] == ""
    assert by_source["The soldiers returned home."] == ""


def test_malformed_tmx_is_one_line_with_the_line_number(cli: Callable[..., Result], tmp_path: Path) -> None:
    bad = ROBUST / "malformed.tmx"
    result = cli("run", ARTICLE, "--to", "ru", "--engine", "none", "--tm", bad, "--out", tmp_path)
    line = _one_line_error(result)
    assert line.startswith(f"error: {bad}:6: not well-formed XML: Opening and ending tag mismatch")
    assert line.endswith("fix the file or export the memory again")
    assert not (tmp_path / "ru").exists()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ('<xliff version="1.2"><file/></xliff>', "not a TMX file: the root element is <xliff>"),
        ("", "not well-formed XML: Document is empty"),
    ],
)
def test_not_a_tmx(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "m.tmx"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(InputError) as caught:
        read_tmx(path)
    assert str(caught.value).startswith(f"{path}:1: {message}")


def test_missing_tmx(tmp_path: Path) -> None:
    with pytest.raises(InputError) as caught:
        read_tmx(tmp_path / "nowhere.tmx")
    assert str(caught.value) == f"{tmp_path / 'nowhere.tmx'}: no such TMX file; check the --tm path"


# --- PO references to a file name with spaces ---------------------------------------


@pytest.fixture
def spaced(tmp_path: Path) -> Path:
    """A real article whose file name has a space, and a tab for good measure in its folder."""
    folder = tmp_path / "my\tarticles"
    folder.mkdir()
    article = folder / "my story.txt"
    shutil.copy(ARTICLE, article)
    return article


def test_references_to_a_name_with_spaces_read_back_whole(cli: Callable[..., Result], spaced: Path, tmp_path: Path) -> None:
    out = tmp_path / "locales"
    result = cli("run", spaced, "--to", "ru", "--engine", "none", "--out", out)
    assert result.exit_code == 0, result.stderr
    po = out / "ru" / "my story.po"
    text = po.read_text("utf-8")
    assert f"#: {FSI}{spaced}{PDI}:3\n" in text
    check = subprocess.run(["msgfmt", "--check", "-o", "/dev/null", str(po)], capture_output=True, text=True)
    assert check.returncode == 0, check.stderr

    def references(path: Path) -> set[tuple[str, str]]:
        return {occurrence for entry in read_po(path) if not entry.obsolete for occurrence in entry.occurrences}

    found = references(po)
    assert {line for _, line in found} == {"1", "3", "5", "7", "9", "11"}
    assert {reference_path(path) for path, _ in found} == {str(spaced)}
    assert Path(reference_path(next(iter(found))[0])).is_file()

    # Files written again from what read_po gave (a re-run merging, `qa --fix-comments`) keep the reference whole.
    approved = 'msgid "The court met in Moscow."\nmsgstr "Суд собрался в Москве."'
    po.write_text(text.replace('msgid "The court met in Moscow."\nmsgstr ""', approved), encoding="utf-8")
    assert approved in po.read_text("utf-8")
    assert cli("run", spaced, "--to", "ru", "--engine", "none", "--out", out).exit_code == 0
    assert cli("qa", out, "--fix-comments").exit_code in (0, 1)
    assert references(po) == found
    assert f"#: {FSI}{spaced}{PDI}:5\n" in po.read_text("utf-8")

    # publish finds the article through the X-Source-File header.
    published = cli("publish", po, "--format", "txt")
    assert published.exit_code == 0, published.stderr
    assert "Суд собрался в Москве." in published.stdout


def test_plain_references_are_unchanged(cli: Callable[..., Result], tmp_path: Path) -> None:
    out = tmp_path / "locales"
    assert cli("run", ARTICLE, "--to", "ru", "--engine", "none", "--out", out).exit_code == 0
    po = out / "ru" / "tm-article.po"
    assert FSI not in po.read_text("utf-8")
    paths = {path for entry in read_po(po) for path, _ in entry.occurrences}
    assert len(paths) == 1 and reference_path(paths.pop()).endswith("tests/data/robust/tm-article.txt")


# --- PO read errors -----------------------------------------------------------------


def test_publish_a_missing_po_says_how_to_create_it(cli: Callable[..., Result], tmp_path: Path) -> None:
    missing = tmp_path / "ru" / "article.po"
    line = _one_line_error(cli("publish", missing, "--format", "md"))
    assert line.startswith(f"error: {missing}: no such PO file")
    assert "pipeline run" in line and "move it away" not in line


def test_invalid_utf8_in_a_po_names_the_line_and_column(cli: Callable[..., Result]) -> None:
    bad = ROBUST / "bad-utf8.po"
    line = _one_line_error(cli("publish", bad))
    assert line == f"error: {bad}:8: not valid UTF-8: byte 0xe9 at column 13 (byte offset 131); save the file as UTF-8"


def test_a_po_that_is_a_folder(tmp_path: Path) -> None:
    with pytest.raises(InputError) as caught:
        read_po(tmp_path)
    assert str(caught.value).startswith(f"{tmp_path}: cannot read this PO file (Is a directory)")
