"""The date formats read without dateparser, held to dateparser's reading of the same strings.

Rows are strings as pages print them: TheyWorkForYou's lead lines and day
index dates in both interfaces (``sample_pages/``, the site's templates),
wpDiscuz's comment tooltips (``title`` of ``div.wpd-comment-date``), and the
dates outlets print in markup (the real-page set's non-ISO dates).
"""

from __future__ import annotations

import pytest

from crawler.normalise import dates
from crawler.normalise.dates import AMBIGUOUS_12H, DateNormaliser, load_date_words

KNOWN = [
    # TheyWorkForYou lead lines (date_raw), English and Welsh interfaces.
    "10 February 2025",
    "12:31 pm on 11 February 2025",
    "10 Chwefror 2025",
    "12:31 pm ar 11 Chwefror 2025",
    "9:30 am ar 3 Gorffennaf 2024",
    "1 Medi 2024",
    # TheyWorkForYou day index headers.
    "Monday, 10 February 2025",
    "Llun, 10 Chwefror 2025",
    "Mercher,  5 Chwefror 2025",
    "Mawrth, 11 Mawrth 2025",
    "ddydd Mawrth, 11 Mawrth 2025",
    # wpDiscuz tooltips.
    "11 February 2025 10:41 am",
    "11 February 2025 1:15 pm",
    "12 February 2025 8:30 am",
    "10 February 2025 7:30 pm",
    "12 February 2025 12:05 AM",
    "12 February 2025 12:05 PM",
    # Outlets' printed dates.
    "November 19, 2019",
    "Saturday, December 27, 2014",
    "19 Nov 2019",
    "Sep 3, 2024",
    "Published: 11 February 2025",
    "Cyhoeddwyd: 3ydd Mawrth 2025",
    "11th February 2025",
    "February 11th, 2025",
    "11 February 2025, 10:31",
    "11 February 2025 at 14:05",
    "2 July 2024 18:30:05",
    "25 Rhagfyr 2024 11:59 yh",
    "30 March 2025 01:30",
    "29 February 2024",
]

LEFT_TO_DATEPARSER = [
    "11 February 2025 2:33",  # an unpadded hour without am/pm: maybe a 12-hour print
    "31 February 2025",  # no such day
    "29 February 2025",
    "12 February 2025 24:00",
    "12 February 2025 13:05 pm",
    "19 Nov 2019 07:09 GMT",  # a zone name
    "February 2025",  # a month, not a day
    "Sept 3, 2024",  # an abbreviation other than the first three letters
]


@pytest.fixture(scope="module")
def fast() -> DateNormaliser:
    return DateNormaliser(cache_size=0)


@pytest.fixture(scope="module")
def slow() -> DateNormaliser:
    return DateNormaliser(cache_size=0, known_formats=False)


@pytest.mark.parametrize("raw", KNOWN + LEFT_TO_DATEPARSER)
def test_known_formats_agree_with_dateparser(
    raw: str, fast: DateNormaliser, slow: DateNormaliser
) -> None:
    assert fast.parse_datetime(raw) == slow.parse_datetime(raw)


@pytest.mark.parametrize("raw", KNOWN)
def test_known_formats_never_reach_dateparser(
    raw: str, fast: DateNormaliser, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refuse() -> None:
        raise AssertionError(f"dateparser asked for {raw!r}")

    monkeypatch.setattr(dates, "shared_date_parser", refuse)
    assert fast.parse_datetime(raw).ok


@pytest.mark.parametrize("raw", LEFT_TO_DATEPARSER)
def test_other_strings_are_left_to_dateparser(raw: str) -> None:
    words = load_date_words()
    rewritten = words.rewrite(words.strip_label(dates.fold(raw)))
    assert words.known_formats.read(rewritten, DateNormaliser().zone) is None


def test_wpdiscuz_tooltip_keeps_minutes_and_the_london_offset(fast: DateNormaliser) -> None:
    result = fast.parse_datetime("2 July 2024 6:30 pm")
    assert (result.value, result.precision) == ("2024-07-02T18:30+01:00", "minute")


def test_unpadded_hour_without_am_pm_stays_ambiguous(fast: DateNormaliser) -> None:
    assert fast.parse_datetime("11 February 2025 2:33").error == AMBIGUOUS_12H
