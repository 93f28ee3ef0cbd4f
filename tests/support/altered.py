"""A deliberate change to what the crawler extracts, for re-extraction tests.

Stands in for an improved extractor: given with ``-s ITEM_PIPELINES=``, it
writes the titles of articles about minehunters in capitals. Nothing else
changes, so exactly those records must be reported as changed.
"""

from __future__ import annotations

from typing import Any

from crawler.items import ArticleItem

WORD = "minehunt"


def is_altered(title: str | None) -> bool:
    return bool(title) and WORD in title.lower()


class CapitalTitlePipeline:
    def process_item(self, item: Any) -> Any:
        if isinstance(item, ArticleItem) and is_altered(item.title):
            item.title = item.title.upper()
        return item
