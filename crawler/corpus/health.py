"""Whether a corpus folder's store can be trusted before a crawl writes to it.

The store is the source of truth between runs and the JSONL snapshot is
rewritten from it at the end of every crawl, so a crawl into a lost or damaged
store would rewrite the researchers' files with only what it just crawled.
:func:`check_store` refuses, with a one-line reason naming the remedy:

- a store that is missing, empty (0 bytes) or holds no records while the folder
  holds a snapshot with records, or lacks records of that snapshot without
  having noted their deletion (a store replaced by an older or another one);
- a file that is not an SQLite database, or fails ``PRAGMA quick_check``;
- a store of a schema version newer than this code's.

A folder with neither store nor snapshot is a fresh corpus and passes.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from crawler.corpus.snapshot import SNAPSHOT_FILES, snapshot_losses
from crawler.corpus.store import (
    SCHEMA_VERSION,
    STORE_FILENAME,
    CorpusStore,
    StoreUnusableError,
    read_header,
)

REBUILD_COMMAND = "scrapy corpus rebuild"


def snapshot_files(folder: Path) -> list[Path]:
    """The folder's snapshot files that hold at least one record."""
    paths = [folder / name for name in SNAPSHOT_FILES.values()]
    return [path for path in paths if path.is_file() and path.stat().st_size > 0]


def count_lines(path: Path) -> int:
    count = 0
    with path.open("rb") as handle:
        while chunk := handle.read(1 << 20):
            count += chunk.count(b"\n")
    return count


def describe_snapshot(files: list[Path]) -> str:
    return ", ".join(f"{path.name} ({count_lines(path)} records)" for path in files)


def check_store(folder: str | Path, *, thorough: bool = True) -> None:
    """Raise :class:`StoreUnusableError` unless a crawl may write into ``folder``'s store.

    ``thorough`` runs ``PRAGMA quick_check`` and compares the snapshot's ids with
    the store's, which read the whole store and snapshot (about 5 s in all for
    100,000 articles, see ``bench/bench_store_safety.py``); without it only the
    header, schema version and tables are read.
    """
    folder = Path(folder)
    path = folder / STORE_FILENAME
    snapshot = snapshot_files(folder)
    remedy = (
        f"rebuild it from the snapshot with `{REBUILD_COMMAND} -s CORPUS_DIR={folder}`"
        if snapshot
        else f"move it away to start a new corpus in {folder}"
    )
    size = path.stat().st_size if path.is_file() else None
    if not size:
        if snapshot:
            state = "missing" if size is None else "empty (0 bytes)"
            raise StoreUnusableError(
                f"the corpus store {path} is {state} but {folder} holds a snapshot "
                f"({describe_snapshot(snapshot)}); {remedy}"
            )
        return
    try:
        header = read_header(path, check_integrity=thorough)
    except sqlite3.DatabaseError as error:
        damage = f"the corpus store {path} is damaged ({error})"
        raise StoreUnusableError(f"{damage}; {remedy}") from None
    if header.integrity != "ok":
        raise StoreUnusableError(
            f"the corpus store {path} is damaged (quick_check: {header.integrity}); {remedy}"
        )
    if header.version > SCHEMA_VERSION:
        raise StoreUnusableError(
            f"the corpus store {path} has schema version {header.version}, newer than this "
            f"crawler's {SCHEMA_VERSION}; update the crawler"
        )
    if snapshot and not header.holds_records:
        raise StoreUnusableError(
            f"the corpus store {path} holds no records but {folder} holds a snapshot "
            f"({describe_snapshot(snapshot)}); {remedy}"
        )
    if thorough and snapshot:
        store = CorpusStore(folder)
        try:
            losses = snapshot_losses(store)
        finally:
            store.close()
        if losses:
            lacking = ", ".join(
                f"{len(ids)} of {SNAPSHOT_FILES[table]} (first: {ids[0]})"
                for table, ids in losses.items()
            )
            raise StoreUnusableError(
                f"the corpus store {path} lacks records of the snapshot beside it with no "
                f"deletion noted for them ({lacking}); {remedy}"
            )
