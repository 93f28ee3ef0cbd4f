"""Structured data embedded in pages: schema.org JSON-LD and ``<meta>`` tags.

JSON-LD comes flat (one object), as a list, or as a Yoast-style ``@graph``
whose nodes point at each other by ``@id``; :class:`JsonLd` indexes every node
so references (an article's ``author: {"@id": …}``) can be resolved.

Pages write JSON-LD by hand as often as by serialiser, so it is read
leniently (see :func:`parse_jsonld`): raw newlines in strings, trailing
commas, JavaScript comments, CDATA or HTML comment wrappers and several
objects in one block are tolerated, and HTML entities in values are decoded.
"""

from __future__ import annotations

import html
import json
import re
import weakref
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from lxml import etree
from parsel import Selector

ARTICLE_TYPES = frozenset(
    {
        "Article",
        "NewsArticle",
        "BlogPosting",
        "ReportageNewsArticle",
        "AnalysisNewsArticle",
        "OpinionNewsArticle",
        "BackgroundNewsArticle",
        "ReviewNewsArticle",
        "AskPublicNewsArticle",
        "LiveBlogPosting",
        "SatiricalArticle",
        "TechArticle",
        "Report",
    }
)


# Node types that name an organisation, never a person writing under a byline.
ORGANISATION_TYPES = frozenset(
    {"Organization", "NewsMediaOrganization", "Corporation", "WebSite", "Brand"}
)

# Page types that hold many items: their main entity is a list, not an article.
COLLECTION_TYPES = frozenset({"CollectionPage", "ItemList", "SearchResultsPage", "ProfilePage"})

# Keys whose object value is the page's main thing (a WebPage's article).
_MAIN_ENTITY_KEYS = ("mainEntity", "mainEntityOfPage")

# Markup wrapped around a script's JSON: CDATA sections (bare or inside
# JavaScript comments) and HTML comments.
_WRAPPER_START = re.compile(r"^\s*(?:(?://|/\*)\s*)?(?:<!\[CDATA\[|<!--)\s*(?:\*/)?")
_WRAPPER_END = re.compile(r"(?:(?://|/\*)\s*)?(?:\]\]>|-->)\s*(?:\*/)?\s*$")


def types_of(node: dict[str, Any]) -> set[str]:
    """The node's ``@type`` values, without any ``schema:`` / URL prefix."""
    raw = node.get("@type")
    values = raw if isinstance(raw, list) else [raw]
    return {str(value).rsplit("/", 1)[-1].rsplit(":", 1)[-1] for value in values if value}


@dataclass
class JsonLd:
    """Every JSON-LD node of a page, with an index by ``@id``."""

    nodes: list[dict[str, Any]] = field(default_factory=list)
    by_id: dict[str, dict[str, Any]] = field(default_factory=dict)
    invalid_blocks: int = 0

    @classmethod
    def from_selector(cls, selector: Selector) -> JsonLd:
        """Every JSON-LD block of the page, decoded now (see :func:`page_data` to decode once)."""
        found = cls()
        for raw in selector.xpath(
            '//script[translate(@type, "ABCDEFGHIJKLMNOPQRSTUVWXYZ", '
            '"abcdefghijklmnopqrstuvwxyz")="application/ld+json"]/text()'
        ).getall():
            data = parse_jsonld(raw)
            if data is None:
                found.invalid_blocks += 1
                continue
            for node in _walk(data):
                found.nodes.append(node)
                if isinstance(node.get("@id"), str) and len(node) > 1:
                    found.by_id.setdefault(node["@id"], node)
        return found

    def resolve(self, value: Any) -> Any:
        """Follow an ``{"@id": …}`` reference to its node, when the page has it."""
        if isinstance(value, dict) and set(value) <= {"@id", "name"} and "@id" in value:
            return self.by_id.get(value["@id"], value)
        return value

    def article(self) -> dict[str, Any] | None:
        """The first node typed as an article (NewsArticle, BlogPosting…)."""
        return next((node for node in self.nodes if types_of(node) & ARTICLE_TYPES), None)

    def first_of_type(self, *wanted: str) -> dict[str, Any] | None:
        return next((node for node in self.nodes if types_of(node) & set(wanted)), None)


def parse_jsonld(raw: str) -> Any:
    """The JSON of one ``ld+json`` script, read leniently; ``None`` when it is not JSON.

    Strict JSON is tried first; only when that fails are comments and
    trailing commas removed. Several objects one after the other are read as
    a list.
    """
    source = _WRAPPER_END.sub("", _WRAPPER_START.sub("", raw, count=1), count=1).strip()
    if not source:
        return None
    values = _decode_all(source)
    if values is None:
        values = _decode_all(_without_comments_and_trailing_commas(source))
    if values is None:
        return None
    return _unescape(values[0] if len(values) == 1 else values)


def _decode_all(source: str) -> list[Any] | None:
    decoder = json.JSONDecoder(strict=False)
    values: list[Any] = []
    position = 0
    while position < len(source):
        try:
            value, position = decoder.raw_decode(source, position)
        except ValueError:
            return None
        values.append(value)
        while position < len(source) and source[position] in " \t\r\n;":
            position += 1
    return values or None


def _without_comments_and_trailing_commas(source: str) -> str:
    """``source`` without ``//`` and ``/* */`` comments or commas before ``}``/``]``.

    Scans character by character so that text inside strings (``"https://…"``)
    is never touched.
    """
    kept: list[str] = []
    index, length = 0, len(source)
    in_string = False
    while index < length:
        char = source[index]
        if in_string:
            kept.append(char)
            if char == "\\" and index + 1 < length:
                kept.append(source[index + 1])
                index += 1
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
            kept.append(char)
        elif source.startswith("//", index):
            end = source.find("\n", index)
            index = length if end < 0 else end
            continue
        elif source.startswith("/*", index):
            end = source.find("*/", index + 2)
            index = length if end < 0 else end + 2
            continue
        elif char in "}]":
            while kept and kept[-1].isspace():
                kept.pop()
            if kept and kept[-1] == ",":
                kept.pop()
            kept.append(char)
        else:
            kept.append(char)
        index += 1
    return "".join(kept)


def _unescape(value: Any) -> Any:
    """Decode HTML entities (``&amp;``, ``&#8217;``) left in JSON-LD strings."""
    if isinstance(value, str):
        return html.unescape(value) if "&" in value else value
    if isinstance(value, list):
        return [_unescape(item) for item in value]
    if isinstance(value, dict):
        return {key: _unescape(item) for key, item in value.items()}
    return value


def _walk(data: Any) -> Iterator[dict[str, Any]]:
    """Nodes: a single object, a list of them, a ``@graph``, and each node's main entity."""
    if isinstance(data, list):
        for item in data:
            yield from _walk(item)
    elif isinstance(data, dict):
        graph = data.get("@graph")
        if isinstance(graph, list):
            yield from _walk(graph)
            if types_of(data):
                yield data
            return
        yield data
        if types_of(data) & COLLECTION_TYPES:
            return  # a listing's main entity is its list of teasers, not one article
        for key in _MAIN_ENTITY_KEYS:
            entity = data.get(key)
            if isinstance(entity, dict):
                yield from (node for node in _walk(entity) if types_of(node))


def as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def text_value(value: Any) -> str | None:
    """A plain string out of a JSON-LD value (strings, ``{"@value": …}``, first of a list)."""
    if isinstance(value, list):
        for item in value:
            found = text_value(item)
            if found:
                return found
        return None
    if isinstance(value, dict):
        return text_value(value.get("@value"))
    if isinstance(value, (str, int, float)) and str(value).strip():
        return str(value).strip()
    return None


def person_names(value: Any, jsonld: JsonLd) -> list[str]:
    """Names of the people in an ``author`` value; organisations are not bylines."""
    names: list[str] = []
    for item in as_list(value):
        item = jsonld.resolve(item)
        if isinstance(item, str):
            if item.strip() and not item.startswith(("http://", "https://")):
                names.append(item.strip())
        elif isinstance(item, dict):
            if types_of(item) & ORGANISATION_TYPES:
                continue
            name = text_value(item.get("name"))
            if name:
                names.append(name)
    return names


def keywords(value: Any) -> list[str]:
    """``keywords`` / ``articleSection`` as a list (they come as lists or comma strings)."""
    words: list[str] = []
    for item in as_list(value):
        if isinstance(item, str):
            words.extend(part.strip() for part in item.split(",") if part.strip())
    return words


class PageData:
    """A parsed page's structured data, each part read at most once per page.

    The page kind, the article reader and the site name all ask for meta tags
    and JSON-LD; :func:`page_data` hands them the same instance for the same
    Selector, so the ``<meta>`` tags are indexed in one pass and each JSON-LD
    block is decoded once per page, however many readers ask.
    """

    def __init__(self, selector: Selector) -> None:
        # A weak reference: the page's cache entry must not keep its page alive.
        self._selector = weakref.ref(selector)
        self._meta: dict[str, list[tuple[int, str]]] | None = None
        self._jsonld: JsonLd | None = None

    @property
    def jsonld(self) -> JsonLd:
        """The page's JSON-LD, decoded on first use."""
        if self._jsonld is None:
            selector = self._selector()
            self._jsonld = JsonLd.from_selector(selector) if selector is not None else JsonLd()
        return self._jsonld

    def meta_values(self, *names: str) -> list[str]:
        """Contents of the named ``<meta>`` tags, in page order (see :func:`meta_values`)."""
        if self._meta is None:
            self._meta = _meta_index(self._selector())
        if len(names) == 1:
            return [content for _, content in self._meta.get(names[0].lower(), ())]
        found = sorted(
            entry for name in {name.lower() for name in names} for entry in self._meta.get(name, ())
        )
        return [content for _, content in found]


def _meta_index(selector: Selector | None) -> dict[str, list[tuple[int, str]]]:
    """``property`` (else ``name``), lower case -> [(position, content)] of every ``<meta>``."""
    index: dict[str, list[tuple[int, str]]] = {}
    root = selector.root if selector is not None else None
    if not isinstance(root, etree._Element):
        return index
    # The whole document, as ``//meta`` reads it from any node of the page.
    for position, meta in enumerate(root.getroottree().iter("meta")):
        content = meta.get("content")
        if content is None:
            continue
        key = (meta.get("property") or meta.get("name") or "").lower()
        content = content.strip()
        if content:
            index.setdefault(key, []).append((position, content))
    return index


_PAGE_DATA: weakref.WeakKeyDictionary[Selector, PageData] = weakref.WeakKeyDictionary()


def page_data(selector: Selector) -> PageData:
    """The one :class:`PageData` of this Selector (kept while the Selector lives)."""
    found = _PAGE_DATA.get(selector)
    if found is None:
        found = _PAGE_DATA[selector] = PageData(selector)
    return found


def meta_values(selector: Selector, *names: str) -> list[str]:
    """Contents of ``<meta property=…>`` / ``<meta name=…>`` tags, in page order."""
    return page_data(selector).meta_values(*names)


def meta_value(selector: Selector, *names: str) -> str | None:
    """The first content of any of the named meta tags, trying names in order."""
    for name in names:
        values = meta_values(selector, name)
        if values:
            return values[0]
    return None


def is_name(value: str | None) -> bool:
    """Whether ``value`` reads as a name, not a URL, a path or a social @handle."""
    value = (value or "").strip()
    return bool(value) and not (value.startswith(("@", "www.")) or "://" in value or "/" in value)


def publisher_name(jsonld: JsonLd) -> str | None:
    """The name of the article's publisher, else of any node's publisher."""
    article = jsonld.article() or {}
    for node in (article, *jsonld.nodes):
        publisher = jsonld.resolve(node.get("publisher"))
        if isinstance(publisher, list):
            publisher = jsonld.resolve(publisher[0]) if publisher else None
        name = text_value(publisher.get("name")) if isinstance(publisher, dict) else None
        if is_name(name):
            return name
    return None


def site_name(selector: Selector, url: str, jsonld: JsonLd | None = None) -> str:
    """What to call the site a page is on: ``og:site_name``, the JSON-LD publisher, the host."""
    for value in meta_values(selector, "og:site_name"):
        if is_name(value):
            return value
    name = publisher_name(jsonld if jsonld is not None else page_data(selector).jsonld)
    if name:
        return name
    host = (urlsplit(url).hostname or "").lower()
    return host.removeprefix("www.") or url
