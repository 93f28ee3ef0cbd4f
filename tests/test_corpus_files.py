"""The corpus folder: atomic snapshots that survive SIGKILL, the lock, earlier records kept."""

from __future__ import annotations

import json
import signal
import sqlite3
import subprocess
from pathlib import Path

from crawler.corpus import lock
from crawler.corpus.snapshot import SNAPSHOT_FILES, write_snapshot
from crawler.corpus.store import STORE_FILENAME, CorpusStore, dumps
from tests.support.crawl import crawl_in_process, kill_when, run_crawl, start_crawl
from tests.support.pages import ROOT, write_replay
from tests.test_replay import HTML

PROBE = {"SPIDER_MODULES": "crawler.spiders,tests.support.spiders", "ROBOTSTXT_OBEY": "False"}


def fill_store(folder: Path, count: int) -> None:
    CorpusStore(folder).close()
    with sqlite3.connect(folder / STORE_FILENAME) as conn:
        conn.executemany(
            "INSERT INTO articles (id, record) VALUES (?, ?)",
            (
                (
                    f"example.org/filler-{n:07d}",
                    dumps({"id": f"example.org/filler-{n:07d}", "text": "Filler text. " * 20}),
                )
                for n in range(count)
            ),
        )
    store = CorpusStore(folder)
    write_snapshot(store)
    store.close()


def probe_snapshot(tmp_path: Path, name: str = "p.html") -> Path:
    return write_replay(
        tmp_path / "snap",
        [
            {
                "url": "https://example.org/new-page",
                "path": name,
                "headers": {"Content-Type": "text/html; charset=utf-8"},
            }
        ],
        {name: HTML},
    )


def test_snapshot_files_are_sorted_unique_utf8(tmp_path: Path) -> None:
    store = CorpusStore(tmp_path)
    for article_id in ["b", "a", "c"]:
        store.put_article(
            {"id": article_id, "title": "Llafur – “Ceidwadwyr”"}, identities=(), sketch=()
        )
    write_snapshot(store)
    raw = (tmp_path / "articles.jsonl").read_bytes()
    assert "“Ceidwadwyr”".encode() in raw  # UTF-8, not ASCII-escaped
    ids = [json.loads(line)["id"] for line in raw.decode().splitlines()]
    assert ids == ["a", "b", "c"]


def test_sigkill_while_writing_the_snapshot_leaves_the_previous_one_whole(
    tmp_path: Path,
) -> None:
    corpus = tmp_path / "corpus"
    fill_store(corpus, 150_000)
    before = {name: (corpus / name).read_bytes() for name in SNAPSHOT_FILES.values()}
    process = start_crawl(
        "probe",
        corpus,
        replay_dir=probe_snapshot(tmp_path),
        args={"urls": "https://example.org/new-page"},
        settings=PROBE,
    )
    killed_mid_write = kill_when(process, lambda: any(corpus.glob(".snapshot-*")))
    assert killed_mid_write, "the crawl finished before its snapshot could be interrupted"
    after = {name: (corpus / name).read_bytes() for name in SNAPSHOT_FILES.values()}
    assert after == before

    # The next crawl clears the leftovers and writes a whole new snapshot.
    result = crawl_in_process(
        "probe",
        corpus,
        replay_dir=tmp_path / "snap",
        args={"urls": "https://example.org/new-page"},
        settings=PROBE,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert not list(corpus.glob(".snapshot-*"))
    articles = result.read("articles")
    assert len(articles) == 150_001
    assert articles[-1]["id"] == "example.org/new-page"


def test_a_later_crawl_keeps_records_it_did_not_revisit(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    fill_store(corpus, 3)
    result = crawl_in_process(
        "probe",
        corpus,
        replay_dir=probe_snapshot(tmp_path),
        args={"urls": "https://example.org/new-page"},
        settings=PROBE,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    ids = [record["id"] for record in result.read("articles")]
    assert ids == [
        "example.org/filler-0000000",
        "example.org/filler-0000001",
        "example.org/filler-0000002",
        "example.org/new-page",
    ]


def test_a_second_crawl_stops_at_once_naming_the_lock(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    held = lock.acquire(corpus)
    try:
        result = run_crawl(
            "probe",
            corpus,
            replay_dir=probe_snapshot(tmp_path),
            args={"urls": "https://example.org/new-page"},
            settings=PROBE,
        )
    finally:
        lock.release(held)
    assert result.returncode == 2
    assert f"another crawl holds the corpus lock {held}" in result.stderr
    assert result.stats == {}, "the locked-out crawl must not have started"
    assert not (corpus / "articles.jsonl").exists()


def test_a_killed_crawl_does_not_leave_the_lock_behind(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    holder = subprocess.Popen(
        [
            "python3",
            "-c",
            "import sys, time; sys.path.insert(0, sys.argv[1]);"
            "from crawler.corpus import lock; lock.acquire(sys.argv[2]); print('held', flush=True);"
            "time.sleep(60)",
            str(ROOT),
            str(corpus),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
    holder.send_signal(signal.SIGKILL)
    holder.wait()
    path = lock.acquire(corpus)
    lock.release(path)
