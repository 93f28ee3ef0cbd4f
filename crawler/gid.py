"""TheyWorkForYou's gids: the one place their format is read and written.

A gid names a debate section or a speech in ParlParse's Hansard data, which
TheyWorkForYou serves: ``2025-02-10a.1.2`` is the sitting date, a revision
letter (the day's record is re-issued as ``b``, ``c``… when Hansard revises
it), then the section and item numbers. Pages print it bare (``?id=``) or with
its ParlParse prefix (``uk.org.publicwhip/debate/2025-02-10a.1.2``), whose
middle part names the house.

    >>> gid = Gid.parse("uk.org.publicwhip/debate/2025-02-10a.1.2")
    >>> str(gid), gid.date, gid.revision, gid.column, gid.house
    ('2025-02-10a.1.2', '2025-02-10', 'a', '1', 'commons')
    >>> gid.family
    '2025-02-10.1.2'
    >>> Gid.parse("2025-02-30a.1.2") is None  # no such day
    True
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

PREFIX = "uk.org.publicwhip/"
"""What a prefixed gid starts with; the segment after it names the house."""
HOUSES_BY_PREFIX: dict[str, str] = {
    "debate": "commons",
    "westminhall": "westminster-hall",
    "lords": "lords",
}
"""ParlParse's name for each house's debates (``uk.org.publicwhip/<name>/…``) -> house."""

_GID_RE = re.compile(r"^(?P<date>\d{4}-\d{2}-\d{2})(?P<revision>[a-z]?)\.(?P<rest>[0-9A-Za-z.]+)$")


@dataclass(frozen=True, order=True)
class Gid:
    """A parsed gid. ``str(gid)`` is its bare form, the one records store."""

    date: str
    """Sitting date, YYYY-MM-DD (a real calendar day)."""
    revision: str
    """Revision letter (``a``, ``b``…), or ``""`` when the gid has none."""
    rest: str
    """Section and item numbers after the first dot: ``1.2``."""
    house: str | None = None
    """House named by the ParlParse prefix, when the gid was printed with one."""

    @classmethod
    def parse(cls, text: str | None) -> Gid | None:
        """A gid, bare or prefixed; ``None`` when ``text`` is not one."""
        if not text:
            return None
        text = text.strip()
        house = None
        if text.startswith(PREFIX):
            kind, _, text = text[len(PREFIX) :].partition("/")
            house = HOUSES_BY_PREFIX.get(kind)
        match = _GID_RE.match(text)
        if match is None:
            return None
        try:
            date.fromisoformat(match["date"])
        except ValueError:
            return None
        return cls(match["date"], match["revision"], match["rest"], house)

    def __str__(self) -> str:
        return f"{self.stem}.{self.rest}"

    @property
    def stem(self) -> str:
        """Date and revision: ``2025-02-10a``; a section's speeches share it."""
        return f"{self.date}{self.revision}"

    @property
    def sitting_date(self) -> date:
        return date.fromisoformat(self.date)

    @property
    def family(self) -> str:
        """The gid without its revision letter: the same item in every revision of the day."""
        return f"{self.date}.{self.rest}"

    @property
    def column(self) -> str | None:
        """Hansard column: every part of ``rest`` but the last (``1.2`` -> ``1``)."""
        parts = self.rest.split(".")
        return ".".join(parts[:-1]) if len(parts) > 1 else None

    @property
    def anchor(self) -> str:
        """``rest``: what a speech's page anchor (``#g1.2``) holds."""
        return self.rest

    def in_revision(self, stem: str) -> str:
        """This item's bare gid under another date-and-revision stem."""
        return f"{stem}.{self.rest}"


def bare(text: str) -> str:
    """A gid printed with its ParlParse prefix, without it; any other text as it is."""
    return text.rsplit("/", 1)[-1] if text.startswith(PREFIX) else text


HANSARD_ID_PREFIX = "hansard-"
"""What the id of a record read from the official Hansard (its API) starts with."""
_HANSARD_ID_RE = re.compile(r"^hansard-[0-9A-F]{8}(?:-[0-9A-F]{4}){3}-[0-9A-F]{12}$")


def hansard_id(external_id: str) -> str:
    """The record id of an official Hansard debate or contribution: ``hansard-`` and its
    external id (a GUID, compared case-insensitively, so written in upper case)."""
    return HANSARD_ID_PREFIX + external_id.strip().upper()


def is_hansard_id(text: str | None) -> bool:
    return bool(text) and bool(_HANSARD_ID_RE.match(text or ""))
