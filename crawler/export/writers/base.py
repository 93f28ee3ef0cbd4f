"""What every export writer is: the tables of its format, and how one is written."""

from __future__ import annotations

import hashlib
import io
import os
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path
from typing import Any, BinaryIO, ClassVar

from crawler.atomic import replaced_atomically
from crawler.corpus.snapshot import TEMP_PREFIX, write_jsonl_atomically
from crawler.export.options import ExportOptions
from crawler.export.tables import Table
from crawler.recordtext import json_bytes


class Writer:
    """One export format. Subclasses name the format and write one table to one file."""

    format: ClassVar[str]
    description: ClassVar[str]
    """The data card's paragraph on how the files are encoded."""

    def tables(self, options: ExportOptions, party_interfaces: list[str]) -> list[Table]:
        raise NotImplementedError

    encoded_rows: ClassVar[bool] = False
    """Whether :meth:`write` takes each row as its JSON line (bytes) rather than a dict."""

    chooses_while_writing: ClassVar[bool] = False
    """Whether its tables hold speeches and links and do not depend on which speeches
    are exported (no column per party interface): then, unless a filter needs them
    first, the speeches are chosen as they are written (one decode of each debate)."""

    def write(self, path: Path, table: Table, rows: Iterator[Any]) -> str | None:
        """Write ``rows`` to ``path`` atomically: the old file or the whole new one, never
        half. Returns the SHA-256 (hex) of the bytes written, when it was taken as they
        were written (None: the caller reads the file to take it)."""
        raise NotImplementedError

    def finish(self, folder: Path, tables: list[Table], options: ExportOptions) -> list[str]:
        """Write files made from the written tables; returns their names (relative)."""
        return []

    def contents(self) -> list[tuple[str, str]]:
        """``(file, what it is)`` for files :meth:`finish` writes, for the data card."""
        return []


def compact_json(value: Any) -> str:
    """:func:`json_bytes` as text."""
    return json_bytes(value).decode("utf-8")


def write_lines_atomically(path: Path, lines: Iterable[bytes]) -> str:
    """Write ``lines`` (UTF-8, each with its line end) to ``path`` by atomic rename;
    returns the SHA-256 (hex) of what was written."""
    with hashed_output(path) as (out, digest):
        out.writelines(lines)
    return digest.hexdigest()


class _HashingFile(io.RawIOBase):
    """A file that hashes what is written to it on its way to ``file``."""

    def __init__(self, file: BinaryIO):
        self._file = file
        self.digest = hashlib.sha256()
        self._written = self._handed_back = 0

    def writable(self) -> bool:
        return True

    def write(self, data: Any) -> int:
        written = self._file.write(data)
        # A short write hashes only what was written; the rest comes again.
        self.digest.update(memoryview(data)[:written] if written < len(data) else data)
        self._written += written
        if STARTS_WRITEBACK and self._written - self._handed_back >= WRITEBACK_BYTES:
            # Have the system start writing what is written out to disk now, rather
            # than all at the fsync that ends the file.
            os.posix_fadvise(self._file.fileno(), self._handed_back, 0, os.POSIX_FADV_DONTNEED)
            self._handed_back = self._written
        return written


@contextmanager
def hashed_output(path: Path) -> Iterator[tuple[BinaryIO, Any]]:
    """A buffered file to write ``path`` through atomically, and the SHA-256 of the bytes
    written to it, taken as they pass (the file is not read back to hash it)."""
    with atomic_path(path) as temporary, temporary.open("wb", buffering=0) as raw:
        hashing = _HashingFile(raw)
        with io.BufferedWriter(hashing, buffer_size=OUTPUT_BUFFER) as out:
            yield out, hashing.digest


# Bytes gathered before each write (and hash update) of an export file, and
# written before the system is asked to start putting them on disk.
OUTPUT_BUFFER = 1 << 20
WRITEBACK_BYTES = 8 << 20
# Where the system has no such call (not POSIX), the fsync writes it all.
STARTS_WRITEBACK = hasattr(os, "posix_fadvise")


def by_filename(tables: Iterable[Table]) -> list[Table]:
    return sorted(tables, key=lambda table: table.filename)


def atomic_path(path: Path) -> AbstractContextManager[Path]:
    """A temporary path beside ``path`` to write to; renamed over ``path`` when the block ends.

    On an error the temporary file is removed and ``path`` is left as it was; a
    crash leaves only a temporary file, which the next export removes.
    """
    return replaced_atomically(path, prefix=TEMP_PREFIX)


def write_text_atomically(path: Path, text: str) -> None:
    """Write ``text`` (ending in "\\n") to ``path`` with the snapshot writer's atomic rename."""
    write_jsonl_atomically(path, text.removesuffix("\n").split("\n"))


def write_files_atomically(folder: Path, files: dict[str, str]) -> None:
    """Write many text files under ``folder``, each by atomic rename, then sync them all at once.

    A kill leaves each file whole or absent (stray temporaries are removed by
    the next export); one ``os.sync`` instead of an fsync per file puts them
    all on disk before the caller writes ``SHA256SUMS``, for a fraction of the
    time when there are thousands.
    """
    for name, text in files.items():
        path = folder / name
        handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=TEMP_PREFIX, suffix=".tmp")
        try:
            with os.fdopen(handle, "w", encoding="utf-8", newline="\n") as out:
                out.write(text)
            os.chmod(temporary, 0o644)
            os.replace(temporary, path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
    os.sync()
