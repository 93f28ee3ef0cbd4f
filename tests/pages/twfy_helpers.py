"""The TheyWorkForYou hosts the saved debate pages come from, and their debates as parsed."""

from __future__ import annotations

from crawler.items import DebateItem
from crawler.normalise.parties import default_party_table
from crawler.pages import twfy
from tests.support.pages import saved_response

WWW = "https://www.theyworkforyou.com"
CY = "https://cy.theyworkforyou.com"
HOST_OF = {"en": WWW, "cy": CY}
FETCHED = "2025-11-21T05:42:17+00:00"
PARTIES = default_party_table()


def parsed_debate(interface: str, gid: str) -> DebateItem:
    """The saved debate page of ``gid`` in one interface, as the parser reads it."""
    url = f"{HOST_OF[interface]}/debates/?id={gid}"
    return twfy.parse_debate(saved_response(url), url=url, fetched_at=FETCHED, parties=PARTIES)
