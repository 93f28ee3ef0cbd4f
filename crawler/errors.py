"""Errors that mean the operator's configuration is wrong, not the crawler.

``scrapy crawl`` reports them in one line and exits 2, as it does for a bad
``-a`` argument or outlet file, instead of a traceback and exit 1.
"""

from __future__ import annotations


class SettingError(ValueError):
    """A setting (``-s NAME=value`` or settings.py), or a file it names, that cannot be used."""
