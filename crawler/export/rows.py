"""The rows of each table, read from the store in the order they are written."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from operator import itemgetter
from typing import Any

from crawler import items
from crawler.corpus.snapshot import load_record
from crawler.export.fields import Column, defaults
from crawler.export.selection import ReadOnlyCorpus, Selection, article_day
from crawler.export.tables import Table


@dataclass
class Tally:
    """What was written, for the data card."""

    rows: Counter[str] = field(default_factory=Counter)
    article_dates: list[str] = field(default_factory=list)
    undated_articles: int = 0
    sites: Counter[str] = field(default_factory=Counter)
    speech_dates: list[str] = field(default_factory=list)
    houses: Counter[str] = field(default_factory=Counter)
    debates: set[str] = field(default_factory=set)
    interfaces: Counter[str] = field(default_factory=Counter)
    link_kinds: Counter[str] = field(default_factory=Counter)

    def span(self, dates: list[str]) -> str | None:
        return f"{min(dates)} to {max(dates)}" if dates else None


def ordered(mapping: dict[str, Any] | None, first: Iterable[str] = ()) -> dict[str, Any]:
    """A copy of ``mapping`` with ``first`` keys leading and the rest sorted."""
    if not mapping:
        return {}
    keys = sorted(mapping)
    if first:
        leading = [key for key in first if key in mapping]
        keys = leading + [key for key in keys if key not in leading]
    return {key: mapping[key] for key in keys}


def projection(columns: Iterable[Column]) -> Callable[[dict[str, Any]], dict[str, Any]]:
    """A function giving a row of ``columns``, in their order, from a record's values."""
    columns = list(columns)
    names = [column.name for column in columns]
    sources = [column.derived_from or column.name for column in columns]
    # itemgetter of one key gives the value alone, of none is an error: make it a tuple.
    values_of = (
        itemgetter(*sources)
        if len(sources) > 1
        else lambda values: tuple(values[source] for source in sources)
    )

    def project(values: dict[str, Any]) -> dict[str, Any]:
        return dict(zip(names, values_of(values), strict=True))

    return project


def article_rows(
    corpus: ReadOnlyCorpus, selection: Selection, table: Table, tally: Tally
) -> Iterator[dict[str, Any]]:
    article_defaults = defaults(items.ArticleItem)
    comment_defaults = defaults(items.Comment)
    project, project_comment = projection(table.columns), projection(table.nested)
    # The one pass that reads every article: it sees their timestamps for the data card.
    saw = selection.moment.saw
    for article_id, text in corpus.keyed_texts("articles"):
        record = load_record(text)
        saw(record)
        if article_id not in selection.articles:
            continue
        values = {**article_defaults, **record}
        values["extraction"] = ordered(values["extraction"])
        comments = values["comments"] or []
        values["comments"] = [project_comment({**comment_defaults, **c}) for c in comments]
        values["comment_count"] = len(comments)
        tally.rows[table.filename] += 1
        day = article_day(record.get("published"))
        if day:
            tally.article_dates.append(day)
        else:
            tally.undated_articles += 1
        tally.sites[record.get("site") or "(no site)"] += 1
        yield project(values)


def comment_rows(
    corpus: ReadOnlyCorpus, selection: Selection, table: Table, tally: Tally
) -> Iterator[dict[str, Any]]:
    comment_defaults = defaults(items.Comment)
    project = projection(table.columns)
    for article_id, text in corpus.keyed_texts("articles"):
        if article_id not in selection.articles:
            continue
        record = load_record(text)
        for comment in record.get("comments") or []:
            tally.rows[table.filename] += 1
            yield project({**comment_defaults, **comment, "article_id": record["id"]})


def speech_rows(
    corpus: ReadOnlyCorpus, selection: Selection, table: Table, tally: Tally
) -> Iterator[dict[str, Any]]:
    speech_defaults = defaults(items.Speech)
    project = projection(table.columns)
    columns = {column.name for column in table.columns}
    # Only the formats that split party_raw in columns get those cells.
    party_columns = [
        (f"party_raw_{interface}", interface)
        for interface in selection.party_interfaces
        if f"party_raw_{interface}" in columns
    ]
    for debate_id, text in corpus.keyed_texts("debates"):
        if debate_id not in selection.debates:
            continue
        debate = load_record(text)
        # The debate's own cells, the same for each of its speeches.
        from_debate = {
            "debate_id": debate["id"],
            "house": debate.get("house"),
            "date": debate.get("date"),
            "debate_title": debate.get("title"),
            "parent_title": debate.get("parent_title"),
            "debate_titles": debate.get("titles") or {},
            "debate_sources": debate.get("sources") or [],
            "debate_source_ids": debate.get("source_ids") or {},
            "publication_stage": debate.get("publication_stage"),
            "content_last_updated": debate.get("content_last_updated"),
            "debate_source": debate.get("source"),
        }
        wrote_any = False
        for sequence, speech in enumerate(debate.get("speeches", []), start=1):
            if (debate["id"], speech["id"]) not in selection.speeches:
                continue
            party_raw = ordered(speech.get("party_raw"), first=selection.party_interfaces)
            values = {
                **speech_defaults,
                **speech,
                **from_debate,
                "sequence": sequence,
                "party_raw": party_raw,
            }
            for column, interface in party_columns:
                values[column] = party_raw.get(interface)
            tally.rows[table.filename] += 1
            tally.houses[debate.get("house") or "(no house)"] += 1
            if debate.get("date"):
                tally.speech_dates.append(debate["date"])
            wrote_any = True
            yield project(values)
        if wrote_any:
            tally.debates.add(debate["id"])
            for interface in debate.get("interfaces") or [debate.get("interface")]:
                if interface:
                    tally.interfaces[interface] += 1


def debate_rows(
    corpus: ReadOnlyCorpus, selection: Selection, table: Table, tally: Tally
) -> Iterator[dict[str, Any]]:
    """Debates with at least one exported speech; ``speech_count`` counts those."""
    debate_defaults = defaults(items.DebateItem)
    project = projection(table.columns)
    for debate_id, text in corpus.keyed_texts("debates"):
        if debate_id not in selection.debates:
            continue
        debate = load_record(text)
        count = sum(
            (debate["id"], speech["id"]) in selection.speeches
            for speech in debate.get("speeches", [])
        )
        if not count:
            continue
        values = {**debate_defaults, **debate, "speech_count": count}
        values["date_raw"] = ordered(values["date_raw"], first=selection.party_interfaces)
        tally.rows[table.filename] += 1
        yield project(values)


def link_rows(
    corpus: ReadOnlyCorpus, selection: Selection, table: Table, tally: Tally
) -> Iterator[dict[str, Any]]:
    link_defaults = defaults(items.LinkItem)
    project = projection(table.columns)
    for link_id, text in corpus.keyed_texts("links"):
        if link_id not in selection.links:
            continue
        record = load_record(text)
        tally.rows[table.filename] += 1
        tally.link_kinds[record.get("kind") or "(no kind)"] += 1
        yield project({**link_defaults, **record})


RowSource = Callable[[ReadOnlyCorpus, Selection, Table, Tally], Iterator[dict[str, Any]]]

ROW_SOURCES: dict[str, RowSource] = {
    "articles": article_rows,
    "comments": comment_rows,
    "debates": debate_rows,
    "speeches": speech_rows,
    "links": link_rows,
}
