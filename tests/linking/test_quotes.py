"""Finding quotations, their passages and their speakers in article text."""

from __future__ import annotations

import pytest

from crawler.linking.quotes import (
    ATTRIBUTION_CONTEXT,
    ATTRIBUTION_DIRECT,
    ATTRIBUTION_PRONOUN,
    SOURCE_OTHER,
    SOURCE_PARLIAMENT,
    Quote,
    find_quotes,
    same_person,
)


def quote_starting(text: str, quotes: list[Quote], words: str) -> Quote:
    found = [q for q in quotes if text[q.start :].startswith(words)]
    assert len(found) == 1, f"no single quotation starts with {words!r}"
    return found[0]


def passages(text: str, quote: Quote) -> list[str]:
    return [text[s:e] for s, e in quote.passages]


# --- the seed article ------------------------------------------------------


def test_seed_article_has_seven_quotations(article_text: str) -> None:
    assert len(find_quotes(article_text)) == 7


def test_offsets_slice_back_to_the_words_inside_the_marks(article_text: str) -> None:
    quote = quote_starting(article_text, find_quotes(article_text), "I held the first call")
    assert article_text[quote.start - 1] == "“"
    assert article_text[quote.end] == "”"
    assert article_text[quote.start : quote.end].endswith("meeting of NATO Defence Ministers.")


@pytest.mark.parametrize(
    ("opening", "speaker", "attribution"),
    [
        ("I held the first call", "Healey", ATTRIBUTION_DIRECT),  # "Healey highlighted …, stating,"
        ("Can the Secretary of State", "Wendy Chamberlain", ATTRIBUTION_PRONOUN),  # "she asked"
        ("The new US Defence Secretary", "Healey", ATTRIBUTION_DIRECT),  # "Healey reassured her"
        ("Everyone in NATO", "Healey", ATTRIBUTION_DIRECT),  # "” Healey said."
        ("This Wednesday", "Healey", ATTRIBUTION_CONTEXT),  # continues "Healey said"
        (
            "In the face of wider",
            "Chris McDonald",
            ATTRIBUTION_CONTEXT,
        ),  # "Labour MP Chris McDonald further pressed"
        (
            "The two leaders committed",
            None,
            None,
        ),  # "A US Department of Defense readout confirmed,"
    ],
)
def test_seed_article_speakers(
    article_text: str, opening: str, speaker: str | None, attribution: str | None
) -> None:
    quote = quote_starting(article_text, find_quotes(article_text), opening)
    assert (quote.speaker, quote.attribution) == (speaker, attribution)


def test_missing_opening_mark_starts_the_quotation_at_the_paragraph_start(
    article_text: str,
) -> None:
    quote = quote_starting(article_text, find_quotes(article_text), "Everyone in NATO")
    assert quote.open_mark is None
    assert article_text[quote.start - 2 : quote.start] == "\n\n"
    assert passages(article_text, quote) == [
        "Everyone in NATO, including every one of the European allies within NATO, "
        "is ready and is stepping up on Euro-Atlantic security"
    ]


def test_ellipsis_splits_a_quotation_into_passages(article_text: str) -> None:
    quote = quote_starting(article_text, find_quotes(article_text), "This Wednesday")
    assert passages(article_text, quote) == [
        "This Wednesday I will have the privilege of chairing the Ukraine defence contact group",
        "because we must stay with Ukraine for as long as it takes.",
    ]


def test_readout_quotation_is_marked_as_another_source(article_text: str) -> None:
    quote = quote_starting(article_text, find_quotes(article_text), "The two leaders")
    assert quote.source == SOURCE_OTHER


def test_quotation_introduced_as_said_in_parliament_is_parliamentary(article_text: str) -> None:
    quote = quote_starting(article_text, find_quotes(article_text), "I held the first call")
    assert quote.source == SOURCE_PARLIAMENT


def test_apostrophes_are_not_quotation_marks(article_text: str) -> None:
    # "NATO’s", "Ukraine’s" appear throughout; none of them opens or closes a quotation.
    for quote in find_quotes(article_text):
        assert quote.open_mark in ("“", None)
        assert quote.close_mark == "”"


# --- quotation marks ---------------------------------------------------------


def test_straight_double_quotes() -> None:
    text = 'He said "we must stay with Ukraine for as long as it takes" today.'
    (quote,) = find_quotes(text)
    assert text[quote.start : quote.end] == "we must stay with Ukraine for as long as it takes"


def test_curly_single_quotes_with_apostrophes_inside() -> None:
    text = "Healey said: ‘It’s Ukraine’s fight and we will not step back.’ He left."
    (quote,) = find_quotes(text)
    assert text[quote.start : quote.end] == "It’s Ukraine’s fight and we will not step back."
    assert quote.speaker == "Healey"


def test_quotation_inside_a_quotation_belongs_to_the_outer_one() -> None:
    text = "“We were told ‘stand firm’ and we did,” Healey said."
    (quote,) = find_quotes(text)
    assert text[quote.start : quote.end] == "We were told ‘stand firm’ and we did,"


def test_unclosed_quotation_runs_to_the_paragraph_end() -> None:
    text = "Healey said: “We will stand with Ukraine.\n\n“And we will pay for it,” he added."
    first, second = find_quotes(text)
    assert first.close_mark is None
    assert text[first.start : first.end] == "We will stand with Ukraine."
    assert text[second.start : second.end] == "And we will pay for it,"


def test_three_dots_and_bracketed_ellipsis_split_passages() -> None:
    text = "“We discussed the importance of all allies... including on defence [...] spending.”"
    (quote,) = find_quotes(text)
    assert passages(text, quote) == [
        "We discussed the importance of all allies",
        "including on defence",
        "spending.",
    ]


def test_bracketed_words_do_not_count_as_quoted_words() -> None:
    text = "He asked: “could [the Secretary of State] expand on that?”"
    (quote,) = find_quotes(text)
    assert quote.words == 4


def test_scare_quotes_are_found_with_their_word_count() -> None:
    text = "I can’t imagine that the ‘special relationship’ will help much."
    (quote,) = find_quotes(text)
    assert text[quote.start : quote.end] == "special relationship"
    assert quote.words == 2


# --- attribution and source --------------------------------------------------


def test_inverted_attribution_after_the_quotation() -> None:
    text = (
        "“We will stay with Ukraine for as long as it takes,” said Defence Secretary John Healey."
    )
    (quote,) = find_quotes(text)
    assert (quote.speaker, quote.attribution) == ("John Healey", ATTRIBUTION_DIRECT)


@pytest.mark.parametrize(
    ("sentence", "speaker"),
    [
        ("Labour MP Chris McDonald said", "Chris McDonald"),
        ("Defence Secretary John Healey said", "John Healey"),
        ("Armed Forces Minister Luke Pollard said", "Luke Pollard"),
        ("Lord Coaker said", "Coaker"),
        ("Britain’s Defence Secretary said", None),
        ("The Secretary of State said", None),
    ],
)
def test_roles_and_titles_are_not_part_of_the_speaker_name(
    sentence: str, speaker: str | None
) -> None:
    (quote,) = find_quotes(f"{sentence}: “We will stay with Ukraine for as long as it takes.”")
    assert quote.speaker == speaker


def test_pronoun_resolves_to_the_speaker_of_an_earlier_paragraph() -> None:
    text = (
        "Wendy Chamberlain urged the minister to act.\n\n"
        "“Can the Secretary of State assure me of that?” she asked."
    )
    (quote,) = find_quotes(text)
    assert (quote.speaker, quote.speaker_raw) == ("Wendy Chamberlain", "she")


def test_interview_quotation_is_another_source() -> None:
    text = "Healey told the BBC: “We will stay with Ukraine for as long as it takes.”"
    (quote,) = find_quotes(text)
    assert quote.source == SOURCE_OTHER


def test_statement_to_the_house_is_parliamentary() -> None:
    text = (
        "In a statement to the House, Healey said: “We will stay with Ukraine for as long as it "
        "takes.”"
    )
    (quote,) = find_quotes(text)
    assert quote.source == SOURCE_PARLIAMENT


# --- names -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("said", "speaker", "expected"),
    [
        ("Healey", "John Healey", True),
        ("John Healey", "John Healey", True),
        ("Mr Healey", "John Healey", True),
        ("Healy", "John Healey", True),  # one letter wrong in a long surname
        ("Chris McDonald", "Chris McDonald", True),
        ("Wendy Chamberlain", "Chris McDonald", False),
        ("Healey", "Wendy Chamberlain", False),
        ("Jane Healey", "John Healey", False),
        ("Healey", None, False),
    ],
)
def test_same_person(said: str, speaker: str | None, expected: bool) -> None:
    assert same_person(said, speaker) is expected
