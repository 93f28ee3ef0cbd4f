"""Every format has one writer; the HTML export's pages are part of its checksums and folder."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from crawler.export import FORMATS
from crawler.export.writers import WRITERS
from tests.test_export import JSONL_FILES, build_corpus, files_in, run_export


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_corpus(tmp_path_factory.mktemp("corpus"))


def test_every_format_has_its_writer():
    assert tuple(WRITERS) == FORMATS
    assert all(writer.format == name for name, writer in WRITERS.items())


def test_an_html_export_lists_its_pages_in_sha256sums(corpus, tmp_path):
    folder = run_export(corpus, tmp_path / "out", format="html")
    listed = [
        line.split("  ", 1)[1]
        for line in (folder / "SHA256SUMS").read_text(encoding="utf-8").splitlines()
    ]
    pages = sorted(f"articles/{page.name}" for page in (folder / "articles").iterdir())
    assert len(pages) == 4
    assert set(pages) <= set(listed)
    assert {"index.html", "summary.html", "browser.css", "browser.js"} <= set(listed)
    assert JSONL_FILES - {"SHA256SUMS"} <= set(listed)


@pytest.mark.skipif(shutil.which("sha256sum") is None, reason="needs coreutils sha256sum")
def test_an_html_export_verifies_with_sha256sum(corpus, tmp_path):
    folder = run_export(corpus, tmp_path / "out", format="html")
    checked = subprocess.run(
        ["sha256sum", "--strict", "-c", "SHA256SUMS"], cwd=folder, capture_output=True
    )
    assert checked.returncode == 0, checked.stdout + checked.stderr


def test_a_jsonl_export_over_an_html_export_removes_its_pages(corpus, tmp_path):
    folder = run_export(corpus, tmp_path / "out", format="html")
    run_export(corpus, folder)
    assert files_in(folder) == JSONL_FILES


def test_two_html_exports_are_byte_identical(corpus, tmp_path):
    first = run_export(corpus, tmp_path / "first", format="html")
    second = run_export(corpus, tmp_path / "elsewhere" / "second", format="html")
    names = sorted(str(p.relative_to(first)) for p in first.rglob("*") if p.is_file())
    assert names == sorted(str(p.relative_to(second)) for p in second.rglob("*") if p.is_file())
    for name in names:
        assert (first / name).read_bytes() == (second / name).read_bytes(), name


def test_an_html_export_removes_page_temporaries_a_killed_export_left(corpus, tmp_path):
    folder = run_export(corpus, tmp_path / "out", format="html")
    (folder / "articles" / ".snapshot-left-by-a-kill.tmp").write_text("<ht", encoding="utf-8")
    run_export(corpus, folder, format="html")
    assert not list((folder / "articles").glob(".snapshot-*"))
