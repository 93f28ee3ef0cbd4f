"""TheyWorkForYou member profiles, and the party of speakers whose line prints an office.

A speaker line prints the member's offices on the sitting date when there are
any, and the party only otherwise (:func:`crawler.pages.twfy.split_position_line`).
For those speeches the party comes from the member's profile page, as held on
the sitting date. This module holds both halves as pure functions with no I/O:
reading a profile (:func:`parse_member`, :func:`party_on`) and the policy
(:func:`member_pages_needed`, :func:`fill_parties_from_member_pages`), which
says what happened to each speech; the spider only fetches the pages and
counts the outcomes.

The profile's strings (``mp/header.php``, ``classes/Member.php``) live in
``crawler/data/twfy.json``; member pages are always read from the English host.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from typing import Any

from crawler.gid import Gid
from crawler.items import DebateItem, Speech
from crawler.pages.twfy import DATA, clean, node_text, person_id_from_link, selector

_MEMBER = DATA["member_page"]
_SUFFIX_RE = re.compile(
    r"\s+(?:" + "|".join(map(re.escape, _MEMBER["representative_suffixes"])) + r")$"
)
_FORMER_PREFIX = _MEMBER["former_prefix"] + " "
_ENTERED_RE = re.compile(r"^Entered the (?P<house>.+?) (?:on|in) (?P<date>[^—]+?)(?:\s+—.*)?$")
_LEFT_RE = re.compile(r"^Left the (?P<house>.+?) (?:on|in) (?P<date>[^—]+?)(?:\s+—.*)?$")
_PARTY_WAS_RE = re.compile(r"^Party was (?P<changes>.+)$")
_PARTY_CHANGE_RE = re.compile(r"^(?P<party>.+?) until (?P<date>.+)$")
_CHANGED_PARTY_RE = re.compile(r"^from (?P<party>.+?) on (?P<date>.+)$")
_ALSO_RE = re.compile(r"^Also represented (?P<list>.+)$")
_MEMBER_DATE_FORMATS = ("%d %B %Y", "%d %b %Y", "%Y")


# --- member pages -------------------------------------------------------------------------


@dataclass
class Membership:
    """One stretch of a member's party, with its dates as the page prints them."""

    party: str
    start_raw: str | None = None
    end_raw: str | None = None


@dataclass
class MemberRecord:
    """What a member profile page says about the person."""

    person_id: str | None
    name: str | None
    constituency: str | None
    memberships: list[Membership] = field(default_factory=list)
    other_constituencies: list[str] = field(default_factory=list)
    current: bool = True
    url: str | None = None


def parse_member(page: Any, *, url: str) -> MemberRecord:
    """A member profile (``/mp/<id>/<name>/<constituency>``) with its party history.

    The page prints the current party ("Labour MP"), when the member entered
    and left the House, and earlier parties ("Party was Conservative until
    8 Sep 2025"); memberships are rebuilt from those lines, oldest first.
    """
    sel = selector(page)
    person_id = person_id_from_link(url) or sel.css("input[name='pid']::attr(value)").get()
    name = node_text(sel.css(".person-header__about__name")[:1] or None) or node_text(
        sel.css(".person-header h1")[:1] or None
    )
    role = node_text(sel.css(".person-header__about__position__role")[:1] or None)
    constituency = node_text(sel.css(".person-header__about__position__constituency")[:1] or None)

    current = True
    if role.startswith(_FORMER_PREFIX):
        current = False
        role = role[len(_FORMER_PREFIX) :]
    party = _SUFFIX_RE.sub("", role).strip() or None

    entered: str | None = None
    left: str | None = None
    changes: list[tuple[str, str]] = []
    others: list[str] = []
    for paragraph in sel.css(".primary-content__unit p, .panel p"):
        line = node_text(paragraph)
        if match := _ENTERED_RE.match(line):
            if match["house"] == _MEMBER["commons"] and entered is None:
                entered = clean(match["date"])
        elif match := _LEFT_RE.match(line):
            if match["house"] == _MEMBER["commons"]:
                left = clean(match["date"])
        elif match := _PARTY_WAS_RE.match(line):
            for part in match["changes"].split(";"):
                if change := _PARTY_CHANGE_RE.match(clean(part)):
                    changes.append((clean(change["party"]), clean(change["date"])))
        elif line.startswith("Changed party "):
            for part in line.removeprefix("Changed party ").split(";"):
                if change := _CHANGED_PARTY_RE.match(clean(part)):
                    changes.append((clean(change["party"]), clean(change["date"])))
        elif match := _ALSO_RE.match(line):
            others.extend(clean(seat) for seat in match["list"].split(";") if clean(seat))

    memberships: list[Membership] = []
    start = entered
    for label, until in changes:
        memberships.append(Membership(party=label, start_raw=start, end_raw=until))
        start = until
    if party:
        memberships.append(
            Membership(party=party, start_raw=start, end_raw=None if current else left)
        )

    return MemberRecord(
        person_id=person_id,
        name=name or None,
        constituency=constituency or None,
        memberships=memberships,
        other_constituencies=others,
        current=current,
        url=url,
    )


def parse_member_date(raw: str | None) -> date | None:
    """A member-page date ("1 May 1997", " 8 Sep 2025", "2019") as a date, else ``None``."""
    raw = clean(raw)
    for fmt in _MEMBER_DATE_FORMATS:
        try:
            return datetime.strptime(raw, fmt).date()
        except ValueError:
            continue
    return None


def party_on(memberships: list[Membership], day: date | str) -> str | None:
    """The party label held on ``day``; a change takes effect on its printed date."""
    if isinstance(day, str):
        day = date.fromisoformat(day)
    for membership in memberships:
        start = parse_member_date(membership.start_raw) if membership.start_raw else date.min
        end = parse_member_date(membership.end_raw) if membership.end_raw else date.max
        if start is None or end is None:
            continue
        if start <= day < end:
            return membership.party
    return None


# --- the party of speeches whose line prints an office ---------------------------------------


class PartyOutcome(StrEnum):
    """What became of a speech whose speaker line printed an office and no party.

    The value names the spider's stats counter (``corpus/hansard/party/<value>``)
    and, for the three outcomes that leave the party unknown, the speech's flag
    (``party:<value>``).
    """

    MEMBER_PAGE = "member_page"
    """The party held on the sitting date, read from the member page."""
    SPEAKER_LINE_CONFIRMED = "speaker_line_confirmed"
    """The line was "<party>, <constituency>" with a party the table does not know yet."""
    NO_SITTING_DATE = "no_sitting_date"
    """The debate's id is no gid, so no sitting date to read the member page on."""
    MEMBER_PAGE_MISSING = "member_page_missing"
    """The member page could not be had (absent from the site, or lost)."""
    NOT_ON_MEMBER_PAGE = "not_on_member_page"
    """The member page names no party for the sitting date."""

    @property
    def flag(self) -> str | None:
        """The speech's flag for an outcome that leaves the party unknown, else ``None``."""
        if self in (self.MEMBER_PAGE, self.SPEAKER_LINE_CONFIRMED):
            return None
        return f"party:{self.value}"


def needs_member_page(speech: Speech) -> bool:
    """A linked speaker whose line printed an office and no party."""
    return bool(speech.person_id and speech.position and not speech.party_raw)


def member_pages_needed(item: DebateItem) -> list[str]:
    """Person ids whose member page the debate's parties need, in order of first speech.

    None without a sitting date (the debate's gid): the pages could not be read on a day.
    """
    if Gid.parse(item.id) is None:
        return []
    return list(
        dict.fromkeys(
            speech.person_id
            for speech in item.speeches
            if needs_member_page(speech) and speech.person_id
        )
    )


def fill_parties_from_member_pages(
    item: DebateItem, members: Mapping[str, MemberRecord | None]
) -> list[PartyOutcome]:
    """Fill in the party of every speech that needs a member page; one outcome per such speech.

    ``members`` holds the pages :func:`member_pages_needed` asked for, by person
    id (``None``: the page could not be had). A speech whose party stays unknown
    is flagged with its outcome's flag.
    """
    gid = Gid.parse(item.id)
    outcomes: list[PartyOutcome] = []
    for speech in item.speeches:
        if not needs_member_page(speech):
            continue
        if gid is None:
            outcome = PartyOutcome.NO_SITTING_DATE
        else:
            record = members.get(speech.person_id or "")
            outcome = party_from_member_page(speech, record, gid.sitting_date, item.interface)
        if outcome.flag:
            speech.flags.append(outcome.flag)
        outcomes.append(outcome)
    return outcomes


def party_from_member_page(
    speech: Speech, record: MemberRecord | None, sitting: date, interface: str
) -> PartyOutcome:
    """Fill in one speech's party from its speaker's member page, as held on ``sitting``.

    A line "<party>, <constituency>" whose first part is the party the page
    gives for that day is a party line after all (a party too new for the
    table): it is re-read as printed, in the debate's interface. Otherwise the
    page's party is the speech's, in English (member pages are read from the
    English host), and its seat too when the member never sat for another
    one: the page names only the current seat.
    """
    if record is None:
        return PartyOutcome.MEMBER_PAGE_MISSING
    label = party_on(record.memberships, sitting)
    if label is None:
        return PartyOutcome.NOT_ON_MEMBER_PAGE
    head, comma, tail = (speech.position or "").partition(",")
    if comma and head.strip() == label:
        speech.party_raw = {interface: label}
        speech.party_source = "speaker_line"
        speech.constituency = tail.strip() or None
        speech.position = None
        return PartyOutcome.SPEAKER_LINE_CONFIRMED
    speech.party_raw = {"en": label}
    speech.party_source = "member_page"
    if speech.constituency is None and not record.other_constituencies:
        speech.constituency = record.constituency
    return PartyOutcome.MEMBER_PAGE
