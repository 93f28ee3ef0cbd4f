"""The JSON text of a record: one encoder, and the key order exports write.

The store keeps an article, a debate or a link that holds exactly its record
type's fields in the form the JSON Lines export writes it (:func:`export_text`),
so the export copies an article's or a link's text through without decoding and
encoding it again, and writes a debate's speeches each as stored, cut out of the
debate's text (:func:`debate_parts`), between the debate's cells. Both sides use
these functions, which keeps the stored text and the exported line byte for byte
the same. Any other record is stored with its keys sorted; :func:`in_export_form`
tells the two apart from the first keys of the text alone.
"""

from __future__ import annotations

import dataclasses
import functools
import json
import re
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


def export_text(record: dict[str, Any], cls: type) -> bytes | None:
    """``record`` in its :func:`export_form`, encoded, or None when it must be stored
    another way (with sorted keys): not in that form, holding a value orjson does not
    encode (an integer beyond 64 bits, which the export's decoding reads back as a
    float, would be copied through exact, unlike the same value in CSV or a speech
    row), or a debate whose speeches :func:`debate_parts` would not cut out of the
    text exactly as each is written alone."""
    form = export_form(record, cls)
    if form is None:
        return None
    try:
        text = orjson.dumps(form)
    except TypeError:
        return None
    if cls is items.DebateItem and not _cuts_exactly(text, form):
        return None
    return text


def in_export_form(text: bytes, cls: type) -> bool:
    """Whether a stored record's ``text`` is its :func:`export_form`, told without
    decoding it: its first keys are those of :func:`field_order`, up to the first
    that a sorted-key text (the only other form stored) could not follow with."""
    keys = _FIRST_KEYS[cls]
    at = 1 if text.startswith(b"{") else len(text)
    for key in keys[:-1]:
        if not text.startswith(key, at):
            return False
        at += len(key)
        if text.startswith(b"null,", at):
            at += len(b"null,")
            continue
        end = text.find(b'"', at + 1) if text.startswith(b'"', at) else -1
        if end < 0 or text.find(b"\\", at, end) >= 0:
            # Not a plain string: the full pattern reads escapes (or finds no value).
            return _EXPORT_FORM_START[cls].match(text) is not None
        if not text.startswith(b",", end + 1):
            return False
        at = end + 2
    return text.startswith(keys[-1], at)


def _first_keys(cls: type) -> tuple[bytes, ...]:
    """The keys (``"name":``) an export-form text of ``cls`` starts with: those of
    :func:`field_order` up to the first out of sorted order, which no sorted-key
    text has after the ones before it."""
    order = field_order(cls)
    count = next(n for n in range(1, len(order)) if order[n] < order[n - 1]) + 1
    return tuple(b'"' + name.encode() + b'":' for name in order[:count])


def _form_start(cls: type) -> re.Pattern[bytes]:
    """:func:`_first_keys` as a pattern, each value before the last key a string
    (with any escapes) or null, as those fields hold them."""
    value = rb'(?:"[^"\\]*(?:\\.[^"\\]*)*"|null)'
    return re.compile(rb"\{" + (value + b",").join(_first_keys(cls)))


_RECORD_TYPES = (items.ArticleItem, items.DebateItem, items.LinkItem)
_FIRST_KEYS = {cls: _first_keys(cls) for cls in _RECORD_TYPES}
_EXPORT_FORM_START = {cls: _form_start(cls) for cls in _RECORD_TYPES}

# The debate's field holding its speeches, the one after it (in field_order), and
# what separates two speeches in the stored text: "}," then the next one's first key.
_SPEECHES = b',"speeches":['
_AFTER_SPEECHES = (
    b'],"'
    + field_order(items.DebateItem)[field_order(items.DebateItem).index("speeches") + 1].encode()
    + b'":'
)
_SPEECH_START = b'{"id":'
_BETWEEN_SPEECHES = b"}," + _SPEECH_START
# What follows a speech's id in its text; what comes before and after its party_raw.
_AFTER_SPEECH_ID = b',"' + field_order(items.Speech)[1].encode() + b'":'
_PARTY_RAW = b',"party_raw":'
_AFTER_PARTY_RAW = (
    b',"'
    + field_order(items.Speech)[field_order(items.Speech).index("party_raw") + 1].encode()
    + b'":'
)


def debate_parts(text: bytes) -> tuple[bytes, list[bytes]] | None:
    """A debate stored in its export form, cut into the text of the debate with no
    speeches (``"speeches":[]``) and each speech's text without its opening
    ``{"id":`` and closing ``}``, so the speech's id is the JSON text before
    :func:`speech_id_end`. None when the text has no such places.

    Exact for every debate the store keeps in its export form: :func:`export_text`
    stores a debate so only when this cut gives back each speech as written alone.
    """
    start = text.find(_SPEECHES)
    end = text.rfind(_AFTER_SPEECHES)
    opening = start + len(_SPEECHES)
    if start < 0 or end < opening:
        return None
    frame = text[:opening] + text[end:]
    if end == opening:
        return frame, []
    inner = text[opening:end]
    if not (inner.startswith(_SPEECH_START) and inner.endswith(b"}")):
        return None
    return frame, inner[len(_SPEECH_START) : -1].split(_BETWEEN_SPEECHES)


def speech_id_end(piece: bytes) -> int:
    """Where the id of a speech cut out by :func:`debate_parts` ends in ``piece``."""
    return piece.find(_AFTER_SPEECH_ID)


def speech_party_raw(piece: bytes) -> bytes:
    """The JSON text of the ``party_raw`` of a speech cut out by :func:`debate_parts`
    (exact, as :func:`export_text` checks it when it stores the debate so)."""
    start = piece.find(_PARTY_RAW) + len(_PARTY_RAW)
    return piece[start : piece.find(_AFTER_PARTY_RAW, start)]


def _cuts_exactly(text: bytes, form: dict[str, Any]) -> bool:
    """Whether :func:`debate_parts` cuts ``text`` (``form`` encoded) into its debate
    without speeches and each speech as encoded alone, with a text id ending where
    :func:`speech_id_end` says and a ``party_raw`` object (written as it stands)
    found by :func:`speech_party_raw`."""
    parts = debate_parts(text)
    if parts is None:
        return False
    frame, pieces = parts
    speeches = form["speeches"]
    if frame != orjson.dumps({**form, "speeches": []}) or len(pieces) != len(speeches):
        return False
    for piece, speech in zip(pieces, speeches, strict=True):
        if type(speech["id"]) is not str or type(speech["party_raw"]) is not dict:
            return False
        encoded = orjson.dumps(speech)
        if encoded[len(_SPEECH_START) : -1] != piece:
            return False
        if speech_id_end(piece) != len(orjson.dumps(speech["id"])):
            return False
        if speech_party_raw(piece) != orjson.dumps(speech["party_raw"]):
            return False
    return True
