"""What an export is asked for: the options, checked, in a canonical form."""

from __future__ import annotations

import re
import shlex
from dataclasses import dataclass
from datetime import date

from crawler.houses import READ_HOUSE_IDS

# The formats, in the order ``--help`` lists them; each has a writer in
# crawler/export/writers/ (see crawler.export.writers.WRITERS).
FORMATS = ("jsonl", "csv", "parquet", "html")
HOUSES = READ_HOUSE_IDS
"""The houses ``--house`` accepts: those whose debates some source reads (crawler/houses.py)."""

_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


class ExportError(Exception):
    """The export cannot be made as asked (bad option, missing store, foreign folder)."""


@dataclass(frozen=True)
class ExportOptions:
    """What to export. Repeatable filters are sets: kept sorted and without repeats."""

    format: str = "jsonl"
    since: str | None = None
    until: str | None = None
    sites: tuple[str, ...] = ()
    houses: tuple[str, ...] = ()
    parties: tuple[str, ...] = ()
    linked_only: bool = False
    article_text: bool = True
    shareable: bool = False
    """Leave out every field the data card calls copyright or personal data."""
    warc: bool = False
    """Copy the WARC files the exported records were read from into ``warc/``."""

    def __post_init__(self) -> None:
        if self.format not in FORMATS:
            raise ExportError(f"--format must be one of {', '.join(FORMATS)}, not {self.format!r}")
        for name in ("since", "until"):
            value = getattr(self, name)
            if value is not None and not _is_iso_date(value):
                raise ExportError(f"--{name} takes a date as YYYY-MM-DD, not {value!r}")
        if self.since and self.until and self.since > self.until:
            raise ExportError(f"--since {self.since} is after --until {self.until}")
        unknown = sorted(set(self.houses) - set(HOUSES))
        if unknown:
            raise ExportError(f"--house must be one of {', '.join(HOUSES)}, not {unknown[0]!r}")
        for name, option in (("sites", "--site"), ("houses", "--house"), ("parties", "--party")):
            values = getattr(self, name)
            if any(not value.strip() for value in values):
                raise ExportError(f"{option} needs a value")
            object.__setattr__(self, name, tuple(sorted(set(values))))

    def command_line(self) -> str:
        """The command in canonical form; folders are placeholders so it does not vary."""
        parts = ["--format", self.format]
        if self.since:
            parts += ["--since", self.since]
        if self.until:
            parts += ["--until", self.until]
        for option, values in (("--site", self.sites), ("--house", self.houses)):
            for value in values:
                parts += [option, value]
        for value in self.parties:
            parts += ["--party", value]
        if self.linked_only:
            parts.append("--linked-only")
        if not self.article_text:
            parts.append("--no-article-text")
        if self.shareable:
            parts.append("--shareable")
        if self.warc:
            parts.append("--warc")
        quoted = " ".join(shlex.quote(part) for part in parts)
        return f"scrapy export <folder> {quoted} -s CORPUS_DIR=<corpus folder>"


def _is_iso_date(value: str) -> bool:
    if not _ISO_DATE.fullmatch(value):
        return False
    try:
        date.fromisoformat(value)
    except ValueError:
        return False
    return True
