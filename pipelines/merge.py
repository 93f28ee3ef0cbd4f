"""Merge each incoming copy with the stored record, before anything is normalised.

The first of the corpus stages (merge -> normalise -> store -> link): the item
leaving here is the merged record, raw values of every copy seen combined, so
that the normalisers decide each value once, on the whole record, and the store
stage (:mod:`pipelines.corpus`) compares the result with the stored record.

:class:`ArticleMergePipeline` finds the stored article an incoming copy
belongs to — by canonical URL, then by content fingerprint (the same text at
an unrelated URL) — and merges it (see :func:`crawler.dedup.merge.merge_article`):
a copy at a variant URL adds its URL. An article without body text is dropped
as :class:`~crawler.drops.UnusableRecord`.

:class:`DebateMergePipeline` merges the English and Welsh pages of one debate
(:func:`crawler.dedup.merge.merge_debate`): both interfaces' ``date_raw``,
speeches by gid with ``party_raw`` per interface. A newer revision of a sitting
day takes over the older revisions' ids (``previous_ids``, speech aliases); a
page of a revision older than the stored one is dropped as
:class:`~crawler.drops.StaleRevision`. Where the two pages disagree on a raw
value no normaliser decides (speaker name, person id, text, kind…), the
preferred interface's page wins and the field is counted.

Both refuse a re-fetched copy worse than the stored record (garbled, much
shorter, title or date gone; see :mod:`crawler.pagecheck.quality`): the stored
record goes on in its place, with a WARNING, counted as ``worse_kept``. A debate
page is judged before it merges, so a damaged page adds nothing to the other
interface's values; an article copy is judged as merged, so metadata it lacks
but the stored record has (an AMP page without a date) is carried, not lost.

A debate from the official Hansard's API and one from TheyWorkForYou that are the
same debate become one record (:mod:`crawler.dedup.sources`: the record id rule,
pairing of speeches, disagreements counted as ``disagreement/<field>``), and a
re-fetched Hansard version supersedes the stored one (``stale_revision`` when older).

Settings: ``NORMALISE_PREFERRED_INTERFACE`` (the interface whose page wins).

Stats: ``corpus/article/{url_merged,content_merged,unusable,worse_kept}``,
``corpus/debate/{interface_merged,source_merged,stale_revision,worse_kept}``,
``corpus/debate/disagreement/<field>``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from crawler.dedup import fingerprint, sources
from crawler.dedup.merge import (
    merge_article,
    merge_debate,
    revision_family,
)
from crawler.dedup.sources import SourceJoiner
from crawler.drops import StaleRevision, UnusableRecord
from crawler.gid import Gid
from crawler.items import ArticleItem, DebateItem, as_dict, refill
from crawler.pagecheck.quality import article_worse, debate_worse
from crawler.urls import (
    article_id_of,
    article_identities,
    article_identity,
    article_seen_urls,
    page_key,
)
from pipelines.corpus import CorpusStage

if TYPE_CHECKING:
    from scrapy.crawler import Crawler


class ArticleMergePipeline(CorpusStage):
    """Makes an incoming article copy the merged article record."""

    prefix = "article"
    table = "articles"
    date_field = "published"

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

        if stored is None:
            incoming["id"] = article_id_of(
                article_identity(incoming.get("canonical_url") or item.url)
            )
            refill(item, incoming)
            return item
        if found_by_content:
            self.count("content_merged")  # the same text at an unrelated URL
        elif page_key(item.url) != page_key(stored["url"]):
            self.count("url_merged")  # a copy at a variant URL (AMP, tracking…)
        record = merge_article(stored, incoming)
        if self.worse_than_stored(stored, record, item.url, article_worse):
            self.remember_pages(stored, item.url)
            record = stored
        elif page_key(record["url"]) != page_key(item.url):
            # The stored copy's content stays and the item takes its URL: the page
            # fetched here still holds this article, for conditional re-fetching.
            self.remember_pages(stored, item.url)
        refill(item, record)
        return item


class DebateMergePipeline(CorpusStage):
    """Makes an incoming debate page the merged, bilingual debate record."""

    prefix = "debate"
    table = "debates"
    date_field = "date"

    def __init__(self, crawler: Crawler):
        super().__init__(crawler)
        self.preferred = crawler.settings.get("NORMALISE_PREFERRED_INTERFACE")
        self.sources = SourceJoiner(self.store, self.count, preferred=self.preferred)

    def process_item(self, item: Any) -> Any:
        if not isinstance(item, DebateItem):
            return item
        incoming = as_dict(item)
        incoming["source"] = {item.interface: item.source} if item.source else None
        stored = self.store.get("debates", item.id)
        if sources.is_hansard_record(incoming):  # one debate across sources, and versions
            joined, stored = self.sources.hansard(incoming, stored)
            if joined is not None:
                refill(item, joined)
                return item
        if stored is None:
            alias = self.store.debate_id_for_alias(item.id)
            if alias is not None:
                self.count("stale_revision")
                raise StaleRevision(f"debate {item.id} was replaced by revision {alias}")
            replaces = self.older_revisions(incoming)
            if replaces:
                incoming["previous_ids"] = sorted(
                    {old["id"] for old in replaces}
                    | {pid for old in replaces for pid in old.get("previous_ids", [])}
                )
                carry_speech_aliases(incoming, replaces)
        elif self.worse_than_stored(stored, incoming, item.url, debate_worse):
            self.remember_pages(stored, item.url)
            refill(item, stored)
            return item
        record, disagreements = merge_debate(stored, incoming, preferred=self.preferred)
        for field in disagreements:
            self.count(f"disagreement/{field}")
        if stored is not None and item.interface not in stored.get("interfaces", []):
            self.count("interface_merged")
        if sources.is_twfy_record(record):
            record = self.sources.twfy(record)
        refill(item, record)
        return item

    def older_revisions(self, incoming: dict[str, Any]) -> list[dict[str, Any]]:
        """Stored revisions of this section older than ``incoming``; raises if it is stale."""
        gid = Gid.parse(incoming["id"])
        if gid is None or not gid.revision:
            return []
        older = []
        for other in self.store.debates_in_family(revision_family(incoming)):
            other_gid = Gid.parse(other["id"])
            if other_gid is None or other["id"] == incoming["id"]:
                continue
            if other_gid.revision > gid.revision:
                self.count("stale_revision")
                raise StaleRevision(f"debate {incoming['id']} is older than stored {other['id']}")
            older.append(other)
        return older


def carry_speech_aliases(incoming: dict[str, Any], replaced: list[dict[str, Any]]) -> None:
    """Give each speech of a new revision the gids it had in the revisions it replaces."""
    old_gids = [
        gid
        for old in replaced
        for speech in old.get("speeches", [])
        if (gid := Gid.parse(speech["id"])) is not None and gid.revision
    ]
    if not (new := Gid.parse(incoming["id"])) or not new.revision:
        return
    for speech in incoming.get("speeches", []):
        gid = Gid.parse(speech["id"])
        if gid is None or not gid.revision:
            continue
        previous = sorted(
            {
                str(old)
                for old in old_gids
                if old.family == gid.family and old.revision < gid.revision
            }
        )
        if previous:
            speech["previous_ids"] = previous
