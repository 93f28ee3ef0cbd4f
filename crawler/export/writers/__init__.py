"""One writer per export format; ``--format`` names one of :data:`WRITERS`."""

from __future__ import annotations

from crawler.export.writers.base import Writer
from crawler.export.writers.csv import CsvWriter
from crawler.export.writers.html import HtmlWriter
from crawler.export.writers.jsonl import JsonlWriter
from crawler.export.writers.parquet import ParquetWriter

WRITERS: dict[str, Writer] = {
    writer.format: writer for writer in (JsonlWriter(), CsvWriter(), ParquetWriter(), HtmlWriter())
}


def writer_for(format: str) -> Writer:
    return WRITERS[format]
