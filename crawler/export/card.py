"""The data card (``README.md`` of an export), filled in from the template ``card.md``."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from importlib import resources
from importlib.metadata import PackageNotFoundError, version
from string import Template
from typing import TYPE_CHECKING

from crawler.dedup.sources import HANSARD, TWFY
from crawler.export import rights
from crawler.export.fields import Column
from crawler.export.options import ExportOptions
from crawler.export.rows import Tally
from crawler.export.selection import Selection
from crawler.export.tables import Table

if TYPE_CHECKING:
    from crawler.export.writers.base import Writer
from crawler.items import SCHEMA_VERSION
from crawler.pages.senedd import SOURCE as SENEDD

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
# The Senedd Record's licence is stated only by third parties, not by the Senedd Commission.
OGL_NAME = "Open Government Licence v3.0"
OGL_URL = "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/"
SENEDD_COPYRIGHT_URL = "https://senedd.wales/commission/access-to-information/copyright/"
UK_PARLIAMENT_SOURCES = frozenset({TWFY, HANSARD})
"""Sources of UK Parliament debates: Parliamentary copyright, under the Open Parliament Licence."""

OPL_TERMS = (
    "- **Parliamentary text** ({what}): Parliamentary copyright, reusable under the "
    f"[{OPL_NAME}]({OPL_URL}). Reuse must carry the attribution statement: "
    f'"{OPL_ATTRIBUTION}"'
)
OPL_TEXT = "the speeches, their headings and speaker lines, and the `quote` of each link"
OPL_TEXT_BESIDE_SENEDD = (
    "the debates whose `sources` name `twfy` or `hansard`: their speeches, headings and "
    "speaker lines, and the `quote` of links to them"
)
HANSARD_TERMS = (
    "- **Official Hansard** (debates whose `sources` name `hansard`): read from the UK "
    "Parliament's Hansard API, not through TheyWorkForYou; under the licence and "
    "attribution statement above."
)
TWFY_TERMS = (
    "- **TheyWorkForYou** (mySociety): {what} taken from its pages; its own data (member "
    f"lists, person ids) is under the terms at {TWFY_TERMS_URL}, which ask for an "
    f'attribution such as "{TWFY_ATTRIBUTION}".'
)
SENEDD_TERMS = (
    "- **Senedd text** (debates whose `sources` name `senedd`: the Senedd's Record of "
    "Proceedings, its speeches, headings and speaker lines, and the `quote` of links to "
    "them): Senedd Commission copyright. Third parties state it is reusable under the "
    f"[{OGL_NAME}]({OGL_URL}); **this is not confirmed** by the Senedd Commission's own "
    f"terms ({SENEDD_COPYRIGHT_URL}): check them before reuse."
)

TEXT_INCLUDED = (
    "This export **includes article and comment text**, and the personal data named above."
)
QUOTES_KEPT = (
    "The links keep their `quote`: those are the words of Parliament the article quotes, "
    "under {quote_terms}, short, and the "
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
    "{debate_terms}. " + QUOTES_KEPT
)


def parliament_sources(sources: Iterable[str]) -> frozenset[str]:
    """The sources whose terms an export states: those of its debates, and
    TheyWorkForYou's when it holds none (the terms a corpus has always stated)."""
    return frozenset(sources) or frozenset({TWFY})


def _parliament_terms(sources: frozenset[str]) -> str:
    """The card's terms for the parliamentary text, one item per source the debates name."""
    senedd = SENEDD in sources
    lines = []
    if sources & UK_PARLIAMENT_SOURCES:
        lines.append(OPL_TERMS.format(what=OPL_TEXT_BESIDE_SENEDD if senedd else OPL_TEXT))
    if HANSARD in sources:
        lines.append(HANSARD_TERMS)
    if TWFY in sources:
        only = sources == {TWFY}
        what = "the records were" if only else "the debates whose `sources` name `twfy` were"
        lines.append(TWFY_TERMS.format(what=what))
    if senedd:
        lines.append(SENEDD_TERMS)
    return "\n".join(lines)


def _attributions(sources: frozenset[str]) -> str:
    """The attribution statements the citation carries, each after a space."""
    statements = []
    if sources & UK_PARLIAMENT_SOURCES:
        statements.append(OPL_ATTRIBUTION)
    if TWFY in sources:
        statements.append(f"{TWFY_ATTRIBUTION}.")
    return "".join(f" {statement}" for statement in statements)


def _speech_terms(sources: frozenset[str]) -> dict[str, str]:
    """How the text statements name the terms of speeches and the quotes from them."""
    if SENEDD in sources:
        return {
            "quote_terms": "the terms of the speech they come from (above)",
            "debate_terms": "the terms above for their source",
        }
    return {
        "quote_terms": "the Open Parliament Licence like the speech they come from",
        "debate_terms": "the Open Parliament Licence",
    }


def _text_statement(options: ExportOptions, tables: list[Table], sources: frozenset[str]) -> str:
    terms = _speech_terms(sources)
    if options.shareable:
        articles = next(table for table in tables if table.name == "articles")
        comments = articles.nested or next(
            table.columns[1:] for table in tables if table.name == "comments"
        )
        return SHAREABLE.format(
            article_fields=rights.listed(column.name for column in articles.columns),
            comment_fields=rights.listed(column.name for column in comments),
            **terms,
        )
    return TEXT_INCLUDED if options.article_text else TEXT_LEFT_OUT.format(**terms)


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
    sources = parliament_sources(selection.debate_sources)
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
        parliament_terms=_parliament_terms(sources),
        attributions=_attributions(sources),
        copyright_fields=rights.fields_that_are(rights.COPYRIGHT),
        personal_fields=rights.fields_that_are(rights.PERSONAL_DATA),
        text_statement=_text_statement(options, tables, sources),
        checksum_file=CHECKSUM_FILE,
        schema_version=SCHEMA_VERSION,
        package_file=PACKAGE_FILE,
        record_schemas=", ".join(RECORD_SCHEMAS),
        corpus_date=corpus_date or "(undated)",
    )
