"""The JSON text of a record: one encoder, and the key order exports write.

The store keeps an article or a link that holds exactly its record type's
fields in the form the JSON Lines export writes it (:func:`export_form`,
encoded by :func:`json_bytes`), so the export copies that text through
without decoding and encoding it again. Both sides use these two functions,
which keeps the stored text and the exported line byte for byte the same.
"""

from __future__ import annotations

import dataclasses
import functools
import json
from typing import Any

import orjson

from crawler import items


def json_bytes(value: Any, *, line: bool = False) -> bytes:
    """The one JSON text form of exports, UTF-8 encoded: compact, no NaN (``null``);
    ``line`` ends it with "\\n"."""
    try:
        return orjson.dumps(value, option=orjson.OPT_APPEND_NEWLINE if line else None)
    except TypeError:
        # What orjson does not encode (an integer beyond 64 bits) the json module does.
        text = json.dumps(value, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
        return (text + "\n" if line else text).encode("utf-8")


@functools.cache
def field_order(cls: type) -> tuple[str, ...]:
    """A record type's fields in the order exports write them: ``id`` first, then in
    items.py order."""
    names = [f.name for f in dataclasses.fields(cls)]
    if "id" in names:
        names.remove("id")
        names.insert(0, "id")
    return tuple(names)


def sorted_mapping(mapping: dict[str, Any] | None, first: tuple[str, ...] = ()) -> dict[str, Any]:
    """A copy of ``mapping`` with ``first`` keys leading and the rest sorted (none: ``{}``)."""
    if not mapping:
        return {}
    keys = sorted(mapping)
    if first:
        leading = [key for key in first if key in mapping]
        keys = leading + [key for key in keys if key not in leading]
    return {key: mapping[key] for key in keys}


def sorted_deep(value: Any) -> Any:
    """``value`` with the keys of every object in it sorted, at every depth."""
    if isinstance(value, dict):
        return {key: sorted_deep(value[key]) for key in sorted(value)}
    if isinstance(value, list):
        return [sorted_deep(item) for item in value]
    return value


def export_form(record: dict[str, Any], cls: type) -> dict[str, Any] | None:
    """``record`` as the JSON Lines export writes it when no field is left out: keys in
    :func:`field_order`, an article's comments likewise, and the keys of every object
    within a value sorted (as records stored with sorted keys hold them).

    None when the export would change more than the order: a field missing (the
    export fills its default) or unknown (the export leaves it out), or a
    comment that is not exactly a :class:`~crawler.items.Comment`.
    """
    order = field_order(cls)
    if len(record) != len(order) or not all(name in record for name in order):
        return None
    form = {name: sorted_deep(record[name]) for name in order}
    if cls is items.ArticleItem:
        comments, extraction = record["comments"], record["extraction"]
        if not isinstance(comments, list) or not isinstance(extraction, dict):
            return None
        comment_order = field_order(items.Comment)
        in_order = []
        for comment in comments:
            if not isinstance(comment, dict) or len(comment) != len(comment_order):
                return None
            if not all(name in comment for name in comment_order):
                return None
            in_order.append({name: sorted_deep(comment[name]) for name in comment_order})
        form["comments"] = in_order
    return form
