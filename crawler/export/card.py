"""The data card (``README.md`` of an export), filled in from the template ``card.md``."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from importlib import resources
from importlib.metadata import PackageNotFoundError, version
from string import Template
from typing import TYPE_CHECKING

from crawler.export import rights
from crawler.export.fields import Column
from crawler.export.options import ExportOptions
from crawler.export.rows import Tally
from crawler.export.selection import Selection
from crawler.export.tables import Table

if TYPE_CHECKING:
    from crawler.export.writers.base import Writer
from crawler.items import SCHEMA_VERSION

DISTRIBUTION = "defence-hansard-corpus"
CARD_FILE = "README.md"
CHECKSUM_FILE = "SHA256SUMS"
PACKAGE_FILE = "datapackage.json"
RECORD_SCHEMAS = ("article.schema.json", "debate.schema.json", "link.schema.json")

OPL_NAME = "Open Parliament Licence v3.0"
OPL_URL = "https://www.parliament.uk/site-information/copyright-parliament/open-parliament-licence/"
OPL_ATTRIBUTION = (
    "Contains Parliamentary information licensed under the Open Parliament Licence v3.0."
)
TWFY_TERMS_URL = "https://www.theyworkforyou.com/api/terms#licensing"
TWFY_ATTRIBUTION = "Data service provided by TheyWorkForYou"

TEXT_INCLUDED = (
    "This export **includes article and comment text**, and the personal data named above."
)
QUOTES_KEPT = (
    "The links keep their `quote`: those are the words of Parliament the article quotes, "
    "under the Open Parliament Licence like the speech they come from, short, and the "
    "evidence each link rests on. A fuzzy link's quote is as the article printed it, "
    "so it can carry the outlet's small edits (ellipses, bracketed words)."
)
TEXT_LEFT_OUT = (
    "This export was made with `--no-article-text`: it holds no article or comment "
    "text (the `text` fields are absent), only their metadata and the links. It still holds "
    "article titles (publisher copyright) and the personal data named above, so it is not "
    "for sharing: `--shareable` leaves those out too. " + QUOTES_KEPT
)
SHAREABLE = (
    "This export was made with `--shareable`: it holds none of the fields named above as "
    "copyright or personal data. What remains of the news is facts about each publication, "
    "not its text: of articles, {article_fields}; of comments, {comment_fields} (which page "
    "a comment is on, when, and what it replies to). An article's URLs are its address; "
    "the words of a URL's slug are not its text. The speeches and debates are whole, under "
    "the Open Parliament Licence. " + QUOTES_KEPT
)


def _text_statement(options: ExportOptions, tables: list[Table]) -> str:
    if options.shareable:
        articles = next(table for table in tables if table.name == "articles")
        comments = articles.nested or next(
            table.columns[1:] for table in tables if table.name == "comments"
        )
        return SHAREABLE.format(
            article_fields=rights.listed(column.name for column in articles.columns),
            comment_fields=rights.listed(column.name for column in comments),
        )
    return TEXT_INCLUDED if options.article_text else TEXT_LEFT_OUT


def crawler_identity() -> tuple[str, str]:
    """``(name, version)`` of the crawler, from the installed package's metadata."""
    try:
        return DISTRIBUTION, version(DISTRIBUTION)
    except PackageNotFoundError:
        return DISTRIBUTION, "unknown"


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def plural(count: int, unit: str) -> str:
    if count == 1:
        return f"{count} {unit}"
    return f"{count} {unit}{'es' if unit.endswith(('ch', 's')) else 's'}"


def _counted(counter: Counter[str], unit: str) -> str:
    if not counter:
        return "none"
    return ", ".join(f"{name} ({plural(count, unit)})" for name, count in sorted(counter.items()))


def field_table(columns: Iterable[Column]) -> list[str]:
    lines = ["| field | type | description |", "|---|---|---|"]
    for column in columns:
        type_, description = column.describe()
        lines.append(f"| `{column.name}` | {_cell(type_)} | {_cell(description)} |")
    return lines


def _options_table(options: ExportOptions) -> list[str]:
    return [
        "| option | value |",
        "|---|---|",
        f"| `--format` | {options.format} |",
        f"| `--since` | {options.since or '(none)'} |",
        f"| `--until` | {options.until or '(none)'} |",
        f"| `--site` | {_cell(', '.join(options.sites)) or '(all)'} |",
        f"| `--house` | {', '.join(options.houses) or '(all)'} |",
        f"| `--party` | {', '.join(options.parties) or '(all)'} |",
        f"| `--linked-only` | {'yes' if options.linked_only else 'no'} |",
        f"| `--no-article-text` | {'yes' if not options.article_text else 'no'} |",
        f"| `--shareable` | {'yes' if options.shareable else 'no'} |",
    ]


def _fields(tables: list[Table]) -> list[str]:
    lines: list[str] = []
    for table in tables:
        lines += ["", f"### {table.filename}", "", *field_table(table.columns)]
        if table.nested:
            lines += [
                "",
                f"Each object in `comments` of {table.filename}:",
                "",
                *field_table(table.nested),
            ]
    return lines


def data_card(
    options: ExportOptions,
    tables: list[Table],
    selection: Selection,
    tally: Tally,
    writer: Writer,
) -> str:
    """The README.md of an export: what it is, how it was made, and on what terms."""
    name, crawler_version = crawler_identity()
    moment = selection.moment
    left_out = ""
    if selection.dangling_links:
        left_out = (
            f"\n\nLeft out: {plural(selection.dangling_links, 'link')} of the corpus pointing "
            "at an article or speech the corpus no longer holds (a revised debate, a removed "
            "article)."
        )
    contents = (
        [
            f"| {table.filename} | {tally.rows[table.filename]} | {table.rows_are} |"
            for table in tables
        ]
        + [f"| {_cell(name)} | | {_cell(what)} |" for name, what in writer.contents()]
        + [
            f"| {CARD_FILE} | | this data card |",
            f"| {CHECKSUM_FILE} | | SHA-256 of every other file (`sha256sum -c {CHECKSUM_FILE}`) |",
        ]
    )
    undated = (
        f"; {plural(tally.undated_articles, 'article')} without a publication date"
        if tally.undated_articles
        else ""
    )
    corpus_date = (moment.latest_last_changed or moment.latest_fetched_at or "")[:10]
    template = Template(resources.files(__package__).joinpath("card.md").read_text("utf-8"))
    return template.substitute(
        name=name,
        version=crawler_version,
        format_description=writer.description,
        command_line=options.command_line(),
        options_table="\n".join(_options_table(options)),
        articles=moment.articles,
        debates=moment.debates,
        speeches=moment.speeches,
        links=moment.links,
        latest_fetched_at=moment.latest_fetched_at or "(none)",
        latest_last_changed=moment.latest_last_changed or "(none)",
        left_out=left_out,
        contents="\n".join(contents),
        article_span="Articles published: "
        f"{tally.span(tally.article_dates) or '(none dated)'}{undated}.",
        speech_span=f"Speeches from sittings: {tally.span(tally.speech_dates) or '(none)'}, "
        f"in {plural(len(tally.debates), 'debate')}.",
        fields="".join(f"\n{line}" for line in _fields(tables)),
        outlets=_counted(tally.sites, "article"),
        houses=_counted(tally.houses, "speech"),
        interfaces=_counted(tally.interfaces, "debate"),
        link_kinds=_counted(tally.link_kinds, "link"),
        opl_name=OPL_NAME,
        opl_url=OPL_URL,
        opl_attribution=OPL_ATTRIBUTION,
        twfy_terms_url=TWFY_TERMS_URL,
        twfy_attribution=TWFY_ATTRIBUTION,
        copyright_fields=rights.fields_that_are(rights.COPYRIGHT),
        personal_fields=rights.fields_that_are(rights.PERSONAL_DATA),
        text_statement=_text_statement(options, tables),
        checksum_file=CHECKSUM_FILE,
        schema_version=SCHEMA_VERSION,
        package_file=PACKAGE_FILE,
        record_schemas=", ".join(RECORD_SCHEMAS),
        corpus_date=corpus_date or "(undated)",
    )
