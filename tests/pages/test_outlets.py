"""The outlet configuration file and its typed objects."""

from __future__ import annotations

import json

import pytest

from crawler.outlets import OutletConfigError, load_outlets, outlet_for_url
from tests.pages.conftest import SEED_AMP_URL, SEED_URL, outlet


def test_both_outlets_load_with_their_start_points():
    ukdj, fn = outlet("ukdj"), outlet("forcesnews")
    assert ukdj.name == "UK Defence Journal"
    assert ukdj.start.feeds == ("https://ukdefencejournal.org.uk/feed/",)
    assert ukdj.start.sitemaps == ("https://ukdefencejournal.org.uk/sitemap_index.xml",)
    assert ukdj.start.listings == ("https://ukdefencejournal.org.uk/author/george-allison/",)
    assert fn.start.feeds == ("https://www.forcesnews.com/rss.xml",)


def test_selector_fields_are_tuples_of_alternatives():
    selectors = outlet("ukdj").selectors
    assert selectors.title == ("h1.tdb-title-text", "header.td-post-title h1.entry-title")
    assert "div.code-block" in selectors.remove


def test_urls_are_matched_to_outlets_by_host_including_subdomains():
    outlets = load_outlets()
    assert outlet_for_url(SEED_URL, outlets).key == "ukdj"
    assert outlet_for_url("https://www.forcesnews.com/services/navy/x", outlets).key == "forcesnews"
    assert outlet_for_url("https://www.theyworkforyou.com/debates/", outlets) is None


def test_article_pattern_accepts_posts_and_amp_copies_only():
    ukdj = outlet("ukdj")
    assert ukdj.is_article_url(SEED_URL)
    assert ukdj.is_article_url(SEED_AMP_URL)
    assert not ukdj.is_article_url("https://ukdefencejournal.org.uk/author/george-allison/page/2/")
    assert not ukdj.is_article_url("https://www.forcesnews.com/services/navy/x")


def test_unknown_keys_are_refused(tmp_path):
    path = tmp_path / "outlets.json"
    path.write_text(
        json.dumps(
            {"outlets": [{"key": "x", "name": "X", "allowed_domains": ["x.org"], "selector": {}}]}
        )
    )
    with pytest.raises(OutletConfigError, match="unknown key"):
        load_outlets(path)


def test_missing_name_is_refused(tmp_path):
    path = tmp_path / "outlets.json"
    path.write_text(json.dumps({"outlets": [{"key": "x", "allowed_domains": ["x.org"]}]}))
    with pytest.raises(OutletConfigError, match="'name' is required"):
        load_outlets(path)
