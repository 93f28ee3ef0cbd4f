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
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from email.utils import parsedate_to_datetime
from typing import Any
from urllib.parse import urlsplit

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


# What marks a page as one article. Structured markers are the publisher's own
# word; the others are read from the markup and the URL.
_SINGLE_POST_CLASSES = frozenset({"single-post", "single", "postid", "article-page"})
_ARCHIVE_CLASSES = frozenset(
    {"archive", "home", "blog", "category", "author", "tag", "search", "front"}
)
ARTICLE_TEXT_CHARS = 600
"""Paragraph text (characters) that makes an ``<article>``/``articleBody`` element a main text."""
PROSE_BLOCK_CHARS = 1200
"""Running text (characters) in one block that makes a page read as prose, not teasers."""
SHORT_ARTICLE_CHARS = 400
"""Running text in one block that, with an article-shaped URL, makes a short article."""
LISTING_MIN_TEASERS = 5
"""Links to article-shaped URLs, each with a short text, that make a page of teasers."""
TEASER_MAX_CHARS = 200
"""Longest link text still read as a teaser headline."""

_DATED_PATH = re.compile(r"/(?:19|20)\d{2}[/-]?(?:0[1-9]|1[0-2])(?:[/-]?\d{2})?(?:/|[-_]|\d)")
_LONG_ID = re.compile(r"(?:^|[/_.-])\d{6,}(?:$|[/_.-])")
_SLUG_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)
_SLUG_MIN_WORDS = 4
_PAGE_SUFFIX = re.compile(r"\.(?:s?html?|php|aspx?|jsp|ssf)$", re.IGNORECASE)


def article_url_shape(url: str) -> bool:
    """Whether a URL looks like one article's: a dated path, a long id, or a long slug.

    ``/2019/11/18/…``, ``/201911181077343476-…``, ``/news/…-1255663`` and
    ``/healey-to-press-allies-on-ukraine-at-munich-conference/`` do;
    ``/author/george-allison/``, ``/services/navy/`` and ``/`` do not.
    """
    path = urlsplit(url).path
    if _DATED_PATH.search(path):
        return True
    segments = [_PAGE_SUFFIX.sub("", part) for part in path.split("/") if part]
    for segment in segments:
        if _LONG_ID.search(segment) and len(_SLUG_WORD.findall(segment)) >= 2:
            return True
    last = segments[-1] if segments else ""
    if last.lower() in ("index", "default", "story", "article"):
        last = segments[-2] if len(segments) > 1 else ""
    return len(_SLUG_WORD.findall(last)) >= _SLUG_MIN_WORDS


def _class_words(value: str | None) -> set[str]:
    words = set((value or "").lower().split())
    # WordPress writes "postid-123" and "single-format-standard" beside "single".
    return words | {word.split("-")[0] for word in words if word.startswith("postid-")}


def _paragraph_chars(node: Selector) -> int:
    return sum(
        len(text.collapse(paragraph))
        for paragraph in node.xpath(".//p[not(ancestor::aside) and not(ancestor::nav)]")
        .xpath("string()")
        .getall()
    )


# Elements that flow inside a block of text; a <p> counts as part of the block
# around it, so a body of paragraphs and a body of <br>-separated lines weigh alike.
_INLINE = frozenset(
    {
        "a",
        "abbr",
        "b",
        "br",
        "cite",
        "em",
        "font",
        "i",
        "mark",
        "p",
        "q",
        "small",
        "span",
        "strong",
        "sub",
        "sup",
        "time",
        "u",
    }
)
_NOT_TEXT = frozenset({"a", "script", "style", "noscript", "template", "button", "select"})


def _prose_chars(selector: Selector) -> int:
    """Characters of running text (link text left out) in the block that holds the most.

    Text inside ``<p>`` and inline elements is counted for the block around
    them, so paragraphs and ``<br>``-separated lines are measured alike; a
    list of teaser links weighs nothing.
    """
    bodies = selector.xpath("//body")
    if not bodies or isinstance(bodies[0].root, str):
        return 0
    weights: dict[Any, int] = {}

    def owner(node: Any) -> Any:
        while node is not None and isinstance(node.tag, str) and node.tag in _INLINE:
            node = node.getparent()
        return node

    def add(node: Any, value: str | None) -> None:
        if not value or not value.strip():
            return
        if any(
            isinstance(up.tag, str) and up.tag in _NOT_TEXT for up in (node, *node.iterancestors())
        ):
            return
        block = owner(node)
        if block is not None:
            weights[block] = weights.get(block, 0) + len(text.collapse(value))

    for element in bodies[0].root.iter():
        if not isinstance(element.tag, str):
            continue
        add(element, element.text)
        parent = element.getparent()
        if parent is not None:
            add(parent, element.tail)
    for block, weight in sorted(weights.items(), key=lambda pair: -pair[1]):
        if not text.is_furniture(block):
            return weight
    return 0


def _main_text(selector: Selector) -> bool:
    """An ``articleBody`` element, or the one main ``<article>``, holding real prose."""
    for body in selector.css('[itemprop~="articleBody"]'):
        if _paragraph_chars(body) >= ARTICLE_TEXT_CHARS or (
            len(text.element_text(body)) >= ARTICLE_TEXT_CHARS
        ):
            return True
    articles = [
        found
        for found in selector.css("main article, article")
        if not text.is_furniture(found.root)
    ]
    if not articles:
        return False
    longest = max(_paragraph_chars(found) for found in articles)
    # One <article> with prose, not a grid of short ones.
    substantial = [found for found in articles if _paragraph_chars(found) >= ARTICLE_TEXT_CHARS]
    return longest >= ARTICLE_TEXT_CHARS and len(substantial) <= 2


def teaser_links(selector: Selector, url: str) -> list[str]:
    """Distinct links to article-shaped URLs on the page's own site, each with a short text.

    Menus, footers and sidebars are left out; a page of teasers has many.
    """
    host = (urlsplit(url).hostname or "").lower().removeprefix("www.")
    found: list[str] = []
    for link in selector.xpath("//body//a[@href]"):
        href = join_url(url, link.attrib["href"])
        if href is None:
            continue
        parts = urlsplit(href)
        if parts.scheme not in ("http", "https") or href.split("#")[0] == url.split("#")[0]:
            continue
        if host and (parts.hostname or "").lower().removeprefix("www.") != host:
            continue
        label = text.element_text(link)
        if not label or len(label) > TEASER_MAX_CHARS or not article_url_shape(href):
            continue
        if text.is_furniture(link.root) or href in found:
            continue
        found.append(href)
    return found


def _structured_markers(selector: Selector) -> Iterator[str]:
    """The publisher's own signs that a page is one article, cheapest to read first.

    A body class and the meta tags (indexed once per page) come before the
    JSON-LD, which is decoded only when none of them is there (and then once
    per page, shared with the article reader: :func:`structured.page_data`).
    """
    if _class_words(selector.xpath("//body/@class").get()) & _SINGLE_POST_CLASSES:
        yield "body-class"
    data = structured.page_data(selector)
    if (next(iter(data.meta_values("og:type")), "")).lower() == "article":
        yield "og:type"
    if data.meta_values("article:published_time"):
        yield "published-time"
    if selector.css("article.amp-wp-article"):
        yield "amp"
    if data.jsonld.article() is not None:
        yield "json-ld"


_MARKER_ORDER = ("json-ld", "og:type", "published-time", "body-class", "amp", "main-text", "url")
"""Article markers, strongest first."""


def article_markers(page: Any, url: str | None = None) -> list[str]:
    """The signs that a page is one article, strongest first (empty for none).

    ``json-ld`` (a schema.org Article node), ``og:type``, ``published-time``
    (``article:published_time``), ``body-class`` (WordPress ``single-post``),
    ``amp`` (an AMP article), ``main-text`` (``articleBody`` or one main
    ``<article>`` with prose), ``url`` (a dated, numbered or long-slug path).
    """
    selector = _html_selector(page)
    url = url if url is not None else getattr(page, "url", "") or ""
    markers = set(_structured_markers(selector))
    if _main_text(selector):
        markers.add("main-text")
    if url and article_url_shape(url):
        markers.add("url")
    return [marker for marker in _MARKER_ORDER if marker in markers]


def page_kind(page: Any, url: str | None = None) -> str:
    """What a fetched page is: ``feed``, ``sitemap``, ``article``, ``listing`` or ``other``.

    Judged from the page itself, so a URL given on the command line is routed
    correctly whatever it points to:

    1. a feed or sitemap by its root element;
    2. an article when the publisher says so (JSON-LD, OpenGraph,
       ``article:published_time``, a single-post body class, AMP);
    3. a listing when its body class says it is an archive, home or category
       page;
    4. an article when it has a main text (``articleBody``, one ``<article>``
       with prose);
    5. an article when its URL is shaped like one and it has a short block of
       prose;
    6. a listing when it is a page of teasers: many links to article-shaped
       URLs and no long block of prose;
    7. an article when it has a long block of prose;
    8. otherwise ``other``.

    Cheap evidence decides first: the root element, then the first of the
    publisher's markers found (body class and meta tags before JSON-LD); the
    text measures (main text, prose, teasers) run only on pages without one.
    """
    kind = xml_kind(page)
    if kind:
        return kind
    selector = _html_selector(page)
    url = url if url is not None else getattr(page, "url", "") or ""
    if next(_structured_markers(selector), None) is not None:
        return "article"
    if _class_words(selector.xpath("//body/@class").get()) & _ARCHIVE_CLASSES:
        return "listing"
    if _main_text(selector):
        return "article"
    prose = _prose_chars(selector)
    if url and article_url_shape(url) and prose >= SHORT_ARTICLE_CHARS:
        return "article"
    teasers = teaser_links(selector, url) if url else []
    if prose < PROSE_BLOCK_CHARS and (
        len(teasers) >= LISTING_MIN_TEASERS or len(listing_items(selector)) >= 3
    ):
        return "listing"
    if prose >= PROSE_BLOCK_CHARS:
        return "article"
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
