"""Aligning a quoted passage to a speech."""

from __future__ import annotations

import pytest

from crawler.linking.align import (
    EXACT,
    FUZZY,
    WORD_RE,
    align,
    find_words,
    normalise_word,
    normalised_words,
)

HEALEY_ANSWER = (
    "I can indeed. I welcome the fact, as I think will the hon. Lady, that the new US Defence "
    "Secretary is spending his third full week in office in Europe. He has made it clear that "
    "he wants to discuss how to strengthen alliances, how to expand our defence industries on "
    "both sides of the Atlantic, and how to boost allied defence spending, including on "
    "Ukraine. That is something we all agree on."
)
MCDONALD_QUESTION = (
    "I welcome the Secretary of State’s answer, but in the face of wider Russian aggression, "
    "could he expand on what conversations he has already had with NATO counterparts about "
    "how NATO can respond appropriately to the threat from Russia?"
)


def test_exact_passage_offsets_slice_both_texts() -> None:
    passage = "He has made it clear that he wants to discuss how to strengthen alliances"
    found = align(passage, HEALEY_ANSWER)
    assert found is not None
    assert found.kind == EXACT and found.score == 1.0
    assert passage[found.passage_start : found.passage_end] == passage
    assert HEALEY_ANSWER[found.speech_start : found.speech_end] == passage


def test_changed_capital_at_the_start_is_still_exact() -> None:
    passage = "The new US Defence Secretary is spending his third full week in office in Europe."
    found = align(passage, HEALEY_ANSWER)
    assert found is not None and found.kind == EXACT
    assert HEALEY_ANSWER[found.speech_start : found.speech_end] == (
        "the new US Defence Secretary is spending his third full week in office in Europe"
    )


def test_changed_punctuation_at_the_end_is_still_exact() -> None:
    passage = "how to boost allied defence spending, including on Ukraine,"
    found = align(passage, HEALEY_ANSWER)
    assert found is not None and found.kind == EXACT
    assert HEALEY_ANSWER[found.speech_start : found.speech_end].endswith("including on Ukraine")


def test_bracketed_substitution_matches_the_replaced_word() -> None:
    passage = (
        "In the face of wider Russian aggression, could [the Secretary] expand on what "
        "conversations"
    )
    found = align(passage, MCDONALD_QUESTION)
    assert found is not None
    assert found.kind == FUZZY
    assert found.score == 1.0  # every word outside the brackets is in the speech
    assert MCDONALD_QUESTION[found.speech_start : found.speech_end] == (
        "in the face of wider Russian aggression, could he expand on what conversations"
    )


def test_one_changed_word_is_fuzzy_with_a_lower_score() -> None:
    passage = "He has made it plain that he wants to discuss how to strengthen alliances"
    found = align(passage, HEALEY_ANSWER)
    assert found is not None
    assert found.kind == FUZZY
    assert 0.8 <= found.score < 1.0


def test_curly_and_straight_apostrophes_compare_equal() -> None:
    passage = (
        "I welcome the Secretary of State's answer, but in the face of wider Russian aggression"
    )
    found = align(passage, MCDONALD_QUESTION)
    assert found is not None and found.kind == EXACT


def test_unrelated_passage_does_not_align() -> None:
    passage = "The two leaders committed to continuing the especially close coordination"
    assert align(passage, HEALEY_ANSWER) is None


def test_paraphrase_sharing_a_few_words_does_not_align() -> None:
    passage = "the alliance has stepped up security measures in response to evolving threats"
    assert align(passage, HEALEY_ANSWER) is None


def test_passage_deep_in_a_long_speech_is_found_at_its_place() -> None:
    filler = "We debated the estimates and the procurement of ships at some length. " * 300
    speech = filler + HEALEY_ANSWER + " " + filler
    passage = "how to expand our defence industries on both sides of the Atlantic"
    found = align(passage, speech)
    assert found is not None and found.kind == EXACT
    assert speech[found.speech_start : found.speech_end] == passage
    assert found.speech_start > len(filler)


def test_words_dropped_silently_from_the_middle_make_a_fuzzy_match() -> None:
    passage = (
        "He has made it clear that he wants to discuss how to strengthen alliances, how to "
        "expand our defence industries"
    )
    edited = passage.replace(" how to strengthen alliances,", "")
    found = align(edited, HEALEY_ANSWER)
    assert found is not None
    assert found.kind == FUZZY


def test_quoted_words_scattered_over_a_longer_stretch_do_not_align() -> None:
    # Every word is in the speech, in order, but with other words between them.
    passage = "I indeed welcome fact I will hon Lady the US Secretary spending third week office"
    assert align(passage, HEALEY_ANSWER) is None


# Printed forms of speech and news text: curly and straight apostrophes, Welsh and
# French accents, dashes, bracketed insertions, underscores, digits and fractions.
FIND_WORDS_CASES = [
    "I thank the hon. Member for her question, and I’m grateful to him.",
    "The Members' view is that 'tis so; rock'n'roll isn't — quite — it.",
    "Dywedodd y Prif Weinidog: “Mae’r Lluoedd Arfog yn hanfodol i Gymru.”",
    "l’armée de l’air et de l’espace, à côté de l’OTAN",
    "[T]he Secretary of State [Mr Healey] said 2.5% of GDP by 2027.",
    "snake_case and__double, a''b, x' and ’y, ½ and ² and 3rd",
    "e\u0301te\tnew\nline\r\nend… Euro-Atlantic (NATO) £3bn 😀",
    "",
]


@pytest.mark.parametrize("text", FIND_WORDS_CASES)
def test_find_words_reads_the_same_words_as_the_word_pattern(text: str) -> None:
    assert find_words(text) == WORD_RE.findall(text)


@pytest.mark.parametrize("text", [*FIND_WORDS_CASES, "[T]he MINISTER’s [Mr Healey] ÉTÉ Straße"])
def test_a_texts_words_are_normalised_as_each_word_alone(text: str) -> None:
    assert normalised_words(text) == [normalise_word(word) for word in WORD_RE.findall(text)]
    assert normalised_words(text.upper()) == normalised_words(text.lower())
