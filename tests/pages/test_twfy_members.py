"""TheyWorkForYou member profiles and the party of speakers whose line prints an office.

Member pages are the saved profiles of sample_pages/; the policy runs on the
saved debates of the seed (10 February 2025) and of the Tuesday edge case
(11 February 2025), in which speakers whose line prints an office have their
party read from those profiles as held on the sitting date.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest
from parsel import Selector

from crawler.pages import twfy, twfy_members
from crawler.pages.twfy_members import MemberRecord, Membership, PartyOutcome
from tests.pages.twfy_helpers import FETCHED, HOST_OF, PARTIES, WWW, parsed_debate
from tests.support.pages import saved_response

SEED_GID = "2025-02-10a.1.1"
EDGE_GID = "2025-02-11a.190.0"


@pytest.fixture(scope="module")
def members() -> dict:
    pages = {
        "10271": "/mp/10271/john_healey/rawmarsh_and_conisbrough",
        "25814": "/mp/25814/wendy_chamberlain/north_east_fife",
        "26526": "/mp/26526/chris_mcdonald/stockton_north",
        "90004": "/mp/90004/graham_pettifer/harrowfield",
    }
    return {
        pid: twfy_members.parse_member(saved_response(WWW + path), url=WWW + path)
        for pid, path in pages.items()
    }


def test_member_id_name_and_constituency(members):
    healey = members["10271"]
    assert (healey.person_id, healey.name, healey.constituency) == (
        "10271",
        "John Healey",
        "Rawmarsh and Conisbrough",
    )


def test_member_with_one_party_has_one_open_membership(members):
    assert [(m.party, m.start_raw, m.end_raw) for m in members["25814"].memberships] == [
        ("Liberal Democrat", "12 December 2019", None)
    ]


def test_party_history_becomes_dated_memberships(members):
    assert [(m.party, m.start_raw, m.end_raw) for m in members["90004"].memberships] == [
        ("Conservative", "12 December 2019", "8 Sep 2025"),
        ("Reform UK", "8 Sep 2025", None),
    ]


@pytest.mark.parametrize(
    ("day", "party"),
    [
        ("2025-02-11", "Conservative"),
        ("2025-09-07", "Conservative"),
        ("2025-09-08", "Reform UK"),
        ("2025-11-21", "Reform UK"),
        ("2019-12-11", None),
    ],
)
def test_party_on_reads_the_party_held_on_the_day(members, day, party):
    assert twfy_members.party_on(members["90004"].memberships, day) == party


def test_party_on_accepts_a_date(members):
    assert twfy_members.party_on(members["10271"].memberships, date(2025, 2, 10)) == "Labour"


def test_earlier_constituencies_are_listed(members):
    assert members["10271"].other_constituencies == ["Wentworth", "Wentworth and Dearne"]


def test_member_link_redirects_to_the_canonical_profile():
    response = saved_response(f"{WWW}/mp/?p=25814")
    assert response.status == 301
    assert response.headers[b"Location"] == (
        f"{WWW}/mp/25814/wendy_chamberlain/north_east_fife".encode()
    )


# --- which speeches need a member page, and what it settles ------------------------------------


def speech(item, gid: str):
    (found,) = [s for s in item.speeches if s.id == gid]
    return found


def office_speech_page(section: str, anchor: str, person_id: str, line: str) -> Selector:
    """A section page with one speech whose speaker line is ``line``."""
    return Selector(
        text=f"""<div class="debate-header"><h1>Defence</h1></div>
        <div class="debate-speech" id="g{anchor}"><div class="debate-speech__speaker-and-content">
        <h2 class="debate-speech__speaker"><a href="/mp/?p={person_id}">
        <strong class="debate-speech__speaker__name">Graham Pettifer</strong>
        <small class="debate-speech__speaker__position">{line}</small></a></h2>
        <div class="debate-speech__content"><p>Text.</p></div></div></div>"""
    )


def one_speech_debate(section: str, line: str, *, interface: str = "en"):
    url = f"{HOST_OF[interface]}/debates/?id={section}"
    page = office_speech_page(section, section.split(".", 1)[1], "90004", line)
    return twfy.parse_debate(page, url=url, fetched_at=FETCHED, parties=PARTIES)


@pytest.mark.parametrize("interface", ["en", "cy"])
def test_speakers_with_an_office_line_need_their_member_page_once(interface):
    assert twfy_members.member_pages_needed(parsed_debate(interface, SEED_GID)) == [
        "25814",
        "10271",
    ]


@pytest.mark.parametrize("interface", ["en", "cy"])
def test_member_pages_give_the_seed_office_holders_their_party(members, interface):
    item = parsed_debate(interface, SEED_GID)
    outcomes = twfy_members.fill_parties_from_member_pages(item, members)
    assert outcomes == [PartyOutcome.MEMBER_PAGE] * 5
    chamberlain = speech(item, "2025-02-10a.1.2")
    healey = speech(item, "2025-02-10a.1.3")
    # Member pages are read from the English host: the label is English on both interfaces.
    assert chamberlain.party_raw == {"en": "Liberal Democrat"}
    assert healey.party_raw == {"en": "Labour"}
    assert {chamberlain.party_source, healey.party_source} == {"member_page"}
    assert chamberlain.position == "Liberal Democrat Chief Whip"
    assert [s.flags for s in item.speeches] == [[]] * 6


def test_the_page_seat_is_taken_only_from_a_member_who_never_sat_for_another(members):
    item = parsed_debate("en", SEED_GID)
    twfy_members.fill_parties_from_member_pages(item, members)
    assert speech(item, "2025-02-10a.1.2").constituency == "North East Fife"
    # Healey sat for Wentworth before: his page's current seat may not be that day's.
    assert speech(item, "2025-02-10a.1.3").constituency is None


def test_a_party_line_needs_no_member_page(members):
    item = parsed_debate("cy", SEED_GID)
    twfy_members.fill_parties_from_member_pages(item, members)
    mcdonald = speech(item, "2025-02-10a.2.1")
    assert (mcdonald.party_raw, mcdonald.party_source) == ({"cy": "Llafur"}, "speaker_line")


def test_a_member_without_a_page_is_flagged_and_the_others_filled(members):
    item = parsed_debate("en", EDGE_GID)
    assert twfy_members.member_pages_needed(item) == ["90004", "90006"]
    outcomes = twfy_members.fill_parties_from_member_pages(item, {**members, "90006": None})
    assert outcomes == [PartyOutcome.MEMBER_PAGE, PartyOutcome.MEMBER_PAGE_MISSING]
    pettifer, minister = speech(item, "2025-02-11a.191.2"), speech(item, "2025-02-11a.192.1")
    assert (pettifer.party_raw, pettifer.flags) == ({"en": "Conservative"}, [])
    assert (minister.party_raw, minister.flags) == ({}, ["party:member_page_missing"])


@pytest.mark.parametrize(
    ("section", "party"),
    [("2025-02-11a.5.0", "Conservative"), ("2025-09-08a.5.0", "Reform UK")],
)
def test_the_party_is_the_one_held_on_the_gids_sitting_date(members, section, party):
    item = one_speech_debate(section, "Shadow Minister (Defence)")
    assert twfy_members.fill_parties_from_member_pages(item, members) == [PartyOutcome.MEMBER_PAGE]
    assert item.speeches[0].party_raw == {"en": party}


def test_a_sitting_date_the_member_page_has_no_party_for_is_flagged(members):
    item = one_speech_debate("2019-12-11a.5.0", "Shadow Minister (Defence)")
    assert twfy_members.fill_parties_from_member_pages(item, members) == [
        PartyOutcome.NOT_ON_MEMBER_PAGE
    ]
    assert item.speeches[0].party_raw == {}
    assert item.speeches[0].flags == ["party:not_on_member_page"]


def test_without_a_gid_no_page_is_needed_and_the_speeches_are_flagged(members):
    item = replace(parsed_debate("en", SEED_GID), id="")
    assert twfy_members.member_pages_needed(item) == []
    outcomes = twfy_members.fill_parties_from_member_pages(item, {})
    assert outcomes == [PartyOutcome.NO_SITTING_DATE] * 5
    assert {tuple(s.flags) for s in item.speeches if s.position} == {("party:no_sitting_date",)}


@pytest.mark.parametrize("interface", ["en", "cy"])
def test_a_party_too_new_for_the_table_is_confirmed_by_the_member_page(interface):
    item = one_speech_debate("2025-02-11a.5.0", "Yorkshire Party, Harrowfield", interface=interface)
    assert item.speeches[0].position == "Yorkshire Party, Harrowfield"
    record = MemberRecord(
        person_id="90004",
        name="Graham Pettifer",
        constituency="Harrowfield",
        memberships=[Membership("Yorkshire Party", "12 December 2019")],
    )
    outcomes = twfy_members.fill_parties_from_member_pages(item, {"90004": record})
    assert outcomes == [PartyOutcome.SPEAKER_LINE_CONFIRMED]
    got = item.speeches[0]
    assert (got.party_raw, got.party_source, got.position, got.constituency) == (
        {interface: "Yorkshire Party"},
        "speaker_line",
        None,
        "Harrowfield",
    )


def test_an_office_line_shaped_like_a_party_line_stays_an_office(members):
    item = one_speech_debate("2025-02-11a.5.0", "Chair, Defence Committee")
    twfy_members.fill_parties_from_member_pages(item, members)
    got = item.speeches[0]
    assert (got.position, got.party_raw, got.party_source) == (
        "Chair, Defence Committee",
        {"en": "Conservative"},
        "member_page",
    )


@pytest.mark.parametrize(
    ("outcome", "flag"),
    [
        (PartyOutcome.MEMBER_PAGE, None),
        (PartyOutcome.SPEAKER_LINE_CONFIRMED, None),
        (PartyOutcome.NO_SITTING_DATE, "party:no_sitting_date"),
        (PartyOutcome.MEMBER_PAGE_MISSING, "party:member_page_missing"),
        (PartyOutcome.NOT_ON_MEMBER_PAGE, "party:not_on_member_page"),
    ],
)
def test_only_an_outcome_that_leaves_the_party_unknown_flags_the_speech(outcome, flag):
    assert outcome.flag == flag
