"""The ``hansard_api`` spider: debates from the official Hansard, through its API.

    scrapy crawl hansard_api -a since=2025-02-10 -a until=2025-02-10 -a houses=commons,lords

- ``-a houses=commons[,lords]`` picks the houses whose sitting days are read (the
  Commons day includes Westminster Hall and written statements; the Lords day its
  Grand Committee). Ids from crawler/houses.py; the API's names from
  crawler/data/hansard_api.json.
- ``-a all=1`` takes every debate; otherwise only defence business is fetched: a tree
  item whose title, or an enclosing heading's title, names a defence term
  (crawler/defence.py), so Defence oral questions come in under their department
  heading "Defence".

Discovery walks, per day and house, ``sectionsforday`` -> ``sectiontrees`` for each
section -> ``debates/debate/{ExternalId}`` for each chosen tree item that has no
chosen ancestor (a debate's answer holds its ``ChildDebates``). Each debate with
speeches is yielded as a :class:`~crawler.items.DebateItem` of raw values, its
speakers' names and parties on the sitting day filled from the Members API's
``/api/Members/History``: fetched at most once per member per crawl, and kept in
the corpus store's members table, so a later crawl reuses it without fetching.
Parsing lives in :mod:`crawler.pages.hansard_api`.

A debate whose stored version is final (the bound volume) is not fetched again;
one below it is re-fetched on every crawl, and a revised version supersedes the
stored one (:mod:`crawler.dedup.sources`). Each speech also gets its speaker's
TheyWorkForYou person id (``member_ids["twfy"]``) from mySociety's table of person
ids, read once per crawl, by which the merge stage joins the two sources.

Settings: ``HANSARD_API_HOST``, ``HANSARD_API_MEMBERS_HOST`` (mirrors).
Stats under ``corpus/hansard_api/``.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterable
from datetime import date
from typing import Any, ClassVar
from urllib.parse import parse_qsl, urlencode, urlparse

import scrapy
from scrapy.exceptions import NotConfigured
from scrapy.http import Response

from crawler.corpus.extension import corpus_store
from crawler.corpus.store import CorpusStore
from crawler.dedup.sources import TWFY, parse_person_identifiers
from crawler.defence import DefenceTerms, defence_terms
from crawler.gid import hansard_id
from crawler.houses import HOUSE_IDS
from crawler.items import DebateItem
from crawler.lost import page_lost
from crawler.lostpages import download_aside
from crawler.pages import hansard_api
from crawler.pages.hansard_api import MemberHistory, ResponseError, TreeItem
from crawler.spiders.base import CorpusSpider, SpiderArgumentError, fetched_at

STATS = "corpus/hansard_api"
DEFAULT_HOUSES = "commons"
"""``-a houses=`` when not given: the Commons (chamber, Westminster Hall, written statements)."""
TRUE_WORDS = ("1", "true", "yes")


def parse_houses(value: str | None) -> list[str]:
    """Read ``-a houses=commons,lords`` against the houses the API is asked about."""
    api_houses = {k: v for k, v in hansard_api.vocabulary()["api_house"].items() if k != "_about"}
    houses = [part.strip().lower() for part in (value or DEFAULT_HOUSES).split(",") if part.strip()]
    unknown = [h for h in houses if h not in api_houses or h not in HOUSE_IDS]
    if unknown or not houses:
        expected = ", ".join(api_houses)
        raise SpiderArgumentError(f"houses: expected some of {expected}, got {value!r}")
    return list(dict.fromkeys(houses))


class HansardApiSpider(CorpusSpider):
    """Crawl the Hansard API's sitting days, section trees and debates into DebateItems."""

    name = "hansard_api"
    allowed_domains: ClassVar[list[str]] = []

    def __init__(
        self,
        *args: Any,
        houses: str | None = None,
        all: str | None = None,  # the argument's name on the command line: -a all=1
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.houses = parse_houses(houses)
        self.take_all = (all or "").strip().lower() in TRUE_WORDS
        self.terms: DefenceTerms | None = None
        self._members: dict[str, asyncio.Future[MemberHistory | None]] = {}
        self._person_ids: asyncio.Future[dict[str, str]] | None = None

    @classmethod
    def from_crawler(cls, crawler: Any, *args: Any, **kwargs: Any) -> HansardApiSpider:
        spider = super().from_crawler(crawler, *args, **kwargs)
        spider.terms = defence_terms(crawler.settings)
        identifiers = urlparse(hansard_api.vocabulary()["person_identifiers"]["url"]).hostname
        spider.allowed_domains = sorted({spider.api_host(), spider.members_host(), identifiers})
        return spider

    def sources(self) -> str:
        scope = "all business" if self.take_all else "defence business"
        return f"{self.api_host()}; houses {', '.join(self.houses)}; {scope}"

    def api_host(self) -> str:
        return self.settings.get("HANSARD_API_HOST") or hansard_api.vocabulary()["api_host"]

    def members_host(self) -> str:
        return (
            self.settings.get("HANSARD_API_MEMBERS_HOST")
            or hansard_api.vocabulary()["members_host"]
        )

    def _inc(self, key: str, count: int = 1) -> None:
        self.crawler.stats.inc_value(f"{STATS}/{key}", count)

    def _api_url(self, path: str, **query: str) -> str:
        url = f"https://{self.api_host()}{path}"
        return f"{url}?{urlencode(query)}" if query else url

    # --- discovery and routing ---------------------------------------------------------

    def discover(self) -> Iterable[scrapy.Request]:
        paths = hansard_api.vocabulary()["paths"]
        api_house = hansard_api.vocabulary()["api_house"]
        for day in self.days():
            for house in self.houses:
                url = self._api_url(
                    paths["sections_for_day"], date=day.isoformat(), house=api_house[house]
                )
                yield scrapy.Request(url, callback=self.parse_page)

    async def parse_page(self, response: Response) -> AsyncIterator[Any]:
        kind = hansard_api.answer_kind(response.url)
        if kind not in ("sections", "trees", "debate"):
            self._inc("page/unknown")
            self.logger.info("Not a Hansard API answer this spider reads: %s", response.url)
            return
        try:
            data = hansard_api.load(response.body, expect=dict if kind == "debate" else list)
        except ResponseError as error:
            page_lost(self.crawler, response.url, "bad_json", f"{kind}: {error}")
            return
        if kind == "sections":
            for request in self.tree_requests(response, data):
                yield request
        elif kind == "trees":
            for request in self.debate_requests(response, data):
                yield request
        else:
            for item in await self.debate_items(response, data):
                yield item

    def tree_requests(self, response: Response, data: list[Any]) -> Iterable[scrapy.Request]:
        query = dict(_query(response.url))
        names = hansard_api.section_names(data)
        self._inc("day/sections", len(names))
        for name in names:
            url = self._api_url(
                hansard_api.vocabulary()["paths"]["section_trees"],
                section=name,
                date=query.get("date", ""),
                house=query.get("house", ""),
            )
            yield scrapy.Request(url, callback=self.parse_page)

    def selected(self, item: TreeItem, ancestors: list[TreeItem]) -> bool:
        """Whether a tree item is business this crawl takes."""
        if self.take_all:
            return True
        assert self.terms is not None, "built by from_crawler"
        return self.terms.matches(item.title, *(a.title for a in ancestors))

    def debate_requests(self, response: Response, data: list[Any]) -> Iterable[scrapy.Request]:
        items = hansard_api.tree_items(data)
        chosen = hansard_api.debates_to_fetch(items, self.selected)
        wanted = {c.id for c in chosen}
        covered = {
            item.id
            for item in items
            if item.id in wanted or _has_ancestor_in(item, wanted, {i.id: i for i in items})
        }
        self._inc("tree/items", len(items))
        if len(covered) < len(items):
            self._inc("tree/skipped", len(items) - len(covered))
        path = hansard_api.vocabulary()["paths"]["debate"]
        by_id = {i.id: i for i in items}
        for item in chosen:
            below = [item, *(i for i in items if _has_ancestor_in(i, {item.id}, by_id))]
            if self.final_in_store(below):
                # The bound volume does not change: what the store holds is final.
                self._inc("debate/final_kept")
                continue
            url = self._api_url(path.format(ext_id=item.ext_id))
            yield scrapy.Request(url, callback=self.parse_page)

    def final_in_store(self, items: list[TreeItem]) -> bool:
        """Whether the store holds these tree items' debates, all in a final version."""
        store = self.store()
        if store is None:
            return False
        stages = []
        for item in items:
            record_id = hansard_id(item.ext_id)
            record = store.get("debates", record_id)
            if record is None and (holder := store.debate_id_for_alias(record_id)):
                record = store.get("debates", holder)
            if record is not None:
                stages.append(record.get("publication_stage"))
        return bool(stages) and all(hansard_api.is_final(stage) for stage in stages)

    # --- debates and their members -----------------------------------------------------

    async def debate_items(self, response: Response, data: dict[str, Any]) -> list[DebateItem]:
        debates = hansard_api.parse_debate(data, url=response.url, fetched_at=fetched_at(response))
        if not debates:
            self._inc("debate/without_speeches")
        for debate in debates:
            self._inc("debate/parsed")
            ids = sorted(
                {
                    s.member_ids[hansard_api.MEMBER_SCHEME]
                    for s in debate.speeches
                    if hansard_api.MEMBER_SCHEME in s.member_ids
                }
            )
            histories = await asyncio.gather(*(self.member(member_id) for member_id in ids))
            members = dict(zip(ids, histories, strict=True))
            for outcome in hansard_api.fill_members(debate, members):
                self._inc(f"member/{outcome}")
            person_ids = await self.person_ids()
            for speech in debate.speeches:
                person = person_ids.get(speech.member_ids.get(hansard_api.MEMBER_SCHEME, ""))
                if person:
                    speech.member_ids[TWFY] = person
                elif hansard_api.MEMBER_SCHEME in speech.member_ids:
                    self._inc("member/no_twfy_id")
        return debates

    def person_ids(self) -> asyncio.Future[dict[str, str]]:
        """MNIS id -> TheyWorkForYou person id, read once per crawl (empty if unavailable)."""
        if self._person_ids is None:
            self._person_ids = asyncio.ensure_future(self._fetch_person_ids())
        return self._person_ids

    async def _fetch_person_ids(self) -> dict[str, str]:
        table = hansard_api.vocabulary()["person_identifiers"]
        # Without the table, speeches keep their MNIS id only.
        request = scrapy.Request(table["url"], dont_filter=True)
        response = await download_aside(self, request, what="Person ids")
        if response is None:
            return {}
        try:
            mapping = parse_person_identifiers(
                response.body.decode("utf-8", "replace"), table["scheme"]
            )
        except ValueError as error:
            page_lost(self.crawler, table["url"], "bad_csv", str(error))
            return {}
        self._inc("person_ids/read", len(mapping))
        return mapping

    def store(self) -> CorpusStore | None:
        """The corpus store, when the crawl writes one (members are kept there)."""
        try:
            return corpus_store(self.crawler)
        except NotConfigured:
            return None

    def member(self, member_id: str) -> asyncio.Future[MemberHistory | None]:
        """The member's history, looked up at most once per crawl."""
        lookup = self._members.get(member_id)
        if lookup is None:
            lookup = asyncio.ensure_future(self._member_history(member_id))
            self._members[member_id] = lookup
        return lookup

    async def _member_history(self, member_id: str) -> MemberHistory | None:
        store = self.store()
        if store is not None:
            stored = store.member_history(hansard_api.MEMBER_SCHEME, member_id)
            if stored is not None:
                self._inc("member/stored")
                return MemberHistory.from_json(member_id, stored)
        path = hansard_api.vocabulary()["paths"]["member_history"]
        url = f"https://{self.members_host()}{path}?{urlencode({'ids': member_id})}"
        request = scrapy.Request(url, dont_filter=True)
        response = await download_aside(
            self, request, what="Member history", error_stat=f"{STATS}/member/error"
        )
        if response is None:
            return None
        try:
            history = hansard_api.parse_member_history(
                hansard_api.load(response.body, expect=list), member_id
            )
        except ResponseError as error:
            page_lost(self.crawler, url, "bad_json", f"member history: {error}")
            return None
        self._inc("member/fetched")
        if history is None:
            self.logger.warning("Members API has no history for member %s", member_id)
            return None
        if store is not None:
            store.put_member_history(
                hansard_api.MEMBER_SCHEME, member_id, history.as_json(), date.today().isoformat()
            )
        return history


def _query(url: str) -> list[tuple[str, str]]:
    return parse_qsl(urlparse(url).query)


def _has_ancestor_in(item: TreeItem, ids: set[int], by_id: dict[int, TreeItem]) -> bool:
    seen: set[int] = set()
    parent = item.parent_id
    while parent is not None and parent not in seen:
        if parent in ids:
            return True
        seen.add(parent)
        parent = by_id[parent].parent_id if parent in by_id else None
    return False
