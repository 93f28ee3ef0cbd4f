"""The researcher export: tables, filters, data card, checksums, determinism, folder rules."""

from __future__ import annotations

import csv
import hashlib
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from crawler.corpus import lock
from crawler.corpus.store import CorpusStore
from crawler.export import ExportError, ExportOptions, export
from crawler.export.writers.jsonl import JsonlWriter

ROOT = Path(__file__).resolve().parents[1]

# A sentence of the article body that is no link's quote: it must vanish with
# --no-article-text.
BODY_SENTENCE = (
    "The conversation, held on 31 January, focused on increasing Allied defence investment "
    "and industrial base capacity to strengthen NATO’s ability to respond to security threats."
)
HEALEY_QUOTE = (
    "I held the first call with the new US Secretary of Defence, Pete Hegseth, last month."
)
HEALEY_TEXT = (
    f"{HEALEY_QUOTE} We discussed the importance of all NATO allies doing more, including on "
    "defence spending. I look forward to meeting Secretary Hegseth this week at the meeting "
    "of NATO Defence Ministers."
)
ARTICLE_TEXT = (
    "Speaking in Parliament on 10 February, Healey highlighted his recent engagement with "
    f"Hegseth, stating, “{HEALEY_QUOTE} We discussed the importance of all NATO allies doing "
    "more, including on defence spending.”\n\n"
    f"{BODY_SENTENCE}"
)
COMMENT_TEXT = "Good to see defence spending back on the agenda at last."

UKDJ = "UK Defence Journal"
NAVY_LOOKOUT = "Navy Lookout"

ARTICLES: list[dict[str, Any]] = [
    {
        "id": "3f0a9c1be2d47a65",
        "url": "https://ukdefencejournal.org.uk/healey-and-hegseth-reaffirm-nato-commitment/",
        "site": UKDJ,
        "fetched_at": "2025-02-14T09:12:04+00:00",
        "title": "Healey and Hegseth reaffirm NATO commitment",
        "canonical_url": "https://ukdefencejournal.org.uk/healey-and-hegseth-reaffirm-nato-commitment/",
        "urls": ["https://ukdefencejournal.org.uk/healey-and-hegseth-reaffirm-nato-commitment/"],
        "authors": ["George Allison"],
        "published_raw": "2025-02-12T10:41:00+00:00",
        "published": "2025-02-12T10:41:00+00:00",
        "published_precision": "second",
        "language": "en",
        "text": ARTICLE_TEXT,
        "tags": ["NATO", "Ukraine"],
        "comments": [
            {
                "id": "812345",
                "author": "Dern",
                "published_raw": "2 days ago",
                "published_title_raw": "12 February 2025 9:12 am",
                "text": COMMENT_TEXT,
                "parent_id": None,
                "published": "2025-02-12T09:12:04+00:00",
                "published_precision": "day",
            }
        ],
        "content_hash": "9b1d2e3f4a5b6c7d",
        "first_seen": "2025-02-14T09:12:04+00:00",
        "last_changed": "2025-02-14T09:12:04+00:00",
        "extraction": {"title": "json-ld", "published": "json-ld", "text": "selectors"},
        "flags": [],
    },
    {
        "id": "7c2e5d10aa9f3b48",
        "url": "https://ukdefencejournal.org.uk/type-26-frigate-hms-glasgow-begins-sea-trials/",
        "site": UKDJ,
        "fetched_at": "2025-03-06T08:00:00+00:00",
        "title": "Type 26 frigate HMS Glasgow begins sea trials",
        "published": "2025-03-05T14:02:00+00:00",
        "published_precision": "minute",
        "text": "HMS Glasgow, the first of the Royal Navy’s eight Type 26 frigates, sailed.",
        "first_seen": "2025-03-06T08:00:00+00:00",
        "last_changed": "2025-03-06T08:00:00+00:00",
    },
    {
        "id": "a41f6e0d92c35b17",
        "url": "https://www.navylookout.com/lords-question-the-future-of-the-amphibious-fleet/",
        "site": NAVY_LOOKOUT,
        "fetched_at": "2025-02-20T18:30:00+00:00",
        "title": "Lords question the future of the amphibious fleet",
        "published": "2025-02-19T07:00:00+00:00",
        "published_precision": "minute",
        "text": "Lord West asked whether the amphibious ships would be replaced.",
        "first_seen": "2025-02-20T18:30:00+00:00",
        "last_changed": "2025-02-20T18:30:00+00:00",
    },
    {
        "id": "e5d3c2b1a0f98877",
        "url": "https://ukdefencejournal.org.uk/about-the-defence-industrial-strategy/",
        "site": UKDJ,
        "fetched_at": "2025-02-15T10:00:00+00:00",
        "title": "About the Defence Industrial Strategy",
        "text": "An undated explainer page.",
        "flags": ["published:missing"],
    },
]

DEBATES: list[dict[str, Any]] = [
    {
        "id": "2025-02-10a.1.0",
        "house": "commons",
        "url": "https://www.theyworkforyou.com/debates/?id=2025-02-10a.1.0",
        "interface": "en",
        "fetched_at": "2025-02-13T06:00:00+00:00",
        "title": "NATO: Euro-Atlantic Security",
        "parent_title": "Defence",
        "date_raw": {"cy": "10 Chwefror 2025", "en": "10 February 2025"},
        "date": "2025-02-10",
        "interfaces": ["cy", "en"],
        "speeches": [
            {
                "id": "2025-02-10a.1.1",
                "text": "Can the Secretary of State assure me that he will use the upcoming "
                "Munich security conference to determine with allies the best way of "
                "ensuring Ukraine’s victory?",
                "speaker_name": "Wendy Chamberlain",
                "person_id": "25778",
                "party_raw": {"cy": "Democratiaid Rhyddfrydol", "en": "Liberal Democrat"},
                "party": "liberal-democrat",
                "party_source": "speaker_line",
                "constituency": "North East Fife",
                "time": "14:33",
                "url": "https://www.theyworkforyou.com/debates/?id=2025-02-10a.1.1",
            },
            {
                "id": "2025-02-10a.1.2",
                "text": HEALEY_TEXT,
                "speaker_name": "John Healey",
                "person_id": "10268",
                "position": "The Secretary of State for Defence",
                "party_raw": {"cy": "Llafur", "en": "Labour"},
                "party": "labour",
                "party_source": "speaker_line",
                "constituency": "Rawmarsh and Conisbrough",
                "time": "14:34",
                "column": "574",
                "url": "https://www.theyworkforyou.com/debates/?id=2025-02-10a.1.2",
            },
            {"id": "2025-02-10a.1.3", "text": "Question put.", "kind": "procedural"},
        ],
        "first_seen": "2025-02-13T06:00:00+00:00",
        "last_changed": "2025-02-13T06:00:00+00:00",
    },
    {
        "id": "2025-02-18b.120.3",
        "house": "lords",
        "url": "https://www.theyworkforyou.com/lords/?id=2025-02-18b.120.3",
        "interface": "en",
        "fetched_at": "2025-02-21T06:00:00+00:00",
        "title": "Royal Navy: Amphibious Capability",
        "date": "2025-02-18",
        "interfaces": ["en"],
        "speeches": [
            {
                "id": "2025-02-18b.120.4",
                "text": "My Lords, will the amphibious ships be replaced before they are retired?",
                "speaker_name": "Lord West of Spithead",
                "person_id": "13456",
                "party_raw": {"en": "Labour"},
                "party": "labour",
                "party_source": "member_page",
                "url": "https://www.theyworkforyou.com/lords/?id=2025-02-18b.120.4",
            },
            {
                "id": "2025-02-18b.120.5",
                "text": "My Lords, the future of the fleet is part of the defence review.",
                "speaker_name": "Lord Coaker",
                "person_id": "10112",
                "position": "The Minister of State, Ministry of Defence",
                "party_raw": {"en": "Labour"},
                "party": "labour",
                "party_source": "member_page",
            },
        ],
        "last_changed": "2025-02-21T06:00:00+00:00",
    },
    {
        "id": "2025-03-04c.100.0",
        "house": "westminster-hall",
        "url": "https://www.theyworkforyou.com/whall/?id=2025-03-04c.100.0",
        "interface": "en",
        "fetched_at": "2025-03-07T06:00:00+00:00",
        "title": "Shipbuilding: Scotland",
        "date": "2025-03-04",
        "interfaces": ["en"],
        "speeches": [
            {
                "id": "2025-03-04c.100.1",
                "text": "The Clyde yards have built warships for more than a century.",
                "speaker_name": "Stephen Gethins",
                "person_id": "25400",
                "party_raw": {"en": "Scottish National Party"},
                "party": "snp",
                "party_source": "speaker_line",
            }
        ],
        "last_changed": "2025-03-07T06:00:00+00:00",
    },
]

LINKS: list[dict[str, Any]] = [
    {
        "id": "l-0b7f2c",
        "article_id": "3f0a9c1be2d47a65",
        "debate_id": "2025-02-10a.1.0",
        "speech_id": "2025-02-10a.1.2",
        "quote": HEALEY_QUOTE,
        "article_start": ARTICLE_TEXT.index(HEALEY_QUOTE),
        "article_end": ARTICLE_TEXT.index(HEALEY_QUOTE) + len(HEALEY_QUOTE),
        "speech_start": 0,
        "speech_end": len(HEALEY_QUOTE),
        "score": 1.0,
        "kind": "exact",
    },
    {
        "id": "l-5a91d0",
        "article_id": "a41f6e0d92c35b17",
        "debate_id": "2025-02-18b.120.3",
        "speech_id": "2025-02-18b.120.4",
        "quote": "will the amphibious ships be replaced",
        "article_start": 15,
        "article_end": 52,
        "speech_start": 10,
        "speech_end": 47,
        "score": 0.86,
        "kind": "fuzzy",
    },
    {
        # Its speech was dropped in a later revision of the day's record.
        "id": "l-9e33aa",
        "article_id": "3f0a9c1be2d47a65",
        "debate_id": "2025-02-10a.1.0",
        "speech_id": "2025-02-10a.1.9",
        "quote": "stay with Ukraine for as long as it takes",
        "article_start": 0,
        "article_end": 41,
        "speech_start": 0,
        "speech_end": 41,
        "score": 1.0,
        "kind": "exact",
    },
]

# Every export carries its data card, checksums, data package and the records' JSON Schemas.
COMMON_FILES = {
    "README.md",
    "SHA256SUMS",
    "datapackage.json",
    "article.schema.json",
    "debate.schema.json",
    "link.schema.json",
}
JSONL_FILES = COMMON_FILES | {"articles.jsonl", "speeches.jsonl", "links.jsonl"}
CSV_FILES = COMMON_FILES | {"articles.csv", "comments.csv", "speeches.csv", "links.csv"}


def build_corpus(folder: Path) -> Path:
    """The corpus of ARTICLES, DEBATES and LINKS, written through the store's API."""
    store = CorpusStore(folder)
    for article in ARTICLES:
        store.put_article(article, identities=(), sketch=())
    for debate in DEBATES:
        store.put_debate(debate, family=debate["id"].split(".")[0])
    for article_id in sorted({link["article_id"] for link in LINKS}):
        store.replace_links(
            article_id=article_id,
            links=[link for link in LINKS if link["article_id"] == article_id],
        )
    store.close()
    return folder


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_corpus(tmp_path_factory.mktemp("corpus"))


def run_export(corpus: Path, folder: Path, **options: Any) -> Path:
    export(corpus, folder, ExportOptions(**options))
    return folder


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def files_in(folder: Path) -> set[str]:
    return {path.name for path in folder.iterdir()}


def ids(rows: list[dict[str, Any]], key: str = "id") -> list[str]:
    return [row[key] for row in rows]


# --- files and contents ---------------------------------------------------------


def test_jsonl_export_writes_three_tables_data_card_and_checksums(corpus, tmp_path):
    folder = run_export(corpus, tmp_path / "out")
    assert files_in(folder) == JSONL_FILES


def test_csv_export_adds_a_comments_table(corpus, tmp_path):
    folder = run_export(corpus, tmp_path / "out", format="csv")
    assert files_in(folder) == CSV_FILES


def test_jsonl_articles_are_sorted_by_id_with_text_verbatim_and_comments_nested(corpus, tmp_path):
    rows = read_jsonl(run_export(corpus, tmp_path / "out") / "articles.jsonl")
    assert ids(rows) == sorted(article["id"] for article in ARTICLES)
    healey = rows[0]
    assert list(healey)[:4] == ["id", "url", "site", "fetched_at"]
    assert healey["text"] == ARTICLE_TEXT
    assert healey["comments"] == [
        {
            "id": "812345",
            "author": "Dern",
            "published_raw": "2 days ago",
            "published_title_raw": "12 February 2025 9:12 am",
            "text": COMMENT_TEXT,
            "parent_id": None,
            "published": "2025-02-12T09:12:04+00:00",
            "published_precision": "day",
        }
    ]


def test_jsonl_fills_fields_a_stored_record_lacks_with_their_defaults(corpus, tmp_path):
    rows = read_jsonl(run_export(corpus, tmp_path / "out") / "articles.jsonl")
    frigate = next(row for row in rows if row["id"] == "7c2e5d10aa9f3b48")
    assert frigate["authors"] == [] and frigate["duplicate_of"] is None
    assert frigate["comments"] == []


def test_jsonl_speeches_are_flattened_with_debate_fields_and_party_raw_per_interface(
    corpus, tmp_path
):
    rows = read_jsonl(run_export(corpus, tmp_path / "out") / "speeches.jsonl")
    assert ids(rows) == [
        "2025-02-10a.1.1",
        "2025-02-10a.1.2",
        "2025-02-10a.1.3",
        "2025-02-18b.120.4",
        "2025-02-18b.120.5",
        "2025-03-04c.100.1",
    ]
    healey = rows[1]
    assert list(healey)[:8] == [
        "id",
        "debate_id",
        "sequence",
        "house",
        "date",
        "debate_title",
        "parent_title",
        "text",
    ]
    assert healey["debate_id"] == "2025-02-10a.1.0"
    assert healey["sequence"] == 2
    assert (healey["house"], healey["date"]) == ("commons", "2025-02-10")
    assert (healey["debate_title"], healey["parent_title"]) == (
        "NATO: Euro-Atlantic Security",
        "Defence",
    )
    assert healey["party_raw"] == {"en": "Labour", "cy": "Llafur"}
    assert list(healey["party_raw"]) == ["en", "cy"]
    assert healey["party"] == "labour"


def test_jsonl_links_are_sorted_by_id_and_dangling_links_left_out(corpus, tmp_path):
    rows = read_jsonl(run_export(corpus, tmp_path / "out") / "links.jsonl")
    assert ids(rows) == ["l-0b7f2c", "l-5a91d0"]
    # A link stored before links said which text they matched: the text as spoken.
    assert rows[0] == {**LINKS[0], "speech_language": None, "speech_text": "original"}


@pytest.mark.parametrize(
    "options",
    [{}, {"since": "2025-02-11"}, {"house": ("lords",)}, {"shareable": True}],
    ids=["default", "since", "house", "shareable"],
)
def test_jsonl_choosing_speeches_while_writing_gives_the_files_of_choosing_them_first(
    corpus, tmp_path, monkeypatch, options
):
    # Speeches and links chosen as they are written (each debate decoded once) must
    # give the same files, data card included, as choosing them before writing.
    options = {"houses": options.pop("house")} if "house" in options else options
    while_writing = run_export(corpus, tmp_path / "while", **options)
    monkeypatch.setattr(JsonlWriter, "chooses_while_writing", False)
    first = run_export(corpus, tmp_path / "first", **options)
    assert files_in(while_writing) == files_in(first)
    for name in files_in(first):
        assert (while_writing / name).read_bytes() == (first / name).read_bytes(), name
    card = (while_writing / "README.md").read_text(encoding="utf-8")
    if not options:
        assert "Left out: 1 link of the corpus pointing at an article or speech" in card


def test_csv_articles_count_comments_and_keep_multiline_text(corpus, tmp_path):
    rows = read_csv(run_export(corpus, tmp_path / "out", format="csv") / "articles.csv")
    healey = next(row for row in rows if row["id"] == "3f0a9c1be2d47a65")
    assert "comments" not in healey
    assert healey["comment_count"] == "1"
    assert healey["text"] == ARTICLE_TEXT
    assert json.loads(healey["tags"]) == ["NATO", "Ukraine"]
    undated = next(row for row in rows if row["id"] == "e5d3c2b1a0f98877")
    assert undated["published"] == ""


def test_csv_comments_table_names_its_article(corpus, tmp_path):
    rows = read_csv(run_export(corpus, tmp_path / "out", format="csv") / "comments.csv")
    assert rows == [
        {
            "article_id": "3f0a9c1be2d47a65",
            "id": "812345",
            "author": "Dern",
            "published_raw": "2 days ago",
            "published_title_raw": "12 February 2025 9:12 am",
            "text": COMMENT_TEXT,
            "parent_id": "",
            "published": "2025-02-12T09:12:04+00:00",
            "published_precision": "day",
        }
    ]


def test_csv_speeches_put_each_interfaces_party_label_in_its_own_column(corpus, tmp_path):
    rows = read_csv(run_export(corpus, tmp_path / "out", format="csv") / "speeches.csv")
    healey = next(row for row in rows if row["id"] == "2025-02-10a.1.2")
    assert "party_raw" not in healey
    assert (healey["party_raw_en"], healey["party_raw_cy"]) == ("Labour", "Llafur")
    lords = next(row for row in rows if row["id"] == "2025-02-18b.120.4")
    assert (lords["party_raw_en"], lords["party_raw_cy"]) == ("Labour", "")


def test_csv_links_write_numbers_as_json(corpus, tmp_path):
    rows = read_csv(run_export(corpus, tmp_path / "out", format="csv") / "links.csv")
    assert ids(rows) == ["l-0b7f2c", "l-5a91d0"]
    assert (rows[1]["score"], rows[1]["article_start"]) == ("0.86", "15")


@pytest.mark.parametrize("format", ["jsonl", "csv"])
def test_files_are_utf8_without_bom_with_lf_line_ends(corpus, tmp_path, format):
    folder = run_export(corpus, tmp_path / "out", format=format)
    for path in folder.iterdir():
        data = path.read_bytes()
        assert not data.startswith(b"\xef\xbb\xbf"), path.name
        assert b"\r" not in data, path.name
        assert data.endswith(b"\n"), path.name
        data.decode("utf-8")
    assert "’".encode() in (folder / f"articles.{format}").read_bytes()


# --- filters --------------------------------------------------------------------


def test_since_and_until_select_articles_by_published_date_and_speeches_by_sitting(
    corpus, tmp_path
):
    folder = run_export(corpus, tmp_path / "out", since="2025-02-11", until="2025-02-28")
    assert ids(read_jsonl(folder / "articles.jsonl")) == ["3f0a9c1be2d47a65", "a41f6e0d92c35b17"]
    assert ids(read_jsonl(folder / "speeches.jsonl")) == ["2025-02-18b.120.4", "2025-02-18b.120.5"]
    # The Healey article is in range but the speech it quotes (10 February) is not.
    assert ids(read_jsonl(folder / "links.jsonl")) == ["l-5a91d0"]


def test_a_date_filter_leaves_out_undated_articles(corpus, tmp_path):
    folder = run_export(corpus, tmp_path / "out", since="2000-01-01")
    assert "e5d3c2b1a0f98877" not in ids(read_jsonl(folder / "articles.jsonl"))


def test_site_filter_keeps_that_outlets_articles_and_their_links(corpus, tmp_path):
    folder = run_export(corpus, tmp_path / "out", sites=(NAVY_LOOKOUT,))
    assert ids(read_jsonl(folder / "articles.jsonl")) == ["a41f6e0d92c35b17"]
    assert ids(read_jsonl(folder / "links.jsonl")) == ["l-5a91d0"]
    assert len(read_jsonl(folder / "speeches.jsonl")) == 6


def test_house_filter_keeps_speeches_of_those_houses(corpus, tmp_path):
    folder = run_export(corpus, tmp_path / "out", houses=("westminster-hall", "lords"))
    speeches = read_jsonl(folder / "speeches.jsonl")
    assert {row["house"] for row in speeches} == {"westminster-hall", "lords"}
    assert len(speeches) == 3
    assert ids(read_jsonl(folder / "links.jsonl")) == ["l-5a91d0"]


def test_party_filter_keeps_speeches_by_canonical_party(corpus, tmp_path):
    folder = run_export(corpus, tmp_path / "out", parties=("snp", "liberal-democrat"))
    assert ids(read_jsonl(folder / "speeches.jsonl")) == ["2025-02-10a.1.1", "2025-03-04c.100.1"]
    assert read_jsonl(folder / "links.jsonl") == []


def test_filters_combine_with_and(corpus, tmp_path):
    folder = run_export(corpus, tmp_path / "out", houses=("commons",), parties=("snp",))
    assert read_jsonl(folder / "speeches.jsonl") == []


def test_linked_only_keeps_linked_articles_and_speeches_and_their_links(corpus, tmp_path):
    folder = run_export(corpus, tmp_path / "out", linked_only=True)
    assert ids(read_jsonl(folder / "articles.jsonl")) == ["3f0a9c1be2d47a65", "a41f6e0d92c35b17"]
    assert ids(read_jsonl(folder / "speeches.jsonl")) == ["2025-02-10a.1.2", "2025-02-18b.120.4"]
    assert ids(read_jsonl(folder / "links.jsonl")) == ["l-0b7f2c", "l-5a91d0"]


def test_linked_only_counts_only_links_that_survive_the_other_filters(corpus, tmp_path):
    folder = run_export(corpus, tmp_path / "out", linked_only=True, houses=("lords",))
    assert ids(read_jsonl(folder / "articles.jsonl")) == ["a41f6e0d92c35b17"]
    assert ids(read_jsonl(folder / "speeches.jsonl")) == ["2025-02-18b.120.4"]


@pytest.mark.parametrize("format", ["jsonl", "csv"])
def test_no_article_text_leaves_no_article_or_comment_text_in_any_file(corpus, tmp_path, format):
    folder = run_export(corpus, tmp_path / "out", format=format, article_text=False)
    for path in folder.iterdir():
        content = path.read_text(encoding="utf-8")
        assert BODY_SENTENCE not in content, path.name
        assert COMMENT_TEXT not in content, path.name
        assert "HMS Glasgow, the first" not in content, path.name


def test_no_article_text_keeps_metadata_and_link_quotes(corpus, tmp_path):
    folder = run_export(corpus, tmp_path / "out", article_text=False)
    healey = read_jsonl(folder / "articles.jsonl")[0]
    assert "text" not in healey
    assert healey["title"] == "Healey and Hegseth reaffirm NATO commitment"
    assert healey["comments"][0]["author"] == "Dern"
    assert "text" not in healey["comments"][0]
    assert read_jsonl(folder / "links.jsonl")[0]["quote"] == HEALEY_QUOTE
    assert read_jsonl(folder / "speeches.jsonl")[1]["text"] == HEALEY_TEXT


def test_unmatched_filter_values_are_reported_with_the_values_that_match(corpus, tmp_path):
    result = export(corpus, tmp_path / "out", ExportOptions(sites=("UK Defense Journal",)))
    assert result.warnings == (
        "--site 'UK Defense Journal' matches no article in the corpus; "
        "valid values: 'Navy Lookout', 'UK Defence Journal' (ukdj)",
    )


@pytest.mark.parametrize(
    "options",
    [
        {"format": "xml"},
        {"since": "2025-2-1"},
        {"until": "2025-02-30"},
        {"since": "2025-03-01", "until": "2025-02-01"},
        {"houses": ("scottish-parliament",)},
        {"parties": ("",)},
    ],
)
def test_bad_options_are_refused(options):
    with pytest.raises(ExportError):
        ExportOptions(**options)


# --- checksums and determinism --------------------------------------------------


@pytest.mark.parametrize("format", ["jsonl", "csv"])
def test_sha256sums_covers_every_other_file_sorted_by_name(corpus, tmp_path, format):
    folder = run_export(corpus, tmp_path / "out", format=format)
    lines = (folder / "SHA256SUMS").read_text(encoding="utf-8").splitlines()
    names = [line.split("  ", 1)[1] for line in lines]
    assert names == sorted(files_in(folder) - {"SHA256SUMS"})
    for line in lines:
        digest, name = line.split("  ", 1)
        assert hashlib.sha256((folder / name).read_bytes()).hexdigest() == digest


@pytest.mark.skipif(shutil.which("sha256sum") is None, reason="needs coreutils sha256sum")
def test_sha256sums_verifies_with_sha256sum(corpus, tmp_path):
    folder = run_export(corpus, tmp_path / "out", format="csv")
    checked = subprocess.run(
        ["sha256sum", "--strict", "-c", "SHA256SUMS"], cwd=folder, capture_output=True
    )
    assert checked.returncode == 0, checked.stdout + checked.stderr


@pytest.mark.parametrize(
    "options",
    [
        {},
        {"format": "csv"},
        {"format": "csv", "since": "2025-02-01", "sites": (UKDJ,), "linked_only": True},
        {"article_text": False, "houses": ("commons", "lords"), "parties": ("labour",)},
    ],
)
def test_two_exports_of_one_corpus_with_one_set_of_options_are_byte_identical(
    corpus, tmp_path, options
):
    first = run_export(corpus, tmp_path / "first", **options)
    second = run_export(corpus, tmp_path / "elsewhere" / "second", **options)
    assert files_in(first) == files_in(second)
    for name in files_in(first):
        assert (first / name).read_bytes() == (second / name).read_bytes(), name


def test_repeated_filter_values_in_any_order_give_the_same_export(corpus, tmp_path):
    first = run_export(corpus, tmp_path / "first", parties=("snp", "labour"))
    second = run_export(corpus, tmp_path / "second", parties=("labour", "snp", "labour"))
    for name in files_in(first):
        assert (first / name).read_bytes() == (second / name).read_bytes(), name


def test_export_result_version_is_the_sha256_of_sha256sums(corpus, tmp_path):
    result = export(corpus, tmp_path / "out", ExportOptions())
    sums = (tmp_path / "out" / "SHA256SUMS").read_bytes()
    assert result.version == hashlib.sha256(sums).hexdigest()
    assert result.rows == {"articles.jsonl": 4, "links.jsonl": 2, "speeches.jsonl": 6}


# --- the data card --------------------------------------------------------------


def test_data_card_gives_command_counts_dates_and_corpus_state(corpus, tmp_path):
    folder = run_export(corpus, tmp_path / "out", format="csv", since="2025-02-01")
    card = (folder / "README.md").read_text(encoding="utf-8")
    assert (
        "scrapy export <folder> --format csv --since 2025-02-01 -s CORPUS_DIR=<corpus folder>"
        in card
    )
    assert "| articles.csv | 3 |" in card
    assert "| comments.csv | 1 |" in card
    assert "| speeches.csv | 6 |" in card
    assert "| links.csv | 2 |" in card
    assert "Articles published: 2025-02-12 to 2025-03-05." in card
    assert "Speeches from sittings: 2025-02-10 to 2025-03-04, in 3 debates." in card
    assert "latest `fetched_at` is 2025-03-07T06:00:00+00:00" in card
    assert "latest `last_changed` is 2025-03-07T06:00:00+00:00" in card
    assert "Left out: 1 link of the corpus pointing at an article or speech" in card


def test_data_card_corpus_moment_counts_articles_the_filters_leave_out(tmp_path):
    # The latest fetch in the corpus is an article of a site the export leaves out:
    # the data card tells the state of the whole store, not of the export.
    store = CorpusStore(tmp_path / "corpus")
    for article in ARTICLES:
        store.put_article(article, identities=(), sketch=())
    late = {
        **ARTICLES[0],
        "id": "0f0f0f0f0f0f0f0f",
        "url": "https://www.navylookout.com/a-later-article/",
        "site": NAVY_LOOKOUT,
        "fetched_at": "2025-04-01T12:00:00+00:00",
        "last_changed": "2025-04-02T12:00:00+00:00",
    }
    store.put_article(late, identities=(), sketch=())
    store.close()
    folder = run_export(tmp_path / "corpus", tmp_path / "out", sites=(UKDJ,))
    card = (folder / "README.md").read_text(encoding="utf-8")
    assert "| articles.jsonl | 3 |" in card
    assert "latest `fetched_at` is 2025-04-01T12:00:00+00:00" in card
    assert "latest `last_changed` is 2025-04-02T12:00:00+00:00" in card


def described_fields(card: str, heading: str) -> dict[str, tuple[str, str]]:
    """``field -> (type, description)`` from the field table under ``heading``."""
    section = card.split(f"{heading}\n", 1)[1]
    section = re.split(r"\n### |\nEach object in ", section, maxsplit=1)[0]
    described = {}
    for line in section.splitlines():
        if line.startswith("| `"):
            # Cells are split on "|" but not on the escaped "\|" of "str \| None".
            _, name, type_, description, _ = re.split(r"(?<!\\)\|", line)
            described[name.strip().strip("`")] = (type_.strip(), description.strip())
    return described


@pytest.mark.parametrize("format", ["jsonl", "csv"])
def test_data_card_describes_every_column_of_every_table(corpus, tmp_path, format):
    folder = run_export(corpus, tmp_path / "out", format=format)
    card = (folder / "README.md").read_text(encoding="utf-8")
    for path in folder.glob(f"*.{format}"):
        if format == "csv":
            with path.open(encoding="utf-8", newline="") as handle:
                columns = next(csv.reader(handle))
        else:
            columns = list(json.loads(path.read_text(encoding="utf-8").splitlines()[0]))
        described = described_fields(card, f"### {path.name}")
        assert list(described) == columns, path.name
        for column, (type_, description) in described.items():
            assert type_ and description, f"{path.name}: {column}"


def test_data_card_describes_the_fields_of_nested_comments(corpus, tmp_path):
    folder = run_export(corpus, tmp_path / "out")
    card = (folder / "README.md").read_text(encoding="utf-8")
    described = described_fields(card, "Each object in `comments` of articles.jsonl:")
    assert list(described) == list(read_jsonl(folder / "articles.jsonl")[0]["comments"][0])
    assert all(type_ and description for type_, description in described.values())


def test_data_card_takes_field_descriptions_from_items(corpus, tmp_path):
    card = (run_export(corpus, tmp_path / "out") / "README.md").read_text(encoding="utf-8")
    assert 'Party label as printed, per interface: `{"cy": "Llafur", "en": "Labour"}`.' in card
    assert "0–1: share of the quoted words found in the speech passage." in card


def test_data_card_states_licences_attribution_and_citation(corpus, tmp_path):
    card = (run_export(corpus, tmp_path / "out") / "README.md").read_text(encoding="utf-8")
    assert (
        "Contains Parliamentary information licensed under the Open Parliament Licence v3.0."
        in (card)
    )
    assert (
        "https://www.parliament.uk/site-information/copyright-parliament/open-parliament-licence/"
        in card
    )
    assert "mySociety" in card and "TheyWorkForYou" in card
    assert "copyright of each publisher" in card
    assert "--no-article-text" in card
    assert "## How to cite" in card and "Version: sha256:<SHA-256 of SHA256SUMS>." in card
    assert "defence-hansard-corpus 0.1.0" in card


def test_data_card_says_whether_article_text_is_included(corpus, tmp_path):
    with_text = (run_export(corpus, tmp_path / "a") / "README.md").read_text(encoding="utf-8")
    without = (run_export(corpus, tmp_path / "b", article_text=False) / "README.md").read_text(
        encoding="utf-8"
    )
    assert "includes article and comment text" in with_text
    assert "made with `--no-article-text`" in without
    assert "includes article and comment text" not in without


# --- the folder -----------------------------------------------------------------


def test_a_second_export_into_the_folder_replaces_the_first_cleanly(corpus, tmp_path):
    folder = run_export(corpus, tmp_path / "out", format="csv")
    run_export(corpus, folder, linked_only=True)
    assert files_in(folder) == JSONL_FILES
    fresh = run_export(corpus, tmp_path / "fresh", linked_only=True)
    for name in JSONL_FILES:
        assert (folder / name).read_bytes() == (fresh / name).read_bytes(), name


def test_a_second_export_leaves_no_temporary_files(corpus, tmp_path):
    folder = run_export(corpus, tmp_path / "out")
    (folder / ".snapshot-left-by-a-crash.tmp").write_text("partial", encoding="utf-8")
    run_export(corpus, folder)
    assert files_in(folder) == JSONL_FILES


def test_a_non_empty_folder_that_is_not_an_export_is_refused_untouched(corpus, tmp_path):
    folder = tmp_path / "thesis"
    folder.mkdir()
    (folder / "notes.txt").write_text("chapter 3", encoding="utf-8")
    with pytest.raises(ExportError, match="not empty and is not a previous export"):
        export(corpus, folder, ExportOptions())
    assert files_in(folder) == {"notes.txt"}


def test_an_empty_existing_folder_is_accepted(corpus, tmp_path):
    folder = tmp_path / "empty"
    folder.mkdir()
    assert files_in(run_export(corpus, folder)) == JSONL_FILES


def test_a_missing_corpus_store_is_refused_before_anything_is_written(tmp_path):
    with pytest.raises(ExportError, match="no corpus store"):
        export(tmp_path / "no-corpus", tmp_path / "out", ExportOptions())
    assert not (tmp_path / "out").exists()
    assert not (tmp_path / "no-corpus").exists()


def test_export_reads_while_a_crawl_holds_the_lock_and_leaves_the_store_unchanged(corpus, tmp_path):
    store_file = corpus / "corpus.sqlite3"
    before = store_file.read_bytes()
    held = lock.acquire(corpus)
    try:
        folder = run_export(corpus, tmp_path / "out")
    finally:
        lock.release(held)
    assert len(read_jsonl(folder / "articles.jsonl")) == 4
    assert store_file.read_bytes() == before


class RolledBack(Exception):
    """Ends a transaction by rolling it back."""


def test_export_during_a_crawls_open_write_sees_only_committed_records(corpus, tmp_path):
    copy = tmp_path / "corpus"
    shutil.copytree(corpus, copy)
    crawl = CorpusStore(copy)
    try:
        with pytest.raises(RolledBack), crawl.transaction():
            uncommitted = {"id": "0000uncommitted", "site": UKDJ}
            crawl.put_article(uncommitted, identities=[], sketch=())
            folder = run_export(copy, tmp_path / "out")
            raise RolledBack
    finally:
        crawl.close()
    assert ids(read_jsonl(folder / "articles.jsonl")) == sorted(a["id"] for a in ARTICLES)


# --- the scrapy command ---------------------------------------------------------


def scrapy_export(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "scrapy", "export", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_scrapy_export_command_writes_the_same_files_as_the_export_logic(corpus, tmp_path):
    folder = tmp_path / "by-command"
    completed = scrapy_export(
        str(folder),
        "-s",
        f"CORPUS_DIR={corpus}",
        "--format",
        "csv",
        "--party",
        "labour",
        "--site",
        UKDJ,
        "--no-article-text",
    )
    assert completed.returncode == 0, completed.stderr
    assert files_in(folder) == CSV_FILES
    expected = run_export(
        corpus,
        tmp_path / "by-function",
        format="csv",
        parties=("labour",),
        sites=(UKDJ,),
        article_text=False,
    )
    for name in CSV_FILES:
        assert (folder / name).read_bytes() == (expected / name).read_bytes(), name
    version = hashlib.sha256((folder / "SHA256SUMS").read_bytes()).hexdigest()
    assert version in completed.stdout


def test_scrapy_export_command_refuses_a_foreign_folder_with_exit_status_2(corpus, tmp_path):
    folder = tmp_path / "thesis"
    folder.mkdir()
    (folder / "notes.txt").write_text("chapter 3", encoding="utf-8")
    completed = scrapy_export(str(folder), "-s", f"CORPUS_DIR={corpus}")
    assert completed.returncode == 2
    assert "not a previous export" in completed.stderr
    assert files_in(folder) == {"notes.txt"}


def test_scrapy_export_command_rejects_a_bad_date(corpus, tmp_path):
    completed = scrapy_export(
        str(tmp_path / "out"), "-s", f"CORPUS_DIR={corpus}", "--since", "10/02/2025"
    )
    assert completed.returncode == 2
    assert "YYYY-MM-DD" in completed.stderr
    assert not (tmp_path / "out").exists()
