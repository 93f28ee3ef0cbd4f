"""wpDiscuz comments under the seed article: count, authors, threading, texts."""

from __future__ import annotations

import pytest

from crawler.pages.wpdiscuz import parse_wpdiscuz_comments
from tests.pages.conftest import INDUSTRY_URL, SEED_URL, UPDATED_URL, expected
from tests.support.pages import saved_response


@pytest.fixture(scope="module")
def comments():
    return parse_wpdiscuz_comments(saved_response(SEED_URL))


@pytest.fixture(scope="module")
def wanted():
    return expected("seed_article")["comments"]


def test_all_twelve_printed_comments_are_read(comments):
    # The thread head says 15; only 12 are printed on the page.
    assert len(comments) == 12


def test_comment_ids_come_from_wpdiscuz_ids(comments, wanted):
    assert [c.id for c in comments] == [w["id"] for w in wanted]


def test_authors_in_page_order(comments):
    assert [c.author for c in comments] == [
        "Rob",
        "Jonathan",
        "Supportive Bloke",
        "Coll",
        "Mark",
        "Jack",
        "Dave",
        "Tom",
        "AT",
        "Frank",
        "Stephen",
        "Geoff",
    ]


def test_reply_structure_matches_the_thread(comments):
    by_text = {c.text.split()[0] + " " + c.text.split()[1]: c for c in comments}
    parent = {c.id: c.parent_id for c in comments}
    ids = {c.author: c.id for c in comments}
    assert parent[ids["Rob"]] is None
    assert parent[ids["Jonathan"]] == ids["Rob"]
    assert parent[ids["Supportive Bloke"]] == ids["Jonathan"]
    assert parent[ids["Coll"]] == ids["Supportive Bloke"]
    # "Jonathan, why do you think NATO might fall apart?" answers Jonathan.
    assert by_text["Jonathan, why"].parent_id == ids["Jonathan"]
    assert by_text["AT. Good"].parent_id == ids["AT"]
    assert [c.author for c in comments if c.parent_id is None] == [
        "Rob",
        "Jack",
        "Dave",
        "AT",
        "Stephen",
        "Geoff",
    ]


def test_parent_ids_match_the_expected_output(comments, wanted):
    assert [c.parent_id for c in comments] == [w["parent_id"] for w in wanted]


def test_texts_are_verbatim(comments, wanted):
    assert [c.text for c in comments] == [w["text"] for w in wanted]


def test_line_breaks_inside_a_comment_paragraph_are_kept(comments):
    coll = next(c for c in comments if c.author == "Coll")
    assert "inevitability.\nQuite simply I doubt" in coll.text
    assert "increased regular and reserve forces.\n\nAnd the worst thing" in coll.text


def test_emoji_and_odd_spacing_survive(comments):
    stephen = next(c for c in comments if c.author == "Stephen")
    assert stephen.text == (
        "Defence Secretary says Shoulder to shoulder to who’s he kidding 🙄 it’s more words , "
        "with no meat on the Bone .To be honest it’s tooth face to have this conversation when "
        "he’s just cut out Assault ships 🤑"
    )


def test_dates_are_the_relative_text_wpdiscuz_prints(comments, wanted):
    assert [c.published_raw for c in comments] == [w["published_raw"] for w in wanted]
    assert {c.published_raw for c in comments} == {"9 months ago", "8 months ago"}


def test_reply_to_link_is_not_taken_for_the_author(comments):
    # Every reply names its parent's author in a "Reply to" line.
    coll = next(c for c in comments if c.author == "Coll")
    assert coll.author == "Coll"
    assert "Reply to" not in coll.text


def test_article_item_carries_the_comments():
    from tests.pages.conftest import parsed

    assert [c.id for c in parsed(SEED_URL).comments] == [
        c["id"] for c in expected("seed_article")["comments"]
    ]


def test_relative_dates_on_a_fresh_page_use_hours():
    comments = parse_wpdiscuz_comments(saved_response(UPDATED_URL))
    assert [(c.author, c.published_raw, c.parent_id) for c in comments] == [
        ("Paul.P", "18 hours ago", None),
        ("Deep32", "12 hours ago", "741310"),
    ]


def test_page_without_comments_gives_none():
    assert parse_wpdiscuz_comments(saved_response(INDUSTRY_URL)) == []
