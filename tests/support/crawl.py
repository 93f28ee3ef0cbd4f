"""Run real crawls for tests: ``scrapy crawl`` in a subprocess, as a user would.

A subprocess gives every crawl a fresh Twisted reactor, the project's real
settings and command (with its exit status), and nothing shared between tests.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
SAMPLE_PAGES = ROOT / "sample_pages"

RUN_TIME_FIELDS = ("first_seen", "last_changed", "source")
"""Record fields that say when and from which capture a crawl read a page, not what
it read: two crawls of the same pages agree on everything else."""


@dataclass
class CrawlResult:
    returncode: int
    stdout: str
    stderr: str
    stats: dict[str, Any]
    corpus: Path
    records: dict[str, list[dict[str, Any]]] = field(default_factory=dict)

    def read(self, name: str) -> list[dict[str, Any]]:
        path = self.corpus / f"{name}.jsonl"
        if not path.exists():
            return []
        return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def scrapy_command(*args: str) -> list[str]:
    return [sys.executable, "-m", "scrapy", *args]


def crawl_command(
    spider: str,
    corpus: Path,
    *,
    replay_dir: Path | None = SAMPLE_PAGES,
    args: dict[str, str] | None = None,
    settings: dict[str, Any] | None = None,
) -> list[str]:
    """The ``scrapy crawl`` command line for a test crawl into ``corpus``."""
    command = scrapy_command("crawl", spider, "-s", f"CORPUS_DIR={corpus}")
    if replay_dir is not None:
        command += ["-s", f"REPLAY_DIR={replay_dir}"]
    for name, value in (settings or {}).items():
        command += ["-s", f"{name}={value}"]
    for name, value in (args or {}).items():
        command += ["-a", f"{name}={value}"]
    return command


def kill_when(process: subprocess.Popen, condition: Callable[[], bool], limit: float = 120) -> bool:
    """SIGKILL ``process`` as soon as ``condition()`` holds; ``False`` if it ended first."""
    deadline = time.monotonic() + limit
    while process.poll() is None and time.monotonic() < deadline:
        if condition():
            os.kill(process.pid, signal.SIGKILL)
            return process.wait() == -signal.SIGKILL
        time.sleep(0.001)
    process.wait()
    return False


def start_crawl(spider: str, corpus: Path, **options: Any) -> subprocess.Popen:
    """A test crawl running in the background, its output discarded."""
    return subprocess.Popen(
        crawl_command(spider, corpus, **options),
        cwd=ROOT,
        env=crawl_env(),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def run_crawl(
    spider: str,
    corpus: Path,
    *,
    replay_dir: Path | None = SAMPLE_PAGES,
    args: dict[str, str] | None = None,
    settings: dict[str, Any] | None = None,
    timeout: float = 300,
) -> CrawlResult:
    stats_file = corpus.parent / f"{corpus.name}-{spider}-stats.json"
    stats_file.unlink(missing_ok=True)
    settings = {"CRAWL_STATS_FILE": stats_file, "LOG_LEVEL": "INFO", **(settings or {})}
    command = crawl_command(spider, corpus, replay_dir=replay_dir, args=args, settings=settings)
    completed = subprocess.run(
        command, cwd=ROOT, capture_output=True, text=True, timeout=timeout, env=crawl_env()
    )
    stats = json.loads(stats_file.read_text()) if stats_file.exists() else {}
    return CrawlResult(completed.returncode, completed.stdout, completed.stderr, stats, corpus)


def crawl_env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    env.pop("SCRAPY_SETTINGS_MODULE", None)
    return env
