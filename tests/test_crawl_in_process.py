"""Crawls in the test process are judged, logged and isolated as ``scrapy crawl`` runs are."""

from __future__ import annotations

import logging
from pathlib import Path

from tests.support.corpus import without_run_time_fields
from tests.support.crawl import crawl_in_process, run_crawl

DEBATE = {"urls": "https://www.theyworkforyou.com/debates/?id=2025-02-10a.1.1"}
# Stats that say when, how fast and with how much memory a crawl ran, not what it did.
RUN_TIME_STATS = (
    "start_time",
    "finish_time",
    "elapsed_time_seconds",
    "memusage/startup",
    "memusage/max",
    "items_per_minute",
    "responses_per_minute",
    "corpus/warc/bytes",  # the WARC headers carry the capture time
)


def comparable_stats(stats: dict) -> dict:
    return {key: value for key, value in stats.items() if key not in RUN_TIME_STATS}


def test_a_clean_crawl_gives_what_the_command_gives(tmp_path: Path) -> None:
    command = run_crawl("hansard", tmp_path / "command", args=DEBATE)
    in_process = crawl_in_process("hansard", tmp_path / "in-process", args=DEBATE)
    assert (in_process.returncode, command.returncode) == (0, 0), in_process.stderr[-2000:]
    assert comparable_stats(in_process.stats) == comparable_stats(command.stats)
    for name in ("articles", "debates", "links"):
        assert without_run_time_fields(in_process.read(name)) == without_run_time_fields(
            command.read(name)
        ), name


def test_a_failed_crawl_exits_1_with_the_commands_reason(tmp_path: Path) -> None:
    # A debate page given to the news spider: fetched, but no article comes of it.
    command = run_crawl("defence_news", tmp_path / "command", args=DEBATE)
    in_process = crawl_in_process("defence_news", tmp_path / "in-process", args=DEBATE)
    assert in_process.returncode == command.returncode == 1
    assert in_process.stderr.splitlines()[-1] == command.stderr.splitlines()[-1]
    assert in_process.stderr.splitlines()[-1].startswith("scrapy crawl: crawl failed: ")


def test_a_usage_error_exits_2_before_crawling(tmp_path: Path) -> None:
    result = crawl_in_process("no_such_spider", tmp_path / "corpus")
    assert result.returncode == 2
    assert result.stderr.splitlines()[-1].startswith(
        "scrapy crawl: no spider named 'no_such_spider' (spiders: "
    )
    assert result.stats == {}


def test_the_log_is_kept_at_the_crawls_level_and_the_root_logger_left_as_it_was(
    tmp_path: Path,
) -> None:
    root = logging.getLogger()
    before = (root.level, list(root.handlers))
    result = crawl_in_process("hansard", tmp_path / "corpus", args=DEBATE, settings={})
    assert (root.level, list(root.handlers)) == before
    assert min(record.levelno for record in result.log) == logging.INFO
    assert "[scrapy.core.engine] INFO: Spider closed (finished)" in result.stderr
    assert len(result.stderr.splitlines()) >= len(result.log)  # a record may take several lines


def test_two_crawls_of_one_corpus_in_a_row_each_take_and_give_back_its_lock(
    tmp_path: Path,
) -> None:
    first = crawl_in_process("hansard", tmp_path / "corpus", args=DEBATE)
    second = crawl_in_process("hansard", tmp_path / "corpus", args=DEBATE)
    assert (first.returncode, second.returncode) == (0, 0), second.stderr[-2000:]
    # A crawl in another process is not locked out by the two before it.
    assert run_crawl("hansard", tmp_path / "corpus", args=DEBATE).returncode == 0
