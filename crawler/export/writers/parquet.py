"""Parquet: one typed table per file, for pandas, R (arrow), DuckDB and Spark.

Every column has a real type: ids and text are strings, counts and offsets
integers, lists list columns, per-interface labels maps, the crawler's own
time stamps UTC timestamps and sitting dates dates. Publication dates keep
their ISO string (which may be a reduced-precision date, "2025-02") beside
their precision and a UTC timestamp (``published_utc``), so the column types
do not change from one snapshot to the next whatever dates the corpus holds.

Files are written with fixed options (Zstandard, row groups of
:data:`ROW_GROUP_ROWS` rows, no pandas metadata), so the same rows give the
same bytes with the pinned pyarrow.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from crawler.export.fields import Column, logical_type
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
from crawler.export.writers.base import Writer, atomic_path, by_filename

ROW_GROUP_ROWS = 50_000
COMPRESSION = "zstd"

TIMESTAMP = pa.timestamp("us", tz="UTC")
ARROW_TYPES: dict[str, pa.DataType] = {
    "string": pa.string(),
    "integer": pa.int64(),
    "number": pa.float64(),
    "boolean": pa.bool_(),
    "array": pa.list_(pa.string()),
    "object": pa.map_(pa.string(), pa.string()),
    "datetime": TIMESTAMP,
    "date": pa.date32(),
}

# A reduced-precision ISO date as the date normaliser writes it: year, month or day.
_REDUCED_DATE = re.compile(r"(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?")


def arrow_type(column: Column) -> pa.DataType:
    return ARROW_TYPES[logical_type(column)]


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


def _converter(column: Column) -> Callable[[Any], Any] | None:
    """How a row's JSON value becomes the column's typed value (``None``: as it is)."""
    kind = logical_type(column)
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
        "values are nulls; lists are list columns and per-interface labels are maps. "
        "Publication dates keep their ISO 8601 string, which can be a reduced-precision date "
        '("2025-02"), beside their `_precision` and a `_utc` timestamp column.'
    )

    def tables(self, options: ExportOptions, party_interfaces: list[str]) -> list[Table]:
        return by_filename(
            [
                with_utc_columns(articles_table(options, "parquet", nested_comments=False)),
                with_utc_columns(comments_table(options, "parquet")),
                debates_table("parquet"),
                speeches_table("parquet"),
                links_table("parquet"),
            ]
        )

    def schema(self, table: Table) -> pa.Schema:
        return pa.schema(
            [
                pa.field(
                    column.name,
                    arrow_type(column),
                    nullable=column.name != "id",
                    metadata={"description": column.describe()[1]},
                )
                for column in table.columns
            ]
        )

    def write(self, path: Path, table: Table, rows: Iterator[dict[str, Any]]) -> None:
        schema = self.schema(table)
        converters = [(column.name, _converter(column)) for column in table.columns]
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
                    batch.append(row)
                    if len(batch) == ROW_GROUP_ROWS:
                        writer.write_table(pa.Table.from_pylist(batch, schema=schema))
                        batch = []
                if batch:
                    writer.write_table(pa.Table.from_pylist(batch, schema=schema))
            finally:
                writer.close()
