"""--shareable leaves out exactly what the data card calls copyright or personal data."""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path

import pytest

from tests.test_export import (
    ARTICLES,
    BODY_SENTENCE,
    COMMENT_TEXT,
    CSV_FILES,
    build_corpus,
    files_in,
    read_jsonl,
    run_export,
    scrapy_export,
)


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_corpus(tmp_path_factory.mktemp("corpus"))


def restricted_by_card(card: str) -> dict[str, set[str]]:
    """``rows -> fields`` the card's licence section calls copyright or personal data."""
    named: dict[str, set[str]] = {}
    for heading in ("News text", "Personal data"):
        match = re.search(rf"^- \*\*{heading}\*\* \(([^)]*)\)", card, flags=re.MULTILINE)
        assert match, f"the card has no '{heading}' item"
        for group in match.group(1).split("; "):
            rows, _, fields = group.partition(": ")
            named.setdefault(rows, set()).update(re.findall(r"`(\w+)`", fields))
    return named


def columns_written(folder: Path, format: str) -> dict[str, set[str]]:
    """``rows -> columns`` in the data files (nested JSONL comments count as comments)."""
    columns: dict[str, set[str]] = {}
    for path in folder.glob(f"*.{format}"):
        rows = path.stem
        if format == "csv":
            with path.open(encoding="utf-8", newline="") as handle:
                columns[rows] = set(next(csv.reader(handle)))
            continue
        records = read_jsonl(path)
        columns[rows] = {name for record in records for name in record}
        if rows == "articles":
            columns["comments"] = {
                name for record in records for comment in record["comments"] for name in comment
            }
    return columns


@pytest.mark.parametrize("format", ["jsonl", "csv"])
def test_a_shareable_export_has_no_field_the_card_calls_copyright_or_personal_data(
    corpus, tmp_path, format
):
    folder = run_export(corpus, tmp_path / "out", format=format, shareable=True)
    card = (folder / "README.md").read_text(encoding="utf-8")
    restricted = restricted_by_card(card)
    assert restricted == {
        "articles": {"title", "text", "authors"},
        "comments": {"text", "author"},
    }
    written = columns_written(folder, format)
    for rows, fields in restricted.items():
        assert rows in written, rows
        assert not fields & written[rows], rows


@pytest.mark.parametrize("format", ["jsonl", "csv"])
def test_a_shareable_export_holds_no_title_byline_comment_or_commenter_anywhere(
    corpus, tmp_path, format
):
    folder = run_export(corpus, tmp_path / "out", format=format, shareable=True)
    secrets = [BODY_SENTENCE, COMMENT_TEXT, "George Allison", '"Dern"', ",Dern,"]
    secrets += [article["title"] for article in ARTICLES]
    for path in folder.iterdir():
        content = path.read_text(encoding="utf-8")
        for secret in secrets:
            assert secret not in content, (path.name, secret)


def test_the_card_of_a_shareable_export_lists_exactly_the_fields_that_remain(corpus, tmp_path):
    folder = run_export(corpus, tmp_path / "out", shareable=True)
    card = (folder / "README.md").read_text(encoding="utf-8")
    match = re.search(r"of articles, (.*?); of comments, (.*?) \(", card)
    assert match, "the card does not say what remains"
    articles = read_jsonl(folder / "articles.jsonl")
    assert re.findall(r"`(\w+)`", match.group(1)) == list(articles[0])
    assert re.findall(r"`(\w+)`", match.group(2)) == list(articles[0]["comments"][0])
    assert "| `--shareable` | yes |" in card


def test_a_shareable_export_keeps_speeches_and_link_quotes_whole(corpus, tmp_path):
    full = run_export(corpus, tmp_path / "full")
    shared = run_export(corpus, tmp_path / "shared", shareable=True)
    for name in ("speeches.jsonl", "links.jsonl"):
        assert (full / name).read_bytes() == (shared / name).read_bytes(), name


def test_no_article_text_says_titles_and_names_remain_and_points_to_shareable(corpus, tmp_path):
    folder = run_export(corpus, tmp_path / "out", article_text=False)
    card = (folder / "README.md").read_text(encoding="utf-8")
    assert "It still holds article titles (publisher copyright)" in card
    assert "not for sharing: `--shareable` leaves those out too" in card
    healey = read_jsonl(folder / "articles.jsonl")[0]
    assert healey["title"] and healey["authors"] == ["George Allison"]


def test_scrapy_export_shareable_writes_the_same_files_as_the_export_logic(corpus, tmp_path):
    completed = scrapy_export(
        str(tmp_path / "cmd"), "-s", f"CORPUS_DIR={corpus}", "--format", "csv", "--shareable"
    )
    assert completed.returncode == 0, completed.stderr
    expected = run_export(corpus, tmp_path / "fn", format="csv", shareable=True)
    assert files_in(tmp_path / "cmd") == CSV_FILES
    for name in CSV_FILES:
        assert (tmp_path / "cmd" / name).read_bytes() == (expected / name).read_bytes(), name
    assert "--shareable" in json.dumps((tmp_path / "cmd" / "README.md").read_text())
