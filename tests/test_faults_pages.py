"""Bad pages never stored as good: crawls against the loopback fault server.

Each test serves the saved pages with one fault and checks what the operator
and the researcher see: the exit status, the reason on stderr, and the corpus,
which must equal the clean crawl's except for the page the fault took.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from crawler.pagecheck.quality import REPLACEMENT_FLAG
from crawler.pages.twfy import NO_GID_FLAG
from crawler.sample_corpus import SAMPLE_CRAWLS
from tests.support import bad_pages
from tests.support.corpus import RUN_TIME_FIELDS, copy_corpus
from tests.support.crawl import CrawlResult, crawl_in_process
from tests.support.faults import (
    Fault,
    FaultServer,
    body,
    charset,
    chunked,
    cut,
    gzip_bomb,
    redirect,
    status,
)
from tests.support.pages import SAMPLE_PAGES, copy_sample_pages, edit_page

NEWS_SPIDER, NEWS_WINDOW = SAMPLE_CRAWLS[0]
HANSARD_SPIDER, HANSARD_WINDOW = SAMPLE_CRAWLS[2]


def failed(reason: str) -> str:
    """The reason line of a crawl that lost one page for ``reason``."""
    return f"crawl failed: 1 page(s) lost ({reason}: 1; listed in the log)"


ARTICLE_URL = (
    "https://ukdefencejournal.org.uk/"
    "minehunter-hms-cromarty-returns-to-portsmouth-after-three-years-in-the-gulf/"
)
ARTICLE_ID = ARTICLE_URL.removeprefix("https://").rstrip("/")
ARTICLE_FILE = (
    SAMPLE_PAGES
    / "ukdefencejournal.org.uk"
    / "minehunter-hms-cromarty-returns-to-portsmouth-after-three-years-in-the-gulf.html"
)
WELSH_URL = "https://cy.theyworkforyou.com/debates/?id=2025-02-10a.1.1"
DEBATE_ID = "2025-02-10a.1.1"
# A Welsh sentence with the letters a wrong charset garbles ("â" -> "Ã¢", "ŵ" -> "Åµ").
WELSH_SENTENCE = "A wnaiff y Gweinidog gyfarfod â’r Ysgrifennydd Gwladol ynglŷn â’r dŵr?"


def article_page() -> bytes:
    return ARTICLE_FILE.read_bytes()


def by_id(records: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """Records by id, without the fields that say when the crawl ran."""
    return {
        record["id"]: {key: value for key, value in record.items() if key not in RUN_TIME_FIELDS}
        for record in records
    }


def crawl(
    spider: str,
    arguments: dict[str, str],
    corpus: Path,
    faults: dict[str, Fault] | None = None,
    *,
    folder: Path = SAMPLE_PAGES,
    default: Fault | None = None,
    **settings: str,
) -> CrawlResult:
    with FaultServer(folder=folder, faults=faults, default=default) as server:
        return crawl_in_process(
            spider,
            corpus,
            replay_dir=None,
            args=arguments,
            settings={**server.settings(), **settings},
        )


def news_crawl(corpus: Path, faults: dict[str, Fault] | None = None, **options: Any) -> CrawlResult:
    return crawl(NEWS_SPIDER, NEWS_WINDOW, corpus, faults, **options)


def reason_line(result: CrawlResult) -> str:
    """The one-line reason the crawl command prints last on stderr."""
    return result.stderr.strip().splitlines()[-1]


@pytest.fixture(scope="module")
def clean_news(tmp_path_factory: pytest.TempPathFactory) -> CrawlResult:
    """The news crawl against a server without faults (its corpus is copied, never crawled into)."""
    result = news_crawl(tmp_path_factory.mktemp("clean-news") / "corpus")
    assert result.returncode == 0, result.stderr[-3000:]
    return result


@pytest.fixture(scope="module")
def clean_articles(clean_news: CrawlResult) -> dict[str, dict[str, Any]]:
    articles = by_id(clean_news.read("articles"))
    assert ARTICLE_ID in articles
    return articles


@pytest.fixture(scope="module")
def clean_hansard(tmp_path_factory: pytest.TempPathFactory) -> CrawlResult:
    result = crawl(HANSARD_SPIDER, HANSARD_WINDOW, tmp_path_factory.mktemp("clean") / "corpus")
    assert result.returncode == 0, result.stderr[-3000:]
    return result


@pytest.fixture(scope="module")
def clean_debates(clean_hansard: CrawlResult) -> dict[str, dict[str, Any]]:
    return by_id(clean_hansard.read("debates"))


def assert_article_lost(result: CrawlResult, clean: dict[str, dict], reason: str) -> None:
    """Exit 1 with the reason, the page listed as lost, and every other article as clean."""
    assert result.returncode == 1, result.stderr[-3000:]
    assert reason_line(result).endswith(failed(reason))
    assert f"Page lost ({reason}" in result.stderr
    assert result.stats["corpus/lost_pages"] == [f"{reason}: {ARTICLE_URL}"]
    expected = {key: value for key, value in clean.items() if key != ARTICLE_ID}
    assert by_id(result.read("articles")) == expected


# --------------------------------------------------------------------- encodings
def welsh_pages(folder: Path) -> Path:
    """The saved pages, with a Welsh sentence in the first speech of the Welsh debate page."""
    copy_sample_pages(folder)
    edit_page(
        folder,
        WELSH_URL,
        [("commitment to NATO.</p>", f"commitment to NATO. {WELSH_SENTENCE}</p>")],
    )
    return folder


def test_a_utf8_welsh_page_declared_iso_8859_1_is_read_as_utf8_and_its_recheck_changes_nothing(
    tmp_path: Path,
) -> None:
    pages = welsh_pages(tmp_path / "pages")
    corpus = tmp_path / "corpus"
    welsh_day = {"interface": "cy", "since": "2025-02-10", "until": "2025-02-10"}
    first = crawl(HANSARD_SPIDER, welsh_day, corpus, folder=pages)
    assert first.returncode == 0, first.stderr[-3000:]
    [before] = first.read("debates")  # read now: the next crawl rewrites the files
    stored = by_id([before])[DEBATE_ID]
    assert WELSH_SENTENCE in stored["speeches"][0]["text"]

    wrong = {WELSH_URL: charset("iso-8859-1")}
    # Conditional requests off: the page is fetched whole again, as a re-check would.
    again = crawl(
        HANSARD_SPIDER, welsh_day, corpus, wrong, folder=pages, FETCH_CONDITIONAL_ENABLED="False"
    )
    assert again.returncode == 0, again.stderr[-3000:]
    assert again.stats["corpus/decode/declared_overridden"] == 1
    assert "corpus/debate/updated" not in again.stats
    [record] = again.read("debates")
    assert record == before
    assert "Ã" not in json.dumps(record, ensure_ascii=False)


def test_a_windows_1252_page_declared_right_stays_right(clean_articles, tmp_path: Path) -> None:
    page = article_page().decode("utf-8").encode("cp1252")
    result = news_crawl(
        tmp_path / "corpus",
        {ARTICLE_URL: body(page, "text/html; charset=windows-1252")},
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert result.stats["corpus/decode/declared"] == 1
    assert by_id(result.read("articles")) == clean_articles


def test_invalid_bytes_are_flagged_and_the_record_kept(clean_articles, tmp_path: Path) -> None:
    page = article_page().replace(b"on the Round Tower", b"on the Round \xff\xfeTower", 1)
    result = news_crawl(tmp_path / "corpus", {ARTICLE_URL: body(page)})
    assert result.returncode == 0, result.stderr[-3000:]
    assert result.stats["corpus/article/replacement_characters"] == 1
    articles = by_id(result.read("articles"))
    damaged = articles.pop(ARTICLE_ID)
    clean = dict(clean_articles)
    expected = clean.pop(ARTICLE_ID)
    assert articles == clean
    assert "on the Round \ufffd\ufffdTower" in damaged["text"]
    assert damaged["flags"] == [*expected["flags"], REPLACEMENT_FLAG]


# --------------------------------------------------------------------- bodies cut short
def test_a_page_cut_mid_character_is_lost_as_truncated(clean_articles, tmp_path: Path) -> None:
    page = article_page()
    quote = page.index("“".encode())
    result = news_crawl(tmp_path / "corpus", {ARTICLE_URL: body(page[: quote + 1])})
    assert_article_lost(result, clean_articles, "truncated")
    assert "stops in the middle of a character" in result.stderr


def test_a_connection_closed_early_without_content_length_is_lost(
    clean_articles, tmp_path: Path
) -> None:
    result = news_crawl(tmp_path / "corpus", {ARTICLE_URL: cut(0.5)})
    assert_article_lost(result, clean_articles, "truncated")
    assert "no Content-Length and the HTML ends without its closing tag" in result.stderr


def test_a_connection_closed_early_with_content_length_is_lost(
    clean_articles, tmp_path: Path
) -> None:
    result = news_crawl(tmp_path / "corpus", {ARTICLE_URL: cut(0.5, with_length=True)})
    assert result.returncode == 1
    assert "Page lost (truncated" in result.stderr
    assert result.stats["corpus/lost_pages"] == [f"truncated: {ARTICLE_URL}"]
    # Retries given up are warnings; the lost page is what fails the crawl.
    assert reason_line(result).endswith(failed("truncated"))
    expected = {key: value for key, value in clean_articles.items() if key != ARTICLE_ID}
    assert by_id(result.read("articles")) == expected


def test_chunked_responses_give_the_clean_corpus(clean_articles, tmp_path: Path) -> None:
    result = news_crawl(tmp_path / "corpus", default=chunked())
    assert result.returncode == 0, result.stderr[-3000:]
    assert "corpus/lost_pages" not in result.stats
    assert by_id(result.read("articles")) == clean_articles


def test_a_gzip_bomb_is_lost_not_dropped_silently(clean_articles, tmp_path: Path) -> None:
    result = news_crawl(
        tmp_path / "corpus", {ARTICLE_URL: gzip_bomb(4)}, DOWNLOAD_MAXSIZE=str(1024 * 1024)
    )
    assert_article_lost(result, clean_articles, "too_large")


# --------------------------------------------------------------------- not the article
def test_a_consent_wall_in_place_of_an_article_is_lost(clean_articles, tmp_path: Path) -> None:
    result = news_crawl(tmp_path / "corpus", {ARTICLE_URL: status(200, bad_pages.CONSENT_WALL)})
    assert_article_lost(result, clean_articles, "consent_wall")


def test_a_redirect_to_a_consent_host_is_lost(clean_articles, tmp_path: Path) -> None:
    consent = "https://consent.ukdefencejournal.org.uk/?continue=minehunter"
    faults = {ARTICLE_URL: redirect(consent, 302), consent: status(200, bad_pages.CONSENT_WALL)}
    result = news_crawl(tmp_path / "corpus", faults)
    assert result.returncode == 1
    assert reason_line(result).endswith(failed("consent_wall"))
    assert result.stats["corpus/lost_pages"] == [f"consent_wall: {consent}"]
    expected = {key: value for key, value in clean_articles.items() if key != ARTICLE_ID}
    assert by_id(result.read("articles")) == expected


def test_the_themes_404_page_served_with_200_is_lost(clean_articles, tmp_path: Path) -> None:
    result = news_crawl(tmp_path / "corpus", {ARTICLE_URL: status(200, bad_pages.WORDPRESS_404)})
    assert_article_lost(result, clean_articles, "soft_404")


def test_an_empty_200_is_lost(clean_articles, tmp_path: Path) -> None:
    result = news_crawl(tmp_path / "corpus", {ARTICLE_URL: status(200, bad_pages.EMPTY_200)})
    assert_article_lost(result, clean_articles, "empty_body")


# --------------------------------------------------------------------- re-checks
def test_a_recheck_with_invalid_bytes_keeps_the_stored_article(
    clean_news: CrawlResult, tmp_path: Path
) -> None:
    corpus = copy_corpus(clean_news.corpus, tmp_path / "corpus")
    before = clean_news.read("articles")
    damaged = article_page().replace(b"on the Round Tower", b"on the Round \xff\xfeTower", 1)
    again = news_crawl(corpus, {ARTICLE_URL: body(damaged)}, FETCH_CONDITIONAL_ENABLED="False")
    assert again.returncode == 0, again.stderr[-3000:]
    assert again.stats["corpus/article/worse_kept"] == 1
    assert f"Kept the stored article {ARTICLE_ID}: the copy fetched from {ARTICLE_URL}" in (
        again.stderr
    )
    assert by_id(again.read("articles")) == by_id(before)
    kept = next(record for record in again.read("articles") if record["id"] == ARTICLE_ID)
    assert kept == next(record for record in before if record["id"] == ARTICLE_ID)


def test_a_recheck_of_an_edited_article_still_updates_it(
    clean_news: CrawlResult, tmp_path: Path
) -> None:
    corpus = copy_corpus(clean_news.corpus, tmp_path / "corpus")
    before = next(record for record in clean_news.read("articles") if record["id"] == ARTICLE_ID)
    edited = article_page().replace(b"on the jetty.", b"on the jetty as she came alongside.", 1)
    again = news_crawl(corpus, {ARTICLE_URL: body(edited)}, FETCH_CONDITIONAL_ENABLED="False")
    assert again.returncode == 0, again.stderr[-3000:]
    assert "corpus/article/worse_kept" not in again.stats
    record = next(record for record in again.read("articles") if record["id"] == ARTICLE_ID)
    assert "on the jetty as she came alongside." in record["text"]
    assert "on the jetty as she came alongside." not in before["text"]
    assert record["last_changed"] > before["last_changed"]


def test_a_recheck_of_a_welsh_page_with_invalid_bytes_keeps_the_stored_debate(
    clean_hansard: CrawlResult, clean_debates, tmp_path: Path
) -> None:
    corpus = copy_corpus(clean_hansard.corpus, tmp_path / "corpus")
    page = (SAMPLE_PAGES / "cy.theyworkforyou.com/debates/id-2025-02-10a.1.1.html").read_bytes()
    damaged = page.replace(b"commitment to NATO.", b"commitment to \xff\xfeNATO.", 1)
    again = crawl(
        HANSARD_SPIDER,
        HANSARD_WINDOW,
        corpus,
        {WELSH_URL: body(damaged)},
        FETCH_CONDITIONAL_ENABLED="False",
    )
    assert again.returncode == 0, again.stderr[-3000:]
    assert again.stats["corpus/debate/worse_kept"] == 1
    assert by_id(again.read("debates")) == clean_debates
    assert REPLACEMENT_FLAG not in json.dumps(again.read("debates"))


# --------------------------------------------------------------------- debates
def test_a_debate_page_whose_speeches_carry_no_gids_is_lost(clean_debates, tmp_path: Path) -> None:
    page = (SAMPLE_PAGES / "cy.theyworkforyou.com/debates/id-2025-02-10a.1.1.html").read_text()
    without_gids = page.replace('class="debate-speech" id="g', 'class="debate-speech" data-x="g')
    assert without_gids != page
    result = crawl(
        HANSARD_SPIDER,
        HANSARD_WINDOW,
        tmp_path / "corpus",
        {WELSH_URL: body(without_gids.encode())},
    )
    assert result.returncode == 1
    assert reason_line(result).endswith(failed("no_gids"))
    assert result.stats["corpus/lost_pages"] == [f"no_gids: {WELSH_URL}"]
    debates = by_id(result.read("debates"))
    # The English page of that debate is stored; nothing of the Welsh page is.
    assert debates[DEBATE_ID]["interfaces"] == ["en"]
    assert WELSH_URL not in debates[DEBATE_ID]["urls"]
    assert NO_GID_FLAG not in json.dumps(debates)
    others = {key: value for key, value in debates.items() if key != DEBATE_ID}
    assert others == {key: value for key, value in clean_debates.items() if key != DEBATE_ID}


# --------------------------------------------------------------------- parser errors
def test_a_page_whose_parser_raises_is_lost_and_the_crawl_goes_on(tmp_path: Path) -> None:
    broken = "https://ukdefencejournal.org.uk/feed/"
    good = ARTICLE_URL
    result = crawl(
        "parser_failure",
        {"urls": f"{broken},{good}"},
        tmp_path / "corpus",
        SPIDER_MODULES="crawler.spiders,tests.support.spiders",
    )
    assert result.returncode == 1
    assert reason_line(result).endswith(failed("parser_error"))
    lines = [line for line in result.stderr.splitlines() if "parser_error" in line]
    assert lines[0].endswith(
        f"Page lost (parser_error: ValueError: cannot parse this page): {broken}"
    )
    assert "Traceback" not in result.stderr  # at DEBUG only
    assert [record["url"] for record in result.read("articles")] == [good]
