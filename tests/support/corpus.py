"""Corpus folders for tests: the sample corpus, copies of it, and reading its files.

The sample corpus is built once per test run (the ``sample_corpus`` fixture of
tests/conftest.py) by the crawls ``python -m crawler.sample_corpus`` runs
(:func:`tests.support.crawl.build_corpus`); a
test that only needs a built corpus to start from copies it into its own
folder with :func:`copy_corpus` instead of crawling again.
"""

from __future__ import annotations

import json
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

SNAPSHOTS = ("articles", "debates", "links")
"""The JSONL files of a corpus folder, by name."""

RUN_TIME_FIELDS = ("first_seen", "last_changed", "source")
"""Record fields that say when and from which capture a crawl read a page, not what
it read: two crawls of the same pages agree on everything else."""


def read_records(corpus: Path, name: str) -> list[dict[str, Any]]:
    """The records of ``<corpus>/<name>.jsonl`` (none when the file is not there)."""
    path = corpus / f"{name}.jsonl"
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


def without_run_time_fields(records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """``records`` without the :data:`RUN_TIME_FIELDS`, to compare two crawls of the same pages."""
    return [
        {key: value for key, value in record.items() if key not in RUN_TIME_FIELDS}
        for record in records
    ]


@dataclass
class BuiltCorpus:
    """A corpus folder and the crawls that built it, in order."""

    folder: Path
    crawls: list[Any]

    def read(self, name: str) -> list[dict[str, Any]]:
        return read_records(self.folder, name)


def copy_corpus(source: Path, target: Path) -> Path:
    """A copy of the corpus folder ``source`` at ``target``, for a test to crawl into or change.

    Leaves out the lock and SQLite's shared-memory and WAL files, which belong to
    whoever had the store open, not to the corpus.
    """
    shutil.copytree(source, target, ignore=shutil.ignore_patterns(".lock", "*-shm", "*-wal"))
    return target
