"""Pages that are not what the crawl asked for, recognised on small pages written for each case."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from scrapy.http import HtmlResponse, Response, XmlResponse

from crawler.pagecheck.problems import content_problem, truncation
from tests.support import bad_pages
from tests.support.pages import SAMPLE_PAGES, saved_response

URL = "https://ukdefencejournal.org.uk/some-article/"


def html(body: bytes, url: str = URL, flags: list[str] | None = None) -> HtmlResponse:
    headers = {"Content-Type": "text/html; charset=utf-8"}
    return HtmlResponse(url, body=body, headers=headers, flags=flags or [], encoding="utf-8")


@pytest.mark.parametrize(
    ("page", "reason"),
    [
        (bad_pages.WORDPRESS_404, "soft_404"),
        (bad_pages.CONSENT_WALL, "consent_wall"),
        (bad_pages.EMPTY_200, "empty_body"),
        (bad_pages.NEAR_EMPTY_200, "empty_body"),
    ],
)
def test_a_page_standing_in_for_an_article_is_recognised(page: bytes, reason: str) -> None:
    problem = content_problem(html(page))
    assert problem is not None
    assert problem.reason == reason


def test_a_404_title_alone_marks_a_soft_404() -> None:
    page = bad_pages.WORDPRESS_404.replace(b'class="error404 ', b'class="')
    problem = content_problem(html(page))
    assert problem is not None and problem.reason == "soft_404"
    assert "page not found" in problem.detail


def test_a_consent_host_is_a_wall_whatever_its_title() -> None:
    page = bad_pages.CONSENT_WALL.replace(b"Before you continue", b"Example")
    problem = content_problem(html(page, "https://consent.example.org/?continue=article"))
    assert problem is not None and problem.reason == "consent_wall"
    assert "consent.example.org" in problem.detail


def test_an_article_behind_a_consent_banner_is_an_article() -> None:
    assert content_problem(html(bad_pages.CONSENT_BANNER_OVER_ARTICLE)) is None


def test_a_download_is_left_to_the_spider() -> None:
    # A PDF or a gzipped sitemap is not a bad page; the spider decides what it is.
    response = Response(URL, body=b"%PDF-1.7\n", headers={"Content-Type": "application/pdf"})
    assert content_problem(response) is None
    binary = HtmlResponse(URL, body=b"\x1f\x8b\x08", headers={"Content-Type": "application/x-gzip"})
    assert content_problem(binary) is None


def test_no_saved_page_is_taken_for_a_bad_page() -> None:
    for line in (SAMPLE_PAGES / "manifest.jsonl").read_text("utf-8").splitlines():
        entry = json.loads(line)
        if entry.get("status", 200) != 200 or entry["url"].endswith("robots.txt"):
            continue
        body = (SAMPLE_PAGES / entry["path"]).read_bytes()
        content_type = entry.get("headers", {}).get("Content-Type", "")
        if "json" in content_type or "csv" in content_type:
            # API answers and data files are judged as served, not as HTML pages.
            response = saved_response(entry["url"])
        else:
            response = html(body, entry["url"], flags=["partial"])
        assert content_problem(response) is None, entry["url"]
        assert truncation(response) is None, entry["url"]


def test_a_close_delimited_page_without_its_closing_tag_is_truncated() -> None:
    page = (SAMPLE_PAGES / "ukdefencejournal.org.uk" / "feed.xml").read_bytes()
    whole = bad_pages.CONSENT_BANNER_OVER_ARTICLE
    assert truncation(html(whole, flags=["partial"])) is None
    cut = truncation(html(whole[: len(whole) // 2], flags=["partial"]))
    assert cut is not None and cut.reason == "truncated"
    feed = XmlResponse(URL, body=page[: len(page) // 2], flags=["partial"], encoding="utf-8")
    assert truncation(feed) is not None
    assert truncation(XmlResponse(URL, body=page, flags=["partial"], encoding="utf-8")) is None


def test_a_page_with_content_length_is_truncated_only_when_it_stops_mid_character() -> None:
    whole = bad_pages.CONSENT_BANNER_OVER_ARTICLE.replace(b"ship's", "ship’s".encode())
    at = whole.index("’".encode())
    assert truncation(html(whole[:at])) is None  # the HTTP layer vouches for its end
    cut = truncation(html(whole[: at + 1]))
    assert cut is not None and "middle of a character" in cut.detail


def test_a_body_scrapy_marks_as_dataloss_is_truncated() -> None:
    problem = truncation(html(bad_pages.CONSENT_BANNER_OVER_ARTICLE, flags=["dataloss"]))
    assert problem is not None and problem.reason == "truncated"


def test_the_rules_live_in_one_data_file() -> None:
    rules = Path(__file__).resolve().parents[2] / "crawler" / "data" / "page_problems.json"
    data = json.loads(rules.read_text("utf-8"))
    assert {"soft_404", "consent"} <= set(data)


def test_an_xml_export_without_its_root_closing_tag_is_truncated() -> None:
    page = (
        SAMPLE_PAGES
        / "record.senedd.wales"
        / "XMLExport"
        / "Download-12920-BilingualTranscript.xml"
    ).read_bytes()
    whole = XmlResponse(URL, body=page, flags=["partial"], encoding="utf-8")
    cut = XmlResponse(URL, body=page[: len(page) // 2], flags=["partial"], encoding="utf-8")
    assert truncation(whole) is None
    problem = truncation(cut)
    assert problem is not None and "XML ends without its closing tag" in problem.detail
    assert content_problem(whole) is None  # a data export, read by its spider
