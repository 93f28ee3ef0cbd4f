"""Start-up objects are frozen for the crawl and unfrozen when it ends, through real crawls."""

from __future__ import annotations

import gc
from pathlib import Path

from crawler.sample_corpus import SAMPLE_CRAWLS
from tests.support.crawl import CrawlResult, crawl_in_process


def hansard_crawl(corpus: Path, **settings: str) -> CrawlResult:
    args = next(arguments for spider, arguments in SAMPLE_CRAWLS if spider == "hansard")
    return crawl_in_process("hansard", corpus, args=args, settings=settings)


def test_crawl_freezes_startup_objects_and_unfreezes_them_at_the_end(tmp_path: Path) -> None:
    result = hansard_crawl(tmp_path / "corpus", LOG_LEVEL="DEBUG")
    assert result.returncode == 0
    assert result.stats["corpus/gc/freezes"] == 1
    frozen = [r.args[0] for r in result.log if r.msg == "Froze %d objects built at start-up"]
    assert frozen and frozen[0] > 10_000
    assert gc.get_freeze_count() == 0


def test_freezing_can_be_switched_off(tmp_path: Path) -> None:
    result = hansard_crawl(tmp_path / "corpus", GC_FREEZE_AFTER_STARTUP="False")
    assert result.returncode == 0
    assert "corpus/gc/freezes" not in result.stats
