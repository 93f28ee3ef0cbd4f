"""Helpers under the extractor: title suffixes, languages, JSON-LD references."""

from __future__ import annotations

import pytest
from parsel import Selector

from crawler.pages.article import iso_language, strip_site_name
from crawler.pages.structured import JsonLd, person_names
from tests.pages.conftest import ARTICLE_URLS, parsed, saved_response


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
