"""Offline replay: answer every request from a saved snapshot of the sites.

A snapshot folder holds ``manifest.jsonl``, one JSON object per line::

    {"url": "https://…", "path": "host/page.html", "status": 200, "headers": {"ETag": "…"}}

``path`` is relative to the folder, ``status`` defaults to 200 and ``headers``
are the response headers to replay (``Location`` for redirects, ``ETag`` and
``Last-Modified`` for conditional requests, ``Date`` for when it was saved).

With ``-s REPLAY_DIR=<folder>``, :class:`ReplayAddon` puts
:class:`ReplayDownloadHandler` in place of Scrapy's HTTP handlers, so nothing
can reach the network: a URL missing from the manifest gets a 404 response,
logged with its URL and counted as ``corpus/replay/missing``. URLs match by
:func:`crawler.urls.page_key`, so query order, default ports and fragments do
not matter.

A folder of WARC files (a crawl's own capture, ``<corpus>/warc``) instead of a
manifest is replayed by :mod:`crawler.warc.replay` with the same guarantees.
"""

from __future__ import annotations

import hashlib
import json
import logging
from array import array
from bisect import bisect_left
from dataclasses import dataclass, field
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from scrapy.exceptions import NotConfigured
from scrapy.http import Headers, Response
from scrapy.responsetypes import responsetypes

from crawler.urls import page_key

if TYPE_CHECKING:
    from scrapy import Request
    from scrapy.crawler import Crawler
    from scrapy.settings import Settings

    from crawler.warc.replay import WarcIndex

logger = logging.getLogger(__name__)


class ManifestError(ValueError):
    """A snapshot manifest that cannot be used; the message names the line."""


@dataclass(frozen=True)
class SavedPage:
    url: str
    file: Path
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)


def _url_hash(key: str) -> int:
    return int.from_bytes(hashlib.blake2b(key.encode(), digest_size=8).digest(), "big", signed=True)


class Manifest:
    """The pages of one snapshot folder, looked up by canonical URL.

    Every line is checked when the manifest is loaded, but only a sorted array
    of URL hashes and line offsets stays in memory (16 bytes a page); the line
    of a requested URL is read again from the file. A snapshot of 20,000
    pages costs well under a megabyte instead of tens.
    """

    def __init__(self, folder: Path, path: Path, hashes: array, offsets: array):
        self.folder = folder
        self.path = path
        self.hashes = hashes
        self.offsets = offsets

    def __len__(self) -> int:
        return len(self.hashes)

    @classmethod
    def load(cls, folder: str | Path) -> Manifest:
        folder = Path(folder).resolve()
        manifest_path = folder / "manifest.jsonl"
        if not manifest_path.is_file():
            raise ManifestError(f"{manifest_path}: no manifest.jsonl in the replay folder")
        found_hashes, found_offsets = array("q"), array("q")
        with manifest_path.open("rb") as lines:
            offset = 0
            for number, raw in enumerate(lines, start=1):
                line = raw.decode("utf-8")
                if line.strip():
                    page = cls._read_entry(folder, manifest_path, number, line)
                    found_hashes.append(_url_hash(page_key(page.url)))
                    found_offsets.append(offset)
                offset += len(raw)
        # A stable sort by hash keeps file order among equal hashes: of two lines
        # for one URL, the later stays last.
        order = sorted(range(len(found_hashes)), key=found_hashes.__getitem__)
        hashes = array("q", (found_hashes[i] for i in order))
        offsets = array("q", (found_offsets[i] for i in order))
        return cls(folder, manifest_path, hashes, offsets)

    @staticmethod
    def _read_entry(folder: Path, manifest_path: Path, number: int, line: str) -> SavedPage:
        where = f"{manifest_path}:{number}"
        try:
            entry = json.loads(line)
        except json.JSONDecodeError as error:
            raise ManifestError(f"{where}: not valid JSON ({error.msg})") from None
        if not isinstance(entry, dict) or not entry.get("url") or not entry.get("path"):
            raise ManifestError(f"{where}: each line needs a 'url' and a 'path'")
        file = (folder / entry["path"]).resolve()
        if not file.is_relative_to(folder):
            raise ManifestError(
                f"{where}: path {entry['path']!r} points outside the replay folder {folder}"
            )
        if not file.is_file():
            raise ManifestError(f"{where}: saved file {entry['path']!r} does not exist")
        headers = entry.get("headers") or {}
        if not isinstance(headers, dict):
            raise ManifestError(f"{where}: 'headers' must be an object")
        try:
            status = int(entry.get("status", 200))
        except (TypeError, ValueError):
            raise ManifestError(f"{where}: 'status' must be an integer") from None
        return SavedPage(
            url=entry["url"],
            file=file,
            status=status,
            headers={str(k): str(v) for k, v in headers.items()},
        )

    def get(self, url: str) -> SavedPage | None:
        """The saved page for ``url``; of several lines for one URL, the last wins."""
        key = page_key(url)
        wanted = _url_hash(key)
        found: SavedPage | None = None
        index = bisect_left(self.hashes, wanted)
        with self.path.open("rb") as lines:
            while index < len(self.hashes) and self.hashes[index] == wanted:
                lines.seek(self.offsets[index])
                line = lines.readline().decode("utf-8")
                page = self._read_entry(self.folder, self.path, 0, line)
                if page_key(page.url) == key:
                    found = page
                index += 1
        return found


def not_modified(request: Request, page: SavedPage) -> bool:
    """Whether a conditional request can be answered 304 from the saved headers."""
    saved = {name.lower(): value for name, value in page.headers.items()}
    if_none_match = request.headers.get(b"If-None-Match")
    if if_none_match is not None and "etag" in saved:
        tags = {tag.strip() for tag in if_none_match.decode("latin-1").split(",")}
        return saved["etag"] in tags or "*" in tags
    if_modified_since = request.headers.get(b"If-Modified-Since")
    if if_modified_since is not None and "last-modified" in saved:
        try:
            since = parsedate_to_datetime(if_modified_since.decode("latin-1"))
            modified = parsedate_to_datetime(saved["last-modified"])
        except (TypeError, ValueError):
            return False
        return modified <= since
    return False


_loaded: dict[tuple[Path, int, int], Manifest] = {}


def load_manifest(folder: str | Path) -> Manifest | WarcIndex:
    """The manifest of ``folder``, read and checked once per process while it is unchanged.

    ``scrapy crawl`` checks it before starting, and the http and https handlers
    both use it: all three share one load. A folder of WARC files instead of a
    manifest gives its index (:mod:`crawler.warc.replay`).
    """
    from crawler.warc.files import is_warc_folder
    from crawler.warc.replay import load_warc_index

    if is_warc_folder(folder):
        return load_warc_index(folder)
    path = Path(folder).resolve() / "manifest.jsonl"
    try:
        stat = path.stat()
    except OSError:
        return Manifest.load(folder)  # raises the clear ManifestError
    key = (path, stat.st_mtime_ns, stat.st_size)
    if key not in _loaded:
        _loaded[key] = Manifest.load(folder)
        logger.info("Replaying %d saved pages from %s", len(_loaded[key]), path.parent)
    return _loaded[key]


class ReplayDownloadHandler:
    """Download handler that answers http(s) requests from ``REPLAY_DIR``."""

    lazy = False

    def __init__(self, crawler: Crawler):
        folder = crawler.settings.get("REPLAY_DIR")
        if not folder:
            raise NotConfigured("REPLAY_DIR is not set")
        self.crawler = crawler
        self.stats = crawler.stats
        manifest = load_manifest(folder)
        if not isinstance(manifest, Manifest):
            raise NotConfigured(f"{folder} holds WARC files: WarcReplayDownloadHandler replays it")
        self.manifest = manifest

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ReplayDownloadHandler:
        return cls(crawler)

    async def download_request(self, request: Request) -> Response:
        page = self.manifest.get(request.url)
        if page is None:
            logger.warning("Replay: %s is not in the manifest; answering 404", request.url)
            self.stats.inc_value("corpus/replay/missing")
            return Response(url=request.url, status=404, request=request)
        headers = Headers(page.headers)
        if page.status == 200 and not_modified(request, page):
            self.stats.inc_value("corpus/replay/not_modified")
            return Response(url=request.url, status=304, headers=headers, request=request)
        body = b"" if request.method == "HEAD" else page.file.read_bytes()
        self.stats.inc_value("corpus/replay/served")
        response_class = responsetypes.from_args(headers=headers, url=request.url, body=body)
        return response_class(
            url=request.url, status=page.status, headers=headers, body=body, request=request
        )

    async def close(self) -> None:
        pass


class ReplayAddon:
    """Switches a crawl to replay when ``REPLAY_DIR`` is set.

    Replayed pages cost the sites nothing, so the politeness delays are lifted;
    robots.txt is still obeyed (from the snapshot's own robots.txt files).
    """

    handler = "crawler.replay.ReplayDownloadHandler"
    warc_handler = "crawler.warc.replay.WarcReplayDownloadHandler"

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ReplayAddon:
        return cls()

    def update_settings(self, settings: Settings) -> None:
        if not settings.get("REPLAY_DIR"):
            return
        handlers: dict[str, Any] = dict(settings.getdict("DOWNLOAD_HANDLERS"))
        from crawler.warc.files import is_warc_folder

        handler = self.warc_handler if is_warc_folder(settings["REPLAY_DIR"]) else self.handler
        handlers.update({"http": handler, "https": handler})
        # "project" priority: replaces the project's live-site values, while
        # anything given on the command line (-s) still wins.
        settings.set("DOWNLOAD_HANDLERS", handlers, priority="project")
        settings.set("AUTOTHROTTLE_ENABLED", False, priority="project")
        settings.set("DOWNLOAD_DELAY", 0, priority="project")
        settings.set("CONCURRENT_REQUESTS_PER_DOMAIN", 16, priority="project")
        settings.set("RETRY_ENABLED", False, priority="project")
