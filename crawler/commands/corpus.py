"""``scrapy corpus rebuild``: make the corpus store again from the JSONL snapshot.

For when ``corpus.sqlite3`` was lost or damaged (``scrapy crawl`` then refuses
to run and names this command). Takes the corpus lock; refuses to replace a
store that passes its checks and holds records unless ``--force`` is given.
Exits 2 with a one-line reason when it cannot rebuild; the folder is then as
it was. See :mod:`crawler.corpus.rebuild`.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from scrapy.commands import ScrapyCommand
from scrapy.exceptions import UsageError

from crawler.corpus import lock
from crawler.corpus.health import check_store
from crawler.corpus.rebuild import RebuildError, rebuild_store
from crawler.corpus.store import STORE_FILENAME, StoreUnusableError

if TYPE_CHECKING:
    import argparse

ACTIONS = ("rebuild",)


class Command(ScrapyCommand):
    requires_project = True
    requires_crawler_process = False
    default_settings: ClassVar[dict[str, Any]] = {"LOG_ENABLED": False}

    def syntax(self) -> str:
        return "[options] rebuild"

    def short_desc(self) -> str:
        return "Rebuild the corpus store from the JSONL snapshot in the corpus folder"

    def long_desc(self) -> str:
        return (
            "Rebuild corpus.sqlite3 in CORPUS_DIR from articles.jsonl, debates.jsonl and "
            "links.jsonl (in CORPUS_DIR, or in the folder given with --from): records, the "
            "URLs they were seen at, fingerprints, links and the linking index. The new "
            "store replaces the old one only when complete. A store that passes its checks "
            "and holds records is replaced only with --force."
        )

    def add_options(self, parser: argparse.ArgumentParser) -> None:
        super().add_options(parser)
        group = parser.add_argument_group(title="Rebuild Options")
        group.add_argument(
            "--from",
            dest="source",
            metavar="FOLDER",
            help="read the snapshot from FOLDER (default: CORPUS_DIR)",
        )
        group.add_argument(
            "--force", action="store_true", help="replace a store that passes its checks"
        )

    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        if args != ["rebuild"]:
            raise UsageError(f"give one action: {', '.join(ACTIONS)}")
        assert self.settings is not None
        corpus_dir = self.settings.get("CORPUS_DIR")
        if not corpus_dir:
            self.fail("CORPUS_DIR is empty")
            return
        try:
            held = lock.acquire(corpus_dir)
        except lock.CorpusLockedError as error:
            self.fail(str(error))
            return
        try:
            self.rebuild(Path(corpus_dir), opts)
        finally:
            lock.release(held)

    def rebuild(self, corpus: Path, opts: argparse.Namespace) -> None:
        store = corpus / STORE_FILENAME
        if not opts.force and store.is_file() and store.stat().st_size:
            try:
                check_store(corpus)
            except StoreUnusableError:
                pass  # the case this command is for
            else:
                self.fail(f"the corpus store {store} passes its checks; give --force to replace it")
                return
        try:
            result = rebuild_store(
                corpus, opts.source, window_days=self.settings.getint("LINKING_WINDOW_DAYS")
            )
        except RebuildError as error:
            self.fail(f"{error}; the corpus folder was not changed")
            return
        counts = ", ".join(f"{count} {table}" for table, count in result.counts.items())
        print(f"Rebuilt {store} from {opts.source or corpus}: {counts}")
        if result.invalid:
            print(
                f"scrapy corpus: warning: {len(result.invalid)} record(s) of the snapshot do not "
                f"follow their schema in crawler/schemas/ and were kept as they are (first: "
                f"{result.invalid[0]})",
                file=sys.stderr,
            )
        if result.links_not_in_snapshot or result.snapshot_links_not_recomputed:
            print(
                "scrapy corpus: warning: the records give "
                f"{result.links_not_in_snapshot} link(s) links.jsonl lacks, and links.jsonl has "
                f"{result.snapshot_links_not_recomputed} they do not give; the links of "
                "links.jsonl were kept as they are",
                file=sys.stderr,
            )

    def fail(self, reason: str) -> None:
        print(f"scrapy corpus: {reason}", file=sys.stderr)
        self.exitcode = 2
