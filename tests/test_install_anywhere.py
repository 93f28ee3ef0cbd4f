"""The crawler installed as a zipped egg, run outside the checkout and deployed to Scrapyd.

The egg is built from a copy of the project's sources with setuptools'
``bdist_egg`` (offline: no build dependencies are fetched). It is a
non-editable install in its hardest form: a zip archive, so packaged files
must be read through importlib.resources, the version comes from the egg's
metadata, and there is no ``scrapy.cfg`` anywhere near the working folder.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

from tests.support.pages import SAMPLE_PAGES
from tests.test_export import ROOT

SOURCES = ("crawler", "pipelines", "pyproject.toml", "README.md")
SINCE, UNTIL = "2025-02-01", "2025-02-28"


@pytest.fixture(scope="module")
def egg(tmp_path_factory: pytest.TempPathFactory) -> Path:
    source = tmp_path_factory.mktemp("source")
    for name in SOURCES:
        if (ROOT / name).is_dir():
            ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
            shutil.copytree(ROOT / name, source / name, ignore=ignore)
        else:
            shutil.copy2(ROOT / name, source / name)
    eggs = tmp_path_factory.mktemp("eggs")
    setup = "from setuptools import setup; setup()"
    built = subprocess.run(
        [sys.executable, "-c", setup, "-q", "bdist_egg", "--dist-dir", str(eggs)],
        cwd=source,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert built.returncode == 0, built.stderr
    (path,) = eggs.glob("*.egg")
    return path


def run_from(egg: Path, folder: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """``python -m crawler.cli …`` with only the egg to import the crawler from."""
    environment = {**os.environ, "PYTHONPATH": str(egg)}
    environment.pop("SCRAPY_SETTINGS_MODULE", None)
    return subprocess.run(
        [sys.executable, *args],
        cwd=folder,
        env=environment,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_the_egg_ships_data_files_schemas_and_the_settings_entry_point(egg):
    import zipfile

    names = set(zipfile.ZipFile(egg).namelist())
    for packaged in (
        "crawler/data/parties.csv",
        "crawler/data/date_words.json",
        "crawler/data/twfy.json",
        "crawler/outlets.json",
        "crawler/schemas/article.schema.json",
        "crawler/export/card.md",
        "crawler/export/browser/browser.js",
    ):
        assert packaged in names, packaged
    entry_points = zipfile.ZipFile(egg).read("EGG-INFO/entry_points.txt").decode()
    assert "[scrapy]\nsettings = crawler.settings" in entry_points


def test_the_installed_crawler_crawls_and_exports_outside_the_checkout(egg, tmp_path):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    where = run_from(egg, elsewhere, "-c", "import crawler; print(crawler.__file__)")
    assert where.stdout.startswith(str(egg)), where.stdout + where.stderr
    crawl = run_from(
        egg,
        elsewhere,
        *("-m", "crawler.cli", "crawl", "defence_news"),
        *("-s", f"REPLAY_DIR={SAMPLE_PAGES}", "-s", "CORPUS_DIR=corpus"),
        *("-a", f"since={SINCE}", "-a", f"until={UNTIL}", "-s", "LOG_LEVEL=WARNING"),
    )
    assert crawl.returncode == 0, crawl.stderr[-2000:]
    articles = (elsewhere / "corpus" / "articles.jsonl").read_text(encoding="utf-8").splitlines()
    assert len(articles) >= 5
    exported = run_from(
        egg, elsewhere, "-m", "crawler.cli", "export", "out", "-s", "CORPUS_DIR=corpus"
    )
    assert exported.returncode == 0, exported.stderr
    card = (elsewhere / "out" / "README.md").read_text(encoding="utf-8")
    assert "Made by the crawler defence-hansard-corpus 0.1.0." in card
    shipped = (ROOT / "crawler" / "schemas" / "article.schema.json").read_bytes()
    assert (elsewhere / "out" / "article.schema.json").read_bytes() == shipped
    assert not list(elsewhere.glob("scrapy.cfg"))


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def scrapyd(tmp_path):
    """A Scrapyd server on 127.0.0.1, in a folder of its own; yields its base URL."""
    folder = tmp_path / "scrapyd"
    folder.mkdir()
    port = free_port()
    (folder / "scrapyd.conf").write_text(
        "[scrapyd]\n"
        f"bind_address = 127.0.0.1\nhttp_port = {port}\n"
        "eggs_dir = eggs\nlogs_dir = logs\nitems_dir =\ndbs_dir = dbs\n"
        "max_proc = 1\npoll_interval = 0.2\n",
        encoding="utf-8",
    )
    environment = {key: value for key, value in os.environ.items() if key != "PYTHONPATH"}
    environment.pop("SCRAPY_SETTINGS_MODULE", None)
    server = subprocess.Popen(
        [sys.executable, "-m", "scrapyd"],
        cwd=folder,
        env=environment,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if requests.get(f"{url}/daemonstatus.json", timeout=2).ok:
                    break
            except requests.ConnectionError:
                pass
            assert server.poll() is None, "scrapyd exited"
            assert time.monotonic() < deadline, "scrapyd did not start"
            time.sleep(0.3)
        yield url, folder
    finally:
        server.terminate()
        server.wait(timeout=30)


def test_an_egg_deployed_to_scrapyd_crawls(egg, scrapyd, tmp_path):
    url, folder = scrapyd
    with egg.open("rb") as handle:
        deployed = requests.post(
            f"{url}/addversion.json",
            data={"project": "corpus", "version": "r1"},
            files={"egg": (egg.name, handle)},
            timeout=60,
        ).json()
    assert deployed["status"] == "ok", deployed
    assert deployed["spiders"] == 3  # defence_news, hansard, hansard_api
    corpus = tmp_path / "corpus"
    scheduled = requests.post(
        f"{url}/schedule.json",
        data={
            "project": "corpus",
            "spider": "defence_news",
            "setting": [f"REPLAY_DIR={SAMPLE_PAGES}", f"CORPUS_DIR={corpus}"],
            "since": SINCE,
            "until": UNTIL,
        },
        timeout=30,
    ).json()
    assert scheduled["status"] == "ok", scheduled
    job = scheduled["jobid"]
    deadline = time.monotonic() + 240
    while True:
        jobs = requests.get(f"{url}/listjobs.json", params={"project": "corpus"}, timeout=10)
        if any(entry["id"] == job for entry in jobs.json()["finished"]):
            break
        assert time.monotonic() < deadline, f"the crawl did not finish: {jobs.text}"
        time.sleep(0.5)
    log = (folder / "logs" / "corpus" / "defence_news" / f"{job}.log").read_text(encoding="utf-8")
    assert "(bot: defence-hansard-corpus)" in log
    assert "Spider closed (finished)" in log
    assert " ERROR: " not in log, log[-2000:]
    articles = [
        json.loads(line)
        for line in (corpus / "articles.jsonl").read_text(encoding="utf-8").splitlines()
    ]
    assert len(articles) >= 5
