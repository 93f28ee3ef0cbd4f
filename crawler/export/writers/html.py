"""HTML: the JSON Lines tables, and a static link browser made from them.

The browser's pages (``index.html``, ``summary.html``, ``articles/*.html``)
open from the folder in any web browser, with no network and no server; see
:mod:`crawler.export.browser`.
"""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path

from crawler.corpus.snapshot import remove_stale_temporaries
from crawler.export.browser.pages import (
    ASSETS,
    Corpus,
    article_page,
    article_page_name,
    index_page,
    summary_page,
)
from crawler.export.options import ExportOptions
from crawler.export.tables import Table
from crawler.export.writers.base import write_files_atomically
from crawler.export.writers.jsonl import JsonlWriter


def _read_jsonl(path: Path) -> list[dict]:
    with path.open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle]


class HtmlWriter(JsonlWriter):
    format = "html"
    description = (
        JsonlWriter.description
        + " The folder is also a link browser: open `index.html` in a web browser (it needs "
        "no network and no server) to list the articles, read each with its linked quotes "
        "highlighted beside the speeches they quote, and see charts of the links in "
        "`summary.html`."
    )

    def contents(self) -> list[tuple[str, str]]:
        return [
            ("index.html", "the link browser: the articles, sortable and filterable"),
            ("summary.html", "the link browser: charts of the links"),
            ("articles/*.html", "the link browser: one page per article"),
            (", ".join(ASSETS), "the link browser's style sheet and the index's script"),
        ]

    def finish(self, folder: Path, tables: list[Table], options: ExportOptions) -> list[str]:
        by_name = {table.name: _read_jsonl(folder / table.filename) for table in tables}
        corpus = Corpus.from_rows(by_name["articles"], by_name["speeches"], by_name["links"])
        (folder / "articles").mkdir(exist_ok=True)
        remove_stale_temporaries(folder / "articles")
        pages = {"index.html": index_page(corpus), "summary.html": summary_page(corpus)}
        for article in corpus.articles:
            pages[article_page_name(article["id"])] = article_page(corpus, article)
        for asset in ASSETS:
            pages[asset] = (
                resources.files("crawler.export.browser").joinpath(asset).read_text("utf-8")
            )
        write_files_atomically(folder, pages)
        return sorted(pages)
