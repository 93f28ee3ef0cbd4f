"""The loopback fault server is faithful: without faults it serves what replay serves."""

from __future__ import annotations

from pathlib import Path

from crawler.sample_corpus import SAMPLE_CRAWLS
from tests.support.corpus import without_run_time_fields
from tests.support.crawl import CrawlResult, crawl_in_process
from tests.support.faults import FaultServer, status

# Fields that record when a crawl ran, not what it read.
# `source` names this crawl's own WARC capture of the page.


def build_over_loopback(server: FaultServer, corpus: Path) -> list[CrawlResult]:
    return [
        crawl_in_process(
            spider, corpus, replay_dir=None, args=arguments, settings=server.settings()
        )
        for spider, arguments in SAMPLE_CRAWLS
    ]


def test_a_clean_server_gives_the_replayed_corpus(sample_corpus, tmp_path: Path) -> None:
    with FaultServer() as server:
        crawls = build_over_loopback(server, tmp_path / "corpus")
    assert [crawl.returncode for crawl in crawls] == [0] * len(crawls) == [0, 0, 0, 0]
    for name in ("articles", "debates", "links"):
        assert without_run_time_fields(crawls[-1].read(name)) == without_run_time_fields(
            sample_corpus.read(name)
        ), name
    # Every request went to the server, under its real URL.
    assert server.exchanges
    assert all(exchange.url.startswith("https://") for exchange in server.exchanges)


def test_a_fault_is_served_for_its_url_only(tmp_path: Path) -> None:
    feed = "https://ukdefencejournal.org.uk/feed/"
    with FaultServer(faults={feed: status(404)}) as server:
        crawl_in_process(
            "defence_news",
            tmp_path / "corpus",
            replay_dir=None,
            args={"urls": feed},
            settings=server.settings(),
        )
    assert len(server.requests_for(feed)) == 1
    assert server.requests_for("https://ukdefencejournal.org.uk/robots.txt")
