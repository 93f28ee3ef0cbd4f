"""An article copy that lacks a field: what the stored record keeps, through real crawls.

The same article is fetched twice, nine days apart. The first copy has a reader
comment dated "2 days ago" (wpDiscuz, no exact date in a tooltip); the second
has its comments closed and a publication date nobody can read. The comment
stays with the date it was resolved to against the first copy's fetch; the
unreadable date is flagged, never replaced by the one stored before.
"""

from __future__ import annotations

import json
from pathlib import Path

from tests.support.crawl import CrawlResult, crawl_in_process

HOST = "https://www.navylookout.example"
URL = f"{HOST}/hms-cromarty-returns-to-portsmouth-after-three-years-in-the-gulf/"
FIRST_SAVED = "Wed, 12 Feb 2025 08:00:00 GMT"
SECOND_SAVED = "Fri, 21 Feb 2025 08:00:00 GMT"
PARAGRAPH = (
    "<p>The minehunter sailed into Portsmouth on Tuesday morning after three years in the "
    "Gulf, where her crews rotated every four months while the hull stayed forward.</p>"
)
COMMENT = (
    '<div id="wpdcom" class="wpdiscuz_unauth wpd-default wpd-layout-1">'
    "<div class=\"wpd-thread-list\"><div id='wpd-comm-501_0' "
    "class='comment even depth-1 wpd-comment wpd_comment_level-1'>"
    '<div class="wpd-comment-wrap wpd-blog-guest"><div id="comment-501" '
    'class="wpd-comment-right"><div class="wpd-comment-header">'
    '<div class="wpd-comment-author ">Rob</div>'
    '<div class="wpd-comment-date"><i class="far fa-clock" aria-hidden="true"></i> 2 days ago'
    '</div></div><div class="wpd-comment-text"><p>Welcome home to the crew.</p></div>'
    "</div></div></div></div></div>"
)


def page(published: str, comments: str) -> str:
    title = "HMS Cromarty returns to Portsmouth"
    return (
        f'<html lang="en-GB"><head><title>{title} | Navy Lookout</title>'
        '<meta property="og:site_name" content="Navy Lookout">'
        f'<meta property="og:title" content="{title}">'
        '<meta property="og:type" content="article">'
        f'<meta property="article:published_time" content="{published}">'
        f'</head><body><article><h1>{title}</h1><p class="byline">By Jane Doe</p>'
        f"{PARAGRAPH * 5}</article>{comments}</body></html>"
    )


def replay(folder: Path, saved: str, html: str) -> Path:
    folder.mkdir(parents=True)
    (folder / "robots.txt").write_text("User-agent: *\nAllow: /\n", encoding="utf-8")
    (folder / "article.html").write_text(html, encoding="utf-8")
    entries = [
        {"url": f"{HOST}/robots.txt", "path": "robots.txt", "headers": {"Date": saved}},
        {
            "url": URL,
            "path": "article.html",
            "headers": {"Content-Type": "text/html; charset=utf-8", "Date": saved},
        },
    ]
    (folder / "manifest.jsonl").write_text(
        "".join(json.dumps(entry) + "\n" for entry in entries), encoding="utf-8"
    )
    return folder


def crawl(corpus: Path, pages: Path) -> CrawlResult:
    result = crawl_in_process(
        "defence_news",
        corpus,
        replay_dir=pages,
        args={"urls": URL},
        # The second copy is fetched whatever the first one's record says.
        settings={"LINKING_ENABLED": False, "FETCH_CONDITIONAL_ENABLED": False},
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return result


def test_a_field_the_new_copy_lacks_keeps_its_stored_value_and_a_new_raw_value_is_read(
    tmp_path: Path,
) -> None:
    corpus = tmp_path / "corpus"
    first = replay(tmp_path / "first", FIRST_SAVED, page("2025-02-11T09:30:00+00:00", COMMENT))
    crawl(corpus, first)
    [stored] = json.loads("[" + (corpus / "articles.jsonl").read_text("utf-8") + "]")
    assert stored["comments"][0]["published"] == "2025-02-10"
    assert stored["published"] == "2025-02-11T09:30:00+00:00"

    second = replay(tmp_path / "second", SECOND_SAVED, page("the day before yesterday-ish", ""))
    result = crawl(corpus, second)
    [record] = result.read("articles")
    assert result.stats["corpus/article/updated"] == 1
    # Carried over from the first copy: resolved against its fetch (12 February), not
    # against the second one's (21 February).
    assert record["comments"] == stored["comments"]
    assert record["comments"][0]["published"] == "2025-02-10"
    # Brought by the second copy and unreadable: flagged, not papered over.
    assert record["published_raw"] == "the day before yesterday-ish"
    assert record["published"] is None
    assert "published:unparsed" in record["flags"]
    assert record["fetched_at"] == "2025-02-21T08:00:00+00:00"
