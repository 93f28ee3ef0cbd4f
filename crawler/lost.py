"""Pages a crawl set out to read and lost: what the operator must hear about.

A page is *lost* when the crawl was meant to get something out of it and did
not: a page asked for with ``-a urls=`` that gave no record, a start point
(feed, sitemap, listing, day index) that could not be read, an article or
debate page that could not be fetched or stored. Every component that loses a
page calls :func:`page_lost`, which logs one WARNING naming the page and the
reason and counts it under ``corpus/lost/<reason>``; the crawl's verdict
(:mod:`crawler.verdict`) fails a crawl that lost pages.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from scrapy.crawler import Crawler

logger = logging.getLogger(__name__)

STATS_PREFIX = "corpus/lost"
"""Stats key prefix: ``corpus/lost/<reason>`` counts the pages lost for each reason."""

PAGES_KEY = "corpus/lost_pages"
"""Stats key holding the list of ``"<reason>: <url>"`` lines, in the order the pages were lost."""


def page_lost(crawler: Crawler | Any, url: str, reason: str, detail: str = "") -> None:
    """Log and count a lost page.

    ``reason`` is a short stable slug (``not_article``, ``no_body``, ``http_404``…)
    that names the stats counter; ``detail`` is free text for the log line.
    """
    stats = getattr(crawler, "stats", None)
    logger.warning("Page lost (%s%s): %s", reason, f": {detail}" if detail else "", url)
    if stats is None:
        return
    stats.inc_value(f"{STATS_PREFIX}/{reason}")
    pages = stats.get_value(PAGES_KEY) or []
    pages.append(f"{reason}: {url}")
    stats.set_value(PAGES_KEY, pages)


def lost_count(stats: dict[str, Any]) -> int:
    """How many pages a finished crawl's stats say were lost."""
    return sum(
        value
        for key, value in stats.items()
        if key.startswith(STATS_PREFIX + "/") and isinstance(value, int)
    )
