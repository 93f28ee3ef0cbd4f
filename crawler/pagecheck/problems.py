"""Pages that are not what the crawl asked for, recognised from the page itself.

Each check takes a downloaded response and returns a :class:`Problem` (a
stable ``reason`` slug for :func:`crawler.lost.page_lost` and a detail for the
log) or ``None``:

- :func:`truncation`: a body cut short — Scrapy marks a body whose end it could
  not confirm (``dataloss``), and a body delimited only by the connection
  closing (``partial``, no ``Content-Length``) must end with its closing markup;
- :func:`content_problem`, for pages that should hold an article or a debate:
  a body that is not text, an empty or near-empty body, a soft 404 (status 200
  with the theme's "Page not found"), a consent wall (a cookie or consent
  interstitial with no article behind it).

The phrases and markup these rules look for live in
``crawler/data/page_problems.json``.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from parsel import Selector
from scrapy.http import Response, TextResponse

from crawler.pages.discovery import xml_kind

RULES: dict[str, Any] = json.loads(
    (Path(__file__).resolve().parent.parent / "data" / "page_problems.json").read_text("utf-8")
)
MIN_VISIBLE_CHARS: int = RULES["min_visible_chars"]
"""A page with less visible text than this is empty, whatever its markup."""
MIN_ARTICLE_PARAGRAPH_CHARS: int = RULES["min_article_paragraph_chars"]
"""Paragraph text outside consent forms that shows an article is behind a consent banner."""

# How far from the end of a body its closing markup may sit (trailing scripts, comments).
CLOSING_TAIL_BYTES = 8192
_HTML_CLOSING = re.compile(rb"</(?:html|body)\s*>", re.IGNORECASE)
_XML_ROOT_NAMES = {"feed": (b"rss", b"feed", b"rdf"), "sitemap": (b"urlset", b"sitemapindex")}
_INVISIBLE = "script, style, noscript, template, svg"


@dataclass(frozen=True)
class Problem:
    reason: str
    """Slug counted under ``corpus/lost/<reason>``."""
    detail: str


# ---------------------------------------------------------------- truncated bodies
def has_closing_markup(body: bytes, is_xml: bool) -> bool:
    """Whether a body ends with its document's closing tag (within a short tail)."""
    tail = body[-CLOSING_TAIL_BYTES:]
    if not is_xml:
        return bool(_HTML_CLOSING.search(tail))
    lowered = tail.lower()
    names = [name for names in _XML_ROOT_NAMES.values() for name in names]
    return any(re.search(rb"</(?:[\w.-]+:)?" + name + rb"\s*>", lowered) for name in names)


def truncation(response: Response) -> Problem | None:
    """A body Scrapy could not read to its end, or a close-delimited page without its end."""
    if "dataloss" in response.flags:
        return Problem("truncated", "the connection closed before the declared length")
    if "partial" not in response.flags or not isinstance(response, TextResponse):
        return None
    is_xml = xml_kind(response.body[:4096].decode("utf-8", "replace")) is not None
    if not is_xml and not _looks_like_html(response):
        return None
    if has_closing_markup(response.body, is_xml):
        return None
    kind = "XML" if is_xml else "HTML"
    return Problem(
        "truncated",
        f"no Content-Length and the {kind} ends without its closing tag "
        f"({len(response.body)} bytes)",
    )


def _looks_like_html(response: TextResponse) -> bool:
    content_type = (response.headers.get(b"Content-Type") or b"").lower()
    return b"html" in content_type or b"<html" in response.body[:4096].lower()


# ---------------------------------------------------------------- content pages
def content_problem(response: Response) -> Problem | None:
    """Why a page that should hold an article or a debate holds none, else ``None``."""
    if not isinstance(response, TextResponse):
        content_type = (response.headers.get(b"Content-Type") or b"").decode("latin-1")
        return Problem("not_text", f"not a text page (Content-Type {content_type or 'none'!r})")
    if not response.body.strip():
        return Problem("empty_body", "the body is empty")
    if xml_kind(response.text[:4096]) is not None:
        return None  # a feed or sitemap asked for by name: read as such
    selector = _selector(response)
    if selector is None:
        return Problem("empty_body", "the body holds no readable markup")
    if soft := soft_404(selector):
        return soft
    if wall := consent_wall(selector, response.url):
        return wall
    visible = len(visible_text(selector))
    if visible < MIN_VISIBLE_CHARS:
        return Problem("empty_body", f"only {visible} characters of visible text")
    return None


def _selector(response: TextResponse) -> Selector | None:
    try:
        return Selector(text=response.text)
    except (ValueError, TypeError):
        return None


def _collapse(text: str) -> str:
    return " ".join(text.split())


def visible_text(selector: Selector) -> str:
    """The text a reader would see in the page's body (scripts and styles left out)."""
    parts = selector.xpath(
        "//body//text()[not(ancestor::script or ancestor::style or ancestor::noscript"
        " or ancestor::template or ancestor::svg)]"
    ).getall()
    return _collapse(" ".join(parts))


def _title(selector: Selector) -> str:
    title = _collapse(" ".join(selector.xpath("//title//text()").getall()))
    heading = _collapse(" ".join(selector.xpath("(//h1)[1]//text()").getall()))
    return f"{title} {heading}".lower()


def _has_phrase(text: str, phrases: list[str]) -> str | None:
    return next((phrase for phrase in phrases if phrase in text), None)


def soft_404(selector: Selector) -> Problem | None:
    """A "Page not found" page served with status 200."""
    rules = RULES["soft_404"]
    body_classes = f" {selector.xpath('//body/@class').get() or ''} ".lower()
    marked = next((name for name in rules["body_classes"] if f" {name} " in body_classes), None)
    if marked:
        return Problem("soft_404", f"the page's body is marked {marked!r}")
    if phrase := _has_phrase(_title(selector), rules["title_phrases"]):
        return Problem("soft_404", f"the page's title says {phrase!r}")
    if phrase := _has_phrase(visible_text(selector).lower(), rules["text_phrases"]):
        return Problem("soft_404", f"the page says {phrase!r}")
    return None


# Containers of consent banners and dialogs, by the words their class or id carry.
_CONSENT_CONTAINER = re.compile(r"consent|cookie|gdpr|cmp|onetrust|didomi|sp_message", re.I)


def _is_consent_container(node: Selector) -> bool:
    if node.root.tag == "dialog" or node.attrib.get("role") == "dialog":
        return True
    words = f"{node.attrib.get('class', '')} {node.attrib.get('id', '')}"
    return bool(_CONSENT_CONTAINER.search(words))


def article_paragraph_chars(selector: Selector) -> int:
    """Paragraph text outside consent banners and dialogs: what an article is made of."""
    total = 0
    for paragraph in selector.xpath("//body//p"):
        containers = paragraph.xpath("ancestor::*[@class or @id or @role='dialog' or self::dialog]")
        if any(_is_consent_container(node) for node in containers):
            continue
        total += len(_collapse(" ".join(paragraph.xpath(".//text()").getall())))
    return total


def _has_article_markup(selector: Selector) -> bool:
    return bool(
        selector.xpath("//div[starts-with(@id, 'g') and contains(@class, 'debate-speech')]")
        or selector.xpath("//meta[@property='og:type'][@content='article']")
        or selector.xpath("//script[contains(., 'Article\"')][contains(@type, 'ld+json')]")
    )


def consent_wall(selector: Selector, url: str) -> Problem | None:
    """A cookie or consent interstitial standing where the article should be.

    A consent host (``consent.example.com``) or a consent title is a wall unless
    the page carries article or debate markup; weaker signs (consent-platform
    markup, consent phrases) make a wall only when the page holds too little
    paragraph text to be an article behind a banner.
    """
    rules = RULES["consent"]
    host = (urlsplit(url).hostname or "").lower()
    strong = next((prefix for prefix in rules["host_prefixes"] if host.startswith(prefix)), None)
    if strong:
        strong = f"served from the consent host {host}"
    elif phrase := _has_phrase(_title(selector), rules["title_phrases"]):
        strong = f"the page's title says {phrase!r}"
    if strong and not _has_article_markup(selector):
        return Problem("consent_wall", strong)
    weak = None
    if found := next((css for css in rules["selectors"] if selector.css(css)), None):
        weak = f"consent markup {found!r}"
    elif phrase := _has_phrase(visible_text(selector).lower(), rules["text_phrases"]):
        weak = f"the page says {phrase!r}"
    if weak is None:
        return None
    chars = article_paragraph_chars(selector)
    if chars < MIN_ARTICLE_PARAGRAPH_CHARS:
        return Problem("consent_wall", f"{weak} and only {chars} characters of paragraphs")
    return None
