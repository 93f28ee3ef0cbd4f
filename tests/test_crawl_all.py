"""``bin/crawl-all``, the scheduled update: every crawl runs, failures are one line each."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.support.crawl import crawl_env
from tests.support.pages import ROOT, SAMPLE_PAGES

WINDOW = ["-a", "since=2025-02-10", "-a", "until=2025-02-11"]


def crawl_all(tmp_path: Path, *options: str) -> subprocess.CompletedProcess[str]:
    env = crawl_env()
    env["SCRAPY"] = str(Path(sys.executable).with_name("scrapy"))
    env["CRAWL_LOG_DIR"] = str(tmp_path / "fresh" / "logs")  # does not exist yet
    command = [str(ROOT / "bin" / "crawl-all"), "-s", f"REPLAY_DIR={SAMPLE_PAGES}"]
    command += ["-s", f"CORPUS_DIR={tmp_path / 'corpus'}", *WINDOW, *options]
    return subprocess.run(command, env=env, capture_output=True, text=True, timeout=300)


def test_a_clean_update_prints_nothing_and_exits_0(tmp_path: Path) -> None:
    completed = crawl_all(tmp_path)
    assert (completed.returncode, completed.stdout, completed.stderr) == (0, "", "")
    logs = tmp_path / "fresh" / "logs"
    assert sorted(path.name for path in logs.iterdir()) == ["defence_news.log", "hansard.log"]
    assert "Changes:" in (logs / "hansard.log").read_text()


def test_the_hansard_crawl_runs_when_the_news_crawl_fails_and_the_reason_is_printed(
    tmp_path: Path,
) -> None:
    broken = tmp_path / "outlets.json"
    broken.write_text("{", encoding="utf-8")
    completed = crawl_all(tmp_path, "-s", f"NEWS_OUTLETS_FILE={broken}")
    assert completed.returncode == 2
    assert completed.stdout.splitlines() == [
        f"defence_news: exit status 2: scrapy crawl: {broken}: not valid JSON"
        " (Expecting property name enclosed in double quotes, line 1 column 2)"
    ]
    debates = (tmp_path / "corpus" / "debates.jsonl").read_text().splitlines()
    assert len(debates) == 2
