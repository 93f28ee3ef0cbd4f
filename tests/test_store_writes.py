"""The store writes what changed, in batches: commits every so many items, blocks whole
inside a batch, unchanged rows left alone, sketch postings written in one pass and
found before they are (across crawls), and each record read from the database once per item."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from crawler.corpus import store as store_module
from crawler.corpus.store import STORE_FILENAME, CorpusStore
from crawler.dedup.fingerprint import INDEXED_VALUES, SKETCH_SIZE, encode_sketch, sketch
from crawler.sample_corpus import SAMPLE_CRAWLS
from tests.support.crawl import crawl_in_process
from tests.support.pages import ROOT
from tests.test_store_migration import ARTICLE_ID, TEXT, write_version_1_store

STORY = " ".join(
    f"The Royal Navy frigate number {n} sailed from Portsmouth to join exercise {n * 7}."
    for n in range(30)
)


def article(number: int, text: str = STORY) -> dict:
    return {
        "id": f"example.org/story-{number}",
        "url": f"https://example.org/story-{number}/",
        "urls": [f"https://example.org/story-{number}/"],
        "text": text,
        "published": f"2025-02-{number % 28 + 1:02d}",
    }


def put(store: CorpusStore, record: dict) -> None:
    store.put_article(record, identities=record["urls"], sketch=sketch(record["text"]))


def near_copies_of_story(store: CorpusStore) -> list[str]:
    """Ids of the stored articles the store offers as near copies of ``STORY``."""
    return [found[0] for found in store.near_copy_candidates(sketch(STORY))]


def committed(folder: Path, sql: str) -> int:
    """What another reader of the store sees (committed state only)."""
    with sqlite3.connect(f"file:{folder / STORE_FILENAME}?mode=ro", uri=True) as conn:
        return conn.execute(sql).fetchone()[0]


def test_batched_writes_are_committed_every_so_many_items(tmp_path: Path) -> None:
    store = CorpusStore(tmp_path)
    store.batch_commits(3)
    opened = store.commits
    try:
        for number in range(2):
            put(store, article(number))
            store.item_done()
        assert committed(tmp_path, "SELECT count(*) FROM articles") == 0
        assert store.count("articles") == 2  # the crawl itself sees its own writes
        put(store, article(2))
        store.item_done()
        assert committed(tmp_path, "SELECT count(*) FROM articles") == 3
        assert store.commits - opened == 1
    finally:
        store.close()


def test_a_failed_block_inside_a_batch_leaves_nothing_and_the_rest_is_committed(
    tmp_path: Path,
) -> None:
    store = CorpusStore(tmp_path)
    store.batch_commits(100)
    try:
        put(store, article(1))
        with pytest.raises(RuntimeError), store.transaction():
            put(store, article(2))
            raise RuntimeError("the pipeline failed half-way")
        assert store.get("articles", "example.org/story-2") is None
        assert store.near_copy_candidates(sketch(STORY)) == [
            ("example.org/story-1", sketch(STORY), "2025-02-02")
        ]
    finally:
        store.close()
    assert committed(tmp_path, "SELECT count(*) FROM articles") == 1


def test_rows_that_say_the_same_are_not_written_again(tmp_path: Path) -> None:
    store = CorpusStore(tmp_path)
    try:
        record = article(1)
        put(store, record)
        store.remember_pages(
            record["urls"], kind="article", record_id=record["id"], content_date=None
        )
        store.remember_validators(record["url"], '"v1"', None)
        before = store.rows_written
        store.remember_pages(
            record["urls"], kind="article", record_id=record["id"], content_date=None
        )
        store.remember_validators(record["url"], '"v1"', None)
        store.put_article(record, identities=record["urls"], sketch=sketch(record["text"]))
        # Only the article row itself: identities, pages and postings stay as they were.
        assert store.rows_written - before == 1
        store.remember_validators(record["url"], '"v2"', None)
        assert store.rows_written - before == 2
        assert store.page(record["url"]).etag == '"v2"'
    finally:
        store.close()


def test_sketch_postings_are_found_while_waiting_across_closes_and_written_in_one_pass(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = CorpusStore(tmp_path)
    put(store, article(1))
    store.commit()
    assert committed(tmp_path, "SELECT count(*) FROM article_sketch") == 0
    assert near_copies_of_story(store) == ["example.org/story-1"]
    store.close()
    assert committed(tmp_path, "SELECT count(*) FROM article_sketch") == 0
    assert committed(tmp_path, "SELECT count(*) FROM article_sketch_pending") == 1
    monkeypatch.setattr(store_module, "SKETCH_POSTINGS_PENDING", 2)
    store = CorpusStore(tmp_path)
    try:
        assert near_copies_of_story(store) == ["example.org/story-1"]
        put(store, article(2))
        store.commit()
        assert committed(tmp_path, "SELECT count(*) FROM article_sketch") == 2 * INDEXED_VALUES
        assert committed(tmp_path, "SELECT count(*) FROM article_sketch_pending") == 0
        assert near_copies_of_story(store) == [
            "example.org/story-1",
            "example.org/story-2",
        ]
    finally:
        store.close()


def test_postings_a_killed_process_left_waiting_are_found_by_the_next(tmp_path: Path) -> None:
    # A process that commits an article and dies without closing the store.
    script = (
        "import os, sys\n"
        "from crawler.corpus.store import CorpusStore\n"
        "from crawler.dedup.fingerprint import sketch\n"
        "from tests.test_store_writes import article\n"
        "store = CorpusStore(sys.argv[1])\n"
        "record = article(1)\n"
        "store.put_article(record, identities=record['urls'], sketch=sketch(record['text']))\n"
        "store.commit()\n"
        "os._exit(0)\n"
    )
    subprocess.run([sys.executable, "-c", script, str(tmp_path)], cwd=ROOT, check=True)
    assert committed(tmp_path, "SELECT count(*) FROM article_sketch") == 0
    store = CorpusStore(tmp_path)
    try:
        assert near_copies_of_story(store) == ["example.org/story-1"]
    finally:
        store.close()
    assert committed(tmp_path, "SELECT count(*) FROM article_sketch_pending") == 1


def test_a_changed_sketch_replaces_the_written_postings(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Each article's postings are written as soon as it is stored.
    monkeypatch.setattr(store_module, "SKETCH_POSTINGS_PENDING", 1)
    store = CorpusStore(tmp_path)
    put(store, article(1))
    store.close()
    other = " ".join(f"The Army tested {n} new drones on Salisbury Plain." for n in range(30))
    store = CorpusStore(tmp_path)
    try:
        put(store, article(1, other))
        assert store.near_copy_candidates(sketch(STORY)) == []
        assert [found[0] for found in store.near_copy_candidates(sketch(other))] == [
            "example.org/story-1"
        ]
    finally:
        store.close()
    assert committed(tmp_path, "SELECT count(*) FROM article_sketch") == INDEXED_VALUES


def test_an_older_store_keeps_only_the_indexed_sketch_values_and_keys_its_tables(
    tmp_path: Path,
) -> None:
    long_text = STORY
    write_version_1_store(tmp_path, version=2)
    with sqlite3.connect(tmp_path / STORE_FILENAME) as conn:
        # Version 2's names, and every value of a full sketch indexed.
        conn.execute("ALTER TABLE articles RENAME COLUMN signature TO sketch")
        conn.execute("ALTER TABLE article_urls RENAME TO article_identities")
        conn.execute("ALTER TABLE article_identities RENAME COLUMN url TO identity")
        conn.execute("ALTER TABLE link_article RENAME TO link_quoting_article")
        conn.execute(
            "CREATE TABLE pages (url TEXT PRIMARY KEY, kind TEXT, record_id TEXT,"
            " content_date TEXT, etag TEXT, last_modified TEXT)"
        )
        conn.execute(
            "INSERT INTO pages VALUES (?, 'article', ?, '2025-02-11', '\"v1\"', NULL)",
            ("https://" + ARTICLE_ID, ARTICLE_ID),
        )
        conn.execute("DELETE FROM article_sketch")
        conn.execute(
            "UPDATE articles SET sketch = ? WHERE id = ?",
            (encode_sketch(sketch(long_text)), ARTICLE_ID),
        )
        conn.executemany(
            "INSERT INTO article_sketch (value, article_id) VALUES (?, ?)",
            [(value, ARTICLE_ID) for value in sketch(long_text)],
        )
    assert committed(tmp_path, "SELECT count(*) FROM article_sketch") == SKETCH_SIZE
    store = CorpusStore(tmp_path)
    try:
        assert [found[0] for found in store.near_copy_candidates(sketch(long_text))] == [ARTICLE_ID]
        assert store.near_copy_candidates(sketch(TEXT)) == []
        assert store.article_id_for_identities(["https://" + ARTICLE_ID]) == ARTICLE_ID
        page = store.page("https://" + ARTICLE_ID)
        assert page is not None and (page.record_id, page.etag) == (ARTICLE_ID, '"v1"')
    finally:
        store.close()
    assert committed(tmp_path, "SELECT count(*) FROM article_sketch") == INDEXED_VALUES
    with sqlite3.connect(tmp_path / STORE_FILENAME) as conn:
        layouts = dict(conn.execute("SELECT name, sql FROM sqlite_master WHERE type = 'table'"))
    assert "WITHOUT ROWID" in layouts["article_identities"]
    assert "WITHOUT ROWID" in layouts["pages"]
    assert not any(name.endswith("_with_rowid") for name in layouts)


def test_a_crawl_reads_each_stored_record_from_the_database_once_per_item(
    tmp_path: Path,
) -> None:
    spider, arguments = SAMPLE_CRAWLS[0]
    result = crawl_in_process(spider, tmp_path / "corpus", args=arguments)
    assert result.returncode == 0, result.stderr[-3000:]
    stats = result.stats
    items = stats.get("item_scraped_count", 0) + sum(
        value for key, value in stats.items() if key.startswith("item_dropped_reasons_count/")
    )
    # The merge stage reads the record, the store and linking stages find it in memory.
    assert stats["corpus/store/record_reads"] == items


def test_postings_of_renumbered_rows_are_caught_and_indexed_anew(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(store_module, "SKETCH_POSTINGS_PENDING", 1)
    store = CorpusStore(tmp_path)
    put(store, article(1))
    put(store, article(2, "An unrelated report on Army recruiting figures for the year."))
    store.close()
    # What a VACUUM may do to the row numbers of a table without an integer key.
    with sqlite3.connect(tmp_path / STORE_FILENAME) as conn:
        for old, new in ((1, 100), (2, 1), (100, 2)):
            conn.execute("UPDATE articles SET rowid = ? WHERE rowid = ?", (new, old))
    store = CorpusStore(tmp_path)
    try:
        assert near_copies_of_story(store) == ["example.org/story-1"]
    finally:
        store.close()
    row = committed(tmp_path, "SELECT rowid FROM articles WHERE id = 'example.org/story-1'")
    assert committed(tmp_path, f"SELECT count(*) FROM article_sketch WHERE article = {row}") == (
        INDEXED_VALUES
    )
