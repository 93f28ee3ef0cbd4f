"""Time per page of the generic article path beside trafilatura alone, on the same pages.

Every HTML page of a replay folder is read, in one process and page by page
in turn, by:

- ``trafilatura``: ``trafilatura.extract(html, include_comments=False)``, the
  library alone, from the HTML string;
- ``generic article``: ``parse_article`` with an outlet that has no selectors,
  from the HTML string (parsing, every field, the body choice);
- ``generic body``: ``body.read_body`` on a parsed page (markup reader,
  trafilatura reader anchored to the page, and the choice between them);
- ``markup reader``: ``body.markup_body`` alone, on a parsed page.

Prints milliseconds per page (mean and median) and each figure's ratio to
trafilatura alone. Pages come from ``<pages>/replay`` (default
``../shared/realpages-dev`` relative to the repository) when it exists,
else from ``sample_pages/``.

Run: ``.venv/bin/python bench/bench_extract.py [--pages DIR] [--repeat R] [--limit N]``
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

import trafilatura
from parsel import Selector

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from crawler.outlets import Outlet
from crawler.pages import body
from crawler.pages.article import parse_article

REPO = Path(__file__).resolve().parent.parent
DEFAULT_PAGES = REPO.parent / "shared" / "realpages-dev"
GENERIC = Outlet(key="bench", name="Bench", allowed_domains=("example.org",))


def html_pages(folder: Path) -> list[tuple[str, str]]:
    """(url, html) of every HTML page listed in a replay folder's manifest."""
    pages: list[tuple[str, str]] = []
    for line in (folder / "manifest.jsonl").read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        entry = json.loads(line)
        content_type = str(entry.get("headers", {}).get("Content-Type", ""))
        if entry.get("status", 200) != 200 or "html" not in content_type:
            continue
        path = folder / entry["path"]
        pages.append((entry["url"], path.read_text(encoding="utf-8", errors="replace")))
    return pages


def timed(run: Callable[[], object]) -> float:
    started = time.perf_counter()
    run()
    return (time.perf_counter() - started) * 1000


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=Path, default=DEFAULT_PAGES, help="real-pages folder")
    parser.add_argument("--repeat", type=int, default=1, help="passes over the pages")
    parser.add_argument("--limit", type=int, default=0, help="read only the first N pages")
    args = parser.parse_args()

    replay = args.pages / "replay"
    folder = replay if (replay / "manifest.jsonl").exists() else REPO / "sample_pages"
    pages = html_pages(folder)
    if args.limit:
        pages = pages[: args.limit]
    if not pages:
        print(f"bench_extract: no HTML pages in {folder}", file=sys.stderr)
        return 2

    readers: dict[str, Callable[[str, str], Callable[[], object]]] = {
        "trafilatura": lambda url, html: lambda: trafilatura.extract(html, include_comments=False),
        "generic article": lambda url, html: (
            lambda: parse_article(
                html,
                url=url,
                outlet=GENERIC,
                fetched_at="2025-01-01T00:00:00Z",
                with_comments=False,
            )
        ),
        "generic body": lambda url, html: lambda: body.read_body(Selector(text=html)),
        "markup reader": lambda url, html: lambda: body.markup_body(Selector(text=html)),
    }
    times: dict[str, list[float]] = {name: [] for name in readers}
    for _ in range(args.repeat):
        for url, html in pages:
            for name, reader in readers.items():
                times[name].append(timed(reader(url, html)))

    print(f"{len(pages)} pages from {folder}, {args.repeat} pass(es), one process")
    base = statistics.fmean(times["trafilatura"])
    print(f"{'reader':16s} {'ms/page':>8s} {'median':>8s} {'x trafilatura':>14s}")
    for name, values in times.items():
        mean = statistics.fmean(values)
        print(f"{name:16s} {mean:8.1f} {statistics.median(values):8.1f} {mean / base:14.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
