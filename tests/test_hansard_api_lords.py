"""Real crawls of the House of Lords through the official Hansard's saved API answers.

The saved answers of Wednesday 12 February 2025 (sample_pages/HANSARD_API_PAGES.md)
hold a Lords chamber oral question on the Armed Forces, a Grand Committee debate on
the Reserve Forces, a non-defence bill and a written statement, and the Commons
day's tree; the ``hansard_api`` spider crawls them through Scrapy's engine. A last
crawl adds an article quoting the minister, whose link's offsets must slice his speech.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pytest
from warcio.archiveiterator import ArchiveIterator

from crawler.gid import hansard_id
from tests.support.crawl import CrawlResult, crawl_in_process
from tests.support.pages import copy_sample_pages, edit_page

DAY = {"since": "2025-02-12", "until": "2025-02-12"}
QUESTION = hansard_id("6A1E3C5B-8D2F-4B7A-9C41-3E5B7D9F1A24")
GRAND_COMMITTEE = hansard_id("E7F9A1C3-5B2D-4D6E-A083-8B0D2F4A6C91")
MINISTER = "The Minister of State, Ministry of Defence (Lord Coaker) (Lab)"


def by_id(records: list[dict]) -> dict[str, dict]:
    return {record["id"]: record for record in records}


def fetched_urls(corpus: Path) -> list[str]:
    """The URL of every response the crawl wrote to its WARC files."""
    urls = []
    for path in sorted(corpus.rglob("*.warc.gz")):
        with path.open("rb") as stream:
            for record in ArchiveIterator(stream):
                if record.rec_type == "response":
                    urls.append(record.rec_headers.get_header("WARC-Target-URI"))
    return urls


@pytest.fixture(scope="module")
def lords(tmp_path_factory: pytest.TempPathFactory) -> CrawlResult:
    corpus = tmp_path_factory.mktemp("lords") / "corpus"
    result = crawl_in_process("hansard_api", corpus, args={**DAY, "houses": "lords"})
    assert result.returncode == 0, result.stderr[-2000:]
    return result


def test_lords_defence_business_is_stored_as_the_lords(lords: CrawlResult) -> None:
    debates = by_id(lords.read("debates"))
    # The bill and the written statement are not defence business: never fetched.
    assert sorted(debates) == sorted([QUESTION, GRAND_COMMITTEE])
    assert lords.stats["corpus/hansard_api/day/sections"] == 3
    assert lords.stats["corpus/hansard_api/tree/skipped"] == 3
    question = debates[QUESTION]
    assert (question["house"], question["date"]) == ("lords", "2025-02-12")
    assert question["title"] == "Armed Forces: Recruitment"
    assert question["source_ids"] == {"hansard": ["6A1E3C5B-8D2F-4B7A-9C41-3E5B7D9F1A24"]}
    assert question["publication_stage"] == "RollingHansard"
    for speech in question["speeches"]:
        assert speech["url"].startswith(
            "https://hansard.parliament.uk/Lords/2025-02-12/debates/"
            "6A1E3C5B-8D2F-4B7A-9C41-3E5B7D9F1A24/ArmedForcesRecruitment#contribution-"
        )


def test_grand_committee_debate_is_kept_as_the_lords(lords: CrawlResult) -> None:
    debate = by_id(lords.read("debates"))[GRAND_COMMITTEE]
    # Location "Grand Committee" maps to the house id "lords": the record keeps no
    # separate location; its columns (GC45) and public address say where it sat.
    assert (debate["house"], debate["date"]) == ("lords", "2025-02-12")
    assert debate["title"] == "Defence: Reserve Forces"
    assert debate["url"] == (
        "https://hansard-api.parliament.uk/debates/debate/E7F9A1C3-5B2D-4D6E-A083-8B0D2F4A6C91.json"
    )
    assert [s["column"] for s in debate["speeches"]] == ["GC45", "GC45"]
    assert debate["speeches"][0]["url"] == (
        "https://hansard.parliament.uk/Lords/2025-02-12/debates/"
        "E7F9A1C3-5B2D-4D6E-A083-8B0D2F4A6C91/DefenceReserveForces"
        "#contribution-4A6C8E0A-2C5E-4A7B-9D28-7D9F1B3D5F6E"
    )
    # Its "Question for Short Debate" heading item is not a speech.
    assert [s["attributed_to"] for s in debate["speeches"]] == ["Baroness Goldie", MINISTER]


def test_parties_and_names_come_from_the_members_api_on_the_sitting_day(
    lords: CrawlResult,
) -> None:
    speeches = by_id(lords.read("debates"))[QUESTION]["speeches"]
    assert [(s["speaker_name"], s["party"], s["member_ids"]["mnis"]) for s in speeches] == [
        ("The Earl of Minto", "conservative", "4770"),
        ("Lord Coaker", "labour", "360"),
        ("The Earl of Minto", "conservative", "4770"),
        ("Lord Coaker", "labour", "360"),
        ("Baroness Goldie", "conservative", "4302"),
        ("Lord Coaker", "labour", "360"),
    ]
    # Lord Coaker's history also holds his Commons name, "Vernon Coaker", before 2019.
    assert {s["party_source"] for s in speeches} == {"members_api"}
    assert lords.stats["corpus/hansard_api/member/fetched"] == 3
    assert lords.stats["corpus/hansard_api/member/filled"] == 8
    # No TheyWorkForYou person id is known for these peers in the saved table.
    assert lords.stats["corpus/hansard_api/member/no_twfy_id"] == 8


def test_attributed_to_is_kept_verbatim(lords: CrawlResult) -> None:
    speeches = by_id(lords.read("debates"))[QUESTION]["speeches"]
    assert [s["attributed_to"] for s in speeches] == [
        "The Earl of Minto",
        MINISTER,
        "The Earl of Minto (Con)",
        "Lord Coaker (Lab)",
        "Baroness Goldie (Con)",
        "Lord Coaker (Lab)",
    ]


def test_speech_texts_are_the_spoken_words_only(lords: CrawlResult) -> None:
    debates = by_id(lords.read("debates"))
    speeches = debates[QUESTION]["speeches"]
    assert speeches[0]["text"] == (
        "To ask His Majesty\u2019s Government what steps they are taking to improve "
        "recruitment to the Armed Forces."
    )
    assert speeches[1]["text"] == (
        "My Lords, recruitment is a priority for the Government. We have introduced a "
        "10-day target for a conditional offer of employment and a 30-day target for a "
        "provisional start date.\n\nApplications to the Army are up on last year."
    )
    # The column marker inside the fourth speech leaves its text and moves the column
    # of the speeches after it.
    assert speeches[3]["text"] == (
        "The noble Earl raises an important point. Starts in training rose in the last "
        "quarter, and I will write to him with the figures."
    )
    assert [s["column"] for s in speeches] == ["1204", "1204", "1204", "1204", "1205", "1205"]
    assert "support them & the reservists" in speeches[4]["text"]
    goldie = debates[GRAND_COMMITTEE]["speeches"][0]["text"]
    assert goldie.split("\n\n") == [
        "To ask His Majesty\u2019s Government what assessment they have made of the "
        "readiness of the Reserve Forces.",
        "My Lords, our reserves are the bridge between the Armed Forces and society.",
    ]


def test_lords_day_fetches_lords_answers_only(lords: CrawlResult) -> None:
    api = [url for url in fetched_urls(lords.corpus) if "/overview/" in url]
    assert api
    assert {parse_qs(urlparse(url).query)["house"][0] for url in api} == {"Lords"}


def test_commons_crawl_of_the_day_does_not_fetch_the_lords(tmp_path: Path) -> None:
    result = crawl_in_process("hansard_api", tmp_path / "corpus", args={**DAY, "houses": "commons"})
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.read("debates") == []  # that day's Commons tree holds no defence business
    urls = fetched_urls(result.corpus)
    assert (
        "https://hansard-api.parliament.uk/overview/sectionsforday.json"
        "?date=2025-02-12&house=Commons"
    ) in urls
    assert not [url for url in urls if "Lords" in url or "/debates/debate/" in url]
    assert not [url for url in urls if url.startswith("https://members-api.parliament.uk/api/")]


ARTICLE = (
    "https://nation.cymru/news/plaid-calls-for-veterans-housing-plan-before-end-of-senedd-term/"
)
QUOTED = (
    "recruitment is a priority for the Government. We have introduced a 10-day target for "
    "a conditional offer of employment"
)


def test_an_article_quoting_a_peer_links_with_offsets_that_slice_the_speech(
    tmp_path: Path,
) -> None:
    # An article (a test page, edited in a copy of the saved pages) reporting the
    # Lords question the day after, quoting the minister's answer.
    pages = copy_sample_pages(tmp_path / "pages")
    edit_page(
        pages,
        ARTICLE,
        [
            ("2022-11-09T07:15:00+00:00", "2025-02-13T07:15:00+00:00"),
            ("9 November 2022", "13 February 2025"),
            (
                "Speaking in Welsh during Tuesday’s debate on support for the armed forces "
                "community, Gwion ap Dafydd said: “But the Government must publish a plan to "
                "house veterans before the end of this Senedd, not just warm words.”",
                f"Answering a question in the House of Lords on Armed Forces recruitment, the "
                f"Defence Minister Lord Coaker said: “My Lords, {QUOTED}.”",
            ),
        ],
    )
    corpus = tmp_path / "corpus"
    for spider, args in [
        ("hansard_api", {**DAY, "houses": "lords"}),
        ("defence_news", {"urls": ARTICLE}),
    ]:
        result = crawl_in_process(spider, corpus, replay_dir=pages, args=args)
        assert result.returncode == 0, result.stderr[-3000:]
    minister = by_id(result.read("debates"))[QUESTION]["speeches"][1]
    (link,) = [link for link in result.read("links") if link["speech_id"] == minister["id"]]
    assert link["debate_id"] == QUESTION
    said = minister["text"][link["speech_start"] : link["speech_end"]]
    assert said == f"My Lords, {QUOTED}"
    (article,) = [a for a in result.read("articles") if a["url"] == ARTICLE]
    assert article["text"][link["article_start"] : link["article_end"]] == link["quote"]
