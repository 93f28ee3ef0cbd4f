"""Speech time stamps read in page order against the lead line's time or the sitting hours.

The stamps are printed as TheyWorkForYou prints them (``%l:%M``, then the date);
the sittings are real ones: the times of day are those the sittings ran at.
"""

from __future__ import annotations

import pytest

from crawler.houses import sitting_hours
from crawler.normalise.dates import AMBIGUOUS_12H, default_normaliser
from crawler.normalise.speech_times import (
    BOTH_READINGS,
    NO_READING,
    NO_SITTING_HOURS,
    SETTLED,
    read_speech_times,
)

# house, sitting date, lead line's time, stamps in page order -> times in effect, how the
# first bare stamp fared against the sitting hours (None: not read against them).
TABLE = [
    pytest.param(
        "commons", "2025-02-11", None,
        ["12:31, 11 February 2025", None, "12:58, 11 February 2025", " 1:14, 11 February 2025"],
        ["12:31", "12:31", "12:58", "13:14"], SETTLED,
        id="commons-tuesday-opposition-day",
    ),
    pytest.param(
        "commons", "2025-02-11", None,
        [" 1:14, 11 Chwefror 2025", None, " 1:40, 11 Chwefror 2025"],
        ["13:14", "13:14", "13:40"], SETTLED,
        id="commons-tuesday-welsh-interface",
    ),
    pytest.param(
        "commons", "2025-02-13", None,
        [" 9:34, 13 February 2025", "10:12, 13 February 2025", "12:03, 13 February 2025"],
        ["09:34", "10:12", "12:03"], SETTLED,
        id="commons-thursday-morning",
    ),
    pytest.param(
        "commons", "2025-02-10", None,
        ["10:02, 10 February 2025", "10:31, 10 February 2025", "11:14, 10 February 2025"],
        ["22:02", "22:31", "23:14"], SETTLED,
        id="commons-monday-evening-past-22",
    ),
    pytest.param(
        "commons", "2025-02-10", None,
        ["12:20, 10 February 2025"],
        ["00:20"], SETTLED,
        id="commons-monday-past-midnight",
    ),
    pytest.param(
        "lords", "2023-06-07", None,
        ["10:47,  7 June 2023", "11:58,  7 June 2023", None, "12:14,  7 June 2023",
         " 1:32,  7 June 2023", " 4:20,  7 June 2023"],
        ["22:47", "23:58", "23:58", "00:14", "01:32", "04:20"], SETTLED,
        id="lords-wednesday-all-night",
    ),
    pytest.param(
        "commons", "2024-11-29", None,
        [" 9:34, 29 November 2024", "12:10, 29 November 2024", " 2:47, 29 November 2024"],
        ["09:34", "12:10", "14:47"], SETTLED,
        id="commons-sitting-friday",
    ),
    pytest.param(
        "westminster-hall", "2024-05-07", None,
        [" 2:30,  7 Mai 2024", " 3:58,  7 Mai 2024"],
        ["14:30", "15:58"], SETTLED,
        id="westminster-hall-tuesday-afternoon-welsh",
    ),
    pytest.param(
        "commons", "2011-01-18", None,
        ["12:05, 18 January 2011"],
        ["00:05"], SETTLED,
        id="commons-tuesday-before-2012-sat-from-14-30",
    ),
    pytest.param(
        "lords", "2025-02-13", None,
        ["11:36, 13 February 2025", "11:52, 13 February 2025"],
        [None, None], BOTH_READINGS,
        id="lords-thursday-both-readings-plausible",
    ),
    pytest.param(
        "commons", "2024-11-29", None,
        [" 8:15, 29 November 2024"],
        [None], NO_READING,
        id="commons-friday-no-reading-plausible",
    ),
    pytest.param(
        "senedd", "2025-02-11", None,
        [" 1:14, 11 Chwefror 2025", " 1:40, 11 Chwefror 2025"],
        [None, None], NO_SITTING_HOURS,
        id="house-without-hours-never-guessed",
    ),
    pytest.param(
        "commons", "2019-10-19", None,
        [" 9:34, 19 October 2019"],
        [None], NO_SITTING_HOURS,
        id="commons-saturday-sitting-has-no-hours",
    ),
    pytest.param(
        "commons", "2025-02-11", "12:31",
        ["12:31, 11 February 2025", None, " 1:14, 11 February 2025"],
        ["12:31", "12:31", "13:14"], None,
        id="lead-time-settles-the-first-stamp",
    ),
    pytest.param(
        "commons", "2025-02-11", "22:05",
        ["10:20, 11 February 2025", "12:10, 11 February 2025"],
        ["22:20", "00:10"], None,
        id="lead-time-wins-over-the-sitting-hours",
    ),
    pytest.param(
        "commons", "2025-02-11", None,
        ["2:33 pm, 11 February 2025", " 2:50, 11 February 2025"],
        ["14:33", "14:50"], None,
        id="stamp-with-pm-is-read-as-printed",
    ),
]  # fmt: skip


@pytest.mark.parametrize(("house", "day", "lead", "stamps", "times", "by_hours"), TABLE)
def test_speech_times(house, day, lead, stamps, times, by_hours):
    readings = read_speech_times(
        stamps,
        hours=sitting_hours(house, day),
        lead_time=lead,
        normaliser=default_normaliser(),
    )
    assert [r.time for r in readings] == times
    assert readings[0].by_hours == by_hours
    for stamp, reading in zip(stamps, readings, strict=True):
        assert (reading.result is None) == (stamp is None)
        if reading.result is not None and reading.time is None:
            assert reading.result.error == AMBIGUOUS_12H


def test_every_unsettled_bare_stamp_is_read_against_the_hours_in_its_turn():
    readings = read_speech_times(
        ["11:36, 13 February 2025", " 3:10, 13 February 2025", " 3:25, 13 February 2025"],
        hours=sitting_hours("lords", "2025-02-13"),
        lead_time=None,
        normaliser=default_normaliser(),
    )
    assert [r.time for r in readings] == [None, "15:10", "15:25"]
    assert [r.by_hours for r in readings] == [BOTH_READINGS, SETTLED, None]
