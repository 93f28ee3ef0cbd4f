"""The tables an export writes and their columns; each writer picks the ones it needs."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from crawler import items
from crawler.export import rights
from crawler.export.fields import Column, item_columns
from crawler.export.options import ExportOptions


@dataclass(frozen=True)
class Table:
    name: str
    """What its rows are: ``articles``, ``comments``, ``speeches``, ``links``…"""
    filename: str
    rows_are: str
    """How the data card says what one row is."""
    columns: tuple[Column, ...]
    nested: tuple[Column, ...] = ()
    """The columns of the objects nested in the ``comments`` column, where a format nests them."""


def left_out(cls: type, options: ExportOptions) -> tuple[str, ...]:
    """Fields of record type ``cls`` the options leave out (see crawler.export.rights)."""
    return rights.left_out(cls, article_text=options.article_text, shareable=options.shareable)


def comment_columns(options: ExportOptions) -> list[Column]:
    return item_columns(items.Comment, skip=left_out(items.Comment, options))


def articles_table(options: ExportOptions, extension: str, *, nested_comments: bool) -> Table:
    """Articles; without nesting, ``comments`` becomes a count and the comments a table."""
    columns = item_columns(items.ArticleItem, skip=left_out(items.ArticleItem, options))
    if not nested_comments:
        columns = [
            Column(
                "comment_count",
                note="Number of reader comments; the comments themselves are in "
                f"comments.{extension}.",
                type="int",
            )
            if column.name == "comments"
            else column
            for column in columns
        ]
    return Table(
        "articles",
        f"articles.{extension}",
        "article, sorted by `id`",
        tuple(columns),
        nested=tuple(comment_columns(options)) if nested_comments else (),
    )


def comments_table(options: ExportOptions, extension: str) -> Table:
    return Table(
        "comments",
        f"comments.{extension}",
        "reader comment, by article `id`, then in page order",
        (
            Column(
                "article_id",
                note="Id of the article the comment is under (`id` in articles).",
                type="str",
            ),
            *comment_columns(options),
        ),
    )


def speech_columns(party_interfaces: Iterable[str] | None) -> list[Column]:
    """Speech columns with their debate's; ``party_interfaces`` splits ``party_raw`` in columns."""
    columns: list[Column] = [
        Column("id", ("Speech", "id")),
        Column("debate_id", ("DebateItem", "id"), note="From the debate:"),
        Column(
            "sequence",
            note="Position of the speech in its debate, from 1 (with gaps where filters left "
            "speeches out).",
            type="int",
        ),
        Column("house", ("DebateItem", "house"), note="From the debate:"),
        Column("date", ("DebateItem", "date"), note="From the debate:"),
        Column("debate_title", ("DebateItem", "title"), note="From the debate:"),
        Column("parent_title", ("DebateItem", "parent_title"), note="From the debate:"),
    ]
    for column in item_columns(items.Speech, skip=("id",)):
        if column.name == "party_raw" and party_interfaces is not None:
            columns += [
                Column(
                    f"party_raw_{interface}",
                    ("Speech", "party_raw"),
                    note=f"The `{interface}` entry of `party_raw`.",
                    type="str | None",
                )
                for interface in party_interfaces
            ]
        else:
            columns.append(column)
    # Then what the debate says of its sources: both titles, which sources gave it, their
    # ids, the official Hansard's publication stage.
    columns += [
        Column("debate_titles", ("DebateItem", "titles"), note="From the debate:"),
        Column("debate_sources", ("DebateItem", "sources"), note="From the debate:"),
        Column("debate_source_ids", ("DebateItem", "source_ids"), note="From the debate:"),
        Column("publication_stage", ("DebateItem", "publication_stage"), note="From the debate:"),
        Column(
            "content_last_updated", ("DebateItem", "content_last_updated"), note="From the debate:"
        ),
    ]
    # Last: the WARC records of the debate's pages, to cite the speech by its bytes.
    columns.append(Column("debate_source", ("DebateItem", "source"), note="From the debate:"))
    return columns


def speeches_table(extension: str, party_interfaces: Iterable[str] | None = None) -> Table:
    return Table(
        "speeches",
        f"speeches.{extension}",
        "speech, by `debate_id`, then in the order spoken",
        tuple(speech_columns(party_interfaces)),
    )


def links_table(extension: str) -> Table:
    return Table(
        "links", f"links.{extension}", "link, sorted by `id`", tuple(item_columns(items.LinkItem))
    )


def debates_table(extension: str) -> Table:
    columns = []
    for column in item_columns(items.DebateItem, skip=("speeches",)):
        if column.name == "date_raw":
            column = Column(column.name, column.source, type="dict[str, str]")
        columns.append(column)
    columns.append(
        Column(
            "speech_count",
            note=f"Number of its speeches in speeches.{extension}.",
            type="int",
        )
    )
    return Table("debates", f"debates.{extension}", "debate, sorted by `id`", tuple(columns))


def with_utc_columns(table: Table) -> Table:
    """``published_utc`` (and ``modified_utc``) beside each ``published``/``precision`` pair."""
    columns: list[Column] = []
    for column in table.columns:
        columns.append(column)
        if column.name.endswith("_precision"):
            stem = column.name.removesuffix("_precision")
            columns.append(
                Column(
                    f"{stem}_utc",
                    note=f"`{stem}` as a UTC timestamp, to sort and compare by; a date of "
                    f"`day`, `month` or `year` precision (which has no time zone) is the first "
                    f"instant of that period at UTC midnight, so read it with "
                    f"`{stem}_precision`. Null when `{stem}` is.",
                    type="datetime | None",
                    derived_from=stem,
                )
            )
    return Table(table.name, table.filename, table.rows_are, tuple(columns), table.nested)
