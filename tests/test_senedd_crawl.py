"""Real crawls of the Senedd's saved XML export (sample_pages/, replayed): the records the
``senedd`` spider stores, and what it does with a damaged transcript or member list."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from crawler.pages import senedd
from tests.support.crawl import CrawlResult, crawl_in_process
from tests.support.pages import copy_sample_pages, edit_page, write_replay
from tests.test_export import read_jsonl, scrapy_export

DAY = {"since": "2022-11-08", "until": "2022-11-09"}
TRANSCRIPT = (
    "https://record.senedd.wales/XMLExport/Download?meetingID=12920"
    "&xmlDownloadType=BilingualTranscript"
)
MEMBERS_CY = "https://business.senedd.wales/mgwebservicew.asmx/GetCouncillorsByWard"


def _crawl(tmp_path: Path, *, replay: Path | None = None, **args: str) -> CrawlResult:
    options = {"replay_dir": replay} if replay is not None else {}
    return crawl_in_process("senedd", tmp_path / "corpus", args={**DAY, **args}, **options)


def _speeches(result: CrawlResult) -> dict[str, dict]:
    return {
        speech["source_ids"]["senedd"]: speech
        for debate in result.read("debates")
        for speech in debate["speeches"]
    }


@pytest.fixture(scope="module")
def defence_crawl(tmp_path_factory: pytest.TempPathFactory) -> CrawlResult:
    return _crawl(tmp_path_factory.mktemp("senedd"))


def test_the_defence_crawl_keeps_the_armed_forces_debate_only(defence_crawl):
    assert defence_crawl.returncode == 0, defence_crawl.stderr
    debates = defence_crawl.read("debates")
    assert [debate["id"] for debate in debates] == ["senedd-12920-221108-9"]
    stats = defence_crawl.stats
    assert stats["corpus/senedd/agenda_item/kept"] == 1
    assert stats["corpus/senedd/agenda_item/not_defence"] == 1


def test_the_committee_meeting_is_left_out_without_a_request(defence_crawl):
    stats = defence_crawl.stats
    assert stats["corpus/senedd/listing/not_plenary"] == 1
    assert stats["corpus/senedd/listing/plenary"] == 1
    assert "corpus/replay/missing" not in stats  # its download was never asked for


def test_the_member_lists_are_fetched_once_per_crawl(defence_crawl):
    assert defence_crawl.stats["corpus/senedd/members/fetched"] == 2


def test_the_stored_debate_has_its_date_both_titles_and_sources(defence_crawl):
    (debate,) = defence_crawl.read("debates")
    assert debate["date"] == "2022-11-08"
    assert debate["house"] == "senedd"
    assert debate["titles"]["cy"] == "8. Dadl: Cefnogi Cymuned y Lluoedd Arfog"
    assert debate["sources"] == ["senedd"]
    assert debate["source_ids"] == {"senedd": ["221108-9"]}
    assert debate["flags"] == []


def test_speech_times_are_read_from_the_contribution_time(defence_crawl):
    speeches = _speeches(defence_crawl)
    assert speeches["404211"]["time_raw"] == "2022-11-08T16:02:31"
    assert speeches["404211"]["time"] == "16:02"
    assert speeches["404217"]["time"] == "16:24"


@pytest.mark.parametrize(
    ("contribution_id", "party", "raw"),
    [
        ("404211", "labour-coop", {"en": "Welsh Labour and Co-operative Party",
                                   "cy": "Llafur Cymru a chydweithredol"}),
        ("404213", "conservative", {"en": "Welsh Conservative Party", "cy": "Ceidwadwyr Cymreig"}),
        ("404214", "plaid-cymru", {"en": "Plaid Cymru", "cy": "Plaid Cymru"}),
        ("404218", "reform-uk", {"en": "Reform UK Wales", "cy": "Reform UK Cymru"}),
    ],
)  # fmt: skip
def test_parties_are_normalised_from_both_languages_titles(
    defence_crawl, contribution_id, party, raw
):
    speech = _speeches(defence_crawl)[contribution_id]
    assert speech["party"] == party
    assert speech["party_raw"] == raw
    assert "party:disagreement" not in speech["flags"]


def test_offices_get_no_party_and_no_member_but_a_flag(defence_crawl):
    speech = _speeches(defence_crawl)["404210"]
    assert speech["flags"] == [senedd.OFFICE_FLAG]
    assert speech["party"] is None and speech["member_ids"] == {}
    assert speech["speaker_name"] == "The Llywydd"


def test_a_member_no_list_names_keeps_the_id_and_is_flagged(defence_crawl):
    speech = _speeches(defence_crawl)["404215"]
    assert speech["member_ids"] == {"senedd": "4507"}
    assert speech["party"] is None
    assert senedd.NOT_LISTED_FLAG in speech["flags"]


def test_both_languages_are_stored_with_the_one_spoken(defence_crawl):
    speeches = _speeches(defence_crawl)
    english, welsh = speeches["404211"], speeches["404214"]
    assert (english["language"], welsh["language"]) == ("en", "cy")
    assert english["text"] == english["texts"]["en"]
    assert welsh["text"] == welsh["texts"]["cy"]
    assert "a warm welcome & the support" in english["text"]
    assert welsh["texts"]["en"].startswith("The armed forces are part of the life")


def test_a_second_crawl_stores_nothing_new(defence_crawl, tmp_path):
    corpus = defence_crawl.corpus
    again = crawl_in_process("senedd", corpus, args=DAY)
    assert again.returncode == 0, again.stderr
    assert "corpus/debate/new" not in again.stats
    assert [d["id"] for d in again.read("debates")] == ["senedd-12920-221108-9"]


def test_all_takes_every_agenda_item_with_the_oral_question(tmp_path):
    result = _crawl(tmp_path, all="1")
    assert result.returncode == 0, result.stderr
    ids = [debate["id"] for debate in result.read("debates")]
    assert sorted(ids) == ["senedd-12920-221108-1", "senedd-12920-221108-9"]
    speeches = _speeches(result)
    assert speeches["404102"]["question_ref"] == "OQ58712"
    assert speeches["404102"]["party"] == "labour"
    assert "404100" not in speeches  # the bilingual-layout note
    assert result.stats["corpus/senedd/boilerplate"] == 1


def test_a_welsh_title_alone_selects_the_item(tmp_path):
    terms = tmp_path / "terms.json"
    terms.write_text(json.dumps({"en": ["no such words"], "cy": ["cymuned"]}), encoding="utf-8")
    result = crawl_in_process(
        "senedd",
        tmp_path / "corpus",
        args=DAY,
        settings={"PARLIAMENT_DEFENCE_TERMS_FILE": str(terms)},
    )
    assert result.returncode == 0, result.stderr
    assert [d["id"] for d in result.read("debates")] == ["senedd-12920-221108-9"]


def test_a_damaged_transcript_is_a_lost_page_and_fails_the_crawl(tmp_path):
    replay = copy_sample_pages(tmp_path / "pages")
    edit_page(replay, TRANSCRIPT, [("</dataroot>", "</datar")])
    result = _crawl(tmp_path, replay=replay)
    assert result.returncode == 1
    assert result.stats["corpus/lost/unreadable_transcript"] == 1
    assert result.read("debates") == []


def test_a_missing_member_list_keeps_the_debate_with_the_other_languages_parties(tmp_path):
    replay = copy_sample_pages(tmp_path / "pages")
    manifest = replay / "manifest.jsonl"
    lines = [
        line
        for line in manifest.read_text(encoding="utf-8").splitlines()
        if json.loads(line)["url"] != MEMBERS_CY
    ]
    manifest.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = _crawl(tmp_path, replay=replay)
    assert result.returncode == 1  # a page the crawl set out to read was lost
    assert result.stats["corpus/lost/http_404"] == 1
    speech = _speeches(result)["404211"]
    assert speech["party_raw"] == {"en": "Welsh Labour and Co-operative Party"}
    assert speech["party"] == "labour-coop"


def test_an_unknown_all_value_is_refused(tmp_path):
    result = _crawl(tmp_path, all="maybe")
    assert result.returncode == 2
    assert "all: expected 1 or 0" in result.stderr


def test_a_transcript_asked_for_by_url_gives_its_defence_debate(tmp_path):
    result = crawl_in_process("senedd", tmp_path / "corpus", args={"urls": TRANSCRIPT})
    assert result.returncode == 0, result.stderr
    assert [d["id"] for d in result.read("debates")] == ["senedd-12920-221108-9"]


def test_debates_named_by_id_are_kept_whatever_their_business(tmp_path):
    args = {"urls": TRANSCRIPT, "debates": "senedd-12920-221108-1"}
    result = crawl_in_process("senedd", tmp_path / "corpus", args=args)
    assert result.returncode == 0, result.stderr
    assert [d["id"] for d in result.read("debates")] == ["senedd-12920-221108-1"]
    assert result.stats["corpus/senedd/agenda_item/not_asked"] == 1


def test_a_debates_value_that_is_not_a_senedd_id_is_refused(tmp_path):
    result = _crawl(tmp_path, debates="2025-02-10a.1.1")
    assert result.returncode == 2
    assert "debates: not a Senedd debate id: '2025-02-10a.1.1'" in result.stderr


def test_a_transcript_the_server_does_not_have_fails_the_crawl(tmp_path):
    replay = copy_sample_pages(tmp_path / "pages")
    manifest = replay / "manifest.jsonl"
    lines = [
        line
        for line in manifest.read_text(encoding="utf-8").splitlines()
        if json.loads(line)["url"] != TRANSCRIPT
    ]
    manifest.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = _crawl(tmp_path, replay=replay)
    assert result.returncode == 1
    assert result.stats["corpus/lost/http_404"] == 1
    assert result.read("debates") == []


EMPTY_TRANSCRIPT = (
    '\ufeff<?xml version="1.0" encoding="UTF-8"?>\n<dataroot generated="x">\n</dataroot>\n'
)


def _one_meeting_replay(folder: Path, day: date) -> Path:
    """A listing of ``day`` with one plenary whose transcript has no contributions yet."""
    listing_url = f"https://record.senedd.wales/XMLExport?start={day}&end={day}"
    listing = (
        "<table><tr><th>Date</th><th>Type</th><th>Bilingual</th><th>Welsh</th><th>English</th>"
        f"<th>QNR</th><th>Votes</th></tr><tr><td>{day:%d/%m/%Y} 13:30</td><td>Plenary</td>"
        f'<td><a href="{TRANSCRIPT}">Download</a></td><td></td><td></td><td></td><td></td></tr>'
        "</table>"
    )
    html = {"Content-Type": "text/html; charset=utf-8"}
    return write_replay(
        folder,
        [
            {"url": listing_url, "path": "listing.html", "headers": html},
            {"url": TRANSCRIPT, "path": "transcript.xml", "headers": {"Content-Type": "text/xml"}},
        ],
        {"listing.html": listing, "transcript.xml": EMPTY_TRANSCRIPT},
    )


def test_todays_meeting_without_contributions_yet_is_not_a_loss(tmp_path):
    today = datetime.now(UTC).date()
    replay = _one_meeting_replay(tmp_path / "pages", today)
    result = crawl_in_process(
        "senedd", tmp_path / "corpus", replay_dir=replay, args={"since": str(today)}
    )
    assert result.returncode == 0, result.stderr
    assert result.stats["corpus/senedd/transcript/not_yet_published"] == 1
    assert "corpus/senedd/members/fetched" not in result.stats  # no debate needed them


def test_a_past_meeting_without_contributions_is_a_lost_page(tmp_path):
    day = date(2022, 11, 8)
    replay = _one_meeting_replay(tmp_path / "pages", day)
    result = crawl_in_process(
        "senedd",
        tmp_path / "corpus",
        replay_dir=replay,
        args={"since": str(day), "until": str(day)},
    )
    assert result.returncode == 1
    assert result.stats["corpus/lost/empty_transcript"] == 1


def test_a_contribution_without_an_id_is_left_out_and_its_debate_flagged(tmp_path):
    replay = copy_sample_pages(tmp_path / "pages")
    edit_page(
        replay,
        TRANSCRIPT,
        [("<Contribution_ID>404213</Contribution_ID>", "<Contribution_ID />")],
    )
    result = _crawl(tmp_path, replay=replay)
    assert result.returncode == 0, result.stderr
    assert result.stats["corpus/senedd/contribution/unidentified"] == 1
    (debate,) = result.read("debates")
    assert debate["flags"] == [senedd.NO_ID_FLAG]
    assert "404213" not in _speeches(result)
    assert len(debate["speeches"]) == 7


def test_scrapy_export_takes_house_senedd_and_gives_its_speeches(defence_crawl, tmp_path):
    folder = tmp_path / "export"
    completed = scrapy_export(
        str(folder), "-s", f"CORPUS_DIR={defence_crawl.corpus}", "--house", "senedd"
    )
    assert completed.returncode == 0, completed.stderr[-2000:]
    speeches = read_jsonl(folder / "speeches.jsonl")
    stored = [s["id"] for d in defence_crawl.read("debates") for s in d["speeches"]]
    assert sorted(row["id"] for row in speeches) == sorted(stored)
    assert {row["house"] for row in speeches} == {"senedd"}
