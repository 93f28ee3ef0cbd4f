"""TheyWorkForYou pages: debate sections, day indexes and member profiles.

Pure parsing: every function takes a parsel ``Selector`` (or a Scrapy response)
and returns plain values or items, with no I/O. The markup follows
mysociety/theyworkforyou's templates (``section/section.php``,
``section/_section_content.php``, ``section/day.php``, ``mp/header.php``,
``classes/Member.php``); the tables (houses by path, party labels, Welsh
strings) live in ``crawler/data/twfy.json``.

Both interfaces are read with the same code: ``www.theyworkforyou.com`` (English)
and ``cy.theyworkforyou.com`` (Welsh) serve the same markup, with translated
furniture, Welsh month names and five translated party labels.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any
from urllib.parse import parse_qs, urlsplit

from parsel import Selector

from crawler.items import DebateItem, Speech
from crawler.packaged import packaged
from crawler.pages.text import as_selector
from crawler.urls import join_url

DATA: dict[str, Any] = json.loads(packaged("data", "twfy.json").read_text(encoding="utf-8"))

HOSTS: dict[str, str] = DATA["hosts"]
"""Host of each interface: ``{"en": "www.theyworkforyou.com", "cy": "cy.theyworkforyou.com"}``."""
HOUSES_BY_PATH: dict[str, str] = DATA["houses_by_path"]
"""First path segment of a section URL -> house (``debates`` -> ``commons``)."""
PATHS_BY_HOUSE: dict[str, str] = {house: path for path, house in HOUSES_BY_PATH.items()}
MEMBER_PATH_BY_HOUSE: dict[str, str] = {
    house: path for house, path in DATA["member_path_by_house"].items() if not house.startswith("_")
}
"""House -> path of its members' pages (``lords`` -> ``peer``)."""
"""House -> first path segment, for building day-index URLs."""
INTERFACE_HOST_PREFIXES: dict[str, str] = DATA["interface_host_prefixes"]
DEFAULT_INTERFACE: str = DATA["default_interface"]

PARTY_LABELS_EN: frozenset[str] = frozenset(DATA["party_labels"]["en"])
PARTY_LABELS_CY: dict[str, str] = dict(DATA["party_labels"]["cy"])
"""Welsh label as printed -> English label (only five parties are translated)."""
PARTY_LABELS: frozenset[str] = PARTY_LABELS_EN | frozenset(PARTY_LABELS_CY)

MONTHS: dict[str, int] = {
    name.casefold(): number
    for names in DATA["months"].values()
    for number, name in enumerate(names, start=1)
}
"""Month names of both interfaces -> month number, for checking the lead line's date."""

GID_PREFIX = "uk.org.publicwhip/"
NO_GID_FLAG = "speeches:no_gid"
"""Debate flag: the page has speeches without a gid, which no record can hold."""
GID_RE = re.compile(r"^(?P<date>\d{4}-\d{2}-\d{2})(?P<rev>[a-z]?)\.(?P<rest>.+)$")
SPEECH_ANCHOR_RE = re.compile(r"^g(?P<anchor>[0-9A-Za-z]+(?:\.[0-9A-Za-z]+)+)$")
CLOCK = r"\d{1,2}[:.]\d{2}(?:\s*[ap]\.?\s?m\.?)?"
LEAD_DATE_RE = re.compile(r"(\d{1,2})\s+([^\W\d_]+)\s+(\d{4})")
WHITESPACE_RE = re.compile(r"\s+")
LINE_BREAK_RE = re.compile(r"\s*\n\s*")
# The lead line's location is introduced by an en dash ("Defence – in the House of
# Commons…"); what precedes it is the enclosing section's heading.
LEAD_DASH = "\u2013"

_PART_OF = tuple(f"{words} " for words in DATA["lead_line"]["part_of"])
_AT_WORDS = "|".join(map(re.escape, DATA["lead_line"]["at"]))
_ON_WORDS = "|".join(map(re.escape, DATA["lead_line"]["on"]))
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


# --- small helpers ---------------------------------------------------------------


def _selector(page: Any) -> Selector:
    """Accept a parsel Selector or a Scrapy response (see ``text.as_selector``)."""
    return as_selector(page)


def clean(text: str | None) -> str:
    """Collapse runs of whitespace to one space and trim."""
    return WHITESPACE_RE.sub(" ", text or "").strip()


def _text(node: Selector | None) -> str:
    if node is None:
        return ""
    return clean("".join(node.xpath(".//text()").getall()))


def _query_value(url: str, name: str) -> str | None:
    try:
        values = parse_qs(urlsplit(url).query).get(name)
    except ValueError:  # a malformed link ("http://[::1")
        return None
    return values[0] if values else None


def strip_gid_prefix(gid: str) -> str:
    """``uk.org.publicwhip/debate/2025-02-10a.1.0`` -> ``2025-02-10a.1.0``."""
    return gid.rsplit("/", 1)[-1] if gid.startswith(GID_PREFIX) else gid


def gid_date(gid: str | None) -> str | None:
    """Sitting date (YYYY-MM-DD) from a gid, else ``None``."""
    match = GID_RE.match(strip_gid_prefix(gid)) if gid else None
    return match["date"] if match else None


def gid_column(gid: str | None) -> str | None:
    """Hansard column from a gid: ``2025-02-10a.1.2`` -> ``1``."""
    match = GID_RE.match(strip_gid_prefix(gid)) if gid else None
    if not match:
        return None
    parts = match["rest"].split(".")
    return ".".join(parts[:-1]) if len(parts) > 1 else None


def _gid_stem(gid: str) -> str | None:
    """The date and revision part of a gid: ``2025-02-10a.1.2`` -> ``2025-02-10a``."""
    match = GID_RE.match(gid)
    return f"{match['date']}{match['rev']}" if match else None


def interface_for(url: str) -> str:
    """``cy`` for the Welsh host, else ``en`` (the site switches on the host name)."""
    host = (urlsplit(url).hostname or "").lower()
    for prefix, interface in INTERFACE_HOST_PREFIXES.items():
        if host.startswith(prefix):
            return interface
    return DEFAULT_INTERFACE


def house_for(url: str) -> str | None:
    """House of a section URL from its first path segment (``/whall/`` -> ``westminster-hall``)."""
    segments = [segment for segment in urlsplit(url).path.split("/") if segment]
    return HOUSES_BY_PATH.get(segments[0]) if segments else None


def _section_gid_from_url(url: str | None) -> str | None:
    if not url:
        return None
    value = _query_value(url, "id") or _query_value(url, "gid")
    return strip_gid_prefix(value) if value else None


# --- page kinds --------------------------------------------------------------------


def page_kind(page: Any) -> str | None:
    """What a TheyWorkForYou page is, judged from its markup.

    ``debate`` (a section or speech page), ``day`` (a day index), ``member``
    (a member profile), or ``None`` (anything else: robots.txt, an error page).
    """
    sel = _selector(page)
    if sel.css("div.debate-header p.lead") or sel.css("div.debate-speech[id^='g']"):
        return "debate"
    if sel.css("ul.business-list") or sel.css("p.business-section__header__date"):
        return "day"
    if sel.css(".person-header__about__name") or sel.css(".person-header h1"):
        return "member"
    return None


# --- speaker lines -------------------------------------------------------------------


@dataclass(frozen=True)
class PositionLine:
    """A speaker line split into office, party and constituency."""

    position: str | None = None
    party: str | None = None
    constituency: str | None = None


def split_position_line(line: str | None) -> PositionLine:
    """Read ``small.debate-speech__speaker__position``.

    The template prints the member's offices on that date when there are any,
    otherwise the party, plus ``", constituency"`` for Commons members. A line
    is a party line only when it starts with a known party label (English, or
    one of the five the Welsh interface translates); anything else is an office
    ("Chair, Defence Committee" has the same shape as "Labour, Bolton West").
    The spider re-reads a line as a party line when the member's page shows
    its first part is the party the member held that day (a party too new for
    the table).
    """
    line = clean(line)
    if not line:
        return PositionLine()
    if line in PARTY_LABELS:
        return PositionLine(party=line)
    head, sep, tail = line.partition(",")
    if sep and head.strip() in PARTY_LABELS:
        return PositionLine(party=head.strip(), constituency=tail.strip() or None)
    return PositionLine(position=line)


# --- debate sections -----------------------------------------------------------------


def _lead_parts(lead: str) -> tuple[str | None, str]:
    """Split the lead line into the enclosing heading and the rest.

    The last dash is the location's: a heading may hold a dash of its own.
    """
    intro, dash, rest = lead.rpartition(LEAD_DASH)
    if not dash:
        return None, lead
    intro = intro.strip()
    for prefix in _PART_OF:
        if intro.startswith(prefix):
            intro = intro[len(prefix) :].strip()
    return intro or None, rest.strip()


def _lead_date_raw(rest: str, printed_date: str) -> str:
    """The printed date, with the time before it when the lead line gives one."""
    if not printed_date:
        return ""
    match = re.search(
        rf"(?:^|\s)(?:{_AT_WORDS})\s+(?P<time>{CLOCK})\s+(?P<on>{_ON_WORDS})\s+"
        + re.escape(printed_date),
        rest,
        re.IGNORECASE,
    )
    if match:
        return f"{clean(match['time'])} {match['on']} {printed_date}"
    return printed_date


def _lead_date(date_raw: str | None) -> str | None:
    """YYYY-MM-DD from a lead-line date in either interface, else ``None``."""
    match = LEAD_DATE_RE.search(date_raw or "")
    if not match:
        return None
    month = MONTHS.get(match[2].casefold())
    if not month:
        return None
    try:
        return date(int(match[3]), month, int(match[1])).isoformat()
    except ValueError:
        return None


def _time_text(link: Selector) -> str | None:
    """The time stamp as printed, without the template's line breaks."""
    raw = "".join(link.xpath(".//text()").getall())
    raw = LINE_BREAK_RE.sub(" ", raw).strip()
    return raw or None


def _paragraphs(container: Selector) -> list[str]:
    blocks = container.xpath(".//p | .//li[not(.//p)]")
    texts = [_text(block) for block in blocks]
    texts = [text for text in texts if text]
    if not texts:
        whole = _text(container)
        texts = [whole] if whole else []
    return texts


def _division_paragraphs(division: Selector) -> list[str]:
    """Number, title and tallies of a division; its buttons and name lists stay out."""
    texts: list[str] = []
    header = division.css(".debate-speech__division__header")
    if header:
        parts = [_text(node) for node in header[0].xpath("./*[not(self::img)]")]
        texts.extend(part for part in parts if part)
    for node in division.xpath(
        ".//*[self::h2 or self::h3 or self::p]"
        "[not(ancestor-or-self::*[contains(@class, 'debate-speech__division__header')])]"
    ):
        text = _text(node)
        links = clean(" ".join(_text(a) for a in node.xpath(".//a")))
        # A paragraph that is only a link ("Show full division") is navigation.
        if text and text != links:
            texts.append(text)
    return texts


def _speech_gid(block: Selector, anchor: str, stem: str | None) -> str:
    """Full gid of a speech: from its "Individually" link, else section stem + anchor."""
    for href in block.css("ul.debate-speech__links a::attr(href)").getall():
        if "#" in href:
            continue
        gid = _section_gid_from_url(href)
        if gid and gid.split(".", 1)[-1] == anchor:
            return gid
    return f"{stem}.{anchor}" if stem else anchor


def _in_context_href(block: Selector, anchor: str) -> str | None:
    for href in block.css("ul.debate-speech__links a::attr(href)").getall():
        if href.endswith(f"#g{anchor}"):
            return href
    return None


def _person_id(href: str | None) -> str | None:
    if not href:
        return None
    value = _query_value(href, "p") or _query_value(href, "pid")
    if value and value.isdigit():
        return value
    match = re.search(r"/(?:" + "|".join(DATA["member_paths"]) + r")/(\d+)(?:/|$)", href)
    return match[1] if match else None


def _parse_speech(
    block: Selector,
    anchor: str,
    *,
    stem: str | None,
    page_url: str,
    interface: str,
) -> Speech:
    gid = _speech_gid(block, anchor, stem)
    in_context = _in_context_href(block, anchor)
    speech = Speech(
        id=gid,
        text="",
        column=gid_column(gid),
        url=join_url(page_url, in_context) if in_context else None,
    )
    division = block.css("div.debate-speech__division")
    if division:
        speech.kind = "division"
        speech.text = "\n\n".join(_division_paragraphs(division[0]))
        return speech

    speaker = block.css("h2.debate-speech__speaker")
    content = block.css("div.debate-speech__content")
    speech.text = "\n\n".join(_paragraphs(content[0])) if content else ""
    if not speaker:
        speech.kind = "procedural"
        return speech

    wrapper = block.css("div.debate-speech__speaker-and-content")
    classes = " ".join(wrapper[0].xpath("@class").getall()) if wrapper else ""
    speech.kind = "intervention" if "--intervention" in classes else "speech"

    link = speaker[0].xpath(".//a[not(contains(concat(' ', @class, ' '), ' time '))]")
    href = link[0].attrib.get("href") if link else None
    speech.person_id = _person_id(href)
    name = _text(speaker[0].css(".debate-speech__speaker__name")[:1] or None)
    if not name and link:
        name = _text(link[0])
    speech.speaker_name = name or None
    if not speech.person_id:
        speech.flags.append("speaker:unlinked")

    line = split_position_line(
        _text(speaker[0].css(".debate-speech__speaker__position")[:1] or None)
    )
    speech.position = line.position
    speech.constituency = line.constituency
    if line.party:
        speech.party_raw = {interface: line.party}
        speech.party_source = "speaker_line"

    time_link = speaker[0].css("a.time")
    if time_link:
        speech.time_raw = _time_text(time_link[0])
    return speech


def parse_debate(page: Any, *, url: str, fetched_at: str) -> DebateItem:
    """A debate section page (``/debates/?id=<gid>``, ``/whall/``, ``/lords/``) as a DebateItem.

    ``date_raw`` is the lead line's sitting date as printed, preceded by the
    time when the lead line prints one ("12:31 pm on 11 February 2025",
    "1:47 pm ar 30 Ebrill 2024", else "10 Chwefror 2025"): that time is the
    section's first, and it settles the am/pm the speech time stamps leave out.

    ``Speech.time_raw`` is the stamp a speech prints; the page prints one only
    where the time changes. ``Speech.time`` is left ``None``: stamps carry no
    am/pm, so reading them as HH:MM (in page order, after the lead line's time)
    belongs to the date pipeline.
    """
    sel = _selector(page)
    interface = interface_for(url)
    flags: list[str] = []

    blocks: list[tuple[Selector, str]] = []
    for block in sel.css("div.debate-speech[id]"):
        match = SPEECH_ANCHOR_RE.match(block.attrib.get("id", ""))
        if match:  # the "Votes in this debate" box is a debate-speech without an id
            blocks.append((block, match["anchor"]))
    # Speeches are identified by gid; one printed without it cannot be kept or merged.
    if any(
        not SPEECH_ANCHOR_RE.match(block.attrib.get("id", ""))
        for block in sel.css("div.debate-speech:has(div.debate-speech__content)")
    ):
        flags.append(NO_GID_FLAG)

    section_id = _section_gid_from_url(url)
    if not section_id:
        for block, anchor in blocks:
            href = _in_context_href(block, anchor)
            if href:
                section_id = _section_gid_from_url(href)
                break
    if not section_id:
        for candidate in sel.xpath(
            "//link[@rel='canonical']/@href | //meta[@property='og:url']/@content"
        ).getall():
            section_id = _section_gid_from_url(candidate)
            if section_id:
                break
    stem = _gid_stem(section_id) if section_id else None

    speeches = [
        _parse_speech(block, anchor, stem=stem, page_url=url, interface=interface)
        for block, anchor in blocks
    ]

    if not section_id and speeches:
        section_id = speeches[0].id
        flags.append("id:from_first_speech")

    house = house_for(url)
    if house is None:
        house = "unknown"
        flags.append("house:unknown")

    header = sel.css("div.debate-header")
    title = _text(header.css("h1")[:1] or None) if header else ""
    lead_node = header.css("p.lead") if header else []
    lead = _text(lead_node[0]) if lead_node else ""
    parent_title, rest = _lead_parts(lead) if lead else (None, "")
    date_raw = _lead_date_raw(rest, _text(lead_node[0].css("a")[:1] or None) if lead_node else "")

    sitting = gid_date(section_id)
    lead_date = _lead_date(date_raw)
    if sitting and lead_date and sitting != lead_date:
        flags.append("date:lead_mismatch")
    if not sitting:
        sitting = lead_date

    return DebateItem(
        id=section_id or "",
        house=house,
        url=url,
        interface=interface,
        fetched_at=fetched_at,
        title=title or None,
        parent_title=parent_title,
        date_raw={interface: date_raw} if date_raw else {},
        date=sitting,
        urls=[url],
        interfaces=[interface],
        speeches=speeches,
        flags=flags,
    )


# --- day indexes ----------------------------------------------------------------------


def parse_day_index(page: Any, *, url: str) -> tuple[str | None, list[str]]:
    """The printed date of a day index and the absolute URLs of its sections.

    Subsections are nested one level deeper than their heading (``li > ul > li``)
    and oral-questions headings are unlinked ``div``s, so links are taken at any
    depth inside ``ul.business-list``.
    """
    sel = _selector(page)
    date_raw = "".join(sel.css("p.business-section__header__date ::text").getall()).strip()
    hrefs = sel.css("ul.business-list a.business-list__title::attr(href)").getall()
    if not hrefs:
        hrefs = sel.css("ul.business-list a[href*='id=']::attr(href)").getall()
    links: list[str] = []
    for href in hrefs:
        absolute = join_url(url, href)
        if absolute and absolute not in links:
            links.append(absolute)
    return date_raw or None, links


# --- member pages -----------------------------------------------------------------------


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
    sel = _selector(page)
    person_id = _person_id(url) or sel.css("input[name='pid']::attr(value)").get()
    name = _text(sel.css(".person-header__about__name")[:1] or None) or _text(
        sel.css(".person-header h1")[:1] or None
    )
    role = _text(sel.css(".person-header__about__position__role")[:1] or None)
    constituency = _text(sel.css(".person-header__about__position__constituency")[:1] or None)

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
        line = _text(paragraph)
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
