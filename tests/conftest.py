"""Fixtures shared by the end-to-end tests."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

from crawler.sample_corpus import SAMPLE_CRAWLS
from tests.support.crawl import SAMPLE_PAGES, CrawlResult, run_crawl


@dataclass
class BuiltCorpus:
    folder: Path
    crawls: list[CrawlResult]

    def read(self, name: str) -> list[dict]:
        return self.crawls[-1].read(name)


def build_corpus(folder: Path, replay_dir: Path = SAMPLE_PAGES, **settings: str) -> BuiltCorpus:
    """Run every crawl of the sample corpus build, in order, into ``folder``."""
    crawls = [
        run_crawl(spider, folder, replay_dir=replay_dir, args=arguments, settings=settings)
        for spider, arguments in SAMPLE_CRAWLS
    ]
    return BuiltCorpus(folder, crawls)


@pytest.fixture(scope="session")
def sample_corpus(tmp_path_factory: pytest.TempPathFactory) -> BuiltCorpus:
    """The corpus built from sample_pages/, once per test session."""
    return build_corpus(tmp_path_factory.mktemp("sample") / "corpus")
