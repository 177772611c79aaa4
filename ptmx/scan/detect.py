"""Find pre-trained-model references in a project's files without running any of its code.

Python (and notebook code cells) is parsed with :mod:`ast`: loader calls with a literal argument or
a simple module-level constant are resolved; f-strings, variables, attributes and environment
lookups are reported as *unresolved* with the expression, never guessed. Comments are invisible to
the parser and docstrings/bare string statements are skipped, so a model id mentioned in prose is
not a reference. Configs (YAML/JSON/TOML/INI, ``.env*``, JSON lines and one-line JSON objects),
shell scripts, Dockerfiles and requirement files are read line by line with patterns (model flags
such as ``--model_name_or_path``, ``MODEL=...`` variables, ``python -c`` code, download URLs). A
plain string literal counts only when it is exactly a model id the dataset knows; a value under a
model-ish name (argparse default, dataclass field, parameter default, dict key, ``os.getenv``
default) counts when it is shaped ``org/name`` or known.

timm and open_clip are resolved as the libraries resolve them, from tables generated from their
own source (``scripts/gen_scan_tables.py``; ``ptmx/scan/data/``). Library catalogues inside a file
(archive maps, ``_CHECKPOINT_FOR_DOC``, a dict keyed by many model ids) are marked ``vendored``;
whole vendored folders are recognised by :mod:`ptmx.scan.vendored`. Each reference says how it was
found (:attr:`Reference.found_by`).
"""

from __future__ import annotations

import ast
import functools
import json
import re
from collections.abc import Callable, Container, Iterable
from dataclasses import asdict, dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from ptmx.scan.boundary import Boundary, readable
from ptmx.scan.walker import BINARY_SUFFIXES

HUGGINGFACE = "huggingface"
PYTORCH_HUB = "pytorch-hub"

# A Hugging Face repo id: ``name`` or ``namespace/name``, 1–96 chars each from [A-Za-z0-9-_.].
_REPO_PART = r"[A-Za-z0-9](?:[A-Za-z0-9._-]{0,94}[A-Za-z0-9_])?"
_REPO_ID = re.compile(rf"^{_REPO_PART}(?:/{_REPO_PART})?$")
# spaCy's trained pipelines: lang_type_genre_size (en_core_web_sm, de_dep_news_trf, xx_ent_wiki_sm).
SPACY_PACKAGE = re.compile(
    r"\b((?:[a-z]{2,3}|xx)_(?:core|dep|ent|sent)_(?:web|news|wiki|sci)_(?:sm|md|lg|trf))\b")
_HF_URL = re.compile(r"^(?:https?://)?(?:www\.)?(?:huggingface\.co|hf\.co)/(.+)$", re.IGNORECASE)
_HF_HUB_PREFIX = re.compile(r"^hf[-_]hub:", re.IGNORECASE)
# Suffixes that make a string a file, never a repo id (repo ids may contain dots: timm/x.in1k).
_FILE_SUFFIXES = BINARY_SUFFIXES | {".json", ".yaml", ".yml", ".txt", ".cfg", ".toml", ".py"}

PYTHON_SUFFIXES = frozenset({".py", ".pyw"})
NOTEBOOK_SUFFIXES = frozenset({".ipynb"})
CONFIG_SUFFIXES = frozenset({".yaml", ".yml", ".json", ".jsonc", ".jsonl", ".toml", ".cfg", ".ini",
                             ".conf", ".env", ".properties"})
SHELL_SUFFIXES = frozenset({".sh", ".bash", ".zsh", ".ps1", ".mk", ".dockerfile"})
SHELL_NAMES = frozenset({"Dockerfile", "Makefile", "Procfile", "Containerfile", "Pipfile",
                         "Justfile", "justfile"})


@dataclass
class Reference:
    """One place in the project that names (or tries to name) a pre-trained model."""

    path: str                    # posix path relative to the scanned folder
    line: int                    # 1-based; for notebooks, the line inside the cell
    column: int                  # 1-based
    kind: str                    # how it was found: from_pretrained, pipeline, config, literal, ...
    text: str | None             # the reference as written/resolved; None when dynamic
    model: str | None            # the hub id it names; None when unresolved
    hub: str = HUGGINGFACE
    resolved: bool = True
    reason: str | None = None    # why unresolved, or how it was resolved
    revision: str | None = None
    call: str | None = None      # the loader call, e.g. AutoModel.from_pretrained
    snippet: str = ""
    cell: int | None = None      # notebook cell (1-based)
    alternatives: list[str] = field(default_factory=list)  # other ids the loader would try
    vendored: bool = False       # inside a vendored library copy or a library catalogue
    vendored_reason: str | None = None
    set_aside: str | None = None  # "unused default" / "test fixture" (with vendored=True)

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready dict (with ``found_by``)."""
        return {**asdict(self), "found_by": self.found_by}

    @property
    def found_by(self) -> str:
        """How the reference was found, in words a reader can weigh (see :data:`FOUND_BY`)."""
        if self.vendored:
            return self.set_aside or "vendored"
        return _FOUND_BY_KIND.get(self.kind, "loader call")

    @property
    def location(self) -> str:
        """``path:line`` (with the notebook cell when there is one)."""
        if self.cell is not None:
            return f"{self.path}[cell {self.cell}]:{self.line}"
        return f"{self.path}:{self.line}"


# How a reference was found, most trustworthy first (a model shows its best reference's).
FOUND_BY = ("loader call", "config key", "shell flag", "env file", "default value",
            "download command", "requirement", "bare string", "unused default", "test fixture",
            "vendored")
_FOUND_BY_KIND = {
    "config": "config key", "shell_flag": "shell flag", "env": "env file",
    "default": "default value", "cli": "download command", "url": "download command",
    "spacy_cli": "download command", "requirement": "requirement", "literal": "bare string",
    "pattern": "bare string",
}


def best_found_by(refs: Iterable[Reference]) -> str:
    """The most trustworthy way any of ``refs`` was found."""
    ranks = [FOUND_BY.index(r.found_by) for r in refs]
    return FOUND_BY[min(ranks)] if ranks else "vendored"


# Names of library catalogues: archive maps, doc checkpoints, lists of supported checkpoints.
_CATALOGUE_NAME = re.compile(
    r"(?i)(ARCHIVE_MAP|ARCHIVE_LIST|_FOR_DOC$|^_?PRETRAINED_|_PRETRAINED_|CHECKPOINT_LIST|"
    r"_EXPECTED_OUTPUT|^_?SUPPORTED_MODELS?$|POSITIONAL_EMBEDDINGS_SIZE|_INIT_CONFIGURATION)")
_CATALOGUE_MIN_KEYS = 10  # a dict literal keyed by this many model ids is a table of choices


# -- string classification ---------------------------------------------------------------------
def hub_id_from_url(text: str) -> str | None:
    """``https://huggingface.co/owner/name/...`` → ``owner/name`` (or ``name``); else None."""
    m = _HF_URL.match(text.strip())
    if not m:
        return None
    parts = [p for p in m.group(1).split("?")[0].split("#")[0].split("/") if p]
    if not parts or parts[0] in {"datasets", "spaces", "docs", "blog", "api", "papers", "models",
                                 "settings", "join", "login", "pricing", "tasks", "learn"}:
        return None
    # owner/name/(resolve|blob|tree|raw)/... or a legacy bare name followed by such a marker.
    if len(parts) >= 2 and parts[1] not in {"resolve", "blob", "tree", "raw", "discussions"}:
        return f"{parts[0]}/{parts[1]}"
    return parts[0]


# OpenAI's clip package names its weights "ViT-L/14", "RN50x4": not Hub ids.
_OPENAI_CLIP = re.compile(r"^ViT-[A-Za-z]+/\d+(?:@\d+px)?$")


def is_repo_id(text: str) -> bool:
    """Syntactically a Hugging Face repo id (at most one slash, no ``--`` or ``..``)."""
    return bool(_REPO_ID.match(text)) and "--" not in text and ".." not in text \
        and not text.endswith(".git") and not _OPENAI_CLIP.match(text)


def looks_local(text: str, base_dirs: Iterable[Path] = ()) -> bool:
    """A filesystem path rather than a hub id: ./x, /x, ~/x, C:\\x, a/b/c, x.bin, or existing."""
    t = text.strip()
    if not t:
        return False
    if t.startswith((".", "/", "~", "\\")) or "\\" in t or re.match(r"^[A-Za-z]:[\\/]", t):
        return True
    if t.count("/") > 1:
        return True
    if Path(t).suffix.lower() in _FILE_SUFFIXES:
        return True
    for base in base_dirs:
        try:
            if (base / t).exists():
                return True
        except (OSError, ValueError):
            continue
    return False


def plausible_literal(text: str) -> bool:
    """A bare string that may stand for a model id on its own (guards ids like ``ctrl``)."""
    return len(text) >= 4 and ("/" in text or bool(re.search(r"[-_.\d]", text)))


# -- Python --------------------------------------------------------------------------------------
@dataclass
class _Value:
    status: str                  # "ok" | "dynamic" | "local" | "object" | "none"
    value: str | None = None
    reason: str | None = None
    consumed: tuple[ast.AST, ...] = ()


# Calls that write to the Hub or name a data set: their repo_id is not a model the project uses.
_NOT_A_USE_CALLS = ("push_to_hub", "upload", "create_repo", "delete", "save", "create_branch",
                    "create_commit", "create_tag", "duplicate", "move_repo", "update_repo")
# Libraries with a from_pretrained of their own that does not read the Hugging Face Hub.
_NOT_HUB_LIBRARIES = ("efficientnet_pytorch", "pretrainedmodels", "segmentation_models_pytorch.")
_OBJECT_FACTORIES = frozenset({"from_pretrained", "pipeline", "create_model", "get_peft_model",
                               "from_single_file", "create_model_and_transforms"})
_HF_DOWNLOADERS = frozenset({"hf_hub_download", "snapshot_download", "hf_hub_url",
                             "try_to_load_from_cache", "cached_download"})
_ST_CLASSES = frozenset({"SentenceTransformer", "CrossEncoder", "SparseEncoder"})


@dataclass(frozen=True)
class _CallSite:
    """One call, as the loader rules read it."""

    node: ast.Call
    qual: str                    # the callee with import aliases resolved
    parts: list[str]             # qual split on dots
    last: str                    # the callee's last name
    kw: dict[str, ast.expr]      # keyword arguments
    shown: str                   # the callee as written
    rev: str | None              # a literal revision= argument


# Node types the pre-pass notes something about; every other node is only descended into.
# Children are pushed reversed so they pop in source order (pre-order, like reading the file).
_COLLECTED = frozenset({ast.Call, ast.Constant, ast.Expr, ast.JoinedStr, ast.Import,
                        ast.ImportFrom, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef,
                        ast.Assign, ast.AnnAssign, ast.Dict})


class _PythonScanner:
    """One module's references; see :func:`detect_python`."""

    def __init__(self, tree: ast.Module, source: str, path: str, known: Container[str] | None,
                 base_dirs: list[Path]) -> None:
        self.tree = tree
        self.source = source
        self.lines = source.splitlines()
        self.path = path
        self.known = known
        self.base_dirs = base_dirs
        self.aliases: dict[str, str] = {}
        self.constants: dict[str, tuple[str, ast.Constant]] = {}
        self.objects: set[str] = set()
        self.defined: set[str] = set()
        self.consumed: set[int] = set()
        self.refs: list[Reference] = []

    # pre-pass ----------------------------------------------------------------------------------
    def collect(self) -> None:
        """One walk over the tree: names (imports, definitions, assignments) and the nodes the
        later passes need (calls, imports, string constants, prose strings)."""
        self.assigned: dict[str, list[ast.AST]] = {}
        self.calls: list[ast.Call] = []
        self.imports: list[ast.Import | ast.ImportFrom] = []
        self.strings: list[ast.Constant] = []
        self.prose: set[int] = set()
        self.catalogues: list[tuple[int, int, str]] = []  # (first line, last line, name)
        self.named: list[tuple[str, ast.expr, ast.AST]] = []  # (model-ish name, value, where)
        self.enclosing: dict[int, dict[str, ast.expr]] = {}  # call → its function's defaults
        self.params: dict[str, ast.expr] = {}
        self.arg_defaults: dict[str, ast.Constant] = {}  # argparse dest → literal default
        # One pass, depth first, carrying the defaults of the innermost enclosing function.
        stack: list[tuple[ast.AST, dict[str, ast.expr]]] = [(self.tree, {})]
        interesting = _COLLECTED
        while stack:
            node, defaults = stack.pop()
            if type(node) in interesting:  # names, operators, contexts: only descended into
                if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                    defaults = self.note_function(node) or defaults
                self.note(node, defaults)
            stack.extend((child, defaults) for child in reversed(list(ast.iter_child_nodes(node))))
        self.module_constants()

    def note(self, node: ast.AST, defaults: dict[str, ast.expr]) -> None:
        """Everything the later passes need to know about one node."""
        if isinstance(node, ast.Call):
            if defaults:
                self.enclosing[id(node)] = defaults
            if isinstance(node.func, ast.Attribute) and node.func.attr == "add_argument":
                self.note_argument(node)
        elif isinstance(node, ast.Dict):
            self.note_dict(node)
        self.note_nodes(node)
        self.note_names(node)

    def note_argument(self, node: ast.Call) -> None:
        """``add_argument("--vision_encoder_path", default="ViT-L-14")``: args.X is known."""
        kw = {k.arg: k.value for k in node.keywords if k.arg}
        default, dest = kw.get("default"), kw.get("dest")
        if not (isinstance(default, ast.Constant) and isinstance(default.value, str)):
            return
        if isinstance(dest, ast.Constant) and isinstance(dest.value, str):
            name = dest.value
        else:
            options = [a.value for a in node.args
                       if isinstance(a, ast.Constant) and isinstance(a.value, str)]
            longs = [o for o in options if o.startswith("--")] or options
            if not longs:
                return
            name = longs[0].lstrip("-").replace("-", "_")
        if name in self.arg_defaults:
            self.arg_defaults.pop(name)  # two parsers, two defaults: not a single value
            return
        self.arg_defaults[name] = default

    def note_function(self, node: ast.FunctionDef | ast.AsyncFunctionDef) -> dict[str, ast.expr]:
        """Parameter defaults with a literal string value (calls inside the function see them;
        the innermost function wins)."""
        args = node.args
        positional = [*args.posonlyargs, *args.args]
        pairs = list(zip(positional[len(positional) - len(args.defaults):], args.defaults,
                         strict=True))
        pairs += [(a, d) for a, d in zip(args.kwonlyargs, args.kw_defaults, strict=True) if d]
        defaults: dict[str, ast.expr] = {a.arg: d for a, d in pairs
                    if isinstance(d, ast.Constant) and isinstance(d.value, str)}
        for a, d in pairs:
            if a.arg in defaults:
                self.named.append((a.arg, d, d))
        return defaults

    def note_dict(self, node: ast.Dict) -> None:
        """Model-ish keys with string values; a dict keyed by many model ids is a catalogue."""
        ids = 0
        for key, val in zip(node.keys, node.values, strict=True):
            if not (isinstance(key, ast.Constant) and isinstance(key.value, str)):
                continue
            k = key.value
            if is_repo_id(k) and ((self.known is not None and k in self.known) or "/" in k):
                ids += 1
            if isinstance(val, ast.Constant) and isinstance(val.value, str):
                self.named.append((k, val, val))
        if ids >= _CATALOGUE_MIN_KEYS and ids >= 0.8 * len(node.keys):
            self.catalogues.append((node.lineno, node.end_lineno or node.lineno,
                                    f"a table of {ids} model ids"))

    def note_nodes(self, node: ast.AST) -> None:
        """Calls, imports, string constants and prose strings, for the later passes."""
        if isinstance(node, ast.Call):
            self.calls.append(node)
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            self.strings.append(node)
        elif isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant):
            # A bare string statement (docstring or not) is prose, like a comment.
            self.prose.add(id(node.value))
        elif isinstance(node, ast.JoinedStr):
            self.prose.update(id(v) for v in node.values)
        if isinstance(node, ast.Import | ast.ImportFrom):
            self.imports.append(node)

    def note_names(self, node: ast.AST) -> None:
        """Import aliases, local definitions and assignments."""
        if isinstance(node, ast.Import):
            for a in node.names:
                self.aliases[a.asname or a.name.split(".")[0]] = \
                    a.name if a.asname else a.name.split(".")[0]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            for a in node.names:
                self.aliases[a.asname or a.name] = f"{node.module}.{a.name}"
        elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            self.defined.add(node.name)
        elif isinstance(node, ast.Assign | ast.AnnAssign):
            self.note_assignment(node)

    def note_assignment(self, node: ast.Assign | ast.AnnAssign) -> None:
        targets = node.targets if isinstance(node, ast.Assign) else [node.target]
        for t in targets:
            name = t.id if isinstance(t, ast.Name) else t.attr if isinstance(t, ast.Attribute) \
                else ""
            if name and _CATALOGUE_NAME.search(name) and node.value is not None:
                self.catalogues.append((node.lineno, node.end_lineno or node.lineno, name))
            elif name and node.value is not None:
                value = node.value
                if isinstance(value, ast.Call) and _dotted(value.func).endswith("field"):
                    value = next((k.value for k in value.keywords if k.arg == "default"), value)
                if isinstance(value, ast.Constant) and isinstance(value.value, str):
                    self.named.append((name, value, value))
            if isinstance(t, ast.Name) and node.value is not None:
                self.assigned.setdefault(t.id, []).append(node.value)
                if isinstance(node.value, ast.Call):
                    last = _dotted(node.value.func).split(".")[-1]
                    if last in _OBJECT_FACTORIES or last[:1].isupper():
                        self.objects.add(t.id)

    def module_constants(self) -> None:
        """Module-level constants: assigned exactly once, at the top level, to a string literal."""
        for stmt in self.tree.body:
            targets: list[ast.expr] = []
            value: ast.expr | None = None
            if isinstance(stmt, ast.Assign):
                targets, value = stmt.targets, stmt.value
            elif isinstance(stmt, ast.AnnAssign):
                targets, value = [stmt.target], stmt.value
            for t in targets:
                if (isinstance(t, ast.Name) and isinstance(value, ast.Constant)
                        and isinstance(value.value, str)
                        and len(self.assigned.get(t.id, [])) == 1):
                    self.constants[t.id] = (value.value, value)

    def qualify(self, func: ast.expr) -> str:
        dotted = _dotted(func)
        head, _, rest = dotted.partition(".")
        if head in self.aliases:
            head = self.aliases[head]
        return f"{head}.{rest}" if rest else head

    # values ------------------------------------------------------------------------------------
    def value(self, node: ast.expr | None) -> _Value:
        if node is None:
            return _Value("none")
        if isinstance(node, ast.Constant):
            if isinstance(node.value, str):
                return _Value("ok", node.value, consumed=(node,))
            return _Value("none") if node.value is None else _Value("dynamic",
                                                                    reason=repr(node.value))
        if isinstance(node, ast.Name):
            return self.name_value(node)
        if isinstance(node, ast.JoinedStr):
            return _Value("dynamic", reason=f"f-string {self.segment(node)}")
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
            left, right = self.value(node.left), self.value(node.right)
            if left.status == right.status == "ok":
                return _Value("ok", f"{left.value}{right.value}",
                              "concatenated constants", left.consumed + right.consumed)
            return _Value("dynamic", reason=f"expression {self.segment(node)}")
        if isinstance(node, ast.Call):
            qual = self.qualify(node.func)
            last = qual.split(".")[-1]
            if qual in {"os.getenv", "os.environ.get"} or qual.endswith("environ.get"):
                name = self.value(node.args[0]) if node.args else _Value("none")
                default = self.value(node.args[1]) if len(node.args) > 1 else _Value("none")
                why = f"environment variable {name.value or self.segment(node)}"
                if default.status == "ok":
                    why += f" (default {default.value!r})"
                    self.consumed.update(id(n) for n in default.consumed)
                return _Value("dynamic", reason=why)
            if last in {"Path", "PurePath", "join", "abspath", "expanduser", "realpath"}:
                return _Value("local")
            return _Value("dynamic", reason=f"expression {self.segment(node)}")
        if (isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name)
                and node.attr in self.arg_defaults):
            const = self.arg_defaults[node.attr]
            return _Value("ok", str(const.value), f"argparse default of --{node.attr} "
                                                  f"(line {const.lineno})", (const,))
        if isinstance(node, ast.Subscript) and "environ" in _dotted(node.value):
            return _Value("dynamic", reason=f"environment variable {self.segment(node.slice)}")
        return _Value("dynamic", reason=f"expression {self.segment(node)}")

    def name_value(self, node: ast.Name) -> _Value:
        """A name: a module constant, an object, a parameter with a literal default."""
        if node.id in self.constants:
            text, const = self.constants[node.id]
            return _Value("ok", text, f"constant {node.id} (line {const.lineno})", (const,))
        if node.id in self.objects:
            return _Value("object")
        param = self.params.get(node.id)
        if isinstance(param, ast.Constant) and isinstance(param.value, str):
            return _Value("ok", param.value,
                          f"default of parameter {node.id} (line {param.lineno})", (param,))
        return _Value("dynamic", reason=f"variable {node.id}")

    def segment(self, node: ast.AST) -> str:
        """The node's source text, cut from the lines split once per file (ast's own
        get_source_segment splits the whole source again at every call)."""
        text = self._segment(node) or ast.unparse(node)
        text = " ".join(text.split())
        return text if len(text) <= 80 else text[:77] + "..."

    # references --------------------------------------------------------------------------------
    def add(self, node: ast.AST, kind: str, call: str | None, val: _Value, *,
            hub: str = HUGGINGFACE, revision: str | None = None,
            transform: Any = None, alternatives: list[str] | None = None,
            reason: str | None = None) -> None:
        """Record a reference for a loader argument ``val`` (skipping locals and objects)."""
        if val.status in ("local", "object", "none"):
            return
        line = getattr(node, "lineno", 1)
        col = getattr(node, "col_offset", 0) + 1
        snippet = self.snippet(line)
        if val.status == "dynamic":
            self.refs.append(Reference(self.path, line, col, kind, None, None, hub, False,
                                       reason or val.reason, revision, call, snippet))
            return
        text = val.value or ""
        model = transform(text) if transform else self.as_model(text)
        if model is None:
            return  # a local path or not a model id: not a reference
        self.consumed.update(id(n) for n in val.consumed)
        self.refs.append(Reference(self.path, line, col, kind, text, model, hub, True,
                                   reason or val.reason, revision, call, snippet,
                                   alternatives=alternatives or []))

    def as_model(self, text: str) -> str | None:
        t = text.strip()
        url_id = hub_id_from_url(t)
        if url_id:
            return url_id
        t = _HF_HUB_PREFIX.sub("", t)
        if looks_local(t, self.base_dirs) or not is_repo_id(t):
            return None
        return t

    def _segment(self, node: ast.AST) -> str | None:
        first, last = getattr(node, "lineno", None), getattr(node, "end_lineno", None)
        start, end = getattr(node, "col_offset", None), getattr(node, "end_col_offset", None)
        if first is None or last is None or start is None or end is None \
                or not 0 < first <= last <= len(self.lines):
            return None
        chunk = [ln.encode("utf-8") for ln in self.lines[first - 1:last]]  # offsets are bytes
        if first == last:
            return chunk[0][start:end].decode("utf-8", "replace")
        chunk[0], chunk[-1] = chunk[0][start:], chunk[-1][:end]
        return b"\n".join(chunk).decode("utf-8", "replace")

    def snippet(self, line: int) -> str:
        text = self.lines[line - 1].strip() if 0 < line <= len(self.lines) else ""
        return text if len(text) <= 120 else text[:117] + "..."

    def run(self) -> list[Reference]:
        self.collect()
        for node in self.calls:
            self.call(node)
        for imp in self.imports:
            self.spacy_import(imp)
        self.named_values()
        self.open_clip_defaults()
        self.literals()
        self.mark_catalogues()
        return self.refs

    def named_values(self) -> None:
        """Defaults and settings under a model-ish name (argparse defaults, dataclass fields,
        function parameters, dict keys, ``os.getenv`` defaults, ``MODEL = "org/x"``)."""
        for name, value, where in self.named:
            if (id(value) in self.prose or id(value) in self.consumed
                    or not isinstance(value, ast.Constant)):
                continue
            text = str(value.value)
            model = default_model(name, text, self.known, self.base_dirs)
            if model is None:
                continue
            self.consumed.add(id(value))
            line = getattr(where, "lineno", 1)
            self.refs.append(Reference(self.path, line, getattr(where, "col_offset", 0) + 1,
                                       "default", text, model, snippet=self.snippet(line),
                                       call=name, reason=f"value of '{name}'"))

    def open_clip_defaults(self) -> None:
        """argparse defaults naming an open_clip architecture and one of its pretrained tags
        (``--vision_encoder_path ViT-L-14`` with ``--vision_encoder_pretrained openai``)."""
        if not self.arg_defaults:
            return
        table = open_clip_table()
        values = {k: str(c.value) for k, c in self.arg_defaults.items()}
        for key, arch in values.items():
            tags = table["models"].get(arch)
            if not tags:
                continue
            for other, tag in values.items():
                if other != key and ("pretrained" in other or "version" in other) \
                        and tag.lower() in tags:
                    const = self.arg_defaults[other]
                    self.refs.append(Reference(
                        self.path, const.lineno, const.col_offset + 1, "default", tag,
                        tags[tag.lower()], call=f"--{key} / --{other}",
                        snippet=self.snippet(const.lineno),
                        reason=f"open_clip {table['version']} weights ({arch}, {tag})"))

    def mark_catalogues(self) -> None:
        if not self.catalogues:
            return
        for ref in self.refs:
            for first, last, name in self.catalogues:
                if first <= ref.line <= last:
                    ref.vendored = True
                    ref.vendored_reason = f"library catalogue ({name}, lines {first}-{last})"
                    break

    def call(self, node: ast.Call) -> None:
        """A call that loads a model: the first loader rule that claims it records it."""
        qual = self.qualify(node.func)
        parts = qual.split(".")
        kw = {k.arg: k.value for k in node.keywords if k.arg}
        revision = self.value(kw.get("revision"))
        rev = revision.value if revision.status == "ok" else None
        if revision.status == "ok":
            self.consumed.update(id(n) for n in revision.consumed)
        site = _CallSite(node, qual, parts, parts[-1], kw, _dotted(node.func), rev)
        self.params = self.enclosing.get(id(node), {})
        if site.last == "add_argument":
            self.argparse_default(site)
            return
        if qual in {"os.getenv", "os.environ.get"} or qual.endswith("environ.get"):
            args = node.args
            if (len(args) > 1 and isinstance(args[0], ast.Constant)
                    and isinstance(args[0].value, str)):
                self.named.append((args[0].value, args[1], args[1]))
            return
        for claims, record in _LOADERS:
            if claims(self, site):
                record(self, site)
                return
        # Not a loader: model-ish keyword arguments (Model(model_name="org/x")) still count,
        # unless the call is about a dataset or a Space.
        if "repo_type" in kw or site.last.lower().startswith(_NOT_A_USE_CALLS) \
                or "dataset" in site.last.lower():
            return
        for key, val in kw.items():
            if isinstance(val, ast.Constant) and isinstance(val.value, str):
                self.named.append((key, val, val))

    def argparse_default(self, site: _CallSite) -> None:
        """``add_argument("--model_name_or_path", default="org/name")``."""
        options = [a.value for a in site.node.args
                   if isinstance(a, ast.Constant) and isinstance(a.value, str)]
        default = site.kw.get("default")
        if not options or not isinstance(default, ast.Constant) \
                or not isinstance(default.value, str):
            return
        name = max(options, key=len).lstrip("-").replace("-", "_")
        self.named.append((name, default, default))

    def from_pretrained(self, site: _CallSite) -> None:
        node, kw, parts = site.node, site.kw, site.parts
        receiver = ".".join(parts[:-1])
        rname = parts[-2]
        if receiver.startswith("peft.") or rname.startswith("Peft"):
            # PeftModel.from_pretrained(base_model, adapter_id): the adapter is argument 2.
            arg = kw.get("model_id", _arg(node, 1))
            self.add(node, "peft", site.shown, self.value(arg), revision=site.rev)
            return
        if site.qual.startswith(_NOT_HUB_LIBRARIES):
            return  # EfficientNet.from_pretrained("efficientnet-b4"): weights from elsewhere
        arg = kw.get("pretrained_model_name_or_path",
                     kw.get("pretrained_model_link_or_path", _arg(node, 0)))
        val = self.value(arg)
        if (val.status == "ok" and val.value and "/" not in val.value and "_" in val.value
                and (self.known is None or val.value not in self.known)):
            return  # from_pretrained("ernie_base"): a local folder name, not a Hub id
        kind = "diffusers" if receiver.startswith("diffusers.") or rname.endswith("Pipeline") \
            else "from_pretrained"
        self.add(node, kind, site.shown, self.value(arg), revision=site.rev)

    def pipeline(self, site: _CallSite) -> None:
        node, kw = site.node, site.kw
        model = kw.get("model", _arg(node, 1))
        if model is None:
            task = self.value(kw.get("task", _arg(node, 0)))
            what = repr(task.value) if task.status == "ok" else "this task"
            self.add(node, "pipeline", site.shown, _Value("dynamic"),
                     reason=f"no model given: transformers picks its default model for {what}"
                            " at run time (pass model= to pin it)", revision=site.rev)
            return
        self.add(node, "pipeline", site.shown, self.value(model), revision=site.rev)

    def downloader(self, site: _CallSite) -> None:
        repo_type = self.value(site.kw.get("repo_type"))
        if repo_type.status == "ok" and repo_type.value in ("dataset", "space"):
            return  # a dataset or a Space, not a model
        self.add(site.node, site.last, site.shown,
                 self.value(site.kw.get("repo_id", _arg(site.node, 0))), revision=site.rev)

    def sentence_transformers(self, site: _CallSite) -> None:
        kw = site.kw
        arg = kw.get("model_name_or_path", kw.get("model_name", _arg(site.node, 0)))
        val = self.value(arg)
        alternatives: list[str] = []
        transform = None
        # SentenceTransformer("all-MiniLM-L6-v2") loads sentence-transformers/all-MiniLM-L6-v2.
        if (site.last.startswith("SentenceTransformer") and val.status == "ok" and val.value
                and "/" not in val.value and self.as_model(val.value)):
            alternatives = [val.value]
            transform = _st_full_name
        self.add(site.node, "sentence_transformers", site.shown, val, revision=site.rev,
                 alternatives=alternatives, transform=transform)

    def spacy(self, site: _CallSite) -> None:
        kw = site.kw
        val = self.value(kw.get("name", kw.get("model", _arg(site.node, 0))))
        if val.status == "ok" and val.value and not SPACY_PACKAGE.fullmatch(val.value):
            return  # a local pipeline folder or a custom package: not a hub model
        self.add(site.node, "spacy", site.shown, val,
                 transform=lambda t: f"spacy/{t}" if SPACY_PACKAGE.fullmatch(t) else None)

    def is_transformers(self, qual: str, name: str) -> bool:
        if qual.startswith("transformers"):
            return True
        # A bare call of a name imported from nowhere (e.g. a notebook cell missing its import)
        # counts; a locally defined function of the same name does not.
        return qual == name and name not in self.defined

    def torch_hub(self, site: _CallSite) -> None:
        node, kw, shown = site.node, site.kw, site.shown
        source = self.value(kw.get("source"))
        if source.status == "ok" and source.value == "local":
            return
        repo = self.value(kw.get("repo_or_dir", kw.get("github", _arg(node, 0))))
        entry = self.value(kw.get("model", _arg(node, 1)))
        if repo.status == "local" or (repo.status == "ok" and looks_local(repo.value or "")):
            return
        if repo.status != "ok" or entry.status != "ok":
            bad = repo if repo.status != "ok" else entry
            self.add(node, "torch_hub", shown, _Value("dynamic", reason=bad.reason),
                     hub=PYTORCH_HUB)
            return
        name, _, tag = (repo.value or "").partition(":")
        text = f"{repo.value}:{entry.value}" if not tag else f"{name}:{entry.value}@{tag}"
        self.add(node, "torch_hub", shown,
                 _Value("ok", text, None, repo.consumed + entry.consumed), hub=PYTORCH_HUB,
                 revision=tag or None, transform=lambda _t: f"{name}:{entry.value}")

    def timm(self, site: _CallSite) -> None:
        """``timm.create_model(arch[.tag], pretrained=...)`` resolved as timm resolves it."""
        node, kw, shown = site.node, site.kw, site.shown
        val = self.value(kw.get("model_name", _arg(node, 0)))
        if val.status == "ok" and val.value and _HF_HUB_PREFIX.match(val.value):
            self.add(node, "timm", shown, val)
            return
        pretrained = kw.get("pretrained", _arg(node, 1))
        if pretrained is None or (isinstance(pretrained, ast.Constant)
                                  and not pretrained.value):
            return  # random initialisation: no pre-trained weights are loaded
        if val.status != "ok":
            self.add(node, "timm", shown, val)
            return
        arch, _, tag = (val.value or "").partition(".")
        table = timm_table()
        entry = table["models"].get(arch)
        if tag:
            hub: str | None = f"timm/{arch}.{tag}"
            why = f"timm architecture {arch!r} with tag {tag!r}"
        elif entry is not None:
            hub = entry["hub"]
            why = f"default pretrained tag of {arch!r} in timm {table['version']}: " \
                  f"{entry['tag'] or '(untagged)'}"
        else:
            self.consumed.update(id(n) for n in val.consumed)
            self.add(node, "timm", shown, _Value("dynamic"),
                     reason=f"{arch!r} is not an architecture with pretrained weights in "
                            f"timm {table['version']}")
            return
        if hub is None:
            self.consumed.update(id(n) for n in val.consumed)
            return  # timm loads these weights from a URL, not from the Hub
        if not isinstance(pretrained, ast.Constant):
            why += f"; pretrained={self.segment(pretrained)} is only known at run time"
        self.add(node, "timm", shown, val, reason=why, transform=lambda _t: hub)

    def open_clip(self, site: _CallSite) -> None:
        """``open_clip.create_model_and_transforms(arch, pretrained=tag)`` → open_clip's hub id."""
        node, kw, shown = site.node, site.kw, site.shown
        arch = self.value(kw.get("model_name", _arg(node, 0)))
        if arch.status == "ok" and arch.value and _HF_HUB_PREFIX.match(arch.value):
            self.add(node, "open_clip", shown, arch)
            return
        pretrained = self.value(kw.get("pretrained", _arg(node, 1)))
        if pretrained.status in ("none", "local"):
            return  # no pretrained weights asked for
        if arch.status != "ok" or pretrained.status != "ok":
            bad = arch if arch.status != "ok" else pretrained
            self.add(node, "open_clip", shown, _Value("dynamic", reason=bad.reason))
            return
        name, tag = arch.value or "", (pretrained.value or "").lower()
        if looks_local(tag, self.base_dirs):
            return
        table = open_clip_table()
        hub = table["models"].get(name, {}).get(tag)
        if hub is None:
            self.add(node, "open_clip", shown, _Value("dynamic"),
                     reason=f"open_clip {table['version']} maps no Hub repository to "
                            f"({name!r}, {tag!r})")
            return
        both = _Value("ok", f"{name} {tag}", arch.reason or pretrained.reason,
                      arch.consumed + pretrained.consumed)
        self.add(node, "open_clip", shown, both, transform=lambda _t: hub,
                 reason=f"open_clip {table['version']} weights ({name}, {tag})")

    def spacy_import(self, node: ast.Import | ast.ImportFrom) -> None:
        names = [a.name for a in node.names] if isinstance(node, ast.Import) else \
            [node.module or ""]
        for name in names:
            top = name.split(".")[0]
            if SPACY_PACKAGE.fullmatch(top):
                self.add(node, "spacy", f"import {top}", _Value("ok", top),
                         transform=lambda t: f"spacy/{t}")

    def literals(self) -> None:
        """String literals that are exactly a known model id (docstrings excluded)."""
        for node in self.strings:
            if id(node) in self.prose or id(node) in self.consumed:
                continue
            text = str(node.value)  # collect() keeps only string constants
            model = literal_model(text, self.known)
            if model:
                self.refs.append(Reference(self.path, node.lineno, node.col_offset + 1, "literal",
                                           text, model, snippet=self.snippet(node.lineno),
                                           reason="string literal naming a known model"))


def _is_spacy(scanner: _PythonScanner, site: _CallSite) -> bool:
    return (site.qual in ("spacy.load", "spacy.cli.download")
            or (site.last in ("load", "download") and site.parts[0] == "spacy"))


def _is_timm(scanner: _PythonScanner, site: _CallSite) -> bool:
    return site.last == "create_model" and (
        site.parts[0] == "timm" or scanner.aliases.get(site.parts[0], "").startswith("timm"))


_OPEN_CLIP_LOADERS = frozenset({"create_model", "create_model_and_transforms",
                                "create_model_from_pretrained"})


def _is_open_clip(scanner: _PythonScanner, site: _CallSite) -> bool:
    return site.last in _OPEN_CLIP_LOADERS and (
        site.parts[0] == "open_clip" or site.qual.startswith("open_clip"))


def _st_full_name(text: str) -> str:
    return f"sentence-transformers/{text}"


@functools.cache
def timm_table() -> dict[str, Any]:
    """timm's default pretrained tag per architecture (generated by scripts/gen_scan_tables.py)."""
    return _data_table("timm_defaults.json")


@functools.cache
def open_clip_table() -> dict[str, Any]:
    """open_clip's ``(arch, tag)`` → Hub repository (generated by scripts/gen_scan_tables.py)."""
    return _data_table("open_clip_pretrained.json")


def _data_table(name: str) -> dict[str, Any]:
    text = resources.files("ptmx.scan.data").joinpath(name).read_text(encoding="utf-8")
    data: dict[str, Any] = json.loads(text)
    return data


# Loader rules, in order: (does this rule claim the call, how it records the reference).
_LOADERS: tuple[tuple[Callable[[_PythonScanner, _CallSite], bool],
                      Callable[[_PythonScanner, _CallSite], None]], ...] = (
    (lambda _s, c: c.last == "from_pretrained" and len(c.parts) > 1,
     _PythonScanner.from_pretrained),
    (lambda s, c: c.last == "pipeline" and s.is_transformers(c.qual, "pipeline"),
     _PythonScanner.pipeline),
    (lambda _s, c: c.last in _HF_DOWNLOADERS, _PythonScanner.downloader),
    (lambda s, c: (c.last in _ST_CLASSES and (c.qual.startswith("sentence_transformers")
                                              or c.last not in s.defined))
     or (c.last.startswith("SentenceTransformer") and c.last.endswith(("Backend", "Embeddings",
                                                                       "Encoder", "Embedder"))),
     _PythonScanner.sentence_transformers),
    (lambda _s, c: c.qual.endswith("hub.load") and c.parts[0] == "torch",
     _PythonScanner.torch_hub),
    (_is_timm, _PythonScanner.timm),
    (_is_open_clip, _PythonScanner.open_clip),
    (_is_spacy, _PythonScanner.spacy),
)


def literal_model(text: str, known: Container[str] | None) -> str | None:
    """The model a bare string names: an ``hf-hub:`` id, or exactly a known dataset id."""
    t = text.strip()
    if not t or len(t) > 200 or "\n" in t:
        return None
    if _HF_HUB_PREFIX.match(t):
        rest = _HF_HUB_PREFIX.sub("", t)
        return rest if is_repo_id(rest) else None
    url_id = hub_id_from_url(t)
    if url_id and "/resolve/" in t and is_repo_id(url_id):
        return url_id  # a file downloaded from the Hub
    if known is None:
        return None
    if url_id and url_id in known:
        return url_id
    if t in known and plausible_literal(t):
        return t
    return None


def _arg(node: ast.Call, index: int) -> ast.expr | None:
    args = [a for a in node.args if not isinstance(a, ast.Starred)]
    return args[index] if len(args) > index else None


def _dotted(node: ast.AST) -> str:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return f"{_dotted(node.value)}.{node.attr}"
    if isinstance(node, ast.Call):
        return _dotted(node.func)  # SentenceTransformer(...).encode / HfApi().x
    return ""


def detect_python(source: str, path: str, known: Container[str] | None = None,
                  base_dirs: list[Path] | None = None) -> list[Reference]:
    """References in one Python module; falls back to patterns if it does not parse."""
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError):
        return _python_fallback(source, path, known)
    return _PythonScanner(tree, source, path, known, base_dirs or []).run()


_FALLBACK_CALL = re.compile(
    r"""(?P<call>[\w.]*(?:from_pretrained|pipeline|hf_hub_download|snapshot_download|
    SentenceTransformer|spacy\.load))\s*\(\s*(?:[\w]+\s*=\s*)?(?:["'][\w-]+["']\s*,\s*
    (?:model\s*=\s*)?)?["'](?P<arg>[^"'\n]+)["']""", re.VERBOSE)


def _python_fallback(source: str, path: str, known: Container[str] | None) -> list[Reference]:
    """Unparseable Python (e.g. Python 2): loader calls with a literal argument, by pattern."""
    refs: list[Reference] = []
    for n, line in enumerate(source.splitlines(), 1):
        code = _strip_hash_comment(line)
        for m in _FALLBACK_CALL.finditer(code):
            arg = m.group("arg").strip()
            if "spacy" in m.group("call"):
                model = f"spacy/{arg}" if SPACY_PACKAGE.fullmatch(arg) else None
            else:
                model = None if looks_local(arg) or not is_repo_id(arg) else arg
            if model:
                refs.append(Reference(path, n, m.start() + 1, "pattern", arg, model,
                                      call=m.group("call"), snippet=line.strip()[:120],
                                      reason="matched by pattern (file does not parse)"))
        refs.extend(_quoted_literals(code, path, n, line, known, skip={r.text for r in refs}))
    return refs


# -- notebooks -----------------------------------------------------------------------------------
def detect_notebook(text: str, path: str, known: Container[str] | None = None,
                    base_dirs: list[Path] | None = None) -> list[Reference]:
    """Code cells of a Jupyter notebook, parsed together (imports carry across cells)."""
    try:
        nb = json.loads(text)
    except json.JSONDecodeError:
        return []
    cells = nb.get("cells") if isinstance(nb, dict) else None
    if not isinstance(cells, list):
        return []
    lines: list[str] = []
    origin: list[tuple[int, int]] = []  # combined line → (cell number, line in cell)
    shell: list[tuple[int, int, str]] = []
    for number, cell in enumerate(cells, 1):
        if not isinstance(cell, dict) or cell.get("cell_type") != "code":
            continue
        src = cell.get("source", "")
        src = "".join(src) if isinstance(src, list) else str(src)
        cell_lines = src.splitlines()
        # IPython magics and shell escapes are not Python: blank them (keep their text apart).
        cleaned = []
        for i, ln in enumerate(cell_lines, 1):
            if ln.lstrip().startswith(("%", "!")):
                shell.append((number, i, ln.lstrip().lstrip("%!")))
                cleaned.append("")
            else:
                cleaned.append(ln)
        try:
            ast.parse("\n".join(cleaned))
        except (SyntaxError, ValueError):
            cleaned = [""] * len(cleaned)  # one broken cell must not hide the others
        for i, ln in enumerate(cleaned, 1):
            lines.append(ln)
            origin.append((number, i))
    refs = detect_python("\n".join(lines), path, known, base_dirs)
    for ref in refs:
        if 0 < ref.line <= len(origin):
            ref.cell, ref.line = origin[ref.line - 1]
    for number, i, ln in shell:
        for ref in detect_shell(ln, path, known):
            ref.cell, ref.line = number, i
            refs.append(ref)
    return refs


# -- configs and scripts ---------------------------------------------------------------------------
_CONFIG_KEY = re.compile(
    r"(?i)(model|checkpoint|repo_id|pretrained|tokenizer|base_model|encoder|embedder|embedding|"
    r"reranker|adapter|name_or_path)")
_NOT_A_MODEL_KEY = re.compile(
    r"(?i)(dir|folder|path(?<!name_or_path)$|file|output|save|cache|log|type|class|arch|kwargs|"
    r"max_|num_|size|dim|len|hub_model_id|push|upload|target_repo)")
# API providers' model names ("anthropic/claude-3", litellm style): not Hub repositories.
_PROVIDERS = frozenset({"anthropic", "azure", "azure_ai", "bedrock", "vertex_ai", "gemini",
                        "ollama", "groq", "openrouter", "together_ai", "fireworks_ai",
                        "deepinfra", "replicate", "perplexity", "anyscale", "sagemaker",
                        "cohere_chat", "watsonx", "litellm_proxy"})
_KEY_VALUE = re.compile(
    r"""^\s*(?:-\s+)?["']?(?P<key>[A-Za-z0-9_.\-]+)["']?\s*[:=]\s*(?P<value>.*?)\s*,?\s*$""")
_QUOTED = re.compile(r"""["']([^"'\s]{2,200})["']""")
_CLI_DOWNLOAD = re.compile(
    r"\b(?:huggingface-cli|hf)\s+download\s+(?:--\S+\s+(?:\S+\s+)?)*?(?P<id>[A-Za-z0-9][\w./-]*)")
_SPACY_DOWNLOAD = re.compile(r"\bspacy\s+download\s+(?P<id>[a-z]{2,3}_\w+)")
_REQUIREMENT_FILES = re.compile(
    r"(?i)^(requirements.*\.(txt|in)|constraints.*\.txt|pyproject\.toml|setup\.cfg|setup\.py|"
    r"environment.*\.ya?ml|Pipfile|conda.*\.ya?ml)$")


def _strip_hash_comment(line: str) -> str:
    """``line`` without a trailing ``# comment`` (a ``#`` inside quotes is kept)."""
    quote: str | None = None
    for i, ch in enumerate(line):
        if quote:
            if ch == quote:
                quote = None
        elif ch in "\"'":
            quote = ch
        elif ch == "#" and (i == 0 or line[i - 1].isspace()):
            return line[:i]
    return line


def _is_comment_line(line: str) -> bool:
    s = line.lstrip()
    return s.startswith(("#", ";", "//", "/*", "*", "<!--"))


def _quoted_literals(code: str, path: str, n: int, line: str, known: Container[str] | None,
                     skip: Container[str | None] = ()) -> list[Reference]:
    refs = []
    for m in _QUOTED.finditer(code):
        model = literal_model(m.group(1), known)
        if model and m.group(1) not in skip:
            refs.append(Reference(path, n, m.start() + 1, "literal", m.group(1), model,
                                  snippet=line.strip()[:120],
                                  reason="string naming a known model"))
    return refs


def detect_config(text: str, path: str, known: Container[str] | None = None,
                  base_dirs: list[Path] | None = None) -> list[Reference]:
    """YAML/JSON/TOML/INI: model-ish keys with hub-id values, and known ids anywhere in values.

    A key's parents count (``model:`` / ``  name: x`` in YAML or indented JSON, ``[model]`` then
    ``name = "x"`` in TOML/INI), so ``model.name`` is as model-ish as ``model_name``.
    """
    refs: list[Reference] = []
    dirs = base_dirs or []
    parents: list[tuple[int, str]] = []  # (indent, key) of enclosing mappings
    section = ""
    is_json = path.endswith((".json", ".jsonc", ".jsonl"))
    name = Path(path).name
    kind = "env" if is_env_file(name) else "config"
    requirements = bool(_REQUIREMENT_FILES.match(name))
    siblings: dict[tuple[str, ...], dict[str, tuple[str, int, str]]] = {}
    for n, line in enumerate(text.splitlines(), 1):
        if not line.strip() or _is_comment_line(line):
            continue
        code = line if is_json else _strip_hash_comment(line)
        header = re.match(r"^\s*\[+([^\]]+)\]+\s*$", code)
        if header and not is_json:
            section, parents = header.group(1).strip(), []
            continue
        indent = len(code) - len(code.lstrip(" -"))
        while parents and parents[-1][0] >= indent:
            parents.pop()
        found: set[str] = set()
        m = _KEY_VALUE.match(code)
        if m:
            key = m.group("key")
            raw = m.group("value").strip().rstrip(",").strip()
            if raw in ("", "{", "|", ">", "|-", ">-"):
                parents.append((indent, key))
                continue
            value = raw.strip("\"'")
            outer = (section, *(k for _, k in parents))
            siblings.setdefault(outer, {})[key.lower()] = (value, n, line)
            full_key = ".".join([*([section] if section else []), *(k for _, k in parents), key])
            model = _config_value_model(full_key, value, known, dirs) or \
                default_model(key, value, known, dirs)
            if model:
                found.add(value)
                refs.append(Reference(path, n, code.find(value) + 1, kind, value, model,
                                      call=full_key, snippet=line.strip()[:120],
                                      reason=f"value of '{full_key}'"))
            elif value and " " not in value and not raw.startswith("["):
                lit = literal_model(value, known)
                if lit:
                    found.add(value)
                    refs.append(Reference(path, n, code.find(value) + 1, "literal", value, lit,
                                          snippet=line.strip()[:120],
                                          reason="value naming a known model"))
        else:
            refs.extend(_list_item(code, path, n, line, known, found))
        if "{" in code:
            refs.extend(_inline_pairs(code, path, n, line, parents, section, known, dirs, found))
        refs.extend(_quoted_literals(code, path, n, line, known, skip=found))
        if requirements:
            refs.extend(_requirement_refs(code, path, n, line))
        refs.extend(_cli_refs(code, path, n, line))
    refs.extend(_open_clip_settings(siblings, path))
    return refs


def _open_clip_settings(siblings: dict[tuple[str, ...], dict[str, tuple[str, int, str]]],
                        path: str) -> list[Reference]:
    """``arch: ViT-bigG-14`` next to ``version: laion2b_s39b_b160k`` (an open_clip embedder's
    parameters in a config) → the Hub repository open_clip maps the pair to."""
    refs = []
    table: dict[str, dict[str, str]] | None = None
    for keys in siblings.values():
        arch = next((keys[k] for k in ("arch", "model_name", "clip_model", "model") if k in keys),
                    None)
        tag = next((keys[k] for k in ("version", "pretrained", "clip_pretrained") if k in keys),
                   None)
        if arch is None or tag is None:
            continue
        table = table if table is not None else open_clip_table()["models"]
        hub = table.get(arch[0], {}).get(tag[0].lower())
        if hub:
            value, n, line = tag
            refs.append(Reference(path, n, line.find(value) + 1, "config", value, hub,
                                  call=f"open_clip ({arch[0]}, {value})",
                                  snippet=line.strip()[:120],
                                  reason=f"open_clip {open_clip_table()['version']} weights "
                                         f"({arch[0]}, {value})"))
    return refs


def _list_item(code: str, path: str, n: int, line: str, known: Container[str] | None,
               found: set[str]) -> list[Reference]:
    """A YAML list item: only a known id counts."""
    item = re.match(r"^\s*-\s+[\"']?([^\"'\s]+)[\"']?\s*$", code)
    lit = literal_model(item.group(1), known) if item else None
    if not item or not lit:
        return []
    found.add(item.group(1))
    return [Reference(path, n, code.find(item.group(1)) + 1, "literal", item.group(1), lit,
                      snippet=line.strip()[:120], reason="value naming a known model")]


_INLINE_PAIR = re.compile(r'"(?P<key>[A-Za-z0-9_.\-]{1,80})"\s*:\s*"(?P<value>[^"\n]{1,200})"')


def _inline_pairs(code: str, path: str, n: int, line: str, parents: list[tuple[int, str]],
                  section: str, known: Container[str] | None, dirs: list[Path],
                  found: set[str]) -> list[Reference]:
    """``{"id": "org/x", ...}`` objects on one line (JSON lines, JSON inside YAML scalars)."""
    refs = []
    outer = [*([section] if section else []), *(k for _, k in parents)]
    for m in _INLINE_PAIR.finditer(code):
        value = m.group("value").strip()
        if value in found:
            continue
        full_key = ".".join([*outer, m.group("key")])
        model = _config_value_model(full_key, value, known, dirs)
        if model:
            found.add(value)
            refs.append(Reference(path, n, m.start("value") + 1, "config", value, model,
                                  call=full_key, snippet=line.strip()[:120],
                                  reason=f"value of '{full_key}'"))
    return refs


def is_env_file(name: str) -> bool:
    """``.env``, ``.env.example``, ``.env.local``, ``prod.env``: dotenv files."""
    return name.startswith(".env") or name.endswith(".env")


# Under a model-ish parent (``model:`` / ``[model]``) these keys name the model too.
_GENERIC_KEYS = frozenset({"name", "id", "repo", "repo_id", "hub_id", "path", "pretrained",
                           "checkpoint", "base", "source", "uri"})


def _config_value_model(key: str, value: str, known: Container[str] | None,
                        dirs: list[Path]) -> str | None:
    *parents, last = key.split(".")
    model_ish = bool(_CONFIG_KEY.search(last)) or (
        last.lower() in _GENERIC_KEYS and any(_CONFIG_KEY.search(p) for p in parents))
    if not model_ish or (_NOT_A_MODEL_KEY.search(last) and last.lower() not in _GENERIC_KEYS):
        return None
    url_id = hub_id_from_url(value)
    if url_id:
        return url_id
    value = _HF_HUB_PREFIX.sub("", value)
    if not is_repo_id(value) or looks_local(value, dirs):
        return None
    if known is not None and value in known:
        return value
    if "/" in value and value.split("/")[0].lower() not in _PROVIDERS:
        return value
    return None


# Path-named settings (``--model_path``, ``--lm_path``) accept a hub id too; these first folders
# mark a local path instead.
_LOCAL_HEADS = frozenset({"checkpoints", "checkpoint", "ckpt", "ckpts", "models", "model",
                          "outputs", "output", "out", "data", "weights", "pretrained", "saved",
                          "saved_models", "runs", "logs", "exp", "exps", "results", "cache",
                          "tmp", "work_dirs", "pretrained_models", "save", "local", "assets"})
_LOCAL_HEAD = re.compile(r"(?i)(?:^|[_-])(?:models?|checkpoints?|ckpts?|weights|outputs?|"
                         r"pretrained|saved|data|cache|runs|exps?|results)$")
_PATH_KEY = re.compile(r"(?i)(model|checkpoint|ckpt|lm|tokenizer|tower|encoder)_?(path|dir)$")
_EXTRA_KEYS = re.compile(r"(?i)(vision_tower|lm_path|text_encoder|teacher|backbone|"
                         r"hf_repo|hub_id|repo_name)")


def default_model(key: str, value: str, known: Container[str] | None,
                  dirs: list[Path]) -> str | None:
    """The model a setting named ``key`` holds (a flag, an env variable, a default, a dict key).

    Like a config key, plus path-named settings (``model_path``) whose value is ``org/name`` and
    not a local folder, and short sentence-transformers names the dataset knows in full.
    """
    key = key.strip().lstrip("-").replace("-", "_")
    value = value.strip()
    if not value or value.startswith(("$", "{", "<")) or len(value) > 200:
        return None
    model = _config_value_model(key, value, known, dirs)
    if model is None and (_PATH_KEY.search(key) or _EXTRA_KEYS.search(key)):
        value = _HF_HUB_PREFIX.sub("", value)
        if (value.count("/") == 1 and is_repo_id(value) and not looks_local(value, dirs)
                and value.split("/")[0].lower() not in _LOCAL_HEADS):
            model = value
    if model is None and (_PATH_KEY.search(key) or _EXTRA_KEYS.search(key)):
        model = hub_file_repo(value, known, dirs)
    if model is None and known is not None and _CONFIG_KEY.search(key) \
            and "/" not in value and f"sentence-transformers/{value}" in known:
        model = f"sentence-transformers/{value}"
    if model and "/" in model and _LOCAL_HEAD.search(model.split("/")[0]) \
            and (known is None or model not in known):
        return None  # bert_models/roberta-large: a folder the project fills itself
    return model


def hub_file_repo(value: str, known: Container[str] | None, dirs: list[Path]) -> str | None:
    """``org/repo/checkpoint.pt``: a file inside a Hub repository, named as the Hub names it
    (``hf_hub_download(org/repo, file)``); the repository ``org/repo``, or None.

    The first two segments must be a repo id that is not a local folder (``checkpoints/x/y.pt``,
    an existing ``org/repo`` folder) and the rest a file name (a known suffix). Deeper paths
    (``org/repo/sub/file.pt``) count only when the dataset knows ``org/repo``.
    """
    value = _HF_HUB_PREFIX.sub("", value.strip())
    parts = value.split("/")
    if len(parts) < 3 or not all(parts) or Path(parts[-1]).suffix.lower() not in _FILE_SUFFIXES:
        return None
    repo = "/".join(parts[:2])
    if not is_repo_id(repo) or value.startswith((".", "~", "$", "{", "<")):
        return None
    if known is not None and repo in known:
        return repo
    org = parts[0]
    if (len(parts) != 3 or org.lower() in _LOCAL_HEADS or _LOCAL_HEAD.search(org)
            or looks_local(repo, dirs)):
        return None
    return repo


def _requirement_refs(code: str, path: str, n: int, line: str) -> list[Reference]:
    return [Reference(path, n, m.start() + 1, "requirement", m.group(1), f"spacy/{m.group(1)}",
                      snippet=line.strip()[:120], reason="spaCy pipeline package")
            for m in SPACY_PACKAGE.finditer(code)]


def _cli_refs(code: str, path: str, n: int, line: str) -> list[Reference]:
    refs = []
    for m in _CLI_DOWNLOAD.finditer(code):
        if re.search(r"--repo-type[ =](dataset|space)", code):
            continue
        ident = m.group("id")
        if is_repo_id(ident) and not looks_local(ident):
            refs.append(Reference(path, n, m.start("id") + 1, "cli", ident, ident,
                                  call="huggingface-cli download", snippet=line.strip()[:120]))
    for m in _SPACY_DOWNLOAD.finditer(code):
        if SPACY_PACKAGE.fullmatch(m.group("id")):
            refs.append(Reference(path, n, m.start("id") + 1, "spacy", m.group("id"),
                                  f"spacy/{m.group('id')}", call="spacy download",
                                  snippet=line.strip()[:120]))
    return refs


_FLAG = re.compile(
    r"""(?<![\w-])--?(?P<key>[A-Za-z][\w-]*)(?:=|[ \t]+)(?P<q>["']?)(?P<val>[^\s"'\\;|&)]+)(?P=q)""")
_ASSIGN = re.compile(
    r"""^\s*(?:export\s+|ENV\s+|ARG\s+|set\s+|local\s+)?(?P<key>[A-Za-z_]\w*)(?:=|\s+(?=["']?"""
    r"""[\w-]+/))(?P<q>["']?)(?P<val>[^\s"'\\;|&]+)(?P=q)""")
_PYTHON_C = re.compile(r"""\bpython[\d.]*\s+(?:-\w\s+)*-c\s+(?P<q>["'])(?P<code>.+?)(?<!\\)(?P=q)""")
_S3_LEGACY = re.compile(
    r"models\.huggingface\.co/bert/(?P<id>[\w.-]+(?:/[\w.-]+)??)-(?:pytorch_model\.bin|"
    r"config\.json|vocab\.(?:txt|json)|merges\.txt|tf_model\.h5|spiece\.model|modelcard\.json)")
_HF_RESOLVE = re.compile(r"""https?://(?:huggingface\.co|hf\.co)/[^\s"'<>()]+/resolve/[^\s"'<>()]+""")


def detect_shell(text: str, path: str, known: Container[str] | None = None,
                 base_dirs: list[Path] | None = None) -> list[Reference]:
    """Shell scripts, Dockerfiles, Makefiles, requirement files: download commands, model flags
    (``--model_name_or_path org/x``), variables (``MODEL=org/x``), ``python -c`` code and
    packages."""
    refs: list[Reference] = []
    dirs = base_dirs or []
    requirements = bool(_REQUIREMENT_FILES.match(Path(path).name))
    for n, line in enumerate(text.splitlines(), 1):
        if _is_comment_line(line):
            continue
        code = _strip_hash_comment(line)
        refs.extend(_cli_refs(code, path, n, line))
        if requirements:
            refs.extend(_requirement_refs(code, path, n, line))
            continue
        refs.extend(_shell_settings(code, path, n, line, known, dirs))
        refs.extend(_url_refs(code, path, n, line))
        for m in _PYTHON_C.finditer(code):
            snippet = m.group("code").replace('\\"', '"').replace("\\'", "'")
            for ref in detect_python(snippet, path, known, dirs):
                ref.line, ref.column = n, m.start("code") + ref.column
                ref.snippet = line.strip()[:120]
                refs.append(ref)
    return refs


def _shell_settings(code: str, path: str, n: int, line: str, known: Container[str] | None,
                    dirs: list[Path]) -> list[Reference]:
    refs = []
    found = [(m, "shell_flag", f"--{m.group('key')}") for m in _FLAG.finditer(code)]
    assign = _ASSIGN.match(code)
    if assign:
        found.append((assign, "shell_flag", assign.group("key")))
    for m, kind, shown in found:
        model = default_model(m.group("key"), m.group("val"), known, dirs)
        if model:
            refs.append(Reference(path, n, m.start("val") + 1, kind, m.group("val"), model,
                                  call=shown, snippet=line.strip()[:120],
                                  reason=f"value of {shown}"))
    return refs


def _url_refs(code: str, path: str, n: int, line: str) -> list[Reference]:
    """Downloads by URL: ``huggingface.co/org/x/resolve/...`` and the legacy S3 bucket."""
    refs = []
    for m in _HF_RESOLVE.finditer(code):
        ident = hub_id_from_url(m.group(0))
        if ident and is_repo_id(ident):
            refs.append(Reference(path, n, m.start() + 1, "url", m.group(0), ident,
                                  snippet=line.strip()[:120], reason="file downloaded by URL"))
    for m in _S3_LEGACY.finditer(code):
        refs.append(Reference(path, n, m.start("id") + 1, "url", m.group(0), m.group("id"),
                              snippet=line.strip()[:120],
                              reason="legacy models.huggingface.co download URL"))
    return refs


# -- dispatch --------------------------------------------------------------------------------------
def detector_for(rel: Path) -> str | None:
    """Which detector reads a file: python, notebook, config, shell, or None (not scanned)."""
    suffix = rel.suffix.lower()
    name = rel.name
    if suffix in PYTHON_SUFFIXES:
        return "python"
    if suffix in NOTEBOOK_SUFFIXES:
        return "notebook"
    if suffix in CONFIG_SUFFIXES or is_env_file(name):
        return "config"
    if (suffix in SHELL_SUFFIXES or name in SHELL_NAMES or name.startswith("Dockerfile")
            or _REQUIREMENT_FILES.match(name)):
        return "shell"
    return None


def detect_file(root: Path, rel: Path, known: Container[str] | None = None, *,
                boundary: Boundary | None = None) -> list[Reference]:
    """All references in the file ``root/rel`` (``rel`` is reported as the path).

    The file is read through ``boundary`` (only inside ``root``); a file nested too deeply to
    parse (a 10,000-level expression, a 100,000-level JSON notebook) is skipped with a warning.
    """
    kind = detector_for(rel)
    if kind is None:
        return []
    path = readable(rel.as_posix())
    guard = boundary if boundary is not None else Boundary(root)
    full = root / rel
    if rel.suffix.lower() == ".jsonl" and _size(full) > JSONL_CONFIG_MAX_BYTES:
        return []  # a JSON-lines data set (generations, ratings), not a config
    text = guard.read_text(full, rel.as_posix())
    if text is None:
        return []
    try:
        refs = _DETECTORS[kind](text, path, known, [root, full.parent])
    except (RecursionError, MemoryError):
        guard.warn(rel.as_posix(), "nested too deeply to read: skipped")
        return []
    return _dedupe(refs)


# JSON-lines files are read as configs up to this size; bigger ones are data sets.
JSONL_CONFIG_MAX_BYTES = 64 * 1024


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0


def _python_file(text: str, path: str, known: Container[str] | None,
                 base_dirs: list[Path]) -> list[Reference]:
    refs = detect_python(text, path, known, base_dirs)
    if _REQUIREMENT_FILES.match(Path(path).name):  # setup.py install_requires
        refs += [r for n, ln in enumerate(text.splitlines(), 1) if not _is_comment_line(ln)
                 for r in _requirement_refs(_strip_hash_comment(ln), path, n, ln)]
    return refs


def _shell_file(text: str, path: str, known: Container[str] | None,
                base_dirs: list[Path]) -> list[Reference]:
    return detect_shell(text, path, known, base_dirs)


_DETECTORS: dict[str, Callable[[str, str, Container[str] | None, list[Path]], list[Reference]]] = {
    "python": _python_file, "notebook": detect_notebook, "config": detect_config,
    "shell": _shell_file,
}


def _dedupe(refs: list[Reference]) -> list[Reference]:
    seen: set[tuple[Any, ...]] = set()
    out = []
    for r in sorted(refs, key=lambda r: (r.cell or 0, r.line, r.column)):
        key = (r.cell, r.line, r.model, r.text, r.resolved)
        if key in seen:
            continue
        seen.add(key)
        out.append(r)
    return out
