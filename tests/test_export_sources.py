"""Exports of the sample corpus carry what the official Hansard and the Senedd add: the
debate's sources and titles on every speech row, and a translation link highlighted in
the text it matched."""

from __future__ import annotations

import html
import json
import re
from pathlib import Path

from crawler.export import ExportOptions, export
from crawler.linking.linker import linked_text
from tests.support.corpus import BuiltCorpus


def speech_rows(folder: Path) -> dict[str, dict]:
    lines = (folder / "speeches.jsonl").read_text("utf-8").splitlines()
    return {row["id"]: row for row in map(json.loads, lines)}


def test_speech_rows_carry_their_debates_sources_titles_and_stage(
    sample_corpus: BuiltCorpus, tmp_path: Path
) -> None:
    folder = tmp_path / "jsonl"
    export(sample_corpus.folder, folder, ExportOptions(format="jsonl"))
    rows = speech_rows(folder)
    debates = {record["id"]: record for record in sample_corpus.read("debates")}
    for row in rows.values():
        debate = debates[row["debate_id"]]
        assert row["debate_sources"] == debate["sources"]
        assert row["debate_source_ids"] == debate["source_ids"]
        assert row["debate_titles"] == debate.get("titles", {})
        assert row["publication_stage"] == debate.get("publication_stage")
    seed = rows["2025-02-10a.1.2"]
    assert seed["debate_sources"] == ["hansard", "twfy"]
    assert seed["publication_stage"] is not None
    senedd = next(row for row in rows.values() if row["house"] == "senedd")
    assert set(senedd["debate_titles"]) == {"cy", "en"}


def test_the_link_browser_highlights_the_text_a_link_matched_in_its_language(
    sample_corpus: BuiltCorpus, tmp_path: Path
) -> None:
    folder = tmp_path / "html"
    export(sample_corpus.folder, folder, ExportOptions(format="html"))
    speeches = {
        speech["id"]: speech
        for debate in sample_corpus.read("debates")
        for speech in debate["speeches"]
    }
    translations = [
        link for link in sample_corpus.read("links") if link["speech_text"] == "translation"
    ]
    assert {link["speech_language"] for link in translations} == {"cy", "en"}
    pages = "".join(path.read_text("utf-8") for path in (folder / "articles").glob("*.html"))
    marked = {html.unescape(m) for m in re.findall(r'<mark class="matched">([^<]*)</mark>', pages)}
    for link in translations:
        text = linked_text(speeches[link["speech_id"]], link)
        assert text[link["speech_start"] : link["speech_end"]] in marked
