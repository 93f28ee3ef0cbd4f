"""``defence-corpus``: the ``scrapy`` command with this project's settings, from any folder.

Scrapy finds a project's settings through a ``scrapy.cfg`` in the working
folder or above it. An installed crawler has none there, so this entry point
names the settings module (unless ``SCRAPY_SETTINGS_MODULE`` already does) and
hands over to Scrapy: ``defence-corpus crawl hansard …`` and
``defence-corpus export …`` work wherever they are run from.
"""

from __future__ import annotations

import os
import sys

from scrapy.cmdline import execute

SETTINGS_MODULE = "crawler.settings"


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("SCRAPY_SETTINGS_MODULE", SETTINGS_MODULE)
    execute(["defence-corpus", *(sys.argv[1:] if argv is None else argv)])


if __name__ == "__main__":
    main()
