"""``scrapy reextract``: the corpus rebuilt offline from its WARC capture."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

from crawler import settings
from tests.support.altered import CapitalTitlePipeline, is_altered
from tests.support.corpus import BuiltCorpus, copy_corpus, without_run_time_fields
from tests.support.crawl import crawl_env, run_crawl, scrapy_command
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


SENEDD_DAY = {"since": "2022-11-08", "until": "2022-11-09"}


def senedd_corpus(folder: Path) -> Path:
    """A corpus of every Senedd agenda item of one sitting, defence business or not."""
    result = run_crawl("senedd", folder, args={**SENEDD_DAY, "all": "1"})
    assert result.returncode == 0, result.stderr[-3000:]
    assert sorted(d["id"] for d in read(folder, "debates")) == [
        "senedd-12920-221108-1",
        "senedd-12920-221108-9",
    ]
    return folder


def test_senedd_debates_crawled_with_all_are_read_again_not_dropped(tmp_path: Path) -> None:
    corpus = senedd_corpus(tmp_path / "corpus")
    result = reextract(corpus, "--into", str(tmp_path / "new"))
    assert result.returncode == 0, result.stderr[-3000:]
    assert result.stdout.splitlines()[:3] == [
        "articles: no changes",
        "debates: no changes",
        "links: no changes",
    ]
    assert without_run_time_fields(read(tmp_path / "new", "debates")) == without_run_time_fields(
        read(corpus, "debates")
    )


def with_unproducible_debate(corpus: Path) -> str:
    """Add a stored debate that cites a captured page the current code makes no such record
    from (as when an extractor change stops producing a record); return its id."""
    debates = read(corpus, "debates")
    orphan = {**debates[0], "id": "senedd-12920-221108-99"}
    lines = [json.dumps(record) for record in [*debates, orphan]]
    (corpus / "debates.jsonl").write_text("\n".join(lines) + "\n", "utf-8")
    return orphan["id"]


def test_records_gone_from_the_rebuild_leave_the_corpus_unchanged_and_exit_1(
    tmp_path: Path,
) -> None:
    corpus = senedd_corpus(tmp_path / "corpus")
    gone = with_unproducible_debate(corpus)
    before = (corpus / "debates.jsonl").read_bytes()

    result = reextract(corpus)
    assert result.returncode == 1
    assert f"  debates {gone}: gone" in result.stdout.splitlines()
    assert result.stderr.strip().splitlines()[-1] == (
        "scrapy reextract: WARNING: 1 record(s) the corpus holds are gone; "
        f"{corpus} was not changed (look with --into FOLDER, replace anyway with --accept-gone)"
    )
    assert (corpus / "debates.jsonl").read_bytes() == before
    assert not [path for path in tmp_path.iterdir() if path.name.startswith(".corpus")]


def test_accept_gone_replaces_the_corpus_without_the_gone_record(tmp_path: Path) -> None:
    corpus = senedd_corpus(tmp_path / "corpus")
    gone = with_unproducible_debate(corpus)

    result = reextract(corpus, "--accept-gone")
    assert result.returncode == 0, result.stderr[-3000:]
    assert gone not in {d["id"] for d in read(corpus, "debates")}
    assert len(read(corpus, "debates")) == 2
