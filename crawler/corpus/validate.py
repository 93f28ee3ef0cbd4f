"""Check records against the JSON Schemas in ``crawler/schemas/`` before they are stored.

The schemas are the snapshot's contract with researchers: every line of
``articles.jsonl``, ``debates.jsonl`` and ``links.jsonl`` follows them. The
validators are compiled to Python once per process with fastjsonschema
(``bench/bench_store_safety.py`` measures the cost per record).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from functools import cache
from typing import Any

import fastjsonschema

from crawler.packaged import packaged

RECORD_TYPES = ("article", "debate", "link")


@cache
def compiled(record_type: str) -> Callable[[Any], Any]:
    if record_type not in RECORD_TYPES:
        raise ValueError(f"no schema for record type {record_type!r}")
    schema = json.loads(packaged("schemas", f"{record_type}.schema.json").read_text("utf-8"))
    return fastjsonschema.compile(schema)


class RecordValidator:
    """``problem("article", record)`` is ``None`` for a valid record, else one line saying why."""

    def __init__(self) -> None:
        self.validators = {record_type: compiled(record_type) for record_type in RECORD_TYPES}

    def problem(self, record_type: str, record: dict[str, Any]) -> str | None:
        try:
            self.validators[record_type](record)
        except fastjsonschema.JsonSchemaValueException as error:
            value = repr(error.value)
            if len(value) > 80:
                value = value[:77] + "..."
            return f"{error.message} (got {value})"
        return None
