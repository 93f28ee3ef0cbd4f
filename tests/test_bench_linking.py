"""The linking bench's interleaved timing: page-cache residency, warm-up, freezing, repeats."""

from __future__ import annotations

import gc
import os
from pathlib import Path

import pytest

from bench import bench_linking
from bench.bench_linking import Store

SIZES = (600, 1200)


@pytest.fixture(scope="module")
def stores(tmp_path_factory: pytest.TempPathFactory) -> list[Store]:
    """Two small stores built as the bench builds its own, with articles to link."""
    folder = tmp_path_factory.mktemp("stores")
    built = []
    for size in SIZES:
        index_path, records_path = (
            folder / f"link-{size}.sqlite3",
            folder / f"debates-{size}.sqlite3",
        )
        samples = bench_linking.build(
            index_path, records_path, size, 60, seed=size, batch=bench_linking.BULK_BATCH
        ).samples
        articles = bench_linking.interleaved_articles(samples, 6)
        built.append(Store(size, index_path, records_path, articles))
    return built


def test_a_file_read_through_is_reported_wholly_in_the_page_cache(tmp_path: Path) -> None:
    path = tmp_path / "file"
    path.write_bytes(os.urandom(1 << 20))
    bench_linking.read_through(path)
    assert bench_linking.page_cache_share(path) == 1.0


def test_the_share_reported_missing_is_what_reading_fetches_from_the_disk(tmp_path: Path) -> None:
    """After eviction the file is read from the disk as far as the share says it is not
    cached (on a file system that cannot drop a file's pages, it is all cached)."""
    path = tmp_path / "file"
    path.write_bytes(os.urandom(1 << 20))
    bench_linking.evict(path)
    share = bench_linking.page_cache_share(path)
    assert share is not None
    started = bench_linking.read_bytes()
    bench_linking.read_through(path)
    fetched = bench_linking.read_bytes() - started
    assert abs(fetched - (1 - share) * (1 << 20)) <= 64 * 1024


def test_an_empty_file_has_no_share_to_tell(tmp_path: Path) -> None:
    path = tmp_path / "empty"
    path.touch()
    assert bench_linking.page_cache_share(path) is None
    assert bench_linking.residency([Store(1, path, path, [])]) == "empty unknown, empty unknown"


def test_warm_timing_reads_the_stores_in_freezes_while_timing_and_unfreezes(
    stores: list[Store], monkeypatch: pytest.MonkeyPatch
) -> None:
    frozen: list[int] = []
    link_article = bench_linking.link_article

    def counting(article: dict[str, str], index: bench_linking.LinkIndex) -> object:
        frozen.append(gc.get_freeze_count())
        return link_article(article, index)

    monkeypatch.setattr(bench_linking, "link_article", counting)
    for store in stores:
        bench_linking.evict(store.index_path)
    timed = bench_linking.link_interleaved(stores)
    assert "read through" in timed.prepared
    assert timed.before == ", ".join(
        f"{path.name} 100%" for path in bench_linking.store_files(stores)
    )
    rounds = len(stores[0].articles) - 1
    assert [len(times["wall"]) for times in timed.times[0]] == [rounds, rounds]
    # The warm-up links (one per store) run before the freeze; every timed one after it.
    assert all(count == 0 for count in frozen[: len(stores)])
    assert all(count > 0 for count in frozen[len(stores) :])
    assert gc.get_freeze_count() == 0


def test_cold_timing_starts_with_the_stores_out_of_the_page_cache(stores: list[Store]) -> None:
    timed = bench_linking.link_interleaved(stores, cold=True)
    assert "dropped" in timed.prepared
    # The rounds read the stores back in: something of each index is cached after.
    assert all(f"{store.index_path.name} 0%" not in timed.after for store in stores)


def test_repeats_are_judged_on_the_median_ratio(
    stores: list[Store], capsys: pytest.CaptureFixture[str]
) -> None:
    ratios, ok = bench_linking.compare_interleaved(stores, 1000.0, repeat=3)
    printed = capsys.readouterr().out
    assert ok and set(ratios) == {SIZES[1]}
    assert [f"run {n} of 3:" in printed for n in (1, 2, 3)] == [True, True, True]
    median = next(line for line in printed.splitlines() if "(runs:" in line)
    walls = median.split("(runs: ")[1].split(" wall")[0].split(", ")
    assert len(walls) == 3
    assert f"{ratios[SIZES[1]]:.2f} wall" in median and median.endswith("ok")
    _ratios, ok = bench_linking.compare_interleaved(stores, 0.0, repeat=1, report=False)
    assert not ok


def test_crawl_cache_opens_copies_and_leaves_reused_stores_as_they_were(
    stores: list[Store], tmp_path: Path
) -> None:
    """The corpus store's rollback journal takes a store kept with a write-ahead log out
    of it (the file format's byte 18: 2 with the log, 1 without): only the copies."""
    for store in stores:
        for conn in bench_linking.open_for_linking(store.index_path, store.records_path)[:2]:
            conn.close()
    before = {path: path.read_bytes() for path in bench_linking.store_files(stores)}
    assert {content[18] for content in before.values()} == {2}
    copies = bench_linking.copy_stores(stores, tmp_path)
    timed = bench_linking.link_interleaved(copies, crawl_cache=True)
    assert len(timed.times[0][0]["wall"]) == len(stores[0].articles) - 1
    assert {path: path.read_bytes() for path in before} == before
    assert {path.read_bytes()[18] for path in bench_linking.store_files(copies)} == {1}
