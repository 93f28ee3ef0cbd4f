"""Telling an article from a listing from anything else, on small pages written for each case.

Each page reproduces one class of real markup: the publisher's structured
markers, an article told only by its markup or its URL, and listing pages
(home, category, archive) that carry no archive marker at all.
"""

from __future__ import annotations

import pytest
from parsel import Selector

from crawler.pages.discovery import article_markers, article_url_shape, page_kind

SITE = "https://www.navylookout.example"
ARTICLE_URL = f"{SITE}/hms-cromarty-returns-to-portsmouth-after-three-years-in-the-gulf/"

SENTENCE = (
    "The minehunter sailed into Portsmouth on Tuesday morning after three years in the Gulf, "
    "where her crews rotated every four months while the hull stayed forward. "
)


def prose(paragraphs: int, sentences: int = 3) -> str:
    return "".join(f"<p>{SENTENCE * sentences}</p>" for _ in range(paragraphs))


def page(head: str = "", body: str = "", body_class: str = "") -> Selector:
    return Selector(
        text=f'<html><head><title>A page</title>{head}</head><body class="{body_class}">'
        f'<header><a href="/">Navy Lookout</a><nav><a href="/news/">News</a></nav></header>'
        f"{body}<footer><a href='/about/'>About</a></footer></body></html>"
    )


def teasers(count: int, *, excerpt: bool = True, tag: str = "div", css: str = "teaser") -> str:
    items = []
    for number in range(count):
        url = f"{SITE}/type-{number}-frigate-programme-passes-its-next-milestone/"
        summary = f"<p>Short summary of story {number}.</p>" if excerpt else ""
        items.append(
            f'<{tag} class="{css}"><h3><a href="{url}">Type {number} frigate programme passes'
            f" its next milestone</a></h3>{summary}</{tag}>"
        )
    return "".join(items)


SIDEBAR = f'<div class="sidebar"><h4>Most read</h4>{teasers(8, excerpt=False)}</div>'

ARTICLES = {
    "json-ld in a Yoast graph": page(
        '<script type="application/ld+json">{"@context": "https://schema.org", "@graph": ['
        '{"@type": "WebPage"}, {"@type": "NewsArticle", "headline": "x"}]}</script>'
    ),
    "json-ld article as a page's main entity": page(
        '<script type="application/ld+json">{"@type": "WebPage",'
        ' "mainEntity": {"@type": "BlogPosting", "headline": "x"}}</script>'
    ),
    "json-ld in a CDATA section": page(
        '<script type="application/ld+json"><![CDATA[{"@type": "Article"}]]></script>'
    ),
    "og:type article": page('<meta property="og:type" content="article">'),
    "article:published_time alone": page(
        '<meta property="og:type" content="website">'
        '<meta property="article:published_time" content="2025-02-11T09:00:00+00:00">'
    ),
    "WordPress single-post body class": page(body_class="post-template-default single single-post"),
    "articleBody with prose, og:type website": page(
        '<meta property="og:type" content="website">',
        f'<div itemprop="articleBody">{prose(3)}</div>{SIDEBAR}',
    ),
    "one main <article> with prose among teasers": page(
        "",
        f"<main><article><h1>HMS Cromarty returns</h1>{prose(4)}</article></main>{SIDEBAR}",
    ),
    "long-slug URL with a short text beside a sidebar of teasers": page(
        "", f'<div class="col-md-9">{prose(1)}</div>{SIDEBAR}'
    ),
    "long text in <br>-separated lines, no marker at all": page(
        "",
        '<div id="story">' + "<br><br>".join([SENTENCE * 3] * 6) + "</div>",
    ),
}


@pytest.mark.parametrize("name", ARTICLES)
def test_articles_are_recognised_from_the_page(name):
    url = ARTICLE_URL if "URL" in name else f"{SITE}/news_view.html?idx=8576"
    assert page_kind(ARTICLES[name], url) == "article"


LISTINGS = {
    # A news site's home page: og:type website, teaser headlines with one-line summaries.
    "home page of teasers": (
        f"{SITE}/",
        page('<meta property="og:type" content="website">', teasers(12)),
    ),
    # tagDiv-style category page, with the category's name as a long slug.
    "category page whose own URL is a long slug": (
        f"{SITE}/category/defence-and-security-industry-news/",
        page(
            '<meta property="og:type" content="website">',
            teasers(10, tag="div", css="td_module_wrap"),
        ),
    ),
    # Drupal views listing (a "services" section), no og:type at all.
    "section listing of views rows": (
        f"{SITE}/services/navy",
        page("", f'<div class="view-content">{teasers(8, css="views-row")}</div>'),
    ),
    # A theme that prints every teaser as an <article> with an excerpt.
    "grid of <article> teasers with excerpts": (
        f"{SITE}/news/",
        page("", teasers(9, tag="article", css="post")),
    ),
    # WordPress says so in its body class.
    "WordPress archive": (
        f"{SITE}/author/george-allison/",
        page("", teasers(3), body_class="archive author author-george-allison"),
    ),
}


@pytest.mark.parametrize("name", LISTINGS)
def test_pages_of_teasers_are_listings(name):
    url, selector = LISTINGS[name]
    assert page_kind(selector, url) == "listing"


def test_a_page_with_neither_prose_nor_teasers_is_other():
    stub = page("", "<h1>Contact us</h1><p>Write to the editor.</p>")
    assert page_kind(stub, f"{SITE}/contact/") == "other"


def test_markers_name_each_sign_found():
    selector = page(
        '<meta property="og:type" content="article">'
        '<meta property="article:published_time" content="2025-02-11T09:00:00Z">',
        f"<article>{prose(4)}</article>",
    )
    assert article_markers(selector, ARTICLE_URL) == [
        "og:type",
        "published-time",
        "main-text",
        "url",
    ]


@pytest.mark.parametrize(
    ("url", "shaped"),
    [
        (ARTICLE_URL, True),
        ("https://dealbreaker.example/2019/11/opening-bell-11-18-19", True),
        ("https://www.example.com/2016/02/01/news/economy/poverty/index.html", True),
        ("https://news.example/columnists/201911181077343476-royal-arrogance/", True),
        ("https://www.example.com/news/google-launch-stadia-1255663", True),
        ("https://www.example.com/article/434715-The-American-friends-New-court-files", True),
        ("https://www.forcesnews.example/services/navy", False),
        ("https://www.example.com/author/george-allison/", False),
        ("https://www.example.com/", False),
        ("https://www.example.com/news/", False),
        ("https://www.example.com/tag/royal-navy/", False),
    ],
)
def test_article_url_shape(url, shaped):
    assert article_url_shape(url) is shaped
