"""Editable copies of sample_pages/ for tests that change a saved page between crawls."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from tests.support.crawl import SAMPLE_PAGES


def copy_sample_pages(target: Path) -> Path:
    shutil.copytree(SAMPLE_PAGES, target)
    return target


def edit_page(folder: Path, url: str, replacements: list[tuple[str, str]], **headers: str) -> None:
    """Replace text in the saved page of ``url`` (each old text must be there) and its headers."""
    manifest = folder / "manifest.jsonl"
    entries = [json.loads(line) for line in manifest.read_text("utf-8").splitlines() if line]
    entry = next(entry for entry in entries if entry["url"] == url)
    page = folder / entry["path"]
    content = page.read_text("utf-8")
    for old, new in replacements:
        assert old in content, f"{old!r} is not in {page}"
        content = content.replace(old, new)
    page.write_text(content, "utf-8")
    entry.setdefault("headers", {}).update({k.replace("_", "-"): v for k, v in headers.items()})
    manifest.write_text("".join(json.dumps(e, ensure_ascii=False) + "\n" for e in entries), "utf-8")
