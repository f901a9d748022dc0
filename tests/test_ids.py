"""Segment ids survive edits elsewhere in the article."""

from __future__ import annotations

from pathlib import Path

from support import SEEDS

from pipeline.ingest import read_article


def test_inserted_paragraph_does_not_renumber(tmp_path: Path) -> None:
    source = (SEEDS / "meduza-contract-soldiers.txt").read_text("utf-8")
    lines = source.split("\n")
    inserted = "A new paragraph was added by the editor. It has two sentences."
    edited = tmp_path / "meduza-contract-soldiers.txt"
    edited.write_text("\n".join([*lines[:5], inserted, *lines[5:]]), encoding="utf-8")

    before = {s.id: s.text for s in read_article(SEEDS / "meduza-contract-soldiers.txt").segments}
    after = {s.id: s.text for s in read_article(edited).segments}

    assert set(before) <= set(after), "an id of an untouched sentence changed"
    assert all(after[i] == text for i, text in before.items())
    assert len(after) == len(before) + 2


def test_edited_sentence_changes_only_its_own_id(tmp_path: Path) -> None:
    source = (SEEDS / "moscow-times-buryatia-objectors.txt").read_text("utf-8")
    edited = tmp_path / "moscow-times-buryatia-objectors.txt"
    edited.write_text(source.replace("put in their resignations earlier this month", "resigned in July"), "utf-8")
    before = [s.id for s in read_article(SEEDS / "moscow-times-buryatia-objectors.txt").segments]
    after = [s.id for s in read_article(edited).segments]
    assert len(before) == len(after)
    assert sum(1 for a, b in zip(before, after, strict=True) if a != b) == 1


def test_ids_are_unique_within_each_seed() -> None:
    for path in sorted(SEEDS.glob("*.txt")):
        ids = [s.id for s in read_article(path).segments]
        assert len(ids) == len(set(ids)), path.name
