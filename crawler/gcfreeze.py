"""Objects built at start-up kept out of the garbage collector's passes during the crawl.

A crawl builds most of its long-lived objects before the first request
(modules, settings, tables, the spider, the pipelines); every full pass of
Python's cyclic garbage collector walks them all again, however little has
changed. When the engine starts, :class:`FreezeStartupObjects` collects
once and moves what survives to the permanent generation (:func:`gc.freeze`),
so later passes walk only what the crawl itself creates. Objects are still
freed by reference counting as before; the engine's stop unfreezes them, so a
process that runs several crawls (the tests) does not keep them frozen.

``GC_FREEZE_AFTER_STARTUP`` switches it off. Counted: ``corpus/gc/freezes``
(1 when it froze); how many objects, which varies from process to process,
is logged at DEBUG.
"""

from __future__ import annotations

import gc
import logging
from typing import TYPE_CHECKING

from scrapy import signals
from scrapy.exceptions import NotConfigured

if TYPE_CHECKING:
    from scrapy.crawler import Crawler
    from scrapy.statscollectors import StatsCollector

logger = logging.getLogger(__name__)


class FreezeStartupObjects:
    """Freezes the objects alive when the engine starts, unfreezes them when it stops."""

    def __init__(self, stats: StatsCollector) -> None:
        self.stats = stats

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> FreezeStartupObjects:
        if not crawler.settings.getbool("GC_FREEZE_AFTER_STARTUP"):
            raise NotConfigured("GC_FREEZE_AFTER_STARTUP is off")
        assert crawler.stats is not None
        extension = cls(crawler.stats)
        crawler.signals.connect(extension.engine_started, signal=signals.engine_started)
        crawler.signals.connect(extension.engine_stopped, signal=signals.engine_stopped)
        return extension

    def engine_started(self) -> None:
        gc.collect()  # garbage of the start-up is freed, not frozen
        gc.freeze()
        self.stats.inc_value("corpus/gc/freezes")
        logger.debug("Froze %d objects built at start-up", gc.get_freeze_count())

    def engine_stopped(self) -> None:
        gc.unfreeze()
