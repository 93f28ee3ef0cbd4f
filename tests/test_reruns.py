"""Scheduled runs: repeated, changed, killed and resumed crawls over the same pages."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from crawler.sample_corpus import SAMPLE_CRAWLS
from tests.support.corpus import BuiltCorpus, without_run_time_fields
from tests.support.crawl import build_corpus, crawl_in_process, kill_when, start_crawl
from tests.support.pages import copy_sample_pages, edit_page

TYPHOONS_URL = "https://ukdefencejournal.org.uk/typhoons-scrambled-to-shadow-russian-aircraft-near-uk-airspace/"
TYPHOONS_ID = (
    "ukdefencejournal.org.uk/typhoons-scrambled-to-shadow-russian-aircraft-near-uk-airspace"
)


def corpus_contents(corpus: BuiltCorpus) -> dict[str, list[dict]]:
    return {name: corpus.read(name) for name in ("articles", "debates", "links")}


def test_two_crawls_in_a_row_leave_the_corpus_identical(
    tmp_path: Path, sample_corpus_copy: BuiltCorpus
) -> None:
    first = sample_corpus_copy
    before = {
        name: (first.folder / f"{name}.jsonl").read_bytes()
        for name in ("articles", "debates", "links")
    }
    second = build_corpus(tmp_path / "corpus")
    for crawl in second.crawls:
        assert crawl.returncode == 0, crawl.stderr[-3000:]
    after = {name: (second.folder / f"{name}.jsonl").read_bytes() for name in before}
    # Nothing changed, so not even the crawl timestamps move.
    assert after == before
    news, variants, hansard, hansard_api, senedd, senedd_news = second.crawls
    assert news.stats["corpus/fetch/settled"] == 7
    assert news.stats.get("corpus/article/new", 0) == 0
    assert hansard.stats["corpus/fetch/settled"] == 4
    # The official Hansard's debates are below the bound volume: fetched again, unchanged.
    assert hansard_api.stats["corpus/hansard_api/debate/parsed"] == 3
    assert hansard_api.stats.get("corpus/debate/updated", 0) == 0
    assert variants.stats["item_dropped_reasons_count/UnchangedRecord"] == 3
    assert senedd.stats["item_dropped_reasons_count/UnchangedRecord"] == 1
    assert senedd_news.stats["item_dropped_reasons_count/UnchangedRecord"] == 2


def test_revalidating_unchanged_pages_costs_304s_and_changes_nothing(
    tmp_path: Path, sample_corpus_copy: BuiltCorpus
) -> None:
    first = sample_corpus_copy
    second = build_corpus(tmp_path / "corpus", FETCH_SETTLE_AFTER_DAYS="0")
    assert corpus_contents(second) == corpus_contents(first)
    news, _, hansard, *_ = second.crawls
    assert news.stats["corpus/fetch/not_modified"] == 7
    assert hansard.stats["corpus/fetch/not_modified"] == 4
    assert "corpus/article/updated" not in news.stats


def test_changing_one_saved_article_updates_exactly_that_record(
    tmp_path: Path, sample_corpus_copy: BuiltCorpus
) -> None:
    pages = copy_sample_pages(tmp_path / "pages")
    first = sample_corpus_copy
    before = {record["id"]: record for record in first.read("articles")}
    edit_page(
        pages,
        TYPHOONS_URL,
        [("<p>RAF Typhoon fighter jets", "<p>Royal Air Force Typhoon fighter jets")],
        ETag='"typhoons-corrected"',
        Last_Modified="Fri, 14 Feb 2025 10:00:00 GMT",
    )
    second = build_corpus(tmp_path / "corpus", replay_dir=pages, FETCH_SETTLE_AFTER_DAYS="0")
    after = {record["id"]: record for record in second.read("articles")}
    assert after.keys() == before.keys()
    changed = [article_id for article_id in after if after[article_id] != before[article_id]]
    assert changed == [TYPHOONS_ID]
    updated, original = after[TYPHOONS_ID], before[TYPHOONS_ID]
    assert updated["text"].startswith("Royal Air Force Typhoon fighter jets")
    assert updated["first_seen"] == original["first_seen"]
    assert updated["last_changed"] > original["last_changed"]
    assert updated["content_hash"] != original["content_hash"]
    assert second.crawls[0].stats["corpus/article/updated"] == 1
    assert second.read("debates") == first.read("debates")
    assert second.read("links") == first.read("links")


def count_rows(database: Path, table: str) -> int:
    try:
        with sqlite3.connect(f"file:{database}?mode=ro", uri=True, timeout=0.1) as conn:
            return conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
    except sqlite3.Error:
        return 0


@pytest.mark.parametrize(("killed_crawl", "table"), [(0, "articles"), (2, "debates")])
def test_a_crawl_killed_and_run_again_ends_as_an_uninterrupted_one(
    tmp_path: Path, sample_corpus: BuiltCorpus, killed_crawl: int, table: str
) -> None:
    corpus = tmp_path / "corpus"
    for spider, arguments in SAMPLE_CRAWLS[:killed_crawl]:
        assert crawl_in_process(spider, corpus, args=arguments).returncode == 0
    spider, arguments = SAMPLE_CRAWLS[killed_crawl]
    # Slow enough to be caught half-way, and committing within so short a crawl,
    # so that the kill lands after a batch was committed and before the last.
    process = start_crawl(
        spider, corpus, args=arguments, settings={"DOWNLOAD_DELAY": 0.4, "CORPUS_COMMIT_SECONDS": 1}
    )
    database = corpus / "corpus.sqlite3"
    assert kill_when(process, lambda: count_rows(database, table) >= 1), (
        "the crawl ended before it could be killed"
    )

    resumed = build_corpus(corpus)
    for crawl in resumed.crawls:
        assert crawl.returncode == 0, crawl.stderr[-3000:]
    for name in ("articles", "debates", "links"):
        assert without_run_time_fields(resumed.read(name)) == without_run_time_fields(
            sample_corpus.read(name)
        ), name
