"""The corpus's record types.

One dataclass per entity, used through itemadapter. Every field is documented
once, here; README.md explains them for researchers and ``crawler/schemas/`` holds the
JSON Schema each written record is validated against.

Raw and normalised values sit side by side: a ``*_raw`` field keeps the string
exactly as the page printed it, and the normalised field is ``None`` when the
raw value could not be read (the record's ``flags`` then say why).
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from typing import Any

SCHEMA_VERSION = "1.2.0"
"""Version of the record types here and their JSON Schemas in ``crawler/schemas/``: the minor
number grows when a field is added, the major when one is removed or changes meaning.
CHANGELOG.md says what each version changed."""


@dataclass
class Comment:
    """A reader comment under an article (wpDiscuz and similar plugins)."""

    id: str
    """The comment's id on its site (wpDiscuz ``comment-123`` gives ``"123"``)."""
    author: str | None
    """Display name of the commenter, as printed."""
    published_raw: str | None
    """Comment date as printed: often relative ("2 days ago")."""
    text: str
    """Comment paragraphs joined by a blank line."""
    parent_id: str | None = None
    """Id of the comment this one replies to; ``None`` for a top-level comment."""
    published_title_raw: str | None = None
    """The exact date the page gives in the date's tooltip ("11 February 2025 10:41 am"),
    when it gives one (wpDiscuz does); preferred over ``published_raw`` when it can be read."""
    published: str | None = None
    """ISO 8601 datetime with UTC offset; relative dates resolved against ``fetched_at``."""
    published_precision: str | None = None
    """How precise ``published`` is: ``second``, ``minute``, ``day``, ``month`` or ``year``."""


@dataclass
class ArticleItem:
    """A news article, one record per article however many URLs it lives at."""

    url: str
    """The URL this copy was fetched from (after redirects)."""
    site: str
    """Outlet name from the outlet configuration, e.g. ``UK Defence Journal``."""
    fetched_at: str
    """When this copy was fetched: ISO 8601 UTC."""
    title: str | None = None
    """Headline without the site-name suffix."""
    canonical_url: str | None = None
    """The page's ``rel=canonical`` (else the fetched URL), canonicalised."""
    urls: list[str] = field(default_factory=list)
    """Every canonicalised URL the article was seen at."""
    authors: list[str] = field(default_factory=list)
    """Bylines, in page order. Empty when the page names no author."""
    published_raw: str | None = None
    """Publication date exactly as found (metadata value or printed date)."""
    published: str | None = None
    """Publication datetime, ISO 8601 with UTC offset."""
    published_precision: str | None = None
    """Precision of ``published``: ``second``, ``minute``, ``day``, ``month`` or ``year``."""
    modified_raw: str | None = None
    """Last-modified date exactly as found."""
    modified: str | None = None
    """Last-modified datetime, ISO 8601 with UTC offset."""
    modified_precision: str | None = None
    """Precision of ``modified``."""
    language: str | None = None
    """ISO 639-1 code of the article's language."""
    text: str = ""
    """Body paragraphs joined by a blank line, verbatim."""
    tags: list[str] = field(default_factory=list)
    """Tags and categories the outlet gave the article."""
    comments: list[Comment] = field(default_factory=list)
    """Reader comments, in page order (empty when comment collection is off)."""
    id: str | None = None
    """Stable id, derived from the canonical URL of the article's first sighting."""
    content_hash: str | None = None
    """Fingerprint of the normalised body text, used to catch one article at unrelated URLs."""
    duplicate_of: str | None = None
    """Id of an earlier article this one is a near-copy of (syndication), else ``None``."""
    first_seen: str | None = None
    """When the corpus first saw this article (ISO 8601 UTC)."""
    last_changed: str | None = None
    """When the article's content last changed in the corpus (ISO 8601 UTC)."""
    extraction: dict[str, str] = field(default_factory=dict)
    """Which source each field came from (``selectors``, ``json-ld``, ``opengraph``, ``markup``;
    for ``text`` also ``trafilatura``, the library's main-text reading anchored to the page)."""
    flags: list[str] = field(default_factory=list)
    """Problems found with this record, e.g. ``published:unparsed``."""
    source: dict[str, str] | None = None
    """The WARC record of the page the content was read from (``warc_file``, ``record_id``,
    ``payload_digest``, ``fetched_at``); ``None`` when capture was off. Of several copies of
    an article, the one whose content the record holds."""


@dataclass
class Speech:
    """One contribution to a debate: a speech, or a line with no speaker (division, procedure)."""

    id: str
    """Its TheyWorkForYou gid without the ``uk.org.publicwhip/debate/`` prefix; for the Senedd
    ``senedd-<Meeting_ID>-<Contribution_ID>``."""
    text: str
    """Paragraphs joined by a blank line."""
    kind: str = "speech"
    """``speech``, ``intervention``, ``division`` or ``procedural``."""
    speaker_name: str | None = None
    """Speaker's name as printed; ``None`` for lines without a speaker."""
    person_id: str | None = None
    """TheyWorkForYou person id, when the speaker is linked to a member page."""
    position: str | None = None
    """Office printed on the speaker line ("The Secretary of State for Defence"), else ``None``."""
    party_raw: dict[str, str] = field(default_factory=dict)
    """Party label as printed, per interface: ``{"cy": "Llafur", "en": "Labour"}``."""
    party: str | None = None
    """Canonical party id (``labour``, ``conservative``…), see ``crawler/data/parties.csv``:
    the preferred interface's label wins when the interfaces' labels disagree
    (``party:disagreement``)."""
    party_source: str | None = None
    """Where the party came from: ``speaker_line``, ``member_page``, ``member_list`` (the
    Senedd's member lists, joined on the member id) or ``members_api`` (the Members API's
    dated party history, official Hansard speeches)."""
    constituency: str | None = None
    """Constituency printed on the speaker line or member page."""
    time_raw: str | None = None
    """Time stamp printed on this speech, e.g. ``" 2:33,  3 November 2025"`` (12-hour, no
    am/pm), else ``None``."""
    time: str | None = None
    """Time in effect for this speech, HH:MM 24-hour: TheyWorkForYou prints a stamp only when
    the time changes, so a speech takes the last stamp before it (or the lead line's time).
    A stamp's am/pm is settled by the time before it, else by the house's sitting hours on
    that weekday (crawler/normalise/speech_times.py); ``None`` and flagged
    ``time:ambiguous`` when neither settles it."""
    column: str | None = None
    """Hansard column number."""
    url: str | None = None
    """Link to the speech on TheyWorkForYou."""
    previous_ids: list[str] = field(default_factory=list)
    """Gids this speech had in earlier revisions of the day's record."""
    flags: list[str] = field(default_factory=list)
    """Problems found with this speech, e.g. ``party:unknown``."""
    language: str | None = None
    """Language the contribution was given in, ``en`` or ``cy``; ``None`` on TheyWorkForYou
    Westminster speeches (English)."""
    texts: dict[str, str] = field(default_factory=dict)
    """The text in each language where the source gives more than one (Senedd: as spoken and
    its translation, ``{"cy": …, "en": …}``); ``text`` is ``texts[language]``. Empty when the
    source gives one text."""
    source_ids: dict[str, str] = field(default_factory=dict)
    """Each source's own id of this contribution (keys ``twfy``, ``hansard``: the item's
    ``ExternalId``, ``senedd``: the Senedd's ``Contribution_ID``)."""
    source_urls: dict[str, str] = field(default_factory=dict)
    """Each source's public URL of this contribution (Senedd: the Record's permalink)."""
    member_ids: dict[str, str] = field(default_factory=dict)
    """The speaker's id in each scheme: ``twfy`` (TheyWorkForYou person id), ``mnis``
    (Parliament Members API, Hansard ``MemberId``), ``senedd`` (the Senedd's ``Member_Id``;
    never set for the ids that name an office, which are flagged ``speaker:office``)."""
    job_titles: dict[str, str] = field(default_factory=dict)
    """Senedd: the speaker's job title in each language as the Record gives it
    (``{"en": "First Minister", "cy": "Prif Weinidog Cymru"}``)."""
    video_urls: dict[str, str] = field(default_factory=dict)
    """Senedd: the Senedd TV link of the contribution per audio language: the language
    spoken, and the other language's interpretation."""
    question_ref: str | None = None
    """Senedd: the reference an oral or topical question ends with (``OQ58712``, ``TQ…``)."""
    attributed_to: str | None = None
    """Official Hansard: the item's ``AttributedTo`` exactly as given ("The Secretary of
    State for Defence (John Healey)", "Hon. Members")."""
    hansard_item_id: str | None = None
    """Official Hansard: the item's numeric ``ItemId``."""
    hrs_tag: str | None = None
    """Official Hansard: the item's ``HRSTag`` (``hs_Para``, ``hs_8Question``…)."""
    cross_references: list[str] = field(default_factory=list)
    """Official Hansard: citations of other columns the text carried
    ("[Official Report, 14 January 2025; Vol. 760, c. 45WH.]"), kept out of ``text``."""
    previous_text_digests: list[str] = field(default_factory=list)
    """Official Hansard: ``sha256:<hex>`` of each earlier text of this contribution, oldest
    first, when a later version of the debate (Rolling -> Daily -> Bound) revised it."""


@dataclass
class DebateItem:
    """A debate section of one sitting day, with its speeches."""

    id: str
    """Section gid without prefix, e.g. ``2025-02-10a.1.0``; for the Senedd one agenda item of
    one meeting, ``senedd-<Meeting_ID>-<Agenda_Item_ID>`` (``senedd-12920-221108-9``)."""
    house: str
    """``commons``, ``westminster-hall``, ``lords``, ``senedd``…"""
    url: str
    """The page this copy was fetched from."""
    interface: str
    """Interface of that page: ``en`` or ``cy``."""
    fetched_at: str
    """When this copy was fetched: ISO 8601 UTC."""
    title: str | None = None
    """Section heading."""
    parent_title: str | None = None
    """Heading of the enclosing section ("Defence" for oral questions), else ``None``."""
    date_raw: dict[str, str] = field(default_factory=dict)
    """Sitting date as printed in the lead line, per interface:
    ``{"cy": "10 Chwefror 2025", "en": "10 February 2025"}``."""
    date: str | None = None
    """Sitting date, YYYY-MM-DD: from the gid, checked against every interface's lead line
    (``date:lead_mismatch``, ``date:interface_disagreement``); decided on the merged record."""
    urls: list[str] = field(default_factory=list)
    """Every page the debate was seen at, in any interface."""
    interfaces: list[str] = field(default_factory=list)
    """Interfaces the debate was seen in, sorted: ``["cy", "en"]``."""
    speeches: list[Speech] = field(default_factory=list)
    """Speeches in order."""
    previous_ids: list[str] = field(default_factory=list)
    """Ids this debate had under earlier revisions of the day's record."""
    first_seen: str | None = None
    """When the corpus first saw this debate (ISO 8601 UTC)."""
    last_changed: str | None = None
    """When the debate's content last changed in the corpus (ISO 8601 UTC)."""
    flags: list[str] = field(default_factory=list)
    """Problems found with this record."""
    source: dict[str, Any] | None = None
    """The WARC record of the page it was read from, as on an article. In the stored record
    it is kept per interface: ``{"cy": {…}, "en": {…}}``."""
    titles: dict[str, str] = field(default_factory=dict)
    """The heading in each language where the source gives both (Senedd: the agenda item's
    English and Welsh titles); ``title`` is the English one."""
    sources: list[str] = field(default_factory=list)
    """The sources that contributed (``twfy``, ``hansard``, ``senedd``); empty on records
    stored before sources were recorded (TheyWorkForYou)."""
    source_ids: dict[str, list[str]] = field(default_factory=dict)
    """Each source's own id(s) of the debate (``{"hansard": ["<ExtId>"]}``; Senedd: the
    ``Agenda_Item_ID``)."""
    publication_stage: str | None = None
    """Official Hansard: ``Overview.Source`` by name (``RollingHansard``, ``DailyHansard``,
    ``BoundVolume``, ``Historic``); below ``BoundVolume`` the debate may still change."""
    content_last_updated: str | None = None
    """Official Hansard: ``Overview.ContentLastUpdated`` as given."""


@dataclass
class LinkItem:
    """Evidence that an article quotes a speech."""

    id: str
    """Deterministic: derived from article id, speech id and article offsets."""
    article_id: str
    """Id of the quoting article."""
    debate_id: str
    """Id of the debate holding the quoted speech."""
    speech_id: str
    """Gid of the quoted speech."""
    quote: str
    """The quoted words as printed in the article (``text[article_start:article_end]``)."""
    article_start: int
    """Offset into the article's ``text`` where the quoted passage starts."""
    article_end: int
    """Offset into the article's ``text`` just after the quoted passage."""
    speech_start: int
    """Offset into the speech's ``text`` where the matched words start."""
    speech_end: int
    """Offset into the speech's ``text`` just after the matched words."""
    score: float
    """0–1: share of the quoted words found in the speech passage."""
    kind: str
    """``exact`` or ``fuzzy``."""
    speech_language: str | None = None
    """Language of the speech text the quotation matched (``speech_start``/``speech_end``
    slice ``texts[speech_language]`` when the speech has ``texts``, else its ``text``);
    ``None`` when the source does not say (TheyWorkForYou's Westminster speeches)."""
    speech_text: str = "original"
    """``original`` when the quotation matched the text as spoken, ``translation`` when
    it matched a translation of it."""


def article_from_record(record: dict[str, Any]) -> ArticleItem:
    """The item of a stored or merged article record (the inverse of :func:`as_dict`)."""
    values = _known_fields(ArticleItem, record)
    values["comments"] = [
        Comment(**_known_fields(Comment, comment)) for comment in record.get("comments") or []
    ]
    return ArticleItem(**values)


def debate_from_record(record: dict[str, Any]) -> DebateItem:
    """The item of a stored or merged debate record (the inverse of :func:`as_dict`)."""
    values = _known_fields(DebateItem, record)
    values["speeches"] = [
        Speech(**_known_fields(Speech, speech)) for speech in record.get("speeches") or []
    ]
    return DebateItem(**values)


def refill(item: ArticleItem | DebateItem, record: dict[str, Any]) -> None:
    """Make ``item`` hold ``record`` (every field), in place.

    Pipelines change the item the spider yielded rather than replace it: Scrapy's
    ``item_dropped`` signal names that item, and what listens to it (the coverage
    monitor) must see the record as the pipelines left it.
    """
    fresh = (
        article_from_record(record) if isinstance(item, ArticleItem) else debate_from_record(record)
    )
    for name in (f.name for f in fields(fresh)):
        setattr(item, name, getattr(fresh, name))


def _known_fields(cls: type, record: dict[str, Any]) -> dict[str, Any]:
    names = {f.name for f in fields(cls)}
    return {key: value for key, value in record.items() if key in names}


def as_dict(item: Any) -> dict[str, Any]:
    """A plain, JSON-ready dict of an item (nested dataclasses included)."""
    from dataclasses import asdict, is_dataclass

    if is_dataclass(item) and not isinstance(item, type):
        return asdict(item)
    return dict(item)
