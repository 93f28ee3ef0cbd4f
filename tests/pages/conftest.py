"""Saved pages from ``sample_pages/`` as Scrapy responses, with their real URLs."""

from __future__ import annotations

import json
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from scrapy.http import Response

from crawler.items import ArticleItem
from crawler.outlets import Outlet, load_outlets, outlet_for_url
from crawler.pages.article import parse_article
from crawler.spiders.base import fetched_at
from tests.support.pages import saved_response

EXPECTED = Path(__file__).resolve().parent / "expected"

UKDJ = "https://ukdefencejournal.org.uk"
SEED_URL = f"{UKDJ}/what-did-us-and-uk-defence-secretaries-talk-about-on-call/"
SEED_AMP_URL = SEED_URL + "amp/"
SEED_TRACKING_URL = (
    SEED_URL + "?utm_source=twitter&utm_medium=social&utm_campaign=SocialSignIn"
    "&fbclid=IwZXh0bgNhZW0CMTEAAR2kQ3Jv7mXq0sBqk9t1R8lE3c2nB5fD6gH7jK8mN9pQ0rS1tU2vW3xY4z_aem_Xk3pQ9rT"
)
UPDATED_URL = f"{UKDJ}/typhoons-scrambled-to-shadow-russian-aircraft-near-uk-airspace/"
INDUSTRY_URL = f"{UKDJ}/autonomous-minehunting-boat-completes-sea-trials-off-scotland/"
PARAPHRASE_URL = f"{UKDJ}/healey-to-press-allies-on-ukraine-at-munich-conference/"
NO_BYLINE_URL = (
    f"{UKDJ}/minehunter-hms-cromarty-returns-to-portsmouth-after-three-years-in-the-gulf/"
)
FN = "https://www.forcesnews.com"
FN_SYNDICATED_URL = f"{FN}/services/navy/uncrewed-minehunter-finishes-clyde-trials"
FN_ARMY_URL = f"{FN}/services/army/soldiers-test-new-counter-drone-kit-salisbury-plain"

ARTICLE_URLS = [
    SEED_URL,
    SEED_AMP_URL,
    SEED_TRACKING_URL,
    UPDATED_URL,
    INDUSTRY_URL,
    PARAPHRASE_URL,
    NO_BYLINE_URL,
    FN_SYNDICATED_URL,
    FN_ARMY_URL,
]


@cache
def outlets() -> list[Outlet]:
    return load_outlets()


def outlet(key: str) -> Outlet:
    return next(found for found in outlets() if found.key == key)


@cache
def parsed(url: str) -> ArticleItem:
    """The article parsed from a saved page (once per URL for the whole test run)."""
    response = saved_response(url)
    found = outlet_for_url(url, outlets())
    assert found is not None, url
    return parse_article(response, url=url, outlet=found, fetched_at=fetched_at(response))


@cache
def expected(name: str) -> dict[str, Any]:
    return json.loads((EXPECTED / f"{name}.json").read_text(encoding="utf-8"))


@pytest.fixture
def page() -> Callable[[str], Response]:
    return saved_response
