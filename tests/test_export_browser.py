"""The HTML link browser, opened from the folder in a real headless Chromium.

Chromium comes from the system's packages. When it is missing and apt can
install it (as root, as on CI), the session fixture installs Debian's
``chromium`` package; the tests are skipped, saying why, only where no browser
can be installed at all. Screenshots of the index, an article page and the
summary are written to ``$BROWSER_SCREENSHOTS`` (default: a temporary folder
the test prints) for review.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections import Counter
from pathlib import Path

import pytest

from crawler.corpus.store import CorpusStore
from crawler.export import ExportOptions, export
from tests.test_export import LINKS, build_corpus, read_jsonl

BROWSER_NAMES = ("chromium", "chromium-browser")


def find_chromium() -> str | None:
    return next((path for name in BROWSER_NAMES if (path := shutil.which(name))), None)


def install_chromium() -> str:
    """Debian's chromium through apt; returns why it could not be installed, else ''."""
    if shutil.which("apt-get") is None:
        return "apt-get is not available"
    if os.geteuid() != 0:
        return "installing packages needs root"
    environment = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    for command in (
        ["apt-get", "update", "-q"],
        ["apt-get", "install", "-y", "-q", "--no-install-recommends", "chromium"],
    ):
        completed = subprocess.run(
            command, env=environment, capture_output=True, text=True, timeout=1800
        )
        if completed.returncode != 0:
            return f"{' '.join(command)} failed: {completed.stderr.strip()[-300:]}"
    return ""


@pytest.fixture(scope="session")
def chromium() -> str:
    path = find_chromium()
    if path is None:
        reason = install_chromium()
        path = find_chromium()
        if path is None:
            pytest.skip(
                "no Chromium to run the link browser in, and it could not be installed "
                f"({reason or 'the chromium package installed no browser'}); "
                "install the system's chromium package to run these tests"
            )
    return path


# One module's browser: Playwright's sync API runs its own asyncio loop in a
# greenlet, as pytest-twisted runs the reactor's; the crawls of other modules
# run while no browser is open, and the sample corpus is built before this one is.
@pytest.fixture(scope="module")
def browser(chromium: str):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=chromium, args=["--no-sandbox"])
        yield launched
        launched.close()


@pytest.fixture(scope="session")
def screenshots(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = Path(os.environ.get("BROWSER_SCREENSHOTS") or tmp_path_factory.mktemp("screens"))
    folder.mkdir(parents=True, exist_ok=True)
    return folder


class Page:
    """A browser tab that records console errors and uncaught exceptions."""

    def __init__(self, browser) -> None:
        self.tab = browser.new_page(viewport={"width": 1300, "height": 900})
        self.errors: list[str] = []
        self.tab.on(
            "console",
            lambda message: self.errors.append(message.text) if message.type == "error" else None,
        )
        self.tab.on("pageerror", lambda error: self.errors.append(str(error)))
        self.requests: list[str] = []
        self.tab.on("request", lambda request: self.requests.append(request.url))

    def open(self, path: Path) -> None:
        self.tab.goto(path.as_uri())
        self.tab.wait_for_load_state("load")


def highlighted_links(tab) -> set[str]:
    """Link numbers of every highlighted quote on an article page."""
    numbers = tab.eval_on_selector_all(
        "mark.quote", "marks => marks.map(mark => mark.dataset.links)"
    )
    return {number for value in numbers for number in value.split()}


def check_site(browser, folder: Path, screenshots: Path, prefix: str) -> int:
    """Open every page of the browser in ``folder``; returns the links highlighted."""
    links = Counter(link["article_id"] for link in read_jsonl(folder / "links.jsonl"))
    articles = read_jsonl(folder / "articles.jsonl")
    page = Page(browser)
    page.open(folder / "index.html")
    assert page.tab.locator("#articles tbody tr").count() == len(articles)
    page.tab.screenshot(path=screenshots / f"{prefix}-index.png", full_page=True)
    highlighted = 0
    most_linked = max(articles, key=lambda article: (links[article["id"]], article["id"]))
    for row in range(len(articles)):
        page.open(folder / "index.html")
        page.tab.locator("#articles tbody tr a").nth(row).click()
        page.tab.wait_for_load_state("load")
        title = page.tab.locator("h1").inner_text()
        article = next(a for a in articles if (a.get("title") or a["id"]) == title)
        shown = highlighted_links(page.tab)
        assert len(shown) == links[article["id"]], title
        assert page.tab.locator("aside section.link").count() == links[article["id"]], title
        highlighted += len(shown)
        if article is most_linked:
            page.tab.screenshot(path=screenshots / f"{prefix}-article.png", full_page=True)
    page.open(folder / "summary.html")
    assert page.tab.locator("figure svg").count() == 4
    page.tab.screenshot(path=screenshots / f"{prefix}-summary.png", full_page=True)
    assert page.errors == []
    assert all(url.startswith("file://") or url.startswith("data:") for url in page.requests)
    print(f"screenshots in {screenshots}")
    return highlighted


def test_the_link_browser_of_the_sample_corpus_highlights_every_link_with_no_error(
    sample_corpus, browser, tmp_path, screenshots
):
    folder = tmp_path / "browser"
    export(sample_corpus.folder, folder, ExportOptions(format="html"))
    links = read_jsonl(folder / "links.jsonl")
    assert links, "the sample corpus should hold links"
    assert check_site(browser, folder, screenshots, "sample") == len(links)


def test_without_article_text_every_quote_is_still_highlighted(browser, tmp_path, screenshots):
    corpus = build_corpus(tmp_path / "corpus")
    folder = tmp_path / "browser"
    export(corpus, folder, ExportOptions(format="html", shareable=True))
    assert check_site(browser, folder, screenshots, "shareable") == 2
    assert "Healey and Hegseth" not in (folder / "index.html").read_text(encoding="utf-8")


def test_the_index_filters_by_words_and_site_and_sorts_by_links(browser, tmp_path):
    corpus = build_corpus(tmp_path / "corpus")
    folder = tmp_path / "browser"
    export(corpus, folder, ExportOptions(format="html"))
    page = Page(browser)
    page.open(folder / "index.html")
    tab = page.tab
    tab.fill("#filter-words", "frigate")
    assert tab.locator("#articles tbody tr:visible").count() == 1
    assert tab.locator("#shown").inner_text() == "1"
    tab.fill("#filter-words", "")
    tab.select_option("#filter-site", "Navy Lookout")
    assert tab.locator("#articles tbody tr:visible").count() == 1
    tab.select_option("#filter-site", "")
    tab.click("th.number")
    tab.click("th.number")  # descending
    counts = tab.eval_on_selector_all(
        "#articles tbody td.number", "cells => cells.map(c => c.textContent)"
    )
    assert counts == sorted(counts, key=int, reverse=True)
    assert page.errors == []


def test_a_fuzzy_link_shows_the_words_the_press_changed(browser, tmp_path):
    corpus = build_corpus(tmp_path / "corpus")
    store = CorpusStore(corpus)
    # The outlet printed "vessels" where the speech said "ships".
    store.replace_links(
        article_id=LINKS[1]["article_id"],
        links=[{**LINKS[1], "quote": "will the amphibious vessels be replaced"}],
    )
    store.close()
    folder = tmp_path / "browser"
    export(corpus, folder, ExportOptions(format="html"))
    page = Page(browser)
    page.open(folder / "index.html")
    page.tab.click("text=Lords question the future of the amphibious fleet")
    fuzzy = page.tab.locator("section.link.fuzzy")
    assert fuzzy.count() == 1
    assert "Lord West of Spithead" in fuzzy.locator("h2").inner_text()
    assert fuzzy.locator("mark.matched").inner_text() == "will the amphibious ships be replaced"
    assert fuzzy.locator(".changes del").all_inner_texts() == ["ships"]
    assert fuzzy.locator(".changes ins").all_inner_texts() == ["vessels"]
    assert page.errors == []
