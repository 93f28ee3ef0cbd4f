"""``scrapy export <folder>``: write a researcher's snapshot of the corpus.

Reads the store in ``CORPUS_DIR`` (read-only, without the crawl lock, so it may
run while a crawl does) and writes articles, speeches and links as JSONL,
CSV or Parquet, with a data card (README.md) and SHA256SUMS; see :mod:`crawler.export`.
Exits 2 with a one-line reason when the store is missing or the folder is not
empty and not a previous export.
"""

from __future__ import annotations

import sqlite3
import sys
from typing import TYPE_CHECKING, Any, ClassVar

from scrapy.commands import ScrapyCommand
from scrapy.exceptions import UsageError

from crawler.corpus.store import StoreUnusableError, is_busy
from crawler.export import FORMATS, HOUSES, ExportError, ExportOptions, Vocabulary, export
from crawler.outlets import OutletConfigError

if TYPE_CHECKING:
    import argparse


class Command(ScrapyCommand):
    requires_project = True
    requires_crawler_process = False
    default_settings: ClassVar[dict[str, Any]] = {"LOG_ENABLED": False}

    def syntax(self) -> str:
        return "[options] <folder>"

    def short_desc(self) -> str:
        return "Write a researcher's export of the corpus: tables, data card and checksums"

    def long_desc(self) -> str:
        return (
            "Write articles, speeches and links from the corpus store in CORPUS_DIR into "
            "<folder>, with a data card (README.md) and SHA256SUMS. The same corpus and "
            "options always give byte-identical files. <folder> must be new, empty, or a "
            "previous export, whose files are replaced."
        )

    def add_options(self, parser: argparse.ArgumentParser) -> None:
        super().add_options(parser)
        group = parser.add_argument_group(title="Export Options")
        group.add_argument("--format", choices=FORMATS, default="jsonl", help="default: jsonl")
        group.add_argument(
            "--since",
            metavar="YYYY-MM-DD",
            help="articles published, speeches sat, on or after this date",
        )
        group.add_argument(
            "--until",
            metavar="YYYY-MM-DD",
            help="articles published, speeches sat, on or before this date",
        )
        group.add_argument(
            "--site",
            action="append",
            default=[],
            metavar="OUTLET",
            help="only articles from this outlet, by key or name: ukdj, 'Forces News' (repeatable)",
        )
        group.add_argument(
            "--house",
            action="append",
            default=[],
            choices=HOUSES,
            help="only speeches in this house (repeatable)",
        )
        group.add_argument(
            "--party",
            action="append",
            default=[],
            metavar="PARTY",
            help="only speeches by members of this party, by id or any English or Welsh label "
            "of the party table: labour, Labour, Llafur (repeatable)",
        )
        group.add_argument(
            "--linked-only",
            action="store_true",
            help="only articles and speeches that are linked, and their links",
        )
        group.add_argument(
            "--no-article-text",
            action="store_true",
            help="leave out article and comment text (titles and names stay: not for sharing)",
        )
        group.add_argument(
            "--shareable",
            action="store_true",
            help="leave out every field the data card calls copyright or personal data",
        )
        group.add_argument(
            "--warc",
            action="store_true",
            help="also copy the WARC files the exported records were read from into warc/",
        )

    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        if len(args) != 1:
            raise UsageError("give exactly one output folder")
        assert self.settings is not None
        try:
            options = ExportOptions(
                format=opts.format,
                since=opts.since,
                until=opts.until,
                sites=tuple(opts.site),
                houses=tuple(opts.house),
                parties=tuple(opts.party),
                linked_only=opts.linked_only,
                article_text=not opts.no_article_text,
                shareable=opts.shareable,
                warc=opts.warc,
            )
        except ExportError as error:
            raise UsageError(str(error), print_help=False) from None
        corpus_dir = self.settings.get("CORPUS_DIR")
        if not corpus_dir:
            print("scrapy export: CORPUS_DIR is empty", file=sys.stderr)
            self.exitcode = 2
            return
        try:
            vocabulary = Vocabulary.load(
                self.settings.get("NEWS_OUTLETS_FILE") or None,
                self.settings.get("NORMALISE_PARTIES_TABLE") or None,
            )
        except (OSError, OutletConfigError, ValueError) as error:
            print(
                f"scrapy export: cannot read the outlets or party table: {error}", file=sys.stderr
            )
            self.exitcode = 2
            return
        try:
            result = export(corpus_dir, args[0], options, vocabulary)
        except (ExportError, StoreUnusableError) as error:
            print(f"scrapy export: {error}", file=sys.stderr)
            self.exitcode = 2
            return
        except sqlite3.OperationalError as error:
            if not is_busy(error):
                raise
            print(
                f"scrapy export: the corpus store is busy ({error}): a running crawl is"
                " committing; try again",
                file=sys.stderr,
            )
            self.exitcode = 1
            return
        for warning in result.warnings:
            print(f"scrapy export: warning: {warning}", file=sys.stderr)
        rows = ", ".join(f"{count} rows in {name}" for name, count in result.rows.items())
        print(f"Exported to {result.folder}: {rows}")
        print(f"Version (sha256 of SHA256SUMS): {result.version}")
