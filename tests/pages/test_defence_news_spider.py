"""The defence_news spider end to end, replaying sample_pages/ through Scrapy's engine."""

from __future__ import annotations

import json
import tempfile
from functools import cache
from pathlib import Path

from tests.pages.conftest import (
    FN_ARMY_URL,
    FN_SYNDICATED_URL,
    INDUSTRY_URL,
    NO_BYLINE_URL,
    PARAPHRASE_URL,
    SEED_AMP_URL,
    SEED_URL,
    UPDATED_URL,
)
from tests.support.crawl import crawl_in_process


@cache
def crawl(*arguments: str) -> tuple[dict, ...]:
    """Items of one replayed crawl; storage and pipelines are off, only the spider runs."""
    with tempfile.TemporaryDirectory() as folder:
        return _crawl(Path(folder), arguments)


def _crawl(folder: Path, arguments: tuple[str, ...]) -> tuple[dict, ...]:
    """``arguments`` as on the command line (``-a name=value``, ``-s NAME=value``)."""
    out = folder / "items.jsonl"
    options: dict[str, dict[str, str]] = {"-a": {}, "-s": {}}
    for flag, option in zip(arguments[::2], arguments[1::2], strict=True):
        name, _, value = option.partition("=")
        options[flag][name] = value
    result = crawl_in_process(
        "defence_news",
        folder / "corpus",
        args=options["-a"],
        settings={
            "ITEM_PIPELINES": "{}",
            "EXTENSIONS": "{}",
            "LOG_LEVEL": "WARNING",
            # -O items.jsonl
            "FEEDS": json.dumps({str(out): {"format": "jsonlines", "overwrite": True}}),
            **options["-s"],
        },
    )
    assert out.exists(), result.stderr[-3000:]
    return tuple(json.loads(line) for line in out.read_text(encoding="utf-8").splitlines())


WINDOW = ("-a", "since=2025-02-10", "-a", "until=2025-02-12")


def test_discovery_finds_every_article_of_the_window_once():
    urls = sorted(item["url"] for item in crawl(*WINDOW))
    assert urls == sorted(
        [SEED_URL, UPDATED_URL, INDUSTRY_URL, PARAPHRASE_URL, FN_SYNDICATED_URL, FN_ARMY_URL]
    )


def test_articles_before_since_are_not_fetched():
    assert NO_BYLINE_URL not in {item["url"] for item in crawl(*WINDOW)}


def test_narrow_window_keeps_only_that_day():
    urls = {item["url"] for item in crawl("-a", "since=2025-02-11", "-a", "until=2025-02-11")}
    assert urls == {SEED_URL, FN_ARMY_URL}


def test_comments_are_collected_by_default():
    seed = next(item for item in crawl(*WINDOW) if item["url"] == SEED_URL)
    assert len(seed["comments"]) == 12


def test_comment_collection_can_be_switched_off():
    items = crawl(*WINDOW, "-s", "NEWS_COMMENTS_ENABLED=False")
    assert len(items) == 6
    assert all(item["comments"] == [] for item in items)


def test_requested_urls_are_routed_by_page_kind():
    items = crawl("-a", f"urls={SEED_AMP_URL}")
    assert [(item["url"], item["canonical_url"]) for item in items] == [(SEED_AMP_URL, SEED_URL)]
