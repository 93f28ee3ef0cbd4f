"""JSON Lines: one object per row, comments nested in their article."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from crawler.export.options import ExportOptions
from crawler.export.tables import Table, articles_table, links_table, speeches_table
from crawler.export.writers.base import Writer, by_filename, write_lines_atomically


class JsonlWriter(Writer):
    format = "jsonl"
    description = (
        "Format: JSON Lines (one JSON object per line, UTF-8 without BOM, `\\n` line "
        "ends). Missing values are `null`."
    )

    def tables(self, options: ExportOptions, party_interfaces: list[str]) -> list[Table]:
        return by_filename(
            [
                articles_table(options, "jsonl", nested_comments=True),
                speeches_table("jsonl"),
                links_table("jsonl"),
            ]
        )

    encoded_rows = True
    chooses_while_writing = True

    def write(self, path: Path, table: Table, rows: Iterator[bytes]) -> str:
        return write_lines_atomically(path, rows)
