"""A second outlet (Forces News, Drupal) read by the generic path, with no selectors."""

from __future__ import annotations

import pytest

from tests.pages.conftest import (
    ARTICLE_URLS,
    FN_ARMY_URL,
    FN_SYNDICATED_URL,
    INDUSTRY_URL,
    outlet,
    parsed,
)


def test_forces_news_has_no_selectors_configured():
    assert outlet("forcesnews").selectors is None


def test_no_field_of_the_second_outlet_comes_from_selectors():
    for url in (FN_SYNDICATED_URL, FN_ARMY_URL):
        assert "selectors" not in parsed(url).extraction.values()


def test_json_ld_article_gives_title_byline_and_dates():
    article = parsed(FN_SYNDICATED_URL)
    assert article.title == "Uncrewed minehunter finishes Clyde trials"
    assert article.authors == ["Hannah Whitfield"]
    assert article.published_raw == "2025-02-12T16:05:00+00:00"
    assert article.modified_raw == "2025-02-12T16:41:19+00:00"
    assert article.extraction["authors"] == "json-ld"


def test_body_found_by_markup_without_read_more_box_or_furniture():
    paragraphs = parsed(FN_SYNDICATED_URL).text.split("\n\n")
    assert len(paragraphs) == 7
    assert paragraphs[0].startswith("An uncrewed minehunting boat built for the Royal Navy")
    assert paragraphs[-1].startswith("Kestrel Marine Systems said further trials")
    joined = "\n".join(paragraphs)
    for furniture in (
        "Read more",
        "Sign up to our newsletter",
        "Picture:",
        "Share",
        "Related stories",
    ):
        assert furniture not in joined


def test_syndicated_copy_shares_most_paragraphs_with_the_original():
    copy = set(parsed(FN_SYNDICATED_URL).text.split("\n\n"))
    original = set(parsed(INDUSTRY_URL).text.split("\n\n"))
    assert len(copy & original) == 4
    assert parsed(FN_SYNDICATED_URL).title != parsed(INDUSTRY_URL).title


def test_page_with_only_opengraph_takes_title_and_dates_from_meta():
    article = parsed(FN_ARMY_URL)
    assert article.title == "Soldiers test new counter-drone kit on Salisbury Plain"
    assert article.published_raw == "2025-02-11T17:30:00+0000"
    assert article.extraction["title"] == "opengraph"
    assert article.extraction["published_raw"] == "opengraph"


def test_byline_found_by_rel_author_in_markup():
    article = parsed(FN_ARMY_URL)
    assert article.authors == ["Tom Marsh"]
    assert article.extraction["authors"] == "markup"


def test_soldier_quoted_in_text_is_not_an_author():
    assert "Bombardier Lewis Carter" in parsed(FN_ARMY_URL).text
    assert "Lewis Carter" not in " ".join(parsed(FN_ARMY_URL).authors)


def test_tags_and_section_from_article_meta():
    assert parsed(FN_ARMY_URL).tags == ["British Army", "Drones", "Royal Artillery", "Army"]


def test_language_from_og_locale():
    assert parsed(FN_ARMY_URL).language == "en"
    assert parsed(FN_ARMY_URL).extraction["language"] == "opengraph"


# --- invariants over every saved article ----------------------------------------------
@pytest.mark.parametrize("url", ARTICLE_URLS)
def test_every_article_has_title_text_and_date(url):
    article = parsed(url)
    assert article.title and article.text and article.published_raw
    assert article.flags == []


@pytest.mark.parametrize("url", ARTICLE_URLS)
def test_no_title_keeps_a_site_name_suffix(url):
    title = parsed(url).title
    assert not title.endswith(("UK Defence Journal", "Forces News"))


@pytest.mark.parametrize("url", ARTICLE_URLS)
def test_no_body_holds_furniture(url):
    text = parsed(url).text
    for furniture in (
        "At the UK Defence Journal, we aim",
        "Click here to donate",
        "Avatar photo",
        "Stay Connected",
        "More Stories",
        "View all comments",
    ):
        assert furniture not in text


@pytest.mark.parametrize("url", ARTICLE_URLS)
def test_paragraphs_are_trimmed_and_non_empty(url):
    for paragraph in parsed(url).text.split("\n\n"):
        assert paragraph and paragraph == paragraph.strip()
