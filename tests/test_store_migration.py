"""A store written by an older crawler opens, is renamed in place, and keeps working.

Schema version 2 renamed ``articles.signature`` to ``sketch``, ``article_urls``
(``url``) to ``article_identities`` (``identity``) and the linking index's
``link_article`` table to ``link_quoting_article``. The old stores here are
written with plain SQL, as version 1 laid them out.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from crawler.corpus.store import SCHEMA_VERSION, STORE_FILENAME, CorpusStore, dumps
from crawler.dedup.fingerprint import encode_sketch, sketch
from crawler.linking.index import day_number, passage_shingles
from crawler.sample_corpus import SAMPLE_CRAWLS
from tests.support.corpus import BuiltCorpus, copy_corpus
from tests.support.crawl import crawl_in_process
from tests.test_store_safety import snapshot_bytes

# The tables of schema version 1 that version 2 renamed, as version 1 created them.
VERSION_1_TABLES = """
CREATE TABLE articles (
    id TEXT PRIMARY KEY,
    record TEXT NOT NULL,
    content_hash TEXT,
    signature BLOB,
    published TEXT,
    site TEXT,
    linked INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX articles_by_hash ON articles (content_hash);
CREATE TABLE article_urls (
    url TEXT PRIMARY KEY,
    article_id TEXT NOT NULL
);
CREATE TABLE article_sketch (
    value INTEGER NOT NULL,
    article_id TEXT NOT NULL,
    PRIMARY KEY (value, article_id)
) WITHOUT ROWID;
CREATE TABLE link_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE link_article (
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
ARTICLE_ID = "ukdefencejournal.org.uk/typhoon-jets-scrambled"
IDENTITY = f"https://{ARTICLE_ID}"
TEXT = (
    "Typhoon jets were scrambled from RAF Lossiemouth on Tuesday to intercept two "
    "Russian long-range bombers approaching the United Kingdom's area of interest, "
    "the Ministry of Defence said. The aircraft were shadowed until they left the area."
)
QUOTE = "our Typhoon crews stand ready to defend the skies of this country every day"


def write_version_1_store(folder: Path, *, version: int = 1) -> None:
    """One article, its identity, sketch and indexed quotation, as version 1 kept them."""
    folder.mkdir(parents=True, exist_ok=True)
    article_sketch = sketch(TEXT)
    day = day_number("2025-02-11")
    with sqlite3.connect(folder / STORE_FILENAME) as conn:
        conn.executescript(VERSION_1_TABLES)
        conn.execute(
            "INSERT INTO articles (id, record, content_hash, signature, published, site)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            (
                ARTICLE_ID,
                dumps({"id": ARTICLE_ID, "text": TEXT, "urls": [IDENTITY]}),
                "0" * 32,
                encode_sketch(article_sketch),
                "2025-02-11",
                "UK Defence Journal",
            ),
        )
        conn.execute(
            "INSERT INTO article_urls (url, article_id) VALUES (?, ?)", (IDENTITY, ARTICLE_ID)
        )
        conn.executemany(
            "INSERT INTO article_sketch (value, article_id) VALUES (?, ?)",
            [(value, ARTICLE_ID) for value in article_sketch],
        )
        conn.execute(
            "INSERT INTO link_meta (key, value) VALUES ('hash_scheme', ?)",
            ("blake2b64-words/poly64-v1/k=5",),
        )
        conn.execute(
            "INSERT INTO link_article (aid, article_id, date, day, passages)"
            " VALUES (1, ?, '2025-02-11', ?, ?)",
            (ARTICLE_ID, day, f'["{QUOTE}"]'),
        )
        conn.executemany(
            "INSERT INTO link_quote_shingle (hash, day, aid) VALUES (?, ?, 1)",
            [(value, day) for value in passage_shingles(QUOTE)],
        )
        conn.execute(f"PRAGMA user_version = {version}")


def tables_and_columns(folder: Path) -> dict[str, set[str]]:
    with sqlite3.connect(folder / STORE_FILENAME) as conn:
        names = [
            row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")
        ]
        return {
            name: {row[1] for row in conn.execute(f"PRAGMA table_info({name})")} for name in names
        }


def test_a_version_1_store_is_renamed_in_place_when_opened(tmp_path: Path) -> None:
    write_version_1_store(tmp_path)
    CorpusStore(tmp_path).close()
    tables = tables_and_columns(tmp_path)
    assert "sketch" in tables["articles"] and "signature" not in tables["articles"]
    assert tables["article_identities"] >= {"identity", "article_id"}
    assert "link_quoting_article" in tables
    assert not {"article_urls", "link_article"} & set(tables)
    with sqlite3.connect(tmp_path / STORE_FILENAME) as conn:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION == 4


def test_a_migrated_store_finds_its_article_by_identity_sketch_and_quotation(
    tmp_path: Path,
) -> None:
    write_version_1_store(tmp_path)
    store = CorpusStore(tmp_path)
    try:
        assert store.article_id_for_identities([IDENTITY]) == ARTICLE_ID
        near = store.near_copy_candidates(sketch(TEXT))
        assert [(article_id, published) for article_id, _, published in near] == [
            (ARTICLE_ID, "2025-02-11")
        ]
        speech = f"Mr Speaker, {QUOTE}, and I thank them."
        index = store.link_index()
        assert index.article_candidates([speech], "2025-02-10", 30) == [ARTICLE_ID]
    finally:
        store.close()


def test_a_migrated_article_is_replaced_with_its_old_sketch_postings_removed(
    tmp_path: Path,
) -> None:
    write_version_1_store(tmp_path)
    store = CorpusStore(tmp_path)
    rewritten = "A different report on the Royal Navy's new frigates entering service this year."
    try:
        record = {"id": ARTICLE_ID, "text": rewritten, "urls": [IDENTITY]}
        store.put_article(record, identities=[IDENTITY], sketch=sketch(rewritten))
        assert store.near_copy_candidates(sketch(TEXT)) == []
        assert [found[0] for found in store.near_copy_candidates(sketch(rewritten))] == [ARTICLE_ID]
    finally:
        store.close()


def test_a_store_from_before_versioning_and_a_half_migrated_store_open(tmp_path: Path) -> None:
    write_version_1_store(tmp_path / "unversioned", version=0)
    CorpusStore(tmp_path / "unversioned").close()
    assert "deletions" in tables_and_columns(tmp_path / "unversioned")
    # Renamed, then stopped before the version was written: opening again finishes.
    write_version_1_store(tmp_path / "half")
    with sqlite3.connect(tmp_path / "half" / STORE_FILENAME) as conn:
        conn.execute("ALTER TABLE articles RENAME COLUMN signature TO sketch")
    store = CorpusStore(tmp_path / "half")
    try:
        assert store.article_id_for_identities([IDENTITY]) == ARTICLE_ID
    finally:
        store.close()
    assert "link_quoting_article" in tables_and_columns(tmp_path / "half")


def test_a_crawl_into_a_corpus_whose_store_has_the_old_names_changes_nothing(
    sample_corpus: BuiltCorpus, tmp_path: Path
) -> None:
    corpus = copy_corpus(sample_corpus.folder, tmp_path / "corpus")
    with sqlite3.connect(corpus / STORE_FILENAME) as conn:
        conn.execute("ALTER TABLE articles RENAME COLUMN sketch TO signature")
        conn.execute("ALTER TABLE article_identities RENAME COLUMN identity TO url")
        conn.execute("ALTER TABLE article_identities RENAME TO article_urls")
        conn.execute("ALTER TABLE link_quoting_article RENAME TO link_article")
        conn.execute("PRAGMA user_version = 1")
    # Every page fetched again: articles are found by identity and sketch, and linked.
    unchanged_debates = 0
    for spider, arguments in SAMPLE_CRAWLS:
        rerun = crawl_in_process(
            spider, corpus, args=arguments, settings={"FETCH_CONDITIONAL_ENABLED": "False"}
        )
        assert rerun.returncode == 0, rerun.stderr[-3000:]
        assert not rerun.stats.get("corpus/article/new")
        assert not rerun.stats.get("corpus/debate/new")
        unchanged_debates += rerun.stats.get("corpus/debate/unchanged", 0)
    assert unchanged_debates >= 1
    assert snapshot_bytes(corpus) == snapshot_bytes(sample_corpus.folder)
    assert {"article_identities", "link_quoting_article"} <= set(tables_and_columns(corpus))
