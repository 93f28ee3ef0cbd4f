"""Merge rules for articles and debates (pure functions)."""

from __future__ import annotations

from crawler.dedup import fingerprint
from crawler.dedup.merge import merge_article, merge_debate, revision_family, revision_parts

CANONICAL = "https://ukdefencejournal.org.uk/healey-hegseth/"
BODY = (
    "The UK Defence Secretary, John Healey, and US Defence Secretary, Pete Hegseth, recently "
    "reaffirmed their commitment to strengthening NATO.\n\nHealey said “everyone in NATO” is "
    "stepping up."
)


def article(url: str = CANONICAL, **fields) -> dict:
    record = {
        "url": url,
        "canonical_url": CANONICAL,
        "site": "UK Defence Journal",
        "fetched_at": "2025-02-13T09:12:00+00:00",
        "title": "Healey and Hegseth",
        "text": BODY,
        "tags": ["NATO"],
        "comments": [],
        "urls": [],
        "id": "x",
    }
    record.update(fields)
    return record


def test_first_sighting_sets_first_seen_and_last_changed() -> None:
    record, changed = merge_article(None, article(), now="T1")
    assert changed and record["first_seen"] == "T1" and record["last_changed"] == "T1"
    assert record["urls"] == ["https://ukdefencejournal.org.uk/healey-hegseth/"]


def test_the_same_copy_again_is_unchanged() -> None:
    stored, _ = merge_article(None, article(), now="T1")
    record, changed = merge_article(stored, article(fetched_at="later"), now="T2")
    assert not changed
    assert record["last_changed"] == "T1" and record["first_seen"] == "T1"


def test_an_amp_copy_adds_its_url_but_not_its_content() -> None:
    stored, _ = merge_article(None, article(), now="T1")
    amp = article(url=CANONICAL + "amp/", title="Healey and Hegseth (AMP)", tags=[])
    record, changed = merge_article(stored, amp, now="T2")
    assert record["title"] == "Healey and Hegseth"
    assert record["url"] == CANONICAL
    assert record["urls"] == [CANONICAL, CANONICAL + "amp/"]
    assert record["last_changed"] == "T1", "a new URL is not a new version of the content"
    assert changed


def test_a_tracking_copy_adds_no_url() -> None:
    stored, _ = merge_article(None, article(), now="T1")
    tracked = article(url=CANONICAL + "?utm_source=twitter&fbclid=abc")
    record, changed = merge_article(stored, tracked, now="T2")
    assert record["urls"] == [CANONICAL]
    assert not changed


def test_a_tracking_copy_url_is_merged() -> None:
    stored, _ = merge_article(None, article(), now="T1")
    other = article(url="https://ukdefencejournal.org.uk/?p=123", canonical_url=CANONICAL)
    record, changed = merge_article(stored, other, now="T2")
    assert changed
    assert "https://ukdefencejournal.org.uk/?p=123" in record["urls"]
    assert record["last_changed"] == "T1", "a new URL is not a new version of the content"


def test_an_updated_article_updates_the_record_keeping_first_seen() -> None:
    stored, _ = merge_article(None, article(), now="T1")
    updated = article(text=BODY + "\n\nUpdate: a correction.", modified="2025-02-14T10:00:00+00:00")
    record, changed = merge_article(stored, updated, now="T2")
    assert changed
    assert record["text"].endswith("a correction.")
    assert record["first_seen"] == "T1" and record["last_changed"] == "T2"


def test_content_hash_ignores_typography_but_not_words() -> None:
    assert fingerprint.content_hash("He said “yes”.") == fingerprint.content_hash('he said "yes"')
    assert fingerprint.content_hash("He said yes.") != fingerprint.content_hash("He said no.")


def test_near_copy_similarity_tolerates_some_edited_sentences() -> None:
    sentences = [
        f"Sentence number {n} about the frigate programme and its budget." for n in range(20)
    ]
    edited = list(sentences)
    for n in (3, 9, 15):
        edited[n] = f"A rewritten line {n} with entirely different words in it."
    original = fingerprint.sketch(" ".join(sentences))
    assert fingerprint.similarity(original, fingerprint.sketch(" ".join(edited))) >= 0.5
    unrelated = fingerprint.sketch(" ".join(f"Other story {n} on tanks." for n in range(20)))
    assert fingerprint.similarity(original, unrelated) < 0.2


def speech(gid: str, **fields) -> dict:
    base = {
        "id": gid,
        "text": "I can indeed.",
        "speaker_name": "Chris McDonald",
        "person_id": "26",
        "party_raw": {},
        "party": "labour",
        "flags": [],
        "kind": "speech",
    }
    base.update(fields)
    return base


def debate(interface: str, **fields) -> dict:
    host = "cy" if interface == "cy" else "www"
    record = {
        "id": "2025-02-10a.1.0",
        "house": "commons",
        "date": "2025-02-10",
        "url": f"https://{host}.theyworkforyou.com/debates/?id=2025-02-10a.1.0",
        "interface": interface,
        "fetched_at": "F",
        "title": "NATO",
        "date_raw": {},
        "speeches": [
            speech(
                "2025-02-10a.1.1",
                party_raw={interface: "Llafur" if interface == "cy" else "Labour"},
            )
        ],
        "flags": [],
        "previous_ids": [],
    }
    record.update(fields)
    return record


def test_two_interfaces_merge_into_one_debate_with_per_interface_labels() -> None:
    stored, _, _ = merge_debate(None, debate("cy", date_raw={"cy": "10 Chwefror 2025"}), now="T1")
    record, changed, disagreements = merge_debate(
        stored, debate("en", date_raw={"en": "10 February 2025"}), now="T2"
    )
    assert changed and disagreements == []
    assert record["interfaces"] == ["cy", "en"]
    assert len(record["urls"]) == 2
    assert record["speeches"][0]["party_raw"] == {"cy": "Llafur", "en": "Labour"}
    assert record["date_raw"] == {"cy": "10 Chwefror 2025", "en": "10 February 2025"}


def test_when_interfaces_disagree_english_wins_and_it_is_reported() -> None:
    stored, _, _ = merge_debate(
        None, debate("en", speeches=[speech("2025-02-10a.1.1", party="labour")]), now="T1"
    )
    record, _, disagreements = merge_debate(
        stored, debate("cy", speeches=[speech("2025-02-10a.1.1", party="conservative")]), now="T2"
    )
    assert record["speeches"][0]["party"] == "labour"
    assert disagreements == ["speech.party"]


def test_seeing_the_same_interface_again_is_unchanged() -> None:
    stored, _, _ = merge_debate(None, debate("en"), now="T1")
    _, changed, _ = merge_debate(stored, debate("en", fetched_at="later"), now="T2")
    assert not changed


def test_revision_parts_and_family() -> None:
    assert revision_parts("2025-02-10b.1.0") == ("2025-02-10", "b", ".1.0")
    assert revision_family({"id": "2025-02-10a.1.0", "house": "commons"}) == revision_family(
        {"id": "2025-02-10b.1.0", "house": "commons"}
    )
