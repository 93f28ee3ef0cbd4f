"""URL forms: one for comparing fetched pages, one for identifying articles.

- :func:`url_key` is how the replay layer and the store compare URLs: w3lib's
  canonical form (sorted query, no fragment) without a default port. It keeps
  everything else, because two such URLs may really be different pages.
- :func:`clean_url` is how a URL an article was seen at is recorded: as seen,
  without tracking parameters or fragment (an AMP URL stays an AMP URL).
- :func:`canonical_article_url` is how an article is identified across the
  URLs it is published at: https, no ``www.``, no trailing slash, no tracking
  parameters, no AMP variant.
"""

from __future__ import annotations

import re
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


def url_key(url: str) -> str:
    """Canonical form for comparing fetched URLs (query order, ports, fragments ignored)."""
    canonical = canonicalize_url(url, keep_fragments=False)
    parts = urlsplit(canonical)
    if parts.port is not None and DEFAULT_PORTS.get(parts.scheme) == parts.port:
        parts = parts._replace(netloc=parts.hostname or "")
    return urlunsplit(parts)


def is_tracking_parameter(name: str) -> bool:
    name = name.lower()
    return name in TRACKING_PARAMETERS or name.startswith(TRACKING_PREFIXES)


def clean_url(url: str) -> str:
    """A URL as seen, minus what only tracks the reader: tracking parameters and fragment."""
    parts = urlsplit(url_key(url))
    query = [
        (name, value)
        for name, value in parse_qsl(parts.query, keep_blank_values=True)
        if not is_tracking_parameter(name)
    ]
    return urlunsplit(parts._replace(query=urlencode(query)))


def canonical_article_url(url: str) -> str:
    """The form that identifies an article, whatever variant of its URL was fetched."""
    parts = urlsplit(url_key(url))
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
