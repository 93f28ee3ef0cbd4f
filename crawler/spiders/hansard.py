"""The ``hansard`` spider: debates from TheyWorkForYou, in English, Welsh or both.

    scrapy crawl hansard -a since=2025-02-10 -a until=2025-02-11 \\
        -a interface=both -a houses=commons,westminster-hall

- ``-a interface=en|cy|both`` picks the interface(s) (hosts from ``HANSARD_HOSTS``).
- ``-a houses=commons[,westminster-hall,lords]`` picks the chambers, by the path
  prefix each one has on the site (``crawler/data/twfy.json``).

Discovery walks the day index of every day in the window, then every section
it lists. When a speaker line prints an office instead of a party, the party is
read from the member's profile on ``HANSARD_MEMBER_HOST`` (fetched once per
person per crawl) as held on the sitting date, and the debate is yielded once
those look-ups are done. The spider only routes and fetches: parsing, and the
policy of which speeches need a member page and what it settles, live in
:mod:`crawler.pages.twfy` and :mod:`crawler.pages.twfy_members`. Speaker lines
are told apart with the party table ``NORMALISE_PARTIES_TABLE`` names, the one
the party pipeline reads.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterable
from typing import Any, ClassVar

import scrapy
from scrapy.http import Response

from crawler.items import DebateItem
from crawler.lost import page_lost
from crawler.lostpages import download_aside
from crawler.normalise.parties import PartyTable, party_table
from crawler.pages import twfy, twfy_members
from crawler.pages.twfy_members import MemberRecord
from crawler.spiders.base import CorpusSpider, SpiderArgumentError, fetched_at

INTERFACE_CHOICES: dict[str, list[str]] = {"en": ["en"], "cy": ["cy"], "both": ["en", "cy"]}
"""``-a interface=`` value -> interfaces crawled."""

STATS = "corpus/hansard"
DEFAULT_INTERFACE_CHOICE = "both"
"""``-a interface=`` when not given: both interfaces."""
DEFAULT_HOUSES = "commons"
"""``-a houses=`` when not given: the Commons chamber."""
MEMBER_PAGE_ABSENT = (404, 410)
"""Statuses that say the site has no page for a person: the speech is flagged, no page lost."""


def parse_interfaces(value: str | None) -> list[str]:
    """Read ``-a interface=en|cy|both``."""
    choice = (value or DEFAULT_INTERFACE_CHOICE).strip().lower()
    if choice not in INTERFACE_CHOICES:
        raise SpiderArgumentError(
            f"interface: expected one of {', '.join(INTERFACE_CHOICES)}, got {value!r}"
        )
    return INTERFACE_CHOICES[choice]


def parse_houses(value: str | None) -> list[str]:
    """Read ``-a houses=commons,westminster-hall,…`` against the table of path prefixes."""
    houses = [part.strip().lower() for part in (value or DEFAULT_HOUSES).split(",") if part.strip()]
    unknown = [house for house in houses if house not in twfy.PATHS_BY_HOUSE]
    if unknown or not houses:
        raise SpiderArgumentError(
            f"houses: expected some of {', '.join(twfy.PATHS_BY_HOUSE)}, got {value!r}"
        )
    return list(dict.fromkeys(houses))


class HansardSpider(CorpusSpider):
    """Crawl TheyWorkForYou day indexes and debate sections into DebateItems."""

    name = "hansard"
    allowed_domains: ClassVar[list[str]] = ["theyworkforyou.com"]

    def __init__(
        self,
        *args: Any,
        interface: str | None = None,
        houses: str | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.interfaces = parse_interfaces(interface)
        self.houses = parse_houses(houses)
        # One look-up per person per crawl, shared by every debate that needs it.
        self._member_lookups: dict[str, asyncio.Future[MemberRecord | None]] = {}
        self.parties: PartyTable | None = None

    @classmethod
    def from_crawler(cls, crawler: Any, *args: Any, **kwargs: Any) -> HansardSpider:
        spider = super().from_crawler(crawler, *args, **kwargs)
        spider.parties = party_table(crawler.settings)
        # Configured hosts are always allowed: a mirror named in HANSARD_HOSTS too.
        spider.allowed_domains = sorted(
            {*cls.allowed_domains, *spider.hosts().values(), spider.member_host()}
        )
        return spider

    def sources(self) -> str:
        hosts = self.hosts()
        return (
            f"interfaces {', '.join(f'{name} ({hosts[name]})' for name in self.interfaces)}; "
            f"houses {', '.join(self.houses)}"
        )

    # --- settings -----------------------------------------------------------------

    def hosts(self) -> dict[str, str]:
        """Host of each interface: ``HANSARD_HOSTS`` over the table's defaults."""
        hosts = dict(twfy.HOSTS)
        hosts.update(self.settings.getdict("HANSARD_HOSTS"))
        return hosts

    def member_host(self) -> str:
        """Member pages are read from one host (English) whatever the debate's interface."""
        return self.settings.get("HANSARD_MEMBER_HOST") or self.hosts()["en"]

    def _inc(self, key: str, count: int = 1) -> None:
        self.crawler.stats.inc_value(f"{STATS}/{key}", count)

    # --- discovery and routing ------------------------------------------------------------

    def discover(self) -> Iterable[scrapy.Request]:
        hosts = self.hosts()
        for day in self.days():
            for interface in self.interfaces:
                for house in self.houses:
                    path = twfy.PATHS_BY_HOUSE[house]
                    url = f"https://{hosts[interface]}/{path}/?d={day.isoformat()}"
                    yield scrapy.Request(url, callback=self.parse_page)

    async def parse_page(self, response: Response) -> AsyncIterator[Any]:
        kind = twfy.page_kind(response)
        if kind == "day":
            for request in self.section_requests(response):
                yield request
        elif kind == "debate":
            item = await self.debate_item(response)
            if twfy.NO_GID_FLAG in item.flags:
                self._inc("debate/speeches_without_gid")
            if twfy.NO_GID_FLAG in item.flags and not item.speeches:
                # Nothing on the page can be stored as a speech: lost, not an empty record.
                page_lost(self.crawler, response.url, "no_gids", "no speech carries a gid")
                return
            yield item
        else:
            # Member pages are looked up, not crawled; anything else is not ours.
            self._inc(f"page/{kind or 'unknown'}")
            self.logger.info("Not a debate or day index (%s): %s", kind, response.url)

    def section_requests(self, response: Response) -> Iterable[scrapy.Request]:
        """One request per section listed on a day index."""
        _, links = twfy.parse_day_index(response, url=response.url)
        if not links:
            self._inc("day/empty")
        self._inc("day/sections", len(links))
        for link in links:
            # A stored debate is re-fetched only if it may have changed.
            yield scrapy.Request(link, callback=self.parse_page, meta={"corpus_conditional": True})

    # --- debates and their member look-ups ---------------------------------------------------

    async def debate_item(self, response: Response) -> DebateItem:
        """The debate on this page, with parties filled in from member pages where needed."""
        assert self.parties is not None, "built by from_crawler"
        item = twfy.parse_debate(
            response, url=response.url, fetched_at=fetched_at(response), parties=self.parties
        )
        self._inc("debate/parsed")
        person_ids = twfy_members.member_pages_needed(item)
        records = await asyncio.gather(
            *(self.member(person_id, item.house) for person_id in person_ids)
        )
        members = dict(zip(person_ids, records, strict=True))
        for outcome in twfy_members.fill_parties_from_member_pages(item, members):
            self._inc(f"party/{outcome}")
        return item

    def member(self, person_id: str, house: str) -> asyncio.Future[MemberRecord | None]:
        """The member's profile, fetched at most once per crawl (``None`` when unavailable)."""
        lookup = self._member_lookups.get(person_id)
        if lookup is None:
            lookup = asyncio.ensure_future(self._fetch_member(person_id, house))
            self._member_lookups[person_id] = lookup
        else:
            self._inc("member_page/reused")
        return lookup

    async def _fetch_member(self, person_id: str, house: str) -> MemberRecord | None:
        path = twfy.MEMBER_PATH_BY_HOUSE.get(house, "mp")
        url = f"https://{self.member_host()}/{path}/?p={person_id}"
        # Downloader middlewares still apply (robots.txt, redirects to the
        # canonical /mp/<id>/<name>/<seat> page, politeness); the scheduler's
        # duplicate filter does not, which the per-crawl cache replaces.
        response = await download_aside(
            self,
            scrapy.Request(url, dont_filter=True),
            what="Member page",
            error_stat=f"{STATS}/member_page/error",
            accept=(200, *MEMBER_PAGE_ABSENT),
        )
        if response is None:
            return None
        if response.status != 200 or twfy.page_kind(response) != "member":
            self._inc("member_page/missing")
            self.logger.warning(
                "No member page for person %s (HTTP %s)", person_id, response.status
            )
            return None
        self._inc("member_page/fetched")
        return twfy_members.parse_member(response, url=response.url)
