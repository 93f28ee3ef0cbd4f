"""Pages that are not what the crawl asked for, recognised from the page itself.

Each check takes a downloaded response and returns a :class:`Problem` (a
stable ``reason`` slug for :func:`crawler.lost.page_lost` and a detail for the
log) or ``None``:

- :func:`truncation`: a body cut short — Scrapy marks a body whose end it could
  not confirm (``dataloss``); a body delimited only by the connection closing
  (``partial``, no ``Content-Length``) or stopping in the middle of a UTF-8
  character must end with its closing markup;
- :func:`content_problem`, for text pages that should hold an article or a
  debate: an empty or near-empty body (little visible text
  and not one paragraph), a soft 404 (status 200
  with the theme's "Page not found"), a consent wall (a cookie or consent
  interstitial with no article behind it).

The phrases and markup these rules look for live in
``crawler/data/page_problems.json``.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from parsel import Selector
from scrapy.http import Response, TextResponse

from crawler.packaged import packaged
from crawler.pages.discovery import xml_kind
from crawler.pages.text import as_selector

RULES: dict[str, Any] = json.loads(packaged("data", "page_problems.json").read_text("utf-8"))
MIN_VISIBLE_CHARS: int = RULES["min_visible_chars"]
"""A page with less visible text than this and no paragraph is near-empty."""
MIN_ARTICLE_PARAGRAPH_CHARS: int = RULES["min_article_paragraph_chars"]
"""Paragraph text outside consent forms that shows an article is behind a consent banner."""

# How far from the end of a body its closing markup may sit (trailing scripts, comments).
CLOSING_TAIL_BYTES = 8192
_HTML_CLOSING = re.compile(rb"</(?:html|body)\s*>", re.IGNORECASE)
_XML_ROOT_NAMES = {"feed": (b"rss", b"feed", b"rdf"), "sitemap": (b"urlset", b"sitemapindex")}
_INVISIBLE = frozenset({"script", "style", "noscript", "template", "svg"})
# The root element of an XML document: after the declaration, comments and a doctype.
_XML_DOCUMENT_ROOT = re.compile(
    r"^\ufeff?\s*<\?xml[^>]*\?>\s*(?:<!--.*?-->\s*|<!DOCTYPE[^>]*>\s*)*<([\w.:-]+)", re.DOTALL
)


@dataclass(frozen=True)
class Problem:
    reason: str
    """Slug counted under ``corpus/lost/<reason>``."""
    detail: str


# ---------------------------------------------------------------- truncated bodies
def xml_root(head: str) -> str | None:
    """The root element's name of an XML document that is not XHTML (a data export such as
    the Senedd's transcripts), from the start of its text; else ``None``."""
    match = _XML_DOCUMENT_ROOT.match(head)
    if match is None or match[1].lower() == "html":
        return None
    return match[1]


def has_closing_markup(body: bytes, is_xml: bool, root: str | None = None) -> bool:
    """Whether a body ends with its document's closing tag (within a short tail); for an
    XML document, that of ``root`` when given, else of a feed or sitemap."""
    tail = body[-CLOSING_TAIL_BYTES:]
    if not is_xml:
        return bool(_HTML_CLOSING.search(tail))
    lowered = tail.lower()
    names = [name for names in _XML_ROOT_NAMES.values() for name in names]
    if root is not None:
        names = [re.escape(root.lower().rpartition(":")[2].encode())]
    return any(re.search(rb"</(?:[\w.-]+:)?" + name + rb"\s*>", lowered) for name in names)


def ends_mid_character(body: bytes) -> bool:
    """Whether a UTF-8 body stops part-way through a multi-byte character."""
    tail = body[-8:].lstrip(bytes(range(0x80, 0xC0)))  # start at a character's first byte
    try:
        tail.decode("utf-8")
    except UnicodeDecodeError as error:
        return error.reason == "unexpected end of data"
    return False


def truncation(response: Response) -> Problem | None:
    """A body cut short: one Scrapy could not read to its declared end, or a page
    without its closing tag whose end is in doubt — delimited only by the
    connection closing (no ``Content-Length``), or stopping mid-character."""
    if "dataloss" in response.flags:
        return Problem("truncated", "the connection closed before the declared length")
    if not isinstance(response, TextResponse):
        return None
    head = response.body[:4096].decode("utf-8", "replace")
    root = None if xml_kind(head) is not None else xml_root(head)
    is_xml = xml_kind(head) is not None or root is not None
    if not is_xml and not _looks_like_html(response):
        return None
    if "partial" in response.flags:
        doubt = "no Content-Length"
    elif response.encoding == "utf-8" and ends_mid_character(response.body):
        doubt = "the body stops in the middle of a character"
    else:
        return None
    if has_closing_markup(response.body, is_xml, root):
        return None
    kind = "XML" if is_xml else "HTML"
    return Problem(
        "truncated",
        f"{doubt} and the {kind} ends without its closing tag ({len(response.body)} bytes)",
    )


def _looks_like_html(response: TextResponse) -> bool:
    content_type = (response.headers.get(b"Content-Type") or b"").lower()
    return b"html" in content_type or b"<html" in response.body[:4096].lower()


# ---------------------------------------------------------------- content pages
def content_problem(response: Response) -> Problem | None:
    """Why a page that should hold an article or a debate holds none, else ``None``."""
    content_type = (response.headers.get(b"Content-Type") or b"").decode("latin-1")
    if not isinstance(response, TextResponse) or not is_text_type(content_type):
        return None  # a download (PDF, image, gzip): the spider decides what it is
    if content_type.split(";", 1)[0].strip().lower().endswith("json"):
        return None  # an API's answer: its spider checks the shape it expects
    if not response.body.strip():
        return Problem("empty_body", "the body is empty")
    head = response.text[:4096]
    if xml_kind(head) is not None or xml_root(head) is not None:
        return None  # a feed, sitemap or other XML document asked for by name: read as such
    selector = as_selector(response)
    markup = response.text.lower()
    if soft := soft_404(selector, markup):
        return soft
    if wall := consent_wall(selector, response.url, markup):
        return wall
    if _paragraph_chars(selector.root):
        return None
    visible = visible_text(selector)
    if len(visible) < MIN_VISIBLE_CHARS:
        return Problem(
            "empty_body", f"only {len(visible)} characters of visible text and no paragraph"
        )
    return None


def is_text_type(content_type: str) -> bool:
    """Whether a ``Content-Type`` names a text page (HTML, XML, text); unset counts as text."""
    mime = content_type.split(";", 1)[0].strip().lower()
    return not mime or mime.startswith("text/") or mime.endswith(("xml", "html", "json"))


def _collapse(text: str) -> str:
    return " ".join(text.split())


def visible_text(selector: Selector) -> str:
    """The text a reader would see in the page's body (scripts and styles left out)."""
    parts: list[str] = []

    def walk(node: Any) -> None:
        if isinstance(node.tag, str) and node.tag not in _INVISIBLE:
            parts.append(node.text or "")
            for child in node:
                walk(child)
                parts.append(child.tail or "")

    for body in selector.xpath("//body"):
        walk(body.root)
    return _collapse(" ".join(parts))


def _title(selector: Selector) -> str:
    title = _collapse(" ".join(selector.xpath("//title//text()").getall()))
    heading = _collapse(" ".join(selector.xpath("(//h1)[1]//text()").getall()))
    return f"{title} {heading}".lower()


def _has_phrase(text: str, phrases: list[str]) -> str | None:
    return next((phrase for phrase in phrases if phrase in text), None)


def _visible_phrase(selector: Selector, phrases: list[str], markup: str | None) -> str | None:
    """The first phrase the page's visible text holds (its markup is searched first, cheaply)."""
    markup = markup if markup is not None else (selector.get() or "").lower()
    candidates = [phrase for phrase in phrases if phrase in markup]
    return _has_phrase(visible_text(selector).lower(), candidates) if candidates else None


def soft_404(selector: Selector, markup: str | None = None) -> Problem | None:
    """A "Page not found" page served with status 200 (``markup``: the page, lowercased)."""
    rules = RULES["soft_404"]
    body_classes = f" {selector.xpath('//body/@class').get() or ''} ".lower()
    marked = next((name for name in rules["body_classes"] if f" {name} " in body_classes), None)
    if marked:
        return Problem("soft_404", f"the page's body is marked {marked!r}")
    if phrase := _has_phrase(_title(selector), rules["title_phrases"]):
        return Problem("soft_404", f"the page's title says {phrase!r}")
    if phrase := _visible_phrase(selector, rules["text_phrases"], markup):
        return Problem("soft_404", f"the page says {phrase!r}")
    return None


# Containers of consent banners and dialogs, by the words their class or id carry.
_CONSENT_CONTAINER = re.compile(r"consent|cookie|gdpr|cmp|onetrust|didomi|sp_message", re.I)
_CONSENT_MARKUP = ", ".join(RULES["consent"]["selectors"])


def _paragraph_chars(root: Any) -> int:
    return sum(len(_collapse("".join(p.itertext()))) for p in root.iter("p"))


def _consent_containers(body: Any) -> list[Any]:
    """The outermost elements of ``body`` that hold a consent banner or a dialog."""
    found: list[Any] = []

    def walk(node: Any) -> None:
        for child in node:
            if not isinstance(child.tag, str):
                continue
            words = f"{child.get('class') or ''} {child.get('id') or ''}"
            if (
                child.tag == "dialog"
                or child.get("role") == "dialog"
                or _CONSENT_CONTAINER.search(words)
            ):
                found.append(child)
            else:
                walk(child)

    walk(body)
    return found


def article_paragraph_chars(selector: Selector) -> int:
    """Paragraph text outside consent banners and dialogs: what an article is made of."""
    bodies = selector.xpath("//body")
    if not bodies:
        return 0
    body = bodies[0].root
    total = _paragraph_chars(body)
    if total < MIN_ARTICLE_PARAGRAPH_CHARS:
        return total  # too little for an article, wherever the paragraphs sit
    inside = sum(_paragraph_chars(container) for container in _consent_containers(body))
    return total - inside


def _has_article_markup(selector: Selector) -> bool:
    return bool(
        selector.xpath("//div[starts-with(@id, 'g') and contains(@class, 'debate-speech')]")
        or selector.xpath("//meta[@property='og:type'][@content='article']")
        or selector.xpath("//script[contains(., 'Article\"')][contains(@type, 'ld+json')]")
    )


def consent_wall(selector: Selector, url: str, markup: str | None = None) -> Problem | None:
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
    chars = article_paragraph_chars(selector)
    if chars >= MIN_ARTICLE_PARAGRAPH_CHARS:
        return None  # an article, whatever banner sits over it
    if found := selector.css(_CONSENT_MARKUP):
        weak = f"consent-platform markup (<{found[0].root.tag} {dict(found[0].attrib)!r}>)"
    elif phrase := _visible_phrase(selector, rules["text_phrases"], markup):
        weak = f"the page says {phrase!r}"
    else:
        return None
    return Problem("consent_wall", f"{weak} and only {chars} characters of paragraphs")
