"""URL identity: every form a URL takes in the crawler, and the names they go by.

One vocabulary, used everywhere (the store's tables and the pipelines included):

==============================  =====================================================
name                            what it is, and what uses it
==============================  =====================================================
``page_key(url)``               compares fetched pages: w3lib's canonical form
                                (sorted query, no fragment) without a default port.
                                It keeps everything else, because two such URLs
                                may really be different pages. The replay layer,
                                conditional requests and the store's ``pages``
                                table key on it.
``seen_url(url)``               a URL an article was seen at, as recorded in its
                                ``urls``: as seen, without tracking parameters or
                                fragment (an AMP URL stays an AMP URL).
``article_identity(url)``       the form identifying an article across the URLs it
                                is published at: https, no ``www.``/``amp.``/``m.``,
                                no trailing slash, no tracking parameters, no AMP
                                path. The store's ``article_identities`` table
                                maps it to the article's id.
``article_seen_urls(rec)``      the seen URLs of one copy of an article: its
                                fetched URL and its canonical URL, as ``seen_url``.
``article_identities(urls)``    the identities of an article's seen URLs, sorted:
                                what the article is found again by.
``article_id_of(identity)``     the article's readable, stable id: host and path
                                of its identity.
==============================  =====================================================
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit, urlunsplit

from w3lib.url import canonicalize_url

DEFAULT_PORTS = {"http": 80, "https": 443}

# Query parameters that only say how a reader arrived, never which page it is.
TRACKING_PARAMETERS = frozenset(
    {
        "fbclid",
        "gclid",
        "dclid",
        "gbraid",
        "wbraid",
        "msclkid",
        "yclid",
        "twclid",
        "igshid",
        "mc_cid",
        "mc_eid",
        "_ga",
        "_gl",
        "ref",
        "ref_src",
        "spm",
        "amp",
        "outputtype",
        "cmpid",
        "ito",
        "at_medium",
        "at_campaign",
    }
)
TRACKING_PREFIXES = ("utm_", "pk_", "mtm_", "hsa_")

# AMP variants of a page: /amp/ path suffix (WordPress AMP plugin and most
# themes), ?amp=1 / ?outputType=amp (handled as parameters above), amp. hosts.
AMP_PATH_SUFFIX = re.compile(r"/amp/?$")


def page_key(url: str) -> str:
    """Canonical form for comparing fetched URLs (query order, ports, fragments ignored)."""
    canonical = canonicalize_url(url, keep_fragments=False)
    parts = urlsplit(canonical)
    if parts.port is not None and DEFAULT_PORTS.get(parts.scheme) == parts.port:
        parts = parts._replace(netloc=parts.hostname or "")
    return urlunsplit(parts)


def is_tracking_parameter(name: str) -> bool:
    name = name.lower()
    return name in TRACKING_PARAMETERS or name.startswith(TRACKING_PREFIXES)


def seen_url(url: str) -> str:
    """A URL as seen, minus what only tracks the reader: tracking parameters and fragment."""
    parts = urlsplit(page_key(url))
    query = [
        (name, value)
        for name, value in parse_qsl(parts.query, keep_blank_values=True)
        if not is_tracking_parameter(name)
    ]
    return urlunsplit(parts._replace(query=urlencode(query)))


def article_identity(url: str) -> str:
    """The form that identifies an article, whatever variant of its URL was fetched."""
    parts = urlsplit(page_key(url))
    host = (parts.hostname or "").lower()
    for prefix in ("www.", "amp.", "m."):
        if host.startswith(prefix):
            host = host[len(prefix) :]
            break
    path = AMP_PATH_SUFFIX.sub("/", parts.path)
    path = path.rstrip("/") or "/"
    query = [
        (name, value)
        for name, value in parse_qsl(parts.query, keep_blank_values=True)
        if not is_tracking_parameter(name)
    ]
    return urlunsplit(("https", host, path, urlencode(query), ""))


def article_seen_urls(record: dict[str, Any]) -> list[str]:
    """The URLs a copy of an article was seen at: fetched and canonical, as seen URLs."""
    urls = {seen_url(record["url"])}
    if record.get("canonical_url"):
        urls.add(seen_url(record["canonical_url"]))
    return sorted(urls)


def article_identities(urls: list[str]) -> list[str]:
    """The identities an article is found again by, whatever variant of a URL is fetched."""
    return sorted({article_identity(url) for url in urls})


def article_id_of(identity: str) -> str:
    """Readable, stable article id: host and path of the article's identity."""
    return identity.removeprefix("https://").removeprefix("http://")


def join_url(base: str, href: str) -> str | None:
    """``href`` resolved against ``base``, or ``None`` when the result is no usable URL.

    Pages carry broken links (``http://[::1``, ``http://host:port/``) that make
    :func:`urllib.parse.urljoin` or a later ``urlsplit`` raise ``ValueError``.
    """
    try:
        joined = urljoin(base, href.strip())
        _ = urlsplit(joined).port  # raises ValueError for a malformed host or port
    except ValueError:
        return None
    return joined
