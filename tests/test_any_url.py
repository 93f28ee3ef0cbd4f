"""``-a urls=`` end to end: any host's article, pages that are no article, responses not HTML.

Each crawl replays a folder the test writes (manifest.jsonl and pages written
for the case), so nothing is sent to the network.
"""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest

from tests.support.crawl import CrawlResult, crawl_in_process

SAVED = "Wed, 12 Feb 2025 08:00:00 GMT"
UNCONFIGURED = "https://www.navylookout.example"
ARTICLE_URL = f"{UNCONFIGURED}/hms-cromarty-returns-to-portsmouth-after-three-years-in-the-gulf/"
CONTACT_URL = f"{UNCONFIGURED}/contact/"
OUTLET = "https://www.shipsmonthly.example"
SITEMAP_URL = f"{OUTLET}/sitemap-posts.xml.gz"
LISTED_URL = f"{OUTLET}/news/type-31-frigate-venturer-floated-out-at-rosyth/"
LISTED_PDF_URL = f"{OUTLET}/files/fleet-review-programme.pdf"
REQUESTED_PDF_URL = f"{OUTLET}/files/annual-report.pdf"
BROKEN_GZIP_URL = f"{OUTLET}/sitemap-pages.xml.gz"
HUGE_GZIP_URL = f"{OUTLET}/sitemap-archive.xml.gz"

PARAGRAPH = (
    "<p>The minehunter sailed into Portsmouth on Tuesday morning after three years in the "
    "Gulf, where her crews rotated every four months while the hull stayed forward.</p>"
)


def article_page(title: str, site: str | None, lang: str = "en-GB") -> str:
    """An article page with a paragraph of its own: pages with the same text are one article."""
    site_meta = f'<meta property="og:site_name" content="{site}">' if site else ""
    return (
        f'<html lang="{lang}"><head><title>{title} | {site or "x"}</title>{site_meta}'
        f'<meta property="og:title" content="{title}">'
        '<meta property="og:type" content="website">'
        '<meta property="article:published_time" content="2025-02-11T09:30:00+00:00">'
        f'</head><body><article><h1>{title}</h1><p class="byline">By Jane Doe, {site}</p>'
        f"<p>{title}, {site} reports.</p>{PARAGRAPH * 5}</article></body></html>"
    )


SITEMAP = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
    f"<url><loc>{LISTED_URL}</loc></url><url><loc>{LISTED_PDF_URL}</loc></url></urlset>"
)


def write_replay(folder: Path) -> Path:
    """A replay folder: one unconfigured host, one configured outlet with a gzipped sitemap."""
    entries: list[dict] = []

    def save(url: str, name: str, body: bytes, content_type: str) -> None:
        (folder / name).write_bytes(body)
        entries.append(
            {"url": url, "path": name, "headers": {"Content-Type": content_type, "Date": SAVED}}
        )

    html = "text/html; charset=utf-8"
    robots = b"User-agent: *\nAllow: /\n"
    for host, key in ((UNCONFIGURED, "lookout"), (OUTLET, "monthly")):
        save(f"{host}/robots.txt", f"{key}-robots.txt", robots, "text/plain")
    save(
        ARTICLE_URL,
        "article.html",
        article_page("HMS Cromarty returns to Portsmouth", "Navy Lookout").encode(),
        html,
    )
    save(
        CONTACT_URL,
        "contact.html",
        b"<html><head><title>Contact</title></head><body><h1>Contact us</h1>"
        b"<p>Write to the editor.</p></body></html>",
        html,
    )
    save(SITEMAP_URL, "sitemap.xml.gz", gzip.compress(SITEMAP.encode()), "application/x-gzip")
    save(
        LISTED_URL,
        "listed.html",
        article_page("Type 31 frigate Venturer floated out", "Ships Monthly").encode(),
        html,
    )
    pdf = b"%PDF-1.7\n1 0 obj <<>> endobj\n%%EOF\n"
    save(LISTED_PDF_URL, "listed.pdf", pdf, "application/pdf")
    save(REQUESTED_PDF_URL, "requested.pdf", pdf, "application/pdf")
    # Unpacks to more than DOWNLOAD_MAXSIZE (16 MiB), from a few kilobytes.
    huge = gzip.compress(b"<?xml version='1.0'?><urlset>" + b" " * (17 * 1024 * 1024))
    save(HUGE_GZIP_URL, "huge.xml.gz", huge, "application/x-gzip")
    # A gzip header and nothing a gzip reader can unpack.
    save(BROKEN_GZIP_URL, "broken.xml.gz", b"\x1f\x8b\x08\x00" + b"\xff" * 40, "application/x-gzip")
    (folder / "manifest.jsonl").write_text(
        "".join(json.dumps(entry) + "\n" for entry in entries), encoding="utf-8"
    )
    return folder


@pytest.fixture(scope="module")
def replay(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    folder = write_replay(tmp_path_factory.mktemp("replay"))
    outlets = folder.parent / "outlets.json"
    outlets.write_text(
        json.dumps(
            {
                "outlets": [
                    {
                        "key": "monthly",
                        "name": "Ships Monthly",
                        "allowed_domains": ["shipsmonthly.example"],
                    }
                ]
            }
        ),
        encoding="utf-8",
    )
    return folder, outlets


def crawl(replay: tuple[Path, Path], corpus: Path, *urls: str) -> CrawlResult:
    folder, outlets = replay
    return crawl_in_process(
        "defence_news",
        corpus,
        replay_dir=folder,
        args={"urls": ",".join(urls)},
        settings={"NEWS_OUTLETS_FILE": outlets, "LINKING_ENABLED": False},
    )


@pytest.fixture(scope="module")
def good_crawl(replay, tmp_path_factory) -> CrawlResult:
    return crawl(replay, tmp_path_factory.mktemp("good") / "corpus", ARTICLE_URL, SITEMAP_URL)


@pytest.fixture(scope="module")
def failed_crawl(replay, tmp_path_factory) -> CrawlResult:
    return crawl(
        replay,
        tmp_path_factory.mktemp("bad") / "corpus",
        CONTACT_URL,
        REQUESTED_PDF_URL,
        BROKEN_GZIP_URL,
        HUGE_GZIP_URL,
    )


def test_article_on_an_unconfigured_host_gives_a_record_named_after_its_site(good_crawl):
    records = {record["url"]: record for record in good_crawl.read("articles")}
    record = records[ARTICLE_URL]
    assert record["site"] == "Navy Lookout"
    assert record["title"] == "HMS Cromarty returns to Portsmouth"
    assert record["authors"] == ["Jane Doe"]
    assert record["language"] == "en"
    assert record["published"].startswith("2025-02-11T09:30")


def test_gzipped_sitemap_is_unpacked_and_its_article_read(good_crawl):
    records = {record["url"]: record for record in good_crawl.read("articles")}
    assert records[LISTED_URL]["site"] == "Ships Monthly"
    assert good_crawl.stats["corpus/news/page/gunzipped"] == 1


def test_pdf_linked_from_a_sitemap_is_skipped_and_counted_without_failing(good_crawl):
    assert good_crawl.returncode == 0, good_crawl.stderr[-2000:]
    assert good_crawl.stats["corpus/news/page/not_html"] == 1
    assert f"Not an HTML page (Content-Type application/pdf), skipped: {LISTED_PDF_URL}" in (
        good_crawl.stderr
    )


def test_requested_page_that_is_no_article_fails_the_crawl_with_its_reason(failed_crawl):
    assert failed_crawl.returncode == 1
    assert failed_crawl.read("articles") == []
    assert (
        f"Page lost (not_article: not an article, feed, sitemap or listing): {CONTACT_URL}"
        in failed_crawl.stderr
    )
    assert failed_crawl.stats["corpus/lost/not_article"] == 1


def test_requested_url_that_is_not_html_is_a_lost_page(failed_crawl):
    assert (
        f"Page lost (not_html: Content-Type application/pdf): {REQUESTED_PDF_URL}"
        in failed_crawl.stderr
    )
    assert failed_crawl.stats["corpus/lost/not_html"] == 1
    assert "Traceback" not in failed_crawl.stderr


def test_gzip_that_is_broken_or_too_big_is_a_lost_page_not_a_crash(failed_crawl):
    assert f"unreadable_gzip: {BROKEN_GZIP_URL}" in failed_crawl.stats["corpus/lost_pages"]
    assert f"unreadable_gzip: {HUGE_GZIP_URL}" in failed_crawl.stats["corpus/lost_pages"]
    assert failed_crawl.stats["corpus/lost/unreadable_gzip"] == 2
    assert "Traceback" not in failed_crawl.stderr
