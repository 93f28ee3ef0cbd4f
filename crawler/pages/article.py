"""A news article out of its page: title, byline, dates, body, tags, comments.

Each field is taken from the most trusted source that has it, in this order:

1. ``selectors`` — the outlet's configured CSS selectors (``crawler/outlets.json``);
2. ``json-ld`` — the schema.org article node (NewsArticle, BlogPosting…), with
   Yoast ``@graph`` references to Person nodes resolved;
3. ``opengraph`` — OpenGraph and ``article:*`` meta tags (and ``<meta name=author>``);
4. ``markup`` — heuristics on the HTML (``h1.entry-title``, ``time[datetime]``,
   ``rel=author``).

``ArticleItem.extraction`` records which source gave each field. The body
is the one exception to the order: after configured selectors, it is chosen
among several readers by the rules in :mod:`crawler.pages.body`.

Dates are kept raw (``published_raw``/``modified_raw``); turning them into
ISO datetimes is the date normaliser's job.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any
from urllib.parse import urljoin

from parsel import Selector

from crawler.items import ArticleItem
from crawler.outlets import Outlet
from crawler.pages import body, structured, text
from crawler.pages.wpdiscuz import parse_wpdiscuz_comments

TITLE_SEPARATORS = (" - ", " – ", " — ", " | ", " :: ", " » ", " : ")

# Bylines in markup, most specific first. Candidates inside comments, related
# posts and other furniture are ignored (see text.is_furniture).
AUTHOR_MARKUP = (
    '[itemprop="author"] [itemprop="name"]',
    '[itemprop="author"]',
    'a[rel~="author"]',
    ".byline a",
    ".td-post-author-name a",
    ".tdb-author-name",
    ".amp-wp-author",
    ".author.vcard .fn",
    ".byline",
)

# (selector, attributes to read) for dates printed in markup.
PUBLISHED_MARKUP = (
    ('[itemprop="datePublished"]', ("content", "datetime")),
    ("time[pubdate]", ("datetime",)),
    ("article time[datetime]", ("datetime",)),
    ("time[datetime]", ("datetime",)),
)

MODIFIED_MARKUP = (('[itemprop="dateModified"]', ("content", "datetime")),)

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


def _split_names(value: str) -> list[str]:
    names: list[str] = []
    for part in value.replace(" and ", ",").split(","):
        part = text.collapse(part)
        if part.lower().startswith("by "):
            part = part[3:].strip()
        if part and not part.startswith(("http://", "https://")):
            names.append(part)
    return names


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
        self.jsonld = structured.JsonLd.from_selector(selector)
        self.article = self.jsonld.article() or {}

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
            ("json-ld", lambda: structured.text_value(self.article.get("headline"))),
            (
                "opengraph",
                lambda: structured.meta_value(self.selector, "og:title", "twitter:title"),
            ),
            ("markup", self._markup_title),
        ]

    def _markup_title(self) -> str | None:
        for css in ("h1.entry-title", "h1.amp-wp-title", "article h1", "h1", "title"):
            found = self.selector.css(css)
            if found:
                value = text.element_text(found[0])
                if value:
                    return value
        return None

    def site_names(self) -> list[str]:
        names = [self.outlet.name]
        names.extend(structured.meta_values(self.selector, "og:site_name"))
        publisher = self.jsonld.resolve(self.article.get("publisher"))
        if isinstance(publisher, dict) and structured.text_value(publisher.get("name")):
            names.append(structured.text_value(publisher.get("name")) or "")
        return _dedupe(names)

    def strip_site_name(self, title: str) -> str:
        return strip_site_name(title, self.site_names())

    # --- authors --------------------------------------------------------------
    def author_candidates(self) -> list[Candidate]:
        return [
            ("selectors", lambda: self._configured_authors()),
            (
                "json-ld",
                lambda: _dedupe(structured.person_names(self.article.get("author"), self.jsonld)),
            ),
            ("opengraph", self._meta_authors),
            ("markup", self._markup_authors),
        ]

    def _configured_authors(self) -> list[str]:
        if not self.configured:
            return []
        return _dedupe(
            name
            for value in self._configured(self.configured.author)
            for name in _split_names(value)
        )

    def _meta_authors(self) -> list[str]:
        values = structured.meta_values(self.selector, "author", "article:author")
        return _dedupe(name for value in values for name in _split_names(value))

    def _markup_authors(self) -> list[str]:
        for css in AUTHOR_MARKUP:
            names: list[str] = []
            for found in self.selector.css(css):
                if text.is_furniture(found.root):
                    continue
                value = found.attrib.get("content") or text.element_text(found)
                names.extend(_split_names(value))
            names = _dedupe(names)
            if names:
                return names
        return []

    # --- dates ----------------------------------------------------------------
    def published_candidates(self) -> list[Candidate]:
        return [
            ("selectors", lambda: self._configured_first("published")),
            ("json-ld", lambda: structured.text_value(self.article.get("datePublished"))),
            (
                "opengraph",
                lambda: structured.meta_value(
                    self.selector, "article:published_time", "og:published_time", "date"
                ),
            ),
            ("markup", lambda: self._markup_first(PUBLISHED_MARKUP)),
        ]

    def modified_candidates(self) -> list[Candidate]:
        return [
            ("selectors", lambda: self._configured_first("modified")),
            ("json-ld", lambda: structured.text_value(self.article.get("dateModified"))),
            (
                "opengraph",
                lambda: structured.meta_value(
                    self.selector, "article:modified_time", "og:updated_time"
                ),
            ),
            ("markup", lambda: self._markup_first(MODIFIED_MARKUP)),
        ]

    def _markup_first(self, alternatives: tuple[tuple[str, tuple[str, ...]], ...]) -> str | None:
        for css, attributes in alternatives:
            for found in self.selector.css(css):
                if text.is_furniture(found.root):
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
            ("config", lambda: iso_language(self.outlet.language)),
        ]

    def canonical_candidates(self) -> list[Candidate]:
        def link() -> str | None:
            href = self.selector.xpath(
                '//link[contains(concat(" ", normalize-space(@rel), " "), " canonical ")]/@href'
            ).get()
            return urljoin(self.url, href.strip()) if href and href.strip() else None

        def og_url() -> str | None:
            value = structured.meta_value(self.selector, "og:url")
            return urljoin(self.url, value) if value else None

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
