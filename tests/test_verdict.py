"""The exit verdict of a crawl, from its stats."""

from __future__ import annotations

import pytest

from crawler.verdict import crawl_failure

FINE = {"finish_reason": "finished", "response_received_count": 10, "item_scraped_count": 4}


def test_a_clean_crawl_has_no_failure() -> None:
    assert crawl_failure(FINE) is None


@pytest.mark.parametrize(
    ("extra", "reason"),
    [
        ({"log_count/ERROR": 2}, "2 error(s) logged"),
        ({"item_dropped_reasons_count/UnusableRecord": 1}, "1 item(s) dropped as unusable"),
        ({"item_scraped_count": 0}, "10 page(s) fetched but no record produced"),
        ({"finish_reason": "shutdown"}, "finish reason: shutdown"),
        (
            {"corpus/store/commit_failed": "database is locked"},
            "the last batch was not committed to the store (database is locked)",
        ),
        (
            {"corpus/store/commit_failed": "locked", "corpus/store/items_not_committed": 1},
            "the last batch (1 item) was not committed",
        ),
        (
            {"corpus/store/commit_failed": "locked", "corpus/store/items_not_committed": 6},
            "the last batch (6 items) was not committed",
        ),
    ],
)
def test_each_kind_of_failure_is_named(extra: dict, reason: str) -> None:
    failure = crawl_failure({**FINE, **extra})
    assert failure is not None and reason in failure
    assert "\n" not in failure


def test_a_rerun_where_everything_is_unchanged_is_not_a_failure() -> None:
    stats = {
        "finish_reason": "finished",
        "response_received_count": 5,
        "item_dropped_reasons_count/UnchangedRecord": 3,
    }
    assert crawl_failure(stats) is None


def test_a_rerun_where_every_page_is_settled_or_not_modified_is_not_a_failure() -> None:
    stats = {
        "finish_reason": "finished",
        "response_received_count": 3,
        "corpus/fetch/not_modified": 2,
        "corpus/fetch/settled": 40,
    }
    assert crawl_failure(stats) is None


def test_dropping_unchanged_records_is_not_an_error() -> None:
    assert crawl_failure({**FINE, "item_dropped_reasons_count/UnchangedRecord": 9}) is None


def test_a_run_that_found_no_content_pages_is_not_a_failure() -> None:
    # A recess: day indexes fetched, no debate sections listed on them.
    stats = {"finish_reason": "finished", "response_received_count": 14, "corpus/fetch/content": 0}
    assert crawl_failure(stats) is None


def test_content_pages_fetched_without_a_record_are_a_failure() -> None:
    stats = {"finish_reason": "finished", "response_received_count": 14, "corpus/fetch/content": 3}
    assert "3 page(s) fetched but no record produced" in crawl_failure(stats)


LOST = {
    "corpus/lost/http_404": 2,
    "corpus/lost/redirect_loop": 1,
    "corpus/lost_pages": ["http_404: a", "http_404: b", "redirect_loop: c"],
}


def test_lost_pages_are_counted_per_reason() -> None:
    assert crawl_failure({**FINE, **LOST}) == (
        "crawl failed: 3 page(s) lost (http_404: 2, redirect_loop: 1; listed in the log)"
    )


def test_lost_pages_up_to_the_tolerated_number_pass_and_beyond_it_fail() -> None:
    assert crawl_failure({**FINE, **LOST}, lost_tolerated=3) is None
    assert crawl_failure({**FINE, **LOST}, lost_tolerated=2) == (
        "crawl failed: 3 page(s) lost, 2 tolerated (http_404: 2, redirect_loop: 1;"
        " listed in the log)"
    )


def test_a_snapshot_not_written_is_a_failure() -> None:
    stats = {**FINE, "corpus/snapshot/failed": "No space left on device"}
    assert crawl_failure(stats) == (
        "crawl failed: snapshot not written (No space left on device); the previous files are kept"
    )


def test_a_crawl_that_never_closed_its_spider_is_a_failure() -> None:
    stats = {"start_time": "2025-02-13 09:00:00", "item_scraped_count": 2}
    assert crawl_failure(stats) == (
        "crawl failed: stopped before it finished; the previous snapshot is kept"
    )
