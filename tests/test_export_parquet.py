"""Parquet exports: typed tables with the same rows and filters as JSONL, deterministic bytes."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from crawler.corpus.store import CorpusStore
from crawler.export import ExportError, ExportOptions, export
from tests.test_export import COMMON_FILES, UKDJ, build_corpus, files_in, read_jsonl, run_export

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
