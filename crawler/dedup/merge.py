"""How a freshly scraped record combines with the stored one (pure functions).

Articles: the copy fetched at the article's own canonical URL is the primary
copy; a copy seen at a variant URL (AMP, tracking parameters) adds its URL but
does not replace the primary copy's content. A new version of the content
(changed text, new modified date…) updates the record and ``last_changed``;
``first_seen`` never moves.

Debates: the pages of one debate in the English and Welsh interfaces merge
into one record; speeches merge by gid; raw labels are kept per interface;
where the two pages disagree on a normalised value, the English page wins and
the disagreement is reported.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

from crawler.urls import article_seen_urls, page_key

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
# Speech fields each interface prints in its own words or links to its own
# host ("11 Chwefror 2025" in a time stamp): the English page's value is kept
# and a difference is not a disagreement.
PRESENTATION_SPEECH_FIELDS = frozenset({"url", "time_raw"})
PREFERRED_INTERFACE = "en"

REVISION = re.compile(r"^(?P<date>\d{4}-\d{2}-\d{2})(?P<letter>[a-z])(?P<rest>\..*)$")


def is_primary_copy(record: dict[str, Any]) -> bool:
    """Whether this copy was fetched at the URL its page names as canonical."""
    canonical = record.get("canonical_url")
    return bool(canonical) and page_key(record["url"]) == page_key(canonical)


def content_of(record: dict[str, Any], crawl_fields: frozenset[str]) -> dict[str, Any]:
    return {key: value for key, value in record.items() if key not in crawl_fields}


def merge_article(
    stored: dict[str, Any] | None, incoming: dict[str, Any], *, now: str
) -> tuple[dict[str, Any], bool]:
    """Combine an incoming article copy with the stored record; returns (record, changed)."""
    urls = sorted(set(incoming.get("urls", [])) | set(article_seen_urls(incoming)))
    if stored is None:
        record = dict(incoming, urls=urls, first_seen=now, last_changed=now)
        return record, True
    urls = sorted(set(stored.get("urls", [])) | set(urls))
    takes_content = is_primary_copy(incoming) or not is_primary_copy(stored)
    if takes_content:
        record = dict(incoming)
        # Metadata the new copy lacks (an AMP page without tags, say) stays.
        for key, value in stored.items():
            if record.get(key) in (None, [], {}, "") and value not in (None, [], {}, ""):
                record[key] = value
        # The source is the page the content was read from, never an older copy's.
        record["source"] = incoming.get("source")
    else:
        record = dict(stored)
    record["id"] = stored["id"]
    record["urls"] = urls
    record["first_seen"] = stored.get("first_seen") or now
    content_changed = content_of(record, ARTICLE_CRAWL_FIELDS) != content_of(
        stored, ARTICLE_CRAWL_FIELDS
    )
    record["last_changed"] = now if content_changed else stored.get("last_changed") or now
    if not content_changed and not takes_content:
        record["url"] = stored["url"]
        record["fetched_at"] = stored["fetched_at"]
    changed = content_changed or urls != stored.get("urls")
    return record, changed


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


def revision_parts(gid: str) -> tuple[str, str, str] | None:
    """``2025-02-10b.1.0`` → (``2025-02-10``, ``b``, ``.1.0``); ``None`` if not of that form."""
    match = REVISION.match(gid)
    return (match["date"], match["letter"], match["rest"]) if match else None


def revision_family(record: dict[str, Any]) -> str:
    """Key shared by every revision of one debate section (gid without its letter)."""
    parts = revision_parts(record["id"])
    if parts is None:
        return f"{record.get('house')}:{record['id']}"
    date, _letter, rest = parts
    return f"{record.get('house')}:{date}{rest}"


def merge_debate(
    stored: dict[str, Any] | None, incoming: dict[str, Any], *, now: str
) -> tuple[dict[str, Any], bool, list[str]]:
    """Combine a debate page with the stored record; returns (record, changed, disagreements).

    ``disagreements`` names each speech field (``speech.party``…) on which the
    two interfaces' pages disagreed; the English page's value was kept.
    """
    incoming = dict(incoming)
    incoming["interfaces"] = sorted(set(incoming.get("interfaces") or [incoming["interface"]]))
    incoming["urls"] = sorted(set(incoming.get("urls") or []) | {incoming["url"]})
    if stored is None:
        return dict(incoming, first_seen=now, last_changed=now), True, []

    incoming_wins = incoming["interface"] == PREFERRED_INTERFACE or (
        PREFERRED_INTERFACE not in stored.get("interfaces", [])
    )
    first, second = (stored, incoming) if incoming_wins else (incoming, stored)
    # `second` is the page whose values win.
    record = dict(second)
    for key, value in first.items():
        if record.get(key) in (None, [], "") and value not in (None, [], ""):
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
    record["first_seen"] = stored.get("first_seen") or now
    record["id"] = stored["id"]
    content_changed = content_of(record, DEBATE_CRAWL_FIELDS) != content_of(
        stored, DEBATE_CRAWL_FIELDS
    )
    record["last_changed"] = now if content_changed else stored.get("last_changed") or now
    changed = (
        content_changed
        or record["urls"] != stored.get("urls")
        or record["interfaces"] != stored.get("interfaces")
    )
    if not changed:
        return stored, False, disagreements
    return record, changed, disagreements


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
            mine = combined.get(key)
            if mine in (None, "", []) and value not in (None, "", []):
                combined[key] = value
            elif (
                value not in (None, "", [])
                and mine != value
                and key not in PRESENTATION_SPEECH_FIELDS
            ):
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
