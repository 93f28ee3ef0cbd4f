"""The WARC folder: file names, finding the file to append to, repairing a torn end.

Files are named ``corpus-YYYYMMDD-NNNNN.warc.gz``: the UTC date the file was
started and a sequence number that grows across the folder, so names sort in
the order the files were written. Every record is its own gzip member (the
WARC standard's recommended layout), written with one ``write`` and flushed:
a crawl killed mid-write leaves at most one incomplete member at the end of
the newest file, which :func:`repair` finds and cuts off.
"""

from __future__ import annotations

import re
import zlib
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from scrapy.settings import BaseSettings

FILE_NAME = re.compile(r"^corpus-(?P<date>\d{8})-(?P<sequence>\d{5,})\.warc\.gz$")
CHUNK = 1 << 20
WARC_START = b"WARC/1."


CORPUS_SUBFOLDER = "warc"
"""Where a corpus keeps its WARC files when ``WARC_DIR`` names no other folder."""


def capture_folder(settings: BaseSettings) -> Path | None:
    """The crawl's WARC folder: ``WARC_DIR``, else ``<CORPUS_DIR>/warc``; ``None`` when both
    settings are empty."""
    if settings.get("WARC_DIR"):
        return Path(settings.get("WARC_DIR"))
    corpus_dir = settings.get("CORPUS_DIR")
    return Path(corpus_dir) / CORPUS_SUBFOLDER if corpus_dir else None


def warc_files(folder: Path) -> list[Path]:
    """The folder's WARC files, oldest first."""
    if not folder.is_dir():
        return []
    found = [path for path in folder.iterdir() if FILE_NAME.match(path.name)]
    return sorted(found, key=lambda path: int(FILE_NAME.match(path.name)["sequence"]))  # type: ignore[index]


def is_warc_folder(folder: str | Path) -> bool:
    """Whether ``folder`` is a WARC capture rather than a manifest snapshot."""
    folder = Path(folder)
    return not (folder / "manifest.jsonl").exists() and bool(warc_files(folder))


def next_file_name(folder: Path, now: datetime | None = None) -> str:
    """The name of a new file: today's date, one more than the highest sequence number."""
    files = warc_files(folder)
    sequence = int(FILE_NAME.match(files[-1].name)["sequence"]) + 1 if files else 1  # type: ignore[index]
    day = (now or datetime.now(UTC)).strftime("%Y%m%d")
    return f"corpus-{day}-{sequence:05d}.warc.gz"


@dataclass(frozen=True)
class Repair:
    """What :func:`repair` found: the length of the complete records, and what it cut off."""

    path: Path
    good_bytes: int
    cut_bytes: int


def complete_length(path: Path) -> int:
    """Bytes from the start of ``path`` that are whole gzip members, each holding a WARC record.

    Reads the file in chunks, so memory stays small whatever its size; the first
    member that ends early, fails to inflate or does not start a WARC record
    marks the end of the good part.
    """
    good = 0
    with path.open("rb") as stream:
        while True:
            stream.seek(good)
            inflater = zlib.decompressobj(wbits=31)
            consumed = 0
            head = b""
            try:
                while not inflater.eof:
                    chunk = stream.read(CHUNK)
                    if not chunk:
                        return good  # the member ends early: torn (or the file's end)
                    out = inflater.decompress(chunk)
                    if len(head) < len(WARC_START):
                        head += out[: len(WARC_START)]
                    consumed += len(chunk) - len(inflater.unused_data)
            except zlib.error:
                return good
            if not head.startswith(WARC_START):
                return good
            good += consumed


def repair(path: Path) -> Repair:
    """Cut off a torn last record of ``path``, keeping every complete one."""
    size = path.stat().st_size
    good = complete_length(path)
    if good < size:
        with path.open("r+b") as stream:
            stream.truncate(good)
    return Repair(path, good, size - good)
