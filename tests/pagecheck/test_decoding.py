"""Encoding decided by the bytes: a table of pages as servers really send them."""

from __future__ import annotations

import pytest
from scrapy.http import HtmlResponse
from scrapy.utils.test import get_crawler

from crawler.pagecheck.decoding import EvidenceDecodingMiddleware, decide_encoding
from crawler.spiders.base import CorpusSpider
from tests.support.project import project_settings

WELSH = "<p>Bydd y Gweinidog yn cyfarfod â’r Ysgrifennydd ynglŷn â’r dŵr.</p>"
FRENCH = "<p>Le ministre a visité l’école près de Brest; déjà vu, à la carte, naïve.</p>" * 3


def page(fragment: str, meta: str = "") -> str:
    return f"<html><head>{meta}<title>t</title></head><body>{fragment}</body></html>"


@pytest.mark.parametrize(
    ("body", "content_type", "encoding", "how"),
    [
        # UTF-8 served with a wrong legacy charset: the bytes win.
        (page(WELSH).encode(), "text/html; charset=iso-8859-1", "utf-8", "utf8"),
        (page(WELSH).encode(), "text/html; charset=windows-1252", "utf-8", "utf8"),
        # ...and declared wrongly in <meta> only.
        (page(WELSH, '<meta charset="iso-8859-1">').encode(), "text/html", "utf-8", "utf8"),
        # A legacy page declared right stays as declared.
        (page(FRENCH).encode("cp1252"), "text/html; charset=windows-1252", "cp1252", "declared"),
        (
            page(FRENCH, '<meta charset="windows-1252">').encode("cp1252"),
            None,
            "cp1252",
            "declared",
        ),
        # A byte-order mark beats every declaration.
        (b"\xef\xbb\xbf" + page(WELSH).encode(), "text/html; charset=iso-8859-1", "utf-8", "bom"),
        (page(WELSH).encode("utf-16"), "text/html; charset=utf-8", "utf-16-le", "bom"),
        # UTF-8 with one damaged byte is still UTF-8 (U+FFFD where the byte was).
        (
            page(WELSH).encode().replace("dŵr".encode(), b"d\xc5r"),
            "text/html; charset=iso-8859-1",
            "utf-8",
            "utf8_damaged",
        ),
    ],
)
def test_the_bytes_decide_the_encoding(
    body: bytes, content_type: str | None, encoding: str, how: str
) -> None:
    decision = decide_encoding(body, content_type)
    assert (decision.encoding, decision.how) == (encoding, how)


def test_an_undeclared_legacy_page_is_detected() -> None:
    decision = decide_encoding(page(FRENCH).encode("cp1252"), "text/html")
    assert decision.how == "detected"
    assert "l’école près de Brest; déjà vu" in page(FRENCH).encode("cp1252").decode(
        decision.encoding
    )


def test_the_middleware_gives_parsers_the_right_text_and_counts_the_decision() -> None:
    crawler = get_crawler(CorpusSpider, project_settings())
    middleware = EvidenceDecodingMiddleware.from_crawler(crawler)
    response = HtmlResponse(
        "https://cy.example.org/",
        body=page(WELSH).encode(),
        headers={"Content-Type": "text/html; charset=iso-8859-1"},
    )
    assert "Åµ" in response.text  # what Scrapy alone reads
    decoded = middleware.process_response(response.request, response)
    assert "ynglŷn â’r dŵr" in decoded.css("p::text").get()
    assert crawler.stats.get_value("corpus/decode/utf8") == 1
    assert crawler.stats.get_value("corpus/decode/declared_overridden") == 1
