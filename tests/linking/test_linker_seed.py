"""The seed article linked to the seed debate, end to end through the index."""

from __future__ import annotations

import re
from typing import Any

import pytest

from crawler.items import LinkItem
from crawler.linking.index import LinkIndex
from crawler.linking.linker import debate_speeches, link_article

# (article words, speech gid, speech words, kind): every parliamentary quotation
# of the article, one row per passage.
EXPECTED = [
    (
        "I held the first call with the new US Secretary of Defence, Pete Hegseth, last month. "
        "We discussed the importance of all NATO allies doing more, including on defence "
        "spending. I look forward to meeting Secretary Hegseth this week at the meeting of NATO "
        "Defence Ministers",
        "2025-02-10a.1.2",
        "I held the first call with the new US Secretary of Defence, Pete Hegseth, last month. "
        "We discussed the importance of all NATO allies doing more, including on defence "
        "spending. I look forward to meeting Secretary Hegseth this week at the meeting of NATO "
        "Defence Ministers",
        "exact",
    ),
    (
        "Can the Secretary of State assure me that he will use the upcoming Munich security "
        "conference to determine with allies the best way of ensuring Ukraine’s victory",
        "2025-02-10a.1.3",
        "Can the Secretary of State assure me that he will use the upcoming Munich security "
        "conference to determine with allies the best way of ensuring Ukraine’s victory",
        "exact",
    ),
    (
        "The new US Defence Secretary is spending his third full week in office in Europe. He has "
        "made it clear that he wants to discuss how to strengthen alliances, how to expand our "
        "defence industries on both sides of the Atlantic, and how to boost allied defence "
        "spending, including on Ukraine",
        "2025-02-10a.1.4",
        "the new US Defence Secretary is spending his third full week in office in Europe. He has "
        "made it clear that he wants to discuss how to strengthen alliances, how to expand our "
        "defence industries on both sides of the Atlantic, and how to boost allied defence "
        "spending, including on Ukraine",
        "exact",
    ),
    (
        "Everyone in NATO, including every one of the European allies within NATO, is ready and "
        "is stepping up on Euro-Atlantic security",
        "2025-02-10a.1.6",
        "Everyone in NATO, including every one of the European allies within NATO, is ready and "
        "is stepping up on Euro-Atlantic security",
        "exact",
    ),
    (
        "This Wednesday I will have the privilege of chairing the Ukraine defence contact group",
        "2025-02-10a.1.6",
        "This Wednesday I will have the privilege of chairing the Ukraine defence contact group",
        "exact",
    ),
    (
        "because we must stay with Ukraine for as long as it takes",
        "2025-02-10a.1.6",
        "because we must stay with Ukraine for as long as it takes",
        "exact",
    ),
    (
        "In the face of wider Russian aggression, could [the Secretary] expand on what "
        "conversations he has already had with NATO counterparts about how NATO can respond "
        "appropriately to the threat from Russia",
        "2025-02-10a.1.5",
        "in the face of wider Russian aggression, could he expand on what conversations he has "
        "already had with NATO counterparts about how NATO can respond appropriately to the "
        "threat from Russia",
        "fuzzy",
    ),
]

# Sentences of the article that report what was said without quoting it.
PARAPHRASES = [
    "recently reaffirmed their commitment to strengthening NATO",
    "urged Healey to push for a clear path to victory for Ukraine",
    "detailing plans to chair the Ukraine Defence Contact Group",
    "underscoring how the alliance has stepped up security measures",
]


@pytest.fixture
def links(index: LinkIndex, debate: dict[str, Any], article: dict[str, Any]) -> list[LinkItem]:
    index.add_speeches(debate_speeches(debate))
    return link_article(article, index)


def link_quoting(links: list[LinkItem], words: str) -> LinkItem:
    found = [link for link in links if link.quote == words]
    assert len(found) == 1, f"expected one link quoting {words[:40]!r}, got {len(found)}"
    return found[0]


@pytest.mark.parametrize(("quote", "speech_id", "speech_words", "kind"), EXPECTED)
def test_quoted_passage_links_to_its_speech(
    links: list[LinkItem], quote: str, speech_id: str, speech_words: str, kind: str
) -> None:
    link = link_quoting(links, quote)
    assert (link.speech_id, link.debate_id, link.kind) == (speech_id, "2025-02-10a.1.0", kind)


@pytest.mark.parametrize(("quote", "speech_id", "speech_words", "kind"), EXPECTED)
def test_link_offsets_slice_back_to_the_matched_texts(
    links: list[LinkItem],
    article_text: str,
    speech_texts: dict[str, str],
    quote: str,
    speech_id: str,
    speech_words: str,
    kind: str,
) -> None:
    link = link_quoting(links, quote)
    assert article_text[link.article_start : link.article_end] == quote
    assert speech_texts[speech_id][link.speech_start : link.speech_end] == speech_words


def test_every_link_is_one_of_the_expected_passages(links: list[LinkItem]) -> None:
    # Nothing else links: not the paraphrases, not the Department of Defense readout.
    assert sorted(link.quote for link in links) == sorted(row[0] for row in EXPECTED)


def test_ellipsis_split_quotation_gives_one_link_per_passage(links: list[LinkItem]) -> None:
    contact_group = [
        link
        for link in links
        if link.speech_id == "2025-02-10a.1.6" and "Everyone" not in link.quote
    ]
    assert len(contact_group) == 2
    first, second = sorted(contact_group, key=lambda link: link.article_start)
    assert first.speech_end < second.speech_start


def test_scores_are_shares_of_quoted_words(links: list[LinkItem]) -> None:
    assert all(link.score == 1.0 for link in links)


@pytest.mark.parametrize("sentence", PARAPHRASES)
def test_paraphrase_does_not_link(links: list[LinkItem], article_text: str, sentence: str) -> None:
    start = article_text.index(sentence)
    end = start + len(sentence)
    assert not [link for link in links if link.article_start < end and start < link.article_end]


def test_department_of_defense_readout_does_not_link(links: list[LinkItem]) -> None:
    assert not [link for link in links if "two leaders" in link.quote]


def test_readout_does_not_link_even_when_a_speech_has_its_words(
    index: LinkIndex, debate: dict[str, Any], article: dict[str, Any]
) -> None:
    from crawler.linking.index import IndexedSpeech

    index.add_speeches(debate_speeches(debate))
    # A minister reading the readout out in the House: the article still quotes
    # the readout, not the speech.
    index.add_speech(
        IndexedSpeech(
            speech_id="2025-02-10a.1.7",
            debate_id="2025-02-10a.1.0",
            date="2025-02-10",
            speaker_name="John Healey",
            text=(
                "The two leaders committed to continuing the especially close coordination "
                "between the United Kingdom and the United States on defence issues, including "
                "our Warfighters deployed shoulder to shoulder to secure our shared interests."
            ),
        )
    )
    links = link_article(article, index)
    assert not [link for link in links if link.speech_id == "2025-02-10a.1.7"]


def test_article_without_parliamentary_quotes_has_no_links(
    index: LinkIndex, debate: dict[str, Any], article_text: str
) -> None:
    index.add_speeches(debate_speeches(debate))
    # The same article with every parliamentary quotation removed: paraphrase,
    # the readout and a scare quote remain.
    paragraphs = [p for p in article_text.split("\n\n") if p.strip()]
    kept = [p for p in paragraphs if not re.search(r"[“”]", p) or "readout" in p]
    kept.append("I can’t imagine that the ‘special relationship’ will help much.")
    text = "\n\n".join(kept)
    assert "readout confirmed" in text and "Healey reiterated" in text
    article = {"id": "no-quotes", "text": text, "published": "2025-02-11T10:31:00+00:00"}
    assert link_article(article, index) == []


def test_link_ids_are_deterministic_and_distinct(
    links: list[LinkItem], debate: dict[str, Any], article: dict[str, Any]
) -> None:
    import sqlite3

    other = LinkIndex(sqlite3.connect(":memory:"))
    other.add_speeches(reversed(debate_speeches(debate)))
    again = link_article(article, other)
    assert sorted(link.id for link in again) == sorted(link.id for link in links)
    assert len({link.id for link in links}) == len(links)
