"""The ``senedd`` spider: the Senedd's Record of Proceedings from its XML export.

    scrapy crawl senedd -a since=2022-11-08 -a until=2022-11-08 [-a all=1]
    scrapy crawl senedd -a urls=<transcript URL> -a debates=senedd-12920-221108-1[,…]

Discovery reads the export listing one day at a time (the export cuts long
ranges short), keeps the meetings whose type starts with "Plenary" and
downloads each one's bilingual transcript. Each agenda item becomes one debate
record, kept when one of its two titles (English, Welsh) names defence business
(:mod:`crawler.defence`), or always with ``-a all=1``; ``-a debates=`` keeps
exactly the agenda items with those debate ids, defence business or not (how
``scrapy reextract`` reads again the debates a corpus holds). Parties come from the
Senedd's member lists in English and Welsh, fetched once per crawl and joined
on the member id; the party pipeline maps both titles through the one party
table. Parsing lives in :mod:`crawler.pages.senedd`; the spider only routes and
fetches.

Settings: ``SENEDD_RECORD_HOST`` and ``SENEDD_MEMBERS_HOST`` (a mirror of the
Record or of the member lists). Stats under ``corpus/senedd/``.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterable
from datetime import UTC, datetime
from typing import Any, ClassVar

import scrapy
from scrapy.http import Response

from crawler.defence import DefenceTerms, defence_terms
from crawler.lost import page_lost
from crawler.lostpages import download_aside
from crawler.pages import senedd
from crawler.pages.senedd import Member, MemberLists, TranscriptError
from crawler.spiders.base import CorpusSpider, SpiderArgumentError, fetched_at

STATS = "corpus/senedd"
MEETING_DAY = "senedd_meeting_day"
"""Request meta: the meeting's day as the listing gives it (ISO), for its transcript."""
ALL_CHOICES = {"1": True, "true": True, "yes": True, "0": False, "false": False, "no": False}
"""``-a all=`` values."""


def parse_all(value: str | None) -> bool:
    """Read ``-a all=1``: every agenda item, not only defence business."""
    if value is None or value == "":
        return False
    choice = ALL_CHOICES.get(value.strip().lower())
    if choice is None:
        raise SpiderArgumentError(f"all: expected 1 or 0, got {value!r}")
    return choice


def parse_debate_ids(value: str | None) -> frozenset[str] | None:
    """Read ``-a debates=``: the debate ids to keep, whatever their business (unset: ``None``)."""
    if value is None or value == "":
        return None
    ids = {part.strip() for part in value.replace("\n", ",").split(",") if part.strip()}
    bad = sorted(debate_id for debate_id in ids if not debate_id.startswith(f"{senedd.SOURCE}-"))
    if bad:
        raise SpiderArgumentError(f"debates: not a Senedd debate id: {bad[0]!r}")
    return frozenset(ids)


class SeneddSpider(CorpusSpider):
    """Crawl the Senedd's XML export into one DebateItem per agenda item."""

    name = "senedd"
    allowed_domains: ClassVar[list[str]] = [senedd.RECORD_HOST, senedd.MEMBERS_HOST]

    def __init__(
        self, *args: Any, all: str | None = None, debates: str | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.take_all = parse_all(all)
        self.debate_ids = parse_debate_ids(debates)
        self.terms: DefenceTerms | None = None
        self._members: asyncio.Future[MemberLists | None] | None = None

    @classmethod
    def from_crawler(cls, crawler: Any, *args: Any, **kwargs: Any) -> SeneddSpider:
        spider = super().from_crawler(crawler, *args, **kwargs)
        spider.terms = defence_terms(crawler.settings)
        spider.allowed_domains = sorted({spider.record_host(), spider.members_host()})
        return spider

    def sources(self) -> str:
        if self.debate_ids is not None:
            scope = f"{len(self.debate_ids)} agenda item(s) given with -a debates"
        elif self.take_all:
            scope = "every agenda item"
        else:
            scope = "defence agenda items"
        return f"{self.record_host()} (plenary, {scope}); members from {self.members_host()}"

    def record_host(self) -> str:
        return self.settings.get("SENEDD_RECORD_HOST") or senedd.RECORD_HOST

    def members_host(self) -> str:
        return self.settings.get("SENEDD_MEMBERS_HOST") or senedd.MEMBERS_HOST

    def _inc(self, key: str, count: int = 1) -> None:
        self.crawler.stats.inc_value(f"{STATS}/{key}", count)

    # --- discovery and routing ------------------------------------------------------------

    def discover(self) -> Iterable[scrapy.Request]:
        for day in self.days():
            url = (
                f"https://{self.record_host()}{senedd.LISTING_PATH}"
                f"?start={day.isoformat()}&end={day.isoformat()}"
            )
            yield scrapy.Request(url, callback=self.parse_page)

    async def parse_page(self, response: Response) -> AsyncIterator[Any]:
        if senedd.is_transcript(response.body):
            for item in await self.debates(response):
                yield item
        elif senedd.is_listing(response):
            for request in self.transcript_requests(response):
                yield request
        else:
            self._inc("page/unknown")
            self.logger.info("Not an export listing or transcript: %s", response.url)

    def transcript_requests(self, response: Response) -> Iterable[scrapy.Request]:
        """The bilingual transcript of each plenary meeting the listing shows in the window."""
        for row in senedd.parse_listing(response, url=response.url):
            if not row.is_plenary:
                self._inc("listing/not_plenary")
                continue
            if not self.in_window(row.day):
                self._inc("listing/outside_window")
                continue
            if row.transcript_url is None:
                page_lost(self.crawler, response.url, "no_transcript", f"{row.date_raw} {row.type}")
                continue
            self._inc("listing/plenary")
            yield scrapy.Request(
                row.transcript_url,
                callback=self.parse_page,
                meta={MEETING_DAY: row.day.isoformat() if row.day else None},
            )

    # --- transcripts and member lists ------------------------------------------------------

    async def debates(self, response: Response) -> list[Any]:
        assert self.terms is not None, "built by from_crawler"
        try:
            transcript = senedd.parse_transcript(
                response.body, url=response.url, fetched_at=fetched_at(response)
            )
        except TranscriptError as error:
            page_lost(self.crawler, response.url, "unreadable_transcript", str(error))
            return []
        self._inc("transcript/parsed")
        self._inc("heading", transcript.headings)
        self._inc("boilerplate", transcript.boilerplate)
        if transcript.unidentified:
            self._inc("contribution/unidentified", transcript.unidentified)
            self.logger.warning(
                "%d contribution(s) without a usable id in %s: not stored",
                transcript.unidentified,
                response.url,
            )
        if not transcript.debates:
            if response.meta.get(MEETING_DAY) == datetime.now(UTC).date().isoformat():
                # Today's meeting is listed before its record is published.
                self._inc("transcript/not_yet_published")
                self.logger.info("No contributions yet in today's transcript %s", response.url)
            else:
                page_lost(self.crawler, response.url, "empty_transcript", "no contributions")
            return []
        kept = []
        for debate in transcript.debates:
            if self.debate_ids is not None:
                if debate.id in self.debate_ids:
                    self._inc("agenda_item/kept")
                    kept.append(debate)
                else:
                    self._inc("agenda_item/not_asked")
            elif self.take_all or self.terms.matches(*senedd.agenda_titles(debate)):
                self._inc("agenda_item/kept")
                kept.append(debate)
            else:
                self._inc("agenda_item/not_defence")
        # The member lists are fetched once, and only when a kept debate needs them.
        members = await self.members() if kept else None
        if members is not None:
            for debate in kept:
                senedd.join_members(debate, members)
        return kept

    def members(self) -> asyncio.Future[MemberLists | None]:
        """Both languages' member lists, fetched once per crawl (``None`` if neither is read)."""
        if self._members is None:
            self._members = asyncio.ensure_future(self._fetch_members())
        return self._members

    async def _fetch_members(self) -> MemberLists | None:
        lists = await asyncio.gather(
            *(self._fetch_member_list(path) for path in senedd.MEMBERS_PATHS.values())
        )
        if all(members is None for members in lists):
            return None
        by_language: dict[str, dict[str, Member]] = {
            language: members
            for language, members in zip(senedd.MEMBERS_PATHS, lists, strict=True)
            if members is not None
        }
        return MemberLists(by_language)

    async def _fetch_member_list(self, path: str) -> dict[str, Member] | None:
        url = f"https://{self.members_host()}{path}"
        # The per-crawl future stands in for the scheduler's duplicate filter.
        request = scrapy.Request(url, dont_filter=True)
        response = await download_aside(
            self, request, what="Member list", error_stat=f"{STATS}/members/error"
        )
        if response is None:
            return None
        try:
            members = senedd.parse_members(response.body)
        except TranscriptError as error:
            page_lost(self.crawler, url, "unreadable_member_list", str(error))
            return None
        self._inc("members/fetched")
        return members
