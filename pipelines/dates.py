"""Normalised dates and times for articles and debates, from their raw strings.

A thin wrapper around :mod:`crawler.normalise.dates`. It runs after the merge
stage (:mod:`pipelines.merge`), on the merged record, and fills

* ``ArticleItem.published`` / ``modified`` (and ``*_precision``) from
  ``published_raw`` / ``modified_raw``, relative dates resolved against the
  article's ``fetched_at``; a value already filled was carried over from the
  stored record with its raw value (resolved against the copy that brought it)
  and is kept;
* ``Comment.published`` (and ``published_precision``) from ``published_raw``,
  against the article's ``fetched_at``, likewise;
* ``DebateItem.date`` from the gid, which is authoritative, checked against the
  lead line of every interface in ``date_raw``; from ``date_raw`` alone when the
  id carries no date, the preferred interface's lead line winning;
* ``Speech.time`` from ``time_raw``, in page order
  (:mod:`crawler.normalise.speech_times`): each 12-hour time without am/pm is
  the first reading at or after the time before it; the first is settled by
  the time in ``date_raw`` when the lead line gives one ("at 2:33 pm on …"),
  otherwise by the house's sitting hours on the sitting date's weekday
  (crawler/data/houses.json), and stays ``None`` flagged ``time:ambiguous``
  when they cannot settle it (counted as ``speech_time/<how>``: ``settled``,
  ``no_sitting_hours``, ``both_readings_plausible``, ``no_reading_plausible``).
  A speech without a printed time gets the time in effect (the last one read).

A debate's date, its speeches' times and the flags below are decided anew on
every merged record, never carried over from the stored one.

Records allow the precisions ``second``, ``minute``, ``day``, ``month``,
``year``; a finer-grained normaliser result is written one step coarser
("3 hours ago" as a day, "1 week ago" as a month). It never writes a
``*_raw`` field. A value that cannot be read is left ``None``, the record is
flagged and counted, and the most frequent unreadable strings are logged when
the spider closes. Flags: ``published:unparsed``, ``modified:unparsed`` and
``comment:<id>:published:unparsed`` on an article (comments have no flags of
their own); on a debate ``date:unparsed``, ``date:imprecise``,
``date:lead_mismatch`` (a lead line's date is not the gid's: the flag name the
TheyWorkForYou page parser uses for the same check, so the two never double up)
and ``date:interface_disagreement`` (the interfaces' lead lines name different
days); ``time:unparsed`` and ``time:ambiguous`` on a speech.

Settings (declared in ``crawler/settings.py``):

* ``NORMALISE_DATES_ENABLED``: ``False`` turns the pipeline off.
* ``NORMALISE_DATES_TIMEZONE``: zone of times printed without one.
* ``NORMALISE_DATES_CACHE_SIZE``: raw strings kept in the normaliser's cache.
* ``NORMALISE_DATES_SUMMARY_SIZE``: unreadable strings listed at close.
* ``NORMALISE_PREFERRED_INTERFACE``: whose lead line gives a date the gid does not.

Stats (``corpus/date/…``): ``parsed``, ``relative`` (of those, resolved from a
relative date), ``unparsed`` and ``unparsed/<field>``, ``ambiguous`` and
``ambiguous/<field>``, ``missing/<field>`` (no raw value), ``imprecise``
(a sitting date coarser than a day), ``gid_mismatch``,
``interface_disagreement``, and at close ``cache_hits`` / ``cache_misses``.
Fields: ``published``, ``modified``, ``comment_published``, ``debate_date``,
``speech_time`` (``missing/`` is not counted for speech times: most speeches
print none).
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Iterable
from datetime import datetime
from typing import TYPE_CHECKING, Any

from scrapy.exceptions import NotConfigured

from crawler.gid import Gid
from crawler.houses import sitting_hours
from crawler.items import ArticleItem, DebateItem
from crawler.normalise.dates import (
    AMBIGUOUS_12H,
    DEFAULT_CACHE_SIZE,
    DEFAULT_TIMEZONE,
    DateNormaliser,
    DateResult,
    default_normaliser,
)
from crawler.normalise.speech_times import read_speech_times

if TYPE_CHECKING:
    from scrapy.crawler import Crawler
    from scrapy.statscollectors import StatsCollector

logger = logging.getLogger(__name__)

_TIMED = ("second", "minute", "hour")
DEBATE_DATE_FLAGS = (
    "date:unparsed",
    "date:ambiguous",
    "date:imprecise",
    "date:lead_mismatch",
    "date:interface_disagreement",
)
"""The flags this pipeline decides on a debate record."""
RECORD_PRECISIONS = ("second", "minute", "day", "month", "year")
"""The precisions records allow (items.py, crawler/schemas/): finer normaliser results
("3 hours ago": hour; "1 week ago": week) are written one step coarser."""


class DateNormalisationPipeline:
    """Fills normalised date fields from ``*_raw`` fields; repairs and counts, never drops."""

    def __init__(
        self,
        stats: StatsCollector,
        normaliser: DateNormaliser,
        *,
        summary_size: int,
        preferred: str,
    ) -> None:
        self.stats = stats
        self.normaliser = normaliser
        self.summary_size = summary_size
        self.preferred = preferred
        self.unreadable: Counter[str] = Counter()
        self._cache_at_start = normaliser.cache_info()

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> DateNormalisationPipeline:
        settings = crawler.settings
        if not settings.getbool("NORMALISE_DATES_ENABLED"):
            raise NotConfigured("NORMALISE_DATES_ENABLED is off")
        zone = settings.get("NORMALISE_DATES_TIMEZONE")
        cache_size = settings.getint("NORMALISE_DATES_CACHE_SIZE")
        if zone == DEFAULT_TIMEZONE and cache_size == DEFAULT_CACHE_SIZE:
            # Share the process-wide normaliser and its cache.
            normaliser = default_normaliser()
        else:
            normaliser = DateNormaliser(timezone=zone, cache_size=cache_size)
        assert crawler.stats is not None
        return cls(
            crawler.stats,
            normaliser,
            summary_size=settings.getint("NORMALISE_DATES_SUMMARY_SIZE"),
            preferred=settings.get("NORMALISE_PREFERRED_INTERFACE"),
        )

    def process_item(self, item: Any) -> Any:
        if isinstance(item, ArticleItem):
            self._article(item)
        elif isinstance(item, DebateItem):
            self._debate(item)
        return item

    def close_spider(self) -> None:
        info, start = self.normaliser.cache_info(), self._cache_at_start
        self.stats.set_value("corpus/date/cache_hits", info.hits - start.hits)
        self.stats.set_value("corpus/date/cache_misses", info.misses - start.misses)
        if self.unreadable:
            listed = ", ".join(
                f"{raw!r} x{n}" for raw, n in self.unreadable.most_common(self.summary_size)
            )
            logger.info(
                "Dates left unnormalised: %d distinct strings, %d occurrences. Most frequent: %s",
                len(self.unreadable),
                sum(self.unreadable.values()),
                listed,
            )

    # -- records --------------------------------------------------------------

    def _article(self, item: ArticleItem) -> None:
        # A value already normalised was carried over from the stored record with
        # its raw value (the merge keeps the pair): it was read against the copy
        # that brought it, and stays. Every other raw value is read here.
        reference = _reference(item.fetched_at)
        for field in ("published", "modified"):
            if getattr(item, field) is not None:
                continue
            _drop_flags(item.flags, _outcome_flags(field))
            raw = getattr(item, f"{field}_raw")
            if _blank(raw):
                self.stats.inc_value(f"corpus/date/missing/{field}")
                continue
            result = self.normaliser.parse_datetime(raw, reference=reference)
            result = result.coarsened(RECORD_PRECISIONS)
            setattr(item, field, result.value)
            setattr(item, f"{field}_precision", result.precision)
            self._outcome(result, raw, field, item.flags, field)
        for comment in item.comments:
            if comment.published is not None:
                continue
            _drop_flags(item.flags, _outcome_flags(f"comment:{comment.id}:published"))
            # The exact tooltip date wins over a relative "9 months ago" when readable.
            exact = comment.published_title_raw
            if not _blank(exact):
                result = self.normaliser.parse_datetime(exact, reference=reference)
                if result.ok:
                    result = result.coarsened(RECORD_PRECISIONS)
                    comment.published = result.value
                    comment.published_precision = result.precision
                    self._outcome(result, exact, "comment_published", item.flags, "")
                    continue
            raw = comment.published_raw
            if _blank(raw):
                self.stats.inc_value("corpus/date/missing/comment_published")
                continue
            result = self.normaliser.parse_datetime(raw, reference=reference)
            result = result.coarsened(RECORD_PRECISIONS)
            comment.published = result.value
            comment.published_precision = result.precision
            self._outcome(
                result, raw, "comment_published", item.flags, f"comment:{comment.id}:published"
            )

    def _debate(self, item: DebateItem) -> None:
        # Decided anew on every merged record: flags from an earlier decision go.
        _drop_flags(item.flags, DEBATE_DATE_FLAGS)
        for speech in item.speeches:
            _drop_flags(speech.flags, _outcome_flags("time"))
        gid = Gid.parse(item.id)
        gid_date = gid.date if gid else None
        after: str | None = None
        lead_dates: dict[str, str] = {}
        texts = _date_texts(item.date_raw, self.preferred)
        if not texts:
            self.stats.inc_value("corpus/date/missing/debate_date")
        for interface, raw in texts:
            result = self.normaliser.parse_datetime(raw)
            if result.value is not None and result.precision not in (*_TIMED, "day"):
                self.stats.inc_value("corpus/date/imprecise")
                _add_flag(item.flags, "date:imprecise")
                continue
            self._outcome(result, raw, "debate_date", item.flags, "date")
            if result.value is None:
                continue
            lead_dates[interface] = result.value[:10]
            if after is None and result.precision in _TIMED:
                # The lead line's time is the section's first: it settles the
                # first 12-hour speech time printed without am/pm.
                after = result.value[11:16]
        if len(set(lead_dates.values())) > 1:
            self.stats.inc_value("corpus/date/interface_disagreement")
            _add_flag(item.flags, "date:interface_disagreement")
            logger.debug(
                "Debate %s: the interfaces' lead lines name different days: %r",
                item.id,
                lead_dates,
            )
        if gid_date is not None:
            if any(day != gid_date for day in lead_dates.values()):
                self.stats.inc_value("corpus/date/gid_mismatch")
                _add_flag(item.flags, "date:lead_mismatch")
                logger.debug(
                    "Debate %s: lead line date %r is not the gid's %s",
                    item.id,
                    item.date_raw,
                    gid_date,
                )
            item.date = gid_date
        else:
            # The preferred interface's lead line first (texts are in that order).
            item.date = next(iter(lead_dates.values()), None)

        readings = read_speech_times(
            [speech.time_raw for speech in item.speeches],
            hours=sitting_hours(item.house, item.date),
            lead_time=after,
            normaliser=self.normaliser,
        )
        for speech, reading in zip(item.speeches, readings, strict=True):
            speech.time = reading.time
            if reading.by_hours is not None:
                self.stats.inc_value(f"corpus/date/speech_time/{reading.by_hours}")
            if reading.result is not None and speech.time_raw is not None:
                self._outcome(reading.result, speech.time_raw, "speech_time", speech.flags, "time")

    # -- counting -------------------------------------------------------------

    def _outcome(
        self, result: DateResult, raw: str, field: str, flags: list[str], flag: str
    ) -> None:
        if result.value is not None:
            self.stats.inc_value("corpus/date/parsed")
            if result.relative:
                self.stats.inc_value("corpus/date/relative")
            return
        kind = "ambiguous" if result.error == AMBIGUOUS_12H else "unparsed"
        self.stats.inc_value(f"corpus/date/{kind}")
        self.stats.inc_value(f"corpus/date/{kind}/{field}")
        _add_flag(flags, f"{flag}:{kind}")
        self.unreadable[raw.strip()] += 1
        logger.debug("Could not normalise %s %r: %s", field, raw, result.error)


def _blank(raw: str | None) -> bool:
    return raw is None or not raw.strip()


def _add_flag(flags: list[str], flag: str) -> None:
    if flag not in flags:
        flags.append(flag)


def _drop_flags(flags: list[str], names: Iterable[str]) -> None:
    flags[:] = [flag for flag in flags if flag not in set(names)]


def _outcome_flags(flag: str) -> tuple[str, ...]:
    """The flags :meth:`DateNormalisationPipeline._outcome` may set for ``flag``."""
    return (f"{flag}:unparsed", f"{flag}:ambiguous")


def _date_texts(date_raw: Any, preferred: str) -> list[tuple[str, str]]:
    """The lead-line date strings of a debate, ``(interface, text)``: one per interface
    (``{"cy": …, "en": …}``), the preferred interface first, then the others sorted."""
    if not isinstance(date_raw, dict):
        return []
    order = sorted(date_raw, key=lambda interface: (interface != preferred, interface))
    return [
        (i, date_raw[i]) for i in order if isinstance(date_raw[i], str) and not _blank(date_raw[i])
    ]


def _reference(fetched_at: str | None) -> datetime | None:
    """``fetched_at`` as a datetime, the reference of relative dates; ``None`` if unreadable."""
    if not fetched_at:
        return None
    try:
        return datetime.fromisoformat(fetched_at)
    except ValueError:
        logger.warning("Unreadable fetched_at %r: relative dates stay unresolved", fetched_at)
        return None
