"""The WARC files an export's records were read from, copied beside the tables (``--warc``).

A record's ``source`` names its WARC file; with ``--warc`` every such file is
copied into ``warc/`` of the export and listed in ``SHA256SUMS``, so the export
carries the exact bytes its citations point at.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

from crawler.export.selection import ReadOnlyCorpus, Selection

WARC_FOLDER = "warc"


def cited_files(corpus: ReadOnlyCorpus, selection: Selection) -> set[str]:
    """Names of the WARC files the selected articles and debates name in ``source``."""
    names: set[str] = set()
    for article_id in selection.articles:
        record = corpus.get("articles", article_id) or {}
        names.update(_files(record.get("source"), per_interface=False))
    for debate_id in selection.debates:
        record = corpus.get("debates", debate_id) or {}
        names.update(_files(record.get("source"), per_interface=True))
    return names


def _files(source: Any, *, per_interface: bool) -> list[str]:
    if not source:
        return []
    sources = source.values() if per_interface else [source]
    return [entry["warc_file"] for entry in sources if entry.get("warc_file")]


def copy_cited_files(
    corpus_dir: Path, folder: Path, names: set[str]
) -> tuple[list[str], list[str]]:
    """Copy the named files into ``folder/warc``; returns (written paths, files not found)."""
    written: list[str] = []
    missing: list[str] = []
    target = folder / WARC_FOLDER
    for name in sorted(names):
        source = corpus_dir / WARC_FOLDER / name
        if not source.is_file():
            missing.append(name)
            continue
        target.mkdir(exist_ok=True)
        temporary = target / f".{name}.tmp"
        shutil.copyfile(source, temporary)
        temporary.replace(target / name)
        written.append(f"{WARC_FOLDER}/{name}")
    return written, missing
