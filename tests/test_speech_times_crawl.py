"""A real crawl of a debate whose lead line prints no time: its stamps are read against
the Commons' sitting hours, and each record keeps the stamp as printed.

The replay folder is written per test from sample_pages/: the 11 February 2025 day index,
member pages, and the opposition-day debate cut down to three stamped speeches with the
lead line's time left empty, as TheyWorkForYou prints it when Hansard gives none.
"""

from __future__ import annotations

import json
from pathlib import Path

import lxml.html

from tests.support.crawl import crawl_in_process
from tests.support.pages import SAMPLE_PAGES

DEBATE_URL = "https://www.theyworkforyou.com/debates/?id=2025-02-11a.190.0"
STAMPED = {"g190.1", "g191.2", "g192.1"}
"""The speeches of the sample debate that print a time stamp."""
LEAD_TIME = "at 12:31 pm on"
NO_LEAD_TIME = "at  on"


def _debate_without_lead_time(html: str) -> bytes:
    assert LEAD_TIME in html
    page = lxml.html.fromstring(html.replace(LEAD_TIME, NO_LEAD_TIME))
    for speech in page.xpath('//div[@class="debate-speech"][@id]'):
        if speech.get("id") not in STAMPED:
            speech.drop_tree()
    return lxml.html.tostring(page, doctype="<!DOCTYPE html>", encoding="utf-8")


def write_replay(folder: Path) -> Path:
    """The English pages of 11 February 2025, with the debate cut down and its lead time gone."""
    folder.mkdir()
    entries = []
    for line in (SAMPLE_PAGES / "manifest.jsonl").read_text(encoding="utf-8").splitlines():
        entry = json.loads(line)
        if not entry["url"].startswith("https://www.theyworkforyou.com/"):
            continue
        if "2025-02-10" in entry["url"]:
            continue
        body = (SAMPLE_PAGES / entry["path"]).read_bytes()
        if entry["url"] == DEBATE_URL:
            body = _debate_without_lead_time(body.decode("utf-8"))
        name = entry["path"].replace("/", "_")
        (folder / name).write_bytes(body)
        entries.append({**entry, "path": name})
    (folder / "manifest.jsonl").write_text(
        "".join(json.dumps(entry) + "\n" for entry in entries), encoding="utf-8"
    )
    return folder


def test_stamps_of_a_debate_without_lead_time_are_read_against_sitting_hours(tmp_path):
    replay = write_replay(tmp_path / "replay")
    result = crawl_in_process(
        "hansard",
        tmp_path / "corpus",
        replay_dir=replay,
        args={"interface": "en", "since": "2025-02-11", "until": "2025-02-11"},
    )
    assert result.returncode == 0, result.stderr[-2000:]
    (debate,) = result.read("debates")
    assert debate["id"] == "2025-02-11a.190.0"
    assert debate["date_raw"] == {"en": "11 February 2025"}
    stamped = [(s["time_raw"], s["time"]) for s in debate["speeches"] if s["time_raw"]]
    assert stamped == [
        ("12:31, 11 February 2025", "12:31"),
        ("12:58, 11 February 2025", "12:58"),
        ("1:14, 11 February 2025", "13:14"),
    ]
    assert not any(flag.startswith("time:") for s in debate["speeches"] for flag in s["flags"])
    assert result.stats["corpus/date/speech_time/settled"] == 1
    assert "corpus/date/ambiguous/speech_time" not in result.stats
