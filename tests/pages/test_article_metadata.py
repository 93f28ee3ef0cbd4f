"""Title, authors, dates and language of an article read by the generic path.

Small pages written for each rule, in the markup real publishers use.
"""

from __future__ import annotations

import pytest

from crawler.normalise.dates import parse_datetime
from crawler.outlets import generic_outlet
from crawler.pages.article import parse_article

URL = "https://www.navylookout.example/hms-cromarty-returns-to-portsmouth-after-three-years/"
BODY = "<p>" + "The minehunter sailed into Portsmouth after three years in the Gulf. " * 8 + "</p>"


def read(head: str = "", body: str = "", *, name: str = "Navy Lookout"):
    html = f"<html><head>{head}</head><body>{body}</body></html>"
    return parse_article(
        html, url=URL, outlet=generic_outlet(URL, name), fetched_at="2025-02-12T08:00:00+00:00"
    )


# --- title ---------------------------------------------------------------------------
def test_declared_headline_is_the_title_when_the_h1_words_it_differently():
    article = read(
        "<title>HMS Cromarty home after three years away | Navy Lookout</title>"
        '<meta property="og:title" content="HMS Cromarty home after three years away">',
        "<article><h1>HMS Cromarty is home after three years in the Gulf</h1>"
        + BODY
        + "</article>",
    )
    assert article.title == "HMS Cromarty home after three years away"
    assert article.extraction["title"] == "opengraph"


@pytest.mark.parametrize(
    "declared",
    [
        "HMS Cromarty returns to Portsmouth | Jane Doe",  # the author appended
        "HMS Cromarty returns to Portsmouth -- Lookout Online",  # a site name given nowhere else
        "HMS Cromarty returns to…",  # cut short
    ],
)
def test_h1_is_the_title_when_the_declared_one_decorates_or_cuts_it(declared):
    article = read(
        f'<meta property="og:title" content="{declared}">',
        "<article><h1>HMS Cromarty returns to Portsmouth</h1>" + BODY + "</article>",
    )
    assert article.title == "HMS Cromarty returns to Portsmouth"
    assert article.extraction["title"] == "markup"


def test_h1_matching_the_document_title_comes_before_it_when_nothing_else_is_declared():
    article = read(
        "<title>HMS Cromarty returns to Portsmouth - Lookout Online</title>",
        "<h1>Lookout Online</h1><article><h1>HMS Cromarty returns to Portsmouth</h1>"
        + BODY
        + "</article>",
    )
    assert article.title == "HMS Cromarty returns to Portsmouth"


def test_an_h1_that_is_not_the_headline_gives_way_to_og_title():
    # The site's logo as an <h1>, and a newsletter box's heading.
    article = read(
        '<meta property="og:title" content="HMS Cromarty returns to Portsmouth">',
        "<header><h1>Navy Lookout</h1></header>" + BODY + "<h1>Get the newsletter</h1>",
    )
    assert article.title == "HMS Cromarty returns to Portsmouth"
    assert article.extraction["title"] == "opengraph"


def test_json_ld_headline_is_taken_when_the_page_has_no_h1():
    article = read(
        '<script type="application/ld+json">{"@type": "NewsArticle",'
        ' "headline": "HMS Cromarty returns to Portsmouth"}</script>'
        '<meta property="og:title" content="HMS Cromarty returns | Navy Lookout">',
        BODY,
    )
    assert article.title == "HMS Cromarty returns to Portsmouth"


def test_site_name_after_a_double_dash_is_stripped():
    article = read('<meta property="og:title" content="HMS Cromarty returns -- Navy Lookout">')
    assert article.title == "HMS Cromarty returns"


# --- authors -------------------------------------------------------------------------
def test_byline_meta_naming_the_organisation_keeps_only_people():
    article = read('<meta name="author" content="Jane Doe, John Roe and Ann Poe, Navy Lookout">')
    assert article.authors == ["Jane Doe", "John Roe", "Ann Poe"]


def test_organisation_authors_in_json_ld_are_not_people():
    article = read(
        '<script type="application/ld+json">{"@type": "NewsArticle", "author": ['
        '{"@type": "Organization", "name": "Navy Lookout"},'
        ' {"@type": "Person", "name": "By Jane Doe"},'
        ' "https://www.facebook.com/navylookout"]}</script>'
    )
    assert article.authors == ["Jane Doe"]
    assert article.extraction["authors"] == "json-ld"


def test_author_url_in_article_author_meta_falls_through_to_the_markup_byline():
    article = read(
        '<meta property="article:author" content="https://www.facebook.com/janedoe">',
        '<div class="pb-sig-line"><span class="pb-byline">By <a href="/people/jane-doe">'
        "Jane Doe</a></span></div>" + BODY,
    )
    assert article.authors == ["Jane Doe"]
    assert article.extraction["authors"] == "markup"


def test_byline_among_caption_and_share_markup_is_read():
    # A byline list whose class words also name it a caption.
    article = read(
        "",
        '<ul class="caption meta"><li class="author" itemprop="author" itemscope>'
        '<span itemprop="name"><a href="/author/jane-doe">Jane Doe</a></span></li></ul>' + BODY,
    )
    assert article.authors == ["Jane Doe"]


def test_itemprop_with_several_values_names_the_author():
    article = read(
        "",
        '<p itemprop="author creator" itemscope>By <span itemprop="name">Jane Doe</span></p>'
        + BODY,
    )
    assert article.authors == ["Jane Doe"]


def test_bylines_of_related_posts_are_not_the_article_s():
    article = read(
        "",
        BODY + '<div class="related-posts"><div class="byline">By John Roe</div></div>'
        '<aside><span class="author">Ann Poe</span></aside>',
    )
    assert article.authors == []


# --- dates ---------------------------------------------------------------------------
def test_date_of_a_sidebar_post_is_not_the_article_s():
    article = read(
        "",
        '<div class="widget recent-posts"><article><time datetime="2025-03-01T10:00:00Z">'
        "1 March</time></article></div>"
        '<article><time datetime="2025-02-11T09:30:00Z">11 February</time>' + BODY + "</article>",
    )
    assert article.published_raw == "2025-02-11T09:30:00Z"


def test_date_from_a_publisher_meta_tag_prints_the_right_day():
    article = read(
        '<meta name="article_date_original" content="Saturday, December 27, 2014, 12:06 PM">'
    )
    assert article.published_raw == "Saturday, December 27, 2014, 12:06 PM"
    assert parse_datetime(article.published_raw).value.startswith("2014-12-27T12:06")


def test_json_ld_date_comes_before_a_meta_tag():
    article = read(
        '<meta property="article:published_time" content="2024-12-07T12:43:39Z">'
        '<script type="application/ld+json"><![CDATA[{"@context": {"@vocab": "http://schema.org/"},'
        ' "@type": "NewsArticle", "datePublished": "2024-12-06T22:00:40.000Z"}]]></script>'
    )
    assert article.published_raw == "2024-12-06T22:00:40.000Z"


def test_hatom_published_title_is_read():
    article = read("", '<abbr class="published" title="2015-07-10T09:53:00-04:00">July 10</abbr>')
    assert article.published_raw == "2015-07-10T09:53:00-04:00"


# --- language and site ---------------------------------------------------------------
def test_language_from_content_language_meta():
    article = read('<meta http-equiv="Content-Language" content="cy-GB">')
    assert article.language == "cy"


def test_generic_outlet_names_the_site():
    assert read().site == "Navy Lookout"
