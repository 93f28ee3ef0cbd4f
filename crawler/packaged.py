"""Files shipped inside the crawler package, read wherever it is installed.

The same code reads ``crawler/data/…``, ``crawler/outlets.json`` and
``crawler/schemas/…`` from a checkout, an installed wheel or a zipped scrapyd
egg, where a path built from ``__file__`` does not exist on disk.
"""

from __future__ import annotations

from importlib import resources
from importlib.resources.abc import Traversable


def packaged(*parts: str) -> Traversable:
    """The packaged file at ``crawler/<parts…>``; read it with ``read_text``."""
    path = resources.files("crawler")
    for part in parts:
        path = path / part
    return path
