"""When a re-fetched copy is worse than the stored record, on records as the corpus stores them."""

from __future__ import annotations

from scrapy.utils.test import get_crawler

from crawler.items import DebateItem, Speech
from crawler.pagecheck.quality import article_worse, debate_worse
from crawler.spiders.base import CorpusSpider
from pipelines.pagecheck import ReplacementCharacterPipeline

TEXT = (
    "The ship sailed into harbour on Friday afternoon to be met by families on the Round "
    "Tower, with a Royal Marines band playing on the jetty.\n\nDuring her deployment the ship "
    "worked from the Naval Support Facility in Bahrain."
)
ARTICLE = {
    "title": "Minehunter returns",
    "published_raw": "2025-02-11T10:00:00+00:00",
    "text": TEXT,
}


def test_an_edited_article_of_similar_length_is_not_worse() -> None:
    edited = dict(ARTICLE, text=TEXT.replace("Friday afternoon", "Friday"))
    assert article_worse(ARTICLE, edited) == []


def test_garbled_shorter_or_headless_copies_are_worse() -> None:
    assert article_worse(ARTICLE, dict(ARTICLE, text=TEXT.replace("Tower", "\ufffdower"))) == [
        "replacement characters the stored copy does not have"
    ]
    assert article_worse(ARTICLE, dict(ARTICLE, text=TEXT[:60])) == [
        f"text shrank from {len(TEXT)} to 60 characters"
    ]
    assert article_worse(ARTICLE, dict(ARTICLE, title=None, published_raw="")) == [
        "title lost",
        "publication date lost",
    ]


def test_a_stored_copy_that_already_had_damage_does_not_make_the_same_damage_worse() -> None:
    damaged = dict(ARTICLE, text=TEXT.replace("Tower", "\ufffdower"))
    assert article_worse(damaged, dict(damaged)) == []


def speech(gid: str, text: str) -> dict:
    return {"id": gid, "text": text}


DEBATE = {
    "title": "NATO",
    "date": "2025-02-10",
    "date_raw": {"cy": "10 Chwefror 2025", "en": "10 February 2025"},
    "speeches": [speech(f"2025-02-10a.1.{n}", f"Speech {n}.") for n in range(1, 7)],
}


def test_a_debate_page_missing_a_speech_the_other_interface_has_is_not_worse() -> None:
    assert debate_worse(DEBATE, dict(DEBATE, speeches=DEBATE["speeches"][:-1])) == []


def test_a_page_as_parsed_has_no_normalised_date_and_is_not_worse_for_it() -> None:
    page = dict(DEBATE, id="2025-02-10a.1.0", date=None, date_raw={"en": "10 February 2025"})
    assert debate_worse(DEBATE, page) == []
    # Without its lead line the page still dates itself by its gid.
    assert debate_worse(DEBATE, dict(page, date_raw={})) == []
    assert debate_worse(DEBATE, dict(page, id="", date_raw={})) == ["sitting date lost"]


def test_a_garbled_speech_or_most_speeches_gone_is_worse() -> None:
    garbled = [
        *DEBATE["speeches"][:2],
        speech("2025-02-10a.1.3", "Spe\ufffdch 3."),
        *DEBATE["speeches"][3:],
    ]
    assert debate_worse(DEBATE, dict(DEBATE, speeches=garbled)) == [
        "replacement characters the stored copy does not have in speech 2025-02-10a.1.3"
    ]
    assert debate_worse(DEBATE, dict(DEBATE, speeches=DEBATE["speeches"][:2])) == [
        "speeches fell from 6 to 2"
    ]


def test_the_pipeline_flags_damaged_speeches_and_their_debate() -> None:
    crawler = get_crawler(CorpusSpider)
    pipeline = ReplacementCharacterPipeline.from_crawler(crawler)
    good, bad = (
        Speech(id="2025-02-10a.1.2", text="Fine."),
        Speech(id="2025-02-10a.1.3", text="B\ufffd"),
    )
    item = DebateItem(
        id="2025-02-10a.1.1",
        house="commons",
        url="https://www.theyworkforyou.com/debates/?id=2025-02-10a.1.1",
        interface="en",
        fetched_at="2025-02-13T09:12:00+00:00",
        speeches=[good, bad],
    )
    pipeline.process_item(item)
    assert (good.flags, bad.flags, item.flags) == (
        [],
        ["text:replacement-characters"],
        ["text:replacement-characters"],
    )
    assert crawler.stats.get_value("corpus/debate/replacement_characters") == 1
