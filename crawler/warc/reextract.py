"""Re-extraction: rebuild a corpus from its WARC capture with the current code.

The pages to read again are the ones the records name in their ``source``;
the crawls run offline, replaying the capture (see :mod:`crawler.warc.replay`),
through the spiders and pipelines exactly as a live crawl would, so links,
deduplication and normalisation are recomputed too. :func:`compare` says what
changed per record type and field.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from warcio.archiveiterator import ArchiveIterator

from crawler.pages import senedd
from crawler.pages.hansard_api import answer_kind
from crawler.urls import article_identities, article_identity
from crawler.warc.files import warc_files

SNAPSHOTS = ("articles", "debates", "links")
# Fields that say when and from which capture a record was made, not what it holds.
RUN_FIELDS = frozenset({"source", "first_seen", "last_changed"})


def read_snapshot(folder: Path, name: str) -> dict[str, dict[str, Any]]:
    path = folder / f"{name}.jsonl"
    if not path.exists():
        return {}
    records = (json.loads(line) for line in path.read_text("utf-8").splitlines() if line)
    return {record["id"]: record for record in records}


def sources_of(record: dict[str, Any], name: str) -> list[dict[str, str]]:
    source = record.get("source")
    if not source:
        return []
    return list(source.values()) if name == "debates" else [source]


def captured_responses(warc_folder: Path) -> dict[str, str]:
    """Record id → target URL of every response record, in capture order."""
    found: dict[str, str] = {}
    for path in warc_files(warc_folder):
        with path.open("rb") as stream:
            for record in ArchiveIterator(stream):
                if record.rec_type == "response":
                    record_id = record.rec_headers.get_header("WARC-Record-ID")
                    found[record_id] = record.rec_headers.get_header("WARC-Target-URI")
    return found


@dataclass
class Pages:
    """The captured pages to read again, per spider, and the records that name none."""

    articles: list[str] = field(default_factory=list)
    debates: list[str] = field(default_factory=list)
    hansard_api: list[str] = field(default_factory=list)
    """Official Hansard API answers (debates), read again by the ``hansard_api`` spider."""
    senedd: list[str] = field(default_factory=list)
    """Senedd transcripts, read again by the ``senedd`` spider."""
    senedd_debates: list[str] = field(default_factory=list)
    """Ids of the Senedd debates the corpus holds: exactly these are kept again."""
    uncaptured: Counter[str] = field(default_factory=Counter)


def pages_to_read(corpus: Path, warc_folder: Path) -> Pages:
    """The pages each record was read from, and for articles every captured variant URL
    (AMP, tracking parameters) of the same article, so ``urls`` comes out the same."""
    captured = captured_responses(warc_folder)
    pages = Pages()
    identities: set[str] = set()
    senedd_urls: set[str] = set()
    for name in ("articles", "debates"):
        urls: set[str] = set()
        for record in read_snapshot(corpus, name).values():
            sources = sources_of(record, name)
            if not sources:
                pages.uncaptured[name] += 1
            is_senedd = name == "debates" and is_senedd_debate(record["id"])
            if is_senedd and sources:
                pages.senedd_debates.append(record["id"])
            for source in sources:
                if source["record_id"] not in captured:
                    raise ReextractError(
                        f"record {source['record_id']} named by {name}.jsonl is not in "
                        f"{warc_folder}"
                    )
                (senedd_urls if is_senedd else urls).add(captured[source["record_id"]])
            if name == "articles" and sources:
                identities.update(article_identities(record.get("urls") or [record["url"]]))
        if name == "articles":
            urls.update(url for url in captured.values() if article_identity(url) in identities)
        if name == "debates":
            pages.hansard_api = sorted(url for url in urls if answer_kind(url) == "debate")
            urls -= set(pages.hansard_api)
        setattr(pages, name, sorted(urls))
    pages.senedd = sorted(senedd_urls)
    pages.senedd_debates.sort()
    return pages


def is_senedd_debate(record_id: str) -> bool:
    """Whether a stored debate was read from the Senedd Record (its id says so)."""
    return record_id.startswith(f"{senedd.SOURCE}-")


class ReextractError(Exception):
    """Re-extraction cannot go ahead; the message says why in one line."""


@dataclass
class Changes:
    """What changed in one record type between two snapshots."""

    fields: Counter[str] = field(default_factory=Counter)
    records: dict[str, list[str]] = field(default_factory=dict)
    new: list[str] = field(default_factory=list)
    gone: list[str] = field(default_factory=list)

    def summary(self, name: str) -> str:
        parts = [f"{count} {key} changed" for key, count in sorted(self.fields.items())]
        if self.new:
            parts.append(f"{len(self.new)} new")
        if self.gone:
            parts.append(f"{len(self.gone)} gone")
        return f"{name}: {', '.join(parts) if parts else 'no changes'}"


def compare(old: dict[str, dict[str, Any]], new: dict[str, dict[str, Any]]) -> Changes:
    changes = Changes(new=sorted(set(new) - set(old)), gone=sorted(set(old) - set(new)))
    for record_id in sorted(set(old) & set(new)):
        before, after = old[record_id], new[record_id]
        changed = sorted(
            key
            for key in set(before) | set(after)
            if key not in RUN_FIELDS and before.get(key) != after.get(key)
        )
        if changed:
            changes.records[record_id] = changed
            changes.fields.update(changed)
    return changes
