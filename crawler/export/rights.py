"""Which exported fields are someone's copyright or personal data: the one list of them.

The data card's licence section names these fields, ``--no-article-text``
leaves out the text among them, and ``--shareable`` leaves out all of them, so
what the card promises and what the files hold come from this one table.
"""

from __future__ import annotations

from collections.abc import Iterable

from crawler import items

COPYRIGHT = "copyright"
PERSONAL_DATA = "personal data"

# (record type, field) -> what the field is, and whose.
RESTRICTED: dict[tuple[type, str], str] = {
    (items.ArticleItem, "title"): COPYRIGHT,
    (items.ArticleItem, "text"): COPYRIGHT,
    (items.Comment, "text"): COPYRIGHT,
    (items.ArticleItem, "authors"): PERSONAL_DATA,
    (items.Comment, "author"): PERSONAL_DATA,
}
# Fields that are text (left out by --no-article-text).
TEXT_FIELDS = frozenset({(items.ArticleItem, "text"), (items.Comment, "text")})

# How the data card names the rows of each record type.
ROWS_OF: dict[type, str] = {items.ArticleItem: "articles", items.Comment: "comments"}


def left_out(cls: type, *, article_text: bool, shareable: bool) -> tuple[str, ...]:
    """Fields of record type ``cls`` an export with these options does not write."""
    return tuple(
        name
        for (owner, name) in RESTRICTED
        if owner is cls and (shareable or (not article_text and (owner, name) in TEXT_FIELDS))
    )


def fields_by_rows(kind: str) -> dict[str, list[str]]:
    """``rows -> fields`` of one kind: ``{"articles": ["title", "text"], "comments": …}``."""
    groups: dict[str, list[str]] = {}
    for (owner, name), what in RESTRICTED.items():
        if what == kind:
            groups.setdefault(ROWS_OF[owner], []).append(name)
    return groups


def fields_that_are(kind: str) -> str:
    """The card's list of the fields of one kind: ``articles: `title`, `text`; comments: …``."""
    groups = fields_by_rows(kind)
    return "; ".join(f"{rows}: {listed(names)}" for rows, names in groups.items())


def listed(names: Iterable[str]) -> str:
    return ", ".join(f"`{name}`" for name in names)
