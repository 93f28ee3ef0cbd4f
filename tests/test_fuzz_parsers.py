"""Every page parser survives mutated saved pages: no exception, whatever the bytes.

Pages from ``sample_pages/`` are damaged with a fixed seed — bytes flipped,
bodies cut, NUL and control characters inserted, encodings broken, junk in
attributes and URLs (``http://[::1``), non-text content types, gzip junk — and
handed, as Scrapy would hand them, to every parser the spiders call. A parser
that raises on one of them would lose the page's callback in a real crawl.
"""

from __future__ import annotations

import contextlib
import gzip
import json
import random
import re
import traceback
from collections.abc import Callable
from functools import cache
from urllib.parse import urlsplit

from scrapy.http import Headers, Response
from scrapy.responsetypes import responsetypes

from crawler.dedup.sources import parse_person_identifiers
from crawler.normalise.parties import default_party_table
from crawler.outlets import generic_outlet, load_outlets, outlet_for_url
from crawler.pagecheck.decoding import decide_encoding
from crawler.pagecheck.problems import content_problem, truncation
from crawler.pages import discovery, hansard_api, senedd, twfy, twfy_members
from crawler.pages.article import parse_article
from crawler.pages.structured import site_name
from crawler.pages.text import as_selector
from tests.support.pages import SAMPLE_PAGES

SEED = 20250210
FETCHED_AT = "2025-02-13T09:12:00+00:00"
MUTATIONS_PER_PAGE = 64

JUNK_VALUES = [
    "http://[::1",
    "https://[invalid/",
    "http://exa mple.com/%zz",
    "javascript:alert(1)",
    "\x00\x01\x02",
    "//",
    "http://" + "a" * 300 + ".com/",
    "\ufffd\ud7ff",
    "&#0;&#xD800;",
    "",
]
CONTROL = [bytes([code]) for code in (*range(0, 9), 11, 12, *range(14, 32), 127)]
BROKEN_ENCODINGS = [
    b"\xff",
    b"\xc3",
    b"\xe2\x80",
    b"\xed\xa0\x80",
    b"\xf4\x90\x80\x80",
    b"\xfe\xff",
]
CONTENT_TYPES = [
    "image/jpeg",
    "application/octet-stream",
    "text/plain",
    "application/json",
    "text/xml; charset=utf-16",
    "text/html; charset=nonsense",
    "text/html; charset=utf-16",
    "application/rss+xml; charset=iso-8859-1",
]
_ATTRIBUTE = re.compile(rb'(href|src|content|datetime|id|class)="[^"]{0,200}"')
_LOC = re.compile(rb"<(loc|link|guid)>[^<]{0,300}</")


def flip_bytes(body: bytes, rng: random.Random) -> tuple[bytes, str | None]:
    data = bytearray(body)
    for _ in range(rng.randint(1, 40)):
        if data:
            data[rng.randrange(len(data))] = rng.randrange(256)
    return bytes(data), None


def truncate(body: bytes, rng: random.Random) -> tuple[bytes, str | None]:
    return body[: rng.randrange(len(body) + 1)], None


def insert_control(body: bytes, rng: random.Random) -> tuple[bytes, str | None]:
    data = body
    for _ in range(rng.randint(1, 20)):
        at = rng.randrange(len(data) + 1)
        data = data[:at] + rng.choice(CONTROL) * rng.randint(1, 3) + data[at:]
    return data, None


def break_encoding(body: bytes, rng: random.Random) -> tuple[bytes, str | None]:
    data = body
    for _ in range(rng.randint(1, 15)):
        at = rng.randrange(len(data) + 1)
        data = data[:at] + rng.choice(BROKEN_ENCODINGS) + data[at:]
    if rng.random() < 0.3:
        data = rng.choice([b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff"]) + data
    if rng.random() < 0.3:
        data = data.decode("utf-8", "replace").encode("utf-16")
    return data, None


def junk_attributes(body: bytes, rng: random.Random) -> tuple[bytes, str | None]:
    def attribute(match: re.Match[bytes]) -> bytes:
        if rng.random() > 0.3:
            return match.group(0)
        junk = rng.choice(JUNK_VALUES).encode("utf-8", "surrogatepass")
        return match.group(1) + b'="' + junk + b'"'

    def loc(match: re.Match[bytes]) -> bytes:
        if rng.random() > 0.5:
            return match.group(0)
        junk = rng.choice(JUNK_VALUES).encode("utf-8", "surrogatepass")
        return b"<" + match.group(1) + b">" + junk + b"</"

    return _LOC.sub(loc, _ATTRIBUTE.sub(attribute, body)), None


def other_content_type(body: bytes, rng: random.Random) -> tuple[bytes, str | None]:
    return body, rng.choice(CONTENT_TYPES)


def gzip_junk(body: bytes, rng: random.Random) -> tuple[bytes, str | None]:
    packed = gzip.compress(body, mtime=0)
    cut = packed[: rng.randrange(10, len(packed))]
    return (cut if rng.random() < 0.5 else b"\x1f\x8b" + rng.randbytes(200)), None


def splice(body: bytes, rng: random.Random) -> tuple[bytes, str | None]:
    start = rng.randrange(len(body) + 1)
    end = min(len(body), start + rng.randint(1, 4000))
    if rng.random() < 0.5:
        return body[:start] + body[end:], None
    return body[:end] + body[start:], None


MUTATIONS: list[Callable[[bytes, random.Random], tuple[bytes, str | None]]] = [
    flip_bytes,
    truncate,
    insert_control,
    break_encoding,
    junk_attributes,
    other_content_type,
    gzip_junk,
    splice,
]


@cache
def saved_pages() -> list[tuple[str, dict[str, str], bytes]]:
    pages = []
    for line in (SAMPLE_PAGES / "manifest.jsonl").read_text("utf-8").splitlines():
        entry = json.loads(line)
        body = (SAMPLE_PAGES / entry["path"]).read_bytes()
        if body and entry.get("status", 200) == 200:
            pages.append((entry["url"], entry.get("headers", {}), body))
    return pages


def response_for(url: str, headers: dict[str, str], body: bytes) -> Response:
    """The response Scrapy would build for these bytes, decoded the way a crawl decodes them."""
    scrapy_headers = Headers(headers)
    cls = responsetypes.from_args(headers=scrapy_headers, url=url, body=body)
    response = cls(url=url, status=200, headers=scrapy_headers, body=body)
    if hasattr(response, "text"):
        content_type = headers.get("Content-Type")
        response = response.replace(encoding=decide_encoding(body, content_type).encoding)
    return response


def parse_as_a_crawl_does(response: Response) -> None:
    """Every check and parser a crawl runs on this page, routed as the spiders route it."""
    url = response.url
    truncation(response)
    content_problem(response)
    if urlsplit(url).hostname in HANSARD_API_HOSTS:
        parse_hansard_api(response)
        return
    if (urlsplit(url).hostname or "").endswith("theyworkforyou.com"):
        kind = twfy.page_kind(response)
        if kind == "debate":
            twfy.parse_debate(
                response, url=url, fetched_at=FETCHED_AT, parties=default_party_table()
            )
        elif kind == "day":
            twfy.parse_day_index(response, url=url)
        elif kind == "member":
            twfy_members.parse_member(response, url=url)
        return
    if (urlsplit(url).hostname or "") in (senedd.RECORD_HOST, senedd.MEMBERS_HOST):
        parse_senedd_as_a_crawl_does(response)
        return
    kind = discovery.page_kind(response)
    if kind == "feed":
        discovery.parse_feed(response, base_url=url)
    elif kind == "sitemap":
        discovery.parse_sitemap(response, base_url=url)
    elif kind == "listing":
        discovery.parse_listing(response, base_url=url)
    elif kind == "article":
        # A host no outlet names is read by the generic path when asked for by URL.
        outlet = outlet_for_url(url, load_outlets()) or generic_outlet(
            url, site_name(as_selector(response), url)
        )
        # Reads JSON-LD and meta tags (crawler.pages.structured) and wpDiscuz comments too.
        parse_article(response, url=url, outlet=outlet, fetched_at=FETCHED_AT)


def parse_senedd_as_a_crawl_does(response: Response) -> None:
    """The Senedd spider's parsers; a file that is not the export's XML is refused with
    :class:`~crawler.pages.senedd.TranscriptError`, which the spider reports as lost."""
    try:
        if senedd.is_transcript(response.body):
            senedd.parse_transcript(response.body, url=response.url, fetched_at=FETCHED_AT)
        elif urlsplit(response.url).path in senedd.MEMBERS_PATHS.values():
            senedd.parse_members(response.body)
        elif senedd.is_listing(response):
            senedd.parse_listing(response, url=response.url)
    except senedd.TranscriptError:
        pass


HANSARD_API_HOSTS = {
    hansard_api.vocabulary()["api_host"],
    hansard_api.vocabulary()["members_host"],
    urlsplit(hansard_api.vocabulary()["person_identifiers"]["url"]).hostname,
}


def parse_hansard_api(response: Response) -> None:
    """The official Hansard's answers, read as the ``hansard_api`` spider reads them: an
    answer that is not the JSON the operation gives is refused with ``ResponseError``."""
    url = response.url
    if url == hansard_api.vocabulary()["person_identifiers"]["url"]:
        # A table that is not CSV is refused with a one-line reason: the page is lost.
        with contextlib.suppress(ValueError):
            parse_person_identifiers(response.body.decode("utf-8", "replace"))
        return
    kind = hansard_api.answer_kind(url)
    if kind is None:
        return
    try:
        data = hansard_api.load(response.body, expect=dict if kind == "debate" else list)
    except hansard_api.ResponseError:
        return
    if kind == "sections":
        hansard_api.section_names(data)
    elif kind == "trees":
        hansard_api.debates_to_fetch(hansard_api.tree_items(data), lambda item, up: True)
    elif kind == "members":
        hansard_api.parse_member_history(data, "400")
    else:
        for debate in hansard_api.parse_debate(data, url=url, fetched_at=FETCHED_AT):
            hansard_api.fill_members(debate, {})


def mutated_responses() -> list[tuple[str, Response]]:
    rng = random.Random(SEED)
    cases = []
    for url, headers, body in saved_pages():
        for index in range(MUTATIONS_PER_PAGE):
            mutation = MUTATIONS[index % len(MUTATIONS)]
            mutated, content_type = mutation(body, rng)
            page_headers = dict(headers)
            if content_type is not None:
                page_headers["Content-Type"] = content_type
            cases.append(
                (f"{mutation.__name__} #{index} of {url}", response_for(url, page_headers, mutated))
            )
    return cases


def test_the_saved_pages_parse_unmutated() -> None:
    for url, headers, body in saved_pages():
        parse_as_a_crawl_does(response_for(url, headers, body))


def test_no_parser_raises_on_mutated_pages() -> None:
    failures: list[str] = []
    cases = mutated_responses()
    assert len(cases) >= 1900
    for name, response in cases:
        try:
            parse_as_a_crawl_does(response)
        except Exception:
            failures.append(f"{name}:\n{traceback.format_exc(limit=-3)}")
    assert not failures, f"{len(failures)} of {len(cases)} mutated pages broke a parser:\n" + (
        "\n".join(failures[:5])
    )
