"""End to end: real crawls through Scrapy's engine over sample_pages/, checked record by record."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from crawler.corpus.store import CorpusStore
from crawler.sample_corpus import SAMPLE_CRAWLS, SEED_ARTICLE_VARIANTS
from crawler.urls import page_key
from tests.support.corpus import BuiltCorpus

ROOT = Path(__file__).resolve().parents[1]
SEED_ARTICLE_ID = (
    "ukdefencejournal.org.uk/what-did-us-and-uk-defence-secretaries-talk-about-on-call"
)
SEED_DEBATE_ID = "2025-02-10a.1.1"
SCHEMAS = {
    name: json.loads((ROOT / "crawler" / "schemas" / f"{schema}.schema.json").read_text())
    for name, schema in [("articles", "article"), ("debates", "debate"), ("links", "link")]
}


def by_id(records: list[dict]) -> dict[str, dict]:
    return {record["id"]: record for record in records}


def test_every_crawl_exits_zero(sample_corpus: BuiltCorpus) -> None:
    for crawl in sample_corpus.crawls:
        assert crawl.returncode == 0, crawl.stderr[-3000:]
        assert crawl.stats["finish_reason"] == "finished"


@pytest.mark.parametrize("name", ["articles", "debates", "links"])
def test_every_record_matches_its_schema(sample_corpus: BuiltCorpus, name: str) -> None:
    records = sample_corpus.read(name)
    assert records, f"{name}.jsonl is empty"
    validator = jsonschema.Draft202012Validator(SCHEMAS[name])
    for record in records:
        errors = sorted(validator.iter_errors(record), key=lambda error: list(error.path))
        assert not errors, f"{record['id']}: {errors[0].message} at {list(errors[0].path)}"


@pytest.mark.parametrize("name", ["articles", "debates", "links"])
def test_snapshot_files_are_sorted_by_id_without_duplicates(
    sample_corpus: BuiltCorpus, name: str
) -> None:
    raw = (sample_corpus.folder / f"{name}.jsonl").read_bytes()
    assert raw.endswith(b"\n") and b"\\u20" not in raw  # UTF-8 text, not ASCII escapes
    ids = [json.loads(line)["id"] for line in raw.decode("utf-8").splitlines()]
    assert ids == sorted(ids, key=lambda value: value.encode("utf-8"))
    assert len(ids) == len(set(ids))


def test_the_sample_corpus_has_no_unparsed_dates_or_unknown_parties(
    sample_corpus: BuiltCorpus,
) -> None:
    for crawl in sample_corpus.crawls:
        assert crawl.stats.get("corpus/date/unparsed", 0) == 0
        assert crawl.stats.get("corpus/party/unknown", 0) == 0
        assert crawl.stats.get("log_count/ERROR", 0) == 0
    assert sum(crawl.stats.get("corpus/date/parsed", 0) for crawl in sample_corpus.crawls) > 0
    assert sum(crawl.stats.get("corpus/party/matched", 0) for crawl in sample_corpus.crawls) > 0


# --- articles --------------------------------------------------------------------


@pytest.fixture(scope="module")
def seed_article(sample_corpus: BuiltCorpus) -> dict:
    return by_id(sample_corpus.read("articles"))[SEED_ARTICLE_ID]


def test_seed_article_metadata(seed_article: dict) -> None:
    assert seed_article["title"] == "What did US and UK Defence Secretaries talk about on call?"
    assert seed_article["authors"] == ["George Allison"]
    assert seed_article["site"] == "UK Defence Journal"
    assert seed_article["language"] == "en"
    assert seed_article["published"] == "2025-02-11T10:04:33+00:00"
    assert seed_article["published_raw"] == "2025-02-11T10:04:33+00:00"
    assert seed_article["canonical_url"] == (
        "https://ukdefencejournal.org.uk/what-did-us-and-uk-defence-secretaries-talk-about-on-call/"
    )


def test_seed_article_body_is_the_article_and_nothing_else(seed_article: dict) -> None:
    text = seed_article["text"]
    assert text.startswith(
        "The UK Defence Secretary, John Healey, and US Defence Secretary, Pete Hegseth,"
    )
    assert text.endswith("stepped up security measures in response to evolving threats.")
    for furniture in [
        "At the UK Defence Journal",
        "George has a degree",
        "COMMENTS",
        "More hot air",
        "Share",
    ]:
        assert furniture not in text
    # Verbatim: the typo, the missing opening mark, curly quotes and the ellipsis.
    assert "During the exchange int he Commons" in text
    assert "\n\nEveryone in NATO, including every one of the European allies" in text
    assert (
        "“This Wednesday I will have the privilege of chairing the Ukraine defence contact group…"
        in text
    )
    # Word for word the text a reader sees (tests/linking/fixtures holds it).
    seed = (ROOT / "tests/linking/fixtures/ukdj_healey_hegseth_article.txt").read_text("utf-8")
    assert text == seed.rstrip("\n")


def test_seed_article_comments_keep_their_threads(seed_article: dict) -> None:
    comments = seed_article["comments"]
    assert len(comments) == 12
    by_comment = {comment["id"]: comment for comment in comments}
    top_level = [comment for comment in comments if comment["parent_id"] is None]
    assert [comment["text"][:30] for comment in top_level] == [
        "More hot air and not called ou",
        "Hopefully John Healey agreed t",
        "Hopefully behind closed doors ",
        "It will be interesting to see ",
        "Defence Secretary says Shoulde",
        "I’d imagine that it was the US",
    ]
    hi_sb = next(comment for comment in comments if comment["text"].startswith("Hi SB"))
    munich = by_comment[hi_sb["parent_id"]]
    assert munich["text"].startswith("I’m surprised you didn’t pick up on the location")
    what_are_they = by_comment[munich["parent_id"]]
    assert what_are_they["author"] == "Jonathan"
    assert by_comment[what_are_they["parent_id"]]["text"].startswith("More hot air")
    for comment in comments:
        assert comment["published_raw"].endswith("months ago")
        assert comment["published"] < seed_article["fetched_at"]
    first = comments[0]
    assert first["published_title_raw"] == "11 February 2025 10:41 am"
    assert first["published"] == "2025-02-11T10:41+00:00"
    assert first["published_precision"] == "minute"


def test_seed_article_copies_fold_into_one_record(sample_corpus: BuiltCorpus) -> None:
    seeds = [r for r in sample_corpus.read("articles") if "talk-about-on-call" in r["id"]]
    assert len(seeds) == 1
    assert seeds[0]["urls"] == [
        "https://ukdefencejournal.org.uk/what-did-us-and-uk-defence-secretaries-talk-about-on-call/",
        "https://ukdefencejournal.org.uk/what-did-us-and-uk-defence-secretaries-talk-about-on-call/amp/",
    ]
    # The AMP and tracking-URL copies were found and merged (the slash-less URL
    # redirects to the article's own URL, so it is no other copy).
    assert sample_corpus.crawls[1].stats["corpus/article/url_merged"] == 2
    # The copy read at the canonical URL is the one kept (the AMP copy has no comments).
    assert seeds[0]["url"] == seeds[0]["canonical_url"]
    assert len(seeds[0]["comments"]) == 12


def test_every_url_a_copy_was_fetched_at_is_remembered_for_its_record(
    sample_corpus: BuiltCorpus,
) -> None:
    """The next crawl re-fetches each of them conditionally, or not at all once settled."""
    [seed] = [r for r in sample_corpus.read("articles") if "talk-about-on-call" in r["id"]]
    store = CorpusStore(sample_corpus.folder, read_only=True)
    try:
        # The AMP and the tracking-URL copies (the slash-less URL redirects to the
        # article's own URL, which is the page fetched).
        for url in SEED_ARTICLE_VARIANTS[:2]:
            page = store.page(page_key(url))
            assert page is not None, url
            assert (page.kind, page.record_id) == ("article", seed["id"]), url
    finally:
        store.close()


def test_second_outlet_is_extracted_without_site_selectors(sample_corpus: BuiltCorpus) -> None:
    outlets = json.loads((ROOT / "crawler" / "outlets.json").read_text())["outlets"]
    forces = next(outlet for outlet in outlets if outlet["name"] == "Forces News")
    assert "selectors" not in forces
    articles = [r for r in sample_corpus.read("articles") if r["site"] == "Forces News"]
    assert len(articles) == 2
    for article in articles:
        assert article["title"] and article["authors"] and article["published"]
        assert len(article["text"]) > 500
        assert "selectors" not in article["extraction"].values()


def test_article_without_byline_has_no_authors(sample_corpus: BuiltCorpus) -> None:
    article = by_id(sample_corpus.read("articles"))[
        "ukdefencejournal.org.uk/minehunter-hms-cromarty-returns-to-portsmouth-after-three-years-in-the-gulf"
    ]
    assert article["authors"] == []


def test_updated_article_has_a_later_modified_date(sample_corpus: BuiltCorpus) -> None:
    article = by_id(sample_corpus.read("articles"))[
        "ukdefencejournal.org.uk/typhoons-scrambled-to-shadow-russian-aircraft-near-uk-airspace"
    ]
    assert article["modified"] > article["published"]


def test_syndicated_copy_is_marked_as_a_near_duplicate(sample_corpus: BuiltCorpus) -> None:
    articles = by_id(sample_corpus.read("articles"))
    copy = articles["forcesnews.com/services/navy/uncrewed-minehunter-finishes-clyde-trials"]
    original_id = (
        "ukdefencejournal.org.uk/autonomous-minehunting-boat-completes-sea-trials-off-scotland"
    )
    assert copy["duplicate_of"] == original_id
    assert articles[original_id]["duplicate_of"] is None
    assert [a["id"] for a in articles.values() if a["duplicate_of"]] == [copy["id"]]


# --- debates ---------------------------------------------------------------------


@pytest.fixture(scope="module")
def seed_debate(sample_corpus: BuiltCorpus) -> dict:
    return by_id(sample_corpus.read("debates"))[SEED_DEBATE_ID]


def test_both_interfaces_give_one_record_per_debate(sample_corpus: BuiltCorpus) -> None:
    debates = [
        d
        for d in sample_corpus.read("debates")
        if d["house"] != "senedd" and not d["id"].startswith("hansard-")
    ]
    assert [d["id"] for d in debates] == ["2025-02-10a.1.1", "2025-02-11a.190.0"]
    for debate in debates:
        assert debate["interfaces"] == ["cy", "en"]
        assert [url for url in debate["urls"] if "theyworkforyou" in url] == [
            f"https://cy.theyworkforyou.com/debates/?id={debate['id']}",
            f"https://www.theyworkforyou.com/debates/?id={debate['id']}",
        ]
    spiders = [spider for spider, _ in SAMPLE_CRAWLS]
    hansard = sample_corpus.crawls[spiders.index("hansard")].stats
    assert hansard["corpus/debate/interface_merged"] == 2


def test_seed_debate_header(seed_debate: dict) -> None:
    assert seed_debate["house"] == "commons"
    assert seed_debate["date"] == "2025-02-10"
    assert seed_debate["title"] == "US Administration: NATO"
    assert seed_debate["parent_title"] == "Defence"
    assert seed_debate["date_raw"] == {"cy": "10 Chwefror 2025", "en": "10 February 2025"}


SEED_SPEAKERS = [
    (
        "Wendy Chamberlain",
        "Liberal Democrat Chief Whip",
        "liberal-democrat",
        "member_page",
        "North East Fife",
        "Whether he has had discussions with officials in the US Administration",
    ),
    (
        "John Healey",
        "The Secretary of State for Defence",
        "labour",
        "member_page",
        None,
        "I held the first call with the new US Secretary of Defence, Pete Hegseth, last month.",
    ),
    (
        "Wendy Chamberlain",
        "Liberal Democrat Chief Whip",
        "liberal-democrat",
        "member_page",
        "North East Fife",
        "Members of this House have raised concerns about the impact on Ukraine",
    ),
    (
        "John Healey",
        "The Secretary of State for Defence",
        "labour",
        "member_page",
        None,
        "I can indeed. I welcome the fact, as I think will the hon. Lady,",
    ),
    (
        "Chris McDonald",
        None,
        "labour",
        "speaker_line",
        "Stockton North",
        "I welcome the Secretary of State’s answer, but in the face of wider Russian aggression",
    ),
    (
        "John Healey",
        "The Secretary of State for Defence",
        "labour",
        "member_page",
        None,
        "I can indeed. Everyone in NATO, including every one of the European allies",
    ),
]


@pytest.mark.parametrize("number", range(6))
def test_seed_debate_speeches(seed_debate: dict, number: int) -> None:
    speeches = seed_debate["speeches"]
    assert len(speeches) == 6
    name, position, party, source, constituency, opening = SEED_SPEAKERS[number]
    speech = speeches[number]
    assert speech["speaker_name"] == name
    assert speech["position"] == position
    assert speech["party"] == party
    assert speech["party_source"] == source
    if constituency is not None:
        assert speech["constituency"] == constituency
    assert speech["text"].startswith(opening)
    assert "originally the title given to the two officials" not in speech["text"]
    assert "Hansard source" not in speech["text"] and "Ffynhonnell Hansard" not in speech["text"]


def test_chris_mcdonald_keeps_both_raw_labels(seed_debate: dict) -> None:
    mcdonald = seed_debate["speeches"][4]
    assert mcdonald["party"] == "labour"
    assert mcdonald["party_raw"] == {"cy": "Llafur", "en": "Labour"}


def test_last_seed_speech_ends_before_the_glossary(seed_debate: dict) -> None:
    assert seed_debate["speeches"][-1]["text"].endswith(
        "because we must stay with Ukraine for as long as it takes."
    )


def test_edge_case_debate_keeps_speakerless_lines_as_their_own_speeches(
    sample_corpus: BuiltCorpus,
) -> None:
    debate = by_id(sample_corpus.read("debates"))["2025-02-11a.190.0"]
    kinds = [speech["kind"] for speech in debate["speeches"]]
    assert "division" in kinds and "intervention" in kinds and "procedural" in kinds
    for speech in debate["speeches"]:
        if speech["kind"] in ("division", "procedural"):
            assert speech["speaker_name"] is None
    times = [speech["time"] for speech in debate["speeches"] if speech["time_raw"]]
    assert times == ["12:31", "12:58", "13:14"]


# --- links -----------------------------------------------------------------------


def test_seed_article_links_to_the_right_speeches_with_exact_offsets(
    sample_corpus: BuiltCorpus, seed_article: dict, seed_debate: dict
) -> None:
    links = [link for link in sample_corpus.read("links") if link["article_id"] == SEED_ARTICLE_ID]
    speeches = {speech["id"]: speech for speech in seed_debate["speeches"]}
    linked = sorted(
        (speeches[link["speech_id"]]["speaker_name"], link["quote"][:25]) for link in links
    )
    assert linked == [
        ("Chris McDonald", "In the face of wider Russ"),
        ("John Healey", "Everyone in NATO, includi"),
        ("John Healey", "I held the first call wit"),
        ("John Healey", "The new US Defence Secret"),
        ("John Healey", "This Wednesday I will hav"),
        ("John Healey", "because we must stay with"),
        ("Wendy Chamberlain", "Can the Secretary of Stat"),
    ]
    for link in links:
        assert link["debate_id"] == SEED_DEBATE_ID
        quote = seed_article["text"][link["article_start"] : link["article_end"]]
        assert quote == link["quote"]
        said = speeches[link["speech_id"]]["text"][link["speech_start"] : link["speech_end"]]
        if link["kind"] == "exact":
            assert said.casefold() == quote.casefold()
    mcdonald = next(link for link in links if link["quote"].startswith("In the face"))
    assert mcdonald["kind"] == "fuzzy" and "[the Secretary]" in mcdonald["quote"]


@pytest.mark.parametrize(
    "article_id",
    [
        # Paraphrases the Commons exchange without quotation marks.
        "ukdefencejournal.org.uk/healey-to-press-allies-on-ukraine-at-munich-conference",
        # Quotes only a company spokesperson and a press release.
        "ukdefencejournal.org.uk/autonomous-minehunting-boat-completes-sea-trials-off-scotland",
    ],
)
def test_articles_without_parliamentary_quotes_have_no_links(
    sample_corpus: BuiltCorpus, article_id: str
) -> None:
    assert by_id(sample_corpus.read("articles"))[article_id]
    assert [link for link in sample_corpus.read("links") if link["article_id"] == article_id] == []


def test_each_debate_names_exactly_the_sources_it_was_read_from(
    sample_corpus: BuiltCorpus,
) -> None:
    """TheyWorkForYou's ids go only on debates TheyWorkForYou gave: the Senedd's and the
    official Hansard's own debates name their source alone."""
    sources = {
        record["id"]: (record["sources"], sorted(record["source_ids"]))
        for record in sample_corpus.read("debates")
    }
    assert sources == {
        "2025-02-10a.1.1": (["hansard", "twfy"], ["hansard", "twfy"]),
        "2025-02-11a.190.0": (["twfy"], ["twfy"]),
        "hansard-5E9D1B3F-7C2A-4F04-A6E8-9B1D3F5A7C29": (["hansard"], ["hansard"]),
        "hansard-F1B3D5E7-9A2C-4E40-8D62-4A6C8E0B2D96": (["hansard"], ["hansard"]),
        "senedd-12920-221108-9": (["senedd"], ["senedd"]),
    }
    senedd = next(r for r in sample_corpus.read("debates") if r["house"] == "senedd")
    assert all(set(s["source_ids"]) == {"senedd"} for s in senedd["speeches"])
