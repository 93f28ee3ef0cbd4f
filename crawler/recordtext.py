"""The JSON text of a record: one encoder, and the key order exports write.

The store keeps an article, a debate or a link that holds exactly its record
type's fields in the form the JSON Lines export writes it (:func:`export_form`,
encoded by :func:`json_bytes`), so the export copies an article's or a link's
text through without decoding and encoding it again, and writes a debate's
speeches each as stored, between the debate's cells. Both sides use these two
functions, which keeps the stored text and the exported line byte for byte the
same.
"""

from __future__ import annotations

import dataclasses
import functools
import json
from typing import Any

import orjson

from crawler import items


class UnwritableValue(ValueError):
    """A value no JSON text form holds: NaN beside an integer beyond 64 bits."""


def json_bytes(value: Any, *, line: bool = False) -> bytes:
    """The one JSON text form of exports, UTF-8 encoded: compact, no NaN (``null``);
    ``line`` ends it with "\\n"."""
    try:
        return orjson.dumps(value, option=orjson.OPT_APPEND_NEWLINE if line else None)
    except TypeError:
        # What orjson does not encode (an integer beyond 64 bits) the json module does.
        try:
            text = json.dumps(value, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
        except ValueError as error:
            raise UnwritableValue(str(error)) from error
        return (text + "\n" if line else text).encode("utf-8")


# Interfaces of TheyWorkForYou a party label can be printed in: a speech's party_raw
# gives these first, in this order, then any other sorted (and CSV a column each).
INTERFACES = ("en", "cy")


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
    :func:`field_order`, an article's comments and a debate's speeches likewise (a
    speech's ``party_raw`` by :data:`INTERFACES` first), and the keys of every other
    object within a value sorted (as records stored with sorted keys hold them).

    None when the export would change more than the order: a field missing (the
    export fills its default) or unknown (the export leaves it out), or a
    comment or speech that is not exactly a :class:`~crawler.items.Comment` or
    :class:`~crawler.items.Speech`.
    """
    form = _in_order(record, cls)
    if form is None:
        return None
    if cls is items.ArticleItem and not isinstance(record["extraction"], dict):
        return None  # the export writes {} for it
    if cls in NESTED:
        name, part = NESTED[cls]
        if not isinstance(record[name], list):
            return None
        parts = [_in_order(value, part) for value in record[name]]
        if any(value is None for value in parts):
            return None
        if part is items.Speech:
            for speech in parts:
                if isinstance(speech["party_raw"], dict):
                    speech["party_raw"] = sorted_mapping(speech["party_raw"], first=INTERFACES)
        form[name] = parts
    return form


# The lists of records within a record, written in their own type's field order.
NESTED: dict[type, tuple[str, type]] = {
    items.ArticleItem: ("comments", items.Comment),
    items.DebateItem: ("speeches", items.Speech),
}


def _in_order(record: Any, cls: type) -> dict[str, Any] | None:
    order = field_order(cls)
    if not isinstance(record, dict) or len(record) != len(order):
        return None
    if not all(name in record for name in order):
        return None
    form = {name: record[name] for name in order}
    for name, value in form.items():
        if isinstance(value, dict | list):  # most values are text: no call for them
            form[name] = sorted_deep(value)
    return form
