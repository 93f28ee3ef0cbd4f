"""Capture every fetched response, with its request, to WARC files in the corpus folder.

:class:`WarcCaptureMiddleware` sits closest to the downloader, so it sees each
response as the server sent it: status line, headers and body before Scrapy
decompresses it (a gzip-encoded page is stored gzip-encoded, with its
``Content-Encoding``). Only the transfer encoding is undone (the HTTP client
de-chunks bodies): a ``Transfer-Encoding`` header is therefore left out of the
record, which WARC readers would otherwise try to apply again.

It writes a ``response`` and a ``request`` record per fetch (pages, listings,
feeds, sitemaps, robots.txt, redirects and 304s alike) and puts the response
record's :class:`Source` in ``request.meta["warc_source"]``;
:class:`crawler.warc.source.WarcSourceMiddleware` copies it onto the records
parsed from that page.

A crawl replayed from WARC files (``REPLAY_DIR`` holding ``*.warc.gz``)
captures nothing: its bytes are already pinned by the records they come from,
which the replay handler puts in ``request.meta["warc_source"]`` instead.

Settings: ``WARC_ENABLED``, ``WARC_DIR`` (empty: ``<CORPUS_DIR>/warc``; with
both empty the middleware is off),
``WARC_MAX_FILE_SIZE`` (bytes before a new file is started) and
``WARC_RETENTION_MAX_BYTES`` (oldest files removed beyond it; 0 keeps all).
Stats: ``corpus/warc/records``, ``corpus/warc/bytes``, ``corpus/warc/files``,
``corpus/warc/torn_bytes_cut``, ``corpus/warc/files_removed``.
"""

from __future__ import annotations

import io
import logging
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from scrapy import signals
from scrapy.exceptions import NotConfigured
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from crawler.warc.files import (
    capture_folder,
    is_warc_folder,
    next_file_name,
    repair,
    warc_files,
)

if TYPE_CHECKING:
    from scrapy import Request, Spider
    from scrapy.crawler import Crawler
    from scrapy.http import Response

logger = logging.getLogger(__name__)

SOURCE_META = "warc_source"
"""``request.meta`` key holding the :class:`Source` of the response to that request."""
# Headers describing how the bytes travelled, not what they are: the body in
# the record is already de-chunked.
HOP_HEADERS = frozenset({b"transfer-encoding"})
REASONS = {200: "OK", 301: "Moved Permanently", 302: "Found", 304: "Not Modified", 404: "Not Found"}


@dataclass(frozen=True)
class Source:
    """Where a record's page is stored: enough to find and check the exact bytes."""

    warc_file: str
    """Name of the WARC file in the corpus's ``warc/`` folder."""
    record_id: str
    """``WARC-Record-ID`` of the response record, ``<urn:uuid:…>``."""
    payload_digest: str
    """``WARC-Payload-Digest``: ``sha1:`` and the base32 SHA-1 of the body as received."""
    fetched_at: str
    """``WARC-Date`` of the record, ISO 8601 UTC to the second."""

    def as_dict(self) -> dict[str, str]:
        return asdict(self)


def warc_date(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def status_line(response: Response) -> str:
    return f"{response.status} {REASONS.get(response.status, 'Status')}"


def http_headers(headers: Any) -> list[tuple[str, str]]:
    """Scrapy headers as a list of pairs, one per value, hop-by-hop encodings left out."""
    pairs: list[tuple[str, str]] = []
    for name, values in headers.items():
        if name.lower() in HOP_HEADERS:
            continue
        for value in values:
            pairs.append((name.decode("latin-1"), value.decode("latin-1")))
    return pairs


class WarcWriter:
    """Appends records to the folder's newest file, starting a new one past ``max_size``."""

    def __init__(self, folder: Path, *, max_size: int, retention_bytes: int, stats: Any):
        self.folder = folder
        self.max_size = max_size
        self.retention_bytes = retention_bytes
        self.stats = stats
        self.folder.mkdir(parents=True, exist_ok=True)
        self.path: Path | None = None
        self.stream: IO[bytes] | None = None
        files = warc_files(folder)
        if files:
            fixed = repair(files[-1])
            if fixed.cut_bytes:
                logger.warning(
                    "WARC: %s ended with a torn record; cut %d bytes, kept %d",
                    fixed.path.name,
                    fixed.cut_bytes,
                    fixed.good_bytes,
                )
                stats.inc_value("corpus/warc/torn_bytes_cut", fixed.cut_bytes)
            if fixed.good_bytes < max_size:
                self.path = files[-1]
                self.stream = self.path.open("ab")

    def _start_file(self) -> None:
        if self.stream is not None:
            self.stream.close()
        self.path = self.folder / next_file_name(self.folder)
        self.stream = self.path.open("ab")
        self.stats.inc_value("corpus/warc/files")
        buffer = io.BytesIO()
        writer = WARCWriter(buffer, gzip=True, warc_version="1.1")
        info = writer.create_warcinfo_record(
            self.path.name, {"software": "defence-hansard-corpus", "format": "WARC File Format 1.1"}
        )
        writer.write_record(info)
        self._append(buffer.getvalue())
        self._apply_retention()

    def _append(self, data: bytes) -> None:
        assert self.stream is not None
        self.stream.write(data)
        self.stream.flush()
        self.stats.inc_value("corpus/warc/bytes", len(data))

    def _apply_retention(self) -> None:
        if self.retention_bytes <= 0:
            return
        files = warc_files(self.folder)
        total = sum(path.stat().st_size for path in files)
        for path in files:
            if total <= self.retention_bytes or path == self.path:
                break
            total -= path.stat().st_size
            path.unlink()
            logger.warning(
                "WARC: removed %s to keep the folder under WARC_RETENTION_MAX_BYTES; "
                "records fetched from it can no longer be re-extracted",
                path.name,
            )
            self.stats.inc_value("corpus/warc/files_removed")

    def write(self, request: Request, response: Response, now: datetime) -> Source:
        """Write the response and its request as one append; returns the response's source."""
        if self.stream is None or self.stream.tell() >= self.max_size:
            self._start_file()
        assert self.path is not None
        buffer = io.BytesIO()
        writer = WARCWriter(buffer, gzip=True, warc_version="1.1")
        date = warc_date(now)
        http = StatusAndHeaders(status_line(response), http_headers(response.headers), "HTTP/1.1")
        record = writer.create_warc_record(
            response.url,
            "response",
            payload=io.BytesIO(response.body),
            length=len(response.body),
            http_headers=http,
            warc_headers_dict={"WARC-Date": date},
        )
        writer.write_record(record)
        record_id = record.rec_headers.get_header("WARC-Record-ID")
        request_http = StatusAndHeaders(
            f"{request.method} {request.url} HTTP/1.1",
            http_headers(request.headers),
            is_http_request=True,
        )
        sent = writer.create_warc_record(
            request.url,
            "request",
            payload=io.BytesIO(request.body),
            length=len(request.body),
            http_headers=request_http,
            warc_headers_dict={"WARC-Date": date, "WARC-Concurrent-To": record_id},
        )
        writer.write_record(sent)
        self._append(buffer.getvalue())
        self.stats.inc_value("corpus/warc/records", 2)
        return Source(
            warc_file=self.path.name,
            record_id=record_id,
            payload_digest=record.rec_headers.get_header("WARC-Payload-Digest"),
            fetched_at=now.astimezone(UTC).replace(microsecond=0).isoformat(),
        )

    def close(self) -> None:
        if self.stream is not None:
            self.stream.close()
            self.stream = None


class WarcCaptureMiddleware:
    """Downloader middleware writing each response as received to the corpus's WARC files."""

    def __init__(self, writer: WarcWriter):
        self.writer = writer

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> WarcCaptureMiddleware:
        settings = crawler.settings
        if not settings.getbool("WARC_ENABLED"):
            raise NotConfigured("WARC_ENABLED is off")
        replay_dir = settings.get("REPLAY_DIR")
        if replay_dir and is_warc_folder(replay_dir):
            # Replayed bytes are already pinned by the records they come from.
            raise NotConfigured("replaying WARC files: nothing new to capture")
        folder = capture_folder(settings)
        if folder is None:
            raise NotConfigured("WARC_DIR and CORPUS_DIR are empty: nowhere to keep the pages")
        writer = WarcWriter(
            folder,
            max_size=settings.getint("WARC_MAX_FILE_SIZE"),
            retention_bytes=settings.getint("WARC_RETENTION_MAX_BYTES"),
            stats=crawler.stats,
        )
        middleware = cls(writer)
        crawler.signals.connect(middleware.spider_closed, signal=signals.spider_closed)
        return middleware

    def process_response(self, request: Request, response: Response) -> Response:
        source = self.writer.write(request, response, datetime.now(UTC))
        request.meta[SOURCE_META] = source.as_dict()
        return response

    def spider_closed(self, spider: Spider) -> None:
        self.writer.close()
