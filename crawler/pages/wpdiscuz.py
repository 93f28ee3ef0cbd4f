"""Reader comments printed by the wpDiscuz WordPress plugin.

wpDiscuz prints each comment as ``div#wpd-comm-<id>_<parent id>.wpd-comment``
(``_0`` for a top-level comment) with a ``wpd_comment_level-N`` class; replies
sit inside their parent's element. The comment's own fields live in
``div.wpd-comment-wrap > div#comment-<id>.wpd-comment-right``: author,
date ("9 months ago", the absolute time only in the ``title`` attribute),
and ``div.wpd-comment-text`` with the paragraphs.
"""

from __future__ import annotations

import re
from typing import Any

from parsel import Selector

from crawler.items import Comment
from crawler.pages import text

_COMMENTS = '//div[contains(concat(" ", normalize-space(@class), " "), " wpd-comment ")]'
_RIGHT = (
    './div[contains(concat(" ", normalize-space(@class), " "), " wpd-comment-wrap ")]'
    '/div[contains(concat(" ", normalize-space(@class), " "), " wpd-comment-right ")]'
)
_UNIQUE_ID = re.compile(r"^wpd-comm-(\d+)_(\d+)$")


def _has_class(name: str) -> str:
    return f'contains(concat(" ", normalize-space(@class), " "), " {name} ")'


def _own_field(right: Selector, name: str) -> Selector | None:
    found = right.xpath(f".//div[{_has_class(name)}]")
    return found[0] if found else None


def _parent_from_nesting(node: Selector) -> str | None:
    ancestors = node.xpath(f"ancestor::div[{_has_class('wpd-comment')}][1]/@id").get()
    match = _UNIQUE_ID.match(ancestors or "")
    return match.group(1) if match else None


def parse_wpdiscuz_comments(page: Any) -> list[Comment]:
    """Every wpDiscuz comment on the page, in page order, with its parent's id."""
    selector = text.as_selector(page)
    comments: list[Comment] = []
    for node in selector.xpath(_COMMENTS):
        rights = node.xpath(_RIGHT)
        if not rights:
            continue
        right = rights[0]
        match = _UNIQUE_ID.match(node.attrib.get("id", ""))
        if match:
            comment_id, parent_id = match.group(1), match.group(2)
            parent: str | None = None if parent_id == "0" else parent_id
        else:
            comment_id = (right.attrib.get("id") or "").removeprefix("comment-")
            parent = _parent_from_nesting(node)
        if not comment_id:
            continue
        author = _own_field(right, "wpd-comment-author")
        date = _own_field(right, "wpd-comment-date")
        body = _own_field(right, "wpd-comment-text")
        comments.append(
            Comment(
                id=comment_id,
                author=(text.element_text(author) or None) if author is not None else None,
                published_raw=(text.element_text(date) or None) if date is not None else None,
                published_title_raw=(date.attrib.get("title") or "").strip() or None
                if date is not None
                else None,
                text="\n\n".join(text.paragraphs(body, furniture=False))
                if body is not None
                else "",
                parent_id=parent,
            )
        )
    return comments
