"""The houses a debate can belong to, and when each sits: read from crawler/data/houses.json.

One list for the whole crawler: which sources read each house, the export's
``--house`` choices (every house some source reads) and the reading
of speech time stamps printed without am/pm (crawler/normalise/speech_times.py)
take their houses from here, and tests/test_houses.py holds the record schema's
``house`` enum, crawler/data/twfy.json and crawler/gid.py to it. The file's
``_about`` cites where every sitting time comes from and what is not confirmed.

    >>> HOUSES_BY_ID["commons"].name["cy"]
    "Tŷ'r Cyffredin"
    >>> sitting_hours("commons", "2025-02-11").opens  # a Tuesday
    datetime.time(11, 30)
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, time, timedelta
from typing import Any

from crawler.packaged import packaged

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
"""Weekday keys of the table, in ``date.weekday()`` order."""


@dataclass(frozen=True)
class SittingHours:
    """When a house sits on one weekday: where the day's sitting (or each part of it)
    begins, when it usually rises, and how long past that a late sitting is allowed for."""

    sits: tuple[time, ...]
    rises: time
    late_allowance: timedelta

    @property
    def opens(self) -> time:
        """The day's first start."""
        return min(self.sits)


@dataclass(frozen=True)
class HoursPeriod:
    """A house's sitting hours by weekday, in force from ``start`` to ``end`` (inclusive)."""

    start: date
    end: date | None
    source: str
    days: dict[str, SittingHours]

    def covers(self, day: date) -> bool:
        return self.start <= day and (self.end is None or day <= self.end)


@dataclass(frozen=True)
class House:
    """One house: its id as records write it, its names, and when it sits."""

    id: str
    name: dict[str, str]
    """English (``en``) and Welsh (``cy``) name."""
    parliament: str
    sources: tuple[str, ...]
    """The sources the crawler reads this house's debates from (``twfy``, ``hansard``,
    ``senedd``, as debate records name them); empty: not read."""
    hours: tuple[HoursPeriod, ...]

    def sitting_hours(self, day: date) -> SittingHours | None:
        """The hours of ``day``'s weekday in the period covering ``day``; ``None`` if unknown."""
        for period in self.hours:
            if period.covers(day):
                return period.days.get(WEEKDAYS[day.weekday()])
        return None


def _clock(text: str) -> time:
    return time.fromisoformat(text)


def _duration(text: str) -> timedelta:
    hours, minutes = (int(part) for part in text.split(":"))
    return timedelta(hours=hours, minutes=minutes)


def _period(entry: dict[str, Any], late: timedelta, sources: dict[str, str]) -> HoursPeriod:
    if entry["source"] not in sources:
        raise ValueError(f"houses.json: hours cite an unknown source {entry['source']!r}")
    days = {}
    for weekday, hours in entry["days"].items():
        if weekday not in WEEKDAYS:
            raise ValueError(f"houses.json: {weekday!r} is not a weekday key")
        days[weekday] = SittingHours(
            tuple(_clock(t) for t in hours["sits"]), _clock(hours["rises"]), late
        )
    until = entry.get("until")
    return HoursPeriod(
        date.fromisoformat(entry["from"]),
        date.fromisoformat(until) if until else None,
        entry["source"],
        days,
    )


def load_houses(text: str) -> tuple[House, ...]:
    """The houses of a houses.json text, in the file's order."""
    data = json.loads(text)
    late = _duration(data["late_sitting_allowance"])
    sources = data["_about"]["sources"]
    return tuple(
        House(
            id=entry["id"],
            name=dict(entry["name"]),
            parliament=entry["parliament"],
            sources=tuple(entry["sources"]),
            hours=tuple(_period(period, late, sources) for period in entry["hours"]),
        )
        for entry in data["houses"]
    )


HOUSES: tuple[House, ...] = load_houses(packaged("data", "houses.json").read_text(encoding="utf-8"))
"""Every house, in the file's order."""
HOUSES_BY_ID: dict[str, House] = {house.id: house for house in HOUSES}
HOUSE_IDS: tuple[str, ...] = tuple(house.id for house in HOUSES)
READ_HOUSE_IDS: tuple[str, ...] = tuple(house.id for house in HOUSES if house.sources)
"""The houses whose debates the crawler reads from any source (the export offers these)."""
TWFY_HOUSE_IDS: tuple[str, ...] = tuple(house.id for house in HOUSES if "twfy" in house.sources)
"""The houses whose debates the crawler reads from TheyWorkForYou."""


def sitting_hours(house: str | None, day: date | str | None) -> SittingHours | None:
    """When ``house`` sits on ``day`` (a date or ``YYYY-MM-DD``); ``None`` when the
    house, the day or its hours are unknown."""
    known = HOUSES_BY_ID.get(house or "")
    if known is None or day is None:
        return None
    if isinstance(day, str):
        try:
            day = date.fromisoformat(day)
        except ValueError:
            return None
    return known.sitting_hours(day)
