"""The store's rollback journal beside its readers: a crawl's batch commit that finds an
export reading is put off, not failed and not waited for; the export keeps reading what
was committed when it began; a commit a kill interrupted is rolled back before an
export reads; a store of an earlier version drops its write-ahead log."""

from __future__ import annotations

import json
import re
import signal
import sqlite3
import subprocess
import sys
import time
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path

import pytest

from crawler.corpus import lock
from crawler.corpus import store as store_module
from crawler.corpus.extension import CorpusStoreExtension
from crawler.corpus.store import STORE_FILENAME, CorpusStore, StoreUnusableError, is_busy
from crawler.export import ExportOptions, export
from crawler.export import selection as export_selection
from crawler.sample_corpus import SAMPLE_CRAWLS
from tests.support.corpus import read_records, without_run_time_fields
from tests.support.crawl import crawl_command, crawl_env, crawl_in_process
from tests.support.pages import ROOT
from tests.test_store_writes import article, put


def stored_ids(store: CorpusStore) -> list[str]:
    return list(store.ids("articles"))


def test_a_batch_commit_while_an_export_reads_is_put_off_and_made_later(tmp_path: Path) -> None:
    crawl = CorpusStore(tmp_path)
    crawl.batch_commits(1)
    put(crawl, article(1))
    crawl.item_done()
    export = CorpusStore(tmp_path, read_only=True)
    try:
        with export.read_transaction():
            assert stored_ids(export) == ["example.org/story-1"]
            put(crawl, article(2))
            started = time.monotonic()
            crawl.item_done()
            assert time.monotonic() - started < 1.0
            assert crawl.commits_deferred == 1
            put(crawl, article(3))
            assert not crawl.commit(wait=False)
            # A put-off commit leaves its items uncommitted: a rollback would undo both.
            assert crawl.uncommitted_items == 1
            crawl.item_done()
            assert crawl.uncommitted_items == 2
            # The export reads on what was committed when it began.
            assert stored_ids(export) == ["example.org/story-1"]
        put(crawl, article(4))
        crawl.item_done()
        assert crawl.commits_deferred == 3
        assert crawl.uncommitted_items == 0
        assert stored_ids(export) == [f"example.org/story-{n}" for n in (1, 2, 3, 4)]
    finally:
        export.close()
        crawl.close()


def committed_articles(corpus: Path) -> int:
    try:
        with closing(sqlite3.connect(corpus / STORE_FILENAME, timeout=0.01)) as conn:
            return conn.execute("SELECT count(*) FROM articles").fetchone()[0]
    except sqlite3.Error:
        return 0


def started_crawl(command: list[str], corpus: Path, log: Path) -> subprocess.Popen[bytes]:
    """The crawl ``command`` running, its log going to ``log``, once its first item is
    committed to the store in ``corpus``."""
    with log.open("w") as output:
        process = subprocess.Popen(
            command, cwd=ROOT, env=crawl_env(), stdout=subprocess.DEVNULL, stderr=output
        )
    deadline = time.monotonic() + 120
    while committed_articles(corpus) == 0:
        assert process.poll() is None and time.monotonic() < deadline, log.read_text()[-3000:]
        time.sleep(0.005)
    return process


def with_store_constant(command: list[str], assignment: str) -> list[str]:
    """``command`` (``python -m scrapy ...``) with one of the store's constants set
    first (``assignment``, as ``NAME = value``), to keep a test's waits short."""
    assert command[1:3] == ["-m", "scrapy"]
    program = (
        f"import sys; import crawler.corpus.store as store; store.{assignment};"
        " from scrapy.cmdline import execute; sys.argv[0] = 'scrapy'; execute()"
    )
    return [command[0], "-c", program, *command[3:]]


def test_a_crawl_goes_on_while_an_export_reads_and_stores_every_record(tmp_path: Path) -> None:
    spider, arguments = SAMPLE_CRAWLS[0]
    alone = crawl_in_process(spider, tmp_path / "alone", args=arguments)
    assert alone.returncode == 0, alone.stderr[-3000:]
    corpus, log, stats = tmp_path / "corpus", tmp_path / "crawl.log", tmp_path / "stats.json"
    # Slow enough for the export to begin half-way, each item its own batch.
    settings = {
        "CORPUS_COMMIT_ITEMS": 1,
        "DOWNLOAD_DELAY": 0.4,
        "LOG_LEVEL": "INFO",
        "CRAWL_STATS_FILE": stats,
    }
    command = crawl_command(spider, corpus, args=arguments, settings=settings)
    process = started_crawl(command, corpus, log)
    deadline = time.monotonic() + 120
    export = CorpusStore(corpus, read_only=True)
    with export.read_transaction():
        seen = stored_ids(export)
        while "Corpus store commit put off" not in log.read_text():
            assert "Closing spider" not in log.read_text(), "the crawl ended before the export"
            assert time.monotonic() < deadline, log.read_text()[-3000:]
            time.sleep(0.05)
        # The crawl's items go on while the export reads what was committed when it began.
        assert stored_ids(export) == seen
    assert process.wait(timeout=120) == 0, log.read_text()[-3000:]
    export.close()
    assert json.loads(stats.read_text())["corpus/store/commits_deferred"] >= 1
    assert without_run_time_fields(read_records(corpus, "articles")) == without_run_time_fields(
        alone.read("articles")
    )


# A process that stores two articles, then changes every stored record in a transaction
# too large for its page cache, so that pages of it reach the database file before the
# commit, and is killed there: the journal it leaves is hot.
KILLED_MID_COMMIT = """
import os, signal, sqlite3, sys
from crawler.corpus.store import CorpusStore
from tests.test_store_writes import article, put
store = CorpusStore(sys.argv[1])
put(store, article(1))
put(store, article(2))
store.close()
conn = sqlite3.connect(sys.argv[2], isolation_level=None)
conn.execute("PRAGMA cache_size = 1")
conn.execute("BEGIN IMMEDIATE")
for number in range(200):
    conn.execute("INSERT INTO members VALUES ('test', ?, ?, '2025-01-01')", (number, "x" * 4000))
conn.execute("UPDATE articles SET record = '{}'")
os.kill(os.getpid(), signal.SIGKILL)
"""


def kill_mid_commit(folder: Path) -> Path:
    path = folder / STORE_FILENAME
    script = [sys.executable, "-c", KILLED_MID_COMMIT, str(folder), str(path)]
    completed = subprocess.run(script, cwd=ROOT, capture_output=True, text=True)
    assert completed.returncode == -signal.SIGKILL, completed.stderr
    # The case itself: a read-only connection refuses this store as it is.
    with pytest.raises(sqlite3.OperationalError) as refused:
        reader = sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True)
        try:
            reader.execute("SELECT count(*) FROM articles").fetchone()
        finally:
            reader.close()
    assert refused.value.sqlite_errorcode == sqlite3.SQLITE_READONLY_ROLLBACK
    return path


def test_an_export_after_a_kill_mid_commit_reads_the_last_whole_commit(tmp_path: Path) -> None:
    kill_mid_commit(tmp_path)
    export = CorpusStore(tmp_path, read_only=True)
    try:
        assert [record["id"] for record in export.iter_records("articles")] == [
            "example.org/story-1",
            "example.org/story-2",
        ]
        assert export.count("articles") == 2
    finally:
        export.close()
    with sqlite3.connect(tmp_path / STORE_FILENAME) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert conn.execute("SELECT count(*) FROM members").fetchone()[0] == 0


def test_an_unfinished_commit_that_cannot_be_rolled_back_is_refused_in_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    kill_mid_commit(tmp_path)
    connect = sqlite3.connect

    def read_only_folder(database: object, *args: object, **kwargs: object) -> sqlite3.Connection:
        # As in a folder this user may read but not write (root writes anywhere).
        if not kwargs.get("uri"):
            raise sqlite3.OperationalError("unable to open database file")
        return connect(database, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(sqlite3, "connect", read_only_folder)
    with pytest.raises(StoreUnusableError) as refused:
        CorpusStore(tmp_path, read_only=True)
    assert str(refused.value) == (
        f"the corpus store {tmp_path / STORE_FILENAME} holds the unfinished commit of an"
        " interrupted crawl, which cannot be rolled back here (unable to open database file);"
        " the next crawl into its folder rolls it back"
    )


# A process of an earlier version: the store in write-ahead log mode, a deletion
# committed to the log, and an exit that leaves the log as it is.
LEFT_A_LOG = """
import os, sqlite3, sys
conn = sqlite3.connect(sys.argv[1], isolation_level=None)
conn.execute("PRAGMA journal_mode=WAL")
conn.execute("DELETE FROM articles")
os._exit(0)
"""


def store_with_a_log(folder: Path) -> Path:
    store = CorpusStore(folder)
    put(store, article(1))
    store.close()
    path = folder / STORE_FILENAME
    subprocess.run([sys.executable, "-c", LEFT_A_LOG, str(path)], check=True)
    assert Path(f"{path}-wal").stat().st_size > 0
    return path


def test_a_store_that_kept_a_write_ahead_log_folds_it_in_and_drops_it(tmp_path: Path) -> None:
    path = store_with_a_log(tmp_path)
    store = CorpusStore(tmp_path)
    try:
        assert stored_ids(store) == []
        put(store, article(2))
    finally:
        store.close()
    assert not Path(f"{path}-wal").exists()
    with sqlite3.connect(path) as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
        assert [row[0] for row in conn.execute("SELECT id FROM articles")] == [
            "example.org/story-2"
        ]


def test_a_store_with_a_log_that_a_reader_holds_keeps_its_log_for_the_run(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    store_with_a_log(tmp_path)
    export = CorpusStore(tmp_path, read_only=True)
    try:
        with export.read_transaction():
            assert stored_ids(export) == []
            with caplog.at_level("INFO", logger="crawler.corpus.store"):
                store = CorpusStore(tmp_path)
            try:
                put(store, article(2))
            finally:
                store.close()
            assert "keeps its write-ahead log" in caplog.text
            assert stored_ids(export) == []
        assert stored_ids(export) == ["example.org/story-2"]
    finally:
        export.close()


def test_a_batch_outgrowing_the_page_cache_while_an_export_reads_does_not_wait_for_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Pages written out before the commit would need the store to themselves: each
    # write would wait COMMIT_WAIT_MS for the export, holding up the whole crawl.
    monkeypatch.setattr(store_module, "CACHE_KIB", 256)
    monkeypatch.setattr(store_module, "COMMIT_WAIT_MS", 3000)
    crawl = CorpusStore(tmp_path)
    crawl.batch_commits(10_000)
    put(crawl, article(1))
    crawl.commit()
    export = CorpusStore(tmp_path, read_only=True)
    long_text = "word " * 4000
    try:
        with export.read_transaction():
            started = time.monotonic()
            for number in range(2, 40):  # about 40 times the page cache
                put(crawl, article(number, f"{long_text}{number}"))
            assert time.monotonic() - started < 3.0, "a write waited for the export"
            assert stored_ids(export) == ["example.org/story-1"]
        assert crawl.commit(wait=False)
        assert len(stored_ids(export)) == 39
    finally:
        export.close()
        crawl.close()


@dataclass
class OutlastedCrawl:
    """A sample crawl that an export read beside from its first commit to its end."""

    corpus: Path
    returncode: int
    log: str
    seen: list[str]
    """The articles the export read: those committed when it began."""

    @property
    def verdict(self) -> list[str]:
        return [line for line in self.log.splitlines() if line.startswith("scrapy crawl:")]


def crawl_outlasted_by_an_export(tmp_path: Path, delay: float, assignment: str) -> OutlastedCrawl:
    """The first sample crawl (``DOWNLOAD_DELAY`` ``delay``, each item its own batch,
    a store constant set by ``assignment``) with an export reading until it ends."""
    spider, arguments = SAMPLE_CRAWLS[0]
    corpus, log = tmp_path / "corpus", tmp_path / "crawl.log"
    settings = {"CORPUS_COMMIT_ITEMS": 1, "DOWNLOAD_DELAY": delay, "LOG_LEVEL": "INFO"}
    command = crawl_command(spider, corpus, args=arguments, settings=settings)
    process = started_crawl(with_store_constant(command, assignment), corpus, log)
    export = CorpusStore(corpus, read_only=True)
    with export.read_transaction():
        seen = stored_ids(export)
        returncode = process.wait(timeout=120)
    export.close()
    return OutlastedCrawl(corpus, returncode, log.read_text(), seen)


def test_a_crawl_whose_last_commit_an_export_holds_up_fails_in_one_line(tmp_path: Path) -> None:
    # The export outlasts the crawl and the crawl's wait for it (3 s here): the last
    # batch is not committed, so the crawl must not exit 0, and must leave a store
    # holding its last whole commit and no lock.
    crawl = crawl_outlasted_by_an_export(tmp_path, 0.2, "COMMIT_WAIT_MS = 3000")
    assert crawl.returncode == 1, crawl.log[-3000:]
    assert len(crawl.verdict) == 1, crawl.log[-3000:]
    batch = re.search(r"the last batch \((\d+) items\) was not committed", crawl.verdict[0])
    assert batch, crawl.verdict[0]
    # The closing summary says which of the changes it counts were rolled back: at
    # least every article stored after the export began.
    changes = re.search(r"Changes: articles (\d+) new.*", crawl.log)
    assert changes, crawl.log[-3000:]
    rolled_back = int(batch.group(1))
    dropped = re.search(r"'item_dropped_count': (\d+)", crawl.log)
    stored_after = int(changes.group(1)) - len(crawl.seen)
    # Items dropped (an unchanged page, say) count too: they were done in the batch.
    assert 0 < stored_after <= rolled_back <= stored_after + int(dropped.group(1) if dropped else 0)
    assert f"of these, the last {rolled_back} items not stored" in changes.group(0)
    # The store holds what was committed when the export began, whole; no lock is left.
    with closing(sqlite3.connect(crawl.corpus / STORE_FILENAME)) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    reader = CorpusStore(crawl.corpus, read_only=True)
    try:
        assert stored_ids(reader) == crawl.seen
    finally:
        reader.close()
    spider, arguments = SAMPLE_CRAWLS[0]
    rerun = crawl_in_process(spider, crawl.corpus, args=arguments)
    assert rerun.returncode == 0, rerun.stderr[-3000:]


def test_an_export_held_up_by_a_put_off_commit_says_so_in_one_line(tmp_path: Path) -> None:
    crawl = CorpusStore(tmp_path / "corpus")
    crawl.batch_commits(1000)
    put(crawl, article(1))
    crawl.commit()
    first = CorpusStore(tmp_path / "corpus", read_only=True)
    with first.read_transaction():
        assert stored_ids(first) == ["example.org/story-1"]
        put(crawl, article(2))
        assert not crawl.commit(wait=False)
    first.close()
    # Until the put-off commit is made, no new reader gets in (2 s of waiting here).
    export_command = [sys.executable, "-m", "scrapy", "export", str(tmp_path / "out")]
    export_command += ["-s", f"CORPUS_DIR={tmp_path / 'corpus'}"]
    command = with_store_constant(export_command, "READ_WAIT_SECONDS = 2")
    try:
        held_up = subprocess.run(
            command, cwd=ROOT, env=crawl_env(), capture_output=True, text=True, timeout=120
        )
        assert held_up.returncode == 1, held_up.stderr[-3000:]
        assert held_up.stderr.strip().splitlines() == [
            "scrapy export: the corpus store is busy (database is locked): a running crawl"
            " is committing; try again"
        ]
        assert crawl.commit(wait=False)
    finally:
        crawl.close()
    done = subprocess.run(
        command, cwd=ROOT, env=crawl_env(), capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr[-3000:]
    assert len(read_records(tmp_path / "out", "articles")) == 2


def test_a_put_off_commit_is_made_at_the_first_item_a_while_later(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Not only when the batch is full: meanwhile no new reader can begin.
    monkeypatch.setattr(store_module, "COMMIT_RETRY_SECONDS", 0.0)
    crawl = CorpusStore(tmp_path)
    crawl.batch_commits(1000)
    export = CorpusStore(tmp_path, read_only=True)
    try:
        with export.read_transaction():
            assert stored_ids(export) == []
            put(crawl, article(1))
            assert not crawl.commit(wait=False)
        put(crawl, article(2))
        crawl.item_done()
        assert stored_ids(export) == ["example.org/story-1", "example.org/story-2"]
    finally:
        export.close()
        crawl.close()


def test_an_export_whose_reads_a_put_off_commit_holds_up_says_the_store_is_busy(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The commit is put off just after the export opened the store: its first read
    # waits READ_WAIT_SECONDS (1 s here), then fails as busy, which `scrapy export`
    # reports in one line (see the test above), not as an unreadable store.
    monkeypatch.setattr(store_module, "READ_WAIT_SECONDS", 1.0)
    corpus = tmp_path / "corpus"
    crawl = CorpusStore(corpus)
    crawl.batch_commits(1000)
    put(crawl, article(1))
    crawl.commit()
    opened = export_selection.ReadOnlyCorpus.__init__

    def open_then_hold_up(self: export_selection.ReadOnlyCorpus, folder: Path) -> None:
        opened(self, folder)
        other = CorpusStore(corpus, read_only=True)
        with other.read_transaction():
            assert stored_ids(other) == ["example.org/story-1"]
            put(crawl, article(2))
            assert not crawl.commit(wait=False)
        other.close()

    monkeypatch.setattr(export_selection.ReadOnlyCorpus, "__init__", open_then_hold_up)
    try:
        with pytest.raises(sqlite3.OperationalError) as raised:
            export(corpus, tmp_path / "out", ExportOptions(format="jsonl"))
        assert is_busy(raised.value)
    finally:
        crawl.close()


def test_a_crawl_whose_commits_a_reader_holds_off_too_long_stops(tmp_path: Path) -> None:
    # Its put-off batch would otherwise grow in memory for as long as the reader reads
    # (1 s allowed here, not 300): the crawl stops early and fails.
    crawl = crawl_outlasted_by_an_export(
        tmp_path, 0.5, "PUT_OFF_LIMIT_SECONDS = 1.0; store.COMMIT_WAIT_MS = 2000"
    )
    assert crawl.returncode == 1, crawl.log[-3000:]
    assert "the crawl stops" in crawl.log, crawl.log[-3000:]
    assert len(crawl.verdict) == 1, crawl.log[-3000:]
    assert "finish reason: corpus_store_held" in crawl.verdict[0]


def test_a_batch_sqlite_rolls_back_itself_is_counted_in_its_error_line(
    tmp_path: Path, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A full disk or an I/O error at COMMIT: SQLite rolls the transaction back itself,
    # so the items of the batch, the one just done included, are gone.
    extension = CorpusStoreExtension(tmp_path, snapshot=False, stats=object(), commit_items=3)
    store = extension.store
    try:
        for number in (1, 2):
            put(store, article(number))
            extension.item_done()
        assert store.uncommitted_items == 2

        def failing_commit(*, wait: bool = True) -> bool:
            store._conn.execute("ROLLBACK")
            raise sqlite3.OperationalError("disk I/O error")

        monkeypatch.setattr(store, "commit", failing_commit)
        put(store, article(3))
        with caplog.at_level("ERROR"):
            extension.item_done()
        assert "disk I/O error; 3 items rolled back" in caplog.text
    finally:
        monkeypatch.undo()
        store.close()
        lock.release(extension.lock_path)
