"""The linking index: candidate speeches for a quotation, candidate articles for a debate.

Both directions use hashed word shingles (every run of ``SHINGLE_WORDS``
consecutive normalised words, hashed to 32 bits: each word to a 32-bit id, the
run of ids by multiply-shift, a batch of texts at a time with numpy). The postings are sharded by
date: one row per ``(period, bucket)`` holds, packed in one blob, every posting
of that period of ``2**PERIOD_BITS`` days whose hash falls in that bucket (the
top ``BUCKET_BITS`` bits of the hash). A posting is 5 bytes: the rest of the
hash (3 bytes) and the owner's place (2 bytes: its day within the period and
its slot in that day); a row's postings are in the order their owners were
added. The owner's key is ``day << 16 | slot``, so the speeches of a day sit
together and a posting needs no wider key.

A look-up is one statement of key seeks, ``period IN (window) AND bucket IN
(the passage's buckets)``, and one reading the window's staged segments,
keeping the postings of the window's days: its cost depends on how much was
said within the date window, not on the size of the corpus. A write appends a
staged segment, or touches only the rows of the periods it changes (contiguous
in the table), and writes nothing for a speech or an article whose indexed
content is unchanged.

Tables (all prefixed ``link_``, created by :class:`LinkIndex`):

``link_meta``
    How the hashes were made and laid out; an index built another way is refused.
``link_speech``
    One row per indexed speech: ``sid`` (``day << 16 | slot``), ``speech_id``
    (gid), ``debate_id``, ``position`` (in the debate's ``speeches``),
    ``speaker_name``, ``person_id``, ``digest`` (of everything indexed, so an
    unchanged speech is not rewritten).
``link_speech_text``
    The speeches' texts, only when the index keeps them itself: an index in the
    corpus store reads them from the stored debate records instead
    (:class:`DebateRecordTexts`), so the index holds no second copy.
``link_speech_posting``
    ``(period, bucket) -> postings`` of every indexed speech text.
``link_speech_staged``
    Postings added lately, one row (a segment) per addition: ``period``, and the
    addition's postings as sorted 4-byte hashes then their 2-byte places. At
    ``STAGED_SEGMENTS`` segments a period's are folded into its rows, so that a
    crawl adding a debate at a time does not rewrite the period's rows each time.
``link_quoting_article``
    One row per article whose quotations are indexed: ``aid``
    (``day << 16 | slot``), ``article_id``, ``passages`` (JSON list).
``link_quote_posting``, ``link_quote_staged``
    The same for those passages, the day being the article's publication date.

A speech may have its text in several languages (``texts``, the text as
spoken being ``texts[language]``): every text is indexed, and a candidate
carries them all.

Nothing of the index is held in memory between calls (only the hashes of words
are cached, a bounded table per process). Writes run inside a savepoint, so
they join the caller's transaction when there is one and commit on their own
otherwise.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import date as Date
from itertools import pairwise
from typing import Protocol

import numpy as np

from crawler.linking.align import (
    find_words,
    normalise_word,
    passage_runs,
    split_tokens,
    token_words,
)

SHINGLE_WORDS = 5
HASH_SCHEME = "blake2b32-words/multiply-shift-v1"
# One odd 64-bit multiplier per word of a shingle (see _window_hashes).
_MULTIPLIERS = tuple(
    np.uint64(m)
    for m in (
        0x7555E7F96A29821B,
        0xA6D47A0359B3BE79,
        0xDE7F68F8F26F8255,
        0x08A1FCD143CE4ECB,
        0xA92FBBD2B9EC462D,
    )
)
BUCKET_BITS = 11
"""A day's postings are split by the top bits of the hash: a look-up reads only
the buckets of the passage's hashes, a write rewrites only its days' rows."""
# A shingle found in more speeches than this within the window is common
# parliamentary phrasing ("I thank the hon. Member"): it says nothing about
# which speech is quoted.
MAX_POSTINGS = 200
# Speeches kept per passage for alignment, by number of shared shingles.
MAX_CANDIDATES = 8
PERIOD_BITS = 3
"""Postings are kept per period of ``2**PERIOD_BITS`` days: a look-up over a month's
window reads a few rows per bucket, a write rewrites its period's rows only."""
_PERIOD_MASK = (1 << PERIOD_BITS) - 1
_PERIOD_SHIFT = 16 + PERIOD_BITS
_SLOT_BITS = 16 - PERIOD_BITS
_SLOT_MASK = (1 << _SLOT_BITS) - 1
SLOTS_PER_DAY = 1 << _SLOT_BITS
"""Owners (speeches, or quoting articles) one day can hold."""
LAYOUT = f"period{PERIOD_BITS}-bucket{BUCKET_BITS}-posting5-staged6-v2"
STAGED_SEGMENTS = 8
"""A period's small additions wait as staged segments, and the one that would make
this many folds them all into the period's rows: a crawl adding a debate at a time
then rewrites a period's rows once per this many debates, not once per debate, and
a look-up reads fewer than this many segments per period beside the rows."""
_STAGE_LIMIT = 1 << 14
"""An addition of at least this many postings to a period (a rebuild's batch) goes
into the period's rows at once rather than into a staged segment."""
_EPOCH = Date(1970, 1, 1).toordinal()
_MASK32 = (1 << 32) - 1
_WORD_CACHE = 1 << 17
_BUCKET_SHIFT = 32 - BUCKET_BITS
_KEPT = (1 << 24) - 1  # a posting keeps the hash's low 24 bits
_ENTRY = 5  # bytes per posting: 3 of hash residual, 2 of slot
_STAGED_ENTRY = 6  # bytes per staged posting: 4 of hash, 2 of slot
_IN_CHUNK = 400
# Above this many of a period's buckets, its rows are read in one range scan (a new
# period's in one empty seek) rather than seeked one by one.
_WHOLE_PERIOD = 1 << (BUCKET_BITS - 2)
# Above this many wanted hashes in one row, the row is decoded whole rather
# than searched once per hash.
_SEARCH_LIMIT = 8

SCHEMA = """
CREATE TABLE IF NOT EXISTS link_meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS link_speech (
    sid          INTEGER PRIMARY KEY,
    speech_id    TEXT NOT NULL UNIQUE,
    debate_id    TEXT NOT NULL,
    position     INTEGER,
    speaker_name TEXT,
    person_id    TEXT,
    digest       BLOB NOT NULL
);
CREATE INDEX IF NOT EXISTS link_speech_by_debate ON link_speech (debate_id);
CREATE TABLE IF NOT EXISTS link_speech_posting (
    period   INTEGER NOT NULL,
    bucket   INTEGER NOT NULL,
    postings BLOB NOT NULL,
    PRIMARY KEY (period, bucket)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS link_speech_staged (
    segment  INTEGER PRIMARY KEY,
    period   INTEGER NOT NULL,
    postings BLOB NOT NULL
);
CREATE INDEX IF NOT EXISTS link_speech_staged_by_period ON link_speech_staged (period);
CREATE TABLE IF NOT EXISTS link_quoting_article (
    aid        INTEGER PRIMARY KEY,
    article_id TEXT NOT NULL UNIQUE,
    passages   TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS link_quote_posting (
    period   INTEGER NOT NULL,
    bucket   INTEGER NOT NULL,
    postings BLOB NOT NULL,
    PRIMARY KEY (period, bucket)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS link_quote_staged (
    segment  INTEGER PRIMARY KEY,
    period   INTEGER NOT NULL,
    postings BLOB NOT NULL
);
CREATE INDEX IF NOT EXISTS link_quote_staged_by_period ON link_quote_staged (period);
"""
TEXT_TABLE = """
CREATE TABLE IF NOT EXISTS link_speech_text (
    sid      INTEGER PRIMARY KEY,
    language TEXT,
    texts    TEXT NOT NULL
)
"""
TABLES = (
    "link_meta",
    "link_speech",
    "link_speech_text",
    "link_speech_posting",
    "link_speech_staged",
    "link_quoting_article",
    "link_quote_posting",
    "link_quote_staged",
)
"""Every table of the index (an index of an older layout is dropped and rebuilt)."""


@dataclass(frozen=True)
class IndexedSpeech:
    """A speech as the index keeps it."""

    speech_id: str
    debate_id: str
    date: str
    """Sitting date, YYYY-MM-DD."""
    text: str
    """The text as spoken (or, in a candidate, the text in ``text_language``)."""
    speaker_name: str | None = None
    person_id: str | None = None
    language: str | None = None
    """The language the speech was given in, when the source says."""
    texts: Mapping[str, str] = field(default_factory=dict)
    """The text in each language, when the source gives more than one."""
    position: int | None = None
    """Index of the speech in its debate record's ``speeches``."""
    text_language: str | None = None
    """Which of ``texts`` ``text`` is (``None``: the text as spoken)."""

    def all_texts(self) -> list[str]:
        """Every text of the speech that is indexed."""
        return list(self.texts.values()) if self.texts else [self.text]

    def readings(self) -> list[IndexedSpeech]:
        """The speech once per text, each with ``text`` and ``text_language`` set to it;
        a speech with a single text is its own one reading."""
        if not self.texts:
            return [self]
        return [replace(self, text=text, text_language=lang) for lang, text in self.texts.items()]


@dataclass(frozen=True)
class Candidate:
    """A speech that shares shingles with a passage."""

    speech: IndexedSpeech
    shared: int
    """Distinct shingles of the passage found in the speech."""


@dataclass(frozen=True)
class SpeechText:
    """The texts of one speech as its home keeps them."""

    text: str
    language: str | None = None
    texts: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class SpeechRef:
    """Where to find an indexed speech's texts."""

    sid: int
    speech_id: str
    debate_id: str
    position: int | None


class SpeechTexts(Protocol):
    """Where the index reads (and, if it keeps them, writes) the texts of speeches."""

    def put(self, sid: int, speech: IndexedSpeech) -> None: ...

    def remove(self, sids: Iterable[int]) -> None: ...

    def get(self, refs: Sequence[SpeechRef]) -> dict[int, SpeechText]: ...


class IndexedTexts:
    """Texts kept in the index's own ``link_speech_text`` table (an index with no
    store of debate records beside it)."""

    def __init__(self, conn: sqlite3.Connection):
        self.conn = conn
        conn.execute(TEXT_TABLE)

    def put(self, sid: int, speech: IndexedSpeech) -> None:
        texts = dict(speech.texts) if speech.texts else {"": speech.text}
        self.conn.execute(
            "INSERT OR REPLACE INTO link_speech_text (sid, language, texts) VALUES (?, ?, ?)",
            (sid, speech.language, json.dumps(texts, ensure_ascii=False)),
        )

    def remove(self, sids: Iterable[int]) -> None:
        self.conn.executemany("DELETE FROM link_speech_text WHERE sid = ?", [(s,) for s in sids])

    def get(self, refs: Sequence[SpeechRef]) -> dict[int, SpeechText]:
        out: dict[int, SpeechText] = {}
        for chunk in _chunks([ref.sid for ref in refs]):
            rows = self.conn.execute(
                "SELECT sid, language, texts FROM link_speech_text"
                f" WHERE sid IN ({','.join('?' * len(chunk))})",
                list(chunk),
            )
            for sid, language, texts in rows:
                out[sid] = _speech_text(json.loads(texts), language)
        return out


class DebateRecordTexts:
    """Texts read from a table of debate records (``id``, ``record`` as JSON text),
    the speech found at its ``position`` in ``speeches`` (or by id if it moved).
    Writes nothing: the debate record is the texts' one home."""

    def __init__(self, conn: sqlite3.Connection, table: str = "debates"):
        self.conn = conn
        self.table = table

    def put(self, sid: int, speech: IndexedSpeech) -> None:
        pass

    def remove(self, sids: Iterable[int]) -> None:
        pass

    def get(self, refs: Sequence[SpeechRef]) -> dict[int, SpeechText]:
        by_debate: dict[str, list[SpeechRef]] = defaultdict(list)
        for ref in refs:
            by_debate[ref.debate_id].append(ref)
        out: dict[int, SpeechText] = {}
        for debate_id, wanted in by_debate.items():
            placed = [ref for ref in wanted if ref.position is not None]
            lost = [ref for ref in wanted if ref.position is None]
            if placed:
                # SQLite reads the few speeches out of the record without the
                # whole record being decoded here.
                paths = [
                    f"$.speeches[{ref.position}].{key}"
                    for ref in placed
                    for key in ("id", "text", "language", "texts")
                ]
                try:
                    row = self.conn.execute(
                        f"SELECT json_extract(record, {', '.join('?' * len(paths))})"
                        f" FROM {self.table} WHERE id = ?",
                        (*paths, debate_id),
                    ).fetchone()
                except sqlite3.OperationalError:
                    # A record SQLite's JSON reader refuses (a NaN, which a record
                    # stored with sorted keys may hold): decoded whole, speeches by id.
                    out.update(self._by_id(debate_id, wanted))
                    continue
                if row is None:
                    continue
                values = json.loads(row[0]) if len(paths) > 1 else [row[0]]
                for n, ref in enumerate(placed):
                    speech_id, text, language, texts = values[4 * n : 4 * n + 4]
                    if speech_id != ref.speech_id or text is None:
                        lost.append(ref)
                        continue
                    out[ref.sid] = SpeechText(text, language, texts or {})
            if lost:
                out.update(self._by_id(debate_id, lost))
        return out

    def _by_id(self, debate_id: str, refs: Sequence[SpeechRef]) -> dict[int, SpeechText]:
        row = self.conn.execute(
            f"SELECT record FROM {self.table} WHERE id = ?", (debate_id,)
        ).fetchone()
        if row is None:
            return {}
        speeches = {s.get("id"): s for s in json.loads(row[0]).get("speeches") or []}
        out: dict[int, SpeechText] = {}
        for ref in refs:
            speech = speeches.get(ref.speech_id)
            if speech and speech.get("text") is not None:
                out[ref.sid] = SpeechText(
                    speech["text"], speech.get("language"), speech.get("texts") or {}
                )
        return out


def _speech_text(texts: dict[str, str], language: str | None) -> SpeechText:
    if set(texts) == {""}:
        return SpeechText(texts[""], language)
    return SpeechText(texts.get(language or "", next(iter(texts.values()))), language, texts)


def day_number(value: str | Date) -> int:
    """Days since 1970-01-01 of a date or an ISO date/datetime string (its own calendar date)."""
    if isinstance(value, str):
        value = Date.fromisoformat(value[:10])
    return value.toordinal() - _EPOCH


def day_date(day: int) -> str:
    """The ISO date of a day number (the inverse of :func:`day_number`)."""
    return Date.fromordinal(day + _EPOCH).isoformat()


def _word_hash(norm: str) -> int:
    return int.from_bytes(hashlib.blake2b(norm.encode(), digest_size=4).digest(), "little")


class _WordHashes(dict[str, int]):
    """Hash of each word's comparison form, by spelling: a bounded cache (most words
    repeat), read at C speed on a hit."""

    def __init__(self, normalise: Callable[[str], str]):
        super().__init__()
        self.normalise = normalise

    def __missing__(self, word: str) -> int:
        if len(self) >= _WORD_CACHE:
            self.clear()
        value = self[word] = _word_hash(self.normalise(word))
        return value


# Speech words as printed (normalised on a miss) and passage words already normalised.
_raw_word_hashes = _WordHashes(normalise_word)
_norm_word_hashes = _WordHashes(str)

_TEXT_BREAK = " [ "
"""Joins the texts of a batch: a token no text without a ``[`` holds (see ``split_tokens``)."""
_BREAK = np.uint64(1 << 32)
"""A break between texts among word ids (which are below 2**32)."""


class _TokenIds(dict[str, int]):
    """The word id of each token of ``split_tokens``, by spelling; a token of no word
    or of several (``—``, ``e\u0301te``) gets a code above ``_BREAK`` instead, which
    :meth:`expand` replaces by its words' ids. A bounded cache: most tokens repeat."""

    def __init__(self) -> None:
        super().__init__()
        self.several: list[list[int]] = []

    def __missing__(self, token: str) -> int:
        if token == _TEXT_BREAK.strip():
            value = int(_BREAK)
        else:
            ids = [_raw_word_hashes[word] for word in token_words(token)]
            if len(ids) == 1:
                value = ids[0]
            else:
                self.several.append(ids)
                value = int(_BREAK) + len(self.several)
        self[token] = value
        return value

    def trim(self) -> None:
        """Empty the cache once it is full (between batches: codes stay valid within one)."""
        if len(self) >= _WORD_CACHE:
            self.clear()
            self.several.clear()

    def expand(self, codes: np.ndarray) -> np.ndarray:
        """Word ids (and breaks) of a batch's token codes: each code above ``_BREAK``
        replaced by its token's ids, none for a token of no word."""
        special = np.flatnonzero(codes > _BREAK)
        if not len(special):
            return codes
        several = [self.several[code - int(_BREAK) - 1] for code in codes[special].tolist()]
        counts = np.ones(len(codes), dtype=np.int64)
        counts[special] = [len(ids) for ids in several]
        ids = np.repeat(codes, counts)
        starts = (np.cumsum(counts) - counts)[special]
        for start, token_ids in zip(starts.tolist(), several, strict=True):
            ids[start : start + len(token_ids)] = token_ids
        return ids


_token_ids = _TokenIds()


def _window_hashes(word_ids: np.ndarray) -> np.ndarray:
    """The 32-bit hash of each run of ``SHINGLE_WORDS`` consecutive word ids (a
    ``uint64`` array of 32-bit ids): the top 32 bits of the sum of each id times its
    place's odd 64-bit multiplier, modulo 2**64 (multiply-shift hashing of a vector,
    universal over distinct runs), computed for every run at once."""
    runs = len(word_ids) - SHINGLE_WORDS + 1
    if runs <= 0:
        return np.empty(0, dtype=np.uint32)
    total = word_ids[:runs] * _MULTIPLIERS[0]
    for place in range(1, SHINGLE_WORDS):
        total += word_ids[place : place + runs] * _MULTIPLIERS[place]
    return (total >> np.uint64(32)).astype(np.uint32)


def _ids(words: Iterable[int]) -> np.ndarray:
    return np.fromiter(words, dtype=np.uint64)


def speech_shingles(text: str) -> set[int]:
    """Hashes of every run of ``SHINGLE_WORDS`` words of a speech."""
    return set(_window_hashes(_ids(map(_raw_word_hashes.__getitem__, find_words(text)))).tolist())


def passage_shingles(passage: str) -> set[int]:
    """Hashes of the passage's word runs; square-bracketed words break runs."""
    out: set[int] = set()
    for run in passage_runs(passage):
        out.update(_window_hashes(_ids(map(_norm_word_hashes.__getitem__, run))).tolist())
    return out


@dataclass(frozen=True)
class Shingles:
    """Shingle hashes of many owners as two parallel arrays: each hash (``uint32``)
    beside its owner's ``day << 16 | slot`` key (``int64``), in no particular order."""

    keys: np.ndarray
    hashes: np.ndarray

    @classmethod
    def of(cls, owners: Mapping[int, Iterable[int]]) -> Shingles:
        """From owner key -> shingle hashes."""
        keys: list[int] = []
        hashes: list[int] = []
        for key, shingles in owners.items():
            before = len(hashes)
            hashes += shingles
            keys += [key] * (len(hashes) - before)
        return cls(np.array(keys, dtype=np.int64), np.array(hashes, dtype=np.uint32))

    @classmethod
    def of_speeches(cls, texts: Iterable[tuple[int, str]]) -> Shingles:
        """The shingles of many (owner key, speech text) pairs, hashed as one array of
        the words of all the texts, the runs that would cross from one text into the
        next left out. The texts are split into words together, as one string."""
        plain: list[tuple[int, str]] = []
        bracketed: list[tuple[int, str]] = []
        for key, text in texts:
            (bracketed if "[" in text else plain).append((key, text))
        _token_ids.trim()
        tokens = split_tokens(_TEXT_BREAK.join(text for _key, text in plain))
        codes = np.fromiter(map(_token_ids.__getitem__, tokens), dtype=np.uint64, count=len(tokens))
        ids = _token_ids.expand(codes)
        # before[i]: the text breaks before word i, so the text word i is in.
        before = np.zeros(len(ids) + 1, dtype=np.int64)
        np.cumsum(ids == _BREAK, out=before[1:])
        hashes = _window_hashes(ids)
        runs = len(hashes)
        whole = before[SHINGLE_WORDS : SHINGLE_WORDS + runs] == before[:runs]
        owners = np.array([key for key, _text in plain], dtype=np.int64)
        together = cls(owners[before[:runs][whole]], hashes[whole])
        if not bracketed:
            return together
        apart = [(key, speech_shingles(text)) for key, text in bracketed]
        return cls(
            np.concatenate([together.keys, *(np.full(len(h), k) for k, h in apart)]),
            np.concatenate(
                [together.hashes, *(np.array(sorted(h), dtype=np.uint32) for _k, h in apart)]
            ),
        )


def posting_key(shingle: int) -> tuple[int, bytes]:
    """(bucket, the 3 bytes a posting keeps) of a shingle hash (its low 32 bits)."""
    return (shingle & _MASK32) >> _BUCKET_SHIFT, (shingle & _KEPT).to_bytes(3, "big")


def _postings(values: np.ndarray) -> dict[int, bytes]:
    """The packed postings of one period by bucket, from its sorted, distinct
    ``hash << 16 | place`` values (``uint64``)."""
    if not len(values):
        return {}
    # Big-endian 8 bytes a value: 2 zero bytes, the hash's top byte, then the 5
    # bytes a posting keeps (the hash's low 3 bytes and the place).
    entries = values.astype(">u8").view(np.uint8).reshape(-1, 8)[:, 3:].tobytes()
    buckets = (values >> np.uint64(16 + _BUCKET_SHIFT)).astype(np.int64)
    starts = np.flatnonzero(np.diff(buckets)) + 1
    bounds = [0, *starts.tolist(), len(values)]
    return {
        int(buckets[start]): entries[_ENTRY * start : _ENTRY * end]
        for start, end in pairwise(bounds)
    }


def _sorted_by_period(periods: np.ndarray, values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``periods`` and ``values`` (below 2**48) in order of period, then value."""
    low = int(periods.min())
    if int(periods.max()) - low < 1 << 16:
        # One sort of plain integers, several times quicker than a sort on two keys.
        joined = np.sort((periods - low).astype(np.uint64) << np.uint64(48) | values)
        return (joined >> np.uint64(48)).astype(np.int64) + low, joined & np.uint64((1 << 48) - 1)
    order = np.lexsort((values, periods))
    return periods[order], values[order]


def _segment(values: np.ndarray) -> bytes:
    """A staged segment of sorted ``hash << 16 | place`` values: the hashes (4 bytes
    each, little-endian) then the places (2 bytes each), so a look-up searches the
    hashes in place."""
    hashes = (values >> np.uint64(16)).astype("<u4")
    places = (values & np.uint64(0xFFFF)).astype("<u2")
    return hashes.tobytes() + places.tobytes()


def _segment_values(blob: bytes) -> np.ndarray:
    """The ``hash << 16 | place`` values of a staged segment (the inverse of :func:`_segment`)."""
    count = len(blob) // _STAGED_ENTRY
    hashes = np.frombuffer(blob, dtype="<u4", count=count).astype(np.uint64)
    places = np.frombuffer(blob, dtype="<u2", count=count, offset=4 * count).astype(np.uint64)
    return hashes << np.uint64(16) | places


def _chunks(values: Sequence, size: int = _IN_CHUNK) -> Iterator[Sequence[int]]:
    for i in range(0, len(values), size):
        yield values[i : i + size]


def _place(key: int) -> int:
    """A posting's 2-byte place for the owner ``day << 16 | slot``: its day within the
    period and its slot (of an ``int`` or, element by element, of an array)."""
    return ((key >> 16) & _PERIOD_MASK) << _SLOT_BITS | key & _SLOT_MASK


def _entries(blob: bytes) -> list[bytes]:
    return [blob[i : i + _ENTRY] for i in range(0, len(blob), _ENTRY)]


class DayPostings:
    """One posting table (``link_speech_posting`` or ``link_quote_posting``): the postings
    of each period of days, by bucket; a posting's 2-byte place is its owner's day
    within the period and its slot in that day. Small additions wait in the staged
    table beside it (``link_speech_staged`` or ``link_quote_staged``)."""

    def __init__(self, conn: sqlite3.Connection, table: str, staged: str):
        self.conn = conn
        self.table = table
        self.staged = staged

    def update(self, *, remove: Iterable[int] = (), add: Shingles | None = None) -> None:
        """Drop the postings of the owners ``remove`` and add those of ``add``, owners
        being ``day << 16 | slot`` keys. A small addition to a period is appended as a
        staged segment; otherwise (a large addition, a removal, or the period's
        segments full) the period's staged segments and the addition are folded into
        its rows, each row read and rewritten once, and only the rows that change."""
        removed: dict[int, set[bytes]] = defaultdict(set)
        for key in remove:
            removed[key >> _PERIOD_SHIFT].add(_place(key).to_bytes(2, "big"))
        added: dict[int, np.ndarray] = {}
        if add is not None and len(add.keys):
            periods = add.keys >> _PERIOD_SHIFT
            values = add.hashes.astype(np.uint64) << np.uint64(16) | _place(add.keys).astype(
                np.uint64
            )
            periods, values = _sorted_by_period(periods, values)
            distinct = np.ones(len(values), dtype=bool)
            distinct[1:] = (values[1:] != values[:-1]) | (periods[1:] != periods[:-1])
            periods, values = periods[distinct], values[distinct]
            starts = [0, *(np.flatnonzero(np.diff(periods)) + 1).tolist(), len(periods)]
            for start, end in pairwise(starts):
                added[int(periods[start])] = values[start:end]
        for period in sorted(set(removed) | set(added)):
            new = added.get(period, np.empty(0, dtype=np.uint64))
            gone = removed.get(period, set())
            if not gone and len(new) < _STAGE_LIMIT:
                segments = self.conn.execute(
                    f"SELECT count(*) FROM {self.staged} WHERE period = ?", (period,)
                ).fetchone()[0]
                if segments + 1 < STAGED_SEGMENTS:
                    self.conn.execute(
                        f"INSERT INTO {self.staged} (period, postings) VALUES (?, ?)",
                        (period, _segment(new)),
                    )
                    continue
            self._fold(period, gone, new)

    def _fold(self, period: int, removed: set[bytes], new: np.ndarray) -> None:
        """Fold the period's staged segments and ``new`` values into its rows, dropping
        the postings of the places ``removed``."""
        segments = self.conn.execute(
            f"SELECT postings FROM {self.staged} WHERE period = ?", (period,)
        ).fetchall()
        if segments:
            staged = np.concatenate([_segment_values(blob) for (blob,) in segments])
            if removed:
                places = np.array([int.from_bytes(p) for p in removed], dtype=np.uint64)
                staged = staged[~np.isin(staged & np.uint64(0xFFFF), places)]
            new = np.unique(np.concatenate([staged, new]))
            self.conn.execute(f"DELETE FROM {self.staged} WHERE period = ?", (period,))
        self._update_period(period, removed, _postings(new))

    def _update_period(self, period: int, removed: set[bytes], new: Mapping[int, bytes]) -> None:
        if removed or len(new) > _WHOLE_PERIOD:
            rows = self.conn.execute(
                f"SELECT bucket, postings FROM {self.table} WHERE period = ?", (period,)
            ).fetchall()
            if not removed:
                rows = [(bucket, blob) for bucket, blob in rows if bucket in new]
        else:
            rows = self._rows(period, sorted(new))
        current = dict(rows)
        writes: list[tuple[int, int, bytes]] = []
        deletes: list[tuple[int, int]] = []
        for bucket in sorted(set(current) | set(new)):
            old = current.get(bucket, b"")
            kept = old
            if removed:
                kept = b"".join(e for e in _entries(old) if e[3:] not in removed)
            blob = kept + new.get(bucket, b"")
            if blob == old:
                continue
            if blob:
                writes.append((period, bucket, blob))
            else:
                deletes.append((period, bucket))
        self.conn.executemany(
            f"INSERT OR REPLACE INTO {self.table} (period, bucket, postings) VALUES (?, ?, ?)",
            writes,
        )
        self.conn.executemany(f"DELETE FROM {self.table} WHERE period = ? AND bucket = ?", deletes)

    def _rows(self, period: int, buckets: Sequence[int]) -> list[tuple[int, bytes]]:
        rows: list[tuple[int, bytes]] = []
        for chunk in _chunks(list(buckets)):
            rows += self.conn.execute(
                f"SELECT bucket, postings FROM {self.table}"
                f" WHERE period = ? AND bucket IN ({','.join('?' * len(chunk))})",
                (period, *chunk),
            ).fetchall()
        return rows

    def find(self, shingles: Iterable[int], first: int, last: int) -> dict[int, list[int]]:
        """The owners (``day << 16 | slot``) of each shingle within days ``first..last``."""
        wanted: dict[int, dict[bytes, int]] = defaultdict(dict)
        by_hash: dict[int, int] = {}
        for shingle in shingles:
            bucket, residual = posting_key(shingle)
            wanted[bucket][residual] = shingle
            by_hash[shingle & _MASK32] = shingle
        found: dict[int, list[int]] = defaultdict(list)
        if not wanted or last < first:
            return found
        periods = list(range(first >> PERIOD_BITS, (last >> PERIOD_BITS) + 1))
        self._find_staged(by_hash, periods, first, last, found)
        buckets = sorted(wanted)
        period_marks = ",".join("?" * len(periods))
        for chunk in _chunks(buckets):
            rows = self.conn.execute(
                f"SELECT period, bucket, postings FROM {self.table}"
                f" WHERE period IN ({period_marks}) AND bucket IN ({','.join('?' * len(chunk))})",
                (*periods, *chunk),
            )
            for period, bucket, blob in rows:
                base = period << PERIOD_BITS
                residuals = wanted[bucket]
                if len(residuals) > _SEARCH_LIMIT:
                    places = [
                        (residuals.get(blob[i : i + 3]), i) for i in range(0, len(blob), _ENTRY)
                    ]
                    hits = [(shingle, i + 3) for shingle, i in places if shingle is not None]
                else:
                    hits = []
                    for residual, shingle in residuals.items():
                        at = blob.find(residual)
                        while at != -1:
                            if at % _ENTRY == 0:
                                hits.append((shingle, at + 3))
                            at = blob.find(residual, at + 1)
                for shingle, at in hits:
                    place = int.from_bytes(blob[at : at + 2])
                    day = base | place >> _SLOT_BITS
                    if first <= day <= last:
                        found[shingle].append(day << 16 | place & _SLOT_MASK)
        return found

    def _find_staged(
        self,
        by_hash: Mapping[int, int],
        periods: Sequence[int],
        first: int,
        last: int,
        found: dict[int, list[int]],
    ) -> None:
        """Add to ``found`` the owners in the window's staged segments of the shingles
        ``by_hash`` (32-bit hash -> shingle as asked)."""
        rows = self.conn.execute(
            f"SELECT period, postings FROM {self.staged}"
            f" WHERE period IN ({','.join('?' * len(periods))})",
            periods,
        ).fetchall()
        if not rows:
            return
        wanted = np.array(sorted(by_hash), dtype=np.uint32)
        for period, blob in rows:
            count = len(blob) // _STAGED_ENTRY
            hashes = np.frombuffer(blob, dtype="<u4", count=count)
            places = np.frombuffer(blob, dtype="<u2", count=count, offset=4 * count)
            starts = np.searchsorted(hashes, wanted, "left")
            ends = np.searchsorted(hashes, wanted, "right")
            base = period << PERIOD_BITS
            for n in np.flatnonzero(ends > starts).tolist():
                shingle = by_hash[int(wanted[n])]
                for place in places[starts[n] : ends[n]].tolist():
                    day = base | place >> _SLOT_BITS
                    if first <= day <= last:
                        found[shingle].append(day << 16 | place & _SLOT_MASK)

    def count(self) -> int:
        """How many postings the table and its staged segments hold."""
        total = self.conn.execute(f"SELECT sum(length(postings)) FROM {self.table}").fetchone()[0]
        staged = self.conn.execute(f"SELECT sum(length(postings)) FROM {self.staged}").fetchone()[0]
        return (total or 0) // _ENTRY + (staged or 0) // _STAGED_ENTRY


def _speech_digest(speech: IndexedSpeech, day: int) -> bytes:
    """A digest of everything the index keeps of a speech."""
    parts = [
        speech.debate_id,
        str(day),
        str(speech.position),
        speech.speaker_name or "",
        speech.person_id or "",
        speech.language or "",
        speech.text,
        *(part for lang in sorted(speech.texts) for part in (lang, speech.texts[lang])),
    ]
    return hashlib.blake2b("\x1f".join(parts).encode(), digest_size=8).digest()


class LinkIndex:
    """Shingle index of speeches and of articles' quoted passages in one SQLite database."""

    def __init__(self, conn: sqlite3.Connection, *, texts: SpeechTexts | None = None):
        """``texts``: where the speeches' texts live; by default the index keeps them."""
        self.conn = conn
        with self._atomic():
            # One statement at a time: executescript() would first commit
            # whatever transaction the caller has open.
            for statement in SCHEMA.split(";"):
                if statement.strip():
                    conn.execute(statement)
            # Written only when missing: a write, even one changing nothing, makes the
            # commit wait for every reader of the store (a running export).
            if conn.execute("SELECT 1 FROM link_meta WHERE key = 'hash_scheme'").fetchone() is None:
                conn.execute(
                    "INSERT INTO link_meta (key, value) VALUES ('hash_scheme', ?)", (self.scheme(),)
                )
            self.texts: SpeechTexts = texts if texts is not None else IndexedTexts(conn)
        stored = conn.execute("SELECT value FROM link_meta WHERE key = 'hash_scheme'").fetchone()
        if stored[0] != self.scheme():
            raise ValueError(f"link index built with {stored[0]}; rebuild it")
        self.speech_postings = DayPostings(conn, "link_speech_posting", "link_speech_staged")
        self.quote_postings = DayPostings(conn, "link_quote_posting", "link_quote_staged")
        self.stats: Counter[str] = Counter()
        """Counters: ``lookups``, ``common_shingles`` (skipped as too common),
        ``unchanged`` (writes skipped), ``texts_missing`` (candidates whose text is gone)."""

    @staticmethod
    def scheme() -> str:
        """How this code hashes and lays out the index, as ``link_meta`` records it."""
        return f"{HASH_SCHEME}/k={SHINGLE_WORDS}/{LAYOUT}"

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
        """Index many speeches in one transaction (replacing any with the same id);
        a speech indexed already exactly as given is left as it is. Returns how many
        were written."""
        given = {s.speech_id: s for s in speeches}
        removals: set[int] = set()
        next_slot: dict[int, int] = {}
        handed: set[int] = set()
        rows: list[tuple] = []
        texts: list[tuple[int, str]] = []
        with self._atomic():
            indexed = self._indexed_speeches(list(given))
            for speech in given.values():
                day = day_number(speech.date)
                digest = _speech_digest(speech, day)
                row = indexed.get(speech.speech_id)
                if row is not None and row[1] == digest:
                    self.stats["unchanged"] += 1
                    continue
                if row is not None and row[0] >> 16 == day:
                    sid = row[0]
                    removals.add(sid)
                else:
                    if row is not None:
                        self._forget_speech(row[0], removals)
                    sid = self._new_key("link_speech", "sid", day, next_slot, handed)
                rows.append(
                    (
                        sid,
                        speech.speech_id,
                        speech.debate_id,
                        speech.position,
                        speech.speaker_name,
                        speech.person_id,
                        digest,
                    )
                )
                self.texts.put(sid, speech)
                texts += ((sid, text) for text in speech.all_texts())
            self.conn.executemany(
                "INSERT OR REPLACE INTO link_speech (sid, speech_id, debate_id, position,"
                " speaker_name, person_id, digest) VALUES (?, ?, ?, ?, ?, ?, ?)",
                rows,
            )
            self.speech_postings.update(remove=removals, add=Shingles.of_speeches(texts))
        return len(rows)

    def _indexed_speeches(self, speech_ids: Sequence[str]) -> dict[str, tuple[int, bytes]]:
        """``speech_id -> (sid, digest)`` of those of the speeches already indexed."""
        found: dict[str, tuple[int, bytes]] = {}
        for chunk in _chunks(speech_ids):
            rows = self.conn.execute(
                "SELECT speech_id, sid, digest FROM link_speech"
                f" WHERE speech_id IN ({','.join('?' * len(chunk))})",
                list(chunk),
            )
            found.update((speech_id, (sid, digest)) for speech_id, sid, digest in rows)
        return found

    def _new_key(
        self, table: str, column: str, day: int, next_slot: dict[int, int], handed: set[int]
    ) -> int:
        """A free ``day << 16 | slot`` key in ``table`` for a new owner in ``day``; keys
        already handed out by this call (``handed``, not yet in the table) are not free."""
        base = day << 16
        slot = next_slot.get(day)
        if slot is None:
            top = self.conn.execute(
                f"SELECT max({column}) FROM {table} WHERE {column} BETWEEN ? AND ?",
                (base, base | _SLOT_MASK),
            ).fetchone()[0]
            slot = 0 if top is None else (top & _SLOT_MASK) + 1
        if slot >= SLOTS_PER_DAY:
            used = {
                key & _SLOT_MASK
                for (key,) in self.conn.execute(
                    f"SELECT {column} FROM {table} WHERE {column} BETWEEN ? AND ?",
                    (base, base | _SLOT_MASK),
                )
            }
            free = [n for n in range(SLOTS_PER_DAY) if n not in used and base | n not in handed]
            if not free:
                raise ValueError(f"more than {SLOTS_PER_DAY} records on {day_date(day)}")
            slot = free[0]
            next_slot[day] = SLOTS_PER_DAY  # search again for the next one
        else:
            next_slot[day] = slot + 1
        handed.add(base | slot)
        return base | slot

    def remove_speech(self, speech_id: str) -> bool:
        """Drop a speech and its postings; ``False`` if it was not indexed."""
        with self._atomic():
            removals: set[int] = set()
            found = self._remove_speech_ids([speech_id], removals)
            self.speech_postings.update(remove=removals)
        return bool(found)

    def _remove_speech_ids(self, speech_ids: Iterable[str], removals: set[int]) -> int:
        count = 0
        for speech_id in speech_ids:
            row = self.conn.execute(
                "SELECT sid FROM link_speech WHERE speech_id = ?", (speech_id,)
            ).fetchone()
            if row is not None:
                self._forget_speech(row[0], removals)
                count += 1
        return count

    def _forget_speech(self, sid: int, removals: set[int]) -> None:
        self.conn.execute("DELETE FROM link_speech WHERE sid = ?", (sid,))
        self.texts.remove([sid])
        removals.add(sid)

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
            removals: set[int] = set()
            for old_debate in [debate_id, *previous_ids]:
                gone = [s for s in self.debate_speech_ids(old_debate) if s not in keep]
                self._remove_speech_ids(gone, removals)
            self.speech_postings.update(remove=removals)
            self.add_speeches(speeches)

    def remove_debate(self, debate_id: str) -> int:
        """Drop every speech of a debate; returns how many."""
        with self._atomic():
            removals: set[int] = set()
            count = self._remove_speech_ids(self.debate_speech_ids(debate_id), removals)
            self.speech_postings.update(remove=removals)
        return count

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

        Best first (most shared shingles, then speech id). One statement of key
        seeks over the window's rows of the passage's buckets.
        """
        hashes = passage_shingles(passage)
        if not hashes:
            return []
        last = day_number(date)
        found = self.speech_postings.find(hashes, last - window_days, last)
        self.stats["lookups"] += len(hashes)
        shared: Counter[int] = Counter()
        for h in sorted(hashes):
            owners = found.get(h, ())
            if len(owners) > max_postings:
                self.stats["common_shingles"] += 1
                continue
            shared.update(owners)
        best = sorted(shared.items(), key=lambda item: (-item[1], item[0]))[:limit]
        speeches = self._speeches_by_sid([sid for sid, _ in best])
        return sorted(
            (Candidate(speeches[sid], count) for sid, count in best if sid in speeches),
            key=lambda c: (-c.shared, c.speech.speech_id),
        )

    def _speeches_by_sid(self, sids: Sequence[int]) -> dict[int, IndexedSpeech]:
        if not sids:
            return {}
        rows = self.conn.execute(
            "SELECT sid, speech_id, debate_id, position, speaker_name, person_id"
            f" FROM link_speech WHERE sid IN ({','.join('?' * len(sids))})",
            list(sids),
        ).fetchall()
        return self._with_texts(rows)

    def _with_texts(self, rows: Sequence[tuple]) -> dict[int, IndexedSpeech]:
        refs = [
            SpeechRef(sid, speech_id, debate_id, pos) for sid, speech_id, debate_id, pos, *_ in rows
        ]
        texts = self.texts.get(refs)
        out: dict[int, IndexedSpeech] = {}
        for sid, speech_id, debate_id, position, speaker_name, person_id in rows:
            text = texts.get(sid)
            if text is None:
                self.stats["texts_missing"] += 1
                continue
            out[sid] = IndexedSpeech(
                speech_id=speech_id,
                debate_id=debate_id,
                date=day_date(sid >> 16),
                text=text.text,
                speaker_name=speaker_name,
                person_id=person_id,
                language=text.language,
                texts=dict(text.texts),
                position=position,
            )
        return out

    def speech(self, speech_id: str) -> IndexedSpeech | None:
        row = self.conn.execute(
            "SELECT sid, speech_id, debate_id, position, speaker_name, person_id"
            " FROM link_speech WHERE speech_id = ?",
            (speech_id,),
        ).fetchone()
        if row is None:
            return None
        return self._with_texts([row]).get(row[0])

    def speech_count(self) -> int:
        """How many speeches are indexed."""
        return self.conn.execute("SELECT count(*) FROM link_speech").fetchone()[0]

    # --- articles' quoted passages -------------------------------------------

    def add_article_quotes(
        self, article_id: str, date: str | Date, passages: Iterable[str]
    ) -> None:
        """Index the quoted passages of an article, replacing what was indexed for it
        (nothing is written when the article's passages and date are unchanged)."""
        passages = [p for p in passages if passage_shingles(p)]
        encoded = json.dumps(passages, ensure_ascii=False)
        row = self.conn.execute(
            "SELECT aid, passages FROM link_quoting_article WHERE article_id = ?", (article_id,)
        ).fetchone()
        if row is None and not passages:
            return
        # The date is read only when there are passages to place: an article that
        # quotes nothing is not refused for a date that cannot be read.
        day = day_number(date) if passages else None
        if row is not None and row[0] >> 16 == day and row[1] == encoded:
            self.stats["unchanged"] += 1
            return
        with self._atomic():
            if row is not None:
                self._remove_article_row(row[0])
            if not passages:
                return
            aid = self._new_key("link_quoting_article", "aid", day, {}, set())
            self.conn.execute(
                "INSERT INTO link_quoting_article (aid, article_id, passages) VALUES (?, ?, ?)",
                (aid, article_id, encoded),
            )
            hashes = set().union(*(passage_shingles(p) for p in passages))
            self.quote_postings.update(add=Shingles.of({aid: hashes}))

    replace_article_quotes = add_article_quotes

    def remove_article(self, article_id: str) -> bool:
        """Drop an article's indexed passages; ``False`` if there were none."""
        row = self.conn.execute(
            "SELECT aid FROM link_quoting_article WHERE article_id = ?", (article_id,)
        ).fetchone()
        if row is None:
            return False
        with self._atomic():
            self._remove_article_row(row[0])
        return True

    def _remove_article_row(self, aid: int) -> None:
        self.conn.execute("DELETE FROM link_quoting_article WHERE aid = ?", (aid,))
        self.quote_postings.update(remove=[aid])

    def article_candidates(
        self, texts: Iterable[str], date: str | Date, window_days: int
    ) -> list[str]:
        """Ids of articles published within ``window_days`` after ``date`` (inclusive) whose
        quoted passages share a shingle with ``texts`` (a debate's speeches), sorted."""
        hashes = set().union(set(), *(speech_shingles(t) for t in texts))
        first = day_number(date)
        found = self.quote_postings.find(hashes, first, first + window_days)
        self.stats["lookups"] += 1
        aids = sorted({aid for owners in found.values() for aid in owners})
        articles: list[str] = []
        for chunk in _chunks(aids):
            rows = self.conn.execute(
                "SELECT article_id FROM link_quoting_article"
                f" WHERE aid IN ({','.join('?' * len(chunk))})",
                list(chunk),
            )
            articles.extend(article_id for (article_id,) in rows)
        return sorted(articles)


def drop_index(conn: sqlite3.Connection) -> None:
    """Drop every table of the index (of any layout), to be rebuilt."""
    for table in (*TABLES, "link_speech_shingle", "link_quote_shingle", "link_article"):
        conn.execute(f"DROP TABLE IF EXISTS {table}")
