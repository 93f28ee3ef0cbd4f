"""Dates and times from English and Welsh pages, as ISO 8601 strings.

What goes in is a date exactly as a page printed it; what comes out is a
:class:`DateResult`: the ISO 8601 value (or ``None``), how precise it is, and
why it failed when it did. Nothing is guessed: a string that cannot be read
gives ``value=None`` and an error code, never a made-up date.

How a string is read, cheapest first:

1. ISO 8601 (``2025-02-11T10:31:02+00:00``, ``2025-02-11``, ``2025-02``) is
   read with :meth:`datetime.fromisoformat`, keeping its offset.
2. Relative dates in either language ("2 days ago", "ddoe",
   "3 diwrnod yn ôl", "ymhen 4 awr") are matched against the tables in
   ``crawler/data/date_words.json`` and resolved against a reference
   datetime (for the corpus: the record's ``fetched_at``).
3. The formats pages print most (TheyWorkForYou's lead lines in both
   languages, "12:31 pm on 11 February 2025", "10 Chwefror 2025";
   wpDiscuz's tooltip "11 February 2025 10:41 am"; the outlets' "February
   11, 2025") are read by :class:`KnownFormats` from the rewritten string
   (step 4's rewriting, so Welsh reads as English), without dateparser; a
   test holds them to dateparser's reading of the same strings.
4. Everything else goes to one shared, reused
   ``dateparser.date.DateDataParser(languages=["en", "cy"])`` (day-month-year
   order, absolute parsers only), after the string has been rewritten where
   dateparser gets Welsh wrong: labels in front ("Cyhoeddwyd:",
   "Published:") are dropped; ordinals lose their suffix ("1af", "3ydd",
   "21ain", "3rd"); weekday names are dropped, including TheyWorkForYou's
   forms without "Dydd" ("Mercher,  5 Chwefror 2025") and mutated ones
   ("ddydd Mawrth"); "Mawrth"/"Maw" is Tuesday before a day number and March
   after one or before a year; Welsh month names in every form the table
   lists (glibc "Aws", "Med", "Rha"; mutations "o Fawrth", "ym mis
   Mehefin", "yng Ngorffennaf") become English month names; "yb"/"yh" become
   am/pm; the Welsh "am" (at) and "ar" (on) in front of a time or date are
   dropped ("am 2:33 pm ar 10 Chwefror 2025", and the empty-time "am ar 10
   Chwefror 2025").

Guards against dateparser's own guesses: a string without a year is refused
(dateparser would fill in the current one), and a day dateparser returns
must be printed in the string (it fills in days otherwise).

Precision (``DateResult.precision``) is one of ``second``, ``minute``,
``hour``, ``day``, ``week``, ``month``, ``year``. The value is written to match:
``2025-02-11T10:31:02+00:00`` (second), ``2025-02-11T10:31+00:00`` (minute),
``2025-02-11T10:00+00:00`` (hour), ``2025-02-11`` (day, and week, which is
that day give or take half a week), ``2025-02`` (month), ``2025`` (year).
"Gorffennaf 2024" is ``2024-07`` with precision ``month``, not a day in July.

Time zones: a datetime keeps the offset the page gives; without one it is read
as Europe/London wall-clock time, so a summer time gets ``+01:00``.

Clocks: a time with am/pm (or Welsh yb/yh) is read on the 12-hour clock. A
time without one inside a full datetime ("11 February 2025 10:31", "14:33")
is read on the 24-hour clock, as dateparser and ISO 8601 read it, except an
unpadded one-digit hour (" 2:33,  3 November 2025"): 24-hour prints pad the
hour ("02:33"), so that is a 12-hour print with the am/pm left off, and it is
refused as ``ambiguous-12h`` rather than read as 02:33. (A two-digit hour
from such a print, "10:31", cannot be told apart and is read as 24-hour: use
:meth:`DateNormaliser.parse_time` for TheyWorkForYou's time stamps.)

Relative dates are to the nearest unit, as sites print them (WordPress rounds
"2 days ago"), and their precision is that unit: "2 days ago" is a day, "3
hours ago" an hour, "9 months ago" a month.

Speech time stamps (:meth:`DateNormaliser.parse_time`): TheyWorkForYou prints
times on a 12-hour clock, sometimes without am/pm (" 2:33,  3 November 2025").
A time with am/pm, or a 24-hour time (``14:33``, ``09:30``, ``0:15``), is read
as printed. A bare 12-hour reading (``2:33``) is ambiguous: given the previous
time of the same sitting (``after``), it is the first of its two readings at
or after that time, since printed times in a sitting only move forward and
never jump 12 hours; without ``after`` the result is ``None`` with error
``ambiguous-12h``. The result is ``HH:MM``.

Error codes: ``empty``, ``too-long``, ``no-year``, ``unrecognised``,
``invalid`` (a date or time that does not exist), ``unbacked`` (dateparser
returned a day the string does not print), ``needs-reference`` (a relative
date with no reference), ``ambiguous-12h``, ``imprecise`` (from
:meth:`DateResult.coarsened`: no allowed precision is coarse enough).

Speed: results of the expensive step are cached per raw string (an LRU
independent of the reference, so one cache serves every record); ISO 8601 and
relative dates never reach dateparser; the one DateDataParser, and so its
language data, is built once per process.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Collection
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from functools import cache, lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from crawler import settings
from crawler.packaged import packaged

if TYPE_CHECKING:
    from importlib.resources.abc import Traversable

    from dateparser.date import DateDataParser

DATE_WORDS_PATH = packaged("data", "date_words.json")
# The project's settings are the one home of these defaults.
DEFAULT_TIMEZONE: str = settings.NORMALISE_DATES_TIMEZONE
DEFAULT_CACHE_SIZE: int = settings.NORMALISE_DATES_CACHE_SIZE
MAX_LENGTH = 200
"""Longer strings are not dates but text picked up by mistake; refuse them cheaply."""

PRECISIONS = ("second", "minute", "hour", "day", "week", "month", "year")

# Error codes (see the module docstring).
EMPTY = "empty"
TOO_LONG = "too-long"
NO_YEAR = "no-year"
UNRECOGNISED = "unrecognised"
INVALID = "invalid"
UNBACKED = "unbacked"
NEEDS_REFERENCE = "needs-reference"
AMBIGUOUS_12H = "ambiguous-12h"
IMPRECISE = "imprecise"

DATEPARSER_LANGUAGES = ["en", "cy"]
DATEPARSER_SETTINGS: dict[str, Any] = {
    "DATE_ORDER": "DMY",
    # DMY everywhere: "12/06/2025" is 12 June whatever locale dateparser picks.
    "PREFER_LOCALE_DATE_ORDER": False,
    # Month-only and year-only strings: fill in the first, then cut back to the
    # period dateparser reports, so no invented day survives.
    "PREFER_DAY_OF_MONTH": "first",
    "PREFER_MONTH_OF_YEAR": "first",
    "RETURN_TIME_AS_PERIOD": True,
    # Relative dates are resolved here against the record's reference; bare
    # numbers must not become Unix timestamps.
    "PARSERS": ["custom-formats", "absolute-time"],
}


@dataclass(frozen=True)
class DateResult:
    """One normalised date, time or datetime."""

    value: str | None
    """ISO 8601 text (see the module docstring for its shape), or ``None``."""
    precision: str | None = None
    """One of :data:`PRECISIONS`; ``None`` when ``value`` is ``None``."""
    error: str | None = None
    """Why ``value`` is ``None`` (an error code), else ``None``."""
    relative: bool = False
    """True when the value was resolved from a relative date ("2 days ago")."""

    @property
    def ok(self) -> bool:
        return self.value is not None

    def coarsened(self, allowed: Collection[str]) -> DateResult:
        """This result at the finest precision in ``allowed`` that claims no more than it knows.

        For record formats with a smaller vocabulary: ``hour`` becomes ``day``
        ("3 hours ago" → ``2025-02-12``), ``week`` becomes ``month``.
        """
        if self.value is None or self.precision in allowed:
            return self
        coarser = PRECISIONS[PRECISIONS.index(self.precision) + 1 :]
        target = next((p for p in coarser if p in allowed and p in _TRUNCATE), None)
        if target is None:
            return DateResult(None, error=IMPRECISE, relative=self.relative)
        return DateResult(_TRUNCATE[target](self.value), target, relative=self.relative)


# How a value is cut down to a coarser precision (see DateResult.coarsened).
_TRUNCATE = {
    "minute": lambda v: v[:16] + v[19:] if len(v) > 19 and v[16] == ":" else v,
    "day": lambda v: v[:10],
    "month": lambda v: v[:7],
    "year": lambda v: v[:4],
}


def fold(text: str) -> str:
    """Lower-case, strip accents and collapse whitespace (``"Yn  Ôl"`` → ``"yn ol"``)."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(stripped.split())


def _alternation(words: Any) -> str:
    """A regex alternation of folded words, longest first so prefixes do not win."""
    folded = {fold(w) for w in words}
    return "|".join(re.escape(w) for w in sorted(folded, key=lambda w: (-len(w), w)))


@dataclass(frozen=True)
class _Absolute:
    moment: datetime
    """Aware for hour/minute/second precision; naive midnight (or first of month/year) otherwise."""
    precision: str


@dataclass(frozen=True)
class _Relative:
    amount: int
    """Signed: negative is in the past."""
    unit: str


@dataclass(frozen=True)
class _Failure:
    error: str


_Reading = _Absolute | _Relative | _Failure


class KnownFormats:
    """Dates in the few shapes pages print most, read without dateparser.

    Reads a string already folded and rewritten by :meth:`DateWords.rewrite`
    (labels, Welsh weekdays and "ar"/"am" gone, Welsh months in English):
    ``D Month YYYY``, ``Month D, YYYY``, each optionally after an English
    weekday, and ``D Month YYYY`` with a time after it ("10:41 am") or
    before it ("12:31 pm on"). Month names (full, or their first three
    letters) and weekdays come from ``date_words.json``. A time is read only
    when it says its clock: with am/pm, or a zero-padded 24-hour hour; any
    other string, or a date or time that does not exist, is left to dateparser
    (``None``), which also decides what to refuse.
    """

    def __init__(self, months: list[str], weekdays: list[str]) -> None:
        self.months: dict[str, int] = {}
        for number, name in enumerate(months, start=1):
            self.months[name.lower()] = number
            self.months.setdefault(name[:3].lower(), number)
        month = "|".join(sorted(map(re.escape, self.months), key=lambda w: (-len(w), w)))
        weekday = "|".join(re.escape(name.lower()) for name in weekdays)
        day_first = rf"(?P<d>\d{{1,2}}) (?P<month>{month}) (?P<y>\d{{4}})"
        month_first = rf"(?P<month>{month}) (?P<d>\d{{1,2}}),? (?P<y>\d{{4}})"
        clock = r"(?P<h>\d{1,2}):(?P<mi>\d{2})(?::(?P<s>\d{2}))?(?: ?(?P<mer>am|pm))?"
        lead = rf"^(?:(?:{weekday}),? )?"
        self.forms = [
            re.compile(rf"{lead}{day_first}$", re.IGNORECASE),
            re.compile(rf"{lead}{month_first}$", re.IGNORECASE),
            re.compile(rf"{lead}{day_first},? (?:at )?{clock}$", re.IGNORECASE),
            re.compile(rf"^{clock},? (?:on )?{day_first}$", re.IGNORECASE),
        ]

    def read(self, text: str, zone: ZoneInfo) -> _Absolute | None:
        """The date (and time) ``text`` states, or ``None`` to leave it to dateparser."""
        for form in self.forms:
            m = form.fullmatch(text)
            if m:
                break
        else:
            return None
        parts = m.groupdict()
        try:
            day = datetime(int(parts["y"]), self.months[parts["month"].lower()], int(parts["d"]))
        except ValueError:
            return None
        if parts.get("h") is None:
            return _Absolute(day, "day")
        hour, minute = int(parts["h"]), int(parts["mi"])
        second = int(parts["s"]) if parts["s"] is not None else 0
        if parts["mer"]:
            if not 1 <= hour <= 12:
                return None
            hour = hour % 12 + (12 if parts["mer"].lower() == "pm" else 0)
        elif len(parts["h"]) != 2 or hour > 23:
            return None  # an unpadded hour may be a 12-hour print: dateparser's guards decide
        if minute > 59 or second > 59:
            return None
        moment = day.replace(hour=hour, minute=minute, second=second, tzinfo=zone)
        return _Absolute(moment, "second" if parts["s"] is not None else "minute")


class DateWords:
    """The per-language word tables of ``date_words.json``, compiled to regexes."""

    def __init__(self, tables: dict[str, Any]) -> None:
        languages = {k: v for k, v in tables.items() if not k.startswith("_")}
        cy = languages["cy"]

        self.month_numbers: dict[str, int] = {fold(k): int(v) for k, v in cy["months"].items()}
        if not all(1 <= n <= 12 for n in self.month_numbers.values()):
            raise ValueError("date_words.json: month numbers must be 1-12")
        # The names Welsh months are rewritten to, January first.
        self.english_months: list[str] = list(languages["en"]["months"])
        if len(self.english_months) != 12:
            raise ValueError("date_words.json: en.months must name twelve months")
        weekdays = cy["weekdays"]

        labels = [label for table in languages.values() for label in table.get("labels", [])]
        self.label = re.compile(rf"^(?:{_alternation(labels)})(?![a-z])\s*:?\s*")

        self.relative: list[tuple[re.Pattern[str], int, dict[str, int], dict[str, str]]] = []
        self.relative_phrases: dict[str, tuple[int, str]] = {}
        for table in languages.values():
            numbers = {fold(k): int(v) for k, v in table.get("numbers", {}).items()}
            units = {fold(k): v for k, v in table.get("units", {}).items()}
            if not set(units.values()) <= set(PRECISIONS):
                raise ValueError("date_words.json: unknown unit")
            n_group = rf"(?P<n>\d+|{_alternation(numbers)})" if numbers else r"(?P<n>\d+)"
            unit_group = rf"(?P<unit>{_alternation(units)})"
            for key, sign in (("relative_past", -1), ("relative_future", 1)):
                for template in table.get(key, []):
                    pattern = re.escape(fold(template))
                    pattern = pattern.replace(r"\{n\}", n_group).replace(r"\{unit\}", unit_group)
                    self.relative.append((re.compile(pattern), sign, numbers, units))
            for phrase, (amount, unit) in table.get("relative_phrases", {}).items():
                self.relative_phrases[fold(phrase)] = (int(amount), unit)

        day_words = _alternation(cy["day_words"])
        weekday_forms = _alternation(weekdays)
        # "Dydd Mercher", "ddydd Mawrth": always a weekday.
        self.day_word_weekday = re.compile(rf"\b(?:{day_words}) (?:{weekday_forms})\b\.?,?")
        # A bare weekday ("Mercher,  5 Chwefror", "Mawrth, 11 Mawrth") comes
        # before a day number and never right after one: that is what tells
        # Tuesday ("Mawrth, 11") from March ("11 Mawrth", "Mawrth 2025").
        self.bare_weekday = re.compile(
            rf"(?<!\d)(?<!\d )\b(?:{weekday_forms})\b\.?,? ?(?=\d{{1,2}}(?!\d))"
        )
        suffixes = [s for table in languages.values() for s in table.get("ordinal_suffixes", [])]
        self.ordinal = re.compile(rf"(?<![\d:.])(\d{{1,2}})(?:{_alternation(suffixes)})\b")
        lead = _alternation(cy["month_lead_words"])
        self.month = re.compile(rf"\b(?:(?:{lead}) )*({_alternation(self.month_numbers)})\b\.?")
        meridiem = {fold(k): v for k, v in cy["meridiem"].items()}
        self.meridiem_map = meridiem
        self.meridiem = re.compile(rf"(?<![a-z.])(?:{_alternation(meridiem)})(?![a-z])")
        on_words = _alternation(cy["on_words"])
        # Welsh "am" is "at" before a time ("am 2:33 pm") or before "ar" when
        # the time is empty ("am ar 10 Chwefror"); after a time it is the AM
        # marker ("am 9:30 am ar …") and stays.
        self.at_word = re.compile(
            rf"(?<!\d)(?<!\d )\b(?:{_alternation(cy['at_words'])})\b ?(?=\d|(?:{on_words})\b)"
        )
        self.on_word = re.compile(rf"\b(?:{on_words})\b ?(?=\d)")

        en_meridiem = {fold(k): v for k, v in languages["en"]["meridiem"].items()}
        self.time_meridiem = {**en_meridiem, **meridiem}
        self.known_formats = KnownFormats(self.english_months, languages["en"]["weekdays"])

    @classmethod
    def from_file(cls, path: Traversable | Path = DATE_WORDS_PATH) -> DateWords:
        return cls(json.loads(path.read_text(encoding="utf-8")))

    def strip_label(self, text: str) -> str:
        return self.label.sub("", text, count=1)

    def match_relative(self, text: str) -> _Relative | None:
        """The relative date a whole (folded, label-free) string states, else ``None``."""
        text = text.rstrip(" .")
        phrase = self.relative_phrases.get(text)
        if phrase is not None:
            return _Relative(*phrase)
        for pattern, sign, numbers, units in self.relative:
            m = pattern.fullmatch(text)
            if m:
                n = m.group("n")
                amount = int(n) if n.isdigit() else numbers[n]
                return _Relative(sign * amount, units[m.group("unit")])
        return None

    def rewrite(self, text: str) -> str:
        """Rewrite a folded, label-free string into forms dateparser reads right."""
        text = self.day_word_weekday.sub(" ", text)
        text = self.ordinal.sub(r"\1", text)
        text = self.bare_weekday.sub("", text)
        text = self.month.sub(
            lambda m: f" {self.english_months[self.month_numbers[m.group(1)] - 1]} ", text
        )
        text = self.at_word.sub("", text)
        text = self.on_word.sub("", text)
        text = self.meridiem.sub(lambda m: self.meridiem_map[m.group(0)], text)
        return " ".join(text.split()).strip(" ,.;:-\u2013\u2014")


@cache
def english_calendar_words() -> frozenset[str]:
    """English month and weekday names, lower case, from ``date_words.json``."""
    english = json.loads(DATE_WORDS_PATH.read_text(encoding="utf-8"))["en"]
    return frozenset(name.lower() for name in (*english["months"], *english["weekdays"]))


@cache
def load_date_words(path: Traversable | Path = DATE_WORDS_PATH) -> DateWords:
    """The word tables, read and compiled once per process."""
    return DateWords.from_file(path)


@cache
def shared_date_parser() -> DateDataParser:
    """The one DateDataParser of the process (its language data loads on first use)."""
    from dateparser.date import DateDataParser

    return DateDataParser(
        languages=DATEPARSER_LANGUAGES, use_given_order=True, settings=DATEPARSER_SETTINGS
    )


_ISO = re.compile(
    r"(\d{4})(?:-(\d{2})(?:-(\d{2})"
    r"(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,]\d+)?)?(Z|[+-]\d{2}(?::?\d{2})?)?)?)?)?",
    re.IGNORECASE,
)
_YEAR = re.compile(r"(?<![\d+:])(\d{4})(?!\d)")
_NUMERIC_DATE = re.compile(r"(?<!\d)\d{1,2}[/.-]\d{1,2}[/.-](\d{2}|\d{4})(?!\d)")
_HAS_SECONDS = re.compile(r"\d:\d{2}:\d{2}")
# An unpadded one-digit hour with no am/pm after it: a 12-hour print with the
# marker left off (" 2:33,  3 November 2025"); 24-hour prints pad ("02:33").
_BARE_12_HOUR = re.compile(
    r"(?<![\d:.])[1-9]:\d{2}(?::\d{2})?(?![\d:])(?! ?(?:am|pm|a\.m\.|p\.m\.)(?![a-z]))"
)
_HAS_MINUTES = re.compile(r"\d:\d{2}|\d\.\d{2} ?[ap]\.?m")


class DateNormaliser:
    """Normalises raw date strings; one instance per configuration, reused.

    ``timezone`` is the zone of wall-clock times printed without one;
    ``cache_size`` bounds the per-string cache (0 turns caching off);
    ``known_formats=False`` sends every string :class:`KnownFormats` reads to
    dateparser instead (to check the two agree).
    """

    def __init__(
        self,
        *,
        timezone: str = DEFAULT_TIMEZONE,
        cache_size: int = DEFAULT_CACHE_SIZE,
        words: DateWords | None = None,
        known_formats: bool = True,
    ) -> None:
        self.zone = ZoneInfo(timezone)
        self.words = words or load_date_words()
        # Off only to hold the known formats to dateparser's reading (tests).
        self.known_formats = known_formats
        self._read = lru_cache(maxsize=cache_size)(self._read_uncached)
        meridiem = _alternation(self.words.time_meridiem)
        self._time = re.compile(
            r"(?<![\d:.])(\d{1,2})(?::(\d{2})(?::\d{2})?|\.(\d{2})(?= ?(?:"
            + meridiem
            + r")(?![a-z])))"
            r"(?![\d:])(?: ?(" + meridiem + r")(?![a-z]))?"
        )
        self._hour_only = re.compile(r"(?<![\d:.])(\d{1,2}) ?(" + meridiem + r")(?![a-z])")

    def cache_info(self) -> Any:
        """Hits and misses of the per-string cache (``functools`` ``CacheInfo``)."""
        return self._read.cache_info()

    # -- public API -----------------------------------------------------------

    def parse_datetime(self, raw: str | None, *, reference: datetime | None = None) -> DateResult:
        """A datetime with offset, or a date/month/year when that is all the string says."""
        reading = self._read(raw or "")
        if isinstance(reading, _Failure):
            return DateResult(None, error=reading.error)
        relative = isinstance(reading, _Relative)
        if isinstance(reading, _Relative):
            if reference is None:
                return DateResult(None, error=NEEDS_REFERENCE)
            try:
                reading = self._resolve(reading, reference)
            except (ValueError, OverflowError):
                # "999999 years ago": outside the calendar datetime can hold.
                return DateResult(None, error=INVALID, relative=True)
        return DateResult(_format(reading), reading.precision, relative=relative)

    def parse_date(self, raw: str | None, *, reference: datetime | None = None) -> DateResult:
        """A date ``YYYY-MM-DD`` (or ``YYYY-MM`` / ``YYYY``) on the page's own calendar."""
        result = self.parse_datetime(raw, reference=reference)
        if result.value is None or result.precision not in ("second", "minute", "hour"):
            return result
        return DateResult(result.value[:10], "day", relative=result.relative)

    def parse_time(self, raw: str | None, *, after: str | None = None) -> DateResult:
        """A time of day ``HH:MM`` from a time stamp ("2:33 pm", " 2:33,  3 November 2025").

        ``after`` is the previous time (``HH:MM``) of the same sitting; it
        settles 12-hour times printed without am/pm (see the module docstring).
        """
        if raw is None or not raw.strip():
            return DateResult(None, error=EMPTY)
        if len(raw) > MAX_LENGTH:
            return DateResult(None, error=TOO_LONG)
        text = fold(raw)
        m = self._time.search(text)
        if m:
            hour_text, minute_text, marker = m.group(1), m.group(2) or m.group(3), m.group(4)
            precision = "minute"
        else:
            m = self._hour_only.search(text)
            if not m:
                return DateResult(None, error=UNRECOGNISED)
            hour_text, minute_text, marker = m.group(1), "00", m.group(2)
            precision = "hour"
        hour, minute = int(hour_text), int(minute_text)
        if minute > 59:
            return DateResult(None, error=INVALID)
        if marker:
            if not 1 <= hour <= 12:
                return DateResult(None, error=INVALID)
            hour = hour % 12 + (12 if self.words.time_meridiem[marker] == "pm" else 0)
        elif hour == 0 or hour >= 13 or hour_text.startswith("0"):
            # A 24-hour clock: zero-padded, midnight hour, or past noon.
            if hour > 23:
                return DateResult(None, error=INVALID)
        elif after is None:
            return DateResult(None, error=AMBIGUOUS_12H)
        else:
            hour = _first_reading_at_or_after(hour, minute, after)
        return DateResult(f"{hour:02d}:{minute:02d}", precision)

    # -- internals ------------------------------------------------------------

    def _read_uncached(self, raw: str) -> _Reading:
        text = raw.strip()
        if not text:
            return _Failure(EMPTY)
        if len(text) > MAX_LENGTH:
            return _Failure(TOO_LONG)
        m = _ISO.fullmatch(text)
        if m:
            return self._read_iso(text, m)
        folded = self.words.strip_label(fold(text))
        relative = self.words.match_relative(folded)
        if relative is not None:
            return relative
        rewritten = self.words.rewrite(folded)
        if self.known_formats:
            known = self.words.known_formats.read(rewritten, self.zone)
            if known is not None:
                return known
        return self._read_with_dateparser(rewritten)

    def _read_iso(self, text: str, m: re.Match[str]) -> _Reading:
        year, month, day, hour, _minute, second, _zone = m.groups()
        try:
            if hour is not None:
                moment = datetime.fromisoformat(text.upper())
                if moment.tzinfo is None:
                    moment = moment.replace(tzinfo=self.zone)
                return _Absolute(moment, "second" if second is not None else "minute")
            if day is not None:
                return _Absolute(datetime(int(year), int(month), int(day)), "day")
            if month is not None:
                return _Absolute(datetime(int(year), int(month), 1), "month")
            return _Absolute(datetime(int(year), 1, 1), "year")
        except ValueError:
            return _Failure(INVALID)

    def _read_with_dateparser(self, text: str) -> _Reading:
        year_match = _YEAR.search(text) or _NUMERIC_DATE.search(text)
        if not year_match:
            # dateparser would fill in the current year: a guess.
            return _Failure(NO_YEAR)
        if _BARE_12_HOUR.search(text):
            return _Failure(AMBIGUOUS_12H)
        try:
            data = shared_date_parser().get_date_data(text)
        except Exception:  # a third-party parser's failure must not stop a crawl
            return _Failure(UNRECOGNISED)
        moment = data.date_obj
        if moment is None:
            return _Failure(UNRECOGNISED)
        year_text = year_match.group(1)
        if int(year_text) != (moment.year if len(year_text) == 4 else moment.year % 100):
            return _Failure(UNBACKED)
        period = data.period
        if period in ("day", "time") and not re.search(
            rf"(?<![\d:]){moment.day}(?![\d:])|(?<![\d:])0{moment.day}(?![\d:])", text
        ):
            return _Failure(UNBACKED)
        if period == "time":
            if _HAS_SECONDS.search(text):
                precision = "second"
            elif _HAS_MINUTES.search(text):
                precision = "minute"
            else:
                precision = "hour"
            if moment.tzinfo is None:
                moment = moment.replace(tzinfo=self.zone)
            return _Absolute(moment, precision)
        if period in ("day", "month", "year"):
            return _Absolute(moment.replace(tzinfo=None), period)
        return _Failure(UNRECOGNISED)

    def _resolve(self, relative: _Relative, reference: datetime) -> _Absolute:
        if reference.tzinfo is None:
            # fetched_at is UTC; a naive reference is taken to be UTC too.
            reference = reference.replace(tzinfo=UTC)
        unit, amount = relative.unit, relative.amount
        if unit in ("second", "minute", "hour"):
            moment = (reference + timedelta(**{f"{unit}s": amount})).astimezone(self.zone)
            return _Absolute(moment, unit)
        local = reference.astimezone(self.zone).date()
        if unit in ("day", "week"):
            day = local + timedelta(days=amount * (7 if unit == "week" else 1))
            return _Absolute(datetime(day.year, day.month, day.day), unit)
        if unit == "month":
            months = local.year * 12 + local.month - 1 + amount
            return _Absolute(datetime(months // 12, months % 12 + 1, 1), "month")
        return _Absolute(datetime(local.year + amount, 1, 1), "year")


def _format(reading: _Absolute) -> str:
    moment, precision = reading.moment, reading.precision
    if precision == "second":
        return moment.isoformat(timespec="seconds")
    if precision == "minute":
        return moment.isoformat(timespec="minutes")
    if precision == "hour":
        return moment.replace(minute=0).isoformat(timespec="minutes")
    if precision in ("day", "week"):
        return date(moment.year, moment.month, moment.day).isoformat()
    if precision == "month":
        return f"{moment.year:04d}-{moment.month:02d}"
    return f"{moment.year:04d}"


def _first_reading_at_or_after(hour: int, minute: int, after: str) -> int:
    """The hour of ``hour:minute`` (12-hour clock) that comes first at or after ``after``."""
    after_hour, after_minute = (int(part) for part in after.split(":"))
    start = after_hour * 60 + after_minute
    morning = (hour % 12) * 60 + minute
    best = min((morning, morning + 720), key=lambda t: (t - start) % 1440)
    return best // 60


@cache
def default_normaliser() -> DateNormaliser:
    """The process-wide normaliser with default settings, built on first use."""
    return DateNormaliser()


def parse_datetime(raw: str | None, *, reference: datetime | None = None) -> DateResult:
    """:meth:`DateNormaliser.parse_datetime` on the default normaliser."""
    return default_normaliser().parse_datetime(raw, reference=reference)


def parse_date(raw: str | None, *, reference: datetime | None = None) -> DateResult:
    """:meth:`DateNormaliser.parse_date` on the default normaliser."""
    return default_normaliser().parse_date(raw, reference=reference)


def parse_time(raw: str | None, *, after: str | None = None) -> DateResult:
    """:meth:`DateNormaliser.parse_time` on the default normaliser."""
    return default_normaliser().parse_time(raw, after=after)
