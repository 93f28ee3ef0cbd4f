"""Which records an export holds: the filters, applied before any row is written.

Articles are chosen by the store's id, site and published columns, without
decoding a record. Debates and links are decoded once: here when a filter needs
their speeches (``--party``, ``--linked-only``) or the writer needs them before
writing (CSV's column per party interface); otherwise debates are chosen by their
date and house columns, and the pass writing the speeches notes them and their
speeches, and the one writing the links (after it) chooses those.
"""

from __future__ import annotations

import shlex
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any, cast

import orjson

from crawler import items
from crawler.corpus.snapshot import load_record
from crawler.corpus.store import (
    CARD_COLUMNS_VERSION,
    SCHEMA_VERSION,
    STORE_FILENAME,
    CorpusStore,
)
from crawler.dedup.sources import TWFY
from crawler.export.filters import Vocabulary, valid_values
from crawler.export.options import ExportError, ExportOptions
from crawler.recordtext import (
    INTERFACES,
    debate_parts,
    in_export_form,
    speech_id_end,
    speech_party_raw,
)


class ReadOnlyCorpus(CorpusStore):
    """The corpus store opened read-only: no lock, no schema changes, no writes."""

    def __init__(self, folder: str | Path):
        path = Path(folder) / STORE_FILENAME
        if not path.is_file():
            raise ExportError(
                f"no corpus store at {path}; set CORPUS_DIR to the crawl's corpus folder"
            )
        super().__init__(folder, read_only=True)
        self.version: int = self._conn.execute("PRAGMA user_version").fetchone()[0]
        """The store's schema version, which it is read as (it is not brought up to date)."""
        if self.version > SCHEMA_VERSION:
            self.close()
            raise ExportError(
                f"the corpus store {path} has schema version {self.version}, newer than this"
                f" crawler's {SCHEMA_VERSION}; update the crawler to export it"
            )

    @property
    def copies_through(self) -> bool:
        """Whether records stored in their export form are written without being
        decoded: articles' card timestamps are in columns of their own and every
        debate stored so has speeches :func:`~crawler.recordtext.debate_parts` cuts
        out exactly (schema version 4 on; an older store's records are decoded)."""
        return self.version >= CARD_COLUMNS_VERSION

    def article_texts(
        self,
    ) -> Iterator[tuple[str, bytes, str | None, str | None, str | None, str | None]]:
        """``(id, stored JSON text as UTF-8, published, site, fetched_at, last_changed)``
        of every article, sorted by id: the text and the store's columns, which
        :attr:`copies_through` stores have."""
        return iter(
            self._conn.execute(
                "SELECT id, CAST(record AS BLOB), published, site, fetched_at, last_changed"
                " FROM articles ORDER BY id"
            )
        )

    def keyed_texts(self, table: str) -> Iterator[tuple[str, bytes]]:
        """``(id, stored JSON text as UTF-8)`` of every record of ``table``, sorted by id:
        a record the export leaves out is skipped by its id, without being decoded, and
        one it writes as stored is copied without being decoded from UTF-8 and encoded
        again."""
        self._check_table(table)
        return iter(self._conn.execute(f"SELECT id, CAST(record AS BLOB) FROM {table} ORDER BY id"))

    def debate_keys(self) -> Iterator[tuple[str, str | None, str | None]]:
        """``(id, date, house)`` of every debate, from the store's own columns."""
        return iter(self._conn.execute("SELECT id, date, house FROM debates"))

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
    every article once); debates and links by :func:`select`, or, when it leaves
    them to be chosen while written, by the passes writing speeches and links.
    """

    articles: int = 0
    debates: int = 0
    speeches: int = 0
    links: int = 0
    latest_fetched_at: str | None = None
    latest_last_changed: str | None = None

    def saw(self, record: dict[str, Any]) -> None:
        self.saw_times(record.get("fetched_at"), record.get("last_changed"))

    def saw_times(self, fetched_at: Any, last_changed: Any) -> None:
        """See a record's ``fetched_at`` and ``last_changed``."""
        if fetched_at and (self.latest_fetched_at is None or fetched_at > self.latest_fetched_at):
            self.latest_fetched_at = fetched_at
        if last_changed and (
            self.latest_last_changed is None or last_changed > self.latest_last_changed
        ):
            self.latest_last_changed = last_changed


# A speech as the export reads it: its record, or the text debate_parts cut out.
StoredSpeech = dict[str, Any] | bytes


def read_debate(text: bytes, cut: bool) -> tuple[dict[str, Any], list[str], list[StoredSpeech]]:
    """A stored debate read once: ``(debate, its speeches' ids, its speeches)``. With
    ``cut``, a debate in its export form is not decoded whole: its speeches are
    the texts :func:`~crawler.recordtext.debate_parts` cuts out (only their ids are
    decoded) and the debate is given without them (``speeches`` empty)."""
    parts = debate_parts(text) if cut and in_export_form(text, items.DebateItem) else None
    if parts is None:
        debate = load_record(text)
        speeches = debate.get("speeches", [])
        return debate, [speech["id"] for speech in speeches], speeches
    frame, pieces = parts
    loads = orjson.loads
    return loads(frame), [loads(piece[: speech_id_end(piece)]) for piece in pieces], pieces


def stored_records(corpus: CorpusStore, table: str) -> Iterator[dict[str, Any]]:
    """Every record of ``table``, sorted by id: the stored JSON text decoded once."""
    for text in corpus.iter_raw(table):
        yield load_record(text)


@dataclass
class Selection:
    """Which records an export holds; found by :func:`select` before the rows are written,
    or, when :attr:`open_debates` is set, as the speeches and then the links are written."""

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
    all_articles: set[str] = field(default_factory=set)
    all_speeches: dict[str, set[str]] = field(default_factory=dict)
    """Ids of every speech of the corpus, by the id of its debate."""
    open_debates: set[str] | None = None
    """Debates chosen by their columns, all of whose speeches are exported: set when
    their speeches are noted by the pass that writes them (:meth:`note_debate`, for
    every debate) and the links by the pass after it (:meth:`note_link`)."""

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

    def saw_debate(self, debate: dict[str, Any], speech_ids: list[str]) -> None:
        """Count ``debate`` and its speeches (their ids, in order) in the corpus."""
        self.moment.debates += 1
        self.moment.saw(debate)
        self.moment.speeches += len(speech_ids)
        self.all_speeches[debate["id"]] = set(speech_ids)

    def note_debate(self, debate: dict[str, Any], speech_ids: list[str]) -> None:
        """See ``debate`` and its speeches' ids (every debate, in the pass writing the
        speeches of :attr:`open_debates`), and choose all its speeches if it is one
        of those. The debate's own ``speeches`` are not read: it may be given
        without them."""
        self.saw_debate(debate, speech_ids)
        debate_id = debate["id"]
        if self.open_debates is not None and debate_id in self.open_debates:
            self.sources_by_debate[debate_id] = tuple(debate.get("sources") or ())
            if self.all_speeches[debate_id]:
                self.speeches[debate_id] = self.all_speeches[debate_id]

    def note_link(self, link: dict[str, Any]) -> bool:
        """See ``link`` (every one, once all debates are seen); whether it is exported:
        a link to an article or speech the corpus no longer holds is counted and left
        out, like one to an article or speech the export leaves out."""
        self.moment.links += 1
        article_id, debate_id, speech_id = link["article_id"], link["debate_id"], link["speech_id"]
        if article_id not in self.all_articles or speech_id not in self.all_speeches.get(
            debate_id, NO_SPEECHES
        ):
            self.dangling_links += 1
            return False
        if article_id in self.articles and speech_id in self.speeches.get(debate_id, NO_SPEECHES):
            self.links.add(link["id"])
            return True
        return False


NO_SPEECHES: frozenset[str] = frozenset()


def article_day(published: str | None) -> str | None:
    """The day an article is dated by (``published``'s date part), or None."""
    return published[:10] if published else None


def _in_range(day: str | None, options: ExportOptions) -> bool:
    if options.since is None and options.until is None:
        return True
    if not day:
        return False
    return (options.since or day) <= day <= (options.until or day)


def select(
    corpus: ReadOnlyCorpus,
    options: ExportOptions,
    vocabulary: Vocabulary,
    *,
    speeches_when_written: bool = False,
) -> Selection:
    """Apply the filters; call inside one read transaction with the writing pass.

    ``options`` hold resolved values (:meth:`Vocabulary.resolve`); a value that
    matches nothing gets a warning listing the values the corpus has.
    ``speeches_when_written``: the writer writes speeches before links and needs
    nothing of them first, so unless a filter needs the speeches they are chosen as
    they are written (:attr:`Selection.open_debates`).
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

    selection = Selection(articles, {}, set(), [], moment, 0, [], all_articles=all_articles)
    houses_seen: set[str] = set()
    parties_seen: set[str] = set()
    interfaces_seen: set[str] = set()
    if speeches_when_written and not options.parties and not options.linked_only:
        selection.open_debates = set()
        for debate_id, day, house in corpus.debate_keys():
            houses_seen.add(house or "")
            if _in_range(day, options) and (not options.houses or house in options.houses):
                selection.open_debates.add(debate_id)
    else:
        _choose_speeches(corpus, options, selection, houses_seen, parties_seen, interfaces_seen)
        links = [
            (link["article_id"], link["debate_id"], link["speech_id"])
            for link in stored_records(corpus, "links")
            if selection.note_link(link)
        ]
        if options.linked_only:
            selection.articles = {article_id for article_id, _, _ in links}
            selection.speeches = {}
            for _, debate_id, speech_id in links:
                selection.speeches.setdefault(debate_id, set()).add(speech_id)
    # An interface beyond en and cy gets a CSV column of its own, after those.
    selection.party_interfaces = [*INTERFACES, *sorted(interfaces_seen - set(INTERFACES))]
    selection.warnings = [
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
    return selection


def _choose_speeches(
    corpus: ReadOnlyCorpus,
    options: ExportOptions,
    selection: Selection,
    houses_seen: set[str],
    parties_seen: set[str],
    interfaces_seen: set[str],
) -> None:
    """Choose the speeches the filters keep, reading every debate; note the values
    seen, for the warnings and CSV's party columns. Unless a speech's party is asked
    about, a debate is not decoded whole where the store
    :attr:`~ReadOnlyCorpus.copies_through`: its speeches' ids and party labels are
    read from their texts (the pass writing them decodes them, once)."""
    cut = corpus.copies_through and not options.parties
    labels_of: dict[bytes, Any] = {}
    for debate_id, text in corpus.keyed_texts("debates"):
        debate, ids, in_debate = read_debate(text, cut)
        selection.saw_debate(debate, ids)
        house = debate.get("house")
        houses_seen.add(house or "")
        if options.parties:
            parties_seen.update(speech.get("party") or "" for speech in in_debate)
        if not (
            _in_range(debate.get("date"), options)
            and (not options.houses or house in options.houses)
        ):
            continue
        selection.sources_by_debate[debate_id] = tuple(debate.get("sources") or ())
        if options.parties:
            chosen = [
                speech
                for speech in in_debate
                if cast(dict[str, Any], speech).get("party") in options.parties
            ]
            chosen_ids = [cast(dict[str, Any], speech)["id"] for speech in chosen]
        else:
            chosen, chosen_ids = in_debate, ids
        if not chosen:
            continue
        selection.speeches[debate_id] = set(chosen_ids)
        for speech in chosen:
            if type(speech) is bytes:
                labels = speech_party_raw(speech)
                if labels not in labels_of:
                    labels_of[labels] = orjson.loads(labels)
                interfaces_seen.update(labels_of[labels])
            else:
                interfaces_seen.update(cast(dict[str, Any], speech).get("party_raw") or ())
