"""Benchmark: re-crawling an unchanged site, and peak memory against corpus size.

For each size (2,000 and 20,000 article pages by default) builds a synthetic
WordPress outlet in the replay format (:mod:`bench.synthetic_site`), crawls
it into a fresh corpus folder, then crawls the unchanged site a second time
into copies of that corpus, twice:

- ``settling``: default settings; stored articles dated more than
  ``FETCH_SETTLE_AFTER_DAYS`` (30) days ago are not requested at all, newer
  ones get conditional requests;
- ``revalidate``: ``-s FETCH_SETTLE_AFTER_DAYS=0``; every stored article gets a
  conditional request, which the replay layer answers 304 from the manifest's
  ``ETag``.

The first crawl is the same in both modes (an empty corpus has nothing to
settle or revalidate), so it runs once per size. Every crawl is a separate
``python -m scrapy crawl defence_news`` process; its peak RSS is the
``ru_maxrss`` that ``wait4`` reports for that process alone.

What is counted, from the crawl's stats (``CRAWL_STATS_FILE``):

- ``bodies``: responses with a body (status 200) — article pages, listing
  pages, the feed and robots.txt alike; a 304 or a settled page is not one;
- ``requests``: ``downloader/request_count``, Scrapy's count of requests that
  entered the downloader (settled pages included: the stats middleware sits
  before the conditional-request middleware);
- ``sent``: requests that reached the site (the replay handler): bodies,
  304s and 404s;
- ``304``: ``corpus/fetch/not_modified``; ``settled``: ``corpus/fetch/settled``.

Targets (from the deduplication issue): the second crawl downloads at most
5% of the bodies the first downloaded, and peak RSS at the largest size is
within 1.2x of that at the smallest, for each kind of crawl. Exits 1 naming
every missed target (or a crawl that did not do what it should), else 0.

    .venv/bin/python bench/bench_refetch.py [--sizes 2000 20000] [--per-day 20] [--keep DIR]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.synthetic_site import PER_DAY, PER_PAGE, SyntheticSite, build_site  # noqa: E402

MAX_BODIES_RATIO = 0.05
MAX_RSS_RATIO = 1.2
SETTLE_DEFAULT_DAYS = 30
# A sketch value held by more articles than this is common phrasing (for the report only).
COMMON_POSTINGS = 200

FIRST = "first"
SETTLING = "second, settling"
REVALIDATE = "second, revalidate"
SECOND_RUNS = {SETTLING: (), REVALIDATE: ("-s", "FETCH_SETTLE_AFTER_DAYS=0")}


@dataclass
class CrawlRun:
    """One crawl process: how it ended, what it cost, and its stats."""

    size: int
    kind: str
    exit_code: int
    peak_rss_kib: int
    wall_seconds: float
    cpu_seconds: float
    stats: dict[str, Any] = field(default_factory=dict)
    stderr_tail: str = ""
    near_copy: dict[str, Any] = field(default_factory=dict)
    manifest_mib: float = 0.0

    def stat(self, key: str) -> int:
        value = self.stats.get(key, 0)
        return int(value) if isinstance(value, int | float) else 0

    @property
    def bodies(self) -> int:
        return self.stat("downloader/response_status_count/200")

    @property
    def requests(self) -> int:
        return self.stat("downloader/request_count")

    @property
    def sent(self) -> int:
        return sum(self.stat(f"replay/{key}") for key in ("served", "not_modified", "missing"))

    @property
    def not_modified(self) -> int:
        return self.stat("corpus/fetch/not_modified")

    @property
    def settled(self) -> int:
        return self.stat("corpus/fetch/settled")

    @property
    def items(self) -> int:
        return self.stat("item_scraped_count")

    @property
    def peak_rss_mib(self) -> float:
        return self.peak_rss_kib / 1024

    @property
    def elapsed(self) -> float:
        value = self.stats.get("elapsed_time_seconds")
        return float(value) if isinstance(value, int | float) else float("nan")


def crawl(
    site: SyntheticSite, corpus: Path, stats_file: Path, extra: tuple[str, ...]
) -> tuple[int, int, float, float, str]:
    """Run one crawl process; returns (exit code, peak RSS KiB, wall s, CPU s, stderr tail)."""
    command = [
        sys.executable, "-m", "scrapy", "crawl", "defence_news",
        *site.crawl_options(),
        "-s", f"CORPUS_DIR={corpus}",
        "-s", f"CRAWL_STATS_FILE={stats_file}",
        "-s", "LOG_LEVEL=WARNING",
        "-a", f"since={site.since}",
        "-a", f"until={site.until}",
        *extra,
    ]  # fmt: skip
    log = stats_file.with_suffix(".log")
    with log.open("wb") as err:
        started = time.perf_counter()
        process = subprocess.Popen(command, cwd=ROOT, stdout=err, stderr=subprocess.STDOUT)
        # wait4 gives the resource usage of this one child, whatever ran before it.
        _, status, usage = os.wait4(process.pid, 0)
        wall = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    tail = log.read_text(encoding="utf-8", errors="replace")[-2000:]
    return (
        process.returncode,
        usage.ru_maxrss,
        wall,
        usage.ru_utime + usage.ru_stime,
        tail,
    )


def run_one(
    site: SyntheticSite, size: int, kind: str, corpus: Path, work: Path, extra: tuple[str, ...]
) -> CrawlRun:
    stats_file = work / f"stats-{size}-{kind.replace(', ', '-')}.json"
    code, rss, wall, cpu, tail = crawl(site, corpus, stats_file, extra)
    stats = json.loads(stats_file.read_text(encoding="utf-8")) if stats_file.exists() else {}
    run = CrawlRun(size, kind, code, rss, wall, cpu, stats, tail)
    print(
        f"  {kind:<20} exit {code}  {wall:6.1f} s  peak RSS {run.peak_rss_mib:6.1f} MiB  "
        f"bodies {run.bodies:>6}  304 {run.not_modified:>6}  settled {run.settled:>6}  "
        f"items {run.items:>6}"
        + (f"  ({1000 * run.elapsed / run.items:.0f} ms an article)" if run.items else ""),
        flush=True,
    )
    return run


def bench_size(size: int, work: Path, *, per_day: int, per_page: int) -> list[CrawlRun]:
    folder = work / f"site-{size}"
    started = time.perf_counter()
    site = build_site(folder, size, per_day=per_day, per_page=per_page)
    print(
        f"{size} articles: site built in {time.perf_counter() - started:.1f} s "
        f"({site.bytes_written / 1e6:.0f} MB, {site.listing_pages} listing pages, "
        f"{site.since} to {site.until})",
        flush=True,
    )
    manifest = replay_manifest_mib(site)
    print(f"  the replay layer's manifest takes {manifest:.1f} MiB of RSS once loaded", flush=True)
    first_corpus = work / f"corpus-{size}-first"
    runs = [run_one(site, size, FIRST, first_corpus, work, ())]
    for kind, extra in SECOND_RUNS.items():
        corpus = work / f"corpus-{size}-{kind.split(', ')[1]}"
        shutil.copytree(first_corpus, corpus)
        runs.append(run_one(site, size, kind, corpus, work, extra))
    load = near_copy_load(first_corpus)
    for run in runs:
        run.manifest_mib = manifest
    runs[0].near_copy = load
    print(
        f"  near-copy look-up against the {size} stored articles (sample of"
        f" {load['sampled']}): {load['mean']:.0f} candidates on average, {load['max']} at most,"
        f" {load['seconds'] * 1000 / max(1, load['sampled']):.1f} ms each;"
        f" {load['common_share']:.0%} of sketch entries hold a value shared by"
        f" > {COMMON_POSTINGS} articles",
        flush=True,
    )
    return runs


MANIFEST_PROBE = """
import sys
from crawler.replay import Manifest

def rss():
    with open("/proc/self/status") as status:
        return next(int(line.split()[1]) for line in status if line.startswith("VmRSS"))

before = rss()
manifest = Manifest.load(sys.argv[1])
print(rss() - before)
"""


def replay_manifest_mib(site: SyntheticSite) -> float:
    """RSS the replay layer's manifest takes in a process of its own (part of every crawl)."""
    result = subprocess.run(
        [sys.executable, "-c", MANIFEST_PROBE, str(site.folder)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    return int(result.stdout.split()[-1]) / 1024


def near_copy_load(corpus: Path, sample: int = 200) -> dict[str, Any]:
    """How many stored articles the near-copy look-up returns for a stored article.

    Every article the pipeline stores is compared (``fingerprint.similarity``)
    with each candidate, so this is what the per-article cost grows with.
    """
    from crawler.corpus.store import CorpusStore
    from crawler.dedup.fingerprint import decode_sketch

    store = CorpusStore(corpus)
    # The sample and the posting counts are read beside the store, not through it.
    inspect = sqlite3.connect(store.path)
    try:
        total = store.count("articles")
        step = max(1, total // sample)
        rows = inspect.execute(
            "SELECT id, sketch FROM (SELECT id, sketch, row_number() OVER (ORDER BY id)"
            " AS n FROM articles) WHERE n % ? = 0 AND sketch IS NOT NULL LIMIT ?",
            (step, sample),
        ).fetchall()
        started = time.perf_counter()
        counts = [
            len(store.near_copy_candidates(decode_sketch(sketch), exclude=article_id))
            for article_id, sketch in rows
        ]
        seconds = time.perf_counter() - started
        entries, common = inspect.execute(
            "SELECT sum(n), sum(CASE WHEN n > ? THEN n ELSE 0 END) FROM"
            " (SELECT count(*) AS n FROM article_sketch GROUP BY value)",
            (COMMON_POSTINGS,),
        ).fetchone()
    finally:
        inspect.close()
        store.close()
    return {
        "sampled": len(counts),
        "mean": sum(counts) / len(counts) if counts else 0.0,
        "max": max(counts, default=0),
        "seconds": seconds,
        "common_share": (common or 0) / entries if entries else 0.0,
    }


def expected_settled(size: int, per_day: int) -> int:
    """Roughly how many articles are older than the settle window (for the report only)."""
    return max(0, size - SETTLE_DEFAULT_DAYS * per_day)


def problems_of(runs: list[CrawlRun]) -> list[str]:
    """Crawls that did not do what the benchmark relies on."""
    problems = []
    for run in runs:
        where = f"{run.size} {run.kind}"
        if run.exit_code != 0:
            problems.append(f"{where}: crawl exited {run.exit_code}: {run.stderr_tail[-300:]!r}")
        if run.kind == FIRST and run.stat("corpus/article/new") != run.size:
            problems.append(
                f"{where}: stored {run.stat('corpus/article/new')} new articles, not {run.size}"
            )
        if run.kind != FIRST and run.settled + run.not_modified != run.size:
            problems.append(
                f"{where}: {run.settled} settled + {run.not_modified} not modified,"
                f" not the {run.size} stored articles"
            )
        if run.stat("corpus/article/near_copy"):
            problems.append(f"{where}: {run.stat('corpus/article/near_copy')} near-copies marked")
    return problems


def print_table(runs: list[CrawlRun]) -> None:
    header = (
        f"{'pages':>6}  {'crawl':<20} {'requests':>8} {'sent':>6} {'bodies':>6} {'304':>6}"
        f" {'settled':>7} {'items':>6} {'MB in':>7} {'elapsed s':>9} {'CPU s':>6}"
        f" {'peak RSS MiB':>12}"
    )
    print(header)
    print("-" * len(header))
    for run in runs:
        print(
            f"{run.size:>6}  {run.kind:<20} {run.requests:>8} {run.sent:>6} {run.bodies:>6}"
            f" {run.not_modified:>6} {run.settled:>7} {run.items:>6}"
            f" {run.stat('downloader/response_bytes') / 1e6:>7.1f} {run.elapsed:>9.1f}"
            f" {run.cpu_seconds:>6.1f} {run.peak_rss_mib:>12.1f}"
        )


def verdicts(
    runs: list[CrawlRun], sizes: list[int], max_bodies: float, max_rss: float
) -> list[str]:
    """Print one line per target; returns the missed ones."""
    missed: list[str] = []
    by_key = {(run.size, run.kind): run for run in runs}
    print(f"\nBodies downloaded by the second crawl / by the first (≤ {max_bodies:.0%})")
    for size in sizes:
        first = by_key[(size, FIRST)]
        for kind in SECOND_RUNS:
            second = by_key[(size, kind)]
            ratio = second.bodies / first.bodies if first.bodies else float("inf")
            ok = ratio <= max_bodies
            line = (
                f"  {size:>6} {kind:<20} {second.bodies:>6} / {first.bodies:<6} = {ratio:6.2%}"
                f"  {'ok' if ok else 'MISSED'}"
            )
            print(line)
            if not ok:
                missed.append(f"bodies ratio {size} {kind}: {ratio:.2%} > {max_bodies:.0%}")
    if len(sizes) < 2:
        print("\n(one size only: no peak RSS ratio)")
        return missed
    small, large = min(sizes), max(sizes)
    print(f"\nPeak RSS at {large} pages / at {small} pages (≤ {max_rss:.2f}x)")
    for kind in (FIRST, *SECOND_RUNS):
        low, high = by_key[(small, kind)], by_key[(large, kind)]
        ratio = high.peak_rss_kib / low.peak_rss_kib if low.peak_rss_kib else float("inf")
        ok = ratio <= max_rss
        print(
            f"  {kind:<20} {high.peak_rss_mib:7.1f} / {low.peak_rss_mib:<7.1f} MiB = {ratio:5.2f}x"
            f"  (+{high.peak_rss_mib - low.peak_rss_mib:.1f} MiB, of which the replay manifest"
            f" +{high.manifest_mib - low.manifest_mib:.1f})  {'ok' if ok else 'MISSED'}"
        )
        if not ok:
            missed.append(f"peak RSS ratio, {kind} crawl: {ratio:.2f}x > {max_rss:.2f}x")
    return missed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[2000, 20000])
    parser.add_argument("--per-day", type=int, default=PER_DAY, help="articles a day (20)")
    parser.add_argument("--per-page", type=int, default=PER_PAGE, help="teasers a listing page")
    parser.add_argument("--max-bodies-ratio", type=float, default=MAX_BODIES_RATIO)
    parser.add_argument("--max-rss-ratio", type=float, default=MAX_RSS_RATIO)
    parser.add_argument(
        "--keep", type=Path, help="work in this folder and keep it (sites, corpora, stats, logs)"
    )
    parser.add_argument("--json", type=Path, help="also write every run's figures here")
    args = parser.parse_args()
    sizes = sorted(set(args.sizes))

    if args.keep:
        args.keep.mkdir(parents=True, exist_ok=True)
        work = args.keep
    else:
        work = Path(tempfile.mkdtemp(prefix="bench-refetch-"))
    started = time.perf_counter()
    try:
        runs: list[CrawlRun] = []
        for size in sizes:
            runs.extend(bench_size(size, work, per_day=args.per_day, per_page=args.per_page))
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)

    print(
        f"\nSynthetic outlet: {args.per_day} articles a day, {args.per_page} a listing page;"
        f" with settling, about {', '.join(str(expected_settled(s, args.per_day)) for s in sizes)}"
        f" articles are older than {SETTLE_DEFAULT_DAYS} days.\n"
    )
    print_table(runs)
    problems = problems_of(runs)
    missed = verdicts(runs, sizes, args.max_bodies_ratio, args.max_rss_ratio)
    print(f"\nTotal time {time.perf_counter() - started:.0f} s")
    if args.json:
        args.json.write_text(
            json.dumps(
                [
                    {
                        "size": run.size,
                        "crawl": run.kind,
                        "exit_code": run.exit_code,
                        "peak_rss_kib": run.peak_rss_kib,
                        "wall_seconds": round(run.wall_seconds, 2),
                        "cpu_seconds": round(run.cpu_seconds, 2),
                        "requests": run.requests,
                        "sent": run.sent,
                        "bodies": run.bodies,
                        "not_modified": run.not_modified,
                        "settled": run.settled,
                        "items": run.items,
                        "near_copy": run.near_copy,
                        "replay_manifest_mib": round(run.manifest_mib, 1),
                    }
                    for run in runs
                ],
                indent=1,
            ),
            encoding="utf-8",
        )
    for problem in problems:
        print(f"PROBLEM: {problem}")
    for target in missed:
        print(f"MISSED: {target}")
    return 1 if problems or missed else 0


if __name__ == "__main__":
    sys.exit(main())
