"""The on-disk linking index: tables, look-ups within the date window, no scans."""

from __future__ import annotations

import sqlite3
from dataclasses import replace
from typing import Any

import pytest

from crawler.linking.index import (
    STAGED_SEGMENTS,
    IndexedSpeech,
    LinkIndex,
    Shingles,
    passage_shingles,
    speech_shingles,
)
from crawler.linking.linker import debate_speeches, link_article, link_debate
from tests.linking.test_align import FIND_WORDS_CASES

CALL = "We discussed the importance of all NATO allies doing more, including on defence spending."


def speech(
    speech_id: str, date: str, text: str = CALL, speaker: str = "John Healey"
) -> IndexedSpeech:
    return IndexedSpeech(speech_id, speech_id.rsplit(".", 1)[0] + ".0", date, text, speaker)


def candidate_ids(index: LinkIndex, passage: str, date: str, window_days: int = 30) -> list[str]:
    return [c.speech.speech_id for c in index.speech_candidates(passage, date, window_days)]


def test_creates_only_link_prefixed_tables(conn: sqlite3.Connection) -> None:
    LinkIndex(conn)
    names = [row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
    assert names and all(name.startswith("link_") for name in names)


def test_posting_tables_are_without_rowid_keyed_by_period_then_bucket(
    conn: sqlite3.Connection,
) -> None:
    LinkIndex(conn)
    for table in ("link_speech_posting", "link_quote_posting"):
        sql = conn.execute("SELECT sql FROM sqlite_master WHERE name = ?", (table,)).fetchone()[0]
        assert "WITHOUT ROWID" in sql
        key = [row[2] for row in conn.execute(f"PRAGMA index_xinfo('{table}')") if row[5]]
        assert key[:2] == ["period", "bucket"]


def test_brackets_break_passage_shingles() -> None:
    whole = passage_shingles("could he expand on what conversations he has had")
    bracketed = passage_shingles("could [the Secretary] expand on what conversations he has had")
    assert bracketed < whole
    assert len(bracketed) == 3  # "expand on what conversations he has had": 7 words


def test_passage_shingles_match_speech_shingles_across_case_and_punctuation() -> None:
    assert passage_shingles("The new US Defence Secretary,") <= speech_shingles(
        "…that the new US Defence Secretary is spending"
    )


def test_candidates_are_limited_to_the_window_before_the_date(index: LinkIndex) -> None:
    index.add_speeches(
        [
            speech("2025-01-05a.1.1", "2025-01-05"),  # 37 days before
            speech("2025-02-01a.1.1", "2025-02-01"),
            speech("2025-02-11a.1.1", "2025-02-11"),  # the article's own day
            speech("2025-02-12a.1.1", "2025-02-12"),  # after the article
        ]
    )
    assert candidate_ids(index, CALL, "2025-02-11") == ["2025-02-01a.1.1", "2025-02-11a.1.1"]


def test_candidates_are_ranked_by_shared_shingles(index: LinkIndex) -> None:
    index.add_speeches(
        [
            speech(
                "2025-02-10a.1.1", "2025-02-10", "We discussed the importance of all NATO allies."
            ),
            speech("2025-02-10a.1.2", "2025-02-10"),
        ]
    )
    assert candidate_ids(index, CALL, "2025-02-11") == ["2025-02-10a.1.2", "2025-02-10a.1.1"]


def test_shingles_too_common_in_the_window_are_skipped(index: LinkIndex) -> None:
    stock = "I thank the hon. Member for her question."
    index.add_speeches(speech(f"2025-02-10a.{n}.1", "2025-02-10", stock) for n in range(5))
    found = index.speech_candidates(stock, "2025-02-10", 30, max_postings=4)
    assert found == []
    assert index.stats["common_shingles"] == len(passage_shingles(stock))


def test_adding_a_speech_again_replaces_it(index: LinkIndex, conn: sqlite3.Connection) -> None:
    index.add_speech(speech("2025-02-10a.1.2", "2025-02-10"))
    index.add_speech(speech("2025-02-10a.1.2", "2025-02-10", "Something else was said instead."))
    assert conn.execute("SELECT count(*) FROM link_speech").fetchone()[0] == 1
    assert candidate_ids(index, CALL, "2025-02-11") == []
    assert index.speech_postings.count() == len(speech_shingles("Something else was said instead."))


def test_removing_a_speech_removes_its_shingles(index: LinkIndex, conn: sqlite3.Connection) -> None:
    index.add_speech(speech("2025-02-10a.1.2", "2025-02-10"))
    assert index.remove_speech("2025-02-10a.1.2") is True
    assert index.remove_speech("2025-02-10a.1.2") is False
    assert index.speech_postings.count() == 0
    assert conn.execute("SELECT count(*) FROM link_speech_posting").fetchone()[0] == 0
    assert candidate_ids(index, CALL, "2025-02-11") == []


def test_article_candidates_are_limited_to_the_window_after_the_debate(index: LinkIndex) -> None:
    index.add_article_quotes("before", "2025-02-09", [CALL])
    index.add_article_quotes("next-day", "2025-02-11T08:00:00+00:00", [CALL])
    index.add_article_quotes("months-later", "2025-06-01", [CALL])
    index.add_article_quotes("other-words", "2025-02-11", ["The two leaders committed to more."])
    assert index.article_candidates([CALL], "2025-02-10", 30) == ["next-day"]


def test_removing_an_article_removes_its_quote_shingles(
    index: LinkIndex, conn: sqlite3.Connection
) -> None:
    index.add_article_quotes("a", "2025-02-11", [CALL])
    assert index.remove_article("a") is True
    assert conn.execute("SELECT count(*) FROM link_quote_posting").fetchone()[0] == 0
    assert index.article_candidates([CALL], "2025-02-10", 30) == []


def test_writes_join_the_callers_transaction(conn: sqlite3.Connection) -> None:
    index = LinkIndex(conn)
    conn.execute("BEGIN")
    index.add_speech(speech("2025-02-10a.1.2", "2025-02-10"))
    conn.execute("ROLLBACK")
    assert conn.execute("SELECT count(*) FROM link_speech").fetchone()[0] == 0


def test_index_built_with_another_hash_scheme_is_refused(conn: sqlite3.Connection) -> None:
    LinkIndex(conn)
    conn.execute("UPDATE link_meta SET value = 'other' WHERE key = 'hash_scheme'")
    with pytest.raises(ValueError, match="rebuild"):
        LinkIndex(conn)


def test_linking_reads_the_index_by_key_only(
    conn: sqlite3.Connection, article: dict[str, Any], debate: dict[str, Any]
) -> None:
    index = LinkIndex(conn)
    statements: list[str] = []
    conn.set_trace_callback(statements.append)
    link_article(article, index)
    link_debate(debate, index, load_article=lambda _id: article)
    index.add_speeches(debate_speeches(debate))
    conn.set_trace_callback(None)
    plans = []
    for sql in {s for s in statements if s.lstrip().upper().startswith(("SELECT", "DELETE"))}:
        plans += [row[3] for row in conn.execute("EXPLAIN QUERY PLAN " + sql)]
    assert any("link_speech_posting" in p for p in plans)
    assert any("link_quote_posting" in p for p in plans)
    scans = [p for p in plans if p.startswith("SCAN") and "link_" in p]
    assert scans == []


def test_creating_the_index_keeps_the_callers_transaction_open(conn: sqlite3.Connection) -> None:
    conn.execute("CREATE TABLE corpus_thing (x)")
    conn.execute("BEGIN")
    conn.execute("INSERT INTO corpus_thing VALUES (1)")
    LinkIndex(conn)
    conn.execute("ROLLBACK")
    assert conn.execute("SELECT count(*) FROM corpus_thing").fetchone()[0] == 0


def test_indexing_a_debate_again_unchanged_writes_nothing(
    index: LinkIndex, conn: sqlite3.Connection, debate: dict[str, Any], article: dict[str, Any]
) -> None:
    index.replace_debate(debate["id"], debate_speeches(debate))
    link_article(article, index)
    before = conn.total_changes
    index.replace_debate(debate["id"], debate_speeches(debate))
    link_article(article, index)
    assert conn.total_changes == before
    assert index.stats["unchanged"] == len(debate_speeches(debate)) + 1


def test_a_changed_speech_rewrites_its_own_postings_only(
    index: LinkIndex, debate: dict[str, Any]
) -> None:
    speeches = debate_speeches(debate)
    index.replace_debate(debate["id"], speeches)
    postings = index.speech_postings.count()
    changed = [*speeches[:-1], replace(speeches[-1], text="Something else was said instead.")]
    assert index.add_speeches(changed) == 1
    assert index.speech_postings.count() == (
        postings
        - len(speech_shingles(speeches[-1].text))
        + len(speech_shingles("Something else was said instead."))
    )


def test_more_speeches_in_a_day_than_the_index_can_place_is_a_clear_error(
    index: LinkIndex, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("crawler.linking.index.SLOTS_PER_DAY", 2)
    index.add_speeches(
        [speech("2025-02-10a.1.1", "2025-02-10"), speech("2025-02-10a.1.2", "2025-02-10")]
    )
    with pytest.raises(ValueError, match="more than 2 records on 2025-02-10"):
        index.add_speech(speech("2025-02-10a.1.3", "2025-02-10"))


def test_speeches_added_together_to_a_day_whose_last_slot_is_taken_each_get_a_free_one(
    index: LinkIndex, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Slots are not handed back in order: once a day's last slot has been used, the
    # free ones are searched for, and each speech of one call must get its own.
    monkeypatch.setattr("crawler.linking.index.SLOTS_PER_DAY", 4)
    day = "2025-02-10"
    index.add_speeches([speech(f"2025-02-10a.1.{n}", day, f"{CALL} Filler {n}.") for n in range(4)])
    for n in range(3):
        assert index.remove_speech(f"2025-02-10a.1.{n}")
    quoted = [
        f"The carrier strike group will sail for the Pacific in spring, said minister {n}."
        for n in range(3)
    ]
    index.add_speeches([speech(f"2025-02-10a.2.{n}", day, quoted[n]) for n in range(3)])
    assert index.speech_count() == 4
    for n in range(3):
        assert candidate_ids(index, quoted[n], "2025-02-11")[:1] == [f"2025-02-10a.2.{n}"]


def test_shingles_of_many_speeches_are_each_speechs_own() -> None:
    texts = [
        (1, CALL),
        (2, "Too short."),
        (3, "I thank the hon. Member for her question; the Ajax programme is late."),
        (4, ""),
    ]
    together = Shingles.of_speeches(texts)
    by_owner = {key: set(together.hashes[together.keys == key].tolist()) for key, _ in texts}
    assert by_owner == {key: speech_shingles(text) for key, text in texts}
    assert by_owner[1] and by_owner[3] and not by_owner[2]


def test_shingles_of_texts_split_together_are_those_of_each_text_alone() -> None:
    # A batch's texts are split into words as one string: every printed form of the
    # word table (curly apostrophes, accents, dashes, a combining accent, brackets,
    # digits, emoji, an empty text) gives each text its own shingles, none across two.
    texts = [(n, text) for n, text in enumerate(FIND_WORDS_CASES)]
    texts += [(100, "— " * 6 + CALL + " —"), (101, "x' ’y " * 4), (102, CALL.upper())]
    together = Shingles.of_speeches(texts)
    by_owner = {key: set(together.hashes[together.keys == key].tolist()) for key, _ in texts}
    assert by_owner == {key: speech_shingles(text) for key, text in texts}
    assert by_owner[100] == by_owner[102] == speech_shingles(CALL)


def test_speeches_dated_far_apart_added_together_are_each_found(index: LinkIndex) -> None:
    # Over 2**16 periods apart, and one of them before 1970: the postings are
    # sorted by period another way.
    early = speech("0550-11-22a.1.1", "0550-11-22")
    index.add_speeches([early, speech("2025-02-10a.1.1", "2025-02-10")])
    assert candidate_ids(index, CALL, "0550-11-30") == ["0550-11-22a.1.1"]
    assert candidate_ids(index, CALL, "2025-02-12") == ["2025-02-10a.1.1"]


def staged_segments(conn: sqlite3.Connection) -> int:
    return conn.execute("SELECT count(*) FROM link_speech_staged").fetchone()[0]


def test_a_debate_added_to_a_period_is_staged_without_rewriting_its_rows(
    index: LinkIndex, conn: sqlite3.Connection
) -> None:
    estate = "on the defence estate and the homes of service families."
    index.add_speeches(
        speech(f"2025-02-10a.1.{n}", "2025-02-10", f"Speech {n} {estate}") for n in range(1, 3000)
    )
    all_rows = "SELECT * FROM link_speech_posting ORDER BY period, bucket"
    rows = conn.execute(all_rows).fetchall()
    assert rows and staged_segments(conn) == 0  # a large batch goes into the rows at once
    index.replace_debate("2025-02-11a.1.0", [speech("2025-02-11a.1.1", "2025-02-11")])
    assert conn.execute(all_rows).fetchall() == rows
    assert staged_segments(conn) == 1
    assert candidate_ids(index, CALL, "2025-02-11") == ["2025-02-11a.1.1"]


def test_staged_segments_of_a_period_are_folded_into_its_rows_when_full(
    index: LinkIndex, conn: sqlite3.Connection
) -> None:
    texts = {n: f"Debate {n}: {CALL}" for n in range(1, STAGED_SEGMENTS + 2)}
    for n, text in texts.items():
        added = speech(f"2025-02-10a.{n}.1", "2025-02-10", text)
        index.replace_debate(f"2025-02-10a.{n}.0", [added])
        if n < STAGED_SEGMENTS:
            assert staged_segments(conn) == n
    # The STAGED_SEGMENTS-th addition folded the period; the next one is staged again.
    assert staged_segments(conn) == 1
    assert index.speech_postings.count() == sum(len(speech_shingles(t)) for t in texts.values())
    found = index.speech_candidates(CALL, "2025-02-11", 30, limit=100)
    assert sorted(c.speech.speech_id for c in found) == sorted(f"2025-02-10a.{n}.1" for n in texts)


def test_a_staged_speech_replaced_or_removed_leaves_no_postings(
    index: LinkIndex, conn: sqlite3.Connection
) -> None:
    index.add_speech(speech("2025-02-10a.1.1", "2025-02-10"))
    index.add_speech(speech("2025-02-10a.1.2", "2025-02-10", "The Ajax programme is late again."))
    assert staged_segments(conn) == 2
    index.add_speech(speech("2025-02-10a.1.1", "2025-02-10", "Something else was said instead."))
    assert staged_segments(conn) == 0
    assert candidate_ids(index, CALL, "2025-02-11") == []
    assert candidate_ids(index, "The Ajax programme is late again", "2025-02-11") == [
        "2025-02-10a.1.2"
    ]
    index.remove_speech("2025-02-10a.1.2")
    assert index.speech_postings.count() == len(speech_shingles("Something else was said instead."))


def test_a_quotation_links_its_speech_past_many_speeches_sharing_its_phrases(
    index: LinkIndex,
) -> None:
    # Earlier speeches holding each of the passage's phrases, never the passage whole,
    # must not push the speech that says it out of the candidates.
    passage = "The UK will stand with Ukraine for as long as it takes"
    look_alike = (
        "The UK will stand with our allies, and we will support Ukraine for as long as it takes."
    )
    for day in range(1, 11):
        index.add_speech(speech(f"2025-02-{day:02d}a.1.1", f"2025-02-{day:02d}", look_alike))
    index.add_speech(speech("2025-02-20a.1.1", "2025-02-20", f"{passage}."))
    assert candidate_ids(index, passage, "2025-02-21")[0] == "2025-02-20a.1.1"
    article = {"id": "a1", "published": "2025-02-21", "text": f'Healey said: "{passage}."'}
    assert [link.speech_id for link in link_article(article, index)] == ["2025-02-20a.1.1"]
