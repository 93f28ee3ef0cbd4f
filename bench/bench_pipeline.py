"""Full project beside the bare spiders, on the same replays, interleaved over rounds.

Two synthetic sites are built once (:mod:`bench.synthetic_site`, a WordPress
defence-news outlet; :mod:`bench.synthetic_twfy`, TheyWorkForYou day indexes,
sections and member pages), then every round crawls each site twice, one
``python -m scrapy crawl`` process each, in turn:

- ``full``: the project as it ships (every pipeline, the corpus store, the
  snapshot at close), into a fresh corpus folder;
- ``bare``: the same spider and settings with ``-s ITEM_PIPELINES={}`` and the
  items written by a ``-O`` JSONL feed instead.

Printed per site and variant (median over rounds, the range beside it):
articles/s (news) or speeches/s (Hansard) over the crawl process's wall time
and over its CPU time (user and system, steadier on a shared machine), the
full÷bare ratio of each, bytes the crawl process wrote to storage per article or
speech (``write_bytes`` of ``/proc/self/io`` for the reaped crawl process,
which Linux adds to its parent's counters), and beside it the stored records'
mean size (the JSONL line of an article; a debate's line over its speeches);
then the same bytes without the WARC capture's (the raw archive of the fetched
pages, whose size follows the pages rather than the records).

``--others`` adds, after the crawls, the figures of the other benchmarks
(:data:`OTHER_MEASURES`): the linking index at 10k/100k speeches (1M with
``--million``: its build takes the better part of an hour), bytes written
per article with linking on and off, a one-article crawl into a 100k-record
corpus beside an empty one, and export records/s beside plain dumps.

``--profile`` adds one full crawl of each site under ``cProfile`` and prints
where its time goes, by component (:data:`COMPONENTS`).

Run: ``.venv/bin/python bench/bench_pipeline.py [--articles 2000|10000]
[--rounds 3] [--project DIR] [--baseline DIR]``. ``--project`` crawls with
another checkout's code; ``--baseline`` adds a second checkout (say, an
export of ``main``) whose crawls are interleaved with the project's in every
round, so before and after are measured under the same load. The sites are
built by this checkout.
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import pstats
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import synthetic_site, synthetic_twfy

REPO = Path(__file__).resolve().parent.parent
VARIANTS = ("full", "bare")

OTHER_MEASURES: dict[str, Callable[[Any, Path, argparse.Namespace], dict[str, Any]]] = {
    # The linking index at 10k and 100k speeches (1M with --million).
    "bench.bench_linking": lambda module, work, args: module.measure(
        [10_000, 100_000, 1_000_000] if args.million else [10_000, 100_000],
        folder=work,
        report=True,
    ),
    # Bytes the full news crawl writes per article, linking on and off.
    "bench.bench_writes": lambda module, work, args: module.measure(args.articles, work=work),
    # A one-article crawl into a 100k-record corpus beside one into an empty corpus.
    "bench.bench_snapshot": lambda module, work, args: module.measure(work),
    # Export records/s per format beside plain dumps, on 100k records.
    "bench.bench_export": lambda module, work, args: module.measure(work),
}
"""Other bench modules the combined run (``--others``) calls after the crawls, each
through its own ``measure``, and whose figures it prints under the module's name."""

COMPONENTS: tuple[tuple[str, str, str], ...] = (
    ("replay downloads", "crawler/replay.py", "download_request"),
    ("WARC capture", "crawler/warc/capture.py", "process_response"),
    ("page checks (middleware)", "crawler/pagecheck/middleware.py", "process_response"),
    ("page kind (news)", "crawler/pages/discovery.py", "page_kind"),
    ("article parsing", "crawler/pages/article.py", "parse_article"),
    ("page kind (TheyWorkForYou)", "crawler/pages/twfy.py", "page_kind"),
    ("debate parsing", "crawler/pages/twfy.py", "parse_debate"),
    ("member page parsing", "crawler/pages/twfy_members.py", "parse_member"),
    ("pipeline: page check", "pipelines/pagecheck.py", "process_item"),
    ("pipeline: merge", "pipelines/merge.py", "process_item"),
    ("pipeline: dates", "pipelines/dates.py", "process_item"),
    ("pipeline: parties", "pipelines/parties.py", "process_item"),
    ("pipeline: store and near-copies", "pipelines/corpus.py", "process_item"),
    ("pipeline: linking", "pipelines/linking.py", "process_item"),
    ("snapshot at close", "crawler/corpus/snapshot.py", "write_snapshot"),
)
"""(component, file, function) whose inclusive time (cProfile ``cumtime``) stands for it.

The entries of a component are summed (two pipelines of one file, say); no
entry point runs inside another, so nothing is counted twice. Time in the
garbage collector is spread over whatever ran when it struck.
"""


@dataclass
class Run:
    site: str
    code: str
    variant: str
    seconds: float
    cpu_seconds: float
    units: int
    write_bytes: int
    record_bytes: float
    returncode: int
    warc_bytes: int = 0
    """Bytes of the WARC capture the crawl wrote (``<CORPUS_DIR>/warc``)."""


def write_bytes_so_far() -> int:
    """Bytes this process and its reaped children sent to storage (``/proc/self/io``)."""
    for line in Path("/proc/self/io").read_text().splitlines():
        if line.startswith("write_bytes:"):
            return int(line.split()[1])
    raise RuntimeError("/proc/self/io has no write_bytes")


def children_cpu_seconds() -> float:
    """User and system CPU time of this process's reaped children so far."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def crawl_env(project: Path) -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = str(project)
    env.pop("SCRAPY_SETTINGS_MODULE", None)
    return env


def news_args(site: synthetic_site.SyntheticSite) -> list[str]:
    return [
        "defence_news",
        *site.crawl_options(),
        "-a", f"since={site.since}",
        "-a", f"until={site.until}",
    ]  # fmt: skip


def twfy_args(site: synthetic_twfy.SyntheticTwfy, interface: str) -> list[str]:
    return [
        "hansard",
        "-s", f"REPLAY_DIR={site.folder}",
        "-a", f"since={site.since}",
        "-a", f"until={site.until}",
        "-a", f"interface={interface}",
    ]  # fmt: skip


def jsonl_lines(path: Path) -> list[str]:
    if not path.exists():
        return []
    return [line for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def line_bytes(line: str) -> int:
    """A stored record's size: its JSONL line in UTF-8, with the newline that ends it."""
    return len(line.encode("utf-8")) + 1


def count_units(site: str, lines: list[str]) -> tuple[int, float]:
    """(distinct articles or speeches, mean bytes of records per article or speech).

    The bare feed holds one item per interface page, the corpus one merged
    record: both count each article URL or speech id once.
    """
    if not lines:
        return 0, 0.0
    size = sum(line_bytes(line) for line in lines)
    records = [json.loads(line) for line in lines]
    if site == "news":
        distinct = {record.get("url") for record in records}
    else:
        distinct = {
            speech.get("id") for record in records for speech in record.get("speeches") or []
        }
    return len(distinct), size / max(len(distinct), 1)


def crawl_once(
    site: str,
    variant: str,
    spider_args: list[str],
    project: Path,
    work: Path,
    prefix: list[str],
    code: str = "this",
) -> Run:
    """One crawl process into a fresh folder; wall time, units and bytes written."""
    out = work / f"{site}-{code}-{variant}"
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir(parents=True)
    command = [sys.executable, *prefix, "-m", "scrapy", "crawl", *spider_args]
    command += ["-s", f"CORPUS_DIR={out / 'corpus'}", "-s", "LOG_LEVEL=WARNING"]
    feed = out / "items.jsonl"
    if variant == "bare":
        # Coverage monitors judge normalised fields no pipeline fills here.
        command += ["-s", "ITEM_PIPELINES={}", "-s", "MONITOR_ENABLED=False"]
        command += ["-O", f"{feed}:jsonl"]
    before = write_bytes_so_far()
    cpu_before = children_cpu_seconds()
    started = time.perf_counter()
    done = subprocess.run(
        command, cwd=project, env=crawl_env(project), capture_output=True, text=True
    )
    seconds = time.perf_counter() - started
    cpu_seconds = children_cpu_seconds() - cpu_before
    written = write_bytes_so_far() - before
    if done.returncode != 0:
        print(f"  {site} {variant}: crawl exited {done.returncode}: {done.stderr[-600:]}")
    if variant == "bare":
        lines = jsonl_lines(feed)
    else:
        name = "articles.jsonl" if site == "news" else "debates.jsonl"
        lines = jsonl_lines(out / "corpus" / name)
    units, record_bytes = count_units(site, lines)
    # The raw archive of the fetched pages: its size follows the pages, not the records.
    warc = sum(path.stat().st_size for path in (out / "corpus" / "warc").glob("*.warc*"))
    return Run(
        site,
        code,
        variant,
        seconds,
        cpu_seconds,
        units,
        written,
        record_bytes,
        done.returncode,
        warc,
    )


def summarise(runs: list[Run], unit: str, plural: str) -> dict[str, float]:
    """Print one site's table; returns the median rate (per CPU second) of each variant.

    Rates are given per second of wall time and per second of the crawl
    process's CPU time; on a machine shared with other work the CPU rate is
    the steadier of the two.
    """
    medians: dict[str, float] = {}
    walls: dict[str, float] = {}
    print(
        f"{'variant':8s} {unit + '/s wall':>14s} {'range':>15s} {unit + '/s CPU':>13s} "
        f"{'range':>15s} {plural:>8s} {'written/' + unit:>14s} {'record/' + unit:>13s} "
        f"{'ratio':>6s} {'without WARC':>15s} {'ratio':>6s}"
    )
    for variant in VARIANTS:
        mine = [run for run in runs if run.variant == variant]
        if not mine:
            continue
        wall = [run.units / run.seconds for run in mine]
        cpu = [run.units / run.cpu_seconds for run in mine if run.cpu_seconds]
        walls[variant] = statistics.median(wall)
        medians[variant] = statistics.median(cpu) if cpu else 0.0
        written = statistics.median(run.write_bytes / max(run.units, 1) for run in mine)
        no_warc = statistics.median(
            (run.write_bytes - run.warc_bytes) / max(run.units, 1) for run in mine
        )
        record = mine[-1].record_bytes
        print(
            f"{variant:8s} {walls[variant]:14.1f} {min(wall):7.1f}-{max(wall):<7.1f} "
            f"{medians[variant]:13.1f} {min(cpu, default=0):7.1f}-{max(cpu, default=0):<7.1f} "
            f"{mine[-1].units:8d} {written / 1024:11.1f} KB {record / 1024:10.2f} KB "
            f"{written / record if record else 0:5.1f}x {no_warc / 1024:12.1f} KB "
            f"{no_warc / record if record else 0:5.1f}x"
        )
    if "full" in medians and "bare" in medians:
        print(
            f"full ÷ bare: {walls['full'] / walls['bare']:.2f} (wall), "
            f"{medians['full'] / medians['bare']:.2f} (CPU)"
        )
    return medians


def component_of(entry: tuple[str, int, str]) -> str | None:
    """The component a cProfile entry ``(file, line, function)`` is the entry point of."""
    filename, _, function = entry
    for name, path, wanted in COMPONENTS:
        if filename.endswith(path) and function == wanted:
            return name
    return None


def profile_crawl(
    site: str, spider_args: list[str], project: Path, work: Path
) -> tuple[float, list[tuple[str, float]]]:
    """One full crawl under cProfile: (total seconds, [(component, inclusive seconds)]).

    The first row is the time the reactor ran (``CrawlerProcess.start``): the
    rest of the total is start-up (imports, settings) and shutdown.
    """
    out = work / f"{site}-profile"
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir(parents=True)
    profile = out / "crawl.prof"
    run = crawl_once(
        site, "full", spider_args, project, out, ["-m", "cProfile", "-o", str(profile)]
    )
    if run.returncode != 0 or not profile.exists():
        return run.seconds, []
    stats = pstats.Stats(str(profile))
    total = max(entry[3] for entry in stats.stats.values())  # type: ignore[attr-defined]
    spent: dict[str, float] = {}
    running = max(
        (
            entry[3]
            for function, entry in stats.stats.items()  # type: ignore[attr-defined]
            if function[0].endswith("scrapy/crawler.py") and function[2] == "start"
        ),
        default=0.0,
    )
    for function, entry in stats.stats.items():  # type: ignore[attr-defined]
        name = component_of(function)
        if name is not None:
            spent[name] = spent.get(name, 0.0) + entry[3]
    parts = sorted(spent.items(), key=lambda pair: -pair[1])
    return total, [("the reactor running (the crawl)", running), *parts]


def print_profile(site: str, total: float, parts: list[tuple[str, float]]) -> None:
    print(f"\nprofile, full {site} crawl: {total:.1f} s in the process (cProfile)")
    if not parts:
        return
    (label, running), components = parts[0], parts[1:]
    print(f"  {'start-up and shutdown':32s} {total - running:7.1f} s {1 - running / total:6.1%}")
    print(f"  {label:32s} {running:7.1f} s {running / total:6.1%}, of which:")
    for name, seconds in components:
        print(f"    {name:30s} {seconds:7.1f} s {seconds / total:6.1%}")
    rest = running - sum(seconds for _, seconds in components)
    print(f"    {'engine, middlewares, the rest':30s} {rest:7.1f} s {rest / total:6.1%}")


def other_measures(work: Path, args: argparse.Namespace) -> None:
    """The figures of the other bench modules (:data:`OTHER_MEASURES`)."""
    for module_name, call in OTHER_MEASURES.items():
        try:
            module = importlib.import_module(module_name)
        except ImportError:
            print(f"\n{module_name}: not present, skipped")
            continue
        print(f"\n{module_name}:", flush=True)
        folder = work / module_name.rsplit(".", 1)[-1]
        folder.mkdir(parents=True, exist_ok=True)
        for name, value in call(module, folder, args).items():
            print(f"  {name}: {value}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=2000, help="news articles (2000)")
    parser.add_argument("--sections", type=int, default=1000, help="debate sections (1000)")
    parser.add_argument("--speeches", type=int, default=8400, help="speeches (8400)")
    parser.add_argument("--interface", default="both", help="TheyWorkForYou: en|cy|both (both)")
    parser.add_argument("--rounds", type=int, default=3, help="interleaved rounds (3)")
    parser.add_argument("--sites", default="news,hansard", help="news,hansard or one of them")
    parser.add_argument("--project", type=Path, default=REPO, help="checkout whose code crawls")
    parser.add_argument("--baseline", type=Path, help="a second checkout, interleaved with it")
    parser.add_argument("--work", type=Path, help="scratch folder (default: a temporary one)")
    parser.add_argument("--profile", action="store_true", help="profile one full crawl each")
    parser.add_argument("--others", action="store_true", help="run OTHER_MEASURES too")
    parser.add_argument("--million", action="store_true", help="--others: index 1M speeches too")
    args = parser.parse_args()

    work = args.work or Path(tempfile.mkdtemp(prefix="bench-pipeline-"))
    work.mkdir(parents=True, exist_ok=True)
    sites = [name.strip() for name in args.sites.split(",") if name.strip()]
    spiders: dict[str, list[str]] = {}
    units = {"news": "article", "hansard": "speech"}
    plural = {"news": "articles", "hansard": "speeches"}
    if "news" in sites:
        news = synthetic_site.build_site(work / "site-news", args.articles)
        spiders["news"] = news_args(news)
        print(f"news: {news.articles} articles, {news.listing_pages} listing pages")
    if "hansard" in sites:
        twfy = synthetic_twfy.build_site(
            work / "site-twfy", sections=args.sections, speeches=args.speeches
        )
        spiders["hansard"] = twfy_args(twfy, args.interface)
        print(
            f"hansard: {twfy.sections} sections, {twfy.speeches} speeches, "
            f"{twfy.members} member pages, interface {args.interface}"
        )
    print(f"{args.rounds} rounds, code and variants interleaved\n", flush=True)

    codes = {"this": args.project}
    if args.baseline:
        codes = {"baseline": args.baseline, **codes}
    runs: list[Run] = []
    failed = False
    for round_number in range(1, args.rounds + 1):
        for site, spider_args in spiders.items():
            for code, project in codes.items():
                for variant in VARIANTS:
                    run = crawl_once(site, variant, spider_args, project, work, [], code)
                    failed |= run.returncode != 0
                    runs.append(run)
                    print(
                        f"round {round_number} {site:7s} {code:8s} {variant:4s} "
                        f"{run.seconds:7.1f} s ({run.cpu_seconds:.1f} s CPU) "
                        f"{run.units} {plural[site]}, "
                        f"{run.write_bytes / 1e6:.1f} MB written",
                        flush=True,
                    )
    for site in spiders:
        for code, project in codes.items():
            print(f"\n{site}, code {code} ({project}): {plural[site]}, {args.rounds} rounds")
            mine = [run for run in runs if run.site == site and run.code == code]
            summarise(mine, units[site], plural[site])

    if args.profile:
        for site, spider_args in spiders.items():
            print_profile(site, *profile_crawl(site, spider_args, args.project, work))
    if args.others:
        other_measures(work, args)
    if not args.work:
        shutil.rmtree(work, ignore_errors=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
