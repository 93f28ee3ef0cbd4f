"""Deduplicate records and save them in the corpus store.

:class:`ArticleCorpusPipeline` finds the stored article an incoming copy
belongs to — by canonical URL, then by content fingerprint (the same text at
an unrelated URL) — merges it (see :mod:`crawler.dedup.merge`), marks
near-copies of earlier articles with ``duplicate_of`` and saves the result.
:class:`DebateCorpusPipeline` merges the English and Welsh pages of one debate
and lets a newer revision of a sitting day replace the older one.

A record that did not change is not written again: it is dropped with
:class:`~crawler.drops.UnchangedRecord` (logged at DEBUG, counted in the stats).
A re-fetched copy worse than the stored record (garbled, much shorter, title
or date gone; see :mod:`crawler.pagecheck.quality`) never replaces it: the
stored record is kept, with a WARNING, and counted as ``worse_kept``.
Stats: ``corpus/article/{new,updated,unchanged,url_merged,content_merged,near_copy,worse_kept}``,
``corpus/debate/{new,updated,unchanged,interface_merged,revision_replaced,stale_revision,
worse_kept}``,
``corpus/debate/disagreement/<field>``.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from itemadapter import ItemAdapter

from crawler.corpus.extension import corpus_store
from crawler.dedup import fingerprint
from crawler.dedup.merge import (
    article_id_for,
    article_urls,
    identity_keys,
    merge_article,
    merge_debate,
    revision_family,
    revision_parts,
)
from crawler.drops import StaleRevision, UnchangedRecord, UnusableRecord
from crawler.items import ArticleItem, DebateItem, as_dict
from crawler.pagecheck.quality import article_worse, debate_worse
from crawler.urls import canonical_article_url, url_key

if TYPE_CHECKING:
    from scrapy.crawler import Crawler
    from scrapy.statscollectors import StatsCollector

    from crawler.corpus.store import CorpusStore

logger = logging.getLogger(__name__)


def utc_now() -> str:
    return datetime.now(UTC).replace(microsecond=0).isoformat()


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

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> _CorpusPipeline:
        return cls(crawler)

    def count(self, event: str) -> None:
        self.stats.inc_value(f"corpus/{self.prefix}/{event}")

    def remember_pages(self, record: dict[str, Any], fetched_url: str) -> None:
        """Note that the fetched URL and every URL of the record hold this record."""
        urls = {url_key(fetched_url), *(url_key(url) for url in record["urls"])}
        self.store.remember_pages(
            sorted(urls),
            kind=self.prefix,
            record_id=record["id"],
            content_date=record.get(self.date_field),
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
        incoming["urls"] = article_urls(incoming)

        stored_id = self.store.article_id_for_urls(identity_keys(incoming["urls"]))
        found_by_content = stored_id is None
        if found_by_content:
            stored_id = self.store.article_id_for_hash(incoming["content_hash"])
        stored = self.store.get("articles", stored_id) if stored_id else None

        if stored is not None and found_by_content:
            self.count("content_merged")  # the same text at an unrelated URL
        elif stored is not None and url_key(item.url) != url_key(stored["url"]):
            self.count("url_merged")  # a copy at a variant URL (AMP, tracking…)
        if stored is None:
            incoming["id"] = article_id_for(
                canonical_article_url(incoming.get("canonical_url") or item.url)
            )
        sketch = fingerprint.sketch(item.text)
        record, changed = merge_article(stored, incoming, now=utc_now())
        if changed and self.worse_than_stored(stored, record, item.url, article_worse):
            assert stored is not None
            self.remember_pages(stored, item.url)
            item.id = stored["id"]
            return self.unchanged(item, stored["id"])
        record["duplicate_of"] = self.near_copy_of(record, sketch)
        if stored is not None and record["duplicate_of"] != stored.get("duplicate_of"):
            changed = True
        if not changed:
            self.remember_pages(record, item.url)
            self.update_item(item, record)
            return self.unchanged(item, record["id"])
        self.count("new" if stored is None else "updated")
        self.store.put_article(
            record,
            keys=identity_keys(record["urls"]),
            sketch=sketch,
        )
        self.remember_pages(record, item.url)
        self.update_item(item, record)
        return item

    def near_copy_of(self, record: dict[str, Any], sketch: tuple[int, ...]) -> str | None:
        """The earliest stored article this one is a near-copy of, if it is the later one."""
        best: tuple[str, str] | None = None
        for other_id, other_sketch, other_published in self.store.near_copy_candidates(
            sketch, exclude=record["id"]
        ):
            score = fingerprint.similarity(sketch, other_sketch)
            if score < self.near_copy_threshold:
                continue
            # The earlier publication is the original; ties go to the smaller id.
            key = (other_published or "", other_id)
            mine = (record.get("published") or "", record["id"])
            if key < mine and (best is None or key < best):
                best = key
        if best is not None:
            self.count("near_copy")
            logger.info("Article %s is a near-copy of %s", record["id"], best[1])
        return best[1] if best else None

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
        raw_date = incoming.get("date_raw")
        incoming["date_raw"] = {item.interface: raw_date} if raw_date else {}
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
        record, changed, disagreements = merge_debate(stored, incoming, now=utc_now())
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
