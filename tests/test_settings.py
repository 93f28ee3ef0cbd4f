"""Every setting is declared once in crawler/settings.py, read without an inline default,
and documented in README.md.

The reads are found by parsing the code: ``<…>settings.get*("NAME", …)`` and
``<…>settings["NAME"]`` in crawler/ and pipelines/.
"""

from __future__ import annotations

import ast
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import pytest
from scrapy.settings import default_settings

ROOT = Path(__file__).resolve().parent.parent
SETTINGS_FILE = ROOT / "crawler" / "settings.py"
SCANNED = ("crawler", "pipelines")
GETTERS = frozenset(
    {
        "get",
        "getbool",
        "getint",
        "getfloat",
        "getlist",
        "getdict",
        "getdictorlist",
        "getwithbase",
        "getpriority",
    }
)
SCRAPY_SETTINGS = frozenset(name for name in dir(default_settings) if name.isupper())


@dataclass(frozen=True)
class Read:
    path: str
    line: int
    name: str
    has_default: bool

    def __str__(self) -> str:
        return f"{self.path}:{self.line} {self.name}"


def is_settings(node: ast.expr) -> bool:
    """``settings``, ``self.settings``, ``crawler.settings``…"""
    if isinstance(node, ast.Name):
        return node.id == "settings"
    return isinstance(node, ast.Attribute) and node.attr == "settings"


def constant_text(node: ast.expr) -> str | None:
    return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else None


def reads_in(source: str, relative: str) -> list[Read]:
    """The settings read in one module's ``source``."""
    tree = ast.parse(source)
    # A read followed by ``or <something true>`` is a default in disguise.
    defaulted = {
        id(node.values[0])
        for node in ast.walk(tree)
        if isinstance(node, ast.BoolOp)
        and isinstance(node.op, ast.Or)
        and any(isinstance(value, ast.Constant) and value.value for value in node.values[1:])
    }
    found = []
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr in GETTERS
            and is_settings(node.func.value)
            and node.args
            and (name := constant_text(node.args[0]))
        ):
            has_default = len(node.args) > 1 or bool(node.keywords) or id(node) in defaulted
            found.append(Read(relative, node.lineno, name, has_default))
        elif (
            isinstance(node, ast.Subscript)
            and is_settings(node.value)
            and (name := constant_text(node.slice))
        ):
            found.append(Read(relative, node.lineno, name, id(node) in defaulted))
    return found


def all_reads() -> list[Read]:
    paths = sorted(path for folder in SCANNED for path in (ROOT / folder).rglob("*.py"))
    return [
        read
        for path in paths
        for read in reads_in(path.read_text(encoding="utf-8"), path.relative_to(ROOT).as_posix())
    ]


def declarations() -> list[str]:
    """Names assigned at the top level of crawler/settings.py, in order (repeats kept)."""
    tree = ast.parse(SETTINGS_FILE.read_text(encoding="utf-8"))
    names = []
    for node in tree.body:
        targets = node.targets if isinstance(node, ast.Assign) else []
        if isinstance(node, ast.AnnAssign):
            targets = [node.target]
        names += [target.id for target in targets if isinstance(target, ast.Name)]
    return [name for name in names if name.isupper()]


READS = all_reads()
DECLARED = declarations()
PROJECT_SETTINGS = sorted(set(DECLARED) - SCRAPY_SETTINGS)


def test_the_scan_finds_the_reads_it_is_meant_to() -> None:
    names = {read.name for read in READS}
    assert {"CORPUS_DIR", "LINKING_WINDOW_DAYS", "MONITOR_MIN_COVERAGE", "REPLAY_DIR"} <= names
    assert len(READS) > 30


def test_scanning_sees_defaults_written_inline() -> None:
    source = (
        "def f(crawler, settings):\n"
        "    crawler.settings.getint('A', 30)\n"
        "    settings.get('B', default='x')\n"
        "    settings.get('C') or 'corpus'\n"
        "    settings.get('D') or None\n"
        "    self.settings['E']\n"
    )
    reads = {read.name: read.has_default for read in reads_in(source, "probe.py")}
    assert reads == {"A": True, "B": True, "C": True, "D": False, "E": False}


def test_every_setting_is_declared_once() -> None:
    repeated = [name for name, count in Counter(DECLARED).items() if count > 1]
    assert repeated == []


@pytest.mark.parametrize("read", READS, ids=str)
def test_every_setting_read_is_declared_or_one_of_scrapys(read: Read) -> None:
    assert read.name in DECLARED or read.name in SCRAPY_SETTINGS


@pytest.mark.parametrize("read", READS, ids=str)
def test_no_setting_is_read_with_an_inline_default(read: Read) -> None:
    assert not read.has_default, f"{read}: the default belongs in crawler/settings.py"


@pytest.mark.parametrize("name", PROJECT_SETTINGS)
def test_every_project_setting_is_read_somewhere(name: str) -> None:
    assert name in {read.name for read in READS}


@pytest.mark.parametrize("name", PROJECT_SETTINGS)
def test_every_project_setting_is_documented_in_the_readme(name: str) -> None:
    assert f"`{name}`" in (ROOT / "README.md").read_text(encoding="utf-8")


def test_every_declaration_has_a_reason_on_the_comment_above_its_group() -> None:
    """Each assignment follows a comment, directly or through the assignments of its group."""
    lines = SETTINGS_FILE.read_text(encoding="utf-8").splitlines()
    tree = ast.parse("\n".join(lines))
    starts = {
        node.lineno: node for node in tree.body if isinstance(node, ast.Assign | ast.AnnAssign)
    }
    unexplained = []
    for start, node in starts.items():
        above = start - 1  # 1-based line number of the line above
        while above in {n.end_lineno for n in starts.values()}:
            above = next(line for line, n in starts.items() if n.end_lineno == above) - 1
        if not lines[above - 1].lstrip().startswith("#"):
            unexplained.append(
                ast.unparse(node.targets[0] if isinstance(node, ast.Assign) else node.target)
            )
    assert unexplained == []
