"""Load saved TheyWorkForYou pages from the snapshot as responses with their real URLs."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

from scrapy.http import HtmlResponse
from w3lib.url import canonicalize_url

SAMPLE_PAGES = Path(__file__).resolve().parents[2] / "sample_pages"
MANIFEST = SAMPLE_PAGES / "manifest.jsonl"

WWW = "https://www.theyworkforyou.com"
CY = "https://cy.theyworkforyou.com"
HOST_OF = {"en": WWW, "cy": CY}


@cache
def manifest_entries() -> dict[str, dict[str, Any]]:
    """Every manifest line, keyed by canonical URL (later lines win, as in replay)."""
    entries: dict[str, dict[str, Any]] = {}
    for line in MANIFEST.read_text(encoding="utf-8").splitlines():
        if line.strip():
            entry = json.loads(line)
            entries[canonicalize_url(entry["url"])] = entry
    return entries


def manifest_entry(url: str) -> dict[str, Any]:
    try:
        return manifest_entries()[canonicalize_url(url)]
    except KeyError:
        raise KeyError(f"{url} is not in {MANIFEST}") from None


def saved_response(url: str) -> HtmlResponse:
    """The saved page for ``url`` as an HtmlResponse carrying that URL, status and headers."""
    entry = manifest_entry(url)
    body = (SAMPLE_PAGES / entry["path"]).read_bytes()
    return HtmlResponse(
        url=url,
        status=int(entry.get("status", 200)),
        headers=entry.get("headers") or {},
        body=body,
    )
