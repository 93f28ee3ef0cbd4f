"""Benchmark: a one-article crawl into a large corpus against the same crawl into an empty one.

Builds a corpus of ``--records`` records through the store's API (the builder
of :mod:`bench.bench_export`: two fifths articles, two fifths speeches in
debates of 20, one fifth links) with its JSONL snapshot, and a synthetic outlet
of one article (:mod:`bench.synthetic_site`). Then, in every round, in turns
that alternate so neither always runs on a warm cache, one
``python -m scrapy crawl defence_news`` process crawls that article:

- ``empty``: into an empty corpus folder;
- ``corpus``: into a copy of the large corpus;
- ``corpus, no snapshot``: the same with ``CORPUS_SNAPSHOT=False``.

Each copy is first brought to the state a previous crawl leaves (its snapshot
written by its own store, untimed): a copied folder's files are new files to
the store, which writes them whole once.

Prints, per round and as the median of the rounds, each crawl's wall time
and the bytes it wrote (its ``ru_oublock``: bytes the process dirtied for the
disk), and the ratio of the corpus crawls' time to the empty one's.
:func:`measure` returns the same figures for a combined benchmark.

    .venv/bin/python bench/bench_snapshot.py [--records 100000] [--rounds 3] [--paragraphs 4]
"""

from __future__ import annotations

import argparse
import json
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.bench_export import build_corpus, progress  # noqa: E402
from bench.synthetic_site import SyntheticSite, build_site  # noqa: E402
from crawler.corpus.snapshot import SNAPSHOT_FILES, write_snapshot  # noqa: E402
from crawler.corpus.store import CorpusStore  # noqa: E402

VARIANTS = {
    "empty": {"corpus": False, "snapshot": True},
    "corpus": {"corpus": True, "snapshot": True},
    "corpus, no snapshot": {"corpus": True, "snapshot": False},
}


def settle(folder: Path) -> None:
    """Bring the folder's snapshot to the state a crawl leaves it in."""
    store = CorpusStore(folder)
    try:
        write_snapshot(store)
    finally:
        store.close()


def crawl(site: SyntheticSite, corpus: Path, snapshot: bool) -> tuple[float, int, dict]:
    """One crawl process: (wall seconds, bytes written, final stats)."""
    stats_file = corpus.with_suffix(".stats.json")
    command = [
        sys.executable, "-m", "scrapy", "crawl", "defence_news",
        *site.crawl_options(),
        "-s", f"CORPUS_DIR={corpus}",
        "-s", f"CORPUS_SNAPSHOT={snapshot}",
        "-s", f"CRAWL_STATS_FILE={stats_file}",
        "-s", "LOG_LEVEL=WARNING",
        "-a", f"since={site.since}",
        "-a", f"until={site.until}",
    ]  # fmt: skip
    blocks = resource.getrusage(resource.RUSAGE_CHILDREN).ru_oublock
    started = time.perf_counter()
    completed = subprocess.run(command, cwd=ROOT, capture_output=True, text=True)
    wall = time.perf_counter() - started
    written = (resource.getrusage(resource.RUSAGE_CHILDREN).ru_oublock - blocks) * 512
    if completed.returncode != 0:
        raise SystemExit(f"crawl failed ({completed.returncode}): {completed.stderr[-1500:]}")
    return wall, written, json.loads(stats_file.read_text(encoding="utf-8"))


def measure(
    work: Path, records: int = 100_000, rounds: int = 3, paragraphs: int = 4
) -> dict[str, Any]:
    """Build the corpus and the one-article site in ``work`` and time the variants,
    interleaved over ``rounds``; returns the medians and each round's figures."""
    progress(f"building a corpus of {records} records in {work / 'base'}")
    counts = build_corpus(work / "base", records, paragraphs)
    settle(work / "base")
    snapshot_bytes = sum((work / "base" / name).stat().st_size for name in SNAPSHOT_FILES.values())
    site = build_site(work / "site", 1)
    seconds: dict[str, list[float]] = {name: [] for name in VARIANTS}
    written: dict[str, list[int]] = {name: [] for name in VARIANTS}
    for number in range(rounds):
        order = list(VARIANTS) if number % 2 == 0 else list(reversed(VARIANTS))
        for name in order:
            corpus = work / f"corpus-{number}-{name.replace(', ', '-').replace(' ', '-')}"
            if VARIANTS[name]["corpus"]:
                shutil.copytree(work / "base", corpus)
                settle(corpus)
            wall, wrote, stats = crawl(site, corpus, bool(VARIANTS[name]["snapshot"]))
            scraped = stats.get("item_scraped_count")
            if scraped != 1:
                raise SystemExit(f"{name}: the crawl stored {scraped} items, not 1")
            seconds[name].append(wall)
            written[name].append(wrote)
            progress(f"round {number + 1}: {name}: {wall:.2f} s, {wrote / 2**20:.1f} MiB written")
            shutil.rmtree(corpus, ignore_errors=True)
    empty = statistics.median(seconds["empty"])
    return {
        "records": sum(counts.values()),
        "snapshot_mib": snapshot_bytes / 2**20,
        "variants": {
            name: {
                "seconds": statistics.median(seconds[name]),
                "mib_written": statistics.median(written[name]) / 2**20,
                "x_empty": statistics.median(seconds[name]) / empty,
                "rounds": seconds[name],
            }
            for name in VARIANTS
        },
    }


def report(result: dict[str, Any]) -> None:
    print(
        f"corpus: {result['records']} records, snapshot {result['snapshot_mib']:.0f} MiB; "
        "a crawl of one new article, median of the rounds:"
    )
    print(f"{'into':<22} {'seconds':>8} {'x empty':>8} {'MiB written':>12}  rounds (s)")
    for name, run in result["variants"].items():
        rounds = " ".join(f"{seconds:.2f}" for seconds in run["rounds"])
        print(
            f"{name:<22} {run['seconds']:>8.2f} {run['x_empty']:>8.2f}"
            f" {run['mib_written']:>12.1f}  {rounds}"
        )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument(
        "--paragraphs", type=int, default=4, help="paragraphs per article (4: about 2 KB)"
    )
    parser.add_argument("--keep", type=Path, help="work in this folder and keep it")
    args = parser.parse_args()
    work = args.keep or Path(tempfile.mkdtemp(prefix="bench-snapshot-"))
    work.mkdir(parents=True, exist_ok=True)
    try:
        result = measure(work, args.records, args.rounds, args.paragraphs)
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    report(result)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
