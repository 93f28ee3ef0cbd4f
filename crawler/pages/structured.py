"""Structured data embedded in pages: schema.org JSON-LD and ``<meta>`` tags.

JSON-LD comes flat (one object), as a list, or as a Yoast-style ``@graph``
whose nodes point at each other by ``@id``; :class:`JsonLd` indexes every node
so references (an article's ``author: {"@id": …}``) can be resolved.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

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
        found = cls()
        for raw in selector.xpath(
            '//script[translate(@type, "ABCDEFGHIJKLMNOPQRSTUVWXYZ", '
            '"abcdefghijklmnopqrstuvwxyz")="application/ld+json"]/text()'
        ).getall():
            try:
                data = json.loads(raw.strip().removeprefix("<!--").removesuffix("-->"))
            except (json.JSONDecodeError, ValueError):
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


def _walk(data: Any) -> Iterator[dict[str, Any]]:
    """Top-level nodes: a single object, a list of them, or a ``@graph``."""
    if isinstance(data, list):
        for item in data:
            yield from _walk(item)
    elif isinstance(data, dict):
        graph = data.get("@graph")
        if isinstance(graph, list):
            yield from _walk(graph)
            if types_of(data):
                yield data
        else:
            yield data


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
            kinds = types_of(item)
            if kinds & {"Organization", "NewsMediaOrganization", "Corporation"}:
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


def meta_values(selector: Selector, *names: str) -> list[str]:
    """Contents of ``<meta property=…>`` / ``<meta name=…>`` tags, in page order."""
    wanted = {name.lower() for name in names}
    values: list[str] = []
    for meta in selector.xpath("//meta[@content]"):
        key = (meta.attrib.get("property") or meta.attrib.get("name") or "").lower()
        if key in wanted:
            content = meta.attrib["content"].strip()
            if content:
                values.append(content)
    return values


def meta_value(selector: Selector, *names: str) -> str | None:
    """The first content of any of the named meta tags, trying names in order."""
    for name in names:
        values = meta_values(selector, name)
        if values:
            return values[0]
    return None
