"""Field coverage monitors: a layout change on a live site fails the crawl.

When a site changes its markup, pages still parse but fields come back empty:
articles without dates, speeches without person ids. :class:`CoverageMonitor`
measures, among the records this crawl produced (stored, or found unchanged),
how many have each watched field, and at the end of the crawl compares each
share with its threshold. A share below its threshold is a reason the crawl
fails (``corpus/monitor/failed``, read by :mod:`crawler.verdict`), e.g.
``article.published coverage 0.40 < 0.90 (4 of 10 records)``.

Speech coverage counts the spoken speeches a member gave: a speech whose
source names an office instead of a person (``speaker:office``) is left out.
``debate.speech.person_id`` is met by a member id in any scheme
(``member_ids``): a Senedd speech has no TheyWorkForYou person id.

Settings: ``MONITOR_ENABLED``, ``MONITOR_MIN_COVERAGE`` (field → lowest
acceptable share), ``MONITOR_MIN_RECORDS`` (fewer records of a kind than this
and its coverage says nothing: the check is skipped, and the log says so).
Stats: ``corpus/monitor/<field>/{coverage,records}``, ``corpus/monitor/failed``,
``corpus/monitor/skipped``.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from itemadapter import ItemAdapter
from scrapy import signals
from scrapy.exceptions import NotConfigured

from crawler.drops import UnchangedRecord
from crawler.errors import SettingError
from crawler.items import ArticleItem, DebateItem
from crawler.pages.senedd import OFFICE_FLAG

if TYPE_CHECKING:
    from scrapy.crawler import Crawler

logger = logging.getLogger(__name__)

# Speeches spoken by a member: the ones that should name a person and a party
# (procedural lines and divisions name neither).
SPOKEN_KINDS = frozenset({"speech", "intervention"})


def _has(value: Any) -> bool:
    return value not in (None, "", [], {}) and not (isinstance(value, str) and not value.strip())


def _article_field(name: str) -> Callable[[Any], list[bool]]:
    return lambda item: [_has(ItemAdapter(item).get(name))] if isinstance(item, ArticleItem) else []


def _spoken(item: Any) -> list[ItemAdapter]:
    """The spoken speeches of a debate that a member gave: an office the record names instead
    of a person (the Senedd's Llywydd, ``speaker:office``) has neither person nor party."""
    if not isinstance(item, DebateItem):
        return []
    speeches = [ItemAdapter(speech) for speech in item.speeches or []]
    return [
        s
        for s in speeches
        if s.get("kind") in SPOKEN_KINDS and OFFICE_FLAG not in (s.get("flags") or [])
    ]


def _speech_field(name: str) -> Callable[[Any], list[bool]]:
    return lambda item: [_has(s.get(name)) for s in _spoken(item)]


def _speech_person(item: Any) -> list[bool]:
    """Whether each spoken speech names its member: a TheyWorkForYou person id, or the
    member's id in another scheme (``member_ids``: Senedd and official Hansard speeches
    have no TheyWorkForYou person id of their own)."""
    return [_has(s.get("person_id")) or _has(s.get("member_ids")) for s in _spoken(item)]


# Each watched field: what one record says of it (one bool per value counted).
# Threshold names in MONITOR_MIN_COVERAGE are these keys.
FIELDS: dict[str, Callable[[Any], list[bool]]] = {
    "article.title": _article_field("title"),
    "article.published": _article_field("published"),
    "article.text": _article_field("text"),
    # Named for the TheyWorkForYou field; a member id of any scheme counts.
    "debate.speech.person_id": _speech_person,
    "debate.speech.party": _speech_field("party"),
}
UNITS = {"article": "articles", "debate.speech": "spoken speeches"}


class CoverageMonitor:
    def __init__(self, thresholds: dict[str, float], min_records: int, stats: Any):
        unknown = sorted(set(thresholds) - set(FIELDS))
        if unknown:
            raise SettingError(
                f"MONITOR_MIN_COVERAGE names unknown field(s) {', '.join(unknown)}; "
                f"known: {', '.join(FIELDS)}"
            )
        self.thresholds = thresholds
        self.min_records = min_records
        self.stats = stats
        # field → record id → that record's values (the last page read for it
        # counts once: a debate's English and Welsh pages are one record).
        self.seen: dict[str, dict[str, list[bool]]] = {field: {} for field in thresholds}

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> CoverageMonitor:
        settings = crawler.settings
        if not settings.getbool("MONITOR_ENABLED"):
            raise NotConfigured("MONITOR_ENABLED is off")
        thresholds = {
            field: float(value) for field, value in settings.getdict("MONITOR_MIN_COVERAGE").items()
        }
        if not thresholds:
            raise NotConfigured("MONITOR_MIN_COVERAGE is empty")
        monitor = cls(thresholds, settings.getint("MONITOR_MIN_RECORDS"), crawler.stats)
        crawler.signals.connect(monitor.item_scraped, signal=signals.item_scraped)
        crawler.signals.connect(monitor.item_dropped, signal=signals.item_dropped)
        crawler.signals.connect(monitor.spider_closed, signal=signals.spider_closed)
        return monitor

    def item_scraped(self, item: Any) -> None:
        self.observe(item)

    def item_dropped(self, item: Any, exception: BaseException) -> None:
        # An unchanged record was read from this crawl's page as well as a new one.
        if isinstance(exception, UnchangedRecord):
            self.observe(item)

    def observe(self, item: Any) -> None:
        record_id = ItemAdapter(item).get("id") or ItemAdapter(item).get("url")
        for field, seen in self.seen.items():
            values = FIELDS[field](item)
            if values:
                seen[str(record_id)] = values

    def spider_closed(self) -> None:
        failed: list[str] = []
        skipped: list[str] = []
        measured: list[str] = []
        for field, threshold in self.thresholds.items():
            values = [value for values in self.seen[field].values() for value in values]
            total, present = len(values), sum(values)
            unit = UNITS[field.rsplit(".", 1)[0]]
            if total == 0:
                continue  # a crawl of the other spider's kind of records
            if total < self.min_records:
                skipped.append(f"{field} ({total} {unit} < {self.min_records})")
                continue
            coverage = present / total
            self.stats.set_value(f"corpus/monitor/{field}/coverage", round(coverage, 4))
            self.stats.set_value(f"corpus/monitor/{field}/records", total)
            measured.append(f"{field} {coverage:.2f} ({present} of {total})")
            if coverage < threshold:
                failed.append(
                    f"{field} coverage {coverage:.2f} < {threshold:.2f} "
                    f"({present} of {total} {unit})"
                )
        if measured:
            logger.info("Field coverage: %s", ", ".join(measured))
        if skipped:
            self.stats.set_value("corpus/monitor/skipped", skipped)
            logger.info(
                "Field coverage not checked, too few records to mean anything "
                "(MONITOR_MIN_RECORDS=%d): %s",
                self.min_records,
                ", ".join(skipped),
            )
        for reason in failed:
            logger.warning("Field coverage below its threshold: %s", reason)
        if failed:
            self.stats.set_value("corpus/monitor/failed", failed)
