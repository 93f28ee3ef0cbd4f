"""The corpus never shrinks by accident: a lost or damaged store stops the crawl before
it fetches anything, ``scrapy corpus rebuild`` restores the store from the snapshot, a
snapshot that would lose records the store did not delete is refused, and records are
checked against crawler/schemas/ before they are stored."""

from __future__ import annotations

import json
import shutil
import sqlite3
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest
from scrapy import Spider
from scrapy.crawler import Crawler
from scrapy.utils.test import get_crawler

from crawler.corpus.extension import CorpusStoreExtension
from crawler.corpus.health import check_store
from crawler.corpus.snapshot import SNAPSHOT_FILES
from crawler.corpus.store import SCHEMA_VERSION, STORE_FILENAME, StoreUnusableError, dumps
from crawler.items import ArticleItem
from crawler.sample_corpus import SAMPLE_CRAWLS
from crawler.verdict import crawl_failure
from tests.support.corpus import BuiltCorpus, copy_corpus
from tests.support.crawl import CrawlResult, crawl_env, crawl_in_process, scrapy_command
from tests.support.pages import ROOT
from tests.support.project import project_settings
from tests.test_revisions import crawl_reissued_day

HANSARD = SAMPLE_CRAWLS[2]
UNLINKED_ARTICLE = (
    "ukdefencejournal.org.uk/autonomous-minehunting-boat-completes-sea-trials-off-scotland"
)
PROBE = {"SPIDER_MODULES": "crawler.spiders,tests.support.spiders", "ROBOTSTXT_OBEY": "False"}
ARTICLE_URL = "https://ukdefencejournal.org.uk/typhoons-scrambled-to-shadow-russian-aircraft-near-uk-airspace/"


def lose_store(path: Path) -> None:
    path.unlink()


def truncate_store(path: Path) -> None:
    path.write_bytes(b"")


def overwrite_store_with_garbage(path: Path) -> None:
    size = path.stat().st_size
    path.write_bytes((bytes(range(256)) * (size // 256 + 1))[:size])


def damage_store_pages(path: Path) -> None:
    """Keep the header page (the file still opens as a database), garble the rest."""
    content = path.read_bytes()
    page = int.from_bytes(content[16:18], "big")
    garbage = (bytes(range(256)) * (len(content) // 256 + 1))[: len(content) - page]
    path.write_bytes(content[:page] + garbage)


# fault → (how it is done, what the reason line says of the store)
STORE_FAULTS: dict[str, tuple[Callable[[Path], None], str]] = {
    "deleted": (lose_store, "is missing"),
    "truncated to 0 bytes": (truncate_store, "is empty (0 bytes)"),
    "garbage bytes": (overwrite_store_with_garbage, "is damaged (file is not a database)"),
    "damaged pages": (damage_store_pages, "is damaged ("),
}


def snapshot_bytes(folder: Path) -> dict[str, bytes]:
    return {name: (folder / name).read_bytes() for name in SNAPSHOT_FILES.values()}


def rebuild(corpus: Path, *options: str) -> subprocess.CompletedProcess:
    command = scrapy_command("corpus", "rebuild", "-s", f"CORPUS_DIR={corpus}", *options)
    return subprocess.run(
        command, cwd=ROOT, capture_output=True, text=True, timeout=300, env=crawl_env()
    )


def crawl_hansard(corpus: Path, **options) -> CrawlResult:
    spider, arguments = HANSARD
    return crawl_in_process(spider, corpus, args=arguments, **options)


def last_line(text: str) -> str:
    return text.strip().splitlines()[-1]


# --- store loss ---------------------------------------------------------------------


@pytest.mark.parametrize("fault", STORE_FAULTS)
def test_a_lost_store_stops_the_crawl_and_a_rebuild_restores_the_corpus(
    fault: str, sample_corpus: BuiltCorpus, tmp_path: Path
) -> None:
    corpus = copy_corpus(sample_corpus.folder, tmp_path / "corpus")
    clean = snapshot_bytes(sample_corpus.folder)
    damage, state = STORE_FAULTS[fault]
    damage(corpus / STORE_FILENAME)

    refused = crawl_hansard(corpus)
    assert refused.returncode == 2
    reason = last_line(refused.stderr)
    assert reason.startswith(f"scrapy crawl: the corpus store {corpus / STORE_FILENAME} {state}")
    counts = {name: len(sample_corpus.read(name)) for name in ("articles", "debates", "links")}
    assert f"articles.jsonl ({counts['articles']} records)" in reason or "damaged" in state
    assert reason.endswith(f"`scrapy corpus rebuild -s CORPUS_DIR={corpus}`")
    assert "Traceback" not in refused.stderr
    assert "Spider opened" not in refused.stderr  # stopped before anything was fetched
    assert snapshot_bytes(corpus) == clean

    rebuilt = rebuild(corpus)
    assert rebuilt.returncode == 0, rebuilt.stderr
    assert rebuilt.stdout.strip().endswith(
        f"{counts['debates']} debates, {counts['articles']} articles, {counts['links']} links"
    )
    assert rebuilt.stderr == ""  # the records give exactly the links of links.jsonl
    reruns = [crawl_in_process(spider, corpus, args=args) for spider, args in SAMPLE_CRAWLS]
    for rerun in reruns:
        assert rerun.returncode == 0, rerun.stderr[-3000:]
    assert snapshot_bytes(corpus) == clean
    # Everything was settled or unchanged: the rebuilt store knew every page.
    hansard = reruns[SAMPLE_CRAWLS.index(HANSARD)]
    assert hansard.stats["corpus/fetch/settled"] == 4
    assert not any("corpus/debate/updated" in rerun.stats for rerun in reruns)


def test_a_store_of_a_newer_schema_version_is_refused(
    sample_corpus: BuiltCorpus, tmp_path: Path
) -> None:
    corpus = copy_corpus(sample_corpus.folder, tmp_path / "corpus")
    with sqlite3.connect(corpus / STORE_FILENAME) as conn:
        conn.execute("PRAGMA user_version = 99")
    result = crawl_hansard(corpus)
    assert result.returncode == 2
    newer = f"has schema version 99, newer than this crawler's {SCHEMA_VERSION}"
    assert newer in last_line(result.stderr)


def test_check_store_lets_a_fresh_folder_and_a_store_without_snapshot_start(
    tmp_path: Path,
) -> None:
    check_store(tmp_path / "new")  # neither store nor snapshot
    (tmp_path / "empty").mkdir()
    (tmp_path / "empty" / STORE_FILENAME).write_bytes(b"")
    check_store(tmp_path / "empty")  # an empty store and no snapshot: SQLite starts it
    (tmp_path / "junk").mkdir()
    (tmp_path / "junk" / STORE_FILENAME).write_bytes(b"not a database" * 100)
    with pytest.raises(StoreUnusableError, match=r"damaged.*move it away"):
        check_store(tmp_path / "junk")


# --- scrapy corpus rebuild -------------------------------------------------------------


def test_rebuild_refuses_a_healthy_store_unless_forced(
    sample_corpus: BuiltCorpus, tmp_path: Path
) -> None:
    corpus = copy_corpus(sample_corpus.folder, tmp_path / "corpus")
    before = (corpus / STORE_FILENAME).read_bytes()
    refused = rebuild(corpus)
    assert refused.returncode == 2
    assert last_line(refused.stderr) == (
        f"scrapy corpus: the corpus store {corpus / STORE_FILENAME} passes its checks; "
        "give --force to replace it"
    )
    assert (corpus / STORE_FILENAME).read_bytes() == before

    forced = rebuild(corpus, "--force")
    assert forced.returncode == 0, forced.stderr
    result = crawl_hansard(corpus)
    assert result.returncode == 0, result.stderr[-3000:]
    assert snapshot_bytes(corpus) == snapshot_bytes(sample_corpus.folder)


def test_rebuild_reads_a_snapshot_from_another_folder(
    sample_corpus: BuiltCorpus, tmp_path: Path
) -> None:
    corpus = tmp_path / "corpus"
    rebuilt = rebuild(corpus, "--from", str(sample_corpus.folder))
    assert rebuilt.returncode == 0, rebuilt.stderr
    assert sorted(path.name for path in corpus.iterdir()) == [".lock", STORE_FILENAME]
    # The next crawl writes the snapshot from the rebuilt store: the same files.
    result = crawl_hansard(corpus)
    assert result.returncode == 0, result.stderr[-3000:]
    assert snapshot_bytes(corpus) == snapshot_bytes(sample_corpus.folder)


def test_rebuild_links_within_the_linking_window_the_crawls_use(
    sample_corpus: BuiltCorpus, tmp_path: Path
) -> None:
    # The sample's articles quote the sitting of the day before they were published.
    corpus = tmp_path / "corpus"
    narrow = rebuild(corpus, "--from", str(sample_corpus.folder), "-s", "LINKING_WINDOW_DAYS=0")
    assert narrow.returncode == 0, narrow.stderr
    links = len(sample_corpus.read("links"))
    assert f"the records give 0 link(s) links.jsonl lacks, and links.jsonl has {links}" in (
        narrow.stderr
    )


def test_rebuild_keeps_and_reports_snapshot_records_that_break_their_schema(
    sample_corpus: BuiltCorpus, tmp_path: Path
) -> None:
    corpus = copy_corpus(sample_corpus.folder, tmp_path / "corpus")
    lose_store(corpus / STORE_FILENAME)
    articles = corpus / "articles.jsonl"
    lines = articles.read_text("utf-8").splitlines()
    # An article whose quotes are not a speech's: linking never reads its date.
    at = next(i for i, line in enumerate(lines) if UNLINKED_ARTICLE in line)
    damaged = json.loads(lines[at])
    damaged["published"] = "last Tuesday"
    lines[at] = dumps(damaged, ArticleItem)  # as the store writes it
    articles.write_text("\n".join(lines) + "\n", "utf-8")
    before = snapshot_bytes(corpus)

    result = rebuild(corpus)
    assert result.returncode == 0, result.stderr
    assert last_line(result.stderr) == (
        "scrapy corpus: warning: 1 record(s) of the snapshot do not follow their schema in "
        "crawler/schemas/ and were kept as they are (first: "
        f"articles.jsonl:{at + 1}: data.published "
        "cannot be validated by any definition (got 'last Tuesday'))"
    )
    # What researchers were given is restored, the odd record included.
    news, arguments = SAMPLE_CRAWLS[1]
    assert crawl_in_process(news, corpus, args=arguments).returncode == 0
    assert snapshot_bytes(corpus) == before


def test_rebuild_stops_at_a_snapshot_line_that_is_not_json(
    sample_corpus: BuiltCorpus, tmp_path: Path
) -> None:
    corpus = copy_corpus(sample_corpus.folder, tmp_path / "corpus")
    lose_store(corpus / STORE_FILENAME)
    articles = corpus / "articles.jsonl"
    content = articles.read_bytes()
    articles.write_bytes(content[: len(content) - 200])  # the last line cut short

    result = rebuild(corpus)
    assert result.returncode == 2
    reason = last_line(result.stderr)
    last = len(sample_corpus.read("articles"))
    assert reason.startswith(f"scrapy corpus: {articles}:{last} is not JSON (")
    assert reason.endswith("; the corpus folder was not changed")
    # The WARC capture (warc/) stays as the sample build left it.
    expected = sorted([".lock", "warc", *SNAPSHOT_FILES.values()])
    assert sorted(path.name for path in corpus.iterdir()) == expected


def test_rebuild_without_a_snapshot_changes_nothing(tmp_path: Path) -> None:
    result = rebuild(tmp_path / "corpus")
    assert result.returncode == 2
    assert "holds no snapshot" in last_line(result.stderr)
    assert not (tmp_path / "corpus" / STORE_FILENAME).exists()


# --- a snapshot never loses records the store did not delete ----------------------------


def test_a_store_that_lacks_records_of_the_snapshot_stops_the_crawl(
    sample_corpus: BuiltCorpus, tmp_path: Path
) -> None:
    # A store that holds records, but not all of the snapshot's: here the store of
    # a corpus that only ever crawled Hansard, put in place of the right one.
    other = tmp_path / "hansard-only"
    assert crawl_hansard(other).returncode == 0
    corpus = copy_corpus(sample_corpus.folder, tmp_path / "corpus")
    shutil.copy(other / STORE_FILENAME, corpus / STORE_FILENAME)

    result = crawl_hansard(corpus)
    assert result.returncode == 2
    # Every article and link, the Senedd's debate and the official Hansard's two debates of
    # its own are missing from a TheyWorkForYou-only store.
    articles, links = len(sample_corpus.read("articles")), len(sample_corpus.read("links"))
    assert last_line(result.stderr) == (
        f"scrapy crawl: the corpus store {corpus / STORE_FILENAME} lacks records of the "
        f"snapshot beside it with no deletion noted for them ({articles} of articles.jsonl (first: "
        "forcesnews.com/services/army/soldiers-test-new-counter-drone-kit-salisbury-plain), "
        "3 of debates.jsonl (first: hansard-5E9D1B3F-7C2A-4F04-A6E8-9B1D3F5A7C29), "
        f"{links} of links.jsonl (first: 15f47ce3c27d5c95d8c6)); rebuild it from the snapshot with "
        f"`scrapy corpus rebuild -s CORPUS_DIR={corpus}`"
    )
    assert snapshot_bytes(corpus) == snapshot_bytes(sample_corpus.folder)
    # The rebuild needs no --force: the store does not pass its checks.
    assert rebuild(corpus).returncode == 0
    assert crawl_hansard(corpus).returncode == 0
    assert snapshot_bytes(corpus) == snapshot_bytes(sample_corpus.folder)


def closing_crawl(corpus: Path) -> tuple[Crawler, CorpusStoreExtension]:
    crawler = get_crawler(Spider, project_settings(CORPUS_DIR=str(corpus)))
    return crawler, CorpusStoreExtension.from_crawler(crawler)


def test_a_snapshot_that_would_lose_records_the_store_did_not_delete_is_not_written(
    sample_corpus: BuiltCorpus, tmp_path: Path
) -> None:
    corpus = copy_corpus(sample_corpus.folder, tmp_path / "corpus")
    crawler, extension = closing_crawl(corpus)
    try:
        # Records gone from the store during the crawl, with no deletion noted.
        with sqlite3.connect(extension.store.path) as other:
            other.execute("DELETE FROM articles WHERE site = 'Forces News'")
        extension.spider_closed(Spider("probe"), "finished")
    finally:
        extension.engine_stopped()
    reason = crawler.stats.get_value("corpus/snapshot/refused")
    assert reason.startswith(
        "snapshot not written: articles.jsonl would lose 2 record(s) (first: "
        "forcesnews.com/services/army/soldiers-test-new-counter-drone-kit-salisbury-plain)"
    )
    assert crawl_failure(crawler.stats.get_stats()) == f"crawl failed: {reason}"
    assert snapshot_bytes(corpus) == snapshot_bytes(sample_corpus.folder)


def test_a_snapshot_may_lose_records_whose_deletion_the_store_noted(
    sample_corpus: BuiltCorpus, tmp_path: Path
) -> None:
    corpus = copy_corpus(sample_corpus.folder, tmp_path / "corpus")
    crawler, extension = closing_crawl(corpus)
    gone = "forcesnews.com/services/army/soldiers-test-new-counter-drone-kit-salisbury-plain"
    try:
        with sqlite3.connect(extension.store.path) as other:
            other.execute("DELETE FROM articles WHERE id = ?", (gone,))
        extension.store.note_deletions("articles", [gone], reason="merged")
        extension.spider_closed(Spider("probe"), "finished")
    finally:
        extension.engine_stopped()
    assert crawler.stats.get_value("corpus/snapshot/refused") is None
    ids = [json.loads(line)["id"] for line in (corpus / "articles.jsonl").open()]
    assert len(ids) == len(sample_corpus.read("articles")) - 1 and gone not in ids


def test_a_revision_that_replaces_a_debate_is_a_recorded_deletion(
    sample_corpus: BuiltCorpus, tmp_path: Path
) -> None:
    corpus = copy_corpus(sample_corpus.folder, tmp_path / "corpus")
    result = crawl_reissued_day(corpus, tmp_path)
    assert result.returncode == 0, result.stderr[-3000:]
    ids = [json.loads(line)["id"] for line in (corpus / "debates.jsonl").open()]
    assert [i for i in ids if not i.startswith("senedd-")] == [
        "2025-02-10b.1.1",
        "2025-02-11a.190.0",
        "hansard-5E9D1B3F-7C2A-4F04-A6E8-9B1D3F5A7C29",
        "hansard-F1B3D5E7-9A2C-4E40-8D62-4A6C8E0B2D96",
    ]
    with sqlite3.connect(corpus / STORE_FILENAME) as conn:
        deleted = conn.execute(
            "SELECT id, replaced_by, reason FROM deletions WHERE tbl = 'debates'"
        ).fetchall()
    assert deleted == [("2025-02-10a.1.1", "2025-02-10b.1.1", "revision")]


# --- records follow crawler/schemas/ before they are stored -----------------------------------


def test_a_record_that_breaks_its_schema_is_not_stored_and_fails_the_crawl(
    tmp_path: Path,
) -> None:
    result = crawl_in_process(
        "probe_raw_language", tmp_path / "corpus", args={"urls": ARTICLE_URL}, settings=PROBE
    )
    assert result.returncode == 1
    assert result.stats["corpus/article/invalid"] == 1
    assert "1 item(s) dropped as unusable" in last_line(result.stderr)
    assert (
        "does not follow crawler/schemas/article.schema.json and was not stored: "
        "data.language must match pattern"
    ) in result.stderr
    assert "'en-GB'" in result.stderr
    assert result.read("articles") == []
