"""Exported columns and their documentation, read from the record types in crawler/items.py."""

from __future__ import annotations

import ast
import dataclasses
import functools
import inspect
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from crawler import items
from crawler.recordtext import field_order


@dataclass(frozen=True)
class FieldDoc:
    type: str
    description: str | None


@functools.cache
def item_field_docs() -> dict[tuple[str, str], FieldDoc]:
    """``(class, field) -> FieldDoc`` from the attribute docstrings in crawler/items.py."""
    tree = ast.parse(inspect.getsource(items))
    docs: dict[tuple[str, str], FieldDoc] = {}
    for node in tree.body:
        if not isinstance(node, ast.ClassDef):
            continue
        body = node.body
        for statement, following in zip(body, [*body[1:], None], strict=True):
            if not (
                isinstance(statement, ast.AnnAssign) and isinstance(statement.target, ast.Name)
            ):
                continue
            description = None
            if (
                isinstance(following, ast.Expr)
                and isinstance(following.value, ast.Constant)
                and isinstance(following.value.value, str)
            ):
                description = _docstring_as_markdown(following.value.value)
            docs[(node.name, statement.target.id)] = FieldDoc(
                ast.unparse(statement.annotation), description
            )
    return docs


def _docstring_as_markdown(text: str) -> str:
    # reST inline literals (``x``) become Markdown code spans (`x`).
    return " ".join(text.split()).replace("``", "`")


@dataclass(frozen=True)
class Column:
    """One column of an exported table and where its description comes from."""

    name: str
    source: tuple[str, str] | None = None
    """``(items.py class, field)`` whose docstring describes this column."""
    note: str = ""
    """Said before the source's description, or instead of it when items.py has none."""
    type: str | None = None
    """Type when there is no source, or when it differs from the source's."""
    derived_from: str | None = None
    """The column whose value this one is a typed reading of (``published_utc``)."""

    def describe(self) -> tuple[str, str]:
        """``(type, description)`` for the data card."""
        doc = item_field_docs().get(self.source) if self.source else None
        type_ = self.type or (doc.type if doc else "")
        description = " ".join(part for part in (self.note, doc and doc.description) if part)
        return type_, description


def item_columns(cls: type, *, skip: Iterable[str] = ()) -> list[Column]:
    """Columns for a record type's fields: ``id`` first, then in items.py order."""
    skipped = set(skip)
    names = [name for name in field_order(cls) if name not in skipped]
    return [Column(name, (cls.__name__, name), "") for name in names]


def defaults(cls: type) -> dict[str, Any]:
    """A record type's default values, for fields a stored record lacks."""
    values: dict[str, Any] = {}
    for f in dataclasses.fields(cls):
        if f.default is not dataclasses.MISSING:
            values[f.name] = f.default
        elif f.default_factory is not dataclasses.MISSING:
            values[f.name] = f.default_factory()
        else:
            values[f.name] = None
    return values


# Columns the crawler itself stamps with a full ISO 8601 UTC time: typed formats
# store them as timestamps.
STAMPS = frozenset({"fetched_at", "first_seen", "last_changed"})


def logical_type(column: Column) -> str:
    """What a column holds, in the words typed formats share: ``string``, ``integer``,
    ``number``, ``boolean``, ``array``, ``object``, ``datetime`` or ``date``."""
    type_ = column.describe()[0].replace(" | None", "")
    if column.name in STAMPS:
        return "datetime"
    if column.name == "date":
        return "date"
    if type_.startswith("list["):
        return "array"
    if type_.startswith("dict["):
        return "object"
    return {
        "int": "integer",
        "float": "number",
        "bool": "boolean",
        "datetime": "datetime",
        "date": "date",
    }.get(type_, "string")
