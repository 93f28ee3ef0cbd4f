"""Export filters take an outlet by key or name and a party by id or any label."""

from __future__ import annotations

from pathlib import Path

import pytest

from crawler.export import ExportOptions, export
from tests.test_export import (
    UKDJ,
    build_corpus,
    files_in,
    ids,
    read_jsonl,
    run_export,
    scrapy_export,
)


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_corpus(tmp_path_factory.mktemp("corpus"))


def assert_same_export(first: Path, second: Path) -> None:
    assert files_in(first) == files_in(second)
    for name in files_in(first):
        assert (first / name).read_bytes() == (second / name).read_bytes(), name


@pytest.mark.parametrize("spelling", ["ukdj", "UKDJ", "uk defence journal"])
def test_an_outlet_named_by_key_or_in_any_case_gives_the_export_of_its_name(
    corpus, tmp_path, spelling
):
    by_name = run_export(corpus, tmp_path / "name", sites=(UKDJ,))
    other = run_export(corpus, tmp_path / "other", sites=(spelling,))
    assert_same_export(by_name, other)
    assert {row["site"] for row in read_jsonl(other / "articles.jsonl")} == {UKDJ}


@pytest.mark.parametrize("label", ["Labour", "Llafur", "Lab", "LABOUR", "Welsh Labour"])
def test_a_party_named_by_any_label_of_the_table_gives_the_export_of_its_id(
    corpus, tmp_path, label
):
    by_id = run_export(corpus, tmp_path / "id", parties=("labour",))
    by_label = run_export(corpus, tmp_path / "label", parties=(label,))
    assert_same_export(by_id, by_label)
    assert ids(read_jsonl(by_label / "speeches.jsonl")) == [
        "2025-02-10a.1.2",
        "2025-02-18b.120.4",
        "2025-02-18b.120.5",
    ]


def test_party_ids_that_no_label_spells_still_match(corpus, tmp_path):
    # "liberal-democrat" is an id; "snp" is also an alias. Both resolve to themselves.
    folder = run_export(corpus, tmp_path / "out", parties=("liberal-democrat", "snp"))
    assert ids(read_jsonl(folder / "speeches.jsonl")) == ["2025-02-10a.1.1", "2025-03-04c.100.1"]


def test_the_data_card_lists_resolved_values(corpus, tmp_path):
    folder = run_export(corpus, tmp_path / "out", sites=("ukdj",), parties=("Llafur",))
    card = (folder / "README.md").read_text(encoding="utf-8")
    assert "--site 'UK Defence Journal' --party labour" in card
    assert "| `--party` | labour |" in card


def test_an_unknown_party_warns_with_the_parties_the_corpus_has(corpus, tmp_path):
    result = export(corpus, tmp_path / "out", ExportOptions(parties=("Monster Raving Loony",)))
    assert result.warnings == (
        "--party 'Monster Raving Loony' matches no speech in the corpus; valid values: "
        "labour (Labour), liberal-democrat (Liberal Democrat), snp (Scottish National Party)",
    )


def test_a_known_outlet_with_no_articles_warns_with_the_outlets_the_corpus_has(corpus, tmp_path):
    result = export(corpus, tmp_path / "out", ExportOptions(sites=("forcesnews",)))
    assert result.warnings == (
        "--site 'Forces News' matches no article in the corpus; "
        "valid values: 'Navy Lookout', 'UK Defence Journal' (ukdj)",
    )


def test_scrapy_export_takes_outlet_keys_and_party_labels_and_prints_warnings(corpus, tmp_path):
    completed = scrapy_export(
        str(tmp_path / "cmd"),
        "-s",
        f"CORPUS_DIR={corpus}",
        "--site",
        "ukdj",
        "--party",
        "Labour",
        "--party",
        "Plaid Cymru",
    )
    assert completed.returncode == 0, completed.stderr
    assert completed.stderr.strip() == (
        "scrapy export: warning: --party plaid-cymru matches no speech in the corpus; "
        "valid values: labour (Labour), liberal-democrat (Liberal Democrat), "
        "snp (Scottish National Party)"
    )
    expected = run_export(corpus, tmp_path / "fn", sites=(UKDJ,), parties=("labour", "plaid-cymru"))
    assert_same_export(tmp_path / "cmd", expected)
