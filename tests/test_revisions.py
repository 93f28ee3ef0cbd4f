"""A day re-issued under a new revision letter replaces the old one; old gids stay findable."""

from __future__ import annotations

import json
from pathlib import Path

from tests.support.corpus import BuiltCorpus
from tests.support.crawl import CrawlResult, crawl_in_process
from tests.support.pages import copy_sample_pages

OLD, NEW = "2025-02-10a.", "2025-02-10b."


def reissue_day_as_revision_b(pages: Path) -> None:
    """Rewrite the saved 10 February pages as TheyWorkForYou serves a re-issued day."""
    manifest = pages / "manifest.jsonl"
    entries = [json.loads(line) for line in manifest.read_text("utf-8").splitlines() if line]
    for entry in entries:
        if "theyworkforyou.com/debates/" not in entry["url"]:
            continue
        page = pages / entry["path"]
        content = page.read_text("utf-8")
        if OLD in content:
            page.write_text(content.replace(OLD, NEW), "utf-8")
            entry["headers"]["ETag"] = '"reissued"'
        entry["url"] = entry["url"].replace(OLD, NEW)
    manifest.write_text("".join(json.dumps(e, ensure_ascii=False) + "\n" for e in entries), "utf-8")


def crawl_reissued_day(corpus: Path, tmp_path: Path) -> CrawlResult:
    """Crawl 10 February into ``corpus`` from a copy of the saved pages re-issued as revision b."""
    pages = copy_sample_pages(tmp_path / "pages")
    reissue_day_as_revision_b(pages)
    return crawl_in_process(
        "hansard",
        corpus,
        replay_dir=pages,
        args={"interface": "both", "since": "2025-02-10", "until": "2025-02-10"},
    )


def test_new_revision_replaces_the_old_one_and_keeps_old_gids(
    tmp_path: Path, sample_corpus_copy: BuiltCorpus
) -> None:
    corpus = sample_corpus_copy.folder
    result = crawl_reissued_day(corpus, tmp_path)
    assert result.returncode == 0, result.stderr[-3000:]
    assert result.stats["corpus/debate/revision_replaced"] == 1

    debates = {
        record["id"]: record for record in result.read("debates") if record["house"] != "senedd"
    }
    # The official Hansard's Westminster Hall debate and written statement stay as they were.
    assert sorted(debates) == [
        "2025-02-10b.1.1",
        "2025-02-11a.190.0",
        "hansard-5E9D1B3F-7C2A-4F04-A6E8-9B1D3F5A7C29",
        "hansard-F1B3D5E7-9A2C-4E40-8D62-4A6C8E0B2D96",
    ]
    revised = debates["2025-02-10b.1.1"]
    assert revised["previous_ids"] == ["2025-02-10a.1.1"]
    # The official Hansard's part of the joined debate goes on into the new revision.
    assert revised["source_ids"]["hansard"] == ["3C1B8F7A-6D2E-4F5B-9E0A-7D4C2B1A9E63"]
    assert all("hansard" in speech["source_ids"] for speech in revised["speeches"])
    assert result.stats["corpus/debate/source_carried"] == 1
    assert revised["interfaces"] == ["cy", "en"]
    for speech in revised["speeches"]:
        assert speech["id"].startswith(NEW)
        assert speech["previous_ids"] == [speech["id"].replace(NEW, OLD)]

    links = [link for link in result.read("links") if link["debate_id"].startswith("2025-02-10")]
    assert len(links) == 7
    assert {link["debate_id"] for link in links} == {"2025-02-10b.1.1"}
    assert all(link["speech_id"].startswith(NEW) for link in links)

    # The old revision's page, met again later, does not bring the old record back.
    stale = crawl_in_process(
        "hansard",
        corpus,
        args={"urls": "https://www.theyworkforyou.com/debates/?id=2025-02-10a.1.1"},
    )
    assert stale.returncode == 0, stale.stderr[-3000:]
    assert stale.stats["item_dropped_reasons_count/StaleRevision"] == 1
    assert sorted(
        record["id"] for record in stale.read("debates") if record["house"] != "senedd"
    ) == sorted(debates)
