"""The hansard spider end to end, replaying sample_pages/: member pages and the party table.

The sample's two sitting days hold five speeches by office holders in each
interface: four read their party from a member page, one (person 90006) has
no page on the site.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from crawler.normalise.parties import PARTIES_PATH
from tests.support.crawl import CrawlResult, crawl_in_process
from tests.support.pages import copy_sample_pages, edit_page

WINDOW = {"since": "2025-02-10", "until": "2025-02-11"}
SEED_DEBATE = "https://{host}.theyworkforyou.com/debates/?id=2025-02-10a.1.1"
MCDONALD = "26526"


@pytest.fixture(scope="module")
def both_interfaces(tmp_path_factory: pytest.TempPathFactory) -> CrawlResult:
    corpus = tmp_path_factory.mktemp("hansard") / "corpus"
    result = crawl_in_process("hansard", corpus, args={"interface": "both", **WINDOW})
    assert result.returncode == 0, result.stderr[-3000:]
    return result


def test_office_holders_parties_come_from_member_pages_fetched_once_each(both_interfaces):
    stats = both_interfaces.stats
    assert {
        key.removeprefix("corpus/hansard/"): value
        for key, value in stats.items()
        if key.startswith(("corpus/hansard/party/", "corpus/hansard/member_page/"))
    } == {
        "party/member_page": 12,
        "party/member_page_missing": 2,
        "member_page/fetched": 3,
        "member_page/missing": 1,
        "member_page/reused": 4,
    }


def test_the_speeches_of_a_member_without_a_page_are_flagged(both_interfaces):
    edge = next(d for d in both_interfaces.read("debates") if d["id"] == "2025-02-11a.190.0")
    flagged = {s["id"]: s["person_id"] for s in edge["speeches"] if s["flags"]}
    assert flagged == {"2025-02-11a.192.1": "90006"}
    (missing,) = [s for s in edge["speeches"] if s["person_id"] == "90006"]
    assert (missing["party"], missing["party_raw"], missing["flags"]) == (
        None,
        {},
        ["party:member_page_missing"],
    )


def test_the_table_named_by_the_setting_tells_party_lines_from_offices(tmp_path: Path) -> None:
    # A party too new for the packaged table, on both interfaces' speaker line.
    pages = copy_sample_pages(tmp_path / "pages")
    for host, label in (("www", "Labour"), ("cy", "Llafur")):
        edit_page(
            pages,
            SEED_DEBATE.format(host=host),
            [(f"{label}, Stockton North", "Yorkshire Party, Stockton North")],
        )
    table = tmp_path / "parties.csv"
    table.write_text(
        PARTIES_PATH.read_text(encoding="utf-8") + "yorkshire,Yorkshire Party,Yorkshire Party,\n",
        encoding="utf-8",
    )
    result = crawl_in_process(
        "hansard",
        tmp_path / "corpus",
        replay_dir=pages,
        args={"interface": "both", **WINDOW},
        settings={"NORMALISE_PARTIES_TABLE": table},
    )
    assert result.returncode == 0, result.stderr[-3000:]
    seed = next(d for d in result.read("debates") if d["id"] == "2025-02-10a.1.1")
    (mcdonald,) = [s for s in seed["speeches"] if s["person_id"] == MCDONALD]
    # Read as a party line by the spider, mapped by the pipeline: one table for both.
    assert (mcdonald["party"], mcdonald["party_source"], mcdonald["position"]) == (
        "yorkshire",
        "speaker_line",
        None,
    )
    assert mcdonald["party_raw"] == {"cy": "Yorkshire Party", "en": "Yorkshire Party"}
    assert (mcdonald["constituency"], mcdonald["flags"]) == ("Stockton North", [])
    assert "corpus/hansard/party/speaker_line_confirmed" not in result.stats
