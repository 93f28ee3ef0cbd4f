"""`scrapy crawl` exit status, and the polite defaults of a live run."""

from __future__ import annotations

from pathlib import Path

from scrapy.settings import Settings
from scrapy.utils.project import get_project_settings

from crawler.addons import ContactAddon
from crawler.replay import ReplayAddon
from tests.support.crawl import run_crawl
from tests.support.pages import write_replay

# An article page whose only paragraph is a menu link: no body text to extract.
EMPTY_ARTICLE = (
    "<html><head><title>Empty</title></head>"
    '<body><nav><p><a href="/">Menu</a></p></nav></body></html>'
)


def test_a_crawl_that_drops_an_unusable_record_exits_1_with_the_reason(tmp_path: Path) -> None:
    snapshot = write_replay(
        tmp_path / "snap",
        [
            {
                "url": "https://example.org/empty",
                "path": "e.html",
                "headers": {"Content-Type": "text/html; charset=utf-8"},
            }
        ],
        {"e.html": EMPTY_ARTICLE},
    )
    result = run_crawl(
        "probe",
        tmp_path / "corpus",
        replay_dir=snapshot,
        args={"urls": "https://example.org/empty"},
        settings={
            "SPIDER_MODULES": "crawler.spiders,tests.support.spiders",
            "ROBOTSTXT_OBEY": "False",
        },
    )
    assert result.returncode == 1
    assert "scrapy crawl: crawl failed: 1 item(s) dropped as unusable" in result.stderr


def test_a_crawl_that_fetches_pages_but_produces_nothing_exits_1(tmp_path: Path) -> None:
    # A debate page given to the news spider: fetched, but no article comes of it.
    result = run_crawl(
        "defence_news",
        tmp_path / "corpus",
        args={"urls": "https://www.theyworkforyou.com/debates/?id=2025-02-10a.1.1"},
    )
    assert result.returncode == 1
    assert "page(s) fetched but no record produced" in result.stderr.splitlines()[-1]


def test_a_clean_crawl_exits_0(tmp_path: Path) -> None:
    result = run_crawl(
        "hansard",
        tmp_path / "corpus",
        args={"urls": "https://www.theyworkforyou.com/debates/?id=2025-02-10a.1.1"},
    )
    assert result.returncode == 0, result.stderr[-2000:]


def test_live_runs_are_polite_by_default() -> None:
    settings = get_project_settings()
    assert settings.getbool("ROBOTSTXT_OBEY")
    assert settings.getbool("AUTOTHROTTLE_ENABLED")
    assert settings.getint("CONCURRENT_REQUESTS_PER_DOMAIN") <= 2
    assert 0 < settings.getint("DOWNLOAD_TIMEOUT") <= 60
    assert 0 < settings.getint("DOWNLOAD_MAXSIZE") <= 64 * 1024 * 1024
    assert "defence-hansard-corpus" in settings.get("USER_AGENT")


def test_contact_is_added_to_the_user_agent() -> None:
    settings = Settings(
        {
            "USER_AGENT": "defence-hansard-corpus/0.1 (research crawler)",
            "CONTACT": "someone@example.ac.uk",
        }
    )
    ContactAddon().update_settings(settings)
    assert settings.get("USER_AGENT") == (
        "defence-hansard-corpus/0.1 (research crawler; contact: someone@example.ac.uk)"
    )


def test_replay_lifts_delays_but_keeps_robots_txt_and_command_line_values(
    tmp_path: Path,
) -> None:
    settings = get_project_settings()
    settings.set("REPLAY_DIR", str(tmp_path), priority="cmdline")
    settings.set("CONCURRENT_REQUESTS_PER_DOMAIN", 3, priority="cmdline")
    ReplayAddon().update_settings(settings)
    assert settings.getfloat("DOWNLOAD_DELAY") == 0
    assert not settings.getbool("AUTOTHROTTLE_ENABLED")
    assert settings.getbool("ROBOTSTXT_OBEY")
    assert settings.getint("CONCURRENT_REQUESTS_PER_DOMAIN") == 3
    assert settings.getdict("DOWNLOAD_HANDLERS")["https"] == "crawler.replay.ReplayDownloadHandler"


def test_without_replay_dir_the_network_handlers_stay() -> None:
    settings = get_project_settings()
    ReplayAddon().update_settings(settings)
    assert "https" not in settings.getdict("DOWNLOAD_HANDLERS")
