"""Senedd XML export parsing, on the saved responses of sample_pages/record.senedd.wales/
and the member lists of sample_pages/business.senedd.wales/."""

from __future__ import annotations

import pytest

from crawler.items import DebateItem, Speech
from crawler.pages import senedd
from tests.support.pages import saved_response

LISTING = "https://record.senedd.wales/XMLExport?start=2022-11-08&end=2022-11-08"
EMPTY_LISTING = "https://record.senedd.wales/XMLExport?start=2022-11-09&end=2022-11-09"
TRANSCRIPT = (
    "https://record.senedd.wales/XMLExport/Download?meetingID=12920"
    "&xmlDownloadType=BilingualTranscript"
)
MEMBERS = {
    "en": "https://business.senedd.wales/mgwebservice.asmx/GetCouncillorsByWard",
    "cy": "https://business.senedd.wales/mgwebservicew.asmx/GetCouncillorsByWard",
}
DEFENCE_ITEM = "senedd-12920-221108-9"
QUESTIONS_ITEM = "senedd-12920-221108-1"


def _members() -> senedd.MemberLists:
    return senedd.MemberLists(
        {lang: senedd.parse_members(saved_response(url).body) for lang, url in MEMBERS.items()}
    )


@pytest.fixture(scope="module")
def transcript() -> senedd.Transcript:
    body = saved_response(TRANSCRIPT).body
    parsed = senedd.parse_transcript(body, url=TRANSCRIPT, fetched_at="x")
    members = _members()
    for debate in parsed.debates:
        senedd.join_members(debate, members)
    return parsed


def _debate(transcript: senedd.Transcript, debate_id: str) -> DebateItem:
    return next(debate for debate in transcript.debates if debate.id == debate_id)


def _speech(transcript: senedd.Transcript, contribution_id: str) -> Speech:
    return next(
        speech
        for debate in transcript.debates
        for speech in debate.speeches
        if speech.source_ids["senedd"] == contribution_id
    )


# --- listing -------------------------------------------------------------------------------


def test_listing_rows_give_type_date_and_absolute_transcript_url():
    rows = senedd.parse_listing(saved_response(LISTING), url=LISTING)
    assert [(row.type, row.date_raw, row.is_plenary) for row in rows] == [
        ("Health and Social Care Committee", "08/11/2022 09:30", False),
        ("Plenary", "08/11/2022 13:30", True),
    ]
    assert rows[1].transcript_url == TRANSCRIPT
    assert str(rows[1].day) == "2022-11-08"


def test_a_day_without_meetings_is_still_a_listing_with_no_rows():
    response = saved_response(EMPTY_LISTING)
    assert senedd.is_listing(response)
    assert senedd.parse_listing(response, url=EMPTY_LISTING) == []


def test_transcript_is_told_from_listing_by_its_root():
    assert senedd.is_transcript(saved_response(TRANSCRIPT).body)
    assert not senedd.is_transcript(saved_response(LISTING).body)


# --- the transcript file ----------------------------------------------------------------------


def test_rows_are_read_through_the_byte_order_mark_whatever_the_element_is_called():
    body = saved_response(TRANSCRIPT).body
    assert body.startswith(b"\xef\xbb\xbf")
    rows = senedd.read_transcript(body)
    renamed = senedd.read_transcript(
        body.replace(b"XML_Plenary-SixthSenedd_Bilingual", b"XML_Plenary_Bilingual")
    )
    assert len(rows) == len(renamed) == 12
    assert rows[0]["Meeting_ID"] == "12920"


def test_elements_that_are_not_contribution_rows_are_skipped():
    body = b'<dataroot generated="x"><schema/><XML_Plenary_Bilingual><Contribution_ID>1'
    body += b"</Contribution_ID></XML_Plenary_Bilingual></dataroot>"
    assert senedd.read_transcript(body) == [{"Contribution_ID": "1"}]


@pytest.mark.parametrize(
    ("body", "reason"),
    [(b"<html><body>Server Error</body></html>", "no dataroot"), (b"<dataroot><XML_", "not XML")],
)
def test_a_file_that_is_not_the_export_is_refused_with_a_reason(body, reason):
    with pytest.raises(senedd.TranscriptError, match=reason):
        senedd.read_transcript(body)


# --- debates: one per agenda item ------------------------------------------------------------


def test_one_debate_per_agenda_item_with_both_titles(transcript):
    assert [debate.id for debate in transcript.debates] == [QUESTIONS_ITEM, DEFENCE_ITEM]
    debate = _debate(transcript, DEFENCE_ITEM)
    assert debate.title == "8. Debate: Support for the Armed Forces Community"
    assert debate.titles == {
        "en": "8. Debate: Support for the Armed Forces Community",
        "cy": "8. Dadl: Cefnogi Cymuned y Lluoedd Arfog",
    }
    assert debate.house == "senedd"
    assert debate.sources == ["senedd"]
    assert debate.source_ids == {"senedd": ["221108-9"]}
    assert debate.date_raw == {"en": "2022-11-08T13:30:00"}
    assert debate.date is None  # decided by the date pipeline


def test_sub_headings_and_the_bilingual_note_are_not_speeches(transcript):
    assert (transcript.headings, transcript.boilerplate) == (1, 1)
    texts = [speech.text for debate in transcript.debates for speech in debate.speeches]
    assert not any(text.startswith("In the bilingual version") for text in texts)
    assert "Amendments to the motion" not in texts
    ids = [speech.source_ids["senedd"] for speech in _debate(transcript, DEFENCE_ITEM).speeches]
    assert ids == [
        "404210", "404211", "404213", "404214", "404215", "404218", "404216", "404217",
    ]  # fmt: skip


# --- speeches ------------------------------------------------------------------------------


def test_a_speech_given_in_english_keeps_its_welsh_translation(transcript):
    speech = _speech(transcript, "404211")
    assert speech.language == "en"
    assert speech.text == speech.texts["en"]
    assert speech.text.startswith("Diolch, Llywydd. I move the motion in my name.\n\nEvery")
    assert speech.texts["cy"].startswith("Diolch, Llywydd. Rwy’n cynnig y cynnig yn fy enw i.")
    assert set(speech.texts) == {"en", "cy"}


def test_a_speech_given_in_welsh_keeps_its_english_translation(transcript):
    speech = _speech(transcript, "404214")
    assert speech.language == "cy"
    assert speech.text == speech.texts["cy"]
    assert "o Sir Benfro i Ynys Môn." in speech.text
    assert "mae'n rhaid i'r Llywodraeth" in speech.text
    assert speech.texts["en"].endswith("before the end of this Senedd, not just warm words.")


def test_html_is_unescaped_exactly_once():
    assert senedd.html_paragraphs("<p>Forces &amp; families</p>") == "Forces & families"
    # Escaped twice in the HTML: the speech said "&amp;", and keeps it.
    assert senedd.html_paragraphs("<p>R&amp;amp;D</p>") == "R&amp;D"
    assert senedd.html_paragraphs("<p>a</p>\n<p> b  c </p>") == "a\n\nb c"
    assert senedd.html_paragraphs("no paragraph") == "no paragraph"


def test_entities_of_the_saved_file_reach_the_text_once(transcript):
    assert "a warm welcome & the support" in _speech(transcript, "404211").text
    assert "Veterans' NHS Wales" in _speech(transcript, "404213").text


@pytest.mark.parametrize("contribution_id", ["404211", "404214"])
def test_offsets_of_a_quoted_phrase_slice_each_stored_text(transcript, contribution_id):
    speech = _speech(transcript, contribution_id)
    for text in speech.texts.values():
        phrase = text.split("\n\n")[-1][5:60]
        start = text.index(phrase)
        assert text[start : start + len(phrase)] == phrase


def test_speaker_job_titles_permalink_video_and_ids(transcript):
    speech = _speech(transcript, "404211")
    assert speech.id == "senedd-12920-404211"
    assert speech.speaker_name == "Rhian Pritchard"
    assert speech.position == "Deputy Minister for Social Partnership"
    assert speech.job_titles == {
        "en": "Deputy Minister for Social Partnership",
        "cy": "Y Dirprwy Weinidog Partneriaeth Gymdeithasol",
    }
    assert speech.url == "https://record.senedd.wales/Plenary/12920#C404211"
    assert speech.source_urls == {"senedd": speech.url}
    assert speech.member_ids == {"senedd": "4501"}
    assert speech.person_id is None
    assert speech.time_raw == "2022-11-08T16:02:31"
    assert speech.time is None  # read by the date pipeline
    assert speech.video_urls["en"] == "http://www.senedd.tv/en/12920?startPos=9151"


def test_parties_come_from_both_member_lists_as_served(transcript):
    speech = _speech(transcript, "404211")
    assert speech.party_raw == {
        "cy": "Llafur Cymru a chydweithredol",
        "en": "Welsh Labour and Co-operative Party",
    }
    assert speech.party_source == "member_list"
    assert speech.party is None  # mapped by the party pipeline


def test_an_office_is_flagged_and_given_no_member_or_party(transcript):
    speech = _speech(transcript, "404210")
    assert speech.flags == [senedd.OFFICE_FLAG]
    assert speech.member_ids == {}
    assert speech.party_raw == {}
    assert speech.position == "Llywydd"


def test_a_member_missing_from_the_lists_is_flagged_with_no_party(transcript):
    speech = _speech(transcript, "404215")
    assert speech.flags == [senedd.NOT_LISTED_FLAG]
    assert speech.member_ids == {"senedd": "4507"}
    assert speech.party_raw == {}


def test_without_member_lists_speeches_keep_their_member_id_and_no_party():
    body = saved_response(TRANSCRIPT).body
    parsed = senedd.parse_transcript(body, url=TRANSCRIPT, fetched_at="x")
    speech = _speech(parsed, "404211")
    assert speech.member_ids == {"senedd": "4501"}
    assert speech.party_raw == {}
    assert speech.flags == []


def test_an_oral_question_keeps_its_reference_and_text(transcript):
    speech = _speech(transcript, "404102")
    assert speech.question_ref == "OQ58712"
    assert speech.text.endswith("South Wales West? OQ58712")
    assert speech.kind == "speech"


def test_a_procedural_note_has_no_speaker(transcript):
    speech = _speech(transcript, "404217")
    assert speech.kind == "procedural"
    assert speech.speaker_name is None
    assert speech.language == "cy"
    assert speech.texts["en"] == "Motion agreed in accordance with Standing Order 12.36."


@pytest.mark.parametrize(("raw", "code"), [("En", "en"), ("CY", "cy"), (" cy ", "cy"), ("", None)])
def test_contribution_language_is_read_case_insensitively(raw, code):
    assert senedd.language_of(raw) == code


def test_an_unknown_language_keeps_the_text_as_spoken_and_is_flagged():
    row = {
        "Meeting_ID": "1",
        "Contribution_ID": "2",
        "contribution_language": "Fr",
        "contribution_verbatim": "<p>Bonjour</p>",
        "contribution_translated": "<p>Hello</p>",
    }
    speech = senedd.parse_speech(row)
    assert speech.text == "Bonjour"
    assert speech.texts == {}
    assert speech.flags == [senedd.LANGUAGE_FLAG]


# --- member lists ----------------------------------------------------------------------------


def test_member_lists_give_names_and_parties_in_each_language():
    english = senedd.parse_members(saved_response(MEMBERS["en"]).body)
    welsh = senedd.parse_members(saved_response(MEMBERS["cy"]).body)
    assert english["4502"].name == "Gwion ap Dafydd MS"
    assert welsh["4502"].name == "Gwion ap Dafydd AS"
    assert {m.party for m in english.values()} == {
        "Welsh Labour and Co-operative Party", "Plaid Cymru", "Welsh Conservative Party",
        "Welsh Labour", "Welsh Green Party", "Reform UK Wales", "Independent",
        "Welsh National Party",
    }  # fmt: skip
    assert welsh["4510"].party == "Annibynnol"


def test_senedd_ids_are_never_read_as_theyworkforyou_gids(transcript):
    # A gid's revision letter drives the merge's revision logic: a Senedd id must not look
    # like one, or a Commons debate of the same day could take it over.
    from crawler.gid import Gid

    for debate in transcript.debates:
        assert Gid.parse(debate.id) is None
        assert all(Gid.parse(speech.id) is None for speech in debate.speeches)


def test_a_contribution_without_an_id_is_counted_and_flags_its_debate():
    body = saved_response(TRANSCRIPT).body.replace(
        b"<Contribution_ID>404213</Contribution_ID>", b"<Contribution_ID />"
    )
    parsed = senedd.parse_transcript(body, url=TRANSCRIPT, fetched_at="x")
    assert parsed.unidentified == 1
    debate = _debate(parsed, DEFENCE_ITEM)
    assert debate.flags == [senedd.NO_ID_FLAG]
    assert len(debate.speeches) == 7
    assert _debate(parsed, QUESTIONS_ITEM).flags == []


def test_a_row_without_an_agenda_item_belongs_to_no_debate():
    body = saved_response(TRANSCRIPT).body.replace(
        b"<Agenda_Item_ID>221108-1</Agenda_Item_ID>", b"<Agenda_Item_ID />"
    )
    parsed = senedd.parse_transcript(body, url=TRANSCRIPT, fetched_at="x")
    # The bilingual note is dropped first; the two other rows of item 1 have no home.
    assert parsed.unidentified == 2
    assert [debate.id for debate in parsed.debates] == [DEFENCE_ITEM]
