"""The README's query path runs on a Parquet export and answers its question."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import duckdb
import pytest

from tests.test_export import HEALEY_QUOTE, ROOT, build_corpus, run_export


def readme_query() -> str:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("### Querying an export", 1)[1]
    match = re.search(r"```sql\n(.*?)```", section, flags=re.DOTALL)
    assert match, "the README has no SQL under 'Querying an export'"
    return match.group(1)


def test_the_readme_query_lists_a_members_quoted_speeches_by_outlet_and_delay(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    corpus = build_corpus(tmp_path / "corpus")
    folder = run_export(corpus, tmp_path / "export", format="parquet")
    monkeypatch.chdir(folder)
    rows = duckdb.sql(readme_query()).fetchall()
    assert rows == [
        (
            "John Healey",
            date(2025, 2, 10),
            "NATO: Euro-Atlantic Security",
            "UK Defence Journal",
            "2025-02-12",
            2,
            "exact",
            HEALEY_QUOTE,
        )
    ]
