"""Bylines as pages print them, reduced to the people they name."""

from __future__ import annotations

import pytest

from crawler.pages.bylines import is_person_name, split_byline


@pytest.mark.parametrize(
    ("byline", "names"),
    [
        ("George Allison", ["George Allison"]),
        ("By Tom Marsh", ["Tom Marsh"]),
        ("BY LISA HAYNES", ["LISA HAYNES"]),
        ("Written by: Sarah Jones", ["Sarah Jones"]),
        ("Posted by Sarah Jones on 12 February 2025", ["Sarah Jones"]),
        # Mail Online: names, then the paper they write for.
        (
            "By Chris Jewers and Mark Nicol For The Mail on Sunday",
            ["Chris Jewers", "Mark Nicol"],
        ),
        ("By Jack Newman, Political Correspondent For Dailymail.Com", ["Jack Newman"]),
        # CNN: a name, then the organisation.
        ("Ahiza Garcia, CNN", ["Ahiza Garcia"]),
        (
            "Dana A. Ford, James S.A. Corey, Chien-Ming Wang, and Tom Watkins, CNN",
            ["Dana A. Ford", "James S.A. Corey", "Chien-Ming Wang", "Tom Watkins"],
        ),
        # A byline line that runs into its time stamp.
        ("By Deborah Haynes | Updated 10:31, 11 February 2025", ["Deborah Haynes"]),
        ("Larisa Brown, Defence Editor - 2 hours ago", ["Larisa Brown"]),
        ("Jane Doe & John Roe", ["Jane Doe", "John Roe"]),
        ("Jane Doe; John Roe", ["Jane Doe", "John Roe"]),
        ("Jane Doe with additional reporting by John Roe", ["Jane Doe"]),
        ("Andrew Chuter (Reuters)", ["Andrew Chuter"]),
        ("By Sandra Anderson", ["Sandra Anderson"]),  # "and" inside a name stays
        ("Jane Doe, Jane Doe", ["Jane Doe"]),
        # Not people at all.
        ("Reuters", []),
        ("PA", []),
        ("BBC News", []),
        ("Forces News", []),
        ("Staff Writer", []),
        ("Associated Press", []),
        ("https://www.facebook.com/ukdefencejournal", []),
        ("@UKDJofficial", []),
        ("", []),
    ],
)
def test_bylines_give_the_people_they_name(byline, names):
    assert split_byline(byline, ["UK Defence Journal"]) == names


def test_the_site_name_is_never_an_author():
    assert split_byline("UK Defence Journal", ["UK Defence Journal"]) == []
    assert split_byline("By George Allison, UK Defence Journal", ["UK Defence Journal"]) == [
        "George Allison"
    ]


@pytest.mark.parametrize(
    ("value", "person"),
    [
        ("George Allison", True),
        ("Chien-Ming Wang", True),
        ("Seán Ó Briain", True),
        ("CNN", False),
        ("Bloomberg", False),
        ("Defence Correspondent", False),
        ("news@example.org", False),
        ("Team 42", False),
    ],
)
def test_what_can_be_a_person_s_name(value, person):
    assert is_person_name(value) is person
