"""Scrapy's offsite filter, made to report what it filters.

Scrapy filters a request for a host outside the spider's ``allowed_domains``
with a DEBUG line only, so a crawl whose every page was filtered (a mirror
host in ``HANSARD_HOSTS``, a redirect to another site) would end with status 0
having read nothing. :class:`ReportingOffsiteMiddleware` replaces it:

- start points (``is_start_request``: the spider's configured feeds, day
  indexes, ``-a urls=`` pages) are always allowed, whatever their host (not
  where they redirect to);
- every request it filters is reported as a lost page (``offsite``, or
  ``redirect_offsite`` when a redirect led there).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from scrapy.downloadermiddlewares.offsite import OffsiteMiddleware
from scrapy.exceptions import IgnoreRequest
from scrapy.utils.httpobj import urlparse_cached

from crawler.lostpages import PageLostError, describe_chain, redirect_chain, report_loss

if TYPE_CHECKING:
    from scrapy import Request, Spider


class ReportingOffsiteMiddleware(OffsiteMiddleware):
    """Replaces ``scrapy.downloadermiddlewares.offsite.OffsiteMiddleware``."""

    def should_follow(self, request: Request, spider: Spider) -> bool:
        # A start point is configured; where it redirects to is not.
        configured = request.meta.get("is_start_request") and "redirect_urls" not in request.meta
        return bool(configured) or super().should_follow(request, spider)

    def process_request(self, request: Request, spider: Spider | None = None) -> None:
        try:
            super().process_request(request)
        except IgnoreRequest:
            host = urlparse_cached(request).hostname
            if "redirect_urls" in request.meta:
                raise PageLostError(
                    "redirect_offsite",
                    f"redirected to {host!r}, not an allowed host: "
                    + describe_chain(redirect_chain(request)),
                ) from None
            raise PageLostError("offsite", f"{host!r} is not an allowed host") from None

    def request_scheduled(self, request: Request, spider: Any) -> None:
        # Filtered here, a request never reaches its errback: report it now.
        try:
            self.process_request(request)
        except PageLostError as lost:
            report_loss(self.crawler, request, lost)
            raise
