"""The seed article (UK Defence Journal, 11 February 2025), field by field."""

from __future__ import annotations

import pytest

from tests.pages.conftest import SEED_URL, expected, parsed

FIRST_PARAGRAPH_START = (
    "The UK Defence Secretary, John Healey, and US Defence Secretary, Pete Hegseth, recently "
    "reaffirmed"
)
LAST_PARAGRAPH = (
    "Healey reiterated the importance of NATO’s collective efforts, underscoring how the "
    "alliance has stepped up security measures in response to evolving threats."
)
# The page really has no opening quotation mark here.
MISSING_OPENING_QUOTE = (
    "Everyone in NATO, including every one of the European allies within NATO, is ready and is "
    "stepping up on Euro-Atlantic security,” Healey said. “This Wednesday I will have the "
    "privilege of chairing the Ukraine defence contact group… because we must stay with "
    "Ukraine for as long as it takes.”"
)


@pytest.fixture(scope="module")
def article():
    return parsed(SEED_URL)


def test_title_has_no_site_name_suffix(article):
    assert article.title == "What did US and UK Defence Secretaries talk about on call?"


def test_byline_is_george_allison_only(article):
    assert article.authors == ["George Allison"]


def test_people_quoted_in_the_text_are_not_authors(article):
    assert not {"John Healey", "Wendy Chamberlain", "Chris McDonald"} & set(article.authors)


def test_published_raw_is_the_timestamp_the_page_prints(article):
    assert article.published_raw == "2025-02-11T10:04:33+00:00"


def test_modified_raw_comes_from_the_yoast_graph(article):
    assert article.modified_raw == "2025-02-11T10:04:33+00:00"
    assert article.extraction["modified_raw"] == "json-ld"


def test_dates_are_left_for_the_normaliser(article):
    assert article.published is None and article.modified is None


def test_body_runs_from_first_to_last_paragraph_and_nothing_after(article):
    assert article.text.startswith(FIRST_PARAGRAPH_START)
    assert article.text.endswith(LAST_PARAGRAPH)


def test_body_is_the_seed_paragraphs_verbatim(article):
    assert article.text.split("\n\n") == expected("seed_article")["paragraphs"]


def test_paragraph_without_opening_quote_is_kept_verbatim(article):
    assert MISSING_OPENING_QUOTE in article.text.split("\n\n")


def test_typos_and_curly_quotes_are_not_corrected(article):
    assert "During the exchange int he Commons" in article.text
    assert "“I held the first call" in article.text
    assert '"' not in article.text


@pytest.mark.parametrize(
    "furniture",
    [
        "At the UK Defence Journal, we aim to deliver",  # donation appeal
        "Click here to donate",
        "George has a degree in Cyber Security",  # author box
        "More hot air and not called out by UKDJ",  # a comment
        "Healey to press allies on Ukraine",  # related posts
        "Photo: MoD/Crown copyright",  # featured image caption
        "Facebook",  # share buttons
        "Stay Connected",  # sidebar
        "COMMENTS",
    ],
)
def test_page_furniture_is_not_in_the_body(article, furniture):
    assert furniture not in article.text


def test_site_selectors_are_trusted_first(article):
    assert article.extraction["title"] == "selectors"
    assert article.extraction["authors"] == "selectors"
    assert article.extraction["published_raw"] == "selectors"
    assert article.extraction["text"] == "selectors"


def test_tags_are_the_yoast_keywords_and_section(article):
    assert article.tags == ["John Healey", "NATO", "Pete Hegseth", "Ukraine", "News"]


def test_language_is_iso_639_1(article):
    assert article.language == "en"


def test_canonical_url_is_the_rel_canonical(article):
    assert article.canonical_url == SEED_URL


def test_site_and_fetch_time_come_from_outlet_and_date_header(article):
    assert article.site == "UK Defence Journal"
    assert article.fetched_at == "2025-11-13T09:12:00+00:00"


def test_seed_has_no_flags(article):
    assert article.flags == []
