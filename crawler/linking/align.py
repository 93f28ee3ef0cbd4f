"""Align a quoted passage to the text of a speech.

Journalists quote loosely: they change a capital letter or the punctuation at
the edges, replace words with an editorial substitution in square brackets
("could [the Secretary] expand" for "could he expand") and print words their
own way ("Ukraine’s" / "Ukraine's"). So both texts are compared as sequences
of normalised words (case-folded, accents and apostrophe variants removed,
punctuation ignored), and a bracketed group matches any run of up to a few
speech words.

The alignment is semi-global: the whole passage is aligned to the best-fitting
stretch of the speech (a word alignment scoring matches against edits, free
at the speech's ends), searched only around the place the passage's word
pairs point to, so a long speech costs little more than a short one. Pure
functions, no I/O.
"""

from __future__ import annotations

import re
import string
import unicodedata
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache
from itertools import pairwise

# A word: letters/digits with inner apostrophes ("Ukraine’s", "don't"). Hyphens
# and other punctuation separate words, so "Euro-Atlantic" is two words on both
# sides. A leading one-letter bracket ("[T]he") belongs to the word it completes.
WORD_RE = re.compile(r"(?:\[[^\W_]\])?[^\W_]+(?:['’][^\W_]+)*")
# WORD_RE without the bracket prefix, for a text with no "[" in it.
_PLAIN_WORD_RE = re.compile(r"[^\W_]+(?:['’][^\W_]+)*")
# ASCII characters that can be in no word: turned into spaces before splitting.
_SEPARATORS = str.maketrans(
    {c: " " for c in string.punctuation + string.whitespace if c not in "'[]"}
)


def find_words(text: str) -> list[str]:
    """The words of ``text`` as printed: the same list as ``WORD_RE.findall(text)``,
    read about twice as fast (a split at ASCII separators, the pattern run only
    on the pieces that hold anything but letters and digits)."""
    if "[" in text:
        return WORD_RE.findall(text)
    tokens = split_tokens(text)
    if all(map(str.isalnum, tokens)):
        return tokens
    found: list[str] = []
    for token in tokens:
        if token.isalnum():
            found.append(token)
        else:
            found += _PLAIN_WORD_RE.findall(token)
    return found


def split_tokens(text: str) -> list[str]:
    """``text`` (with no ``[`` in it) split at ASCII separators and whitespace: its
    words are, in order, those of :func:`token_words` of each token. A ``[`` stays a
    token of its own, so texts joined by `` [ `` split into their tokens with a
    ``[`` between each two."""
    return text.translate(_SEPARATORS).split()


def token_words(token: str) -> list[str]:
    """The words of one token of :func:`split_tokens` (most tokens are one word)."""
    return [token] if token.isalnum() else _PLAIN_WORD_RE.findall(token)


# Editorial insertions and substitutions; a one-letter bracket glued to a word
# ("[T]he") is a case change, not a substitution.
BRACKET_RE = re.compile(r"\[(?![^\W_]\](?=[^\W_]))[^\[\]]*\]")
# Brackets that add nothing the speaker said, so they match no speech word.
SILENT_BRACKETS = frozenset({"sic", "emphasis added", "emphasis mine", "inaudible"})

EXACT = "exact"
FUZZY = "fuzzy"

# Defaults for accepting an alignment (see :func:`align`).
MIN_SCORE = 0.8
MIN_PRECISION = 0.7


@lru_cache(maxsize=1 << 13)  # the common words of a language; bounded memory
def normalise_word(word: str) -> str:
    """The comparison form of one word: case-folded, no accents, one apostrophe."""
    word = word.replace("[", "").replace("]", "").replace("’", "'")
    decomposed = unicodedata.normalize("NFKD", word)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()


def normalised_words(text: str) -> list[str]:
    """``normalise_word`` of each of ``find_words(text)``. A word of ASCII letters,
    digits and apostrophes has no accents to remove and case-folds as it lowers, so
    such a text is lowered whole before it is split (a long tail of rare words would
    otherwise miss the cache one by one)."""
    if text.isascii() and "[" not in text:
        return find_words(text.lower())
    return [
        word.lower() if word.isascii() and "[" not in word else normalise_word(word)
        for word in find_words(text)
    ]


@dataclass(frozen=True)
class Word:
    """A word of a text with its character offsets."""

    norm: str
    start: int
    end: int


@dataclass(frozen=True)
class Gap:
    """A bracketed group of a passage: matches between 0 and ``max_words`` speech words."""

    max_words: int
    start: int
    end: int


Element = Word | Gap


def words(text: str) -> list[Word]:
    """The words of ``text`` with offsets, in order."""
    return [Word(normalise_word(m.group()), m.start(), m.end()) for m in WORD_RE.finditer(text)]


def passage_elements(passage: str) -> list[Element]:
    """The passage as words and bracket gaps, in order."""
    return list(_passage_elements(passage))


@lru_cache(maxsize=1024)
def _passage_elements(passage: str) -> tuple[Element, ...]:
    brackets = list(BRACKET_RE.finditer(passage))
    elements: list[Element] = []
    for m in brackets:
        inner = m.group()[1:-1].strip().casefold()
        size = len(WORD_RE.findall(inner))
        # A substitution usually stands for a pronoun or a short phrase.
        max_words = 0 if inner in SILENT_BRACKETS or not size else min(6, max(2, size + 2))
        elements.append(Gap(max_words, m.start(), m.end()))
    for word in words(passage):
        if not any(m.start() <= word.start < m.end() for m in brackets):
            elements.append(word)
    elements.sort(key=lambda e: e.start)
    return tuple(elements)


def passage_runs(passage: str) -> list[list[str]]:
    """Runs of consecutive quoted words outside brackets (what the quote's shingles use)."""
    runs: list[list[str]] = [[]]
    for element in passage_elements(passage):
        if isinstance(element, Gap):
            runs.append([])
        else:
            runs[-1].append(element.norm)
    return [run for run in runs if run]


def quoted_word_count(passage: str) -> int:
    """Words of the passage outside square brackets."""
    return sum(1 for e in passage_elements(passage) if isinstance(e, Word))


@dataclass(frozen=True)
class Alignment:
    """Where a passage sits in a speech.

    ``passage[passage_start:passage_end]`` runs from the passage's first to its
    last word (a bracket at an edge included); ``speech[speech_start:speech_end]``
    from the first to the last speech word the alignment used.
    """

    passage_start: int
    passage_end: int
    speech_start: int
    speech_end: int
    score: float
    """Share of the passage's words (outside brackets) found in the speech passage."""
    kind: str
    """``exact``: the same words in the same order; ``fuzzy``: brackets or edits."""
    words: int
    """Words of the passage outside brackets."""
    matched: int
    """Of those, how many the speech passage has at the aligned place."""


class _Speech:
    """A speech's words with a word-pair index, kept for repeated alignments.

    The index has no container per pair: ``last`` maps each word pair to where it
    is last said, and ``earlier[j]`` is where the pair said at ``j`` was said before
    (-1 for nowhere). So a cached speech is a handful of objects, and once the
    garbage collector has seen them it stops tracking them (tuples of strings and
    ints; dicts of them too, before CPython 3.14), where a list per pair made every
    full collection walk the hundreds of lists of each of the hundreds of speeches
    cached.
    """

    __slots__ = ("_counts", "_spans", "earlier", "last", "norms", "text")

    def __init__(self, text: str):
        self.text = text
        self.norms = tuple(normalised_words(text))
        self.last: dict[tuple[str, str], int] = {}
        earlier: list[int] = []
        for j, pair in enumerate(pairwise(self.norms)):
            earlier.append(self.last.get(pair, -1))
            self.last[pair] = j
        self.earlier = tuple(earlier)
        self._counts: dict[str, int] | None = None
        self._spans: tuple[tuple[int, int], ...] | None = None

    def pair_positions(self, first: str, second: str) -> Iterator[int]:
        """Where the speech says ``first`` followed by ``second``, last place first."""
        j = self.last.get((first, second), -1)
        while j >= 0:
            yield j
            j = self.earlier[j]

    @property
    def counts(self) -> dict[str, int]:
        """How often each word is said (needed only when no word pair is shared)."""
        if self._counts is None:
            self._counts = dict(Counter(self.norms))
        return self._counts

    def span(self, n: int) -> tuple[int, int]:
        """The character offsets of the ``n``-th word (found only for a speech a passage
        aligns to: most candidates never need them)."""
        if self._spans is None:
            # Kept as a tuple (of tuples of ints) the collector lets go; built as a
            # list first, which is quicker than feeding tuple() a generator.
            self._spans = tuple([m.span() for m in WORD_RE.finditer(self.text)])
        return self._spans[n]


@lru_cache(maxsize=512)
def _speech(text: str) -> _Speech:
    return _Speech(text)


def _votes(elements: Sequence[Element], speech: _Speech) -> list[int]:
    """Offsets (speech position minus passage position) where passage and speech
    agree: one for each place the speech says a word pair of the passage (two
    words with no bracket between them), or, when they share no pair, one for each
    place it says a passage word it says at most 3 times."""
    votes: list[int] = []
    for i in range(len(elements) - 1):
        a, b = elements[i], elements[i + 1]
        if isinstance(a, Word) and isinstance(b, Word):
            votes.extend(j - i for j in speech.pair_positions(a.norm, b.norm))
    if not votes:
        for i, element in enumerate(elements):
            if isinstance(element, Word) and 0 < speech.counts.get(element.norm, 0) <= 3:
                votes.extend(j - i for j, n in enumerate(speech.norms) if n == element.norm)
    return votes


def _diagonal_window(
    elements: Sequence[Element], speech: _Speech, slack: int
) -> tuple[int, int] | None:
    """The stretch of speech words the passage most likely covers.

    Each word pair the passage shares with the speech votes for an offset
    (see :func:`_votes`); the densest cluster of votes wins.
    """
    votes = _votes(elements, speech)
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


# Back-pointer codes of the alignment table.
_MATCH, _SUB, _SKIP_PASSAGE, _SKIP_SPEECH, _START = 0, 1, 2, 3, 4
_GAP = 8  # _GAP + k: a bracket gap that took k speech words


def align(
    passage: str,
    speech: str,
    *,
    min_score: float = MIN_SCORE,
    min_precision: float = MIN_PRECISION,
) -> Alignment | None:
    """Align ``passage`` (quoted words, brackets allowed) to ``speech``, or ``None``.

    Accepted when at least ``min_score`` of the passage's words are found in
    order at one place of the speech, and at least ``min_precision`` of the
    speech words spanned there are quoted words (so a few scattered common
    words do not make a match).
    """
    elements = _passage_elements(passage)
    quoted = sum(1 for e in elements if isinstance(e, Word))
    if not quoted:
        return None
    sp = _speech(speech)
    gap_room = sum(e.max_words for e in elements if isinstance(e, Gap))
    window = _diagonal_window(elements, sp, slack=3 + quoted // 5 + gap_room)
    if window is None:
        return None
    lo, hi = window
    seg = sp.norms[lo:hi]
    n, m = len(seg), len(elements)
    # gain[i][j]: best gain aligning elements[:i] with speech words ending at
    # lo + j; the passage is aligned whole, the speech stretch starts anywhere.
    # A matched word gains 2 and every edit costs 1, so of two alignments with
    # the same number of edits the one matching more words wins.
    low = -(1 << 30)
    gain = [[0] * (n + 1)] + [[low] * (n + 1) for _ in range(m)]
    back = [bytearray([_START] * (n + 1))] + [bytearray(n + 1) for _ in range(m)]
    for i in range(1, m + 1):
        element = elements[i - 1]
        row, prev, ptr = gain[i], gain[i - 1], back[i]
        if isinstance(element, Gap):
            for j in range(n + 1):
                best, code = low, _GAP
                for k in range(min(element.max_words, j) + 1):
                    if prev[j - k] > best:
                        best, code = prev[j - k], _GAP + k
                row[j], ptr[j] = best, code
            continue
        norm = element.norm
        row[0], ptr[0] = prev[0] - 1, _SKIP_PASSAGE
        for j in range(1, n + 1):
            if seg[j - 1] == norm:
                best, code = prev[j - 1] + 2, _MATCH
            else:
                best, code = prev[j - 1] - 1, _SUB
            if prev[j] - 1 > best:
                best, code = prev[j] - 1, _SKIP_PASSAGE
            if row[j - 1] - 1 > best:
                best, code = row[j - 1] - 1, _SKIP_SPEECH
            row[j], ptr[j] = best, code
    last = gain[m]
    j = max(range(n + 1), key=lambda col: (last[col], -col))
    matched = subs = extra = 0
    gaps_used = False
    first_j = last_j = None
    i = m
    while i > 0:
        code = back[i][j]
        if code in (_MATCH, _SUB):
            matched += code == _MATCH
            subs += code == _SUB
            last_j = j if last_j is None else last_j
            first_j = j
            i, j = i - 1, j - 1
        elif code == _SKIP_PASSAGE:
            i -= 1
        elif code == _SKIP_SPEECH:
            extra += 1
            j -= 1
        else:
            k = code - _GAP
            gaps_used = True
            if k:
                last_j = j if last_j is None else last_j
                first_j = j - k + 1
            i, j = i - 1, j - k
    if first_j is None or last_j is None or not matched:
        return None
    score = matched / quoted
    precision = matched / (matched + subs + extra)
    if score < min_score or precision < min_precision:
        return None
    exact = matched == quoted and not subs and not extra and not gaps_used
    return Alignment(
        passage_start=elements[0].start,
        passage_end=elements[-1].end,
        speech_start=sp.span(lo + first_j - 1)[0],
        speech_end=sp.span(lo + last_j - 1)[1],
        score=round(score, 3),
        kind=EXACT if exact else FUZZY,
        words=quoted,
        matched=matched,
    )
