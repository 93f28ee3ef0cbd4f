"""Other UK Defence Journal pages: AMP and tracking copies, and the edge cases."""

from __future__ import annotations

from tests.pages.conftest import (
    INDUSTRY_URL,
    NO_BYLINE_URL,
    PARAPHRASE_URL,
    SEED_AMP_URL,
    SEED_TRACKING_URL,
    SEED_URL,
    UPDATED_URL,
    parsed,
)


# --- the AMP copy (AMP plugin, legacy reader template) -----------------------------
def test_amp_copy_has_the_same_title_byline_and_date():
    amp, main = parsed(SEED_AMP_URL), parsed(SEED_URL)
    assert (amp.title, amp.authors, amp.published_raw) == (
        main.title,
        main.authors,
        main.published_raw,
    )


def test_amp_copy_has_the_same_body():
    assert parsed(SEED_AMP_URL).text == parsed(SEED_URL).text


def test_amp_copy_points_at_the_main_url():
    assert parsed(SEED_AMP_URL).canonical_url == SEED_URL
    assert parsed(SEED_AMP_URL).url == SEED_AMP_URL


def test_amp_copy_is_read_without_the_site_selectors():
    extraction = parsed(SEED_AMP_URL).extraction
    assert extraction["title"] == "json-ld"
    assert extraction["authors"] == "json-ld"
    assert extraction["text"] == "markup"


def test_amp_copy_takes_category_and_tags_from_its_rel_tag_links():
    # The category link is rel="category tag"; the tag links are rel="tag".
    assert parsed(SEED_AMP_URL).tags == ["News", "John Healey", "NATO", "Pete Hegseth", "Ukraine"]
    assert parsed(SEED_AMP_URL).extraction["tags"] == "markup"


# --- the copy reached through a URL with tracking parameters -----------------------
def test_tracking_copy_keeps_its_fetched_url_and_names_the_clean_canonical():
    article = parsed(SEED_TRACKING_URL)
    assert article.url == SEED_TRACKING_URL
    assert article.canonical_url == SEED_URL
    assert article.text == parsed(SEED_URL).text


# --- no byline anywhere -----------------------------------------------------------
def test_page_without_byline_has_no_authors():
    article = parsed(NO_BYLINE_URL)
    assert article.authors == []
    assert "authors" not in article.extraction


def test_commanding_officer_quoted_in_text_is_not_made_an_author():
    assert "Lieutenant Commander Claire Hughes" in parsed(NO_BYLINE_URL).text
    assert parsed(NO_BYLINE_URL).authors == []


def test_page_without_byline_still_has_title_date_and_body():
    article = parsed(NO_BYLINE_URL)
    assert (
        article.title
        == "Minehunter HMS Cromarty returns to Portsmouth after three years in the Gulf"
    )
    assert article.published_raw == "2025-02-07T16:02:44+00:00"
    assert len(article.text.split("\n\n")) == 6


# --- an updated article -------------------------------------------------------------
def test_updated_article_has_a_later_modified_date():
    article = parsed(UPDATED_URL)
    assert article.published_raw == "2025-02-12T14:20:11+00:00"
    assert article.modified_raw == "2025-02-13T08:45:02+00:00"
    assert article.extraction["modified_raw"] == "selectors"


def test_updated_article_keeps_the_editors_update_line_in_the_body():
    paragraphs = parsed(UPDATED_URL).text.split("\n\n")
    assert paragraphs[-1].startswith("Update, 13 February 2025: The Ministry of Defence")


def test_updated_line_of_the_header_is_not_in_the_body():
    assert "Updated: 13 February 2025" not in parsed(UPDATED_URL).text


# --- non-parliamentary quotes only -------------------------------------------------
def test_industry_article_keeps_quotes_and_drops_the_inline_caption():
    text = parsed(INDUSTRY_URL).text
    assert "A spokesperson for Kestrel Marine Systems said: “These trials show" in text
    assert "“Taking people out of the minefield" in text
    assert "A remotely operated vehicle is launched" not in text
    assert len(text.split("\n\n")) == 7


# --- a parliamentary exchange paraphrased without quotation marks -------------------
def test_paraphrase_article_has_no_quotation_marks():
    text = parsed(PARAPHRASE_URL).text
    assert not set('“”"') & set(text)
    assert "Wendy Chamberlain" in text


def test_paraphrase_article_comment_is_read():
    comments = parsed(PARAPHRASE_URL).comments
    assert [(c.author, c.published_raw) for c in comments] == [("Jim", "2 days ago")]
