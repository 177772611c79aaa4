"""Find pre-trained-model references in a project's files without running any of its code.

Python (and notebook code cells) is parsed with :mod:`ast`: loader calls with a literal argument or
a simple module-level constant are resolved; f-strings, variables, attributes and environment
lookups are reported as *unresolved* with the expression, never guessed. Comments are invisible to
the parser and docstrings/bare string statements are skipped, so a model id mentioned in prose is
not a reference. Configs (YAML/JSON/TOML/INI), shell scripts, Dockerfiles and requirement files
are read line by line with patterns. A plain string literal counts only when it is exactly a model
id the dataset knows.
"""

from __future__ import annotations

import ast
import json
import re
from collections.abc import Callable, Container, Iterable
from dataclasses import asdict, dataclass, field
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
CONFIG_SUFFIXES = frozenset({".yaml", ".yml", ".json", ".jsonc", ".toml", ".cfg", ".ini",
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

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready dict."""
        return asdict(self)

    @property
    def location(self) -> str:
        """``path:line`` (with the notebook cell when there is one)."""
        if self.cell is not None:
            return f"{self.path}[cell {self.cell}]:{self.line}"
        return f"{self.path}:{self.line}"


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


def is_repo_id(text: str) -> bool:
    """Syntactically a Hugging Face repo id (at most one slash, no ``--`` or ``..``)."""
    return bool(_REPO_ID.match(text)) and "--" not in text and ".." not in text \
        and not text.endswith(".git")


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
        for node in ast.walk(self.tree):
            self.note_nodes(node)
            self.note_names(node)
        self.module_constants()

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
            if node.id in self.constants:
                text, const = self.constants[node.id]
                return _Value("ok", text, f"constant {node.id} (line {const.lineno})", (const,))
            if node.id in self.objects:
                return _Value("object")
            return _Value("dynamic", reason=f"variable {node.id}")
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
        if isinstance(node, ast.Subscript) and "environ" in _dotted(node.value):
            return _Value("dynamic", reason=f"environment variable {self.segment(node.slice)}")
        return _Value("dynamic", reason=f"expression {self.segment(node)}")

    def segment(self, node: ast.AST) -> str:
        text = ast.get_source_segment(self.source, node) or ast.unparse(node)
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

    def snippet(self, line: int) -> str:
        text = self.lines[line - 1].strip() if 0 < line <= len(self.lines) else ""
        return text if len(text) <= 120 else text[:117] + "..."

    def run(self) -> list[Reference]:
        self.collect()
        for node in self.calls:
            self.call(node)
        for imp in self.imports:
            self.spacy_import(imp)
        self.literals()
        return self.refs

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
        for claims, record in _LOADERS:
            if claims(self, site):
                record(self, site)
                return

    def from_pretrained(self, site: _CallSite) -> None:
        node, kw, parts = site.node, site.kw, site.parts
        receiver = ".".join(parts[:-1])
        rname = parts[-2]
        if receiver.startswith("peft.") or rname.startswith("Peft"):
            # PeftModel.from_pretrained(base_model, adapter_id): the adapter is argument 2.
            arg = kw.get("model_id", _arg(node, 1))
            self.add(node, "peft", site.shown, self.value(arg), revision=site.rev)
            return
        arg = kw.get("pretrained_model_name_or_path",
                     kw.get("pretrained_model_link_or_path", _arg(node, 0)))
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
        # SentenceTransformer("all-MiniLM-L6-v2") loads sentence-transformers/all-MiniLM-L6-v2.
        if (site.last == "SentenceTransformer" and val.status == "ok" and val.value
                and "/" not in val.value):
            alternatives = [f"sentence-transformers/{val.value}"]
        self.add(site.node, "sentence_transformers", site.shown, val, revision=site.rev,
                 alternatives=alternatives)

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
        node, kw, shown = site.node, site.kw, site.shown
        val = self.value(kw.get("model_name", _arg(node, 0)))
        pretrained = kw.get("pretrained")
        if val.status == "ok" and val.value and _HF_HUB_PREFIX.match(val.value):
            self.add(node, "timm", shown, val)
            return
        is_pretrained = (isinstance(pretrained, ast.Constant) and bool(pretrained.value)) \
            or (pretrained is not None and not isinstance(pretrained, ast.Constant))
        if not is_pretrained:
            return  # random initialisation: no pre-trained weights are loaded
        if val.status == "ok":
            self.consumed.update(id(n) for n in val.consumed)
            if isinstance(pretrained, ast.Constant) and isinstance(pretrained.value, str):
                why = f"open_clip weights {pretrained.value!r} for {val.value!r}"
            else:
                why = f"timm picks the default pretrained tag of {val.value!r} at run time " \
                      f"(timm/{val.value}.<tag> on the Hugging Face Hub)"
            self.add(node, "timm", shown, _Value("dynamic"), reason=why)
        else:
            self.add(node, "timm", shown, val)

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
        site.parts[0] in ("timm", "open_clip")
        or scanner.aliases.get(site.parts[0], "").startswith("timm"))


# Loader rules, in order: (does this rule claim the call, how it records the reference).
_LOADERS: tuple[tuple[Callable[[_PythonScanner, _CallSite], bool],
                      Callable[[_PythonScanner, _CallSite], None]], ...] = (
    (lambda _s, c: c.last == "from_pretrained" and len(c.parts) > 1,
     _PythonScanner.from_pretrained),
    (lambda s, c: c.last == "pipeline" and s.is_transformers(c.qual, "pipeline"),
     _PythonScanner.pipeline),
    (lambda _s, c: c.last in _HF_DOWNLOADERS, _PythonScanner.downloader),
    (lambda s, c: c.last in _ST_CLASSES and (c.qual.startswith("sentence_transformers")
                                             or c.last not in s.defined),
     _PythonScanner.sentence_transformers),
    (lambda _s, c: c.qual.endswith("hub.load") and c.parts[0] == "torch",
     _PythonScanner.torch_hub),
    (_is_timm, _PythonScanner.timm),
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
    if known is None:
        return None
    url_id = hub_id_from_url(t)
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
    r"max_|num_|size|dim|len)")
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
    is_json = path.endswith((".json", ".jsonc"))
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
            full_key = ".".join([*([section] if section else []), *(k for _, k in parents), key])
            model = _config_value_model(full_key, value, known, dirs)
            if model:
                found.add(value)
                refs.append(Reference(path, n, code.find(value) + 1, "config", value, model,
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
            item = re.match(r"^\s*-\s+[\"']?([^\"'\s]+)[\"']?\s*$", code)
            if item:  # a YAML list item: only a known id counts
                lit = literal_model(item.group(1), known)
                if lit:
                    found.add(item.group(1))
                    refs.append(Reference(path, n, code.find(item.group(1)) + 1, "literal",
                                          item.group(1), lit, snippet=line.strip()[:120],
                                          reason="value naming a known model"))
        refs.extend(_quoted_literals(code, path, n, line, known, skip=found))
        if _REQUIREMENT_FILES.match(Path(path).name):
            refs.extend(_requirement_refs(code, path, n, line))
        refs.extend(_cli_refs(code, path, n, line))
    return refs


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
    if "/" in value or (known is not None and value in known):
        return value
    return None


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


def detect_shell(text: str, path: str, known: Container[str] | None = None) -> list[Reference]:
    """Shell scripts, Dockerfiles, Makefiles, requirement files: download commands and packages."""
    refs: list[Reference] = []
    requirements = bool(_REQUIREMENT_FILES.match(Path(path).name))
    for n, line in enumerate(text.splitlines(), 1):
        if _is_comment_line(line):
            continue
        code = _strip_hash_comment(line)
        refs.extend(_cli_refs(code, path, n, line))
        if requirements:
            refs.extend(_requirement_refs(code, path, n, line))
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
    if suffix in CONFIG_SUFFIXES or name == ".env":
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
    text = guard.read_text(full, rel.as_posix())
    if text is None:
        return []
    try:
        refs = _DETECTORS[kind](text, path, known, [root, full.parent])
    except (RecursionError, MemoryError):
        guard.warn(rel.as_posix(), "nested too deeply to read: skipped")
        return []
    return _dedupe(refs)


def _python_file(text: str, path: str, known: Container[str] | None,
                 base_dirs: list[Path]) -> list[Reference]:
    refs = detect_python(text, path, known, base_dirs)
    if _REQUIREMENT_FILES.match(Path(path).name):  # setup.py install_requires
        refs += [r for n, ln in enumerate(text.splitlines(), 1) if not _is_comment_line(ln)
                 for r in _requirement_refs(_strip_hash_comment(ln), path, n, ln)]
    return refs


def _shell_file(text: str, path: str, known: Container[str] | None,
                base_dirs: list[Path]) -> list[Reference]:
    return detect_shell(text, path, known)


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
