"""The English and Welsh pages of one debate disagree: decided once, on the merged record.

The replay folder holds a copy of sample_pages/ whose 10 February debate is
shortened to two speeches and made to disagree: the Welsh page prints Chris
McDonald's party line as "Ceidwadwyr" (Conservative) where the English page
prints "Labour", and its lead line dates the sitting "11 Chwefror 2025" where
the English one (and the gid) say 10 February 2025. Every crawl goes through
the real pipelines (merge -> normalise -> store -> link).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import lxml.html
import pytest

from tests.support.corpus import RUN_TIME_FIELDS
from tests.support.crawl import CrawlResult, crawl_in_process
from tests.support.pages import copy_sample_pages

SECTION = "2025-02-10a.1.1"
KEPT_SPEECHES = ("g1.2", "g2.1")
"""Wendy Chamberlain's question (party from her member page: both interfaces agree)
and Chris McDonald's (party printed on the speaker line: the interfaces disagree)."""
DISPUTED_SPEECH = "2025-02-10a.2.1"
AGREED_SPEECH = "2025-02-10a.1.2"
WELSH_CHANGES = [
    (
        '<a href="/debates/?d=2025-02-10">10 Chwefror 2025</a>',
        '<a href="/debates/?d=2025-02-10">11 Chwefror 2025</a>',
    ),
    ("Llafur, Stockton North", "Ceidwadwyr, Stockton North"),
]
DAY = {"since": "2025-02-10", "until": "2025-02-10"}


def shorten(page: Path, changes: list[tuple[str, str]]) -> None:
    """Keep only the speeches in ``KEPT_SPEECHES`` (furniture untouched), then edit text."""
    tree = lxml.html.document_fromstring(page.read_bytes())
    speeches = tree.xpath(
        '//div[contains(concat(" ", normalize-space(@class), " "), " debate-speech ")][@id]'
    )
    for block in speeches:
        if block.get("id") not in KEPT_SPEECHES:
            block.getparent().remove(block)
    html = lxml.html.tostring(tree, encoding="unicode", doctype="<!DOCTYPE html>")
    for old, new in changes:
        assert old in html, f"{old!r} is not in {page}"
        html = html.replace(old, new)
    page.write_text(html, encoding="utf-8")


@pytest.fixture(scope="module")
def pages(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = copy_sample_pages(tmp_path_factory.mktemp("disagreeing") / "pages")
    debates = "theyworkforyou.com/debates"
    shorten(folder / f"www.{debates}/id-{SECTION}.html", [])
    shorten(folder / f"cy.{debates}/id-{SECTION}.html", WELSH_CHANGES)
    return folder


def crawl(corpus: Path, pages: Path, interface: str, **settings: Any) -> CrawlResult:
    result = crawl_in_process(
        "hansard",
        corpus,
        replay_dir=pages,
        args={"interface": interface, **DAY},
        settings={"LOG_LEVEL": "DEBUG", **settings},
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return result


def debate_record(result: CrawlResult) -> dict[str, Any]:
    return next(record for record in result.read("debates") if record["id"] == SECTION)


def without_run_time(record: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in record.items() if key not in RUN_TIME_FIELDS}


@pytest.fixture(scope="module")
def both(pages: Path, tmp_path_factory: pytest.TempPathFactory) -> CrawlResult:
    return crawl(tmp_path_factory.mktemp("both") / "corpus", pages, "both")


def test_the_preferred_interface_party_wins_and_the_speech_is_flagged(both: CrawlResult) -> None:
    speeches = {speech["id"]: speech for speech in debate_record(both)["speeches"]}
    assert sorted(speeches) == [AGREED_SPEECH, DISPUTED_SPEECH]
    disputed = speeches[DISPUTED_SPEECH]
    assert disputed["party_raw"] == {"cy": "Ceidwadwyr", "en": "Labour"}
    assert disputed["party"] == "labour"
    assert "party:disagreement" in disputed["flags"]
    agreed = speeches[AGREED_SPEECH]
    assert agreed["party"] == "liberal-democrat"
    assert not any(flag.startswith("party:") for flag in agreed["flags"])


def test_the_gid_date_wins_and_both_lead_line_checks_are_flagged(both: CrawlResult) -> None:
    record = debate_record(both)
    assert record["date_raw"] == {"cy": "11 Chwefror 2025", "en": "10 February 2025"}
    assert record["date"] == "2025-02-10"
    assert "date:lead_mismatch" in record["flags"]
    assert "date:interface_disagreement" in record["flags"]
    assert record["interfaces"] == ["cy", "en"]


def test_disagreements_are_counted_once_by_the_normalisers(both: CrawlResult) -> None:
    stats = both.stats
    assert stats["corpus/party/disagreement"] == 1
    assert stats["corpus/date/gid_mismatch"] == 1
    assert stats["corpus/date/interface_disagreement"] == 1
    assert stats["corpus/debate/interface_merged"] == 1
    # The merge compares raw values only: the party is not its to decide.
    assert not any(key.startswith("corpus/debate/disagreement/") for key in stats)


def test_the_decisions_are_in_the_log(both: CrawlResult) -> None:
    assert (
        f"Speech {DISPUTED_SPEECH}: party labels {{'cy': 'Ceidwadwyr', 'en': 'Labour'}} "
        "name different parties; keeping labour"
    ) in both.stderr
    assert (
        f"Debate {SECTION}: the interfaces' lead lines name different days: "
        "{'en': '2025-02-10', 'cy': '2025-02-11'}"
    ) in both.stderr


def test_welsh_first_and_english_first_give_the_same_record(
    pages: Path, both: CrawlResult, tmp_path: Path
) -> None:
    records = []
    for order in (("cy", "en"), ("en", "cy")):
        corpus = tmp_path / "-".join(order) / "corpus"
        for interface in order:
            result = crawl(corpus, pages, interface)
        records.append(without_run_time(debate_record(result)))
    assert records[0] == records[1]
    assert records[0] == without_run_time(debate_record(both))


def test_crawling_again_changes_nothing(pages: Path, tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    crawl(corpus, pages, "both")
    before = (corpus / "debates.jsonl").read_text("utf-8")
    # Every page fetched and parsed again: merged, normalised and compared anew.
    again = crawl(corpus, pages, "both", FETCH_CONDITIONAL_ENABLED=False)
    assert again.stats["corpus/debate/unchanged"] == 2
    assert "corpus/debate/updated" not in again.stats
    assert "corpus/debate/new" not in again.stats
    assert (corpus / "debates.jsonl").read_text("utf-8") == before
    assert json.loads(before.splitlines()[0])["id"]
