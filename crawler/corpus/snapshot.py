"""Write the corpus folder's JSONL files from the store, each replaced atomically.

Each file is written to a temporary file in the same folder, flushed to disk,
then renamed over the old one (``os.replace`` is atomic on POSIX). A crash or
SIGKILL at any moment leaves either the previous file whole or the new one
whole, never a truncated line; stray temporary files are removed next time.

A snapshot costs what changed, not the size of the corpus. The store notes
every record written or removed since each file was last written
(:meth:`CorpusStore.snapshot_changes`) and what that file was then (inode,
size, modification time). A file that is still the one the store wrote is
left alone when none of its records changed; when a few did, the new file is
the old one's bytes copied around the changed lines, which are found by
bisecting the sorted file: no unchanged line is read, decoded or encoded.
Otherwise (a file written by someone else, a store that is not the one that
wrote it, many changes) the whole file is written from the store.

:func:`snapshot_losses` names the records a new snapshot would drop from the
files it replaces without the store having noted their deletion: the store
then no longer holds what researchers were given, and the files must be kept.
It too reads only the changed ids of a file the store wrote.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

import orjson

from crawler.atomic import replaced_atomically
from crawler.corpus.store import CorpusStore

SNAPSHOT_FILES = {
    "articles": "articles.jsonl",
    "debates": "debates.jsonl",
    "links": "links.jsonl",
}
TEMP_PREFIX = ".snapshot-"
# Above this share of a file's records changed, the file is written whole
# from the store: each changed line costs a bisection of the file (about 20
# line reads), each unchanged one a sequential read when written whole.
MERGE_MAX_SHARE = 0.05
COPY_CHUNK = 1 << 20


def remove_stale_temporaries(folder: Path) -> None:
    for stale in folder.glob(f"{TEMP_PREFIX}*"):
        stale.unlink(missing_ok=True)


def write_jsonl_atomically(path: Path, lines: object) -> int:
    """Write ``lines`` (an iterable of JSON texts) to ``path`` atomically; returns the count."""
    count = 0
    with (
        replaced_atomically(path, prefix=TEMP_PREFIX) as temporary,
        temporary.open("w", encoding="utf-8", newline="\n") as out,
    ):
        for line in lines:  # type: ignore[attr-defined]
            out.write(line)
            out.write("\n")
            count += 1
    return count


def snapshot_ids(path: Path) -> set[str]:
    """The ids of the records in one JSONL snapshot file (empty when there is none)."""
    if not path.is_file():
        return set()
    with path.open("rb") as lines:
        return {line_id(line) for line in lines if line.strip()}


def load_record(text: str | bytes) -> Any:
    """One stored record decoded: by orjson, or by the json module for the ``NaN``
    and ``Infinity`` tokens the store's :func:`~crawler.corpus.store.dumps` may write."""
    try:
        return orjson.loads(text)
    except orjson.JSONDecodeError:
        return json.loads(text)


def line_id(line: bytes) -> str:
    """The id of the record on one snapshot line."""
    return load_record(line)["id"]


def file_state(path: Path) -> str | None:
    """What identifies one written file: inode, size and modification time."""
    try:
        stat = path.stat()
    except FileNotFoundError:
        return None
    return f"{stat.st_ino}:{stat.st_size}:{stat.st_mtime_ns}"


def written_by_store(store: CorpusStore, table: str, path: Path) -> bool:
    """Whether ``path`` is still the file the store last wrote for ``table``, so the
    store's noted changes are all that separates the two."""
    if path.parent.resolve() != store.folder.resolve():
        return False
    state = file_state(path)
    return state is not None and state == store.snapshot_written(table)


def snapshot_losses(store: CorpusStore, folder: str | Path | None = None) -> dict[str, list[str]]:
    """Per table, the ids in the current snapshot files that the store neither holds
    nor recorded as deleted (sorted); empty when a new snapshot loses nothing unnoted."""
    target = Path(folder) if folder is not None else store.folder
    losses: dict[str, list[str]] = {}
    for table, filename in SNAPSHOT_FILES.items():
        path = target / filename
        if written_by_store(store, table, path):
            missing = _changed_ids_in_file(store, table, path)
        else:
            previous = snapshot_ids(path)
            if not previous:
                continue
            missing = previous - set(store.ids(table)) - store.deleted_ids(table)
        if missing:
            losses[table] = sorted(missing)
    return losses


def _changed_ids_in_file(store: CorpusStore, table: str, path: Path) -> set[str]:
    """The ids removed from the store since it wrote ``path`` that the file holds and
    no deletion notes."""
    changed = store.snapshot_changes(table)
    if not changed:
        return set()
    noted = store.deleted_ids(table)
    gone = {
        record_id
        for record_id in changed
        if record_id not in noted and not store.holds(table, record_id)
    }
    if not gone:
        return set()
    with path.open("rb") as old:
        snapshot = SortedLines(old)
        return {record_id for record_id in gone if snapshot.find(record_id)[2]}


@dataclass
class TableWritten:
    """How one table's file was brought up to date."""

    records: int
    how: str
    """``"kept"`` (nothing changed), ``"merged"`` (changed lines) or ``"written"`` (whole)."""


def write_snapshot(store: CorpusStore, folder: str | Path | None = None) -> dict[str, int]:
    """Bring ``articles.jsonl``, ``debates.jsonl`` and ``links.jsonl`` up to date;
    returns the records per table."""
    written = update_snapshot(store, folder)
    return {table: result.records for table, result in written.items()}


def update_snapshot(
    store: CorpusStore, folder: str | Path | None = None
) -> dict[str, TableWritten]:
    """:func:`write_snapshot`, saying per table how its file was brought up to date."""
    target = Path(folder) if folder is not None else store.folder
    target.mkdir(parents=True, exist_ok=True)
    remove_stale_temporaries(target)
    results: dict[str, TableWritten] = {}
    settled: list[tuple[str, Path, list[str]]] = []
    # One read transaction, so the three files describe the same moment.
    with store.read_transaction():
        for table, filename in SNAPSHOT_FILES.items():
            path = target / filename
            tracked = path.parent.resolve() == store.folder.resolve()
            changes = store.snapshot_changes(table) if tracked else []
            records = store.count(table)
            if tracked and written_by_store(store, table, path):
                if not changes:
                    results[table] = TableWritten(records, "kept")
                    continue
                if len(changes) <= MERGE_MAX_SHARE * max(records, 1):
                    _merge_changes(store, table, path, changes)
                    results[table] = TableWritten(records, "merged")
                    settled.append((table, path, changes))
                    continue
            write_jsonl_atomically(path, store.iter_raw(table))
            results[table] = TableWritten(records, "written")
            if tracked:
                settled.append((table, path, changes))
    # Noted after the files are in place: a kill in between leaves a store that
    # does not recognise the new file, whose next snapshot writes it whole.
    for table, path, changes in settled:
        store.settle_snapshot(table, file_state(path) or "", changes)
    return results


class SortedLines:
    """A snapshot file (lines sorted by record id) searched without reading it all."""

    def __init__(self, handle: BinaryIO):
        self.handle = handle
        self.size = os.fstat(handle.fileno()).st_size

    def line_at(self, offset: int) -> bytes:
        self.handle.seek(offset)
        return self.handle.readline()

    def next_line_start(self, offset: int) -> int:
        """The first line start at or after ``offset``."""
        if offset == 0:
            return 0
        self.handle.seek(offset - 1)
        self.handle.readline()
        return self.handle.tell()

    def find(self, record_id: str, low: int = 0) -> tuple[int, int, bool]:
        """Where ``record_id``'s line is, or would go, at or after line start ``low``:
        ``(start, end, found)``; ``end`` is ``start`` when the file lacks it."""
        high = self.size
        while low < high:
            middle = self.next_line_start((low + high) // 2)
            probe = middle if middle < high else low
            line = self.line_at(probe)
            if line_id(line) < record_id:
                low = probe + len(line)
            else:
                high = probe
        if low < self.size:
            line = self.line_at(low)
            if line_id(line) == record_id:
                return low, low + len(line), True
        return low, low, False


def _merge_changes(store: CorpusStore, table: str, path: Path, changes: list[str]) -> None:
    """Write ``path`` anew as its old bytes with the lines of ``changes`` replaced,
    added or removed as the store now has them."""
    with (
        path.open("rb") as old,
        replaced_atomically(path, prefix=TEMP_PREFIX) as temporary,
        temporary.open("wb", buffering=0) as out,
    ):
        snapshot = SortedLines(old)
        copied = 0
        for record_id in changes:
            start, end, _ = snapshot.find(record_id, copied)
            copy_range(old.fileno(), out.fileno(), copied, start)
            record = store.get_raw(table, record_id)
            if record is not None:
                out.write(record.encode("utf-8") + b"\n")
            copied = end
        copy_range(old.fileno(), out.fileno(), copied, snapshot.size)


def copy_range(source: int, target: int, start: int, end: int) -> None:
    """Append bytes ``start:end`` of ``source`` to ``target`` (in the kernel when it can)."""
    in_kernel = hasattr(os, "copy_file_range")
    while start < end:
        count = min(end - start, COPY_CHUNK)
        copied = 0
        if in_kernel:
            try:
                copied = os.copy_file_range(source, target, count, start)
            except OSError:
                in_kernel = False
        if not in_kernel:
            copied = os.write(target, os.pread(source, count, start))
        if copied <= 0:
            raise OSError(f"the snapshot file ended {end - start} bytes early")
        start += copied
