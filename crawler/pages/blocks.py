"""Paragraphs as a browser lays them out: block elements and blank lines of ``<br>``.

:func:`text.paragraphs` reads the paragraph elements of a container chosen by
configured selectors. Containers found by heuristics are often not that
tidy: a ``<div>`` per paragraph, text between ``<br><br>`` in one element,
loose text beside paragraphs. :func:`block_paragraphs` reads any of these the
way they are displayed: every block element starts and ends a paragraph, two
line breaks in a row end one, one line break stays a newline inside it.

The text is kept as the page has it; only HTML whitespace collapses (see
:mod:`crawler.pages.text`).
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from crawler.pages.text import HTML_SPACE

# HTML elements a browser lays out as blocks.
HTML_BLOCKS = frozenset(
    {
        "address",
        "article",
        "aside",
        "blockquote",
        "center",
        "dd",
        "details",
        "dialog",
        "div",
        "dl",
        "dt",
        "fieldset",
        "figcaption",
        "figure",
        "footer",
        "form",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "header",
        "hgroup",
        "hr",
        "li",
        "main",
        "nav",
        "ol",
        "p",
        "pre",
        "section",
        "summary",
        "table",
        "tbody",
        "td",
        "tfoot",
        "th",
        "thead",
        "tr",
        "ul",
    }
)

# Elements whose content is never shown as text.
HIDDEN = frozenset({"script", "style", "template", "noscript", "head", "title", "meta", "link"})

_LINE_BREAK = "\x00"


def block_paragraphs(
    root: Any,
    *,
    blocks: Collection[str] = HTML_BLOCKS,
    line_breaks: Collection[str] = ("br",),
) -> list[str]:
    """The paragraphs of ``root`` (an lxml element) in page order.

    ``blocks`` are the tags that start and end a paragraph and ``line_breaks``
    the tags that break a line; the defaults are HTML's.
    """
    paragraphs: list[str] = []
    parts: list[str] = []

    def flush() -> None:
        lines = HTML_SPACE.sub(" ", "".join(parts)).split(_LINE_BREAK)
        paragraph = "\n".join(line.strip(" ") for line in lines).strip("\n ")
        if paragraph.strip():  # a lone non-breaking space is no paragraph
            paragraphs.append(paragraph)
        parts.clear()

    def line_break() -> None:
        # A second line break with only spaces since the first ends the paragraph.
        for part in reversed(parts):
            if part == _LINE_BREAK:
                flush()
                return
            if part.strip(" \t\n\r\f"):
                break
        parts.append(_LINE_BREAK)

    def walk(node: Any) -> None:
        tag = node.tag if isinstance(node.tag, str) else None
        if tag is None or tag in HIDDEN:
            return
        if tag in line_breaks:
            line_break()
            return
        block = tag in blocks
        if block:
            flush()
        if node.text:
            parts.append(node.text)
        for child in node:
            walk(child)
            if child.tail:
                parts.append(child.tail)
        if block:
            flush()

    walk(root)
    flush()
    return paragraphs
