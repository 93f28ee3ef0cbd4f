"""Finding article URLs: RSS/Atom feeds, sitemaps and HTML listing pages.

Each reader takes a page (Scrapy response, parsel Selector, or text) and
returns a :class:`Discovered`: the article links with whatever dates the
page gives for them, child sitemaps of a sitemap index, and the next page of
a paginated listing. Dates stay raw; :func:`discovery_date` reads them just
well enough for :func:`in_window` to skip items outside a crawl's
since/until window. An item whose date cannot be read is never skipped.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from email.utils import parsedate_to_datetime
from typing import Any

from parsel import Selector

from crawler.pages import structured, text
from crawler.urls import join_url


@dataclass(frozen=True)
class DiscoveredLink:
    """A URL found by discovery, with the dates its source gives for it."""

    url: str
    published_raw: str | None = None
    modified_raw: str | None = None
    title: str | None = None

    @property
    def date_raw(self) -> str | None:
        """The date that says whether the item is recent: modified if known, else published."""
        return self.modified_raw or self.published_raw


@dataclass
class Discovered:
    """What one feed, sitemap or listing page points to."""

    kind: str
    """``feed``, ``sitemap-index``, ``sitemap`` or ``listing``."""
    links: list[DiscoveredLink] = field(default_factory=list)
    sitemaps: list[DiscoveredLink] = field(default_factory=list)
    next_page: str | None = None


# ----------------------------------------------------------------------- dates
def discovery_date(raw: str | None) -> datetime | None:
    """A datetime out of an RFC 822 (RSS) or ISO 8601 (Atom, sitemap, HTML) date."""
    if not raw:
        return None
    raw = raw.strip()
    try:
        moment = datetime.fromisoformat(raw.replace("Z", "+00:00"))
    except ValueError:
        try:
            moment = parsedate_to_datetime(raw)
        except (TypeError, ValueError, IndexError):
            return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def in_window(raw: str | None, since: date | None, until: date | None) -> bool:
    """Whether an item dated ``raw`` falls in [since, until] (UTC days, inclusive).

    Items without a readable date are kept: discovery must not lose what it
    cannot date.
    """
    moment = discovery_date(raw)
    if moment is None:
        return True
    day = moment.astimezone(UTC).date()
    return (since is None or day >= since) and (until is None or day <= until)


# ----------------------------------------------------------------------- kinds
_XML_ROOT = re.compile(
    r"^(?:\s|<\?[^>]*\?>|<!--.*?-->|<!DOCTYPE[^>]*>)*<(?:[\w.-]+:)?(rss|feed|RDF|urlset|sitemapindex)\b",
    re.DOTALL,
)


def _text_of(page: Any) -> str:
    if isinstance(page, str):
        return page
    if isinstance(page, bytes):
        return page.decode("utf-8", errors="replace")
    if isinstance(page, Selector):
        return page.get() or ""
    return getattr(page, "text", "") or ""


def xml_kind(page: Any) -> str | None:
    """``feed`` or ``sitemap`` when the page is one (judged from its root element)."""
    match = _XML_ROOT.match(_text_of(page)[:4096].lstrip("\ufeff"))
    if not match:
        return None
    return "feed" if match.group(1) in ("rss", "feed", "RDF") else "sitemap"


def page_kind(page: Any) -> str:
    """What a fetched page is: ``feed``, ``sitemap``, ``article``, ``listing`` or ``other``.

    Judged from the page itself, so a URL given on the command line is routed
    correctly whatever it points to.
    """
    kind = xml_kind(page)
    if kind:
        return kind
    selector = _html_selector(page)
    og_type = (structured.meta_value(selector, "og:type") or "").lower()
    jsonld = structured.JsonLd.from_selector(selector)
    body_classes = f" {selector.xpath('//body/@class').get() or ''} "
    if jsonld.article() is not None or og_type == "article" or " single-post " in body_classes:
        return "article"
    if selector.css("article.amp-wp-article"):
        return "article"
    archive = any(
        f" {word} " in body_classes for word in ("archive", "home", "blog", "category", "author")
    )
    if archive or og_type in ("website", "profile") or len(listing_items(selector)) >= 3:
        return "listing"
    return "other"


# ----------------------------------------------------------------------- feeds
def _xml_selector(page: Any) -> Selector:
    if isinstance(page, Selector) and page.type == "xml":
        return page
    if isinstance(getattr(page, "text", None), str):
        # The response's text, decoded by evidence (crawler.pagecheck.decoding).
        return Selector(text=text.clean_markup(page.text), type="xml")
    body = getattr(page, "body", None)
    if isinstance(body, bytes):
        return Selector(body=body, type="xml")
    if isinstance(page, bytes):
        return Selector(body=page, type="xml")
    return Selector(text=_text_of(page), type="xml")


def _html_selector(page: Any) -> Selector:
    if isinstance(page, Selector) and page.type != "xml":
        return page
    return text.as_selector(page) if not isinstance(page, Selector) else Selector(text=page.get())


def _local(name: str) -> str:
    return f"*[local-name()='{name}']"


def _child_text(node: Selector, *names: str) -> str | None:
    for name in names:
        value = node.xpath(f"./{_local(name)}/text()").get()
        if value and value.strip():
            return value.strip()
    return None


def parse_feed(page: Any, *, base_url: str = "") -> Discovered:
    """Links of an RSS 2.0, RSS 1.0 or Atom feed, with their publication dates."""
    selector = _xml_selector(page)
    found = Discovered(kind="feed")
    for item in selector.xpath(f"//{_local('item')}"):
        link = _child_text(item, "link")
        if not link:
            guid = item.xpath(f"./{_local('guid')}[not(@isPermaLink='false')]/text()").get()
            link = guid.strip() if guid else None
        url = join_url(base_url, link) if link else None
        if url:
            found.links.append(
                DiscoveredLink(
                    url=url,
                    published_raw=_child_text(item, "pubDate", "date"),
                    title=_child_text(item, "title"),
                )
            )
    for entry in selector.xpath(f"//{_local('entry')}"):
        href = entry.xpath(f"./{_local('link')}[not(@rel) or @rel='alternate']/@href").get()
        url = join_url(base_url, href) if href else None
        if url:
            found.links.append(
                DiscoveredLink(
                    url=url,
                    published_raw=_child_text(entry, "published", "issued"),
                    modified_raw=_child_text(entry, "updated", "modified"),
                    title=_child_text(entry, "title"),
                )
            )
    return found


# -------------------------------------------------------------------- sitemaps
def parse_sitemap(page: Any, *, base_url: str = "") -> Discovered:
    """A sitemap index (child sitemaps) or urlset (pages), with their dates.

    ``lastmod`` is the modification date; a Google News sitemap's
    ``news:publication_date`` is the publication date.
    """
    selector = _xml_selector(page)
    if selector.xpath(f"/{_local('sitemapindex')}"):
        found = Discovered(kind="sitemap-index")
        for node in selector.xpath(f"/{_local('sitemapindex')}/{_local('sitemap')}"):
            loc = _child_text(node, "loc")
            url = join_url(base_url, loc) if loc else None
            if url:
                found.sitemaps.append(
                    DiscoveredLink(url=url, modified_raw=_child_text(node, "lastmod"))
                )
        return found
    found = Discovered(kind="sitemap")
    for node in selector.xpath(f"/{_local('urlset')}/{_local('url')}"):
        loc = _child_text(node, "loc")
        url = join_url(base_url, loc) if loc else None
        if not url:
            continue
        news = node.xpath(f"./{_local('news')}")
        found.links.append(
            DiscoveredLink(
                url=url,
                published_raw=_child_text(news[0], "publication_date") if news else None,
                modified_raw=_child_text(node, "lastmod"),
                title=_child_text(news[0], "title") if news else None,
            )
        )
    return found


# -------------------------------------------------------------------- listings
# Teaser containers on archive pages: tagDiv modules, then generic blocks.
LISTING_ITEMS = (
    "div.td_module_wrap",
    "div.td-module-container",
    "article",
    "li.post",
    "div.post",
    "div.teaser",
)
_ITEM_LINK = (
    ".entry-title a[href]",
    "h2 a[href]",
    "h3 a[href]",
    "h4 a[href]",
    "a[rel~='bookmark'][href]",
)
_NEXT_PAGE = (
    "link[rel~='next']::attr(href)",
    "a[rel~='next']::attr(href)",
    "div.page-nav a:has(i.td-icon-menu-right)::attr(href)",
    ".pager__item--next a::attr(href)",
    ".nav-links a.next::attr(href)",
    "a.next::attr(href)",
)


def listing_items(selector: Selector, item_css: str | None = None) -> list[Selector]:
    """Teaser elements of an archive page, leaving out sidebars, menus and footers."""
    for css in (item_css,) if item_css else LISTING_ITEMS:
        items = [found for found in selector.css(css) if not text.is_furniture(found.root)]
        items = [found for found in items if not _in_sidebar(found)]
        if items:
            return items
    return []


def _in_sidebar(node: Selector) -> bool:
    return bool(
        node.xpath(
            "ancestor::*[contains(@class, 'sidebar') or contains(@class, 'td_block_widget')"
            " or contains(@class, 'widget') or contains(@class, 'header') ]"
        )
    )


def parse_listing(page: Any, *, base_url: str, item_css: str | None = None) -> Discovered:
    """Article links of an HTML archive page, their printed dates, and the next page."""
    selector = _html_selector(page)
    found = Discovered(kind="listing")
    seen: set[str] = set()
    for item in listing_items(selector, item_css):
        href = None
        for css in _ITEM_LINK:
            href = item.css(css).attrib.get("href")
            if href:
                break
        if not href:
            continue
        url = join_url(base_url, href)
        if url is None or url in seen:
            continue
        seen.add(url)
        published = (
            item.css("time::attr(datetime)").get()
            or item.css('[itemprop="datePublished"]::attr(content)').get()
        )
        if not published:
            printed = item.css("time")
            published = text.element_text(printed[0]) if printed else None
        title_link = item.css(_ITEM_LINK[0]) or item.css("h3 a") or item.css("h2 a")
        found.links.append(
            DiscoveredLink(
                url=url,
                published_raw=published or None,
                title=text.element_text(title_link[0]) if title_link else None,
            )
        )
    for css in _NEXT_PAGE:
        href = selector.css(css).get()
        if href and href.strip() and (next_page := join_url(base_url, href)):
            found.next_page = next_page
            break
    return found
