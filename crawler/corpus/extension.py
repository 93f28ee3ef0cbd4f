"""The corpus store's lifetime within a crawl.

:class:`CorpusStoreExtension` takes the corpus lock and opens the store when the
crawler is built, so a second crawl into the same folder stops before it
fetches anything, and checks the store (:func:`crawler.corpus.health.check_store`).
It has the store batch its commits: every ``CORPUS_COMMIT_ITEMS`` items (scraped,
dropped or failed) and every ``CORPUS_COMMIT_SECONDS`` seconds, whichever comes
first, so a killed crawl loses at most that much work, which the next crawl
fetches again (the pages it fetched are remembered in the same transactions).
When the spider closes the last batch is committed; then it writes the JSONL
snapshot — unless that would drop records the store did not note as deleted,
when the previous files are kept and ``corpus/snapshot/refused`` says why — and
lets the lock go. Pipelines and
middlewares reach the store through :func:`corpus_store`.
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from scrapy import signals
from scrapy.exceptions import NotConfigured
from scrapy.utils.defer import deferred_from_coro
from twisted.internet.task import LoopingCall

from crawler.corpus import lock
from crawler.corpus import store as store_module
from crawler.corpus.health import REBUILD_COMMAND, check_store
from crawler.corpus.snapshot import SNAPSHOT_FILES, snapshot_losses, write_snapshot
from crawler.corpus.store import CorpusStore
from crawler.verdict import (
    COMMIT_FAILED_KEY,
    SNAPSHOT_FAILED_KEY,
    UNCOMMITTED_ITEMS_KEY,
    items_text,
)

if TYPE_CHECKING:
    from scrapy import Spider
    from scrapy.crawler import Crawler

logger = logging.getLogger(__name__)

# The finish reason of a crawl stopped because a reader held its commits off too long.
HELD_REASON = "corpus_store_held"


class CorpusStoreExtension:
    """Settings: ``CORPUS_DIR`` (empty: off), ``CORPUS_SNAPSHOT``,
    ``CORPUS_COMMIT_ITEMS``, ``CORPUS_COMMIT_SECONDS``. Stats: ``corpus/store/record_reads``
    (records read from the database, not from those kept in memory),
    ``corpus/store/commits_deferred`` (batches kept open while a reader held the store)."""

    def __init__(
        self,
        folder: Path,
        *,
        snapshot: bool,
        stats: object,
        commit_items: int = 1,
        commit_seconds: float = 0.0,
    ):
        self.folder = folder
        self.lock_path = lock.acquire(folder)
        try:
            # `scrapy crawl` ran the full check before the crawl was built.
            check_store(folder, thorough=False)
            self.store = CorpusStore(folder)
        except BaseException:
            lock.release(self.lock_path)
            raise
        self.store.batch_commits(commit_items)
        self.commit_seconds = commit_seconds
        self.committer = LoopingCall(self.timed_commit)
        self.snapshot = snapshot
        self.stats = stats
        self.crawler: Crawler | None = None
        self.stopping = False

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> CorpusStoreExtension:
        folder = crawler.settings.get("CORPUS_DIR")
        if not folder:
            raise NotConfigured("CORPUS_DIR is empty")
        extension = cls(
            Path(folder),
            snapshot=crawler.settings.getbool("CORPUS_SNAPSHOT"),
            stats=crawler.stats,
            commit_items=crawler.settings.getint("CORPUS_COMMIT_ITEMS"),
            commit_seconds=crawler.settings.getfloat("CORPUS_COMMIT_SECONDS"),
        )
        extension.crawler = crawler
        for signal in (signals.item_scraped, signals.item_dropped, signals.item_error):
            crawler.signals.connect(extension.item_done, signal=signal)
        crawler.signals.connect(extension.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(extension.spider_closed, signal=signals.spider_closed)
        crawler.signals.connect(extension.engine_stopped, signal=signals.engine_stopped)
        return extension

    def spider_opened(self, spider: Spider) -> None:
        if self.commit_seconds > 0:
            self.committer.start(self.commit_seconds, now=False)

    def item_done(self) -> None:
        self.batch_commit(self.store.item_done)

    def timed_commit(self) -> None:
        self.batch_commit(lambda: self.store.commit(wait=False))

    def batch_commit(self, commit: Callable[[], object]) -> None:
        try:
            commit()
        except sqlite3.Error as error:
            # Logged as an error, the crawl fails; the next timer or item tries again,
            # unless SQLite rolled the batch back itself (a full disk, an I/O error).
            # A failed commit leaves the count as it was, the item just done included.
            items = self.store.uncommitted_items
            lost = "" if self.store.in_transaction else f"; {items_text(items)} rolled back"
            logger.error("Corpus store commit failed in %s: %s%s", self.folder, error, lost)
        held = self.store.put_off_seconds
        if held >= store_module.PUT_OFF_LIMIT_SECONDS and not self.stopping:
            self.stopping = True
            logger.error(
                "Corpus store: a reader has held %s for %d s, and the crawl's work since is"
                " not committed; the crawl stops",
                self.store.path,
                held,
            )
            if self.crawler is not None and self.crawler.engine is not None:
                deferred_from_coro(self.crawler.engine.close_spider_async(reason=HELD_REASON))

    def commit(self) -> bool:
        """Stop the timer and commit the last batch; returns whether it was committed.
        A commit that fails (a reader held the store past the wait) fails the crawl:
        the batch's items are lost with it, and the next crawl fetches them again."""
        if self.committer.running:
            self.committer.stop()
        if self.stats.get_value(COMMIT_FAILED_KEY):  # type: ignore[attr-defined]
            return False  # Not waited for a second time at the engine's stop.
        try:
            self.store.commit()
        except sqlite3.Error as error:
            why = f"{error} ({self.store.path})"
            items = self.store.uncommitted_items
            # Set before logging: errors logged once the spider closed are not counted.
            self.stats.set_value(UNCOMMITTED_ITEMS_KEY, items)  # type: ignore[attr-defined]
            self.stats.set_value(COMMIT_FAILED_KEY, why)  # type: ignore[attr-defined]
            logger.error(
                "Corpus store: the crawl's last batch (%s) not committed: %s",
                items_text(items),
                why,
            )
            return False
        # How many commits a crawl makes depends on timing: not a stat (crawls compare).
        self.stats.set_value("corpus/store/record_reads", self.store.record_reads)  # type: ignore[attr-defined]
        if self.store.commits_deferred:
            # Batches left open while an export read the store (committed later).
            self.stats.set_value("corpus/store/commits_deferred", self.store.commits_deferred)  # type: ignore[attr-defined]
        return True

    def spider_closed(self, spider: Spider, reason: str) -> None:
        if not self.commit() or not self.snapshot or self.refuse_shrinking_snapshot():
            return
        try:
            counts = write_snapshot(self.store)
        except OSError as error:
            # Each file is replaced atomically: the previous ones stay whole.
            # A failed rename names its target second: the file that could not be replaced.
            path = error.filename2 or error.filename
            why = f"{error.strerror or error}: {path}" if path else str(error)
            self.stats.set_value(SNAPSHOT_FAILED_KEY, why)  # type: ignore[attr-defined]
            logger.error("Corpus snapshot not written in %s: %s", self.folder, why)
            return
        for table, count in counts.items():
            self.stats.set_value(f"corpus/snapshot/{table}", count)  # type: ignore[attr-defined]
        logger.info(
            "Corpus snapshot in %s: %s",
            self.folder,
            ", ".join(f"{count} {table}" for table, count in counts.items()),
        )

    def refuse_shrinking_snapshot(self) -> bool:
        """Keep the previous snapshot when the new one would lose records unnoted."""
        losses = snapshot_losses(self.store)
        if not losses:
            return False
        lost = "; ".join(
            f"{SNAPSHOT_FILES[table]} would lose {len(ids)} record(s) (first: {ids[0]})"
            for table, ids in losses.items()
        )
        reason = (
            f"snapshot not written: {lost} that the store holds no deletion for; the "
            f"previous files are kept (`{REBUILD_COMMAND}` rebuilds the store from them)"
        )
        self.stats.set_value("corpus/snapshot/refused", reason)  # type: ignore[attr-defined]
        logger.error("Corpus %s", reason)
        return True

    def engine_stopped(self) -> None:
        try:
            # After a failed commit the batch is rolled back as the store closes.
            self.store.close(commit=self.commit())
        finally:
            lock.release(self.lock_path)


def corpus_store(crawler: Crawler) -> CorpusStore:
    """The store of the running crawl; ``NotConfigured`` when the extension is off."""
    extension = crawler.get_extension(CorpusStoreExtension)
    if extension is None:
        raise NotConfigured("needs crawler.corpus.extension.CorpusStoreExtension")
    return extension.store
