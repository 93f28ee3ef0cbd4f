"""How a freshly scraped record combines with the stored one (pure functions).

The merge runs before normalisation and works on raw values: the record it
returns is then normalised once, as a whole (``pipelines/dates.py``,
``pipelines/parties.py``), and compared with the stored record by
:func:`settle_change`.

Articles: the copy fetched at the article's own canonical URL is the primary
copy; a copy seen at a variant URL (AMP, tracking parameters) adds its URL but
does not replace the primary copy's content. A field the primary copy lacks
(an AMP page without tags) is carried over from the stored record together with
its normalised partner and flags, which were read against the copy that
brought it. ``first_seen`` never moves.

Debates: the pages of one debate in the English and Welsh interfaces merge
into one record; speeches merge by gid; raw labels and lead-line dates are
kept per interface, and the normalised values (``date``, speech ``party`` and
``time``) are dropped, to be decided again from them. Where the two pages
disagree on a value no normaliser decides (speaker, text…), the preferred
interface's page wins and the disagreement is reported.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from crawler.gid import Gid
from crawler.urls import page_key

# Fields that describe the crawl rather than the article: a change in them alone
# is not a new version of the article.
ARTICLE_CRAWL_FIELDS = frozenset(
    {"url", "fetched_at", "urls", "first_seen", "last_changed", "id", "extraction", "source"}
)
DEBATE_CRAWL_FIELDS = frozenset(
    {
        "url",
        "fetched_at",
        "urls",
        "interfaces",
        "interface",
        "first_seen",
        "last_changed",
        "source",
    }
)
# Speech fields merged across interfaces rather than compared.
PER_INTERFACE_SPEECH_FIELDS = frozenset({"party_raw", "flags"})
# Speech fields keyed by source or id scheme (crawler/dedup/sources.py): a page adds
# its own keys and keeps the other sources' keys the stored record holds.
PER_SOURCE_SPEECH_FIELDS = frozenset({"source_ids", "source_urls", "member_ids"})
# Speech fields each interface prints in its own words or links to its own
# host ("11 Chwefror 2025" in a time stamp): the preferred page's value is kept
# and a difference is not a disagreement.
PRESENTATION_SPEECH_FIELDS = frozenset({"url", "time_raw"})
# Values the normalisers compute from the merged raw values; the merge drops
# them so that they are decided again, never carried over from the stored record.
NORMALISED_DEBATE_FIELDS = frozenset({"date"})
NORMALISED_SPEECH_FIELDS = frozenset({"party", "time"})
# An article's raw dates and the normalised fields computed from them.
ARTICLE_NORMALISED_PARTNERS: dict[str, tuple[str, ...]] = {
    "published_raw": ("published", "published_precision"),
    "modified_raw": ("modified", "modified_precision"),
}
# The article field a flag is about, where the flag's first word does not name it
# (``comment:<id>:published:unparsed`` is about ``comments``).
ARTICLE_FLAG_FIELDS = {
    "published": "published_raw",
    "modified": "modified_raw",
    "comment": "comments",
}
_EMPTY: tuple[Any, ...] = (None, [], {}, "")


def is_primary_copy(record: dict[str, Any]) -> bool:
    """Whether this copy was fetched at the URL its page names as canonical."""
    canonical = record.get("canonical_url")
    return bool(canonical) and page_key(record["url"]) == page_key(canonical)


def content_of(record: dict[str, Any], crawl_fields: frozenset[str]) -> dict[str, Any]:
    return {key: value for key, value in record.items() if key not in crawl_fields}


def merge_article(stored: dict[str, Any] | None, incoming: dict[str, Any]) -> dict[str, Any]:
    """The record an incoming article copy makes with the stored one, before normalisation.

    ``incoming`` carries its ``urls`` (:func:`crawler.urls.article_seen_urls`) and, when nothing is
    stored, its ``id``. A field carried over from the stored record keeps its
    normalised partner and its flags as stored; every raw value the incoming copy
    brings keeps its own (empty) partner, for the date normaliser to fill.
    """
    if stored is None:
        return dict(incoming)
    if is_primary_copy(incoming) or not is_primary_copy(stored):
        record = dict(incoming)
        partners = {name for names in ARTICLE_NORMALISED_PARTNERS.values() for name in names}
        # Metadata the new copy lacks (an AMP page without tags, say) stays.
        carried = {
            key
            for key, value in stored.items()
            if key not in partners
            and key not in ("flags", "source")
            and record.get(key) in _EMPTY
            and value not in _EMPTY
        }
        for key in carried:
            record[key] = stored[key]
        for raw, names in ARTICLE_NORMALISED_PARTNERS.items():
            if raw in carried:
                record.update({name: stored[name] for name in names if name in stored})
        flags = list(incoming.get("flags") or [])
        record["flags"] = flags + [
            flag
            for flag in stored.get("flags") or []
            if _article_flag_field(flag) in carried and flag not in flags
        ]
        # The source is the page the content was read from, never an older copy's.
        record["source"] = incoming.get("source")
    else:
        record = dict(stored)
    record["id"] = stored["id"]
    record["urls"] = sorted(set(stored.get("urls", [])) | set(incoming["urls"]))
    return record


def _article_flag_field(flag: str) -> str:
    head = flag.split(":", 1)[0]
    return ARTICLE_FLAG_FIELDS.get(head, head)


def settle_change(
    stored: dict[str, Any] | None,
    record: dict[str, Any],
    *,
    now: str,
    crawl_fields: frozenset[str],
    compared: tuple[str, ...] = ("urls",),
) -> bool:
    """Set ``first_seen`` and ``last_changed`` of a merged, normalised record; whether
    it differs from ``stored`` (in content, or in one of the ``compared`` crawl fields).

    ``last_changed`` moves only when the content (every field but ``crawl_fields``) did.
    """
    if stored is None:
        record["first_seen"] = record["last_changed"] = now
        return True
    record["first_seen"] = stored.get("first_seen") or now
    content_changed = content_of(record, crawl_fields) != content_of(stored, crawl_fields)
    record["last_changed"] = now if content_changed else stored.get("last_changed") or now
    return content_changed or any(record.get(key) != stored.get(key) for key in compared)


def original_order(published: str | None, record_id: str) -> tuple[int, str, str]:
    """Sort key deciding which of two near-copies is the original: the smaller one.

    The earlier publication instant wins (offsets taken into account; a date
    without a time counts as the start of that day in UTC), then the smaller id.
    An undated copy cannot show it came first and sorts after every dated one.
    """
    if not published:
        return (1, "", record_id)
    try:
        moment = datetime.fromisoformat(published)
    except ValueError:
        # Month or year precision ("2025-02", "2025"): pad to the first day.
        moment = datetime.fromisoformat((published + "-01-01")[:10])
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return (0, moment.astimezone(UTC).isoformat(), record_id)


def revision_family(record: dict[str, Any]) -> str:
    """Key shared by every revision of one debate section (house and gid without its letter)."""
    gid = Gid.parse(record["id"])
    return f"{record.get('house')}:{gid.family if gid else record['id']}"


def merge_debate(
    stored: dict[str, Any] | None, incoming: dict[str, Any], *, preferred: str
) -> tuple[dict[str, Any], list[str]]:
    """Combine a debate page with the stored record; returns (record, disagreements).

    Values no normaliser decides come from the ``preferred`` interface's page
    when both were seen; ``disagreements`` names each speech field
    (``speech.speaker_name``…) whose raw values the two pages disagreed on.
    The normalised values are left empty, for the normalisers to decide.
    """
    incoming = without_normalised(incoming)
    incoming["interfaces"] = sorted(set(incoming.get("interfaces") or [incoming["interface"]]))
    incoming["urls"] = sorted(set(incoming.get("urls") or []) | {incoming["url"]})
    if stored is None:
        return incoming, []
    stored = without_normalised(stored)

    incoming_wins = incoming["interface"] == preferred or (
        preferred not in stored.get("interfaces", [])
    )
    first, second = (stored, incoming) if incoming_wins else (incoming, stored)
    # `second` is the page whose values win.
    record = dict(second)
    for key, value in first.items():
        if record.get(key) in _EMPTY and value not in _EMPTY:
            record[key] = value
    record["urls"] = sorted(set(stored.get("urls", [])) | set(incoming["urls"]))
    record["interfaces"] = sorted(set(stored.get("interfaces", [])) | set(incoming["interfaces"]))
    record["previous_ids"] = sorted(
        set(stored.get("previous_ids", [])) | set(incoming.get("previous_ids", []))
    )
    record["flags"] = sorted(set(stored.get("flags", [])) | set(incoming.get("flags", [])))
    record["date_raw"] = {**_as_dict(first.get("date_raw")), **_as_dict(second.get("date_raw"))}
    # One page per interface: each interface's source is its own page's.
    record["source"] = {**_as_dict(first.get("source")), **_as_dict(second.get("source"))} or None
    record["speeches"], disagreements = merge_speeches(first["speeches"], second["speeches"])
    record["first_seen"] = stored.get("first_seen")
    record["last_changed"] = stored.get("last_changed")
    record["id"] = stored["id"]
    return record, disagreements


def without_normalised(record: dict[str, Any]) -> dict[str, Any]:
    """A copy of a debate without the values the normalisers compute from its raw ones."""
    copy = {**record, **dict.fromkeys(NORMALISED_DEBATE_FIELDS)}
    copy["speeches"] = [
        {**speech, **dict.fromkeys(NORMALISED_SPEECH_FIELDS)}
        for speech in record.get("speeches", [])
    ]
    return copy


def _as_dict(value: Any) -> dict[str, str]:
    return dict(value) if isinstance(value, dict) else {}


def merge_speeches(
    first: list[dict[str, Any]], second: list[dict[str, Any]]
) -> tuple[list[dict[str, Any]], list[str]]:
    """Merge two pages' speeches by gid; ``second``'s values win. Order: ``second``'s,
    then speeches only ``first`` has, after the speech they followed there."""
    by_id = {speech["id"]: speech for speech in first}
    merged: list[dict[str, Any]] = []
    disagreements: list[str] = []
    for speech in second:
        other = by_id.get(speech["id"])
        if other is None:
            merged.append(dict(speech))
            continue
        combined = dict(speech)
        for key, value in other.items():
            if key in PER_INTERFACE_SPEECH_FIELDS:
                continue
            if key in PER_SOURCE_SPEECH_FIELDS:
                combined[key] = {**_as_dict(value), **_as_dict(speech.get(key))}
                continue
            mine = combined.get(key)
            if mine in _EMPTY and value not in _EMPTY:
                combined[key] = value
            elif value not in _EMPTY and mine != value and key not in PRESENTATION_SPEECH_FIELDS:
                disagreements.append(f"speech.{key}")
        combined["party_raw"] = {**other.get("party_raw", {}), **speech.get("party_raw", {})}
        combined["flags"] = sorted(set(other.get("flags", [])) | set(speech.get("flags", [])))
        merged.append(combined)
    seen = {speech["id"] for speech in merged}
    for index, speech in enumerate(first):
        if speech["id"] in seen:
            continue
        # Keep a speech only one interface showed, after its predecessor there.
        position = len(merged)
        if index > 0:
            previous = first[index - 1]["id"]
            for at, existing in enumerate(merged):
                if existing["id"] == previous:
                    position = at + 1
                    break
        merged.insert(position, dict(speech))
        seen.add(speech["id"])
    return merged, disagreements
