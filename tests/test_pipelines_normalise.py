"""The date and party pipelines on a real crawler: fields, flags, stats, end-of-crawl summary."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from scrapy import Spider
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from scrapy.utils.misc import build_from_crawler
from scrapy.utils.test import get_crawler

from crawler.items import ArticleItem, Comment, DebateItem, LinkItem, Speech
from pipelines.dates import DateNormalisationPipeline
from pipelines.parties import PartyNormalisationPipeline
from tests.support.project import project_settings

UKDJ_URL = (
    "https://ukdefencejournal.org.uk/what-did-us-and-uk-defence-secretaries-talk-about-on-call/"
)
PROJECT_SETTINGS = project_settings()
# When sample_pages/ was fetched.
FETCHED_AT = "2025-11-21T05:42:17+00:00"


def project_crawler(settings: dict | None = None) -> Crawler:
    """A crawler with the project's settings, ``settings`` over them."""
    return get_crawler(Spider, {**PROJECT_SETTINGS, **(settings or {})})


def date_pipeline(settings: dict | None = None) -> tuple[DateNormalisationPipeline, dict]:
    crawler = project_crawler(settings)
    pipeline = build_from_crawler(DateNormalisationPipeline, crawler)
    return pipeline, crawler.stats.get_stats()


def party_pipeline(settings: dict | None = None) -> tuple[PartyNormalisationPipeline, dict]:
    crawler = project_crawler(settings)
    pipeline = build_from_crawler(PartyNormalisationPipeline, crawler)
    return pipeline, crawler.stats.get_stats()


def article(**fields: object) -> ArticleItem:
    return ArticleItem(url=UKDJ_URL, site="UK Defence Journal", fetched_at=FETCHED_AT, **fields)


def debate(gid: str = "2025-02-11a.190.0", interface: str = "en", **fields: object) -> DebateItem:
    host = "cy.theyworkforyou.com" if interface == "cy" else "www.theyworkforyou.com"
    if isinstance(fields.get("date_raw"), str):
        fields["date_raw"] = {interface: fields["date_raw"]}
    return DebateItem(
        id=gid,
        house="commons",
        url=f"https://{host}/debates/?id={gid}",
        interface=interface,
        fetched_at=FETCHED_AT,
        **fields,
    )


# -- dates ------------------------------------------------------------------------


def test_article_dates_are_normalised_beside_their_raw_values() -> None:
    pipeline, stats = date_pipeline()
    item = article(
        published_raw="2025-02-11T10:04:33+00:00", modified_raw="2025-02-11T17:30:00+0000"
    )
    pipeline.process_item(item)
    assert (item.published, item.published_precision) == ("2025-02-11T10:04:33+00:00", "second")
    assert (item.modified, item.modified_precision) == ("2025-02-11T17:30:00+00:00", "second")
    assert (item.published_raw, item.modified_raw) == (
        "2025-02-11T10:04:33+00:00",
        "2025-02-11T17:30:00+0000",
    )
    assert item.flags == []
    assert stats["corpus/date/parsed"] == 2


def test_relative_comment_dates_resolve_against_the_article_fetch_time() -> None:
    pipeline, stats = date_pipeline()
    comments = [
        Comment(id="101", author="A", published_raw="9 months ago", text="…"),
        Comment(id="102", author="B", published_raw="11 February 2025 1:15 pm", text="…"),
    ]
    item = article(published_raw="2025-02-11T10:04:33+00:00", comments=comments)
    pipeline.process_item(item)
    assert (comments[0].published, comments[0].published_precision) == ("2025-02", "month")
    assert (comments[1].published, comments[1].published_precision) == (
        "2025-02-11T13:15+00:00",
        "minute",
    )
    assert comments[0].published_raw == "9 months ago"
    assert stats["corpus/date/relative"] == 1
    assert stats["corpus/date/parsed"] == 3


def test_finer_relative_precisions_are_written_in_the_record_vocabulary() -> None:
    # Records allow second, minute, day, month, year (items.py, schemas/).
    pipeline, _ = date_pipeline()
    comments = [
        Comment(id="1", author=None, published_raw="3 hours ago", text="…"),
        Comment(id="2", author=None, published_raw="2 weeks ago", text="…"),
    ]
    pipeline.process_item(article(comments=comments))
    assert [(c.published, c.published_precision) for c in comments] == [
        ("2025-11-21", "day"),
        ("2025-11", "month"),
    ]


def test_unreadable_published_date_is_flagged_counted_and_left_none() -> None:
    pipeline, stats = date_pipeline()
    item = article(published_raw="Comments are closed.", modified_raw="2025-02-11T10:04:33+00:00")
    pipeline.process_item(item)
    assert item.published is None
    assert item.published_precision is None
    assert item.published_raw == "Comments are closed."
    assert item.flags == ["published:unparsed"]
    assert stats["corpus/date/unparsed"] == 1
    assert stats["corpus/date/unparsed/published"] == 1
    assert stats["corpus/date/parsed"] == 1


def test_unreadable_comment_date_flags_the_article() -> None:
    pipeline, stats = date_pipeline()
    item = article(comments=[Comment(id="77", author=None, published_raw="sometime", text="…")])
    pipeline.process_item(item)
    assert item.comments[0].published is None
    assert item.flags == ["comment:77:published:unparsed"]
    assert stats["corpus/date/unparsed/comment_published"] == 1


def test_a_date_carried_over_with_its_normalised_value_keeps_it() -> None:
    # The merge carried "3 days ago" over from a copy fetched a week earlier, with the
    # value it was resolved to then; the comments are this copy's own.
    pipeline, stats = date_pipeline()
    item = article(
        published_raw="3 days ago",
        published="2025-11-11",
        published_precision="day",
        comments=[Comment(id="5", author="A", published_raw="2 days ago", text="…")],
    )
    pipeline.process_item(item)
    assert (item.published, item.published_precision) == ("2025-11-11", "day")
    assert item.comments[0].published == "2025-11-19"
    assert stats["corpus/date/parsed"] == 1


def test_an_unreadable_new_raw_date_is_flagged_not_replaced_by_an_earlier_value() -> None:
    pipeline, stats = date_pipeline()
    # The merge brings the new copy's raw value without a normalised partner;
    # a flag the earlier copy's date had goes with it.
    item = article(published_raw="Comments are closed.", flags=["published:ambiguous"])
    pipeline.process_item(item)
    assert item.published is None
    assert item.flags == ["published:unparsed"]
    assert stats["corpus/date/unparsed/published"] == 1


def test_missing_raw_date_is_counted_not_flagged() -> None:
    pipeline, stats = date_pipeline()
    item = article()
    pipeline.process_item(item)
    assert item.flags == []
    assert stats["corpus/date/missing/published"] == 1


def test_debate_date_comes_from_the_gid_and_agrees_with_the_welsh_lead_line() -> None:
    pipeline, stats = date_pipeline()
    item = debate("2025-02-10a.1.1", interface="cy", date_raw="10 Chwefror 2025")
    pipeline.process_item(item)
    assert item.date == "2025-02-10"
    assert item.flags == []
    assert stats["corpus/date/parsed"] == 1


def test_debate_date_disagreeing_with_the_gid_keeps_the_gid_and_is_flagged() -> None:
    pipeline, stats = date_pipeline()
    item = debate("2025-02-10a.1.1", date_raw="11 February 2025")
    pipeline.process_item(item)
    assert item.date == "2025-02-10"
    assert item.flags == ["date:lead_mismatch"]
    assert stats["corpus/date/gid_mismatch"] == 1


def test_merged_debate_checks_the_lead_line_date_of_every_interface() -> None:
    pipeline, stats = date_pipeline()
    item = debate("2025-02-10a.1.1", date_raw={"cy": "11 Chwefror 2025", "en": "10 February 2025"})
    pipeline.process_item(item)
    assert item.date == "2025-02-10"
    assert sorted(item.flags) == ["date:interface_disagreement", "date:lead_mismatch"]
    assert stats["corpus/date/parsed"] == 2
    assert stats["corpus/date/interface_disagreement"] == 1


def test_without_a_gid_date_the_preferred_interface_lead_line_wins() -> None:
    date_raw = {"cy": "Mawrth, 11 Mawrth 2025", "en": "Monday 10 March 2025"}
    for preferred, expected in (("en", "2025-03-10"), ("cy", "2025-03-11")):
        pipeline, stats = date_pipeline({"NORMALISE_PREFERRED_INTERFACE": preferred})
        item = debate("", date_raw=dict(date_raw))
        pipeline.process_item(item)
        assert item.date == expected
        assert item.flags == ["date:interface_disagreement"]
        assert stats["corpus/date/interface_disagreement"] == 1


def test_a_debate_date_and_its_flags_are_decided_anew_on_every_record() -> None:
    pipeline, stats = date_pipeline()
    # As a stored record once was: a mismatch since corrected on the page.
    item = debate(
        "2025-02-10a.1.1",
        date_raw={"cy": "10 Chwefror 2025", "en": "10 February 2025"},
        date="2025-02-11",
        flags=["date:lead_mismatch", "id:from_first_speech"],
    )
    pipeline.process_item(item)
    assert item.date == "2025-02-10"
    assert item.flags == ["id:from_first_speech"]
    assert "corpus/date/gid_mismatch" not in stats


def test_debate_date_from_the_lead_line_when_the_id_has_no_date() -> None:
    pipeline, _ = date_pipeline()
    item = debate("", date_raw="Mawrth, 11 Mawrth 2025")
    pipeline.process_item(item)
    assert item.date == "2025-03-11"


def test_unreadable_debate_date_is_flagged() -> None:
    pipeline, stats = date_pipeline()
    item = debate(date_raw="Tŷ'r Cyffredin")
    pipeline.process_item(item)
    assert item.date == "2025-02-11"
    assert item.flags == ["date:unparsed"]
    assert stats["corpus/date/unparsed/debate_date"] == 1


def _speeches(*stamps: str | None) -> list[Speech]:
    return [
        Speech(id=f"2025-02-11a.190.{i}", text="…", time_raw=stamp)
        for i, stamp in enumerate(stamps)
    ]


def test_speech_times_follow_the_lead_line_time() -> None:
    # sample_pages/www.theyworkforyou.com/debates/id-2025-02-11a.190.0.html
    pipeline, stats = date_pipeline()
    speeches = _speeches(
        "12:31, 11 February 2025", None, "12:58, 11 February 2025", " 1:14, 11 February 2025", None
    )
    item = debate(date_raw="at 12:31 pm on 11 February 2025", speeches=speeches)
    pipeline.process_item(item)
    assert [s.time for s in speeches] == ["12:31", "12:31", "12:58", "13:14", "13:14"]
    assert [s.time_raw for s in speeches][3] == " 1:14, 11 February 2025"
    assert all(s.flags == [] for s in speeches)
    assert stats["corpus/date/parsed"] == 4


def test_welsh_speech_times_follow_the_welsh_lead_line_time() -> None:
    pipeline, _ = date_pipeline()
    speeches = _speeches(
        "12:31, 11 Chwefror 2025", "12:58, 11 Chwefror 2025", " 1:14, 11 Chwefror 2025"
    )
    item = debate(interface="cy", date_raw="am 12:31 pm ar 11 Chwefror 2025", speeches=speeches)
    pipeline.process_item(item)
    assert [s.time for s in speeches] == ["12:31", "12:58", "13:14"]


def test_speech_times_without_am_pm_lead_time_or_sitting_hours_are_flagged_ambiguous() -> None:
    pipeline, stats = date_pipeline()
    # A Saturday: crawler/data/houses.json has no Commons hours for it.
    speeches = _speeches("12:31, 19 October 2019", None, " 1:14, 19 October 2019")
    item = debate("2019-10-19a.571.0", date_raw="19 October 2019", speeches=speeches)
    pipeline.process_item(item)
    assert [s.time for s in speeches] == [None, None, None]
    assert [s.flags for s in speeches] == [["time:ambiguous"], [], ["time:ambiguous"]]
    assert stats["corpus/date/ambiguous"] == 2
    assert stats["corpus/date/ambiguous/speech_time"] == 2
    assert stats["corpus/date/speech_time/no_sitting_hours"] == 2


def test_one_unambiguous_time_settles_the_ones_after_it() -> None:
    pipeline, _ = date_pipeline()
    speeches = _speeches(
        "2:33 pm, 3rd November 2025", " 2:50,  3 November 2025", " 3:05,  3 November 2025"
    )
    pipeline.process_item(debate("2025-11-03a.615.0", speeches=speeches))
    assert [s.time for s in speeches] == ["14:33", "14:50", "15:05"]


def test_items_of_other_types_pass_through_untouched() -> None:
    pipeline, stats = date_pipeline()
    link = LinkItem(
        id="l1",
        article_id="a",
        debate_id="d",
        speech_id="s",
        quote="q",
        article_start=0,
        article_end=1,
        speech_start=0,
        speech_end=1,
        score=1.0,
        kind="exact",
    )
    assert pipeline.process_item(link) is link
    assert not any(key.startswith("corpus/date/") for key in stats)


def test_timezone_setting_applies_to_zoneless_times() -> None:
    pipeline, _ = date_pipeline({"NORMALISE_DATES_TIMEZONE": "UTC"})
    item = article(published_raw="10 July 2025 14:33")
    pipeline.process_item(item)
    assert item.published == "2025-07-10T14:33+00:00"


def test_date_pipeline_is_off_when_disabled() -> None:
    with pytest.raises(NotConfigured):
        date_pipeline({"NORMALISE_DATES_ENABLED": False})


def test_close_reports_cache_use_and_unreadable_dates(caplog: pytest.LogCaptureFixture) -> None:
    pipeline, stats = date_pipeline({"NORMALISE_DATES_CACHE_SIZE": 64})
    for _ in range(3):
        pipeline.process_item(
            article(published_raw="Mercher,  5 Chwefror 2025", modified_raw="sometime")
        )
    with caplog.at_level(logging.INFO, logger="pipelines.dates"):
        pipeline.close_spider()
    assert stats["corpus/date/cache_misses"] == 2
    assert stats["corpus/date/cache_hits"] == 4
    assert "'sometime' x3" in caplog.text


# -- parties ----------------------------------------------------------------------


def _speech(**party_raw: str) -> Speech:
    return Speech(
        id="2025-02-10a.1.6", text="…", speaker_name="Chris McDonald", party_raw=dict(party_raw)
    )


def test_party_is_set_from_the_english_label() -> None:
    pipeline, stats = party_pipeline()
    speech = _speech(en="Labour/Co-operative")
    pipeline.process_item(speech)
    assert speech.party == "labour-coop"
    assert speech.flags == []
    assert stats["corpus/party/matched"] == 1


def test_party_is_set_from_a_welsh_label_alone() -> None:
    # sample_pages/cy.theyworkforyou.com: "Llafur, Stockton North"
    pipeline, _ = party_pipeline()
    speech = _speech(cy="Llafur")
    pipeline.process_item(debate(speeches=[speech]))
    assert speech.party == "labour"


def test_english_label_wins_a_disagreement_which_is_counted_and_flagged() -> None:
    pipeline, stats = party_pipeline()
    speech = _speech(en="Independent", cy="Llafur")
    pipeline.process_item(speech)
    assert speech.party == "independent"
    assert speech.flags == ["party:disagreement"]
    assert stats["corpus/party/disagreement"] == 1


def test_agreeing_labels_of_both_interfaces_are_no_disagreement() -> None:
    pipeline, stats = party_pipeline()
    speech = _speech(en="Liberal Democrat", cy="Democratiaid Rhyddfrydol")
    pipeline.process_item(speech)
    assert speech.party == "liberal-democrat"
    assert "corpus/party/disagreement" not in stats


def test_known_welsh_label_is_used_when_the_english_one_is_unknown() -> None:
    pipeline, stats = party_pipeline()
    speech = _speech(en="Lab (suspended)", cy="Llafur")
    pipeline.process_item(speech)
    assert speech.party == "labour"
    assert stats["corpus/party/unknown_label"] == 1


def test_unknown_label_is_flagged_counted_and_listed_at_close(
    caplog: pytest.LogCaptureFixture,
) -> None:
    pipeline, stats = party_pipeline()
    speeches = [
        _speech(en="Yorkshire Party"),
        _speech(en="Yorkshire Party"),
        _speech(en="SNP"),
    ]
    pipeline.process_item(debate(speeches=speeches))
    assert [s.party for s in speeches] == [None, None, "snp"]
    assert speeches[0].flags == ["party:unknown"]
    assert stats["corpus/party/unknown"] == 2
    with caplog.at_level(logging.INFO, logger="pipelines.parties"):
        pipeline.close_spider()
    assert "'Yorkshire Party' x2" in caplog.text
    assert stats["corpus/party/unknown_distinct"] == 1


def test_speech_without_a_label_is_counted_absent_and_has_no_party() -> None:
    pipeline, stats = party_pipeline()
    speech = _speech()
    speech.party = "labour"  # as an earlier decision left it: labels are the only source
    pipeline.process_item(speech)
    assert speech.party is None
    assert speech.flags == []
    assert stats["corpus/party/absent"] == 1


def test_party_flags_are_decided_anew_on_every_record() -> None:
    pipeline, stats = party_pipeline()
    speech = _speech(en="Labour", cy="Llafur")
    speech.flags = ["party:disagreement", "party:unknown", "speaker:unlinked"]
    pipeline.process_item(speech)
    assert speech.party == "labour"
    assert speech.flags == ["speaker:unlinked"]
    assert "corpus/party/disagreement" not in stats


def test_party_raw_is_never_changed() -> None:
    pipeline, _ = party_pipeline()
    speech = _speech(en=" Labour ", cy="Llafur")
    pipeline.process_item(speech)
    assert speech.party_raw == {"en": " Labour ", "cy": "Llafur"}


def test_preferred_interface_is_a_setting() -> None:
    pipeline, _ = party_pipeline({"NORMALISE_PREFERRED_INTERFACE": "cy"})
    speech = _speech(en="Independent", cy="Llafur")
    pipeline.process_item(speech)
    assert speech.party == "labour"


def test_party_table_is_a_setting(tmp_path: Path) -> None:
    table = tmp_path / "parties.csv"
    table.write_text(
        "# test table\nid,name_en,name_cy,aliases\nworkers,Workers Party,Workers Party,WPB\n",
        encoding="utf-8",
    )
    pipeline, _ = party_pipeline({"NORMALISE_PARTIES_TABLE": str(table)})
    speech = _speech(en="WPB")
    pipeline.process_item(speech)
    assert speech.party == "workers"


def test_party_pipeline_is_off_when_disabled() -> None:
    with pytest.raises(NotConfigured):
        party_pipeline({"NORMALISE_PARTIES_ENABLED": False})
