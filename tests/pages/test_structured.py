"""Helpers under the extractor: title suffixes, languages, JSON-LD references."""

from __future__ import annotations

import pytest
from parsel import Selector

from crawler.pages.article import iso_language, strip_site_name
from crawler.pages.structured import JsonLd, person_names, site_name
from tests.pages.conftest import ARTICLE_URLS, parsed
from tests.support.pages import saved_response


@pytest.mark.parametrize("url", ARTICLE_URLS)
def test_document_title_minus_site_name_is_the_headline(url):
    # Every saved page's <title> is "<headline> - UK Defence Journal" or "<headline> | Forces News".
    document_title = saved_response(url).css("title::text").get()
    article = parsed(url)
    assert document_title != article.title
    assert strip_site_name(document_title, [article.site]) == article.title


@pytest.mark.parametrize(
    "title",
    [
        "Type 26 frigate - what next?",  # a dash inside the headline stays
        "UK Defence Journal at ten",  # the site's name opening a headline stays
        "UK Defence Journal",  # a bare site name is not emptied
    ],
)
def test_headlines_without_a_site_suffix_are_untouched(title):
    assert strip_site_name(title, ["UK Defence Journal"]) == title


@pytest.mark.parametrize(
    ("code", "language"),
    [("en-GB", "en"), ("en_GB", "en"), ("cy", "cy"), ("cy-GB", "cy"), ("", None), ("eng", None)],
)
def test_language_tags_become_iso_639_1(code, language):
    assert iso_language(code) == language


# Yoast SEO before v20 printed author references with no name: {"@id": …} only.
OLD_YOAST_GRAPH = """<script type="application/ld+json" class="yoast-schema-graph">
{"@context":"https://schema.org","@graph":[
 {"@type":"Article","@id":"https://ukdefencejournal.org.uk/x/#article",
  "author":{"@id":"https://ukdefencejournal.org.uk/#/schema/person/4c1b6a9d"},
  "headline":"x","publisher":{"@id":"https://ukdefencejournal.org.uk/#organization"}},
 {"@type":"Organization","@id":"https://ukdefencejournal.org.uk/#organization",
  "name":"UK Defence Journal"},
 {"@type":["Person"],"@id":"https://ukdefencejournal.org.uk/#/schema/person/4c1b6a9d",
  "name":"George Allison"}]}
</script>"""


def test_author_reference_is_resolved_to_the_person_node():
    jsonld = JsonLd.from_selector(Selector(text=OLD_YOAST_GRAPH))
    assert person_names(jsonld.article()["author"], jsonld) == ["George Allison"]


def test_organisation_as_author_is_not_a_byline():
    jsonld = JsonLd.from_selector(Selector(text=OLD_YOAST_GRAPH))
    assert person_names(jsonld.article()["publisher"], jsonld) == []


def test_broken_json_ld_block_is_counted_not_fatal():
    page = Selector(text='<script type="application/ld+json">{"@type": "NewsArticle",</script>')
    jsonld = JsonLd.from_selector(page)
    assert jsonld.invalid_blocks == 1
    assert jsonld.article() is None


# --- JSON-LD as pages really write it ----------------------------------------------------
def _article(script_body: str) -> dict | None:
    page = Selector(text=f'<html><head><script type="application/ld+json">{script_body}</script>')
    return JsonLd.from_selector(page).article()


@pytest.mark.parametrize(
    "script_body",
    [
        # A CDATA section, bare or inside JavaScript comments.
        '<![CDATA[ {"@type": "NewsArticle", "headline": "Typhoons scrambled"} ]]>',
        '//<![CDATA[\n{"@type": "NewsArticle", "headline": "Typhoons scrambled"}\n//]]>',
        '<!-- {"@type": "NewsArticle", "headline": "Typhoons scrambled"} -->',
        # Trailing commas and a commented-out value.
        '{"@type": "NewsArticle", "headline": "Typhoons scrambled", "keywords": ["RAF",],}',
        '{"@type": "NewsArticle", // "Person",\n "headline": "Typhoons scrambled"}',
        # A raw newline inside a string.
        '{"@type": "NewsArticle", "headline": "Typhoons\nscrambled"}',
        # Two objects one after the other.
        '{"@type": "WebSite", "name": "x"}\n'
        '{"@type": "NewsArticle", "headline": "Typhoons scrambled"}',
        # The article as a web page's main entity.
        '{"@type": "WebPage",'
        ' "mainEntity": {"@type": "NewsArticle", "headline": "Typhoons scrambled"}}',
        # Types as URLs, lists and prefixed names; an object-valued @context.
        '{"@type": "http://schema.org/NewsArticle", "headline": "Typhoons scrambled"}',
        '{"@type": ["WebPage", "ReportageNewsArticle"], "headline": "Typhoons scrambled"}',
        '{"@context": {"@vocab": "http://schema.org/", "s": "http://schema.org/"},'
        ' "@type": "s:NewsArticle", "headline": "Typhoons scrambled"}',
        '{"@graph": [{"@type": "BreadcrumbList"},'
        ' {"@type": "BlogPosting", "headline": "Typhoons scrambled"}]}',
    ],
)
def test_json_ld_written_by_hand_is_read(script_body):
    article = _article(script_body)
    assert article is not None
    assert article["headline"].split() == ["Typhoons", "scrambled"]


def test_html_entities_in_json_ld_values_are_decoded():
    article = _article('{"@type": "NewsArticle", "headline": "BAE &amp; Babcock&#8217;s bid"}')
    assert article["headline"] == "BAE & Babcock’s bid"


def test_comment_markers_inside_json_ld_strings_are_kept():
    article = _article(
        '{"@type": "NewsArticle", "url": "https://example.org/a//b", "headline": "x",}'
    )
    assert article["url"] == "https://example.org/a//b"


@pytest.mark.parametrize(
    ("head", "name"),
    [
        ('<meta property="og:site_name" content="Navy Lookout">', "Navy Lookout"),
        # A handle or a URL is not a name: the JSON-LD publisher comes next.
        (
            '<meta property="og:site_name" content="@navylookout">'
            '<script type="application/ld+json">{"@type": "NewsArticle",'
            ' "publisher": {"@type": "Organization", "name": "Navy Lookout"}}</script>',
            "Navy Lookout",
        ),
        (
            '<meta property="og:site_name" content="https://www.navylookout.com/">',
            "navylookout.com",
        ),
        ("", "navylookout.com"),
    ],
)
def test_site_name_from_og_site_name_then_publisher_then_host(head, name):
    page = Selector(text=f"<html><head>{head}</head><body></body></html>")
    assert site_name(page, "https://www.navylookout.com/some-article/") == name


def test_articles_listed_as_a_collection_page_s_main_entity_are_not_the_page_s_article():
    article = _article(
        '{"@type": "CollectionPage", "mainEntity": {"@type": "ItemList", "itemListElement": ['
        '{"@type": "NewsArticle", "headline": "One"}]}}'
    )
    assert article is None
    assert _article('{"@type": "CollectionPage", "mainEntity": {"@type": "NewsArticle"}}') is None
