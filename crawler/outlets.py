"""The news outlets the crawler reads, loaded from ``crawler/outlets.json``.

Each outlet entry has these keys (only ``key``, ``name`` and ``allowed_domains``
are required):

``key``
    Short stable identifier (``ukdj``), used in logs and stats.
``name``
    The outlet's name as the corpus records it (``ArticleItem.site``). It is also
    what page titles end with ("Headline - UK Defence Journal"), so the
    extractor strips it from titles.
``allowed_domains``
    Hosts the outlet publishes on; subdomains are included (``forcesnews.com``
    covers ``www.forcesnews.com``).
``language``
    ISO 639-1 code used when a page does not declare its language.
``article_url_pattern``
    Optional regular expression an article URL must match; discovered links
    that do not match (home page, category pages in a sitemap) are skipped.
``start``
    Where discovery begins: ``feeds`` (RSS/Atom), ``sitemaps`` (sitemap index
    or urlset), ``listings`` (HTML archive pages, followed through their
    pagination). ``sitemap_follow`` holds regular expressions a child sitemap
    URL must match to be read (as Scrapy's ``SitemapSpider.sitemap_follow``);
    empty means all.
``selectors``
    Optional site-specific CSS selectors, tried before any generic source.
    Each of ``title``, ``body``, ``author``, ``published``, ``modified`` and
    ``tags`` is a selector or a list of alternatives tried in order (the first
    that matches wins); a selector may end in ``::text`` or ``::attr(name)``,
    otherwise the element's text is used. ``body`` selects the element holding
    the article's paragraphs. ``remove`` lists elements to drop from the body
    whichever source found it (donation boxes, inline adverts…).
    ``listing_item`` selects one teaser on a listing page.

Outlets without ``selectors`` are read by the generic path alone, and so is an
article asked for by URL on a host no outlet names (see :func:`generic_outlet`).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from crawler.packaged import packaged

OUTLETS_FILE = packaged("outlets.json")

_OUTLET_KEYS = {
    "key",
    "name",
    "allowed_domains",
    "language",
    "article_url_pattern",
    "start",
    "selectors",
}
_START_KEYS = {"feeds", "sitemaps", "sitemap_follow", "listings"}
_SELECTOR_KEYS = {
    "title",
    "body",
    "author",
    "published",
    "modified",
    "tags",
    "remove",
    "listing_item",
}


class OutletConfigError(ValueError):
    """``outlets.json`` has an entry that cannot be used; the message says which."""


@dataclass(frozen=True)
class Selectors:
    """Site-specific CSS selectors; each field holds alternatives tried in order."""

    title: tuple[str, ...] = ()
    body: tuple[str, ...] = ()
    author: tuple[str, ...] = ()
    published: tuple[str, ...] = ()
    modified: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    remove: tuple[str, ...] = ()
    listing_item: str | None = None


@dataclass(frozen=True)
class StartPoints:
    """Where discovery of an outlet's articles begins."""

    feeds: tuple[str, ...] = ()
    sitemaps: tuple[str, ...] = ()
    sitemap_follow: tuple[str, ...] = ()
    listings: tuple[str, ...] = ()


@dataclass(frozen=True)
class Outlet:
    """One news outlet: its identity, where to start, and optional selectors."""

    key: str
    name: str
    allowed_domains: tuple[str, ...]
    language: str | None = None
    article_url_pattern: str | None = None
    start: StartPoints = field(default_factory=StartPoints)
    selectors: Selectors | None = None

    def owns(self, url: str) -> bool:
        """Whether ``url`` is on one of the outlet's hosts (subdomains included)."""
        host = (urlsplit(url).hostname or "").lower()
        return any(host == domain or host.endswith("." + domain) for domain in self.allowed_domains)

    def is_article_url(self, url: str) -> bool:
        """Whether a discovered URL may be an article (always, without a pattern)."""
        if not self.owns(url):
            return False
        return (
            self.article_url_pattern is None or re.search(self.article_url_pattern, url) is not None
        )

    def follows_sitemap(self, url: str) -> bool:
        """Whether a child sitemap of an index is worth reading."""
        follow = self.start.sitemap_follow
        return not follow or any(re.search(pattern, url) for pattern in follow)

    @property
    def remove_selectors(self) -> tuple[str, ...]:
        return self.selectors.remove if self.selectors else ()


def _strings(value: Any, where: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        return (value,)
    if isinstance(value, list) and all(isinstance(item, str) for item in value):
        return tuple(value)
    raise OutletConfigError(f"{where}: expected a string or a list of strings")


def _check_keys(entry: dict[str, Any], allowed: set[str], where: str) -> None:
    unknown = sorted(set(entry) - allowed)
    if unknown:
        raise OutletConfigError(f"{where}: unknown key(s) {', '.join(unknown)}")


def _outlet(entry: Any, index: int) -> Outlet:
    where = f"outlets[{index}]"
    if not isinstance(entry, dict):
        raise OutletConfigError(f"{where}: expected an object")
    _check_keys(entry, _OUTLET_KEYS, where)
    for required in ("key", "name", "allowed_domains"):
        if not entry.get(required):
            raise OutletConfigError(f"{where}: '{required}' is required")
    where = f"outlet {entry['key']!r}"
    start = entry.get("start") or {}
    _check_keys(start, _START_KEYS, f"{where}.start")
    selectors = None
    if entry.get("selectors"):
        raw = entry["selectors"]
        _check_keys(raw, _SELECTOR_KEYS, f"{where}.selectors")
        selectors = Selectors(
            **{
                name: _strings(raw.get(name), f"{where}.selectors.{name}")
                for name in _SELECTOR_KEYS - {"listing_item"}
            },
            listing_item=raw.get("listing_item"),
        )
    pattern = entry.get("article_url_pattern")
    if pattern is not None:
        try:
            re.compile(pattern)
        except re.error as error:
            raise OutletConfigError(f"{where}.article_url_pattern: {error}") from None
    return Outlet(
        key=entry["key"],
        name=entry["name"],
        allowed_domains=tuple(d.lower() for d in _strings(entry["allowed_domains"], where)),
        language=entry.get("language"),
        article_url_pattern=pattern,
        start=StartPoints(
            **{name: _strings(start.get(name), f"{where}.start.{name}") for name in _START_KEYS}
        ),
        selectors=selectors,
    )


def load_outlets(path: str | Path | None = None) -> list[Outlet]:
    """Read the outlet configuration (``crawler/outlets.json`` unless a path is given)."""
    source = Path(path) if path else OUTLETS_FILE
    try:
        data = json.loads(source.read_text(encoding="utf-8"))
    except json.JSONDecodeError as error:
        raise OutletConfigError(
            f"{source}: not valid JSON ({error.msg}, line {error.lineno} column {error.colno})"
        ) from None
    except (OSError, UnicodeDecodeError) as error:
        raise OutletConfigError(f"{source}: cannot be read ({error})") from None
    entries = data.get("outlets") if isinstance(data, dict) else None
    if not isinstance(entries, list):
        raise OutletConfigError(f"{source}: expected an object with an 'outlets' list")
    outlets = [_outlet(entry, index) for index, entry in enumerate(entries)]
    keys = [outlet.key for outlet in outlets]
    if len(keys) != len(set(keys)):
        raise OutletConfigError(f"{source}: outlet keys must be unique")
    return outlets


def outlet_for_url(url: str, outlets: list[Outlet]) -> Outlet | None:
    """The outlet a URL belongs to, if any."""
    return next((outlet for outlet in outlets if outlet.owns(url)), None)


def generic_outlet(url: str, name: str) -> Outlet:
    """An outlet for a page on a host no configured outlet names, read by the generic path.

    Its key and only domain are the page's host; ``name`` is what the page
    calls its site.
    """
    host = (urlsplit(url).hostname or "").lower()
    return Outlet(key=host, name=name, allowed_domains=(host,))
