"""A store whose linking index has the version-2 layout (one row per shingle, speech
texts copied into the index) is rebuilt in the present layout when opened.

The old index is written here with plain SQL, as version 2 laid it out, from the
sample corpus's own debates and its article's quoted passages.
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

from crawler.corpus.store import SCHEMA_VERSION, STORE_FILENAME, CorpusStore
from crawler.linking.index import LinkIndex, day_number, passage_shingles, speech_shingles
from crawler.linking.linker import (
    debate_speeches,
    index_article_quotes,
    link_article,
    linkable_article,
)
from tests.support.corpus import BuiltCorpus

VERSION_2_INDEX = """
CREATE TABLE link_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE link_speech (
    sid          INTEGER PRIMARY KEY,
    speech_id    TEXT NOT NULL UNIQUE,
    debate_id    TEXT NOT NULL,
    date         TEXT NOT NULL,
    day          INTEGER NOT NULL,
    speaker_name TEXT,
    person_id    TEXT,
    text         TEXT NOT NULL
);
CREATE INDEX link_speech_by_debate ON link_speech (debate_id);
CREATE TABLE link_speech_shingle (
    hash INTEGER NOT NULL,
    day  INTEGER NOT NULL,
    sid  INTEGER NOT NULL,
    PRIMARY KEY (hash, day, sid)
) WITHOUT ROWID;
CREATE TABLE link_quoting_article (
    aid        INTEGER PRIMARY KEY,
    article_id TEXT NOT NULL UNIQUE,
    date       TEXT NOT NULL,
    day        INTEGER NOT NULL,
    passages   TEXT NOT NULL
);
CREATE TABLE link_quote_shingle (
    hash INTEGER NOT NULL,
    day  INTEGER NOT NULL,
    aid  INTEGER NOT NULL,
    PRIMARY KEY (hash, day, aid)
) WITHOUT ROWID;
"""


def quoted_passages(store: CorpusStore) -> dict[str, tuple[str, list[str]]]:
    """Each stored article's indexed passages, as a scratch index finds them."""
    scratch = LinkIndex(sqlite3.connect(":memory:"))
    out = {}
    for record in store.iter_records("articles"):
        article = linkable_article(record)
        assert article is not None and article["published"]
        index_article_quotes(article["id"], article["text"], article["published"], scratch)
        row = scratch.conn.execute(
            "SELECT passages FROM link_quoting_article WHERE article_id = ?", (article["id"],)
        ).fetchone()
        if row:
            out[article["id"]] = (article["published"][:10], json.loads(row[0]))
    return out


def write_version_2_index(folder: Path) -> tuple[int, dict[str, tuple[str, list[str]]]]:
    """Replace the store's index with the version-2 layout; returns (speeches, passages)."""
    store = CorpusStore(folder)
    debates = list(store.iter_records("debates"))
    passages = quoted_passages(store)
    store.close()
    with sqlite3.connect(folder / STORE_FILENAME) as conn:
        tables = conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'").fetchall()
        for (name,) in tables:
            if name.startswith("link_"):
                conn.execute(f"DROP TABLE {name}")
        conn.executescript(VERSION_2_INDEX)
        conn.execute(
            "INSERT INTO link_meta VALUES ('hash_scheme', 'blake2b64-words/poly64-v1/k=5')"
        )
        speeches = [s for debate in debates for s in debate_speeches(debate)]
        for sid, s in enumerate(speeches, 1):
            day = day_number(s.date)
            conn.execute(
                "INSERT INTO link_speech VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (sid, s.speech_id, s.debate_id, s.date, day, s.speaker_name, s.person_id, s.text),
            )
            conn.executemany(
                "INSERT INTO link_speech_shingle VALUES (?, ?, ?)",
                [(h, day, sid) for h in speech_shingles(s.text)],
            )
        for aid, (article_id, (date, quoted)) in enumerate(sorted(passages.items()), 1):
            day = day_number(date)
            conn.execute(
                "INSERT INTO link_quoting_article VALUES (?, ?, ?, ?, ?)",
                (aid, article_id, date, day, json.dumps(quoted)),
            )
            hashes = set().union(*(passage_shingles(p) for p in quoted))
            conn.executemany(
                "INSERT INTO link_quote_shingle VALUES (?, ?, ?)", [(h, day, aid) for h in hashes]
            )
        conn.execute("PRAGMA user_version = 2")
    return len(speeches), passages


def test_a_version_2_index_is_rebuilt_in_the_new_layout_and_links_the_same(
    sample_corpus_copy: BuiltCorpus,
) -> None:
    folder = sample_corpus_copy.folder
    speech_count, passages = write_version_2_index(folder)
    assert speech_count > 0 and passages
    store = CorpusStore(folder)
    try:
        tables = {
            name
            for (name,) in store._conn.execute("SELECT name FROM sqlite_master WHERE type='table'")
        }
        assert "link_speech_posting" in tables and "link_quote_posting" in tables
        assert not {"link_speech_shingle", "link_quote_shingle", "link_speech_text"} & tables
        assert store._conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION == 4
        index = store.link_index()
        assert index.speech_count() == speech_count
        # The articles' passages are indexed as the old index held them.
        for article_id, (date, quoted) in passages.items():
            row = store._conn.execute(
                "SELECT aid, passages FROM link_quoting_article WHERE article_id = ?",
                (article_id,),
            ).fetchone()
            assert json.loads(row[1]) == quoted and row[0] >> 16 == day_number(date)
        # Linking every stored article again gives exactly the stored links.
        relinked = set()
        for record in store.iter_records("articles"):
            relinked |= {link.id for link in link_article(linkable_article(record), index)}
        assert relinked == set(store.ids("links")) != set()
    finally:
        store.close()


def test_an_index_keyed_by_place_keeps_its_quoting_articles_when_rebuilt(
    sample_corpus_copy: BuiltCorpus,
) -> None:
    """An index whose ``link_quoting_article`` holds no date column (the day is in the
    key, ``aid >> 16``) keeps every article's passages and day through a rebuild, so a
    debate published later still finds the articles that quote it."""
    folder = sample_corpus_copy.folder

    def quoting(conn: sqlite3.Connection) -> dict[str, tuple[int, list[str]]]:
        rows = conn.execute("SELECT article_id, aid, passages FROM link_quoting_article")
        return {article_id: (aid >> 16, json.loads(text)) for article_id, aid, text in rows}

    with sqlite3.connect(folder / STORE_FILENAME) as conn:
        columns = {row[1] for row in conn.execute("PRAGMA table_info(link_quoting_article)")}
        assert "date" not in columns
        before = quoting(conn)
        conn.execute("UPDATE link_meta SET value = 'an earlier layout' WHERE key = 'hash_scheme'")
    assert before
    store = CorpusStore(folder)
    try:
        scheme = store._conn.execute(
            "SELECT value FROM link_meta WHERE key = 'hash_scheme'"
        ).fetchone()[0]
        assert scheme == LinkIndex.scheme()
        assert quoting(store._conn) == before
    finally:
        store.close()
