"""Decide a text response's encoding by evidence, not by what the server claims.

Servers and templates often declare the wrong charset: a UTF-8 page served
with ``charset=iso-8859-1`` decodes to mojibake ("Åµ" for "ŵ") if the
declaration is believed. The bytes are the better witness, so the encoding is
decided in this order:

1. a byte-order mark;
2. a body that is valid UTF-8 (a legacy single-byte page is almost never
   valid UTF-8 by accident), or one that is UTF-8 with a few damaged bytes
   (more well-formed multi-byte sequences than invalid bytes);
3. the declared charsets: the ``Content-Type`` header, then ``<meta>``
   (or the XML declaration);
4. charset-normalizer's detection, for undeclared legacy pages (windows-1252
   when it is among the plausible picks);
5. UTF-8, with invalid bytes replaced (and flagged later on the record).

:class:`EvidenceDecodingMiddleware` applies the decision with
``response.replace(encoding=…)`` so every parser reads the same, right text,
and counts each decision under ``corpus/decode/<how>``.
"""

from __future__ import annotations

import codecs
from dataclasses import dataclass
from typing import TYPE_CHECKING

import charset_normalizer
from scrapy.exceptions import NotConfigured
from scrapy.http import TextResponse
from w3lib.encoding import (
    html_body_declared_encoding,
    http_content_type_encoding,
    read_bom,
    resolve_encoding,
)

if TYPE_CHECKING:
    from scrapy import Request
    from scrapy.crawler import Crawler
    from scrapy.http import Response
    from scrapy.statscollectors import StatsCollector

STATS_PREFIX = "corpus/decode"
LEGACY_DEFAULT = "cp1252"
"""Preferred among plausible detections: windows-1252, the web's legacy default."""
DETECTION_SLACK = 0.1
"""How much more "chaos" (charset-normalizer's measure) than the best a plausible pick may show."""
REPLACEMENT = "\ufffd"


@dataclass(frozen=True)
class Decision:
    """The encoding to read a body with, and the evidence it was chosen on."""

    encoding: str
    how: str
    """``bom``, ``utf8``, ``utf8_damaged``, ``declared``, ``detected`` or ``fallback``."""
    declared: str | None = None
    """The first charset the response declared (header, then body), if any."""

    @property
    def overrides_declared(self) -> bool:
        """Whether the bytes contradicted a declared charset."""
        return self.declared is not None and not _same_codec(self.declared, self.encoding)


def _same_codec(first: str, second: str) -> bool:
    try:
        return codecs.lookup(first).name == codecs.lookup(second).name
    except LookupError:
        return False


def declared_encodings(body: bytes, content_type: str | None) -> list[str]:
    """Charsets the response declares, in order of authority: header, then body."""
    found: list[str] = []
    for candidate in (
        http_content_type_encoding(content_type) if content_type else None,
        html_body_declared_encoding(body),
    ):
        resolved = resolve_encoding(candidate) if candidate else None
        if resolved and resolved not in found:
            found.append(resolved)
    return found


def mostly_utf8(body: bytes) -> bool:
    """Whether a body that is not valid UTF-8 is still UTF-8 with a few damaged bytes."""
    decoded = body.decode("utf-8", errors="replace")
    invalid = decoded.count(REPLACEMENT) - body.count(REPLACEMENT.encode("utf-8"))
    well_formed = sum(1 for character in decoded if ord(character) > 0x7F) - decoded.count(
        REPLACEMENT
    )
    return well_formed > invalid


def decide_encoding(body: bytes, content_type: str | None = None) -> Decision:
    """The encoding ``body`` should be read with (see the module's order of evidence)."""
    declared = declared_encodings(body, content_type)
    first_declared = declared[0] if declared else None
    bom, _ = read_bom(body)
    if bom:
        return Decision(resolve_encoding(bom) or bom, "bom", first_declared)
    try:
        body.decode("utf-8")
    except UnicodeDecodeError:
        pass
    else:
        return Decision("utf-8", "utf8", first_declared)
    if mostly_utf8(body):
        return Decision("utf-8", "utf8_damaged", first_declared)
    if declared:
        return Decision(declared[0], "declared", first_declared)
    return detect(body)


def detect(body: bytes) -> Decision:
    """charset-normalizer's pick for an undeclared legacy page, windows-1252 first.

    Short texts fit several single-byte code pages almost equally well; among
    the plausible ones, windows-1252 (the web's default legacy encoding for
    English-language pages) is preferred.
    """
    results = charset_normalizer.from_bytes(body)
    best = results.best()
    if best is None or not resolve_encoding(best.encoding):
        return Decision("utf-8", "fallback")
    plausible = [match for match in results if match.chaos <= best.chaos + DETECTION_SLACK]
    if any(LEGACY_DEFAULT in match.could_be_from_charset for match in plausible):
        return Decision(LEGACY_DEFAULT, "detected")
    return Decision(resolve_encoding(best.encoding) or best.encoding, "detected")


class EvidenceDecodingMiddleware:
    """Downloader middleware: every text response carries the encoding its bytes support.

    Sits between decompression (590) and the meta-refresh middleware (580),
    the first to read a response's text. ``PAGECHECK_DECODING_ENABLED``
    switches it off.
    """

    def __init__(self, stats: StatsCollector):
        self.stats = stats

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> EvidenceDecodingMiddleware:
        if not crawler.settings.getbool("PAGECHECK_DECODING_ENABLED"):
            raise NotConfigured("PAGECHECK_DECODING_ENABLED is off")
        return cls(crawler.stats)

    def process_response(self, request: Request, response: Response) -> Response:
        if not isinstance(response, TextResponse) or not response.body:
            return response
        content_type = response.headers.get(b"Content-Type")
        decision = decide_encoding(
            response.body, content_type.decode("latin-1") if content_type else None
        )
        self.stats.inc_value(f"{STATS_PREFIX}/{decision.how}")
        if decision.overrides_declared:
            self.stats.inc_value(f"{STATS_PREFIX}/declared_overridden")
        return response.replace(encoding=decision.encoding)
