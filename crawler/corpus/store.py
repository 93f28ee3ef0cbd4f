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

Writes are batched when the crawl asks for it (:meth:`CorpusStore.batch_commits`):
every write joins one open transaction, each block of related writes inside it
is a savepoint (whole or not at all), and the transaction is committed every
so many items or seconds, and when the crawl ends
(:class:`~crawler.corpus.extension.CorpusStoreExtension`). A killed crawl thereby loses
at most that window, and the next crawl fetches those pages again. The store
keeps a rollback journal (see :data:`JOURNAL_MODE`): a commit waits for readers
(an export) to finish, so a batch's commit that finds one is put off, not
waited for (:meth:`CorpusStore.commit`). Nothing is
rewritten that did not change (page rows, identities, sketch postings), and the
last records read or written are kept as their JSON text, so the stages of one
item read a record from the database once.

The store carries its schema version (``PRAGMA user_version``); an older store
is brought up to date in place when it is opened (:data:`MIGRATIONS`), a store
of a newer version is refused. The store owns its connection: other code goes
through its methods (reads, transactions, :meth:`CorpusStore.link_index`).
Whether a folder's store can be trusted before a crawl writes to it is
:func:`crawler.corpus.health.check_store`'s to say.
"""

from __future__ import annotations

import json
import logging
import sqlite3
import time
from collections import OrderedDict
from collections.abc import Iterable, Iterator
from contextlib import closing, contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from crawler.dedup.fingerprint import decode_sketch, encode_sketch, indexed_values
from crawler.items import ArticleItem, DebateItem, LinkItem
from crawler.linking.index import (
    DebateRecordTexts,
    IndexedSpeech,
    LinkIndex,
    day_date,
    drop_index,
)
from crawler.linking.linker import debate_speeches
from crawler.recordtext import export_text, in_export_form

logger = logging.getLogger(__name__)

STORE_FILENAME = "corpus.sqlite3"
# Bumped when the tables below change in a way older code cannot read;
# stored as ``PRAGMA user_version``. Stores from before versioning read 0.
# An older store is brought up to date when it is opened (see MIGRATIONS).
SCHEMA_VERSION = 4
# How many records read or written are kept as JSON text (see CorpusStore.get).
RECORD_CACHE_SIZE = 256
# The tables whose records are kept so (written only through put_article, put_debate).
CACHED_TABLES = ("articles", "debates")
# The store keeps a rollback journal, emptied at each commit, not a write-ahead
# log: the pages a transaction adds past the file's end are written once, and only
# the existing pages it changes are first copied to the journal. The log wrote every
# page twice (into the log, then back into the database): a news crawl wrote 14.3 KB
# of store per article of 4.3 KB, 8.3 KB with the journal (bench/bench_writes.py).
JOURNAL_MODE = "truncate"
# A journal left longer by a large transaction is cut back to this many bytes.
JOURNAL_SIZE_LIMIT = 32 * 1024 * 1024
# The store's page cache, in KiB (SQLite's default is 2 MiB, less than a batch of
# Hansard debates with their linking index). Outside a crawl's batches (an upgrade, a
# rebuild), the pages a transaction changed past it are written into the database
# before the commit, which locks readers (an export) out until the commit; a batch
# keeps them all in memory (:meth:`CorpusStore.batch_commits`).
CACHE_KIB = 64 * 1024
# A reader (``scrapy export``) holds the store while it reads, and a commit must wait
# for it: a batch's commit waits this long (the batch then stays open, committed at
# a later item or tick, so an export does not stall the crawl); any other write this
# long (a commit the crawl needs before going on, as before its snapshot).
BATCH_COMMIT_WAIT_MS = 20
# A batch whose commit was put off is tried again at the first item this many seconds
# later: until it commits, its pending lock keeps new readers (a second export) waiting.
COMMIT_RETRY_SECONDS = 1.0
# A crawl whose batch has been put off this long (its pages all held in memory) stops,
# rather than grow the batch without bound behind a reader that does not end.
PUT_OFF_LIMIT_SECONDS = 300.0
COMMIT_WAIT_MS = 600_000
# How long a reader waits for a commit (a batch commit put off keeps new readers out
# until it is made, at the first item COMMIT_RETRY_SECONDS later).
READ_WAIT_SECONDS = 120.0
# A store written by earlier versions kept a write-ahead log: it is folded into the
# database when such a store is first opened; when it cannot be (a reader holds the
# store), the store keeps its log for that run, folded every this many pages.
WAL_CHECKPOINT_PAGES = 4000
# Sketch postings of new or changed articles wait in memory (and, as article ids,
# in ``article_sketch_pending``, across crawls) until this many articles wait.
SKETCH_POSTINGS_PENDING = 5000

SCHEMA = """
CREATE TABLE IF NOT EXISTS articles (
    id TEXT PRIMARY KEY,
    record TEXT NOT NULL,
    content_hash TEXT,
    sketch BLOB,
    published TEXT,
    site TEXT,
    linked INTEGER NOT NULL DEFAULT 0,
    fetched_at TEXT,
    last_changed TEXT
);
CREATE INDEX IF NOT EXISTS articles_by_hash ON articles (content_hash);
CREATE TABLE IF NOT EXISTS article_identities (
    identity TEXT PRIMARY KEY,
    article_id TEXT NOT NULL
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS article_sketch (
    value INTEGER NOT NULL,
    article INTEGER NOT NULL,
    PRIMARY KEY (value, article)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS article_sketch_pending (
    seq INTEGER PRIMARY KEY,
    article_id TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS debates (
    id TEXT PRIMARY KEY,
    record TEXT NOT NULL,
    date TEXT,
    house TEXT,
    family TEXT,
    linked INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS debates_by_family ON debates (family);
CREATE INDEX IF NOT EXISTS debates_by_day ON debates (date, house);
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
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS members (
    scheme TEXT NOT NULL,
    member_id TEXT NOT NULL,
    history TEXT NOT NULL,
    fetched_on TEXT NOT NULL,
    PRIMARY KEY (scheme, member_id)
);
"""

RECORD_TABLES = ("articles", "debates", "links")


def _note_change(table: str, row: str) -> str:
    """A trigger statement noting that ``row`` (``NEW`` or ``OLD``) of ``table`` changed.
    NOT EXISTS rather than INSERT OR IGNORE: a trigger's conflict clause gives way
    to that of the statement firing it, and an INSERT OR ABORT would abort."""
    return (
        f"INSERT INTO snapshot_changes (tbl, id) SELECT '{table}', {row}.id WHERE NOT EXISTS"
        f" (SELECT 1 FROM snapshot_changes WHERE tbl = '{table}' AND id = {row}.id);"
    )


# The records written or removed since the snapshot file of their table was
# last written (crawler.corpus.snapshot), noted by triggers so that every way
# of writing a record is seen, and what each snapshot file was when written:
# the next snapshot then rewrites only what changed.
SNAPSHOT_TRACKING = """
CREATE TABLE IF NOT EXISTS snapshot_changes (
    tbl TEXT NOT NULL,
    id TEXT NOT NULL,
    PRIMARY KEY (tbl, id)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS snapshot_files (
    tbl TEXT PRIMARY KEY,
    written TEXT NOT NULL
);
""" + "".join(
    f"CREATE TRIGGER IF NOT EXISTS {table}_{event}_noted AFTER {when} ON {table}"
    f" BEGIN {' '.join(_note_change(table, row) for row in rows)} END;\n"
    for table in RECORD_TABLES
    for event, when, rows in (
        ("insert", "INSERT", ("NEW",)),
        ("update", "UPDATE OF id, record", ("OLD", "NEW")),
        ("delete", "DELETE", ("OLD",)),
    )
)

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
# Version 3 gave the linking index its present layout (date-sharded packed
# postings, speech texts read from the debate records). An index of another
# layout or hash scheme (crawler.linking.index.LinkIndex.scheme) is dropped when
# the store is opened and rebuilt from the stored debates and articles.
# Speeches indexed at a time when the index is rebuilt: each period's rows are then
# written a few times rather than once per debate.
REBUILD_BATCH = 5_000
# Version 3 indexes only part of each article's sketch (see
# crawler.dedup.fingerprint.indexed_values): the postings are rebuilt from the
# stored sketches when an older store is opened.
SKETCH_POSTINGS_VERSION = 3
# Version 3 keeps these tables by their key alone (WITHOUT ROWID): one b-tree
# each where a rowid table and its key's index were two, each written per row.
KEYED_TABLES_VERSION = 3
KEYED_TABLES = ("article_identities", "pages")
# Version 4 keeps each article's fetched_at and last_changed (the timestamps an
# export's data card reports, when text) in columns of their own, filled on every
# write, so the export copies articles through without decoding them; and keeps a
# debate in its export form only when its speeches can be cut out of its text
# (crawler.recordtext.export_text). An older store gets the columns filled, and a
# debate its text cannot be cut exactly is stored with sorted keys.
CARD_COLUMNS_VERSION = 4
CARD_COLUMNS = ("fetched_at", "last_changed")


@dataclass(frozen=True)
class PageState:
    """What the store knows of one fetched URL."""

    url: str
    kind: str | None
    record_id: str | None
    content_date: str | None
    etag: str | None
    last_modified: str | None


def is_busy(error: sqlite3.Error) -> bool:
    """Whether ``error`` says another connection holds the store (a crawl's commit, an
    export's read), whichever kind of busy SQLite reports."""
    return getattr(error, "sqlite_errorcode", 0) & 0xFF == sqlite3.SQLITE_BUSY


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


def dumps(record: dict[str, Any], record_type: type | None = None) -> str:
    """The JSON text a record is stored as: UTF-8 text, stable key order.

    An article, debate or link holding exactly the fields of its ``record_type`` is
    stored as the JSON Lines export writes it (:func:`crawler.recordtext.export_form`), so
    the export copies the text through (a debate's speeches, each spliced into its
    row); any other record with its keys sorted, as is one holding an integer beyond
    64 bits.
    """
    text = export_text(record, record_type) if record_type is not None else None
    if text is not None:
        return text.decode("utf-8")
    return json.dumps(record, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def card_values(record: dict[str, Any]) -> tuple[str | None, ...]:
    """An article's :data:`CARD_COLUMNS`: each the record's value when it is text."""
    values = (record.get(name) for name in CARD_COLUMNS)
    return tuple(value if isinstance(value, str) else None for value in values)


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
        self._closed = False
        # JSON text of the records last read or written, by (table, id).
        self._recent: OrderedDict[tuple[str, str], str | None] = OrderedDict()
        # Row number and indexed sketch values of the articles whose postings are
        # not yet in article_sketch, and the other way round (see _add_pending_postings).
        # Lists, not sets: a value is nearly always one article's, and a store opens
        # with up to SKETCH_POSTINGS_PENDING articles' values (27 MiB; sets took 44).
        self._pending: dict[str, tuple[int, tuple[int, ...]]] = {}
        self._pending_by_value: dict[int, list[int]] = {}
        # Batched commits (see batch_commits); off until a crawl turns them on.
        self._batch_items = 0
        self._items_since_commit = 0
        self.uncommitted_items = 0
        """Items done since the last commit that was made: those a rollback would undo
        (a put-off commit's batch included)."""
        self.commits = 0
        """Transactions committed since the store was opened."""
        self.record_reads = 0
        """Records read from the database (not from the records kept in memory)."""
        self._journal = ""
        self.commits_deferred = 0
        """Batched commits put off because a reader held the store (see :meth:`commit`)."""
        self._deferred_at: float | None = None
        self._put_off_since: float | None = None
        if read_only:
            self._conn = self._open_read_only()
            return
        self.folder.mkdir(parents=True, exist_ok=True)
        self._conn = sqlite3.connect(self.path, isolation_level=None, timeout=COMMIT_WAIT_MS / 1000)
        version = self._schema_version()
        if version > SCHEMA_VERSION:
            self._conn.close()
            raise StoreUnusableError(
                f"the corpus store {self.path} has schema version {version}, newer than this"
                f" crawler's {SCHEMA_VERSION}; update the crawler"
            )
        self._use_journal()
        self._conn.execute("PRAGMA foreign_keys=OFF")
        self._conn.execute(f"PRAGMA cache_size = -{CACHE_KIB}")
        # Each block of a batch is a savepoint, whose pages' earlier contents SQLite
        # keeps in a statement journal: in memory, not in a temporary file (a news
        # crawl wrote 70 KB per article to such files, 0.5 KB of it counted as
        # reaching the disk).
        self._conn.execute("PRAGMA temp_store = MEMORY")
        self._conn.execute(f"PRAGMA journal_size_limit = {JOURNAL_SIZE_LIMIT}")
        if version < SCHEMA_VERSION:
            with self.transaction():
                self._migrate(version)
        self._create_tables()
        if self._link_index_outdated():
            with self.transaction():
                self._rebuild_link_index()
        if version < SCHEMA_VERSION:
            with self.transaction():
                if version < KEYED_TABLES_VERSION:
                    self._key_tables()
                if version < SKETCH_POSTINGS_VERSION:
                    self._index_sketches_anew()
                if version < CARD_COLUMNS_VERSION:
                    self._fill_card_columns()
                    self._store_uncut_debates_sorted()
                self._conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
        self._load_pending_postings()

    def _open_read_only(self) -> sqlite3.Connection:
        """A connection that reads the store as it is.

        A crawl killed while committing leaves its last commit's journal behind (hot):
        the next connection rolls it back, but a read-only one cannot, and refuses
        to read. The journal is then rolled back through a connection that may write
        (the store is left as its last whole commit made it); a store that cannot be
        written to is refused with a one-line reason."""
        try:
            return self._connect_read_only()
        except sqlite3.OperationalError as error:
            if error.sqlite_errorcode != sqlite3.SQLITE_READONLY_ROLLBACK:
                raise
        try:
            with closing(sqlite3.connect(self.path, timeout=READ_WAIT_SECONDS)) as writer:
                writer.execute("PRAGMA schema_version").fetchone()
        except sqlite3.Error as error:
            raise StoreUnusableError(
                f"the corpus store {self.path} holds the unfinished commit of an interrupted"
                f" crawl, which cannot be rolled back here ({error}); the next crawl into"
                " its folder rolls it back"
            ) from None
        logger.info("Rolled back the unfinished commit of an interrupted crawl in %s", self.path)
        return self._connect_read_only()

    def _connect_read_only(self) -> sqlite3.Connection:
        uri = f"{self.path.resolve().as_uri()}?mode=ro"
        conn = sqlite3.connect(uri, uri=True, isolation_level=None, timeout=READ_WAIT_SECONDS)
        try:
            conn.execute("PRAGMA schema_version").fetchone()
        except sqlite3.Error:
            conn.close()
            raise
        return conn

    def _use_journal(self) -> None:
        """Keep a rollback journal (:data:`JOURNAL_MODE`), synced before the database
        file is changed (``synchronous=FULL``), so that neither a kill nor a power cut
        leaves a commit half-written. A store that kept a write-ahead log has it folded
        in first; while a reader holds such a store it keeps its log for this run."""
        try:
            mode = self._conn.execute(f"PRAGMA journal_mode={JOURNAL_MODE}").fetchone()[0]
        except sqlite3.OperationalError:
            mode = "wal"
        self._journal = mode
        if mode == "wal":
            logger.info("Corpus store %s keeps its write-ahead log: a reader holds it", self.path)
            # With a log, NORMAL sync keeps every committed transaction across a kill.
            self._conn.execute("PRAGMA synchronous=NORMAL")
            self._conn.execute(f"PRAGMA wal_autocheckpoint = {WAL_CHECKPOINT_PAGES}")
        else:
            self._conn.execute("PRAGMA synchronous=FULL")

    def _create_tables(self) -> None:
        """Create the tables, indexes and triggers a store lacks, in one transaction
        (one statement at a time, a new store's thirty-odd were as many commits).
        Deferred: a store that has them all is only read, and a reader (an export)
        does not hold up its opening."""
        try:
            self._conn.executescript(f"BEGIN;\n{SCHEMA}{SNAPSHOT_TRACKING}COMMIT;")
        except sqlite3.Error:
            if self._conn.in_transaction:
                self._conn.execute("ROLLBACK")
            raise

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

    def _key_tables(self) -> None:
        """Copy the :data:`KEYED_TABLES` of an older store into their keyed layout."""
        for table in KEYED_TABLES:
            sql = self._conn.execute(
                "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?", (table,)
            ).fetchone()[0]
            if "WITHOUT ROWID" in sql.upper():
                continue
            columns = ", ".join(row[1] for row in self._conn.execute(f"PRAGMA table_info({table})"))
            self._conn.execute(f"ALTER TABLE {table} RENAME TO {table}_with_rowid")
            self._conn.execute(f"{sql.rstrip()} WITHOUT ROWID")
            self._conn.execute(
                f"INSERT INTO {table} ({columns}) SELECT {columns} FROM {table}_with_rowid"
            )
            self._conn.execute(f"DROP TABLE {table}_with_rowid")

    def _index_sketches_anew(self) -> None:
        """Rebuild the sketch postings from the stored sketches (schema version 3
        indexes only each sketch's smallest values, by the article's row number)."""
        self._conn.execute("DROP TABLE IF EXISTS article_sketch")
        self._conn.execute(
            "CREATE TABLE article_sketch (value INTEGER NOT NULL, article INTEGER NOT NULL,"
            " PRIMARY KEY (value, article)) WITHOUT ROWID"
        )
        self._conn.execute("DELETE FROM article_sketch_pending")
        self._pending.clear()
        self._pending_by_value.clear()
        rows = self._conn.execute("SELECT rowid, sketch FROM articles WHERE sketch IS NOT NULL")
        postings = sorted(
            (value, row) for row, blob in rows for value in indexed_values(decode_sketch(blob))
        )
        self._conn.executemany(
            "INSERT OR IGNORE INTO article_sketch (value, article) VALUES (?, ?)", postings
        )

    def _fill_card_columns(self) -> None:
        """Add the articles' :data:`CARD_COLUMNS` and fill them from the records."""
        missing = [name for name in CARD_COLUMNS if name not in self._columns("articles")]
        for name in missing:
            self._conn.execute(f"ALTER TABLE articles ADD COLUMN {name} TEXT")
        # Decoded here, not by SQLite's JSON functions: a record stored with sorted
        # keys may hold NaN, which they refuse.
        setting = ", ".join(f"{name} = ?" for name in CARD_COLUMNS)
        for rows in self._rows_in_batches("articles", "record"):
            self._conn.executemany(
                f"UPDATE articles SET {setting} WHERE rowid = ?",
                [(*card_values(json.loads(text)), row) for row, text in rows],
            )

    def _store_uncut_debates_sorted(self) -> None:
        """Store with sorted keys each debate in its export form whose speeches
        :func:`~crawler.recordtext.debate_parts` would not cut out exactly (those
        written before version 4 were not checked)."""
        for rows in self._rows_in_batches("debates", "CAST(record AS BLOB)"):
            for row, text in rows:
                if not in_export_form(text, DebateItem):
                    continue
                record = json.loads(text)
                if export_text(record, DebateItem) != text:
                    self._conn.execute(
                        "UPDATE debates SET record = ? WHERE rowid = ?", (dumps(record), row)
                    )

    def _rows_in_batches(self, table: str, column: str) -> Iterator[list[tuple[int, Any]]]:
        """``(rowid, column)`` of every row of ``table``, a batch at a time (the caller
        may change a batch's rows before the next is read)."""
        last = -(2**63)
        while rows := self._conn.execute(
            f"SELECT rowid, {column} FROM {table} WHERE rowid > ? ORDER BY rowid LIMIT 1000",
            (last,),
        ).fetchall():
            yield rows
            last = rows[-1][0]

    def _has_table(self, table: str) -> bool:
        row = self._conn.execute(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (table,)
        ).fetchone()
        return row is not None

    def _columns(self, table: str) -> set[str]:
        return {row[1] for row in self._conn.execute(f"PRAGMA table_info({table})")}

    def close(self, *, commit: bool = True) -> None:
        """Commit what the open batch holds (whole blocks only; unless not ``commit``:
        then it is rolled back) and close; sketch postings still waiting are found by
        the next opening. Closing a closed store does nothing. The emptied journal is
        removed: the folder then holds the store as one file."""
        if self._closed:
            return
        try:
            if commit:
                self.commit()
            elif self._conn.in_transaction:
                self._conn.execute("ROLLBACK")  # Else the journal mode would not change.
            if self._journal == JOURNAL_MODE:
                with suppress(sqlite3.OperationalError):
                    # A reader holds the store: the emptied journal stays (it is not hot).
                    self._conn.execute("PRAGMA journal_mode=DELETE")
        finally:
            # A commit that failed is rolled back: the store keeps its last whole commit.
            self._conn.close()
            self._closed = True

    def transaction(self) -> sqlite3.Connection:
        """``with store.transaction():`` commits the block, or rolls it back on error.

        With batched commits the block is a savepoint of the open batch: it is
        whole or absent, and committed with the batch."""
        return _Transaction(self)  # type: ignore[return-value]

    # --- batched commits ----------------------------------------------------

    def batch_commits(self, items: int) -> None:
        """From now on, writes join one open transaction, committed once ``items``
        items were done (:meth:`item_done`) and whenever :meth:`commit` is called
        (the crawl calls it on a timer, and at its end; :meth:`close` does too).

        A batch's changed pages stay in memory until its commit, past the page cache
        too: writing them out earlier takes the store from its readers, so each write
        would wait for a running export (and a batch grows while its commit is put off)."""
        self._batch_items = max(1, items)
        self._conn.execute("PRAGMA cache_spill = OFF")

    @property
    def rows_written(self) -> int:
        """Rows inserted, updated or deleted since the store was opened."""
        return self._conn.total_changes

    @property
    def in_transaction(self) -> bool:
        """Whether a batch is open (after a failed commit: whether SQLite kept it)."""
        return self._conn.in_transaction

    @property
    def batching(self) -> bool:
        return self._batch_items > 0

    def item_done(self) -> None:
        """One item went through the pipelines: commit if the batch holds enough, or
        if its commit was put off :data:`COMMIT_RETRY_SECONDS` ago."""
        self._items_since_commit += 1
        self.uncommitted_items += 1
        if self._items_since_commit >= self._batch_items or (
            self._deferred_at is not None
            and time.monotonic() - self._deferred_at >= COMMIT_RETRY_SECONDS
        ):
            self.commit(wait=False)

    def commit(self, *, wait: bool = True) -> bool:
        """Commit the open batch, if any; returns whether nothing is left uncommitted.

        A commit waits for readers of the store (an export) to finish. Unless
        ``wait``, it waits :data:`BATCH_COMMIT_WAIT_MS` at most and otherwise leaves the
        batch open, to be committed at a later call (SQLite keeps a transaction whose
        commit found the store busy): the crawl goes on while an export reads."""
        self._items_since_commit = 0
        if not self._conn.in_transaction:
            self._committed(made=False)
            return True
        if wait:
            self._conn.execute("COMMIT")
            self._committed()
            return True
        self._conn.execute(f"PRAGMA busy_timeout = {BATCH_COMMIT_WAIT_MS}")
        try:
            self._conn.execute("COMMIT")
        except sqlite3.OperationalError as error:
            if not is_busy(error):
                raise
            self.commits_deferred += 1
            self._deferred_at = time.monotonic()
            if self._put_off_since is None:
                # Said once: it is tried again every COMMIT_RETRY_SECONDS until made.
                self._put_off_since = self._deferred_at
                logger.info("Corpus store commit put off: a reader holds %s", self.path)
            return False
        finally:
            self._conn.execute(f"PRAGMA busy_timeout = {COMMIT_WAIT_MS}")
        self._committed()
        return True

    def _committed(self, *, made: bool = True) -> None:
        """Nothing is left uncommitted (``made``: a transaction was committed)."""
        self.commits += made
        self.uncommitted_items = 0
        self._deferred_at = self._put_off_since = None

    @property
    def put_off_seconds(self) -> float:
        """How long the open batch's commit has been put off (0.0 when it is not)."""
        if self._put_off_since is None:
            return 0.0
        return time.monotonic() - self._put_off_since

    @contextmanager
    def read_transaction(self) -> Iterator[None]:
        """Every read in the block sees the same committed state of the store."""
        self.commit()
        self._conn.execute("BEGIN")
        try:
            yield
        finally:
            self._conn.execute("COMMIT")

    def checkpoint(self) -> None:
        """Commit, fold a write-ahead log (a store kept one while a reader held it)
        into the database file and keep no journal beside it: the file alone then
        holds the whole store, ready to be moved or copied."""
        self.commit()
        self._conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        self._conn.execute("PRAGMA journal_mode=DELETE")

    def link_index(self) -> LinkIndex:
        """The linking index kept in this store's ``link_*`` tables (one per store); it
        reads the speeches' texts from the stored debate records."""
        if self._link_index is None:
            self._link_index = LinkIndex(self._conn, texts=DebateRecordTexts(self._conn))
        return self._link_index

    def _link_index_outdated(self) -> bool:
        if not self._has_table("link_meta"):
            return False
        row = self._conn.execute("SELECT value FROM link_meta WHERE key = 'hash_scheme'").fetchone()
        return row is None or row[0] != LinkIndex.scheme()

    def _rebuild_link_index(self) -> None:
        """Replace an index of an older layout: every stored debate's speeches are
        indexed again, and every article's quoted passages as the old index held
        them (the links themselves are kept as they are)."""
        quoting: list[tuple[str, str, list[str]]] = []
        if self._has_table("link_quoting_article"):
            columns = self._columns("link_quoting_article")
            if {"article_id", "date", "passages"} <= columns:
                rows = self._conn.execute(
                    "SELECT article_id, date, passages FROM link_quoting_article"
                    " ORDER BY article_id"
                )
                quoting = [(article_id, day, json.loads(text)) for article_id, day, text in rows]
            elif {"aid", "article_id", "passages"} <= columns:
                # Layouts keyed by place hold the article's day in the key (day << 16 | slot).
                rows = self._conn.execute(
                    "SELECT article_id, aid, passages FROM link_quoting_article ORDER BY article_id"
                )
                quoting = [
                    (article_id, day_date(aid >> 16), json.loads(text))
                    for article_id, aid, text in rows
                ]
        drop_index(self._conn)
        self._link_index = None
        index = self.link_index()
        batch: list[IndexedSpeech] = []
        for record in self.iter_records("debates"):
            batch += debate_speeches(record)
            if len(batch) >= REBUILD_BATCH:
                index.add_speeches(batch)
                batch = []
        index.add_speeches(batch)
        for article_id, day, passages in quoting:
            index.add_article_quotes(article_id, day, passages)

    # --- generic records ----------------------------------------------------

    def get(self, table: str, record_id: str) -> dict[str, Any] | None:
        """The stored record (a fresh dict the caller may change), or ``None``.

        The last :data:`RECORD_CACHE_SIZE` records read or written are kept as
        JSON text, so the merge, store and linking stages of one item read the
        record from the database once; a write or a rolled-back block updates or
        clears what is kept."""
        self._check_table(table)
        key = (table, record_id)
        if table not in CACHED_TABLES:
            row = self._conn.execute(
                f"SELECT record FROM {table} WHERE id = ?", (record_id,)
            ).fetchone()
            return json.loads(row[0]) if row else None
        if key in self._recent:
            self._recent.move_to_end(key)
            text = self._recent[key]
        else:
            row = self._conn.execute(
                f"SELECT record FROM {table} WHERE id = ?", (record_id,)
            ).fetchone()
            self.record_reads += 1
            text = row[0] if row else None
            self._keep(table, record_id, text)
        return json.loads(text) if text is not None else None

    def _keep(self, table: str, record_id: str, text: str | None) -> None:
        self._recent[(table, record_id)] = text
        self._recent.move_to_end((table, record_id))
        if len(self._recent) > RECORD_CACHE_SIZE:
            self._recent.popitem(last=False)

    def _after_rollback(self) -> None:
        self._recent.clear()
        self._pending.clear()
        self._pending_by_value.clear()
        self._load_pending_postings()

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
        """Articles sharing at least ``min_shared`` indexed sketch values (the smallest,
        :func:`~crawler.dedup.fingerprint.indexed_values`): (id, sketch, published).

        A value found in more than ``max_postings`` articles is a shingle of
        boilerplate ("the Ministry of Defence said"), not a sign of one copied
        article, and is passed over: the look-up costs at most
        ``len(sketch) * max_postings`` index rows however large the corpus.
        """
        values = indexed_values(tuple(sketch))
        found = self._candidates(values, exclude, min_shared, max_postings)
        if found is None:
            # A posting named a row whose sketch lacks the value: the rows were
            # renumbered (a VACUUM); the postings are rebuilt from the sketches.
            logger.warning("Sketch postings of %s out of date; indexing them anew", self.path)
            with self.transaction():
                self._index_sketches_anew()
            found = self._candidates(values, exclude, min_shared, max_postings) or []
        return found

    def _candidates(
        self, values: tuple[int, ...], exclude: str | None, min_shared: int, max_postings: int
    ) -> list[tuple[str, tuple[int, ...], str | None]] | None:
        """What :meth:`near_copy_candidates` returns; ``None`` if the postings name rows
        that do not hold their values."""
        shared: dict[int, list[int]] = {}
        for value in dict.fromkeys(values):
            rows = [
                row
                for (row,) in self._conn.execute(
                    "SELECT article FROM article_sketch WHERE value = ? LIMIT ?",
                    (value, max_postings + 1),
                )
            ]
            rows.extend(self._pending_by_value.get(value, ()))
            if len(rows) > max_postings:
                continue
            for row in rows:
                shared.setdefault(row, []).append(value)
        found = []
        for row, matched in shared.items():
            if len(matched) < min_shared:
                continue
            stored = self._conn.execute(
                "SELECT id, sketch, published FROM articles WHERE rowid = ?", (row,)
            ).fetchone()
            if stored is None or stored[1] is None:
                return None
            article_id, blob, published = stored
            other = decode_sketch(blob)
            if not set(matched) <= set(indexed_values(other)):
                return None
            if article_id != exclude:
                found.append((article_id, other, published))
        return sorted(found)

    def put_article(
        self,
        record: dict[str, Any],
        *,
        identities: Iterable[str],
        sketch: tuple[int, ...],
    ) -> None:
        """Insert or update an article with its identities and sketch (one transaction).

        Only what changed is written: identities already naming the article and
        sketch postings it already has stay as they are. The article is marked
        not linked (its links are computed again)."""
        article_id = record["id"]
        text = dumps(record, ArticleItem)
        with self.transaction():
            row = self._conn.execute(
                "SELECT rowid, sketch FROM articles WHERE id = ?", (article_id,)
            ).fetchone()
            previous = set(indexed_values(decode_sketch(row[1]))) if row and row[1] else set()
            current = set(indexed_values(sketch))
            indexed = article_id not in self._pending
            self._conn.execute(
                "INSERT INTO articles (id, record, content_hash, sketch, published, site,"
                " fetched_at, last_changed) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
                " ON CONFLICT(id) DO UPDATE SET"
                " record = excluded.record, content_hash = excluded.content_hash,"
                " sketch = excluded.sketch, published = excluded.published,"
                " site = excluded.site, linked = 0, fetched_at = excluded.fetched_at,"
                " last_changed = excluded.last_changed",
                (
                    article_id,
                    text,
                    record.get("content_hash"),
                    encode_sketch(sketch) if sketch else None,
                    record.get("published"),
                    record.get("site"),
                    *card_values(record),
                ),
            )
            self._conn.executemany(
                "INSERT INTO article_identities (identity, article_id) VALUES (?, ?)"
                " ON CONFLICT(identity) DO UPDATE SET article_id = excluded.article_id"
                " WHERE article_id IS NOT excluded.article_id",
                [(identity, article_id) for identity in identities],
            )
            if previous != current:
                if indexed and previous:
                    # Delete the indexed postings by their keys (read from the stored
                    # sketch): a delete by article alone would scan the table.
                    self._conn.executemany(
                        "DELETE FROM article_sketch WHERE value = ? AND article = ?",
                        [(value, row[0]) for value in sorted(previous)],
                    )
                # An update keeps the row number (an upsert, not a replace).
                number = row[0] if row else self._row_of(article_id)
                self._add_pending_postings(article_id, number, tuple(sorted(current)))
            self._keep("articles", article_id, text)
        self._sketch_postings_due()

    # Sketch postings: an article's postings are random keys of a large index, so
    # writing them per article rewrote a page of it per value at every commit.
    # They wait in memory instead, their articles' ids in article_sketch_pending
    # (appended in order: cheap), and are written in one pass every
    # SKETCH_POSTINGS_PENDING articles. They keep waiting when the store closes
    # (written at every close, a crawl of a hundred articles into a store of
    # 30,000 rewrote a page of the index per posting: 160 KiB per article, where
    # the rest of the store wrote 10): the waiting articles of a closed or killed
    # crawl are read back from that table when the store is opened.
    # A posting names the article by its row number (a few bytes, where the id
    # takes tens); an upsert keeps it, and a renumbering (VACUUM) is caught by
    # near_copy_candidates, which then indexes the sketches anew.

    def _row_of(self, article_id: str) -> int:
        return self._conn.execute(
            "SELECT rowid FROM articles WHERE id = ?", (article_id,)
        ).fetchone()[0]

    def _add_pending_postings(self, article_id: str, row: int, values: tuple[int, ...]) -> None:
        self._drop_pending(article_id)
        self._conn.execute(
            "INSERT INTO article_sketch_pending (article_id) VALUES (?)", (article_id,)
        )
        self._remember_pending(article_id, row, values)

    def _remember_pending(self, article_id: str, row: int, values: tuple[int, ...]) -> None:
        self._pending[article_id] = (row, values)
        for value in values:
            waiting = self._pending_by_value.setdefault(value, [])
            if row not in waiting:
                waiting.append(row)

    def _drop_pending(self, article_id: str) -> None:
        row, values = self._pending.pop(article_id, (0, ()))
        for value in values:
            waiting = self._pending_by_value[value]
            if row in waiting:
                waiting.remove(row)
            if not waiting:
                del self._pending_by_value[value]

    def _load_pending_postings(self) -> None:
        rows = self._conn.execute(
            "SELECT a.id, a.rowid, a.sketch FROM articles a WHERE a.id IN"
            " (SELECT article_id FROM article_sketch_pending)"
        ).fetchall()
        for article_id, row, blob in rows:
            self._remember_pending(article_id, row, indexed_values(decode_sketch(blob or b"")))

    def _sketch_postings_due(self) -> None:
        if len(self._pending) >= SKETCH_POSTINGS_PENDING:
            with self.transaction():
                self.write_pending_postings()

    def write_pending_postings(self) -> int:
        """Write the waiting sketch postings into the index in one pass (sorted by
        value, so each page of the index is written once); returns how many."""
        postings = sorted(
            (value, row) for row, values in self._pending.values() for value in values
        )
        self._conn.executemany(
            "INSERT OR IGNORE INTO article_sketch (value, article) VALUES (?, ?)", postings
        )
        self._conn.execute("DELETE FROM article_sketch_pending")
        self._pending.clear()
        self._pending_by_value.clear()
        return len(postings)

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
            text = dumps(record, DebateItem)
            self._conn.execute(
                "INSERT INTO debates (id, record, date, house, family) VALUES (?, ?, ?, ?, ?)"
                " ON CONFLICT(id) DO UPDATE SET record = excluded.record,"
                " date = excluded.date, house = excluded.house, family = excluded.family,"
                " linked = 0",
                (record["id"], text, record.get("date"), record.get("house"), family),
            )
            for old_id in replaces:
                self._keep("debates", old_id, None)
            self._keep("debates", record["id"], text)

    def add_debate_aliases(self, debate_id: str, old_ids: Iterable[str]) -> None:
        """Record that ``old_ids`` (earlier revisions' ids) now name ``debate_id``."""
        with self.transaction():
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
        """Make the links of one article or one debate exactly ``links``; returns
        (removed, written). Only what changed is written: a link stored already as
        given is left as it is."""
        if (article_id is None) == (debate_id is None):
            raise ValueError("replace_links takes exactly one of article_id, debate_id")
        column, key = ("article_id", article_id) if article_id else ("debate_id", debate_id)
        stored = dict(
            self._conn.execute(f"SELECT id, record FROM links WHERE {column} = ?", (key,))
        )
        wanted = {link["id"]: link for link in links}
        gone = sorted(set(stored) - set(wanted))
        changed = [
            (link_id, dumps(link, LinkItem), link["article_id"], link["debate_id"])
            for link_id, link in wanted.items()
        ]
        changed = [row for row in changed if stored.get(row[0]) != row[1]]
        with self.transaction():
            self.note_deletions("links", gone, reason="relinked")
            self._conn.executemany("DELETE FROM links WHERE id = ?", [(i,) for i in gone])
            self._conn.executemany(
                "INSERT OR REPLACE INTO links (id, record, article_id, debate_id)"
                " VALUES (?, ?, ?, ?)",
                changed,
            )
        return len(gone), len(changed)

    def put_link(self, link: dict[str, Any]) -> None:
        """Insert or replace one link as it is (a rebuild from the snapshot)."""
        self._conn.execute(
            "INSERT OR REPLACE INTO links (id, record, article_id, debate_id) VALUES (?, ?, ?, ?)",
            (link["id"], dumps(link, LinkItem), link["article_id"], link["debate_id"]),
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
        """Keep a page's validators for conditional requests (unchanged ones are not rewritten)."""
        with self.transaction():
            self._conn.execute(
                "INSERT INTO pages (url, etag, last_modified) VALUES (?, ?, ?)"
                " ON CONFLICT(url) DO UPDATE SET etag = excluded.etag,"
                " last_modified = excluded.last_modified"
                " WHERE etag IS NOT excluded.etag OR last_modified IS NOT excluded.last_modified",
                (url, etag, last_modified),
            )

    def remember_pages(
        self, urls: Iterable[str], *, kind: str, record_id: str, content_date: str | None
    ) -> None:
        """Record that ``urls`` hold the stored record ``record_id`` (rows that say so
        already are not rewritten)."""
        with self.transaction():
            self._conn.executemany(
                "INSERT INTO pages (url, kind, record_id, content_date) VALUES (?, ?, ?, ?)"
                " ON CONFLICT(url) DO UPDATE SET kind = excluded.kind,"
                " record_id = excluded.record_id, content_date = excluded.content_date"
                " WHERE kind IS NOT excluded.kind OR record_id IS NOT excluded.record_id"
                " OR content_date IS NOT excluded.content_date",
                [(url, kind, record_id, content_date) for url in urls],
            )

    # --- snapshot tracking (crawler.corpus.snapshot) --------------------------

    def get_raw(self, table: str, record_id: str) -> str | None:
        """One record as the stored JSON text, or ``None`` when not stored."""
        self._check_table(table)
        row = self._conn.execute(
            f"SELECT record FROM {table} WHERE id = ?", (record_id,)
        ).fetchone()
        return row[0] if row else None

    def holds(self, table: str, record_id: str) -> bool:
        """Whether ``table`` holds a record of id ``record_id``."""
        self._check_table(table)
        row = self._conn.execute(f"SELECT 1 FROM {table} WHERE id = ?", (record_id,)).fetchone()
        return row is not None

    def snapshot_changes(self, table: str) -> list[str]:
        """Ids of ``table`` written or removed since its snapshot file was written, sorted."""
        self._check_table(table)
        rows = self._conn.execute(
            "SELECT id FROM snapshot_changes WHERE tbl = ? ORDER BY id", (table,)
        )
        return [record_id for (record_id,) in rows]

    def snapshot_written(self, table: str) -> str | None:
        """What :meth:`settle_snapshot` noted of ``table``'s snapshot file, if anything."""
        self._check_table(table)
        row = self._conn.execute(
            "SELECT written FROM snapshot_files WHERE tbl = ?", (table,)
        ).fetchone()
        return row[0] if row else None

    def settle_snapshot(self, table: str, written: str, changes: Iterable[str]) -> None:
        """Note that ``table``'s snapshot file, now ``written``, holds ``changes``."""
        self._check_table(table)
        with self.transaction():
            self._conn.executemany(
                "DELETE FROM snapshot_changes WHERE tbl = ? AND id = ?",
                [(table, record_id) for record_id in changes],
            )
            self._conn.execute(
                "INSERT OR REPLACE INTO snapshot_files (tbl, written) VALUES (?, ?)",
                (table, written),
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
    """BEGIN/COMMIT around a block; nested uses join the outer transaction.

    With batched commits the block is a savepoint inside the open batch instead,
    released at its end or rolled back on error; the batch is committed later."""

    def __init__(self, store: CorpusStore):
        self._store = store
        self._conn = store._conn
        self.outer = False
        self.savepoint = False

    def __enter__(self) -> sqlite3.Connection:
        if self._store.batching:
            if not self._conn.in_transaction:
                self._conn.execute("BEGIN IMMEDIATE")
            self.savepoint = True
            self._conn.execute("SAVEPOINT block")
            return self._conn
        self.outer = not self._conn.in_transaction
        if self.outer:
            self._conn.execute("BEGIN IMMEDIATE")
        return self._conn

    def __exit__(self, exc_type: object, exc: object, tb: object) -> None:
        if self.savepoint:
            if exc_type is not None:
                self._conn.execute("ROLLBACK TO block")
            self._conn.execute("RELEASE block")
        elif self.outer:
            if exc_type is None:
                self._conn.execute("COMMIT")
                self._store.commits += 1
            else:
                self._conn.execute("ROLLBACK")
        if exc_type is not None and (self.savepoint or self.outer):
            # What the block wrote is gone: what the store keeps in memory of it too.
            self._store._after_rollback()
