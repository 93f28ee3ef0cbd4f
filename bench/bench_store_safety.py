"""Benchmark: what the corpus-safety checks cost on a large corpus, and per record.

    .venv/bin/python bench/bench_store_safety.py [--records 100000] [--corpus DIR]

1. Builds a synthetic store of ``--records`` articles the size of real ones
   (about 4 KB of JSON each, with URL keys, sketches and page rows), writes its
   snapshot, then times what a crawl adds: :func:`check_store` at start
   (``PRAGMA quick_check``, version, records present) and
   :func:`snapshot_losses` before the snapshot is written (every id of the old
   files read back and compared with the store's).
2. Times record validation against ``schemas/`` per record on the records of
   a real corpus (``--corpus``; by default the sample corpus, built into a
   temporary folder): fastjsonschema, as the pipelines use it, against
   ``jsonschema``'s Draft 2020-12 validator compiled once.
"""

from __future__ import annotations

import argparse
import json
import random
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import jsonschema  # noqa: E402

from crawler.corpus.health import check_store  # noqa: E402
from crawler.corpus.snapshot import SNAPSHOT_FILES, snapshot_losses, write_snapshot  # noqa: E402
from crawler.corpus.store import STORE_FILENAME, CorpusStore, dumps  # noqa: E402
from crawler.corpus.validate import RecordValidator  # noqa: E402
from crawler.dedup.fingerprint import encode_sketch, indexed_values  # noqa: E402
from crawler.packaged import packaged  # noqa: E402

# fmt: off
WORDS = [
    "the", "ministry", "of", "defence", "said", "royal", "navy", "army", "air", "force",
    "minister", "contract", "frigate", "programme", "parliament", "secretary", "state",
    "procurement", "budget", "allies", "ukraine", "training",
]
# fmt: on


def synthetic_article(n: int, rng: random.Random) -> dict:
    text = " ".join(rng.choice(WORDS) for _ in range(600))
    return {
        "id": f"example.org/article-{n:07d}",
        "url": f"https://example.org/article-{n:07d}/",
        "canonical_url": f"https://example.org/article-{n:07d}/",
        "urls": [f"https://example.org/article-{n:07d}/"],
        "site": "Example",
        "title": f"Article {n}",
        "authors": ["A. Writer"],
        "published": "2025-02-12T09:30:27+00:00",
        "published_raw": "2025-02-12T09:30:27+00:00",
        "modified": None,
        "language": "en",
        "text": text,
        "tags": ["Defence"],
        "comments": [],
        "fetched_at": "2025-02-13T09:12:00+00:00",
        "first_seen": "2025-02-13T09:12:00+00:00",
        "last_changed": "2025-02-13T09:12:00+00:00",
        "content_hash": f"{n:032x}",
        "duplicate_of": None,
        "flags": [],
    }


def build_store(folder: Path, records: int) -> float:
    rng = random.Random(1)
    started = time.perf_counter()
    # The records are written straight into the store's tables, much faster than
    # through its API; the store is opened first so that it creates them.
    CorpusStore(folder).close()
    with sqlite3.connect(folder / STORE_FILENAME) as conn:
        for n in range(records):
            record = synthetic_article(n, rng)
            sketch = tuple(sorted(rng.getrandbits(62) for _ in range(48)))
            row = conn.execute(
                "INSERT INTO articles (id, record, content_hash, sketch, published, site)"
                " VALUES (?, ?, ?, ?, ?, ?)",
                (
                    record["id"],
                    dumps(record),
                    record["content_hash"],
                    encode_sketch(sketch),
                    record["published"],
                    record["site"],
                ),
            ).lastrowid
            conn.execute(
                "INSERT INTO article_identities (identity, article_id) VALUES (?, ?)",
                (record["url"], record["id"]),
            )
            conn.executemany(
                "INSERT OR IGNORE INTO article_sketch (value, article) VALUES (?, ?)",
                [(value, row) for value in indexed_values(sketch)],
            )
            conn.execute(
                "INSERT INTO pages (url, kind, record_id) VALUES (?, 'article', ?)",
                (record["url"], record["id"]),
            )
    store = CorpusStore(folder)
    write_snapshot(store)
    store.close()
    return time.perf_counter() - started


def timed(function, repeats: int = 3) -> float:
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        function()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def quick_check(path: Path) -> None:
    conn = sqlite3.connect(path)
    try:
        assert conn.execute("PRAGMA quick_check(1)").fetchone()[0] == "ok"
    finally:
        conn.close()


def bench_large_store(records: int) -> None:
    with tempfile.TemporaryDirectory(prefix="bench-store-") as folder:
        corpus = Path(folder)
        built = build_store(corpus, records)
        size = (corpus / "corpus.sqlite3").stat().st_size / 2**20
        snapshot = (corpus / SNAPSHOT_FILES["articles"]).stat().st_size / 2**20
        print(
            f"store of {records:,} articles: {size:,.0f} MiB "
            f"(snapshot {snapshot:,.0f} MiB), built in {built:.1f} s"
        )
        path = corpus / "corpus.sqlite3"
        print(f"  PRAGMA quick_check alone: {timed(lambda: quick_check(path)):.2f} s")
        check = timed(lambda: check_store(corpus))
        print(f"  check_store at crawl start (quick_check, version, snapshot ids): {check:.2f} s")
        cheap = timed(lambda: check_store(corpus, thorough=False))
        print(f"  check_store when the extension opens the store (header, version): {cheap:.3f} s")
        store = CorpusStore(corpus)
        try:
            losses = timed(lambda: snapshot_losses(store))
        finally:
            store.close()
        print(f"  snapshot_losses before the snapshot is written: {losses:.2f} s")


def sample_records(corpus: Path | None) -> dict[str, list[dict]]:
    if corpus is None:
        folder = Path(tempfile.mkdtemp(prefix="bench-sample-"))
        corpus = folder / "corpus"
        subprocess.run(
            [sys.executable, "-m", "crawler.sample_corpus", "--corpus", str(corpus)],
            cwd=ROOT,
            check=True,
            capture_output=True,
        )
    return {
        kind: [json.loads(line) for line in (corpus / SNAPSHOT_FILES[table]).open()]
        for kind, table in (("article", "articles"), ("debate", "debates"), ("link", "links"))
    }


def bench_validation(corpus: Path | None, rounds: int) -> None:
    records = sample_records(corpus)
    fast = RecordValidator()
    started = time.perf_counter()
    slow = {
        kind: jsonschema.Draft202012Validator(
            json.loads(packaged("schemas", f"{kind}.schema.json").read_text("utf-8"))
        )
        for kind in records
    }
    print(f"validation per record ({rounds} rounds over the sample corpus's records):")
    for kind, items in records.items():
        assert all(fast.problem(kind, record) is None for record in items)
        assert all(slow[kind].is_valid(record) for record in items)
        count = len(items) * rounds
        started = time.perf_counter()
        for _ in range(rounds):
            for record in items:
                fast.problem(kind, record)
        fast_us = (time.perf_counter() - started) / count * 1e6
        started = time.perf_counter()
        for _ in range(rounds):
            for record in items:
                slow[kind].is_valid(record)
        slow_us = (time.perf_counter() - started) / count * 1e6
        print(
            f"  {kind:8} ({len(items)} records): fastjsonschema {fast_us:8.1f} µs, "
            f"jsonschema (compiled once) {slow_us:8.1f} µs"
        )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--corpus", type=Path, help="records to validate (default: sample)")
    parser.add_argument("--rounds", type=int, default=200)
    args = parser.parse_args()
    bench_large_store(args.records)
    bench_validation(args.corpus, args.rounds)
    return 0


if __name__ == "__main__":
    sys.exit(main())
