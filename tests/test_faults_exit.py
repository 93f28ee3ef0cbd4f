"""Faults a live site or machine can throw at a scheduled crawl, and the exit status they give.

Every crawl here runs against the loopback fault server serving the saved
pages. Each test asserts the exit status, the one-line reason on stderr, the
pages reported lost, and that the corpus equals the clean crawl's except for
the records those pages held.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from scrapy.utils.project import get_project_settings

from tests.support.corpus import RUN_TIME_FIELDS, copy_corpus
from tests.support.crawl import (
    CrawlResult,
    crawl_command,
    crawl_env,
    crawl_in_process,
    run_crawl,
)
from tests.support.faults import (
    Answer,
    Exchange,
    Fault,
    FaultServer,
    body,
    gzip_bomb,
    redirect,
    reset,
    slow,
    status,
    times,
)
from tests.support.pages import ROOT

WINDOW = {"since": "2025-02-01", "until": "2025-02-28"}
UKDJ = "https://ukdefencejournal.org.uk"
TYPHOONS = f"{UKDJ}/typhoons-scrambled-to-shadow-russian-aircraft-near-uk-airspace/"
TYPHOONS_ID = (
    "ukdefencejournal.org.uk/typhoons-scrambled-to-shadow-russian-aircraft-near-uk-airspace"
)
NEWS_START_POINTS = [
    f"{UKDJ}/feed/",
    f"{UKDJ}/sitemap_index.xml",
    f"{UKDJ}/author/george-allison/",
    "https://www.forcesnews.com/rss.xml",
]
DEBATES = [
    "https://www.theyworkforyou.com/debates/?id=2025-02-10a.1.1",
    "https://www.theyworkforyou.com/debates/?id=2025-02-11a.190.0",
]
SNAPSHOT = ("articles", "debates", "links")


def records(result: CrawlResult, name: str = "articles") -> dict[str, dict]:
    return {
        record["id"]: {k: v for k, v in record.items() if k not in RUN_TIME_FIELDS}
        for record in result.read(name)
    }


def reason(result: CrawlResult) -> str:
    """The last line on stderr: the reason ``scrapy crawl`` gives for its exit status."""
    return result.stderr.strip().splitlines()[-1]


def lost(result: CrawlResult) -> list[str]:
    return result.stats.get("corpus/lost_pages", [])


def crawl(
    server: FaultServer,
    corpus: Path,
    spider: str = "defence_news",
    args: dict[str, str] | None = None,
    runner: Callable[..., CrawlResult] = crawl_in_process,
    **settings: Any,
) -> CrawlResult:
    """A crawl over ``server``, in this process unless ``runner`` is :func:`run_crawl`."""
    return runner(
        spider,
        corpus,
        replay_dir=None,
        args=WINDOW if args is None else args,
        settings={**server.settings(), "RETRY_TIMES": "1", **settings},
    )


@pytest.fixture(scope="module")
def clean_news(tmp_path_factory: pytest.TempPathFactory) -> CrawlResult:
    """The news crawl of the sample window over a server without faults."""
    with FaultServer() as server:
        result = crawl(server, tmp_path_factory.mktemp("clean") / "corpus")
    assert result.returncode == 0, result.stderr[-3000:]
    assert lost(result) == []
    return result


def assert_clean_but(result: CrawlResult, clean: CrawlResult, missing: set[str]) -> None:
    """The corpus holds the clean crawl's records, except exactly ``missing``."""
    expected = records(clean)
    assert missing <= set(expected)
    kept = {key: dict(value) for key, value in expected.items() if key not in missing}
    for record in kept.values():
        # A syndicated copy whose original was lost is no one's near-copy here.
        if record.get("duplicate_of") in missing:
            record["duplicate_of"] = None
    assert records(result) == kept


# --------------------------------------------------------------------- redirects
def test_a_redirect_loop_loses_the_page_and_fails_the_crawl(
    clean_news: CrawlResult, tmp_path: Path
) -> None:
    moved = TYPHOONS + "?moved=1"
    with FaultServer(faults={TYPHOONS: redirect(moved), moved: redirect(TYPHOONS)}) as server:
        result = crawl(server, tmp_path / "corpus")
    assert result.returncode == 1
    assert reason(result) == (
        "scrapy crawl: crawl failed: 1 page(s) lost (redirect_loop: 1; listed in the log)"
    )
    assert lost(result) == [f"redirect_loop: {TYPHOONS}"]
    assert f"  redirect_loop: {TYPHOONS}" in result.stderr  # the list at the end of the log
    assert_clean_but(result, clean_news, {TYPHOONS_ID})


def test_an_endless_redirect_chain_loses_the_page_after_redirect_max_times(
    clean_news: CrawlResult, tmp_path: Path
) -> None:
    def onwards(answer: Answer, exchange: Exchange) -> Answer | None:
        if not exchange.url.startswith(TYPHOONS):
            return None
        hop = int(exchange.url.rpartition("hop=")[2] or 0) if "hop=" in exchange.url else 0
        return Answer(301, {"Location": f"{TYPHOONS}?hop={hop + 1}"})

    with FaultServer(default=onwards) as server:
        result = crawl(server, tmp_path / "corpus", REDIRECT_MAX_TIMES="5")
    assert result.returncode == 1
    assert reason(result).endswith("1 page(s) lost (redirect_limit: 1; listed in the log)")
    assert lost(result) == [f"redirect_limit: {TYPHOONS}"]
    assert len(server.requests_for(TYPHOONS)) == 1
    assert sum(TYPHOONS + "?hop=" in e.url for e in server.exchanges) == 5
    assert_clean_but(result, clean_news, {TYPHOONS_ID})


def test_a_redirect_to_another_host_loses_the_page(clean_news: CrawlResult, tmp_path: Path) -> None:
    elsewhere = "https://elsewhere.example.org/copy/"
    with FaultServer(faults={TYPHOONS: redirect(elsewhere)}) as server:
        result = crawl(server, tmp_path / "corpus")
    assert result.returncode == 1
    assert reason(result).endswith("1 page(s) lost (redirect_offsite: 1; listed in the log)")
    assert lost(result) == [f"redirect_offsite: {TYPHOONS}"]
    assert "redirected to 'elsewhere.example.org', not an allowed host" in result.stderr
    assert not server.requests_for(elsewhere)
    assert_clean_but(result, clean_news, {TYPHOONS_ID})


def test_a_crawl_whose_every_start_point_leads_offsite_fails(tmp_path: Path) -> None:
    elsewhere = redirect("https://elsewhere.example.org/")
    with FaultServer(faults=dict.fromkeys(NEWS_START_POINTS, elsewhere)) as server:
        result = crawl(server, tmp_path / "corpus")
    assert result.returncode == 1
    assert reason(result).endswith("4 page(s) lost (redirect_offsite: 4; listed in the log)")
    assert sorted(lost(result)) == sorted(f"redirect_offsite: {url}" for url in NEWS_START_POINTS)
    assert records(result) == {}


# --------------------------------------------------------------------- status codes
def test_a_start_feed_answering_404_is_reported_though_its_articles_come_from_elsewhere(
    clean_news: CrawlResult, tmp_path: Path
) -> None:
    feed = f"{UKDJ}/feed/"
    with FaultServer(faults={feed: status(404)}) as server:
        result = crawl(server, tmp_path / "corpus")
    assert result.returncode == 1
    assert reason(result).endswith("1 page(s) lost (http_404: 1; listed in the log)")
    assert lost(result) == [f"http_404: {feed}"]
    # The sitemap and the listing name the same articles: no record is lost.
    assert_clean_but(result, clean_news, set())


def test_every_page_answering_403_fails_the_crawl_naming_every_start_point(tmp_path: Path) -> None:
    with FaultServer(default=status(403)) as server:
        result = crawl(server, tmp_path / "corpus")
    assert result.returncode == 1
    assert reason(result).endswith("4 page(s) lost (http_403: 4; listed in the log)")
    assert sorted(lost(result)) == sorted(f"http_403: {url}" for url in NEWS_START_POINTS)
    assert records(result) == {}


def test_robots_txt_disallowing_everything_loses_every_page_of_that_site(
    clean_news: CrawlResult, tmp_path: Path
) -> None:
    robots = body(b"User-agent: *\nDisallow: /\n", "text/plain")
    with FaultServer(faults={f"{UKDJ}/robots.txt": robots}) as server:
        result = crawl(server, tmp_path / "corpus")
    assert result.returncode == 1
    assert reason(result).endswith("3 page(s) lost (robots_txt: 3; listed in the log)")
    assert sorted(lost(result)) == sorted(f"robots_txt: {url}" for url in NEWS_START_POINTS[:3])
    # Nothing on the site was fetched but its robots.txt.
    assert [e.url for e in server.exchanges if e.url.startswith(UKDJ)] == [f"{UKDJ}/robots.txt"]
    ukdj_ids = {key for key in records(clean_news) if key.startswith("ukdefencejournal")}
    assert_clean_but(result, clean_news, ukdj_ids)


def test_every_page_asked_for_with_urls_answering_404_fails_the_crawl(tmp_path: Path) -> None:
    with FaultServer(faults=dict.fromkeys(DEBATES, status(404))) as server:
        result = crawl(server, tmp_path / "corpus", "hansard", {"urls": ",".join(DEBATES)})
    assert result.returncode == 1
    assert reason(result).endswith("2 page(s) lost (http_404: 2; listed in the log)")
    assert sorted(lost(result)) == sorted(f"http_404: {url}" for url in DEBATES)
    assert records(result, "debates") == {}


def test_a_reset_connection_loses_the_page_after_its_retries(
    clean_news: CrawlResult, tmp_path: Path
) -> None:
    with FaultServer(faults={TYPHOONS: reset()}) as server:
        result = crawl(server, tmp_path / "corpus")
    assert result.returncode == 1
    assert reason(result).endswith("1 page(s) lost (download_error: 1; listed in the log)")
    assert lost(result) == [f"download_error: {TYPHOONS}"]
    assert "DownloadFailedError after 1 retries" in result.stderr
    assert len(server.requests_for(TYPHOONS)) == 2  # RETRY_TIMES=1
    assert_clean_but(result, clean_news, {TYPHOONS_ID})


@pytest.mark.parametrize("length", [True, False], ids=["content-length", "chunked"])
def test_a_page_over_download_maxsize_is_lost(tmp_path: Path, length: bool) -> None:
    big = body(b"<html><body>" + b"<p>words</p>" * 5000 + b"</body></html>")
    with FaultServer(faults={TYPHOONS: big if length else chunked_fault(big)}) as server:
        result = crawl(
            server, tmp_path / "corpus", args={"urls": TYPHOONS}, DOWNLOAD_MAXSIZE="20000"
        )
    assert result.returncode == 1
    assert reason(result).endswith("1 page(s) lost (too_large: 1; listed in the log)")
    assert lost(result) == [f"too_large: {TYPHOONS}"]
    assert records(result) == {}


def test_a_gzip_bomb_is_lost_as_too_large(tmp_path: Path) -> None:
    with FaultServer(faults={TYPHOONS: gzip_bomb(4)}) as server:
        result = crawl(
            server, tmp_path / "corpus", args={"urls": TYPHOONS}, DOWNLOAD_MAXSIZE=str(2**20)
        )
    assert result.returncode == 1
    assert reason(result).endswith("1 page(s) lost (too_large: 1; listed in the log)")
    assert "exceeded DOWNLOAD_MAXSIZE (1048576 B) during decompression" in result.stderr
    assert records(result) == {}


def test_lost_pages_up_to_the_tolerated_number_do_not_fail_the_crawl(tmp_path: Path) -> None:
    with FaultServer(faults={TYPHOONS: status(404)}) as server:
        result = crawl(server, tmp_path / "corpus", CRAWL_LOST_PAGES_TOLERATED="1")
    assert result.returncode == 0, result.stderr[-2000:]
    assert lost(result) == [f"http_404: {TYPHOONS}"]
    assert f"  http_404: {TYPHOONS}" in result.stderr  # still listed at the end of the log


def test_the_reason_is_the_only_line_on_stderr_when_logging_to_a_file(tmp_path: Path) -> None:
    log = tmp_path / "crawl.log"
    with FaultServer(faults={TYPHOONS: status(404)}) as server:
        result = crawl(server, tmp_path / "corpus", runner=run_crawl, LOG_FILE=str(log))
    assert result.returncode == 1
    assert result.stderr.splitlines() == [
        "scrapy crawl: crawl failed: 1 page(s) lost (http_404: 1; listed in the log)"
    ]
    assert f"Page lost (http_404: HTTP 404): {TYPHOONS}" in log.read_text()


# --------------------------------------------------------------------- Retry-After
def chunked_fault(first: Fault) -> Fault:
    """``first``, sent chunked: no Content-Length announces the size."""

    def fault(answer: Answer, exchange: Exchange) -> Answer:
        changed = first(answer, exchange) or answer
        changed.chunked = True
        return changed

    return fault


def gap_between_requests(server: FaultServer, url: str) -> float:
    first, second = server.requests_for(url)[:2]
    return second.at - first.at


def test_a_429_with_retry_after_is_retried_after_that_delay(
    clean_news: CrawlResult, tmp_path: Path
) -> None:
    throttled = times(status(429, Retry_After="2"), 1)
    with FaultServer(faults={TYPHOONS: throttled}) as server:
        result = crawl(server, tmp_path / "corpus")
    assert result.returncode == 0, result.stderr[-2000:]
    assert len(server.requests_for(TYPHOONS)) == 2
    assert gap_between_requests(server, TYPHOONS) >= 2.0
    assert result.stats["corpus/fetch/retry_after"] == 1
    assert_clean_but(result, clean_news, set())


def test_a_503_without_retry_after_backs_off(clean_news: CrawlResult, tmp_path: Path) -> None:
    with FaultServer(faults={TYPHOONS: times(status(503), 2)}) as server:
        result = crawl(server, tmp_path / "corpus", RETRY_TIMES="2", FETCH_RETRY_BACKOFF="0.5")
    assert result.returncode == 0, result.stderr[-2000:]
    first, second, third = (exchange.at for exchange in server.requests_for(TYPHOONS))
    assert second - first >= 0.5
    assert third - second >= 1.0  # doubled
    assert result.stats["corpus/fetch/backoff"] == 2
    assert_clean_but(result, clean_news, set())


def test_a_retry_after_above_the_cap_loses_the_page_at_once(
    clean_news: CrawlResult, tmp_path: Path
) -> None:
    with FaultServer(faults={TYPHOONS: status(429, Retry_After="7200")}) as server:
        result = crawl(server, tmp_path / "corpus")
    assert result.returncode == 1
    assert reason(result).endswith("1 page(s) lost (retry_after_too_long: 1; listed in the log)")
    assert "Retry-After 7200 s, more than FETCH_RETRY_AFTER_MAX (120 s)" in result.stderr
    assert len(server.requests_for(TYPHOONS)) == 1
    assert_clean_but(result, clean_news, {TYPHOONS_ID})


# --------------------------------------------------------------------- configured hosts
def test_a_hansard_mirror_named_in_hansard_hosts_is_crawled(tmp_path: Path) -> None:
    mirror = "hansard-mirror.example.org"
    args = {"interface": "en", "since": "2025-02-10", "until": "2025-02-11"}
    with FaultServer() as server:
        direct = crawl(server, tmp_path / "direct", "hansard", args)
    with FaultServer(mirrors={mirror: "www.theyworkforyou.com"}) as server:
        mirrored = crawl(
            server, tmp_path / "mirror", "hansard", args, HANSARD_HOSTS=json.dumps({"en": mirror})
        )
    assert direct.returncode == 0, direct.stderr[-2000:]
    assert mirrored.returncode == 0, mirrored.stderr[-2000:]
    assert lost(mirrored) == []
    assert any(e.url.startswith(f"https://{mirror}/debates/?id=") for e in server.exchanges)
    # The same debates, read from the mirror.
    assert sorted(records(mirrored, "debates")) == sorted(records(direct, "debates"))
    assert len(records(mirrored, "debates")) == 2


# --------------------------------------------------------------------- the snapshot
@pytest.fixture(scope="module")
def corpus_without_typhoons(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A corpus built without the Typhoons article, which the next crawl would add."""
    corpus = tmp_path_factory.mktemp("prebuilt") / "corpus"
    with FaultServer(faults={TYPHOONS: status(404)}) as server:
        first = crawl(server, corpus, CRAWL_LOST_PAGES_TOLERATED="1")
    assert first.returncode == 0, first.stderr[-2000:]
    assert TYPHOONS_ID not in records(first)
    return corpus


def built_corpus(source: Path, tmp_path: Path) -> tuple[Path, dict[str, bytes]]:
    """A copy of ``source`` for one test, and its snapshot files' bytes."""
    corpus = copy_corpus(source, tmp_path / "corpus")
    return corpus, {name: (corpus / f"{name}.jsonl").read_bytes() for name in SNAPSHOT}


def with_extension(path: str) -> str:
    extensions = dict(get_project_settings().getdict("EXTENSIONS"))
    extensions[path] = 0
    return json.dumps(extensions)


def test_a_full_disk_leaves_the_previous_snapshot_whole_and_fails_the_crawl(
    corpus_without_typhoons: Path, tmp_path: Path
) -> None:
    corpus, before = built_corpus(corpus_without_typhoons, tmp_path)
    with FaultServer() as server:
        result = crawl(
            server,
            corpus,
            runner=run_crawl,  # the extension patches os.fsync for the whole process
            EXTENSIONS=with_extension("tests.support.diskfull.DiskFullExtension"),
        )
    assert result.stats["corpus/article/new"] == 1  # the snapshot would have changed
    assert result.returncode == 1
    assert reason(result) == (
        "scrapy crawl: crawl failed: snapshot not written ([Errno 28] No space left on device);"
        " the previous files are kept"
    )
    assert {name: (corpus / f"{name}.jsonl").read_bytes() for name in SNAPSHOT} == before
    assert not list(corpus.glob(".snapshot-*")), "no temporary file left behind"


def test_a_folder_in_the_way_of_articles_jsonl_fails_the_crawl_and_keeps_the_others(
    corpus_without_typhoons: Path, tmp_path: Path
) -> None:
    corpus, before = built_corpus(corpus_without_typhoons, tmp_path)
    (corpus / "articles.jsonl").unlink()
    (corpus / "articles.jsonl").mkdir()
    with FaultServer() as server:
        result = crawl(server, corpus)
    assert result.returncode == 1
    path = corpus / "articles.jsonl"
    assert reason(result) == (
        f"scrapy crawl: crawl failed: snapshot not written (Is a directory: {path});"
        " the previous files are kept"
    )
    assert path.is_dir()
    for name in ("debates", "links"):
        assert (corpus / f"{name}.jsonl").read_bytes() == before[name]
    assert not list(corpus.glob(".snapshot-*"))


# --------------------------------------------------------------------- signals
def start_slow_crawl(server: FaultServer, corpus: Path, log: Path) -> subprocess.Popen:
    settings = {**server.settings(), "LOG_FILE": str(log), "FETCH_SETTLE_AFTER_DAYS": "0"}
    return subprocess.Popen(
        crawl_command("defence_news", corpus, replay_dir=None, args=WINDOW, settings=settings),
        cwd=ROOT,
        env=crawl_env(),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )


def wait_for(condition: Callable[[], bool], limit: float = 60) -> None:
    deadline = time.monotonic() + limit
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
def test_a_second_signal_forces_a_shutdown_that_exits_1_and_keeps_the_snapshot(
    corpus_without_typhoons: Path, tmp_path: Path, signum: signal.Signals
) -> None:
    corpus, before = built_corpus(corpus_without_typhoons, tmp_path)
    with FaultServer(faults={TYPHOONS: slow(30)}) as server:
        process = start_slow_crawl(server, corpus, tmp_path / "crawl.log")
        wait_for(lambda: bool(server.requests_for(TYPHOONS)))
        os.kill(process.pid, signum)
        wait_for(lambda: "shutting down gracefully" in (tmp_path / "crawl.log").read_text())
        os.kill(process.pid, signum)
        _, stderr = process.communicate(timeout=60)
    assert process.returncode == 1
    assert stderr.splitlines() == [
        f"scrapy crawl: crawl failed: forced shutdown ({signum.name} received twice); "
        "stopped before it finished; the previous snapshot is kept"
    ]
    assert {name: (corpus / f"{name}.jsonl").read_bytes() for name in SNAPSHOT} == before


def test_one_sigint_stops_the_crawl_gracefully_with_exit_1(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    with FaultServer(faults={TYPHOONS: slow(3)}) as server:
        process = start_slow_crawl(server, corpus, tmp_path / "crawl.log")
        wait_for(lambda: bool(server.requests_for(TYPHOONS)))
        os.kill(process.pid, signal.SIGINT)
        _, stderr = process.communicate(timeout=60)
    assert process.returncode == 1
    assert stderr.splitlines() == ["scrapy crawl: crawl failed: finish reason: shutdown"]
    # The spider closed: the snapshot holds what was read before the signal.
    assert (corpus / "articles.jsonl").exists()


# --------------------------------------------------------------------- member pages
def test_a_member_page_the_site_fails_to_serve_is_lost_and_its_speeches_flagged(
    tmp_path: Path,
) -> None:
    member = "https://www.theyworkforyou.com/mp/?p=10271"
    with FaultServer(faults={member: status(500)}) as server:
        result = crawl(server, tmp_path / "corpus", "hansard", {"urls": DEBATES[0]})
    assert result.returncode == 1
    # The coverage monitor sees the parties missing too.
    assert reason(result) == (
        "scrapy crawl: crawl failed: 1 page(s) lost (http_500: 1; listed in the log);"
        " debate.speech.party coverage 0.50 < 0.80 (3 of 6 spoken speeches)"
    )
    assert lost(result) == [f"http_500: {member}"]
    assert len(server.requests_for(member)) == 2  # RETRY_TIMES=1
    # The debate is kept, its speeches by that member flagged.
    (debate,) = records(result, "debates").values()
    flagged = [s for s in debate["speeches"] if "party:member_page_missing" in s["flags"]]
    assert {speech["person_id"] for speech in flagged} == {"10271"}


def test_a_member_page_the_site_does_not_have_is_not_a_lost_page(tmp_path: Path) -> None:
    # The sample's person 90006 has no member page (404): a gap in the site, flagged.
    with FaultServer() as server:
        result = crawl(
            server,
            tmp_path / "corpus",
            "hansard",
            {"interface": "en", "since": "2025-02-10", "until": "2025-02-11"},
        )
    assert result.returncode == 0, result.stderr[-2000:]
    assert server.requests_for("https://www.theyworkforyou.com/mp/?p=90006")
    assert result.stats["corpus/hansard/member_page/missing"] == 1
    assert lost(result) == []


def test_an_outlet_feed_on_another_host_is_fetched_not_filtered_offsite(tmp_path: Path) -> None:
    feeds_host = "feeds.example.net"
    feed = f"https://{feeds_host}/feed/"
    outlets = json.loads((ROOT / "crawler" / "outlets.json").read_text(encoding="utf-8"))
    (ukdj,) = [outlet for outlet in outlets["outlets"] if outlet["key"] == "ukdj"]
    ukdj["start"] = {"feeds": [feed]}
    config = tmp_path / "outlets.json"
    config.write_text(json.dumps({"outlets": [ukdj]}), encoding="utf-8")
    with FaultServer(mirrors={feeds_host: "ukdefencejournal.org.uk"}) as server:
        result = crawl(server, tmp_path / "corpus", NEWS_OUTLETS_FILE=str(config))
    assert server.requests_for(feed)
    # The spider routes pages by the outlet that owns their host; a feed on a
    # host no outlet owns is reported, not skipped in silence.
    assert result.returncode == 1
    assert lost(result) == [f"no_outlet: {feed}"]
