"""Usage errors stop ``scrapy crawl`` at once: exit status 2, one line on stderr, no traceback."""

from __future__ import annotations

import json
import os
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.support.crawl import crawl_command, crawl_env
from tests.support.pages import ROOT

OUTLET = {
    "key": "example",
    "name": "Example News",
    "allowed_domains": ["news.example.org"],
    "start": {"feeds": ["https://news.example.org/feed/"]},
}


@dataclass
class Run:
    returncode: int
    stderr: str
    log: str
    crawled: bool


def crawl(tmp_path: Path, spider: str, args: dict[str, str], **settings: str) -> Run:
    """``scrapy crawl`` logging to a file, as from cron."""
    corpus = Path(settings.pop("CORPUS_DIR", tmp_path / "corpus"))
    log, stats = tmp_path / "crawl.log", tmp_path / "stats.json"
    settings = {"LOG_FILE": str(log), "CRAWL_STATS_FILE": str(stats), **settings}
    completed = subprocess.run(
        crawl_command(spider, corpus, args=args, settings=settings),
        cwd=ROOT,
        env=crawl_env(),
        capture_output=True,
        text=True,
        timeout=60,
    )
    return Run(
        completed.returncode,
        completed.stderr,
        log.read_text() if log.exists() else "",
        stats.exists(),
    )


def assert_usage_error(run: Run, line: str) -> None:
    assert run.returncode == 2
    assert run.stderr.splitlines() == [f"scrapy crawl: {line}"]
    assert "Traceback" not in run.log
    assert not run.crawled


@pytest.mark.parametrize(
    ("spider", "args", "line"),
    [
        ("hansard", {"since": "notadate"}, "since: expected YYYY-MM-DD, got 'notadate'"),
        (
            "hansard",
            {"since": "2025-02-10", "until": "2025-02-01"},
            "since (2025-02-10) is after until (2025-02-01)",
        ),
        ("hansard", {"interface": "fr"}, "interface: expected one of en, cy, both, got 'fr'"),
        (
            "hansard",
            {"houses": "senate"},
            "houses: expected some of commons, westminster-hall, lords, got 'senate'",
        ),
        ("defence_news", {"outlets": "nosuch"}, "outlets: unknown outlet(s) nosuch"),
        (
            "hansard",
            {"sinse": "2025-02-01"},
            "unknown argument(s) sinse; hansard takes houses, interface, since, until, urls",
        ),
        (
            "defence_news",
            {"sinse": "2025-02-01", "untill": "2025-02-02"},
            "unknown argument(s) sinse, untill; "
            "defence_news takes outlets, outlets_file, since, until, urls",
        ),
        (
            "hansard",
            {"urls": "www.theyworkforyou.com/debates/"},
            "urls: not an http(s) URL: 'www.theyworkforyou.com/debates/'",
        ),
    ],
)
def test_a_spider_argument_it_cannot_use_is_refused(
    tmp_path: Path, spider: str, args: dict[str, str], line: str
) -> None:
    run = crawl(tmp_path, spider, args)
    assert_usage_error(run, line)


def test_an_unknown_spider_is_refused_naming_the_spiders(tmp_path: Path) -> None:
    run = crawl(tmp_path, "hansrad", {})
    assert_usage_error(
        run, "no spider named 'hansrad' (spiders: defence_news, hansard, hansard_api, senedd)"
    )


def test_an_outlet_file_that_is_not_json_is_refused_with_its_position(tmp_path: Path) -> None:
    outlets = tmp_path / "outlets.json"
    outlets.write_text('{"outlets": [\n  {"key": "x",}\n]}\n', encoding="utf-8")
    run = crawl(tmp_path, "defence_news", {}, NEWS_OUTLETS_FILE=str(outlets))
    assert_usage_error(
        run,
        f"{outlets}: not valid JSON (Expecting property name enclosed in double quotes,"
        " line 2 column 15)",
    )


def test_an_outlet_entry_missing_a_required_key_is_refused(tmp_path: Path) -> None:
    outlets = tmp_path / "outlets.json"
    entry = {key: value for key, value in OUTLET.items() if key != "name"}
    outlets.write_text(json.dumps({"outlets": [entry]}), encoding="utf-8")
    run = crawl(tmp_path, "defence_news", {}, NEWS_OUTLETS_FILE=str(outlets))
    assert_usage_error(run, "outlets[0]: 'name' is required")


def test_a_missing_outlet_file_is_refused(tmp_path: Path) -> None:
    outlets = tmp_path / "nowhere.json"
    run = crawl(tmp_path, "defence_news", {}, NEWS_OUTLETS_FILE=str(outlets))
    assert_usage_error(
        run, f"{outlets}: cannot be read ([Errno 2] No such file or directory: '{outlets}')"
    )


def test_a_coverage_threshold_for_an_unknown_field_is_refused(tmp_path: Path) -> None:
    run = crawl(tmp_path, "hansard", {}, MONITOR_MIN_COVERAGE='{"article.byline": 0.5}')
    assert_usage_error(
        run,
        "MONITOR_MIN_COVERAGE names unknown field(s) article.byline; known: article.title, "
        "article.published, article.text, debate.speech.person_id, debate.speech.party",
    )


def test_a_party_table_giving_one_label_to_two_parties_is_refused(tmp_path: Path) -> None:
    table = tmp_path / "parties.csv"
    table.write_text(
        "id,name_en,name_cy,aliases\n"
        "labour,Labour,Llafur,Lab\n"
        "liberal-democrat,Liberal Democrat,Democratiaid Rhyddfrydol,Lab\n",
        encoding="utf-8",
    )
    run = crawl(tmp_path, "hansard", {}, NORMALISE_PARTIES_TABLE=str(table))
    assert_usage_error(run, "party table: label 'Lab' names both 'labour' and 'liberal-democrat'")


def test_a_corpus_dir_that_is_a_file_is_refused(tmp_path: Path) -> None:
    folder = tmp_path / "corpus"
    folder.write_text("not a folder")
    run = crawl(tmp_path, "hansard", {}, CORPUS_DIR=str(folder))
    assert_usage_error(run, f"CORPUS_DIR {folder}: {folder} is a file, not a folder")


def test_a_corpus_dir_inside_a_file_is_refused(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("")
    folder = tmp_path / "file" / "corpus"
    run = crawl(tmp_path, "hansard", {}, CORPUS_DIR=str(folder))
    assert_usage_error(
        run,
        f"CORPUS_DIR {folder}: not usable as the corpus folder (Not a directory: {folder})",
    )


@pytest.mark.skipif(os.geteuid() == 0, reason="root may write to any folder")
def test_an_unwritable_corpus_dir_is_refused(tmp_path: Path) -> None:
    folder = tmp_path / "corpus"
    folder.mkdir()
    folder.chmod(0o500)
    try:
        run = crawl(tmp_path, "hansard", {}, CORPUS_DIR=str(folder))
    finally:
        folder.chmod(0o700)
    assert_usage_error(
        run,
        f"CORPUS_DIR {folder}: not usable as the corpus folder "
        f"(Permission denied: {folder / '.lock'})",
    )


def test_arguments_a_runner_passes_with_an_underscore_are_accepted(tmp_path: Path) -> None:
    # scrapyd schedules every job with -a _job=<id>.
    debate = "https://www.theyworkforyou.com/debates/?id=2025-02-10a.1.1"
    run = crawl(tmp_path, "hansard", {"urls": debate, "_job": "0f3a"})
    assert run.returncode == 0, run.stderr
    assert run.crawled
