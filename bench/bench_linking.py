"""Benchmark: build the linking index and link articles against 10k, 100k and 1M speeches.

Builds synthetic linking indexes in temporary SQLite files (sentence-like
speeches, a steady number per sitting day, so the larger store covers more
years at the same density), in batches of whole debates as the store's rebuild
does, and the first 10,000 speeches again debate by debate as a crawl does. The
debates' records (which hold the speech texts the index reads) are kept in a second
file, as the corpus store keeps them in its ``debates`` table, so the index
file's size is the index alone. Then it links synthetic articles that quote
speeches of the 30 days before them in the ways journalists do (a sentence, an
ellipsis-split passage, a bracketed substitution) beside paraphrase, a
non-parliamentary readout and scare quotes.

Prints, per store: the build rate (speeches/s, indexing only, both ways), the
index pages written per speech when built debate by debate (one commit per
debate, and one per ``STORE_WINDOW_DEBATES``) beside the index's own bytes per
speech, the index's bytes on disk per speech, median and 90th percentile time
to link one article, how many of the planted quotations were found, the
resident memory of the process that linked them (a fresh one per store, current
and peak), and the query plans of every statement the linking ran (all must be
index searches, none a scan of a ``link_`` table). Then the stores are opened
together in one process and each of ``INTERLEAVED`` rounds links one article
against every store, the order rotated each round, so that a busy or quiet
moment of the machine falls on all of them alike: medians, 90th percentiles and
the ratio of each larger store's median to the smallest's, wall clock and CPU,
and the bytes each article read from the disk. Before the rounds each store
file is read through once, so that it is in the operating system's page cache
(warm), or with ``--cold`` dropped from it (each file's own pages, nothing else),
as for a store opened for the first time; each file's share in the page cache is
printed before and after the rounds (``mincore``), as a machine short of memory
may drop pages meanwhile. While timing, the bench's own objects are frozen out of
the garbage collector's passes, as the crawl freezes its start-up objects.
``--repeat N`` times the rounds N times, each prepared alike, and judges the
median of the N ratios. The stores are opened with SQLite's default 2 MiB page
cache, so both sizes read their index from the file; ``--crawl-cache`` opens
them as the crawl opens its corpus store (copies of the stores, with ``--reuse``).
Exits non-zero when a median wall-clock ratio exceeds the allowed one.
:func:`measure` returns the same figures for a combined benchmark.

``--baseline TREE`` first runs the same benchmark script of another checkout
(for example ``git archive main | tar -x -C /tmp/base``) at each size, so the
two are measured side by side under the same load. With ``--reuse`` it times the
two checkouts' linking code interleaved instead: a process per checkout, each linking
article ``n`` of every store in turn, the order rotated each article (both must read
the stores' index layout).

    .venv/bin/python bench/bench_linking.py [--sizes 10000 100000] [--million] [--articles 40]
    .venv/bin/python bench/bench_linking.py --sizes 10000 --million --reuse DIR  # timing only
    .venv/bin/python bench/bench_linking.py --sizes 10000 --million --reuse DIR --cold
    .venv/bin/python bench/bench_linking.py --sizes 10000 --million --reuse DIR --repeat 3
    .venv/bin/python bench/bench_linking.py --sizes 10000 --million --reuse DIR --crawl-cache
    .venv/bin/python bench/bench_linking.py --sizes 10000 --million --reuse DIR --baseline TREE
"""

from __future__ import annotations

import argparse
import ctypes
import gc
import itertools
import json
import mmap
import multiprocessing
import os
import random
import re
import resource
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from dataclasses import asdict, dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

# Run as ``bench_linking.py --serve-links TREE``, the process links articles with the
# crawler package of checkout TREE (see serve_links).
sys.path.insert(
    0,
    sys.argv[sys.argv.index("--serve-links") + 1]
    if "--serve-links" in sys.argv
    else str(Path(__file__).resolve().parents[1]),
)

from crawler.linking.index import DebateRecordTexts, IndexedSpeech, LinkIndex
from crawler.linking.linker import DEFAULT_WINDOW_DAYS, link_article

SERVE = "--serve-links"

# fmt: off
FUNCTION_WORDS = [
    "the", "of", "and", "to", "a", "in", "that", "is", "for", "it", "we", "on", "be", "this",
    "are", "as", "with", "have", "has", "not", "by", "will", "at", "our", "i", "they", "which",
    "but", "from", "was", "all", "an", "their", "been", "or", "there", "can", "he", "more",
    "would", "so", "who", "what", "also", "its", "do", "if", "about", "these", "those", "them",
    "very", "us", "one", "other", "should", "must", "into", "such", "than", "when", "may", "now",
    "how", "up", "out", "any", "only", "some", "my", "hon", "right", "member", "friend",
    "government", "minister", "secretary", "state", "house", "time", "people", "made", "make",
    "being", "per"
]

CONTENT_WORDS = [
    "defence", "armed", "forces", "army", "navy", "royal", "air", "force", "ukraine", "russia",
    "nato", "allies", "alliance", "spending", "budget", "procurement", "contract", "contracts",
    "ships", "frigates", "submarines", "aircraft", "typhoon", "f35", "tempest", "ajax", "boxer",
    "challenger", "tanks", "artillery", "ammunition", "missiles", "drones", "industry", "jobs",
    "shipyards", "investment", "review", "strategic", "capability", "capabilities", "readiness",
    "recruitment", "retention", "personnel", "veterans", "families", "housing", "accommodation",
    "pay", "pension", "training", "exercises", "deployment", "deterrence", "nuclear", "trident",
    "security", "threat", "threats", "europe", "european", "atlantic", "pacific", "china", "iran",
    "middle", "east", "gulf", "cyber", "space", "intelligence", "support", "supporting",
    "committed", "commitment", "percent", "gdp", "billion", "million", "pounds", "year", "years",
    "month", "months", "week", "weeks", "today", "yesterday", "tomorrow", "constituency",
    "constituents", "question", "questions", "answer", "statement", "debate", "motion",
    "amendment", "bill", "clause", "committee", "report", "reports", "evidence", "inquiry",
    "chair", "members", "opposition", "shadow", "party", "labour", "conservative", "liberal",
    "democrat", "scottish", "national", "service", "servicemen", "servicewomen", "regiment",
    "battalion", "brigade", "division", "base", "bases", "garrison", "estate", "infrastructure",
    "programme", "programmes", "delay", "delays", "cost", "costs", "overrun", "value", "money",
    "taxpayer", "treasury", "chancellor", "prime", "foreign", "office", "allies", "partners",
    "partnership", "international", "agreement", "treaty", "talks", "negotiations", "ceasefire",
    "peace", "war", "conflict", "aggression", "invasion", "sovereignty", "territory", "border",
    "borders", "refugees", "aid", "humanitarian", "sanctions", "exports", "export", "licence",
    "arms", "companies", "small", "businesses", "supply", "chain", "skills", "apprentices",
    "engineers", "scientists", "research", "development", "technology", "innovation", "artificial",
    "intelligence", "data", "digital", "clear", "important", "vital", "crucial", "essential",
    "significant", "serious", "difficult", "welcome", "agree", "disagree", "recognise", "ensure",
    "deliver", "delivering", "provide", "providing", "continue", "continuing",
    "increase", "increasing", "reduce", "reducing", "protect", "protecting", "strengthen"
]
# fmt: on

STOCK_OPENINGS = [
    "I thank the hon. Member for her question and",
    "I thank the hon. Gentleman for his question and",
    "My right hon. Friend is absolutely right that",
    "As I said to the hon. Lady earlier,",
    "The Government are committed to making sure that",
    "I am grateful to my hon. Friend for raising this and",
]
# fmt: off
FIRST_NAMES = [
    "John", "Wendy", "Chris", "James", "Sarah", "David", "Emma", "Richard", "Helen", "Michael",
    "Laura", "Peter", "Anna", "Mark", "Claire", "Paul", "Julie", "Andrew", "Rachel", "Stephen",
    "Alison", "Luke", "Maria", "Tom", "Jess", "Ben", "Priya"
]
SURNAMES = [
    "Healey", "Chamberlain", "McDonald", "Smith", "Jones", "Taylor", "Brown", "Williams", "Wilson",
    "Johnson", "Davies", "Robinson", "Wright", "Thompson", "Evans", "Walker", "White", "Roberts",
    "Green", "Hall", "Wood", "Jackson", "Clarke", "Patel", "Khan", "Lewis", "Harris", "Martin",
    "Cooper", "Hughes", "Edwards", "Turner", "Hill", "Moore", "Clark", "Carter", "Morris", "Ward",
    "Baker"
]
# fmt: on

START_DAY = date(2012, 1, 2)
BULK_BATCH = 5_000
"""The full index is built whole debates at least this many speeches at a time."""
CRAWL_BUILD = 10_000
INTERLEAVED = 200
"""Articles timed against each store in the interleaved comparison."""
STORE_WINDOW_DEBATES = 3
"""Debates per commit for the store's commit window: 120 speeches, about a second of
a Hansard crawl (the store commits every ``CORPUS_COMMIT_SECONDS``)."""


def pseudo_words(rng: random.Random, count: int) -> list[str]:
    """A long tail of word-like tokens: a debate's vocabulary runs to tens of thousands."""
    # fmt: off
    onsets = ["b", "c", "d", "f", "g", "h", "k", "l", "m", "n", "p", "r", "s", "t", "v", "w", "br",
              "cr", "dr", "fr", "gr", "pl", "pr", "st", "tr", "sh", "ch", "th"]
    vowels = ["a", "e", "i", "o", "u", "ai", "ea", "ou", "io"]
    codas = ["", "n", "r", "s", "t", "l", "m", "nd", "st", "rt", "nt"]
    # fmt: on
    words: set[str] = set()
    while len(words) < count:
        word = "".join(
            rng.choice(onsets) + rng.choice(vowels) + rng.choice(codas)
            for _ in range(rng.randint(1, 3))
        )
        words.add(word)
    return sorted(words)


class TextMaker:
    """Sentence-like text: Zipf-distributed words, capitals, stock parliamentary openings."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        vocabulary = FUNCTION_WORDS + CONTENT_WORDS + pseudo_words(rng, 30000)
        weights = [1.0 / (rank + 1) ** 1.05 for rank in range(len(vocabulary))]
        self.vocabulary = vocabulary
        self.cumulative = list(itertools.accumulate(weights))

    def sentence(self) -> str:
        rng = self.rng
        words = rng.choices(self.vocabulary, cum_weights=self.cumulative, k=rng.randint(6, 30))
        text = " ".join(words)
        if rng.random() < 0.12:
            text = rng.choice(STOCK_OPENINGS) + " " + text
        return text[0].upper() + text[1:] + rng.choice("....?")

    def speech(self) -> str:
        target = min(2500, int(self.rng.lognormvariate(4.5, 0.8)) + 8)
        sentences: list[str] = []
        count = 0
        while count < target:
            sentence = self.sentence()
            sentences.append(sentence)
            count += sentence.count(" ") + 1
        return " ".join(sentences)


def sitting_days() -> list[date]:
    days: list[date] = []
    day = START_DAY
    while len(days) < 20000:
        if day.weekday() < 4:  # Monday to Thursday
            days.append(day)
        day += timedelta(days=1)
    return days


@dataclass
class Sample:
    speech: IndexedSpeech
    day: date


@dataclass
class Built:
    generate_seconds: float
    """Making the speeches' text and writing the debate records."""
    index_seconds: float
    """Indexing only: the time a crawl's linking spends on the index."""
    index_cpu_seconds: float
    """The same in this process's CPU time (less sensitive to a busy machine)."""
    samples: list[Sample]
    index_pages_written: int = 0
    """Debate by debate: bytes of index pages the commits wrote (to the write-ahead log)."""
    index_bytes: int = 0
    """Debate by debate: the index file's size once the log is folded into it."""
    waits: int = 0
    """While indexing: times the process gave up the CPU to wait (disk, locks)."""
    preempted: int = 0
    """While indexing: times other processes took the CPU from it."""
    disk_io: int = 0
    """While indexing: bytes read from and written to the disk (not the page cache)."""


def bulk_pragmas(conn: sqlite3.Connection) -> None:
    # Bulk build: no journal, no syncs, a large page cache, one transaction.
    conn.execute("PRAGMA journal_mode=OFF")
    conn.execute("PRAGMA synchronous=OFF")
    conn.execute("PRAGMA cache_size=-65536")
    conn.execute("PRAGMA temp_store=MEMORY")


def crawl_pragmas(conn: sqlite3.Connection) -> None:
    # A measuring device, not the crawl's settings (the corpus store keeps a rollback
    # journal): a write-ahead log not folded in until the end holds every page the
    # commits wrote, so its size counts them. SQLite's default page cache.
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=NORMAL")
    conn.execute("PRAGMA wal_autocheckpoint=0")


def wal_page_bytes(conn: sqlite3.Connection, path: Path) -> int:
    """Bytes of pages written to the write-ahead log of ``path`` since it was last reset."""
    wal = path.with_name(path.name + "-wal")
    page_size = conn.execute("PRAGMA page_size").fetchone()[0]
    frames = max(0, wal.stat().st_size - 32) // (page_size + 24) if wal.exists() else 0
    return frames * page_size


def open_records(path: Path) -> sqlite3.Connection:
    """The debate records, in a table shaped as the corpus store's ``debates``."""
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("CREATE TABLE IF NOT EXISTS debates (id TEXT PRIMARY KEY, record TEXT NOT NULL)")
    return conn


def build(
    index_path: Path,
    records_path: Path,
    size: int,
    per_day: int,
    seed: int,
    *,
    batch: int = 0,
    commit_every: int = 1,
) -> Built:
    """Write ``size`` speeches into a new index at ``index_path`` (their debate records
    into ``records_path``): debate by debate as a crawl does (``batch`` 0: the index in
    WAL mode, a commit every ``commit_every`` debates, the bytes of pages written
    counted), or whole debates at least ``batch`` speeches at a time as a rebuild does."""
    rng = random.Random(seed)
    maker = TextMaker(rng)
    days = sitting_days()
    speakers = [f"{rng.choice(FIRST_NAMES)} {rng.choice(SURNAMES)}" for _ in range(650)]
    records = open_records(records_path)
    conn = sqlite3.connect(index_path, isolation_level=None)
    bulk_pragmas(records)
    if batch:
        bulk_pragmas(conn)
    else:
        crawl_pragmas(conn)
    for connection in (records, conn):
        connection.execute("BEGIN")
    index = LinkIndex(conn, texts=DebateRecordTexts(records))
    generate = indexing = indexing_cpu = 0.0
    waits = preempted = disk_io = 0
    samples: list[Sample] = []
    pending: list[IndexedSpeech] = []
    n = debates = 0
    while n < size:
        started = time.perf_counter()
        day = days[n // per_day]
        debate_no = (n % per_day) // 40  # debates of up to 40 speeches
        debate_id = f"{day.isoformat()}a.{debate_no + 1}.0"
        speeches: list[IndexedSpeech] = []
        while n < size and days[n // per_day] == day and (n % per_day) // 40 == debate_no:
            item = (n % per_day) % 40
            speech = IndexedSpeech(
                speech_id=f"{day.isoformat()}a.{debate_no + 1}.{item + 1}",
                debate_id=debate_id,
                date=day.isoformat(),
                text=maker.speech(),
                speaker_name=rng.choice(speakers),
                position=item,
            )
            speeches.append(speech)
            if n % 25 == 0:
                samples.append(Sample(speech, day))
            n += 1
        record = {
            "id": debate_id,
            "date": day.isoformat(),
            "speeches": [
                {"id": s.speech_id, "text": s.text, "speaker_name": s.speaker_name}
                for s in speeches
            ],
        }
        records.execute(
            "INSERT INTO debates (id, record) VALUES (?, ?)",
            (debate_id, json.dumps(record, ensure_ascii=False)),
        )
        generate += time.perf_counter() - started
        pending += speeches
        if len(pending) < batch and n < size:
            continue
        started, started_cpu = time.perf_counter(), time.process_time()
        usage, io = resource.getrusage(resource.RUSAGE_SELF), disk_bytes()
        if batch:
            index.add_speeches(pending)
        else:
            index.replace_debate(debate_id, speeches)
            debates += 1
            if debates % commit_every == 0:
                conn.execute("COMMIT")
                conn.execute("BEGIN")
        indexing += time.perf_counter() - started
        indexing_cpu += time.process_time() - started_cpu
        after = resource.getrusage(resource.RUSAGE_SELF)
        waits += after.ru_nvcsw - usage.ru_nvcsw
        preempted += after.ru_nivcsw - usage.ru_nivcsw
        disk_io += disk_bytes() - io
        pending = []
    for connection in (records, conn):
        connection.execute("COMMIT")
    written = 0 if batch else wal_page_bytes(conn, index_path)
    if not batch:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    for connection in (records, conn):
        connection.close()
    return Built(
        generate,
        indexing,
        indexing_cpu,
        samples,
        written,
        index_path.stat().st_size,
        waits,
        preempted,
        disk_io,
    )


@dataclass
class Article:
    record: dict[str, str]
    planted: list[str]
    """Speech ids the article's parliamentary quotations come from, one per passage."""


def surname(speech: IndexedSpeech) -> str:
    return (speech.speaker_name or "").split()[-1]


def words_span(text: str, rng: random.Random, length: int) -> str:
    words = text.split()
    if len(words) <= length:
        return " ".join(words)
    start = rng.randrange(0, len(words) - length)
    return " ".join(words[start : start + length])


def make_article(n: int, samples: list[Sample], maker: TextMaker, rng: random.Random) -> Article:
    """An article quoting three speeches of the month before it, plus what must not link."""
    usable = [s for s in samples[len(samples) // 10 :] if len(s.speech.text.split()) >= 40]
    main = rng.choice(usable)
    published = main.day + timedelta(days=rng.randint(0, 4))
    window = [
        s
        for s in usable
        if published - timedelta(days=DEFAULT_WINDOW_DAYS) <= s.day <= published and s is not main
    ]
    second, third = rng.sample(window, 2)
    paragraphs = [maker.sentence() + " " + maker.sentence() for _ in range(3)]
    first_quote = words_span(main.speech.text, rng, rng.randint(12, 25)).strip(" .?")
    paragraphs.append(f"{surname(main.speech)} said: “{first_quote}.”")
    part_a = words_span(second.speech.text[: len(second.speech.text) // 2], rng, 10)
    part_b = words_span(second.speech.text[len(second.speech.text) // 2 :], rng, 9)
    paragraphs.append(
        f"Speaking in the Commons, {surname(second.speech)} added: “{part_a.strip(' .?')}… "
        f"{part_b.strip(' .?')}.”"
    )
    words = words_span(third.speech.text, rng, 16).strip(" .?").split()
    words[4] = "[the minister]"
    paragraphs.append(f"Later, {surname(third.speech)} pressed the point. “{' '.join(words)}?”")
    paragraphs.append(f"A Ministry of Defence statement said, “{maker.sentence()}”")
    paragraphs.append(f"Critics call it a ‘{maker.sentence().split()[1]} plan’ at best.")
    paragraphs += [maker.sentence() for _ in range(3)]
    record = {
        "id": f"article-{n}",
        "text": "\n\n".join(paragraphs),
        "published": f"{published.isoformat()}T09:00:00+00:00",
    }
    planted = [main.speech.speech_id, second.speech.speech_id, second.speech.speech_id]
    return Article(record, [*planted, third.speech.speech_id])


def query_plans(conn: sqlite3.Connection, statements: list[str]) -> tuple[int, list[str]]:
    """(distinct statement shapes on link_ tables, plan lines that scan a link_ table)."""
    shapes: dict[str, str] = {}
    for sql in statements:
        if "link_" in sql and sql.lstrip().upper().startswith(("SELECT", "DELETE", "UPDATE")):
            shapes.setdefault(re.sub(r"-?\d+|'[^']*'", "?", sql), sql)
    scans = []
    for sql in shapes.values():
        for row in conn.execute("EXPLAIN QUERY PLAN " + sql):
            if row[3].startswith("SCAN") and "link_" in row[3]:
                scans.append(row[3])
    return len(shapes), scans


def memory_kib() -> tuple[int, int]:
    """(resident, peak resident) memory of this process, KiB."""
    fields = dict(line.split(":", 1) for line in Path("/proc/self/status").read_text().splitlines())
    return int(fields["VmRSS"].split()[0]), int(fields["VmHWM"].split()[0])


@dataclass
class Result:
    size: int
    years: float
    generate_seconds: float
    build_seconds: float
    build_rate: float
    """Speeches indexed per second."""
    build_rate_cpu: float
    """Speeches indexed per second of CPU time."""
    build_waits: int
    build_preempted: int
    build_disk_io: int
    crawl_rate: float
    """Speeches indexed per second debate by debate, as a crawl indexes them (the first
    ``CRAWL_BUILD`` speeches, into a scratch index)."""
    crawl_rate_cpu: float
    crawl_written_per_speech: float
    """Index pages written per speech debate by debate (one commit per debate)."""
    window_written_per_speech: float
    """The same with a commit every ``STORE_WINDOW_DEBATES`` debates."""
    crawl_index_per_speech: float
    """The index's own bytes per speech when built debate by debate."""
    index_bytes: int
    bytes_per_speech: float
    records_bytes: int
    postings: int
    median_ms: float
    p90_ms: float
    median_cpu_ms: float
    """Median CPU time to link one article."""
    found: int
    planted: int
    wrong: int
    heap_peak_kib: float
    rss_kib: int
    """Resident memory of the linking process (a fresh one per store)."""
    rss_peak_kib: int
    statement_shapes: int
    scans: list[str]


def open_for_linking(
    index_path: str | Path, records_path: str | Path, *, crawl_cache: bool = False
) -> tuple[sqlite3.Connection, sqlite3.Connection, LinkIndex]:
    """The index and its debate records opened for linking.

    By default with SQLite's default 2 MiB page cache and no memory map: the index is
    then read from the file (through the operating system's page cache) at every
    size, rather than the 10k index fitting in SQLite's own cache and the 1M one not,
    so the sizes differ only in the index. WAL and synchronous=NORMAL, as the bench
    has always opened them (an article whose quotes are indexed already is linked
    without writing). ``crawl_cache``: with the corpus store's own settings
    (:func:`crawl_connection`); that rewrites a WAL file's header, so open copies."""
    records = open_records(Path(records_path))
    conn = sqlite3.connect(index_path, isolation_level=None)
    for connection in (conn, records):
        if crawl_cache:
            crawl_connection(connection)
            continue
        connection.execute("PRAGMA journal_mode=WAL")
        connection.execute("PRAGMA synchronous=NORMAL")
        connection.execute("PRAGMA cache_size=-2000")
        connection.execute("PRAGMA mmap_size=0")
    return conn, records, LinkIndex(conn, texts=DebateRecordTexts(records))


def crawl_connection(conn: sqlite3.Connection) -> None:
    """Set on ``conn`` what the corpus store sets on its connection (crawler/corpus/
    store.py): its page cache, rollback journal, synchronous=FULL (which the store sets
    with that journal), statement journals in memory; the memory map is left at
    SQLite's default (off), as the store leaves it."""
    # Imported here: a --baseline worker imports an older checkout's crawler package.
    from crawler.corpus.store import CACHE_KIB, JOURNAL_MODE, JOURNAL_SIZE_LIMIT

    conn.execute(f"PRAGMA journal_mode={JOURNAL_MODE}")
    conn.execute("PRAGMA synchronous=FULL")
    conn.execute(f"PRAGMA cache_size=-{CACHE_KIB}")
    conn.execute("PRAGMA temp_store=MEMORY")
    conn.execute(f"PRAGMA journal_size_limit={JOURNAL_SIZE_LIMIT}")


def linking_conditions(crawl_cache: bool) -> str:
    """The line saying how the stores are opened and the bench's objects kept."""
    if crawl_cache:
        from crawler.corpus.store import CACHE_KIB, JOURNAL_MODE

        opened = (
            f"the corpus store's connection settings: page cache {CACHE_KIB // 1024} MiB"
            f" (one per file: the crawl's one file has one), journal_mode={JOURNAL_MODE},"
            " synchronous=FULL, temp_store=MEMORY, memory map off"
        )
    else:
        opened = (
            "SQLite page cache 2 MiB, memory map off (both sizes read the index from the"
            " file, rather than the 10k one fitting in SQLite's cache), WAL,"
            " synchronous=NORMAL"
        )
    return (
        f"while linking: {opened}; during the interleaved timing the bench's own objects"
        " (samples, articles) are frozen out of the garbage collector's passes"
        " (gc.freeze), as the crawl freezes its start-up objects"
    )


@dataclass
class Store:
    """A built index, its debate records and the articles made to be linked against it."""

    size: int
    index_path: Path
    records_path: Path
    articles: list[dict[str, str]]


def copy_stores(stores: list[Store], folder: Path) -> list[Store]:
    """The stores with their files copied into ``folder``: opening a store kept with a
    write-ahead log as the crawl opens its store rewrites the file's header, and the
    stores given with ``--reuse`` are left as they are. The copies are written out to
    the disk before the timing, which the system's writing them out later would slow."""
    copies = []
    for store in stores:
        index_path, records_path = (
            folder / f"copy-{path.name}" for path in (store.index_path, store.records_path)
        )
        for source, copy in ((store.index_path, index_path), (store.records_path, records_path)):
            shutil.copyfile(source, copy)
            fd = os.open(copy, os.O_RDONLY)
            try:
                os.fsync(fd)
            finally:
                os.close(fd)
        copies.append(Store(store.size, index_path, records_path, store.articles))
    print(f"stores copied into {folder}, to be opened as the crawl opens its store", flush=True)
    return copies


def samples_from_records(records_path: Path) -> list[Sample]:
    """The samples :func:`build` kept (every 25th speech), read back from the debate
    records of a store built earlier (they are written in the order of the build)."""
    conn = open_records(records_path)
    samples: list[Sample] = []
    n = 0
    for (text,) in conn.execute("SELECT record FROM debates ORDER BY rowid"):
        record = json.loads(text)
        day = date.fromisoformat(record["date"])
        for position, speech in enumerate(record["speeches"]):
            if n % 25 == 0:
                indexed = IndexedSpeech(
                    speech_id=speech["id"],
                    debate_id=record["id"],
                    date=record["date"],
                    text=speech["text"],
                    speaker_name=speech["speaker_name"],
                    position=position,
                )
                samples.append(Sample(indexed, day))
            n += 1
    conn.close()
    return samples


def interleaved_articles(samples: list[Sample], count: int) -> list[dict[str, str]]:
    """``count`` articles for the interleaved timing, quoting speeches of ``samples``."""
    rng = random.Random(17)
    maker = TextMaker(random.Random(19))
    return [make_article(n, samples, maker, rng).record for n in range(count)]


def evict(path: Path) -> None:
    """Drop a file's pages from the operating system's page cache (that file's only), so
    that it is read from the disk as a store opened for the first time is."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
        os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)
    finally:
        os.close(fd)


READ_CHUNK = 16 * 1024 * 1024
"""Bytes read at a time when a store's file is read through into the page cache."""


def read_through(path: Path) -> None:
    """Read a file from start to end in large chunks, so that its pages are in the
    operating system's page cache (as far as the system keeps them there)."""
    buffer = bytearray(READ_CHUNK)
    with path.open("rb", buffering=0) as file:
        while file.readinto(buffer):
            pass


def page_cache_share(path: Path) -> float | None:
    """The share of a file's pages that are in the operating system's page cache, from
    Linux's ``mincore`` on a map of the file (mapping reads nothing); None where that
    cannot be told (another system, an empty file, a call refused, or a file this
    process may not write to, for which Linux reports every page as cached)."""
    size = path.stat().st_size
    if not sys.platform.startswith("linux") or size == 0 or not os.access(path, os.W_OK):
        return None
    libc = ctypes.CDLL(None, use_errno=True)
    libc.mmap.restype = ctypes.c_void_p
    libc.mmap.argtypes = [
        ctypes.c_void_p,
        ctypes.c_size_t,
        ctypes.c_int,
        ctypes.c_int,
        ctypes.c_int,
        ctypes.c_long,
    ]
    libc.munmap.argtypes = [ctypes.c_void_p, ctypes.c_size_t]
    libc.mincore.argtypes = [ctypes.c_void_p, ctypes.c_size_t, ctypes.POINTER(ctypes.c_ubyte)]
    pages = -(-size // mmap.PAGESIZE)
    resident = (ctypes.c_ubyte * pages)()
    fd = os.open(path, os.O_RDONLY)
    try:
        address = libc.mmap(None, size, mmap.PROT_READ, mmap.MAP_SHARED, fd, 0)
        if address is None or address == ctypes.c_void_p(-1).value:
            return None
        try:
            if libc.mincore(address, size, resident) != 0:
                return None
        finally:
            libc.munmap(address, size)
    finally:
        os.close(fd)
    return sum(byte & 1 for byte in resident) / pages


def store_files(stores: list[Store]) -> list[Path]:
    """Every file the stores are read from, each index before its debate records."""
    return [path for store in stores for path in (store.index_path, store.records_path)]


def residency(stores: list[Store]) -> str:
    """Each store file's share in the page cache, as text ("unknown" where not told)."""
    shares = []
    for path in store_files(stores):
        share = page_cache_share(path)
        shares.append(f"{path.name} {'unknown' if share is None else f'{share:.0%}'}")
    return ", ".join(shares)


def prepare_page_cache(stores: list[Store], *, cold: bool) -> str:
    """Before a timing: drop the stores' files from the page cache (``cold``), or read
    each through once so that it is in it (warm); what was done, as text."""
    if cold:
        for path in store_files(stores):
            evict(path)
        return "the stores' files dropped from the page cache first"
    started = time.perf_counter()
    for path in store_files(stores):
        read_through(path)
    read = sum(path.stat().st_size for path in store_files(stores))
    return (
        f"the stores' files read through first to bring them into the page cache"
        f" ({read / 1e9:.2f} GB in {time.perf_counter() - started:.1f} s)"
    )


@dataclass
class Interleaved:
    """One interleaved timing: for each code linked (one process's, or a checkout's)
    and each store, every article's wall-clock and CPU seconds and bytes read from the
    disk; how the page cache was prepared, and the files' share in it before and after."""

    times: list[list[dict[str, list[float]]]]
    prepared: str
    before: str
    after: str


def read_bytes() -> int:
    """Bytes this process has read from the disk (not from the page cache)."""
    for line in Path("/proc/self/io").read_text().splitlines():
        if line.startswith("read_bytes:"):
            return int(line.split()[1])
    return 0


def disk_bytes() -> int:
    """Bytes this process has read from and written to the disk (not the page cache)."""
    fields = dict(line.split(": ") for line in Path("/proc/self/io").read_text().splitlines())
    return int(fields["read_bytes"]) + int(fields["write_bytes"])


def link_interleaved(
    stores: list[Store], *, cold: bool = False, crawl_cache: bool = False
) -> Interleaved:
    """Time linking one article against each store in turn, in this one process: round
    ``n`` links article ``n`` of every store, the stores taken in turn in an order
    rotated each round, so that no store is always first (cold) or last. Before the
    rounds the stores' files are read through into the page cache, or dropped from it
    (``cold``), and the bench's own objects are frozen out of the garbage collector's
    passes (unfrozen after). ``crawl_cache``: see :func:`open_for_linking`."""
    opened = [
        (
            number,
            store,
            *open_for_linking(store.index_path, store.records_path, crawl_cache=crawl_cache),
        )
        for number, store in enumerate(stores)
    ]
    for _number, store, _conn, _records, index in opened:
        link_article(store.articles[-1], index)  # warm the Python side and the page cache
    prepared = prepare_page_cache(stores, cold=cold)
    times: list[dict[str, list[float]]] = [{"wall": [], "cpu": [], "disk": []} for _store in stores]
    rounds = min(len(store.articles) for store in stores) - 1
    gc.collect()
    gc.freeze()
    before = residency(stores)
    try:
        for n in range(rounds):
            turn = n % len(opened)
            for number, store, _conn, _records, index in opened[turn:] + opened[:turn]:
                started, started_cpu, started_disk = (
                    time.perf_counter(),
                    time.process_time(),
                    read_bytes(),
                )
                link_article(store.articles[n], index)
                times[number]["wall"].append(time.perf_counter() - started)
                times[number]["cpu"].append(time.process_time() - started_cpu)
                times[number]["disk"].append(read_bytes() - started_disk)
    finally:
        gc.unfreeze()
    after = residency(stores)
    for _number, _store, conn, records, _index in opened:
        conn.close()
        records.close()
    return Interleaved([times], prepared, before, after)


def p90(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[int(0.9 * (len(ordered) - 1))]


def serve_links() -> None:
    """Link articles on request, with the crawler package this process imported: read
    the stores (index and records paths), their articles and whether to open them as
    the crawl does as one JSON line, then for each line ``n s`` link article ``n`` of
    store ``s`` and answer its wall-clock and CPU seconds and bytes read from the disk
    as one JSON line. The objects set up are frozen out of the garbage collector's
    passes, as :func:`link_interleaved` freezes its own."""
    setup = json.loads(sys.stdin.readline())
    opened = [
        open_for_linking(index, records, crawl_cache=setup["crawl_cache"])
        for index, records in setup["stores"]
    ]
    articles = setup["articles"]
    for (_conn, _records, index), own in zip(opened, articles, strict=True):
        link_article(own[-1], index)  # warm the Python side and the page cache
    gc.collect()
    gc.freeze()
    print("ready", flush=True)
    for line in sys.stdin:
        n, store = map(int, line.split())
        index = opened[store][2]
        started, started_cpu, started_disk = time.perf_counter(), time.process_time(), read_bytes()
        link_article(articles[store][n], index)
        timed = [time.perf_counter() - started, time.process_time() - started_cpu]
        print(json.dumps([*timed, read_bytes() - started_disk]), flush=True)
    for conn, records, _index in opened:
        conn.close()
        records.close()


def link_interleaved_trees(
    stores: list[Store], trees: list[Path], *, crawl_cache: bool = False
) -> Interleaved:
    """As :func:`link_interleaved`, for the code of several checkouts: a process per
    checkout (its own crawler package) links, one at a time, article ``n`` of every store
    in every checkout's process, the order of the (checkout, store) pairs rotated each
    round. Every checkout must read the stores' index layout. Once every process is
    ready, the stores' files are read through into the page cache before the rounds.
    The times are per checkout, in the order of ``trees``."""
    setup = json.dumps(
        {
            "stores": [[str(s.index_path), str(s.records_path)] for s in stores],
            "articles": [s.articles for s in stores],
            "crawl_cache": crawl_cache,
        }
    )
    workers = []
    for tree in trees:
        worker = subprocess.Popen(
            [sys.executable, str(Path(__file__).resolve()), SERVE, str(tree)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            cwd=tree,
        )
        assert worker.stdin and worker.stdout
        worker.stdin.write(setup + "\n")
        worker.stdin.flush()
        if worker.stdout.readline().strip() != "ready":
            raise RuntimeError(f"the linking process of {tree} failed")
        workers.append(worker)
    times = [[{"wall": [], "cpu": [], "disk": []} for _s in stores] for _t in trees]
    pairs = [(t, s) for t in range(len(trees)) for s in range(len(stores))]
    rounds = min(len(store.articles) for store in stores) - 1
    try:
        prepared = prepare_page_cache(stores, cold=False)
        before = residency(stores)
        for n in range(rounds):
            turn = n % len(pairs)
            for t, s in pairs[turn:] + pairs[:turn]:
                stdin, stdout = workers[t].stdin, workers[t].stdout
                assert stdin and stdout
                stdin.write(f"{n} {s}\n")
                stdin.flush()
                wall, cpu, disk = json.loads(stdout.readline())
                for key, value in (("wall", wall), ("cpu", cpu), ("disk", disk)):
                    times[t][s][key].append(value)
        after = residency(stores)
    finally:
        for worker in workers:
            assert worker.stdin
            worker.stdin.close()
            worker.wait()
    return Interleaved(times, prepared, before, after)


def ratio_lines(
    stores: list[Store], times: list[dict[str, list[float]]], title: str
) -> tuple[dict[int, tuple[float, float]], list[str]]:
    """One interleaved timing's figures for one code: each larger store's median link
    time over the smallest's by size (wall clock, CPU), and the lines to print."""
    small = stores[0].size
    lines = [f"{title}, {len(times[0]['wall'])} articles per store:"]
    for store, timed in zip(stores, times, strict=True):
        wall, cpu = timed["wall"], timed["cpu"]
        lines.append(
            f"  {store.size} speeches: median {statistics.median(wall) * 1000:.2f} ms,"
            f" p90 {p90(wall) * 1000:.2f} ms; CPU median {statistics.median(cpu) * 1000:.2f} ms,"
            f" p90 {p90(cpu) * 1000:.2f} ms; read from disk"
            f" {statistics.mean(timed['disk']) / 1024:.1f} KiB per article"
        )
    ratios: dict[int, tuple[float, float]] = {}
    for store, timed in zip(stores[1:], times[1:], strict=True):
        wall = statistics.median(timed["wall"]) / statistics.median(times[0]["wall"])
        cpu = statistics.median(timed["cpu"]) / statistics.median(times[0]["cpu"])
        ratios[store.size] = (wall, cpu)
        lines.append(
            f"  median ratio {store.size} / {small} speeches: {wall:.2f} wall, {cpu:.2f} CPU"
        )
    return ratios, lines


def compare_interleaved(
    stores: list[Store],
    max_ratio: float,
    *,
    repeat: int = 1,
    cold: bool = False,
    crawl_cache: bool = False,
    trees: list[Path] | None = None,
    report: bool = True,
) -> tuple[dict[int, float], bool]:
    """Time the stores interleaved ``repeat`` times (:func:`link_interleaved`, or with
    ``trees`` :func:`link_interleaved_trees`), print (``report``) each run's figures,
    then the median over the runs of each ratio with the verdict on it. Returns the
    median wall-clock ratios by size and whether each is allowed, for this process's
    code (with ``trees``, the last checkout's)."""
    titles = (
        ["interleaved in one process (the order of the stores rotated each article)"]
        if trees is None
        else [
            f"{'this checkout' if number == len(trees) else 'baseline'} ({tree}),"
            " interleaved with the other checkout's code"
            for number, tree in enumerate(trees, 1)
        ]
    )
    runs: list[list[dict[int, tuple[float, float]]]] = [[] for _title in titles]
    for number in range(1, repeat + 1):
        if trees is None:
            timed = link_interleaved(stores, cold=cold, crawl_cache=crawl_cache)
        else:
            timed = link_interleaved_trees(stores, trees, crawl_cache=crawl_cache)
        lines = [
            f"run {number} of {repeat}: {timed.prepared}",
            f"  in the page cache before the timing: {timed.before}",
        ]
        for title, times, ratios in zip(titles, timed.times, runs, strict=True):
            ratio, more = ratio_lines(stores, times, title)
            ratios.append(ratio)
            lines += more
        lines.append(f"  in the page cache after the timing: {timed.after}")
        if report:
            print("\n".join(lines), flush=True)
    medians: dict[int, float] = {}
    ok = True
    for title, ratios in zip(titles, runs, strict=True):
        lines = [f"median of {repeat} run(s), {title.split(',')[0]}:"]
        medians, ok = {}, True
        for store in stores[1:]:
            walls = [ratio[store.size][0] for ratio in ratios]
            cpus = [ratio[store.size][1] for ratio in ratios]
            wall, cpu = statistics.median(walls), statistics.median(cpus)
            medians[store.size] = wall
            ok = ok and wall <= max_ratio
            lines.append(
                f"  median ratio {store.size} / {stores[0].size} speeches: {wall:.2f} wall,"
                f" {cpu:.2f} CPU (runs: {', '.join(f'{r:.2f}' for r in walls)} wall;"
                f" {', '.join(f'{r:.2f}' for r in cpus)} CPU) (allowed {max_ratio})"
                f" {'ok' if wall <= max_ratio else 'FAIL'}"
            )
        if report:
            print("\n".join(lines), flush=True)
    return medians, ok


def link_phase(
    index_path: str,
    records_path: str,
    articles: list[dict[str, str]],
    unseen: dict[str, str],
    crawl_cache: bool = False,
) -> dict[str, Any]:
    """Link ``articles`` against the index at ``index_path``, opened as
    :func:`open_for_linking` opens it; run in a fresh process by :func:`run`."""
    conn, records, index = open_for_linking(index_path, records_path, crawl_cache=crawl_cache)
    statements: list[str] = []
    timings: list[float] = []
    cpu_timings: list[float] = []
    speech_ids: list[list[str]] = []
    link_article(articles[0], index)  # warm the Python side (regex, caches)
    for article in articles:
        conn.set_trace_callback(statements.append)
        started, started_cpu = time.perf_counter(), time.process_time()
        links = link_article(article, index)
        timings.append(time.perf_counter() - started)
        cpu_timings.append(time.process_time() - started_cpu)
        conn.set_trace_callback(None)
        speech_ids.append(sorted(link.speech_id for link in links))
    # Heap while linking an article none of whose speeches were read before.
    tracemalloc.start()
    link_article(unseen, index)
    heap_peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    shapes, scans = query_plans(conn, statements)
    postings = index.speech_postings.count()
    conn.close()
    records.close()
    rss, rss_peak = memory_kib()
    return {
        "timings": timings,
        "cpu_timings": cpu_timings,
        "speech_ids": speech_ids,
        "heap_peak": heap_peak,
        "shapes": shapes,
        "scans": scans,
        "postings": postings,
        "rss": rss,
        "rss_peak": rss_peak,
    }


def run(
    size: int,
    *,
    articles: int,
    per_day: int,
    folder: Path,
    interleaved: int = INTERLEAVED,
    crawl_cache: bool = False,
) -> tuple[Result, Store]:
    """Build the store of ``size`` speeches in ``folder`` and link ``articles`` against it
    in a fresh process (``crawl_cache``: see :func:`open_for_linking`); the figures, and
    the store with ``interleaved`` articles made for :func:`compare_interleaved`."""
    index_path = folder / f"link-{size}.sqlite3"
    records_path = folder / f"debates-{size}.sqlite3"
    for path in (index_path, records_path):
        path.unlink(missing_ok=True)
    built = build(index_path, records_path, size, per_day, seed=size, batch=BULK_BATCH)
    scratch = folder / "crawl-order.sqlite3", folder / "crawl-order-debates.sqlite3"
    for path in scratch:
        path.unlink(missing_ok=True)
    crawl_size = min(size, CRAWL_BUILD)
    by_debate = build(*scratch, crawl_size, per_day, seed=size)
    for path in scratch:
        path.unlink()
    by_window = build(*scratch, crawl_size, per_day, seed=size, commit_every=STORE_WINDOW_DEBATES)
    for path in scratch:
        path.unlink()
    samples = built.samples
    rng = random.Random(7)
    maker = TextMaker(random.Random(11))
    made = [make_article(n, samples, maker, rng) for n in range(articles)]
    unseen = make_article(articles, samples, maker, rng)  # for the heap measurement
    store = Store(size, index_path, records_path, interleaved_articles(samples, interleaved))

    # Linked in a process of its own, so that its memory is the linking's alone.
    with multiprocessing.get_context("spawn").Pool(1) as pool:
        linked = pool.apply(
            link_phase,
            (
                str(index_path),
                str(records_path),
                [a.record for a in made],
                unseen.record,
                crawl_cache,
            ),
        )
    first_day, last_day = samples[0].day, samples[-1].day
    found = wrong = planted = 0
    for article, got in zip(made, linked["speech_ids"], strict=True):
        expected = sorted(article.planted)
        planted += len(expected)
        remaining = list(expected)
        for speech_id in got:
            if speech_id in remaining:
                remaining.remove(speech_id)
                found += 1
            else:
                wrong += 1
    timings, cpu_timings = linked["timings"], linked["cpu_timings"]
    heap_peak, postings = linked["heap_peak"], linked["postings"]
    shapes, scans, rss, rss_peak = (
        linked["shapes"],
        linked["scans"],
        linked["rss"],
        linked["rss_peak"],
    )
    timings_ms = sorted(t * 1000 for t in timings)
    index_bytes = index_path.stat().st_size
    return Result(
        size=size,
        years=(last_day - first_day).days / 365.25,
        generate_seconds=built.generate_seconds,
        build_seconds=built.index_seconds,
        build_rate=size / built.index_seconds,
        build_rate_cpu=size / built.index_cpu_seconds,
        build_waits=built.waits,
        build_preempted=built.preempted,
        build_disk_io=built.disk_io,
        crawl_rate=crawl_size / by_debate.index_seconds,
        crawl_rate_cpu=crawl_size / by_debate.index_cpu_seconds,
        crawl_written_per_speech=by_debate.index_pages_written / crawl_size,
        window_written_per_speech=by_window.index_pages_written / crawl_size,
        crawl_index_per_speech=by_debate.index_bytes / crawl_size,
        index_bytes=index_bytes,
        bytes_per_speech=index_bytes / size,
        records_bytes=records_path.stat().st_size,
        postings=postings,
        median_ms=statistics.median(timings_ms),
        p90_ms=timings_ms[int(0.9 * (len(timings_ms) - 1))],
        median_cpu_ms=statistics.median(cpu_timings) * 1000,
        found=found,
        planted=planted,
        wrong=wrong,
        heap_peak_kib=heap_peak / 1024,
        rss_kib=rss,
        rss_peak_kib=rss_peak,
        statement_shapes=shapes,
        scans=scans,
    ), store


def measure(
    sizes: list[int],
    *,
    articles: int = 40,
    per_day: int = 60,
    folder: Path | None = None,
    report: bool = False,
) -> dict[str, object]:
    """Build and link at each size; the figures by size, and each larger size's median
    link time over the smallest's, timed interleaved in one process (``ratios``).
    ``report`` prints each size as it ends."""
    results: list[Result] = []
    stores: list[Store] = []
    with tempfile.TemporaryDirectory(prefix="bench-linking-") as scratch:
        where = folder or Path(scratch)
        where.mkdir(parents=True, exist_ok=True)
        for size in sizes:
            result, store = run(size, articles=articles, per_day=per_day, folder=where)
            results.append(result)
            stores.append(store)
            if report:
                print(describe(result, articles), flush=True)
        ratios, _ok = compare_interleaved(stores, max_ratio=1.2, report=report)
    return {"sizes": {r.size: asdict(r) for r in results}, "ratios": ratios}


def describe(result: Result, articles: int) -> str:
    return (
        f"{result.size} speeches, {result.years:.1f} years of sittings\n"
        f"  build: text {result.generate_seconds:.1f} s, index {result.build_seconds:.1f} s"
        f" = {result.build_rate:,.0f} speeches/s ({result.build_rate_cpu:,.0f} per CPU second)"
        f" in batches of {BULK_BATCH:,}; debate by debate {result.crawl_rate:,.0f}/s"
        f" ({result.crawl_rate_cpu:,.0f} per CPU second)\n"
        f"  while building in batches: off the CPU"
        f" {result.build_seconds - result.size / result.build_rate_cpu:.1f} s;"
        f" {result.build_preempted:,} times preempted by other processes,"
        f" {result.build_waits:,} waits (disk, locks);"
        f" {result.build_disk_io / 2**20:,.1f} MiB read from or written to the disk\n"
        f"  debate by debate, index pages written per speech for an index of"
        f" {result.crawl_index_per_speech:,.0f} bytes/speech: one commit per debate"
        f" {result.crawl_written_per_speech:,.0f} bytes"
        f" ({result.crawl_written_per_speech / result.crawl_index_per_speech:.2f}x),"
        f" a commit per {STORE_WINDOW_DEBATES} debates {result.window_written_per_speech:,.0f}"
        f" bytes ({result.window_written_per_speech / result.crawl_index_per_speech:.2f}x)\n"
        f"  on disk: index {result.index_bytes / 1e6:.1f} MB"
        f" = {result.bytes_per_speech:,.0f} bytes/speech ({result.postings:,} postings);"
        f" debate records {result.records_bytes / 1e6:.1f} MB\n"
        f"  link one article: median {result.median_ms:.2f} ms,"
        f" p90 {result.p90_ms:.2f} ms over {articles} articles"
        f" (median CPU time {result.median_cpu_ms:.2f} ms)\n"
        f"  planted quotations found {result.found}/{result.planted},"
        f" wrong links {result.wrong}\n"
        f"  linking process memory: RSS {result.rss_kib / 1024:.0f} MiB"
        f" (peak {result.rss_peak_kib / 1024:.0f} MiB),"
        f" Python heap peak while linking {result.heap_peak_kib:,.0f} KiB;"
        f" {result.statement_shapes} statement shapes on link_ tables,"
        f" {len(result.scans)} table scans"
    )


def run_baseline(tree: Path, size: int, args: argparse.Namespace) -> None:
    """The benchmark script of another checkout at one size, its output printed as is."""
    command = [
        sys.executable,
        str(tree / "bench" / "bench_linking.py"),
        "--sizes",
        str(size),
        "--articles",
        str(args.articles),
        "--per-day",
        str(args.per_day),
    ]
    print(f"baseline ({tree}):", flush=True)
    done = subprocess.run(command, capture_output=True, text=True, cwd=tree)
    for line in done.stdout.splitlines():
        print(f"  | {line}")
    if done.returncode not in (0, 1):
        print(f"  | baseline failed: {done.stderr.strip().splitlines()[-1:]}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--million", action="store_true", help="add 1,000,000 speeches (slow)")
    parser.add_argument("--articles", type=int, default=40, help="articles linked per store")
    parser.add_argument("--per-day", type=int, default=60, help="speeches per sitting day")
    parser.add_argument("--max-ratio", type=float, default=1.2)
    parser.add_argument("--keep", type=Path, help="build the stores in this folder and keep them")
    parser.add_argument("--baseline", type=Path, help="another checkout to measure first")
    parser.add_argument(
        "--interleaved", type=int, default=INTERLEAVED, help="articles per store, interleaved"
    )
    parser.add_argument(
        "--cold",
        action="store_true",
        help="drop the stores' files from the page cache before the interleaved timing",
    )
    parser.add_argument(
        "--reuse",
        type=Path,
        help="time only the interleaved linking, on the stores link-N/debates-N.sqlite3"
        " built earlier in this folder (--keep)",
    )
    parser.add_argument(
        "--repeat",
        type=int,
        default=1,
        help="interleaved timings in one process; the verdict is on the median ratio",
    )
    parser.add_argument(
        "--crawl-cache",
        action="store_true",
        help="open the stores with the corpus store's settings (64 MiB page cache, its"
        " journal) rather than SQLite's default 2 MiB cache; --reuse stores are copied",
    )
    parser.add_argument(SERVE, type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve_links:
        serve_links()
        return 0
    if args.reuse and args.baseline and args.cold:
        parser.error("--cold times one checkout's code: the other's would find the files cached")
    if args.repeat < 1:
        parser.error("--repeat must be at least 1")
    sizes = [*args.sizes, *([1_000_000] if args.million else [])]

    ok = True
    stores: list[Store] = []
    with tempfile.TemporaryDirectory(prefix="bench-linking-") as scratch:
        folder = args.keep or Path(scratch)
        folder.mkdir(parents=True, exist_ok=True)
        for size in sizes:
            if args.reuse:
                index_path = args.reuse / f"link-{size}.sqlite3"
                records_path = args.reuse / f"debates-{size}.sqlite3"
                samples = samples_from_records(records_path)
                articles = interleaved_articles(samples, args.interleaved)
                stores.append(Store(size, index_path, records_path, articles))
                continue
            if args.baseline:
                run_baseline(args.baseline, size, args)
                print("this checkout:")
            result, store = run(
                size,
                articles=args.articles,
                per_day=args.per_day,
                folder=folder,
                interleaved=args.interleaved,
                crawl_cache=args.crawl_cache,
            )
            stores.append(store)
            print(describe(result, args.articles), flush=True)
            if result.scans:
                print(f"FAIL: {result.size}: table scans {sorted(set(result.scans))}")
                ok = False
        if args.reuse and args.crawl_cache:
            stores = copy_stores(stores, folder)
        print(linking_conditions(args.crawl_cache), flush=True)
        if len(stores) > 1:
            trees = None
            if args.reuse and args.baseline:
                trees = [args.baseline, Path(__file__).resolve().parents[1]]
            _ratios, allowed = compare_interleaved(
                stores,
                args.max_ratio,
                repeat=args.repeat,
                cold=args.cold,
                crawl_cache=args.crawl_cache,
                trees=trees,
            )
            ok = ok and allowed
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
