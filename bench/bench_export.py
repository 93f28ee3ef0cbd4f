"""Benchmark: exporting a synthetic corpus of 100,000 records in every format.

Builds a corpus through the store's own API (:class:`crawler.corpus.store.CorpusStore`):
two fifths articles (each with a body of a few paragraphs, tags and two
comments), two fifths speeches (in debates of 20), one fifth links, each record
holding every field of its type (:mod:`crawler.items`), as the crawl stores
them. Then times, side by side on that store:

- ``orjson dump`` (the baseline): every stored record read, decoded and
  written back with orjson, one file per table; no filters, no columns, no
  data card: what a dump of the rows costs at best;
- ``json dump``: the same loop encoding with the standard ``json`` module;
- ``scrapy export`` in each format (:func:`crawler.export.export`), with its
  selection pass, rows, data card, data package and checksums.

``--baseline DIR`` adds the export of another checkout (say, one of main's
code) in each ``--format``, run in the same rounds on a corpus of the same
records that checkout's store wrote.

Each run is a forked process, the runs interleaved over ``--rounds`` so that
machine noise falls on all alike; the best round counts. Prints, per run, the
seconds, the records per second (the corpus's articles, speeches and links,
the same count for every run), the time as a multiple of the baseline's, the
same three in CPU time (steadier than wall time on a shared machine) and the
process's peak resident memory. Progress goes to stderr as it runs.
:func:`measure` returns the same figures for a combined benchmark.

``--stages`` adds what a default JSON Lines export of the corpus costs, stage by
stage, in CPU seconds (the median of ``--rounds``, in this process): choosing the
records, then for each table reading its rows and making its lines, the SHA-256
of those lines, and writing them to a file (flushed to disk, as the export does).

    .venv/bin/python bench/bench_export.py [--records 100000] [--rounds 3] [--format jsonl]
        [--baseline DIR] [--stages]
"""

from __future__ import annotations

import argparse
import hashlib
import importlib
import json
import os
import shutil
import statistics
import sys
import tempfile
import time
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any

import orjson

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from crawler.export import FORMATS  # noqa: E402

SPEECHES_PER_DEBATE = 20
SITES = ("UK Defence Journal", "Forces News")
PARTIES = (("labour", "Labour", "Llafur"), ("conservative", "Conservative", "Ceidwadwyr"))
PARAGRAPH = (
    "The Secretary of State said the programme would deliver the capability the armed "
    "forces need, and that the department would report to the House on its progress. "
)


def progress(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def build_corpus(folder: Path, records: int, paragraphs: int = 4) -> dict[str, int]:
    """A corpus of about ``records`` articles (of ``paragraphs`` paragraphs), speeches
    and links; returns the counts."""
    # Imported here: a run with another checkout's code imports its own (use_code).
    from crawler.corpus.store import CorpusStore
    from crawler.items import LinkItem, article_from_record, as_dict, debate_from_record

    articles = records * 2 // 5
    debates = max(1, records * 2 // 5 // SPEECHES_PER_DEBATE)
    links = records - articles - debates * SPEECHES_PER_DEBATE
    store = CorpusStore(folder)
    try:
        with store.transaction():
            for n in range(debates):
                day = f"2025-{1 + n % 12:02d}-{1 + n % 28:02d}"
                speeches = []
                for s in range(SPEECHES_PER_DEBATE):
                    party, en, cy = PARTIES[s % 2]
                    speeches.append(
                        {
                            "id": f"{day}a.{n}.{s + 1}",
                            "text": PARAGRAPH * 3,
                            "speaker_name": f"Member {s}",
                            "person_id": str(10000 + s),
                            "party": party,
                            "party_raw": {"en": en, "cy": cy},
                            "party_source": "speaker_line",
                            "time": "14:30",
                        }
                    )
                store.put_debate(
                    as_dict(
                        debate_from_record(
                            {
                                "id": f"{day}a.{n}.0",
                                "house": "commons",
                                "url": f"https://www.theyworkforyou.com/debates/?id={day}a.{n}.0",
                                "interface": "en",
                                "fetched_at": f"{day}T06:00:00+00:00",
                                "title": f"Defence debate {n}",
                                "date": day,
                                "date_raw": {"en": day},
                                "interfaces": ["cy", "en"],
                                "speeches": speeches,
                                "first_seen": f"{day}T06:00:00+00:00",
                                "last_changed": f"{day}T06:00:00+00:00",
                            }
                        )
                    ),
                    family=f"{day}a.{n}",
                )
        progress(f"  {debates} debates, {debates * SPEECHES_PER_DEBATE} speeches")
        for start in range(0, articles, 5000):
            with store.transaction():
                for n in range(start, min(articles, start + 5000)):
                    record = as_dict(article_from_record(article(n, paragraphs)))
                    store.put_article(record, identities=(), sketch=())
            progress(f"  {min(articles, start + 5000)}/{articles} articles")
        by_article: dict[str, list[dict[str, Any]]] = {}
        text = article(0)["text"]
        for n in range(links):
            debate = n % debates
            day = f"2025-{1 + debate % 12:02d}-{1 + debate % 28:02d}"
            article_id = f"a{n % articles:08d}"
            by_article.setdefault(article_id, []).append(
                as_dict(
                    LinkItem(
                        **{
                            "id": f"l{n:08d}",
                            "article_id": article_id,
                            "debate_id": f"{day}a.{debate}.0",
                            "speech_id": f"{day}a.{debate}.{1 + n % SPEECHES_PER_DEBATE}",
                            "quote": text[:80],
                            "article_start": 0,
                            "article_end": 80,
                            "speech_start": 0,
                            "speech_end": 80,
                            "score": 1.0,
                            "kind": "exact",
                        }
                    )
                )
            )
        with store.transaction():
            for article_id, article_links in by_article.items():
                store.replace_links(article_id=article_id, links=article_links)
        progress(f"  {links} links")
    finally:
        store.close()
    return {"articles": articles, "speeches": debates * SPEECHES_PER_DEBATE, "links": links}


def article(n: int, paragraphs: int = 4) -> dict[str, Any]:
    published = f"2025-{1 + n % 12:02d}-{1 + n % 28:02d}"
    return {
        "id": f"a{n:08d}",
        "url": f"https://ukdefencejournal.org.uk/article-{n}/",
        "canonical_url": f"https://ukdefencejournal.org.uk/article-{n}/",
        "urls": [f"https://ukdefencejournal.org.uk/article-{n}/"],
        "site": SITES[n % 2],
        "fetched_at": f"{published}T09:00:00+00:00",
        "title": f"Article {n}",
        "authors": ["A. Writer"],
        # Every tenth article is dated only to the month, as some pages print.
        "published": published[:7] if n % 10 == 0 else f"{published}T08:30:00+00:00",
        "published_raw": published,
        "published_precision": "month" if n % 10 == 0 else "minute",
        "language": "en",
        "text": "\n\n".join([PARAGRAPH * 2] * paragraphs),
        "tags": ["Defence", "Navy"],
        "comments": [
            {"id": f"{n}-{c}", "author": "Reader", "published_raw": "2 days ago", "text": "Agreed."}
            for c in range(2)
        ],
        "first_seen": f"{published}T09:00:00+00:00",
        "last_changed": f"{published}T09:00:00+00:00",
        "extraction": {"title": "json-ld", "text": "selectors"},
        "flags": [],
    }


def json_dump(corpus: Path, folder: Path) -> None:
    """A plain dump: every stored record decoded and written back as one JSON line."""
    dump(corpus, folder, lambda record: json.dumps(record, ensure_ascii=False).encode())


def orjson_dump(corpus: Path, folder: Path) -> None:
    """The baseline: :func:`json_dump` with orjson, as fast as a dump of the rows goes."""
    dump(corpus, folder, orjson.dumps)


def dump(corpus: Path, folder: Path, encode: Callable[[Any], bytes]) -> None:
    from crawler.corpus.store import CorpusStore

    folder.mkdir(parents=True)
    store = CorpusStore(corpus, read_only=True)
    try:
        for table in ("articles", "debates", "links"):
            with (folder / f"{table}.jsonl").open("wb") as out:
                for text in store.iter_raw(table):
                    out.write(encode(orjson.loads(text)))
                    out.write(b"\n")
    finally:
        store.close()


def use_code(tree: Path) -> None:
    """Make this process import the crawler from checkout ``tree`` from now on
    (run in a forked child, whose modules are its own)."""
    for name in [name for name in sys.modules if name.split(".")[0] == "crawler"]:
        del sys.modules[name]
    sys.path[:] = [str(tree), *(entry for entry in sys.path if entry != str(ROOT))]
    importlib.invalidate_caches()


def export_run(corpus: Path, out: Path, format: str) -> None:
    """One ``scrapy export`` of ``corpus`` in ``format``, by the code this process imports."""
    from crawler.export import ExportOptions, export

    export(corpus, out, ExportOptions(format=format))


def code_of(tree: Path) -> Callable[[], None]:
    """What readies a forked run for checkout ``tree``'s code: its modules imported anew,
    as this process has imported its own, before the clock starts."""

    def prepare() -> None:
        use_code(tree)
        importlib.import_module("crawler.export")

    return prepare


def build_with(tree: Path, folder: Path, records: int) -> None:
    """:func:`build_corpus` by checkout ``tree``'s store, in a forked process."""

    def build() -> None:
        use_code(tree)
        build_corpus(folder, records)

    timed_in_child(build)


def timed_in_child(
    run: Callable[[], None], prepare: Callable[[], None] | None = None
) -> tuple[float, float, float]:
    """Run ``run`` in a forked process, after ``prepare``: (wall seconds of ``run``, its
    CPU seconds, peak resident MiB of that process)."""
    reader, writer = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(reader)
        status = 0
        try:
            if prepare is not None:
                prepare()
            started, cpu = time.perf_counter(), time.process_time()
            run()
            timings = (time.perf_counter() - started, time.process_time() - cpu)
            os.write(writer, " ".join(map(repr, timings)).encode())
        except BaseException:
            traceback.print_exc()
            status = 1
        os._exit(status)
    os.close(writer)
    with os.fdopen(reader, "rb") as pipe:
        timing = pipe.read()
    _, status, usage = os.wait4(pid, 0)
    if status != 0:
        raise SystemExit("a benchmark run failed (see above)")
    wall, cpu = map(float, timing.split())
    return wall, cpu, usage.ru_maxrss / 1024


def measure(
    work: Path,
    records: int = 100_000,
    formats: tuple[str, ...] = FORMATS,
    rounds: int = 1,
    baseline: Path | None = None,
) -> dict[str, Any]:
    """Build a corpus in ``work`` and time the dumps and each export format on it,
    interleaved over ``rounds``; returns per run the best seconds, records/s and peak MiB.
    With ``baseline`` (another checkout), that checkout's export in each format too,
    on a corpus of the same records its own store wrote."""
    progress(f"building a corpus of {records} records in {work / 'corpus'}")
    started = time.perf_counter()
    counts = build_corpus(work / "corpus", records)
    progress(f"  built in {time.perf_counter() - started:.1f} s")
    if baseline is not None:
        progress(f"building the same corpus with {baseline}'s store in {work / 'corpus-base'}")
        build_with(baseline, work / "corpus-base", records)
    total = sum(counts.values())
    # Each run: (what readies its process, what is timed).
    Run = tuple[Callable[[], None] | None, Callable[[Path], None]]
    runs: dict[str, Run] = {
        "orjson dump": (None, lambda out: orjson_dump(work / "corpus", out)),
        "json dump": (None, lambda out: json_dump(work / "corpus", out)),
    }
    for format in formats:
        if baseline is not None:
            runs[f"{format} (base)"] = (
                code_of(baseline),
                lambda out, format=format: export_run(work / "corpus-base", out, format),
            )
        runs[format] = (None, lambda out, format=format: export_run(work / "corpus", out, format))
    seconds: dict[str, list[float]] = {name: [] for name in runs}
    cpu_seconds: dict[str, list[float]] = {name: [] for name in runs}
    peaks: dict[str, list[float]] = {name: [] for name in runs}
    for number in range(rounds):
        for name, (prepare, run) in runs.items():
            out = work / f"out-{name.replace(' ', '-').replace('(', '').replace(')', '')}"
            shutil.rmtree(out, ignore_errors=True)
            progress(f"round {number + 1}: {name}…")
            wall, cpu, peak = timed_in_child(lambda run=run, out=out: run(out), prepare)
            seconds[name].append(wall)
            cpu_seconds[name].append(cpu)
            peaks[name].append(peak)
            progress(f"  {wall:.2f} s, {cpu:.2f} s CPU, {peak:.0f} MiB")
            shutil.rmtree(out, ignore_errors=True)
    baseline = min(seconds["orjson dump"])
    cpu_baseline = min(cpu_seconds["orjson dump"])
    return {
        "records": total,
        "counts": counts,
        "runs": {
            name: {
                "seconds": min(seconds[name]),
                "records_per_s": total / min(seconds[name]),
                "x_orjson_dump": min(seconds[name]) / baseline,
                "cpu_seconds": min(cpu_seconds[name]),
                "records_per_cpu_s": total / min(cpu_seconds[name]),
                "cpu_x_orjson_dump": min(cpu_seconds[name]) / cpu_baseline,
                "peak_mib": max(peaks[name]),
            }
            for name in runs
        },
    }


def stage_costs(corpus: Path, rounds: int = 3) -> dict[str, float]:
    """CPU seconds of each stage of a default JSON Lines export of ``corpus`` (by
    this checkout's code), the median of ``rounds``."""
    from crawler.export import ExportOptions
    from crawler.export.filters import Vocabulary
    from crawler.export.rows import LINE_SOURCES, Tally
    from crawler.export.selection import ReadOnlyCorpus, select
    from crawler.export.writers import writer_for

    costs: dict[str, list[float]] = {}

    def timed(stage: str, work: Callable[[], Any]) -> Any:
        started = time.process_time()
        result = work()
        costs.setdefault(stage, []).append(time.process_time() - started)
        return result

    vocabulary = Vocabulary.load()
    options = vocabulary.resolve(ExportOptions(format="jsonl"))
    writer = writer_for("jsonl")
    with tempfile.TemporaryDirectory(prefix="bench-export-stages-") as out:
        for _ in range(rounds):
            store = ReadOnlyCorpus(corpus)
            try:
                with store.read_transaction():
                    selection = timed(
                        "selection",
                        lambda store=store: select(
                            store, options, vocabulary, speeches_when_written=True
                        ),
                    )
                    tally = Tally()
                    tables = writer.tables(options, selection.party_interfaces)
                    for table in sorted(tables, key=lambda table: table.name == "links"):
                        pieces = timed(
                            f"{table.name}: read, lines",
                            lambda table=table, selection=selection, tally=tally, store=store: list(
                                LINE_SOURCES[table.name](store, selection, table, tally)
                            ),
                        )
                        lines = b"".join(pieces)  # as the writer's buffer gathers them
                        timed(f"{table.name}: SHA-256", lambda lines=lines: hashlib.sha256(lines))
                        timed(
                            f"{table.name}: write",
                            lambda lines=lines: write_flushed(Path(out) / "table", lines),
                        )
            finally:
                store.close()
    return {stage: statistics.median(seconds) for stage, seconds in costs.items()}


def write_flushed(path: Path, data: bytes) -> None:
    with path.open("wb") as out:
        out.write(data)
        out.flush()
        os.fsync(out.fileno())


def report_stages(costs: dict[str, float]) -> None:
    print("a default JSON Lines export, CPU seconds by stage (median):")
    for stage, seconds in costs.items():
        print(f"  {stage:<22} {seconds:>6.3f}")
    print(f"  {'total':<22} {sum(costs.values()):>6.3f}")


def report(result: dict[str, Any]) -> None:
    described = ", ".join(f"{count} {name}" for name, count in result["counts"].items())
    print(f"corpus: {result['records']} records ({described})")
    print(
        f"{'run':<14} {'seconds':>8} {'records/s':>10} {'x orjson dump':>14}"
        f" {'CPU s':>6} {'records/CPU s':>14} {'CPU x dump':>11} {'peak MiB':>9}"
    )
    for name, run in result["runs"].items():
        print(
            f"{name:<14} {run['seconds']:>8.2f} {run['records_per_s']:>10,.0f}"
            f" {run['x_orjson_dump']:>14.2f} {run['cpu_seconds']:>6.2f}"
            f" {run['records_per_cpu_s']:>14,.0f} {run['cpu_x_orjson_dump']:>11.2f}"
            f" {run['peak_mib']:>9.0f}"
        )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=3, help="interleaved rounds (best is kept)")
    parser.add_argument("--format", action="append", choices=FORMATS, help="default: every one")
    parser.add_argument("--keep", type=Path, help="build the corpus and exports here and keep them")
    parser.add_argument(
        "--baseline", type=Path, help="another checkout whose export runs beside this one's"
    )
    parser.add_argument(
        "--stages", action="store_true", help="add a default JSON Lines export's cost by stage"
    )
    args = parser.parse_args()
    work = args.keep or Path(tempfile.mkdtemp(prefix="bench-export-"))
    try:
        result = measure(
            work, args.records, tuple(args.format or FORMATS), args.rounds, args.baseline
        )
        costs = stage_costs(work / "corpus", args.rounds) if args.stages else None
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    report(result)
    if costs is not None:
        report_stages(costs)
    return 0


if __name__ == "__main__":
    sys.exit(main())
