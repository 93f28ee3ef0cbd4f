"""``datapackage.json``: a Frictionless Data Package describing an export's tables.

Resources, field types and descriptions come from the same columns as the data
card (so from the documented fields of crawler/items.py); primary and foreign
keys tie links to articles and speeches, speeches to debates and comments to
articles; each resource names its licence. The JSON Schemas of the corpus's
records are copied beside it, and both carry the schema version
(:data:`crawler.items.SCHEMA_VERSION`).
"""

from __future__ import annotations

from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Any

from crawler.export import rights
from crawler.export.card import (
    CARD_FILE,
    OPL_NAME,
    OPL_URL,
    RECORD_SCHEMAS,
    TWFY_TERMS_URL,
    crawler_identity,
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


def _licences(table: Table, options: ExportOptions) -> list[dict[str, str]]:
    if table.name in ("speeches", "debates", "links"):
        return [OPL, TWFY] if table.name != "links" else [OPL]
    return [NEWS_FACTS] if options.shareable else [NEWS]


def _resource(folder: Path, table: Table, options: ExportOptions, written: set[str]) -> dict:
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
    resource["hash"] = f"sha256:{sha256_of(folder / table.filename)}"
    resource["licenses"] = _licences(table, options)
    if file_format == "csv":
        resource["dialect"] = {"delimiter": ",", "quoteChar": '"', "header": True}
    resource["schema"] = schema
    return resource


def data_package(folder: Path, options: ExportOptions, tables: list[Table]) -> dict[str, Any]:
    """The descriptor of the export in ``folder``, whose data files are written."""
    name, version = crawler_identity()
    written = {table.name for table in tables}
    return {
        "profile": "tabular-data-package",
        "name": "defence-hansard-corpus-export",
        "title": "UK defence news and the Hansard debates they quote",
        "description": f"A research export; {CARD_FILE} is its data card.",
        "schema_version": SCHEMA_VERSION,
        "record_schemas": list(RECORD_SCHEMAS),
        "created_with": {"name": name, "version": version, "command": options.command_line()},
        "licenses": [OPL, TWFY, NEWS_FACTS if options.shareable else NEWS],
        "restricted_fields": {
            kind: rights.fields_by_rows(kind) for kind in (rights.COPYRIGHT, rights.PERSONAL_DATA)
        },
        "resources": [_resource(folder, table, options, written) for table in tables],
    }
