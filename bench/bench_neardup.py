"""How much editing the near-copy detector tolerates.

    python bench/bench_neardup.py [--trials 40]

Takes the article bodies in sample_pages/ (through the real extraction code),
edits copies of them in the ways syndicated copies differ — sentences
rewritten, words changed, paragraphs added or cut — and prints, for each kind
and amount of editing, how often the detector marks the copy as a near-copy of
its original: both the candidate look-up (sharing at least two sketch values,
as the corpus store queries it) and the similarity threshold
(``DEDUP_NEAR_COPY_THRESHOLD``, default 0.5) must pass. It also prints the
highest similarity between unrelated sample articles (false positives).
"""

from __future__ import annotations

import argparse
import json
import random
import re
import statistics
import sys
from pathlib import Path

from scrapy.http import HtmlResponse

from crawler.dedup.fingerprint import similarity, sketch
from crawler.outlets import load_outlets, outlet_for_url
from crawler.pages.article import parse_article
from crawler.pages.discovery import page_kind

ROOT = Path(__file__).resolve().parents[1]

THRESHOLD = 0.5
MIN_SHARED = 2
SENTENCE = re.compile(r"(?<=[.!?…”])\s+(?=[A-Z“‘])")
FILLER = (
    "A spokesperson for the Ministry of Defence said the programme remained on schedule "
    "and that further details would be published in due course."
)


def sample_bodies() -> list[str]:
    pages = ROOT / "sample_pages"
    outlets = load_outlets()
    bodies = []
    for line in (pages / "manifest.jsonl").read_text("utf-8").splitlines():
        entry = json.loads(line)
        url = entry["url"]
        outlet = outlet_for_url(url, outlets)
        if outlet is None or entry.get("status", 200) != 200 or "?" in url or "/amp/" in url:
            continue
        body = (pages / entry["path"]).read_bytes()
        response = HtmlResponse(url=url, body=body, encoding="utf-8")
        if page_kind(response) != "article":
            continue
        item = parse_article(
            response, url=url, outlet=outlet, fetched_at="2025-02-13T00:00:00+00:00"
        )
        if len(item.text.split()) > 150:
            bodies.append(item.text)
    return bodies


def rewrite_sentences(text: str, share: float, rng: random.Random) -> str:
    sentences = SENTENCE.split(text)
    for index in rng.sample(range(len(sentences)), round(share * len(sentences))):
        sentences[index] = f"{FILLER} (Rewritten line {index}.)"
    return " ".join(sentences)


def change_words(text: str, share: float, rng: random.Random) -> str:
    words = text.split(" ")
    for index in rng.sample(range(len(words)), round(share * len(words))):
        words[index] = words[index].upper() + "x"
    return " ".join(words)


def add_paragraphs(text: str, share: float, rng: random.Random) -> str:
    extra = max(1, round(share * len(text.split())) // len(FILLER.split()))
    return text + "".join(f"\n\n{FILLER} Extra {n}." for n in range(extra))


def cut_end(text: str, share: float, rng: random.Random) -> str:
    words = text.split(" ")
    return " ".join(words[: max(1, round(len(words) * (1 - share)))])


EDITS = {
    "sentences rewritten": rewrite_sentences,
    "words changed (scattered)": change_words,
    "text added": add_paragraphs,
    "end cut off": cut_end,
}
SHARES = (0.05, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6)


def detected(original: tuple[int, ...], copy: tuple[int, ...]) -> bool:
    shared = len(set(original) & set(copy))
    return shared >= MIN_SHARED and similarity(original, copy) >= THRESHOLD


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trials", type=int, default=40)
    options = parser.parse_args()
    rng = random.Random(20250211)
    bodies = sample_bodies()
    sketches = [sketch(body) for body in bodies]
    print(
        f"{len(bodies)} sample article bodies, threshold {THRESHOLD}, {options.trials} trials each"
    )
    print(f"{'edit':28}" + "".join(f"{share:>8.0%}" for share in SHARES))
    for name, edit in EDITS.items():
        cells = []
        for share in SHARES:
            hits = 0
            for trial in range(options.trials):
                index = trial % len(bodies)
                hits += detected(sketches[index], sketch(edit(bodies[index], share, rng)))
            cells.append(f"{hits / options.trials:>8.0%}")
        print(f"{name:28}" + "".join(cells))
    pairs = [(i, j) for i in range(len(bodies)) for j in range(i + 1, len(bodies))]
    scores = sorted(similarity(sketches[i], sketches[j]) for i, j in pairs)
    print(
        f"similarity between distinct sample articles: max {scores[-1]:.2f}, "
        f"median {statistics.median(scores):.2f} over {len(pairs)} pairs "
        "(the one syndicated pair in the samples is the maximum)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
