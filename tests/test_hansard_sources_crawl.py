"""One debate across sources, and versions of an official Hansard debate: real crawls.

The seed exchange (Defence questions, 10 February 2025) is in the snapshot twice:
on TheyWorkForYou and in the official Hansard's API. Crawled in either order, it
is one debate record holding both sources' ids, and the seed article's links point
at it. A later version of the Hansard debate (Daily instead of Rolling, one answer
corrected) supersedes the stored one.
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

from crawler.corpus.store import STORE_FILENAME
from crawler.dedup.sources import text_digest
from crawler.gid import hansard_id
from crawler.sample_corpus import SEED_ARTICLE
from tests.support.corpus import without_run_time_fields
from tests.support.crawl import crawl_in_process
from tests.support.pages import copy_sample_pages

DAY = {"since": "2025-02-10", "until": "2025-02-10"}
TWFY_DAYS = {"interface": "both", "since": "2025-02-10", "until": "2025-02-11"}
SEED_GID = "2025-02-10a.1.1"
SEED_EXT = "3C1B8F7A-6D2E-4F5B-9E0A-7D4C2B1A9E63"
DEFENCE_URL = (
    "https://hansard-api.parliament.uk/debates/debate/4D2B9E7C-1A3F-4C68-8E50-6B7A9C1D3E45.json"
)
DAILY_PATH = (
    "hansard-api.parliament.uk/debates/debate/4D2B9E7C-1A3F-4C68-8E50-6B7A9C1D3E45.daily.json"
)
REVISED = "6F8A0C2E-5D7B-4C9E-8A1F-7B9D1F3A5C06"


def crawl(spider: str, corpus: Path, args: dict[str, str], **kwargs):
    result = crawl_in_process(spider, corpus, args=args, **kwargs)
    assert result.returncode == 0, result.stderr[-3000:]
    return result


def debates(result) -> dict[str, dict]:
    return {record["id"]: record for record in result.read("debates")}


def test_the_seed_exchange_is_one_debate_with_both_sources_ids(tmp_path):
    corpus = tmp_path / "corpus"
    crawl("hansard", corpus, TWFY_DAYS)
    result = crawl("hansard_api", corpus, DAY)
    records = debates(result)
    assert hansard_id(SEED_EXT) not in records
    seed = records[SEED_GID]
    assert seed["sources"] == ["hansard", "twfy"]
    assert seed["source_ids"] == {"hansard": [SEED_EXT], "twfy": [SEED_GID]}
    first = seed["speeches"][0]
    assert first["id"] == "2025-02-10a.1.2"
    assert first["source_ids"] == {
        "hansard": "5B0C9E1D-2A7F-4C3B-8D6E-1F9A0B2C3D41",
        "twfy": "2025-02-10a.1.2",
    }
    assert first["member_ids"] == {"mnis": "4777", "twfy": "25814"}
    assert set(first["source_urls"]) == {"hansard", "twfy"}
    assert first["source_urls"]["hansard"].startswith("https://hansard.parliament.uk/Commons/")
    # What only the official Hansard gives is kept: the attribution and the time code.
    healey = seed["speeches"][1]
    assert healey["attributed_to"] == "The Secretary of State for Defence (John Healey)"
    assert (healey["time_raw"], healey["time"]) == ("2025-02-10T14:37:02", "14:37")
    assert len(seed["speeches"]) == 6
    assert result.stats["corpus/debate/source_merged"] == 1
    assert not any(key.startswith("corpus/debate/disagreement/") for key in result.stats)


def test_either_crawl_order_gives_the_same_records(tmp_path):
    twfy_first, hansard_first = tmp_path / "twfy_first", tmp_path / "hansard_first"
    crawl("hansard", twfy_first, TWFY_DAYS)
    one = crawl("hansard_api", twfy_first, DAY)
    crawl("hansard_api", hansard_first, DAY)
    other = crawl("hansard", hansard_first, TWFY_DAYS)
    assert without_run_time_fields(sorted(one.read("debates"), key=lambda r: r["id"])) == (
        without_run_time_fields(sorted(other.read("debates"), key=lambda r: r["id"]))
    )
    assert SEED_GID in debates(other) and hansard_id(SEED_EXT) not in debates(other)
    # The Hansard-keyed record that was replaced is remembered as an alias: a later
    # Hansard crawl joins the same record instead of adding a second one.
    again = crawl("hansard_api", hansard_first, DAY)
    assert sorted(debates(again)) == sorted(debates(other))
    assert "corpus/debate/stale_revision" not in again.stats


def test_the_seed_articles_links_point_at_the_joined_debate_in_either_order(tmp_path):
    for order in (("hansard", "hansard_api"), ("hansard_api", "hansard")):
        corpus = tmp_path / "-".join(order)
        crawl("defence_news", corpus, {"urls": SEED_ARTICLE})
        for spider in order:
            result = crawl(spider, corpus, TWFY_DAYS if spider == "hansard" else DAY)
        links = result.read("links")
        assert links, order
        assert {link["debate_id"] for link in links} == {SEED_GID}, order
        seed = debates(result)[SEED_GID]
        speeches = {speech["id"]: speech for speech in seed["speeches"]}
        for link in links:
            text = speeches[link["speech_id"]]["text"]
            assert text[link["speech_start"] : link["speech_end"]], order
            assert "hansard" in speeches[link["speech_id"]]["source_ids"], order


def test_a_disagreeing_text_is_flagged_and_counted_and_the_twfy_text_kept(tmp_path):
    replay = copy_sample_pages(tmp_path / "replay")
    defence = (
        replay
        / "hansard-api.parliament.uk/debates/debate/4D2B9E7C-1A3F-4C68-8E50-6B7A9C1D3E45.json"
    )
    content = defence.read_text("utf-8")
    assert "that is something we all agree" not in content
    defence.write_text(
        content.replace(
            "That is something we all agree on.", "That is something we all agree upon."
        ),
        "utf-8",
    )
    corpus = tmp_path / "corpus"
    crawl("hansard", corpus, TWFY_DAYS, replay_dir=replay)
    result = crawl("hansard_api", corpus, DAY, replay_dir=replay)
    speech = next(s for s in debates(result)[SEED_GID]["speeches"] if s["id"] == "2025-02-10a.2.0")
    assert speech["text"].endswith("That is something we all agree on.")
    assert speech["flags"] == ["text:source_disagreement"]
    assert result.stats["corpus/debate/disagreement/speech.text"] == 1


def daily_version(tmp_path: Path) -> Path:
    """The snapshot with the "Defence" debate answered by its Daily Hansard version."""
    replay = copy_sample_pages(tmp_path / "daily")
    manifest = replay / "manifest.jsonl"
    entries = [json.loads(line) for line in manifest.read_text("utf-8").splitlines() if line]
    for entry in entries:
        if entry["url"] == DEFENCE_URL:
            entry["path"] = DAILY_PATH
    manifest.write_text("".join(json.dumps(e) + "\n" for e in entries), "utf-8")
    return replay


def test_a_revised_version_replaces_the_contribution_and_keeps_the_old_texts_digest(tmp_path):
    corpus = tmp_path / "corpus"
    rolling = crawl("hansard_api", corpus, DAY)
    old = next(
        s
        for s in debates(rolling)[hansard_id(SEED_EXT)]["speeches"]
        if s["id"] == hansard_id(REVISED)
    )
    assert "a 50 nation-strong group" in old["text"]
    daily = crawl("hansard_api", corpus, DAY, replay_dir=daily_version(tmp_path))
    seed = debates(daily)[hansard_id(SEED_EXT)]
    assert seed["publication_stage"] == "DailyHansard"
    assert len(seed["speeches"]) == 6
    revised = next(s for s in seed["speeches"] if s["id"] == hansard_id(REVISED))
    assert "a 50-nation-strong group" in revised["text"]
    assert revised["previous_text_digests"] == [text_digest(old["text"])]
    unchanged = [s for s in seed["speeches"] if s["id"] != hansard_id(REVISED)]
    assert all(s["previous_text_digests"] == [] for s in unchanged)
    assert daily.stats["corpus/debate/updated"] == 1
    assert not any(key.startswith("corpus/debate/disagreement/") for key in daily.stats)


def test_an_older_version_after_a_newer_one_is_stale(tmp_path):
    corpus = tmp_path / "corpus"
    crawl("hansard_api", corpus, DAY, replay_dir=daily_version(tmp_path))
    result = crawl("hansard_api", corpus, DAY)
    assert result.stats["corpus/debate/stale_revision"] == 1
    seed = debates(result)[hansard_id(SEED_EXT)]
    assert seed["publication_stage"] == "DailyHansard"


def test_a_debate_in_the_bound_volume_is_not_fetched_again(tmp_path):
    replay = copy_sample_pages(tmp_path / "bound")
    defence = replay / DEFENCE_URL.removeprefix("https://")
    content = defence.read_text("utf-8")
    assert content.count('"Source": 1,') == 2  # the heading and the question
    defence.write_text(content.replace('"Source": 1,', '"Source": 3,'), "utf-8")
    corpus = tmp_path / "corpus"
    first = crawl("hansard_api", corpus, DAY, replay_dir=replay)
    assert debates(first)[hansard_id(SEED_EXT)]["publication_stage"] == "BoundVolume"
    assert "corpus/hansard_api/debate/final_kept" not in first.stats
    second = crawl("hansard_api", corpus, DAY, replay_dir=replay)
    assert second.stats["corpus/hansard_api/debate/final_kept"] == 1
    assert second.stats["corpus/hansard_api/debate/parsed"] == 2  # Westminster Hall, statement
    assert hansard_id(SEED_EXT) in debates(second)
    # A debate below the bound volume is fetched on every crawl.
    third = crawl("hansard_api", tmp_path / "rolling", DAY)
    again = crawl("hansard_api", tmp_path / "rolling", DAY)
    assert third.stats["corpus/hansard_api/debate/parsed"] == 3
    assert again.stats["corpus/hansard_api/debate/parsed"] == 3


def rewritten_contributions(data: dict) -> int:
    """Replace every contribution's text in a debate answer (and its child debates) with
    unrelated words; how many were replaced."""
    count = 0
    for item in data.get("Items") or []:
        if item.get("ItemType") == "Contribution" and item.get("Value"):
            count += 1
            item["Value"] = f"<p>Revised wording {count}: none of the words spoken before.</p>"
    return count + sum(rewritten_contributions(child) for child in data.get("ChildDebates") or [])


def test_a_new_version_of_a_joined_debate_joins_it_however_much_its_texts_changed(tmp_path):
    # TheyWorkForYou first: the joined record is keyed by the gid, and no Hansard-keyed
    # record was ever stored, so only the Hansard id the record holds can find it again.
    replay = daily_version(tmp_path)
    daily = replay / DAILY_PATH
    data = json.loads(daily.read_text("utf-8"))
    assert rewritten_contributions(data) == 6
    daily.write_text(json.dumps(data), "utf-8")
    corpus = tmp_path / "corpus"
    crawl("hansard", corpus, TWFY_DAYS)
    crawl("hansard_api", corpus, DAY)
    result = crawl("hansard_api", corpus, DAY, replay_dir=replay)
    records = debates(result)
    assert hansard_id(SEED_EXT) not in records
    assert records[SEED_GID]["source_ids"] == {"hansard": [SEED_EXT], "twfy": [SEED_GID]}
    # TheyWorkForYou's texts are kept and every changed one is flagged.
    speeches = records[SEED_GID]["speeches"]
    assert len(speeches) == 6
    # (The rewritten texts lost their column markers too: some columns now disagree.)
    assert all("text:source_disagreement" in s["flags"] for s in speeches)
    assert all(s["source_ids"]["hansard"] for s in speeches)


def test_the_linking_index_forgets_the_hansard_record_a_joined_debate_took_over(tmp_path):
    corpus = tmp_path / "corpus"
    crawl("hansard_api", corpus, DAY)
    crawl("hansard", corpus, TWFY_DAYS)
    with sqlite3.connect(corpus / STORE_FILENAME) as conn:
        indexed = dict(conn.execute("SELECT debate_id, count(*) FROM link_speech GROUP BY 1"))
    assert hansard_id(SEED_EXT) not in indexed
    assert indexed[SEED_GID] == 6
