"""Text out of HTML the way a reader sees it: paragraphs, line breaks, nothing normalised.

Only HTML whitespace (space, tab, newline, form feed, carriage return) is
collapsed, as a browser does; every other character, curly quotes, ellipses
and non-breaking spaces included, is kept exactly as the page has it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import Any

from lxml import etree
from parsel import Selector

HTML_SPACE = re.compile(r"[ \t\n\r\f]+")
# Control characters lxml cannot hold in a tree (names and values alike): a
# damaged page's are read as U+FFFD, as a browser reads NUL.
CONTROL_CHARACTERS = re.compile("[\x00-\x08\x0b\x0e-\x1f]")
_LINE_BREAK = "\x00"

# Elements that are never article text, wherever they sit.
ALWAYS_DROP = (
    "script",
    "style",
    "noscript",
    "template",
    "iframe",
    "object",
    "embed",
    "svg",
    "form",
    "button",
    "input",
    "select",
    "textarea",
    "nav",
    "aside",
    "figure",
    "figcaption",
    "amp-img",
    "amp-ad",
    "ins",
)

# Class or id words that mark page furniture inside an article body: share
# bars, "read more" boxes, newsletter prompts, author boxes, captions.
FURNITURE = re.compile(
    r"(?:^|[\s_-])(?:share|sharing|social|related|newsletter|subscribe|promo|advert|"
    r"advertisement|adsbygoogle|sponsor|donat\w*|author-?box|author-?bio|comments?|wpd|"
    r"breadcrumbs?|tags|caption|read-?more|print)(?:[\s_-]|$)",
    re.IGNORECASE,
)

# Blocks that make paragraphs; a list item or quotation holding paragraphs
# yields those paragraphs instead of itself.
_BLOCKS = (
    ".//*[self::p or self::h2 or self::h3 or self::h4 or self::h5 or self::h6 or self::pre"
    " or (self::li and not(.//p)) or (self::blockquote and not(.//p))]"
)


# Numeric character references; those naming no character lxml can hold are replaced.
CHARACTER_REFERENCE = re.compile(r"&#(?:[xX]([0-9a-fA-F]{1,8})|([0-9]{1,10}));")


def _holdable(code: int) -> bool:
    return (
        (code >= 0x20 or code in (0x9, 0xA, 0xD))
        and not 0xD800 <= code <= 0xDFFF
        and (code <= 0x10FFFF)
    )


def _reference(match: re.Match[str]) -> str:
    code = int(match[1], 16) if match[1] else int(match[2])
    return match[0] if _holdable(code) else "\ufffd"


def clean_markup(markup: str) -> str:
    """Markup with what lxml cannot hold (control characters, references to
    surrogates or NUL) read as U+FFFD."""
    markup = CONTROL_CHARACTERS.sub("\ufffd", markup)
    return CHARACTER_REFERENCE.sub(_reference, markup) if "&#" in markup else markup


def as_selector(page: Any) -> Selector:
    """A parsel Selector for a Scrapy response, a Selector, or an HTML string.

    A response whose body is not text (an image, a download) reads as an empty page.
    """
    if isinstance(page, Selector):
        return page
    selector = getattr(page, "selector", None)
    if isinstance(selector, Selector):
        markup = page.text
        if selector.type in ("html", "xml") and not CONTROL_CHARACTERS.search(markup):
            return selector
        kind = selector.type if selector.type in ("html", "xml") else "html"
        return Selector(text=clean_markup(markup), type=kind, base_url=page.url)
    if isinstance(page, bytes):
        return Selector(body=page)
    if isinstance(page, str):
        return Selector(text=clean_markup(page))
    if isinstance(getattr(page, "body", None), bytes):
        return Selector(text="")
    raise TypeError(f"cannot read a page from {type(page).__name__}")


def collapse(text: str) -> str:
    """Collapse HTML whitespace runs to one space and trim them at both ends."""
    return HTML_SPACE.sub(" ", text).strip(" ")


def element_text(element: Any) -> str:
    """An element's visible text: ``<br>`` becomes a newline, HTML whitespace collapses."""
    root = element.root if isinstance(element, Selector) else element
    if isinstance(root, str):
        return collapse(root)
    parts: list[str] = []

    def walk(node: Any) -> None:
        tag = node.tag if isinstance(node.tag, str) else None
        if tag == "br":
            parts.append(_LINE_BREAK)
        elif tag is not None and tag not in ("script", "style", "template"):
            if node.text:
                parts.append(node.text)
            for child in node:
                walk(child)
                if child.tail:
                    parts.append(child.tail)

    walk(root)
    lines = HTML_SPACE.sub(" ", "".join(parts)).split(_LINE_BREAK)
    return "\n".join(line.strip(" ") for line in lines).strip("\n ")


def _class_words(node: Any) -> str:
    return f"{node.get('class') or ''} {node.get('id') or ''}"


def fragment(element: Selector) -> Selector:
    """A private copy of an element, so dropping parts of it leaves the page intact."""
    return Selector(text=element.get())


def drop(container: Selector, selectors: Iterable[str], *, furniture: bool = True) -> None:
    """Remove unwanted elements from ``container`` (which must be a private copy)."""
    for css in (*ALWAYS_DROP, *selectors):
        for found in container.css(css):
            _drop_node(found.root)
    if not furniture:
        return
    body = container.root
    doomed = [
        node
        for node in body.iter()
        if isinstance(node.tag, str)
        and node.tag not in ("html", "body")
        and FURNITURE.search(_class_words(node))
    ]
    for node in doomed:
        _drop_node(node)


def _drop_node(node: Any) -> None:
    parent = node.getparent() if hasattr(node, "getparent") else None
    if parent is None:
        return
    if hasattr(node, "drop_tree"):
        node.drop_tree()  # keeps the tail text, unlike parent.remove()
        return
    tail = node.tail
    previous = node.getprevious()
    parent.remove(node)
    if tail:
        if previous is not None:
            previous.tail = (previous.tail or "") + tail
        else:
            parent.text = (parent.text or "") + tail


def paragraphs(
    element: Selector, remove: Sequence[str] = (), *, furniture: bool = True
) -> list[str]:
    """The paragraphs inside ``element``, in page order, after dropping furniture.

    A container with text but no paragraph elements yields its whole text as
    one paragraph.
    """
    copy = fragment(element)
    drop(copy, remove, furniture=furniture)
    blocks = copy.xpath("//body")[0] if copy.xpath("//body") else copy
    found = [element_text(node) for node in blocks.xpath(_BLOCKS)]
    texts = [text for text in found if text.strip()]
    if texts:
        return texts
    whole = element_text(blocks)
    return [whole] if whole.strip() else []


def is_furniture(node: etree._Element, *, structural: bool = True) -> bool:
    """Whether a node or one of its ancestors is page furniture (comments, related posts…).

    With ``structural`` (the default) anything inside ``nav``, ``aside`` or
    ``footer`` counts too; tags, which articles print in their own footer, are
    looked for with ``structural=False``.
    """
    current: Any = node
    while current is not None:
        if isinstance(current.tag, str):
            if structural and current.tag in ("nav", "aside", "footer") and current is not node:
                return True
            if FURNITURE.search(_class_words(current)):
                return True
        current = current.getparent()
    return False
