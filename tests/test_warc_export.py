"""``scrapy export --warc``: the WARC files of the exported records, pinned in SHA256SUMS."""

from __future__ import annotations

import hashlib
import json
import subprocess
from pathlib import Path

from tests.support.corpus import BuiltCorpus
from tests.support.crawl import crawl_env, scrapy_command
from tests.support.pages import ROOT


def export(corpus: Path, folder: Path, *options: str) -> subprocess.CompletedProcess:
    command = scrapy_command("export", str(folder), *options, "-s", f"CORPUS_DIR={corpus}")
    return subprocess.run(
        command, cwd=ROOT, capture_output=True, text=True, timeout=300, env=crawl_env()
    )


def checksums(folder: Path) -> dict[str, str]:
    lines = (folder / "SHA256SUMS").read_text("utf-8").splitlines()
    return {name: digest for digest, _, name in (line.partition("  ") for line in lines)}


def test_the_cited_warc_files_are_copied_and_listed(
    sample_corpus: BuiltCorpus, tmp_path: Path
) -> None:
    folder = tmp_path / "export"
    result = export(sample_corpus.folder, folder, "--warc")
    assert result.returncode == 0, result.stderr
    articles = [json.loads(line) for line in (folder / "articles.jsonl").open(encoding="utf-8")]
    cited = {article["source"]["warc_file"] for article in articles}
    assert cited
    listed = checksums(folder)
    for name in cited:
        path = folder / "warc" / name
        assert path.read_bytes() == (sample_corpus.folder / "warc" / name).read_bytes()
        assert listed[f"warc/{name}"] == hashlib.sha256(path.read_bytes()).hexdigest()
    assert "--warc" in (folder / "README.md").read_text("utf-8")


def test_without_the_option_no_warc_files_and_a_reexport_removes_them(
    sample_corpus: BuiltCorpus, tmp_path: Path
) -> None:
    folder = tmp_path / "export"
    assert export(sample_corpus.folder, folder, "--warc").returncode == 0
    assert (folder / "warc").is_dir()
    result = export(sample_corpus.folder, folder)
    assert result.returncode == 0, result.stderr
    assert not (folder / "warc").exists()
    assert not any(name.startswith("warc/") for name in checksums(folder))


def test_speech_rows_carry_their_debates_sources(
    sample_corpus: BuiltCorpus, tmp_path: Path
) -> None:
    folder = tmp_path / "export"
    assert export(sample_corpus.folder, folder).returncode == 0
    debates = {
        record["id"]: record
        for record in map(json.loads, (sample_corpus.folder / "debates.jsonl").open())
    }
    speeches = [json.loads(line) for line in (folder / "speeches.jsonl").open(encoding="utf-8")]
    assert speeches
    for speech in speeches:
        assert speech["debate_source"] == debates[speech["debate_id"]]["source"]
        debate = debates[speech["debate_id"]]
        # One per interface, and the official Hansard's answer of a joined debate.
        joined = ["hansard"] if len(debate.get("sources") or []) > 1 else []
        assert sorted(speech["debate_source"]) == sorted(debate["interfaces"] + joined)
