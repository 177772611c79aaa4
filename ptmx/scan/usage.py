"""Weak references: defaults nothing uses, and models only the project's tests load.

A parameter default (``class T5Embedder: def __init__(self, version="google/t5-v1_1-xl")``) is a
use only when something runs that code. :func:`mark_weak` looks, project-wide, for a mention of
the class or function that holds such a default outside its own definition: a call, an
instantiation, an import, a config ``target:``/``_target_``/class-path string, a shell line. A
mention inside another definition counts only when that definition is itself used (followed a few
levels deep; deeper is taken as used). A decorated function counts as used (a route, a command or
a registry entry is called by its framework). References held only by unused definitions are set
aside as ``unused default``; models that only a project's own tests (``tests/``, ``test_*.py``,
``conftest.py``) name are set aside as ``test fixture``. Both are flagged like vendored copies:
kept in the JSON, left out of the listed models.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from ptmx.scan.boundary import Boundary
from ptmx.scan.detect import PYTHON_SUFFIXES, Reference, detector_for

UNUSED_DEFAULT = "unused default"
TEST_FIXTURE = "test fixture"

# Ways of finding a model that rest on a default or a bare string (a loader call counts when its
# argument came from a parameter default, see _from_default).
_WEAK_KINDS = frozenset({"default", "literal", "pattern"})
_MAX_DEPTH = 6
_TEST_DIRS = frozenset({"tests", "test", "testing"})


def is_test_path(path: str) -> bool:
    """A file of the project's own test suite."""
    p = PurePosixPath(path)
    name = p.name
    return (any(part.lower() in _TEST_DIRS for part in p.parts[:-1])
            or name.startswith("test_") or name.endswith("_test.py") or name == "conftest.py")


@dataclass
class _Definition:
    first: int
    last: int
    name: str
    is_class: bool
    decorated: bool


@dataclass
class _Module:
    defs: list[_Definition] = field(default_factory=list)

    def owner(self, line: int) -> _Definition | None:
        """The definition that holds ``line``: the innermost class, else the innermost function."""
        holding = [d for d in self.defs if d.first <= line <= d.last]
        if not holding:
            return None
        classes = [d for d in holding if d.is_class]
        pool = classes or holding
        return max(pool, key=lambda d: d.first)


def _module(text: str) -> _Module:
    try:
        tree = ast.parse(text)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return _Module()
    mod = _Module()
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            first = min([node.lineno, *(d.lineno for d in node.decorator_list)])
            mod.defs.append(_Definition(first, node.end_lineno or node.lineno, node.name,
                                        isinstance(node, ast.ClassDef),
                                        bool(node.decorator_list)))
    return mod


class _Project:
    """The project's own code files (not vendored, not tests), read once, searched by name."""

    def __init__(self, root: Path, rels: Iterable[str], boundary: Boundary) -> None:
        self.texts: dict[str, str] = {}
        for rel in rels:
            text = boundary.read_text(root / rel, rel)
            if text is not None:
                self.texts[rel] = text
        self.modules: dict[str, _Module] = {}
        self.used: dict[str, bool] = {}

    def module(self, rel: str) -> _Module | None:
        if PurePosixPath(rel).suffix.lower() not in PYTHON_SUFFIXES or rel not in self.texts:
            return None
        if rel not in self.modules:
            self.modules[rel] = _module(self.texts[rel])
        return self.modules[rel]

    def mentions(self, name: str) -> Iterable[tuple[str, _Definition | None]]:
        """Every place ``name`` appears as a word, with the definition holding it."""
        word = re.compile(rf"(?<!\w){re.escape(name)}(?!\w)")
        for rel, text in self.texts.items():
            if name not in text:
                continue
            mod = self.module(rel)
            for m in word.finditer(text):
                line = text.count("\n", 0, m.start()) + 1
                yield rel, (mod.owner(line) if mod else None)

    def is_used(self, name: str, depth: int = 0) -> bool:
        """Mentioned outside its own definition, from code that runs (see module docstring)."""
        if name in self.used:
            return self.used[name]
        if depth > _MAX_DEPTH:
            return True
        self.used[name] = False  # a cycle of definitions that only mention each other: unused
        result = any(owner is None or (owner.name != name
                                       and ((owner.decorated and not owner.is_class)
                                            or self.is_used(owner.name, depth + 1)))
                     for _, owner in self.mentions(name))
        self.used[name] = result
        return result


def _from_default(ref: Reference) -> bool:
    return ref.kind in _WEAK_KINDS or "default of parameter" in (ref.reason or "")


def mark_weak(root: Path, rels: Iterable[str], refs: list[Reference], boundary: Boundary,
              vendored: Iterable[str] = ()) -> None:
    """Set aside (``vendored`` + :attr:`Reference.set_aside`) the references of unused defaults
    and of models only the project's tests name; ``rels`` are the walked files (posix)."""
    skip = set(vendored)
    code = [r for r in rels if r not in skip and detector_for(Path(r)) is not None]
    project = _Project(root, (r for r in code if not is_test_path(r)), boundary)
    for ref in refs:
        if ref.vendored or not _from_default(ref) or ref.cell is not None:
            continue
        mod = project.module(ref.path)
        owner = mod.owner(ref.line) if mod else None
        if owner is None or (owner.decorated and not owner.is_class):
            continue
        if not project.is_used(owner.name):
            kind = "class" if owner.is_class else "function"
            ref.vendored, ref.set_aside = True, UNUSED_DEFAULT
            ref.vendored_reason = (f"unused default: {kind} {owner.name} (line {owner.first}) "
                                   "is never referenced outside its own definition")
    _mark_tests(refs)


def _mark_tests(refs: list[Reference]) -> None:
    """Models named only in the project's tests are test fixtures."""
    by_model: dict[str, list[Reference]] = {}
    for ref in refs:
        if ref.model and not ref.vendored:
            by_model.setdefault(ref.model.lower(), []).append(ref)
    for own in by_model.values():
        if all(is_test_path(r.path) for r in own):
            for ref in own:
                ref.vendored, ref.set_aside = True, TEST_FIXTURE
                ref.vendored_reason = "test fixture: named only in the project's tests"
