"""The end-of-crawl snapshot costs what changed: files kept, merged or written whole."""

from __future__ import annotations

import random
import shutil
import sqlite3
from contextlib import closing
from pathlib import Path

import pytest

from crawler.corpus import snapshot
from crawler.corpus.snapshot import (
    SNAPSHOT_FILES,
    snapshot_losses,
    update_snapshot,
    write_snapshot,
)
from crawler.corpus.store import STORE_FILENAME, CorpusStore


def delete_unnoted(store: CorpusStore, ids: list[str]) -> None:
    """Remove articles as no code of the crawler does: without noting it."""
    with closing(sqlite3.connect(store.path)) as other, other:
        other.executemany("DELETE FROM articles WHERE id = ?", [(i,) for i in ids])


def put(store: CorpusStore, article_id: str, text: str = "Text.") -> None:
    store.put_article({"id": article_id, "title": text}, identities=(), sketch=())


def link(n: int, article_id: str) -> dict[str, object]:
    return {"id": f"l{n}", "article_id": article_id, "debate_id": "d1", "speech_id": "d1.1"}


def files(folder: Path) -> dict[str, bytes]:
    return {name: (folder / name).read_bytes() for name in SNAPSHOT_FILES.values()}


def written_whole(store: CorpusStore, tmp_path: Path) -> dict[str, bytes]:
    """The snapshot written from nothing, in a folder of its own."""
    whole = tmp_path / "whole"
    shutil.rmtree(whole, ignore_errors=True)
    write_snapshot(store, whole)
    return files(whole)


@pytest.fixture
def store(tmp_path: Path) -> CorpusStore:
    store = CorpusStore(tmp_path / "corpus")
    for n in range(0, 200, 2):
        put(store, f"a{n:04d}")
    store.put_debate({"id": "d1", "speeches": [{"id": "d1.1"}]}, family="d")
    store.replace_links(article_id="a0000", links=[link(1, "a0000")])
    update_snapshot(store)
    yield store
    store.close()


def test_a_first_snapshot_writes_every_file_whole(tmp_path: Path) -> None:
    store = CorpusStore(tmp_path)
    put(store, "b")
    put(store, "a")
    assert {t: r.how for t, r in update_snapshot(store).items()} == {
        "articles": "written",
        "debates": "written",
        "links": "written",
    }
    assert (tmp_path / "articles.jsonl").read_text().splitlines() == [
        store.get_raw("articles", "a"),
        store.get_raw("articles", "b"),
    ]


def test_files_whose_records_did_not_change_are_left_alone(store: CorpusStore) -> None:
    before = {name: (store.folder / name).stat() for name in SNAPSHOT_FILES.values()}
    put(store, "a0003")
    results = update_snapshot(store)
    assert {t: r.how for t, r in results.items()} == {
        "articles": "merged",
        "debates": "kept",
        "links": "kept",
    }
    for table in ("debates", "links"):
        after = (store.folder / SNAPSHOT_FILES[table]).stat()
        assert (after.st_ino, after.st_mtime_ns) == (
            before[SNAPSHOT_FILES[table]].st_ino,
            before[SNAPSHOT_FILES[table]].st_mtime_ns,
        )
    assert results["articles"].records == 101


def test_merged_lines_give_the_file_a_whole_write_gives(store: CorpusStore, tmp_path: Path) -> None:
    put(store, "a0001")  # new, between two lines
    put(store, "a0100", "Changed.")  # changed in place
    put(store, "a0000", "First changed.")  # the first line
    put(store, "a9999")  # new, after the last line
    put(store, "0000")  # new, before the first line
    store.put_debate({"id": "d2", "speeches": [{"id": "d2.1"}]}, family="d", replaces=["d1"])
    store.replace_links(article_id="a0000", links=[link(2, "a0000")])  # l1 goes, noted
    # Tables this small change by more than MERGE_MAX_SHARE: written whole.
    assert {t: r.how for t, r in update_snapshot(store).items()} == {
        "articles": "merged",
        "debates": "written",
        "links": "written",
    }
    assert files(store.folder) == written_whole(store, tmp_path)


def test_random_rounds_of_changes_keep_the_files_sorted_whole_and_unique(
    tmp_path: Path,
) -> None:
    rng = random.Random(15)
    store = CorpusStore(tmp_path / "corpus")
    alphabet = ["a", "b", "é", "z", "Ω", "0", "-"]
    ids = ["".join(rng.choices(alphabet, k=rng.randint(1, 4))) for _ in range(400)]
    for record_id in ids:
        put(store, record_id)
    update_snapshot(store)
    hows = set()
    for round_ in range(12):
        stored = list(store.ids("articles"))
        for _ in range(rng.randint(0, 6)):
            put(store, rng.choice([*ids, f"new{round_}{rng.random()}"]), f"r{round_}")
        gone = rng.sample(stored, rng.randint(0, 2))
        delete_unnoted(store, gone)
        store.note_deletions("articles", gone, reason="test")
        hows.add(update_snapshot(store)["articles"].how)
        assert files(store.folder) == written_whole(store, tmp_path), round_
        assert snapshot_losses(store) == {}
    assert "merged" in hows
    store.close()


def test_a_file_changed_by_anyone_else_is_written_whole(store: CorpusStore) -> None:
    path = store.folder / "articles.jsonl"
    path.write_bytes(path.read_bytes() + b'{"id":"zz-added-by-hand"}\n')
    put(store, "a0003")
    assert update_snapshot(store)["articles"].how == "written"
    assert b"zz-added-by-hand" not in path.read_bytes()


def test_many_changes_write_the_file_whole(store: CorpusStore) -> None:
    for n in range(1, 40, 2):
        put(store, f"a{n:04d}")
    assert update_snapshot(store)["articles"].how == "written"
    assert len(path_lines(store.folder / "articles.jsonl")) == 120


def path_lines(path: Path) -> list[str]:
    return path.read_text().splitlines()


def test_a_kill_before_the_store_notes_the_new_file_brings_a_whole_write(
    store: CorpusStore, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    put(store, "a0003")

    def killed(*args: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(CorpusStore, "settle_snapshot", killed)
    with pytest.raises(KeyboardInterrupt):
        update_snapshot(store)
    monkeypatch.undo()
    # The file is the new one; the store does not know it, so trusts none of it.
    assert update_snapshot(store)["articles"].how == "written"
    assert files(store.folder) == written_whole(store, tmp_path)


def test_losses_are_found_among_the_changes_of_a_file_the_store_wrote(
    store: CorpusStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    put(store, "a0001")  # added after the snapshot, then removed: not in the file
    delete_unnoted(store, ["a0001", "a0002", "a0004"])
    store.note_deletions("articles", ["a0004"], reason="test")
    # The file is the store's own: its lines are not all read.
    monkeypatch.setattr(snapshot, "snapshot_ids", None)
    assert snapshot_losses(store) == {"articles": ["a0002"]}


def test_a_store_replaced_by_an_earlier_copy_is_checked_against_every_line(
    store: CorpusStore, tmp_path: Path
) -> None:
    earlier = tmp_path / "earlier.sqlite3"
    live, copy = sqlite3.connect(store.path), sqlite3.connect(earlier)
    live.backup(copy)
    live.close()
    copy.close()
    put(store, "a0003")
    update_snapshot(store)
    store.close()
    for journal in ("-wal", "-shm"):
        Path(f"{store.path}{journal}").unlink(missing_ok=True)
    shutil.copy(earlier, store.folder / STORE_FILENAME)
    restored = CorpusStore(store.folder)
    try:
        assert snapshot_losses(restored) == {"articles": ["a0003"]}
    finally:
        restored.close()


def test_every_statement_that_changes_a_record_is_noted_and_marking_it_linked_is_not(
    store: CorpusStore,
) -> None:
    store.mark_linked("articles", "a0002")
    assert store.snapshot_changes("articles") == []
    with closing(sqlite3.connect(store.path)) as other, other:
        other.execute("UPDATE articles SET record = '{\"id\":\"a0004\"}' WHERE id = 'a0004'")
        other.execute("DELETE FROM articles WHERE id = 'a0006'")
        other.execute("INSERT OR ABORT INTO articles (id, record) VALUES ('b', '{\"id\":\"b\"}')")
        other.execute("INSERT OR REPLACE INTO articles (id, record) VALUES ('b', '{\"id\":\"b\"}')")
        other.execute("UPDATE articles SET id = 'c' WHERE id = 'a0008'")
    assert store.snapshot_changes("articles") == ["a0004", "a0006", "a0008", "b", "c"]
