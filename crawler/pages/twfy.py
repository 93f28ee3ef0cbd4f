"""TheyWorkForYou pages: debate sections and day indexes (member profiles: :mod:`.twfy_members`).

Pure parsing: every function takes a parsel ``Selector`` (or a Scrapy response)
and returns raw values or items as the page prints them, with no I/O. The
markup follows mysociety/theyworkforyou's templates (``section/section.php``,
``section/_section_content.php``, ``section/day.php``).

What lives where: the site's own vocabulary (hosts, houses by path, member
paths, the lead line's words, member-page strings) in ``crawler/data/twfy.json``;
the party labels a speaker line may print, in both languages, in the one party
table ``crawler/data/parties.csv``, handed in as a
:class:`~crawler.normalise.parties.PartyTable`; the gid format in
:mod:`crawler.gid`; month names (for the date pipeline, which decides the
sitting date) in ``crawler/data/date_words.json``.

Both interfaces are read with the same code: ``www.theyworkforyou.com`` (English)
and ``cy.theyworkforyou.com`` (Welsh) serve the same markup, with translated
furniture, Welsh month names and five translated party labels.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs, urlsplit

from parsel import Selector

from crawler.gid import Gid, bare
from crawler.items import DebateItem, Speech
from crawler.normalise.parties import PartyTable
from crawler.packaged import packaged
from crawler.pages.text import as_selector
from crawler.urls import join_url

DATA: dict[str, Any] = json.loads(packaged("data", "twfy.json").read_text(encoding="utf-8"))

HOSTS: dict[str, str] = DATA["hosts"]
"""Host of each interface: ``{"en": "www.theyworkforyou.com", "cy": "cy.theyworkforyou.com"}``."""
HOUSES_BY_PATH: dict[str, str] = DATA["houses_by_path"]
"""First path segment of a section URL -> house (``debates`` -> ``commons``)."""
PATHS_BY_HOUSE: dict[str, str] = {house: path for path, house in HOUSES_BY_PATH.items()}
"""House -> first path segment, for building day-index URLs."""
MEMBER_PATH_BY_HOUSE: dict[str, str] = {
    house: path for house, path in DATA["member_path_by_house"].items() if not house.startswith("_")
}
"""House -> path of its members' pages (``lords`` -> ``peer``)."""
INTERFACE_HOST_PREFIXES: dict[str, str] = DATA["interface_host_prefixes"]
DEFAULT_INTERFACE: str = DATA["default_interface"]

NO_GID_FLAG = "speeches:no_gid"
"""Debate flag: the page has speeches without a gid, which no record can hold."""
SPEECH_ANCHOR_RE = re.compile(r"^g(?P<anchor>[0-9A-Za-z]+(?:\.[0-9A-Za-z]+)+)$")
CLOCK = r"\d{1,2}[:.]\d{2}(?:\s*[ap]\.?\s?m\.?)?"
WHITESPACE_RE = re.compile(r"\s+")
LINE_BREAK_RE = re.compile(r"\s*\n\s*")
# The lead line's location is introduced by an en dash ("Defence – in the House of
# Commons…"); what precedes it is the enclosing section's heading.
LEAD_DASH = "\u2013"

_PART_OF = tuple(f"{words} " for words in DATA["lead_line"]["part_of"])
_AT_WORDS = "|".join(map(re.escape, DATA["lead_line"]["at"]))
_ON_WORDS = "|".join(map(re.escape, DATA["lead_line"]["on"]))
_MEMBER_PATH_RE = re.compile(r"/(?:" + "|".join(DATA["member_paths"]) + r")/(\d+)(?:/|$)")


# --- small helpers ---------------------------------------------------------------


def selector(page: Any) -> Selector:
    """Accept a parsel Selector or a Scrapy response (see ``text.as_selector``)."""
    return as_selector(page)


def clean(text: str | None) -> str:
    """Collapse runs of whitespace to one space and trim."""
    return WHITESPACE_RE.sub(" ", text or "").strip()


def node_text(node: Selector | None) -> str:
    """The text of a node and its descendants, whitespace collapsed; ``""`` for none."""
    if node is None:
        return ""
    return clean("".join(node.xpath(".//text()").getall()))


def _query_value(url: str, name: str) -> str | None:
    try:
        values = parse_qs(urlsplit(url).query).get(name)
    except ValueError:  # a malformed link ("http://[::1")
        return None
    return values[0] if values else None


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
    """The ``?id=`` (or ``?gid=``) a section link carries, without its ParlParse prefix."""
    if not url:
        return None
    value = _query_value(url, "id") or _query_value(url, "gid")
    return bare(value) if value else None


def person_id_from_link(href: str | None) -> str | None:
    """The person id a member link carries: ``/mp/?p=10271`` or ``/mp/10271/john_healey/…``."""
    if not href:
        return None
    value = _query_value(href, "p") or _query_value(href, "pid")
    if value and value.isdigit():
        return value
    match = _MEMBER_PATH_RE.search(href)
    return match[1] if match else None


# --- page kinds --------------------------------------------------------------------


def page_kind(page: Any) -> str | None:
    """What a TheyWorkForYou page is, judged from its markup.

    ``debate`` (a section or speech page), ``day`` (a day index), ``member``
    (a member profile), or ``None`` (anything else: robots.txt, an error page).
    """
    sel = selector(page)
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


def split_position_line(line: str | None, parties: PartyTable) -> PositionLine:
    """Read ``small.debate-speech__speaker__position``.

    The template prints the member's offices on that date when there are any,
    otherwise the party, plus ``", constituency"`` for Commons members. A line
    is a party line only when its whole text, or its part before the first
    comma, is a label ``parties`` knows (in either language); anything else is
    an office ("Chair, Defence Committee" has the same shape as "Labour,
    Bolton West"). The party is kept as printed. A party too new for the table
    is read as an office here and confirmed by the member's page
    (:func:`crawler.pages.twfy_members.party_from_member_page`).
    """
    line = clean(line)
    if not line:
        return PositionLine()
    if parties.lookup(line) is not None:
        return PositionLine(party=line)
    head, sep, tail = line.partition(",")
    if sep and parties.lookup(head.strip()) is not None:
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


def _time_text(link: Selector) -> str | None:
    """The time stamp as printed, without the template's line breaks."""
    raw = "".join(link.xpath(".//text()").getall())
    raw = LINE_BREAK_RE.sub(" ", raw).strip()
    return raw or None


def _paragraphs(container: Selector) -> list[str]:
    blocks = container.xpath(".//p | .//li[not(.//p)]")
    texts = [node_text(block) for block in blocks]
    texts = [text for text in texts if text]
    if not texts:
        whole = node_text(container)
        texts = [whole] if whole else []
    return texts


def _division_paragraphs(division: Selector) -> list[str]:
    """Number, title and tallies of a division; its buttons and name lists stay out."""
    texts: list[str] = []
    header = division.css(".debate-speech__division__header")
    if header:
        parts = [node_text(node) for node in header[0].xpath("./*[not(self::img)]")]
        texts.extend(part for part in parts if part)
    for node in division.xpath(
        ".//*[self::h2 or self::h3 or self::p]"
        "[not(ancestor-or-self::*[contains(@class, 'debate-speech__division__header')])]"
    ):
        text = node_text(node)
        links = clean(" ".join(node_text(a) for a in node.xpath(".//a")))
        # A paragraph that is only a link ("Show full division") is navigation.
        if text and text != links:
            texts.append(text)
    return texts


def _speech_gid(block: Selector, anchor: str, section: Gid | None) -> str:
    """Full gid of a speech: from its "Individually" link, else the section's stem + anchor."""
    for href in block.css("ul.debate-speech__links a::attr(href)").getall():
        if "#" in href:
            continue
        gid = Gid.parse(_section_gid_from_url(href))
        if gid is not None and gid.anchor == anchor:
            return str(gid)
    return str(Gid(section.date, section.revision, anchor)) if section else anchor


def _in_context_href(block: Selector, anchor: str) -> str | None:
    for href in block.css("ul.debate-speech__links a::attr(href)").getall():
        if href.endswith(f"#g{anchor}"):
            return href
    return None


def _parse_speech(
    block: Selector,
    anchor: str,
    *,
    section: Gid | None,
    page_url: str,
    interface: str,
    parties: PartyTable,
) -> Speech:
    gid = _speech_gid(block, anchor, section)
    parsed = Gid.parse(gid)
    in_context = _in_context_href(block, anchor)
    speech = Speech(
        id=gid,
        text="",
        column=parsed.column if parsed else None,
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
    speech.person_id = person_id_from_link(href)
    name = node_text(speaker[0].css(".debate-speech__speaker__name")[:1] or None)
    if not name and link:
        name = node_text(link[0])
    speech.speaker_name = name or None
    if not speech.person_id:
        speech.flags.append("speaker:unlinked")

    line = split_position_line(
        node_text(speaker[0].css(".debate-speech__speaker__position")[:1] or None), parties
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


def parse_debate(page: Any, *, url: str, fetched_at: str, parties: PartyTable) -> DebateItem:
    """A debate section page (``/debates/?id=<gid>``, ``/whall/``, ``/lords/``) as a DebateItem.

    ``parties`` tells party lines from office lines (:func:`split_position_line`).

    ``date`` is left ``None``: the date pipeline decides the sitting date from
    the gid, checks it against ``date_raw`` and falls back on it without one.
    ``date_raw`` is the lead line's sitting date as printed, preceded by the
    time when the lead line prints one ("12:31 pm on 11 February 2025",
    "1:47 pm ar 30 Ebrill 2024", else "10 Chwefror 2025"): that time is the
    section's first, and it settles the am/pm the speech time stamps leave out.

    ``Speech.time_raw`` is the stamp a speech prints; the page prints one only
    where the time changes. ``Speech.time`` is left ``None``: stamps carry no
    am/pm, so reading them as HH:MM (in page order, after the lead line's time)
    belongs to the date pipeline.
    """
    sel = selector(page)
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
    section = Gid.parse(section_id)

    speeches = [
        _parse_speech(
            block, anchor, section=section, page_url=url, interface=interface, parties=parties
        )
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
    title = node_text(header.css("h1")[:1] or None) if header else ""
    lead_node = header.css("p.lead") if header else []
    lead = node_text(lead_node[0]) if lead_node else ""
    parent_title, rest = _lead_parts(lead) if lead else (None, "")
    date_raw = _lead_date_raw(
        rest, node_text(lead_node[0].css("a")[:1] or None) if lead_node else ""
    )

    return DebateItem(
        id=section_id or "",
        house=house,
        url=url,
        interface=interface,
        fetched_at=fetched_at,
        title=title or None,
        parent_title=parent_title,
        date_raw={interface: date_raw} if date_raw else {},
        date=None,
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
    sel = selector(page)
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
