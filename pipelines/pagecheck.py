"""Flag records whose text holds U+FFFD replacement characters (undecodable bytes).

The record is kept, with ``text:replacement-characters`` in its ``flags`` (and
in each damaged speech's), and counted under
``corpus/{article,debate}/replacement_characters``. Runs before normalisation,
on the record as parsed.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from crawler.items import ArticleItem, DebateItem
from crawler.pagecheck.quality import REPLACEMENT_FLAG, article_damage, replacements

if TYPE_CHECKING:
    from scrapy.crawler import Crawler
    from scrapy.statscollectors import StatsCollector


def _flag(flags: list[str]) -> None:
    if REPLACEMENT_FLAG not in flags:
        flags.append(REPLACEMENT_FLAG)


class ReplacementCharacterPipeline:
    def __init__(self, stats: StatsCollector):
        self.stats = stats

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ReplacementCharacterPipeline:
        return cls(crawler.stats)

    def process_item(self, item: Any) -> Any:
        if isinstance(item, ArticleItem):
            if article_damage(item.title, item.text, item.comments):
                _flag(item.flags)
                self.stats.inc_value("corpus/article/replacement_characters")
        elif isinstance(item, DebateItem):
            damaged = [
                speech
                for speech in item.speeches
                if replacements(speech.text) or replacements(speech.speaker_name)
            ]
            for speech in damaged:
                _flag(speech.flags)
            if damaged or replacements(item.title):
                _flag(item.flags)
                self.stats.inc_value("corpus/debate/replacement_characters")
        return item
