"""Researcher exports: a filtered snapshot of the corpus, written to a folder.

An export is three tables — articles, speeches (flattened from debates) and
links — as JSON Lines or CSV, a data card (``README.md``) and a ``SHA256SUMS``
file. The same corpus and the same options always give byte-identical files:
rows are sorted, columns come in a fixed order, and nothing depends on the
clock or on where the folders are.

The store is opened read-only and read in one SQLite transaction, without the
crawl lock: with WAL a running crawl keeps writing while the export sees one
committed state. ``scrapy export`` (:mod:`crawler.commands.export`) is the
command line; this module does not need Scrapy.
"""

from __future__ import annotations

import ast
import csv
import dataclasses
import functools
import hashlib
import io
import json
import re
import shlex
import sqlite3
import tomllib
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from crawler import items
from crawler.corpus.snapshot import TEMP_PREFIX, remove_stale_temporaries, write_jsonl_atomically
from crawler.corpus.store import STORE_FILENAME, CorpusStore

FORMATS = ("jsonl", "csv")
HOUSES = ("commons", "westminster-hall", "lords")
# Interfaces of TheyWorkForYou a party label can be printed in; CSV gives each a
# column, in this order (any other interface found gets one too, after these).
INTERFACES = ("en", "cy")
CARD_FILE = "README.md"
CHECKSUM_FILE = "SHA256SUMS"
# Every file name an export can write: only these are ever removed from a
# previous export's folder.
EXPORT_FILES = frozenset(
    {CARD_FILE, CHECKSUM_FILE}
    | {
        f"{table}.{extension}"
        for table in ("articles", "speeches", "links")
        for extension in FORMATS
    }
    | {"comments.csv"}
)

OPL_NAME = "Open Parliament Licence v3.0"
OPL_URL = "https://www.parliament.uk/site-information/copyright-parliament/open-parliament-licence/"
OPL_ATTRIBUTION = (
    "Contains Parliamentary information licensed under the Open Parliament Licence v3.0."
)
TWFY_TERMS_URL = "https://www.theyworkforyou.com/api/terms#licensing"
TWFY_ATTRIBUTION = "Data service provided by TheyWorkForYou"

_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


class ExportError(Exception):
    """The export cannot be made as asked (bad option, missing store, foreign folder)."""


# --- options --------------------------------------------------------------------


@dataclass(frozen=True)
class ExportOptions:
    """What to export. Repeatable filters are sets: kept sorted and without repeats."""

    format: str = "jsonl"
    since: str | None = None
    until: str | None = None
    sites: tuple[str, ...] = ()
    houses: tuple[str, ...] = ()
    parties: tuple[str, ...] = ()
    linked_only: bool = False
    article_text: bool = True

    def __post_init__(self) -> None:
        if self.format not in FORMATS:
            raise ExportError(f"--format must be one of {', '.join(FORMATS)}, not {self.format!r}")
        for name in ("since", "until"):
            value = getattr(self, name)
            if value is not None and not _is_iso_date(value):
                raise ExportError(f"--{name} takes a date as YYYY-MM-DD, not {value!r}")
        if self.since and self.until and self.since > self.until:
            raise ExportError(f"--since {self.since} is after --until {self.until}")
        unknown = sorted(set(self.houses) - set(HOUSES))
        if unknown:
            raise ExportError(f"--house must be one of {', '.join(HOUSES)}, not {unknown[0]!r}")
        for name, option in (("sites", "--site"), ("houses", "--house"), ("parties", "--party")):
            values = getattr(self, name)
            if any(not value.strip() for value in values):
                raise ExportError(f"{option} needs a value")
            object.__setattr__(self, name, tuple(sorted(set(values))))

    def command_line(self) -> str:
        """The command in canonical form; folders are placeholders so it does not vary."""
        parts = ["--format", self.format]
        if self.since:
            parts += ["--since", self.since]
        if self.until:
            parts += ["--until", self.until]
        for option, values in (("--site", self.sites), ("--house", self.houses)):
            for value in values:
                parts += [option, value]
        for value in self.parties:
            parts += ["--party", value]
        if self.linked_only:
            parts.append("--linked-only")
        if not self.article_text:
            parts.append("--no-article-text")
        quoted = " ".join(shlex.quote(part) for part in parts)
        return f"scrapy export <folder> {quoted} -s CORPUS_DIR=<corpus folder>"


def _is_iso_date(value: str) -> bool:
    if not _ISO_DATE.fullmatch(value):
        return False
    try:
        date.fromisoformat(value)
    except ValueError:
        return False
    return True


# --- field documentation, from crawler/items.py -----------------------------------


@dataclass(frozen=True)
class FieldDoc:
    type: str
    description: str | None


@functools.cache
def item_field_docs() -> dict[tuple[str, str], FieldDoc]:
    """``(class, field) -> FieldDoc`` from the attribute docstrings in crawler/items.py."""
    tree = ast.parse(Path(items.__file__).read_text(encoding="utf-8"))
    docs: dict[tuple[str, str], FieldDoc] = {}
    for node in tree.body:
        if not isinstance(node, ast.ClassDef):
            continue
        body = node.body
        for statement, following in zip(body, [*body[1:], None], strict=True):
            if not (
                isinstance(statement, ast.AnnAssign) and isinstance(statement.target, ast.Name)
            ):
                continue
            description = None
            if (
                isinstance(following, ast.Expr)
                and isinstance(following.value, ast.Constant)
                and isinstance(following.value.value, str)
            ):
                description = _docstring_as_markdown(following.value.value)
            docs[(node.name, statement.target.id)] = FieldDoc(
                ast.unparse(statement.annotation), description
            )
    return docs


def _docstring_as_markdown(text: str) -> str:
    # reST inline literals (``x``) become Markdown code spans (`x`).
    return " ".join(text.split()).replace("``", "`")


@dataclass(frozen=True)
class Column:
    """One column of an exported table and where its description comes from."""

    name: str
    source: tuple[str, str] | None = None
    """``(items.py class, field)`` whose docstring describes this column."""
    note: str = ""
    """Said before the source's description, or instead of it when items.py has none."""
    type: str | None = None
    """Type when there is no source, or when it differs from the source's."""

    def describe(self) -> tuple[str, str]:
        """``(type, description)`` for the data card."""
        doc = item_field_docs().get(self.source) if self.source else None
        type_ = self.type or (doc.type if doc else "")
        description = " ".join(part for part in (self.note, doc and doc.description) if part)
        return type_, description


def _item_columns(cls: type, *, skip: Iterable[str] = ()) -> list[Column]:
    """Columns for a record type's fields: ``id`` first, then in items.py order."""
    skipped = set(skip)
    names = [f.name for f in dataclasses.fields(cls) if f.name not in skipped]
    if "id" in names:
        names.remove("id")
        names.insert(0, "id")
    columns = []
    for name in names:
        columns.append(Column(name, (cls.__name__, name), ""))
    return columns


def _defaults(cls: type) -> dict[str, Any]:
    """A record type's default values, for fields a stored record lacks."""
    defaults: dict[str, Any] = {}
    for f in dataclasses.fields(cls):
        if f.default is not dataclasses.MISSING:
            defaults[f.name] = f.default
        elif f.default_factory is not dataclasses.MISSING:
            defaults[f.name] = f.default_factory()
        else:
            defaults[f.name] = None
    return defaults


# --- the tables -----------------------------------------------------------------


@dataclass(frozen=True)
class Table:
    name: str
    filename: str
    rows_are: str
    columns: tuple[Column, ...]
    nested: tuple[Column, ...] = ()
    """JSONL only: the columns of the objects nested in the ``comments`` column."""


def tables_for(options: ExportOptions, party_interfaces: Iterable[str] = INTERFACES) -> list[Table]:
    """The tables an export with ``options`` writes, in file-name order of their rows."""
    text_fields = () if options.article_text else ("text",)
    extension = options.format
    comment_columns = _item_columns(items.Comment, skip=text_fields)
    article_columns = _item_columns(items.ArticleItem, skip=text_fields)
    tables = []
    if options.format == "csv":
        article_columns = [
            Column(
                "comment_count",
                note="Number of reader comments; the comments themselves are in comments.csv.",
                type="int",
            )
            if column.name == "comments"
            else column
            for column in article_columns
        ]
    tables.append(
        Table(
            "articles",
            f"articles.{extension}",
            "article, sorted by `id`",
            tuple(article_columns),
            nested=tuple(comment_columns) if options.format == "jsonl" else (),
        )
    )
    if options.format == "csv":
        tables.append(
            Table(
                "comments",
                "comments.csv",
                "reader comment, by article `id`, then in page order",
                (
                    Column(
                        "article_id",
                        note="Id of the article the comment is under (`id` in articles).",
                        type="str",
                    ),
                    *comment_columns,
                ),
            )
        )
    speech_columns: list[Column] = [
        Column("id", ("Speech", "id")),
        Column("debate_id", ("DebateItem", "id"), note="From the debate:"),
        Column(
            "sequence",
            note="Position of the speech in its debate, from 1 (with gaps where filters left "
            "speeches out).",
            type="int",
        ),
        Column("house", ("DebateItem", "house"), note="From the debate:"),
        Column("date", ("DebateItem", "date"), note="From the debate:"),
        Column("debate_title", ("DebateItem", "title"), note="From the debate:"),
        Column("parent_title", ("DebateItem", "parent_title"), note="From the debate:"),
    ]
    for column in _item_columns(items.Speech, skip=("id",)):
        if column.name == "party_raw" and options.format == "csv":
            speech_columns += [
                Column(
                    f"party_raw_{interface}",
                    ("Speech", "party_raw"),
                    note=f"The `{interface}` entry of `party_raw`.",
                    type="str | None",
                )
                for interface in party_interfaces
            ]
        else:
            speech_columns.append(column)
    tables.append(
        Table(
            "speeches",
            f"speeches.{extension}",
            "speech, by `debate_id`, then in the order spoken",
            tuple(speech_columns),
        )
    )
    tables.append(
        Table(
            "links",
            f"links.{extension}",
            "link, sorted by `id`",
            tuple(_item_columns(items.LinkItem)),
        )
    )
    return sorted(tables, key=lambda table: table.filename)


# --- reading the corpus ---------------------------------------------------------


class ReadOnlyCorpus(CorpusStore):
    """The corpus store opened read-only: no lock, no schema changes, no writes."""

    def __init__(self, folder: str | Path):
        self.folder = Path(folder)
        self.path = self.folder / STORE_FILENAME
        if not self.path.is_file():
            raise ExportError(
                f"no corpus store at {self.path}; set CORPUS_DIR to the crawl's corpus folder"
            )
        uri = f"{self.path.resolve().as_uri()}?mode=ro"
        self.conn = sqlite3.connect(uri, uri=True, isolation_level=None)

    @contextmanager
    def read_transaction(self) -> Iterator[None]:
        """Every query in the block sees the same committed state of the store."""
        self.conn.execute("BEGIN")
        try:
            yield
        finally:
            self.conn.execute("COMMIT")


@dataclass
class CorpusMoment:
    """The state of the store the export read, told by the corpus's own timestamps."""

    articles: int = 0
    debates: int = 0
    speeches: int = 0
    links: int = 0
    latest_fetched_at: str | None = None
    latest_last_changed: str | None = None

    def saw(self, record: dict[str, Any]) -> None:
        for name in ("fetched_at", "last_changed"):
            value = record.get(name)
            latest = getattr(self, f"latest_{name}")
            if value and (latest is None or value > latest):
                setattr(self, f"latest_{name}", value)


SpeechKey = tuple[str, str]  # (debate id, speech id)


@dataclass
class Selection:
    """Which records an export holds; found in a first pass over the store."""

    articles: set[str]
    speeches: set[SpeechKey]
    links: set[str]
    party_interfaces: list[str]
    moment: CorpusMoment
    dangling_links: int
    warnings: list[str]


def _article_date(record: dict[str, Any]) -> str | None:
    published = record.get("published")
    return published[:10] if published else None


def _in_range(day: str | None, options: ExportOptions) -> bool:
    if options.since is None and options.until is None:
        return True
    if not day:
        return False
    return (options.since or day) <= day <= (options.until or day)


def select(corpus: CorpusStore, options: ExportOptions) -> Selection:
    """Apply the filters; call inside one read transaction with the writing pass."""
    moment = CorpusMoment()
    all_articles: set[str] = set()
    articles: set[str] = set()
    sites_seen: set[str] = set()
    for record in corpus.iter_records("articles"):
        moment.articles += 1
        moment.saw(record)
        all_articles.add(record["id"])
        sites_seen.add(record.get("site") or "")
        if options.sites and record.get("site") not in options.sites:
            continue
        if not _in_range(_article_date(record), options):
            continue
        articles.add(record["id"])

    all_speeches: set[SpeechKey] = set()
    speeches: set[SpeechKey] = set()
    houses_seen: set[str] = set()
    parties_seen: set[str] = set()
    interfaces_seen: set[str] = set()
    for debate in corpus.iter_records("debates"):
        moment.debates += 1
        moment.saw(debate)
        houses_seen.add(debate.get("house") or "")
        debate_wanted = _in_range(debate.get("date"), options) and (
            not options.houses or debate.get("house") in options.houses
        )
        for speech in debate.get("speeches", []):
            moment.speeches += 1
            key = (debate["id"], speech["id"])
            all_speeches.add(key)
            parties_seen.add(speech.get("party") or "")
            if debate_wanted and (not options.parties or speech.get("party") in options.parties):
                speeches.add(key)
                interfaces_seen.update(speech.get("party_raw") or {})

    links: dict[str, tuple[str, SpeechKey]] = {}
    dangling = 0
    for link in corpus.iter_records("links"):
        moment.links += 1
        key = (link["debate_id"], link["speech_id"])
        if link["article_id"] not in all_articles or key not in all_speeches:
            dangling += 1
        elif link["article_id"] in articles and key in speeches:
            links[link["id"]] = (link["article_id"], key)
    if options.linked_only:
        articles = {article_id for article_id, _ in links.values()}
        speeches = {key for _, key in links.values()}

    # An interface beyond en and cy gets a CSV column of its own, after those.
    party_interfaces = [*INTERFACES, *sorted(interfaces_seen - set(INTERFACES))]

    warnings = [
        f"--{option} {shlex.quote(value)} matches no {what} in the corpus"
        for option, values, seen, what in (
            ("site", options.sites, sites_seen, "article"),
            ("house", options.houses, houses_seen, "debate"),
            ("party", options.parties, parties_seen, "speech"),
        )
        for value in values
        if value not in seen
    ]
    return Selection(articles, speeches, set(links), party_interfaces, moment, dangling, warnings)


# --- rows -----------------------------------------------------------------------


@dataclass
class Tally:
    """What was written, for the data card."""

    rows: Counter[str] = field(default_factory=Counter)
    article_dates: list[str] = field(default_factory=list)
    undated_articles: int = 0
    sites: Counter[str] = field(default_factory=Counter)
    speech_dates: list[str] = field(default_factory=list)
    houses: Counter[str] = field(default_factory=Counter)
    debates: set[str] = field(default_factory=set)
    interfaces: Counter[str] = field(default_factory=Counter)
    link_kinds: Counter[str] = field(default_factory=Counter)

    def span(self, dates: list[str]) -> str | None:
        return f"{min(dates)} to {max(dates)}" if dates else None


def _ordered(mapping: dict[str, Any] | None, first: Iterable[str] = ()) -> dict[str, Any]:
    """A copy of ``mapping`` with ``first`` keys leading and the rest sorted."""
    mapping = mapping or {}
    keys = [key for key in first if key in mapping]
    keys += sorted(key for key in mapping if key not in keys)
    return {key: mapping[key] for key in keys}


def _project(values: dict[str, Any], columns: Iterable[Column]) -> dict[str, Any]:
    return {column.name: values[column.name] for column in columns}


def article_rows(
    corpus: CorpusStore, selection: Selection, table: Table, tally: Tally
) -> Iterator[dict[str, Any]]:
    defaults = _defaults(items.ArticleItem)
    comment_defaults = _defaults(items.Comment)
    for record in corpus.iter_records("articles"):
        if record["id"] not in selection.articles:
            continue
        values = {**defaults, **record}
        values["extraction"] = _ordered(values["extraction"])
        comments = [{**comment_defaults, **comment} for comment in values["comments"] or []]
        values["comments"] = [_project(comment, table.nested) for comment in comments]
        values["comment_count"] = len(comments)
        tally.rows[table.filename] += 1
        day = _article_date(record)
        if day:
            tally.article_dates.append(day)
        else:
            tally.undated_articles += 1
        tally.sites[record.get("site") or "(no site)"] += 1
        yield _project(values, table.columns)


def comment_rows(
    corpus: CorpusStore, selection: Selection, table: Table, tally: Tally
) -> Iterator[dict[str, Any]]:
    defaults = _defaults(items.Comment)
    for record in corpus.iter_records("articles"):
        if record["id"] not in selection.articles:
            continue
        for comment in record.get("comments") or []:
            tally.rows[table.filename] += 1
            yield _project({**defaults, **comment, "article_id": record["id"]}, table.columns)


def speech_rows(
    corpus: CorpusStore, selection: Selection, table: Table, tally: Tally
) -> Iterator[dict[str, Any]]:
    defaults = _defaults(items.Speech)
    for debate in corpus.iter_records("debates"):
        wrote_any = False
        for sequence, speech in enumerate(debate.get("speeches", []), start=1):
            if (debate["id"], speech["id"]) not in selection.speeches:
                continue
            values = {**defaults, **speech}
            party_raw = _ordered(values["party_raw"], first=selection.party_interfaces)
            values.update(
                {
                    "debate_id": debate["id"],
                    "sequence": sequence,
                    "house": debate.get("house"),
                    "date": debate.get("date"),
                    "debate_title": debate.get("title"),
                    "parent_title": debate.get("parent_title"),
                    "party_raw": party_raw,
                }
            )
            for interface in selection.party_interfaces:
                values[f"party_raw_{interface}"] = party_raw.get(interface)
            tally.rows[table.filename] += 1
            tally.houses[debate.get("house") or "(no house)"] += 1
            if debate.get("date"):
                tally.speech_dates.append(debate["date"])
            wrote_any = True
            yield _project(values, table.columns)
        if wrote_any:
            tally.debates.add(debate["id"])
            for interface in debate.get("interfaces") or [debate.get("interface")]:
                if interface:
                    tally.interfaces[interface] += 1


def link_rows(
    corpus: CorpusStore, selection: Selection, table: Table, tally: Tally
) -> Iterator[dict[str, Any]]:
    defaults = _defaults(items.LinkItem)
    for record in corpus.iter_records("links"):
        if record["id"] not in selection.links:
            continue
        tally.rows[table.filename] += 1
        tally.link_kinds[record.get("kind") or "(no kind)"] += 1
        yield _project({**defaults, **record}, table.columns)


ROW_SOURCES: dict[str, Callable[..., Iterator[dict[str, Any]]]] = {
    "articles": article_rows,
    "comments": comment_rows,
    "speeches": speech_rows,
    "links": link_rows,
}


# --- encodings ------------------------------------------------------------------


class ExportDialect(csv.Dialect):
    """RFC 4180 quoting with "\\n" line ends: the one CSV form exports use."""

    delimiter = ","
    quotechar = '"'
    doublequote = True
    escapechar = None
    lineterminator = "\n"
    quoting = csv.QUOTE_MINIMAL
    skipinitialspace = False
    strict = True


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), allow_nan=False)


def jsonl_lines(rows: Iterable[dict[str, Any]], table: Table) -> Iterator[str]:
    for row in rows:
        yield _json(row)


def csv_cell(value: Any) -> str:
    """Text as is, nothing as an empty cell, numbers, lists and objects as JSON."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    return _json(value)


def csv_lines(rows: Iterable[dict[str, Any]], table: Table) -> Iterator[str]:
    """CSV records without their final line end (the file writer adds it)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, dialect=ExportDialect)

    def record(cells: list[str]) -> str:
        buffer.seek(0)
        buffer.truncate()
        writer.writerow(cells)
        return buffer.getvalue().removesuffix("\n")

    yield record([column.name for column in table.columns])
    for row in rows:
        yield record([csv_cell(row[column.name]) for column in table.columns])


# --- the data card --------------------------------------------------------------


def crawler_identity() -> tuple[str, str]:
    """``(name, version)`` of the crawler, from pyproject.toml."""
    pyproject = Path(__file__).resolve().parents[1] / "pyproject.toml"
    try:
        project = tomllib.loads(pyproject.read_text(encoding="utf-8"))["project"]
        return str(project["name"]), str(project["version"])
    except (OSError, KeyError, tomllib.TOMLDecodeError):
        return "defence-hansard-corpus", "unknown"


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def _plural(count: int, unit: str) -> str:
    if count == 1:
        return f"{count} {unit}"
    return f"{count} {unit}{'es' if unit.endswith(('ch', 's')) else 's'}"


def _counted(counter: Counter[str], unit: str) -> str:
    if not counter:
        return "none"
    return ", ".join(f"{name} ({_plural(count, unit)})" for name, count in sorted(counter.items()))


def _field_table(columns: Iterable[Column]) -> list[str]:
    lines = ["| field | type | description |", "|---|---|---|"]
    for column in columns:
        type_, description = column.describe()
        lines.append(f"| `{column.name}` | {_cell(type_)} | {_cell(description)} |")
    return lines


def data_card(
    options: ExportOptions,
    tables: list[Table],
    selection: Selection,
    tally: Tally,
) -> str:
    """The README.md of an export: what it is, how it was made, and on what terms."""
    name, version = crawler_identity()
    moment = selection.moment
    csv_format = options.format == "csv"
    lines = [
        "# Research export: UK defence news and the Hansard debates they quote",
        "",
        f"An export of the {name} corpus: news articles, the speeches of the parliamentary "
        "debates in the corpus (Hansard, as published by TheyWorkForYou), and the links "
        "between them, each the evidence that an article quotes a speech.",
        "",
        (
            'Format: CSV (comma-separated, `"` quoting, UTF-8 without BOM, `\\n` line ends, '
            "one header line). An empty cell is a missing value; numbers, lists and objects "
            "are written as JSON text."
            if csv_format
            else "Format: JSON Lines (one JSON object per line, UTF-8 without BOM, `\\n` line "
            "ends). Missing values are `null`."
        ),
        "",
        "## How it was made",
        "",
        "```",
        options.command_line(),
        "```",
        "",
        "The folders are left out, so exports of one corpus with the same options are "
        "byte-identical wherever they are written.",
        "",
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
        "",
        "How the filters apply (they combine with AND):",
        "",
        "- `--since` and `--until` are inclusive. Articles are placed by the date part of "
        "`published` (as the publisher dated it); articles with no publication date are left "
        "out when either is given. Speeches are placed by their debate's sitting `date`.",
        "- `--site` keeps articles from those outlets; `--house` keeps speeches of debates in "
        "those houses; `--party` keeps speeches whose canonical `party` is one of those ids "
        "(speeches with no party, such as procedural lines and divisions, are left out).",
        "- A link is exported only when both its article and its speech are, so every filter "
        "reaches the links through their two ends, and every link's `article_id` and "
        "`debate_id`/`speech_id` are rows of this export.",
        "- `--linked-only` then keeps only the articles and speeches that have at least one "
        "exported link.",
        "",
        "## The corpus state read",
        "",
        "All tables were read in one read transaction of the corpus store, so they describe "
        "one committed state of it; records a running crawl committed later are not here. "
        f"That state held {moment.articles} articles, {moment.debates} debates with "
        f"{moment.speeches} speeches, and {moment.links} links. Its latest `fetched_at` is "
        f"{moment.latest_fetched_at or '(none)'} and its latest `last_changed` is "
        f"{moment.latest_last_changed or '(none)'}.",
    ]
    if selection.dangling_links:
        lines += [
            "",
            f"Left out: {_plural(selection.dangling_links, 'link')} of the corpus pointing at "
            "an article or speech the corpus no longer holds (a revised debate, a removed "
            "article).",
        ]
    lines += [
        "",
        "## Contents",
        "",
        "| file | rows | one row per |",
        "|---|---|---|",
    ]
    for table in tables:
        lines.append(f"| {table.filename} | {tally.rows[table.filename]} | {table.rows_are} |")
    lines += [
        f"| {CARD_FILE} | | this data card |",
        f"| {CHECKSUM_FILE} | | SHA-256 of every other file (`sha256sum -c {CHECKSUM_FILE}`) |",
        "",
        f"Articles published: {tally.span(tally.article_dates) or '(none dated)'}"
        + (
            f"; {_plural(tally.undated_articles, 'article')} without a publication date"
            if tally.undated_articles
            else ""
        )
        + ".",
        f"Speeches from sittings: {tally.span(tally.speech_dates) or '(none)'}, "
        f"in {_plural(len(tally.debates), 'debate')}.",
        "",
        "## Fields",
        "",
        "Descriptions come from the crawler's record definitions (`crawler/items.py`).",
    ]
    for table in tables:
        lines += ["", f"### {table.filename}", "", *_field_table(table.columns)]
        if table.nested:
            lines += [
                "",
                f"Each object in `comments` of {table.filename}:",
                "",
                *_field_table(table.nested),
            ]
    lines += [
        "",
        "## Provenance",
        "",
        f"- Outlets: {_counted(tally.sites, 'article')}.",
        f"- Houses: {_counted(tally.houses, 'speech')}.",
        f"- TheyWorkForYou interfaces the debates were read in: "
        f"{_counted(tally.interfaces, 'debate')}.",
        f"- Links: {_counted(tally.link_kinds, 'link')}.",
        f"- Made by the crawler {name} {version}. Articles were fetched from the outlets' "
        "pages and read from their markup and structured data (`extraction` names the source "
        "of each field); debates were read from TheyWorkForYou's pages, in English and, where "
        "crawled, in Welsh (`party_raw` keeps each interface's label). Dates and parties were "
        "normalised beside the values as printed (the `*_raw` fields); near-copies of an "
        "article carry `duplicate_of`; problems found are in `flags`. Links were found by "
        "matching the passages an article quotes against the speeches' text (`kind`, "
        "`score`).",
        "",
        "## Licences and terms",
        "",
        "- **Parliamentary text** (the speeches, their headings and speaker lines, and the "
        f"`quote` of each link): Parliamentary copyright, reusable under the [{OPL_NAME}]"
        f"({OPL_URL}). Reuse must carry the attribution statement: "
        f'"{OPL_ATTRIBUTION}"',
        "- **TheyWorkForYou** (mySociety): the records were taken from its pages; its own "
        "data (member lists, person ids) is under the terms at "
        f"{TWFY_TERMS_URL}, which ask for an attribution such as "
        f'"{TWFY_ATTRIBUTION}".',
        "- **News text** (article text and titles, reader comments): the copyright of each "
        "publisher and commenter. It is included only for research that you have your own "
        "legal basis for (for example, in the UK, the exception for text and data analysis "
        "for non-commercial research, section 29A of the Copyright, Designs and Patents Act "
        "1988, where it applies). Do not share it; export with `--no-article-text` for a "
        "version you can share. Commenters' names are personal data.",
    ]
    if options.article_text:
        lines += [
            "",
            "This export **includes article and comment text**.",
        ]
    else:
        lines += [
            "",
            "This export was made with `--no-article-text`: it holds no article or comment "
            "text (the `text` fields are absent), only their metadata and the links. The "
            "links keep their `quote`: those are the words of Parliament the article quotes, "
            "under the Open Parliament Licence like the speech they come from, short, and the "
            "evidence each link rests on. A fuzzy link's quote is as the article printed it, "
            "so it can carry the outlet's small edits (ellipses, bracketed words).",
        ]
    corpus_date = (moment.latest_last_changed or moment.latest_fetched_at or "")[:10]
    lines += [
        "",
        "## How to cite",
        "",
        f"The SHA-256 of the {CHECKSUM_FILE} file identifies this export exactly, since that "
        f"file holds the SHA-256 of every other file: `sha256sum {CHECKSUM_FILE}` prints it "
        "(and `scrapy export` prints it when it finishes). Suggested citation:",
        "",
        f"> {name} {version}: research export of UK defence news linked to Hansard, corpus "
        f"state of {corpus_date or '(undated)'}. Version: sha256:<SHA-256 of {CHECKSUM_FILE}>. "
        f"{OPL_ATTRIBUTION} {TWFY_ATTRIBUTION}.",
        "",
        "## Checking the files",
        "",
        "```",
        f"sha256sum -c {CHECKSUM_FILE}",
        "```",
    ]
    return "\n".join(lines) + "\n"


# --- writing --------------------------------------------------------------------


def write_text_atomically(path: Path, text: str) -> None:
    """Write ``text`` (ending in "\\n") to ``path`` with the snapshot writer's atomic rename."""
    write_jsonl_atomically(path, text.removesuffix("\n").split("\n"))


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def previous_export_files(folder: Path) -> set[str]:
    """Files of an earlier export in ``folder``; refuses a folder that holds anything else.

    A folder is an earlier export when it has a ``SHA256SUMS``; the names it lists
    (those an export writes) are the files this export may replace or remove.
    """
    if folder.exists() and not folder.is_dir():
        raise ExportError(f"{folder} is not a folder")
    if not folder.exists():
        return set()
    entries = [entry for entry in folder.iterdir() if not entry.name.startswith(TEMP_PREFIX)]
    sums = folder / CHECKSUM_FILE
    if not entries:
        return set()
    if not sums.is_file():
        raise ExportError(
            f"{folder} is not empty and is not a previous export (it has no {CHECKSUM_FILE}); "
            "give an empty or new folder"
        )
    listed = set()
    for line in sums.read_text(encoding="utf-8").splitlines():
        _, _, name = line.partition("  ")
        if name in EXPORT_FILES:
            listed.add(name)
    return listed | {CHECKSUM_FILE}


@dataclass(frozen=True)
class ExportResult:
    folder: Path
    rows: dict[str, int]
    """Rows written per data file (header lines not counted)."""
    version: str
    """SHA-256 of the export's SHA256SUMS: the identifier to cite."""
    warnings: tuple[str, ...]


def export(corpus_dir: str | Path, folder: str | Path, options: ExportOptions) -> ExportResult:
    """Write the export of the corpus in ``corpus_dir`` into ``folder``."""
    folder = Path(folder)
    previous = previous_export_files(folder)
    corpus = ReadOnlyCorpus(corpus_dir)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        remove_stale_temporaries(folder)
        written = _write_export(corpus, folder, options)
    except sqlite3.Error as error:
        raise ExportError(f"cannot read the corpus store {corpus.path}: {error}") from error
    finally:
        corpus.close()
    tables, selection, tally = written
    names = sorted({table.filename for table in tables} | {CARD_FILE})
    # The files of the earlier export this one does not write go before the new
    # SHA256SUMS is written: a folder whose SHA256SUMS verifies is complete.
    for stale in sorted(previous - set(names) - {CHECKSUM_FILE}):
        (folder / stale).unlink(missing_ok=True)
    write_text_atomically(
        folder / CHECKSUM_FILE,
        "".join(f"{sha256_of(folder / name)}  {name}\n" for name in names),
    )
    return ExportResult(
        folder=folder,
        rows={table.filename: tally.rows[table.filename] for table in tables},
        version=sha256_of(folder / CHECKSUM_FILE),
        warnings=tuple(selection.warnings),
    )


def _write_export(
    corpus: ReadOnlyCorpus, folder: Path, options: ExportOptions
) -> tuple[list[Table], Selection, Tally]:
    encode = csv_lines if options.format == "csv" else jsonl_lines
    tally = Tally()
    with corpus.read_transaction():
        selection = select(corpus, options)
        tables = tables_for(options, selection.party_interfaces)
        for table in tables:
            rows = ROW_SOURCES[table.name](corpus, selection, table, tally)
            write_jsonl_atomically(folder / table.filename, encode(rows, table))
    write_text_atomically(folder / CARD_FILE, data_card(options, tables, selection, tally))
    return tables, selection, tally
