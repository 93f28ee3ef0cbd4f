"""The linking index: candidate speeches for a quotation, candidate articles for a debate.

Both directions use hashed word shingles (every run of ``SHINGLE_WORDS``
consecutive normalised words, hashed to a signed 64-bit integer) in SQLite
tables keyed ``(hash, day, owner)`` ``WITHOUT ROWID``, so that a look-up is an
index seek on the hash with a range on the day: its cost depends on how much
was said within the date window, not on the size of the corpus.

Tables (all prefixed ``link_``, created by :class:`LinkIndex`):

``link_meta``
    How the hashes were made; an index built another way is refused.
``link_speech``
    One row per indexed speech: ``sid`` (compact key), ``speech_id`` (gid),
    ``debate_id``, ``date``, ``day``, ``speaker_name``, ``person_id``, ``text``.
``link_speech_shingle``
    ``(hash, day, sid)``: the shingles of every indexed speech, ``day`` being
    its sitting date.
``link_quoting_article``
    One row per article whose quotations are indexed: ``aid``, ``article_id``,
    ``date``, ``day``, ``passages`` (JSON list of the quoted passages).
``link_quote_shingle``
    ``(hash, day, aid)``: the shingles of those passages, ``day`` being the
    article's publication date.

Nothing of the index is held in memory between calls: every method reads and
writes the tables (only the hashes of words are cached, a bounded table per
process). Writes run inside a savepoint, so they join the caller's transaction
when there is one and commit on their own otherwise.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date as Date
from functools import lru_cache

from crawler.linking.align import WORD_RE, normalise_word, passage_runs

SHINGLE_WORDS = 5
HASH_SCHEME = "blake2b64-words/poly64-v1"
# A shingle found in more speeches than this within the window is common
# parliamentary phrasing ("I thank the hon. Member"): it says nothing about
# which speech is quoted, and reading its whole posting list would make a
# look-up cost as much as the busiest stretch of sittings.
MAX_POSTINGS = 200
# Speeches kept per passage for alignment, by number of shared shingles.
MAX_CANDIDATES = 8
_EPOCH = Date(1970, 1, 1).toordinal()
_MASK64 = (1 << 64) - 1
_SIGN = 1 << 63
_BASE = 0x100000001B3  # an odd 64-bit multiplier (FNV prime)
_IN_CHUNK = 500

SCHEMA = """
CREATE TABLE IF NOT EXISTS link_meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS link_speech (
    sid          INTEGER PRIMARY KEY,
    speech_id    TEXT NOT NULL UNIQUE,
    debate_id    TEXT NOT NULL,
    date         TEXT NOT NULL,
    day          INTEGER NOT NULL,
    speaker_name TEXT,
    person_id    TEXT,
    text         TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS link_speech_by_debate ON link_speech (debate_id);
CREATE TABLE IF NOT EXISTS link_speech_shingle (
    hash INTEGER NOT NULL,
    day  INTEGER NOT NULL,
    sid  INTEGER NOT NULL,
    PRIMARY KEY (hash, day, sid)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS link_quoting_article (
    aid        INTEGER PRIMARY KEY,
    article_id TEXT NOT NULL UNIQUE,
    date       TEXT NOT NULL,
    day        INTEGER NOT NULL,
    passages   TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS link_quote_shingle (
    hash INTEGER NOT NULL,
    day  INTEGER NOT NULL,
    aid  INTEGER NOT NULL,
    PRIMARY KEY (hash, day, aid)
) WITHOUT ROWID;
"""


@dataclass(frozen=True)
class IndexedSpeech:
    """A speech as the index keeps it."""

    speech_id: str
    debate_id: str
    date: str
    """Sitting date, YYYY-MM-DD."""
    text: str
    speaker_name: str | None = None
    person_id: str | None = None


@dataclass(frozen=True)
class Candidate:
    """A speech that shares shingles with a passage."""

    speech: IndexedSpeech
    shared: int
    """Distinct shingles of the passage found in the speech."""


def day_number(value: str | Date) -> int:
    """Days since 1970-01-01 of a date or an ISO date/datetime string (its own calendar date)."""
    if isinstance(value, str):
        value = Date.fromisoformat(value[:10])
    return value.toordinal() - _EPOCH


@lru_cache(maxsize=1 << 17)
def _word_hash(norm: str) -> int:
    return int.from_bytes(hashlib.blake2b(norm.encode(), digest_size=8).digest(), "little")


@lru_cache(maxsize=1 << 17)
def _raw_word_hash(raw: str) -> int:
    # Speech words as printed: most repeat, so normalising once per spelling
    # keeps indexing fast.
    return _word_hash(normalise_word(raw))


def _roll(hashes: Sequence[int]) -> set[int]:
    """Polynomial hashes of each window of ``SHINGLE_WORDS`` word hashes (rolled, not rebuilt)."""
    k = SHINGLE_WORDS
    if len(hashes) < k:
        return set()
    top = pow(_BASE, k - 1, 1 << 64)
    h = 0
    for x in hashes[:k]:
        h = (h * _BASE + x) & _MASK64
    out = {h - _SIGN}  # SQLite integers are signed 64-bit
    for old, new in zip(hashes, hashes[k:], strict=False):
        h = ((h - old * top) * _BASE + new) & _MASK64
        out.add(h - _SIGN)
    return out


def speech_shingles(text: str) -> set[int]:
    """Hashes of every run of ``SHINGLE_WORDS`` words of a speech."""
    return _roll([_raw_word_hash(w) for w in WORD_RE.findall(text)])


def passage_shingles(passage: str) -> set[int]:
    """Hashes of the passage's word runs; square-bracketed words break runs."""
    out: set[int] = set()
    for run in passage_runs(passage):
        out |= _roll([_word_hash(norm) for norm in run])
    return out


def _chunks(values: Sequence[int], size: int = _IN_CHUNK) -> Iterator[Sequence[int]]:
    for i in range(0, len(values), size):
        yield values[i : i + size]


class LinkIndex:
    """Shingle index of speeches and of articles' quoted passages in one SQLite database."""

    def __init__(self, conn: sqlite3.Connection):
        self.conn = conn
        with self._atomic():
            # One statement at a time: executescript() would first commit
            # whatever transaction the caller has open.
            for statement in SCHEMA.split(";"):
                if statement.strip():
                    conn.execute(statement)
            conn.execute(
                "INSERT OR IGNORE INTO link_meta (key, value) VALUES ('hash_scheme', ?)",
                (f"{HASH_SCHEME}/k={SHINGLE_WORDS}",),
            )
        stored = conn.execute("SELECT value FROM link_meta WHERE key = 'hash_scheme'").fetchone()
        if stored[0] != f"{HASH_SCHEME}/k={SHINGLE_WORDS}":
            raise ValueError(f"link index built with {stored[0]}; rebuild it")
        self.stats: Counter[str] = Counter()
        """Look-up counters: ``lookups``, ``common_shingles`` (skipped as too common)."""

    @contextmanager
    def _atomic(self) -> Iterator[None]:
        self.conn.execute("SAVEPOINT link_index")
        try:
            yield
        except BaseException:
            self.conn.execute("ROLLBACK TO link_index")
            self.conn.execute("RELEASE link_index")
            raise
        self.conn.execute("RELEASE link_index")

    # --- speeches -------------------------------------------------------------

    def add_speech(self, speech: IndexedSpeech) -> None:
        """Index a speech, replacing the one with the same ``speech_id`` if present."""
        self.add_speeches([speech])

    replace_speech = add_speech

    def add_speeches(self, speeches: Iterable[IndexedSpeech]) -> int:
        """Index many speeches in one transaction (replacing any with the same id)."""
        count = 0
        with self._atomic():
            for speech in speeches:
                self._remove_speech(speech.speech_id)
                day = day_number(speech.date)
                cursor = self.conn.execute(
                    "INSERT INTO link_speech (speech_id, debate_id, date, day, speaker_name,"
                    " person_id, text) VALUES (?, ?, ?, ?, ?, ?, ?)",
                    (
                        speech.speech_id,
                        speech.debate_id,
                        speech.date[:10],
                        day,
                        speech.speaker_name,
                        speech.person_id,
                        speech.text,
                    ),
                )
                sid = cursor.lastrowid
                self.conn.executemany(
                    "INSERT OR IGNORE INTO link_speech_shingle (hash, day, sid) VALUES (?, ?, ?)",
                    [(h, day, sid) for h in speech_shingles(speech.text)],
                )
                count += 1
        return count

    def remove_speech(self, speech_id: str) -> bool:
        """Drop a speech and its shingles; ``False`` if it was not indexed."""
        with self._atomic():
            return self._remove_speech(speech_id)

    def _remove_speech(self, speech_id: str) -> bool:
        row = self.conn.execute(
            "SELECT sid, day, text FROM link_speech WHERE speech_id = ?", (speech_id,)
        ).fetchone()
        if row is None:
            return False
        sid, day, text = row
        # The shingles are recomputed from the stored text, so every delete is
        # a key seek.
        self.conn.executemany(
            "DELETE FROM link_speech_shingle WHERE hash = ? AND day = ? AND sid = ?",
            [(h, day, sid) for h in speech_shingles(text)],
        )
        self.conn.execute("DELETE FROM link_speech WHERE sid = ?", (sid,))
        return True

    def debate_speech_ids(self, debate_id: str) -> list[str]:
        """Ids of the indexed speeches of a debate."""
        rows = self.conn.execute(
            "SELECT speech_id FROM link_speech WHERE debate_id = ? ORDER BY speech_id",
            (debate_id,),
        )
        return [speech_id for (speech_id,) in rows]

    def replace_debate(
        self, debate_id: str, speeches: Iterable[IndexedSpeech], *, previous_ids: Iterable[str] = ()
    ) -> None:
        """Make the index hold exactly ``speeches`` for a debate (and nothing for its old ids)."""
        speeches = list(speeches)
        with self._atomic():
            keep = {s.speech_id for s in speeches}
            for old_debate in [debate_id, *previous_ids]:
                for speech_id in self.debate_speech_ids(old_debate):
                    if speech_id not in keep:
                        self._remove_speech(speech_id)
            self.add_speeches(speeches)

    def remove_debate(self, debate_id: str) -> int:
        """Drop every speech of a debate; returns how many."""
        with self._atomic():
            ids = self.debate_speech_ids(debate_id)
            for speech_id in ids:
                self._remove_speech(speech_id)
        return len(ids)

    def speech_candidates(
        self,
        passage: str,
        date: str | Date,
        window_days: int,
        *,
        limit: int = MAX_CANDIDATES,
        max_postings: int = MAX_POSTINGS,
    ) -> list[Candidate]:
        """Speeches dated within ``window_days`` before ``date`` (inclusive) sharing shingles.

        Best first (most shared shingles, then speech id). One index seek per
        shingle of the passage, each reading at most ``max_postings + 1`` rows.
        """
        hashes = sorted(passage_shingles(passage))
        if not hashes:
            return []
        last = day_number(date)
        first = last - window_days
        shared: Counter[int] = Counter()
        for h in hashes:
            rows = self.conn.execute(
                "SELECT sid FROM link_speech_shingle WHERE hash = ? AND day BETWEEN ? AND ?"
                " LIMIT ?",
                (h, first, last, max_postings + 1),
            ).fetchall()
            self.stats["lookups"] += 1
            if len(rows) > max_postings:
                self.stats["common_shingles"] += 1
                continue
            shared.update(sid for (sid,) in rows)
        best = sorted(shared.items(), key=lambda item: (-item[1], item[0]))[:limit]
        speeches = self._speeches_by_sid([sid for sid, _ in best])
        return sorted(
            (Candidate(speeches[sid], count) for sid, count in best if sid in speeches),
            key=lambda c: (-c.shared, c.speech.speech_id),
        )

    def _speeches_by_sid(self, sids: Sequence[int]) -> dict[int, IndexedSpeech]:
        if not sids:
            return {}
        marks = ",".join("?" * len(sids))
        rows = self.conn.execute(
            "SELECT sid, speech_id, debate_id, date, text, speaker_name, person_id"
            f" FROM link_speech WHERE sid IN ({marks})",
            list(sids),
        )
        return {row[0]: IndexedSpeech(*row[1:]) for row in rows}

    def speech(self, speech_id: str) -> IndexedSpeech | None:
        row = self.conn.execute(
            "SELECT speech_id, debate_id, date, text, speaker_name, person_id"
            " FROM link_speech WHERE speech_id = ?",
            (speech_id,),
        ).fetchone()
        return IndexedSpeech(*row) if row else None

    # --- articles' quoted passages -------------------------------------------

    def add_article_quotes(
        self, article_id: str, date: str | Date, passages: Iterable[str]
    ) -> None:
        """Index the quoted passages of an article, replacing what was indexed for it."""
        passages = [p for p in passages if passage_shingles(p)]
        with self._atomic():
            self._remove_article(article_id)
            if not passages:
                return
            day = day_number(date)
            iso = date if isinstance(date, str) else date.isoformat()
            cursor = self.conn.execute(
                "INSERT INTO link_quoting_article (article_id, date, day, passages)"
                " VALUES (?, ?, ?, ?)",
                (article_id, iso[:10], day, json.dumps(passages, ensure_ascii=False)),
            )
            aid = cursor.lastrowid
            hashes = set().union(*(passage_shingles(p) for p in passages))
            self.conn.executemany(
                "INSERT OR IGNORE INTO link_quote_shingle (hash, day, aid) VALUES (?, ?, ?)",
                [(h, day, aid) for h in hashes],
            )

    replace_article_quotes = add_article_quotes

    def remove_article(self, article_id: str) -> bool:
        """Drop an article's indexed passages; ``False`` if there were none."""
        with self._atomic():
            return self._remove_article(article_id)

    def _remove_article(self, article_id: str) -> bool:
        row = self.conn.execute(
            "SELECT aid, day, passages FROM link_quoting_article WHERE article_id = ?",
            (article_id,),
        ).fetchone()
        if row is None:
            return False
        aid, day, passages = row
        hashes = set().union(*(passage_shingles(p) for p in json.loads(passages)))
        self.conn.executemany(
            "DELETE FROM link_quote_shingle WHERE hash = ? AND day = ? AND aid = ?",
            [(h, day, aid) for h in hashes],
        )
        self.conn.execute("DELETE FROM link_quoting_article WHERE aid = ?", (aid,))
        return True

    def article_candidates(
        self, texts: Iterable[str], date: str | Date, window_days: int
    ) -> list[str]:
        """Ids of articles published within ``window_days`` after ``date`` (inclusive) whose
        quoted passages share a shingle with ``texts`` (a debate's speeches), sorted."""
        hashes = sorted(set().union(*(speech_shingles(t) for t in texts)))
        first = day_number(date)
        last = first + window_days
        aids: set[int] = set()
        for chunk in _chunks(hashes):
            marks = ",".join("?" * len(chunk))
            rows = self.conn.execute(
                f"SELECT DISTINCT aid FROM link_quote_shingle WHERE hash IN ({marks})"
                " AND day BETWEEN ? AND ?",
                (*chunk, first, last),
            )
            aids.update(aid for (aid,) in rows)
            self.stats["lookups"] += 1
        if not aids:
            return []
        found: list[str] = []
        sorted_aids = sorted(aids)
        for chunk in _chunks(sorted_aids):
            marks = ",".join("?" * len(chunk))
            rows = self.conn.execute(
                f"SELECT article_id FROM link_quoting_article WHERE aid IN ({marks})", list(chunk)
            )
            found.extend(article_id for (article_id,) in rows)
        return sorted(found)
