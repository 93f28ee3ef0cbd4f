"""Files replaced atomically: written beside their target, flushed to disk, renamed over it.

``os.replace`` is atomic on POSIX, so a crash or SIGKILL at any moment leaves
either the previous file whole or the new one whole; the folder is synced so
the rename itself survives a power cut. Temporaries carry a prefix of their
writer's choosing, so the next run can remove strays left by a kill.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


@contextmanager
def replaced_atomically(
    path: Path, *, prefix: str, suffix: str = ".tmp", companions: tuple[str, ...] = ()
) -> Iterator[Path]:
    """A temporary path beside ``path`` to write to; renamed over ``path`` when the block ends.

    On an error the temporary file (and any ``companions``: files named after
    it with these suffixes, such as SQLite's journals) is removed and ``path``
    is left as it was.
    """
    handle, name = tempfile.mkstemp(dir=path.parent, prefix=prefix, suffix=suffix)
    os.close(handle)
    temporary = Path(name)
    try:
        yield temporary
        with temporary.open("rb+") as written:
            os.fsync(written.fileno())
        os.chmod(temporary, 0o644)
        os.replace(temporary, path)
    except BaseException:
        for companion in ("", *companions):
            Path(f"{temporary}{companion}").unlink(missing_ok=True)
        raise
    sync_folder(path.parent)


def sync_folder(folder: Path) -> None:
    """Flush a folder's entries (a rename into it) to disk."""
    directory = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(directory)
    finally:
        os.close(directory)
