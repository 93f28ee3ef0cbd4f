"""URL forms: comparison keys for fetched pages, identity of articles."""

from __future__ import annotations

import pytest

from crawler.urls import (
    article_id_of,
    article_identities,
    article_identity,
    article_seen_urls,
    page_key,
    seen_url,
)

ARTICLE = "https://ukdefencejournal.org.uk/uk-and-us-defence-secretaries-reaffirm-nato-commitment"


@pytest.mark.parametrize(
    "variant",
    [
        ARTICLE,
        ARTICLE + "/",
        "http://ukdefencejournal.org.uk/uk-and-us-defence-secretaries-reaffirm-nato-commitment/",
        "https://www.ukdefencejournal.org.uk/uk-and-us-defence-secretaries-reaffirm-nato-commitment/",
        ARTICLE + "/amp/",
        ARTICLE + "/amp",
        ARTICLE + "/?amp=1",
        ARTICLE + "/?utm_source=twitter&utm_medium=social&utm_campaign=x",
        ARTICLE + "/?fbclid=IwAR0abc&gclid=xyz",
        ARTICLE + "/#comments",
        ARTICLE + "/#wpd-comm-123_0",
        "https://ukdefencejournal.org.uk:443/uk-and-us-defence-secretaries-reaffirm-nato-commitment/",
    ],
)
def test_article_url_variants_share_one_identity(variant: str) -> None:
    assert article_identity(variant) == ARTICLE


def test_meaningful_query_parameters_are_kept() -> None:
    assert article_identity("https://example.org/news?p=123&utm_source=x") == (
        "https://example.org/news?p=123"
    )


def test_different_articles_stay_different() -> None:
    assert article_identity("https://example.org/a/") != article_identity("https://example.org/b/")


def test_page_key_ignores_query_order_default_port_and_fragment() -> None:
    assert page_key("https://www.theyworkforyou.com:443/debates/?id=2025-02-10a.1.0#g1.1") == (
        page_key("https://www.theyworkforyou.com/debates/?id=2025-02-10a.1.0")
    )
    assert page_key("https://example.org/?b=2&a=1") == page_key("https://example.org/?a=1&b=2")


def test_page_key_keeps_host_and_trailing_slash_distinctions() -> None:
    # Two hosts (the English and Welsh interfaces) are two pages, not one.
    assert page_key("https://cy.theyworkforyou.com/debates/?id=x") != page_key(
        "https://www.theyworkforyou.com/debates/?id=x"
    )


def test_seen_url_drops_tracking_and_fragment_but_keeps_the_variant() -> None:
    amp = ARTICLE + "/amp/?utm_source=twitter&p=4#comments"
    assert seen_url(amp) == ARTICLE + "/amp/?p=4"


def test_article_seen_urls_are_the_fetched_and_canonical_urls_as_seen() -> None:
    copy = {"url": ARTICLE + "/amp/?fbclid=IwAR0abc", "canonical_url": ARTICLE + "/"}
    assert article_seen_urls(copy) == [ARTICLE + "/", ARTICLE + "/amp/"]
    assert article_seen_urls({"url": ARTICLE, "canonical_url": None}) == [ARTICLE]


def test_an_article_seen_at_variants_has_one_identity_and_one_id() -> None:
    identities = article_identities([ARTICLE + "/", ARTICLE + "/amp/", "http://www." + ARTICLE[8:]])
    assert identities == [ARTICLE]
    assert article_id_of(identities[0]) == (
        "ukdefencejournal.org.uk/uk-and-us-defence-secretaries-reaffirm-nato-commitment"
    )
