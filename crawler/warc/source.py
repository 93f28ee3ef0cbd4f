"""Put on each record the WARC record of the page it was read from.

:class:`WarcSourceMiddleware` (spider middleware) copies
``response.meta["warc_source"]``, set by the capture middleware or by replay
from WARC files, onto every article and debate item parsed from that response.
Stats: ``corpus/warc/source_set`` and ``corpus/warc/source_missing`` (an item
from a page that was neither captured nor replayed from WARC).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable
from typing import TYPE_CHECKING, Any

from crawler.items import ArticleItem, DebateItem
from crawler.warc.capture import SOURCE_META

if TYPE_CHECKING:
    from scrapy.crawler import Crawler
    from scrapy.http import Response


class WarcSourceMiddleware:
    def __init__(self, stats: Any):
        self.stats = stats

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> WarcSourceMiddleware:
        return cls(crawler.stats)

    def _mark(self, response: Response, item: Any) -> Any:
        if isinstance(item, (ArticleItem, DebateItem)):
            source = response.meta.get(SOURCE_META)
            if source:
                item.source = dict(source)
                self.stats.inc_value("corpus/warc/source_set")
            else:
                self.stats.inc_value("corpus/warc/source_missing")
        return item

    def process_spider_output(self, response: Response, result: Iterable[Any]) -> Iterable[Any]:
        for item in result:
            yield self._mark(response, item)

    async def process_spider_output_async(
        self, response: Response, result: AsyncIterator[Any]
    ) -> AsyncIterator[Any]:
        async for item in result:
            yield self._mark(response, item)
