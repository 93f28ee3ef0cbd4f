"""The replay layer: manifest rules, canonical matching, 404s and 304s, no network."""

from __future__ import annotations

import socket
import threading
from pathlib import Path

import pytest
from scrapy import Request

from crawler.replay import Manifest, ManifestError, not_modified
from tests.support.crawl import crawl_in_process
from tests.support.pages import write_replay

HTML = "<html><head><title>T</title></head><body><p>Body text of the page.</p></body></html>"


def test_manifest_path_outside_folder_is_refused(tmp_path: Path) -> None:
    (tmp_path / "secret.html").write_text(HTML)
    snapshot = write_replay(
        tmp_path / "snap",
        [{"url": "https://example.org/", "path": "../secret.html"}],
        {"page.html": HTML},
    )
    with pytest.raises(ManifestError, match="points outside the replay folder"):
        Manifest.load(snapshot)


def test_manifest_absolute_path_outside_folder_is_refused(tmp_path: Path) -> None:
    snapshot = write_replay(
        tmp_path, [{"url": "https://example.org/", "path": "/etc/hostname"}], {"p.html": HTML}
    )
    with pytest.raises(ManifestError, match="points outside"):
        Manifest.load(snapshot)


def test_manifest_error_names_the_line(tmp_path: Path) -> None:
    snapshot = write_replay(
        tmp_path,
        [{"url": "https://example.org/a", "path": "p.html"}, {"url": "https://example.org/b"}],
        {"p.html": HTML},
    )
    with pytest.raises(ManifestError, match=r"manifest.jsonl:2: each line needs"):
        Manifest.load(snapshot)


@pytest.mark.parametrize(
    "asked",
    [
        "https://example.org/debates/?id=1&d=2",
        "https://example.org:443/debates/?d=2&id=1",
        "https://example.org/debates/?d=2&id=1#g1.0",
        "https://EXAMPLE.org/debates/?d=2&id=1",
    ],
)
def test_urls_match_in_canonical_form(tmp_path: Path, asked: str) -> None:
    snapshot = write_replay(
        tmp_path,
        [{"url": "https://example.org/debates/?d=2&id=1", "path": "p.html"}],
        {"p.html": HTML},
    )
    assert Manifest.load(snapshot).get(asked) is not None


def test_different_scheme_or_path_does_not_match(tmp_path: Path) -> None:
    snapshot = write_replay(
        tmp_path, [{"url": "https://example.org/a", "path": "p.html"}], {"p.html": HTML}
    )
    manifest = Manifest.load(snapshot)
    assert manifest.get("http://example.org/a") is None
    assert manifest.get("https://example.org/b") is None


def test_conditional_request_is_answered_from_saved_validators(tmp_path: Path) -> None:
    snapshot = write_replay(
        tmp_path,
        [
            {
                "url": "https://example.org/a",
                "path": "p.html",
                "headers": {"ETag": '"v2"', "Last-Modified": "Tue, 11 Feb 2025 10:00:00 GMT"},
            }
        ],
        {"p.html": HTML},
    )
    page = Manifest.load(snapshot).get("https://example.org/a")
    assert page is not None
    same = Request("https://example.org/a", headers={"If-None-Match": '"v2"'})
    older = Request("https://example.org/a", headers={"If-None-Match": '"v1"'})
    since = Request(
        "https://example.org/a", headers={"If-Modified-Since": "Wed, 12 Feb 2025 00:00:00 GMT"}
    )
    assert not_modified(same, page)
    assert not not_modified(older, page)
    assert not_modified(since, page)
    assert not not_modified(Request("https://example.org/a"), page)


@pytest.fixture
def tripwire():
    """A TCP server on 127.0.0.1 that records any connection made to it."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen()
    server.settimeout(0.2)
    hits: list[str] = []
    stop = threading.Event()

    def serve() -> None:
        while not stop.is_set():
            try:
                connection, _ = server.accept()
            except TimeoutError:
                continue
            hits.append("connected")
            connection.close()

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    yield server.getsockname()[1], hits
    stop.set()
    thread.join()
    server.close()


def test_url_missing_from_manifest_gets_logged_404_and_stat_without_network(
    tmp_path: Path, tripwire
) -> None:
    port, hits = tripwire
    missing = f"http://127.0.0.1:{port}/not-saved"
    snapshot = write_replay(
        tmp_path / "snap",
        [
            {
                "url": "https://example.org/a",
                "path": "p.html",
                "headers": {"Content-Type": "text/html; charset=utf-8"},
            },
        ],
        {"p.html": HTML},
    )
    result = crawl_in_process(
        "probe",
        tmp_path / "corpus",
        replay_dir=snapshot,
        args={"urls": f"https://example.org/a,{missing}"},
        settings={
            "SPIDER_MODULES": "crawler.spiders,tests.support.spiders",
            "ROBOTSTXT_OBEY": "False",
        },
    )
    assert hits == [], "the replay layer let a request reach the network"
    assert result.stats["corpus/replay/missing"] == 1
    assert result.stats["downloader/response_status_count/404"] == 1
    assert f"Replay: {missing} is not in the manifest" in result.stderr
    assert result.stats["probe/parsed"] == 1


def test_of_two_manifest_lines_for_one_url_the_later_wins(tmp_path: Path) -> None:
    snapshot = write_replay(
        tmp_path,
        [
            {"url": "https://example.org/a", "path": "old.html"},
            {"url": "https://example.org/b", "path": "old.html"},
            {"url": "https://example.org/a?", "path": "new.html", "status": 410},
        ],
        {"old.html": HTML, "new.html": HTML},
    )
    manifest = Manifest.load(snapshot)
    assert len(manifest) == 3
    page = manifest.get("https://example.org/a")
    assert page is not None and page.file.name == "new.html" and page.status == 410
    assert manifest.get("https://example.org/b").file.name == "old.html"
