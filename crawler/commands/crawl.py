"""``scrapy crawl`` with an exit status a scheduler can trust.

Behaves as Scrapy's own command, and then prints one line on stderr saying why
whenever it exits non-zero (also when the log goes to a file):

- 1 when the crawl logged errors, dropped items as unusable, fetched pages
  without producing a record, lost pages (more than ``CRAWL_LOST_PAGES_TOLERATED``),
  could not write its snapshot, failed a monitor, was stopped by a signal, or
  was forced to stop by a second one (see :mod:`crawler.verdict`);
- 2 at once, before fetching anything, for a usage error: an unknown spider, a
  spider argument it cannot use or does not take, an unusable outlet file or
  corpus folder, a corpus locked by another crawl, a corpus store missing or
  damaged beside a snapshot (see :mod:`crawler.corpus.health`), a broken replay
  manifest;
- writes the final stats as JSON to ``CRAWL_STATS_FILE`` when that is set.
"""

from __future__ import annotations

import json
import logging
import signal
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from scrapy.commands.crawl import Command as ScrapyCrawlCommand
from scrapy.exceptions import UsageError

from crawler.corpus import lock
from crawler.corpus.health import check_store
from crawler.corpus.store import StoreUnusableError
from crawler.errors import SettingError
from crawler.outlets import OutletConfigError
from crawler.replay import ManifestError, load_manifest
from crawler.spiders.base import SpiderArgumentError
from crawler.verdict import crawl_failure

if TYPE_CHECKING:
    import argparse

logger = logging.getLogger(__name__)

USER_ERRORS = (SpiderArgumentError, OutletConfigError, SettingError)
"""Errors raised while the spider is built that mean the command line or configuration is wrong."""


class Command(ScrapyCrawlCommand):
    def short_desc(self) -> str:
        return "Run a spider; exit non-zero when the crawl went wrong"

    def fail(self, status: int, reason: str) -> None:
        print(f"scrapy crawl: {reason}", file=sys.stderr)
        self.exitcode = status

    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        if len(args) != 1:
            raise UsageError("give exactly one spider name")
        assert self.crawler_process and self.settings is not None
        try:
            held = self.check_preconditions()
        except (lock.CorpusLockedError, ManifestError, StoreUnusableError) as error:
            self.fail(2, str(error))
            return
        except OSError as error:
            self.fail(2, unusable_folder(self.settings.get("CORPUS_DIR"), error))
            return
        failed: dict[str, BaseException] = {}
        forced: dict[str, str] = {}
        try:
            try:
                crawler = self._create_crawler(args[0])
            except KeyError:
                names = ", ".join(sorted(self.crawler_process.spider_loader.list()))
                self.fail(2, f"no spider named {args[0]!r} (spiders: {names})")
                return
            self.watch_forced_shutdown(forced)
            started = self.crawler_process.crawl(crawler, **opts.spargs)
            keep_failure(started, failed)
            self.crawler_process.start()
        finally:
            if held is not None:
                lock.release(held)
        error = failed.get("error")
        if isinstance(error, USER_ERRORS):
            self.fail(2, str(error))
            return
        if error is not None or self.crawler_process.bootstrap_failed:
            if error is not None:
                logger.error("The crawl could not start", exc_info=error)
            self.fail(1, f"the crawl could not start: {describe(error)}")
            return
        stats = crawler.stats.get_stats() if crawler.stats else {}
        stats_file = self.settings.get("CRAWL_STATS_FILE")
        if stats_file:
            with open(stats_file, "w", encoding="utf-8") as out:
                json.dump(stats, out, default=str, indent=1, sort_keys=True)
        failure = crawl_failure(
            stats, lost_tolerated=self.settings.getint("CRAWL_LOST_PAGES_TOLERATED")
        )
        if "signal" in forced:
            others = failure.removeprefix("crawl failed: ") if failure else ""
            failure = f"crawl failed: forced shutdown ({forced['signal']} received twice)"
            failure += f"; {others}" if others else ""
        if failure:
            self.fail(1, failure)

    def check_preconditions(self):  # type: ignore[no-untyped-def]
        """Fail fast on a locked or untrustworthy corpus, or a broken replay manifest;
        returns the held lock."""
        assert self.settings is not None
        replay_dir = self.settings.get("REPLAY_DIR")
        if replay_dir:
            load_manifest(replay_dir)
        corpus_dir = self.settings.get("CORPUS_DIR")
        if not corpus_dir:
            return None
        held = lock.acquire(corpus_dir)
        try:
            check_store(corpus_dir)
        except StoreUnusableError:
            lock.release(held)
            raise
        return held

    def watch_forced_shutdown(self, forced: dict[str, str]) -> None:
        """Note the signal name when a second SIGINT/SIGTERM forces the crawl to stop.

        Scrapy's process object installs its "kill" handler on the first signal;
        wrapping it is the one place that sees the second one.
        """
        process: Any = self.crawler_process
        for name in ("_signal_kill", "_signal_kill_reactorless"):
            original = getattr(process, name, None)
            if original is None:
                continue

            def kill(signum: int, frame: Any, original: Any = original) -> None:
                forced["signal"] = signal.Signals(signum).name
                original(signum, frame)

            setattr(process, name, kill)


def keep_failure(started: Any, failed: dict[str, BaseException]) -> None:
    """Keep the exception that stopped the crawl from starting, instead of a logged traceback."""

    def done(task: Any) -> None:
        if not task.cancelled() and task.exception() is not None:
            failed["error"] = task.exception()

    def errback(failure: Any) -> None:
        failed["error"] = failure.value

    if hasattr(started, "add_done_callback"):  # an asyncio task
        started.add_done_callback(done)
    else:  # a Twisted Deferred
        started.addErrback(errback)


def unusable_folder(folder: str, error: OSError) -> str:
    where = f"CORPUS_DIR {folder}"
    if error.filename and Path(error.filename).exists() and not Path(error.filename).is_dir():
        return f"{where}: {error.filename} is a file, not a folder"
    return f"{where}: not usable as the corpus folder ({error.strerror or error}: {error.filename})"


def describe(error: BaseException | None) -> str:
    if error is None:
        return "see the log"
    text = str(error).strip().splitlines()
    return f"{type(error).__name__}: {text[0]}" if text else type(error).__name__
