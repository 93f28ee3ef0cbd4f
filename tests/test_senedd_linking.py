"""Linking across languages, end to end: real crawls of the saved Senedd debate and of two
articles, each quoting the translation of a contribution given in the other language.

- golwg360.cymru (Welsh) quotes the Welsh translation of contribution 404211, given in
  English by the Deputy Minister;
- nation.cymru (English) quotes the English translation of contribution 404214, given in
  Welsh.

Each must link to that speech, saying which of its texts matched (``speech_language``,
``speech_text`` "translation"), with offsets that slice ``texts[speech_language]``. The
articles are crawled after the debate and, in a second corpus, before it: a link is made
when either side is stored.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from crawler.sample_corpus import SENEDD_ARTICLES
from tests.support.crawl import CrawlResult, crawl_in_process

DAY = {"since": "2022-11-08", "until": "2022-11-08"}
WELSH_ARTICLE = (
    "golwg360.cymru/newyddion/gwleidyddiaeth/"
    "addewid-i-gyn-filwyr-swyddogion-cyswllt-i-aros-tan-2025"
)
ENGLISH_ARTICLE = (
    "nation.cymru/news/plaid-calls-for-veterans-housing-plan-before-end-of-senedd-term"
)
CASES = [
    (
        WELSH_ARTICLE,
        "senedd-12920-404211",
        "cy",
        "Mae pob cyn-filwr sy’n dewis gwneud Cymru yn gartref yn haeddu croeso cynnes a’r "
        "gefnogaeth a addawyd iddynt pan oeddent yn gwasanaethu",
    ),
    (
        ENGLISH_ARTICLE,
        "senedd-12920-404214",
        "en",
        "But the Government must publish a plan to house veterans before the end of this "
        "Senedd, not just warm words",
    ),
]


def _crawls(corpus: Path, *, articles_first: bool) -> CrawlResult:
    steps = [("senedd", DAY), ("defence_news", {"urls": ",".join(SENEDD_ARTICLES)})]
    if articles_first:
        steps.reverse()
    for spider, args in steps:
        result = crawl_in_process(spider, corpus, args=args)
        assert result.returncode == 0, result.stderr[-3000:]
    return result


@pytest.fixture(scope="module", params=[False, True], ids=["debate_first", "articles_first"])
def corpus(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> CrawlResult:
    return _crawls(tmp_path_factory.mktemp("senedd-links") / "corpus", articles_first=request.param)


@pytest.mark.parametrize(("article_id", "speech_id", "language", "matched"), CASES)
def test_an_article_quoting_a_translation_links_to_the_speech(
    corpus, article_id, speech_id, language, matched
):
    links = [link for link in corpus.read("links") if link["article_id"] == article_id]
    assert [link["speech_id"] for link in links] == [speech_id]
    (link,) = links
    assert link["debate_id"] == "senedd-12920-221108-9"
    assert link["speech_language"] == language
    assert link["speech_text"] == "translation"
    assert link["kind"] == "exact"
    speech = next(
        speech
        for debate in corpus.read("debates")
        for speech in debate["speeches"]
        if speech["id"] == speech_id
    )
    assert speech["language"] != language  # the article quotes the other language
    assert speech["texts"][language][link["speech_start"] : link["speech_end"]] == matched


@pytest.mark.parametrize(("article_id", "speech_id", "language", "matched"), CASES)
def test_the_quote_is_the_articles_own_words(corpus, article_id, speech_id, language, matched):
    (article,) = [a for a in corpus.read("articles") if a["id"] == article_id]
    (link,) = [link for link in corpus.read("links") if link["article_id"] == article_id]
    assert article["text"][link["article_start"] : link["article_end"]] == link["quote"]
    assert link["quote"].startswith(matched)
