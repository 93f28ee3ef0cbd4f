"""Spiders used only by the tests of the crawl machinery (loaded with
``-s SPIDER_MODULES=crawler.spiders,tests.support.spiders``)."""

from __future__ import annotations

from typing import Any

from crawler.items import ArticleItem
from crawler.spiders.base import CorpusSpider, fetched_at


class ProbeSpider(CorpusSpider):
    """Fetches the pages given with ``-a urls=`` and yields a minimal article for each 200."""

    name = "probe"

    def discover(self) -> list[Any]:
        return []

    def parse_page(self, response: Any) -> Any:
        self.crawler.stats.inc_value("probe/parsed")
        text = " ".join(response.css("p::text").getall())
        yield ArticleItem(
            url=response.url,
            site="probe",
            fetched_at=fetched_at(response),
            title=response.css("title::text").get(),
            canonical_url=response.url,
            text=text,
        )


class RawLanguageProbeSpider(ProbeSpider):
    """Like ``probe``, but copies the page's ``<html lang>`` into ``language`` as printed
    (``en-GB``), as a careless extractor would: its records break the article schema."""

    name = "probe_raw_language"

    def parse_page(self, response: Any) -> Any:
        for item in super().parse_page(response):
            item.language = response.xpath("/html/@lang").get()
            yield item


class ParserFailureSpider(ProbeSpider):
    """Like ``probe``, but its parser raises on feeds, as a parser bug would."""

    name = "parser_failure"

    def parse_page(self, response: Any) -> Any:
        if b"<rss" in response.body[:2048]:
            raise ValueError("cannot parse this page")
        yield from super().parse_page(response)
