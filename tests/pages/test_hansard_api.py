"""Official Hansard API answers as raw values, on the saved answers of sample_pages/.

The seed question (Commons, Defence questions, 10 February 2025) is the exchange the
TheyWorkForYou sample pages hold: its texts, columns and "Hansard source" links are
checked against TheyWorkForYou's page of it. The Westminster Hall debate and the
written statement carry the other traps (see sample_pages/HANSARD_API_PAGES.md).
"""

from __future__ import annotations

import json
from datetime import date

import pytest

from crawler.gid import hansard_id, is_hansard_id
from crawler.items import DebateItem
from crawler.pages import hansard_api
from crawler.pages.hansard_api import ResponseError
from tests.pages.twfy_helpers import parsed_debate
from tests.support.pages import saved_response

API = "https://hansard-api.parliament.uk"
DEFENCE = "4D2B9E7C-1A3F-4C68-8E50-6B7A9C1D3E45"
SEED = "3C1B8F7A-6D2E-4F5B-9E0A-7D4C2B1A9E63"
WESTMINSTER_HALL = "5E9D1B3F-7C2A-4F04-A6E8-9B1D3F5A7C29"
WRITTEN = "C2E4A6B8-0D1F-4A3C-9E57-7F9B1D3C5E80"
FETCHED = "2025-12-01T09:00:00+00:00"


def saved_json(url: str, expect: type = dict):
    return hansard_api.load(saved_response(url).body, expect=expect)


def debates_of(ext_id: str) -> list[DebateItem]:
    url = f"{API}/debates/debate/{ext_id}.json"
    return hansard_api.parse_debate(saved_json(url), url=url, fetched_at=FETCHED)


def test_a_department_answer_yields_its_child_question_with_the_heading_as_parent():
    (debate,) = debates_of(DEFENCE)  # the heading itself holds no speech
    assert debate.id == hansard_id(SEED) == f"hansard-{SEED}"
    assert (debate.title, debate.parent_title) == ("US Administration: NATO", "Defence")
    assert debate.house == "commons"
    assert debate.date_raw == {"en": "2025-02-10T00:00:00"}
    assert debate.publication_stage == "RollingHansard"  # Source given as the integer 1
    assert debate.sources == ["hansard"]
    assert debate.source_ids == {"hansard": [SEED]}


def test_seed_speeches_have_twfy_texts_columns_and_hansard_links():
    (debate,) = debates_of(DEFENCE)
    twfy = parsed_debate("en", "2025-02-10a.1.1")
    assert [s.text for s in debate.speeches] == [s.text for s in twfy.speeches]
    assert [s.column for s in debate.speeches] == [s.column for s in twfy.speeches]
    assert [s.column for s in debate.speeches] == ["1", "1", "1", "2", "2", "2"]
    # TheyWorkForYou's "Hansard source" links name the same contributions.
    assert [s.url for s in debate.speeches] == [s.source_urls["hansard"] for s in debate.speeches]
    twfy_links = saved_response(twfy.url).css("a[href*='hansard.parliament.uk']::attr(href)")
    assert [s.url for s in debate.speeches] == twfy_links.getall()


def test_seed_speeches_keep_member_ids_attribution_time_codes_and_item_ids():
    (debate,) = debates_of(DEFENCE)
    first, healey = debate.speeches[:2]
    assert first.member_ids == {"mnis": "4777"}
    assert first.attributed_to == "Wendy Chamberlain (North East Fife) (LD)"
    assert first.hrs_tag == "hs_8Question"
    assert healey.attributed_to == "The Secretary of State for Defence (John Healey)"
    assert healey.member_ids == {"mnis": "400"}
    assert healey.time_raw == "2025-02-10T14:37:02"
    assert healey.hansard_item_id == "93011203"
    assert healey.source_ids == {"hansard": "7E2D4A6B-3C1F-4B8E-9A0D-2C5E7F1B4A82"}
    assert healey.language == "en" and healey.texts == {}
    assert all(is_hansard_id(s.id) for s in debate.speeches)
    # Parties are not in the debate: they come from the Members API.
    assert all(s.party_raw == {} and s.person_id is None for s in debate.speeches)


def test_question_markup_gives_the_question_text_without_number_or_uin():
    text = hansard_api.value_text(
        '<Question HRSContentId="X">3. <QuestionText>What steps he is taking on '
        "NATO?</QuestionText></Question> <span class='uin'>(<abbr title=\"Unique "
        'Identification Number">902693</abbr>)</span>'
    )
    assert text.text == "What steps he is taking on NATO?"


def test_html_is_unescaped_exactly_once():
    assert hansard_api.value_text("damp &amp; mould").text == "damp & mould"
    assert hansard_api.value_text("writes &amp;amp; in HTML").text == "writes &amp; in HTML"
    assert hansard_api.value_text("Ukraine&#8217;s victory").text == "Ukraine\u2019s victory"
    assert hansard_api.value_text("a &lt;b&gt; tag").text == "a <b> tag"


def test_column_markers_leave_the_text_and_set_the_column_where_the_text_starts():
    marker = '<span id="{0}" class="column-number" data-column-number="{0}"></span>'
    starts = hansard_api.value_text(marker.format("12") + "Words on 12.")
    assert (starts.text, starts.column_at_start, starts.last_column) == ("Words on 12.", "12", "12")
    inside = hansard_api.value_text("On 12, " + marker.format("13") + "then on 13.")
    assert (inside.text, inside.column_at_start, inside.last_column) == (
        "On 12, then on 13.",
        None,
        "13",
    )


def test_westminster_hall_cross_reference_paragraphs_and_column_carried_forward():
    (debate,) = debates_of(WESTMINSTER_HALL)
    assert debate.house == "westminster-hall"
    mover, members, minister = debate.speeches
    assert mover.column == "1WH"
    assert mover.cross_references == ["[Official Report, 14 January 2025; Vol. 760, c. 45WH.]"]
    assert mover.text.split("\n\n")[:2] == [
        "I beg to move,",
        "That this House has considered the condition of service family accommodation for"
        " the Armed Forces.",
    ]
    assert "damp & mould" in mover.text
    assert "I raised the matter before and little has changed since." in mover.text
    assert "Official Report" not in mover.text
    # The marker inside the mover's speech moves the column of the speeches after it.
    assert (members.column, minister.column) == ("2WH", "2WH")


def test_items_that_are_not_speech_are_not_speeches():
    url = f"{API}/debates/debate/{WESTMINSTER_HALL}.json"
    items = saved_json(url)["Items"]
    kinds = [(i["ItemType"], bool(i["Value"])) for i in items]
    assert ("Timestamp", True) in kinds and ("Contribution", False) in kinds
    (debate,) = debates_of(WESTMINSTER_HALL)
    assert len(debate.speeches) == 3 == len(items) - 2
    assert all(s.text for s in debate.speeches)


def test_hon_members_have_no_member_id_and_keep_the_attribution():
    (debate,) = debates_of(WESTMINSTER_HALL)
    members = debate.speeches[1]
    assert members.member_ids == {}
    assert members.attributed_to == members.speaker_name == "Hon. Members"
    assert members.text == "Hear, hear."


def test_written_statement_has_no_time_and_a_written_statement_column():
    (statement,) = debates_of(WRITTEN)
    assert (statement.title, statement.parent_title) == ("Armed Forces Pay Review Body", "Defence")
    assert statement.house == "commons"
    (speech,) = statement.speeches
    assert speech.time_raw is None and speech.column == "5WS"
    assert speech.attributed_to == "The Minister for the Armed Forces (Luke Pollard)"


def test_section_tree_items_and_the_debates_to_fetch():
    url = f"{API}/overview/sectiontrees.json?section=Debate&date=2025-02-10&house=Commons"
    items = hansard_api.tree_items(saved_json(url, list))
    titles = [i.title for i in items]
    assert titles == [
        "Oral Answers to Questions",
        "Defence",
        "US Administration: NATO",
        "Bus Services (No. 2) Bill [Lords]",
    ]
    # The topmost kept item is fetched: its answer holds the items below it.
    nato = hansard_api.debates_to_fetch(items, lambda item, up: "NATO" in item.title)
    assert [i.title for i in nato] == ["US Administration: NATO"]
    every = hansard_api.debates_to_fetch(items, lambda item, up: True)
    assert [i.title for i in every] == [
        "Oral Answers to Questions",
        "Bus Services (No. 2) Bill [Lords]",
    ]


def test_sections_for_day_lists_section_names():
    url = f"{API}/overview/sectionsforday.json?date=2025-02-10&house=Commons"
    assert hansard_api.section_names(saved_json(url, list)) == [
        "Debate",
        "Westminster Hall",
        "Written Statements",
    ]


@pytest.mark.parametrize(
    ("source", "stage", "final"),
    [
        (1, "RollingHansard", False),
        (2, "DailyHansard", False),
        (3, "BoundVolume", True),
        ("BoundVolume", "BoundVolume", True),
        ("Historic", "Historic", True),
        (9, None, False),
        (None, None, False),
    ],
)
def test_publication_stage_reads_integer_codes_and_names(source, stage, final):
    assert hansard_api.publication_stage(source) == stage
    assert hansard_api.is_final(stage) is final


@pytest.mark.parametrize(
    ("body", "expect"),
    [(b"<html>Just a moment...</html>", list), (b'{"Overview": {}}', list), (b"[]", dict)],
)
def test_an_answer_of_the_wrong_shape_is_refused(body, expect):
    with pytest.raises(ResponseError):
        hansard_api.load(body, expect=expect)


def test_slug_joins_capitalised_alphanumeric_runs():
    assert hansard_api.slug("US Administration: NATO") == "USAdministrationNATO"
    assert hansard_api.slug("Bus Services (No. 2) Bill [Lords]") == "BusServicesNo2BillLords"


def test_member_history_gives_name_and_party_held_on_a_day():
    url = "https://members-api.parliament.uk/api/Members/History?ids=400"
    history = hansard_api.parse_member_history(saved_json(url, list), "400")
    assert history is not None
    assert history.party_on(date(2025, 2, 10)) == "Labour"
    assert history.name_on(date(2025, 2, 10)) == "John Healey"
    assert hansard_api.parse_member_history(saved_json(url, list), "401") is None
    assert hansard_api.MemberHistory.from_json("400", history.as_json()) == history


def test_party_on_a_day_follows_the_dated_history():
    answer = [
        {
            "value": {
                "id": 7,
                "nameHistory": [],
                "partyHistory": [
                    {
                        "party": {"id": 4, "name": "Conservative"},
                        "startDate": "2015-05-07T00:00:00",
                        "endDate": "2019-09-03T00:00:00",
                    },
                    {
                        "party": {"id": 8, "name": "Independent"},
                        "startDate": "2019-09-04T00:00:00",
                        "endDate": None,
                    },
                ],
            },
            "links": [],
        }
    ]
    history = hansard_api.parse_member_history(json.loads(json.dumps(answer)), "7")
    assert history is not None
    assert history.party_on(date(2019, 9, 3)) == "Conservative"
    assert history.party_on(date(2019, 9, 4)) == "Independent"
    assert history.party_on(date(2010, 1, 1)) is None
