"""A full disk, for crawl tests: loaded only with ``-s EXTENSIONS=…`` by the tests.

:class:`DiskFullExtension` makes every ``os.fsync`` of the crawl's process fail
with ``ENOSPC``, as a file system that ran out of space while the snapshot's
data was being flushed. The store (SQLite) syncs in C and is not affected.
"""

from __future__ import annotations

import errno
import os
from typing import Any, NoReturn


def no_space(fd: int) -> NoReturn:
    raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))


class DiskFullExtension:
    @classmethod
    def from_crawler(cls, crawler: Any) -> DiskFullExtension:
        os.fsync = no_space
        return cls()
