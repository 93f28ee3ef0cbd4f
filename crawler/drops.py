"""Why an item was dropped: one ``DropItem`` subclass per reason, so the crawl
stats (``item_dropped_reasons_count/<Reason>``) say why."""

from __future__ import annotations

from scrapy.exceptions import DropItem


class UnusableRecord(DropItem):
    """A page that could not be turned into a usable record (an error: the crawl fails)."""


class UnchangedRecord(DropItem):
    """Already in the corpus exactly as scraped: nothing to write (normal work)."""

    def __init__(self, message: str):
        super().__init__(message, log_level="DEBUG")


class StaleRevision(DropItem):
    """A debate page from an older revision of a sitting day than the one stored."""

    def __init__(self, message: str):
        super().__init__(message, log_level="INFO")
