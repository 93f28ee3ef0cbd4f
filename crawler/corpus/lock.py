"""One crawl at a time per corpus folder.

The lock is an advisory ``flock`` on ``<CORPUS_DIR>/.lock``: the kernel drops it
when the holding process exits, however it exits (SIGKILL included), so a
killed crawl never leaves a stale lock behind.
"""

from __future__ import annotations

import fcntl
import os
from pathlib import Path
from typing import IO


class CorpusLockedError(RuntimeError):
    """Another process is crawling into the same corpus folder."""


# flock() locks belong to an open file: a second open() of the same path in
# this process would conflict with the first, so holders share one per path.
_held: dict[Path, tuple[IO[str], int]] = {}


def acquire(folder: str | Path) -> Path:
    """Take the corpus lock for ``folder`` or raise :class:`CorpusLockedError` at once.

    Re-entrant within one process: each ``acquire`` needs a ``release``.
    """
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    path = (folder / ".lock").resolve()
    if path in _held:
        handle, count = _held[path]
        _held[path] = (handle, count + 1)
        return path
    handle = path.open("a+", encoding="utf-8")
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        handle.seek(0)
        holder = handle.read().strip() or "unknown"
        handle.close()
        raise CorpusLockedError(
            f"another crawl holds the corpus lock {path} (pid {holder}); "
            "two runs may not write one corpus at the same time"
        ) from None
    handle.seek(0)
    handle.truncate()
    handle.write(f"{os.getpid()}\n")
    handle.flush()
    _held[path] = (handle, 1)
    return path


def release(path: Path) -> None:
    """Give back one hold on the lock taken by :func:`acquire`."""
    if path not in _held:
        return
    handle, count = _held[path]
    if count > 1:
        _held[path] = (handle, count - 1)
        return
    del _held[path]
    fcntl.flock(handle, fcntl.LOCK_UN)
    handle.close()
