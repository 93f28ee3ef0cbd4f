"""Every request a spider yields is either read or reported lost.

:class:`LostPagesMiddleware` (a spider middleware) gives every request the
spider yields, start points and discovered pages alike, an errback that judges
why the request ended without a response for the spider and reports it with
:func:`crawler.lost.page_lost`:

- an HTTP error status once retries are spent (``http_404``, ``http_403``, ``http_503``…);
- a download error once retries are spent (``timeout``, ``dns``,
  ``connection_refused``, ``data_loss``, ``download_error``);
- a redirect chain that comes back to a URL it passed (``redirect_loop``) or
  runs past ``REDIRECT_MAX_TIMES`` (``redirect_limit``);
- robots.txt forbidding the page (``robots_txt``), a body over
  ``DOWNLOAD_MAXSIZE`` (``too_large``), any other refusal (``ignored``);
- any :class:`PageLostError` a component raises, under its own reason
  (offsite hosts, a ``Retry-After`` above the cap…).

Not reported here: pages the corpus store already holds
(:class:`crawler.conditional.AlreadyStored`: settled, or answered ``304``),
pages the page checks refused and reported themselves
(:class:`crawler.pagecheck.middleware.PageRefused`), and requests the duplicate
filter drops, whose URL another request reads; a redirect dropped as a
duplicate of a URL in its own chain is a loop, and is reported. The URL
reported is the one the crawl set out to read, before any redirect.

At the end of the crawl the lost pages are listed in the log, the first
``CRAWL_LOST_PAGES_LISTED`` of them and a count of the rest; the
stats keep them all (``corpus/lost_pages``).
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import AsyncIterator, Collection, Iterable
from typing import TYPE_CHECKING, Any

from scrapy import Request, signals
from scrapy.exceptions import (
    CannotResolveHostError,
    DownloadCancelledError,
    DownloadConnectionRefusedError,
    DownloadTimeoutError,
    IgnoreRequest,
    ResponseDataLossError,
)
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.internet.error import ConnectionRefusedError as TwistedConnectionRefused
from twisted.internet.error import DNSLookupError
from twisted.internet.error import TimeoutError as TwistedTimeoutError

from crawler.conditional import AlreadyStored
from crawler.lost import PAGES_KEY, page_lost
from crawler.pagecheck.middleware import PageRefused
from crawler.urls import page_key

if TYPE_CHECKING:
    from scrapy import Spider
    from scrapy.crawler import Crawler
    from scrapy.http import Response
    from twisted.python.failure import Failure

logger = logging.getLogger(__name__)

# Download exceptions (Scrapy's and Twisted's) -> reason slug; others are `download_error`.
DOWNLOAD_ERROR_REASONS: tuple[tuple[tuple[type[BaseException], ...], str], ...] = (
    ((DownloadTimeoutError, TwistedTimeoutError), "timeout"),
    ((CannotResolveHostError, DNSLookupError), "dns"),
    ((DownloadConnectionRefusedError, TwistedConnectionRefused), "connection_refused"),
    ((ResponseDataLossError,), "data_loss"),
    ((DownloadCancelledError,), "too_large"),
)
# Messages of the IgnoreRequest exceptions Scrapy's own middlewares raise.
IGNORED_REASONS = {
    "Forbidden by robots.txt": "robots_txt",
    "larger than download max size": "too_large",
    "exceeded DOWNLOAD_MAXSIZE": "too_large",  # while decompressing
}
MAX_REDIRECTIONS = "max redirections reached"


class PageLostError(IgnoreRequest):
    """Raised by a component that gives up on a page; the page is reported under ``reason``."""

    def __init__(self, reason: str, detail: str = ""):
        super().__init__(detail or reason)
        self.reason = reason
        self.detail = detail


def original_url(request: Request) -> str:
    """The URL the crawl set out to read, before any redirect."""
    return (request.meta.get("redirect_urls") or [request.url])[0]


def redirect_chain(request: Request) -> list[str]:
    """Every URL of the request's redirect chain, the request's own last."""
    return [*request.meta.get("redirect_urls", []), request.url]


def describe_chain(chain: list[str], limit: int = 4) -> str:
    shown = chain if len(chain) <= limit else [*chain[: limit - 1], "…", chain[-1]]
    return " -> ".join(shown)


def loss_reason(exception: BaseException, request: Request) -> tuple[str, str] | None:
    """Why ``request`` was lost, as ``(reason slug, detail)``; ``None`` when it was not."""
    retries = request.meta.get("retry_times", 0)
    after = f" after {retries} retries" if retries else ""
    if isinstance(exception, (AlreadyStored, PageRefused)):
        return None  # not lost, or reported by the page checks already
    if isinstance(exception, PageLostError):
        return exception.reason, exception.detail
    if isinstance(exception, HttpError):
        status = exception.response.status
        return f"http_{status}", f"HTTP {status}{after}"
    if isinstance(exception, IgnoreRequest):
        message = str(exception)
        if message == MAX_REDIRECTIONS:
            chain = redirect_chain(request)
            keys = [page_key(url) for url in chain]
            reason = "redirect_loop" if len(set(keys)) < len(keys) else "redirect_limit"
            return reason, f"{len(chain) - 1} redirects: {describe_chain(chain)}"
        for marker, reason in IGNORED_REASONS.items():
            if marker in message:
                return reason, message
        return "ignored", message
    for classes, reason in DOWNLOAD_ERROR_REASONS:
        if isinstance(exception, classes):
            return reason, f"{type(exception).__name__}{after}: {exception}"
    return "download_error", f"{type(exception).__name__}{after}: {exception}"


def report_loss(crawler: Crawler, request: Request, exception: BaseException) -> bool:
    """Report ``request`` lost if ``exception`` means it was; returns whether it did."""
    judged = loss_reason(exception, request)
    if judged is None:
        return False
    reason, detail = judged
    page_lost(crawler, original_url(request), reason, detail)
    return True


async def download_aside(
    spider: Spider,
    request: Request,
    *,
    what: str,
    error_stat: str | None = None,
    accept: Collection[int] = (200,),
) -> Response | None:
    """Fetch a page a spider needs beside the pages it crawls (a member page, a member list,
    a table of ids), through the engine: downloader middlewares apply (robots.txt,
    redirects, politeness), the scheduler's duplicate filter does not, so the spider keeps
    its own once-per-crawl cache. A download that fails is logged, counted under
    ``error_stat`` and reported lost; an answer whose status is not in ``accept`` is lost
    as ``http_<status>``. Either way ``None``: the record it was wanted for is kept."""
    try:
        response = await spider.crawler.engine.download_async(request)
    except Exception as error:  # a page beside the record must not lose the record
        if error_stat:
            spider.crawler.stats.inc_value(error_stat)
        spider.logger.warning("%s %s could not be fetched: %r", what, request.url, error)
        report_loss(spider.crawler, request, error)
        return None
    if response.status not in accept:
        page_lost(spider.crawler, request.url, f"http_{response.status}", what.lower())
        return None
    return response


class LostPagesMiddleware:
    """Spider middleware: an errback on every request, and the list of lost pages at the end.

    Settings: ``CRAWL_LOST_PAGES_LISTED``.
    """

    def __init__(self, crawler: Crawler, listed: int):
        self.crawler = crawler
        self.listed = listed

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> LostPagesMiddleware:
        middleware = cls(crawler, crawler.settings.getint("CRAWL_LOST_PAGES_LISTED"))
        crawler.signals.connect(middleware.request_dropped, signal=signals.request_dropped)
        crawler.signals.connect(middleware.spider_closed, signal=signals.spider_closed)
        return middleware

    # -- every request the spider yields gets the errback
    def track(self, result: Any) -> Any:
        if isinstance(result, Request) and result.errback is None:
            result.errback = self.errback
        return result

    async def process_start(self, start: AsyncIterator[Any]) -> AsyncIterator[Any]:
        async for result in start:
            yield self.track(result)

    def process_spider_output(self, response: Response, result: Iterable[Any]) -> Iterable[Any]:
        for each in result:
            yield self.track(each)

    async def process_spider_output_async(
        self, response: Response, result: AsyncIterator[Any]
    ) -> AsyncIterator[Any]:
        async for each in result:
            yield self.track(each)

    def errback(self, failure: Failure) -> None:
        request: Request = failure.request  # type: ignore[attr-defined]
        if not report_loss(self.crawler, request, failure.value):
            logger.debug("Not fetched, already stored: %s", request.url)

    def is_tracked(self, request: Request) -> bool:
        return request.errback == self.errback

    # -- a redirect the duplicate filter drops
    def request_dropped(self, request: Request) -> None:
        if not self.is_tracked(request) or "redirect_urls" not in request.meta:
            return
        chain = redirect_chain(request)
        if page_key(request.url) in {page_key(url) for url in chain[:-1]}:
            page_lost(
                self.crawler,
                original_url(request),
                "redirect_loop",
                f"{len(chain) - 1} redirects: {describe_chain(chain)}",
            )

    # -- the end of the log
    def spider_closed(self) -> None:
        pages: list[str] = self.crawler.stats.get_value(PAGES_KEY) or []
        if not pages:
            return
        reasons = Counter(page.split(":", 1)[0] for page in pages)
        lines = [
            f"Lost pages: {len(pages)} ("
            + ", ".join(f"{reason}: {count}" for reason, count in sorted(reasons.items()))
            + ")"
        ]
        lines += [f"  {page}" for page in pages[: self.listed]]
        if len(pages) > self.listed:
            lines.append(f"  … and {len(pages) - self.listed} more (all in the stats)")
        logger.warning("\n".join(lines))
