"""Ingest of .txt, .md and .html: block kinds, chrome lines, offsets, bad input."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from support import DATA, SEED_FILES, SEEDS
from typer.testing import Result

from pipeline.errors import ConfigError, InputError
from pipeline.ingest import find_articles, load_block_rules, read_article, read_articles
from pipeline.model import Article, BlockKind


def kinds(article: Article) -> dict[str, BlockKind]:
    return {block.text: block.kind for block in article.blocks}


# Every site-chrome line the seeds carry, and the kind it must get.
SEED_CHROME = [
    ("moscow-times-buryatia-objectors", "Support The Moscow Times!", BlockKind.BOILERPLATE),
    ("moscow-times-buryatia-objectors", "Read more", BlockKind.BOILERPLATE),
    ("moscow-times-buryatia-objectors", "paiment methods", BlockKind.BOILERPLATE),
    ("moscow-times-buryatia-objectors", "Not ready to support today?", BlockKind.BOILERPLATE),
    ("mediazona-rosgvardiya-refusals", "Load more", BlockKind.BOILERPLATE),
    ("mediazona-rosgvardiya-refusals", "Support Mediazona now!", BlockKind.BOILERPLATE),
    ("washington-post-deserters", "Related articles", BlockKind.BOILERPLATE),
    ("washington-post-deserters", "Recent articles", BlockKind.BOILERPLATE),
    ("washington-post-deserters", "-0.6 C", BlockKind.BOILERPLATE),
    ("meduza-savchenko-escape", "00:0041:28", BlockKind.BOILERPLATE),
    ("meduza-savchenko-escape", "Further reading", BlockKind.BOILERPLATE),
    ("mediazona-rosgvardiya-refusals", "Павел Васильев", BlockKind.FOREIGN),
    ("meduza-savchenko-escape", "Перейти к материалам", BlockKind.FOREIGN),
    ("moscow-times-buryatia-objectors", "Olga Maltseva / AFP", BlockKind.CAPTION),
    ("mediazona-rosgvardiya-refusals", "Illustration: Anya Leonova / Mediazona", BlockKind.CAPTION),
    ("meduza-contract-soldiers", "by Sasha Sivtsova", BlockKind.BYLINE),
    ("mediazona-rosgvardiya-refusals", "Editor: Egor Skovoroda", BlockKind.BYLINE),
    ("mediazona-rosgvardiya-refusals", "25 July 2022, 15:28", BlockKind.BYLINE),
    ("meduza-contract-soldiers", "Turned up in Ukraine", BlockKind.HEADING),
    (
        "moscow-times-buryatia-objectors",
        "Russian Authorities Detain, Threaten Soldiers Refusing to Fight in Ukraine",
        BlockKind.HEADING,
    ),
]


@pytest.mark.parametrize(("seed", "line", "kind"), SEED_CHROME, ids=lambda v: str(v)[:30])
def test_seed_lines_get_their_kind(seed: str, line: str, kind: BlockKind) -> None:
    article = read_article(SEEDS / f"{seed}.txt")
    assert kinds(article)[line] is kind


def test_chrome_never_reaches_translation() -> None:
    article = read_article(SEEDS / "moscow-times-buryatia-objectors.txt")
    chrome = [b for b in article.blocks if not b.kind.translatable]
    assert len(chrome) >= 8 and all(len(b.segments) == 1 for b in chrome)
    appeal = next(b for b in article.blocks if b.text.startswith("… we have a small favor"))
    assert appeal.kind is BlockKind.BOILERPLATE


def test_txt_list_items_keep_their_marker() -> None:
    article = read_article(SEEDS / "mediazona-rosgvardiya-refusals.txt")
    items = [b for b in article.blocks if b.kind is BlockKind.LIST_ITEM]
    assert len(items) == 8 and {b.marker for b in items} == {"•"}
    assert items[0].text.startswith("During the first days")


@pytest.mark.parametrize("path", SEED_FILES, ids=lambda p: p.stem)
def test_txt_offsets_point_into_the_source(path: Path) -> None:
    source = path.read_text("utf-8")
    article = read_article(path)
    for block in article.blocks:
        assert block.offset is not None
        assert source[block.offset : block.offset + len(block.text)] == block.text
        assert source.count("\n", 0, block.offset) + 1 == block.line


def test_hard_wrapped_text_joins_lines(tmp_path: Path) -> None:
    text = (
        "Soldiers refuse to fight\n\n"
        "Lieutenant Colonel Ikaev addressed his subordinates at the front\n"
        "warning that all who cross the border will be considered war\n"
        "criminals. Several hundred soldiers left anyway.\n\n"
        "The speech took place on the 28th of February, on the fifth day\n"
        "of the war, in the north of the Kharkiv oblast.\n"
    )
    path = tmp_path / "wrapped.txt"
    path.write_text(text, encoding="utf-8")
    article = read_article(path)
    assert [b.kind for b in article.blocks] == [BlockKind.HEADING, BlockKind.PARAGRAPH, BlockKind.PARAGRAPH]
    assert len(article.blocks[1].segments) == 2
    assert article.blocks[1].segments[0].text.endswith("war criminals.")


def test_markdown_structure_and_inline_markup() -> None:
    article = read_article(DATA / "article.md")
    by_kind = [(b.kind, b.marker) for b in article.blocks]
    assert by_kind[0] == (BlockKind.HEADING, "#")
    assert (BlockKind.BOILERPLATE, "") in by_kind and (BlockKind.FOREIGN, "") in by_kind
    assert [b.marker for b in article.blocks if b.kind is BlockKind.LIST_ITEM] == ["-", "-", "1.", "2."]
    assert any(b.kind is BlockKind.QUOTE for b in article.blocks)
    texts = [s.text for s in article.segments]
    # Inline markup stays as written, so a published article can restore it.
    assert "He said they would be **considered war criminals** by the [military prosecutor]" in " ".join(texts)
    assert "Soldiers *refuse* to fight" in texts
    source = (DATA / "article.md").read_text("utf-8")
    for block in article.blocks:
        assert block.markup == "markdown"
        if block.offset is not None:
            assert source[block.offset : block.offset + len(block.text)].replace("\n", " ") == block.text


def test_html_body_without_scripts_nav_footer() -> None:
    article = read_article(DATA / "article.html")
    found = kinds(article)
    assert found["Russian deserters tell of blood"] is BlockKind.HEADING
    assert found["By Jane Doe"] is BlockKind.BYLINE
    assert found["Igor in Moscow. (Photo: AFP)"] is BlockKind.CAPTION
    assert found['"The mobilized do not want to go to war," Igor said.'] is BlockKind.QUOTE
    assert found["He fled Russia."] is BlockKind.LIST_ITEM
    assert found["Перейти к материалам"] is BlockKind.FOREIGN
    assert found["Read more"] is BlockKind.BOILERPLATE
    everything = " ".join(found)
    assert "Do not translate this" not in everything and "Home" not in everything and "Copyright" not in everything
    assert article.blocks[2].line == 10


# --- bad input ---------------------------------------------------------------


def test_missing_file(cli: Callable[..., Result], tmp_path: Path) -> None:
    result = cli("run", tmp_path / "nope.txt", "--to", "ru", "--out", tmp_path / "out")
    assert result.exit_code == 2
    assert result.stderr.strip() == f"error: {tmp_path / 'nope.txt'}: no such file or folder; check the path"


def test_folder_without_articles(cli: Callable[..., Result], tmp_path: Path) -> None:
    (tmp_path / "notes.pdf").write_bytes(b"%PDF")
    result = cli("segment", tmp_path)
    assert result.exit_code == 2
    assert "no articles in this folder" in result.stderr and str(tmp_path) in result.stderr


def test_binary_file(cli: Callable[..., Result], tmp_path: Path) -> None:
    path = tmp_path / "photo.txt"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    result = cli("segment", path)
    assert result.exit_code == 2
    assert result.stderr.startswith(f"error: {path}: this is a binary file")
    assert "Traceback" not in result.stderr


def test_invalid_utf8_names_byte_offset_and_line(cli: Callable[..., Result], tmp_path: Path) -> None:
    path = tmp_path / "latin1.txt"
    path.write_bytes("First line.\nCaf\u00e9 society.\n".encode("latin-1"))
    result = cli("segment", path)
    assert result.exit_code == 2
    assert result.stderr.strip() == (f"error: {path}:2: invalid UTF-8 at byte offset 15 (byte 0xe9); re-save the file as UTF-8")


def test_empty_article(tmp_path: Path) -> None:
    path = tmp_path / "empty.md"
    path.write_text("  \n\n", encoding="utf-8")
    with pytest.raises(InputError, match="the article is empty"):
        read_article(path)


def test_article_of_chrome_only(tmp_path: Path) -> None:
    path = tmp_path / "chrome.txt"
    path.write_text("Read more\nLoad more\n", encoding="utf-8")
    with pytest.raises(InputError, match="no text to translate"):
        read_article(path)


def test_bad_article_is_skipped_when_others_remain(cli: Callable[..., Result], seeds_copy: Path) -> None:
    (seeds_copy / "broken.txt").write_bytes(b"\xff\xfe\x00\x00binary")
    result = cli("segment", seeds_copy, "--json")
    assert result.exit_code == 0
    assert f"warning: {seeds_copy / 'broken.txt'}: skipped: this is a binary file" in result.stderr


def test_folder_listing_skips_readme() -> None:
    names = [p.name for p in find_articles([SEEDS])]
    assert "README.md" not in names and len(names) == 5


def test_same_article_name_twice_is_refused(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    for folder in ("a", "b"):
        (tmp_path / folder / "story.txt").write_text("A sentence here.\n", encoding="utf-8")
    with pytest.raises(InputError, match="same review files"):
        read_articles(find_articles([tmp_path]))


def test_broken_block_rules_name_file_and_line(tmp_path: Path) -> None:
    bad = tmp_path / "bad-blocks.yaml"
    bad.write_text("boilerplate:\n  - 'read more'\n  - '(unclosed'\n", encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_block_rules(bad)
    assert str(caught.value).startswith(f"{bad}:3: pattern '(unclosed' does not compile")


def test_unknown_kind_in_block_rules(tmp_path: Path) -> None:
    bad = tmp_path / "bad-kind.yaml"
    bad.write_text("boilerplate: []\nfooter:\n  - 'x'\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r":2: unknown kind 'footer'"):
        load_block_rules(bad)
