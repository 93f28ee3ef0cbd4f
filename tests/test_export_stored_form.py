"""Records are stored as the JSON Lines export writes them, and copied through.

The export writes an article's or link's stored text as it stands, and a
speech's between its debate's cells; a record stored another way (by an older
crawler, with keys sorted) is decoded and written again. Both must give the
same files, byte for byte, in every format.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import replace
from pathlib import Path

import pytest

from crawler import items
from crawler.corpus.store import STORE_FILENAME, CorpusStore, dumps
from crawler.export import FORMATS, ExportOptions, export
from crawler.export.rows import SPEECH_CELLS
from crawler.export.tables import speeches_table
from crawler.items import LinkItem, as_dict
from crawler.recordtext import field_order
from tests.support.corpus import BuiltCorpus, copy_corpus

# Options that take each path through the export: every field, fields left out,
# and the filters on each kind of record.
OPTIONS = {
    "plain": {},
    "linked-only": {"linked_only": True},
    "commons, since": {"houses": ("commons",), "since": "2025-02-11"},
    "site, party": {"sites": ("ukdefencejournal",), "parties": ("labour",)},
    "no article text": {"article_text": False},
    "shareable, linked-only": {"shareable": True, "linked_only": True},
}


def files_of(folder: Path) -> dict[str, bytes]:
    return {
        str(path.relative_to(folder)): path.read_bytes()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


def store_sorted(corpus: Path) -> int:
    """Store every record with sorted keys, as crawlers before this form did; returns
    how many records changed."""
    changed = 0
    with sqlite3.connect(corpus / STORE_FILENAME) as conn:
        for table in ("articles", "debates", "links"):
            rows = conn.execute(f"SELECT id, record FROM {table}").fetchall()
            for record_id, text in rows:
                old = json.dumps(
                    json.loads(text), ensure_ascii=False, sort_keys=True, separators=(",", ":")
                )
                changed += old != text
                conn.execute(f"UPDATE {table} SET record = ? WHERE id = ?", (old, record_id))
    return changed


def test_a_whole_article_is_stored_in_the_export_key_order(sample_corpus: BuiltCorpus) -> None:
    store = CorpusStore(sample_corpus.folder, read_only=True)
    try:
        texts = list(store.iter_raw("articles"))
        links = list(store.iter_raw("links"))
    finally:
        store.close()
    assert texts and links
    for text in texts:
        record = json.loads(text)
        assert tuple(record) == field_order(items.ArticleItem)
        for comment in record["comments"]:
            assert tuple(comment) == field_order(items.Comment)
        assert list(record["extraction"]) == sorted(record["extraction"])
    for text in links:
        assert tuple(json.loads(text)) == field_order(items.LinkItem)


def test_a_whole_debate_is_stored_with_its_speeches_in_the_export_key_order(
    sample_corpus: BuiltCorpus,
) -> None:
    store = CorpusStore(sample_corpus.folder, read_only=True)
    try:
        debates = [json.loads(text) for text in store.iter_raw("debates")]
    finally:
        store.close()
    assert debates
    for debate in debates:
        assert tuple(debate) == field_order(items.DebateItem)
        assert list(debate["date_raw"]) == sorted(debate["date_raw"])
        for speech in debate["speeches"]:
            assert tuple(speech) == field_order(items.Speech)
            # English, then Welsh, then any other interface: as speech rows give them.
            labels = list(speech["party_raw"])
            assert labels == [i for i in ("en", "cy") if i in labels] + sorted(
                set(labels) - {"en", "cy"}
            )


def test_a_record_missing_fields_keeps_its_keys_sorted() -> None:
    # Defaults are the export's to fill: stored as given, the record keeps sorted keys.
    record = {"id": "a1", "url": "https://example.org/a", "text": "Body."}
    assert (
        dumps(record, items.ArticleItem)
        == '{"id":"a1","text":"Body.","url":"https://example.org/a"}'
    )
    unknown = {**as_dict(link()), "note": "kept"}
    assert list(json.loads(dumps(unknown, LinkItem))) == sorted(unknown)


def test_a_whole_link_is_stored_as_its_exported_line() -> None:
    whole = as_dict(link())
    assert dumps(whole, LinkItem) == (
        '{"id":"l1","article_id":"a1","debate_id":"d1","speech_id":"d1.2","quote":"£2.5bn",'
        '"article_start":0,"article_end":6,"speech_start":10,"speech_end":16,"score":1.0,'
        '"kind":"exact","speech_language":null,"speech_text":"original"}'
    )


def test_a_record_holding_an_integer_beyond_64_bits_keeps_its_keys_sorted() -> None:
    # The export copies export-form text through but decodes sorted-key text (with
    # orjson, which reads such an integer as a float, as CSV and speech rows do): the
    # record is kept in the form whose every export path writes the same value.
    record = as_dict(replace(link(), speech_start=2**70, speech_end=2**70 + 6))
    text = dumps(record, LinkItem)
    assert list(json.loads(text)) == sorted(record)
    assert json.loads(text)["speech_start"] == 2**70


def link() -> LinkItem:
    return LinkItem(
        id="l1",
        article_id="a1",
        debate_id="d1",
        speech_id="d1.2",
        quote="£2.5bn",
        article_start=0,
        article_end=6,
        speech_start=10,
        speech_end=16,
        score=1.0,
        kind="exact",
    )


def test_jsonl_lines_of_articles_and_links_are_the_stored_text(
    sample_corpus: BuiltCorpus, tmp_path: Path
) -> None:
    folder = tmp_path / "out"
    export(sample_corpus.folder, folder, ExportOptions(format="jsonl"))
    store = CorpusStore(sample_corpus.folder, read_only=True)
    try:
        for table in ("articles", "links"):
            stored = [text.encode("utf-8") + b"\n" for text in store.iter_raw(table)]
            written = (folder / f"{table}.jsonl").read_bytes().splitlines(keepends=True)
            assert written == stored
    finally:
        store.close()


@pytest.mark.parametrize("format", FORMATS)
def test_records_stored_with_sorted_keys_export_the_same_files(
    sample_corpus: BuiltCorpus, tmp_path: Path, format: str
) -> None:
    old = copy_corpus(sample_corpus.folder, tmp_path / "old")
    assert store_sorted(old) > 0
    for name, options in OPTIONS.items():
        new_folder, old_folder = tmp_path / f"new-{name}", tmp_path / f"old-{name}"
        export(sample_corpus.folder, new_folder, ExportOptions(format=format, **options))
        export(old, old_folder, ExportOptions(format=format, **options))
        assert files_of(new_folder) == files_of(old_folder), name


def test_the_json_lines_speech_columns_are_the_cells_the_splice_writes() -> None:
    # Should the two drift apart, speech lines would quietly take the slow path.
    assert tuple(column.name for column in speeches_table("jsonl").columns) == SPEECH_CELLS
