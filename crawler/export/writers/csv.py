"""CSV: one header line, comments in a table of their own, nested values as JSON text."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator
from operator import itemgetter
from pathlib import Path
from typing import Any

import orjson

from crawler.export.options import ExportOptions
from crawler.export.tables import (
    Table,
    articles_table,
    comments_table,
    links_table,
    speeches_table,
)
from crawler.export.writers.base import Writer, by_filename, compact_json, hashed_output


class ExportDialect(csv.Dialect):
    """RFC 4180 quoting with "\\n" line ends: the one CSV form exports use."""

    delimiter = ","
    quotechar = '"'
    doublequote = True
    escapechar = None
    lineterminator = "\n"
    quoting = csv.QUOTE_MINIMAL
    skipinitialspace = False
    strict = True


def csv_cell(value: Any) -> str:
    """Text as is, nothing as an empty cell, numbers, lists and objects as JSON."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    try:
        # compact_json's own first step, without its two calls for each of many cells.
        return orjson.dumps(value).decode("utf-8")
    except TypeError:
        return compact_json(value)


def csv_records(rows: Iterable[dict[str, Any]], table: Table) -> Iterator[list[str]]:
    """The header, then each row's cells in the table's column order."""
    names = [column.name for column in table.columns]
    yield names
    values_of = itemgetter(*names) if len(names) > 1 else lambda row: (row[names[0]],)
    for row in rows:
        # Most cells are text or missing: written without a call per cell.
        yield [
            value if type(value) is str else "" if value is None else csv_cell(value)
            for value in values_of(row)
        ]


class CsvWriter(Writer):
    format = "csv"
    description = (
        'Format: CSV (comma-separated, `"` quoting, UTF-8 without BOM, `\\n` line ends, '
        "one header line). An empty cell is a missing value; numbers, lists and objects "
        "are written as JSON text."
    )

    def tables(self, options: ExportOptions, party_interfaces: list[str]) -> list[Table]:
        return by_filename(
            [
                articles_table(options, "csv", nested_comments=False),
                comments_table(options, "csv"),
                speeches_table("csv", party_interfaces),
                links_table("csv"),
            ]
        )

    def write(self, path: Path, table: Table, rows: Iterator[dict[str, Any]]) -> str:
        with hashed_output(path) as (binary, digest):
            out = io.TextIOWrapper(binary, encoding="utf-8", newline="")
            csv.writer(out, dialect=ExportDialect).writerows(csv_records(rows, table))
            out.flush()
            out.detach()
        return digest.hexdigest()
