"""The rows of each table, read from the store in the order they are written."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from operator import itemgetter
from typing import Any, cast

import orjson

from crawler import items
from crawler.corpus.snapshot import load_record
from crawler.export.fields import Column, defaults
from crawler.export.selection import (
    ReadOnlyCorpus,
    Selection,
    StoredSpeech,
    article_day,
    read_debate,
)
from crawler.export.tables import Table
from crawler.recordtext import (
    field_order,
    in_export_form,
    json_bytes,
    sorted_mapping,
    speech_id_end,
)


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


def json_line(row: dict[str, Any]) -> bytes:
    """:func:`json_bytes` as one line of a JSON Lines file."""
    return json_bytes(row, line=True)


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


def writes_every_field(table: Table, cls: type, nested: type | None = None) -> bool:
    """Whether ``table`` writes each record of ``cls`` whole, in :func:`field_order`
    (and its nested ``comments`` whole): then a record stored in its export form
    (:func:`~crawler.recordtext.export_form`) is its row's line as it stands."""
    names = tuple(column.name for column in table.columns)
    nested_names = tuple(column.name for column in table.nested)
    return (
        names == field_order(cls)
        and all(column.derived_from is None for column in table.columns)
        and nested_names == (field_order(nested) if nested else ())
    )


def _selected_articles(
    corpus: ReadOnlyCorpus, selection: Selection, tally: Tally, filename: str
) -> Iterator[tuple[bytes, dict[str, Any]]]:
    """``(stored text, record)`` of each exported article, counted in the tally."""
    # The one pass that reads every article: it sees their timestamps for the data card.
    saw = selection.moment.saw
    chosen = selection.articles
    for article_id, text in corpus.keyed_texts("articles"):
        record = load_record(text)
        saw(record)
        if article_id not in chosen:
            continue
        tally.rows[filename] += 1
        day = article_day(record.get("published"))
        if day:
            tally.article_dates.append(day)
        else:
            tally.undated_articles += 1
        tally.sites[record.get("site") or "(no site)"] += 1
        yield text, record


def _article_row(table: Table) -> Callable[[dict[str, Any]], dict[str, Any]]:
    article_defaults = defaults(items.ArticleItem)
    comment_defaults = defaults(items.Comment)
    project, project_comment = projection(table.columns), projection(table.nested)

    def row(record: dict[str, Any]) -> dict[str, Any]:
        values = {**article_defaults, **record}
        values["extraction"] = sorted_mapping(values["extraction"])
        comments = values["comments"] or []
        if table.nested:
            values["comments"] = [project_comment({**comment_defaults, **c}) for c in comments]
        values["comment_count"] = len(comments)
        return project(values)

    return row


def article_rows(
    corpus: ReadOnlyCorpus, selection: Selection, table: Table, tally: Tally
) -> Iterator[dict[str, Any]]:
    row = _article_row(table)
    for _text, record in _selected_articles(corpus, selection, tally, table.filename):
        yield row(record)


def article_lines(
    corpus: ReadOnlyCorpus, selection: Selection, table: Table, tally: Tally
) -> Iterator[bytes]:
    """:func:`article_rows` as JSON lines: an article stored in its export form is
    copied through as stored, without being encoded again (nor, in a store that
    :attr:`~ReadOnlyCorpus.copies_through`, decoded)."""
    row = _article_row(table)
    whole = writes_every_field(table, items.ArticleItem, items.Comment)
    if whole and corpus.copies_through:
        yield from _copied_articles(corpus, selection, tally, table.filename, row)
        return
    order = field_order(items.ArticleItem)
    for text, record in _selected_articles(corpus, selection, tally, table.filename):
        # The store writes this key order only in the export form (else keys are sorted).
        if whole and tuple(record) == order:
            yield text + b"\n"
        else:
            yield json_line(row(record))


# Lines (or parts of lines) joined into one piece for the writer: a write per row
# cost more than the row's copy through.
LINES_PER_WRITE = 1024


def _copied_articles(
    corpus: ReadOnlyCorpus,
    selection: Selection,
    tally: Tally,
    filename: str,
    row: Callable[[dict[str, Any]], dict[str, Any]],
) -> Iterator[bytes]:
    """The lines of :func:`article_lines` writing every field: each exported article's
    stored text when in its export form (else its ``row`` encoded); what the tally
    and the data card need is read from the store's columns."""
    chosen = selection.articles
    saw_times = selection.moment.saw_times
    lines: list[bytes] = []
    for article_id, text, published, site, fetched_at, last_changed in corpus.article_texts():
        saw_times(fetched_at, last_changed)
        if article_id not in chosen:
            continue
        # A sorted-key text holding fetched_at starts with a key before "id": the
        # store's column, filled from the record, spares reading the first keys.
        if (fetched_at is not None and text.startswith(b'{"id":')) or in_export_form(
            text, items.ArticleItem
        ):
            lines += (text, b"\n")
        else:
            record = load_record(text)
            published, site = record.get("published"), record.get("site")
            lines.append(json_line(row(record)))
        tally.rows[filename] += 1
        day = article_day(published)
        if day is None:
            tally.undated_articles += 1
        else:
            tally.article_dates.append(day)
        tally.sites[site or "(no site)"] += 1
        if len(lines) >= LINES_PER_WRITE:
            yield b"".join(lines)
            lines.clear()
    yield b"".join(lines)


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


# The debate's cells of a speech row: (column, the debate's field), in column order.
DEBATE_HEAD = (
    ("house", "house"),
    ("date", "date"),
    ("debate_title", "title"),
    ("parent_title", "parent_title"),
)
DEBATE_TAIL = (
    ("debate_titles", "titles"),
    ("debate_sources", "sources"),
    ("debate_source_ids", "source_ids"),
    ("publication_stage", "publication_stage"),
    ("content_last_updated", "content_last_updated"),
    ("debate_source", "source"),
)
# Those the debate may lack and a row then gives as empty rather than null.
DEBATE_EMPTY: dict[str, Any] = {"titles": {}, "sources": [], "source_ids": {}}


def _selected_debates(
    corpus: ReadOnlyCorpus,
    selection: Selection,
    tally: Tally,
    filename: str,
    *,
    cut: bool = False,
) -> Iterator[tuple[str, dict[str, Any], list[tuple[int, StoredSpeech]]]]:
    """``(id, debate, [(sequence, speech), …])`` of each debate with exported speeches,
    read once (:func:`~crawler.export.selection.read_debate`: each speech a record
    unless ``cut``); its speeches are counted in the tally. With
    :attr:`Selection.open_debates`, every debate is read and noted in the selection."""
    noting = selection.open_debates is not None
    for debate_id, text in corpus.keyed_texts("debates"):
        if noting:
            debate, ids, in_debate = read_debate(text, cut)
            selection.note_debate(debate, ids)
        chosen = selection.speeches.get(debate_id)
        if not chosen:
            continue
        if not noting:
            debate, ids, in_debate = read_debate(text, cut)
        if chosen is selection.all_speeches.get(debate_id):  # all of them (note_debate)
            speeches = list(enumerate(in_debate, start=1))
        else:
            numbered = enumerate(zip(ids, in_debate, strict=True), start=1)
            speeches = [
                (sequence, speech)
                for sequence, (speech_id, speech) in numbered
                if speech_id in chosen
            ]
        if not speeches:
            continue
        yield debate_id, debate, speeches
        tally.rows[filename] += len(speeches)
        tally.houses[debate.get("house") or "(no house)"] += len(speeches)
        if debate.get("date"):
            tally.speech_dates.append(debate["date"])
        tally.debates.add(debate_id)
        for interface in debate.get("interfaces") or [debate.get("interface")]:
            if interface:
                tally.interfaces[interface] += 1


def _debate_cells(debate: dict[str, Any]) -> tuple[list[Any], list[Any]]:
    """The debate's cells of its speech rows: those before the speech's own, and after."""
    head = [debate.get(name) for _, name in DEBATE_HEAD]
    tail = [
        debate.get(name) or DEBATE_EMPTY[name] if name in DEBATE_EMPTY else debate.get(name)
        for _, name in DEBATE_TAIL
    ]
    return head, tail


# Every cell a speech row can have, in the order of the JSON Lines columns.
SPEECH_CELLS = (
    "id",
    "debate_id",
    "sequence",
    *(column for column, _ in DEBATE_HEAD),
    *field_order(items.Speech)[1:],
    *(column for column, _ in DEBATE_TAIL),
)


def _speech_row(
    table: Table, selection: Selection
) -> Callable[[str, list[Any], list[Any], int, dict[str, Any]], dict[str, Any]]:
    """A function making the row of one speech from its debate's id and cells
    (:func:`_debate_cells`), its sequence and its record; the speech's own fields
    are taken in one step."""
    speech_defaults = defaults(items.Speech)
    fields_of = itemgetter(*field_order(items.Speech))
    party_at = SPEECH_CELLS.index("party_raw")
    names = tuple(column.name for column in table.columns)
    # Tables of other columns (party_raw split per interface) pick theirs from those.
    project = None if names == SPEECH_CELLS else projection(table.columns)
    party_columns = [
        (f"party_raw_{interface}", interface)
        for interface in selection.party_interfaces
        if f"party_raw_{interface}" in names
    ]
    order_keys = _party_raw_order(selection)

    def row_of(
        debate_id: str, head: list[Any], tail: list[Any], sequence: int, speech: dict[str, Any]
    ) -> dict[str, Any]:
        try:
            values = fields_of(speech)
        except KeyError:
            values = fields_of({**speech_defaults, **speech})
        cells = [values[0], debate_id, sequence, *head, *values[1:], *tail]
        party_raw = cells[party_at]
        if party_raw:
            order = order_keys(party_raw)
            if order is not None:
                cells[party_at] = party_raw = {key: party_raw[key] for key in order}
        else:
            cells[party_at] = party_raw = {}
        row = dict(zip(SPEECH_CELLS, cells, strict=True))
        if project is None:
            return row
        for column, interface in party_columns:
            row[column] = party_raw.get(interface)
        return project(row)

    return row_of


def speech_rows(
    corpus: ReadOnlyCorpus, selection: Selection, table: Table, tally: Tally
) -> Iterator[dict[str, Any]]:
    """Each exported speech with its debate's cells, found once per debate."""
    row_of = _speech_row(table, selection)
    for debate_id, debate, speeches in _selected_debates(corpus, selection, tally, table.filename):
        head, tail = _debate_cells(debate)
        for sequence, speech in speeches:
            # Not cut: each speech is its record.
            yield row_of(debate_id, head, tail, sequence, cast(dict[str, Any], speech))


def _party_raw_order(
    selection: Selection,
) -> Callable[[dict[str, Any]], tuple[str, ...] | None]:
    """A function giving the key order a ``party_raw`` is written in (interfaces first,
    then sorted), or None when its keys are in that order already."""
    interfaces = tuple(selection.party_interfaces)
    orders: dict[tuple[str, ...], tuple[str, ...] | None] = {}

    def order_keys(party_raw: dict[str, Any]) -> tuple[str, ...] | None:
        keys = tuple(party_raw)
        if keys not in orders:
            wanted = tuple(sorted_mapping(party_raw, first=interfaces))
            orders[keys] = None if wanted == keys else wanted
        return orders[keys]

    return order_keys


def speech_lines(
    corpus: ReadOnlyCorpus, selection: Selection, table: Table, tally: Tally
) -> Iterator[bytes]:
    """:func:`speech_rows` as JSON lines. A speech stored in its export form (in a
    debate stored so) is written as stored, put between its debate's cells, encoded
    once per debate: the same bytes as its row, without making the row. In a store
    that :attr:`~ReadOnlyCorpus.copies_through`, such a debate is not decoded: its
    speeches' texts are cut out of the stored text."""
    if tuple(column.name for column in table.columns) != SPEECH_CELLS:
        yield from map(json_line, speech_rows(corpus, selection, table, tally))
        return
    speech_order = field_order(items.Speech)
    row_of = _speech_row(table, selection)
    order_keys = _party_raw_order(selection)
    dumps, id_end = orjson.dumps, speech_id_end
    debates = _selected_debates(corpus, selection, tally, table.filename, cut=corpus.copies_through)
    for debate_id, debate, speeches in debates:
        head, tail = _debate_cells(debate)
        try:
            opening = b',"debate_id":' + dumps(debate_id) + b',"sequence":'
            middle = b"".join(
                b',"' + column.encode() + b'":' + dumps(value)
                for (column, _), value in zip(DEBATE_HEAD, head, strict=True)
            )
            closing = (
                b"".join(
                    b',"' + column.encode() + b'":' + dumps(value)
                    for (column, _), value in zip(DEBATE_TAIL, tail, strict=True)
                )
                + b"}\n"
            )
        except TypeError:
            opening = None  # a value orjson does not encode: rows made the usual way
        lines: list[bytes] = []
        for sequence, speech in speeches:
            if type(speech) is bytes:
                if opening is not None:
                    # {"id":<id>,<the speech's other fields>} around the debate's cells.
                    end = id_end(speech)
                    lines += (
                        b'{"id":',
                        speech[:end],
                        opening,
                        b"%d" % sequence,
                        middle,
                        speech[end:],
                        closing,
                    )
                    continue
                speech = orjson.loads(b'{"id":' + speech + b"}")
            speech = cast(dict[str, Any], speech)
            party_raw = speech.get("party_raw")
            if (
                opening is not None
                and tuple(speech) == speech_order
                and type(party_raw) is dict
                and order_keys(party_raw) is None
            ):
                try:
                    encoded, speech_id = dumps(speech), dumps(speech["id"])
                except TypeError:
                    pass
                else:
                    own = encoded[len(b'{"id":') + len(speech_id) : -1]
                    lines += (
                        b'{"id":',
                        speech_id,
                        opening,
                        str(sequence).encode(),
                        middle,
                        own,
                        closing,
                    )
                    continue
            lines.append(json_line(row_of(debate_id, head, tail, sequence, speech)))
        yield b"".join(lines)


def debate_rows(
    corpus: ReadOnlyCorpus, selection: Selection, table: Table, tally: Tally
) -> Iterator[dict[str, Any]]:
    """Debates with at least one exported speech; ``speech_count`` counts those."""
    debate_defaults = defaults(items.DebateItem)
    project = projection(table.columns)
    for debate_id, text in corpus.keyed_texts("debates"):
        chosen = selection.speeches.get(debate_id)
        if not chosen:
            continue
        debate = load_record(text)
        count = sum(speech["id"] in chosen for speech in debate.get("speeches", []))
        if not count:
            continue
        values = {**debate_defaults, **debate, "speech_count": count}
        values["date_raw"] = sorted_mapping(values["date_raw"], first=selection.party_interfaces)
        tally.rows[table.filename] += 1
        yield project(values)


def link_rows(
    corpus: ReadOnlyCorpus, selection: Selection, table: Table, tally: Tally
) -> Iterator[dict[str, Any]]:
    link_defaults = defaults(items.LinkItem)
    project = projection(table.columns)
    for _text, record in _selected_links(corpus, selection, tally, table.filename):
        yield project({**link_defaults, **record})


def _selected_links(
    corpus: ReadOnlyCorpus, selection: Selection, tally: Tally, filename: str
) -> Iterator[tuple[bytes, dict[str, Any]]]:
    """``(stored text, record)`` of each exported link, counted in the tally. With
    :attr:`Selection.open_debates`, every link is decoded and chosen here (after the
    speeches are written)."""
    noting = selection.open_debates is not None
    note_link, chosen = selection.note_link, selection.links
    kinds: list[str] = []
    for link_id, text in corpus.keyed_texts("links"):
        if noting:
            record = load_record(text)
            if not note_link(record):
                continue
        elif link_id not in chosen:
            continue
        else:
            record = load_record(text)
        kinds.append(record.get("kind") or "(no kind)")
        yield text, record
    tally.rows[filename] += len(kinds)
    tally.link_kinds.update(kinds)


def link_lines(
    corpus: ReadOnlyCorpus, selection: Selection, table: Table, tally: Tally
) -> Iterator[bytes]:
    """:func:`link_rows` as JSON lines: a link stored in its export form is copied through."""
    link_defaults = defaults(items.LinkItem)
    project = projection(table.columns)
    whole = writes_every_field(table, items.LinkItem)
    order = field_order(items.LinkItem)
    lines: list[bytes] = []
    for text, record in _selected_links(corpus, selection, tally, table.filename):
        if whole and tuple(record) == order:
            lines += (text, b"\n")
        else:
            lines.append(json_line(project({**link_defaults, **record})))
        if len(lines) >= LINES_PER_WRITE:
            yield b"".join(lines)
            lines.clear()
    yield b"".join(lines)


RowSource = Callable[[ReadOnlyCorpus, Selection, Table, Tally], Iterator[dict[str, Any]]]

ROW_SOURCES: dict[str, RowSource] = {
    "articles": article_rows,
    "comments": comment_rows,
    "debates": debate_rows,
    "speeches": speech_rows,
    "links": link_rows,
}


LineSource = Callable[[ReadOnlyCorpus, Selection, Table, Tally], Iterator[bytes]]


def _encoded(rows: RowSource) -> LineSource:
    def lines(
        corpus: ReadOnlyCorpus, selection: Selection, table: Table, tally: Tally
    ) -> Iterator[bytes]:
        return map(json_line, rows(corpus, selection, table, tally))

    return lines


LINE_SOURCES: dict[str, LineSource] = {
    **{name: _encoded(rows) for name, rows in ROW_SOURCES.items()},
    "articles": article_lines,
    "links": link_lines,
    "speeches": speech_lines,
}
"""The rows of each table as JSON lines, for the formats that write JSON Lines."""
