"""Benchmark: the cost of WARC capture, in crawl time and in bytes against the stored records.

Synthetic mode (the default) builds a synthetic WordPress outlet in the replay
format (:mod:`bench.synthetic_site`), then crawls it into fresh corpus folders
with capture on (``WARC_ENABLED=True``, the default) and off, alternating the
two in every round so that machine noise falls on both alike. Each crawl is a
separate ``python -m scrapy crawl defence_news`` process.

It prints, per round and overall (median of the rounds): pages per second
(responses received, from ``response_received_count``, over the crawl's wall
time), the ratio of the two, and the WARC bytes stored per page
(``corpus/warc/bytes`` over the responses captured); then the capture's size
against the stored records, measured on the last round's capture-on corpus as
below.

Real-pages mode (``--real-pages DIR``) crawls once, capture on, every page URL
of ``DIR/gold.json`` replayed from ``DIR/replay`` with one outlet per host
(``DIR/outlets.json``), comments and linking off: the crawl the real-page
scorer (``DIR/score.py``) makes, into a temporary corpus folder. The pages stay
where they are.

The capture against the records, in both modes. A *record* is an article's line
in ``articles.jsonl`` (UTF-8, with its newline): ``record/article`` of
``bench/bench_pipeline.py``, computed by its code. Printed: articles stored,
responses captured, WARC bytes (every file of ``<CORPUS_DIR>/warc``) in all,
per article and per response, record bytes per article, and WARC ÷ record in
all; then per page, each stored article's own response and request records as
stored (gzipped; a record's size is the next record's offset minus its own)
against its own record line: the median, 10th and 90th percentiles of that
ratio, and how many pages are within 3×.

    .venv/bin/python bench/bench_capture.py [--articles 1000] [--rounds 3] [--keep DIR]
    .venv/bin/python bench/bench_capture.py --real-pages ../shared/realpages-dev [--keep DIR]

Exit status: 0 measured; 1 a crawl failed (real pages: measured all the same);
2 the real-pages folder lacks what it needs.
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
from dataclasses import dataclass
from pathlib import Path

from warcio.archiveiterator import ArchiveIterator

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.bench_pipeline import (  # noqa: E402
    count_units,
    crawl_env,
    jsonl_lines,
    line_bytes,
    news_args,
)
from bench.synthetic_site import build_site  # noqa: E402
from crawler.warc.files import CORPUS_SUBFOLDER, warc_files  # noqa: E402

WITHIN = 3.0
"""The issue's bound on bytes written per stored record: pages within it are counted."""


def crawl(
    spider_args: list[str], corpus: Path, capture: bool, *, check: bool = True
) -> tuple[float, dict, int]:
    """One crawl process; returns (wall seconds, final stats, exit status).

    With ``check`` a failed crawl stops the bench; without it, its status is returned
    and its stats are whatever the crawl managed to write.
    """
    stats_file = corpus.with_suffix(".stats.json")
    # A fresh folder each time: a folder kept from an earlier run (--keep) would add
    # its WARC files and records to this crawl's.
    shutil.rmtree(corpus, ignore_errors=True)
    stats_file.unlink(missing_ok=True)
    command = [
        sys.executable, "-m", "scrapy", "crawl", *spider_args,
        "-s", f"CORPUS_DIR={corpus}",
        "-s", f"CRAWL_STATS_FILE={stats_file}",
        "-s", f"WARC_ENABLED={capture}",
        "-s", "LOG_LEVEL=WARNING",
    ]  # fmt: skip
    started = time.perf_counter()
    completed = subprocess.run(
        command, cwd=ROOT, env=crawl_env(ROOT), capture_output=True, text=True
    )
    wall = time.perf_counter() - started
    if completed.returncode != 0:
        failure = f"crawl failed ({completed.returncode}): {completed.stderr[-1500:]}"
        if check:
            raise SystemExit(failure)
        print(failure, flush=True)
    stats = json.loads(stats_file.read_text(encoding="utf-8")) if stats_file.exists() else {}
    return wall, stats, completed.returncode


@dataclass
class CaptureSize:
    """One capture-on corpus folder: its WARC files against its stored article records."""

    warc_bytes: int
    """Every WARC file's size, ``warcinfo`` records included."""
    responses: int
    """Response records: every fetch (articles, listings, redirects, robots.txt)."""
    articles: int
    record_bytes: float
    """Mean bytes of an article's record (``record/article`` of ``bench_pipeline``)."""
    page_ratios: list[float]
    """Per stored article: its response and request records' bytes ÷ its record's bytes."""
    page_bytes: int
    """The stored articles' own response and request records, summed."""
    page_record_bytes: int
    """The records of the articles counted in ``page_bytes``, summed."""
    unmatched: int
    """Stored articles whose ``source`` names no response record of the WARC files."""


def stored_sizes(warc_folder: Path) -> tuple[dict[str, int], dict[str, int], int]:
    """(response record id → its bytes, response record id → its request's bytes, responses).

    A record's bytes are its gzip member as stored: from its offset to the next
    record's, or to the end of the file.
    """
    responses: dict[str, int] = {}
    requests: dict[str, int] = {}
    for path in warc_files(warc_folder):
        with path.open("rb") as stream:
            iterator = ArchiveIterator(stream)
            entries = [
                (
                    record.rec_type,
                    record.rec_headers.get_header("WARC-Record-ID"),
                    record.rec_headers.get_header("WARC-Concurrent-To"),
                    iterator.get_record_offset(),
                )
                for record in iterator
            ]
        ends = [offset for *_, offset in entries[1:]] + [path.stat().st_size]
        for (kind, record_id, concurrent_to, offset), end in zip(entries, ends, strict=True):
            if kind == "response":
                responses[record_id] = end - offset
            elif kind == "request" and concurrent_to:
                requests[concurrent_to] = end - offset
    return responses, requests, len(responses)


def measure(corpus: Path) -> CaptureSize:
    """The capture of ``corpus`` (a crawl's ``CORPUS_DIR``) against its stored articles."""
    warc_folder = corpus / CORPUS_SUBFOLDER
    responses, requests, captured = stored_sizes(warc_folder)
    lines = jsonl_lines(corpus / "articles.jsonl")
    articles, record_bytes = count_units("news", lines)
    ratios: list[float] = []
    page_bytes = page_record_bytes = unmatched = 0
    for line in lines:
        record_id = (json.loads(line).get("source") or {}).get("record_id")
        if record_id not in responses:
            unmatched += 1
            continue
        own = responses[record_id] + requests.get(record_id, 0)
        ratios.append(own / line_bytes(line))
        page_bytes += own
        page_record_bytes += line_bytes(line)
    return CaptureSize(
        warc_bytes=sum(path.stat().st_size for path in warc_files(warc_folder)),
        responses=captured,
        articles=articles,
        record_bytes=record_bytes,
        page_ratios=ratios,
        page_bytes=page_bytes,
        page_record_bytes=page_record_bytes,
        unmatched=unmatched,
    )


def report(size: CaptureSize) -> None:
    """Print the capture against the records (see the module's docstring)."""
    articles, responses = max(size.articles, 1), max(size.responses, 1)
    print(f"  articles stored           {size.articles:,}")
    print(f"  responses captured        {size.responses:,} (every fetch, robots.txt included)")
    print(
        f"  WARC bytes                {size.warc_bytes:,} in all, "
        f"{size.warc_bytes / articles:,.0f} per article, "
        f"{size.warc_bytes / responses:,.0f} per response"
    )
    print(
        f"  record bytes per article  {size.record_bytes:,.0f} "
        "(record: the article's line in articles.jsonl, as bench_pipeline.py's record/article)"
    )
    record = size.record_bytes or 1.0
    print(
        f"  WARC ÷ record, in all     {size.warc_bytes / articles / record:.2f}x "
        "(WARC per article ÷ record per article)"
    )
    ratios = sorted(size.page_ratios)
    if not ratios:
        print("  per page                  no stored article's response record was found")
        return
    print(
        f"  articles' own records     {size.page_bytes:,} bytes, "
        f"{size.page_bytes / max(size.warc_bytes, 1):.1%} of the WARC bytes; "
        f"÷ their records {size.page_bytes / size.page_record_bytes:.2f}x"
    )
    # Deciles need two values; one page is its own 10th and 90th percentile.
    cuts = statistics.quantiles(ratios, n=10, method="inclusive") if len(ratios) > 1 else ratios * 9
    within = sum(ratio <= WITHIN for ratio in ratios)
    print(
        f"  per page, {len(ratios)} articles: own response and request records ÷ own record: "
        f"median {statistics.median(ratios):.2f}x, p10 {cuts[0]:.2f}x, p90 {cuts[8]:.2f}x; "
        f"within {WITHIN:g}x: {within} of {len(ratios)}"
    )
    if size.unmatched:
        print(f"  ({size.unmatched} stored articles name no response record of the capture)")


def synthetic(work: Path, articles: int, rounds: int) -> int:
    """Capture on against off on the synthetic site, interleaved over rounds."""
    site = build_site(work / "site", articles)
    spider_args = news_args(site)
    rates: dict[bool, list[float]] = {True: [], False: []}
    per_page: list[float] = []
    last_captured: Path | None = None
    for number in range(1, rounds + 1):
        line = [f"round {number}:"]
        # Alternate which goes first, so neither always runs on a warm cache.
        order = (True, False) if number % 2 else (False, True)
        for capture in order:
            corpus = work / f"corpus-{number}-{'on' if capture else 'off'}"
            wall, stats, _ = crawl(spider_args, corpus, capture)
            pages = stats.get("response_received_count", 0)
            rates[capture].append(pages / wall)
            label = "capture on " if capture else "capture off"
            line.append(f"{label} {pages} pages in {wall:.1f} s = {pages / wall:.1f} pages/s")
            if capture:
                per_page.append(stats["corpus/warc/bytes"] / pages)
                last_captured = corpus
        print("  ".join(line), flush=True)
    on, off = statistics.median(rates[True]), statistics.median(rates[False])
    print(
        f"median: capture off {off:.1f} pages/s, capture on {on:.1f} pages/s, "
        f"on/off ratio {on / off:.3f}; WARC bytes per page {statistics.median(per_page):.0f}"
    )
    if last_captured is not None:
        print(f"capture against the records, round {rounds} capture on:")
        report(measure(last_captured))
    return 0


def real_pages(folder: Path, work: Path) -> int:
    """One capture-on crawl of every page of ``folder``'s ``gold.json``, then its sizes."""
    if not folder.is_dir():
        print(f"bench_capture: {folder} is not a folder (--real-pages DIR)", file=sys.stderr)
        return 2
    gold = folder / "gold.json"
    for needed in (gold, folder / "replay", folder / "outlets.json"):
        if not needed.exists():
            print(
                f"bench_capture: {needed} not found: --real-pages wants a folder "
                "with gold.json, replay/ and outlets.json",
                file=sys.stderr,
            )
            return 2
    try:
        urls = [page["url"] for page in json.loads(gold.read_text(encoding="utf-8"))["pages"]]
    except (ValueError, KeyError, TypeError) as error:
        print(f"bench_capture: {gold} has no list of pages with urls ({error!r})", file=sys.stderr)
        return 2
    spider_args = [
        "defence_news",
        "-a", "urls=" + ",".join(urls),
        "-s", f"REPLAY_DIR={folder.resolve() / 'replay'}",
        "-s", f"NEWS_OUTLETS_FILE={folder.resolve() / 'outlets.json'}",
        "-s", "NEWS_COMMENTS_ENABLED=False",
        "-s", "LINKING_ENABLED=False",
    ]  # fmt: skip
    corpus = work / "corpus-real"
    wall, _, status = crawl(spider_args, corpus, True, check=False)
    print(f"real pages {folder}: {len(urls):,} pages asked; one crawl, {wall:.1f} s, exit {status}")
    report(measure(corpus))
    return 1 if status else 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--real-pages", type=Path, metavar="DIR", help="DIR/gold.json's pages")
    parser.add_argument("--keep", type=Path, help="work in this folder and keep it")
    options = parser.parse_args()
    work = options.keep or Path(tempfile.mkdtemp(prefix="bench-capture-"))
    work.mkdir(parents=True, exist_ok=True)
    try:
        if options.real_pages:
            return real_pages(options.real_pages, work)
        return synthetic(work, options.articles, options.rounds)
    finally:
        if not options.keep:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    raise SystemExit(main())
