"""Content fingerprints for articles.

- :func:`content_hash` catches the same text at unrelated URLs: it is computed
  on the body with case, quotation-mark style, punctuation and spacing folded.
- :func:`sketch` catches near-copies (a syndicated article with some sentences
  edited): a bottom-k sketch of the body's word 4-shingles. Its smallest
  values (:func:`indexed_values`) are indexed in the corpus store, so finding
  candidates is a few index look-ups whatever the size of the corpus, and
  :func:`similarity` estimates the Jaccard similarity of two sketches.
  ``bench/bench_neardup.py`` measures how much editing the detector tolerates.
"""

from __future__ import annotations

import hashlib
import heapq
import math
import re
import struct
import unicodedata
from functools import lru_cache

SHINGLE_WORDS = 4
SKETCH_SIZE = 48
# The lowest near-copy threshold the store's index serves (see indexed_values).
LOWEST_THRESHOLD = 0.5
# Two sketches with similarity >= t differ in at most SKETCH_SIZE * (1 - t) of the
# SKETCH_SIZE smallest values of their union, so two shared values lie among the
# first SKETCH_SIZE * (1 - t) + 2 of that union, and hence among the first that
# many of each sketch: indexing those finds every pair sharing two values.
INDEXED_VALUES = SKETCH_SIZE - math.ceil(SKETCH_SIZE * LOWEST_THRESHOLD) + 2
_WORD = re.compile(r"\w+")


@lru_cache(maxsize=16)
def words(text: str) -> tuple[str, ...]:
    """Tokens with case, accents-as-composed and punctuation folded away.

    The last few texts' tokens are kept: the merge stage's content hash and the
    store stage's sketch read the same text."""
    return tuple(_WORD.findall(unicodedata.normalize("NFKC", text).casefold()))


def content_hash(text: str) -> str:
    """Hex fingerprint of the body's words; equal for copies that differ only in typography."""
    return hashlib.blake2b(" ".join(words(text)).encode("utf-8"), digest_size=16).hexdigest()


def _hash64(shingle: str) -> int:
    return int.from_bytes(hashlib.blake2b(shingle.encode(), digest_size=8).digest(), "little") >> 1


def shingles(text: str) -> set[int]:
    """63-bit hashes of the text's word 4-shingles (fits SQLite's signed integers)."""
    tokens = words(text)
    if len(tokens) < SHINGLE_WORDS:
        return {_hash64(" ".join(tokens))} if tokens else set()
    # _hash64 inlined: the call and look-ups cost twice the hashing itself.
    blake2b, from_bytes, join = hashlib.blake2b, int.from_bytes, " ".join
    return {
        from_bytes(
            blake2b(join(tokens[i : i + SHINGLE_WORDS]).encode(), digest_size=8).digest(), "little"
        )
        >> 1
        for i in range(len(tokens) - SHINGLE_WORDS + 1)
    }


def sketch(text: str) -> tuple[int, ...]:
    """Bottom-k sketch: the SKETCH_SIZE smallest shingle hashes, ascending."""
    return tuple(heapq.nsmallest(SKETCH_SIZE, shingles(text)))


def similarity(first: tuple[int, ...], second: tuple[int, ...]) -> float:
    """Estimated Jaccard similarity of the shingle sets behind two sketches."""
    if not first or not second:
        return 0.0
    union = heapq.nsmallest(SKETCH_SIZE, set(first) | set(second))
    shared = set(first) & set(second)
    return sum(1 for value in union if value in shared) / len(union)


def indexed_values(values: tuple[int, ...]) -> tuple[int, ...]:
    """The values of a sketch kept in the store's index: enough to find every stored
    article whose similarity to it can reach :data:`LOWEST_THRESHOLD`."""
    return values[:INDEXED_VALUES]


def encode_sketch(values: tuple[int, ...]) -> bytes:
    return struct.pack(f"<{len(values)}q", *values)


def decode_sketch(blob: bytes) -> tuple[int, ...]:
    return struct.unpack(f"<{len(blob) // 8}q", blob)
