"""Which of two syndicated copies is the original follows from the records, not from
the order the pages were fetched in."""

from __future__ import annotations

from pathlib import Path

import pytest

from crawler.dedup.merge import original_order
from tests.support.corpus import without_run_time_fields
from tests.support.crawl import CrawlResult, crawl_in_process

ORIGINAL_URL = (
    "https://ukdefencejournal.org.uk/autonomous-minehunting-boat-completes-sea-trials-off-scotland/"
)
ORIGINAL_ID = ORIGINAL_URL.removeprefix("https://").rstrip("/")
COPY_URL = "https://www.forcesnews.com/services/navy/uncrewed-minehunter-finishes-clyde-trials"
COPY_ID = "forcesnews.com/services/navy/uncrewed-minehunter-finishes-clyde-trials"
# When the corpus saw a record, not what the record says.
# `source` names this crawl's own WARC capture of the page.


def crawl_in_order(corpus: Path, urls: list[str]) -> list[CrawlResult]:
    """One crawl per URL, in the order given: the fetch order is certain."""
    results = [crawl_in_process("defence_news", corpus, args={"urls": url}) for url in urls]
    for result in results:
        assert result.returncode == 0, result.stderr[-3000:]
    return results


def test_two_crawls_in_opposite_orders_give_the_same_corpus(tmp_path: Path) -> None:
    original_first = crawl_in_order(tmp_path / "original-first", [ORIGINAL_URL, COPY_URL])
    copy_first = crawl_in_order(tmp_path / "copy-first", [COPY_URL, ORIGINAL_URL])

    for name in ("articles", "links"):
        assert without_run_time_fields(original_first[-1].read(name)) == without_run_time_fields(
            copy_first[-1].read(name)
        )
    articles = {record["id"]: record for record in copy_first[-1].read("articles")}
    assert articles[COPY_ID]["duplicate_of"] == ORIGINAL_ID
    assert articles[ORIGINAL_ID]["duplicate_of"] is None
    # Fetched second, the original put the stored copy right.
    assert copy_first[-1].stats["corpus/article/near_copy_remarked"] == 1
    assert "corpus/article/near_copy_remarked" not in original_first[-1].stats


@pytest.mark.parametrize(
    ("earlier", "later"),
    [
        # Offsets count: 09:30 at +01:00 is 08:30 UTC, before 09:00 UTC.
        (("2025-06-12T09:30:00+01:00", "b"), ("2025-06-12T09:00:00+00:00", "a")),
        # The same instant: the smaller id is the original.
        (("2025-02-12T09:30:00+00:00", "a"), ("2025-02-12T09:30:00+00:00", "b")),
        # A day without a time counts from the start of that day.
        (("2025-02-12", "b"), ("2025-02-12T09:30:00+00:00", "a")),
        # Month precision counts from the first of the month.
        (("2025-02", "b"), ("2025-02-03T00:00:00+00:00", "a")),
        # An undated copy cannot show it came first.
        (("2025-02-12T09:30:00+00:00", "b"), (None, "a")),
    ],
)
def test_original_order_puts_the_earlier_publication_first(earlier, later) -> None:
    assert original_order(*earlier) < original_order(*later)
