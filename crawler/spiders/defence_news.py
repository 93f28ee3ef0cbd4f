"""Spider for defence news outlets: discovery from feeds, sitemaps and listings.

``scrapy crawl defence_news -a since=2025-02-10 -a until=2025-02-12`` reads
every outlet in ``crawler/outlets.json`` (``-a outlets=ukdj`` limits it), starting
from each outlet's feeds, sitemaps and listing pages. Items dated outside the
since/until window are skipped before they are fetched wherever the feed,
sitemap or listing gives a date; listing pagination stops at the first page
whose items are all older than ``since``. Pages are routed by what they are
(see :func:`crawler.pages.discovery.page_kind`), so ``-a urls=…`` takes
articles, feeds, sitemaps or listings alike.

``-a urls=…`` reads an article on any host: a host no outlet names is read by
the generic path, under the site name the page gives (``og:site_name``, else
its JSON-LD publisher, else the host). Discovery (feeds, sitemaps, listings)
stays per configured outlet. A page asked for by URL that gives no record is
reported as lost (:func:`crawler.lost.page_lost`), which fails the crawl.

Responses that are not HTML never stop a crawl: a gzipped sitemap or feed is
unpacked (up to ``DOWNLOAD_MAXSIZE``, as Scrapy's ``SitemapSpider`` does) and
read; anything else (a PDF linked from a feed, an image) is skipped and
counted as ``corpus/news/page/not_html``.

Settings:

- ``NEWS_COMMENTS_ENABLED``: read reader comments.
- ``NEWS_LISTING_MAX_PAGES``: how deep listing pagination may go,
  for listings that print no dates.
- ``NEWS_OUTLETS_FILE`` (empty: ``crawler/outlets.json``): the outlet
  configuration to read, for crawling outlets of your own.

Article requests carry ``corpus_conditional``: a stored article is fetched again
only when it may have changed (see :mod:`crawler.conditional`). The next page
of a listing is scheduled after the articles of the current one, so the queue
holds one page's worth of requests however long the listing is.
"""

from __future__ import annotations

import logging
import zlib
from collections.abc import Iterable, Iterator
from typing import Any

import scrapy
from scrapy.http import Response, TextResponse, XmlResponse
from scrapy.utils.gz import gunzip, gzip_magic_number

from crawler.conditional import REQUESTED_KEY
from crawler.items import ArticleItem
from crawler.lost import page_lost
from crawler.outlets import Outlet, generic_outlet, load_outlets, outlet_for_url
from crawler.pages.article import parse_article
from crawler.pages.discovery import (
    DiscoveredLink,
    discovery_date,
    in_window,
    page_kind,
    parse_feed,
    parse_listing,
    parse_sitemap,
    xml_kind,
)
from crawler.pages.structured import site_name
from crawler.spiders.base import CorpusSpider, SpiderArgumentError, fetched_at

logger = logging.getLogger(__name__)

STATS = "corpus/news"
NOT_ARTICLE = "not an article, feed, sitemap or listing"


class DefenceNewsSpider(CorpusSpider):
    """Crawls the configured news outlets and yields one ArticleItem per article page."""

    name = "defence_news"

    def __init__(
        self,
        *args: Any,
        outlets: str | None = None,
        outlets_file: str | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        configured = load_outlets(outlets_file)
        if outlets:
            wanted = {key.strip() for key in outlets.split(",") if key.strip()}
            unknown = wanted - {outlet.key for outlet in configured}
            if unknown:
                raise SpiderArgumentError(
                    f"outlets: unknown outlet(s) {', '.join(sorted(unknown))}"
                )
            configured = [outlet for outlet in configured if outlet.key in wanted]
        self.outlets: list[Outlet] = configured
        self.allowed_domains = [
            domain for outlet in configured for domain in outlet.allowed_domains
        ]

    @classmethod
    def from_crawler(cls, crawler: Any, *args: Any, **kwargs: Any) -> DefenceNewsSpider:
        kwargs.setdefault("outlets_file", crawler.settings.get("NEWS_OUTLETS_FILE") or None)
        return super().from_crawler(crawler, *args, **kwargs)

    def sources(self) -> str:
        return "outlets " + ", ".join(outlet.key for outlet in self.outlets)

    # --- discovery ----------------------------------------------------------------
    def discover(self) -> Iterable[scrapy.Request]:
        for outlet in self.outlets:
            start = outlet.start
            for url in (*start.feeds, *start.sitemaps, *start.listings):
                yield scrapy.Request(url, callback=self.parse_page, meta={"listing_page": 1})

    def _count(self, key: str) -> None:
        if self.crawler is not None and self.crawler.stats is not None:
            self.crawler.stats.inc_value(f"{STATS}/{key}")

    def _wanted(self, link: DiscoveredLink) -> bool:
        # A publication date bounds both ends of the window. A last-modified date
        # only bounds `since`: an article changed after `until` may have been
        # published inside the window.
        if link.published_raw:
            return in_window(link.published_raw, self.since, self.until)
        return in_window(link.modified_raw, self.since, None)

    def _article_requests(
        self, outlet: Outlet, links: Iterable[DiscoveredLink]
    ) -> Iterator[scrapy.Request]:
        for link in links:
            if not outlet.is_article_url(link.url):
                self._count("link/not_article")
                continue
            if not self._wanted(link):
                self._count("link/outside_window")
                continue
            self._count("link/followed")
            yield scrapy.Request(
                link.url, callback=self.parse_page, meta={"corpus_conditional": True}
            )

    # --- routing -------------------------------------------------------------------
    def parse_page(self, response: Response) -> Any:
        requested = bool(response.meta.get(REQUESTED_KEY))
        page = self._readable(response, requested)
        if page is None:
            return
        kind = page_kind(page)
        self._count(f"page/{kind}")
        outlet = outlet_for_url(page.url, self.outlets)
        if outlet is None and requested and kind == "article":
            outlet = generic_outlet(page.url, site_name(page.selector, page.url))
            self._count("page/generic_outlet")
        if outlet is None:
            self._count("page/no_outlet")
            if requested and kind == "other":
                self._lost(page.url, "not_article", NOT_ARTICLE)
            elif requested:
                self._lost(
                    page.url, "no_outlet", f"a {kind} is followed only for a configured outlet"
                )
            else:
                # A start point on a host no outlet owns: fetched, then unusable.
                self._lost(page.url, "no_outlet", "no outlet owns its host")
            return
        if kind == "feed":
            yield from self._article_requests(outlet, parse_feed(page, base_url=page.url).links)
        elif kind == "sitemap":
            yield from self._parse_sitemap(page, outlet)
        elif kind == "listing":
            yield from self._parse_listing(page, outlet)
        elif kind == "article":
            item = self._parse_article(page, outlet)
            if item is not None:
                yield item
        elif requested:
            self._lost(page.url, "not_article", NOT_ARTICLE)
        else:
            logger.info("Not an article, feed, sitemap or listing: %s", page.url)

    def _lost(self, url: str, reason: str, detail: str) -> None:
        page_lost(self.crawler, url, reason, detail)

    def _readable(self, response: Response, requested: bool) -> TextResponse | None:
        """The response as text to route, unpacking gzip; ``None`` (logged) when it is not."""
        if gzip_magic_number(response):
            max_size = self.settings.getint("DOWNLOAD_MAXSIZE")
            try:
                body = gunzip(response.body, max_size=max_size)
            except (OSError, EOFError, ValueError, zlib.error) as error:
                self._count("page/unreadable_gzip")
                self._lost(response.url, "unreadable_gzip", str(error) or type(error).__name__)
                return None
            unpacked = XmlResponse(
                url=response.url, body=body, headers=response.headers, request=response.request
            )
            if xml_kind(unpacked):
                self._count("page/gunzipped")
                return unpacked
            return self._not_html(response, requested, "gzip holding no feed or sitemap")
        if isinstance(response, TextResponse) and (
            isinstance(response, XmlResponse) or _looks_like_markup(response)
        ):
            return response
        content_type = response.headers.get(b"Content-Type", b"").decode("latin-1") or "none"
        return self._not_html(response, requested, f"Content-Type {content_type}")

    def _not_html(self, response: Response, requested: bool, detail: str) -> None:
        self._count("page/not_html")
        if requested:
            self._lost(response.url, "not_html", detail)
        else:
            logger.info("Not an HTML page (%s), skipped: %s", detail, response.url)
        return None

    def _parse_sitemap(self, response: Response, outlet: Outlet) -> Iterator[scrapy.Request]:
        found = parse_sitemap(response, base_url=response.url)
        for child in found.sitemaps:
            # A child sitemap last changed before `since` holds nothing newer.
            if outlet.follows_sitemap(child.url) and in_window(
                child.modified_raw, self.since, None
            ):
                yield scrapy.Request(child.url, callback=self.parse_page)
            else:
                self._count("sitemap/skipped")
        yield from self._article_requests(outlet, found.links)

    def _parse_listing(self, response: Response, outlet: Outlet) -> Iterator[scrapy.Request]:
        item_css = outlet.selectors.listing_item if outlet.selectors else None
        found = parse_listing(response, base_url=response.url, item_css=item_css)
        yield from self._article_requests(outlet, found.links)
        page = response.meta.get("listing_page", 1)
        max_pages = self.settings.getint("NEWS_LISTING_MAX_PAGES")
        dates = [discovery_date(link.published_raw) for link in found.links]
        known = [moment for moment in dates if moment is not None]
        # Listings run newest first: once a whole page predates `since`, stop.
        all_older = bool(known) and len(known) == len(dates) and max(known).date() < self.since
        if found.next_page and not all_older and page < max_pages:
            yield scrapy.Request(
                found.next_page,
                callback=self.parse_page,
                meta={"listing_page": page + 1},
                priority=-page,
            )
        elif found.next_page:
            self._count("listing/stopped")

    def _parse_article(self, response: Response, outlet: Outlet) -> ArticleItem | None:
        item = parse_article(
            response,
            url=response.url,
            outlet=outlet,
            fetched_at=fetched_at(response),
            with_comments=self.settings.getbool("NEWS_COMMENTS_ENABLED"),
        )
        published = discovery_date(item.published_raw)
        if (
            not self.requested_urls
            and published is not None
            and not self.in_window(published.date())
        ):
            # Reached through an undated link; the page itself says it is out of range.
            self._count("article/outside_window")
            return None
        for flag in item.flags:
            self._count(f"article/{flag}")
        self._count("article/parsed")
        return item


def _looks_like_markup(response: TextResponse) -> bool:
    """Whether a text response is HTML or XML (not JSON, CSV or plain text)."""
    if b"html" in response.headers.get(b"Content-Type", b"").lower():
        return True
    return response.text[:1024].lstrip("\ufeff \t\r\n").startswith("<")
