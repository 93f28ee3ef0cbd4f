"""What the operator reads in the log: the crawl's scope, its progress, what it changed.

:class:`CrawlReport` logs

- at the start, the spider's date window and sources (outlets, hosts,
  interfaces): ``Crawling hansard: window 2025-02-10 to 2025-02-11; interfaces …``;
- every ``CRAWL_PROGRESS_INTERVAL`` seconds (0 turns it off), one
  progress line: pages fetched, records new and updated, links written, pages lost;
- at the end, one line of what changed: new, updated and unchanged records per
  type, and the links added or removed; a crawl that found nothing says which
  window it looked at.

It reads the counters the other components keep (``corpus/article/…``,
``corpus/debate/…``, ``corpus/link/…``, ``corpus/lost/…``) and the store's link count.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from scrapy import signals
from scrapy.exceptions import NotConfigured
from scrapy.utils.asyncio import create_looping_call

from crawler.corpus.extension import CorpusStoreExtension
from crawler.lost import lost_count
from crawler.verdict import COMMIT_FAILED_KEY, UNCOMMITTED_ITEMS_KEY, items_text

if TYPE_CHECKING:
    from scrapy import Spider
    from scrapy.crawler import Crawler

logger = logging.getLogger(__name__)

RECORD_TYPES = ("article", "debate")
RECORD_OUTCOMES = ("new", "updated", "unchanged")


def change_summary(stats: dict[str, Any], links_before: int | None, links_after: int | None) -> str:
    """One line: records new/updated/unchanged per type, and the change in links."""
    parts = []
    for kind in RECORD_TYPES:
        counts = [
            f"{stats.get(f'corpus/{kind}/{outcome}', 0)} {outcome}" for outcome in RECORD_OUTCOMES
        ]
        parts.append(f"{kind}s {', '.join(counts)}")
    if links_before is not None and links_after is not None:
        parts.append(f"links {links_after - links_before:+d} ({links_after} in the corpus)")
    if stats.get(COMMIT_FAILED_KEY):
        # The store closes rolled back to its last commit: the batch is not in it.
        items = stats.get(UNCOMMITTED_ITEMS_KEY)
        parts.append(
            f"of these, the last {items_text(items)} not stored (commit failed)"
            if items
            else "of these, the last batch not stored (commit failed)"
        )
    return "; ".join(parts)


def found_nothing(stats: dict[str, Any]) -> bool:
    return not any(
        stats.get(f"corpus/{kind}/{outcome}", 0)
        for kind in RECORD_TYPES
        for outcome in RECORD_OUTCOMES
    )


class CrawlReport:
    """Settings: ``CRAWL_REPORT_ENABLED``, ``CRAWL_PROGRESS_INTERVAL`` (seconds; 0: none)."""

    def __init__(self, crawler: Crawler, interval: float):
        self.crawler = crawler
        self.interval = interval
        self.looping: Any = None
        self.links_before: int | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> CrawlReport:
        if not crawler.settings.getbool("CRAWL_REPORT_ENABLED"):
            raise NotConfigured("CRAWL_REPORT_ENABLED is off")
        report = cls(crawler, crawler.settings.getfloat("CRAWL_PROGRESS_INTERVAL"))
        crawler.signals.connect(report.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(report.spider_closed, signal=signals.spider_closed)
        return report

    def link_count(self) -> int | None:
        # The store belongs to the corpus extension, which may be switched off.
        extension = self.crawler.get_extension(CorpusStoreExtension)
        if extension is None:
            return None
        return extension.store.count("links")

    def scope(self, spider: Spider) -> str:
        window = getattr(spider, "window", None)
        sources = getattr(spider, "sources", None)
        parts = [window() if window else "", sources() if sources else ""]
        return "; ".join(part for part in parts if part)

    def spider_opened(self, spider: Spider) -> None:
        logger.info("Crawling %s: %s", spider.name, self.scope(spider) or "no scope stated")
        self.links_before = self.link_count()
        if self.interval > 0:
            self.looping = create_looping_call(self.log_progress)
            self.looping.start(self.interval, now=False)

    def log_progress(self) -> None:
        stats = self.crawler.stats.get_stats()
        records = ", ".join(
            f"{kind}s {stats.get(f'corpus/{kind}/new', 0)} new"
            f" / {stats.get(f'corpus/{kind}/updated', 0)} updated"
            for kind in RECORD_TYPES
        )
        logger.info(
            "Progress: %d pages fetched; %s; %d links written; %d pages lost",
            stats.get("response_received_count", 0),
            records,
            stats.get("corpus/link/written", 0),
            lost_count(stats),
        )

    def spider_closed(self, spider: Spider, reason: str) -> None:
        if self.looping is not None and self.looping.running:
            self.looping.stop()
        stats = self.crawler.stats.get_stats()
        logger.info("Changes: %s", change_summary(stats, self.links_before, self.link_count()))
        if found_nothing(stats):
            logger.info(
                "No record found by %s (%s)",
                spider.name,
                self.scope(spider) or "no scope stated",
            )
