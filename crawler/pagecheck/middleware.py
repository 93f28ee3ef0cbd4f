"""Refuse bad pages before any parser sees them, and survive a parser that raises.

- :class:`PageCheckMiddleware` (downloader) refuses a body cut short, whatever
  the page, and, for pages that should hold an article or a debate (requests
  marked ``corpus_conditional`` or ``corpus_requested``), a body that is not
  text, empty, a soft 404 or a consent wall (see :mod:`crawler.pagecheck.problems`).
- :class:`ReportingHttpCompressionMiddleware` is Scrapy's decompression with
  one difference: a body that inflates past ``DOWNLOAD_MAXSIZE`` (a gzip bomb)
  is reported as a lost page instead of being dropped with a warning.
- :class:`ParserErrorMiddleware` (spider) turns an exception raised while
  parsing a page into one log line naming the page and a lost page, so one
  malformed page never stops the rest of the crawl's output.

Every refused page goes through :func:`crawler.lost.page_lost` (a WARNING, a
``corpus/lost/<reason>`` count, and a failing exit status) and ends its request
with :class:`PageRefused`, an ``IgnoreRequest`` that says it was reported already.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from scrapy.downloadermiddlewares.httpcompression import HttpCompressionMiddleware
from scrapy.exceptions import IgnoreRequest, NotConfigured, ResponseDataLossError
from scrapy.spidermiddlewares.httperror import HttpError

from crawler.conditional import META_KEY as CONDITIONAL_KEY
from crawler.conditional import REQUESTED_KEY
from crawler.lost import page_lost
from crawler.pagecheck.problems import Problem, content_problem, truncation

if TYPE_CHECKING:
    from collections.abc import Iterable

    from scrapy import Request
    from scrapy.crawler import Crawler
    from scrapy.http import Response

logger = logging.getLogger(__name__)


class PageRefused(IgnoreRequest):
    """A page refused as lost; :func:`crawler.lost.page_lost` has reported it already."""


def refuse(crawler: Crawler, url: str, problem: Problem) -> PageRefused:
    """Report ``url`` as lost for ``problem``; returns the exception that ends its request."""
    page_lost(crawler, url, problem.reason, problem.detail)
    return PageRefused(f"{problem.reason}: {url}")


def is_content_request(request: Request) -> bool:
    """Whether the request is for a page that should hold an article or a debate."""
    return bool(request.meta.get(CONDITIONAL_KEY) or request.meta.get(REQUESTED_KEY))


class PageCheckMiddleware:
    """Downloader middleware: refuses truncated pages, and content pages that hold no content.

    Sits below the retry middleware (550), so it judges what is left once
    retries are done, and after decompression and decoding. ``PAGECHECK_ENABLED``
    switches it off.
    """

    def __init__(self, crawler: Crawler):
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> PageCheckMiddleware:
        if not crawler.settings.getbool("PAGECHECK_ENABLED"):
            raise NotConfigured("PAGECHECK_ENABLED is off")
        return cls(crawler)

    def process_response(self, request: Request, response: Response) -> Response:
        if response.status != 200:
            return response
        problem = truncation(response)
        if problem is None and is_content_request(request):
            problem = content_problem(response)
        if problem is not None:
            raise refuse(self.crawler, response.url, problem)
        return response

    def process_exception(self, request: Request, exception: Exception) -> None:
        if isinstance(exception, ResponseDataLossError):
            raise refuse(
                self.crawler,
                request.url,
                Problem("truncated", "the connection closed before the declared Content-Length"),
            ) from exception


class ReportingHttpCompressionMiddleware(HttpCompressionMiddleware):
    """Scrapy's decompression; a body that inflates past ``DOWNLOAD_MAXSIZE`` is a lost page."""

    def __init__(self, stats: Any = None, *, crawler: Crawler | None = None):
        super().__init__(stats, crawler=crawler)
        self.crawler = crawler

    def process_response(self, request: Request, response: Response) -> Request | Response:  # type: ignore[override]
        try:
            return super().process_response(request, response)
        except PageRefused:
            raise
        except IgnoreRequest as error:
            raise refuse(
                self.crawler,
                response.url,
                Problem(
                    "too_large",
                    f"the body inflates past DOWNLOAD_MAXSIZE "
                    f"({len(response.body)} bytes compressed)",
                ),
            ) from error


class ParserErrorMiddleware:
    """Spider middleware: a page whose parsing raises is logged, counted and lost.

    The log line names the page and the exception; the traceback follows at
    DEBUG. Sits closest to the spider (960) so it sees the callback's own errors.
    """

    def __init__(self, crawler: Crawler):
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ParserErrorMiddleware:
        return cls(crawler)

    def process_spider_exception(
        self, response: Response, exception: Exception
    ) -> Iterable[Any] | None:
        if isinstance(exception, (HttpError, IgnoreRequest)):
            return None
        detail = f"{type(exception).__name__}: {exception}"
        page_lost(self.crawler, response.url, "parser_error", detail)
        logger.debug("Traceback of the parser error on %s", response.url, exc_info=exception)
        return []
