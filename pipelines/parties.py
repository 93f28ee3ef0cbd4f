"""Canonical party ids for speeches, from the labels their pages print.

A thin wrapper around :mod:`crawler.normalise.parties`. It runs after the merge
stage (:mod:`pipelines.merge`), so ``Speech.party_raw`` holds the label of
every interface the debate was seen in (``{"en": "Labour", "cy": "Llafur"}``);
the pipeline sets ``Speech.party`` to the id the preferred interface's label
maps to, else to the id of another interface's label that the table knows.
When two interfaces' labels map to different parties, the preferred one wins
and the speech is counted and flagged ``party:disagreement``. When no label is
known, ``party`` stays ``None`` and the speech is flagged ``party:unknown``.
The party and these flags are decided anew on every merged record;
``party_raw`` is never changed. Speeches inside a ``DebateItem`` and bare
``Speech`` items are handled alike.

When the spider closes, the labels the table did not know are logged with
their counts: the list to extend ``crawler/data/parties.csv`` from.

Settings (declared in ``crawler/settings.py``):

* ``NORMALISE_PARTIES_ENABLED``: ``False`` turns the pipeline off.
* ``NORMALISE_PARTIES_TABLE`` (empty: the packaged ``crawler/data/parties.csv``):
  path of a table in the same format.
* ``NORMALISE_PREFERRED_INTERFACE``: whose label wins a disagreement.

Stats (``corpus/party/…``): ``matched``, ``unknown`` (speeches with no known
label), ``disagreement``, ``absent`` (no label printed, e.g. an office holder),
``unknown_label`` (label occurrences the table does not know) and, at close,
``unknown_distinct``.
"""

from __future__ import annotations

import logging
from collections import Counter
from typing import TYPE_CHECKING, Any

from scrapy.exceptions import NotConfigured

from crawler.items import DebateItem, Speech
from crawler.normalise.parties import Party, PartyTable, party_table

if TYPE_CHECKING:
    from scrapy.crawler import Crawler
    from scrapy.statscollectors import StatsCollector

logger = logging.getLogger(__name__)

PARTY_FLAGS = ("party:unknown", "party:disagreement")
"""The flags this pipeline decides on a speech."""


class PartyNormalisationPipeline:
    """Sets ``Speech.party`` from ``Speech.party_raw``; repairs and counts, never drops."""

    def __init__(self, stats: StatsCollector, table: PartyTable, *, preferred: str) -> None:
        self.stats = stats
        self.table = table
        self.preferred = preferred
        self.unknown: Counter[str] = Counter()

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> PartyNormalisationPipeline:
        settings = crawler.settings
        if not settings.getbool("NORMALISE_PARTIES_ENABLED"):
            raise NotConfigured("NORMALISE_PARTIES_ENABLED is off")
        # The same table the spider tells party lines from offices with.
        table = party_table(settings)
        assert crawler.stats is not None
        return cls(
            crawler.stats,
            table,
            preferred=settings.get("NORMALISE_PREFERRED_INTERFACE"),
        )

    def process_item(self, item: Any) -> Any:
        if isinstance(item, DebateItem):
            for speech in item.speeches:
                self._speech(speech)
        elif isinstance(item, Speech):
            self._speech(item)
        return item

    def close_spider(self) -> None:
        self.stats.set_value("corpus/party/unknown_distinct", len(self.unknown))
        if self.unknown:
            listed = ", ".join(f"{label!r} x{n}" for label, n in self.unknown.most_common())
            logger.info(
                "Party labels not in the party table: %d distinct, %d occurrences: %s",
                len(self.unknown),
                sum(self.unknown.values()),
                listed,
            )

    def _speech(self, speech: Speech) -> None:
        # Decided anew on every merged record: nothing of an earlier decision stays.
        speech.party = None
        speech.flags[:] = [flag for flag in speech.flags if flag not in PARTY_FLAGS]
        labels = {
            interface: label.strip()
            for interface, label in speech.party_raw.items()
            if label and label.strip()
        }
        if not labels:
            self.stats.inc_value("corpus/party/absent")
            return
        known: dict[str, Party] = {}
        for interface, label in labels.items():
            party = self.table.lookup(label)
            if party is None:
                self.unknown[label] += 1
                self.stats.inc_value("corpus/party/unknown_label")
            else:
                known[interface] = party
        if not known:
            self.stats.inc_value("corpus/party/unknown")
            _add_flag(speech.flags, "party:unknown")
            return
        chosen = known.get(self.preferred) or known[min(known)]
        if len({party.id for party in known.values()}) > 1:
            self.stats.inc_value("corpus/party/disagreement")
            _add_flag(speech.flags, "party:disagreement")
            logger.debug(
                "Speech %s: party labels %r name different parties; keeping %s",
                speech.id,
                labels,
                chosen.id,
            )
        speech.party = chosen.id
        self.stats.inc_value("corpus/party/matched")


def _add_flag(flags: list[str], flag: str) -> None:
    if flag not in flags:
        flags.append(flag)
