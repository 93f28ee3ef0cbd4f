"""Run real crawls for tests, in this process or as ``scrapy crawl`` in a subprocess.

:func:`crawl_in_process` runs the project's spider with the project's settings
through Scrapy's engine on the one Twisted reactor of the test run (the asyncio
reactor, installed by pytest-twisted), and judges it as ``scrapy crawl`` does:
the same preconditions, the same verdict, the same one-line reason. Most tests
want this: it costs no interpreter start-up.

:func:`run_crawl` and :func:`start_crawl` run ``scrapy crawl`` in a subprocess,
for the tests that need a process of their own: its exit status as the shell
sees it, killing or interrupting it, two processes contending for the corpus
lock, a component that patches the process (``tests.support.diskfull``).
"""

from __future__ import annotations

import asyncio
import fcntl
import io
import json
import logging
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest_twisted
from scrapy.crawler import AsyncCrawlerRunner
from scrapy.settings import Settings
from scrapy.utils.defer import deferred_from_coro
from scrapy.utils.log import TopLevelFormatter
from twisted.internet.defer import Deferred

from crawler.commands.crawl import USER_ERRORS, Command, describe, unusable_folder
from crawler.corpus import lock
from crawler.corpus.store import StoreUnusableError
from crawler.normalise.dates import default_normaliser
from crawler.replay import ManifestError
from crawler.sample_corpus import SAMPLE_CRAWLS
from crawler.verdict import crawl_failure
from tests.support.corpus import BuiltCorpus, read_records
from tests.support.pages import ROOT, SAMPLE_PAGES


@dataclass
class CrawlResult:
    """What a test reads of a finished crawl.

    ``returncode`` is the exit status ``scrapy crawl`` gives (0, 1 or 2);
    ``stderr`` the log at the crawl's ``LOG_LEVEL`` followed, when the crawl
    failed, by the command's ``scrapy crawl: <reason>`` line; ``stats`` the final
    stats as the command writes them to ``CRAWL_STATS_FILE``; ``log`` the log
    records themselves (in-process crawls only).
    """

    returncode: int
    stdout: str
    stderr: str
    stats: dict[str, Any]
    corpus: Path
    log: list[logging.LogRecord] = field(default_factory=list)

    def read(self, name: str) -> list[dict[str, Any]]:
        return read_records(self.corpus, name)


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


# --------------------------------------------------------------------- in this process
def crawl_settings(
    corpus: Path,
    *,
    replay_dir: Path | None = SAMPLE_PAGES,
    settings: dict[str, Any] | None = None,
) -> Settings:
    """The project's settings with a test crawl's ``-s`` options, as ``scrapy crawl`` has them."""
    project = Settings()
    project.setmodule("crawler.settings", priority="project")
    options: dict[str, Any] = {"CORPUS_DIR": str(corpus), "LOG_LEVEL": "INFO"}
    if replay_dir is not None:
        options["REPLAY_DIR"] = str(replay_dir)
    options.update({name: str(value) for name, value in (settings or {}).items()})
    project.setdict(options, priority="cmdline")
    return project


def crawl_in_process(
    spider: str,
    corpus: Path,
    *,
    replay_dir: Path | None = SAMPLE_PAGES,
    args: dict[str, str] | None = None,
    settings: dict[str, Any] | None = None,
) -> CrawlResult:
    """Run ``spider`` into ``corpus`` through Scrapy's engine in this process.

    Takes the same options as :func:`run_crawl` (settings are given as ``-s``
    would give them, as text) and returns the same result; blocks until the
    crawl has finished. Needs the reactor pytest-twisted runs (``--reactor=asyncio``).
    """
    project = crawl_settings(corpus, replay_dir=replay_dir, settings=settings)
    forget_earlier_crawls()
    with captured_log(project) as (stream, records):
        returncode, reason, stats = wait_on_reactor(
            deferred_from_coro(_crawl(spider, project, dict(args or {})))
        )
    assert_lock_released(corpus)
    stderr = stream.getvalue()
    if reason:
        stderr += f"scrapy crawl: {reason}\n"
    return CrawlResult(returncode, "", stderr, stats, corpus, records)


def forget_earlier_crawls() -> None:
    """Start a crawl with the caches a new ``scrapy crawl`` process starts with.

    The date normaliser of the process keeps the strings it has read; a crawl
    counts its hits and misses (``corpus/date/cache_*``), which must not depend
    on the crawls a test ran before. Caches of data files stay: they hold the
    same whichever crawl filled them.
    """
    default_normaliser.cache_clear()


class _ReactorLoop:
    """The asyncio loop the reactor runs, while the reactor's greenlet is switched out."""

    loop: asyncio.AbstractEventLoop | None = None


def wait_on_reactor(deferred: Deferred[Any]) -> Any:
    """The result of ``deferred``, waited for outside the reactor (pytest-twisted's ``blockon``).

    asyncio marks one running loop per thread, not per greenlet: the reactor's
    loop is marked running only while the reactor's greenlet runs, and whatever
    the test had marked (Playwright's sync API runs its own loop in a greenlet
    too) is put back when the crawl is over.
    """
    outside = asyncio._get_running_loop()
    asyncio._set_running_loop(_ReactorLoop.loop)  # None until the reactor first runs
    try:
        return pytest_twisted.blockon(deferred)
    finally:
        _ReactorLoop.loop = asyncio._get_running_loop() or _ReactorLoop.loop
        asyncio._set_running_loop(outside)


def assert_lock_released(corpus: Path) -> None:
    """Fail when a finished crawl still holds ``corpus``'s lock.

    A process that exits drops its locks; a crawl in the test process must give
    its lock back itself, or the next crawl of the folder would be let in (the
    lock is re-entrant within a process) or locked out.
    """
    path = corpus / ".lock"
    if not path.exists():
        return
    # flock() locks belong to an open file: a second one conflicts even in this process.
    with path.open("a", encoding="utf-8") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise AssertionError(f"the crawl left the corpus lock {path} held") from None
        fcntl.flock(handle, fcntl.LOCK_UN)


async def _crawl(
    spider: str, settings: Settings, args: dict[str, str]
) -> tuple[int, str | None, dict[str, Any]]:
    """One crawl as :class:`crawler.commands.crawl.Command` runs it: ``(status, reason, stats)``."""
    command = Command()
    command.settings = settings
    try:
        held = command.check_preconditions()
    except (lock.CorpusLockedError, ManifestError, StoreUnusableError) as error:
        return 2, str(error), {}
    except OSError as error:
        return 2, unusable_folder(settings.get("CORPUS_DIR"), error), {}
    try:
        runner = AsyncCrawlerRunner(settings)
        try:
            crawler = runner.create_crawler(spider)
        except KeyError:
            names = ", ".join(sorted(runner.spider_loader.list()))
            return 2, f"no spider named {spider!r} (spiders: {names})", {}
        try:
            await runner.crawl(crawler, **args)
        except USER_ERRORS as error:
            return 2, str(error), {}
        except Exception as error:
            logging.getLogger("crawler.commands.crawl").error(
                "The crawl could not start", exc_info=error
            )
            return 1, f"the crawl could not start: {describe(error)}", {}
    finally:
        if held is not None:
            lock.release(held)
    # As the command writes them to CRAWL_STATS_FILE: values JSON can hold, the rest as text.
    stats = json.loads(json.dumps(crawler.stats.get_stats(), default=str))
    stats_file = settings.get("CRAWL_STATS_FILE")
    if stats_file:
        Path(stats_file).write_text(json.dumps(stats, indent=1, sort_keys=True), "utf-8")
    failure = crawl_failure(stats, lost_tolerated=settings.getint("CRAWL_LOST_PAGES_TOLERATED"))
    return (1 if failure else 0), failure, stats


class _RecordKeeper(logging.Handler):
    def __init__(self, records: list[logging.LogRecord]):
        super().__init__(logging.DEBUG)
        self.records = records

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@contextmanager
def captured_log(
    settings: Settings,
) -> Iterator[tuple[io.StringIO, list[logging.LogRecord]]]:
    """The crawl's log, formatted as ``scrapy crawl`` prints it on stderr, and its records.

    The root logger lets every record through while the crawl runs (handlers
    filter by level, Scrapy's log counter included) and is put back afterwards.
    """
    stream = io.StringIO()
    printed = logging.StreamHandler(stream)
    printed.setFormatter(
        logging.Formatter(settings.get("LOG_FORMAT"), settings.get("LOG_DATEFORMAT"))
    )
    printed.setLevel(settings.get("LOG_LEVEL"))
    if settings.getbool("LOG_SHORT_NAMES"):
        printed.addFilter(TopLevelFormatter(["scrapy"]))
    records: list[logging.LogRecord] = []
    kept = _RecordKeeper(records)
    kept.setLevel(settings.get("LOG_LEVEL"))
    root = logging.getLogger()
    level = root.level
    root.addHandler(printed)
    root.addHandler(kept)
    root.setLevel(logging.NOTSET)
    try:
        yield stream, records
    finally:
        root.removeHandler(printed)
        root.removeHandler(kept)
        root.setLevel(level)


def build_corpus(
    folder: Path,
    replay_dir: Path = SAMPLE_PAGES,
    *,
    crawl: Callable[..., CrawlResult] = crawl_in_process,
    **settings: str,
) -> BuiltCorpus:
    """Run every crawl of the sample corpus build, in order, into ``folder``.

    ``crawl`` runs each one: in this process unless a test needs :func:`run_crawl`.
    """
    crawls = [
        crawl(spider, folder, replay_dir=replay_dir, args=arguments, settings=settings)
        for spider, arguments in SAMPLE_CRAWLS
    ]
    return BuiltCorpus(folder, crawls)
