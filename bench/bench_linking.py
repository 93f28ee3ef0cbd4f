"""Benchmark: time to link one article against stores of 10k and 100k speeches.

Builds synthetic linking indexes in temporary SQLite files (sentence-like
speeches, a steady number per sitting day, so the larger store covers more
years at the same density), then links synthetic articles that quote speeches
of the 30 days before them in the ways journalists do (a sentence, an
ellipsis-split passage, a bracketed substitution) beside paraphrase, a
non-parliamentary readout and scare quotes.

Prints, per store: build time, database size, median and 90th percentile time
to link one article, how many of the planted quotations were found, the
Python heap peak while linking, and the query plans of every statement the
linking ran (all must be index searches, none a scan of a ``link_`` table).
Exits non-zero when the larger store's median exceeds the smaller's by more
than the allowed ratio.

    .venv/bin/python bench/bench_linking.py [--sizes 10000 100000] [--articles 40]
"""

from __future__ import annotations

import argparse
import itertools
import random
import re
import sqlite3
import statistics
import sys
import tempfile
import time
import tracemalloc
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from crawler.linking.index import IndexedSpeech, LinkIndex
from crawler.linking.linker import DEFAULT_WINDOW_DAYS, link_article

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


def build(path: Path, size: int, per_day: int, seed: int) -> tuple[float, float, list[Sample]]:
    """Write ``size`` speeches into a new index at ``path``.

    Returns (seconds generating text, seconds indexing, sampled speeches).
    """
    rng = random.Random(seed)
    maker = TextMaker(rng)
    days = sitting_days()
    speakers = [f"{rng.choice(FIRST_NAMES)} {rng.choice(SURNAMES)}" for _ in range(650)]
    started = time.perf_counter()
    speeches: list[IndexedSpeech] = []
    for n in range(size):
        day = days[n // per_day]
        debate, item = divmod(n % per_day, 40)  # debates of up to 40 speeches
        speeches.append(
            IndexedSpeech(
                speech_id=f"{day.isoformat()}a.{debate + 1}.{item + 1}",
                debate_id=f"{day.isoformat()}a.{debate + 1}.0",
                date=day.isoformat(),
                text=maker.speech(),
                speaker_name=rng.choice(speakers),
                person_id=None,
            )
        )
    generated = time.perf_counter() - started
    samples = [Sample(s, date.fromisoformat(s.date)) for s in speeches[::25]]

    conn = sqlite3.connect(path, isolation_level=None)
    # Bulk build: no journal, no syncs, a large page cache, one transaction.
    conn.execute("PRAGMA journal_mode=OFF")
    conn.execute("PRAGMA synchronous=OFF")
    conn.execute("PRAGMA cache_size=-524288")
    conn.execute("PRAGMA temp_store=MEMORY")
    started = time.perf_counter()
    index = LinkIndex(conn)
    conn.execute("BEGIN")
    index.add_speeches(speeches)
    conn.execute("COMMIT")
    indexed = time.perf_counter() - started
    conn.close()
    return generated, indexed, samples


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


@dataclass
class Result:
    size: int
    generate_seconds: float
    build_seconds: float
    db_bytes: int
    shingle_rows: int
    years: float
    median_ms: float
    p90_ms: float
    found: int
    planted: int
    wrong: int
    heap_peak_kib: float
    statement_shapes: int
    scans: list[str]


def run(size: int, args: argparse.Namespace, folder: Path) -> Result:
    path = folder / f"link-{size}.sqlite3"
    generate_seconds, build_seconds, samples = build(path, size, args.per_day, seed=size)
    db_bytes = path.stat().st_size
    rng = random.Random(7)
    maker = TextMaker(random.Random(11))
    articles = [make_article(n, samples, maker, rng) for n in range(args.articles)]
    unseen = make_article(args.articles, samples, maker, rng)  # for the heap measurement

    # Linking as the crawl does it: WAL, NORMAL sync, SQLite's default 2 MiB page
    # cache and no memory map, so the index is read from the file as needed.
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=NORMAL")
    conn.execute("PRAGMA cache_size=-2000")
    conn.execute("PRAGMA mmap_size=0")
    index = LinkIndex(conn)
    first_day, last_day = samples[0].day, samples[-1].day

    statements: list[str] = []
    timings: list[float] = []
    found = wrong = planted = 0
    link_article(articles[0].record, index)  # warm the Python side (regex, caches)
    for article in articles:
        conn.set_trace_callback(statements.append)
        started = time.perf_counter()
        links = link_article(article.record, index)
        timings.append(time.perf_counter() - started)
        conn.set_trace_callback(None)
        got = sorted(link.speech_id for link in links)
        expected = sorted(article.planted)
        planted += len(expected)
        remaining = list(expected)
        for speech_id in got:
            if speech_id in remaining:
                remaining.remove(speech_id)
                found += 1
            else:
                wrong += 1

    # Heap while linking an article none of whose speeches were read before.
    tracemalloc.start()
    link_article(unseen.record, index)
    heap_peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()

    shapes, scans = query_plans(conn, statements)
    shingles = conn.execute("SELECT count(*) FROM link_speech_shingle").fetchone()[0]
    conn.close()
    timings_ms = sorted(t * 1000 for t in timings)
    return Result(
        size=size,
        generate_seconds=generate_seconds,
        build_seconds=build_seconds,
        db_bytes=db_bytes,
        shingle_rows=shingles,
        years=(last_day - first_day).days / 365.25,
        median_ms=statistics.median(timings_ms),
        p90_ms=timings_ms[int(0.9 * (len(timings_ms) - 1))],
        found=found,
        planted=planted,
        wrong=wrong,
        heap_peak_kib=heap_peak / 1024,
        statement_shapes=shapes,
        scans=scans,
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--articles", type=int, default=40, help="articles linked per store")
    parser.add_argument("--per-day", type=int, default=60, help="speeches per sitting day")
    parser.add_argument("--max-ratio", type=float, default=1.5)
    parser.add_argument("--keep", type=Path, help="build the stores in this folder and keep them")
    args = parser.parse_args()

    folder_context = tempfile.TemporaryDirectory(prefix="bench-linking-")
    folder = args.keep or Path(folder_context.name)
    folder.mkdir(parents=True, exist_ok=True)
    results = []
    with folder_context:
        for size in args.sizes:
            result = run(size, args, folder)
            results.append(result)
            print(
                f"{result.size} speeches, {result.years:.1f} years of sittings\n"
                f"  build: text {result.generate_seconds:.1f} s,"
                f" index {result.build_seconds:.1f} s;"
                f" database {result.db_bytes / 1e6:.1f} MB,"
                f" {result.shingle_rows:,} speech shingle rows\n"
                f"  link one article: median {result.median_ms:.1f} ms,"
                f" p90 {result.p90_ms:.1f} ms over {args.articles} articles\n"
                f"  planted quotations found {result.found}/{result.planted},"
                f" wrong links {result.wrong}\n"
                f"  while linking: Python heap peak {result.heap_peak_kib:,.0f} KiB,"
                f" {result.statement_shapes} statement shapes on link_ tables,"
                f" {len(result.scans)} table scans",
                flush=True,
            )
    print("while linking: SQLite page cache 2 MiB, memory map off, WAL, synchronous=NORMAL")
    ok = True
    for result in results:
        if result.scans:
            print(f"FAIL: {result.size}: table scans {sorted(set(result.scans))}")
            ok = False
    if len(results) >= 2:
        small, large = results[0], results[-1]
        ratio = large.median_ms / small.median_ms
        verdict = "ok" if ratio <= args.max_ratio else "FAIL"
        print(
            f"median ratio {large.size} / {small.size} speeches: {ratio:.2f} "
            f"(allowed {args.max_ratio}) {verdict}"
        )
        ok = ok and ratio <= args.max_ratio
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
