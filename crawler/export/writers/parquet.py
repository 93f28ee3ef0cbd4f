"""Parquet: one typed table per file, for pandas, R (arrow), DuckDB and Spark.

Every column has a real type, read from the field's type hint in
crawler/items.py (:func:`arrow_type`): ``str`` a string, ``int``/``float``/``bool``
integers, floats and booleans, ``list[X]`` a list of X, ``dict[str, X]`` a map
from strings to X, a record type a struct; the crawler's own time stamps are UTC
timestamps and sitting dates dates. A field whose type holds ``Any`` (a debate's
``source``, nested per interface) has no fixed shape and is a column of JSON text.
A stored value that does not fit its column's type is not lost: the column is
null in that row and the value's JSON text is in the row's ``unfit_values`` map,
keyed by column name (logged as a warning with the count). Publication dates keep
their ISO string (which may be a reduced-precision date, "2025-02") beside
their precision and a UTC timestamp (``published_utc``), so the column types
do not change from one snapshot to the next whatever dates the corpus holds.

Files are written with fixed options (Zstandard, row groups of
:data:`ROW_GROUP_ROWS` rows, no pandas metadata), so the same rows give the
same bytes with the pinned pyarrow.
"""

from __future__ import annotations

import ast
import dataclasses
import logging
import re
from collections import Counter
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from crawler import items
from crawler.export.fields import Column, item_field_docs, logical_type
from crawler.export.options import ExportError, ExportOptions
from crawler.export.tables import (
    Table,
    articles_table,
    comments_table,
    debates_table,
    links_table,
    speeches_table,
    with_utc_columns,
)
from crawler.export.writers.base import Writer, atomic_path, by_filename, compact_json

logger = logging.getLogger(__name__)

ROW_GROUP_ROWS = 50_000
COMPRESSION = "zstd"

TIMESTAMP = pa.timestamp("us", tz="UTC")
# Python type names of crawler/items.py and their Arrow types.
SCALARS: dict[str, pa.DataType] = {
    "str": pa.string(),
    "int": pa.int64(),
    "float": pa.float64(),
    "bool": pa.bool_(),
}
# The types the export gives some string fields (fields.logical_type).
LOGICAL_TYPES: dict[str, pa.DataType] = {"datetime": TIMESTAMP, "date": pa.date32()}

UNFIT = Column(
    "unfit_values",
    note="Values of this row that did not fit their column's type, as JSON text by column "
    "name (that column is null in this row); null when every value fits.",
    type="dict[str, str]",
    # Rows are projected from the stored record, which has no such field: the projection
    # reads ``id`` (every record has one) and ParquetWriter.write replaces it.
    derived_from="id",
)


class JsonText(Exception):
    """The type has no fixed shape (it holds ``Any``): the column holds JSON text."""


def type_of_hint(hint: str) -> pa.DataType:
    """The Arrow type of a type hint as written in crawler/items.py (``dict[str, list[str]]``).

    Raises :class:`JsonText` for a hint holding ``Any``, :class:`TypeError` for one
    with no Arrow type.
    """
    return _type_of_node(ast.parse(hint, mode="eval").body, hint)


def _type_of_node(node: ast.expr, hint: str) -> pa.DataType:
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.BitOr):
        members = [
            member
            for member in (node.left, node.right)
            if not (isinstance(member, ast.Constant) and member.value is None)
        ]
        if len(members) != 1:
            raise JsonText(hint)
        return _type_of_node(members[0], hint)
    if isinstance(node, ast.Name):
        if node.id == "Any":
            raise JsonText(hint)
        if node.id in SCALARS:
            return SCALARS[node.id]
        record = getattr(items, node.id, None)
        if isinstance(record, type) and dataclasses.is_dataclass(record):
            return _struct_of(record)
    if isinstance(node, ast.Subscript) and isinstance(node.value, ast.Name):
        arguments = node.slice.elts if isinstance(node.slice, ast.Tuple) else [node.slice]
        if node.value.id == "list" and len(arguments) == 1:
            return pa.list_(_type_of_node(arguments[0], hint))
        if node.value.id == "dict" and len(arguments) == 2:
            return pa.map_(_type_of_node(arguments[0], hint), _type_of_node(arguments[1], hint))
    raise TypeError(f"no Arrow type for {ast.unparse(node)!r} in {hint!r}")


def _struct_of(record: type) -> pa.DataType:
    docs = item_field_docs()
    return pa.struct(
        [
            pa.field(f.name, type_of_hint(docs[(record.__name__, f.name)].type))
            for f in dataclasses.fields(record)
        ]
    )


def is_json_text(column: Column) -> bool:
    """Whether the column holds JSON text (its type hint holds ``Any``)."""
    try:
        arrow_type(column)
    except JsonText:
        return True
    return False


def arrow_type(column: Column) -> pa.DataType:
    """The column's Arrow type; raises :class:`JsonText` for a JSON text column."""
    kind = logical_type(column)
    if kind in LOGICAL_TYPES:
        return LOGICAL_TYPES[kind]
    return type_of_hint(column.describe()[0])


def column_type(column: Column) -> pa.DataType:
    """The Arrow type the column is written with (a JSON text column is a string)."""
    try:
        return arrow_type(column)
    except JsonText:
        return pa.string()


# A reduced-precision ISO date as the date normaliser writes it: year, month or day.
_REDUCED_DATE = re.compile(r"(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?")


def utc_instant(value: str | None) -> datetime | None:
    """An ISO datetime as UTC; a date, month or year as its first instant at UTC midnight.

    ``None`` for a value that is none of these (the string column keeps it).
    """
    if not value:
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        match = _REDUCED_DATE.fullmatch(value)
        if not match:
            return None
        year, month, day = (int(part) if part else 1 for part in match.groups())
        try:
            return datetime(year, month, day, tzinfo=UTC)
        except ValueError:
            return None
    if moment.tzinfo is None:
        return moment.replace(tzinfo=UTC) if len(value) == 10 else None
    return moment.astimezone(UTC)


def _stamp(column: str) -> Callable[[Any], datetime | None]:
    def convert(value: Any) -> datetime | None:
        if value is None:
            return None
        moment = utc_instant(value) if isinstance(value, str) and "T" in value else None
        if moment is None:
            raise ExportError(f"{column} {value!r} in the store is not an ISO 8601 time")
        return moment

    return convert


def _date(column: str) -> Callable[[Any], date | None]:
    def convert(value: Any) -> date | None:
        if value is None:
            return None
        try:
            return date.fromisoformat(value)
        except (TypeError, ValueError):
            raise ExportError(f"{column} {value!r} in the store is not a YYYY-MM-DD date") from None

    return convert


def _json_text(value: Any) -> str | None:
    return None if value is None else compact_json(value)


def _converter(column: Column) -> Callable[[Any], Any] | None:
    """How a row's JSON value becomes the column's typed value (``None``: as it is)."""
    kind = logical_type(column)
    if is_json_text(column):
        return _json_text
    if column.derived_from:
        return utc_instant
    if kind == "datetime":
        return _stamp(column.name)
    if kind == "date":
        return _date(column.name)
    return None


class ParquetWriter(Writer):
    format = "parquet"
    description = (
        "Format: Apache Parquet (one typed table per file, Zstandard-compressed). Missing "
        "values are nulls; lists are list columns and per-interface labels and ids are maps "
        "(`dict[str, list[str]]`: a map to lists). A column whose type holds `Any` (a "
        'debate\'s `source`, kept per interface: `{"cy": {…}, "en": {…}}`) holds JSON text: '
        "read it with `json.loads` (Python) or `jsonlite::fromJSON` (R). A value that does not "
        "fit its column's type is null there and kept as JSON text in `unfit_values`. "
        "Publication dates keep their ISO 8601 string, which can be a reduced-precision date "
        '("2025-02"), beside their `_precision` and a `_utc` timestamp column.'
    )

    def tables(self, options: ExportOptions, party_interfaces: list[str]) -> list[Table]:
        tables = by_filename(
            [
                with_utc_columns(articles_table(options, "parquet", nested_comments=False)),
                with_utc_columns(comments_table(options, "parquet")),
                debates_table("parquet"),
                speeches_table("parquet"),
                links_table("parquet"),
            ]
        )
        return [with_unfit_column(table) for table in tables]

    def schema(self, table: Table) -> pa.Schema:
        return pa.schema(
            [
                pa.field(
                    column.name,
                    column_type(column),
                    nullable=column.name != "id",
                    metadata={"description": column.describe()[1]},
                )
                for column in table.columns
            ]
        )

    def write(self, path: Path, table: Table, rows: Iterator[dict[str, Any]]) -> None:
        schema = self.schema(table)
        converters = [
            (column.name, _converter(column)) for column in table.columns if column is not UNFIT
        ]
        unfit: Counter[str] = Counter()
        with atomic_path(path) as temporary:
            writer = pq.ParquetWriter(
                temporary,
                schema,
                compression=COMPRESSION,
                store_schema=True,
                write_page_index=False,
            )
            try:
                batch: list[dict[str, Any]] = []
                for row in rows:
                    for name, convert in converters:
                        if convert is not None:
                            row[name] = convert(row[name])
                    move_unfit(row, schema, unfit)
                    batch.append(row)
                    if len(batch) == ROW_GROUP_ROWS:
                        writer.write_table(pa.Table.from_pylist(batch, schema=schema))
                        batch = []
                if batch:
                    writer.write_table(pa.Table.from_pylist(batch, schema=schema))
            finally:
                writer.close()
        if unfit:
            logger.warning(
                "%s: %d value(s) did not fit their column's type and are kept as JSON text "
                "in unfit_values (%s)",
                path.name,
                unfit.total(),
                ", ".join(f"{name}: {count}" for name, count in sorted(unfit.items())),
            )


def with_unfit_column(table: Table) -> Table:
    """``table`` with the :data:`UNFIT` column last, and its JSON text columns saying so."""
    columns = [
        dataclasses.replace(column, note=" ".join(filter(None, ("JSON text.", column.note))))
        if is_json_text(column)
        else column
        for column in table.columns
    ]
    return Table(table.name, table.filename, table.rows_are, (*columns, UNFIT), table.nested)


def move_unfit(row: dict[str, Any], schema: pa.Schema, unfit: Counter[str]) -> None:
    """Move each value of ``row`` that does not fit its column to ``unfit_values`` as JSON
    text, counting it by column name in ``unfit``."""
    moved: dict[str, str] = {}
    for field in schema:
        value = row[field.name]
        if field.name == UNFIT.name or value is None or fits(value, field.type):
            continue
        moved[field.name] = compact_json(value)
        row[field.name] = None
        unfit[field.name] += 1
    row[UNFIT.name] = moved or None


INT64 = range(-(2**63), 2**63)


def fits(value: Any, type_: pa.DataType) -> bool:
    """Whether ``value`` is a value of ``type_`` as it is.

    Checked here rather than left to Arrow, which would take a string as a list of
    its characters.
    """
    if value is None:
        return True
    if pa.types.is_string(type_):
        return isinstance(value, str)
    if pa.types.is_boolean(type_):
        return isinstance(value, bool)
    if pa.types.is_int64(type_):
        return isinstance(value, int) and not isinstance(value, bool) and value in INT64
    if pa.types.is_float64(type_):
        return isinstance(value, int | float) and not isinstance(value, bool)
    if pa.types.is_timestamp(type_):
        return isinstance(value, datetime)
    if pa.types.is_date32(type_):
        return isinstance(value, date)
    if pa.types.is_list(type_):
        return isinstance(value, list) and all(fits(item, type_.value_type) for item in value)
    if pa.types.is_map(type_):
        return isinstance(value, dict) and all(
            key is not None and fits(key, type_.key_type) and fits(item, type_.item_type)
            for key, item in value.items()
        )
    if pa.types.is_struct(type_):
        names = {type_.field(index).name for index in range(type_.num_fields)}
        return (
            isinstance(value, dict)
            and set(value) <= names
            and all(fits(value.get(name), type_.field(name).type) for name in names)
        )
    return False
