"""The store's link rows: an article's or a debate's links are made exactly the given
set, writing only the links that changed."""

from __future__ import annotations

from pathlib import Path

from crawler.corpus.store import CorpusStore


def link(link_id: str, score: float = 1.0) -> dict:
    return {
        "id": link_id,
        "article_id": "a",
        "debate_id": "d",
        "speech_id": "d.1",
        "quote": "words",
        "article_start": 0,
        "article_end": 5,
        "speech_start": 0,
        "speech_end": 5,
        "score": score,
        "kind": "exact",
    }


def test_links_replaced_unchanged_write_nothing(tmp_path: Path) -> None:
    store = CorpusStore(tmp_path)
    try:
        assert store.replace_links(article_id="a", links=[link("l1"), link("l2")]) == (0, 2)
        before = store._conn.total_changes
        assert store.replace_links(article_id="a", links=[link("l1"), link("l2")]) == (0, 0)
        assert store._conn.total_changes == before
    finally:
        store.close()


def test_only_changed_and_gone_links_are_written(tmp_path: Path) -> None:
    store = CorpusStore(tmp_path)
    try:
        store.replace_links(article_id="a", links=[link("l1"), link("l2")])
        removed, written = store.replace_links(debate_id="d", links=[link("l1", 0.9)])
        assert (removed, written) == (1, 1)
        assert store.link_ids(article_id="a") == {"l1"}
        assert store.get("links", "l1")["score"] == 0.9
        assert "l2" in store.deleted_ids("links")
    finally:
        store.close()
