"""One debate record across sources: TheyWorkForYou and the official Hansard (pure functions).

A Westminster debate TheyWorkForYou republishes and the official Hansard's API
serves is one record. The two are the same debate when they share the sitting
date and house and their speeches pair up; two speeches pair up when they are by
the same member (TheyWorkForYou person id = the Hansard speech's
``member_ids["twfy"]``, which the ``hansard_api`` spider reads from mySociety's
published id table) and their texts are alike (:data:`TEXT_SIMILARITY`), in order.

**Record id rule.** The TheyWorkForYou gid when TheyWorkForYou has the debate,
else ``hansard-<ExtId>`` (:func:`crawler.gid.hansard_id`). A debate stored under
its Hansard id that TheyWorkForYou later brings is re-keyed to the gid: the
store replaces the Hansard-keyed record and keeps its id as an alias
(:func:`superseded_ids`). Whichever source is crawled first, the merged record
is the same (:func:`merge_sources` takes the two sources' parts, not the order).

**Merged values.** TheyWorkForYou's record is the base (its ids, texts, URLs,
interfaces); the Hansard part adds its ids and URLs (``sources``,
``source_ids``, per speech ``source_ids``, ``source_urls``, ``member_ids``) and
its own fields (``attributed_to``, ``hrs_tag``…), and fills what
TheyWorkForYou lacks (a speech's time code, column). Where the two disagree on a
speech's text or column, TheyWorkForYou's value stays, the speech is flagged
``<field>:source_disagreement`` and the field is reported. A Hansard speech with
no partner is kept, after the speech it followed.

**Versions.** A re-fetched Hansard debate replaces its stored speeches
(:func:`supersede_version`); a contribution whose text changed keeps the digest of
its previous text in ``previous_text_digests``.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
import unicodedata
from datetime import date
from difflib import SequenceMatcher
from typing import TYPE_CHECKING, Any
from urllib.parse import urlparse

from crawler.dedup.merge import merge_debate, without_normalised
from crawler.drops import StaleRevision
from crawler.gid import Gid, hansard_id, is_hansard_id
from crawler.pages.hansard_api import vocabulary

if TYPE_CHECKING:
    from crawler.corpus.store import CorpusStore

TWFY = "twfy"
HANSARD = "hansard"
TEXT_SIMILARITY = 0.85
"""Least similarity (difflib ratio of the folded texts) of two speeches that pair up."""
MIN_PAIRED_SHARE = 0.5
"""Least share of the shorter debate's speeches that must pair up for one debate."""
HANSARD_SPEECH_FIELDS = ("attributed_to", "hansard_item_id", "hrs_tag", "cross_references")
"""Speech fields only the official Hansard gives."""
COMPARED_SPEECH_FIELDS = ("text", "column")
"""Speech fields whose values, when both sources give one, must agree."""
_WORD_RE = re.compile(r"\w+")


# --- TheyWorkForYou person ids <-> Parliament (MNIS) ids --------------------------------


def parse_person_identifiers(text: str, scheme: str = "datadotparl_id") -> dict[str, str]:
    """mySociety's ``person_identifiers.csv`` (``person_id, scheme, identifier``) as
    ``{MNIS id: TheyWorkForYou person id}``; person ids like
    ``uk.org.publicwhip/person/10271`` are read as ``10271``. Raises ``ValueError`` when
    the text is not a CSV table."""
    mapping: dict[str, str] = {}
    try:
        for row in csv.DictReader(io.StringIO(text, newline="")):
            if (row.get("scheme") or "").strip() != scheme:
                continue
            person = (row.get("person_id") or "").strip().rsplit("/", 1)[-1]
            identifier = (row.get("identifier") or "").strip()
            if person.isdigit() and identifier.isdigit():
                mapping[identifier] = person
    except csv.Error as error:
        raise ValueError(f"not a CSV table of person ids ({error})") from None
    return mapping


# --- which source a record comes from ---------------------------------------------------


def is_hansard_record(record: dict[str, Any]) -> bool:
    return is_hansard_id(record.get("id"))


def is_twfy_record(record: dict[str, Any]) -> bool:
    """Whether a record's id is a TheyWorkForYou gid (not the official Hansard's, not the
    Senedd export's): only those take part in joining TheyWorkForYou and the Hansard."""
    return Gid.parse(record.get("id")) is not None


def mark_twfy(record: dict[str, Any]) -> None:
    """Name TheyWorkForYou as the source of a record read from it, and its ids."""
    record["sources"] = sorted({*(record.get("sources") or []), TWFY})
    record["source_ids"] = {**(record.get("source_ids") or {}), TWFY: [record["id"]]}
    for speech in record.get("speeches") or []:
        if is_hansard_id(speech.get("id")):
            continue  # a speech only the official Hansard had
        speech["source_ids"] = {**(speech.get("source_ids") or {}), TWFY: speech["id"]}
        if speech.get("url"):
            speech["source_urls"] = {**(speech.get("source_urls") or {}), TWFY: speech["url"]}
        if speech.get("person_id"):
            speech["member_ids"] = {**(speech.get("member_ids") or {}), TWFY: speech["person_id"]}


def sitting_date(record: dict[str, Any]) -> str | None:
    """The sitting date (YYYY-MM-DD): normalised, from the gid, or the Hansard ISO date."""
    if record.get("date"):
        return record["date"]
    gid = Gid.parse(record.get("id"))
    if gid is not None:
        return gid.date
    for raw in (record.get("date_raw") or {}).values():
        try:
            return date.fromisoformat(str(raw)[:10]).isoformat()
        except ValueError:
            continue
    return None


# --- pairing ----------------------------------------------------------------------------


def _fold(text: str | None) -> str:
    words = _WORD_RE.findall(unicodedata.normalize("NFKC", text or "").casefold())
    return " ".join(words)


def _same_member(twfy: dict[str, Any], hansard: dict[str, Any]) -> bool:
    person = twfy.get("person_id")
    mapped = (hansard.get("member_ids") or {}).get(TWFY)
    if person or mapped:
        return person == mapped
    return True  # neither names a member ("Hon. Members")


def same_text(one: str | None, other: str | None) -> bool:
    """Whether two texts of one contribution agree to ``TEXT_SIMILARITY``. difflib's cheap
    upper bounds settle most pairs (other speeches of the day) before the full comparison,
    which is quadratic in the text's length."""
    matcher = SequenceMatcher(None, _fold(one), _fold(other), autojunk=False)
    return (
        matcher.real_quick_ratio() >= TEXT_SIMILARITY
        and matcher.quick_ratio() >= TEXT_SIMILARITY
        and matcher.ratio() >= TEXT_SIMILARITY
    )


def pair_speeches(
    twfy: list[dict[str, Any]],
    hansard: list[dict[str, Any]],
    known: dict[str, str] | None = None,
) -> dict[int, int]:
    """``{Hansard speech index: TheyWorkForYou speech index}``. A Hansard speech whose
    contribution id ``known`` names (``{ExternalId: TheyWorkForYou speech id}``, from an
    earlier join) pairs with that speech whatever its text now says; the rest pair in
    order, by member and text."""
    pairs: dict[int, int] = {}
    if known:
        position = {speech.get("id"): index for index, speech in enumerate(twfy)}
        for h_index, speech in enumerate(hansard):
            t_index = position.get(known.get((speech.get("source_ids") or {}).get(HANSARD)))
            if t_index is not None:
                pairs[h_index] = t_index
    taken = set(pairs.values())
    start = 0
    for h_index, speech in enumerate(hansard):
        if h_index in pairs:
            start = max(start, pairs[h_index] + 1)
            continue
        for t_index in range(start, len(twfy)):
            candidate = twfy[t_index]
            if (
                t_index not in taken
                and _same_member(candidate, speech)
                and same_text(candidate.get("text"), speech.get("text"))
            ):
                pairs[h_index] = t_index
                start = t_index + 1
                break
    return pairs


def same_debate(twfy: dict[str, Any], hansard: dict[str, Any]) -> bool:
    """Whether a TheyWorkForYou record and a Hansard record are one debate."""
    if sitting_date(twfy) != sitting_date(hansard) or twfy.get("house") != hansard.get("house"):
        return False
    t_speeches, h_speeches = twfy.get("speeches") or [], hansard.get("speeches") or []
    if not t_speeches or not h_speeches:
        return False
    paired = len(pair_speeches(t_speeches, h_speeches))
    return paired >= max(1, MIN_PAIRED_SHARE * min(len(t_speeches), len(h_speeches)))


# --- the two parts of a record ----------------------------------------------------------


def twfy_part(record: dict[str, Any]) -> dict[str, Any]:
    """A merged record without what the official Hansard brought to it."""
    part = dict(record)
    part["sources"] = [s for s in record.get("sources") or [] if s != HANSARD]
    part["source_ids"] = {k: v for k, v in (record.get("source_ids") or {}).items() if k != HANSARD}
    for name in ("publication_stage", "content_last_updated"):
        part[name] = None
    part["urls"] = [u for u in record.get("urls") or [] if u not in _hansard_urls(record)]
    source = {k: v for k, v in (record.get("source") or {}).items() if k != HANSARD}
    part["source"] = source or None
    speeches = []
    for speech in record.get("speeches") or []:
        ids = speech.get("source_ids") or {}
        if HANSARD in ids and TWFY not in ids:
            continue  # a speech only the official Hansard had
        speech = dict(speech)
        speech["source_ids"] = {k: v for k, v in ids.items() if k != HANSARD}
        speech["source_urls"] = {
            k: v for k, v in (speech.get("source_urls") or {}).items() if k != HANSARD
        }
        speech["member_ids"] = {
            k: v for k, v in (speech.get("member_ids") or {}).items() if k != "mnis"
        }
        speech["flags"] = [f for f in speech.get("flags") or [] if ":source_disagreement" not in f]
        for name in HANSARD_SPEECH_FIELDS:
            speech[name] = [] if name == "cross_references" else None
        speeches.append(speech)
    part["speeches"] = speeches
    return part


def _first_source(record: dict[str, Any]) -> dict[str, Any] | None:
    """A Hansard record's WARC source (kept under its interface, or under ``hansard``)."""
    source = record.get("source") or {}
    return source.get(HANSARD) or next(iter(source.values()), None)


def _hansard_urls(record: dict[str, Any]) -> set[str]:
    """The record's URLs that are official Hansard API debate answers (any host: a mirror)."""
    prefix, _, suffix = vocabulary()["paths"]["debate"].partition("{ext_id}")
    return {
        url
        for url in record.get("urls") or []
        if (path := urlparse(url).path).startswith(prefix) and path.endswith(suffix)
    }


def merge_sources(
    twfy: dict[str, Any], hansard: dict[str, Any]
) -> tuple[dict[str, Any], list[str]]:
    """The one record of a debate seen on TheyWorkForYou (``twfy``, possibly already
    merged: its Hansard part is set aside) and in the official Hansard (``hansard``,
    one fetched version); returns (record, disagreeing fields)."""
    # Contributions joined before keep their partners, however much a new version revised them.
    known = {
        hansard_ext: speech["id"]
        for speech in twfy.get("speeches") or []
        if (hansard_ext := (speech.get("source_ids") or {}).get(HANSARD))
    }
    base = twfy_part(without_normalised(twfy))
    record = dict(base)
    record["sources"] = sorted({*base["sources"], TWFY, HANSARD})
    record["source_ids"] = {
        **base["source_ids"],
        TWFY: [base["id"]],
        HANSARD: list((hansard.get("source_ids") or {}).get(HANSARD) or []),
    }
    record["publication_stage"] = hansard.get("publication_stage")
    record["content_last_updated"] = hansard.get("content_last_updated")
    record["urls"] = sorted(set(base.get("urls") or []) | {hansard["url"]})
    # The WARC record of the Hansard answer sits beside each interface's page.
    captured = _first_source(hansard)
    record["source"] = {**(base.get("source") or {}), **({HANSARD: captured} if captured else {})}
    record["source"] = record["source"] or None
    record["flags"] = sorted(set(base.get("flags") or []) | set(hansard.get("flags") or []))

    t_speeches = [dict(s) for s in base["speeches"]]
    h_speeches = hansard.get("speeches") or []
    pairs = pair_speeches(t_speeches, h_speeches, known)
    disagreements: list[str] = []
    placed: dict[int, dict[str, Any]] = {}
    for h_index, t_index in pairs.items():
        disagreements += _attach(t_speeches[t_index], h_speeches[h_index])
        placed[h_index] = t_speeches[t_index]
    merged = list(t_speeches)
    # A Hansard speech without a partner stays, after the one it followed there.
    for h_index, speech in enumerate(h_speeches):
        if h_index in placed:
            continue
        new = dict(speech)
        anchor = next((placed[e] for e in range(h_index - 1, -1, -1) if e in placed), None)
        position = 0 if anchor is None else next(i for i, s in enumerate(merged) if s is anchor) + 1
        merged.insert(position, new)
        placed[h_index] = new
    record["speeches"] = merged
    return record, disagreements


def _attach(speech: dict[str, Any], hansard: dict[str, Any]) -> list[str]:
    """Add a Hansard speech's ids and values to its TheyWorkForYou partner."""
    disagreements = []
    for name in COMPARED_SPEECH_FIELDS:
        mine, theirs = speech.get(name), hansard.get(name)
        if mine in (None, "") or theirs in (None, ""):
            continue
        same = _fold(mine) == _fold(theirs) if name == "text" else mine == theirs
        if not same:
            disagreements.append(f"speech.{name}")
            speech["flags"] = sorted({*(speech.get("flags") or []), f"{name}:source_disagreement"})
    for name in ("source_ids", "source_urls", "member_ids"):
        speech[name] = {**(speech.get(name) or {}), **(hansard.get(name) or {})}
    for name in HANSARD_SPEECH_FIELDS:
        speech[name] = hansard.get(name)
    for name in ("time_raw", "column", "language", "previous_text_digests"):
        if speech.get(name) in (None, "", []) and hansard.get(name) not in (None, "", []):
            speech[name] = hansard[name]
    return disagreements


def hansard_part(record: dict[str, Any]) -> dict[str, Any] | None:
    """What the official Hansard brought to a joined record, as a Hansard record of its
    own (its speeches with their Hansard ids), to join a later revision with; ``None``
    when the record holds no Hansard part."""
    ext_ids = list((record.get("source_ids") or {}).get(HANSARD) or [])
    if not ext_ids:
        return None
    kept = ("text", "column", "time_raw", "language", "previous_text_digests")
    speeches = []
    for speech in record.get("speeches") or []:
        ids = speech.get("source_ids") or {}
        if HANSARD not in ids:
            continue
        speeches.append(
            {
                **{name: speech.get(name) for name in (*HANSARD_SPEECH_FIELDS, *kept)},
                "id": hansard_id(ids[HANSARD]),
                "source_ids": {HANSARD: ids[HANSARD]},
                "source_urls": {
                    k: v for k, v in (speech.get("source_urls") or {}).items() if k == HANSARD
                },
                "member_ids": {
                    k: v for k, v in (speech.get("member_ids") or {}).items() if k in ("mnis", TWFY)
                },
            }
        )
    urls = sorted(_hansard_urls(record))
    return {
        "id": hansard_id(ext_ids[0]),
        "house": record.get("house"),
        "date": sitting_date(record),
        "url": urls[0] if urls else (record.get("url") or ""),
        "source_ids": {HANSARD: ext_ids},
        "publication_stage": record.get("publication_stage"),
        "content_last_updated": record.get("content_last_updated"),
        "flags": [],
        "source": {HANSARD: (record.get("source") or {}).get(HANSARD)},
        "speeches": speeches,
    }


def superseded_ids(record: dict[str, Any]) -> list[str]:
    """Ids of Hansard-keyed records this record now holds (re-keyed to its gid)."""
    if is_hansard_record(record):
        return []
    return [
        hansard_id(ext_id)
        for ext_id in (record.get("source_ids") or {}).get(HANSARD) or []
        if hansard_id(ext_id) != record["id"]
    ]


# --- versions of one Hansard debate -----------------------------------------------------


def text_digest(text: str) -> str:
    return "sha256:" + hashlib.sha256(text.encode("utf-8")).hexdigest()


def is_older_version(stored: dict[str, Any], incoming: dict[str, Any]) -> bool:
    """Whether ``incoming`` was last updated before the stored version (ISO strings)."""
    old, new = stored.get("content_last_updated"), incoming.get("content_last_updated")
    return bool(old and new and new < old)


def supersede_version(stored: dict[str, Any], incoming: dict[str, Any]) -> dict[str, Any]:
    """The stored Hansard record with its speeches replaced by the incoming version's:
    a contribution whose text changed keeps its earlier texts' digests."""
    previous = {speech["id"]: speech for speech in stored.get("speeches") or []}
    for speech in incoming.get("speeches") or []:
        old = previous.get(speech["id"])
        if old is None:
            continue
        digests = list(old.get("previous_text_digests") or [])
        if _fold(old.get("text")) != _fold(speech.get("text")) or old.get("text") != speech.get(
            "text"
        ):
            digests.append(text_digest(old.get("text") or ""))
        speech["previous_text_digests"] = digests
    replaced = dict(stored)
    replaced["speeches"] = [dict(speech) for speech in incoming.get("speeches") or []]
    return replaced


# --- the merge stage's side: finding the other source's record in the store -----------


class SourceJoiner:
    """Finds, for a debate the merge stage holds, the stored record of the same debate
    from the other source, and joins them (``count`` reports each outcome)."""

    def __init__(self, store: CorpusStore, count: Any, *, preferred: str):
        self.store = store
        self.count = count
        self.preferred = preferred

    def hansard(
        self, incoming: dict[str, Any], stored: dict[str, Any] | None
    ) -> tuple[dict[str, Any] | None, dict[str, Any] | None]:
        """For an incoming Hansard debate: ``(merged record, None)`` when a stored
        record of another source holds it, else ``(None, stored record to merge with)``:
        the stored Hansard version with its speeches superseded. Raises
        :class:`StaleRevision` for a version older than the stored one."""
        holder_id = self.store.debate_id_for_alias(incoming["id"])
        holder = self.store.get("debates", holder_id) if holder_id else None
        if holder is None and stored is None:
            holder = self._twfy_partner(incoming)
        if holder is not None:
            if is_older_version(holder, incoming):
                self.count("stale_revision")
                raise StaleRevision(f"debate {incoming['id']} is older than stored {holder['id']}")
            record, disagreements = merge_sources(
                holder, merge_debate(None, incoming, preferred=self.preferred)[0]
            )
            self._report(disagreements)
            return record, None
        if stored is None:
            return None, None
        if is_older_version(stored, incoming):
            self.count("stale_revision")
            raise StaleRevision(f"debate {incoming['id']} is older than the stored version")
        return None, supersede_version(stored, incoming)

    def twfy(self, record: dict[str, Any]) -> dict[str, Any]:
        """A TheyWorkForYou debate record joined with the stored Hansard-only record of
        the same debate, when there is one (it is then re-keyed: :func:`superseded_ids`)."""
        mark_twfy(record)
        if HANSARD in (record.get("sources") or []):
            return record
        day = sitting_date(record)
        for other in self.store.debates_on(day, record.get("house")) if day else []:
            if is_hansard_record(other) and same_debate(record, other):
                merged, disagreements = merge_sources(record, other)
                self._report(disagreements)
                return merged
        # A new TheyWorkForYou revision of a joined debate keeps the Hansard part.
        for old_id in record.get("previous_ids") or []:
            old = self.store.get("debates", old_id)
            part = hansard_part(old) if old else None
            if part is not None:
                merged, _ = merge_sources(record, part)
                self.count("source_carried")
                return merged
        return record

    def _twfy_partner(self, incoming: dict[str, Any]) -> dict[str, Any] | None:
        day = sitting_date(incoming)
        ext_ids = set((incoming.get("source_ids") or {}).get(HANSARD) or [])
        for other in self.store.debates_on(day, incoming.get("house")) if day else []:
            if is_hansard_record(other):
                continue
            held = set((other.get("source_ids") or {}).get(HANSARD) or [])
            if held & ext_ids:
                return other  # joined before: a new version of the same Hansard debate
            if held:
                continue  # already joined with another Hansard debate
            if same_debate(twfy_part(other), incoming):
                return other
        return None

    def _report(self, disagreements: list[str]) -> None:
        self.count("source_merged")
        for field in disagreements:
            self.count(f"disagreement/{field}")
