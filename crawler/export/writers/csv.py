"""CSV: one header line, comments in a table of their own, nested values as JSON text."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from crawler.corpus.snapshot import write_jsonl_atomically
from crawler.export.options import ExportOptions
from crawler.export.tables import (
    Table,
    articles_table,
    comments_table,
    links_table,
    speeches_table,
)
from crawler.export.writers.base import Writer, by_filename, compact_json


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
    return compact_json(value)


def csv_lines(rows: Iterable[dict[str, Any]], table: Table) -> Iterator[str]:
    """CSV records without their final line end (the file writer adds it)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, dialect=ExportDialect)

    def record(cells: list[str]) -> str:
        buffer.seek(0)
        buffer.truncate()
        writer.writerow(cells)
        return buffer.getvalue().removesuffix("\n")

    yield record([column.name for column in table.columns])
    for row in rows:
        yield record([csv_cell(row[column.name]) for column in table.columns])


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

    def write(self, path: Path, table: Table, rows: Iterator[dict[str, Any]]) -> None:
        write_jsonl_atomically(path, csv_lines(rows, table))
