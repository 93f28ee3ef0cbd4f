"""Re-fetch only what may have changed, judged from the corpus store.

Spiders mark requests for content pages (articles, debates) with
``meta["corpus_conditional"] = True``. For such a request whose URL already
holds a stored record:

- when the record's date is older than ``FETCH_SETTLE_AFTER_DAYS``
  the page is *settled* and not requested at all (``corpus/fetch/settled``);
- otherwise the request carries ``If-None-Match`` / ``If-Modified-Since`` from
  the validators the site sent last time, and a ``304 Not Modified`` answer
  ends there (``corpus/fetch/not_modified``).

Discovery pages (feeds, listings, day indexes) are always fetched: a crawl
killed half-way must be able to find the pages it never reached, and the store
says which of those are done. Requests given with ``-a urls=`` are always
fetched too, and so is a stored page whose record was never linked (a crawl
killed between storing and linking). ``FETCH_SETTLE_AFTER_DAYS = 0`` turns
settling off; ``FETCH_CONDITIONAL_ENABLED = False`` turns the middleware off.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

from scrapy.exceptions import IgnoreRequest, NotConfigured

from crawler.corpus.extension import corpus_store
from crawler.urls import page_key

if TYPE_CHECKING:
    from scrapy import Request
    from scrapy.crawler import Crawler
    from scrapy.http import Response
    from scrapy.statscollectors import StatsCollector

    from crawler.corpus.store import CorpusStore

META_KEY = "corpus_conditional"
REQUESTED_KEY = "corpus_requested"
RECORD_TABLES = {"article": "articles", "debate": "debates", "": "articles"}


class AlreadyStored(IgnoreRequest):
    """The page is not read because the store holds it (settled, or not modified)."""


class ConditionalRequestMiddleware:
    def __init__(self, store: CorpusStore, stats: StatsCollector, settle_after_days: int):
        self.store = store
        self.stats = stats
        self.settle_after_days = settle_after_days

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ConditionalRequestMiddleware:
        if not crawler.settings.getbool("FETCH_CONDITIONAL_ENABLED"):
            raise NotConfigured("FETCH_CONDITIONAL_ENABLED is off")
        middleware = cls(
            corpus_store(crawler),
            crawler.stats,
            crawler.settings.getint("FETCH_SETTLE_AFTER_DAYS"),
        )
        # Content pages fetched whole: a crawl that fetched some and produced no
        # record failed; one that fetched none (a recess) did not.
        crawler.stats.set_value("corpus/fetch/content", 0)
        return middleware

    def settled_before(self) -> str | None:
        """Records dated before this day (ISO) are settled; ``None`` when settling is off."""
        if self.settle_after_days <= 0:
            return None
        return (datetime.now(UTC).date() - timedelta(days=self.settle_after_days)).isoformat()

    def process_request(self, request: Request) -> None:
        if not request.meta.get(META_KEY):
            return
        state = self.store.page(page_key(request.url))
        if state is None or state.record_id is None:
            self.stats.inc_value("corpus/fetch/new")
            return
        if not self.store.is_linked(RECORD_TABLES[state.kind or ""], state.record_id):
            # Stored but never linked (a crawl killed between the two steps):
            # fetch it whole so the record goes through the pipelines again.
            self.stats.inc_value("corpus/fetch/unlinked")
            return
        cutoff = self.settled_before()
        if cutoff and state.content_date and state.content_date[:10] < cutoff:
            self.stats.inc_value("corpus/fetch/settled")
            raise AlreadyStored(
                f"settled: {request.url} is stored and older than the recheck window"
            )
        if state.etag:
            request.headers.setdefault(b"If-None-Match", state.etag.encode("latin-1"))
        if state.last_modified:
            request.headers.setdefault(b"If-Modified-Since", state.last_modified.encode("latin-1"))
        self.stats.inc_value("corpus/fetch/conditional")

    def process_response(self, request: Request, response: Response) -> Response:
        if response.status == 200 and (
            request.meta.get(META_KEY) or request.meta.get(REQUESTED_KEY)
        ):
            self.stats.inc_value("corpus/fetch/content")
        if not request.meta.get(META_KEY):
            return response
        if response.status == 304:
            self.stats.inc_value("corpus/fetch/not_modified")
            raise AlreadyStored(f"not modified: {request.url}")
        if response.status == 200:
            etag = response.headers.get(b"ETag")
            last_modified = response.headers.get(b"Last-Modified")
            if etag or last_modified:
                self.store.remember_validators(
                    page_key(request.url),
                    etag.decode("latin-1") if etag else None,
                    last_modified.decode("latin-1") if last_modified else None,
                )
        return response
