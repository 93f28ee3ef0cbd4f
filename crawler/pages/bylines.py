"""People's names out of a byline as pages print it.

Bylines carry more than names: "By Jane Doe and John Roe For The Mail on
Sunday", "Jane Doe, CNN", "By Jane Doe | Updated 10:31, 11 February 2025",
"Jane Doe, Defence Correspondent". :func:`split_byline` keeps the names only;
:func:`is_person_name` says whether one value (a JSON-LD author, a
``<meta name=author>``) can be a person at all: organisations, the site's own
name, social handles and URLs cannot.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from crawler.pages.text import collapse

# Words that make a byline part an organisation or a job title, not a person.
NOT_A_PERSON_WORDS = frozenset(
    {
        "agency",
        "agencies",
        "associated",
        "bureau",
        "contributor",
        "contributors",
        "correspondent",
        "desk",
        "editor",
        "editorial",
        "editors",
        "media",
        "news",
        "newsroom",
        "press",
        "reporter",
        "reporters",
        "staff",
        "team",
        "wire",
        "wires",
        "writer",
        "writers",
    }
)

# News agencies that sign articles under their own name.
AGENCIES = frozenset({"reuters", "afp", "ap", "pa", "bloomberg", "dpa", "ani", "pti", "upi"})

# Where the names end: a separator, a date or time stamp, a "For <publication>".
_TAIL = re.compile(
    r"\s*(?:[|•·\n]|\s[–—-]\s|\b(?:updated|published|posted|last\s+modified|modified)\b"
    r"|\s(?:on|at)\s+(?=\d|(?:mon|tue|wed|thu|fri|sat|sun|jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\b)"
    r"|\sfor\s+(?:the\s+)?[A-Z]|\s(?:with\s+)?additional\s+reporting\b).*$",
    re.IGNORECASE | re.DOTALL,
)
_LEAD = re.compile(
    r"^(?:(?:written|posted|words|reporting|report|story|text|photos?)\s+)?by\s*:?\s+"
    r"|^(?:authors?|writers?|byline)\s*:\s*",
    re.IGNORECASE,
)
_SPLIT = re.compile(r"\s*(?:,|;|\s&\s|\band\b)\s*", re.IGNORECASE)
_PARENTHESIS = re.compile(r"\s*\([^)]*\)")
_WORD = re.compile(r"[^\W\d_][\w'’.-]*", re.UNICODE)


def is_person_name(value: str | None, site_names: Iterable[str] = ()) -> bool:
    """Whether ``value`` can be a person's name (not an organisation, site, handle or URL)."""
    value = collapse(value or "")
    if not value or len(value) > 80 or any(char.isdigit() for char in value):
        return False
    if value.startswith("@") or "://" in value or "www." in value or "@" in value:
        return False
    folded = value.casefold()
    if any(folded == collapse(name).casefold() for name in site_names if name):
        return False
    words = _WORD.findall(value)
    if not words:
        return False
    if any(word.casefold().strip(".") in NOT_A_PERSON_WORDS for word in words):
        return False
    if len(words) == 1:
        # A lone word is an agency ("Reuters") or an acronym ("CNN"), not a byline name.
        word = words[0]
        return not (word.casefold() in AGENCIES or (word.isupper() and len(word) <= 5))
    return True


def split_byline(raw: str | None, site_names: Iterable[str] = ()) -> list[str]:
    """The people named in a byline, in order, without affiliations, roles or time stamps."""
    value = collapse(raw or "").strip(" ,;:")
    value = _LEAD.sub("", value)
    value = _TAIL.sub("", value)
    value = _PARENTHESIS.sub("", value)
    names: list[str] = []
    sites = list(site_names)
    for part in _SPLIT.split(value):
        part = _LEAD.sub("", part.strip(" ,;:"))
        if is_person_name(part, sites) and part not in names:
            names.append(part)
    return names
