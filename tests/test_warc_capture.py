"""WARC capture through real crawls: every record traced to the bytes it was read from."""

from __future__ import annotations

import base64
import hashlib
import json
import subprocess
import sys
from pathlib import Path

import pytest
from scrapy import Spider
from scrapy.exceptions import NotConfigured
from scrapy.utils.test import get_crawler
from warcio.archiveiterator import ArchiveIterator

from crawler.sample_corpus import SEED_ARTICLE
from crawler.warc.capture import WarcCaptureMiddleware
from tests.support.corpus import BuiltCorpus, without_run_time_fields
from tests.support.crawl import build_corpus, crawl_in_process, kill_when, start_crawl
from tests.support.project import project_settings

SNAPSHOTS = ("articles", "debates", "links")


def warc_folder(corpus: Path) -> Path:
    return corpus / "warc"


def responses_by_id(folder: Path) -> dict[str, tuple[str, str, bytes]]:
    """Response records of a WARC folder: record id → (file, target URL, raw payload)."""
    found: dict[str, tuple[str, str, bytes]] = {}
    for path in sorted(folder.glob("*.warc.gz")):
        with path.open("rb") as stream:
            for record in ArchiveIterator(stream):
                if record.rec_type == "response":
                    found[record.rec_headers.get_header("WARC-Record-ID")] = (
                        path.name,
                        record.rec_headers.get_header("WARC-Target-URI"),
                        record.raw_stream.read(),
                    )
    return found


def sha1_digest(payload: bytes) -> str:
    return "sha1:" + base64.b32encode(hashlib.sha1(payload).digest()).decode("ascii")


def warcio_check(folder: Path) -> subprocess.CompletedProcess:
    files = [str(path) for path in sorted(folder.glob("*.warc.gz"))]
    assert files
    return subprocess.run(
        [sys.executable, "-m", "warcio.cli", "check", "-v", *files],
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_the_sample_build_capture_passes_warcio_check(sample_corpus: BuiltCorpus) -> None:
    result = warcio_check(warc_folder(sample_corpus.folder))
    assert result.returncode == 0, result.stdout[-2000:]
    assert "digest pass" in result.stdout and "digest fail" not in result.stdout


def test_every_fetch_is_captured_and_its_bytes_counted(sample_corpus: BuiltCorpus) -> None:
    captured = responses_by_id(warc_folder(sample_corpus.folder))
    urls = {url for _file, url, _payload in captured.values()}
    assert any(url.endswith("/robots.txt") for url in urls)
    assert any("/feed" in url or "sitemap" in url for url in urls)
    on_disk = sum(path.stat().st_size for path in warc_folder(sample_corpus.folder).iterdir())
    counted = sum(crawl.stats["corpus/warc/bytes"] for crawl in sample_corpus.crawls)
    assert counted == on_disk


@pytest.mark.parametrize("name", ["articles", "debates"])
def test_every_record_names_the_captured_bytes_it_was_read_from(
    sample_corpus: BuiltCorpus, name: str
) -> None:
    captured = responses_by_id(warc_folder(sample_corpus.folder))
    records = sample_corpus.read(name)
    assert records
    for record in records:
        sources = record["source"] if name == "articles" else record["source"].values()
        if name == "debates":
            # One per interface, and the official Hansard's answer of a joined debate.
            joined = ["hansard"] if len(record.get("sources") or []) > 1 else []
            assert sorted(record["source"]) == sorted(record["interfaces"] + joined)
        else:
            sources = [sources]
        for source in sources:
            file, url, payload = captured[source["record_id"]]
            assert source["warc_file"] == file
            assert source["payload_digest"] == sha1_digest(payload)
            assert url in (record["urls"] if name == "debates" else [record["url"]])


def test_a_replay_of_the_capture_gives_byte_identical_snapshots(
    sample_corpus: BuiltCorpus, tmp_path: Path
) -> None:
    # The build fetches the seed article in two crawls: each crawl's replay
    # starts again from the first capture, as each original crawl found it.
    replayed = build_corpus(
        tmp_path / "replayed",
        replay_dir=warc_folder(sample_corpus.folder),
        REPLAY_WARC_REVISITS="capture_order",
    )
    for crawl in replayed.crawls:
        assert crawl.returncode == 0, crawl.stderr[-3000:]
        assert crawl.stats.get("corpus/replay/missing", 0) == 0
        assert "corpus/warc/bytes" not in crawl.stats  # nothing captured again
    assert not warc_folder(replayed.folder).exists()
    for name in SNAPSHOTS:
        original = (sample_corpus.folder / f"{name}.jsonl").read_bytes()
        assert original
        assert (replayed.folder / f"{name}.jsonl").read_bytes() == original, name


def test_a_url_missing_from_the_capture_is_a_logged_404(
    sample_corpus: BuiltCorpus, tmp_path: Path
) -> None:
    missing = "https://ukdefencejournal.org.uk/never-captured/"
    result = crawl_in_process(
        "defence_news",
        tmp_path / "corpus",
        replay_dir=warc_folder(sample_corpus.folder),
        args={"urls": missing},
    )
    assert result.stats["corpus/replay/missing"] == 1
    assert f"Replay: {missing} is not in the WARC capture; answering 404" in result.stderr
    assert result.read("articles") == []


def test_a_crawl_killed_while_capturing_then_rerun_leaves_valid_files_and_the_same_corpus(
    sample_corpus: BuiltCorpus, tmp_path: Path
) -> None:
    corpus = tmp_path / "corpus"
    folder = warc_folder(corpus)

    def some_records_written() -> bool:
        return any(path.stat().st_size > 5_000 for path in folder.glob("*.warc.gz"))

    spider, arguments = "defence_news", {"since": "2025-02-01", "until": "2025-02-28"}
    process = start_crawl(spider, corpus, args=arguments)
    assert kill_when(process, some_records_written), "the crawl ended before it was killed"
    # A torn record, as a kill in the middle of a write leaves it.
    newest = sorted(folder.glob("*.warc.gz"))[-1]
    size = newest.stat().st_size
    with newest.open("ab") as stream:
        stream.write(b"\x1f\x8b\x08\x00" + b"\x00" * 40)

    rerun = build_corpus(corpus)
    for crawl in rerun.crawls:
        assert crawl.returncode == 0, crawl.stderr[-3000:]
    assert rerun.crawls[0].stats["corpus/warc/torn_bytes_cut"] == 44
    assert newest.stat().st_size > size  # appended after the cut
    result = warcio_check(folder)
    assert result.returncode == 0, result.stdout[-2000:]
    for name in SNAPSHOTS:
        assert without_run_time_fields(rerun.read(name)) == without_run_time_fields(
            sample_corpus.read(name)
        )


def test_source_is_recorded_json_with_the_four_fields(sample_corpus: BuiltCorpus) -> None:
    line = (sample_corpus.folder / "articles.jsonl").read_text("utf-8").splitlines()[0]
    source = json.loads(line)["source"]
    assert sorted(source) == ["fetched_at", "payload_digest", "record_id", "warc_file"]


@pytest.mark.parametrize(("mode", "which"), [("latest", -1), ("capture_order", 0)])
def test_a_url_captured_twice_replays_by_the_revisits_setting(
    sample_corpus: BuiltCorpus, tmp_path: Path, mode: str, which: int
) -> None:
    # The sample build fetched the seed article in its first and second crawls.
    seed_url = SEED_ARTICLE + "/"
    captures = [
        record_id
        for record_id, (_file, url, _payload) in responses_by_id(
            warc_folder(sample_corpus.folder)
        ).items()
        if url == seed_url
    ]
    assert len(captures) == 2
    result = crawl_in_process(
        "defence_news",
        tmp_path / "corpus",
        replay_dir=warc_folder(sample_corpus.folder),
        args={"urls": seed_url},
        settings={"REPLAY_WARC_REVISITS": mode},
    )
    assert result.returncode == 0, result.stderr[-3000:]
    (article,) = result.read("articles")
    assert article["source"]["record_id"] == captures[which]


def test_capture_is_off_when_there_is_no_folder_to_keep_pages_in(tmp_path: Path) -> None:
    # No WARC_DIR and no corpus: nothing is written into a folder nobody named.
    nowhere = get_crawler(Spider, project_settings(CORPUS_DIR="", WARC_DIR=""))
    with pytest.raises(NotConfigured, match="WARC_DIR and CORPUS_DIR are empty"):
        WarcCaptureMiddleware.from_crawler(nowhere)
    corpus = get_crawler(Spider, project_settings(CORPUS_DIR=str(tmp_path / "corpus")))
    middleware = WarcCaptureMiddleware.from_crawler(corpus)
    assert middleware.writer.folder == tmp_path / "corpus" / "warc"
