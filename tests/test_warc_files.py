"""The WARC folder: rotation by size, retention, and repair of a torn last record."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from pathlib import Path

from scrapy import Request
from scrapy.http import HtmlResponse
from scrapy.statscollectors import MemoryStatsCollector
from scrapy.utils.test import get_crawler
from warcio.archiveiterator import ArchiveIterator

from crawler.warc.capture import WarcWriter
from crawler.warc.files import FILE_NAME, complete_length, repair, warc_files

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


def stats() -> MemoryStatsCollector:
    return MemoryStatsCollector(get_crawler())


def write_pages(writer: WarcWriter, count: int) -> None:
    for number in range(count):
        url = f"https://example.org/page-{number}"
        words = (f"{number}-{word}".encode() for word in range(20))
        text = " ".join(hashlib.sha256(word).hexdigest() for word in words)
        body = f"<html><body><p>{text}</p></body></html>".encode()
        writer.write(Request(url), HtmlResponse(url, body=body, status=200), NOW)


def record_types(path: Path) -> list[str]:
    with path.open("rb") as stream:
        return [record.rec_type for record in ArchiveIterator(stream)]


def test_files_rotate_past_the_size_and_are_named_by_date_and_sequence(tmp_path: Path) -> None:
    writer = WarcWriter(tmp_path, max_size=2_000, retention_bytes=0, stats=stats())
    write_pages(writer, 6)
    writer.close()
    files = warc_files(tmp_path)
    assert len(files) >= 3
    sequences = [int(FILE_NAME.match(path.name)["sequence"]) for path in files]
    assert sequences == list(range(1, len(files) + 1))
    for path in files:
        assert record_types(path)[0] == "warcinfo"
        assert path.stat().st_size < 2_000 + 1_500  # rotation happens before the next write


def test_retention_removes_the_oldest_files_only(tmp_path: Path) -> None:
    collector = stats()
    writer = WarcWriter(tmp_path, max_size=2_000, retention_bytes=5_000, stats=collector)
    write_pages(writer, 12)
    writer.close()
    files = warc_files(tmp_path)
    assert FILE_NAME.match(files[0].name)["sequence"] != "00001"
    assert sum(path.stat().st_size for path in files[:-1]) <= 5_000
    assert collector.get_value("corpus/warc/files_removed") >= 1


def test_a_torn_last_record_is_cut_and_the_rest_kept(tmp_path: Path) -> None:
    writer = WarcWriter(tmp_path, max_size=1 << 20, retention_bytes=0, stats=stats())
    write_pages(writer, 3)
    writer.close()
    (path,) = warc_files(tmp_path)
    whole = path.read_bytes()
    # A kill part-way through the fourth page's records.
    extra = WarcWriter(tmp_path / "other", max_size=1 << 20, retention_bytes=0, stats=stats())
    write_pages(extra, 1)
    extra.close()
    (other,) = warc_files(tmp_path / "other")
    fourth = other.read_bytes()
    path.write_bytes(whole + fourth[: len(fourth) - 30])

    fixed = repair(path)
    assert fixed.good_bytes == len(whole) + len(fourth) - 30 - fixed.cut_bytes
    assert path.read_bytes().startswith(whole)
    assert complete_length(path) == path.stat().st_size
    assert record_types(path)[:7] == ["warcinfo"] + ["response", "request"] * 3


def test_a_rerun_appends_after_repairing(tmp_path: Path) -> None:
    writer = WarcWriter(tmp_path, max_size=1 << 20, retention_bytes=0, stats=stats())
    write_pages(writer, 2)
    writer.close()
    (path,) = warc_files(tmp_path)
    with path.open("ab") as stream:
        stream.write(b"\x1f\x8b\x08\x00torn")
    collector = stats()
    again = WarcWriter(tmp_path, max_size=1 << 20, retention_bytes=0, stats=collector)
    write_pages(again, 1)
    again.close()
    assert warc_files(tmp_path) == [path]
    assert collector.get_value("corpus/warc/torn_bytes_cut") == 8
    assert record_types(path) == ["warcinfo"] + ["response", "request"] * 3
