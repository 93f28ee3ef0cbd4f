"""The defence_news spider end to end, replaying sample_pages/ through Scrapy's engine."""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from functools import cache
from pathlib import Path

from tests.pages.conftest import (
    FN_ARMY_URL,
    FN_SYNDICATED_URL,
    INDUSTRY_URL,
    NO_BYLINE_URL,
    PARAPHRASE_URL,
    SAMPLE_PAGES,
    SEED_AMP_URL,
    SEED_URL,
    UPDATED_URL,
)

ROOT = SAMPLE_PAGES.parent


@cache
def crawl(*arguments: str) -> tuple[dict, ...]:
    """Items of one replayed crawl; storage and pipelines are off, only the spider runs."""
    with tempfile.TemporaryDirectory() as folder:
        return _crawl(Path(folder) / "items.jsonl", arguments)


def _crawl(out: Path, arguments: tuple[str, ...]) -> tuple[dict, ...]:
    command = [
        sys.executable, "-m", "scrapy", "crawl", "defence_news",
        "-s", f"REPLAY_DIR={SAMPLE_PAGES}",
        "-s", "ITEM_PIPELINES={}",
        "-s", "EXTENSIONS={}",
        "-s", "LOG_LEVEL=WARNING",
        "-O", str(out),
        *arguments,
    ]  # fmt: skip
    result = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=300)
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
