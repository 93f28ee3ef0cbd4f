"""TheyWorkForYou page parsing, on the saved pages of sample_pages/.

The seed debate (Commons, Defence questions, 10 February 2025) is read in both
interfaces; its expected texts are the seed document's, verbatim. The Tuesday
debate carries the edge cases: a division, speaker-less lines, an intervention
and time stamps that change part-way through.
"""

from __future__ import annotations

import pytest
from parsel import Selector

from crawler.gid import Gid
from crawler.normalise.parties import Party, PartyTable
from crawler.pages import twfy
from tests.pages.twfy_helpers import CY, FETCHED, HOST_OF, PARTIES, WWW, parsed_debate
from tests.support.pages import saved_response

SEED_GID = "2025-02-10a.1.1"
EDGE_GID = "2025-02-11a.190.0"

SEED_SPEECHES = [
    ("2025-02-10a.1.2", "Wendy Chamberlain", "25814"),
    ("2025-02-10a.1.3", "John Healey", "10271"),
    ("2025-02-10a.1.4", "Wendy Chamberlain", "25814"),
    ("2025-02-10a.2.0", "John Healey", "10271"),
    ("2025-02-10a.2.1", "Chris McDonald", "26526"),
    ("2025-02-10a.2.2", "John Healey", "10271"),
]

SEED_TEXTS = [
    (
        "Whether he has had discussions with officials in the US Administration on its"
        " commitment to NATO."
    ),
    (
        "I held the first call with the new US Secretary of Defence, Pete Hegseth, last"
        " month. We discussed the importance of all NATO allies doing more, including on"
        " defence spending. I look forward to meeting Secretary Hegseth this week at the"
        " meeting of NATO Defence Ministers."
    ),
    (
        "Members of this House have raised concerns about the impact on Ukraine of both the"
        " new US Administration and continuing Russian aggression. Can the Secretary of State"
        " assure me that he will use the upcoming Munich security conference to determine with"
        " allies the best way of ensuring Ukraine’s victory?"
    ),
    (
        "I can indeed. I welcome the fact, as I think will the hon. Lady, that the new US"
        " Defence Secretary is spending his third full week in office in Europe. He has made"
        " it clear that he wants to discuss how to strengthen alliances, how to expand our"
        " defence industries on both sides of the Atlantic, and how to boost allied defence"
        " spending, including on Ukraine. That is something we all agree on."
    ),
    (
        "I welcome the Secretary of State’s answer, but in the face of wider Russian"
        " aggression, could he expand on what conversations he has already had with NATO"
        " counterparts about how NATO can respond appropriately to the threat from Russia?"
    ),
    (
        "I can indeed. Everyone in NATO, including every one of the European allies within"
        " NATO, is ready and is stepping up on Euro-Atlantic security. This Wednesday I will"
        " have the privilege of chairing the Ukraine defence contact group, a 50 nation-strong"
        " group in which we co-ordinate the support that Ukraine needs, because we must stay"
        " with Ukraine for as long as it takes."
    ),
]

GLOSSARY_DEFINITION = (
    "Secretary of State was originally the title given to the two officials who conducted"
)

# Furniture of the debate page that must never reach a speech, in both interfaces.
FURNITURE = [
    GLOSSARY_DEFINITION,
    "Royal Correspondence",
    "In context",
    "Individually",
    "Yn ei gyd-destun",
    "Yn unigol",
    "Link to this speech",
    "Dolen i'r araith hon",
    "Hansard source",
    "Ffynhonnell Hansard",
    "Citation",
    "HC Deb",
    "Alert me about debates like this",
    "Danfonwch hysbysiad",
    "Votes in this debate",
    "Pleidleisiau yn y ddadl hon",
    "Show full division",
    "More about this term",
]

INTERFACES = ["en", "cy"]


@pytest.fixture(scope="module")
def seed() -> dict:
    return {interface: parsed_debate(interface, SEED_GID) for interface in INTERFACES}


@pytest.fixture(scope="module")
def edge() -> dict:
    return {interface: parsed_debate(interface, EDGE_GID) for interface in INTERFACES}


def speech(item, gid: str):
    matches = [s for s in item.speeches if s.id == gid]
    assert len(matches) == 1, f"{gid} found {len(matches)} times"
    return matches[0]


# --- page kinds ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "kind"),
    [
        (f"{WWW}/debates/?id={SEED_GID}", "debate"),
        (f"{CY}/debates/?id={SEED_GID}", "debate"),
        (f"{CY}/debates/?id={EDGE_GID}", "debate"),
        (f"{WWW}/debates/?d=2025-02-10", "day"),
        (f"{CY}/debates/?d=2025-02-11", "day"),
        (f"{WWW}/mp/10271/john_healey/rawmarsh_and_conisbrough", "member"),
        (f"{WWW}/mp/?p=90006", None),
        (f"{WWW}/mp/?p=10271", None),
    ],
)
def test_page_kind_is_read_from_the_page(url, kind):
    assert twfy.page_kind(saved_response(url)) == kind


# --- the seed debate, both interfaces -------------------------------------------------


@pytest.mark.parametrize("interface", INTERFACES)
def test_seed_debate_id_is_the_section_gid(seed, interface):
    assert seed[interface].id == SEED_GID


@pytest.mark.parametrize("interface", INTERFACES)
def test_seed_debate_is_in_the_commons(seed, interface):
    assert seed[interface].house == "commons"


def test_interface_follows_the_host(seed):
    assert (seed["en"].interface, seed["cy"].interface) == ("en", "cy")


@pytest.mark.parametrize("interface", INTERFACES)
def test_seed_title_and_enclosing_heading(seed, interface):
    assert (seed[interface].title, seed[interface].parent_title) == (
        "US Administration: NATO",
        "Defence",
    )


@pytest.mark.parametrize(
    ("interface", "date_raw"), [("en", "10 February 2025"), ("cy", "10 Chwefror 2025")]
)
def test_seed_date_raw_is_the_lead_line_date_as_printed(seed, interface, date_raw):
    assert seed[interface].date_raw == {interface: date_raw}


@pytest.mark.parametrize("interface", INTERFACES)
def test_seed_sitting_date_is_left_to_the_date_pipeline(seed, interface):
    assert seed[interface].date is None
    assert Gid.parse(seed[interface].id).date == "2025-02-10"
    assert seed[interface].flags == []


@pytest.mark.parametrize("interface", INTERFACES)
def test_seed_has_six_speeches_by_the_right_speakers(seed, interface):
    got = [(s.id, s.speaker_name, s.person_id) for s in seed[interface].speeches]
    assert got == SEED_SPEECHES


def test_seed_speech_ids_are_the_same_in_both_interfaces(seed):
    assert [s.id for s in seed["en"].speeches] == [s.id for s in seed["cy"].speeches]


@pytest.mark.parametrize("interface", INTERFACES)
def test_seed_texts_are_verbatim(seed, interface):
    assert [s.text for s in seed[interface].speeches] == SEED_TEXTS


@pytest.mark.parametrize("interface", INTERFACES)
def test_no_speech_contains_page_furniture(seed, edge, interface):
    for item in (seed[interface], edge[interface]):
        for s in item.speeches:
            for words in FURNITURE:
                assert words not in s.text, f"{s.id} contains {words!r}"


@pytest.mark.parametrize("interface", INTERFACES)
def test_office_lines_are_positions_not_parties(seed, interface):
    chamberlain = speech(seed[interface], "2025-02-10a.1.2")
    healey = speech(seed[interface], "2025-02-10a.1.3")
    assert chamberlain.position == "Liberal Democrat Chief Whip"
    assert healey.position == "The Secretary of State for Defence"
    assert chamberlain.party_raw == {} and healey.party_raw == {}
    assert chamberlain.party_source is None and chamberlain.constituency is None


@pytest.mark.parametrize(("interface", "label"), [("en", "Labour"), ("cy", "Llafur")])
def test_party_line_gives_party_as_printed_and_constituency(seed, interface, label):
    mcdonald = speech(seed[interface], "2025-02-10a.2.1")
    assert mcdonald.party_raw == {interface: label}
    assert mcdonald.constituency == "Stockton North"
    assert mcdonald.party_source == "speaker_line"
    assert mcdonald.position is None


@pytest.mark.parametrize("interface", INTERFACES)
def test_seed_columns_come_from_the_gids(seed, interface):
    assert [s.column for s in seed[interface].speeches] == ["1", "1", "1", "2", "2", "2"]


@pytest.mark.parametrize("interface", INTERFACES)
def test_seed_speeches_have_no_time_stamp(seed, interface):
    assert {(s.time_raw, s.time) for s in seed[interface].speeches} == {(None, None)}


@pytest.mark.parametrize("interface", INTERFACES)
def test_speech_url_is_the_speech_in_context_on_the_same_host(seed, interface):
    assert speech(seed[interface], "2025-02-10a.2.0").url == (
        f"{HOST_OF[interface]}/debates/?id={SEED_GID}#g2.0"
    )


@pytest.mark.parametrize("interface", INTERFACES)
def test_all_seed_speeches_are_plain_speeches(seed, interface):
    assert {s.kind for s in seed[interface].speeches} == {"speech"}


# --- the edge-case debate --------------------------------------------------------------


@pytest.mark.parametrize("interface", INTERFACES)
def test_votes_in_this_debate_box_is_not_a_speech(edge, interface):
    assert len(edge[interface].speeches) == 12


@pytest.mark.parametrize("interface", INTERFACES)
def test_top_level_section_has_no_enclosing_heading(edge, interface):
    item = edge[interface]
    assert item.title == "Defence Procurement: Small and Medium-sized Enterprises"
    assert item.parent_title is None
    assert (item.date, Gid.parse(item.id).date) == (None, "2025-02-11")


@pytest.mark.parametrize(
    ("interface", "heading"), [("en", "Division number 98"), ("cy", "Rhif adran 98")]
)
def test_division_is_its_own_speech_without_a_speaker(edge, interface, heading):
    division = speech(edge[interface], "2025-02-11a.193.2")
    assert division.kind == "division"
    assert (division.speaker_name, division.person_id) == (None, None)
    assert division.text.split("\n\n")[:2] == [
        heading,
        "Defence Procurement: Small and Medium-sized Enterprises",
    ]


@pytest.mark.parametrize(
    ("interface", "tallies"),
    [
        ("en", ["Aye: 186 MPs", "No: 312 MPs"]),
        ("cy", ["Ie: 186 Aelodau Seneddol", "Na: 312 Aelodau Seneddol"]),
    ],
)
def test_division_text_carries_ayes_and_noes(edge, interface, tallies):
    assert speech(edge[interface], "2025-02-11a.193.2").text.split("\n\n")[2:] == tallies


@pytest.mark.parametrize("interface", INTERFACES)
def test_speakerless_lines_are_procedural_speeches(edge, interface):
    procedural = [s for s in edge[interface].speeches if s.kind == "procedural"]
    assert [(s.id, s.text) for s in procedural] == [
        ("2025-02-11a.191.1", "Several hon. Members rose—"),
        ("2025-02-11a.193.0", "Question put."),
        ("2025-02-11a.193.1", "The House divided: Ayes 186, Noes 312."),
        ("2025-02-11a.194.0", "Question accordingly negatived."),
    ]
    assert {(s.speaker_name, s.person_id, s.position) for s in procedural} == {(None, None, None)}


@pytest.mark.parametrize("interface", INTERFACES)
def test_intervention_is_marked(edge, interface):
    kinds = {s.id: s.kind for s in edge[interface].speeches}
    assert kinds["2025-02-11a.190.2"] == "intervention"
    assert kinds["2025-02-11a.190.3"] == "speech"


@pytest.mark.parametrize(
    ("interface", "stamps"),
    [
        (
            "en",
            {
                "2025-02-11a.190.1": "12:31, 11 February 2025",
                "2025-02-11a.191.2": "12:58, 11 February 2025",
                "2025-02-11a.192.1": "1:14, 11 February 2025",
            },
        ),
        (
            "cy",
            {
                "2025-02-11a.190.1": "12:31, 11 Chwefror 2025",
                "2025-02-11a.191.2": "12:58, 11 Chwefror 2025",
                "2025-02-11a.192.1": "1:14, 11 Chwefror 2025",
            },
        ),
    ],
)
def test_time_stamps_appear_only_where_the_time_changes(edge, interface, stamps):
    got = {s.id: s.time_raw for s in edge[interface].speeches if s.time_raw}
    assert got == stamps


@pytest.mark.parametrize("interface", INTERFACES)
def test_speech_time_is_left_to_the_date_pipeline(edge, interface):
    assert {s.time for s in edge[interface].speeches} == {None}


@pytest.mark.parametrize(
    ("interface", "date_raw"),
    [("en", "12:31 pm on 11 February 2025"), ("cy", "12:31 pm ar 11 Chwefror 2025")],
)
def test_lead_line_time_is_kept_with_the_date(edge, interface, date_raw):
    assert edge[interface].date_raw == {interface: date_raw}


@pytest.mark.parametrize(
    ("gid", "en", "cy"),
    [
        ("2025-02-11a.190.1", "Conservative", "Ceidwadwyr"),
        ("2025-02-11a.190.2", "Scottish National Party", "Scottish National Party"),
        ("2025-02-11a.191.0", "Labour/Co-operative", "Labour/Co-operative"),
        ("2025-02-11a.192.0", "Liberal Democrat", "Democratiaid Rhyddfrydol"),
    ],
)
def test_welsh_site_translates_only_five_party_labels(edge, gid, en, cy):
    assert speech(edge["en"], gid).party_raw == {"en": en}
    assert speech(edge["cy"], gid).party_raw == {"cy": cy}


def test_paragraphs_are_joined_by_a_blank_line(edge):
    assert speech(edge["en"], "2025-02-11a.191.0").text == (
        "The motion asks for a timetable, but the Government have already set a target for"
        " direct spending with small firms, and I would rather see that target met than a new"
        " document written.\n\nFirms in my constituency tell me that what they need is faster"
        " payment and simpler tendering, not another report."
    )


def test_edge_speech_ids_are_the_same_in_both_interfaces(edge):
    assert [s.id for s in edge["en"].speeches] == [s.id for s in edge["cy"].speeches]


# --- day indexes ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "date_raw"),
    [
        (f"{WWW}/debates/?d=2025-02-10", "Monday, 10 February 2025"),
        (f"{CY}/debates/?d=2025-02-10", "Llun, 10 Chwefror 2025"),
        (f"{WWW}/debates/?d=2025-02-11", "Tuesday, 11 February 2025"),
        (f"{CY}/debates/?d=2025-02-11", "Mawrth, 11 Chwefror 2025"),
    ],
)
def test_day_index_date_is_read_as_printed(url, date_raw):
    assert twfy.parse_day_index(saved_response(url), url=url)[0] == date_raw


@pytest.mark.parametrize("interface", INTERFACES)
def test_day_index_finds_subsections_nested_under_an_unlinked_heading(interface):
    url = f"{HOST_OF[interface]}/debates/?d=2025-02-10"
    assert twfy.parse_day_index(saved_response(url), url=url)[1] == [
        f"{HOST_OF[interface]}/debates/?id={SEED_GID}"
    ]


@pytest.mark.parametrize("interface", INTERFACES)
def test_day_index_finds_top_level_sections(interface):
    url = f"{HOST_OF[interface]}/debates/?d=2025-02-11"
    assert twfy.parse_day_index(saved_response(url), url=url)[1] == [
        f"{HOST_OF[interface]}/debates/?id={EDGE_GID}"
    ]


def test_day_index_takes_links_at_any_depth():
    title = 'class="business-list__title"'
    page = Selector(
        text=f"""<ul class="business-list">
        <li><a href="/debates/?id=2025-02-10a.30.0" {title}><h3>Statement</h3></a></li>
        <li><div {title}><h3>Defence</h3></div>
            <p class="business-list__excerpt">The Secretary of State was asked&#8212;</p>
            <ul><li><a href="/debates/?id=2025-02-10a.1.1" {title}><h3>NATO</h3></a></li>
                <li><a href="/debates/?id=2025-02-10a.3.0" {title}><h3>Ukraine</h3></a></li></ul>
        </li></ul>"""
    )
    _, links = twfy.parse_day_index(page, url=f"{WWW}/debates/?d=2025-02-10")
    assert links == [
        f"{WWW}/debates/?id=2025-02-10a.30.0",
        f"{WWW}/debates/?id=2025-02-10a.1.1",
        f"{WWW}/debates/?id=2025-02-10a.3.0",
    ]


# --- tables and small functions -------------------------------------------------------------


# Speaker lines as the two interfaces print them: (line, (position, party, constituency)).
PARTY_LINES = [
    ("Labour, Bolton West", (None, "Labour", "Bolton West")),
    ("Llafur, Stockton North", (None, "Llafur", "Stockton North")),
    ("Conservative, Wessington", (None, "Conservative", "Wessington")),
    ("Ceidwadwyr, Wessington", (None, "Ceidwadwyr", "Wessington")),
    (
        "Democratiaid Rhyddfrydol, North East Fife",
        (None, "Democratiaid Rhyddfrydol", "North East Fife"),
    ),
    ("Annibynnol, Islwyn", (None, "Annibynnol", "Islwyn")),
    ("Plaid Cymru, Dwyfor Meirionnydd", (None, "Plaid Cymru", "Dwyfor Meirionnydd")),
    ("Labour/Co-operative, Ashby Vale", (None, "Labour/Co-operative", "Ashby Vale")),
    ("Scottish National Party, Glen Arrin", (None, "Scottish National Party", "Glen Arrin")),
    ("Sinn Féin, Belfast West", (None, "Sinn Féin", "Belfast West")),
    ("Independent Conservative, Harrowfield", (None, "Independent Conservative", "Harrowfield")),
    ("Workers Party of Britain, Rochdale", (None, "Workers Party of Britain", "Rochdale")),
    (
        "Traditional Unionist Voice, North Antrim",
        (None, "Traditional Unionist Voice", "North Antrim"),
    ),
    ("Your Party, Islington North", (None, "Your Party", "Islington North")),
    ("Crossbench", (None, "Crossbench", None)),
    ("Bishop", (None, "Bishop", None)),
    ("Non-affiliated", (None, "Non-affiliated", None)),
    # TheyWorkForYou prints the Speaker's and a Deputy Speaker's party without a seat.
    ("Speaker", (None, "Speaker", None)),
    ("Deputy Speaker", (None, "Deputy Speaker", None)),
]
OFFICE_LINES = [
    "The Secretary of State for Defence",
    "Shadow Secretary of State for Defence",
    "Minister of State (Ministry of Defence)",
    "The Minister for Defence Procurement and Industry",
    "Shadow Minister (Defence)",
    "Chair, Defence Committee",
    "Chair, Liaison Committee (Commons)",
    "Parliamentary Under-Secretary of State, Ministry of Defence",
    "Shadow SNP Spokesperson (Levelling Up)",
    "Liberal Democrat Chief Whip",
    "Labour Party Chair",
    "Father of the House",
    "Lord Speaker",
    "Chairman of Ways and Means",
    "Leader of the House of Lords and Lord Privy Seal",
    # A party the table does not know is read as an office; the member page confirms it.
    "Yorkshire Party, Stockton North",
]


@pytest.mark.parametrize(("line", "expected"), [*PARTY_LINES, ("", (None, None, None))])
def test_party_line_gives_the_party_as_printed_and_the_seat(line, expected):
    got = twfy.split_position_line(line, PARTIES)
    assert (got.position, got.party, got.constituency) == expected


@pytest.mark.parametrize("line", OFFICE_LINES)
def test_office_line_is_a_position(line):
    got = twfy.split_position_line(line, PARTIES)
    assert (got.position, got.party, got.constituency) == (line, None, None)


def test_a_party_added_to_the_table_reads_as_a_party_line():
    line = "Yorkshire Party, Stockton North"
    extended = PartyTable(
        [
            *((party, []) for party in PARTIES.parties.values()),
            (Party("yorkshire", "Yorkshire Party", "Plaid Swydd Efrog"), []),
        ]
    )
    assert twfy.split_position_line(line, PARTIES).party is None
    got = twfy.split_position_line(line, extended)
    assert (got.position, got.party, got.constituency) == (
        None,
        "Yorkshire Party",
        "Stockton North",
    )
    welsh = twfy.split_position_line("Plaid Swydd Efrog, Stockton North", extended)
    assert welsh.party == "Plaid Swydd Efrog"


@pytest.mark.parametrize(
    ("url", "house"),
    [
        (f"{WWW}/debates/?id={SEED_GID}", "commons"),
        (f"{CY}/whall/?id=2025-02-11a.55.0", "westminster-hall"),
        (f"{WWW}/lords/?id=2025-02-11a.1010.0", "lords"),
        (f"{WWW}/wrans/?id=2025-02-11.123.h", None),
    ],
)
def test_house_comes_from_the_path(url, house):
    assert twfy.house_for(url) == house


def test_section_id_loses_its_parlparse_prefix():
    url = f"{WWW}/debates/?id=uk.org.publicwhip/debate/{SECTION}"
    page = lead_page(
        "Business &ndash; in the House of Commons at on", "2024-04-30", "30 April 2024"
    )
    item = twfy.parse_debate(page, url=url, fetched_at=FETCHED, parties=PARTIES)
    assert (item.id, [s.id for s in item.speeches]) == (SECTION, ["2024-04-30a.86.4"])


def lead_page(words: str, day: str, printed: str) -> Selector:
    """A minimal section page: the debate header and one speech (2024-04-30a.86.4)."""
    return Selector(
        text=f"""<div class="debate-header"><h1>Heading</h1>
        <p class="lead">{words} <a href="/debates/?d={day}">{printed}</a>.</p></div>
        <div class="debate-speech" id="g86.4">
        <div class="debate-speech__content"><p>Text.</p></div></div>"""
    )


SECTION = "2024-04-30a.86.3"


def test_welsh_lead_line_with_a_time():
    page = lead_page(
        "Business &ndash; in the House of Commons am 1:47 pm ar", "2024-04-30", "30 Ebrill 2024"
    )
    item = twfy.parse_debate(
        page, url=f"{CY}/debates/?id={SECTION}", fetched_at=FETCHED, parties=PARTIES
    )
    assert (item.parent_title, item.date_raw, item.date, item.flags) == (
        "Business",
        {"cy": "1:47 pm ar 30 Ebrill 2024"},
        None,
        [],
    )


def test_part_of_a_debate_gives_the_enclosing_heading():
    page = lead_page(
        "Part of Business &ndash; in the House of Commons at 1:47 pm on",
        "2024-04-30",
        "30 April 2024",
    )
    item = twfy.parse_debate(
        page, url=f"{WWW}/debates/?id={SECTION}", fetched_at=FETCHED, parties=PARTIES
    )
    assert item.parent_title == "Business"


def test_speech_gid_is_built_from_the_section_gid_and_the_anchor():
    page = lead_page(
        "Business &ndash; in the House of Commons at on", "2024-04-30", "30 April 2024"
    )
    item = twfy.parse_debate(
        page, url=f"{WWW}/debates/?id={SECTION}", fetched_at=FETCHED, parties=PARTIES
    )
    assert [s.id for s in item.speeches] == ["2024-04-30a.86.4"]


def test_lead_date_that_disagrees_with_the_gid_is_kept_raw_for_the_date_pipeline():
    # The date pipeline compares the two and flags date:lead_mismatch
    # (tests/test_pipelines_normalise.py); the parser only reports what is printed.
    page = lead_page(
        "Business &ndash; in the House of Commons at on", "2024-04-29", "29 April 2024"
    )
    item = twfy.parse_debate(
        page, url=f"{WWW}/debates/?id={SECTION}", fetched_at=FETCHED, parties=PARTIES
    )
    assert (item.date, item.date_raw, item.flags) == (None, {"en": "29 April 2024"}, [])


def test_heading_with_its_own_dash_is_kept_whole():
    page = lead_page(
        "Ukraine &ndash; Update &ndash; in the House of Commons at on",
        "2024-04-30",
        "30 April 2024",
    )
    item = twfy.parse_debate(
        page, url=f"{WWW}/debates/?id={SECTION}", fetched_at=FETCHED, parties=PARTIES
    )
    assert item.parent_title == "Ukraine – Update"
