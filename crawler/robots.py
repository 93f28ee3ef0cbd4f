"""Scrapy's robots.txt middleware, with every request checked against the parsed file.

In Scrapy 2.19, requests that wait for a host's robots.txt while it is being
fetched all await one Deferred; only the first waiter receives the parser, the
others receive ``None`` and are let through unchecked. A crawl that starts
with several requests to one host (feed, sitemap and listing of an outlet)
would then fetch pages robots.txt forbids. :class:`RobotsTxtMiddleware` reads
the parser from where Scrapy stores it once the wait is over.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from scrapy.downloadermiddlewares.robotstxt import RobotsTxtMiddleware as ScrapyRobotsTxt
from scrapy.utils.httpobj import urlparse_cached
from twisted.internet.defer import Deferred

if TYPE_CHECKING:
    from scrapy import Request
    from scrapy.robotstxt import RobotParser


class RobotsTxtMiddleware(ScrapyRobotsTxt):
    """Replaces ``scrapy.downloadermiddlewares.robotstxt.RobotsTxtMiddleware``."""

    async def robot_parser(self, request: Request) -> RobotParser | None:
        parser = await super().robot_parser(request)
        stored = self._parsers.get(urlparse_cached(request).netloc)
        return parser if stored is None or isinstance(stored, Deferred) else stored
