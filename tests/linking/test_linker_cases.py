"""How journalists quote, one case per test, and linking in either crawl order."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import pytest

from crawler.items import LinkItem
from crawler.linking.index import IndexedSpeech, LinkIndex
from crawler.linking.linker import (
    debate_speeches,
    link_article,
    link_debate,
    match_quote,
)
from crawler.linking.quotes import find_quotes

PUBLISHED = "2025-02-11T10:31:00+00:00"
HEALEY_CALL = "2025-02-10a.1.2"
CONTACT_GROUP = "2025-02-10a.1.6"
# The same words said twice: once by each of two members (cases of "same words
# in two speeches").
SHARED_WORDS = "We must keep every ally committed to spending more on defence this year."


def article(text: str, article_id: str = "case", published: str = PUBLISHED) -> dict[str, Any]:
    return {"id": article_id, "text": text, "published": published}


@pytest.fixture
def seeded(index: LinkIndex, debate: dict[str, Any]) -> LinkIndex:
    index.add_speeches(debate_speeches(debate))
    return index


def speech_ids(links: list[LinkItem]) -> list[str]:
    return [link.speech_id for link in links]


# --- quotation marks ---------------------------------------------------------


def test_straight_quotation_marks_link(seeded: LinkIndex) -> None:
    text = 'Healey said: "We discussed the importance of all NATO allies doing more."'
    assert speech_ids(link_article(article(text), seeded)) == [HEALEY_CALL]


def test_single_curly_quotation_marks_link(seeded: LinkIndex) -> None:
    text = "Healey said: ‘We discussed the importance of all NATO allies doing more.’"
    assert speech_ids(link_article(article(text), seeded)) == [HEALEY_CALL]


# --- ellipses ----------------------------------------------------------------


def test_three_dot_ellipsis_gives_a_link_per_passage(
    seeded: LinkIndex, speech_texts: dict[str, str]
) -> None:
    text = (
        "Healey said: “I will have the privilege of chairing the Ukraine defence contact "
        "group... we must stay with Ukraine for as long as it takes.”"
    )
    links = sorted(link_article(article(text), seeded), key=lambda link: link.article_start)
    assert speech_ids(links) == [CONTACT_GROUP, CONTACT_GROUP]
    assert [speech_texts[CONTACT_GROUP][x.speech_start : x.speech_end] for x in links] == [
        "I will have the privilege of chairing the Ukraine defence contact group",
        "we must stay with Ukraine for as long as it takes",
    ]


def test_short_passage_after_an_ellipsis_links_with_its_long_sibling(
    seeded: LinkIndex, speech_texts: dict[str, str]
) -> None:
    text = "Healey said: “I held the first call with the new US Secretary of Defence… last month.”"
    links = sorted(link_article(article(text), seeded), key=lambda link: link.article_start)
    assert [link.quote for link in links] == [
        "I held the first call with the new US Secretary of Defence",
        "last month",
    ]
    assert speech_ids(links) == [HEALEY_CALL, HEALEY_CALL]


# --- editorial changes -------------------------------------------------------


def test_square_bracket_substitution_links_to_the_replaced_words(
    seeded: LinkIndex, speech_texts: dict[str, str]
) -> None:
    text = (
        "McDonald asked: “Could [the Secretary] expand on what conversations [the Defence "
        "Secretary] has already had with NATO counterparts?”"
    )
    (link,) = link_article(article(text), seeded)
    assert link.speech_id == "2025-02-10a.1.5"
    assert link.kind == "fuzzy"
    assert speech_texts[link.speech_id][link.speech_start : link.speech_end] == (
        "could he expand on what conversations he has already had with NATO counterparts"
    )


def test_capital_and_punctuation_changed_at_the_edges(
    seeded: LinkIndex, speech_texts: dict[str, str]
) -> None:
    # The speech says "…as I think will the hon. Lady, that the new US Defence Secretary…".
    text = "He added: “The new US Defence Secretary is spending his third full week in office.”"
    (link,) = link_article(article(text), seeded)
    assert link.kind == "exact"
    speech = speech_texts[link.speech_id]
    assert speech[link.speech_start : link.speech_end] == (
        "the new US Defence Secretary is spending his third full week in office"
    )
    assert speech[: link.speech_start].endswith("as I think will the hon. Lady, that ")


def test_missing_opening_mark_is_recovered(seeded: LinkIndex) -> None:
    text = (
        "Healey spoke about NATO.\n\n"
        "Everyone in NATO is ready and is stepping up on Euro-Atlantic security,” he said."
    )
    (link,) = link_article(article(text), seeded)
    assert link.speech_id == CONTACT_GROUP
    assert link.quote == "Everyone in NATO is ready and is stepping up on Euro-Atlantic security"
    assert link.kind == "fuzzy"  # "including every one of the European allies…" left out


# --- not quotations of Parliament --------------------------------------------


def test_reported_speech_without_quotation_marks_does_not_link(seeded: LinkIndex) -> None:
    text = (
        "Healey said he held the first call with the new US Secretary of Defence, Pete Hegseth, "
        "last month, and that they discussed the importance of all NATO allies doing more."
    )
    assert link_article(article(text), seeded) == []


def test_words_attributed_to_someone_outside_parliament_do_not_link(seeded: LinkIndex) -> None:
    text = "Hegseth said: “We discussed the importance of all NATO allies doing more.”"
    assert link_article(article(text), seeded) == []


def test_quotation_from_an_interview_does_not_link(seeded: LinkIndex) -> None:
    text = "Healey told the BBC: “We discussed the importance of all NATO allies doing more.”"
    assert link_article(article(text), seeded) == []


def test_short_quotation_does_not_link_on_its_own(seeded: LinkIndex) -> None:
    text = "Healey said “NATO allies doing more” was the aim."
    assert link_article(article(text), seeded) == []


def test_short_quotation_is_refused_even_with_its_speech_as_candidate(seeded: LinkIndex) -> None:
    text = "Healey said “NATO allies doing more” was the aim."
    (quote,) = find_quotes(text)
    speech = seeded.speech(HEALEY_CALL)
    assert speech is not None
    assert match_quote(text, quote, [speech]) == []
    longer = "Healey said “all NATO allies doing more” was the aim."
    (quote,) = find_quotes(longer)
    assert len(match_quote(longer, quote, [speech])) == 1


def test_quotation_made_only_of_short_parts_does_not_link(seeded: LinkIndex) -> None:
    text = "Healey said “NATO allies doing more… on defence spending” was the aim."
    (quote,) = find_quotes(text)
    assert quote.words == 7
    speech = seeded.speech(HEALEY_CALL)
    assert speech is not None
    assert match_quote(text, quote, [speech]) == []


def test_scare_quotes_do_not_link(index: LinkIndex) -> None:
    index.add_speech(
        IndexedSpeech(
            speech_id="2025-02-05a.3.1",
            debate_id="2025-02-05a.3.0",
            date="2025-02-05",
            speaker_name="John Healey",
            text="Our special relationship with the United States is the bedrock of our security.",
        )
    )
    text = "I can’t imagine that the ‘special relationship’ will help much."
    assert link_article(article(text), index) == []


# --- the same words in two speeches ------------------------------------------


@pytest.fixture
def twice_said(index: LinkIndex) -> LinkIndex:
    index.add_speeches(
        [
            IndexedSpeech(
                "2025-02-04a.7.2", "2025-02-04a.7.0", "2025-02-04", SHARED_WORDS, "John Healey"
            ),
            IndexedSpeech(
                "2025-02-10a.9.4",
                "2025-02-10a.9.0",
                "2025-02-10",
                "I agree with the Secretary of State. " + SHARED_WORDS,
                "Wendy Chamberlain",
            ),
        ]
    )
    return index


@pytest.mark.parametrize(
    ("text", "speech_id"),
    [
        (f"“{SHARED_WORDS}” Healey said.", "2025-02-04a.7.2"),
        (f"“{SHARED_WORDS}” Wendy Chamberlain said.", "2025-02-10a.9.4"),
        (
            f"Wendy Chamberlain, MP for North East Fife, pressed the minister. “{SHARED_WORDS}”"
            " she said.",
            "2025-02-10a.9.4",
        ),
        (f"Labour MP John Healey further pressed the point. “{SHARED_WORDS}”", "2025-02-04a.7.2"),
    ],
)
def test_same_words_in_two_speeches_link_to_the_named_speaker(
    twice_said: LinkIndex, text: str, speech_id: str
) -> None:
    assert speech_ids(link_article(article(text), twice_said)) == [speech_id]


def test_same_words_without_a_speaker_link_to_the_latest_speech(twice_said: LinkIndex) -> None:
    text = f"The point was made in the Commons: “{SHARED_WORDS}”"
    assert speech_ids(link_article(article(text), twice_said)) == ["2025-02-10a.9.4"]


# --- date window ----------------------------------------------------------------


def test_debate_after_the_article_does_not_link(seeded: LinkIndex) -> None:
    text = "Healey said: “We discussed the importance of all NATO allies doing more.”"
    assert link_article(article(text, published="2025-02-09T12:00:00+00:00"), seeded) == []


def test_debate_outside_the_window_does_not_link(seeded: LinkIndex) -> None:
    text = "Healey said: “We discussed the importance of all NATO allies doing more.”"
    late = article(text, published="2025-04-30T12:00:00+00:00")
    assert link_article(late, seeded, window_days=30) == []
    assert speech_ids(link_article(late, seeded, window_days=90)) == [HEALEY_CALL]


def test_article_without_a_date_gets_no_links(seeded: LinkIndex) -> None:
    text = "Healey said: “We discussed the importance of all NATO allies doing more.”"
    assert link_article({"id": "undated", "text": text, "published": None}, seeded) == []


# --- incremental, both ways ---------------------------------------------------


def test_article_crawled_before_its_debate_is_linked_when_the_debate_arrives(
    index: LinkIndex, article: dict[str, Any], debate: dict[str, Any]
) -> None:
    assert link_article(article, index) == []
    loaded: list[str] = []

    def load_article(article_id: str) -> dict[str, Any] | None:
        loaded.append(article_id)
        return article if article_id == article["id"] else None

    links = link_debate(debate, index, load_article=load_article)
    assert loaded == [article["id"]]
    assert len(links) == 7
    assert {link.debate_id for link in links} == {debate["id"]}


def test_both_crawl_orders_give_the_same_links(
    article: dict[str, Any], debate: dict[str, Any]
) -> None:
    article_first = LinkIndex(sqlite3.connect(":memory:"))
    link_article(article, article_first)
    from_debate = link_debate(debate, article_first, load_article=lambda _id: article)

    debate_first = LinkIndex(sqlite3.connect(":memory:"))
    assert link_debate(debate, debate_first, load_article=lambda _id: article) == []
    from_article = link_article(article, debate_first)

    assert sorted(link.id for link in from_debate) == sorted(link.id for link in from_article)
    assert len(from_article) == 7


def test_incremental_linking_survives_reopening_the_database(
    tmp_path: Path, article: dict[str, Any], debate: dict[str, Any]
) -> None:
    path = tmp_path / "corpus.sqlite3"
    first = sqlite3.connect(path)
    link_article(article, LinkIndex(first))
    first.commit()
    first.close()

    second = sqlite3.connect(path)
    links = link_debate(debate, LinkIndex(second), load_article=lambda _id: article)
    assert len(links) == 7


def test_debate_only_links_articles_within_the_window_after_it(
    index: LinkIndex, article: dict[str, Any], debate: dict[str, Any]
) -> None:
    late = dict(article, id="late", published="2025-06-01T09:00:00+00:00")
    link_article(article, index)
    link_article(late, index)
    articles = {a["id"]: a for a in (article, late)}
    links = link_debate(debate, index, load_article=articles.get)
    assert {link.article_id for link in links} == {article["id"]}


def test_debate_returns_only_the_links_into_itself(
    twice_said: LinkIndex, article: dict[str, Any], debate: dict[str, Any]
) -> None:
    both = dict(article, text=article["text"] + f"\n\n“{SHARED_WORDS}” Healey said.")
    link_debate(debate, twice_said, load_article=lambda _id: both)
    assert "2025-02-04a.7.2" in speech_ids(link_article(both, twice_said))
    links = link_debate(debate, twice_said, load_article=lambda _id: both)
    assert len(links) == 7
    assert {link.debate_id for link in links} == {debate["id"]}


def test_revised_debate_replaces_the_speeches_of_its_earlier_revision(
    index: LinkIndex, article: dict[str, Any], debate: dict[str, Any]
) -> None:
    link_debate(debate, index, load_article=lambda _id: None)
    revised = dict(debate, id="2025-02-10b.1.0", previous_ids=[debate["id"]])
    revised["speeches"] = [
        dict(s, id=s["id"].replace("2025-02-10a", "2025-02-10b")) for s in debate["speeches"]
    ]
    link_debate(revised, index, load_article=lambda _id: None)
    links = link_article(article, index)
    assert len(links) == 7
    assert {link.speech_id[:11] for link in links} == {"2025-02-10b"}
