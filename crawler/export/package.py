"""``datapackage.json``: a Frictionless Data Package describing an export's tables.

Resources, field types and descriptions come from the same columns as the data
card (so from the documented fields of crawler/items.py); primary and foreign
keys tie links to articles and speeches, speeches to debates and comments to
articles; each resource names its licence. The JSON Schemas of the corpus's
records are copied beside it, and both carry the schema version
(:data:`crawler.items.SCHEMA_VERSION`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Any

from crawler.dedup.sources import TWFY as TWFY_SOURCE
from crawler.export import rights
from crawler.export.card import (
    CARD_FILE,
    OGL_NAME,
    OGL_URL,
    OPL_NAME,
    OPL_URL,
    RECORD_SCHEMAS,
    SENEDD,
    TWFY_TERMS_URL,
    UK_PARLIAMENT_SOURCES,
    crawler_identity,
    parliament_sources,
)
from crawler.export.fields import Column, logical_type
from crawler.export.folder import sha256_of
from crawler.export.options import ExportOptions
from crawler.export.tables import Table
from crawler.items import SCHEMA_VERSION
from crawler.packaged import packaged

MEDIA_TYPES = {
    "jsonl": "application/jsonl",
    "csv": "text/csv",
    "parquet": "application/vnd.apache.parquet",
}
PRIMARY_KEYS = {
    "articles": ["id"],
    "comments": ["article_id", "id"],
    "debates": ["id"],
    "speeches": ["debate_id", "id"],
    "links": ["id"],
}
# (table, its fields) -> (referenced table, its fields); kept when both tables are written.
FOREIGN_KEYS = [
    ("links", ["article_id"], "articles", ["id"]),
    ("links", ["debate_id", "speech_id"], "speeches", ["debate_id", "id"]),
    ("speeches", ["debate_id"], "debates", ["id"]),
    ("comments", ["article_id"], "articles", ["id"]),
]

OPL = {"name": "OPL-3.0", "title": OPL_NAME, "path": OPL_URL}
TWFY = {"name": "TheyWorkForYou-terms", "title": "TheyWorkForYou terms", "path": TWFY_TERMS_URL}
OGL = {
    "name": "OGL-UK-3.0",
    "title": f"{OGL_NAME} (Senedd Record text: stated by third parties, not confirmed; "
    f"see {CARD_FILE}, Licences and terms)",
    "path": OGL_URL,
}
NEWS = {
    "name": "publisher-copyright",
    "title": "Copyright of each publisher and commenter: research use only, not for sharing "
    f"(see {CARD_FILE}, Licences and terms)",
    "path": CARD_FILE,
}
NEWS_FACTS = {
    "name": "publication-facts",
    "title": "Facts about publications, without their text or personal data "
    f"(see {CARD_FILE}, Licences and terms)",
    "path": CARD_FILE,
}


def schema_file(name: str) -> Traversable:
    """A record's JSON Schema, shipped in the package (crawler/schemas/)."""
    return packaged("schemas", name)


def _field(column: Column) -> dict[str, Any]:
    return {
        "name": column.name,
        "type": logical_type(column),
        "description": column.describe()[1],
    }


def parliament_licences(sources: frozenset[str], *, twfy_terms: bool = True) -> list[dict]:
    """The licences of the parliamentary text read from ``sources`` (and TheyWorkForYou's
    terms for its data, unless ``twfy_terms`` is off: links hold none of it)."""
    licences = []
    if sources & UK_PARLIAMENT_SOURCES:
        licences.append(OPL)
    if twfy_terms and TWFY_SOURCE in sources:
        licences.append(TWFY)
    if SENEDD in sources:
        licences.append(OGL)
    return licences


def _licences(table: Table, options: ExportOptions, sources: frozenset[str]) -> list[dict]:
    if table.name in ("speeches", "debates", "links"):
        return parliament_licences(sources, twfy_terms=table.name != "links")
    return [NEWS_FACTS] if options.shareable else [NEWS]


def _resource(
    folder: Path,
    table: Table,
    options: ExportOptions,
    written: set[str],
    sources: frozenset[str],
    digests: Mapping[str, str],
) -> dict:
    schema: dict[str, Any] = {
        "fields": [_field(column) for column in table.columns],
        "primaryKey": PRIMARY_KEYS[table.name],
    }
    foreign = [
        {"fields": fields, "reference": {"resource": target, "fields": target_fields}}
        for source, fields, target, target_fields in FOREIGN_KEYS
        if source == table.name and target in written
    ]
    if foreign:
        schema["foreignKeys"] = foreign
    file_format = Path(table.filename).suffix.removeprefix(".")
    resource: dict[str, Any] = {
        "name": table.name,
        "path": table.filename,
        "profile": "tabular-data-resource",
        "format": file_format,
        "mediatype": MEDIA_TYPES[file_format],
    }
    if file_format != "parquet":
        resource["encoding"] = "utf-8"
    resource["description"] = f"One row per {table.rows_are}."
    resource["bytes"] = (folder / table.filename).stat().st_size
    digest = digests.get(table.filename) or sha256_of(folder / table.filename)
    resource["hash"] = f"sha256:{digest}"
    resource["licenses"] = _licences(table, options, sources)
    if file_format == "csv":
        resource["dialect"] = {"delimiter": ",", "quoteChar": '"', "header": True}
    resource["schema"] = schema
    return resource


def data_package(
    folder: Path,
    options: ExportOptions,
    tables: list[Table],
    debate_sources: Iterable[str] = (),
    digests: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    """The descriptor of the export in ``folder``, whose data files are written;
    ``debate_sources`` are the sources its debates were read from, ``digests`` the
    SHA-256 of data files taken as they were written (the others are read)."""
    name, version = crawler_identity()
    sources = parliament_sources(debate_sources)
    written = {table.name for table in tables}
    return {
        "profile": "tabular-data-package",
        "name": "defence-hansard-corpus-export",
        "title": "UK defence news and the Hansard debates they quote",
        "description": f"A research export; {CARD_FILE} is its data card.",
        "schema_version": SCHEMA_VERSION,
        "record_schemas": list(RECORD_SCHEMAS),
        "created_with": {"name": name, "version": version, "command": options.command_line()},
        "licenses": [*parliament_licences(sources), NEWS_FACTS if options.shareable else NEWS],
        "restricted_fields": {
            kind: rights.fields_by_rows(kind) for kind in (rights.COPYRIGHT, rights.PERSONAL_DATA)
        },
        "resources": [
            _resource(folder, table, options, written, sources, digests or {}) for table in tables
        ],
    }
