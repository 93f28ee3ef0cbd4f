"""Rebuild the corpus store from a JSONL snapshot, when the store was lost or damaged.

Everything the store keeps that follows from the records is made again: the
records, the URLs each was seen at (for dedup and for settling pages), content
fingerprints and near-copy sketches, debate revision aliases, links and the
linking index. What the records do not carry — the ETag and Last-Modified
validators of conditional requests, deletions noted before the loss — is not:
the next crawl fetches pages whole once where it would have sent a conditional
request.

The new store is built in a temporary file beside the old one and renamed over
it only when complete, so an interrupted rebuild leaves the folder as it was.
A snapshot line that is not a JSON record stops the rebuild; a record that does
not follow its schema is restored as it is (it is what researchers were given)
and reported.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from crawler.atomic import replaced_atomically
from crawler.corpus.snapshot import SNAPSHOT_FILES
from crawler.corpus.store import STORE_FILENAME, CorpusStore
from crawler.corpus.validate import RecordValidator
from crawler.dedup import fingerprint
from crawler.dedup.merge import revision_family
from crawler.linking.linker import debate_speeches, link_article
from crawler.urls import article_identities, page_key
from pipelines.linking import linkable_article

TEMP_PREFIX = ".rebuild-"
# Journal files SQLite keeps beside a database: stale ones must not be applied
# to the rebuilt store.
JOURNAL_SUFFIXES = ("-wal", "-shm", "-journal")
# Record type of each snapshot table, as the schemas name them.
RECORD_TYPES = {"articles": "article", "debates": "debate", "links": "link"}


class RebuildError(RuntimeError):
    """The snapshot cannot give a complete store; nothing was changed."""


@dataclass
class RebuildResult:
    counts: dict[str, int] = field(default_factory=dict)
    # Links the records give that the snapshot's links.jsonl lacks, and the reverse.
    links_not_in_snapshot: int = 0
    snapshot_links_not_recomputed: int = 0
    # Snapshot records that do not follow their schema ("file:line: problem"): kept
    # as they are, since they are what researchers were given.
    invalid: list[str] = field(default_factory=list)


def read_snapshot(
    path: Path, validator: RecordValidator, record_type: str, result: RebuildResult
) -> Iterator[dict]:
    """Records of one snapshot file; a line that is not a JSON record with an id stops
    the rebuild, a record that does not follow its schema is kept and reported."""
    if not path.is_file():
        return
    with path.open(encoding="utf-8") as lines:
        for number, line in enumerate(lines, 1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except json.JSONDecodeError as error:
                raise RebuildError(f"{path}:{number} is not JSON ({error})") from None
            if not isinstance(record, dict) or not isinstance(record.get("id"), str):
                raise RebuildError(f"{path}:{number} is not a record with an id")
            problem = validator.problem(record_type, record)
            if problem:
                result.invalid.append(f"{path.name}:{number}: {problem}")
            yield record


def rebuild_store(
    corpus: str | Path, source: str | Path | None = None, *, window_days: int
) -> RebuildResult:
    """Build ``corpus``'s store anew from the snapshot in ``source`` (default: ``corpus``),
    linking articles to debates up to ``window_days`` before them (``LINKING_WINDOW_DAYS``).

    The caller holds the corpus lock. Raises :class:`RebuildError` (leaving the
    folder untouched) when there is no snapshot or a line of it is not a record.
    """
    corpus = Path(corpus)
    source = Path(source) if source is not None else corpus
    if not any((source / name).is_file() for name in SNAPSHOT_FILES.values()):
        raise RebuildError(f"{source} holds no snapshot ({', '.join(SNAPSHOT_FILES.values())})")
    corpus.mkdir(parents=True, exist_ok=True)
    for stale in corpus.glob(f"{TEMP_PREFIX}*"):
        stale.unlink(missing_ok=True)
    target = corpus / STORE_FILENAME
    with replaced_atomically(
        target, prefix=TEMP_PREFIX, suffix=".sqlite3", companions=JOURNAL_SUFFIXES
    ) as temporary:
        result = _build(temporary, source, window_days)
        # The new store has no journal: the old store's must not be read with it.
        for suffix in JOURNAL_SUFFIXES:
            Path(f"{target}{suffix}").unlink(missing_ok=True)
    return result


def _build(path: Path, source: Path, window_days: int) -> RebuildResult:
    validator = RecordValidator()
    store = CorpusStore(path.parent, filename=path.name)
    result = RebuildResult()
    try:
        with store.transaction():
            result.counts["debates"] = _add_debates(store, source, validator, result)
            recomputed, result.counts["articles"] = _add_articles(
                store, source, validator, result, window_days
            )
            snapshot_links = _add_links(store, source, validator, result)
            result.counts["links"] = len(snapshot_links)
        result.links_not_in_snapshot = len(recomputed - snapshot_links)
        result.snapshot_links_not_recomputed = len(snapshot_links - recomputed)
        # A journal or log left beside the temporary file would be lost in the rename.
        store.checkpoint()
    finally:
        store.close()
    return result


def _remember_pages(store: CorpusStore, record: dict[str, Any], kind: str, date_field: str):
    store.remember_pages(
        sorted({page_key(url) for url in [record["url"], *record.get("urls", [])]}),
        kind=kind,
        record_id=record["id"],
        content_date=record.get(date_field),
    )


def _add_debates(
    store: CorpusStore,
    source: Path,
    validator: RecordValidator,
    result: RebuildResult,
) -> int:
    count = 0
    for record in read_snapshot(source / SNAPSHOT_FILES["debates"], validator, "debate", result):
        store.put_debate(record, family=revision_family(record))
        store.add_debate_aliases(record["id"], record.get("previous_ids", []))
        store.link_index().replace_debate(record["id"], debate_speeches(record))
        store.mark_linked("debates", record["id"])
        _remember_pages(store, record, "debate", "date")
        count += 1
    return count


def _add_articles(
    store: CorpusStore,
    source: Path,
    validator: RecordValidator,
    result: RebuildResult,
    window_days: int,
) -> tuple[set[str], int]:
    """Store the articles and index their quotations; returns the link ids they give."""
    recomputed: set[str] = set()
    count = 0
    articles = read_snapshot(source / SNAPSHOT_FILES["articles"], validator, "article", result)
    for record in articles:
        store.put_article(
            record,
            identities=article_identities(record["urls"]),
            sketch=fingerprint.sketch(record["text"]),
        )
        # Every debate is indexed already, so this finds all of the article's links.
        links = link_article(linkable_article(record), store.link_index(), window_days=window_days)
        recomputed.update(link.id for link in links)
        store.mark_linked("articles", record["id"])
        _remember_pages(store, record, "article", "published")
        count += 1
    return recomputed, count


def _add_links(
    store: CorpusStore, source: Path, validator: RecordValidator, result: RebuildResult
) -> set[str]:
    """Store links.jsonl as it is: the links researchers were given."""
    ids: set[str] = set()
    for link in read_snapshot(source / SNAPSHOT_FILES["links"], validator, "link", result):
        store.put_link(link)
        ids.add(link["id"])
    return ids
