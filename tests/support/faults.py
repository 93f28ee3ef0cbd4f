"""A web server on 127.0.0.1 that serves saved pages with faults, for crawls in tests.

:class:`FaultServer` serves the pages of a replay folder (``sample_pages/`` by
default) over real HTTP, the way the live sites would, except where a test
gives a :class:`Fault` for a URL: a status code, a redirect, a body cut short,
a reset connection, a wrong charset, a gzip bomb, ``Retry-After``…

The crawl under test runs in a subprocess with :data:`LOOPBACK_HANDLERS` as its
download handlers (see :func:`loopback_settings`): every request, whatever its
host, goes over the wire to this server and nowhere else, carrying its real URL
in a header; the response comes back under the real URL. So the crawler's
redirect, retry, robots.txt, decompression and size-limit machinery all run
for real, while nothing can leave the machine.
"""

from __future__ import annotations

import gzip
import json
import socket
import socketserver
import struct
import threading
import time
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from scrapy.core.downloader.handlers.http11 import HTTP11DownloadHandler

from crawler.replay import Manifest, not_modified
from crawler.urls import page_key
from tests.support.pages import SAMPLE_PAGES

ORIGINAL_URL_HEADER = "X-Loopback-Url"

REASONS = {
    200: "OK",
    301: "Moved Permanently",
    302: "Found",
    304: "Not Modified",
    403: "Forbidden",
    404: "Not Found",
    429: "Too Many Requests",
    500: "Internal Server Error",
    503: "Service Unavailable",
}


# --------------------------------------------------------------------- the crawl side
class LoopbackDownloadHandler(HTTP11DownloadHandler):
    """Scrapy's HTTP/1.1 handler, with every request sent to ``LOOPBACK_ADDRESS``.

    The real URL travels in the ``X-Loopback-Url`` header and the response is
    given back under it, so the rest of Scrapy never sees the loopback address.
    """

    def __init__(self, crawler: Any):
        super().__init__(crawler)
        address = crawler.settings.get("LOOPBACK_ADDRESS")
        host = address.rsplit(":", 1)[0]
        if host != "127.0.0.1":
            raise ValueError(f"LOOPBACK_ADDRESS must be on 127.0.0.1, got {address!r}")
        self.address = address

    async def download_request(self, request: Any) -> Any:
        headers = request.headers.copy()
        headers[ORIGINAL_URL_HEADER] = request.url
        wire = request.replace(url=f"http://{self.address}/", headers=headers)
        response = await super().download_request(wire)
        return response.replace(url=request.url, request=request)


LOOPBACK_HANDLERS = {
    "http": "tests.support.faults.LoopbackDownloadHandler",
    "https": "tests.support.faults.LoopbackDownloadHandler",
}


def loopback_settings(server: FaultServer) -> dict[str, str]:
    """``-s`` settings that send a crawl's every request to ``server``."""
    return {
        "DOWNLOAD_HANDLERS": json.dumps(LOOPBACK_HANDLERS),
        "LOOPBACK_ADDRESS": f"127.0.0.1:{server.port}",
        # A local server: no politeness delays, and retries only where a test asks.
        "AUTOTHROTTLE_ENABLED": "False",
        "DOWNLOAD_DELAY": "0",
        "CONCURRENT_REQUESTS_PER_DOMAIN": "8",
    }


# --------------------------------------------------------------------- the server side
@dataclass
class Exchange:
    """One request as the server saw it."""

    url: str
    method: str
    headers: dict[str, str]
    at: float


@dataclass
class Answer:
    """What to send back: status, headers and body, and how to break the sending."""

    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""
    content_length: bool = True
    """Send ``Content-Length`` (the body's true length unless ``declared_length``)."""
    declared_length: int | None = None
    send_bytes: int | None = None
    """Send only this many body bytes, then close the connection."""
    chunked: bool = False
    reset: bool = False
    """Close the connection with a TCP reset before answering."""


Fault = Callable[["Answer", Exchange], "Answer | None"]
"""Turns the saved page's answer into the faulty one (``None`` keeps it)."""


def status(code: int, body: bytes = b"", **headers: str) -> Fault:
    """Answer ``code`` with ``headers`` (``Retry_After="30"`` → ``Retry-After: 30``)."""

    def fault(answer: Answer, exchange: Exchange) -> Answer:
        named = {name.replace("_", "-"): value for name, value in headers.items()}
        return Answer(code, {"Content-Type": "text/html; charset=utf-8", **named}, body)

    return fault


def redirect(location: str, code: int = 301) -> Fault:
    return status(code, Location=location)


def body(content: bytes, content_type: str | None = None) -> Fault:
    """Serve ``content`` instead of the saved page, optionally with another Content-Type."""

    def fault(answer: Answer, exchange: Exchange) -> Answer:
        headers = dict(answer.headers)
        if content_type is not None:
            headers["Content-Type"] = content_type
        return Answer(answer.status, headers, content)

    return fault


def charset(name: str) -> Fault:
    """Declare ``charset=name`` for the saved bytes (which are UTF-8)."""

    def fault(answer: Answer, exchange: Exchange) -> Answer:
        headers = dict(answer.headers)
        headers["Content-Type"] = f"text/html; charset={name}"
        return Answer(answer.status, headers, answer.body)

    return fault


def cut(fraction: float = 0.5, *, with_length: bool = False) -> Fault:
    """Close the connection part-way through the body.

    Without ``with_length`` no ``Content-Length`` is sent, so the client cannot
    tell from the protocol that the page is incomplete.
    """

    def fault(answer: Answer, exchange: Exchange) -> Answer:
        answer.send_bytes = int(len(answer.body) * fraction)
        answer.content_length = with_length
        return answer

    return fault


def chunked() -> Fault:
    def fault(answer: Answer, exchange: Exchange) -> Answer:
        answer.chunked = True
        return answer

    return fault


def reset() -> Fault:
    def fault(answer: Answer, exchange: Exchange) -> Answer:
        answer.reset = True
        return answer

    return fault


def gzip_bomb(megabytes: int = 64) -> Fault:
    """A small gzip body that inflates to ``megabytes`` MiB of zeros."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, 31)
    chunk = b"\0" * (1024 * 1024)
    bomb = b"".join(compressor.compress(chunk) for _ in range(megabytes)) + compressor.flush()

    def fault(answer: Answer, exchange: Exchange) -> Answer:
        headers = {"Content-Type": "text/html; charset=utf-8", "Content-Encoding": "gzip"}
        return Answer(200, headers, bomb)

    return fault


def gzipped(content: bytes) -> bytes:
    return gzip.compress(content, mtime=0)


def slow(seconds: float) -> Fault:
    """Answer with the saved page, ``seconds`` late (a slow server; the crawl stays busy)."""

    def fault(answer: Answer, exchange: Exchange) -> None:
        time.sleep(seconds)

    return fault


def times(first: Fault, count: int) -> Fault:
    """``first`` for the first ``count`` requests of the URL, then the saved page."""
    served = 0

    def fault(answer: Answer, exchange: Exchange) -> Answer | None:
        nonlocal served
        served += 1
        return first(answer, exchange) if served <= count else None

    return fault


class FaultServer:
    """Serves a replay folder on 127.0.0.1, with faults per URL.

    ``faults`` maps a URL (any form: it is canonicalised as the replay layer
    does) to a :data:`Fault`; ``default`` applies to every URL without one.
    ``exchanges`` lists every request received, in order. ``mirrors`` maps a
    host to the host whose saved pages it serves (``{"mirror.example.org":
    "www.theyworkforyou.com"}``), as a mirror of a site would.
    """

    def __init__(
        self,
        folder: Path = SAMPLE_PAGES,
        faults: dict[str, Fault] | None = None,
        default: Fault | None = None,
        mirrors: dict[str, str] | None = None,
    ):
        self.manifest = Manifest.load(folder)
        self.mirrors = dict(mirrors or {})
        self.faults = {page_key(url): fault for url, fault in (faults or {}).items()}
        self.default = default
        self.exchanges: list[Exchange] = []
        self._lock = threading.Lock()
        server = self

        class Handler(socketserver.StreamRequestHandler):
            def handle(self) -> None:
                server._handle(self)

        class Server(socketserver.ThreadingTCPServer):
            daemon_threads = True
            allow_reuse_address = True

        self._server = Server(("127.0.0.1", 0), Handler)
        self.port = self._server.server_address[1]
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def __enter__(self) -> FaultServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()

    def settings(self) -> dict[str, str]:
        return loopback_settings(self)

    def requests_for(self, url: str) -> list[Exchange]:
        key = page_key(url)
        return [exchange for exchange in self.exchanges if page_key(exchange.url) == key]

    # -- one connection, one request
    def _handle(self, handler: socketserver.StreamRequestHandler) -> None:
        request_line = handler.rfile.readline(65537).decode("latin-1").strip()
        if not request_line:
            return
        method = request_line.split(" ", 1)[0]
        headers: dict[str, str] = {}
        while True:
            line = handler.rfile.readline(65537).decode("latin-1")
            if line in ("\r\n", "\n", ""):
                break
            name, _, value = line.partition(":")
            headers[name.strip().lower()] = value.strip()
        url = headers.get(ORIGINAL_URL_HEADER.lower(), "")
        exchange = Exchange(url, method, headers, time.monotonic())
        with self._lock:
            self.exchanges.append(exchange)
        answer = self._saved_answer(exchange)
        fault = self.faults.get(page_key(url)) if url else None
        fault = fault or self.default
        if fault is not None:
            answer = fault(answer, exchange) or answer
        self._send(handler.connection, answer, head=method == "HEAD")

    def _saved_url(self, url: str) -> str:
        parts = urlsplit(url)
        served = self.mirrors.get(parts.hostname or "")
        return parts._replace(netloc=served).geturl() if served else url

    def _saved_answer(self, exchange: Exchange) -> Answer:
        page = self.manifest.get(self._saved_url(exchange.url)) if exchange.url else None
        if page is None:
            return Answer(404, {"Content-Type": "text/html; charset=utf-8"}, b"")
        headers = dict(page.headers)
        if page.status == 200 and not_modified(_HeaderView(exchange.headers), page):
            return Answer(304, headers, b"")
        return Answer(page.status, headers, page.file.read_bytes())

    def _send(self, connection: socket.socket, answer: Answer, *, head: bool) -> None:
        if answer.reset:
            connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            connection.close()
            return
        lines = [f"HTTP/1.1 {answer.status} {REASONS.get(answer.status, 'Status')}"]
        headers = {
            name: value
            for name, value in answer.headers.items()
            if name.lower() not in ("content-length", "transfer-encoding", "connection")
        }
        headers["Connection"] = "close"
        content = b"" if head else answer.body
        if answer.chunked:
            headers["Transfer-Encoding"] = "chunked"
        elif answer.content_length:
            headers["Content-Length"] = str(
                answer.declared_length if answer.declared_length is not None else len(content)
            )
        lines += [f"{name}: {value}" for name, value in headers.items()]
        head_bytes = ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")
        if answer.send_bytes is not None:
            content = content[: answer.send_bytes]
        elif answer.chunked:
            pieces = [content[i : i + 1000] for i in range(0, len(content), 1000)]
            content = b"".join(b"%x\r\n%s\r\n" % (len(piece), piece) for piece in pieces)
            content += b"0\r\n\r\n"
        try:
            connection.sendall(head_bytes + content)
            connection.shutdown(socket.SHUT_WR)
        except OSError:
            pass


class _HeaderView:
    """The few request attributes :func:`crawler.replay.not_modified` reads."""

    method = "GET"

    def __init__(self, headers: dict[str, str]):
        self.headers = _Headers(headers)


class _Headers:
    def __init__(self, headers: dict[str, str]):
        self._headers = headers

    def get(self, name: bytes) -> bytes | None:
        value = self._headers.get(name.decode("latin-1").lower())
        return value.encode("latin-1") if value is not None else None


@contextmanager
def fault_server(**options: Any) -> Iterator[FaultServer]:
    with FaultServer(**options) as server:
        yield server
