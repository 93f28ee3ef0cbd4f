"""``scrapy reextract``: the corpus rebuilt offline from its WARC capture."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

from crawler import settings
from tests.support.altered import CapitalTitlePipeline, is_altered
from tests.support.corpus import BuiltCorpus, copy_corpus, without_run_time_fields
from tests.support.crawl import crawl_env, scrapy_command
from tests.support.pages import ROOT

# The project's pipelines, and the changed "extractor" before them.
ALTERED = json.dumps(
    {**settings.ITEM_PIPELINES, f"{CapitalTitlePipeline.__module__}.CapitalTitlePipeline": 120}
)


def reextract(corpus: Path, *options: str) -> subprocess.CompletedProcess:
    command = scrapy_command("reextract", "-s", f"CORPUS_DIR={corpus}", *options)
    return subprocess.run(
        command, cwd=ROOT, capture_output=True, text=True, timeout=600, env=crawl_env()
    )


def read(folder: Path, name: str) -> list[dict]:
    return [json.loads(line) for line in (folder / f"{name}.jsonl").read_text("utf-8").splitlines()]


def test_unchanged_code_rebuilds_the_same_corpus_and_says_so(
    sample_corpus: BuiltCorpus, tmp_path: Path
) -> None:
    corpus = copy_corpus(sample_corpus.folder, tmp_path / "corpus")
    result = reextract(corpus, "--into", str(tmp_path / "new"))
    assert result.returncode == 0, result.stderr[-3000:]
    assert result.stdout.splitlines()[:3] == [
        "articles: no changes",
        "debates: no changes",
        "links: no changes",
    ]
    for name in ("articles", "debates", "links"):
        assert without_run_time_fields(read(tmp_path / "new", name)) == without_run_time_fields(
            read(corpus, name)
        )
    # The new corpus holds the capture its records cite.
    for article in read(tmp_path / "new", "articles"):
        assert (tmp_path / "new" / "warc" / article["source"]["warc_file"]).is_file()


def test_a_changed_extractor_is_reported_for_exactly_the_records_it_changed(
    sample_corpus: BuiltCorpus, tmp_path: Path
) -> None:
    corpus = copy_corpus(sample_corpus.folder, tmp_path / "corpus")
    expected = sorted(a["id"] for a in read(corpus, "articles") if is_altered(a["title"]))
    assert len(expected) >= 2

    result = reextract(corpus, "-s", f"ITEM_PIPELINES={ALTERED}")
    assert result.returncode == 0, result.stderr[-3000:]
    lines = result.stdout.splitlines()
    assert lines[0] == f"articles: {len(expected)} title changed"
    assert lines[1 : 1 + len(expected)] == [f"  articles {rid}: title" for rid in expected]
    assert lines[1 + len(expected) : 3 + len(expected)] == [
        "debates: no changes",
        "links: no changes",
    ]
    # In place: the corpus now holds the new titles, and nothing was left beside it.
    titles = {a["id"]: a["title"] for a in read(corpus, "articles")}
    assert all(titles[rid] == titles[rid].upper() for rid in expected)
    assert sorted(path.name for path in tmp_path.iterdir()) == ["corpus"]


def test_a_corpus_without_capture_is_refused_with_one_line(tmp_path: Path) -> None:
    (tmp_path / "corpus").mkdir()
    result = reextract(tmp_path / "corpus")
    assert result.returncode == 2
    assert result.stderr.strip() == (
        f"scrapy reextract: no WARC files in {tmp_path / 'corpus' / 'warc'}: "
        "nothing to re-extract from"
    )
