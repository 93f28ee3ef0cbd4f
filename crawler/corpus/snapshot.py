"""Write the corpus folder's JSONL files from the store, each replaced atomically.

Each file is written to a temporary file in the same folder, flushed to disk,
then renamed over the old one (``os.replace`` is atomic on POSIX). A crash or
SIGKILL at any moment leaves either the previous file whole or the new one
whole, never a truncated line; stray temporary files are removed next time.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from crawler.corpus.store import CorpusStore

SNAPSHOT_FILES = {
    "articles": "articles.jsonl",
    "debates": "debates.jsonl",
    "links": "links.jsonl",
}
TEMP_PREFIX = ".snapshot-"


def remove_stale_temporaries(folder: Path) -> None:
    for stale in folder.glob(f"{TEMP_PREFIX}*"):
        stale.unlink(missing_ok=True)


def write_jsonl_atomically(path: Path, lines: object) -> int:
    """Write ``lines`` (an iterable of JSON texts) to ``path`` atomically; returns the count."""
    count = 0
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=TEMP_PREFIX, suffix=".tmp")
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="\n") as out:
            for line in lines:  # type: ignore[attr-defined]
                out.write(line)
                out.write("\n")
                count += 1
            out.flush()
            os.fsync(out.fileno())
        os.chmod(temporary, 0o644)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    directory = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(directory)
    finally:
        os.close(directory)
    return count


def write_snapshot(store: CorpusStore, folder: str | Path | None = None) -> dict[str, int]:
    """Write ``articles.jsonl``, ``debates.jsonl`` and ``links.jsonl``; returns counts per table."""
    target = Path(folder) if folder is not None else store.folder
    target.mkdir(parents=True, exist_ok=True)
    remove_stale_temporaries(target)
    # One read transaction, so the three files describe the same moment.
    counts: dict[str, int] = {}
    store.conn.execute("BEGIN")
    try:
        for table, filename in SNAPSHOT_FILES.items():
            counts[table] = write_jsonl_atomically(target / filename, store.iter_raw(table))
    finally:
        store.conn.execute("COMMIT")
    return counts
