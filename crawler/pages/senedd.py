"""The Senedd's Record of Proceedings from its XML export: pure parsing, no I/O.

Three kinds of document, each with a function here:

- the export listing (``/XMLExport?start=…&end=…``): one table row per meeting,
  ``date | type | bilingual | welsh | english | qnr | votes``
  (:func:`parse_listing`);
- the bilingual transcript of a meeting (``/XMLExport/Download?meetingID=…
  &xmlDownloadType=BilingualTranscript``): UTF-8 with a byte-order mark, a
  ``<dataroot generated=…>`` root and one child element per contribution, named
  after the meeting (``XML_Plenary-SixthSenedd_Bilingual``…), whose fields are
  the export's own names (:func:`read_transcript`, :func:`parse_transcript`);
- the member lists in English and Welsh (ModernGov ``GetCouncillorsByWard``):
  member id, name and party title as served (:func:`parse_members`).

Each contribution keeps the text as spoken (``contribution_verbatim``) and its
translation (``contribution_translated``); which language was spoken is
``contribution_language``, read per contribution: the translation is English
for a contribution spoken in Welsh and Welsh for one spoken in English. Both
values are HTML that the XML escapes: the XML parser undoes the XML's escaping
and the HTML parser the HTML's, each exactly once, so a speech saying "&amp;"
keeps it. A debate record is one agenda item of one meeting.

Every fact about the export (hosts, paths, the element-name pattern, the
contribution types, the ids that name offices, the boilerplate) lives in
``crawler/data/senedd.json``.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from lxml import etree
from parsel import Selector

from crawler.items import DebateItem, Speech
from crawler.packaged import packaged
from crawler.pages.text import as_selector
from crawler.urls import join_url

DATA: dict[str, Any] = json.loads(packaged("data", "senedd.json").read_text(encoding="utf-8"))

RECORD_HOST: str = DATA["record_host"]
LISTING_PATH: str = DATA["listing_path"]
MEMBERS_HOST: str = DATA["members_host"]
MEMBERS_PATHS: dict[str, str] = DATA["members_paths"]
"""Path of the member list in each language, on ``MEMBERS_HOST``."""
TRANSCRIPT_TYPE: str = DATA["transcript_type"]
PLENARY_PREFIX: str = DATA["plenary_type_prefix"]
ROW_ELEMENT = re.compile(DATA["row_element_pattern"])
KINDS: dict[str, str] = DATA["contribution_kinds"]
HEADING_TYPES = frozenset(DATA["heading_types"])
OFFICE_IDS = frozenset(DATA["office_member_ids"])
BOILERPLATE: tuple[str, ...] = tuple(DATA["boilerplate_prefixes"])
LANGUAGES: dict[str, str] = DATA["languages"]
QUESTION_REF = re.compile(DATA["question_ref_pattern"])
SOURCE = "senedd"
"""The source's key in ``sources``, ``source_ids``, ``source_urls`` and ``member_ids``."""

OFFICE_FLAG = "speaker:office"
"""The member id names an office (the Llywydd…), not a person: no member id, no party."""
NOT_LISTED_FLAG = "member:not_listed"
"""The member id is in neither member list: the party is unknown."""
LANGUAGE_FLAG = "language:unknown"
"""``contribution_language`` is neither En nor Cy: the text as spoken is kept, untranslated."""

NO_ID_FLAG = "speeches:no_id"
"""Debate flag: a contribution of this agenda item has no usable ``Contribution_ID``, so no
speech record can hold it (it is counted and logged, not stored)."""
_ID_PART = re.compile(r"^[0-9A-Za-z-]+$")

_SAFE_XML = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
_SPACE = re.compile(r"\s+")


class TranscriptError(ValueError):
    """A transcript that is not the export's XML; the message says why."""


# --- listing --------------------------------------------------------------------------------


@dataclass(frozen=True)
class ListingRow:
    """One meeting on the export listing."""

    date_raw: str
    """The date cell as printed, ``08/11/2022 13:30``."""
    type: str
    """The type cell: ``Plenary``, ``Plenary - Sixth Senedd`` or a committee's name."""
    transcript_url: str | None
    """Absolute URL of the bilingual transcript, when the row links one."""

    @property
    def is_plenary(self) -> bool:
        return self.type.startswith(PLENARY_PREFIX)

    @property
    def day(self) -> date | None:
        try:
            return datetime.strptime(self.date_raw, DATA["listing_date_format"]).date()
        except ValueError:
            return None


def parse_listing(page: Any, *, url: str) -> list[ListingRow]:
    """The meetings a listing page lists, in page order (rows without seven cells are skipped)."""
    sel = as_selector(page)
    rows = []
    columns = DATA["listing_columns"]
    for row in sel.css("tr"):
        cells = row.xpath("./td")
        if len(cells) != len(columns):
            continue
        by_name = dict(zip(columns, cells, strict=True))
        href = by_name["bilingual"].css("a::attr(href)").get()
        rows.append(
            ListingRow(
                date_raw=_clean(" ".join(by_name["date"].xpath(".//text()").getall())),
                type=_clean(" ".join(by_name["type"].xpath(".//text()").getall())),
                transcript_url=join_url(url, href) if href else None,
            )
        )
    return rows


def is_listing(page: Any) -> bool:
    """Whether a page is the export listing: its table's header has the listing's columns
    (a day without meetings has the header and no rows)."""
    sel = as_selector(page)
    for row in sel.css("tr"):
        if len(row.xpath("./th")) == len(DATA["listing_columns"]):
            return True
    return bool(sel.css("a[href*='xmlDownloadType']"))


# --- transcripts ----------------------------------------------------------------------------


def read_transcript(body: bytes) -> list[dict[str, str]]:
    """The contribution rows of a transcript, each field by its export name.

    Rows are the children of ``dataroot`` whose name matches the export's
    pattern (``XML_<meeting>_Bilingual``), whatever the meeting is called; an
    empty field is ``""``.
    """
    try:
        root = etree.fromstring(body, parser=_SAFE_XML)
    except etree.XMLSyntaxError as error:
        raise TranscriptError(f"not XML ({error})") from None
    if root is None or etree.QName(root).localname != "dataroot":
        raise TranscriptError("no dataroot element")
    rows = []
    for element in root:
        if not isinstance(element.tag, str) or not ROW_ELEMENT.match(
            etree.QName(element).localname
        ):
            continue
        rows.append({etree.QName(child).localname: child.text or "" for child in element})
    return rows


def is_transcript(body: bytes) -> bool:
    """Whether a response body is an export transcript (cheap: the root's name)."""
    return b"<dataroot" in body[:512]


def html_paragraphs(value: str) -> str:
    """Plain text of an HTML value: its paragraphs, whitespace collapsed, joined by a blank line.

    ``value`` is the field as the XML parser left it (the XML's escaping undone);
    the HTML parser undoes the HTML's entities, once.
    """
    if not value.strip():
        return ""
    sel = Selector(text=f"<div>{value}</div>")
    blocks = sel.xpath("//p | //li[not(.//p)]")
    texts = [_clean("".join(block.xpath(".//text()").getall())) for block in blocks]
    texts = [text for text in texts if text]
    if not texts:
        whole = _clean("".join(sel.xpath("//body//text()").getall()))
        texts = [whole] if whole else []
    return "\n\n".join(texts)


@dataclass
class Member:
    """A member as one language's member list gives them."""

    id: str
    name: str
    party: str | None


@dataclass
class MemberLists:
    """Both languages' member lists, joined on the member id."""

    by_language: dict[str, dict[str, Member]] = field(default_factory=dict)

    def parties(self, member_id: str) -> dict[str, str]:
        """The member's party title in each language that lists one."""
        return {
            language: members[member_id].party
            for language, members in sorted(self.by_language.items())
            if member_id in members and members[member_id].party
        }

    def lists(self, member_id: str) -> bool:
        return any(member_id in members for members in self.by_language.values())


def parse_members(body: bytes) -> dict[str, Member]:
    """A ``GetCouncillorsByWard`` list: member id -> name and party title as served."""
    try:
        root = etree.fromstring(body, parser=_SAFE_XML)
    except etree.XMLSyntaxError as error:
        raise TranscriptError(f"member list is not XML ({error})") from None
    members = {}
    for councillor in root.iterfind(".//councillor"):
        member_id = _clean(councillor.findtext("councillorid"))
        if not member_id:
            continue
        party = _clean(councillor.findtext("politicalpartytitle"))
        members[member_id] = Member(
            member_id, _clean(councillor.findtext("fullusername")), party or None
        )
    return members


def language_of(raw: str) -> str | None:
    """``contribution_language`` (``En``/``Cy``, any case) as ``en``/``cy``; else ``None``."""
    return LANGUAGES.get(raw.strip().lower())


def is_boilerplate(row: dict[str, str]) -> bool:
    """The export's note on the bilingual layout, which is not part of the proceedings."""
    for name in ("contribution_verbatim", "contribution_translated"):
        if html_paragraphs(row.get(name, "")).startswith(BOILERPLATE):
            return True
    return False


def permalink(meeting_id: str, contribution_id: str) -> str:
    return DATA["permalink"].format(meeting_id=meeting_id, contribution_id=contribution_id)


def debate_id(meeting_id: str, agenda_item_id: str) -> str:
    return f"{SOURCE}-{meeting_id}-{agenda_item_id}"


def speech_id(meeting_id: str, contribution_id: str) -> str:
    return f"{SOURCE}-{meeting_id}-{contribution_id}"


def parse_speech(row: dict[str, str]) -> Speech:
    """One contribution as a Speech: raw values only (the pipelines normalise them).

    Parties are not in the export: :func:`join_members` adds them from the member lists.
    """
    meeting_id = row.get("Meeting_ID", "").strip()
    contribution_id = row.get("Contribution_ID", "").strip()
    link = permalink(meeting_id, contribution_id)
    language = language_of(row.get("contribution_language", ""))
    verbatim = html_paragraphs(row.get("contribution_verbatim", ""))
    translated = html_paragraphs(row.get("contribution_translated", ""))
    flags: list[str] = []
    texts: dict[str, str] = {}
    videos: dict[str, str] = {}
    spoken_video = row.get("contribution_spoken_seneddTv", "").strip()
    translated_video = row.get("contribution_translated_seneddTv", "").strip()
    if language is None:
        flags.append(LANGUAGE_FLAG)
    else:
        other = next(code for code in LANGUAGES.values() if code != language)
        if translated and translated != verbatim:
            texts = dict(sorted({language: verbatim, other: translated}.items()))
        if spoken_video:
            videos[language] = spoken_video
        if translated_video:
            videos[other] = translated_video
    member_id = row.get("Member_Id", "").strip()
    speech = Speech(
        id=speech_id(meeting_id, contribution_id),
        text=verbatim,
        kind=KINDS.get(row.get("contribution_type", "").strip(), "speech"),
        speaker_name=_clean(row.get("Member_name_English")) or None,
        position=_clean(row.get("Member_job_title_English")) or None,
        time_raw=row.get("ContributionTime", "").strip() or None,
        url=link,
        flags=flags,
        language=language,
        texts=texts,
        source_ids={SOURCE: contribution_id},
        source_urls={SOURCE: link},
        job_titles={
            code: title
            for code, name in (("en", "Member_job_title_English"), ("cy", "Member_job_title_Welsh"))
            if (title := _clean(row.get(name)))
        },
        video_urls=dict(sorted(videos.items())),
    )
    reference = QUESTION_REF.search(verbatim)
    if reference:
        speech.question_ref = reference[1]
    if not member_id:
        return speech
    if member_id in OFFICE_IDS:
        speech.flags.append(OFFICE_FLAG)
        return speech
    speech.member_ids = {SOURCE: member_id}
    return speech


def join_members(debate: DebateItem, members: MemberLists) -> None:
    """Give each speech of ``debate`` its member's party title in each language, joined on
    the member id; a member neither list names is flagged ``member:not_listed``."""
    for speech in debate.speeches:
        member_id = speech.member_ids.get(SOURCE)
        if not member_id:
            continue
        if not members.lists(member_id):
            speech.flags.append(NOT_LISTED_FLAG)
        speech.party_raw = members.parties(member_id)
        if speech.party_raw:
            speech.party_source = "member_list"


@dataclass
class Transcript:
    """What one transcript gave: its debates, and what was left out of them."""

    debates: list[DebateItem]
    headings: int = 0
    """Sub-headings (type B): not speeches."""
    boilerplate: int = 0
    """The bilingual-layout note, dropped."""
    unidentified: int = 0
    """Rows without a usable meeting, agenda item or contribution id: no record can hold them."""


def parse_transcript(body: bytes, *, url: str, fetched_at: str) -> Transcript:
    """A meeting's bilingual transcript as one DebateItem per agenda item, in order."""
    rows = read_transcript(body)
    if all(row.get("Contribution_Order_ID", "").strip().isdigit() for row in rows):
        rows = sorted(rows, key=lambda row: int(row["Contribution_Order_ID"]))
    result = Transcript([])
    by_item: dict[str, DebateItem] = {}
    for row in rows:
        if row.get("contribution_type", "").strip() in HEADING_TYPES:
            result.headings += 1
            continue
        if is_boilerplate(row):
            result.boilerplate += 1
            continue
        meeting_id = row.get("Meeting_ID", "").strip()
        agenda_id = row.get("Agenda_Item_ID", "").strip()
        if not (_ID_PART.match(meeting_id) and _ID_PART.match(agenda_id)):
            result.unidentified += 1
            continue
        key = debate_id(meeting_id, agenda_id)
        debate = by_item.get(key)
        if debate is None:
            titles = {
                code: title
                for code, name in (("en", "Agenda_item_english"), ("cy", "Agenda_item_welsh"))
                if (title := _clean(row.get(name)))
            }
            meeting_date = row.get("MeetingDate", "").strip()
            debate = DebateItem(
                id=key,
                house=SOURCE,
                url=url,
                interface="en",
                fetched_at=fetched_at,
                title=titles.get("en") or titles.get("cy"),
                titles=titles,
                date_raw={"en": meeting_date} if meeting_date else {},
                urls=[url],
                interfaces=["en"],
                sources=[SOURCE],
                source_ids={SOURCE: [agenda_id]},
            )
            by_item[key] = debate
            result.debates.append(debate)
        if not _ID_PART.match(row.get("Contribution_ID", "").strip()):
            result.unidentified += 1
            if NO_ID_FLAG not in debate.flags:
                debate.flags.append(NO_ID_FLAG)
            continue
        debate.speeches.append(parse_speech(row))
    # An agenda item whose every row lacked an id holds nothing to store.
    result.debates = [debate for debate in result.debates if debate.speeches]
    return result


def agenda_titles(debate: DebateItem) -> tuple[str | None, ...]:
    """Both agenda titles of a debate, for the defence selection."""
    return tuple(debate.titles.values())


def _clean(text: str | None) -> str:
    return _SPACE.sub(" ", text or "").strip()
