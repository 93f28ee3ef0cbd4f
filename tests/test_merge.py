"""Merge rules for articles and debates (pure functions)."""

from __future__ import annotations

from crawler.dedup import fingerprint
from crawler.dedup.merge import (
    ARTICLE_CRAWL_FIELDS,
    DEBATE_CRAWL_FIELDS,
    merge_article,
    merge_debate,
    revision_family,
    settle_change,
)
from crawler.urls import article_seen_urls

CANONICAL = "https://ukdefencejournal.org.uk/healey-hegseth/"
BODY = (
    "The UK Defence Secretary, John Healey, and US Defence Secretary, Pete Hegseth, recently "
    "reaffirmed their commitment to strengthening NATO.\n\nHealey said “everyone in NATO” is "
    "stepping up."
)


def store_article(stored: dict | None, incoming: dict, *, now: str) -> tuple[dict, bool]:
    """Merge a copy as the pipelines do (its URLs computed once), then settle what changed."""
    record = merge_article(stored, dict(incoming, urls=article_seen_urls(incoming)))
    return record, settle_change(stored, record, now=now, crawl_fields=ARTICLE_CRAWL_FIELDS)


def store_debate(
    stored: dict | None, incoming: dict, *, now: str, preferred: str = "en"
) -> tuple[dict, bool, list[str]]:
    record, disagreements = merge_debate(stored, incoming, preferred=preferred)
    changed = settle_change(
        stored,
        record,
        now=now,
        crawl_fields=DEBATE_CRAWL_FIELDS,
        compared=("urls", "interfaces"),
    )
    return record, changed, disagreements


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
        "flags": [],
        "id": "x",
        **dict.fromkeys(("published_raw", "published", "published_precision")),
        **dict.fromkeys(("modified_raw", "modified", "modified_precision")),
    }
    record.update(fields)
    return record


def test_first_sighting_sets_first_seen_and_last_changed() -> None:
    record, changed = store_article(None, article(), now="T1")
    assert changed and record["first_seen"] == "T1" and record["last_changed"] == "T1"
    assert record["urls"] == ["https://ukdefencejournal.org.uk/healey-hegseth/"]


def test_the_same_copy_again_is_unchanged() -> None:
    stored, _ = store_article(None, article(), now="T1")
    record, changed = store_article(stored, article(fetched_at="later"), now="T2")
    assert not changed
    assert record["last_changed"] == "T1" and record["first_seen"] == "T1"


def test_an_amp_copy_adds_its_url_but_not_its_content() -> None:
    stored, _ = store_article(None, article(), now="T1")
    amp = article(url=CANONICAL + "amp/", title="Healey and Hegseth (AMP)", tags=[])
    record, changed = store_article(stored, amp, now="T2")
    assert record["title"] == "Healey and Hegseth"
    assert record["url"] == CANONICAL
    assert record["urls"] == [CANONICAL, CANONICAL + "amp/"]
    assert record["last_changed"] == "T1", "a new URL is not a new version of the content"
    assert changed


def test_a_tracking_copy_adds_no_url() -> None:
    stored, _ = store_article(None, article(), now="T1")
    tracked = article(url=CANONICAL + "?utm_source=twitter&fbclid=abc")
    record, changed = store_article(stored, tracked, now="T2")
    assert record["urls"] == [CANONICAL]
    assert not changed


def test_a_tracking_copy_url_is_merged() -> None:
    stored, _ = store_article(None, article(), now="T1")
    other = article(url="https://ukdefencejournal.org.uk/?p=123", canonical_url=CANONICAL)
    record, changed = store_article(stored, other, now="T2")
    assert changed
    assert "https://ukdefencejournal.org.uk/?p=123" in record["urls"]
    assert record["last_changed"] == "T1", "a new URL is not a new version of the content"


def test_an_updated_article_updates_the_record_keeping_first_seen() -> None:
    stored, _ = store_article(None, article(), now="T1")
    updated = article(text=BODY + "\n\nUpdate: a correction.", modified="2025-02-14T10:00:00+00:00")
    record, changed = store_article(stored, updated, now="T2")
    assert changed
    assert record["text"].endswith("a correction.")
    assert record["first_seen"] == "T1" and record["last_changed"] == "T2"


def amp_copy_as_stored() -> dict:
    """An AMP copy stored first: its relative dates were resolved against its own fetch."""
    stored, _ = store_article(
        None,
        article(
            url=CANONICAL + "amp/",
            fetched_at="2025-02-13T09:12:00+00:00",
            published_raw="3 days ago",
            comments=[{"id": "7", "published_raw": "1 day ago", "text": "…"}],
        ),
        now="T1",
    )
    stored.update(published="2025-02-10T00:00:00+00:00", published_precision="day")
    stored["comments"][0].update(published="2025-02-12T00:00:00+00:00")
    stored["flags"] = ["modified:unparsed"]
    stored["modified_raw"] = "sometime"
    return stored


def test_a_field_carried_over_keeps_its_normalised_partner_and_flags() -> None:
    stored = amp_copy_as_stored()
    primary = article(fetched_at="2025-02-20T08:00:00+00:00", tags=[], comments=[])
    record = merge_article(stored, dict(primary, urls=article_seen_urls(primary)))
    assert record["url"] == CANONICAL, "the primary copy takes the content"
    assert record["tags"] == ["NATO"]
    assert (record["published_raw"], record["published"], record["published_precision"]) == (
        "3 days ago",
        "2025-02-10T00:00:00+00:00",
        "day",
    )
    assert record["comments"][0]["published"] == "2025-02-12T00:00:00+00:00"
    assert (record["modified_raw"], record["modified"]) == ("sometime", None)
    assert record["flags"] == ["modified:unparsed"]


def test_a_raw_value_the_new_copy_brings_comes_without_the_stored_normalised_value() -> None:
    stored = amp_copy_as_stored()
    primary = article(
        fetched_at="2025-02-20T08:00:00+00:00", published_raw="ages ago", modified_raw="5 Feb"
    )
    record = merge_article(stored, dict(primary, urls=article_seen_urls(primary)))
    assert (record["published_raw"], record["published"], record["published_precision"]) == (
        "ages ago",
        None,
        None,
    )
    assert record["modified_raw"] == "5 Feb" and record["modified"] is None
    assert record["flags"] == [], "the flag was about the stored copy's modified date"


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
    stored, _, _ = store_debate(None, debate("cy", date_raw={"cy": "10 Chwefror 2025"}), now="T1")
    record, changed, disagreements = store_debate(
        stored, debate("en", date_raw={"en": "10 February 2025"}), now="T2"
    )
    assert changed and disagreements == []
    assert record["interfaces"] == ["cy", "en"]
    assert len(record["urls"]) == 2
    assert record["speeches"][0]["party_raw"] == {"cy": "Llafur", "en": "Labour"}
    assert record["date_raw"] == {"cy": "10 Chwefror 2025", "en": "10 February 2025"}


def test_normalised_values_are_left_for_the_normalisers_to_decide_again() -> None:
    stored, _, _ = store_debate(
        None,
        debate("en", speeches=[speech("2025-02-10a.1.1", party="labour", time="14:33")]),
        now="T1",
    )
    assert stored["date"] is None
    assert (stored["speeches"][0]["party"], stored["speeches"][0]["time"]) == (None, None)
    stored["date"] = "2025-02-10"  # as the normalisers left the stored record
    stored["speeches"][0].update(party="labour", time="14:33")
    record, _, disagreements = store_debate(stored, debate("cy"), now="T2")
    assert record["date"] is None
    assert (record["speeches"][0]["party"], record["speeches"][0]["time"]) == (None, None)
    assert disagreements == [], "normalised values are not compared: the normalisers decide"


def test_when_raw_values_disagree_the_preferred_page_wins_and_it_is_reported() -> None:
    stored, _, _ = store_debate(
        None,
        debate("en", speeches=[speech("2025-02-10a.1.1", speaker_name="Chris McDonald")]),
        now="T1",
    )
    welsh = debate("cy", speeches=[speech("2025-02-10a.1.1", speaker_name="Christopher McDonald")])
    record, _, disagreements = store_debate(stored, welsh, now="T2")
    assert record["speeches"][0]["speaker_name"] == "Chris McDonald"
    assert record["url"].startswith("https://www.")
    assert disagreements == ["speech.speaker_name"]


def test_the_preferred_interface_is_a_parameter() -> None:
    stored, _, _ = store_debate(
        None,
        debate("en", speeches=[speech("2025-02-10a.1.1", speaker_name="Chris McDonald")]),
        now="T1",
    )
    welsh = debate("cy", speeches=[speech("2025-02-10a.1.1", speaker_name="Christopher McDonald")])
    record, _, _ = store_debate(stored, welsh, now="T2", preferred="cy")
    assert record["speeches"][0]["speaker_name"] == "Christopher McDonald"
    assert record["url"].startswith("https://cy.")


def test_seeing_the_same_interface_again_is_unchanged() -> None:
    stored, _, _ = store_debate(None, debate("en"), now="T1")
    _, changed, _ = store_debate(stored, debate("en", fetched_at="later"), now="T2")
    assert not changed


def test_revisions_of_one_section_share_a_family_per_house() -> None:
    assert revision_family({"id": "2025-02-10a.1.0", "house": "commons"}) == revision_family(
        {"id": "2025-02-10b.1.0", "house": "commons"}
    )
    assert revision_family({"id": "2025-02-10a.1.0", "house": "commons"}) != revision_family(
        {"id": "2025-02-10a.1.0", "house": "lords"}
    )
    assert revision_family({"id": "2025-02-10a.1.0", "house": "commons"}) != revision_family(
        {"id": "2025-02-10a.1.1", "house": "commons"}
    )
