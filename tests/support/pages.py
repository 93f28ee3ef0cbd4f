"""Saved pages for tests: ``sample_pages/`` as Scrapy responses, and replay folders.

Every test that reads a saved page or writes a replay folder goes through here:
the pages are looked up with the replay layer's own manifest
(:class:`crawler.replay.Manifest`), so a test sees a page exactly as a crawl
replaying the folder would.
"""

from __future__ import annotations

import json
import shutil
from functools import cache
from pathlib import Path
from typing import Any

from scrapy import Request
from scrapy.http import Headers, Response
from scrapy.responsetypes import responsetypes

from crawler.replay import Manifest

ROOT = Path(__file__).resolve().parents[2]
SAMPLE_PAGES = ROOT / "sample_pages"


@cache
def sample_manifest() -> Manifest:
    """The manifest of ``sample_pages/``, read once per test run."""
    return Manifest.load(SAMPLE_PAGES)


def saved_response(url: str) -> Response:
    """The saved page for ``url`` as the response Scrapy would build for it.

    The response carries ``url`` (not the canonical form the manifest matched),
    the saved status and headers, and its class chosen from them as Scrapy chooses.
    """
    page = sample_manifest().get(url)
    if page is None:
        raise LookupError(f"{url} is not in sample_pages/manifest.jsonl")
    headers = Headers(page.headers)
    body = page.file.read_bytes()
    cls = responsetypes.from_args(headers=headers, url=url, body=body)
    return cls(url=url, status=page.status, headers=headers, body=body, request=Request(url))


def write_replay(folder: Path, entries: list[dict[str, Any]], files: dict[str, str]) -> Path:
    """A replay folder: ``files`` (name -> text) and a manifest of ``entries``."""
    for name, content in files.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(content, encoding="utf-8")
    (folder / "manifest.jsonl").write_text(
        "".join(json.dumps(entry) + "\n" for entry in entries), encoding="utf-8"
    )
    return folder


def copy_sample_pages(target: Path) -> Path:
    """An editable copy of ``sample_pages/``, for tests that change a page between crawls."""
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
