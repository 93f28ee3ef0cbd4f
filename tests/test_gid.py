"""The gid type, on gids as TheyWorkForYou pages print them."""

from __future__ import annotations

import pytest

from crawler.gid import Gid, bare

GIDS = [
    # printed, bare, date, revision, column, house, family
    ("2025-02-10a.1.2", "2025-02-10a.1.2", "2025-02-10", "a", "1", None, "2025-02-10.1.2"),
    (
        "uk.org.publicwhip/debate/2025-02-11a.190.0",
        "2025-02-11a.190.0",
        "2025-02-11",
        "a",
        "190",
        "commons",
        "2025-02-11.190.0",
    ),
    (
        "uk.org.publicwhip/westminhall/2024-11-05b.45.3",
        "2024-11-05b.45.3",
        "2024-11-05",
        "b",
        "45",
        "westminster-hall",
        "2024-11-05.45.3",
    ),
    (
        "uk.org.publicwhip/lords/2025-01-20a.GC1.4",
        "2025-01-20a.GC1.4",
        "2025-01-20",
        "a",
        "GC1",
        "lords",
        "2025-01-20.GC1.4",
    ),
    ("2003-06-05.123.4", "2003-06-05.123.4", "2003-06-05", "", "123", None, "2003-06-05.123.4"),
    ("2025-02-10a.7", "2025-02-10a.7", "2025-02-10", "a", None, None, "2025-02-10.7"),
]


@pytest.mark.parametrize(("printed", "text", "day", "revision", "column", "house", "family"), GIDS)
def test_parse(printed, text, day, revision, column, house, family):
    gid = Gid.parse(printed)
    assert gid is not None
    assert (str(gid), gid.date, gid.revision, gid.column, gid.house, gid.family) == (
        text,
        day,
        revision,
        column,
        house,
        family,
    )
    assert Gid.parse(str(gid)).family == gid.family


@pytest.mark.parametrize(
    "text",
    ["", None, "2025-02-30a.1.2", "10 February 2025", "2025-02-10a", "g1.2", "2025-02-10A.1"],
)
def test_not_a_gid(text):
    assert Gid.parse(text) is None


def test_revisions_order_and_share_a_family():
    older, newer = Gid.parse("2025-02-10a.1.0"), Gid.parse("2025-02-10b.1.0")
    assert older.revision < newer.revision and older.family == newer.family
    assert older.in_revision(newer.stem) == "2025-02-10b.1.0"


def test_bare():
    assert bare("uk.org.publicwhip/debate/2025-02-10a.1.0") == "2025-02-10a.1.0"
    assert bare("2025-02-10a.1.0") == "2025-02-10a.1.0"


def test_the_record_schema_accepts_only_gids_the_gid_type_reads() -> None:
    """The debate schema's id pattern is the stored subset of what ``Gid`` reads (a
    revision letter, numeric parts); the two are held together here."""
    import json
    import re

    from crawler.packaged import packaged

    schema = json.loads(packaged("schemas", "debate.schema.json").read_text("utf-8"))
    pattern = re.compile(schema["properties"]["id"]["pattern"])
    for text, *_ in GIDS:
        gid = Gid.parse(text)
        if pattern.match(str(gid)):
            assert gid.revision and gid.rest.replace(".", "").isdigit()
    for text in ("2025-02-10a.1.2", "2025-02-11a.190.0", "2024-11-05b.45.3"):
        assert pattern.match(text) and str(Gid.parse(text)) == text
