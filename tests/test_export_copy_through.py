"""The JSON Lines export writes stored texts without decoding them.

An article's text is copied through, its card timestamps read from the store's
columns; a debate's speeches are cut out of its stored text. A store of schema
version 3 (whose debates were not checked for the cut) is read the decoding way
until it is opened for writing, which brings it up to date; both give the same
files.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from pathlib import Path
from typing import Any

import orjson
import pytest

from crawler import items
from crawler.corpus.store import SCHEMA_VERSION, STORE_FILENAME, CorpusStore, dumps
from crawler.export import ExportError, ExportOptions, export
from crawler.export import rows as export_rows
from crawler.export import selection as export_selection
from crawler.export.selection import ReadOnlyCorpus
from crawler.recordtext import (
    debate_parts,
    export_form,
    field_order,
    in_export_form,
    speech_id_end,
    speech_party_raw,
)
from tests.support.corpus import BuiltCorpus, copy_corpus
from tests.test_export_stored_form import OPTIONS, files_of, store_sorted


def stored_texts(folder: Path, table: str) -> list[bytes]:
    with sqlite3.connect(folder / STORE_FILENAME) as conn:
        return [text for (text,) in conn.execute(f"SELECT CAST(record AS BLOB) FROM {table}")]


RECORD_TYPES = {
    "articles": items.ArticleItem,
    "debates": items.DebateItem,
    "links": items.LinkItem,
}


@pytest.mark.parametrize("table", sorted(RECORD_TYPES))
def test_the_export_form_is_told_from_sorted_keys_by_the_first_keys(
    sample_corpus: BuiltCorpus, table: str
) -> None:
    cls = RECORD_TYPES[table]
    texts = stored_texts(sample_corpus.folder, table)
    assert texts
    for text in texts:
        assert in_export_form(text, cls)
        record = json.loads(text)
        assert not in_export_form(dumps(record).encode(), cls)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (b'{"id":"a1","url":"https://x.org/a","site":"X","fetched_at":', True),
        # An escaped quote or backslash in a value, and a value that is none.
        (b'{"id":"a\\"1","url":"https://x.org/\\\\","site":"X"', True),
        (b'{"id":"a1","url":null,"site":null}', True),
        # Sorted keys: a record holding only keys from "id" on.
        (b'{"id":"a1","url":"https://x.org/a","urls":[]}', False),
        (b'{"id":"a1","text":"Body.","url":"https://x.org/a"}', False),
        (b'{"authors":[],"canonical_url":null,"comments":[]}', False),
        # A value no first field holds, and text cut short.
        (b'{"id":"a1","url":["https://x.org/a"],"site":"X"}', False),
        (b'{"id":"a1","url":"https://x.org/a', False),
        (b"", False),
    ],
)
def test_the_first_keys_of_an_article(text: bytes, expected: bool) -> None:
    assert in_export_form(text, items.ArticleItem) is expected


def test_a_stored_debate_is_cut_into_itself_without_speeches_and_each_speech(
    sample_corpus: BuiltCorpus,
) -> None:
    texts = stored_texts(sample_corpus.folder, "debates")
    assert texts
    for text in texts:
        debate = orjson.loads(text)
        parts = debate_parts(text)
        assert parts is not None
        frame, pieces = parts
        assert orjson.loads(frame) == {**debate, "speeches": []}
        assert [orjson.loads(b'{"id":' + piece + b"}") for piece in pieces] == debate["speeches"]
        assert [orjson.loads(piece[: speech_id_end(piece)]) for piece in pieces] == [
            speech["id"] for speech in debate["speeches"]
        ]
        assert [orjson.loads(speech_party_raw(piece)) for piece in pieces] == [
            speech["party_raw"] for speech in debate["speeches"]
        ]


def speech(number: int, **fields: Any) -> dict[str, Any]:
    return (
        items.as_dict(
            items.Speech(id=f"d1.{number}", text=f"Speech {number}.", party_raw={"en": "Labour"})
        )
        | fields
    )


def debate(speeches: list[dict[str, Any]]) -> dict[str, Any]:
    return items.as_dict(
        items.debate_from_record(
            {
                "id": "d1",
                "house": "commons",
                "url": "https://www.theyworkforyou.com/debates/?id=d1",
                "interface": "en",
                "fetched_at": "2025-02-10T06:00:00+00:00",
                "date": "2025-02-10",
                "speeches": speeches,
            }
        )
    )


@pytest.mark.parametrize(
    ("odd_speech", "odd_debate"),
    [
        # The separator of two speeches within one speech's value.
        ({"flags": [{"id": "x"}, {"id": "y"}]}, {}),
        # The end of the speeches within a value after them.
        ({}, {"source": {"capture": [], "previous_ids": []}}),
        # An id that is not text, and a party label that is not an object.
        ({"id": {"text": "d1.2"}}, {}),
        ({"party_raw": None}, {}),
        # The key after a party label within it.
        ({"party_raw": {"en": {"name": "Labour", "party": "labour"}}}, {}),
    ],
)
def test_a_debate_whose_speeches_would_not_be_cut_exactly_keeps_sorted_keys(
    odd_speech: dict[str, Any], odd_debate: dict[str, Any]
) -> None:
    plain = debate([speech(1), speech(2)])
    assert dumps(plain, items.DebateItem).encode() == orjson.dumps(
        export_form(plain, items.DebateItem)
    )
    # Values that look alike inside text do not get in the way.
    quoted = debate([speech(1, text='"},{"id":"x"'), speech(2, flags=['],"previous_ids":'])])
    assert in_export_form(dumps(quoted, items.DebateItem).encode(), items.DebateItem)
    record = debate([speech(1), speech(2, **odd_speech), speech(3)]) | odd_debate
    text = dumps(record, items.DebateItem)
    assert text == json.dumps(record, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def test_odd_debates_export_as_they_would_stored_with_sorted_keys(
    sample_corpus: BuiltCorpus, tmp_path: Path
) -> None:
    corpus = copy_corpus(sample_corpus.folder, tmp_path / "corpus")
    store = CorpusStore(corpus)
    try:
        for number, odd in enumerate(({"flags": [{"id": "x"}, {"id": "y"}]}, {"party_raw": None})):
            record = debate([speech(1), speech(2, **odd)])
            record["id"] = f"d{number}"
            store.put_debate(record, family=f"d{number}")
    finally:
        store.close()
    old = copy_corpus(corpus, tmp_path / "old")
    store_sorted(old)
    export(corpus, tmp_path / "new-export", ExportOptions(format="jsonl"))
    export(old, tmp_path / "old-export", ExportOptions(format="jsonl"))
    assert files_of(tmp_path / "new-export") == files_of(tmp_path / "old-export")


def test_a_default_json_lines_export_decodes_no_article_and_no_debate_whole(
    sample_corpus: BuiltCorpus, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    decoded: list[dict[str, Any]] = []
    load_record = export_rows.load_record

    def counted(text: str | bytes) -> Any:
        record = load_record(text)
        decoded.append(record)
        return record

    monkeypatch.setattr(export_rows, "load_record", counted)
    export(sample_corpus.folder, tmp_path / "out", ExportOptions(format="jsonl"))
    assert decoded, "links are decoded, to be chosen"
    assert all(set(record) == set(items.LinkItem.__dataclass_fields__) for record in decoded)
    assert (tmp_path / "out" / "articles.jsonl").read_bytes()
    assert (tmp_path / "out" / "speeches.jsonl").read_bytes()


def version_3_store(corpus: Path) -> bytes:
    """Make ``corpus``'s store as schema version 3 kept it: no timestamp columns, and a
    debate in its export form whose speeches the cut gets wrong; returns that text."""
    with sqlite3.connect(corpus / STORE_FILENAME) as conn:
        conn.execute("ALTER TABLE articles DROP COLUMN fetched_at")
        conn.execute("ALTER TABLE articles DROP COLUMN last_changed")
        debate_id, text = conn.execute("SELECT id, record FROM debates LIMIT 1").fetchone()
        record = json.loads(text)
        record["speeches"][0]["flags"] = [{"id": "x"}, {"id": "y"}]
        uncut = orjson.dumps(export_form(record, items.DebateItem))
        conn.execute("UPDATE debates SET record = ? WHERE id = ?", (uncut.decode(), debate_id))
        conn.execute("PRAGMA user_version = 3")
    return uncut


@pytest.mark.parametrize("format", ["jsonl", "csv"])
def test_a_version_3_store_exports_the_same_files_before_and_after_it_is_brought_up_to_date(
    sample_corpus: BuiltCorpus, tmp_path: Path, format: str
) -> None:
    corpus = copy_corpus(sample_corpus.folder, tmp_path / "corpus")
    uncut = version_3_store(corpus)
    old = ReadOnlyCorpus(corpus)
    try:
        assert not old.copies_through
    finally:
        old.close()
    for name, options in OPTIONS.items():
        export(corpus, tmp_path / f"v3-{name}", ExportOptions(format=format, **options))
    CorpusStore(corpus).close()
    new = ReadOnlyCorpus(corpus)
    try:
        assert new.copies_through
    finally:
        new.close()
    for name, options in OPTIONS.items():
        export(corpus, tmp_path / f"v4-{name}", ExportOptions(format=format, **options))
        assert files_of(tmp_path / f"v4-{name}") == files_of(tmp_path / f"v3-{name}"), name
    debates = stored_texts(corpus, "debates")
    assert uncut not in debates
    assert sum(not in_export_form(text, items.DebateItem) for text in debates) == 1
    assert card_columns(corpus) == card_columns_from_records(corpus)


def card_columns(corpus: Path) -> list[tuple[Any, ...]]:
    with sqlite3.connect(corpus / STORE_FILENAME) as conn:
        return conn.execute("SELECT id, fetched_at, last_changed FROM articles").fetchall()


def card_columns_from_records(corpus: Path) -> list[tuple[Any, ...]]:
    with sqlite3.connect(corpus / STORE_FILENAME) as conn:
        records = [json.loads(text) for (text,) in conn.execute("SELECT record FROM articles")]
    return [(r["id"], r.get("fetched_at"), r.get("last_changed")) for r in records]


def test_every_article_write_keeps_its_card_columns(tmp_path: Path) -> None:
    store = CorpusStore(tmp_path)
    record = {
        "id": "a1",
        "url": "https://x.org/a",
        "fetched_at": "2025-02-10T09:00:00+00:00",
        "last_changed": "2025-02-10T09:00:00+00:00",
    }
    try:
        store.put_article(record, identities=(), sketch=())
        assert card_columns(tmp_path) == [("a1", record["fetched_at"], record["last_changed"])]
        # An update, and a value that is not text (no timestamp the card can report).
        store.put_article(
            {**record, "fetched_at": "2025-03-01T09:00:00+00:00", "last_changed": 5},
            identities=(),
            sketch=(),
        )
        assert card_columns(tmp_path) == [("a1", "2025-03-01T09:00:00+00:00", None)]
    finally:
        store.close()


def test_a_csv_export_decodes_each_debate_once(
    sample_corpus: BuiltCorpus, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # CSV's party columns are known before its speech rows are written: from the
    # speeches' texts, not from a decoding of each debate before the one for its rows.
    decoded: list[str] = []
    load_record = export_rows.load_record

    def counted(text: str | bytes) -> Any:
        record = load_record(text)
        if "speeches" in record:
            decoded.append(record["id"])
        return record

    monkeypatch.setattr(export_rows, "load_record", counted)
    monkeypatch.setattr(export_selection, "load_record", counted)
    export(sample_corpus.folder, tmp_path / "out", ExportOptions(format="csv"))
    debates = {record["id"] for record in sample_corpus.read("debates")}
    assert sorted(decoded) == sorted(debates)


def test_a_version_3_store_whose_article_holds_nan_is_brought_up_to_date(
    sample_corpus: BuiltCorpus, tmp_path: Path
) -> None:
    # Stored with sorted keys (a field missing), as json writes it: NaN, which
    # SQLite's JSON functions refuse.
    corpus = copy_corpus(sample_corpus.folder, tmp_path / "corpus")
    version_3_store(corpus)
    with sqlite3.connect(corpus / STORE_FILENAME) as conn:
        article_id, text = conn.execute("SELECT id, record FROM articles LIMIT 1").fetchone()
        record = json.loads(text)
        del record["title"]
        record["extraction"] = {"score": float("nan")}
        conn.execute(
            "UPDATE articles SET record = ? WHERE id = ?",
            (json.dumps(record, sort_keys=True), article_id),
        )
    CorpusStore(corpus).close()
    assert card_columns(corpus) == card_columns_from_records(corpus)
    assert all(fetched_at for _, fetched_at, _ in card_columns(corpus))


# The record types' field orders when the store's schema version was last set, and
# that version. A stored text in the export form is copied through as it is: a field
# added to or moved in one of these types needs a schema version whose migration
# stores every record again, or old texts would be exported without the new field.
STORED_FORM_PIN = (4, "d5c465ff60b22602")


def test_a_change_to_the_stored_records_fields_comes_with_a_new_store_version() -> None:
    types = (items.ArticleItem, items.Comment, items.DebateItem, items.Speech, items.LinkItem)
    orders = "\n".join(f"{cls.__name__}: " + ",".join(field_order(cls)) for cls in types)
    fingerprint = hashlib.sha256(orders.encode()).hexdigest()[:16]
    assert (SCHEMA_VERSION, fingerprint) == STORED_FORM_PIN, (
        "the stored records' fields changed: raise the store's SCHEMA_VERSION with a"
        " migration that stores every record again, then update STORED_FORM_PIN"
    )


def test_a_store_newer_than_the_code_is_not_exported(
    sample_corpus: BuiltCorpus, tmp_path: Path
) -> None:
    # Its texts may be in a form this code cannot tell or cut: a one-line error.
    corpus = copy_corpus(sample_corpus.folder, tmp_path / "corpus")
    with sqlite3.connect(corpus / STORE_FILENAME) as conn:
        conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    with pytest.raises(ExportError, match="newer than this crawler"):
        export(corpus, tmp_path / "out", ExportOptions(format="jsonl"))
    assert not (tmp_path / "out").exists()
