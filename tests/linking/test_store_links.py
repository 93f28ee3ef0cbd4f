"""The store's link rows: an article's or a debate's links are made exactly the given
set, writing only the links that changed."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from crawler import items
from crawler.corpus import store as store_module
from crawler.corpus.store import STORE_FILENAME, CorpusStore
from crawler.linking.index import DebateRecordTexts, SpeechRef


def link(link_id: str, score: float = 1.0) -> dict:
    return {
        "id": link_id,
        "article_id": "a",
        "debate_id": "d",
        "speech_id": "d.1",
        "quote": "words",
        "article_start": 0,
        "article_end": 5,
        "speech_start": 0,
        "speech_end": 5,
        "score": score,
        "kind": "exact",
    }


def test_links_replaced_unchanged_write_nothing(tmp_path: Path) -> None:
    store = CorpusStore(tmp_path)
    try:
        assert store.replace_links(article_id="a", links=[link("l1"), link("l2")]) == (0, 2)
        before = store._conn.total_changes
        assert store.replace_links(article_id="a", links=[link("l1"), link("l2")]) == (0, 0)
        assert store._conn.total_changes == before
    finally:
        store.close()


def test_only_changed_and_gone_links_are_written(tmp_path: Path) -> None:
    store = CorpusStore(tmp_path)
    try:
        store.replace_links(article_id="a", links=[link("l1"), link("l2")])
        removed, written = store.replace_links(debate_id="d", links=[link("l1", 0.9)])
        assert (removed, written) == (1, 1)
        assert store.link_ids(article_id="a") == {"l1"}
        assert store.get("links", "l1")["score"] == 0.9
        assert "l2" in store.deleted_ids("links")
    finally:
        store.close()


def test_a_store_s_link_index_opens_without_writing_while_an_export_reads(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A write, even one that changes nothing, would make the crawl's start wait for
    # the reader: with a short wait, that wait is an error here.
    store = CorpusStore(tmp_path)
    store.link_index()
    store.close()
    monkeypatch.setattr(store_module, "COMMIT_WAIT_MS", 200)
    reader = sqlite3.connect(tmp_path / STORE_FILENAME, isolation_level=None)
    try:
        reader.execute("BEGIN")
        reader.execute("SELECT count(*) FROM link_meta").fetchone()
        store = CorpusStore(tmp_path)
        store.link_index()
        store.close()
    finally:
        reader.close()


def test_a_speech_text_is_read_from_a_debate_sqlite_s_json_reader_refuses(
    tmp_path: Path,
) -> None:
    # A speech whose party_raw is not an object keeps the debate out of the export's
    # form: stored with sorted keys, its NaN is written as NaN, which json_extract refuses.
    debate = items.as_dict(
        items.debate_from_record(
            {
                "id": "d1",
                "house": "commons",
                "url": "u",
                "interface": "en",
                "fetched_at": "2025-02-10T06:00:00+00:00",
                "speeches": [],
            }
        )
    )
    speech = items.as_dict(items.Speech(id="d1.1", text="Hello there.", party_raw={}))
    speech["party_raw"] = None
    debate["speeches"] = [speech]
    debate["source"] = {"score": float("nan")}
    store = CorpusStore(tmp_path)
    try:
        store.put_debate(debate, family="d1")
        with pytest.raises(sqlite3.OperationalError):
            store._conn.execute(
                "SELECT json_extract(record, '$.speeches[0].text') FROM debates"
            ).fetchone()
        ref = SpeechRef(sid=7, debate_id="d1", speech_id="d1.1", position=0)
        texts = DebateRecordTexts(store._conn).get([ref])
        assert texts[7].text == "Hello there."
    finally:
        store.close()
