"""Linking across languages: a speech with a text per language links whichever the
article quotes, and the link says which text it matched.

The speeches are written for the case, in the shape of the Senedd's record: one
given in English with its Welsh translation, one given in Welsh with its English
translation.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import pytest

from crawler.corpus.store import CorpusStore
from crawler.linking.index import LinkIndex
from crawler.linking.linker import debate_speeches, link_article, link_debate
from tests.support.crawl import crawl_in_process
from tests.support.pages import write_replay

EN_SPOKEN = (
    "The Armed Forces in Wales deserve our full support, and this Government will keep "
    "investing in the bases at Brecon and St Athan."
)
CY_TRANSLATION = (
    "Mae'r Lluoedd Arfog yng Nghymru yn haeddu ein cefnogaeth lawn, a bydd y Llywodraeth "
    "hon yn parhau i fuddsoddi yn y canolfannau yn Aberhonddu a Sain Tathan."
)
CY_SPOKEN = (
    "Rhaid i ni sicrhau bod cyn-filwyr sy'n byw yng Nghymru yn cael tai addas a gofal "
    "iechyd meddwl heb aros misoedd am apwyntiad."
)
EN_TRANSLATION = (
    "We must ensure that veterans living in Wales receive suitable housing and mental "
    "health care without waiting months for an appointment."
)
DEBATE_ID = "senedd.2025-02-11.1.0"
SPOKEN_IN_ENGLISH = "senedd.2025-02-11.1.1"
SPOKEN_IN_WELSH = "senedd.2025-02-11.1.2"


def senedd_debate() -> dict[str, Any]:
    return {
        "id": DEBATE_ID,
        "date": "2025-02-11",
        "title": "Questions to the First Minister",
        "url": "https://record.senedd.example/Plenary/2025-02-11",
        "speeches": [
            {
                "id": SPOKEN_IN_ENGLISH,
                "speaker_name": "Eluned Morgan",
                "language": "en",
                "text": EN_SPOKEN,
                "texts": {"en": EN_SPOKEN, "cy": CY_TRANSLATION},
            },
            {
                "id": SPOKEN_IN_WELSH,
                "speaker_name": "Llyr Gruffydd",
                "language": "cy",
                "text": CY_SPOKEN,
                "texts": {"cy": CY_SPOKEN, "en": EN_TRANSLATION},
            },
        ],
    }


def article(article_id: str, text: str) -> dict[str, Any]:
    return {"id": article_id, "text": text, "published": "2025-02-12T08:00:00+00:00"}


WELSH_ARTICLE = article(
    "golwg.example/lluoedd-arfog",
    "Mae'r Prif Weinidog wedi amddiffyn cynlluniau'r llywodraeth.\n\n"
    f"Dywedodd hi yn y Senedd ddydd Mawrth: “{CY_TRANSLATION}”",
)
ENGLISH_ARTICLE = article(
    "news.example/veterans-housing",
    "A Plaid Cymru member pressed ministers on veterans' care.\n\n"
    f"He told the Senedd on Tuesday: “{EN_TRANSLATION}”",
)
ORIGINAL_ARTICLE = article(
    "news.example/bases",
    f"The First Minister defended the plans. She told the Senedd: “{EN_SPOKEN}”",
)


@pytest.fixture
def index() -> LinkIndex:
    index = LinkIndex(sqlite3.connect(":memory:", isolation_level=None))
    index.replace_debate(DEBATE_ID, debate_speeches(senedd_debate()))
    return index


def matched_words(link: Any, debate: dict[str, Any]) -> str:
    speech = next(s for s in debate["speeches"] if s["id"] == link.speech_id)
    return speech["texts"][link.speech_language][link.speech_start : link.speech_end]


def test_every_text_of_a_speech_is_indexed(index: LinkIndex) -> None:
    for passage in (EN_SPOKEN, CY_TRANSLATION, CY_SPOKEN, EN_TRANSLATION):
        found = index.speech_candidates(passage, "2025-02-12", 30)
        assert found and found[0].speech.texts


def test_a_welsh_article_quoting_the_translation_of_an_english_speech_links_to_it(
    index: LinkIndex,
) -> None:
    [link] = link_article(WELSH_ARTICLE, index)
    assert link.speech_id == SPOKEN_IN_ENGLISH
    assert (link.speech_language, link.speech_text) == ("cy", "translation")
    assert matched_words(link, senedd_debate()).startswith("Mae'r Lluoedd Arfog")
    assert matched_words(link, senedd_debate()).rstrip(".") == link.quote.rstrip(".")


def test_an_english_article_quoting_the_translation_of_a_welsh_speech_links_to_it(
    index: LinkIndex,
) -> None:
    [link] = link_article(ENGLISH_ARTICLE, index)
    assert link.speech_id == SPOKEN_IN_WELSH
    assert (link.speech_language, link.speech_text) == ("en", "translation")
    assert matched_words(link, senedd_debate()).startswith("We must ensure")


def test_a_quotation_of_the_words_as_spoken_is_marked_original(index: LinkIndex) -> None:
    [link] = link_article(ORIGINAL_ARTICLE, index)
    assert link.speech_id == SPOKEN_IN_ENGLISH
    assert (link.speech_language, link.speech_text) == ("en", "original")


def test_a_speech_with_one_text_links_as_before() -> None:
    debate = {
        "id": "2025-02-10a.1.0",
        "date": "2025-02-10",
        "speeches": [{"id": "2025-02-10a.1.1", "speaker_name": "Eluned Morgan", "text": EN_SPOKEN}],
    }
    index = LinkIndex(sqlite3.connect(":memory:"))
    index.replace_debate(debate["id"], debate_speeches(debate))
    [link] = link_article(ORIGINAL_ARTICLE, index)
    assert (link.speech_language, link.speech_text) == (None, "original")
    assert EN_SPOKEN[link.speech_start : link.speech_end].rstrip(".") == link.quote.rstrip(".")


def test_links_across_languages_are_the_same_whichever_record_came_first() -> None:
    articles = {a["id"]: a for a in (WELSH_ARTICLE, ENGLISH_ARTICLE, ORIGINAL_ARTICLE)}
    article_first = LinkIndex(sqlite3.connect(":memory:"))
    for a in articles.values():
        assert link_article(a, article_first) == []
    from_debate = link_debate(senedd_debate(), article_first, load_article=articles.get)
    debate_first = LinkIndex(sqlite3.connect(":memory:"))
    debate_first.replace_debate(DEBATE_ID, debate_speeches(senedd_debate()))
    from_articles = [link for a in articles.values() for link in link_article(a, debate_first)]
    assert sorted(from_debate, key=lambda link: link.id) == sorted(
        from_articles, key=lambda link: link.id
    )
    assert {(link.speech_language, link.speech_text) for link in from_debate} == {
        ("cy", "translation"),
        ("en", "translation"),
        ("en", "original"),
    }


def test_the_store_index_reads_each_language_from_the_stored_debate(tmp_path: Path) -> None:
    store = CorpusStore(tmp_path)
    try:
        record = senedd_debate()
        store.put_debate(record, family=DEBATE_ID)
        index = store.link_index()
        index.replace_debate(DEBATE_ID, debate_speeches(record))
        assert not store._conn.execute(
            "SELECT name FROM sqlite_master WHERE name = 'link_speech_text'"
        ).fetchall()
        [link] = link_article(WELSH_ARTICLE, index)
        assert (link.speech_id, link.speech_language) == (SPOKEN_IN_ENGLISH, "cy")
        speech = index.speech(SPOKEN_IN_WELSH)
        assert speech is not None and speech.texts == {"cy": CY_SPOKEN, "en": EN_TRANSLATION}
        assert speech.language == "cy" and speech.text == CY_SPOKEN
    finally:
        store.close()


ARTICLE_URL = "https://www.golwg.example/newyddion/lluoedd-arfog-cymru/"


def welsh_article_page() -> str:
    paragraphs = [
        "Mae'r Prif Weinidog wedi amddiffyn cynlluniau'r llywodraeth ar gyfer y canolfannau "
        "milwrol yng Nghymru, wrth i aelodau'r gwrthbleidiau holi am y gyllideb.",
        f"Dywedodd hi yn y Senedd ddydd Mawrth: “{CY_TRANSLATION}”",
        "Ychwanegodd nad oedd penderfyniad terfynol wedi'i wneud eto am ddyfodol y safleoedd, "
        "ond y byddai'r llywodraeth yn cyhoeddi ei chynlluniau cyn yr haf.",
        "Mae cannoedd o bobl yn gweithio yn y canolfannau, ac mae busnesau lleol yn dibynnu "
        "arnyn nhw am eu bywoliaeth, meddai cynghorwyr yr ardal.",
    ]
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    return (
        '<html lang="cy"><head><title>Lluoedd Arfog | Golwg</title>'
        '<meta property="og:site_name" content="Golwg">'
        '<meta property="og:title" content="Y Prif Weinidog yn amddiffyn y canolfannau">'
        '<meta property="og:type" content="article">'
        '<meta property="article:published_time" content="2025-02-12T08:00:00+00:00">'
        "</head><body><article><h1>Y Prif Weinidog yn amddiffyn y canolfannau</h1>"
        f'<p class="byline">Gan Siân Jones, Golwg</p>{body}</article></body></html>'
    )


def test_a_crawled_welsh_article_links_to_a_stored_bilingual_speech(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    # The debate as a Senedd crawl would leave it: stored, its speeches indexed.
    store = CorpusStore(corpus)
    try:
        store.put_debate(senedd_debate(), family=DEBATE_ID)
        store.link_index().replace_debate(DEBATE_ID, debate_speeches(senedd_debate()))
    finally:
        store.close()
    replay = write_replay(
        tmp_path / "replay",
        [
            {
                "url": "https://www.golwg.example/robots.txt",
                "path": "robots.txt",
                "headers": {"Content-Type": "text/plain"},
            },
            {
                "url": ARTICLE_URL,
                "path": "article.html",
                "headers": {"Content-Type": "text/html; charset=utf-8"},
            },
        ],
        {"robots.txt": "User-agent: *\nAllow: /\n", "article.html": welsh_article_page()},
    )
    result = crawl_in_process("defence_news", corpus, replay_dir=replay, args={"urls": ARTICLE_URL})
    assert result.returncode == 0, result.stderr[-3000:]
    [link] = result.read("links")
    assert link["speech_id"] == SPOKEN_IN_ENGLISH
    assert (link["speech_language"], link["speech_text"]) == ("cy", "translation")
    [debate] = result.read("debates")
    spoken = next(s for s in debate["speeches"] if s["id"] == SPOKEN_IN_ENGLISH)
    matched = spoken["texts"]["cy"][link["speech_start"] : link["speech_end"]]
    assert matched.startswith("Mae'r Lluoedd Arfog")
