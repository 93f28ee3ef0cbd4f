"""Parquet exports: typed tables with the same rows and filters as JSONL, deterministic bytes."""

from __future__ import annotations

import dataclasses
import json
import logging
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from crawler import items
from crawler.corpus.store import CorpusStore
from crawler.export import FORMATS, ExportError, ExportOptions, export
from crawler.export.fields import Column, defaults, item_field_docs
from crawler.export.tables import debates_table, links_table, speeches_table
from crawler.export.writers.parquet import JsonText, column_type, fits, is_json_text, type_of_hint
from tests.test_export import (
    COMMON_FILES,
    DEBATES,
    UKDJ,
    build_corpus,
    files_in,
    read_jsonl,
    run_export,
)

MONTH_ARTICLE: dict[str, Any] = {
    "id": "b0c1d2e3f4a5b6c7",
    "url": "https://ukdefencejournal.org.uk/archive-february/",
    "site": UKDJ,
    "fetched_at": "2025-03-10T12:00:00+00:00",
    "title": "February in review",
    "published_raw": "Chwefror 2025",
    "published": "2025-02",
    "published_precision": "month",
    "text": "A month of defence news.",
    "first_seen": "2025-03-10T12:00:00+00:00",
    "last_changed": "2025-03-10T12:00:00+00:00",
}

PARQUET_FILES = COMMON_FILES | {
    "articles.parquet",
    "comments.parquet",
    "debates.parquet",
    "speeches.parquet",
    "links.parquet",
}


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = build_corpus(tmp_path_factory.mktemp("corpus"))
    store = CorpusStore(folder)
    store.put_article(MONTH_ARTICLE, identities=(), sketch=())
    store.close()
    return folder


def read(folder: Path, name: str) -> pa.Table:
    return pq.read_table(folder / f"{name}.parquet")


def by_id(table: pa.Table) -> dict[str, dict[str, Any]]:
    return {row["id"]: row for row in table.to_pylist()}


def test_parquet_export_writes_five_tables(corpus, tmp_path):
    assert files_in(run_export(corpus, tmp_path / "out", format="parquet")) == PARQUET_FILES


def test_article_columns_have_real_types(corpus, tmp_path):
    schema = read(run_export(corpus, tmp_path / "out", format="parquet"), "articles").schema
    assert schema.field("id").type == pa.string()
    assert schema.field("published").type == pa.string()
    assert schema.field("published_precision").type == pa.string()
    assert schema.field("published_utc").type == pa.timestamp("us", tz="UTC")
    assert schema.field("fetched_at").type == pa.timestamp("us", tz="UTC")
    assert schema.field("authors").type == pa.list_(pa.string())
    assert schema.field("extraction").type == pa.map_(pa.string(), pa.string())
    assert schema.field("comment_count").type == pa.int64()
    names = schema.names
    assert names.index("published_utc") == names.index("published_precision") + 1


def test_a_month_precision_date_round_trips_beside_its_utc_timestamp(corpus, tmp_path):
    articles = by_id(read(run_export(corpus, tmp_path / "out", format="parquet"), "articles"))
    month = articles[MONTH_ARTICLE["id"]]
    assert month["published"] == "2025-02"
    assert month["published_precision"] == "month"
    assert month["published_raw"] == "Chwefror 2025"
    assert month["published_utc"] == datetime(2025, 2, 1, tzinfo=UTC)
    healey = articles["3f0a9c1be2d47a65"]
    assert healey["published_utc"] == datetime(2025, 2, 12, 10, 41, tzinfo=UTC)
    undated = articles["e5d3c2b1a0f98877"]
    assert undated["published"] is None and undated["published_utc"] is None


def test_the_published_column_keeps_one_type_whatever_precisions_the_corpus_holds(corpus, tmp_path):
    only_full = run_export(corpus, tmp_path / "full", format="parquet", until="2025-02-28")
    with_month = run_export(corpus, tmp_path / "month", format="parquet")
    assert read(only_full, "articles").schema == read(with_month, "articles").schema


def test_speech_debate_link_and_comment_columns_have_real_types(corpus, tmp_path):
    folder = run_export(corpus, tmp_path / "out", format="parquet")
    speeches = read(folder, "speeches")
    assert speeches.schema.field("date").type == pa.date32()
    assert speeches.schema.field("sequence").type == pa.int64()
    assert speeches.schema.field("party_raw").type == pa.map_(pa.string(), pa.string())
    healey = by_id(speeches)["2025-02-10a.1.2"]
    assert healey["date"] == date(2025, 2, 10)
    assert dict(healey["party_raw"]) == {"en": "Labour", "cy": "Llafur"}
    debates = by_id(read(folder, "debates"))
    assert debates["2025-02-10a.1.0"]["speech_count"] == 3
    assert dict(debates["2025-02-10a.1.0"]["date_raw"]) == {
        "en": "10 February 2025",
        "cy": "10 Chwefror 2025",
    }
    links = read(folder, "links")
    assert links.schema.field("article_start").type == pa.int64()
    assert links.schema.field("score").type == pa.float64()
    comments = read(folder, "comments").to_pylist()
    assert comments[0]["article_id"] == "3f0a9c1be2d47a65"
    assert comments[0]["published_utc"] == datetime(2025, 2, 12, 9, 12, 4, tzinfo=UTC)


def jsonl_value(value: Any, typed: Any) -> Any:
    """The JSONL value in the form pyarrow reads the typed column back in."""
    if isinstance(typed, datetime):
        return datetime.fromisoformat(value).astimezone(UTC)
    if isinstance(typed, date):
        return date.fromisoformat(value)
    if isinstance(value, dict):
        return list(value.items())
    return value


@pytest.mark.parametrize(
    "options",
    [
        {},
        {"since": "2025-02-11", "sites": (UKDJ,)},
        {"houses": ("lords",), "linked_only": True},
        {"parties": ("labour",), "article_text": False},
        {"shareable": True},
    ],
)
def test_parquet_holds_the_rows_and_values_of_the_jsonl_export(corpus, tmp_path, options):
    jsonl = run_export(corpus, tmp_path / "jsonl", **options)
    parquet = run_export(corpus, tmp_path / "parquet", format="parquet", **options)
    for name in ("articles", "speeches", "links"):
        expected = read_jsonl(jsonl / f"{name}.jsonl")
        rows = read(parquet, name).to_pylist()
        assert [row["id"] for row in rows] == [row["id"] for row in expected], name
        for row, want in zip(rows, expected, strict=True):
            for column, value in want.items():
                if column == "comments":
                    assert row["comment_count"] == len(value)
                    continue
                assert row[column] == jsonl_value(value, row[column]), (name, column)


def test_two_parquet_exports_of_one_corpus_are_byte_identical(corpus, tmp_path):
    first = run_export(corpus, tmp_path / "first", format="parquet")
    second = run_export(corpus, tmp_path / "elsewhere" / "second", format="parquet")
    for name in PARQUET_FILES:
        assert (first / name).read_bytes() == (second / name).read_bytes(), name


def test_the_data_card_describes_every_parquet_column_with_its_type(corpus, tmp_path):
    folder = run_export(corpus, tmp_path / "out", format="parquet")
    card = (folder / "README.md").read_text(encoding="utf-8")
    for name in ("articles", "comments", "debates", "speeches", "links"):
        table = read(folder, name)
        section = card.split(f"### {name}.parquet\n", 1)[1].split("\n### ", 1)[0]
        for field in table.schema:
            assert f"| `{field.name}` |" in section, (name, field.name)
            assert field.metadata[b"description"], (name, field.name)


def test_a_damaged_crawler_time_stamp_is_refused_and_leaves_no_parquet_file(corpus, tmp_path):
    copy = tmp_path / "corpus"
    store = CorpusStore(copy)
    store.put_article({**MONTH_ARTICLE, "fetched_at": "yesterday"}, identities=(), sketch=())
    store.close()
    with pytest.raises(ExportError, match="fetched_at 'yesterday' in the store"):
        export(copy, tmp_path / "out", ExportOptions(format="parquet"))
    assert not list((tmp_path / "out").glob("articles*"))


# Every field of every record type in crawler/items.py, read from the dataclasses.
RECORD_FIELDS = [
    (record.__name__, field.name)
    for record in (items.Comment, items.ArticleItem, items.Speech, items.DebateItem, items.LinkItem)
    for field in dataclasses.fields(record)
]


@pytest.mark.parametrize(("record", "name"), RECORD_FIELDS)
def test_every_record_field_type_maps_to_an_arrow_type(record, name):
    column = Column(name, (record, name))
    hint = item_field_docs()[(record, name)].type
    assert isinstance(column_type(column), pa.DataType)
    # JSON text exactly for the types with no fixed shape.
    assert is_json_text(column) == ("Any" in hint), hint


@pytest.mark.parametrize(
    ("hint", "expected"),
    [
        ("str", pa.string()),
        ("str | None", pa.string()),
        ("int", pa.int64()),
        ("float", pa.float64()),
        ("bool", pa.bool_()),
        ("list[str]", pa.list_(pa.string())),
        ("dict[str, str]", pa.map_(pa.string(), pa.string())),
        ("dict[str, list[str]]", pa.map_(pa.string(), pa.list_(pa.string()))),
        ("dict[str, str] | None", pa.map_(pa.string(), pa.string())),
    ],
)
def test_type_hints_map_to_the_arrow_type_of_the_same_shape(hint, expected):
    assert type_of_hint(hint) == expected


def test_a_list_of_records_is_a_list_of_structs_of_their_fields():
    comments = type_of_hint("list[Comment]")
    assert pa.types.is_list(comments)
    struct = comments.value_type
    assert [struct.field(i).name for i in range(struct.num_fields)] == [
        field.name for field in dataclasses.fields(items.Comment)
    ]
    assert struct.field("parent_id").type == pa.string()


@pytest.mark.parametrize(
    "hint", ["dict[str, Any]", "dict[str, Any] | None", "list[Any]", "str | int"]
)
def test_a_type_with_no_fixed_shape_is_json_text(hint):
    with pytest.raises(JsonText):
        type_of_hint(hint)


@pytest.mark.parametrize("hint", ["set[str]", "tuple[str, int]", "Decimal"])
def test_a_type_with_no_arrow_type_is_refused(hint):
    with pytest.raises(TypeError, match="no Arrow type"):
        type_of_hint(hint)


@pytest.mark.parametrize("format", FORMATS)
def test_the_sample_corpus_exports_in_every_format(sample_corpus, tmp_path, format):
    folder = run_export(sample_corpus.folder, tmp_path / format, format=format)
    names = files_in(folder)
    assert "SHA256SUMS" in names
    assert {"speeches", "links"} <= {name.rsplit(".", 1)[0] for name in names}


def plain(value: Any, type_: pa.DataType, json_text: bool) -> Any:
    """A value read from Parquet in the form JSON gives it (maps as dicts, JSON text parsed)."""
    if value is None:
        return None
    if json_text:
        return json.loads(value)
    if pa.types.is_map(type_):
        return {key: plain(item, type_.item_type, False) for key, item in value}
    if pa.types.is_list(type_):
        return [plain(item, type_.value_type, False) for item in value]
    return value


def json_as_read(value: Any, typed: Any) -> Any:
    if isinstance(typed, datetime):
        return datetime.fromisoformat(value).astimezone(UTC)
    if isinstance(typed, date):
        return date.fromisoformat(value)
    return value


def assert_rows_equal(parquet: pa.Table, table: Any, expected: list[dict[str, Any]]) -> None:
    json_columns = {column.name for column in table.columns if is_json_text(column)}
    rows = parquet.to_pylist()
    assert [row["id"] for row in rows] == [row["id"] for row in expected], table.name
    for row, want in zip(rows, expected, strict=True):
        assert row["unfit_values"] is None, (table.name, row["id"])
        for name, value in want.items():
            type_ = parquet.schema.field(name).type
            got = plain(row[name], type_, name in json_columns)
            assert got == json_as_read(value, got), (table.name, row["id"], name)


def test_sample_corpus_speeches_and_links_in_parquet_equal_the_jsonl_export(
    sample_corpus, tmp_path
):
    jsonl = run_export(sample_corpus.folder, tmp_path / "jsonl")
    parquet = run_export(sample_corpus.folder, tmp_path / "parquet", format="parquet")
    speeches = read_jsonl(jsonl / "speeches.jsonl")
    # The sample holds the nested fields this compares: per-interface WARC sources,
    # Senedd texts in both languages and per-source ids and URLs.
    assert any(isinstance(row["debate_source"], dict) for row in speeches)
    for name in ("texts", "source_ids", "source_urls", "member_ids", "job_titles", "video_urls"):
        assert any(row[name] for row in speeches), name
    assert_rows_equal(read(parquet, "speeches"), speeches_table("parquet"), speeches)
    links = read_jsonl(jsonl / "links.jsonl")
    assert any(row["speech_language"] for row in links)
    assert_rows_equal(read(parquet, "links"), links_table("parquet"), links)


def test_sample_corpus_debates_in_parquet_equal_the_stored_debates(sample_corpus, tmp_path):
    parquet = read(
        run_export(sample_corpus.folder, tmp_path / "parquet", format="parquet"), "debates"
    )
    table = debates_table("parquet")
    stored = sorted(sample_corpus.read("debates"), key=lambda debate: debate["id"])
    names = [column.name for column in table.columns if column.name != "speech_count"]
    expected = [
        {name: {**defaults(items.DebateItem), **debate}[name] for name in names}
        for debate in stored
    ]
    assert any(row["source_ids"] and row["titles"] and row["sources"] for row in expected)
    assert any(set(row["source"] or ()) == {"cy", "en"} for row in expected), (
        "no debate with a WARC source per interface"
    )
    assert parquet.schema.field("source_ids").type == pa.map_(pa.string(), pa.list_(pa.string()))
    assert parquet.schema.field("source").type == pa.string()
    assert_rows_equal(parquet, table, expected)


def test_a_value_that_does_not_fit_its_column_is_kept_as_json_text(corpus, tmp_path, caplog):
    copy = tmp_path / "corpus"
    store = CorpusStore(copy)
    debate = {
        **DEBATES[-1],
        # Declared dict[str, list[str]] and dict[str, str]: a bare string and a list do not fit.
        "source_ids": {"senedd": "12920"},
        "titles": ["Shipbuilding: Scotland"],
    }
    store.put_debate(debate, family=debate["id"].split(".")[0])
    store.close()
    with caplog.at_level(logging.WARNING, logger="crawler.export.writers.parquet"):
        folder = run_export(copy, tmp_path / "out", format="parquet")
    rows = by_id(read(folder, "debates"))
    assert len(rows) == 1
    row = rows[debate["id"]]
    assert row["source_ids"] is None and row["titles"] is None
    assert dict(row["unfit_values"]) == {
        "source_ids": '{"senedd":"12920"}',
        "titles": '["Shipbuilding: Scotland"]',
    }
    assert row["title"] == "Shipbuilding: Scotland"
    assert "debates.parquet: 2 value(s) did not fit" in caplog.text
    assert "source_ids: 1, titles: 1" in caplog.text


@pytest.mark.parametrize(
    ("value", "type_"),
    [
        ("abc", pa.list_(pa.string())),
        ({"en": "x"}, pa.map_(pa.string(), pa.list_(pa.string()))),
        (True, pa.int64()),
        (2**63, pa.int64()),
        (1, pa.string()),
        ({"en": 1}, pa.map_(pa.string(), pa.string())),
        ({"unknown": "x"}, type_of_hint("Comment")),
    ],
)
def test_a_value_arrow_would_coerce_does_not_fit(value, type_):
    assert not fits(value, type_)


@pytest.mark.parametrize(
    ("value", "type_"),
    [
        (["a"], pa.list_(pa.string())),
        ({"senedd": ["1", "2"]}, pa.map_(pa.string(), pa.list_(pa.string()))),
        (1, pa.float64()),
        ({"id": "1", "author": None, "published_raw": None, "text": "t"}, type_of_hint("Comment")),
    ],
)
def test_a_value_of_its_declared_shape_fits(value, type_):
    assert fits(value, type_)


def test_the_data_card_says_which_parquet_columns_hold_json_text(sample_corpus, tmp_path):
    folder = run_export(sample_corpus.folder, tmp_path / "out", format="parquet")
    card = (folder / "README.md").read_text(encoding="utf-8")
    debates = card.split("### debates.parquet\n", 1)[1].split("\n### ", 1)[0]
    source = next(line for line in debates.splitlines() if line.startswith("| `source` |"))
    assert "| JSON text. The WARC record" in source
    titles = next(line for line in debates.splitlines() if line.startswith("| `titles` |"))
    assert "JSON text" not in titles
    field = read(folder, "speeches").schema.field("debate_source")
    assert field.metadata[b"description"].startswith(b"JSON text. From the debate:")
