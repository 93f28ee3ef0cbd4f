"""Write the corpus folder's JSONL files from the store, each replaced atomically.

Each file is written to a temporary file in the same folder, flushed to disk,
then renamed over the old one (``os.replace`` is atomic on POSIX). A crash or
SIGKILL at any moment leaves either the previous file whole or the new one
whole, never a truncated line; stray temporary files are removed next time.

:func:`snapshot_losses` names the records a new snapshot would drop from the
files it replaces without the store having noted their deletion: the store
then no longer holds what researchers were given, and the files must be kept.
"""

from __future__ import annotations

import json
from pathlib import Path

from crawler.atomic import replaced_atomically
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
    with path.open(encoding="utf-8") as lines:
        return {json.loads(line)["id"] for line in lines if line.strip()}


def snapshot_losses(store: CorpusStore, folder: str | Path | None = None) -> dict[str, list[str]]:
    """Per table, the ids in the current snapshot files that the store neither holds
    nor recorded as deleted (sorted); empty when a new snapshot loses nothing unnoted."""
    target = Path(folder) if folder is not None else store.folder
    losses: dict[str, list[str]] = {}
    for table, filename in SNAPSHOT_FILES.items():
        previous = snapshot_ids(target / filename)
        if not previous:
            continue
        missing = previous - set(store.ids(table)) - store.deleted_ids(table)
        if missing:
            losses[table] = sorted(missing)
    return losses


def write_snapshot(store: CorpusStore, folder: str | Path | None = None) -> dict[str, int]:
    """Write ``articles.jsonl``, ``debates.jsonl`` and ``links.jsonl``; returns counts per table."""
    target = Path(folder) if folder is not None else store.folder
    target.mkdir(parents=True, exist_ok=True)
    remove_stale_temporaries(target)
    # One read transaction, so the three files describe the same moment.
    counts: dict[str, int] = {}
    with store.read_transaction():
        for table, filename in SNAPSHOT_FILES.items():
            counts[table] = write_jsonl_atomically(target / filename, store.iter_raw(table))
    return counts
