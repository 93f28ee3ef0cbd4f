"""The export states the terms of each source its debates were read from: TheyWorkForYou,
the official Hansard API (Open Parliament Licence) and the Senedd Record (Open Government
Licence, not confirmed), in the data card and in datapackage.json."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.support.corpus import BuiltCorpus
from tests.test_export import read_jsonl, run_export

OPL_ATTRIBUTION = (
    "Contains Parliamentary information licensed under the Open Parliament Licence v3.0."
)
# The card's terms as a corpus read only from TheyWorkForYou has always stated them.
TWFY_ONLY_TERMS = [
    "- **Parliamentary text** (the speeches, their headings and speaker lines, and the "
    "`quote` of each link): Parliamentary copyright, reusable under the [Open Parliament "
    "Licence v3.0](https://www.parliament.uk/site-information/copyright-parliament/"
    f'open-parliament-licence/). Reuse must carry the attribution statement: "{OPL_ATTRIBUTION}"',
    "- **TheyWorkForYou** (mySociety): the records were taken from its pages; its own data "
    "(member lists, person ids) is under the terms at "
    "https://www.theyworkforyou.com/api/terms#licensing, which ask for an attribution such "
    'as "Data service provided by TheyWorkForYou".',
]


def terms(folder: Path) -> list[str]:
    """The card's items on parliamentary text, before the news text's."""
    lines = (folder / "README.md").read_text("utf-8").split("## Licences and terms\n\n")[1]
    return lines.split("\n- **News text**")[0].splitlines()


def citation(folder: Path) -> str:
    card = (folder / "README.md").read_text("utf-8").splitlines()
    return next(line for line in card if line.startswith("> ") and "Version: sha256:" in line)


def licences(folder: Path) -> dict[str, list[str]]:
    package = json.loads((folder / "datapackage.json").read_text("utf-8"))
    found = {"package": [licence["name"] for licence in package["licenses"]]}
    for resource in package["resources"]:
        found[resource["name"]] = [licence["name"] for licence in resource["licenses"]]
    return found


def sources(corpus: BuiltCorpus, folder: Path) -> set[str]:
    """The ``sources`` of the stored debates the export's speeches belong to."""
    exported = {row["debate_id"] for row in read_jsonl(folder / "speeches.jsonl")}
    debates = read_jsonl(corpus.folder / "debates.jsonl")
    return {
        source for debate in debates if debate["id"] in exported for source in debate["sources"]
    }


def test_debates_read_only_from_theyworkforyou_keep_the_terms_stated_so_far(
    sample_corpus: BuiltCorpus, tmp_path: Path
) -> None:
    folder = run_export(
        sample_corpus.folder, tmp_path / "out", since="2025-02-11", until="2025-02-11"
    )
    assert sources(sample_corpus, folder) == {"twfy"}
    assert terms(folder) == TWFY_ONLY_TERMS
    assert citation(folder).endswith(f"{OPL_ATTRIBUTION} Data service provided by TheyWorkForYou.")
    assert licences(folder)["package"] == ["OPL-3.0", "TheyWorkForYou-terms", "publisher-copyright"]
    assert licences(folder)["speeches"] == ["OPL-3.0", "TheyWorkForYou-terms"]


def test_official_hansard_debates_are_under_the_opl_without_theyworkforyou_terms(
    sample_corpus: BuiltCorpus, tmp_path: Path
) -> None:
    folder = run_export(sample_corpus.folder, tmp_path / "out", houses=("westminster-hall",))
    assert sources(sample_corpus, folder) == {"hansard"}
    lines = terms(folder)
    assert [line.split("**")[1] for line in lines] == ["Parliamentary text", "Official Hansard"]
    assert f'attribution statement: "{OPL_ATTRIBUTION}"' in lines[0]
    assert "TheyWorkForYou" not in citation(folder)
    assert citation(folder).endswith(OPL_ATTRIBUTION)
    assert licences(folder)["speeches"] == licences(folder)["links"] == ["OPL-3.0"]


def test_senedd_debates_are_labelled_open_government_licence_not_confirmed(
    sample_corpus: BuiltCorpus, tmp_path: Path
) -> None:
    folder = run_export(sample_corpus.folder, tmp_path / "out", houses=("senedd",))
    assert sources(sample_corpus, folder) == {"senedd"}
    (line,) = terms(folder)
    assert line.startswith("- **Senedd text**")
    assert "Senedd Commission copyright" in line
    assert "[Open Government Licence v3.0]" in line and "**this is not confirmed**" in line
    card = (folder / "README.md").read_text("utf-8")
    assert "Open Parliament Licence" not in card
    assert "TheyWorkForYou" not in citation(folder)
    assert licences(folder)["speeches"] == licences(folder)["links"] == ["OGL-UK-3.0"]
    assert licences(folder)["package"] == ["OGL-UK-3.0", "publisher-copyright"]


@pytest.mark.parametrize("text_option", [{"article_text": False}, {"shareable": True}])
def test_a_corpus_of_every_source_states_each_ones_terms(
    sample_corpus: BuiltCorpus, tmp_path: Path, text_option: dict[str, bool]
) -> None:
    folder = run_export(sample_corpus.folder, tmp_path / "out", **text_option)
    assert sources(sample_corpus, folder) == {"twfy", "hansard", "senedd"}
    assert [line.split("**")[1] for line in terms(folder)] == [
        "Parliamentary text",
        "Official Hansard",
        "TheyWorkForYou",
        "Senedd text",
    ]
    assert licences(folder)["speeches"] == ["OPL-3.0", "TheyWorkForYou-terms", "OGL-UK-3.0"]
    assert licences(folder)["links"] == ["OPL-3.0", "OGL-UK-3.0"]
    # The quotes are no longer said to be all under the Open Parliament Licence.
    card = (folder / "README.md").read_text("utf-8")
    assert "under the terms of the speech they come from (above)" in card
    assert "Open Parliament Licence like the speech" not in card
