"""``scrapy reextract``: rebuild the corpus from its WARC capture with the current code.

Offline: the pages the records name in their ``source`` are read again from
the WARC files, through ``scrapy crawl`` with ``REPLAY_DIR`` set to the capture
and ``-a urls=`` (articles first, then debates, as the sample build does; a
debate through the spider that read it: ``hansard``, ``hansard_api``, or
``senedd`` with ``-a debates=`` naming exactly the Senedd debates the corpus
holds, whatever the crawl that stored them selected), so
the spiders, pipelines, deduplication and linking all run as in a live crawl.
Running the real crawls, rather than calling parsers directly, is what makes
the rebuilt corpus what the current code would have made of those bytes.

The new corpus is built in a folder beside the target and put in place only
when every crawl succeeded: ``--into FOLDER`` makes a new corpus (the WARC
files are linked into it, so it is complete on its own), otherwise the corpus
is replaced. What changed is printed per record type and field, then per
record. Records the corpus held that the rebuild lacks ("gone") are lost
data unless the operator says otherwise: without ``--accept-gone`` the corpus
is not replaced (``--into`` still writes the new folder, to look at) and the
command exits 1. Exits 1 when a crawl failed (nothing replaced), 2 when it
cannot start.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from scrapy.commands import ScrapyCommand
from scrapy.settings import SETTINGS_PRIORITIES, BaseSettings

from crawler.corpus import lock
from crawler.warc.files import CORPUS_SUBFOLDER, capture_folder, warc_files
from crawler.warc.reextract import (
    SNAPSHOTS,
    Pages,
    ReextractError,
    compare,
    pages_to_read,
    read_snapshot,
)

if TYPE_CHECKING:
    import argparse

# Settings the command sets itself for the crawls it runs.
OWN_SETTINGS = frozenset({"CORPUS_DIR", "REPLAY_DIR", "WARC_DIR"})


class Command(ScrapyCommand):
    requires_project = True
    requires_crawler_process = False
    default_settings: ClassVar[dict[str, Any]] = {"LOG_ENABLED": False}

    def syntax(self) -> str:
        return "[options]"

    def short_desc(self) -> str:
        return "Rebuild the corpus from its WARC capture with the current code, offline"

    def add_options(self, parser: argparse.ArgumentParser) -> None:
        super().add_options(parser)
        group = parser.add_argument_group(title="Re-extraction Options")
        group.add_argument(
            "--into",
            metavar="FOLDER",
            help="write the rebuilt corpus to FOLDER (new) instead of replacing CORPUS_DIR",
        )
        group.add_argument(
            "--accept-gone",
            action="store_true",
            help="replace the corpus even though records it holds are gone from the rebuild",
        )

    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        assert self.settings is not None
        if not self.settings.get("CORPUS_DIR"):
            self.fail("CORPUS_DIR is empty")
            return
        corpus = Path(self.settings.get("CORPUS_DIR"))
        capture = capture_folder(self.settings)
        assert capture is not None  # CORPUS_DIR is set
        target = Path(opts.into) if opts.into else corpus
        if opts.into and target.exists():
            self.fail(f"{target} already exists; --into takes a new folder")
            return
        if not warc_files(capture):
            self.fail(f"no WARC files in {capture}: nothing to re-extract from")
            return
        try:
            held = lock.acquire(corpus)
        except lock.CorpusLockedError as error:
            self.fail(str(error))
            return
        aside = target.with_name(f".{target.name}.reextract-{os.getpid()}")
        try:
            pages = pages_to_read(corpus, capture)
            self.build(aside, capture, pages)
        except ReextractError as error:
            shutil.rmtree(aside, ignore_errors=True)
            self.fail(str(error))
            return
        except CrawlFailed as error:
            shutil.rmtree(aside, ignore_errors=True)
            print(f"scrapy reextract: {error}; {target} was not changed", file=sys.stderr)
            self.exitcode = 1
            return
        finally:
            lock.release(held)
        gone = self.report(corpus, aside, pages.uncaptured)
        if gone and not opts.accept_gone:
            warning = f"scrapy reextract: WARNING: {gone} record(s) the corpus holds are gone"
            if opts.into:
                self.swap(aside, target)
                print(f"{warning}; the rebuild was written to {target}", file=sys.stderr)
            else:
                shutil.rmtree(aside, ignore_errors=True)
                print(
                    f"{warning}; {target} was not changed (look with --into FOLDER, "
                    "replace anyway with --accept-gone)",
                    file=sys.stderr,
                )
            self.exitcode = 1
            return
        self.swap(aside, target)
        print(f"Re-extracted corpus written to {target}")

    def build(self, aside: Path, capture: Path, pages: Pages) -> None:
        link_files(capture, aside / CORPUS_SUBFOLDER)
        # The Senedd spider keeps exactly the stored debates, not its default selection.
        senedd_only = ["-a", f"debates={','.join(pages.senedd_debates)}"]
        crawls = (
            ("defence_news", pages.articles, []),
            ("hansard", pages.debates, []),
            ("senedd", pages.senedd, senedd_only),
            ("hansard_api", pages.hansard_api, []),
        )
        for spider, urls, arguments in crawls:
            if not urls:
                continue
            command = [
                sys.executable,
                "-m",
                "scrapy",
                "crawl",
                spider,
                "-s",
                f"CORPUS_DIR={aside}",
                "-s",
                f"REPLAY_DIR={aside / 'warc'}",
                *self.forwarded_settings(),
                "-a",
                f"urls={','.join(urls)}",
                *arguments,
            ]
            completed = subprocess.run(command, capture_output=True, text=True)
            if completed.returncode != 0:
                last = completed.stderr.strip().splitlines()[-1:] or ["no output"]
                raise CrawlFailed(f"the {spider} crawl exited {completed.returncode}: {last[0]}")

    def forwarded_settings(self) -> list[str]:
        """``-s`` options given to this command, passed on to the crawls."""
        assert self.settings is not None
        forwarded: list[str] = []
        for name in self.settings:
            if name in OWN_SETTINGS:
                continue
            if self.settings.getpriority(name) != SETTINGS_PRIORITIES["cmdline"]:
                continue
            value = self.settings[name]
            if isinstance(value, BaseSettings):
                value = json.dumps(value.copy_to_dict())  # a component dict (ITEM_PIPELINES…)
            forwarded += ["-s", f"{name}={value}"]
        return forwarded

    def report(self, corpus: Path, aside: Path, uncaptured: Any) -> int:
        """Print what changed; return how many records are gone."""
        gone = 0
        for name in SNAPSHOTS:
            changes = compare(read_snapshot(corpus, name), read_snapshot(aside, name))
            print(changes.summary(name))
            for record_id, fields in changes.records.items():
                print(f"  {name} {record_id}: {', '.join(fields)}")
            for record_id in changes.new:
                print(f"  {name} {record_id}: new")
            for record_id in changes.gone:
                print(f"  {name} {record_id}: gone")
            gone += len(changes.gone)
        for name, count in sorted(uncaptured.items()):
            print(f"{name}: {count} record(s) name no captured page and were not re-extracted")
        return gone

    @staticmethod
    def swap(aside: Path, target: Path) -> None:
        if not target.exists():
            aside.rename(target)
            return
        old = target.with_name(f".{target.name}.replaced-{os.getpid()}")
        target.rename(old)
        aside.rename(target)
        shutil.rmtree(old)

    def fail(self, reason: str) -> None:
        print(f"scrapy reextract: {reason}", file=sys.stderr)
        self.exitcode = 2


class CrawlFailed(Exception):
    """A re-extraction crawl exited non-zero."""


def link_files(source: Path, target: Path) -> None:
    """Hard-link (else copy) the WARC files of ``source`` into ``target``."""
    target.mkdir(parents=True)
    for path in warc_files(source):
        try:
            os.link(path, target / path.name)
        except OSError:
            shutil.copy2(path, target / path.name)
