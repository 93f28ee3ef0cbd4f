"""Link articles to the speeches they quote, in both crawl orders.

Wraps :mod:`crawler.linking`: when an article is stored, its quoted passages
are indexed and matched against the speeches already indexed; when a debate
is stored, its speeches are indexed and every indexed article that may quote
them is linked again. Either order gives the same links. The index lives in
the corpus store (``link_*`` tables), and each record's index entries and links
are written in one transaction with the mark that the record is linked.

Settings: ``LINKING_ENABLED``, ``LINKING_WINDOW_DAYS`` (how many days before an
article a quoted debate may be), declared in ``crawler/settings.py``.
Stats: ``corpus/link/{articles,debates}`` (records linked),
``corpus/link/written``, ``corpus/link/removed``, ``corpus/link/undated_article``,
``corpus/link/invalid`` (links that do not follow ``crawler/schemas/link.schema.json``:
logged as errors and not stored).
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from scrapy.exceptions import NotConfigured

from crawler.corpus.extension import corpus_store
from crawler.corpus.validate import RecordValidator
from crawler.items import ArticleItem, DebateItem, as_dict
from crawler.linking.linker import link_article, link_debate, linkable_article

if TYPE_CHECKING:
    from scrapy.crawler import Crawler
    from scrapy.statscollectors import StatsCollector

    from crawler.corpus.store import CorpusStore

logger = logging.getLogger(__name__)


class LinkingPipeline:
    def __init__(self, store: CorpusStore, stats: StatsCollector, *, window_days: int):
        self.store = store
        self.index = store.link_index()
        self.stats = stats
        self.window_days = window_days
        self.validator = RecordValidator()

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> LinkingPipeline:
        if not crawler.settings.getbool("LINKING_ENABLED"):
            raise NotConfigured("LINKING_ENABLED is off")
        assert crawler.stats is not None
        return cls(
            corpus_store(crawler),
            crawler.stats,
            window_days=crawler.settings.getint("LINKING_WINDOW_DAYS"),
        )

    def process_item(self, item: Any) -> Any:
        if isinstance(item, ArticleItem) and item.id:
            self.link_stored_article(item.id)
        elif isinstance(item, DebateItem):
            self.link_stored_debate(item.id)
        return item

    def link_stored_article(self, article_id: str) -> None:
        """Link the stored article ``article_id`` and mark it linked (one transaction)."""
        record = self.store.get("articles", article_id)
        if record is None:
            return
        if not record.get("published"):
            self.stats.inc_value("corpus/link/undated_article")
        with self.store.transaction():
            links = link_article(linkable_article(record), self.index, window_days=self.window_days)
            self.write(article_id=article_id, links=links)
            self.store.mark_linked("articles", article_id)
        self.stats.inc_value("corpus/link/articles")

    def link_stored_debate(self, debate_id: str) -> None:
        """Link the stored debate ``debate_id`` and mark it linked (one transaction)."""
        record = self.store.get("debates", debate_id)
        if record is None:
            return
        with self.store.transaction():
            links = link_debate(
                record,
                self.index,
                load_article=lambda article_id: linkable_article(
                    self.store.get("articles", article_id)
                ),
                window_days=self.window_days,
            )
            self.write(debate_id=debate_id, links=links)
            self.store.mark_linked("debates", debate_id)
        self.stats.inc_value("corpus/link/debates")

    def write(self, *, links: list[Any], **owner: str) -> None:
        valid = []
        for record in map(as_dict, links):
            problem = self.validator.problem("link", record)
            if problem is None:
                valid.append(record)
                continue
            self.stats.inc_value("corpus/link/invalid")
            logger.error("Link %s not stored: %s", record.get("id"), problem)
        removed, written = self.store.replace_links(links=valid, **owner)
        self.stats.inc_value("corpus/link/removed", removed)
        self.stats.inc_value("corpus/link/written", written)
