"""URL forms: comparison keys for fetched pages, identity of articles."""

from __future__ import annotations

import pytest

from crawler.urls import canonical_article_url, url_key

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
def test_article_url_variants_share_one_canonical_form(variant: str) -> None:
    assert canonical_article_url(variant) == ARTICLE


def test_meaningful_query_parameters_are_kept() -> None:
    assert canonical_article_url("https://example.org/news?p=123&utm_source=x") == (
        "https://example.org/news?p=123"
    )


def test_different_articles_stay_different() -> None:
    assert canonical_article_url("https://example.org/a/") != canonical_article_url(
        "https://example.org/b/"
    )


def test_url_key_ignores_query_order_default_port_and_fragment() -> None:
    assert url_key("https://www.theyworkforyou.com:443/debates/?id=2025-02-10a.1.0#g1.1") == (
        url_key("https://www.theyworkforyou.com/debates/?id=2025-02-10a.1.0")
    )
    assert url_key("https://example.org/?b=2&a=1") == url_key("https://example.org/?a=1&b=2")


def test_url_key_keeps_host_and_trailing_slash_distinctions() -> None:
    # Two hosts (the English and Welsh interfaces) are two pages, not one.
    assert url_key("https://cy.theyworkforyou.com/debates/?id=x") != url_key(
        "https://www.theyworkforyou.com/debates/?id=x"
    )
