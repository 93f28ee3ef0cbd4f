"""Build the corpus from the saved pages in ``sample_pages/`` and summarise it.

    python -m crawler.sample_corpus [--corpus corpus] [--replay sample_pages]

Runs every spider of the project through ``scrapy crawl`` (with its exit
status) against the replay folder, then prints how many records of each type
the corpus holds and how many articles link to speeches.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

# What the saved pages cover: the crawls that rebuild the sample corpus.
SEED_ARTICLE = (
    "https://ukdefencejournal.org.uk/what-did-us-and-uk-defence-secretaries-talk-about-on-call"
)
# Copies of the seed article at other URLs, as a reader may come across them
# (its AMP page, a link shared with tracking parameters, the URL without its
# trailing slash), given to the spider with -a urls=.
SEED_ARTICLE_VARIANTS = [
    SEED_ARTICLE + "/amp/",
    SEED_ARTICLE
    + "/?utm_source=twitter&utm_medium=social&utm_campaign=SocialSignIn"
    + "&fbclid=IwZXh0bgNhZW0CMTEAAR2kQ3Jv7mXq0sBqk9t1R8lE3c2nB5fD6"
    + "gH7jK8mN9pQ0rS1tU2vW3xY4z_aem_Xk3pQ9rT",
    SEED_ARTICLE,
]
# Articles in Welsh and in English quoting the saved Senedd debate, each quoting the
# translation of a contribution given in the other language (read by the generic path).
SENEDD_ARTICLES = [
    "https://golwg360.cymru/newyddion/gwleidyddiaeth/addewid-i-gyn-filwyr-swyddogion-cyswllt-i-aros-tan-2025",
    "https://nation.cymru/news/plaid-calls-for-veterans-housing-plan-before-end-of-senedd-term/",
]
SAMPLE_CRAWLS: list[tuple[str, dict[str, str]]] = [
    ("defence_news", {"since": "2025-02-01", "until": "2025-02-28"}),
    ("defence_news", {"urls": ",".join(SEED_ARTICLE_VARIANTS)}),
    ("hansard", {"interface": "both", "since": "2025-02-10", "until": "2025-02-11"}),
    ("hansard_api", {"since": "2025-02-10", "until": "2025-02-10"}),
    ("senedd", {"since": "2022-11-08", "until": "2022-11-09"}),
    ("defence_news", {"urls": ",".join(SENEDD_ARTICLES)}),
]


def run_crawls(corpus: Path, replay: Path, extra: list[str], log_level: str = "WARNING") -> int:
    for spider, arguments in SAMPLE_CRAWLS:
        command = [sys.executable, "-m", "scrapy", "crawl", spider]
        command += ["-s", f"REPLAY_DIR={replay}", "-s", f"CORPUS_DIR={corpus}"]
        for name, value in arguments.items():
            command += ["-a", f"{name}={value}"]
        command += ["-s", f"LOG_LEVEL={log_level}", *extra]
        print(f"$ scrapy crawl {spider} " + " ".join(f"-a {k}={v}" for k, v in arguments.items()))
        completed = subprocess.run(command, cwd=ROOT)
        if completed.returncode != 0:
            print(f"The {spider} crawl failed (exit status {completed.returncode}).")
            return completed.returncode
    return 0


def read_jsonl(path: Path) -> list[dict]:
    if not path.exists():
        return []
    with path.open(encoding="utf-8") as lines:
        return [json.loads(line) for line in lines if line.strip()]


def summary(corpus: Path) -> str:
    articles = read_jsonl(corpus / "articles.jsonl")
    debates = read_jsonl(corpus / "debates.jsonl")
    links = read_jsonl(corpus / "links.jsonl")
    speeches = sum(len(debate.get("speeches", [])) for debate in debates)
    linked_articles = {link["article_id"] for link in links}
    linked_speeches = {link["speech_id"] for link in links}
    sites = Counter(article.get("site") for article in articles)
    flagged_articles = sum(1 for article in articles if article.get("flags"))
    flagged_speeches = sum(
        1 for debate in debates for speech in debate.get("speeches", []) if speech.get("flags")
    )
    lines = [
        f"Corpus in {corpus}/",
        f"  articles: {len(articles)} ("
        + ", ".join(f"{site}: {count}" for site, count in sorted(sites.items()))
        + ")",
        f"  debates:  {len(debates)} ({speeches} speeches)",
        f"  links:    {len(links)} ({len(linked_articles)} articles quote "
        f"{len(linked_speeches)} speeches)",
        f"  flagged:  {flagged_articles} articles, {flagged_speeches} speeches "
        "(see each record's 'flags')",
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=ROOT / "corpus")
    parser.add_argument("--replay", type=Path, default=ROOT / "sample_pages")
    parser.add_argument("--log-level", default="WARNING", help="crawl log level (default WARNING)")
    parser.add_argument("scrapy_options", nargs="*", help="extra options for scrapy crawl")
    options = parser.parse_args(argv)
    status = run_crawls(
        options.corpus.resolve(),
        options.replay.resolve(),
        options.scrapy_options,
        options.log_level,
    )
    print(summary(options.corpus))
    return status


if __name__ == "__main__":
    sys.exit(main())
