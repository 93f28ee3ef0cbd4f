"""How the store writes a record's JSON text when orjson cannot encode it."""

from __future__ import annotations

import json

from crawler.corpus.store import dumps
from crawler.items import LinkItem, as_dict


def test_a_record_holding_an_integer_beyond_64_bits_keeps_its_keys_sorted() -> None:
    # The export copies export-form text through but decodes sorted-key text (with
    # orjson, which reads such an integer as a float, as CSV and speech rows do): the
    # record is kept in the form whose every export path writes the same value.
    record = as_dict(
        LinkItem(
            id="l1",
            article_id="a1",
            debate_id="d1",
            speech_id="d1.2",
            quote="£2.5bn",
            article_start=0,
            article_end=6,
            speech_start=2**70,
            speech_end=2**70 + 6,
            score=1.0,
            kind="exact",
        )
    )
    text = dumps(record, LinkItem)
    assert list(json.loads(text)) == sorted(record)
    assert json.loads(text)["speech_start"] == 2**70
    small = {**record, "speech_start": 10, "speech_end": 16}
    assert next(iter(json.loads(dumps(small, LinkItem)))) == "id"
