"""Benchmark: bytes the full project crawl writes per article, beside the records it stores.

Builds a synthetic WordPress outlet in the replay format
(:mod:`bench.synthetic_site`) and crawls it into a fresh corpus folder with the
full project (every pipeline, the store, WARC capture, the snapshot), once with
linking on and once with ``LINKING_ENABLED=False``, alternating which goes first
in every round. Each crawl is a separate ``scrapy crawl defence_news`` process,
started through this file's ``--child`` mode, which at exit writes the process's
``/proc/self/io`` counters and the SQLite commits it made (explicit ``COMMIT``
statements and writes run outside a transaction, each its own commit).

Prints, per crawl: pages/s, bytes written per article (``write_bytes``: what
reached the storage layer; ``wchar``: what went through ``write()``), the mean
stored article record (bytes of its JSON line in ``articles.jsonl``) and the
ratio of the two, commits per item, the largest size the write-ahead log
reached, and the store's pages per table (SQLite's ``dbstat``); the same bytes
without the WARC capture; and where the store's writes went: with a rollback
journal (:class:`PageDiff`), the pages each commit added past the file's end and
those it changed in place, per table; with a write-ahead log (:class:`WalReader`),
log frames per commit and per table, and the pages each checkpoint copied back.
``--speeches`` crawls a TheyWorkForYou site (:mod:`bench.synthetic_twfy`) instead,
per speech. ``--into-store`` measures a small crawl into a large store at the
store's level: what putting ``--articles`` articles into a store of N costs.
:func:`measure` returns the same figures as a dict for a combined benchmark.

    .venv/bin/python bench/bench_writes.py [--articles 2000] [--rounds 1] [--keep DIR]
        [--linking both|on|off] [--set CORPUS_COMMIT_SECONDS=5] [--describe DIR…]
        [--speeches 1680]                       # a TheyWorkForYou site instead
    .venv/bin/python bench/bench_writes.py --into-store 30000 --articles 100
"""

from __future__ import annotations

import argparse
import atexit
import contextlib
import json
import shutil
import sqlite3
import struct
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.synthetic_site import SyntheticSite, build_site  # noqa: E402
from bench.synthetic_twfy import SyntheticTwfy  # noqa: E402
from bench.synthetic_twfy import build_site as build_twfy  # noqa: E402

STORE = "corpus.sqlite3"
WRITES = ("INSERT", "UPDATE", "DELETE", "REPLACE", "CREATE", "ALTER", "DROP")


def proc_io() -> dict[str, int]:
    """This process's I/O counters (``/proc/self/io``)."""
    text = Path("/proc/self/io").read_text(encoding="ascii")
    return {key: int(value) for key, value in (line.split(": ") for line in text.splitlines())}


class WalReader:
    """Follows a store's write-ahead log as it grows: which pages each commit wrote
    (one frame each) and how many distinct pages each checkpoint copied back.

    A log starts again from its head after a checkpoint, under new salt values
    (SQLite's WAL format): the frames of the previous generation are then the
    pages that checkpoint copied into the database file.
    """

    HEADER = 32
    FRAME_HEADER = 24

    def __init__(self, database: Path):
        self.path = Path(f"{database}-wal")
        self.salt: bytes | None = None
        self.offset = self.HEADER
        self.generation: set[int] = set()
        self.frames: dict[int, int] = {}
        """Frames written, by page number."""
        self.commit_frames: list[int] = []
        """Frames of each commit, in order."""
        self.checkpoint_pages: list[int] = []
        """Distinct pages of each log generation (what its checkpoint copied)."""

    def read(self) -> None:
        """Take in the frames written since the last call."""
        try:
            with self.path.open("rb") as wal:
                header = wal.read(self.HEADER)
                if len(header) < self.HEADER:
                    return
                page_size = struct.unpack(">I", header[8:12])[0]
                salt = header[16:24]
                if salt != self.salt:
                    self.end_generation()
                    self.salt, self.offset = salt, self.HEADER
                wal.seek(self.offset)
                frames = 0
                while True:
                    frame = wal.read(self.FRAME_HEADER)
                    if len(frame) < self.FRAME_HEADER or frame[8:16] != salt:
                        break
                    if len(wal.read(page_size)) < page_size:
                        break
                    page, size_after = struct.unpack(">II", frame[:8])
                    self.frames[page] = self.frames.get(page, 0) + 1
                    self.generation.add(page)
                    frames += 1
                    self.offset += self.FRAME_HEADER + page_size
                    if size_after:
                        self.commit_frames.append(frames)
                        frames = 0
        except FileNotFoundError:
            return

    def end_generation(self) -> None:
        if self.generation:
            self.checkpoint_pages.append(len(self.generation))
        self.generation = set()

    def report(self) -> dict[str, Any]:
        self.read()
        self.end_generation()
        return {
            "frames": {str(page): count for page, count in self.frames.items()},
            "commit_frames": self.commit_frames,
            "checkpoint_pages": self.checkpoint_pages,
        }


class PageDiff:
    """Follows a store kept with a rollback journal: which pages of the database file
    each commit wrote, read from the file itself (each page compared with what it
    held after the commit before). A page past the file's previous end is written
    once; a page that existed is first copied into the journal, so written twice."""

    def __init__(self, database: Path):
        self.path = Path(database)
        self.pages: list[int] = []
        self.appended: dict[int, int] = {}
        """Pages added past the file's end, by page number."""
        self.rewritten: dict[int, int] = {}
        """Pages changed in place (each also copied to the journal), by page number."""
        self.commit_pages: list[int] = []

    def read(self) -> None:
        """Take in the pages changed since the last call."""
        try:
            data = self.path.read_bytes()
        except FileNotFoundError:
            return
        if len(data) < 100:
            return
        size = struct.unpack(">H", data[16:18])[0]
        size = 65536 if size == 1 else size
        pages = [hash(data[start : start + size]) for start in range(0, len(data), size)]
        changed = 0
        for number, page in enumerate(pages, start=1):
            if number > len(self.pages):
                self.appended[number] = self.appended.get(number, 0) + 1
            elif self.pages[number - 1] == page:
                continue
            else:
                self.rewritten[number] = self.rewritten.get(number, 0) + 1
            changed += 1
        if changed:
            self.commit_pages.append(changed)
        self.pages = pages

    def report(self) -> dict[str, Any]:
        self.read()
        return {
            "appended": {str(page): count for page, count in self.appended.items()},
            "rewritten": {str(page): count for page, count in self.rewritten.items()},
            "commit_pages": self.commit_pages,
        }


def run_child(report: Path, argv: list[str]) -> None:
    """Run ``scrapy <argv>`` in this process; at exit write its I/O and commit counts,
    and what the store's write-ahead log saw (:class:`WalReader`)."""
    commits = {"commit": 0, "autocommit_write": 0}
    wals: dict[Path, WalReader] = {}
    diffs: dict[Path, PageDiff] = {}
    connect = sqlite3.connect

    class Connection(sqlite3.Connection):
        wal: WalReader | None = None
        diff: PageDiff | None = None

        def close(self) -> None:
            if self.wal is not None and self.diff is not None:
                # The last commit's frames, before closing checkpoints and removes the log.
                self.wal.read()
                self.diff.read()
            super().close()

    def counting_connect(*args: Any, **kwargs: Any) -> sqlite3.Connection:
        conn = connect(*args, factory=Connection, **kwargs)
        database = Path(str(args[0]))
        wal = diff = None
        if database.name == STORE:
            wal = wals.setdefault(database, WalReader(database))
            diff = diffs.setdefault(database, PageDiff(database))
        conn.wal, conn.diff = wal, diff

        def trace(statement: str) -> None:
            head = statement.lstrip().split(None, 1)[0].upper() if statement.strip() else ""
            if head in ("COMMIT", "END"):
                commits["commit"] += 1
            elif head in WRITES and not conn.in_transaction:
                commits["autocommit_write"] += 1
            if wal is not None and diff is not None and head in ("COMMIT", "END", "BEGIN"):
                # The frames of the commit before this statement are in the log, and
                # the pages of the one before a BEGIN in the database file.
                wal.read()
                if head == "BEGIN":
                    diff.read()

        conn.set_trace_callback(trace)
        return conn

    sqlite3.connect = counting_connect  # type: ignore[assignment]

    def write_report() -> None:
        logs = [wal.report() for wal in wals.values()]
        files = [diff.report() for diff in diffs.values()]
        report.write_text(
            json.dumps(
                {
                    "io": proc_io(),
                    **commits,
                    "wal": logs[0] if logs else {},
                    "pages": files[0] if files else {},
                }
            ),
            encoding="utf-8",
        )

    atexit.register(write_report)
    from scrapy.cmdline import execute

    execute(["scrapy", *argv])


def spider_options(site: SyntheticSite | SyntheticTwfy) -> list[str]:
    """The spider and options that crawl ``site``: the news outlet, or TheyWorkForYou
    in both interfaces."""
    if isinstance(site, SyntheticTwfy):
        spider = ["hansard", "-s", f"REPLAY_DIR={site.folder}", "-a", "interface=both"]
    else:
        spider = ["defence_news", *site.crawl_options()]
    return [*spider, "-a", f"since={site.since}", "-a", f"until={site.until}"]


def crawl(
    site: SyntheticSite | SyntheticTwfy,
    corpus: Path,
    *,
    linking: bool,
    settings: dict[str, str] | None = None,
) -> dict[str, Any]:
    """One crawl process into ``corpus`` (``settings`` over the project's); returns its figures."""
    stats_file = corpus.with_suffix(".stats.json")
    report = corpus.with_suffix(".io.json")
    command = [
        sys.executable, str(Path(__file__).resolve()), "--child", str(report), "--",
        "crawl", *spider_options(site),
        "-s", f"CORPUS_DIR={corpus}",
        "-s", f"CRAWL_STATS_FILE={stats_file}",
        "-s", f"LINKING_ENABLED={linking}",
        "-s", "LOG_LEVEL=WARNING",
    ]  # fmt: skip
    for name, value in (settings or {}).items():
        command += ["-s", f"{name}={value}"]
    wal = corpus / f"{STORE}-wal"
    largest_wal = 0
    done = threading.Event()

    def watch_wal() -> None:
        nonlocal largest_wal
        while not done.wait(0.1):
            with contextlib.suppress(OSError):
                largest_wal = max(largest_wal, wal.stat().st_size)

    watcher = threading.Thread(target=watch_wal, daemon=True)
    watcher.start()
    started = time.perf_counter()
    completed = subprocess.run(command, cwd=ROOT, capture_output=True, text=True)
    wall = time.perf_counter() - started
    done.set()
    watcher.join()
    if completed.returncode != 0:
        raise SystemExit(f"crawl failed ({completed.returncode}): {completed.stderr[-1500:]}")
    figures = figures_of(corpus, linking=linking)
    figures.update(seconds=wall, largest_wal=largest_wal)
    return figures


def figures_of(corpus: Path, *, linking: bool) -> dict[str, Any]:
    """The figures of a finished crawl into ``corpus`` (its stats and I/O report beside it)."""
    stats = json.loads(corpus.with_suffix(".stats.json").read_text(encoding="utf-8"))
    child = json.loads(corpus.with_suffix(".io.json").read_text(encoding="utf-8"))
    lines = (corpus / "articles.jsonl").read_bytes().splitlines()
    articles = len(lines)
    debates_file = corpus / "debates.jsonl"
    debates = debates_file.read_bytes().splitlines() if debates_file.exists() else []
    if not articles and debates:
        # A Hansard crawl: the unit is the speech, its record a debate's line over its speeches.
        lines = debates
        articles = sum(len(json.loads(line).get("speeches") or []) for line in debates)
    items = stats.get("item_scraped_count", 0) + sum(
        value for key, value in stats.items() if key.startswith("item_dropped_reasons_count/")
    )
    snapshot = sum(path.stat().st_size for path in corpus.glob("*.jsonl"))
    return {
        "linking": linking,
        "hansard": not (corpus / "articles.jsonl").read_bytes() and bool(debates),
        "seconds": stats.get("elapsed_time_seconds", 0.0),
        "pages": stats.get("response_received_count", 0),
        "articles": articles,
        "items": items,
        "write_bytes": child["io"]["write_bytes"],
        "wchar": child["io"]["wchar"],
        # What the crawl writes beside the store: the WARC capture and the snapshot.
        "warc_bytes": stats.get("corpus/warc/bytes", 0),
        "snapshot_bytes": snapshot,
        "record_bytes": sum(len(line) + 1 for line in lines) / max(articles, 1),
        "commits": child["commit"] + child["autocommit_write"],
        "largest_wal": 0,
        "store_bytes": (corpus / STORE).stat().st_size,
        "tables": table_bytes(corpus / STORE),
        "wal": child.get("wal") or {},
        "page_writes": child.get("pages") or {},
        "page_owners": page_owners(corpus / STORE),
    }


def page_owners(path: Path) -> dict[int, str]:
    """The table or index each page of the store belongs to (SQLite's ``dbstat``)."""
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return dict(conn.execute("SELECT pageno, name FROM dbstat").fetchall())
    except sqlite3.OperationalError:
        return {}
    finally:
        conn.close()


def by_table(counts: dict[str, int], owners: dict[int, str]) -> dict[str, int]:
    """``counts`` by page number summed by the table or index owning each page."""
    tables: dict[str, int] = {}
    for page, count in counts.items():
        name = owners.get(int(page), "(freed)")
        tables[name] = tables.get(name, 0) + count
    return tables


def journal_breakdown(figures: dict[str, Any], units: int) -> str:
    """Where a store kept with a rollback journal wrote: pages added past the file's
    end (written once) and pages changed in place (copied to the journal, then
    written), per unit and per table."""
    pages = figures["page_writes"]
    owners = figures["page_owners"]
    appended = by_table(pages["appended"], owners)
    rewritten = by_table(pages["rewritten"], owners)
    added, changed = sum(appended.values()), sum(rewritten.values())
    names = sorted(
        set(appended) | set(rewritten),
        key=lambda n: -(appended.get(n, 0) + 2 * rewritten.get(n, 0)),
    )
    tables = ", ".join(
        f"{name} {appended.get(name, 0) / units:.2f}+{rewritten.get(name, 0) / units:.2f}"
        for name in names[:12]
    )
    commits = pages["commit_pages"]
    return (
        f"pages written {added + changed} in {len(commits)} commits"
        f" ({(added + changed) / max(len(commits), 1):.1f} pages/commit):"
        f" {added / units:.2f}/unit added past the end (written once),"
        f" {changed / units:.2f}/unit changed in place (journaled, then written);"
        f" pages/unit by table, added+changed: {tables}"
    )


def wal_breakdown(figures: dict[str, Any], units: int) -> str:
    """Where the store's writes went: log frames per commit, per table and per
    unit, and the pages the checkpoints copied back, in 4 KiB pages."""
    wal = figures["wal"]
    if not wal or not wal["frames"]:
        if figures.get("page_writes", {}).get("commit_pages"):
            return journal_breakdown(figures, units)
        return "no write-ahead log seen"
    owners = figures["page_owners"]
    by_table: dict[str, int] = {}
    for page, count in wal["frames"].items():
        name = owners.get(int(page), "(freed)")
        by_table[name] = by_table.get(name, 0) + count
    frames = sum(by_table.values())
    commits = wal["commit_frames"]
    copied = sum(wal["checkpoint_pages"])
    tables = ", ".join(
        f"{name} {count / units:.2f}"
        for name, count in sorted(by_table.items(), key=lambda item: -item[1])[:12]
    )
    return (
        f"log frames {frames} ({frames / units:.2f}/unit) in {len(commits)} commits"
        f" ({frames / max(len(commits), 1):.1f} frames/commit);"
        f" checkpoints {len(wal['checkpoint_pages'])} copying {copied} pages"
        f" ({copied / units:.2f}/unit); frames/unit by table: {tables}"
    )


def table_bytes(path: Path) -> dict[str, int]:
    """Bytes of each table and index in the store (SQLite's ``dbstat``), largest first."""
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        rows = conn.execute(
            "SELECT name, sum(pgsize) FROM dbstat GROUP BY name ORDER BY 2 DESC"
        ).fetchall()
    except sqlite3.OperationalError:
        return {}
    finally:
        conn.close()
    return dict(rows)


def measure(
    articles: int = 2000,
    *,
    rounds: int = 1,
    work: Path | None = None,
    settings: dict[str, str] | None = None,
    linking: tuple[bool, ...] = (True, False),
    speeches: int = 0,
) -> dict:
    """Crawl a synthetic site of ``articles`` articles (or, given ``speeches``, a
    TheyWorkForYou site of that many speeches in a fifth as many sections) with
    linking on and off, ``rounds`` times each; returns ``{"on": [figures…], "off": [figures…]}``."""
    keep = work is not None
    work = work or Path(tempfile.mkdtemp(prefix="bench-writes-"))
    work.mkdir(parents=True, exist_ok=True)
    results: dict[str, list[dict[str, Any]]] = {"on": [], "off": []}
    try:
        site: SyntheticSite | SyntheticTwfy
        if speeches:
            site = build_twfy(work / "site-twfy", sections=speeches // 5, speeches=speeches)
        else:
            site = build_site(work / "site", articles)
        for number in range(1, rounds + 1):
            order = linking if number % 2 else linking[::-1]
            for on in order:
                corpus = work / f"corpus-{number}-{'on' if on else 'off'}"
                shutil.rmtree(corpus, ignore_errors=True)
                figures = crawl(site, corpus, linking=on, settings=settings)
                results["on" if on else "off"].append(figures)
    finally:
        if not keep:
            shutil.rmtree(work, ignore_errors=True)
    return results


def store_articles(folder: Path, count: int, name: str, project: Path) -> None:
    """Put ``count`` articles of random words into the store in ``folder`` as a crawl
    does (batched commits, then close), with ``project``'s code; print what this
    process wrote."""
    import random

    sys.path.insert(0, str(project))
    from crawler.corpus.store import CorpusStore
    from crawler.dedup.fingerprint import sketch
    from crawler.settings import CORPUS_COMMIT_ITEMS

    rng = random.Random(name)
    words = [f"word{number}" for number in range(20_000)]
    before = proc_io()["write_bytes"]
    store = CorpusStore(folder)
    store.batch_commits(CORPUS_COMMIT_ITEMS)
    for number in range(count):
        url = f"https://example.org/{name}-{number}/"
        record = {
            "id": f"example.org/{name}-{number}",
            "url": url,
            "urls": [url],
            "text": " ".join(rng.choice(words) for _ in range(120)),
            "published": "2025-02-01",
            "site": "example.org",
            "content_hash": f"{rng.getrandbits(128):032x}",
        }
        store.put_article(record, identities=record["urls"], sketch=sketch(record["text"]))
        store.item_done()
    store.close()
    written = proc_io()["write_bytes"] - before
    print(f"{name} {count} articles: {written / 2**20:.2f} MiB written, "
          f"{written / count / 1024:.1f} KiB/article")  # fmt: skip


def into_store(existing: int, added: int, work: Path, project: Path = ROOT) -> None:
    """A small crawl into a large store, at the store's level: ``existing`` articles
    are stored first, then ``added`` more, each by its own process (no WARC, no
    snapshot) running ``project``'s code; prints the bytes each wrote."""
    folder = work / "store"
    shutil.rmtree(folder, ignore_errors=True)
    for name, count in (("existing", existing), ("added", added)):
        command = [sys.executable, str(Path(__file__).resolve()), "--store-articles"]
        command += [str(folder), str(count), name, str(project)]
        subprocess.run(command, cwd=ROOT, check=True)


def describe(figures: dict[str, Any]) -> str:
    articles = max(figures["articles"], 1)
    record = figures["record_bytes"]
    per_article = figures["write_bytes"] / articles
    without_warc = (figures["write_bytes"] - figures["warc_bytes"]) / articles
    store = (figures["write_bytes"] - figures["warc_bytes"] - figures["snapshot_bytes"]) / articles
    unit = "speech" if figures["hansard"] else "article"
    plural = "speeches" if figures["hansard"] else "articles"
    top = ", ".join(
        f"{name} {size / 1e6:.1f} MB" for name, size in list(figures["tables"].items())[:6]
    )
    return (
        f"linking {'on ' if figures['linking'] else 'off'}: {figures['articles']} {plural},"
        f" {figures['pages'] / figures['seconds']:.1f} pages/s;"
        f" stored record {record / 1e3:.2f} KB;"
        f" written {per_article / 1e3:.1f} KB/{unit} = {per_article / record:.2f}x record"
        f" (write_bytes; wchar {figures['wchar'] / articles / 1e3:.1f} KB),"
        f" without the WARC capture {without_warc / 1e3:.1f} KB"
        f" = {without_warc / record:.2f}x record;"
        f" of which WARC {figures['warc_bytes'] / articles / 1e3:.1f} KB,"
        f" snapshot {figures['snapshot_bytes'] / articles / 1e3:.1f} KB,"
        f" store and the rest {store / 1e3:.1f} KB = {store / record:.2f}x record;"
        f" commits/item {figures['commits'] / max(figures['items'], 1):.3f}"
        f" ({figures['commits']} for {figures['items']} items);"
        f" largest WAL {figures['largest_wal'] / 1e6:.1f} MB;"
        f" store {figures['store_bytes'] / 1e6:.1f} MB ({top})"
        f"\n  store writes: {wal_breakdown(figures, articles)}"
    )


def main() -> int:
    if len(sys.argv) > 2 and sys.argv[1] == "--child":
        run_child(Path(sys.argv[2]), sys.argv[4:])
        return 0
    if len(sys.argv) > 2 and sys.argv[1] == "--store-articles":
        store_articles(Path(sys.argv[2]), int(sys.argv[3]), sys.argv[4], Path(sys.argv[5]))
        return 0
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument("--keep", type=Path, help="work in this folder and keep it")
    parser.add_argument(
        "--describe", type=Path, nargs="+", help="print the figures of kept corpus folders"
    )
    parser.add_argument(
        "--set", action="append", default=[], metavar="NAME=VALUE", help="a crawl setting"
    )
    parser.add_argument("--linking", choices=("both", "on", "off"), default="both")
    parser.add_argument(
        "--speeches", type=int, default=0, help="crawl a TheyWorkForYou site of so many speeches"
    )
    parser.add_argument(
        "--into-store",
        type=int,
        metavar="N",
        help="store N articles, then --articles more, through the store alone",
    )
    parser.add_argument(
        "--project", type=Path, default=ROOT, help="--into-store: the checkout whose code runs"
    )
    options = parser.parse_args()
    if options.into_store:
        work = options.keep or Path(tempfile.mkdtemp(prefix="bench-writes-"))
        try:
            into_store(options.into_store, options.articles, work, options.project)
        finally:
            if not options.keep:
                shutil.rmtree(work, ignore_errors=True)
        return 0
    if options.describe:
        for corpus in options.describe:
            print(f"{corpus}: {describe(figures_of(corpus, linking=corpus.name.endswith('-on')))}")
        return 0
    settings = dict(item.split("=", 1) for item in options.set)
    linking = {"both": (True, False), "on": (True,), "off": (False,)}[options.linking]
    results = measure(
        options.articles,
        rounds=options.rounds,
        work=options.keep,
        settings=settings,
        linking=linking,
        speeches=options.speeches,
    )
    for run in results["on"] + results["off"]:
        print(describe(run), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
