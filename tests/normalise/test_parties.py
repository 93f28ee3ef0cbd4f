"""Party labels from the sites, in English and Welsh, to canonical ids."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from scrapy.settings import Settings

from crawler.errors import SettingError
from crawler.normalise.parties import (
    PARTIES_PATH,
    Party,
    PartyTable,
    default_party_table,
    lookup_party,
    party_key,
    party_table,
)

# Labels as the pages print them: TheyWorkForYou's English interface and its
# Welsh translations (Llafur, Ceidwadwyr, Democratiaid Rhyddfrydol, Annibynnol),
# the Welsh branch names, Hansard's and TheyWorkForYou's codes.
LABELS = [
    ("Labour", "labour"),
    ("Llafur", "labour"),
    ("Llafur Cymru", "labour"),
    ("Welsh Labour", "labour"),
    ("Lab", "labour"),
    ("Labour/Co-operative", "labour-coop"),
    ("Lab/Co-op", "labour-coop"),
    ("Labour (Co-op)", "labour-coop"),
    ("Conservative", "conservative"),
    ("Ceidwadwyr", "conservative"),
    ("Ceidwadwyr Cymreig", "conservative"),
    ("Ceidwadwyr Cymru", "conservative"),
    ("Welsh Conservatives", "conservative"),
    ("Con", "conservative"),
    ("Liberal Democrat", "liberal-democrat"),
    ("Democratiaid Rhyddfrydol", "liberal-democrat"),
    ("Democratiaid Rhyddfrydol Cymru", "liberal-democrat"),
    ("Welsh Liberal Democrats", "liberal-democrat"),
    ("Lib Dem", "liberal-democrat"),
    ("LD", "liberal-democrat"),
    ("LDem", "liberal-democrat"),
    ("Plaid Cymru", "plaid-cymru"),
    ("PC", "plaid-cymru"),
    ("Plaid Cymru – The Party of Wales", "plaid-cymru"),
    ("Scottish National Party", "snp"),
    ("SNP", "snp"),
    ("yr SNP", "snp"),
    ("Green", "green"),
    ("Green Party", "green"),
    ("Reform UK", "reform-uk"),
    ("plaid Reform UK", "reform-uk"),
    ("DUP", "dup"),
    ("Democratic Unionist", "dup"),
    ("Sinn Féin", "sinn-fein"),
    ("SDLP", "sdlp"),
    ("Social Democratic and Labour Party", "sdlp"),
    ("Alliance", "alliance"),
    ("UUP", "uup"),
    ("Ulster Unionist", "uup"),
    ("Independent", "independent"),
    ("Annibynnol", "independent"),
    ("Ind", "independent"),
    ("Speaker", "speaker"),
    ("Deputy Speaker", "deputy-speaker"),
    ("Crossbench", "crossbench"),
    ("XB", "crossbench"),
    ("Non-affiliated", "non-affiliated"),
    ("Non-Afl", "non-affiliated"),
    ("Bishops", "bishops"),
    ("Bishop", "bishops"),
    # The rest of parlparse's party names, as TheyWorkForYou prints them.
    ("Independent Conservative", "independent-conservative"),
    ("Independent Labour", "independent-labour"),
    ("Independent Ulster Unionist", "independent-ulster-unionist"),
    ("Respect", "respect"),
    ("UKIP", "ukip"),
    ("Traditional Unionist Voice", "tuv"),
    ("TUV", "tuv"),
    ("Workers Party of Britain", "workers-party"),
    ("Alba", "alba"),
    ("Your Party", "your-party"),
]


# The party titles the Senedd's member lists serve, in English and in Welsh
# (SeneddCymru/e-petitions spec/fixtures/files/members_{en,cy}.xml), and the bilingual
# label a 2014 committee record prints.
SENEDD_LABELS = [
    ("Welsh Labour and Co-operative Party", "labour-coop"),
    ("Llafur Cymru a chydweithredol", "labour-coop"),
    ("Welsh Labour", "labour"),
    ("Llafur Cymru", "labour"),
    ("Welsh Conservative Party", "conservative"),
    ("Ceidwadwyr Cymreig", "conservative"),
    ("Welsh Green Party", "green"),
    ("Plaid Werdd Cymru", "green"),
    ("Reform UK Wales", "reform-uk"),
    ("Reform UK Cymru", "reform-uk"),
    ("Independent", "independent"),
    ("Annibynnol", "independent"),
    ("Plaid Cymru", "plaid-cymru"),
    ("Welsh National Party", "welsh-national-party"),
    ("Democratiaid Rhyddfrydol Cymru / Welsh Liberal Democrats", "liberal-democrat"),
]


@pytest.mark.parametrize(("label", "party_id"), SENEDD_LABELS)
def test_senedd_member_list_party_titles_map_in_both_languages(label: str, party_id: str) -> None:
    party = lookup_party(label)
    assert party is not None, label
    assert party.id == party_id


def test_welsh_labour_and_co_operative_is_not_welsh_labour() -> None:
    assert lookup_party("Llafur Cymru a chydweithredol") != lookup_party("Llafur Cymru")


@pytest.mark.parametrize(("label", "party_id"), LABELS)
def test_label_maps_to_its_party(label: str, party_id: str) -> None:
    party = lookup_party(label)
    assert party is not None, label
    assert party.id == party_id


@pytest.mark.parametrize(
    ("label", "party_id"),
    [
        ("LABOUR", "labour"),
        ("  Plaid   Cymru ", "plaid-cymru"),
        ("Sinn Fein", "sinn-fein"),
        ("sinn féin", "sinn-fein"),
        ("Lib-Dem", "liberal-democrat"),
        ("LibDem", "liberal-democrat"),
        ("(Lab)", "labour"),
        ("Lab Co-op", "labour-coop"),
        ("labour & co-operative", "labour-coop"),
        ("Plaid Cymru - The Party of Wales", "plaid-cymru"),
        ("Non affiliated", "non-affiliated"),
        ("Deputy-Speaker", "deputy-speaker"),
    ],
)
def test_matching_ignores_case_accents_punctuation_and_spacing(label: str, party_id: str) -> None:
    party = lookup_party(label)
    assert party is not None and party.id == party_id


@pytest.mark.parametrize(
    "label", ["Labour/Co-operative", "Lab/Co-op", "Labour (Co-op)", "LABOUR/CO-OPERATIVE"]
)
def test_labour_co_operative_never_collapses_into_labour(label: str) -> None:
    party = lookup_party(label)
    assert party is not None and party.id == "labour-coop"
    assert party_key(label) != party_key("Labour")


@pytest.mark.parametrize(
    "label",
    ["Monster Raving Loony", "Labour, Bolton West", "Co-op", "Labourer", "", None],
)
def test_unknown_label_gives_none(label: str | None) -> None:
    assert lookup_party(label) is None


def test_party_carries_english_and_welsh_names() -> None:
    assert lookup_party("Llafur") == Party("labour", "Labour", "Llafur")
    assert lookup_party("Independent") == Party("independent", "Independent", "Annibynnol")


def test_table_has_every_required_id() -> None:
    required = {
        "labour",
        "labour-coop",
        "conservative",
        "liberal-democrat",
        "plaid-cymru",
        "snp",
        "green",
        "reform-uk",
        "dup",
        "sinn-fein",
        "sdlp",
        "alliance",
        "uup",
        "independent",
        "speaker",
        "crossbench",
        "non-affiliated",
        "bishops",
    }
    assert required <= set(default_party_table().parties)


def test_every_label_in_the_table_finds_its_own_row() -> None:
    table = PartyTable.load(PARTIES_PATH)
    lines = [
        line
        for line in PARTIES_PATH.read_text(encoding="utf-8").splitlines()
        if not line.startswith("#")
    ]
    for row in csv.DictReader(lines):
        aliases = [alias for alias in row["aliases"].split("|") if alias]
        for label in (row["name_en"], row["name_cy"], *aliases):
            found = table.lookup(label)
            assert found is not None and found.id == row["id"], label


def test_table_refuses_a_label_naming_two_parties(tmp_path: Path) -> None:
    path = tmp_path / "parties.csv"
    path.write_text(
        "id,name_en,name_cy,aliases\nlabour,Labour,Llafur,Lab\nlib,Liberal,Rhyddfrydol,LAB\n",
        encoding="utf-8",
    )
    with pytest.raises(ValueError, match="names both"):
        PartyTable.load(path)


def test_table_refuses_a_duplicate_id() -> None:
    with pytest.raises(ValueError, match="duplicate id"):
        PartyTable([(Party("labour", "Labour", "Llafur"), []), (Party("labour", "Lab", "Lab"), [])])


# --- the table a crawl reads ---------------------------------------------------------------


def test_crawl_reads_the_packaged_table_when_no_file_is_named() -> None:
    assert party_table(Settings({"NORMALISE_PARTIES_TABLE": ""})) is default_party_table()


def test_crawl_reads_the_table_the_setting_names(tmp_path: Path) -> None:
    path = tmp_path / "parties.csv"
    path.write_text(
        "# a comment\nid,name_en,name_cy,aliases\nyorkshire,Yorkshire Party,Yorkshire Party,YP\n",
        encoding="utf-8",
    )
    table = party_table(Settings({"NORMALISE_PARTIES_TABLE": str(path)}))
    assert [party.id for party in table.parties.values()] == ["yorkshire"]
    assert table.lookup("YP") == Party("yorkshire", "Yorkshire Party", "Yorkshire Party")


def test_a_table_file_that_cannot_be_read_is_one_setting_error(tmp_path: Path) -> None:
    path = tmp_path / "nowhere.csv"
    with pytest.raises(SettingError) as raised:
        party_table(Settings({"NORMALISE_PARTIES_TABLE": str(path)}))
    assert str(raised.value) == (
        f"NORMALISE_PARTIES_TABLE {path}: cannot be read "
        f"([Errno 2] No such file or directory: '{path}')"
    )


@pytest.mark.parametrize(
    ("text", "error"),
    [
        ("id,name_en\nlabour,Labour\n", "party table: missing column(s) name_cy"),
        ("label,party\nLabour,labour\n", "party table: missing column(s) id, name_en, name_cy"),
        ("id,name_en,name_cy,aliases\n,Labour,Llafur,Lab\n", "party table: a row has no id"),
        ("id,name_en,name_cy,aliases\nlabour\n", "party table: empty label in row 'labour'"),
    ],
)
def test_a_table_in_another_shape_is_one_setting_error(
    tmp_path: Path, text: str, error: str
) -> None:
    path = tmp_path / "parties.csv"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(SettingError) as raised:
        party_table(Settings({"NORMALISE_PARTIES_TABLE": str(path)}))
    assert str(raised.value).startswith(error)
    assert "\n" not in str(raised.value)
