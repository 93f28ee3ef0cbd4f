"""Retries that wait as long as the server asks, within a cap.

:class:`RetryAfterMiddleware` replaces Scrapy's ``RetryMiddleware``. It retries
what Scrapy's does (``RETRY_HTTP_CODES``, ``RETRY_EXCEPTIONS``, ``RETRY_TIMES``),
and for a ``429 Too Many Requests`` or ``503 Service Unavailable``:

- waits the ``Retry-After`` the server sent (seconds, or an HTTP date) before
  the retry;
- without a usable ``Retry-After``, backs off exponentially:
  ``FETCH_RETRY_BACKOFF`` seconds doubled at each retry, at most
  ``FETCH_RETRY_AFTER_MAX``;
- when the server asks for a wait longer than ``FETCH_RETRY_AFTER_MAX``
  seconds, gives the page up at once and reports it lost
  (``retry_after_too_long``) rather than hold a scheduled run for hours.

Waiting never blocks the reactor: the middleware's methods are coroutines that
sleep on the event loop. Stats: ``corpus/fetch/retry_after`` (waits the server
asked for), ``corpus/fetch/backoff`` (waits without one).
"""

from __future__ import annotations

from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import TYPE_CHECKING

from scrapy.downloadermiddlewares.retry import RetryMiddleware
from scrapy.utils.asyncio import sleep
from scrapy.utils.response import response_status_message

from crawler.lostpages import PageLostError

if TYPE_CHECKING:
    from scrapy import Request, Spider
    from scrapy.http import Response
    from scrapy.settings import BaseSettings

THROTTLE_STATUSES = (429, 503)
"""Statuses whose retries wait: the server says it is overloaded or rate-limiting."""


def retry_after_seconds(value: bytes | None, now: datetime) -> float | None:
    """Seconds to wait from a ``Retry-After`` header value; ``None`` when absent or unreadable."""
    if not value:
        return None
    text = value.decode("latin-1").strip()
    if text.isdigit():
        return float(text)
    try:
        moment = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return max(0.0, (moment - now).total_seconds())


def response_time(response: Response) -> datetime:
    """The server's clock (its ``Date`` header), against which a date in ``Retry-After`` counts."""
    header = response.headers.get(b"Date")
    if header:
        try:
            moment = parsedate_to_datetime(header.decode("latin-1"))
        except (TypeError, ValueError, IndexError):
            moment = None
        if moment is not None and moment.tzinfo is not None:
            return moment
    return datetime.now(UTC)


class RetryAfterMiddleware(RetryMiddleware):
    """Settings: ``FETCH_RETRY_AFTER_MAX``, ``FETCH_RETRY_BACKOFF`` (seconds)."""

    def __init__(self, settings: BaseSettings):
        super().__init__(settings)
        self.max_wait = settings.getfloat("FETCH_RETRY_AFTER_MAX")
        self.backoff = settings.getfloat("FETCH_RETRY_BACKOFF")

    async def process_response(  # type: ignore[override]
        self, request: Request, response: Response, spider: Spider | None = None
    ) -> Request | Response:
        if (
            request.meta.get("dont_retry", False)
            or response.status not in self.retry_http_codes
            or response.status not in THROTTLE_STATUSES
        ):
            return super().process_response(request, response)
        wait, asked = self.wait_for(request, response)
        retry = self._retry(request, response_status_message(response.status))
        if retry is None:
            return response
        self.crawler.stats.inc_value(
            "corpus/fetch/retry_after" if asked else "corpus/fetch/backoff"
        )
        await sleep(wait)
        return retry

    def wait_for(self, request: Request, response: Response) -> tuple[float, bool]:
        """Seconds to wait before retrying, and whether the server asked for them.

        Raises :class:`PageLostError` when the server asks for more than the cap.
        """
        asked = retry_after_seconds(response.headers.get(b"Retry-After"), response_time(response))
        if asked is None:
            backoff = self.backoff * 2 ** request.meta.get("retry_times", 0)
            return min(backoff, self.max_wait), False
        if asked > self.max_wait:
            raise PageLostError(
                "retry_after_too_long",
                f"HTTP {response.status} with Retry-After {asked:.0f} s, "
                f"more than FETCH_RETRY_AFTER_MAX ({self.max_wait:.0f} s)",
            )
        return asked, True
