"""Deduplicate records and save them in the corpus store.

:class:`ArticleCorpusPipeline` finds the stored article an incoming copy
belongs to — by canonical URL, then by content fingerprint (the same text at
an unrelated URL) — merges it (see :mod:`crawler.dedup.merge`), marks
near-copies with ``duplicate_of`` and saves the result. Which of two near-copies
is the original follows from the records, not from the order pages were
fetched in (:func:`~crawler.dedup.merge.original_order`): when a copy arrives
that was published before a stored one, the stored one is marked anew.
:class:`DebateCorpusPipeline` merges the English and Welsh pages of one debate
and lets a newer revision of a sitting day replace the older one.

A record that did not change is not written again: it is dropped with
:class:`~crawler.drops.UnchangedRecord` (logged at DEBUG, counted in the stats).
A record that does not follow its schema in ``crawler/schemas/`` is not stored (the
stored version, if any, stays): it is dropped as
:class:`~crawler.drops.UnusableRecord`, which fails the crawl.
A re-fetched copy worse than the stored record (garbled, much shorter, title
or date gone; see :mod:`crawler.pagecheck.quality`) never replaces it: the
stored record is kept, with a WARNING, and counted as ``worse_kept``.
Stats: ``corpus/article/{new,updated,unchanged,url_merged,content_merged,near_copy,
near_copy_remarked,invalid,worse_kept}``,
``corpus/debate/{new,updated,unchanged,interface_merged,revision_replaced,stale_revision,
invalid,worse_kept}``,
``corpus/debate/disagreement/<field>``.
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
    merge_article,
    merge_debate,
    original_order,
    revision_family,
    revision_parts,
)
from crawler.drops import StaleRevision, UnchangedRecord, UnusableRecord
from crawler.items import ArticleItem, DebateItem, as_dict
from crawler.pagecheck.quality import article_worse, debate_worse
from crawler.urls import (
    article_id_of,
    article_identities,
    article_identity,
    article_seen_urls,
    page_key,
)

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


class _CorpusPipeline:
    prefix = ""
    table = ""
    date_field = ""

    def __init__(self, crawler: Crawler):
        self.store: CorpusStore = corpus_store(crawler)
        self.stats: StatsCollector = crawler.stats
        # An unchanged record still goes on to the linking pipeline when its
        # links were never written (a crawl killed between the two steps).
        self.linking = crawler.settings.getbool("LINKING_ENABLED", True)
        self.validator = RecordValidator()

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> _CorpusPipeline:
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


class ArticleCorpusPipeline(_CorpusPipeline):
    """Settings: ``DEDUP_NEAR_COPY_THRESHOLD`` (estimated Jaccard, default 0.5)."""

    prefix = "article"
    table = "articles"
    date_field = "published"

    def __init__(self, crawler: Crawler):
        super().__init__(crawler)
        self.near_copy_threshold = crawler.settings.getfloat("DEDUP_NEAR_COPY_THRESHOLD", 0.5)

    def process_item(self, item: Any) -> Any:
        if not isinstance(item, ArticleItem):
            return item
        if not item.text.strip():
            self.count("unusable")
            raise UnusableRecord(f"article without body text at {item.url}")
        incoming = as_dict(item)
        incoming["content_hash"] = fingerprint.content_hash(item.text)
        incoming["urls"] = article_seen_urls(incoming)

        stored_id = self.store.article_id_for_identities(article_identities(incoming["urls"]))
        found_by_content = stored_id is None
        if found_by_content:
            stored_id = self.store.article_id_for_hash(incoming["content_hash"])
        stored = self.store.get("articles", stored_id) if stored_id else None

        if stored is not None and found_by_content:
            self.count("content_merged")  # the same text at an unrelated URL
        elif stored is not None and page_key(item.url) != page_key(stored["url"]):
            self.count("url_merged")  # a copy at a variant URL (AMP, tracking…)
        if stored is None:
            incoming["id"] = article_id_of(
                article_identity(incoming.get("canonical_url") or item.url)
            )
        sketch = fingerprint.sketch(item.text)
        now = seen_at(incoming.get("source"))
        record, changed = merge_article(stored, incoming, now=now)
        if changed and self.worse_than_stored(stored, record, item.url, article_worse):
            assert stored is not None
            self.remember_pages(stored, item.url)
            item.id = stored["id"]
            return self.unchanged(item, stored["id"])
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


class DebateCorpusPipeline(_CorpusPipeline):
    prefix = "debate"
    table = "debates"
    date_field = "date"

    def process_item(self, item: Any) -> Any:
        if not isinstance(item, DebateItem):
            return item
        incoming = as_dict(item)
        incoming["source"] = {item.interface: item.source} if item.source else None
        family = revision_family(incoming)
        stored = self.store.get("debates", item.id)
        replaces: list[dict[str, Any]] = []
        if stored is None:
            alias = self.store.debate_id_for_alias(item.id)
            if alias is not None:
                self.count("stale_revision")
                raise StaleRevision(f"debate {item.id} was replaced by revision {alias}")
            replaces = self.older_revisions(incoming, family)
        if replaces:
            incoming["previous_ids"] = sorted(
                {old["id"] for old in replaces}
                | {pid for old in replaces for pid in old.get("previous_ids", [])}
            )
            carry_speech_aliases(incoming, replaces)
        now = seen_at(item.source)
        record, changed, disagreements = merge_debate(stored, incoming, now=now)
        if changed and self.worse_than_stored(stored, incoming, item.url, debate_worse):
            assert stored is not None
            self.remember_pages(stored, item.url)
            return self.unchanged(item, stored["id"])
        for field in disagreements:
            self.count(f"disagreement/{field}")
        if stored is not None and item.interface not in stored.get("interfaces", []):
            self.count("interface_merged")
        if not changed:
            self.remember_pages(record, item.url)
            return self.unchanged(item, record["id"])
        self.refuse_invalid(record)
        if replaces:
            self.count("revision_replaced")
            for old in replaces:
                self.store.replace_links(debate_id=old["id"], links=[])
        self.count("new" if stored is None else "updated")
        self.store.put_debate(record, family=family, replaces=[old["id"] for old in replaces])
        self.remember_pages(record, item.url)
        item.urls = record["urls"]
        item.interfaces = record["interfaces"]
        item.previous_ids = record.get("previous_ids", [])
        item.first_seen = record["first_seen"]
        item.last_changed = record["last_changed"]
        return item

    def older_revisions(self, incoming: dict[str, Any], family: str) -> list[dict[str, Any]]:
        """Stored revisions of this section older than ``incoming``; raises if it is stale."""
        parts = revision_parts(incoming["id"])
        if parts is None:
            return []
        older = []
        for other in self.store.debates_in_family(family):
            other_parts = revision_parts(other["id"])
            if other_parts is None or other["id"] == incoming["id"]:
                continue
            if other_parts[1] > parts[1]:
                self.count("stale_revision")
                raise StaleRevision(f"debate {incoming['id']} is older than stored {other['id']}")
            older.append(other)
        return older


def carry_speech_aliases(incoming: dict[str, Any], replaced: list[dict[str, Any]]) -> None:
    """Give each speech of a new revision the gids it had in the revisions it replaces."""
    old_ids = {speech["id"] for old in replaced for speech in old.get("speeches", [])}
    new_parts = revision_parts(incoming["id"])
    if new_parts is None:
        return
    for speech in incoming.get("speeches", []):
        parts = revision_parts(speech["id"])
        if parts is None:
            continue
        previous = sorted(
            old
            for old in old_ids
            if (old_parts := revision_parts(old))
            and old_parts[0] == parts[0]
            and old_parts[2] == parts[2]
            and old_parts[1] < parts[1]
        )
        if previous:
            speech["previous_ids"] = previous
