"""The speech index alignment searches from: the same votes, windows and alignments
as the index it replaced (kept here as the reference), and nothing left for the
garbage collector to walk."""

from __future__ import annotations

import gc
import random
import sys
from collections import Counter
from collections.abc import Sequence
from itertools import pairwise

import pytest

import crawler.linking.align as align_module
from crawler.linking.align import (
    WORD_RE,
    Element,
    Gap,
    Word,
    _diagonal_window,
    _passage_elements,
    _Speech,
    _votes,
    align,
    normalised_words,
)
from tests.linking.test_align import FIND_WORDS_CASES, HEALEY_ANSWER, MCDONALD_QUESTION


class ReferenceSpeech:
    """The speech index as first written: a list of positions for each word pair."""

    def __init__(self, text: str):
        self.text = text
        self.norms = normalised_words(text)
        self.pairs: dict[tuple[str, str], list[int]] = {}
        for j, pair in enumerate(pairwise(self.norms)):
            self.pairs.setdefault(pair, []).append(j)
        self.counts = Counter(self.norms)

    def span(self, n: int) -> tuple[int, int]:
        return [m.span() for m in WORD_RE.finditer(self.text)][n]


def reference_votes(elements: Sequence[Element], speech: ReferenceSpeech) -> list[int]:
    votes: list[int] = []
    for i in range(len(elements) - 1):
        a, b = elements[i], elements[i + 1]
        if isinstance(a, Word) and isinstance(b, Word):
            votes.extend(j - i for j in speech.pairs.get((a.norm, b.norm), ()))
    if not votes:
        for i, element in enumerate(elements):
            if isinstance(element, Word) and 0 < speech.counts[element.norm] <= 3:
                votes.extend(j - i for j, n in enumerate(speech.norms) if n == element.norm)
    return votes


def reference_window(
    elements: Sequence[Element], speech: ReferenceSpeech, slack: int
) -> tuple[int, int] | None:
    votes = reference_votes(elements, speech)
    if not votes:
        return None
    votes.sort()
    best_lo = best_hi = votes[0]
    best_count = 0
    lo = 0
    for hi, vote in enumerate(votes):
        while vote - votes[lo] > slack:
            lo += 1
        if hi - lo + 1 > best_count:
            best_count, best_lo, best_hi = hi - lo + 1, votes[lo], vote
    start = max(0, best_lo - slack)
    end = min(len(speech.norms), best_hi + len(elements) + slack)
    return start, end


# Words for made-up speeches: a few so that pairs and words repeat, Welsh and
# accented forms, apostrophe variants, a number and a one-letter word.
VOCABULARY = [
    "the", "the", "of", "of", "and", "defence", "Defence", "Secretary", "he", "I",
    "Mae’r", "Lluoedd", "Arfog", "ŵyr", "Cymru", "Straße", "ÉTÉ", "été", "don't",
    "don’t", "2.5%", "NATO", "Euro-Atlantic", "l’armée", "x",
]  # fmt: skip
SEPARATORS = [" ", " ", " ", ", ", ". ", " — ", "\n", " (", ") "]


def made_up_text(rng: random.Random, length: int) -> str:
    text = ""
    for _ in range(length):
        text += rng.choice(VOCABULARY) + rng.choice(SEPARATORS)
    return text.strip()


def quoted_from(rng: random.Random, speech: str) -> str:
    """A passage cut from ``speech`` and edited the ways quotes are: a word put in
    brackets or replaced, a word dropped or added, the case changed."""
    said = WORD_RE.findall(speech) or ["nothing"]
    start = rng.randrange(len(said))
    quoted = said[start : start + rng.randint(1, 25)]
    for _ in range(rng.randint(0, 3)):
        at = rng.randrange(len(quoted))
        edit = rng.choice(["bracket", "replace", "drop", "add", "upper", "sic"])
        if edit == "bracket":
            quoted[at] = f"[{rng.choice(['the Minister', 'he', 'NATO’s', ''])}]"
        elif edit == "replace":
            quoted[at] = rng.choice(VOCABULARY)
        elif edit == "drop" and len(quoted) > 1:
            del quoted[at]
        elif edit == "add":
            quoted.insert(at, rng.choice(VOCABULARY))
        elif edit == "upper":
            quoted[at] = quoted[at].upper()
        else:
            quoted.insert(at + 1, "[sic]")
    return " ".join(quoted)


def table_cases() -> list[tuple[str, str]]:
    """Passages against the awkward printed texts of the alignment tests."""
    texts = [*FIND_WORDS_CASES, HEALEY_ANSWER, MCDONALD_QUESTION, "Ukraine", ""]
    cases = []
    for text in texts:
        half = len(text) // 2
        for passage in (text, text[:half], text[half:], f"[T]he {text[half:]} [sic]"):
            cases += [(passage, speech) for speech in texts]
    return cases


def random_cases(seed: int, count: int) -> list[tuple[str, str]]:
    rng = random.Random(seed)
    cases = []
    for _ in range(count):
        speech = made_up_text(rng, rng.choice([0, 1, 2, 5, 40, 300]))
        other = made_up_text(rng, rng.randint(1, 12))
        cases += [(quoted_from(rng, speech), speech), (other, speech)]
    return cases


CASES = table_cases() + random_cases(seed=19, count=300)


def slack_of(elements: Sequence[Element]) -> int:
    """The slack ``align`` searches with."""
    quoted = sum(1 for e in elements if isinstance(e, Word))
    return 3 + quoted // 5 + sum(e.max_words for e in elements if isinstance(e, Gap))


def test_the_cases_cover_repeated_pairs_rare_words_and_empty_speeches() -> None:
    speeches = [ReferenceSpeech(speech) for _, speech in CASES]
    assert any(len(positions) > 3 for s in speeches for positions in s.pairs.values())
    assert any(len(s.norms) == 1 for s in speeches)
    assert any(not s.norms for s in speeches)
    without_shared_pair = [
        (passage, s)
        for (passage, _), s in zip(CASES, speeches, strict=True)
        if not any(
            (a.norm, b.norm) in s.pairs
            for a, b in pairwise(_passage_elements(passage))
            if isinstance(a, Word) and isinstance(b, Word)
        )
    ]
    assert any(reference_votes(_passage_elements(p), s) for p, s in without_shared_pair)


@pytest.mark.parametrize(("passage", "speech"), CASES, ids=range(len(CASES)))
def test_a_passage_gets_the_same_votes_and_window_as_from_the_reference_index(
    passage: str, speech: str
) -> None:
    elements = _passage_elements(passage)
    indexed, reference = _Speech(speech), ReferenceSpeech(speech)
    assert list(indexed.norms) == reference.norms
    assert sorted(_votes(elements, indexed)) == sorted(reference_votes(elements, reference))
    for slack in (0, 1, slack_of(elements)):
        assert _diagonal_window(elements, indexed, slack) == reference_window(
            elements, reference, slack
        )


def test_every_passage_aligns_as_with_the_reference_index(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    found = [align(passage, speech) for passage, speech in CASES]
    assert sum(alignment is not None for alignment in found) > len(CASES) // 10
    monkeypatch.setattr(align_module, "_speech", ReferenceSpeech)
    monkeypatch.setattr(align_module, "_diagonal_window", reference_window)
    assert found == [align(passage, speech) for passage, speech in CASES]


def test_pair_positions_are_every_place_the_pair_is_said() -> None:
    speech = _Speech("of the Army, of the Navy and of the Air Force; the the the end")
    assert list(speech.pair_positions("of", "the")) == [7, 3, 0]
    assert list(speech.pair_positions("the", "the")) == [12, 11]
    assert list(speech.pair_positions("the", "of")) == []


def test_a_cached_speech_leaves_nothing_for_the_garbage_collector_to_walk() -> None:
    speech = _Speech(" ".join([HEALEY_ANSWER, MCDONALD_QUESTION] * 20))
    speech.span(0)
    assert speech.counts["nato"] == 40
    gc.collect()
    gc.collect()  # a tuple of tuples (the word spans) is let go one level a collection
    tracked = [name for name in _Speech.__slots__ if gc.is_tracked(getattr(speech, name))]
    # CPython 3.14 keeps tracking every dict: there, the two dicts stay, a fixed two.
    allowed = ["_counts", "last"] if sys.version_info >= (3, 14) else []
    assert [name for name in tracked if name not in allowed] == []
