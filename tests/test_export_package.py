"""datapackage.json: a valid Frictionless Data Package whose keys resolve; schemas and versions."""

from __future__ import annotations

import json
import re
import tomllib
from pathlib import Path

import frictionless
import pyarrow.parquet as pq
import pytest

from crawler.items import SCHEMA_VERSION
from tests.test_export import ROOT, build_corpus, read_jsonl, run_export


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_corpus(tmp_path_factory.mktemp("corpus"))


def descriptor(folder: Path) -> dict:
    return json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))


def errors(report: frictionless.Report) -> list[list[str]]:
    return report.flatten(["type", "message"])


@pytest.mark.parametrize("format", ["csv", "jsonl", "html"])
@pytest.mark.parametrize("options", [{}, {"shareable": True}, {"linked_only": True}])
def test_the_data_package_validates_with_frictionless_data_keys_and_hashes(
    corpus, tmp_path, format, options
):
    folder = run_export(corpus, tmp_path / "out", format=format, **options)
    report = frictionless.validate(str(folder / "datapackage.json"))
    assert report.valid, errors(report)


def test_frictionless_finds_a_link_whose_article_is_not_in_the_export(corpus, tmp_path):
    folder = run_export(corpus, tmp_path / "out", format="csv")
    links = folder / "links.csv"
    links.write_text(
        links.read_text(encoding="utf-8").replace("3f0a9c1be2d47a65", "0000000000000000"),
        encoding="utf-8",
    )
    report = frictionless.validate(str(folder / "datapackage.json"))
    assert "foreign-key" in {error_type for error_type, _ in errors(report)}


def test_the_parquet_data_package_is_a_valid_descriptor_whose_keys_resolve(corpus, tmp_path):
    folder = run_export(corpus, tmp_path / "out", format="parquet")
    package = descriptor(folder)
    assert list(frictionless.Package.metadata_validate(package)) == []
    tables = {
        resource["name"]: pq.read_table(folder / resource["path"]).to_pylist()
        for resource in package["resources"]
    }
    checked = 0
    for resource in package["resources"]:
        for key in resource["schema"].get("foreignKeys", []):
            target = key["reference"]
            present = {
                tuple(row[name] for name in target["fields"]) for row in tables[target["resource"]]
            }
            for row in tables[resource["name"]]:
                assert tuple(row[name] for name in key["fields"]) in present, key
                checked += 1
    assert checked == 2 + 2 + 6 + 1  # links to articles and speeches, speeches, comments


def test_every_table_is_a_resource_with_every_column_typed_and_described(corpus, tmp_path):
    folder = run_export(corpus, tmp_path / "out")
    package = descriptor(folder)
    resources = {resource["path"]: resource for resource in package["resources"]}
    assert set(resources) == {"articles.jsonl", "speeches.jsonl", "links.jsonl"}
    for path, resource in resources.items():
        columns = list(read_jsonl(folder / path)[0])
        fields = resource["schema"]["fields"]
        assert [field["name"] for field in fields] == columns, path
        assert all(field["type"] and field["description"] for field in fields), path
    speech_fields = {f["name"]: f for f in resources["speeches.jsonl"]["schema"]["fields"]}
    assert speech_fields["party_raw"]["description"].startswith("Party label as printed")
    assert speech_fields["sequence"]["type"] == "integer"
    article_fields = {f["name"]: f for f in resources["articles.jsonl"]["schema"]["fields"]}
    assert article_fields["fetched_at"]["type"] == "datetime"
    assert article_fields["published"]["type"] == "string"  # reduced-precision dates too


def test_each_resource_names_its_licence(corpus, tmp_path):
    full = {
        r["name"]: r["licenses"]
        for r in descriptor(run_export(corpus, tmp_path / "a"))["resources"]
    }
    shared = {
        r["name"]: r["licenses"]
        for r in descriptor(run_export(corpus, tmp_path / "b", shareable=True))["resources"]
    }
    assert [licence["name"] for licence in full["speeches"]] == ["OPL-3.0", "TheyWorkForYou-terms"]
    assert [licence["name"] for licence in full["links"]] == ["OPL-3.0"]
    assert [licence["name"] for licence in full["articles"]] == ["publisher-copyright"]
    assert [licence["name"] for licence in shared["articles"]] == ["publication-facts"]


def test_the_export_carries_the_record_schemas_and_the_schema_version(corpus, tmp_path):
    folder = run_export(corpus, tmp_path / "out")
    for name in ("article", "debate", "link"):
        shipped = (ROOT / "crawler" / "schemas" / f"{name}.schema.json").read_bytes()
        assert (folder / f"{name}.schema.json").read_bytes() == shipped
    package = descriptor(folder)
    assert package["schema_version"] == SCHEMA_VERSION
    card = (folder / "README.md").read_text(encoding="utf-8")
    assert f"Records follow schema version {SCHEMA_VERSION}" in card
    assert package["created_with"]["version"] == "0.1.0"


def test_the_changelog_describes_the_current_schema_version():
    changelog = (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
    assert re.search(rf"^## .*schema {re.escape(SCHEMA_VERSION)}\b", changelog, re.MULTILINE)


def test_citation_cff_names_the_project_and_its_version():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    citation = (ROOT / "CITATION.cff").read_text(encoding="utf-8")
    assert "cff-version: 1.2.0" in citation
    assert f'version: "{project["version"]}"' in citation
    assert f"title: {project['name']}" in citation
