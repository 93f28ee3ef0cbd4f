"""Benchmark: the cost of WARC capture on the same replayed crawl.

Builds a synthetic WordPress outlet in the replay format
(:mod:`bench.synthetic_site`), then crawls it into fresh corpus folders with
capture on (``WARC_ENABLED=True``, the default) and off, alternating the two
in every round so that machine noise falls on both alike. Each crawl is a
separate ``python -m scrapy crawl defence_news`` process.

Prints, per round and overall (median of the rounds): pages per second
(responses received, from ``response_received_count``, over the crawl's wall
time), the ratio of the two, and the WARC bytes stored per page
(``corpus/warc/bytes`` over the responses captured).

    .venv/bin/python bench/bench_capture.py [--articles 1000] [--rounds 3] [--keep DIR]
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.synthetic_site import SyntheticSite, build_site  # noqa: E402


def crawl(site: SyntheticSite, corpus: Path, capture: bool) -> tuple[float, dict]:
    """One crawl process; returns (wall seconds, final stats)."""
    stats_file = corpus.with_suffix(".stats.json")
    command = [
        sys.executable, "-m", "scrapy", "crawl", "defence_news",
        *site.crawl_options(),
        "-s", f"CORPUS_DIR={corpus}",
        "-s", f"CRAWL_STATS_FILE={stats_file}",
        "-s", f"WARC_ENABLED={capture}",
        "-s", "LOG_LEVEL=WARNING",
        "-a", f"since={site.since}",
        "-a", f"until={site.until}",
    ]  # fmt: skip
    started = time.perf_counter()
    completed = subprocess.run(command, cwd=ROOT, capture_output=True, text=True)
    wall = time.perf_counter() - started
    if completed.returncode != 0:
        raise SystemExit(f"crawl failed ({completed.returncode}): {completed.stderr[-1500:]}")
    return wall, json.loads(stats_file.read_text(encoding="utf-8"))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--keep", type=Path, help="work in this folder and keep it")
    options = parser.parse_args()
    work = options.keep or Path(tempfile.mkdtemp(prefix="bench-capture-"))
    work.mkdir(parents=True, exist_ok=True)
    try:
        site = build_site(work / "site", options.articles)
        rates: dict[bool, list[float]] = {True: [], False: []}
        per_page: list[float] = []
        for number in range(1, options.rounds + 1):
            line = [f"round {number}:"]
            # Alternate which goes first, so neither always runs on a warm cache.
            order = (True, False) if number % 2 else (False, True)
            for capture in order:
                corpus = work / f"corpus-{number}-{'on' if capture else 'off'}"
                wall, stats = crawl(site, corpus, capture)
                pages = stats.get("response_received_count", 0)
                rates[capture].append(pages / wall)
                label = "capture on " if capture else "capture off"
                line.append(f"{label} {pages} pages in {wall:.1f} s = {pages / wall:.1f} pages/s")
                if capture:
                    per_page.append(stats["corpus/warc/bytes"] / pages)
            print("  ".join(line), flush=True)
        on, off = statistics.median(rates[True]), statistics.median(rates[False])
        print(
            f"median: capture off {off:.1f} pages/s, capture on {on:.1f} pages/s, "
            f"on/off ratio {on / off:.3f}; WARC bytes per page {statistics.median(per_page):.0f}"
        )
    finally:
        if not options.keep:
            shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
