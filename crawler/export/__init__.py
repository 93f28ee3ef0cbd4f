"""Researcher exports: a filtered snapshot of the corpus, written to a folder.

An export is a set of tables — articles, speeches (flattened from debates),
links, and for some formats comments — in one format, a data card
(``README.md``) and a ``SHA256SUMS`` file. The same corpus and the same
options always give byte-identical files: rows are sorted, columns come in a
fixed order, and nothing depends on the clock or on where the folders are.

The store is opened read-only and read in one SQLite transaction, without the
crawl lock: the export sees one committed state, and a running crawl puts its
commits off until the export has read
(:meth:`~crawler.corpus.store.CorpusStore.commit`). ``scrapy export``
(:mod:`crawler.commands.export`) is the command line; this package does not
need Scrapy.

Where things are: :mod:`~crawler.export.options` (what is asked),
:mod:`~crawler.export.selection` (the filters), :mod:`~crawler.export.tables`
and :mod:`~crawler.export.fields` (columns and their documentation),
:mod:`~crawler.export.rows` (rows read from the store),
:mod:`~crawler.export.writers` (one module per format),
:mod:`~crawler.export.card` (the data card) and :mod:`~crawler.export.folder`.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from crawler.corpus.snapshot import remove_stale_temporaries
from crawler.corpus.store import is_busy
from crawler.export.card import CARD_FILE, CHECKSUM_FILE, PACKAGE_FILE, RECORD_SCHEMAS, data_card
from crawler.export.filters import Vocabulary
from crawler.export.folder import (
    previous_export_files,
    remove_empty_folders,
    sha256_of,
    write_checksums,
    write_text_atomically,
)
from crawler.export.options import FORMATS, HOUSES, ExportError, ExportOptions
from crawler.export.package import data_package, schema_file
from crawler.export.rows import LINE_SOURCES, ROW_SOURCES, Tally
from crawler.export.selection import ReadOnlyCorpus, Selection, select
from crawler.export.tables import Table
from crawler.export.warc import cited_files, copy_cited_files
from crawler.export.writers import writer_for
from crawler.recordtext import UnwritableValue

__all__ = [
    "FORMATS",
    "HOUSES",
    "ExportError",
    "ExportOptions",
    "ExportResult",
    "Vocabulary",
    "export",
]


@dataclass(frozen=True)
class ExportResult:
    folder: Path
    rows: dict[str, int]
    """Rows written per data file (header lines not counted)."""
    version: str
    """SHA-256 of the export's SHA256SUMS: the identifier to cite."""
    warnings: tuple[str, ...]


def export(
    corpus_dir: str | Path,
    folder: str | Path,
    options: ExportOptions,
    vocabulary: Vocabulary | None = None,
) -> ExportResult:
    """Write the export of the corpus in ``corpus_dir`` into ``folder``.

    Filter values are resolved with ``vocabulary`` (the packaged outlets and
    party table unless given) before anything is read.
    """
    folder = Path(folder)
    vocabulary = vocabulary or Vocabulary.load()
    options = vocabulary.resolve(options)
    previous = previous_export_files(folder)
    corpus = ReadOnlyCorpus(corpus_dir)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        remove_stale_temporaries(folder)
        tables, extra, selection, tally, digests = _write_export(
            corpus, folder, options, vocabulary
        )
    except sqlite3.Error as error:
        if is_busy(error):
            raise  # `scrapy export` says the store is busy, as when it cannot open it.
        raise ExportError(f"cannot read the corpus store {corpus.path}: {error}") from error
    except UnwritableValue as error:
        raise ExportError(
            f"a stored record holds a value the export cannot write: {error}"
        ) from error
    finally:
        corpus.close()
    names = sorted(
        {table.filename for table in tables} | {CARD_FILE, PACKAGE_FILE, *RECORD_SCHEMAS, *extra}
    )
    # The files of the earlier export this one does not write go before the new
    # SHA256SUMS is written: a folder whose SHA256SUMS verifies is complete.
    for stale in sorted(previous - set(names) - {CHECKSUM_FILE}):
        (folder / stale).unlink(missing_ok=True)
    remove_empty_folders(folder)
    write_checksums(folder, names, digests)
    return ExportResult(
        folder=folder,
        rows={table.filename: tally.rows[table.filename] for table in tables},
        version=sha256_of(folder / CHECKSUM_FILE),
        warnings=tuple(selection.warnings),
    )


def _write_export(
    corpus: ReadOnlyCorpus, folder: Path, options: ExportOptions, vocabulary: Vocabulary
) -> tuple[list[Table], list[str], Selection, Tally, dict[str, str]]:
    writer = writer_for(options.format)
    tally = Tally()
    sources = LINE_SOURCES if writer.encoded_rows else ROW_SOURCES
    # SHA-256 of the data files taken as they were written, for the checksums.
    digests: dict[str, str] = {}
    with corpus.read_transaction():
        selection = select(
            corpus, options, vocabulary, speeches_when_written=writer.chooses_while_writing
        )
        tables = writer.tables(options, selection.party_interfaces)
        # Links are chosen once every debate is seen when the speeches' pass sees them.
        for table in sorted(tables, key=lambda table: table.name == "links"):
            rows = sources[table.name](corpus, selection, table, tally)
            digest = writer.write(folder / table.filename, table, rows)
            if digest is not None:
                digests[table.filename] = digest
    extra = writer.finish(folder, tables, options)
    if options.warc:
        written, missing = copy_cited_files(
            Path(corpus.folder), folder, cited_files(corpus, selection)
        )
        extra = [*extra, *written]
        if missing:
            selection.warnings.append(
                f"{len(missing)} WARC file(s) the records cite are not in the corpus "
                f"(removed by WARC_RETENTION_MAX_BYTES?), first: {missing[0]}"
            )
    for name in RECORD_SCHEMAS:
        write_text_atomically(folder / name, schema_file(name).read_text(encoding="utf-8"))
    package = data_package(folder, options, tables, selection.debate_sources, digests)
    write_text_atomically(
        folder / PACKAGE_FILE, json.dumps(package, ensure_ascii=False, indent=2) + "\n"
    )
    write_text_atomically(folder / CARD_FILE, data_card(options, tables, selection, tally, writer))
    return tables, extra, selection, tally, digests
