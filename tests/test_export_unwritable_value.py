"""A stored value no export format can write is a one-line error, not a traceback."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from crawler.corpus.store import STORE_FILENAME
from crawler.export import ExportError, ExportOptions, export
from tests.support.corpus import BuiltCorpus


def test_nan_beside_an_integer_beyond_64_bits_is_an_export_error(
    sample_corpus_copy: BuiltCorpus, tmp_path: Path
) -> None:
    # orjson cannot encode the integer and the json module refuses the NaN.
    with sqlite3.connect(sample_corpus_copy.folder / STORE_FILENAME) as conn:
        record_id, text = conn.execute("SELECT id, record FROM articles LIMIT 1").fetchone()
        record = json.loads(text)
        record["extraction"] = {**(record.get("extraction") or {}), "odd": [float("nan"), 2**70]}
        conn.execute(
            "UPDATE articles SET record = ? WHERE id = ?",
            (json.dumps(record, sort_keys=True), record_id),
        )
    with pytest.raises(ExportError, match="cannot write"):
        export(sample_corpus_copy.folder, tmp_path / "out", ExportOptions(format="jsonl"))
