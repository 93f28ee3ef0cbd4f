"""The official Hansard's API responses as raw values: pure functions, no I/O.

The Hansard API (``hansard-api.parliament.uk``) answers in JSON whose field
names and nesting follow its Swagger specification (crawler/data/hansard_api.json
cites it): a sitting day's section names, each section's tree of items
(``SectionTreeItem``), and each debate (``Overview``, ``Items``, ``ChildDebates``
nested to any depth). The Members API (``members-api.parliament.uk``) gives a
member's dated name and party history.

A debate item is a speech when its ``ItemType`` is ``Contribution``, its
``HRSTag`` is not a bare column marker and its ``Value`` holds text. ``Value``
is HTML, read once by the HTML parser (so ``&amp;`` becomes ``&`` exactly once):

* column markers (``span.column-number``) are dropped from the text; the column
  is carried forward from item to item, and a contribution's column is the one
  in effect where its text begins (a marker inside it moves the column of the
  contributions after it, as the printed page does);
* cross-references (``span.cross-reference``, e.g. "[Official Report, 14 January
  2025; Vol. 760, c. 45WH.]") cite another column: they are editorial, not
  spoken, so they leave the text and are kept in ``Speech.cross_references``;
* an oral question's ``<Question><QuestionText>…`` pseudo-markup gives the text
  of ``QuestionText`` only (the order-paper number before it is not spoken), and
  ``span.uin`` (the question's reference number) is dropped;
* ``<p>`` paragraphs are joined by a blank line; runs of white space become one space.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from typing import Any
from urllib.parse import urlparse

import lxml.etree
import lxml.html

from crawler.gid import hansard_id
from crawler.items import DebateItem, Speech
from crawler.packaged import packaged

SOURCE = "hansard"
"""This source's key in ``sources``, ``source_ids``, ``source_urls``."""
MEMBER_SCHEME = "mnis"
"""Key of the Members API / Hansard ``MemberId`` in ``Speech.member_ids``."""


@cache
def vocabulary() -> dict[str, Any]:
    """crawler/data/hansard_api.json: hosts, paths, houses, publication stages."""
    return json.loads(packaged("data", "hansard_api.json").read_text(encoding="utf-8"))


class ResponseError(ValueError):
    """A response that is not the JSON shape the operation documents."""


def load(body: bytes | str, *, expect: type) -> Any:
    """The JSON of a response, checked to be a list or a dict as the operation returns."""
    try:
        data = json.loads(body)
    except (ValueError, UnicodeDecodeError) as error:
        raise ResponseError(f"not JSON ({error})") from None
    if not isinstance(data, expect):
        raise ResponseError(f"expected a JSON {expect.__name__}, got {type(data).__name__}")
    return data


def answer_kind(url: str) -> str | None:
    """Which operation answered at ``url``: ``sections``, ``trees``, ``debate`` (Hansard
    API) or ``members`` (Members API history), from its path; else ``None``."""
    paths = vocabulary()["paths"]
    path = urlparse(url).path
    if path == paths["sections_for_day"]:
        return "sections"
    if path == paths["section_trees"]:
        return "trees"
    if path == paths["member_history"]:
        return "members"
    prefix, _, suffix = paths["debate"].partition("{ext_id}")
    if path.startswith(prefix) and path.endswith(suffix):
        return "debate"
    return None


def _dicts(value: Any) -> list[dict[str, Any]]:
    """The objects of a JSON array (anything else in it, or a non-array, is skipped)."""
    return [entry for entry in value if isinstance(entry, dict)] if isinstance(value, list) else []


def _text(value: Any) -> str:
    return value.strip() if isinstance(value, str) else ""


# --- sitting day and section trees ----------------------------------------------------


def section_names(data: list[Any]) -> list[str]:
    """``/overview/sectionsforday``: the day's section names ("Debate" is the chamber)."""
    return (
        [name for name in data if isinstance(name, str) and name.strip()]
        if isinstance(data, list)
        else []
    )


@dataclass(frozen=True)
class TreeItem:
    """One ``SectionTreeItem``: a heading or debate in a section's tree."""

    id: int
    title: str
    parent_id: int | None
    ext_id: str
    hrs_tag: str | None


def tree_items(data: list[Any]) -> list[TreeItem]:
    """Every item of every ``SectionTree`` of a ``/overview/sectiontrees`` answer, in order."""
    items = []
    for tree in _dicts(data):
        for raw in _dicts(tree.get("SectionTreeItems")):
            ext_id, item_id, parent = raw.get("ExternalId"), raw.get("Id"), raw.get("ParentId")
            if not _text(ext_id) or not isinstance(item_id, int):
                continue
            items.append(
                TreeItem(
                    id=item_id,
                    title=_text(raw.get("Title")),
                    parent_id=parent if isinstance(parent, int) else None,
                    ext_id=_text(ext_id),
                    hrs_tag=raw.get("HRSTag") if isinstance(raw.get("HRSTag"), str) else None,
                )
            )
    return items


def debates_to_fetch(items: list[TreeItem], selected: Any) -> list[TreeItem]:
    """The tree items whose debates to fetch: those ``selected(item, ancestors)`` keeps
    that have no kept ancestor (a fetched debate brings its ``ChildDebates`` with it)."""
    by_id = {item.id: item for item in items}
    chosen = []
    for item in items:
        ancestors = []
        parent = by_id.get(item.parent_id) if item.parent_id is not None else None
        while parent is not None and parent not in ancestors:
            ancestors.append(parent)
            parent = by_id.get(parent.parent_id) if parent.parent_id is not None else None
        if not selected(item, ancestors):
            continue
        if any(selected(a, ancestors[i + 1 :]) for i, a in enumerate(ancestors)):
            continue
        chosen.append(item)
    return chosen


# --- contribution text ------------------------------------------------------------------

_COLUMN = "\ue000"
_COLUMN_END = "\ue001"
_PARAGRAPH = "\ue002"
_MARKER_RE = re.compile(f"{_COLUMN}([^{_COLUMN_END}]*){_COLUMN_END}|{_PARAGRAPH}")
_SPACE_RE = re.compile(r"\s+")


@dataclass
class ValueText:
    """What a contribution's HTML ``Value`` holds."""

    text: str
    column_at_start: str | None
    """The last column marker before any text, else ``None``."""
    last_column: str | None
    """The last column marker anywhere in it, else ``None``."""
    cross_references: list[str] = field(default_factory=list)


def _has_class(element: Any, name: str) -> bool:
    return name in (element.get("class") or "").split()


def _drop_keeping_tail(element: Any, replacement: str = "") -> None:
    element.tail = replacement + (element.tail or "")
    element.drop_tree()


def value_text(value: str | None) -> ValueText:
    """The text, columns and cross-references of a ``Value`` (see the module docstring)."""
    if not isinstance(value, str) or not value.strip():
        return ValueText("", None, None)
    try:
        root = lxml.html.fragment_fromstring(value, create_parent="div")
    except (ValueError, lxml.etree.ParserError):  # NUL bytes and the like: no text to read
        return ValueText("", None, None)
    references = []
    for element in list(root.iter("span")):
        if _has_class(element, "column-number"):
            number = (element.get("data-column-number") or element.get("id") or "").strip()
            _drop_keeping_tail(element, f"{_COLUMN}{number}{_COLUMN_END}")
        elif _has_class(element, "cross-reference"):
            cited = _SPACE_RE.sub(" ", element.text_content()).strip()
            if cited:
                references.append(cited)
            _drop_keeping_tail(element)
        elif _has_class(element, "uin"):
            _drop_keeping_tail(element)
    for question in list(root.iter("question")):
        spoken = question.find(".//questiontext")
        words = (spoken if spoken is not None else question).text_content()
        _drop_keeping_tail(question, words)
    for paragraph in root.iter("p"):
        paragraph.text = _PARAGRAPH + (paragraph.text or "")
        paragraph.tail = _PARAGRAPH + (paragraph.tail or "")
    flat = root.text_content()

    paragraphs: list[str] = []
    current: list[str] = []
    column_at_start = last_column = None
    position = 0
    for match in _MARKER_RE.finditer(flat):
        current.append(flat[position : match.start()])
        position = match.end()
        if match.group(0) == _PARAGRAPH:
            paragraphs.append("".join(current))
            current = []
            continue
        number = match.group(1) or None
        if number is not None:
            if not "".join(paragraphs).strip() and not "".join(current).strip():
                column_at_start = number
            last_column = number
    current.append(flat[position:])
    paragraphs.append("".join(current))
    text = "\n\n".join(
        cleaned for part in paragraphs if (cleaned := _SPACE_RE.sub(" ", part).strip())
    )
    return ValueText(text, column_at_start, last_column, references)


# --- debates ------------------------------------------------------------------------------


def slug(title: Any) -> str:
    """The title part of a debate's web address: alphanumeric runs, capitalised, joined."""
    words = re.findall(r"[0-9A-Za-z]+", _text(title))
    return "".join(word[:1].upper() + word[1:] for word in words)


def contribution_url(overview: dict[str, Any], contribution_ext_id: str) -> str:
    """The public address of one contribution on the Hansard website."""
    return vocabulary()["contribution_url"].format(
        web_host=vocabulary()["web_host"],
        house=_text(overview.get("House")) or "Commons",
        date=_text(overview.get("Date"))[:10],
        debate_ext_id=overview.get("ExtId"),
        slug=slug(overview.get("Title")),
        contribution_ext_id=contribution_ext_id,
    )


def publication_stage(source: Any) -> str | None:
    """``Overview.Source`` as the specification names it (an integer code is read too)."""
    if source is None:
        return None
    names = vocabulary()["sources"]
    text = str(source).strip()
    if text in names:
        return names[text]
    return text if text in names.values() else None


def is_final(stage: str | None) -> bool:
    """Whether a debate at this publication stage can no longer change (bound volume)."""
    return stage in vocabulary()["final_sources"]


def record_house(overview: dict[str, Any]) -> str | None:
    """The record's house id: by ``Location``, else by the API's ``House``."""
    vocab = vocabulary()
    return vocab["house_by_location"].get(_text(overview.get("Location"))) or vocab[
        "house_by_api_house"
    ].get(_text(overview.get("House")))


def is_speech_item(item: dict[str, Any]) -> bool:
    vocab = vocabulary()
    return (
        item.get("ItemType") == vocab["speech_item_type"]
        and item.get("HRSTag") not in vocab["not_speech_tags"]
        and bool(_text(item.get("ExternalId")))
    )


def parse_debate(
    data: dict[str, Any], *, url: str, fetched_at: str, parent_title: str | None = None
) -> list[DebateItem]:
    """Every debate of a ``/debates/debate`` answer (it and its ``ChildDebates``, depth
    first) that holds speeches, with raw values only. The column carries on from a
    debate into its child debates, as they follow it on the printed page."""
    debates: list[DebateItem] = []
    _walk(data, url, fetched_at, parent_title, None, debates)
    return debates


def _walk(
    data: dict[str, Any],
    url: str,
    fetched_at: str,
    parent_title: str | None,
    column: str | None,
    out: list[DebateItem],
) -> str | None:
    overview = data.get("Overview") if isinstance(data.get("Overview"), dict) else {}
    ext_id = _text(overview.get("ExtId")) or None
    title = _text(overview.get("Title")) or None
    speeches: list[Speech] = []
    for item in _dicts(data.get("Items")):
        read = value_text(item.get("Value"))
        speech_column = read.column_at_start or column
        column = read.last_column or column
        if not is_speech_item(item) or not read.text:
            continue
        contribution = str(item["ExternalId"]).upper()
        member_id = item.get("MemberId") if isinstance(item.get("MemberId"), int) else None
        attributed = item.get("AttributedTo") if isinstance(item.get("AttributedTo"), str) else None
        timecode = item.get("Timecode") if isinstance(item.get("Timecode"), str) else None
        public_url = contribution_url(overview, contribution)
        speeches.append(
            Speech(
                id=hansard_id(contribution),
                text=read.text,
                speaker_name=_text(attributed) or None,
                time_raw=timecode,
                column=speech_column,
                url=public_url,
                language="en",
                source_ids={SOURCE: contribution},
                source_urls={SOURCE: public_url},
                member_ids={MEMBER_SCHEME: str(member_id)} if member_id is not None else {},
                attributed_to=attributed,
                hansard_item_id=str(item["ItemId"])
                if isinstance(item.get("ItemId"), int)
                else None,
                hrs_tag=item.get("HRSTag") if isinstance(item.get("HRSTag"), str) else None,
                cross_references=read.cross_references,
            )
        )
    if ext_id and speeches:
        stage = publication_stage(overview.get("Source"))
        out.append(
            DebateItem(
                id=hansard_id(ext_id),
                house=record_house(overview) or "",
                url=url,
                interface="en",
                fetched_at=fetched_at,
                title=title,
                parent_title=parent_title,
                date_raw={"en": overview["Date"]} if _text(overview.get("Date")) else {},
                speeches=speeches,
                sources=[SOURCE],
                source_ids={SOURCE: [str(ext_id).upper()]},
                publication_stage=stage,
                content_last_updated=_text(overview.get("ContentLastUpdated")) or None,
            )
        )
    for child in _dicts(data.get("ChildDebates")):
        column = _walk(child, url, fetched_at, title, column, out)
    return column


# --- Members API ------------------------------------------------------------------------


@dataclass(frozen=True)
class Dated:
    """A value held from ``start`` to ``end`` (inclusive; ``None``: open)."""

    value: str
    start: date | None
    end: date | None

    def covers(self, day: date) -> bool:
        return (self.start is None or self.start <= day) and (self.end is None or day <= self.end)


@dataclass(frozen=True)
class MemberHistory:
    """A member's dated names and parties from ``/api/Members/History``."""

    member_id: str
    names: tuple[Dated, ...]
    parties: tuple[Dated, ...]

    def party_on(self, day: date) -> str | None:
        return _on(self.parties, day)

    def name_on(self, day: date) -> str | None:
        return _on(self.names, day)

    def as_json(self) -> str:
        def rows(values: tuple[Dated, ...]) -> list[list[str | None]]:
            return [[v.value, _iso(v.start), _iso(v.end)] for v in values]

        return json.dumps({"names": rows(self.names), "parties": rows(self.parties)})

    @classmethod
    def from_json(cls, member_id: str, text: str) -> MemberHistory:
        data = json.loads(text)

        def values(rows: list[list[str | None]]) -> tuple[Dated, ...]:
            return tuple(Dated(v, _day(s), _day(e)) for v, s, e in rows if v)

        return cls(member_id, values(data["names"]), values(data["parties"]))


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day else None


def _on(values: tuple[Dated, ...], day: date) -> str | None:
    held = [value for value in values if value.covers(day)]
    return held[-1].value if held else None


def _day(raw: Any) -> date | None:
    try:
        return date.fromisoformat(str(raw)[:10]) if raw else None
    except ValueError:
        return None


def parse_member_history(data: list[Any], member_id: str) -> MemberHistory | None:
    """The history of ``member_id`` in a ``/api/Members/History`` answer, else ``None``."""
    for entry in data:
        value = (entry or {}).get("value") or {}
        if str(value.get("id")) != member_id:
            continue
        names = tuple(
            Dated(name["nameDisplayAs"], _day(name.get("startDate")), _day(name.get("endDate")))
            for name in value.get("nameHistory") or []
            if name.get("nameDisplayAs")
        )
        parties = tuple(
            Dated(party["party"]["name"], _day(party.get("startDate")), _day(party.get("endDate")))
            for party in value.get("partyHistory") or []
            if (party.get("party") or {}).get("name")
        )
        return MemberHistory(member_id, names, parties)
    return None


def fill_members(debate: DebateItem, members: dict[str, MemberHistory | None]) -> list[str]:
    """Give each speech by a member the name and party the member held on the sitting
    day; returns one outcome per speech with a member id (``filled``, ``no_party``,
    ``no_history``). ``attributed_to`` keeps the printed attribution."""
    outcomes = []
    day = _day(debate.date_raw.get("en"))
    for speech in debate.speeches:
        member_id = speech.member_ids.get(MEMBER_SCHEME)
        if member_id is None:
            continue
        history = members.get(member_id)
        if history is None or day is None:
            speech.flags.append("member:unavailable")
            outcomes.append("no_history")
            continue
        speech.speaker_name = history.name_on(day) or speech.speaker_name
        party = history.party_on(day)
        if party is None:
            outcomes.append("no_party")
            continue
        speech.party_raw = {"en": party}
        speech.party_source = "members_api"
        outcomes.append("filled")
    return outcomes
