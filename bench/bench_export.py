"""Benchmark: exporting a synthetic corpus of 100,000 records in every format.

Builds a corpus through the store's own API (:class:`crawler.corpus.store.CorpusStore`):
two fifths articles (each with a body of a few paragraphs, tags and two
comments), two fifths speeches (in debates of 20), one fifth links. Then
times, side by side on that store:

- ``json dump`` (the baseline): every stored record read with
  ``iter_records`` and written back with ``json.dumps``, one file per table;
  no filters, no columns, no data card;
- ``scrapy export`` in each format (:func:`crawler.export.export`), with its
  selection pass, rows, data card, data package and checksums.

Prints, per run, the seconds, the records per second (the corpus's articles,
speeches and links, the same count for every run) and the time as a multiple
of the baseline's. Progress goes to stderr as it runs.

    .venv/bin/python bench/bench_export.py [--records 100000] [--keep DIR]
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from crawler.corpus.store import CorpusStore  # noqa: E402
from crawler.export import FORMATS, ExportOptions, export  # noqa: E402

SPEECHES_PER_DEBATE = 20
SITES = ("UK Defence Journal", "Forces News")
PARTIES = (("labour", "Labour", "Llafur"), ("conservative", "Conservative", "Ceidwadwyr"))
PARAGRAPH = (
    "The Secretary of State said the programme would deliver the capability the armed "
    "forces need, and that the department would report to the House on its progress. "
)


def progress(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def build_corpus(folder: Path, records: int) -> dict[str, int]:
    """A corpus of about ``records`` articles, speeches and links; returns the counts."""
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
                    },
                    family=f"{day}a.{n}",
                )
        progress(f"  {debates} debates, {debates * SPEECHES_PER_DEBATE} speeches")
        for start in range(0, articles, 5000):
            with store.transaction():
                for n in range(start, min(articles, start + 5000)):
                    store.put_article(article(n), identities=(), sketch=())
            progress(f"  {min(articles, start + 5000)}/{articles} articles")
        by_article: dict[str, list[dict[str, Any]]] = {}
        text = article(0)["text"]
        for n in range(links):
            debate = n % debates
            day = f"2025-{1 + debate % 12:02d}-{1 + debate % 28:02d}"
            article_id = f"a{n % articles:08d}"
            by_article.setdefault(article_id, []).append(
                {
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
        with store.transaction():
            for article_id, article_links in by_article.items():
                store.replace_links(article_id=article_id, links=article_links)
        progress(f"  {links} links")
    finally:
        store.close()
    return {"articles": articles, "speeches": debates * SPEECHES_PER_DEBATE, "links": links}


def article(n: int) -> dict[str, Any]:
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
        "text": "\n\n".join([PARAGRAPH * 2] * 4),
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
    """The baseline: every stored record decoded and written back as one JSON line."""
    folder.mkdir(parents=True)
    store = CorpusStore(corpus)
    try:
        for table in ("articles", "debates", "links"):
            with (folder / f"{table}.jsonl").open("w", encoding="utf-8") as out:
                for record in store.iter_records(table):
                    out.write(json.dumps(record, ensure_ascii=False))
                    out.write("\n")
    finally:
        store.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--keep", type=Path, help="build the corpus and exports here and keep them")
    args = parser.parse_args()
    work = args.keep or Path(tempfile.mkdtemp(prefix="bench-export-"))
    try:
        progress(f"building a corpus of {args.records} records in {work / 'corpus'}")
        started = time.perf_counter()
        counts = build_corpus(work / "corpus", args.records)
        progress(f"  built in {time.perf_counter() - started:.1f} s")
        total = sum(counts.values())
        runs: list[tuple[str, float]] = []
        progress("json dump (baseline)…")
        started = time.perf_counter()
        json_dump(work / "corpus", work / "json-dump")
        runs.append(("json dump", time.perf_counter() - started))
        progress(f"  {runs[-1][1]:.1f} s")
        for format in FORMATS:
            progress(f"scrapy export --format {format}…")
            started = time.perf_counter()
            export(work / "corpus", work / f"export-{format}", ExportOptions(format=format))
            runs.append((format, time.perf_counter() - started))
            progress(f"  {runs[-1][1]:.1f} s")
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    described = ", ".join(f"{count} {name}" for name, count in counts.items())
    print(f"corpus: {total} records ({described})")
    baseline = runs[0][1]
    print(f"{'run':<12} {'seconds':>8} {'records/s':>10} {'x json dump':>12}")
    for name, seconds in runs:
        print(f"{name:<12} {seconds:>8.2f} {total / seconds:>10,.0f} {seconds / baseline:>12.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
