"""The export folder: which files an earlier export left, atomic writes, checksums."""

from __future__ import annotations

import contextlib
import hashlib
import re
from collections.abc import Mapping
from pathlib import Path

from crawler.corpus.snapshot import TEMP_PREFIX
from crawler.export.card import CARD_FILE, CHECKSUM_FILE, PACKAGE_FILE, RECORD_SCHEMAS
from crawler.export.options import FORMATS, ExportError
from crawler.export.writers.base import write_text_atomically

# Every file name an export can write: only these are ever removed from a
# previous export's folder.
EXPORT_FILES = frozenset(
    {CARD_FILE, CHECKSUM_FILE, PACKAGE_FILE, *RECORD_SCHEMAS}
    | {"index.html", "summary.html", "browser.css", "browser.js"}
    | {
        f"{table}.{extension}"
        for table in ("articles", "comments", "debates", "speeches", "links")
        for extension in FORMATS
    }
)


# The link browser's pages: articles/<16 hex digits>.html.
_PAGE = re.compile(r"articles/[0-9a-f]{16}\.html")
# The WARC files copied with --warc (names as crawler/warc/files.py gives them).
_WARC = re.compile(r"warc/corpus-\d{8}-\d{5,}\.warc\.gz")
SUBFOLDERS = ("articles", "warc")


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def previous_export_files(folder: Path) -> set[str]:
    """Files of an earlier export in ``folder``; refuses a folder that holds anything else.

    A folder is an earlier export when it has a ``SHA256SUMS``; the names it lists
    (those an export writes) are the files this export may replace or remove.
    """
    if folder.exists() and not folder.is_dir():
        raise ExportError(f"{folder} is not a folder")
    if not folder.exists():
        return set()
    entries = [entry for entry in folder.iterdir() if not entry.name.startswith(TEMP_PREFIX)]
    sums = folder / CHECKSUM_FILE
    if not entries:
        return set()
    if not sums.is_file():
        raise ExportError(
            f"{folder} is not empty and is not a previous export (it has no {CHECKSUM_FILE}); "
            "give an empty or new folder"
        )
    listed = set()
    for line in sums.read_text(encoding="utf-8").splitlines():
        _, _, name = line.partition("  ")
        if is_export_file(name):
            listed.add(name)
    return listed | {CHECKSUM_FILE}


def is_export_file(name: str) -> bool:
    """Whether an export writes files of this name (relative to its folder)."""
    return name in EXPORT_FILES or bool(_PAGE.fullmatch(name) or _WARC.fullmatch(name))


def remove_empty_folders(folder: Path) -> None:
    """Remove the subfolders an export writes into (``articles/``) once they are empty."""
    for sub in SUBFOLDERS:
        with contextlib.suppress(OSError):
            (folder / sub).rmdir()


def write_checksums(folder: Path, names: list[str], digests: Mapping[str, str] = {}) -> None:
    """``SHA256SUMS`` for ``names``, sorted, in the form ``sha256sum -c`` reads;
    ``digests`` are those taken as the files were written (the rest are read)."""
    write_text_atomically(
        folder / CHECKSUM_FILE,
        "".join(
            f"{digests.get(name) or sha256_of(folder / name)}  {name}\n" for name in sorted(names)
        ),
    )
