"""Party labels in English or Welsh, to canonical party ids.

The table is ``crawler/data/parties.csv`` (its header comment documents the
columns and sources): one row per party or parliamentary group with its id,
English name, Welsh name and every alias seen in the wild. Labels match when
they are equal after :func:`party_key`, which ignores case, accents,
punctuation and spacing; "Labour/Co-operative" keeps its own row and never
reduces to "labour". An unknown label gives ``None``: nothing is guessed.

    >>> table = PartyTable.load()
    >>> table.lookup("Llafur").id
    'labour'
    >>> table.lookup("Lab/Co-op").id
    'labour-coop'
    >>> table.lookup("Monster Raving Loony") is None
    True
"""

from __future__ import annotations

import csv
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import TYPE_CHECKING

from crawler.errors import SettingError
from crawler.packaged import packaged

if TYPE_CHECKING:
    from scrapy.settings import BaseSettings

PARTIES_PATH = packaged("data", "parties.csv")
COLUMNS = ("id", "name_en", "name_cy")
"""The columns a table must have; ``aliases`` may be left out."""


@dataclass(frozen=True)
class Party:
    """A canonical party or group."""

    id: str
    """Stable id, e.g. ``labour``, ``labour-coop``, ``crossbench``."""
    name_en: str
    name_cy: str


def party_key(label: str) -> str:
    """The form labels are compared in: "Sinn Féin" → ``sinnfein``, "Lab/Co-op" → ``labcoop``.

    Case, accents, punctuation and spacing go; "&" reads as "and".
    """
    decomposed = unicodedata.normalize("NFKD", label.casefold().replace("&", " and "))
    return "".join(c for c in decomposed if c.isalnum() and not unicodedata.combining(c))


class PartyTable:
    """Party lookup by any label in the table."""

    def __init__(self, rows: Iterable[tuple[Party, Iterable[str]]]) -> None:
        self.parties: dict[str, Party] = {}
        self._by_key: dict[str, Party] = {}
        for party, aliases in rows:
            if party.id in self.parties:
                raise SettingError(f"party table: duplicate id {party.id!r}")
            self.parties[party.id] = party
            for label in (party.name_en, party.name_cy, *aliases):
                key = party_key(label)
                if not key:
                    raise SettingError(f"party table: empty label in row {party.id!r}")
                other = self._by_key.get(key)
                if other is not None and other.id != party.id:
                    raise SettingError(
                        f"party table: label {label!r} names both {other.id!r} and {party.id!r}"
                    )
                self._by_key[key] = party

    @classmethod
    def load(cls, path: Traversable | Path | str = PARTIES_PATH) -> PartyTable:
        """Read a table in the ``parties.csv`` format (lines starting ``#`` are comments)."""
        source = Path(path) if isinstance(path, str) else path
        text = source.read_text(encoding="utf-8")
        lines = [
            line
            for line in text.splitlines(keepends=True)
            if line.strip() and not line.lstrip().startswith("#")
        ]
        reader = csv.DictReader(lines)
        missing = [column for column in COLUMNS if column not in (reader.fieldnames or [])]
        if missing:
            raise SettingError(f"party table: missing column(s) {', '.join(missing)}")
        rows = []
        for record in reader:
            # A short row leaves its last columns None.
            fields = {
                column: (record.get(column) or "").strip() for column in (*COLUMNS, "aliases")
            }
            if not fields["id"]:
                raise SettingError(f"party table: a row has no id ({fields['name_en']!r})")
            party = Party(fields["id"], fields["name_en"], fields["name_cy"])
            aliases = [a.strip() for a in fields["aliases"].split("|") if a.strip()]
            rows.append((party, aliases))
        return cls(rows)

    def lookup(self, label: str | None) -> Party | None:
        """The party a label names, or ``None`` when the table does not know it."""
        if not label:
            return None
        return self._by_key.get(party_key(label))

    def __len__(self) -> int:
        return len(self.parties)


@cache
def default_party_table() -> PartyTable:
    """The packaged table, read once per process."""
    return PartyTable.load()


def party_table(settings: BaseSettings) -> PartyTable:
    """The table a crawl reads: the file ``NORMALISE_PARTIES_TABLE`` names, else the packaged one.

    The spider (which tells party lines from offices) and the party pipeline
    (which maps labels to ids) read it through here, so both know the same labels.
    """
    path = settings.get("NORMALISE_PARTIES_TABLE")
    if not path:
        return default_party_table()
    try:
        return PartyTable.load(str(path))
    except (OSError, UnicodeDecodeError, csv.Error) as error:
        raise SettingError(f"NORMALISE_PARTIES_TABLE {path}: cannot be read ({error})") from None


def lookup_party(label: str | None) -> Party | None:
    """:meth:`PartyTable.lookup` on the packaged table."""
    return default_party_table().lookup(label)
