"""Feeds, sitemaps and listing pages: article URLs, their dates, pagination."""

from __future__ import annotations

from datetime import date

import pytest

from crawler.pages.discovery import (
    discovery_date,
    in_window,
    page_kind,
    parse_feed,
    parse_listing,
    parse_sitemap,
)
from tests.pages.conftest import (
    FN,
    FN_ARMY_URL,
    FN_SYNDICATED_URL,
    INDUSTRY_URL,
    NO_BYLINE_URL,
    PARAPHRASE_URL,
    SEED_AMP_URL,
    SEED_URL,
    UKDJ,
    UPDATED_URL,
    outlet,
)
from tests.support.pages import saved_response

AUTHOR_PAGE_1 = f"{UKDJ}/author/george-allison/"
AUTHOR_PAGE_2 = f"{UKDJ}/author/george-allison/page/2/"


# --- feeds ----------------------------------------------------------------------------
def test_wordpress_feed_lists_the_five_posts_newest_first():
    found = parse_feed(saved_response(f"{UKDJ}/feed/"))
    assert [link.url for link in found.links] == [
        UPDATED_URL,
        INDUSTRY_URL,
        SEED_URL,
        PARAPHRASE_URL,
        NO_BYLINE_URL,
    ]


def test_feed_items_carry_their_pubdate():
    found = parse_feed(saved_response(f"{UKDJ}/feed/"))
    assert found.links[2].published_raw == "Tue, 11 Feb 2025 10:04:33 +0000"
    assert found.links[2].title == "What did US and UK Defence Secretaries talk about on call?"


def test_drupal_feed_of_the_second_outlet():
    found = parse_feed(saved_response(f"{FN}/rss.xml"))
    assert [(link.url, link.published_raw) for link in found.links] == [
        (FN_SYNDICATED_URL, "Wed, 12 Feb 2025 16:05:00 +0000"),
        (FN_ARMY_URL, "Tue, 11 Feb 2025 17:30:00 +0000"),
    ]


def test_atom_feed_entries_use_alternate_links_and_updated():
    atom = b"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Navy Lookout</title>
<entry><title>Type 31 update</title><link rel="alternate" href="https://www.navylookout.com/type-31-update/"/>
<link rel="replies" href="https://www.navylookout.com/type-31-update/#comments"/>
<published>2025-02-10T08:00:00Z</published><updated>2025-02-11T09:30:00Z</updated></entry></feed>"""
    (link,) = parse_feed(atom).links
    assert link.url == "https://www.navylookout.com/type-31-update/"
    assert (link.published_raw, link.modified_raw) == (
        "2025-02-10T08:00:00Z",
        "2025-02-11T09:30:00Z",
    )


# --- sitemaps -------------------------------------------------------------------------
def test_sitemap_index_gives_child_sitemaps_with_lastmod():
    found = parse_sitemap(saved_response(f"{UKDJ}/sitemap_index.xml"))
    assert found.kind == "sitemap-index"
    assert found.links == []
    assert found.sitemaps[0].url == f"{UKDJ}/post-sitemap.xml"
    assert found.sitemaps[0].modified_raw == "2025-02-13T08:45:02+00:00"
    assert len(found.sitemaps) == 5


def test_only_post_sitemaps_are_followed():
    ukdj = outlet("ukdj")
    children = parse_sitemap(saved_response(f"{UKDJ}/sitemap_index.xml")).sitemaps
    assert [c.url for c in children if ukdj.follows_sitemap(c.url)] == [f"{UKDJ}/post-sitemap.xml"]


def test_post_sitemap_lists_posts_with_lastmod():
    found = parse_sitemap(saved_response(f"{UKDJ}/post-sitemap.xml"))
    by_url = {link.url: link.modified_raw for link in found.links}
    assert by_url[UPDATED_URL] == "2025-02-13T08:45:02+00:00"
    assert by_url[SEED_URL] == "2025-02-11T10:04:33+00:00"
    assert len(found.links) == 8


def test_sitemap_home_page_entry_is_not_an_article_url():
    ukdj = outlet("ukdj")
    urls = [link.url for link in parse_sitemap(saved_response(f"{UKDJ}/post-sitemap.xml")).links]
    assert f"{UKDJ}/" in urls
    assert not ukdj.is_article_url(f"{UKDJ}/")
    assert all(ukdj.is_article_url(url) for url in urls if url != f"{UKDJ}/")


def test_sitemap_dates_skip_posts_outside_the_window():
    links = parse_sitemap(saved_response(f"{UKDJ}/post-sitemap.xml")).links
    kept = [
        link.url for link in links if in_window(link.date_raw, date(2025, 2, 10), date(2025, 2, 11))
    ]
    assert kept == [PARAPHRASE_URL, SEED_URL]


# --- listing pages ---------------------------------------------------------------------
def test_author_page_lists_its_posts_with_dates():
    found = parse_listing(saved_response(AUTHOR_PAGE_1), base_url=AUTHOR_PAGE_1)
    assert [(link.url, link.published_raw) for link in found.links] == [
        (UPDATED_URL, "2025-02-12T14:20:11+00:00"),
        (INDUSTRY_URL, "2025-02-12T09:30:27+00:00"),
        (SEED_URL, "2025-02-11T10:04:33+00:00"),
    ]


def test_sidebar_popular_posts_are_not_listing_items():
    found = parse_listing(saved_response(AUTHOR_PAGE_1), base_url=AUTHOR_PAGE_1)
    assert not any("how-did-2024-go" in link.url for link in found.links)


def test_first_page_points_to_the_second():
    assert (
        parse_listing(saved_response(AUTHOR_PAGE_1), base_url=AUTHOR_PAGE_1).next_page
        == AUTHOR_PAGE_2
    )


def test_last_page_has_no_next_page_despite_its_previous_link():
    found = parse_listing(saved_response(AUTHOR_PAGE_2), base_url=AUTHOR_PAGE_2)
    assert found.next_page is None
    assert found.links[0].url == PARAPHRASE_URL
    assert len(found.links) == 3


def test_configured_listing_item_selector_gives_the_same_links():
    item_css = outlet("ukdj").selectors.listing_item
    generic = parse_listing(saved_response(AUTHOR_PAGE_2), base_url=AUTHOR_PAGE_2)
    configured = parse_listing(
        saved_response(AUTHOR_PAGE_2), base_url=AUTHOR_PAGE_2, item_css=item_css
    )
    assert configured.links == generic.links


def test_listing_dates_skip_january_posts_for_a_february_crawl():
    found = parse_listing(saved_response(AUTHOR_PAGE_2), base_url=AUTHOR_PAGE_2)
    kept = [
        link.url for link in found.links if in_window(link.published_raw, date(2025, 2, 1), None)
    ]
    assert kept == [PARAPHRASE_URL]


# --- telling pages apart -----------------------------------------------------------------
@pytest.mark.parametrize(
    ("url", "kind"),
    [
        (f"{UKDJ}/feed/", "feed"),
        (f"{FN}/rss.xml", "feed"),
        (f"{UKDJ}/sitemap_index.xml", "sitemap"),
        (f"{UKDJ}/post-sitemap.xml", "sitemap"),
        (AUTHOR_PAGE_1, "listing"),
        (AUTHOR_PAGE_2, "listing"),
        (SEED_URL, "article"),
        (SEED_AMP_URL, "article"),
        (NO_BYLINE_URL, "article"),
        (FN_ARMY_URL, "article"),
        (FN_SYNDICATED_URL, "article"),
    ],
)
def test_page_kind_is_judged_from_the_page(url, kind):
    assert page_kind(saved_response(url)) == kind


# --- dates for the window ------------------------------------------------------------------
@pytest.mark.parametrize(
    ("raw", "day"),
    [
        ("Tue, 11 Feb 2025 10:04:33 +0000", date(2025, 2, 11)),
        ("2025-02-11T10:04:33+00:00", date(2025, 2, 11)),
        ("2025-02-11T17:30:00+0000", date(2025, 2, 11)),
        ("2025-02-10T23:30:00-01:00", date(2025, 2, 11)),
        ("2025-02-11T09:30:00Z", date(2025, 2, 11)),
        ("2025-02-11", date(2025, 2, 11)),
    ],
)
def test_discovery_dates_are_read_as_utc_days(raw, day):
    assert discovery_date(raw).date() == day or discovery_date(raw).astimezone().date() == day
    assert in_window(raw, day, day)


def test_undated_items_are_never_skipped():
    assert in_window(None, date(2025, 2, 1), date(2025, 2, 2))
    assert in_window("11 February 2025", date(2030, 1, 1), None)
