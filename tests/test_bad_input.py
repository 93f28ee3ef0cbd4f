"""Bad values on real pages are flagged with the raw value kept, and the crawl finishes."""

from __future__ import annotations

from pathlib import Path

from tests.support.crawl import crawl_in_process
from tests.support.pages import copy_sample_pages, edit_page
from tests.test_reruns import TYPHOONS_ID, TYPHOONS_URL

NONSENSE_DATE = "the twelfth of Smarch"
MCDONALD = "26526"
DEBATE = "https://{host}.theyworkforyou.com/debates/?id=2025-02-10a.1.1"


def seed_bad_values(pages: Path) -> None:
    # Every place the page states its publication time says something unreadable.
    edit_page(
        pages,
        TYPHOONS_URL,
        [
            ('"datePublished":"2025-02-12T14:20:11+00:00"', f'"datePublished":"{NONSENSE_DATE}"'),
            ('content="2025-02-12T14:20:11+00:00"', f'content="{NONSENSE_DATE}"'),
            ('datetime="2025-02-12T14:20:11+00:00"', f'datetime="{NONSENSE_DATE}"'),
        ],
    )
    # A party too new for the table, on the speaker line and the member page.
    edit_page(
        pages,
        DEBATE.format(host="www"),
        [("Labour, Stockton North", "Yorkshire Party, Stockton North")],
    )
    edit_page(
        pages,
        DEBATE.format(host="cy"),
        [("Llafur, Stockton North", "Yorkshire Party, Stockton North")],
    )
    edit_page(
        pages,
        f"https://www.theyworkforyou.com/mp/{MCDONALD}/chris_mcdonald/stockton_north",
        [("Labour MP</span>", "Yorkshire Party MP</span>")],
    )


def test_nonsense_date_and_unknown_party_are_flagged_and_the_crawl_finishes(tmp_path: Path) -> None:
    pages = copy_sample_pages(tmp_path / "pages")
    seed_bad_values(pages)
    corpus = tmp_path / "corpus"
    news = crawl_in_process(
        "defence_news",
        corpus,
        replay_dir=pages,
        args={"since": "2025-02-01", "until": "2025-02-28"},
    )
    hansard = crawl_in_process(
        "hansard",
        corpus,
        replay_dir=pages,
        args={"interface": "both", "since": "2025-02-10", "until": "2025-02-11"},
    )
    assert news.returncode == 0, news.stderr[-3000:]
    assert hansard.returncode == 0, hansard.stderr[-3000:]

    articles = {record["id"]: record for record in news.read("articles")}
    assert len(articles) == 7, "no record may be lost"
    typhoons = articles[TYPHOONS_ID]
    assert typhoons["published"] is None
    assert typhoons["published_raw"] == NONSENSE_DATE
    assert "published:unparsed" in typhoons["flags"]
    assert news.stats["corpus/date/unparsed"] == 1

    debate = next(d for d in hansard.read("debates") if d["id"] == "2025-02-10a.1.1")
    mcdonald = next(s for s in debate["speeches"] if s["person_id"] == MCDONALD)
    assert mcdonald["party"] is None
    assert mcdonald["party_raw"] == {"cy": "Yorkshire Party", "en": "Yorkshire Party"}
    assert mcdonald["constituency"] == "Stockton North"
    assert "party:unknown" in mcdonald["flags"]
    assert hansard.stats["corpus/party/unknown"] >= 1
    assert "Yorkshire Party" in hansard.stderr  # listed in the end-of-crawl summary
