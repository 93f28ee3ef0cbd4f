"""Real crawls of the official Hansard's saved API answers (sample_pages/, replayed).

Each test runs the ``hansard_api`` spider through Scrapy's engine over the saved
answers of 10 February 2025, or over a copy of them changed for the case.
"""

from __future__ import annotations

import json
from pathlib import Path

from crawler.gid import hansard_id
from tests.support.crawl import crawl_in_process
from tests.support.pages import copy_sample_pages

API = "https://hansard-api.parliament.uk"
MEMBERS = "https://members-api.parliament.uk"
DAY = {"since": "2025-02-10", "until": "2025-02-10"}
SEED = hansard_id("3C1B8F7A-6D2E-4F5B-9E0A-7D4C2B1A9E63")
WESTMINSTER_HALL = hansard_id("5E9D1B3F-7C2A-4F04-A6E8-9B1D3F5A7C29")
STATEMENT = hansard_id("F1B3D5E7-9A2C-4E40-8D62-4A6C8E0B2D96")
BILL = hansard_id("A7C3E5F1-9B2D-4E86-B0A4-2D6F8A1C3E57")
CHAMBER_TREE = f"{API}/overview/sectiontrees.json?section=Debate&date=2025-02-10&house=Commons"


def manifest_entries(folder: Path) -> list[dict]:
    lines = (folder / "manifest.jsonl").read_text("utf-8").splitlines()
    return [json.loads(line) for line in lines if line]


def rewrite_manifest(folder: Path, entries: list[dict]) -> None:
    text = "".join(json.dumps(entry) + "\n" for entry in entries)
    (folder / "manifest.jsonl").write_text(text, "utf-8")


def by_id(records: list[dict]) -> dict[str, dict]:
    return {record["id"]: record for record in records}


def test_defence_business_of_the_day_is_stored_with_parties_from_the_members_api(tmp_path):
    result = crawl_in_process("hansard_api", tmp_path / "corpus", args=DAY)
    assert result.returncode == 0, result.stderr[-2000:]
    debates = by_id(result.read("debates"))
    assert sorted(debates) == sorted([SEED, WESTMINSTER_HALL, STATEMENT])
    assert BILL not in debates  # not defence business: its debate is never fetched
    assert result.stats["corpus/hansard_api/tree/skipped"] == 2  # the bill, and its chamber root

    seed = debates[SEED]
    assert (seed["date"], seed["house"]) == ("2025-02-10", "commons")
    assert seed["parent_title"] == "Defence"
    assert [s["speaker_name"] for s in seed["speeches"]] == [
        "Wendy Chamberlain",
        "John Healey",
        "Wendy Chamberlain",
        "John Healey",
        "Chris McDonald",
        "John Healey",
    ]
    assert [s["party"] for s in seed["speeches"]] == [
        "liberal-democrat",
        "labour",
        "liberal-democrat",
        "labour",
        "labour",
        "labour",
    ]
    assert {s["party_source"] for s in seed["speeches"]} == {"members_api"}
    assert seed["speeches"][1]["attributed_to"] == (
        "The Secretary of State for Defence (John Healey)"
    )
    assert [s["time"] for s in seed["speeches"]][:2] == ["14:36", "14:37"]
    assert debates[WESTMINSTER_HALL]["house"] == "westminster-hall"
    # Each member's history was fetched once, however many speeches they made.
    assert result.stats["corpus/hansard_api/member/fetched"] == 5
    assert result.stats["corpus/hansard_api/member/filled"] == 9


def test_hon_members_is_stored_without_member_or_party(tmp_path):
    result = crawl_in_process("hansard_api", tmp_path / "corpus", args=DAY)
    assert result.returncode == 0, result.stderr[-2000:]
    debate = by_id(result.read("debates"))[WESTMINSTER_HALL]
    hon = next(s for s in debate["speeches"] if s["attributed_to"] == "Hon. Members")
    assert (hon["member_ids"], hon["party"], hon["party_raw"]) == ({}, None, {})
    assert hon["text"] == "Hear, hear."


def test_all_takes_business_the_defence_filter_skips(tmp_path):
    result = crawl_in_process("hansard_api", tmp_path / "corpus", args={**DAY, "all": "1"})
    assert result.returncode == 0, result.stderr[-2000:]
    debates = by_id(result.read("debates"))
    assert sorted(debates) == sorted([SEED, WESTMINSTER_HALL, STATEMENT, BILL])
    assert debates[BILL]["title"] == "Bus Services (No. 2) Bill [Lords]"
    assert "corpus/hansard_api/tree/skipped" not in result.stats


def test_a_later_crawl_reads_member_histories_from_the_store(tmp_path):
    corpus = tmp_path / "corpus"
    first = crawl_in_process("hansard_api", corpus, args=DAY)
    assert first.returncode == 0, first.stderr[-2000:]
    # The Members API is gone from the second crawl's snapshot: nothing may be fetched.
    replay = copy_sample_pages(tmp_path / "replay")
    rewrite_manifest(
        replay, [e for e in manifest_entries(replay) if not e["url"].startswith(MEMBERS)]
    )
    second = crawl_in_process("hansard_api", corpus, replay_dir=replay, args=DAY)
    assert second.returncode == 0, second.stderr[-2000:]
    assert second.stats["corpus/hansard_api/member/stored"] == 5
    assert "corpus/hansard_api/member/fetched" not in second.stats
    seed = by_id(second.read("debates"))[SEED]
    assert [s["party"] for s in seed["speeches"]][:2] == ["liberal-democrat", "labour"]


def test_an_answer_that_is_not_json_is_a_lost_page_and_fails_the_crawl(tmp_path):
    replay = copy_sample_pages(tmp_path / "replay")
    entry = next(e for e in manifest_entries(replay) if e["url"] == CHAMBER_TREE)
    (replay / entry["path"]).write_text("<html><title>Just a moment...</title></html>", "utf-8")
    result = crawl_in_process("hansard_api", tmp_path / "corpus", replay_dir=replay, args=DAY)
    assert result.returncode == 1
    assert result.stats["corpus/lost/bad_json"] == 1
    assert CHAMBER_TREE in result.stderr
    # The day's other sections are still read.
    assert sorted(by_id(result.read("debates"))) == sorted([WESTMINSTER_HALL, STATEMENT])


def test_an_unavailable_member_history_loses_the_page_but_keeps_the_speech(tmp_path):
    replay = copy_sample_pages(tmp_path / "replay")
    healey = f"{MEMBERS}/api/Members/History?ids=400"
    rewrite_manifest(replay, [e for e in manifest_entries(replay) if e["url"] != healey])
    result = crawl_in_process("hansard_api", tmp_path / "corpus", replay_dir=replay, args=DAY)
    assert result.returncode == 1  # the operator must hear of the lost member history
    assert result.stats["corpus/lost/http_404"] == 1
    seed = by_id(result.read("debates"))[SEED]
    healey = seed["speeches"][1]
    assert healey["party"] is None and "member:unavailable" in healey["flags"]
    assert healey["speaker_name"] == "The Secretary of State for Defence (John Healey)"
    assert healey["member_ids"] == {"mnis": "400", "twfy": "10271"}


def test_unknown_house_argument_is_refused(tmp_path):
    result = crawl_in_process(
        "hansard_api", tmp_path / "corpus", args={**DAY, "houses": "commons,senate"}
    )
    assert result.returncode == 2
    assert "houses: expected some of commons, lords" in result.stderr
