"""The names ``--site`` and ``--party`` accept, resolved to the values records hold.

Records hold an outlet's name (``ArticleItem.site``: "Forces News") and a
canonical party id (``Speech.party``: ``labour``). A filter may name an outlet
by its key (``forcesnews``, as ``crawl -a outlets=`` does) or its name, in any
case, and a party by its id or by any label of the party table, English or
Welsh ("Labour", "Llafur", "Lab"). Values are resolved before the export, so
every spelling of one filter gives the same, byte-identical export; a value
neither table knows is kept as given and matched literally.
"""

from __future__ import annotations

import shlex
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from pathlib import Path

from crawler.export.options import ExportOptions
from crawler.normalise.parties import PartyTable, default_party_table
from crawler.outlets import Outlet, load_outlets


@dataclass(frozen=True)
class Vocabulary:
    """The configured outlets and the party table, which filter values are resolved with."""

    outlets: tuple[Outlet, ...]
    parties: PartyTable

    @classmethod
    def load(
        cls, outlets_file: str | Path | None = None, parties_file: str | Path | None = None
    ) -> Vocabulary:
        """The packaged tables, or the files the crawl's settings name."""
        parties = PartyTable.load(parties_file) if parties_file else default_party_table()
        return cls(tuple(load_outlets(outlets_file)), parties)

    def site(self, value: str) -> str:
        """The outlet name for a key or name in any case; other values as given."""
        folded = value.strip().casefold()
        for outlet in self.outlets:
            if folded in (outlet.key.casefold(), outlet.name.casefold()):
                return outlet.name
        return value

    def party(self, value: str) -> str:
        """The party id for an id or any label of the table; other values as given."""
        if value in self.parties.parties:
            return value
        party = self.parties.lookup(value)
        return party.id if party else value

    def resolve(self, options: ExportOptions) -> ExportOptions:
        """``options`` with sites as outlet names and parties as ids."""
        return replace(
            options,
            sites=tuple(self.site(value) for value in options.sites),
            parties=tuple(self.party(value) for value in options.parties),
        )

    def site_label(self, name: str) -> str:
        """How a site is listed among the valid values: its name, then its key when known."""
        keys = [outlet.key for outlet in self.outlets if outlet.name == name]
        return f"{shlex.quote(name)} ({keys[0]})" if keys else shlex.quote(name)

    def party_label(self, party_id: str) -> str:
        party = self.parties.parties.get(party_id)
        return f"{party_id} ({party.name_en})" if party else party_id


def valid_values(seen: Iterable[str], label: Callable[[str], str] = shlex.quote) -> str:
    """The values a filter can match in this corpus, as one phrase for a warning."""
    values = sorted(value for value in set(seen) if value)
    if not values:
        return "the corpus has none"
    return "valid values: " + ", ".join(label(value) for value in values)
