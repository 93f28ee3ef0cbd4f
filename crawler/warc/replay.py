"""Replay a crawl from WARC files: ``REPLAY_DIR`` naming a folder of ``*.warc.gz``.

:class:`WarcIndex` reads every response record of the folder's files once and
keeps only a sorted array of URL hashes with the file and offset of each
record (20 bytes a record); a requested record is read again from its file.
:class:`WarcReplayDownloadHandler` answers requests from it with the same
guarantees as the manifest replay of :mod:`crawler.replay`: nothing reaches
the network, a URL missing from the capture gets a 404 logged with its URL
and counted ``corpus/replay/missing``, a conditional request is answered 304 from
the record's ``ETag``/``Last-Modified``, and the ``Date`` header is replayed,
so ``fetched_at`` is the original fetch time.

The body is replayed as it was recorded (still content-encoded): Scrapy's own
middlewares decompress and decode it again, as in the original crawl. Each
response carries the :class:`~crawler.warc.capture.Source` of the record it
came from, and is not captured again.

A URL fetched several times in the capture (a page recrawled, a debate
revisited) replays by ``REPLAY_WARC_REVISITS`` (304 answers are not pages and are
left out): ``latest`` (default) answers
every request with the last capture; ``capture_order`` answers the first
request with the first capture, the second with the second and so on, then
keeps the last.
"""

from __future__ import annotations

import hashlib
import logging
from array import array
from bisect import bisect_left
from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from scrapy.exceptions import NotConfigured
from scrapy.http import Headers, Response
from scrapy.responsetypes import responsetypes
from warcio.archiveiterator import ArchiveIterator
from warcio.exceptions import ArchiveLoadFailed
from warcio.recordloader import ArcWarcRecord

from crawler.errors import SettingError
from crawler.replay import ManifestError, SavedPage, not_modified
from crawler.urls import page_key
from crawler.warc.capture import SOURCE_META
from crawler.warc.files import warc_files

if TYPE_CHECKING:
    from scrapy import Request
    from scrapy.crawler import Crawler

logger = logging.getLogger(__name__)

REVISIT_MODES = ("latest", "capture_order")


def _url_hash(key: str) -> int:
    return int.from_bytes(hashlib.blake2b(key.encode(), digest_size=8).digest(), "big", signed=True)


@dataclass(frozen=True)
class CapturedResponse:
    url: str
    status: int
    headers: list[tuple[str, str]]
    body: bytes
    source: dict[str, str]


def warc_timestamp(value: str) -> str:
    """``2026-12-01T18:45:52Z`` (or with fractions) → ``2026-12-01T18:45:52+00:00``."""
    moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    return moment.replace(microsecond=0).isoformat()


def _status(record: ArcWarcRecord) -> int | None:
    http = record.http_headers
    return int(http.get_statuscode()) if http is not None else None


class WarcIndex:
    """The response records of a WARC folder, looked up by canonical URL."""

    def __init__(self, files: list[Path], hashes: array, numbers: array, offsets: array):
        self.files = files
        self.hashes = hashes
        self.numbers = numbers
        self.offsets = offsets

    def __len__(self) -> int:
        return len(self.hashes)

    @classmethod
    def load(cls, folder: str | Path) -> WarcIndex:
        files = warc_files(Path(folder).resolve())
        if not files:
            raise ManifestError(f"{folder}: no manifest.jsonl and no WARC files to replay")
        hashes, numbers, offsets = array("q"), array("i"), array("q")
        for number, path in enumerate(files):
            with path.open("rb") as stream:
                records = ArchiveIterator(stream)
                try:
                    for record in records:
                        # A 304 holds no page: conditional requests are answered
                        # from the validators of the captured page instead.
                        if record.rec_type != "response" or _status(record) == 304:
                            continue
                        url = record.rec_headers.get_header("WARC-Target-URI")
                        hashes.append(_url_hash(page_key(url)))
                        numbers.append(number)
                        offsets.append(records.get_record_offset())
                except ArchiveLoadFailed as error:
                    raise ManifestError(f"{path}: not a readable WARC file ({error})") from None
        # A stable sort keeps capture order (file, then offset) among equal hashes.
        order = sorted(range(len(hashes)), key=hashes.__getitem__)
        return cls(
            files,
            array("q", (hashes[i] for i in order)),
            array("i", (numbers[i] for i in order)),
            array("q", (offsets[i] for i in order)),
        )

    def read(self, number: int, offset: int) -> CapturedResponse:
        path = self.files[number]
        with path.open("rb") as stream:
            stream.seek(offset)
            record = next(iter(ArchiveIterator(stream)))
            # The payload as recorded: content-encoding is undone later by Scrapy.
            body = record.raw_stream.read()
            http = record.http_headers
            assert http is not None
            source = {
                "warc_file": path.name,
                "record_id": record.rec_headers.get_header("WARC-Record-ID"),
                "payload_digest": record.rec_headers.get_header("WARC-Payload-Digest"),
                "fetched_at": warc_timestamp(record.rec_headers.get_header("WARC-Date")),
            }
            return CapturedResponse(
                url=record.rec_headers.get_header("WARC-Target-URI"),
                status=int(http.get_statuscode()),
                headers=list(http.headers),
                body=body,
                source=source,
            )

    def captures(self, url: str) -> list[tuple[int, int]]:
        """(file number, offset) of every capture of ``url``, in capture order."""
        key = page_key(url)
        wanted = _url_hash(key)
        found: list[tuple[int, int]] = []
        index = bisect_left(self.hashes, wanted)
        while index < len(self.hashes) and self.hashes[index] == wanted:
            found.append((self.numbers[index], self.offsets[index]))
            index += 1
        if len(found) > 1:
            # Hash collisions are possible in principle: keep only this URL's records.
            found = [spot for spot in found if page_key(self.read(*spot).url) == key]
        return found


_loaded: dict[tuple[Path, tuple[tuple[str, int, int], ...]], WarcIndex] = {}


def load_warc_index(folder: str | Path) -> WarcIndex:
    """The index of ``folder``, read once per process while its files are unchanged."""
    files = warc_files(Path(folder).resolve())
    key = (
        Path(folder).resolve(),
        tuple((path.name, path.stat().st_mtime_ns, path.stat().st_size) for path in files),
    )
    if key not in _loaded:
        _loaded[key] = WarcIndex.load(folder)
        logger.info("Replaying %d captured responses from %s", len(_loaded[key]), folder)
    return _loaded[key]


class WarcReplayDownloadHandler:
    """Download handler answering http(s) requests from the WARC files in ``REPLAY_DIR``."""

    lazy = False

    def __init__(self, crawler: Crawler):
        folder = crawler.settings.get("REPLAY_DIR")
        if not folder:
            raise NotConfigured("REPLAY_DIR is not set")
        self.mode = crawler.settings.get("REPLAY_WARC_REVISITS")
        if self.mode not in REVISIT_MODES:
            raise SettingError(
                f"REPLAY_WARC_REVISITS must be one of {', '.join(REVISIT_MODES)}, not {self.mode!r}"
            )
        self.stats = crawler.stats
        self.index = load_warc_index(folder)
        self.requested: Counter[str] = Counter()

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> WarcReplayDownloadHandler:
        return cls(crawler)

    async def download_request(self, request: Request) -> Response:
        captures = self.index.captures(request.url)
        if not captures:
            logger.warning("Replay: %s is not in the WARC capture; answering 404", request.url)
            self.stats.inc_value("corpus/replay/missing")
            return Response(url=request.url, status=404, request=request)
        if self.mode == "capture_order":
            key = page_key(request.url)
            spot = captures[min(self.requested[key], len(captures) - 1)]
            self.requested[key] += 1
        else:
            spot = captures[-1]
        captured = self.index.read(*spot)
        headers = Headers(captured.headers)
        request.meta[SOURCE_META] = captured.source
        saved = SavedPage(
            captured.url, Path(), captured.status, {name: value for name, value in captured.headers}
        )
        if captured.status == 200 and not_modified(request, saved):
            self.stats.inc_value("corpus/replay/not_modified")
            return Response(url=request.url, status=304, headers=headers, request=request)
        body = b"" if request.method == "HEAD" else captured.body
        self.stats.inc_value("corpus/replay/served")
        response_class = responsetypes.from_args(headers=headers, url=request.url, body=body)
        return response_class(
            url=request.url, status=captured.status, headers=headers, body=body, request=request
        )

    async def close(self) -> None:
        pass
