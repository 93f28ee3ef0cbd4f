"""``scrapy crawl`` with an exit status a scheduler can trust.

Behaves as Scrapy's own command, and then:

- exits 1 with a one-line reason when the crawl logged errors, dropped items as
  unusable or fetched pages without producing a record (see :mod:`crawler.verdict`);
- exits 2 at once, before fetching anything, when another crawl holds the
  corpus lock, the corpus store is missing or damaged beside a snapshot (see
  :mod:`crawler.corpus.health`) or the replay folder's manifest is unusable;
- writes the final stats as JSON to ``CRAWL_STATS_FILE`` when that is set.
"""

from __future__ import annotations

import json
import sys
from typing import TYPE_CHECKING

from scrapy.commands.crawl import Command as ScrapyCrawlCommand
from scrapy.exceptions import UsageError

from crawler.corpus import lock
from crawler.corpus.health import check_store
from crawler.corpus.store import StoreUnusableError
from crawler.replay import ManifestError, load_manifest
from crawler.verdict import crawl_failure

if TYPE_CHECKING:
    import argparse


class Command(ScrapyCrawlCommand):
    def short_desc(self) -> str:
        return "Run a spider; exit non-zero when the crawl went wrong"

    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        if len(args) != 1:
            raise UsageError("give exactly one spider name")
        assert self.crawler_process and self.settings is not None
        try:
            held = self.check_preconditions()
        except (lock.CorpusLockedError, ManifestError, StoreUnusableError) as error:
            print(f"scrapy crawl: {error}", file=sys.stderr)
            self.exitcode = 2
            return
        try:
            crawler = self._create_crawler(args[0])
            self.crawler_process.crawl(crawler, **opts.spargs)
            self.crawler_process.start()
        finally:
            if held is not None:
                lock.release(held)
        if self.crawler_process.bootstrap_failed:
            print("scrapy crawl: the crawl could not start (see the log above)", file=sys.stderr)
            self.exitcode = 1
            return
        stats = crawler.stats.get_stats() if crawler.stats else {}
        stats_file = self.settings.get("CRAWL_STATS_FILE")
        if stats_file:
            with open(stats_file, "w", encoding="utf-8") as out:
                json.dump(stats, out, default=str, indent=1, sort_keys=True)
        failure = crawl_failure(stats)
        if failure:
            print(f"scrapy crawl: {failure}", file=sys.stderr)
            self.exitcode = 1

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
