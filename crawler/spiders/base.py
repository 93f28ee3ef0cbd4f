"""What every spider of the project shares: its command-line arguments.

- ``-a urls=<url>[,<url>…]`` crawls exactly those pages instead of the spider's
  own discovery. Each page goes to :meth:`CorpusSpider.parse_page`, which must
  tell what kind of page it has from the page itself.
- ``-a since=YYYY-MM-DD`` / ``-a until=YYYY-MM-DD`` bound date-driven discovery
  (both inclusive). Without them a spider looks at the last
  ``default_days`` days, which suits a scheduled run.

An argument no spider in the chain takes is refused with a
:class:`SpiderArgumentError` naming the ones it does take: a misspelt
``-a sinse=`` must not quietly crawl the default window. Arguments whose name
starts with ``_`` belong to the runner (scrapyd's ``_job``) and are kept.
"""

from __future__ import annotations

import inspect
from collections.abc import AsyncIterator, Iterable
from datetime import UTC, date, datetime, timedelta
from email.utils import parsedate_to_datetime
from typing import Any

import scrapy
from scrapy.http import Response


class SpiderArgumentError(ValueError):
    """A spider argument (``-a name=value``) that cannot be used."""


def parse_url_list(value: str | None) -> list[str]:
    """Split ``-a urls=`` on commas and whitespace, keeping order and dropping blanks."""
    if not value:
        return []
    urls = [part.strip() for part in value.replace("\n", ",").split(",")]
    bad = [url for url in urls if url and not url.startswith(("http://", "https://"))]
    if bad:
        raise SpiderArgumentError(f"urls: not an http(s) URL: {bad[0]!r}")
    return [url for url in urls if url]


def parse_day(name: str, value: str | date | None) -> date | None:
    """Read ``-a since``/``-a until`` as a calendar day (YYYY-MM-DD)."""
    if value is None or value == "":
        return None
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        raise SpiderArgumentError(f"{name}: expected YYYY-MM-DD, got {value!r}") from None


def fetched_at(response: Response) -> str:
    """When the page was fetched, ISO 8601 UTC to the second.

    The response's ``Date`` header is used when it has one: live servers send
    the time of the response, and a replayed snapshot keeps the time the page
    was saved, so relative dates on the page ("2 days ago") resolve against
    the moment the page was actually served.
    """
    header = response.headers.get(b"Date")
    moment: datetime | None = None
    if header:
        try:
            moment = parsedate_to_datetime(header.decode("latin-1"))
        except (TypeError, ValueError):
            moment = None
    if moment is None or moment.tzinfo is None:
        moment = datetime.now(UTC)
    return moment.astimezone(UTC).replace(microsecond=0).isoformat()


def spider_arguments(spider_class: type) -> list[str]:
    """The ``-a`` arguments a spider class takes: the named parameters of every ``__init__``."""
    names: list[str] = []
    for cls in spider_class.__mro__:
        if cls is scrapy.Spider:  # its own parameters are not spider arguments
            break
        init = cls.__dict__.get("__init__")
        if init is None:
            continue
        for parameter in inspect.signature(init).parameters.values():
            if parameter.kind is parameter.KEYWORD_ONLY or (
                parameter.kind is parameter.POSITIONAL_OR_KEYWORD and parameter.name != "self"
            ):
                names.append(parameter.name)
    return sorted(set(names))


class CorpusSpider(scrapy.Spider):
    """Base class: common arguments, and the split between discovery and page routing."""

    default_days = 7
    """How many days back date-driven discovery looks when ``since`` is not given."""

    def __init__(
        self,
        *args: Any,
        urls: str | None = None,
        since: str | None = None,
        until: str | None = None,
        **kwargs: Any,
    ) -> None:
        # Runners pass arguments of their own with a leading underscore
        # (scrapyd's ``_job``); Scrapy keeps them as attributes.
        unknown = sorted(key for key in kwargs if key != "name" and not key.startswith("_"))
        if unknown:
            raise SpiderArgumentError(
                f"unknown argument(s) {', '.join(unknown)}; "
                f"{self.name} takes {', '.join(spider_arguments(type(self)))}"
            )
        super().__init__(*args, **kwargs)
        self.requested_urls = parse_url_list(urls)
        today = datetime.now(UTC).date()
        self.until: date = parse_day("until", until) or today
        self.since: date = parse_day("since", since) or self.until - timedelta(
            days=self.default_days - 1
        )
        if self.since > self.until:
            raise SpiderArgumentError(f"since ({self.since}) is after until ({self.until})")

    def window(self) -> str:
        """What the crawl covers, as the log states it: its date window, or the pages given."""
        if self.requested_urls:
            return f"{len(self.requested_urls)} page(s) given with -a urls"
        return f"window {self.since.isoformat()} to {self.until.isoformat()}"

    def sources(self) -> str:
        """Where the spider reads from, as the log states it (outlets, hosts…)."""
        return ""

    def days(self) -> list[date]:
        """Every day from ``since`` to ``until``, inclusive, oldest first."""
        count = (self.until - self.since).days + 1
        return [self.since + timedelta(days=offset) for offset in range(count)]

    def in_window(self, day: date | None) -> bool:
        """Whether a page dated ``day`` belongs to this crawl (undated pages do)."""
        return day is None or self.since <= day <= self.until

    async def start(self) -> AsyncIterator[scrapy.Request]:
        if self.requested_urls:
            for url in self.requested_urls:
                # Asked for by name: fetched whatever the store holds, and
                # expected to give a record (see crawler.verdict).
                yield scrapy.Request(
                    url, callback=self.parse_page, dont_filter=True, meta={"corpus_requested": True}
                )
            return
        for request in self.discover():
            yield request

    def discover(self) -> Iterable[scrapy.Request]:
        """The spider's own start requests (feeds, day indexes…)."""
        raise NotImplementedError

    def parse_page(self, response: Response) -> Any:
        """Route a page of any kind to the right parser, judging from the page itself."""
        raise NotImplementedError

    def parse(self, response: Response, **kwargs: Any) -> Any:
        return self.parse_page(response)
