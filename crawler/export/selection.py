"""Which records an export holds: the filters, applied before any row is written.

Articles are chosen by the store's id, site and published columns, without
decoding a record; debates and links are decoded once here.
"""

from __future__ import annotations

import shlex
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

from crawler.corpus.snapshot import load_record
from crawler.corpus.store import STORE_FILENAME, CorpusStore
from crawler.dedup.sources import TWFY
from crawler.export.filters import Vocabulary, valid_values
from crawler.export.options import ExportError, ExportOptions
from crawler.recordtext import INTERFACES


class ReadOnlyCorpus(CorpusStore):
    """The corpus store opened read-only: no lock, no schema changes, no writes."""

    def __init__(self, folder: str | Path):
        path = Path(folder) / STORE_FILENAME
        if not path.is_file():
            raise ExportError(
                f"no corpus store at {path}; set CORPUS_DIR to the crawl's corpus folder"
            )
        super().__init__(folder, read_only=True)

    def keyed_texts(self, table: str) -> Iterator[tuple[str, bytes]]:
        """``(id, stored JSON text as UTF-8)`` of every record of ``table``, sorted by id:
        a record the export leaves out is skipped by its id, without being decoded, and
        one it writes as stored is copied without being decoded from UTF-8 and encoded
        again."""
        self._check_table(table)
        return iter(self._conn.execute(f"SELECT id, CAST(record AS BLOB) FROM {table} ORDER BY id"))

    def article_keys(self, *, filtered: bool) -> Iterator[tuple[str, str | None, str | None]]:
        """``(id, site, published)`` of every article, from the store's own columns:
        what the article filters need, without decoding a record. Unless ``filtered``,
        site and published are None: the ids alone are read from the id index, without
        walking each record's pages to the columns stored after it."""
        columns = "site, published" if filtered else "NULL, NULL"
        return iter(self._conn.execute(f"SELECT id, {columns} FROM articles"))


@dataclass
class CorpusMoment:
    """The state of the store the export read, told by the corpus's own timestamps.

    Articles' timestamps are seen by the pass that writes the articles (which reads
    every article once), the rest by :func:`select`.
    """

    articles: int = 0
    debates: int = 0
    speeches: int = 0
    links: int = 0
    latest_fetched_at: str | None = None
    latest_last_changed: str | None = None

    def saw(self, record: dict[str, Any]) -> None:
        for name in ("fetched_at", "last_changed"):
            value = record.get(name)
            latest = getattr(self, f"latest_{name}")
            if value and (latest is None or value > latest):
                setattr(self, f"latest_{name}", value)


def stored_records(corpus: CorpusStore, table: str) -> Iterator[dict[str, Any]]:
    """Every record of ``table``, sorted by id: the stored JSON text decoded once."""
    for text in corpus.iter_raw(table):
        yield load_record(text)


@dataclass
class Selection:
    """Which records an export holds; found by :func:`select` before the rows are written."""

    articles: set[str]
    speeches: dict[str, set[str]]
    """Ids of the exported speeches, by the id of their debate (each with one at least)."""
    links: set[str]
    party_interfaces: list[str]
    moment: CorpusMoment
    dangling_links: int
    warnings: list[str]
    sources_by_debate: dict[str, tuple[str, ...]] = field(default_factory=dict)
    """The ``sources`` of each debate the filters kept (before ``--linked-only``)."""

    @cached_property
    def debates(self) -> set[str]:
        """Ids of the debates with a speech in the export."""
        return set(self.speeches)

    @cached_property
    def debate_sources(self) -> frozenset[str]:
        """The sources the exported debates were read from (``twfy``, ``hansard``,
        ``senedd``); a debate stored before sources were recorded was read from
        TheyWorkForYou."""
        return frozenset(
            source
            for debate_id in self.debates
            for source in self.sources_by_debate.get(debate_id) or (TWFY,)
        )


def article_day(published: str | None) -> str | None:
    """The day an article is dated by (``published``'s date part), or None."""
    return published[:10] if published else None


def _in_range(day: str | None, options: ExportOptions) -> bool:
    if options.since is None and options.until is None:
        return True
    if not day:
        return False
    return (options.since or day) <= day <= (options.until or day)


def select(corpus: ReadOnlyCorpus, options: ExportOptions, vocabulary: Vocabulary) -> Selection:
    """Apply the filters; call inside one read transaction with the writing pass.

    ``options`` hold resolved values (:meth:`Vocabulary.resolve`); a value that
    matches nothing gets a warning listing the values the corpus has.
    """
    moment = CorpusMoment()
    articles: set[str] = set()
    sites_seen: set[str] = set()
    by_site_or_date = bool(options.sites) or options.since is not None or options.until is not None
    if by_site_or_date:
        all_articles: set[str] = set()
        for article_id, site, published in corpus.article_keys(filtered=True):
            all_articles.add(article_id)
            sites_seen.add(site or "")
            if options.sites and site not in options.sites:
                continue
            if not _in_range(article_day(published), options):
                continue
            articles.add(article_id)
    else:
        all_articles = {article_id for article_id, _, _ in corpus.article_keys(filtered=False)}
        articles = set(all_articles)
    moment.articles = len(all_articles)

    # Speech ids by debate id: every speech, and those the filters keep.
    all_speeches: dict[str, set[str]] = {}
    speeches: dict[str, set[str]] = {}
    houses_seen: set[str] = set()
    parties_seen: set[str] = set()
    interfaces_seen: set[str] = set()
    sources_by_debate: dict[str, tuple[str, ...]] = {}
    for debate in stored_records(corpus, "debates"):
        moment.debates += 1
        moment.saw(debate)
        debate_id, house = debate["id"], debate.get("house")
        houses_seen.add(house or "")
        in_debate = debate.get("speeches", [])
        moment.speeches += len(in_debate)
        all_speeches[debate_id] = {speech["id"] for speech in in_debate}
        if options.parties:
            parties_seen.update(speech.get("party") or "" for speech in in_debate)
        if not (
            _in_range(debate.get("date"), options)
            and (not options.houses or house in options.houses)
        ):
            continue
        sources_by_debate[debate_id] = tuple(debate.get("sources") or ())
        chosen = (
            [speech for speech in in_debate if speech.get("party") in options.parties]
            if options.parties
            else in_debate
        )
        if chosen:
            speeches[debate_id] = {speech["id"] for speech in chosen}
            interfaces_seen.update(*[speech.get("party_raw") or () for speech in chosen])

    links: dict[str, tuple[str, str, str]] = {}
    dangling = 0
    no_speeches: set[str] = set()
    for link in stored_records(corpus, "links"):
        moment.links += 1
        article_id, debate_id, speech_id = link["article_id"], link["debate_id"], link["speech_id"]
        if article_id not in all_articles or speech_id not in all_speeches.get(
            debate_id, no_speeches
        ):
            dangling += 1
        elif article_id in articles and speech_id in speeches.get(debate_id, no_speeches):
            links[link["id"]] = (article_id, debate_id, speech_id)
    if options.linked_only:
        articles = {article_id for article_id, _, _ in links.values()}
        speeches = {}
        for _, debate_id, speech_id in links.values():
            speeches.setdefault(debate_id, set()).add(speech_id)
    # An interface beyond en and cy gets a CSV column of its own, after those.
    party_interfaces = [*INTERFACES, *sorted(interfaces_seen - set(INTERFACES))]

    warnings = [
        f"--{option} {shlex.quote(value)} matches no {what} in the corpus; "
        + valid_values(seen, label)
        for option, values, seen, what, label in (
            ("site", options.sites, sites_seen, "article", vocabulary.site_label),
            ("house", options.houses, houses_seen, "debate", shlex.quote),
            ("party", options.parties, parties_seen, "speech", vocabulary.party_label),
        )
        for value in values
        if value not in seen
    ]
    return Selection(
        articles,
        speeches,
        set(links),
        party_interfaces,
        moment,
        dangling,
        warnings,
        sources_by_debate,
    )
