"""Fixtures: the UK Defence Journal article of the seed and the debate it reports."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from crawler.linking.index import LinkIndex

FIXTURES = Path(__file__).parent / "fixtures"
ARTICLE_ID = "ukdj-healey-hegseth"
ARTICLE_PUBLISHED = "2025-02-11T10:31:00+00:00"


@pytest.fixture(scope="session")
def article_text() -> str:
    """Body paragraphs of the article, up to "…in response to evolving threats."."""
    return (FIXTURES / "ukdj_healey_hegseth_article.txt").read_text(encoding="utf-8")


@pytest.fixture
def article(article_text: str) -> dict[str, Any]:
    return {"id": ARTICLE_ID, "text": article_text, "published": ARTICLE_PUBLISHED}


@pytest.fixture
def debate() -> dict[str, Any]:
    """Defence questions of 10 February 2025: six speeches, gids 2025-02-10a.1.1 to 1.6."""
    return json.loads((FIXTURES / "twfy_2025-02-10a.1.0.json").read_text(encoding="utf-8"))


@pytest.fixture
def speech_texts(debate: dict[str, Any]) -> dict[str, str]:
    return {s["id"]: s["text"] for s in debate["speeches"]}


@pytest.fixture
def conn() -> Iterator[sqlite3.Connection]:
    connection = sqlite3.connect(":memory:", isolation_level=None)
    yield connection
    connection.close()


@pytest.fixture
def index(conn: sqlite3.Connection) -> LinkIndex:
    return LinkIndex(conn)
