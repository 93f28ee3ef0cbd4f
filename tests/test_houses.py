"""One list of houses: every other place that names a house names one of crawler/houses.py's."""

from __future__ import annotations

import json
from datetime import date, time
from itertools import pairwise

import pytest

from crawler.export.options import HOUSES as EXPORT_HOUSES
from crawler.gid import HOUSES_BY_PREFIX
from crawler.houses import (
    HOUSE_IDS,
    HOUSES,
    HOUSES_BY_ID,
    READ_HOUSE_IDS,
    TWFY_HOUSE_IDS,
    WEEKDAYS,
    load_houses,
    sitting_hours,
)
from crawler.packaged import packaged


def _json(*parts: str) -> dict:
    return json.loads(packaged(*parts).read_text(encoding="utf-8"))


def test_record_schema_allows_exactly_the_listed_houses():
    schema = _json("schemas", "debate.schema.json")
    assert schema["properties"]["house"]["enum"] == list(HOUSE_IDS)


def test_twfy_table_names_only_listed_houses_and_every_one_read_from_twfy():
    twfy = _json("data", "twfy.json")
    assert sorted(twfy["houses_by_path"].values()) == sorted(TWFY_HOUSE_IDS)
    member_paths = {k: v for k, v in twfy["member_path_by_house"].items() if k != "_about"}
    assert set(member_paths) == set(TWFY_HOUSE_IDS)


def test_gid_prefixes_name_only_listed_houses():
    assert set(HOUSES_BY_PREFIX.values()) <= set(HOUSE_IDS)


def test_export_offers_every_house_some_source_reads():
    assert EXPORT_HOUSES == READ_HOUSE_IDS == ("commons", "westminster-hall", "lords", "senedd")
    assert TWFY_HOUSE_IDS == ("commons", "westminster-hall", "lords")


def test_each_source_a_house_lists_is_a_source_debate_records_name():
    from crawler.pages import hansard_api, senedd

    sources = {source for house in HOUSES for source in house.sources}
    assert sources == {"twfy", hansard_api.SOURCE, senedd.SOURCE}


def test_every_house_has_an_english_and_a_welsh_name_and_a_parliament():
    for house in HOUSES:
        assert set(house.name) == {"en", "cy"} and all(house.name.values())
        assert house.parliament


def test_hours_periods_do_not_overlap_and_each_day_rises_after_it_opens():
    for house in HOUSES:
        periods = sorted(house.hours, key=lambda p: p.start)
        for before, after in pairwise(periods):
            assert before.end is not None and before.end < after.start, house.id
        for period in periods:
            assert period.end is None or period.start <= period.end
            assert set(period.days) <= set(WEEKDAYS)
            for hours in period.days.values():
                assert hours.opens < hours.rises, (house.id, period.start)


@pytest.mark.parametrize(
    ("house", "day", "opens"),
    [
        ("commons", date(2025, 2, 11), time(11, 30)),  # Tuesday since October 2012
        ("commons", date(2011, 1, 18), time(14, 30)),  # Tuesday, 2005 to 2012
        ("commons", date(2004, 3, 2), time(11, 30)),  # Tuesday, 2003 to 2005
        ("commons", date(2025, 2, 13), time(9, 30)),  # Thursday
        ("commons", date(2025, 2, 10), time(14, 30)),  # Monday
        ("westminster-hall", date(2025, 2, 11), time(9, 30)),
        ("lords", date(2025, 2, 12), time(15, 0)),  # Wednesday
    ],
)
def test_sitting_hours_follow_the_weekday_and_the_period(house, day, opens):
    hours = sitting_hours(house, day)
    assert hours is not None and hours.opens == opens


@pytest.mark.parametrize(
    ("house", "day"),
    [
        ("commons", "2019-10-19"),  # a Saturday sitting: no usual hours
        ("commons", "2001-06-20"),  # before the table starts
        ("westminster-hall", "2014-03-04"),  # a period the table does not cover
        ("westminster-hall", "2025-02-14"),  # no Friday sittings
        ("senedd", "2025-02-11"),
        ("not-a-house", "2025-02-11"),
        ("commons", "2025-02-30"),
        ("commons", None),
    ],
)
def test_unknown_hours_are_none(house, day):
    assert sitting_hours(house, day) is None


def test_houses_by_id_is_the_list():
    assert list(HOUSES_BY_ID) == list(HOUSE_IDS)


def test_an_hours_period_citing_no_source_is_refused():
    text = json.dumps(
        {
            "_about": {"sources": {}},
            "late_sitting_allowance": "01:00",
            "houses": [
                {
                    "id": "commons",
                    "name": {"en": "House of Commons", "cy": "Tŷ'r Cyffredin"},
                    "parliament": "uk-parliament",
                    "sources": ["twfy"],
                    "hours": [{"from": "2020-01-01", "source": "nowhere", "days": {}}],
                }
            ],
        }
    )
    with pytest.raises(ValueError, match="unknown source 'nowhere'"):
        load_houses(text)
