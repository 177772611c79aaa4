"""The TUI's place in the architecture: no SQL of its own, and the only Textual importer."""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2] / "ptmx"
SQL = re.compile(r"\b(SELECT|INSERT|UPDATE|DELETE|CREATE|DROP)\b\s.*\b(FROM|INTO|TABLE|SET)\b",
                 re.IGNORECASE | re.DOTALL)


def _strings(path: Path) -> list[str]:
    tree = ast.parse(path.read_text())
    docstrings = {id(node.body[0].value) for node in ast.walk(tree)
                  if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef)
                  and node.body and isinstance(node.body[0], ast.Expr)}
    return [node.value for node in ast.walk(tree)
            if isinstance(node, ast.Constant) and isinstance(node.value, str)
            and id(node) not in docstrings]


def test_tui_has_no_sql_of_its_own():
    for path in (ROOT / "tui").rglob("*.py"):
        for text in _strings(path):
            assert not SQL.search(text), f"{path.name}: {text[:60]!r}"
        source = path.read_text()
        assert ".query(" not in source.replace("self.query(", "").replace(
            "screen.query(", ""), path.name
        assert ".scalar(" not in source and ".execute(" not in source, path.name


def test_nothing_outside_the_tui_imports_textual():
    for path in ROOT.rglob("*.py"):
        if (ROOT / "tui") in path.parents:
            continue
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            names = ([a.name for a in node.names] if isinstance(node, ast.Import)
                     else [node.module or ""] if isinstance(node, ast.ImportFrom) else [])
            assert not any(n.split(".")[0] == "textual" for n in names), path
