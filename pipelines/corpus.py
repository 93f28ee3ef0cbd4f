"""Store merged, normalised records in the corpus store.

The third of the corpus stages (merge -> normalise -> store -> link): the item
arriving here is the merged record (:mod:`pipelines.merge`) with its values
normalised (:mod:`pipelines.dates`, :mod:`pipelines.parties`). The store stage
reads the stored record by id (the store keeps the one the merge stage read, so
the database is read once per item) and compares the two: ``last_changed`` moves
only when the content did (:func:`~crawler.dedup.merge.settle_change`), and a
record that did not change is not written again: it is dropped with
:class:`~crawler.drops.UnchangedRecord` (logged at DEBUG, counted in the stats),
unless its links were never written (counted ``unlinked``, passed on).

A record that does not follow its schema in ``crawler/schemas/`` is not stored (the
stored version, if any, stays): it is dropped as
:class:`~crawler.drops.UnusableRecord`, which fails the crawl.

:class:`ArticleCorpusPipeline` marks near-copies with ``duplicate_of`` and saves
the article. Which of two near-copies is the original follows from the records,
not from the order pages were fetched in
(:func:`~crawler.dedup.merge.original_order`): when a copy arrives that was
published before a stored one, the stored one is marked anew.
:class:`DebateCorpusPipeline` saves the debate; a newer revision of a sitting
day replaces the older ones (their links are removed, their ids kept as aliases).

Stats: ``corpus/article/{new,updated,unchanged,unlinked,near_copy,near_copy_remarked,
invalid}``, ``corpus/debate/{new,updated,unchanged,unlinked,revision_replaced,invalid}``;
the merge stage counts the rest under the same prefixes.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from itemadapter import ItemAdapter

from crawler.corpus.extension import corpus_store
from crawler.corpus.validate import RecordValidator
from crawler.dedup import fingerprint
from crawler.dedup.merge import (
    ARTICLE_CRAWL_FIELDS,
    DEBATE_CRAWL_FIELDS,
    original_order,
    revision_family,
    settle_change,
)
from crawler.dedup.sources import superseded_ids
from crawler.drops import UnchangedRecord, UnusableRecord
from crawler.items import ArticleItem, DebateItem, as_dict
from crawler.urls import article_identities, page_key

if TYPE_CHECKING:
    from scrapy.crawler import Crawler
    from scrapy.statscollectors import StatsCollector

    from crawler.corpus.store import CorpusStore

logger = logging.getLogger(__name__)


def utc_now() -> str:
    return datetime.now(UTC).replace(microsecond=0).isoformat()


def seen_at(source: dict[str, Any] | None) -> str:
    """When the corpus saw a page: the capture time of its WARC record, else now.

    A crawl replayed from WARC files thereby gives ``first_seen`` and
    ``last_changed`` the times of the original crawl, and the same records.
    """
    if source and source.get("fetched_at"):
        return source["fetched_at"]
    return utc_now()


class CorpusStage:
    """What the merge and store stages share: the store, counting, page memory, checks."""

    prefix = ""
    table = ""
    date_field = ""

    def __init__(self, crawler: Crawler):
        self.store: CorpusStore = corpus_store(crawler)
        self.stats: StatsCollector = crawler.stats
        # An unchanged record still goes on to the linking pipeline when its
        # links were never written (a crawl killed between the two steps).
        self.linking = crawler.settings.getbool("LINKING_ENABLED")
        self.validator = RecordValidator()

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> CorpusStage:
        return cls(crawler)

    def count(self, event: str) -> None:
        self.stats.inc_value(f"corpus/{self.prefix}/{event}")

    def remember_pages(self, record: dict[str, Any], fetched_url: str) -> None:
        """Note that the fetched URL and every URL of the record hold this record."""
        urls = {page_key(fetched_url), *(page_key(url) for url in record["urls"])}
        self.store.remember_pages(
            sorted(urls),
            kind=self.prefix,
            record_id=record["id"],
            content_date=record.get(self.date_field),
        )

    def refuse_invalid(self, record: dict[str, Any]) -> None:
        """Drop a record that breaks the snapshot's schema contract, before it is stored."""
        problem = self.validator.problem(self.prefix, record)
        if problem is None:
            return
        self.count("invalid")
        raise UnusableRecord(
            f"{self.prefix} {record.get('id')} does not follow "
            f"crawler/schemas/{self.prefix}.schema.json and was not stored: {problem}"
        )

    def worse_than_stored(
        self,
        stored: dict[str, Any] | None,
        copy: dict[str, Any],
        fetched_url: str,
        reasons_of: Callable[[dict[str, Any], dict[str, Any]], list[str]],
    ) -> bool:
        """Whether a re-fetched copy would make the stored record worse (it is then kept)."""
        if stored is None:
            return False
        reasons = reasons_of(stored, copy)
        if not reasons:
            return False
        self.count("worse_kept")
        logger.warning(
            "Kept the stored %s %s: the copy fetched from %s is worse (%s)",
            self.prefix,
            stored["id"],
            fetched_url,
            "; ".join(reasons),
        )
        return True

    def unchanged(self, item: Any, record_id: str) -> Any:
        """Drop an unchanged record, unless it still waits for its links."""
        if self.linking and not self.store.is_linked(self.table, record_id):
            self.count("unlinked")
            return item
        self.count("unchanged")
        raise UnchangedRecord(f"{self.prefix} {record_id} unchanged")


class ArticleCorpusPipeline(CorpusStage):
    """Stores a merged, normalised article record.

    Settings: ``DEDUP_NEAR_COPY_THRESHOLD`` (estimated Jaccard similarity at which
    two articles are near-copies).
    """

    prefix = "article"
    table = "articles"
    date_field = "published"

    def __init__(self, crawler: Crawler):
        super().__init__(crawler)
        self.near_copy_threshold = crawler.settings.getfloat("DEDUP_NEAR_COPY_THRESHOLD")
        if self.near_copy_threshold < fingerprint.LOWEST_THRESHOLD:
            # The store indexes only enough of each sketch to find copies this similar.
            raise ValueError(
                f"DEDUP_NEAR_COPY_THRESHOLD {self.near_copy_threshold} is below"
                f" {fingerprint.LOWEST_THRESHOLD}, the lowest the corpus store's index serves"
            )

    def process_item(self, item: Any) -> Any:
        if not isinstance(item, ArticleItem):
            return item
        record = as_dict(item)
        stored = self.store.get("articles", item.id)
        sketch = fingerprint.sketch(item.text)
        now = seen_at(record.get("source"))
        changed = settle_change(stored, record, now=now, crawl_fields=ARTICLE_CRAWL_FIELDS)
        record["duplicate_of"], copies = self.near_copies(record, sketch)
        if stored is not None and record["duplicate_of"] != stored.get("duplicate_of"):
            changed = True
        if not changed:
            # A crawl killed before its copies were marked finishes the job here.
            self.remark_copies(record, copies, now)
            self.remember_pages(record, item.url)
            self.update_item(item, record)
            return self.unchanged(item, record["id"])
        self.refuse_invalid(record)
        self.count("new" if stored is None else "updated")
        with self.store.transaction():
            self.store.put_article(
                record,
                identities=article_identities(record["urls"]),
                sketch=sketch,
            )
            self.remark_copies(record, copies, now)
        self.remember_pages(record, item.url)
        self.update_item(item, record)
        return item

    def near_copies(
        self, record: dict[str, Any], sketch: tuple[int, ...]
    ) -> tuple[str | None, list[tuple[str, tuple[int, ...]]]]:
        """The original this article is a near-copy of (``None`` if it is the earliest),
        and the stored near-copies published after it, with their sketches."""
        mine = original_order(record.get("published"), record["id"])
        original: tuple[int, str, str] | None = None
        later: list[tuple[str, tuple[int, ...]]] = []
        for other_id, other_sketch, other_published in self.store.near_copy_candidates(
            sketch, exclude=record["id"]
        ):
            if fingerprint.similarity(sketch, other_sketch) < self.near_copy_threshold:
                continue
            key = original_order(other_published, other_id)
            if key > mine:
                later.append((other_id, other_sketch))
            elif original is None or key < original:
                original = key
        if original is not None:
            self.count("near_copy")
            logger.info("Article %s is a near-copy of %s", record["id"], original[2])
        return (original[2] if original else None), later

    def remark_copies(
        self, original: dict[str, Any], copies: list[tuple[str, tuple[int, ...]]], now: str
    ) -> None:
        """Point stored near-copies published after ``original`` at it, unless each
        already points at an article published earlier still."""
        mine = original_order(original.get("published"), original["id"])
        for copy_id, copy_sketch in copies:
            copy = self.store.get("articles", copy_id)
            if copy is None:
                continue
            current = copy.get("duplicate_of")
            current_record = self.store.get("articles", current) if current else None
            if current_record is not None and (
                original_order(current_record.get("published"), current) <= mine
            ):
                continue
            copy["duplicate_of"] = original["id"]
            copy["last_changed"] = now
            self.store.put_article(
                copy, identities=article_identities(copy["urls"]), sketch=copy_sketch
            )
            self.count("near_copy_remarked")
            logger.info(
                "Article %s is a near-copy of %s, published earlier", copy_id, original["id"]
            )

    @staticmethod
    def update_item(item: ArticleItem, record: dict[str, Any]) -> None:
        adapter = ItemAdapter(item)
        for key in ("id", "urls", "content_hash", "duplicate_of", "first_seen", "last_changed"):
            adapter[key] = record.get(key)


class DebateCorpusPipeline(CorpusStage):
    """Stores a merged, normalised debate record; a new revision replaces the older ones."""

    prefix = "debate"
    table = "debates"
    date_field = "date"

    def process_item(self, item: Any) -> Any:
        if not isinstance(item, DebateItem):
            return item
        record = as_dict(item)
        family = revision_family(record)
        stored = self.store.get("debates", item.id)
        # The merge stage decided which older revisions this one replaces
        # (``previous_ids``); those still stored go now.
        previous = set(record.get("previous_ids") or [])
        replaces = (
            [old for old in self.store.debates_in_family(family) if old["id"] in previous]
            if stored is None
            else []
        )
        # A record keyed by its official Hansard id that this one now holds (sources.py).
        replaces += [
            old for old_id in superseded_ids(record) if (old := self.store.get("debates", old_id))
        ]
        changed = settle_change(
            stored,
            record,
            now=latest_capture(record.get("source")),
            crawl_fields=DEBATE_CRAWL_FIELDS,
            compared=("urls", "interfaces"),
        )
        if not changed:
            assert stored is not None
            self.remember_pages(stored, item.url)
            return self.unchanged(item, stored["id"])
        self.refuse_invalid(record)
        if replaces:
            self.count("revision_replaced")
            for old in replaces:
                self.store.replace_links(debate_id=old["id"], links=[])
        self.count("new" if stored is None else "updated")
        self.store.put_debate(record, family=family, replaces=[old["id"] for old in replaces])
        self.remember_pages(record, item.url)
        item.first_seen = record["first_seen"]
        item.last_changed = record["last_changed"]
        return item


def latest_capture(sources: dict[str, Any] | None) -> str:
    """When the corpus saw the newest of a debate's pages (one source per interface)."""
    return seen_at(max((sources or {}).values(), key=seen_at, default=None))
