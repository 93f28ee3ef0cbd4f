"""Throughput of the date normaliser against plain dateparser.

Prints dates normalised per second on a mixed table of the sites' formats
(English and Welsh TheyWorkForYou, WordPress, ISO 8601, RSS, relative), first
uncached (every string distinct, caching off), then cached (the same table
again), and the figure for a plain ``DateDataParser(languages=["en", "cy"])``
on the strings of the table it parses on its own, with the normaliser's
uncached figure on those same strings. The issue asks for the normaliser's
uncached cost per string to stay within 1.5 times the plain parser's.

Run: ``.venv/bin/python bench/bench_dates.py [--rows N] [--repeat R]``
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from crawler.normalise.dates import (
    DATEPARSER_LANGUAGES,
    DateNormaliser,
    shared_date_parser,
)

EN_MONTHS = [
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
]  # fmt: skip
CY_MONTHS = [
    "Ionawr", "Chwefror", "Mawrth", "Ebrill", "Mai", "Mehefin",
    "Gorffennaf", "Awst", "Medi", "Hydref", "Tachwedd", "Rhagfyr",
]  # fmt: skip
# glibc cy_GB %b, as TheyWorkForYou's Welsh pages print it
CY_GLIBC_ABBR = [
    "Ion",
    "Chw",
    "Maw",
    "Ebr",
    "Mai",
    "Meh",
    "Gor",
    "Aws",
    "Med",
    "Hyd",
    "Tach",
    "Rha",
]
# soft mutation after "o" (of)
CY_SOFT = [
    "Ionawr", "Chwefror", "Fawrth", "Ebrill", "Fai", "Fehefin",
    "Orffennaf", "Awst", "Fedi", "Hydref", "Dachwedd", "Ragfyr",
]  # fmt: skip
EN_DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
# glibc cy_GB %A: no "Dydd"
CY_DAYS = ["Llun", "Mawrth", "Mercher", "Iau", "Gwener", "Sadwrn", "Sul"]
CY_ORDINAL = {1: "af", 2: "il", 3: "ydd", 4: "ydd", 5: "ed", 6: "ed"}
CY_ORDINAL |= dict.fromkeys((11, 13, 14, 16, 17, 19), "eg")


def _h12(d: datetime) -> str:
    return f"{d.hour % 12 or 12}:{d.minute:02d} {'am' if d.hour < 12 else 'pm'}"


def _cy_ordinal(day: int) -> str:
    if day >= 21:
        return f"{day}ain"
    return f"{day}{CY_ORDINAL.get(day, 'fed')}"


LONDON = ZoneInfo("Europe/London")
REFERENCE = datetime(2025, 2, 12, 9, 0, tzinfo=UTC)


def _minute(d: datetime) -> str:
    return d.replace(tzinfo=LONDON).isoformat(timespec="minutes")


def _days_before_reference(d: datetime) -> str:
    return (REFERENCE.astimezone(LONDON).date() - timedelta(days=d.day)).isoformat()


# One format per kind of string the crawl meets, each from a real page format:
# (name, format a moment, the value the normaliser must give for it).
Format = tuple[str, Callable[[datetime], str], Callable[[datetime], str]]
FORMATS: list[Format] = [
    (
        "iso datetime (meta, JSON-LD)",
        lambda d: d.strftime("%Y-%m-%dT%H:%M:%S+00:00"),
        lambda d: d.strftime("%Y-%m-%dT%H:%M:%S+00:00"),
    ),
    ("iso date", lambda d: d.strftime("%Y-%m-%d"), lambda d: d.date().isoformat()),
    (
        "WordPress printed date",
        lambda d: f"{EN_MONTHS[d.month - 1]} {d.day}, {d.year}",
        lambda d: d.date().isoformat(),
    ),
    (
        "wpDiscuz absolute date",
        lambda d: f"{EN_MONTHS[d.month - 1]} {d.day}, {d.year} {_h12(d)}",
        _minute,
    ),
    (
        "RSS pubDate",
        lambda d: d.strftime("%a, %d %b %Y %H:%M:%S +0000"),
        lambda d: d.strftime("%Y-%m-%dT%H:%M:%S+00:00"),
    ),
    (
        "TWFY en day index",
        lambda d: f"{EN_DAYS[d.weekday()]}, {d.day:2d} {EN_MONTHS[d.month - 1]} {d.year}",
        lambda d: d.date().isoformat(),
    ),
    (
        "TWFY en lead line",
        lambda d: f"at {_h12(d)} on {d.day} {EN_MONTHS[d.month - 1]} {d.year}",
        _minute,
    ),
    (
        "TWFY cy day index",
        lambda d: f"{CY_DAYS[d.weekday()]}, {d.day:2d} {CY_MONTHS[d.month - 1]} {d.year}",
        lambda d: d.date().isoformat(),
    ),
    (
        "TWFY cy lead line",
        lambda d: f"am {_h12(d)} ar {d.day} {CY_MONTHS[d.month - 1]} {d.year}",
        _minute,
    ),
    (
        "TWFY cy empty time",
        lambda d: f"am ar {d.day} {CY_MONTHS[d.month - 1]} {d.year}",
        lambda d: d.date().isoformat(),
    ),
    (
        "glibc cy abbreviation",
        lambda d: f"{d.day:2d} {CY_GLIBC_ABBR[d.month - 1]} {d.year}",
        lambda d: d.date().isoformat(),
    ),
    (
        "cy ordinal",
        lambda d: f"{_cy_ordinal(d.day)} {CY_MONTHS[d.month - 1]} {d.year}",
        lambda d: d.date().isoformat(),
    ),
    (
        "cy label",
        lambda d: f"Cyhoeddwyd: {d.day} {CY_MONTHS[d.month - 1]} {d.year}",
        lambda d: d.date().isoformat(),
    ),
    (
        "en label",
        lambda d: f"Published: {d.day} {EN_MONTHS[d.month - 1]} {d.year}",
        lambda d: d.date().isoformat(),
    ),
    (
        "cy mutated month",
        lambda d: f"o {CY_SOFT[d.month - 1]} {d.year}",
        lambda d: d.strftime("%Y-%m"),
    ),
    (
        "cy month of year",
        lambda d: f"ym mis {CY_MONTHS[d.month - 1]} {d.year}",
        lambda d: d.strftime("%Y-%m"),
    ),
    ("en relative", lambda d: f"{d.day} days ago", _days_before_reference),
    ("cy relative", lambda d: f"{d.day} diwrnod yn ôl", _days_before_reference),
]


def build_table(rows: int) -> list[tuple[str, str, str]]:
    """``rows`` distinct (format name, string, expected value), the formats taking turns."""
    table: list[tuple[str, str, str]] = []
    seen: set[str] = set()
    moment = datetime(2001, 1, 1, 9, 30)
    i = 0
    while len(table) < rows:
        name, fmt, expect = FORMATS[i % len(FORMATS)]
        d = moment + timedelta(days=i * 3, minutes=i * 7)
        text = fmt(d)
        if text not in seen:
            seen.add(text)
            table.append((name, text, expect(d)))
        i += 1
    return table


def rate(fn: Callable[[str], object], strings: Sequence[str], repeat: int) -> float:
    """Best-of-``repeat`` strings per second."""
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        for s in strings:
            fn(s)
        best = min(best, time.perf_counter() - start)
    return len(strings) / best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=3600)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    from dateparser.date import DateDataParser

    start = time.perf_counter()
    shared_date_parser().get_date_data("10 February 2025")
    load = time.perf_counter() - start
    print(f"language data load + first parse (once per process): {load * 1000:.0f} ms")

    table = build_table(args.rows)
    strings = [s for _, s, _ in table]
    plain = DateDataParser(languages=DATEPARSER_LANGUAGES)
    plain.get_date_data("10 February 2025")  # compile its own patterns before timing

    def normalise(n: DateNormaliser) -> Callable[[str], object]:
        return lambda s: n.parse_datetime(s, reference=REFERENCE)

    # Uncached: every string is distinct and the cache is off, so every call
    # pays the full cost. Best of several passes, as for the baseline.
    uncached = DateNormaliser(cache_size=0)
    uncached_rate = rate(normalise(uncached), strings, args.repeat)
    right = sum(
        uncached.parse_datetime(s, reference=REFERENCE).value == want for _, s, want in table
    )

    cached = DateNormaliser(cache_size=len(table) * 2)
    for s in strings:
        cached.parse_datetime(s, reference=REFERENCE)
    cached_rate = rate(normalise(cached), strings, args.repeat)

    own = [s for s in strings if plain.get_date_data(s).date_obj is not None]
    plain_rate = rate(plain.get_date_data, own, args.repeat)
    ours_on_own = rate(normalise(uncached), own, args.repeat)

    print(f"mixed table: {len(table)} distinct strings in {len(FORMATS)} formats")
    print(f"normaliser values equal to the expected ones: {right}/{len(table)}")
    print(f"normaliser, uncached:                   {uncached_rate:10,.0f} dates/s")
    print(f"normaliser, cached:                     {cached_rate:10,.0f} dates/s")
    print(f"plain DateDataParser(['en','cy']), on the {len(own)} strings it parses on its own:")
    print(f"  plain:                                {plain_rate:10,.0f} dates/s")
    print(f"  normaliser, uncached:                 {ours_on_own:10,.0f} dates/s")
    ratio = plain_rate / ours_on_own
    verdict = "OK" if ratio <= 1.5 else "OVER"
    print(f"normaliser cost per string / plain: {ratio:.2f} (limit 1.50) -> {verdict}")

    print()
    print(f"{'format':32} {'normaliser/s':>13} {'plain/s':>9}  plain parses")
    for name, _, _ in FORMATS:
        rows = [s for n, s, _ in table if n == name]
        mine = rate(normalise(uncached), rows, 1)
        theirs = [s for s in rows if s in set(own)]
        plain_cell = f"{rate(plain.get_date_data, theirs, 1):9,.0f}" if theirs else f"{'-':>9}"
        print(f"{name:32} {mine:13,.0f} {plain_cell}  {len(theirs)}/{len(rows)}")


if __name__ == "__main__":
    main()
