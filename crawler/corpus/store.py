"""The corpus store: an SQLite database that is the source of truth between runs.

Records are kept as JSON text beside the few columns that lookups need.
Everything that must survive a run lives here — records, the URLs each record
was seen at, content fingerprints, the validators for conditional requests,
links and the linking index — so memory does not grow with the corpus, and a
killed crawl resumes from what was committed.

The JSONL files in the corpus folder are snapshots of this store
(see :mod:`crawler.corpus.snapshot`). Records removed on purpose (a debate
revision replacing an older one, links recomputed) are noted in ``deletions``,
so a snapshot that lost records without such a note can be refused.

The store carries its schema version (``PRAGMA user_version``); an older store
is brought up to date in place when it is opened (:data:`MIGRATIONS`), a store
of a newer version is refused. The store owns its connection: other code goes
through its methods (reads, transactions, :meth:`CorpusStore.link_index`).
Whether a folder's store can be trusted before a crawl writes to it is
:func:`crawler.corpus.health.check_store`'s to say.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from crawler.dedup.fingerprint import decode_sketch, encode_sketch
from crawler.linking.index import LinkIndex

STORE_FILENAME = "corpus.sqlite3"
# Bumped when the tables below change in a way older code cannot read;
# stored as ``PRAGMA user_version``. Stores from before versioning read 0.
# An older store is brought up to date when it is opened (see MIGRATIONS).
SCHEMA_VERSION = 2

SCHEMA = """
CREATE TABLE IF NOT EXISTS articles (
    id TEXT PRIMARY KEY,
    record TEXT NOT NULL,
    content_hash TEXT,
    sketch BLOB,
    published TEXT,
    site TEXT,
    linked INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS articles_by_hash ON articles (content_hash);
CREATE TABLE IF NOT EXISTS article_identities (
    identity TEXT PRIMARY KEY,
    article_id TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS article_sketch (
    value INTEGER NOT NULL,
    article_id TEXT NOT NULL,
    PRIMARY KEY (value, article_id)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS debates (
    id TEXT PRIMARY KEY,
    record TEXT NOT NULL,
    date TEXT,
    house TEXT,
    family TEXT,
    linked INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS debates_by_family ON debates (family);
CREATE TABLE IF NOT EXISTS debate_aliases (
    old_id TEXT PRIMARY KEY,
    debate_id TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS links (
    id TEXT PRIMARY KEY,
    record TEXT NOT NULL,
    article_id TEXT NOT NULL,
    debate_id TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS links_by_article ON links (article_id);
CREATE INDEX IF NOT EXISTS links_by_debate ON links (debate_id);
CREATE TABLE IF NOT EXISTS deletions (
    tbl TEXT NOT NULL,
    id TEXT NOT NULL,
    replaced_by TEXT,
    reason TEXT NOT NULL,
    at TEXT NOT NULL,
    PRIMARY KEY (tbl, id)
);
CREATE TABLE IF NOT EXISTS pages (
    url TEXT PRIMARY KEY,
    kind TEXT,
    record_id TEXT,
    content_date TEXT,
    etag TEXT,
    last_modified TEXT
);
CREATE TABLE IF NOT EXISTS members (
    scheme TEXT NOT NULL,
    member_id TEXT NOT NULL,
    history TEXT NOT NULL,
    fetched_on TEXT NOT NULL,
    PRIMARY KEY (scheme, member_id)
);
"""

RECORD_TABLES = ("articles", "debates", "links")

# What each schema version renamed, applied in place to an older store when it
# is opened: (version, table, old column or None for the table itself, new name).
# Version 0 is version 1's layout without the ``deletions`` table, which the
# schema script adds.
MIGRATIONS = (
    # The column holds the near-copy sketch (crawler.dedup.fingerprint.sketch).
    (2, "articles", "signature", "sketch"),
    # The table maps an article identity (crawler.urls.article_identity) to its id.
    (2, "article_urls", None, "article_identities"),
    (2, "article_identities", "url", "identity"),
    # The linking index's table of articles whose quotations are indexed
    # (crawler.linking.index), named apart from the linker's link_article().
    (2, "link_article", None, "link_quoting_article"),
)


@dataclass(frozen=True)
class PageState:
    """What the store knows of one fetched URL."""

    url: str
    kind: str | None
    record_id: str | None
    content_date: str | None
    etag: str | None
    last_modified: str | None


class StoreUnusableError(RuntimeError):
    """The corpus folder's store cannot be trusted: a crawl must not write to it."""


@dataclass(frozen=True)
class StoreHeader:
    """What a store file says of itself, read without opening it for writing."""

    integrity: str
    """``PRAGMA quick_check``'s verdict: ``"ok"`` when sound (or not checked)."""
    version: int
    holds_records: bool


def read_header(path: Path, *, check_integrity: bool) -> StoreHeader:
    """Integrity, schema version and whether any record table holds a record, read
    without creating or migrating anything. Raises :class:`sqlite3.DatabaseError`
    for a file that is not a readable SQLite database."""
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        integrity = conn.execute("PRAGMA quick_check(1)").fetchone()[0] if check_integrity else "ok"
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        tables = {
            name for (name,) in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")
        }
        holds_records = any(
            conn.execute(f"SELECT EXISTS (SELECT 1 FROM {table})").fetchone()[0]
            for table in RECORD_TABLES
            if table in tables
        )
    finally:
        conn.close()
    return StoreHeader(integrity, version, holds_records)


def dumps(record: dict[str, Any]) -> str:
    """The one JSON form used everywhere: UTF-8 text, stable key order."""
    return json.dumps(record, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


class CorpusStore:
    """Typed access to the corpus database. One instance per process and folder."""

    def __init__(
        self, folder: str | Path, *, filename: str = STORE_FILENAME, read_only: bool = False
    ):
        """Open (and create, or bring up to date) the store; ``read_only`` opens an
        existing store as it is, for readers that must not change it (exports)."""
        self.folder = Path(folder)
        self.path = self.folder / filename
        self._link_index: LinkIndex | None = None
        if read_only:
            uri = f"{self.path.resolve().as_uri()}?mode=ro"
            self._conn = sqlite3.connect(uri, uri=True, isolation_level=None)
            return
        self.folder.mkdir(parents=True, exist_ok=True)
        self._conn = sqlite3.connect(self.path, isolation_level=None)
        version = self._schema_version()
        if version > SCHEMA_VERSION:
            self._conn.close()
            raise StoreUnusableError(
                f"the corpus store {self.path} has schema version {version}, newer than this"
                f" crawler's {SCHEMA_VERSION}; update the crawler"
            )
        self._conn.execute("PRAGMA journal_mode=WAL")
        # WAL with NORMAL sync keeps every committed transaction across a
        # process kill; only a power cut can lose the last few.
        self._conn.execute("PRAGMA synchronous=NORMAL")
        self._conn.execute("PRAGMA foreign_keys=OFF")
        if version < SCHEMA_VERSION:
            with self.transaction():
                self._migrate(version)
        self._conn.executescript(SCHEMA)
        if version < SCHEMA_VERSION:
            self._conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")

    def _schema_version(self) -> int:
        try:
            return self._conn.execute("PRAGMA user_version").fetchone()[0]
        except sqlite3.DatabaseError as error:
            self._conn.close()
            unreadable = f"the corpus store {self.path} is unreadable: {error}"
            raise StoreUnusableError(unreadable) from None

    def _migrate(self, version: int) -> None:
        """Apply the renames of the versions after ``version``, skipping those already
        made (a migration interrupted before the version was written runs again)."""
        for target, table, column, new_name in MIGRATIONS:
            if target <= version or not self._has_table(table):
                continue
            if column is None:
                if not self._has_table(new_name):
                    self._conn.execute(f"ALTER TABLE {table} RENAME TO {new_name}")
            elif column in self._columns(table):
                self._conn.execute(f"ALTER TABLE {table} RENAME COLUMN {column} TO {new_name}")

    def _has_table(self, table: str) -> bool:
        row = self._conn.execute(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (table,)
        ).fetchone()
        return row is not None

    def _columns(self, table: str) -> set[str]:
        return {row[1] for row in self._conn.execute(f"PRAGMA table_info({table})")}

    def close(self) -> None:
        self._conn.close()

    def transaction(self) -> sqlite3.Connection:
        """``with store.transaction():`` commits the block, or rolls it back on error."""
        return _Transaction(self._conn)  # type: ignore[return-value]

    @contextmanager
    def read_transaction(self) -> Iterator[None]:
        """Every read in the block sees the same committed state of the store."""
        self._conn.execute("BEGIN")
        try:
            yield
        finally:
            self._conn.execute("COMMIT")

    def checkpoint(self) -> None:
        """Fold the write-ahead log into the database file and stop keeping one: the
        file alone then holds the whole store, ready to be moved or copied."""
        self._conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        self._conn.execute("PRAGMA journal_mode=DELETE")

    def link_index(self) -> LinkIndex:
        """The linking index kept in this store's ``link_*`` tables (one per store)."""
        if self._link_index is None:
            self._link_index = LinkIndex(self._conn)
        return self._link_index

    # --- generic records ----------------------------------------------------

    def get(self, table: str, record_id: str) -> dict[str, Any] | None:
        self._check_table(table)
        row = self._conn.execute(
            f"SELECT record FROM {table} WHERE id = ?", (record_id,)
        ).fetchone()
        return json.loads(row[0]) if row else None

    def iter_records(self, table: str) -> Iterator[dict[str, Any]]:
        """Every record of ``table``, sorted by id (byte order of the UTF-8 id)."""
        self._check_table(table)
        cursor = self._conn.execute(f"SELECT record FROM {table} ORDER BY id")
        for (record,) in cursor:
            yield json.loads(record)

    def iter_raw(self, table: str) -> Iterator[str]:
        """Like :meth:`iter_records`, as the stored JSON text (no decode/encode round trip)."""
        self._check_table(table)
        for (record,) in self._conn.execute(f"SELECT record FROM {table} ORDER BY id"):
            yield record

    def count(self, table: str) -> int:
        """How many records ``table`` holds."""
        self._check_table(table)
        return self._conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]

    def ids(self, table: str) -> Iterator[str]:
        """Every id of ``table``, sorted."""
        self._check_table(table)
        for (record_id,) in self._conn.execute(f"SELECT id FROM {table} ORDER BY id"):
            yield record_id

    def note_deletions(
        self, table: str, ids: Iterable[str], *, reason: str, replaced_by: str | None = None
    ) -> None:
        """Record that ``ids`` left ``table`` on purpose (a snapshot may then lose them)."""
        self._check_table(table)
        self._conn.executemany(
            "INSERT OR REPLACE INTO deletions (tbl, id, replaced_by, reason, at)"
            " VALUES (?, ?, ?, ?, datetime('now'))",
            [(table, record_id, replaced_by, reason) for record_id in ids],
        )

    def deleted_ids(self, table: str) -> set[str]:
        """Ids recorded as removed on purpose from ``table`` and not stored again since."""
        self._check_table(table)
        rows = self._conn.execute(
            f"SELECT d.id FROM deletions d LEFT JOIN {table} r ON r.id = d.id"
            " WHERE d.tbl = ? AND r.id IS NULL",
            (table,),
        )
        return {record_id for (record_id,) in rows}

    @staticmethod
    def _check_table(table: str) -> None:
        if table not in RECORD_TABLES:
            raise ValueError(f"not a record table: {table!r}")

    # --- articles -----------------------------------------------------------

    def article_id_for_identities(self, identities: Iterable[str]) -> str | None:
        """The id of the article found by the first of ``identities`` that is stored."""
        for identity in identities:
            row = self._conn.execute(
                "SELECT article_id FROM article_identities WHERE identity = ?", (identity,)
            ).fetchone()
            if row:
                return row[0]
        return None

    def article_id_for_hash(self, content_hash: str) -> str | None:
        row = self._conn.execute(
            "SELECT id FROM articles WHERE content_hash = ? ORDER BY id LIMIT 1",
            (content_hash,),
        ).fetchone()
        return row[0] if row else None

    def near_copy_candidates(
        self,
        sketch: Iterable[int],
        *,
        exclude: str | None = None,
        min_shared: int = 2,
        max_postings: int = 50,
    ) -> list[tuple[str, tuple[int, ...], str | None]]:
        """Articles sharing at least ``min_shared`` sketch values: (id, sketch, published).

        A value found in more than ``max_postings`` articles is a shingle of
        boilerplate ("the Ministry of Defence said"), not a sign of one copied
        article, and is passed over: the look-up costs at most
        ``len(sketch) * max_postings`` index rows however large the corpus.
        """
        shared: dict[str, int] = {}
        for value in dict.fromkeys(sketch):
            rows = self._conn.execute(
                "SELECT article_id FROM article_sketch WHERE value = ? LIMIT ?",
                (value, max_postings + 1),
            ).fetchall()
            if len(rows) > max_postings:
                continue
            for (article_id,) in rows:
                shared[article_id] = shared.get(article_id, 0) + 1
        found = []
        for article_id in sorted(shared):
            if shared[article_id] < min_shared or article_id == exclude:
                continue
            row = self._conn.execute(
                "SELECT sketch, published FROM articles WHERE id = ?", (article_id,)
            ).fetchone()
            if row and row[0] is not None:
                found.append((article_id, decode_sketch(row[0]), row[1]))
        return found

    def put_article(
        self,
        record: dict[str, Any],
        *,
        identities: Iterable[str],
        sketch: tuple[int, ...],
    ) -> None:
        """Insert or replace an article with its identities and sketch (one transaction)."""
        article_id = record["id"]
        with self.transaction():
            row = self._conn.execute(
                "SELECT sketch FROM articles WHERE id = ?", (article_id,)
            ).fetchone()
            previous = decode_sketch(row[0]) if row and row[0] else ()
            self._conn.execute(
                "INSERT OR REPLACE INTO articles (id, record, content_hash, sketch,"
                " published, site) VALUES (?, ?, ?, ?, ?, ?)",
                (
                    article_id,
                    dumps(record),
                    record.get("content_hash"),
                    encode_sketch(sketch) if sketch else None,
                    record.get("published"),
                    record.get("site"),
                ),
            )
            self._conn.executemany(
                "INSERT OR REPLACE INTO article_identities (identity, article_id) VALUES (?, ?)",
                [(identity, article_id) for identity in identities],
            )
            # Delete the previous sketch's postings by their keys (read from the
            # stored sketch): a delete by article_id alone would scan the table.
            self._conn.executemany(
                "DELETE FROM article_sketch WHERE value = ? AND article_id = ?",
                [(value, article_id) for value in previous],
            )
            self._conn.executemany(
                "INSERT OR IGNORE INTO article_sketch (value, article_id) VALUES (?, ?)",
                [(value, article_id) for value in sketch],
            )

    # --- debates ------------------------------------------------------------

    def debate_id_for_alias(self, old_id: str) -> str | None:
        row = self._conn.execute(
            "SELECT debate_id FROM debate_aliases WHERE old_id = ?", (old_id,)
        ).fetchone()
        return row[0] if row else None

    def debates_in_family(self, family: str) -> list[dict[str, Any]]:
        rows = self._conn.execute(
            "SELECT record FROM debates WHERE family = ? ORDER BY id", (family,)
        ).fetchall()
        return [json.loads(record) for (record,) in rows]

    def put_debate(
        self,
        record: dict[str, Any],
        *,
        family: str,
        replaces: Iterable[str] = (),
    ) -> None:
        """Insert or replace a debate; ``replaces`` are older revisions it supersedes."""
        replaces = list(replaces)
        with self.transaction():
            self.note_deletions("debates", replaces, reason="revision", replaced_by=record["id"])
            for old_id in replaces:
                self._conn.execute("DELETE FROM debates WHERE id = ?", (old_id,))
                self._conn.execute(
                    "INSERT OR REPLACE INTO debate_aliases (old_id, debate_id) VALUES (?, ?)",
                    (old_id, record["id"]),
                )
                self._conn.execute(
                    "UPDATE debate_aliases SET debate_id = ? WHERE debate_id = ?",
                    (record["id"], old_id),
                )
            self._conn.execute(
                "INSERT OR REPLACE INTO debates (id, record, date, house, family)"
                " VALUES (?, ?, ?, ?, ?)",
                (record["id"], dumps(record), record.get("date"), record.get("house"), family),
            )

    def add_debate_aliases(self, debate_id: str, old_ids: Iterable[str]) -> None:
        """Record that ``old_ids`` (earlier revisions' ids) now name ``debate_id``."""
        self._conn.executemany(
            "INSERT OR REPLACE INTO debate_aliases (old_id, debate_id) VALUES (?, ?)",
            [(old_id, debate_id) for old_id in old_ids],
        )

    # --- links --------------------------------------------------------------

    def is_linked(self, table: str, record_id: str) -> bool:
        """Whether the record's links were computed since it was last written."""
        self._check_table(table)
        row = self._conn.execute(
            f"SELECT linked FROM {table} WHERE id = ?", (record_id,)
        ).fetchone()
        return bool(row and row[0])

    def mark_linked(self, table: str, record_id: str) -> None:
        self._check_table(table)
        self._conn.execute(f"UPDATE {table} SET linked = 1 WHERE id = ?", (record_id,))

    def replace_links(
        self,
        *,
        article_id: str | None = None,
        debate_id: str | None = None,
        links: Iterable[dict[str, Any]],
    ) -> tuple[int, int]:
        """Replace the links of one article or one debate; returns (removed, written)."""
        if (article_id is None) == (debate_id is None):
            raise ValueError("replace_links takes exactly one of article_id, debate_id")
        column, key = ("article_id", article_id) if article_id else ("debate_id", debate_id)
        links = list(links)
        with self.transaction():
            gone = self.link_ids(**{column: key}) - {link["id"] for link in links}
            self.note_deletions("links", gone, reason="relinked")
            removed = self._conn.execute(f"DELETE FROM links WHERE {column} = ?", (key,)).rowcount
            self._conn.executemany(
                "INSERT OR REPLACE INTO links (id, record, article_id, debate_id)"
                " VALUES (?, ?, ?, ?)",
                [
                    (link["id"], dumps(link), link["article_id"], link["debate_id"])
                    for link in links
                ],
            )
        return removed, len(links)

    def put_link(self, link: dict[str, Any]) -> None:
        """Insert or replace one link as it is (a rebuild from the snapshot)."""
        self._conn.execute(
            "INSERT OR REPLACE INTO links (id, record, article_id, debate_id) VALUES (?, ?, ?, ?)",
            (link["id"], dumps(link), link["article_id"], link["debate_id"]),
        )

    def link_ids(self, *, article_id: str | None = None, debate_id: str | None = None) -> set[str]:
        column, key = ("article_id", article_id) if article_id else ("debate_id", debate_id)
        return {
            row[0] for row in self._conn.execute(f"SELECT id FROM links WHERE {column} = ?", (key,))
        }

    # --- pages (conditional requests, settled pages) -------------------------

    def page(self, url: str) -> PageState | None:
        row = self._conn.execute(
            "SELECT url, kind, record_id, content_date, etag, last_modified"
            " FROM pages WHERE url = ?",
            (url,),
        ).fetchone()
        return PageState(*row) if row else None

    def remember_validators(self, url: str, etag: str | None, last_modified: str | None) -> None:
        self._conn.execute(
            "INSERT INTO pages (url, etag, last_modified) VALUES (?, ?, ?)"
            " ON CONFLICT(url) DO UPDATE SET etag = excluded.etag,"
            " last_modified = excluded.last_modified",
            (url, etag, last_modified),
        )

    def remember_pages(
        self, urls: Iterable[str], *, kind: str, record_id: str, content_date: str | None
    ) -> None:
        """Record that ``urls`` hold the stored record ``record_id``."""
        self._conn.executemany(
            "INSERT INTO pages (url, kind, record_id, content_date) VALUES (?, ?, ?, ?)"
            " ON CONFLICT(url) DO UPDATE SET kind = excluded.kind,"
            " record_id = excluded.record_id, content_date = excluded.content_date",
            [(url, kind, record_id, content_date) for url in urls],
        )

    def debates_on(self, day: str, house: str | None) -> list[dict[str, Any]]:
        """The stored debates of one sitting day and house (to join sources of one debate)."""
        rows = self._conn.execute(
            "SELECT record FROM debates WHERE date = ? AND house IS ? ORDER BY id", (day, house)
        ).fetchall()
        return [json.loads(record) for (record,) in rows]

    # --- members: a member's dated names and parties, read from a members API -----------

    def member_history(self, scheme: str, member_id: str) -> str | None:
        """The stored history (JSON text) of a member in ``scheme`` (``mnis``), else ``None``."""
        row = self._conn.execute(
            "SELECT history FROM members WHERE scheme = ? AND member_id = ?", (scheme, member_id)
        ).fetchone()
        return row[0] if row else None

    def put_member_history(
        self, scheme: str, member_id: str, history: str, fetched_on: str
    ) -> None:
        """Keep a member's history for later crawls (replacing an older copy)."""
        with self.transaction():
            self._conn.execute(
                "INSERT INTO members (scheme, member_id, history, fetched_on) VALUES (?, ?, ?, ?)"
                " ON CONFLICT(scheme, member_id) DO UPDATE SET history = excluded.history,"
                " fetched_on = excluded.fetched_on",
                (scheme, member_id, history, fetched_on),
            )


class _Transaction:
    """BEGIN/COMMIT around a block; nested uses join the outer transaction."""

    def __init__(self, conn: sqlite3.Connection):
        self._conn = conn
        self.outer = False

    def __enter__(self) -> sqlite3.Connection:
        self.outer = not self._conn.in_transaction
        if self.outer:
            self._conn.execute("BEGIN IMMEDIATE")
        return self._conn

    def __exit__(self, exc_type: object, exc: object, tb: object) -> None:
        if not self.outer:
            return
        if exc_type is None:
            self._conn.execute("COMMIT")
        else:
            self._conn.execute("ROLLBACK")
