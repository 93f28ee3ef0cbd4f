"""What the operator reads in a crawl's log: its scope, its progress, what it changed."""

from __future__ import annotations

from pathlib import Path

from crawler.progress import change_summary
from tests.support.crawl import crawl_in_process
from tests.support.faults import FaultServer, slow

NEWS_WINDOW = {"since": "2025-02-01", "until": "2025-02-28"}
HANSARD_WINDOW = {"interface": "both", "since": "2025-02-10", "until": "2025-02-11"}
TYPHOONS = "https://ukdefencejournal.org.uk/typhoons-scrambled-to-shadow-russian-aircraft-near-uk-airspace/"


def log_line(stderr: str, marker: str) -> str:
    """The message of the one log line containing ``marker``."""
    lines = [line for line in stderr.splitlines() if marker in line]
    assert len(lines) == 1, lines
    return lines[0][lines[0].index(marker) :]


def test_the_log_states_the_window_and_sources_and_ends_with_what_changed(tmp_path: Path) -> None:
    news = crawl_in_process("defence_news", tmp_path / "corpus", args=NEWS_WINDOW)
    assert log_line(news.stderr, "Changes:") == (
        "Changes: articles 7 new, 0 updated, 0 unchanged; debates 0 new, 0 updated, 0 unchanged;"
        " links +0 (0 in the corpus)"
    )
    result = crawl_in_process("hansard", tmp_path / "corpus", args=HANSARD_WINDOW)
    assert (news.returncode, result.returncode) == (0, 0), result.stderr[-2000:]
    assert log_line(result.stderr, "Crawling hansard:") == (
        "Crawling hansard: window 2025-02-10 to 2025-02-11; "
        "interfaces en (www.theyworkforyou.com), cy (cy.theyworkforyou.com); houses commons"
    )
    stats = result.stats
    links = len(result.read("links"))
    assert links > 0
    assert log_line(result.stderr, "Changes:") == (
        "Changes: articles 0 new, 0 updated, 0 unchanged; "
        f"debates {stats['corpus/debate/new']} new, {stats['corpus/debate/updated']} updated,"
        f" 0 unchanged; links +{links} ({links} in the corpus)"
    )
    # Both interfaces of the two debates: two new records, each then merged with its other half.
    assert (stats["corpus/debate/new"], stats["corpus/debate/updated"]) == (2, 2)


def test_a_rerun_reports_unchanged_records_and_no_link_change(tmp_path: Path) -> None:
    args = {"urls": "https://www.theyworkforyou.com/debates/?id=2025-02-10a.1.1"}
    first = crawl_in_process("hansard", tmp_path / "corpus", args=args)
    second = crawl_in_process("hansard", tmp_path / "corpus", args=args)
    assert (first.returncode, second.returncode) == (0, 0)
    links = len(second.read("links"))
    assert log_line(second.stderr, "Crawling hansard:").startswith(
        "Crawling hansard: 1 page(s) given with -a urls; interfaces"
    )
    assert log_line(second.stderr, "Changes:") == (
        "Changes: articles 0 new, 0 updated, 0 unchanged; debates 0 new, 0 updated, 1 unchanged;"
        f" links +0 ({links} in the corpus)"
    )


def test_a_crawl_that_finds_nothing_says_which_window_it_used(tmp_path: Path) -> None:
    window = {"since": "2030-01-01", "until": "2030-01-07"}
    result = crawl_in_process("defence_news", tmp_path / "corpus", args=window)
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.read("articles") == []
    assert log_line(result.stderr, "No record found") == (
        "No record found by defence_news"
        " (window 2030-01-01 to 2030-01-07; outlets ukdj, forcesnews)"
    )


def test_a_progress_line_is_logged_every_interval(tmp_path: Path) -> None:
    with FaultServer(faults={TYPHOONS: slow(3)}) as server:
        result = crawl_in_process(
            "defence_news",
            tmp_path / "corpus",
            replay_dir=None,
            args=NEWS_WINDOW,
            settings={**server.settings(), "CRAWL_PROGRESS_INTERVAL": "0.5"},
        )
    assert result.returncode == 0, result.stderr[-2000:]
    progress = [
        line for line in result.stderr.splitlines() if "[crawler.progress] INFO: Progress:" in line
    ]
    assert len(progress) >= 2
    # While the slow page was awaited, every other article had been stored (a line
    # may also fall between the slow page's arrival and the end of the crawl).
    waiting = (
        "Progress: 14 pages fetched; articles 6 new / 0 updated, debates 0 new / 0 updated;"
        " 0 links written; 0 pages lost"
    )
    assert any(line.endswith(waiting) for line in progress), progress


def test_progress_lines_are_off_with_a_zero_interval(tmp_path: Path) -> None:
    result = crawl_in_process(
        "hansard",
        tmp_path / "corpus",
        args={"urls": "https://www.theyworkforyou.com/debates/?id=2025-02-10a.1.1"},
        settings={"CRAWL_PROGRESS_INTERVAL": "0"},
    )
    assert result.returncode == 0
    assert "Progress:" not in result.stderr


def test_the_summary_of_a_crawl_whose_last_commit_failed_says_what_was_not_stored() -> None:
    counted = {"corpus/article/new": 7}
    failed = {**counted, "corpus/store/commit_failed": "database is locked"}
    assert not change_summary(counted, None, None).count("not stored")
    assert change_summary(failed, None, None).endswith(
        "; of these, the last batch not stored (commit failed)"
    )
    one = change_summary({**failed, "corpus/store/items_not_committed": 1}, 0, 2)
    assert one.endswith(
        "links +2 (2 in the corpus); of these, the last 1 item not stored (commit failed)"
    )
    six = change_summary({**failed, "corpus/store/items_not_committed": 6}, None, None)
    assert six.endswith("; of these, the last 6 items not stored (commit failed)")
