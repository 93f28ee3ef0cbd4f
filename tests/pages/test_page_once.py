"""Each page is parsed once: cheap evidence decides its kind, its JSON-LD is decoded once.

Run on the saved pages of ``sample_pages/`` and through a real crawl of them:
the page check, the page kind, the article reader and the site name share one
Selector (the response's) and one :class:`~crawler.pages.structured.PageData`.
"""

from __future__ import annotations

import gc
import json
import weakref
from collections import Counter
from pathlib import Path
from typing import Any

import parsel.selector as parsel_selector
import pytest
from parsel import Selector

from crawler.outlets import load_outlets, outlet_for_url
from crawler.pages import discovery, structured
from crawler.pages.article import parse_article
from crawler.pages.discovery import page_kind
from crawler.sample_corpus import SAMPLE_CRAWLS
from tests.pages.conftest import ARTICLE_URLS
from tests.support.crawl import crawl_in_process
from tests.support.pages import SAMPLE_PAGES, saved_response


def html_urls() -> list[str]:
    urls = []
    for line in (SAMPLE_PAGES / "manifest.jsonl").read_text(encoding="utf-8").splitlines():
        entry = json.loads(line)
        if entry.get("status", 200) == 200 and "html" in entry["headers"]["Content-Type"]:
            urls.append(entry["url"])
    return urls


def meta_by_xpath(selector: Selector, *names: str) -> list[str]:
    """The meta tags as one XPath query over the page reads them: the reference."""
    wanted = {name.lower() for name in names}
    found = []
    for meta in selector.xpath("//meta[@content]"):
        key = (meta.attrib.get("property") or meta.attrib.get("name") or "").lower()
        if key in wanted and meta.attrib["content"].strip():
            found.append(meta.attrib["content"].strip())
    return found


META_NAMES = [
    ("og:type",),
    ("og:site_name",),
    ("article:published_time",),
    ("article:tag", "article:section"),
    ("author", "article:author", "dc.creator"),
    ("og:title", "twitter:title"),
    ("description",),
]


@pytest.mark.parametrize("url", html_urls())
def test_meta_index_reads_what_the_xpath_reads(url: str) -> None:
    selector = saved_response(url).selector
    for names in META_NAMES:
        assert structured.meta_values(selector, *names) == meta_by_xpath(selector, *names)


@pytest.mark.parametrize("url", ARTICLE_URLS)
def test_jsonld_is_decoded_once_for_page_kind_and_article(
    url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    decoded: list[str] = []
    real = structured.parse_jsonld

    def counting(raw: str) -> object:
        decoded.append(raw)
        return real(raw)

    monkeypatch.setattr(structured, "parse_jsonld", counting)
    response = saved_response(url)
    blocks = len(response.xpath('//script[@type="application/ld+json"]'))
    outlet = outlet_for_url(url, load_outlets(None))
    assert outlet is not None
    assert page_kind(response) == "article"
    item = parse_article(response, url=url, outlet=outlet, fetched_at="2025-11-21T05:42:17Z")
    structured.site_name(response.selector, url)
    assert item.title
    assert len(decoded) == blocks


@pytest.mark.parametrize("url", ARTICLE_URLS)
def test_publisher_markers_decide_without_reading_the_text(
    url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refuse(*_: object) -> None:
        raise AssertionError("text measures read on a page with a publisher's marker")

    for name in ("_main_text", "_prose_chars", "teaser_links", "listing_items"):
        monkeypatch.setattr(discovery, name, refuse)
    assert page_kind(saved_response(url)) == "article"


def test_page_without_markers_still_gets_the_text_measures() -> None:
    body = "".join(
        f"<p>{'The frigate sailed from Portsmouth on Monday. ' * 12}</p>" for _ in range(4)
    )
    page = Selector(
        text=f"<html><head><title>t</title></head><body><div>{body}</div></body></html>"
    )
    assert discovery.article_markers(page, "https://example.org/about/") == []
    assert page_kind(page, "https://example.org/about/") == "article"


def test_page_data_lives_only_as_long_as_its_page() -> None:
    page = Selector(text='<html><head><meta property="og:type" content="article"></head></html>')
    assert structured.meta_values(page, "og:type") == ["article"]
    assert structured.page_data(page).jsonld.nodes == []
    gone = weakref.ref(page)
    del page
    gc.collect()
    assert gone() is None


def test_a_news_crawl_parses_each_page_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    parsed: Counter[str] = Counter()
    real = parsel_selector.create_root_node

    def counting(text: str, parser_cls: Any, base_url: str | None = None, **kwargs: Any) -> Any:
        if base_url and len(text or kwargs.get("body") or b"") > 2000:
            parsed[base_url] += 1
        return real(text, parser_cls, base_url=base_url, **kwargs)

    monkeypatch.setattr(parsel_selector, "create_root_node", counting)
    spider, args = SAMPLE_CRAWLS[0]
    result = crawl_in_process(spider, tmp_path / "corpus", args=args)
    assert result.returncode == 0
    assert result.stats["corpus/news/article/parsed"] >= 5
    assert parsed and max(parsed.values()) == 1, parsed.most_common(3)
