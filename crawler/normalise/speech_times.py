"""Speech times of one debate from the time stamps TheyWorkForYou prints, in page order.

TheyWorkForYou prints a speech's stamp as ``%l:%M`` (" 1:14", "12:31"), on the
12-hour clock without am/pm, and only on the speech where the time changes; the
Welsh interface prints the same. A debate's stamps are read in page order:

* a stamp with am/pm, or one a 24-hour clock shows ("14:33", "09:30"), is read
  as printed (:meth:`DateNormaliser.parse_time`);
* a bare 12-hour stamp after a settled time is the first of its readings at or
  after that time: printed times only move forward, through midnight in a late
  or all-night sitting;
* the first bare stamp is settled by the lead line's time when it prints one
  ("12:31 pm on 11 February 2025"); otherwise it is read against the house's
  sitting hours for the weekday of the sitting date (crawler/data/houses.json):
  of its readings (morning, afternoon, and the small hours after midnight of a
  sitting that runs on), the one between the day's first start and the usual
  rising plus the late-sitting allowance is taken. A Commons Tuesday sits from
  11:30, so " 1:14" is 13:14. When both readings fall in that span, or neither
  does, or the house has no hours for that day, the stamp stays unsettled
  (``None``, error ``ambiguous-12h``) and the next bare stamp is read against
  the hours in its turn.

A speech without a stamp takes the time in effect: the last stamp read before it
(``None`` until one is settled, as is a failed stamp's).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from crawler.houses import SittingHours
from crawler.normalise.dates import AMBIGUOUS_12H, DateNormaliser, DateResult

_DAY = 24 * 60
_HALF_DAY = 12 * 60

# How a bare first stamp fared against the sitting hours (``StampReading.by_hours``).
SETTLED = "settled"
NO_SITTING_HOURS = "no_sitting_hours"
BOTH_READINGS = "both_readings_plausible"
NO_READING = "no_reading_plausible"


@dataclass(frozen=True)
class StampReading:
    """The time in effect for one speech, and how its own stamp was read."""

    time: str | None
    """``HH:MM`` (24-hour) in effect for the speech, else ``None``."""
    result: DateResult | None = None
    """The reading of the speech's own stamp; ``None`` when it prints none."""
    by_hours: str | None = None
    """For a bare stamp read against the sitting hours: ``settled``, ``no_sitting_hours``,
    ``both_readings_plausible`` or ``no_reading_plausible``; else ``None``."""


def read_speech_times(
    stamps: Sequence[str | None],
    *,
    hours: SittingHours | None,
    lead_time: str | None,
    normaliser: DateNormaliser,
) -> list[StampReading]:
    """One :class:`StampReading` per stamp (``None`` or blank: none printed), in order.

    ``hours`` are the house's sitting hours on the sitting date's weekday (``None``
    when unknown); ``lead_time`` is the lead line's ``HH:MM``, when it prints one.
    """
    readings: list[StampReading] = []
    after, in_effect = lead_time, None
    for raw in stamps:
        if raw is None or not raw.strip():
            readings.append(StampReading(in_effect))
            continue
        result = normaliser.parse_time(raw, after=after)
        by_hours = None
        if result.error == AMBIGUOUS_12H and after is None:
            result, by_hours = _against_hours(raw, result, hours, normaliser)
        in_effect = result.value
        if result.value is not None:
            after = result.value
        readings.append(StampReading(in_effect, result, by_hours))
    return readings


def _against_hours(
    raw: str, ambiguous: DateResult, hours: SittingHours | None, normaliser: DateNormaliser
) -> tuple[DateResult, str]:
    """A bare 12-hour stamp read against the day's sitting hours, and how that went."""
    if hours is None:
        return ambiguous, NO_SITTING_HOURS
    # The first reading at or after midnight is the morning one ("12:31" -> 00:31).
    morning = normaliser.parse_time(raw, after="00:00")
    if morning.value is None:
        return ambiguous, NO_READING
    first = _minutes(morning.value)
    opens = _minutes(hours.opens.isoformat("minutes"))
    rises = _minutes(hours.rises.isoformat("minutes"))
    if rises <= opens:  # a usual rising after midnight
        rises += _DAY
    latest = rises + int(hours.late_allowance.total_seconds()) // 60
    # Minutes after midnight of the sitting date: morning, afternoon, small hours.
    plausible = [t for t in (first, first + _HALF_DAY, first + _DAY) if opens <= t < latest]
    if len(plausible) != 1:
        return ambiguous, BOTH_READINGS if plausible else NO_READING
    moment = plausible[0] % _DAY
    return DateResult(f"{moment // 60:02d}:{moment % 60:02d}", morning.precision), SETTLED


def _minutes(clock: str) -> int:
    hour, minute = (int(part) for part in clock.split(":"))
    return hour * 60 + minute
