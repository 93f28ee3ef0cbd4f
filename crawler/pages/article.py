"""A news article out of its page: title, byline, dates, body, tags, comments.

Each field is taken from the most trusted source that has it, in this order:

1. ``selectors`` — the outlet's configured CSS selectors (``crawler/outlets.json``);
2. ``json-ld`` — the schema.org article node (NewsArticle, BlogPosting…), with
   Yoast ``@graph`` references to Person nodes resolved;
3. ``opengraph`` — OpenGraph and ``article:*`` meta tags (and ``<meta name=author>``);
4. ``markup`` — heuristics on the HTML (``time[datetime]``, ``rel=author``).

The title is the headline the publisher declares (JSON-LD ``headline``, else
``og:title``), checked against the article's ``<h1>``: when the declared
title is the ``<h1>`` with something added (an author, a site name the page
does not otherwise give) or cut short with an ellipsis, the ``<h1>`` is
taken. Without a declared title, the ``<h1>`` that plausibly matches the
document's ``<title>`` comes before the ``<title>`` itself. Bylines are split
into people's names and cleaned (:mod:`crawler.pages.bylines`); metadata
printed in related posts, sidebars or comments is never read as the
article's own.

``ArticleItem.extraction`` records which source gave each field. The body
is the one exception to the order: after configured selectors, it is chosen
among several readers by the rules in :mod:`crawler.pages.body`.

Dates are kept raw (``published_raw``/``modified_raw``); turning them into
ISO datetimes is the date normaliser's job.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from typing import Any

from parsel import Selector

from crawler.items import ArticleItem
from crawler.outlets import Outlet
from crawler.pages import body, structured, text
from crawler.pages.bylines import split_byline
from crawler.pages.wpdiscuz import parse_wpdiscuz_comments
from crawler.urls import join_url

TITLE_SEPARATORS = (" - ", " -- ", " – ", " — ", " | ", " :: ", " » ", " : ", " · ")

# How alike an <h1> and a declared title must be (Dice coefficient of their
# words) for the <h1> to be taken as the article's headline.
HEADLINE_MIN_LIKENESS = 0.5

# Bylines in markup, most specific first. Candidates outside the article
# (related posts, sidebars, comments: see METADATA_FURNITURE) are ignored.
AUTHOR_MARKUP = (
    '[itemprop~="author"] [itemprop~="name"]',
    '[itemprop~="author"]',
    '[rel~="author"]',
    ".td-post-author-name a",
    ".tdb-author-name",
    ".amp-wp-author",
    ".author.vcard .fn",
    '[class*="byline"] a[href]',
    '[class*="byline"]',
    '[class*="author-name"]',
    ".author a[href]",
    ".author",
)

# Meta tags naming the article's authors, in the order they are trusted.
AUTHOR_META = (
    "author",
    "article:author",
    "article:author_name",
    "byl",
    "sailthru.author",
    "parsely-author",
    "dc.creator",
    "dcterms.creator",
)

# Meta tags giving the publication date, in the order they are trusted.
PUBLISHED_META = (
    "article:published_time",
    "og:published_time",
    "article:published",
    "published_time",
    "publish-date",
    "publish_date",
    "publishdate",
    "pubdate",
    "article_date_original",
    "article.published",
    "sailthru.date",
    "parsely-pub-date",
    "dcterms.issued",
    "dc.date.issued",
    "dcterms.created",
    "dcterms.date",
    "dc.date",
    "date",
)

MODIFIED_META = ("article:modified_time", "og:updated_time", "dcterms.modified")

# (selector, attributes to read) for dates printed in markup.
PUBLISHED_MARKUP = (
    ('[itemprop~="datePublished"]', ("content", "datetime")),
    ("time[pubdate]", ("datetime",)),
    ("article time[datetime]", ("datetime",)),
    ("main time[datetime]", ("datetime",)),
    ("time[datetime]", ("datetime",)),
    (".published[title]", ("title",)),
)

MODIFIED_MARKUP = (('[itemprop~="dateModified"]', ("content", "datetime")),)

# Class or id words of blocks whose bylines and dates belong to other
# articles or to readers: related posts, sidebars, comments, "most read".
METADATA_FURNITURE = re.compile(
    r"(?:^|[\s_-])(?:related|recommended|sidebar|widget|comments?|most-?read|popular|"
    r"trending|more-?stories|read-?next|up-?next|newsletter|promo)(?:[\s_-]|$)",
    re.IGNORECASE,
)
_OUTSIDE_ARTICLE_TAGS = ("aside", "nav", "footer")
_TITLE_WORD = re.compile(r"\w+", re.UNICODE)

Candidate = tuple[str, Callable[[], Any]]


def parse_article(
    page: Any,
    *,
    url: str,
    outlet: Outlet,
    fetched_at: str,
    with_comments: bool = True,
) -> ArticleItem:
    """Extract an :class:`ArticleItem` from a response, Selector or HTML string.

    ``url`` is the URL the page was fetched from, ``fetched_at`` when (ISO 8601
    UTC). Comments are read only when ``with_comments`` is true.
    """
    selector = text.as_selector(page)
    reader = _ArticleReader(selector, url=url, outlet=outlet)
    item = ArticleItem(url=url, site=outlet.name, fetched_at=fetched_at)
    extraction: dict[str, str] = {}

    def first(field: str, candidates: Iterable[Candidate]) -> Any:
        for source, read in candidates:
            value = read()
            if value:
                extraction[field] = source
                return value
        return None

    title = first("title", reader.title_candidates())
    item.title = reader.strip_site_name(title) if title else None
    item.authors = first("authors", reader.author_candidates()) or []
    item.published_raw = first("published_raw", reader.published_candidates())
    item.modified_raw = first("modified_raw", reader.modified_candidates())
    item.text = first("text", reader.body_candidates()) or ""
    item.tags = first("tags", reader.tag_candidates()) or []
    item.language = first("language", reader.language_candidates())
    item.canonical_url = first("canonical_url", reader.canonical_candidates()) or url
    if "canonical_url" not in extraction:
        extraction["canonical_url"] = "fetched"
    if with_comments:
        item.comments = parse_wpdiscuz_comments(selector)
    item.extraction = extraction
    item.flags = reader.flags(item)
    return item


def _dedupe(values: Iterable[str]) -> list[str]:
    seen: set[str] = set()
    kept: list[str] = []
    for value in values:
        if value and value not in seen:
            seen.add(value)
            kept.append(value)
    return kept


def outside_article(node: Any) -> bool:
    """Whether a node sits in a block whose metadata is not the article's own.

    Related posts, sidebars, comments and ``aside``/``nav``/``footer``
    blocks print bylines and dates of other articles. Captions and share
    bars do not count here: an article's own byline often sits among them.
    """
    current = node.getparent() if hasattr(node, "getparent") else None
    while current is not None:
        if isinstance(current.tag, str):
            if current.tag in _OUTSIDE_ARTICLE_TAGS:
                return True
            words = f"{current.get('class') or ''} {current.get('id') or ''}"
            if METADATA_FURNITURE.search(words):
                return True
        current = current.getparent()
    return False


def is_decorated(declared: str, headline: str) -> bool:
    """Whether ``declared`` is ``headline`` with words appended, or cut short with an ellipsis.

    "Headline | Jane Doe" and "Headline -- Some Site" decorate "Headline";
    "A long headline that goes…" is cut from "A long headline that goes on".
    """
    declared_words = _TITLE_WORD.findall(declared.casefold())
    headline_words = _TITLE_WORD.findall(headline.casefold())
    if not headline_words or declared_words == headline_words:
        return False
    if declared_words[: len(headline_words)] == headline_words:
        return True
    cut = declared.rstrip().endswith(("…", "...")) and len(declared_words) >= 3
    return cut and headline_words[: len(declared_words) - 1] == declared_words[:-1]


def headline_likeness(first: str, second: str) -> float:
    """How alike two titles are: the Dice coefficient of their sets of words (0 to 1)."""
    one = {word.casefold() for word in _TITLE_WORD.findall(first)}
    two = {word.casefold() for word in _TITLE_WORD.findall(second)}
    if not one or not two:
        return 0.0
    return 2 * len(one & two) / (len(one) + len(two))


def strip_site_name(title: str, site_names: Iterable[str]) -> str:
    """Drop a trailing " - Site Name" (or " | Site Name"…) from a headline."""
    title = text.collapse(title)
    for name in site_names:
        for separator in TITLE_SEPARATORS:
            suffix = separator + name
            if name and title.endswith(suffix) and len(title) > len(suffix):
                return title[: -len(suffix)].rstrip()
    return title


def iso_language(code: str | None) -> str | None:
    """ISO 639-1 from a language tag or locale (``en-GB``, ``en_GB``, ``cy``)."""
    if not code:
        return None
    primary = code.strip().replace("_", "-").split("-")[0].lower()
    return primary if len(primary) == 2 and primary.isalpha() else None


class _ArticleReader:
    """The candidate sources for each field of one page, read lazily."""

    def __init__(self, selector: Selector, *, url: str, outlet: Outlet) -> None:
        self.selector = selector
        self.url = url
        self.outlet = outlet
        self.configured = outlet.selectors
        # Decoded once per page: the page kind has usually read it already.
        self.jsonld = structured.page_data(selector).jsonld
        self.article = self.jsonld.article() or {}
        self._site_names: list[str] | None = None

    # --- configured selectors -------------------------------------------------
    def _configured(self, alternatives: tuple[str, ...]) -> list[str]:
        for css in alternatives:
            values = [
                text.element_text(found)
                if not isinstance(found.root, str)
                else text.collapse(found.root)
                for found in self.selector.css(css)
            ]
            values = [value for value in values if value]
            if values:
                return values
        return []

    def _configured_first(self, field: str) -> str | None:
        if not self.configured:
            return None
        values = self._configured(getattr(self.configured, field))
        return values[0] if values else None

    # --- title ----------------------------------------------------------------
    def title_candidates(self) -> list[Candidate]:
        return [
            ("selectors", lambda: self._configured_first("title")),
            ("markup", self._headline_behind_declared_title),
            ("json-ld", self._jsonld_headline),
            ("opengraph", self._meta_title),
            ("markup", lambda: self._headline(self._document_title())),
            ("markup", self._markup_title),
        ]

    def _jsonld_headline(self) -> str | None:
        return structured.text_value(self.article.get("headline"))

    def _meta_title(self) -> str | None:
        return structured.meta_value(self.selector, "og:title", "twitter:title")

    def _document_title(self) -> str | None:
        found = self.selector.css("title")
        return (text.element_text(found[0]) or None) if found else None

    def _headline(self, declared: str | None) -> str | None:
        """The article's ``<h1>`` that plausibly is the ``declared`` title, if any."""
        if not declared:
            return None
        declared = self.strip_site_name(declared)
        for css in ("article h1", "main h1", "h1"):
            for found in self.selector.css(css):
                if outside_article(found.root):
                    continue
                value = text.element_text(found)
                if value and headline_likeness(value, declared) >= HEADLINE_MIN_LIKENESS:
                    return value
        return None

    def _headline_behind_declared_title(self) -> str | None:
        """The ``<h1>`` when the declared title is it with words added or cut short."""
        declared = self._jsonld_headline() or self._meta_title()
        headline = self._headline(declared)
        if not declared or not headline:
            return None
        return headline if is_decorated(self.strip_site_name(declared), headline) else None

    def _markup_title(self) -> str | None:
        for css in ("h1.entry-title", "h1.amp-wp-title", "article h1", "h1", "title"):
            found = self.selector.css(css)
            if found:
                value = text.element_text(found[0])
                if value:
                    return value
        return None

    def site_names(self) -> list[str]:
        """Names the site goes by (outlet, ``og:site_name``, publisher), read once per page."""
        if self._site_names is None:
            names = [self.outlet.name]
            names.extend(structured.meta_values(self.selector, "og:site_name"))
            names.append(structured.publisher_name(self.jsonld) or "")
            self._site_names = [name for name in _dedupe(names) if structured.is_name(name)]
        return self._site_names

    def strip_site_name(self, title: str) -> str:
        return strip_site_name(title, self.site_names())

    # --- authors --------------------------------------------------------------
    def author_candidates(self) -> list[Candidate]:
        return [
            ("selectors", lambda: self._configured_authors()),
            ("json-ld", self._jsonld_authors),
            ("opengraph", self._meta_authors),
            ("markup", self._markup_authors),
        ]

    def _names(self, bylines: Iterable[str]) -> list[str]:
        sites = self.site_names()
        return _dedupe(name for byline in bylines for name in split_byline(byline, sites))

    def _configured_authors(self) -> list[str]:
        if not self.configured:
            return []
        return self._names(self._configured(self.configured.author))

    def _jsonld_authors(self) -> list[str]:
        return self._names(structured.person_names(self.article.get("author"), self.jsonld))

    def _meta_authors(self) -> list[str]:
        for name in AUTHOR_META:
            names = self._names(structured.meta_values(self.selector, name))
            if names:
                return names
        return []

    def _markup_authors(self) -> list[str]:
        for css in AUTHOR_MARKUP:
            bylines = [
                found.attrib.get("content") or text.element_text(found)
                for found in self.selector.css(css)
                if not outside_article(found.root)
            ]
            names = self._names(bylines)
            if names:
                return names
        return []

    # --- dates ----------------------------------------------------------------
    def published_candidates(self) -> list[Candidate]:
        return [
            ("selectors", lambda: self._configured_first("published")),
            ("json-ld", lambda: structured.text_value(self.article.get("datePublished"))),
            ("opengraph", lambda: structured.meta_value(self.selector, *PUBLISHED_META)),
            ("markup", lambda: self._markup_first(PUBLISHED_MARKUP)),
        ]

    def modified_candidates(self) -> list[Candidate]:
        return [
            ("selectors", lambda: self._configured_first("modified")),
            ("json-ld", lambda: structured.text_value(self.article.get("dateModified"))),
            ("opengraph", lambda: structured.meta_value(self.selector, *MODIFIED_META)),
            ("markup", lambda: self._markup_first(MODIFIED_MARKUP)),
        ]

    def _markup_first(self, alternatives: tuple[tuple[str, tuple[str, ...]], ...]) -> str | None:
        for css, attributes in alternatives:
            for found in self.selector.css(css):
                if outside_article(found.root):
                    continue
                for attribute in attributes:
                    value = text.collapse(found.attrib.get(attribute, ""))
                    if value:
                        return value
        return None

    # --- body -----------------------------------------------------------------
    def body_candidates(self) -> list[Candidate]:
        """The body chosen among the page's readers (see crawler.pages.body), by its source."""
        chosen = body.read_body(
            self.selector,
            configured=self.configured.body if self.configured else (),
            remove=self.outlet.remove_selectors,
            article_body=structured.text_value(self.article.get("articleBody")),
        )
        return [(chosen.source, lambda: chosen.text)] if chosen else []

    # --- tags, language, canonical ----------------------------------------------
    def tag_candidates(self) -> list[Candidate]:
        return [
            (
                "selectors",
                lambda: _dedupe(self._configured(self.configured.tags)) if self.configured else [],
            ),
            (
                "json-ld",
                lambda: _dedupe(
                    structured.keywords(self.article.get("keywords"))
                    + structured.keywords(self.article.get("articleSection"))
                ),
            ),
            (
                "opengraph",
                lambda: _dedupe(
                    structured.meta_values(self.selector, "article:tag")
                    + structured.meta_values(self.selector, "article:section")
                ),
            ),
            (
                "markup",
                lambda: _dedupe(
                    text.element_text(found)
                    for found in self.selector.css('a[rel~="tag"]')
                    if not text.is_furniture(found.root.getparent(), structural=False)
                ),
            ),
        ]

    def language_candidates(self) -> list[Candidate]:
        return [
            (
                "json-ld",
                lambda: iso_language(structured.text_value(self.article.get("inLanguage"))),
            ),
            ("opengraph", lambda: iso_language(structured.meta_value(self.selector, "og:locale"))),
            ("markup", lambda: iso_language(self.selector.xpath("/html/@lang").get())),
            (
                "meta",
                lambda: iso_language(
                    self.selector.xpath(
                        '//meta[translate(@http-equiv, "CONTENTLAGU", "contentlagu")'
                        '="content-language"]/@content'
                    ).get()
                    or structured.meta_value(self.selector, "language")
                ),
            ),
            ("config", lambda: iso_language(self.outlet.language)),
        ]

    def canonical_candidates(self) -> list[Candidate]:
        def link() -> str | None:
            href = self.selector.xpath(
                '//link[contains(concat(" ", normalize-space(@rel), " "), " canonical ")]/@href'
            ).get()
            return join_url(self.url, href) if href and href.strip() else None

        def og_url() -> str | None:
            value = structured.meta_value(self.selector, "og:url")
            return join_url(self.url, value) if value else None

        return [("markup", link), ("opengraph", og_url)]

    # --- problems ---------------------------------------------------------------
    def flags(self, item: ArticleItem) -> list[str]:
        flags: list[str] = []
        if not item.title:
            flags.append("title:missing")
        if not item.text:
            flags.append("text:missing")
        if not item.published_raw:
            flags.append("published:missing")
        if self.jsonld.invalid_blocks:
            flags.append("json-ld:invalid")
        return flags
