"""``ptmx scan`` on real repositories: recall and precision against a hand-read ground truth.

The truth file (``benchmarks/scan_truth.json``) lists, per public repository and snapshot commit,
the pre-trained models the project itself loads, each with the evidence (``path:line``) and how it
is loaded, plus the folders that are vendored copies of libraries. This script runs
``ptmx scan <checkout> --format json`` on each checkout (the whole process, timed), compares the
models it lists with the truth and prints a Markdown table: per repository the models listed, the
truth count, true positives, false positives and misses (with their ids and a cause), the scan
time; then recall (share of the truth found), precision (share of the listed models that are
real) and p50/p90 scan time.

Rerun::

    # 1. the checkouts, one folder per repository named owner__name, at the recorded commits
    python benchmarks/scan_real.py --fetch-list            # prints owner/name, commit and a recipe
    # 2. the measurement (from the repository root, in the project's virtualenv)
    python benchmarks/scan_real.py --repos /tmp/repos --write benchmarks/SCAN_RESULTS.md \\
        --heading "After issue 15"

``--write`` appends a section (heading, date, machine, ptmx commit, tables) to the given file.
``--json FILE`` also saves the raw per-repository comparison. The checkouts are never modified.

Matching rules: ids compare case-insensitively, after dropping ``hf-hub:``, a
``https://huggingface.co/`` prefix and the organisations the Hub gave legacy root models
(``google-bert/bert-base-uncased`` = ``bert-base-uncased``). A timm truth ``timm/arch.tag`` counts
as found only if listed so (an unresolved or tag-less ``arch`` does not). A model whose JSON entry
carries ``"vendored": true`` is not counted as listed.

Causes: a miss takes its cause from the truth's ``how`` (timm, shell flag, .env, Dockerfile,
single-line JSON, open_clip, argparse default, short sentence-transformers name, other: …). A false
positive is a *vendored copy* when every reference lies in the entry's ``vendored_paths``, else a
*library catalogue* (archive maps, doc checkpoints, ``configuration_*.py``), a *docstring* or a
*test fixture* when every reference is one, else *other*; a truth entry may state the cause with
``fp_causes`` (id → cause) or ``fp_cause_paths`` (path prefix → cause) where the reading found it.
"""

from __future__ import annotations

import argparse
import ast
import datetime as dt
import json
import math
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
DEFAULT_TRUTH = HERE / "scan_truth.json"

# Organisations the Hub moved its legacy root models to (2024); a bare legacy id equals these.
LEGACY_ORGS = frozenset({
    "google-bert", "facebookai", "openai-community", "distilbert", "albert", "google-t5",
    "xlnet", "xlm-roberta", "transfo-xl", "ctrl", "openai-gpt",
})

MISS_CAUSES = ("timm", "shell flag", ".env", "Dockerfile", "single-line JSON", "open_clip",
               "argparse default", "short sentence-transformers name", "other")
FP_CAUSES = ("vendored copy", "library catalogue", "docstring", "test fixture", "other")

# Markers of a library's catalogue of checkpoints (archive maps, doc checkpoints, layer tables).
_CATALOGUE_MARKERS = ("ARCHIVE_MAP", "_CHECKPOINT_FOR_DOC", "PRETRAINED_VOCAB_FILES_MAP",
                      "PRETRAINED_INIT_CONFIGURATION", "PRETRAINED_CONFIG_ARCHIVE",
                      "PRETRAINED_POSITIONAL_EMBEDDINGS_SIZES", "model2layers")


# -- ids ----------------------------------------------------------------------------------------
def norm_id(model_id: str) -> str:
    """Case-folded id without ``hf-hub:``/URL prefixes and without a legacy-root organisation."""
    text = model_id.strip().lower()
    for prefix in ("hf-hub:", "hf_hub:", "https://huggingface.co/", "http://huggingface.co/",
                   "huggingface.co/", "hf.co/"):
        if text.startswith(prefix):
            text = text[len(prefix):]
    text = text.strip("/")
    org, _, name = text.partition("/")
    if name and org in LEGACY_ORGS and "/" not in name:
        return name
    return text


# -- the scanner's JSON -------------------------------------------------------------------------
@dataclass
class Listed:
    """One model ``ptmx scan`` lists (not vendored), with where it saw it."""

    model: str
    refs: list[dict[str, Any]] = field(default_factory=list)


def _model_id(entry: dict[str, Any]) -> str | None:
    for key in ("model", "id", "model_id", "name"):
        value = entry.get(key)
        if isinstance(value, str) and value.strip():
            return value
    return None


def listed_models(doc: Any) -> tuple[list[Listed], int]:
    """The models a ``ptmx scan --format json`` document lists, and how many it flags vendored.

    Tolerant of shape: the model list is ``doc["models"]`` (or ``doc["report"]["models"]``), each
    model a dict with its id under ``model`` (or ``id``/``model_id``/``name``); references under
    ``references``/``refs``/``locations``. Models with ``"vendored": true`` are left out.
    """
    if isinstance(doc, dict) and "models" not in doc and isinstance(doc.get("report"), dict):
        doc = doc["report"]
    models = doc.get("models", []) if isinstance(doc, dict) else doc
    out: list[Listed] = []
    vendored = 0
    for entry in models or []:
        if isinstance(entry, str):
            out.append(Listed(entry))
            continue
        if not isinstance(entry, dict):
            continue
        model = _model_id(entry)
        if model is None:
            continue
        if entry.get("vendored") is True:
            vendored += 1
            continue
        refs = entry.get("references") or entry.get("refs") or entry.get("locations") or []
        out.append(Listed(model, [r for r in refs if isinstance(r, dict)]))
    return out, vendored


# -- causes -------------------------------------------------------------------------------------
def miss_cause(how: str) -> str:
    """The cause group of a missed truth model, from how the truth says it is loaded."""
    primary = how.split(";")[0].lower()
    rules = (("timm", "timm"), ("open_clip", "open_clip"),
             ("getenv default", "other: os.getenv default"),
             ("parameter default", "other: function parameter default"),
             ("env file", ".env"), ("dockerfile", "Dockerfile"), ("python -c", "Dockerfile"),
             ("single-line json", "single-line JSON"), ("shell flag", "shell flag"),
             ("argparse", "argparse default"),
             ("short sentence-transformers", "short sentence-transformers name"))
    for needle, cause in rules:
        if needle in primary:
            return cause
    detail = primary.split("(")[0].strip()
    return f"other: {detail}" if detail else "other"


def _under(path: str, prefixes: list[str]) -> bool:
    return any(path == p or path.startswith(p.rstrip("/") + "/") for p in prefixes)


def _is_test(path: str) -> bool:
    parts = path.split("/")
    name = parts[-1]
    return (any(p in {"tests", "test", "testing"} for p in parts[:-1])
            or name.startswith("test_") or name.endswith("_test.py") or name == "conftest.py")


_DOCSTRING_CACHE: dict[Path, list[tuple[int, int]]] = {}


def _docstring_ranges(path: Path) -> list[tuple[int, int]]:
    """Line ranges of bare string statements (docstrings) in a Python file."""
    if path in _DOCSTRING_CACHE:
        return _DOCSTRING_CACHE[path]
    ranges: list[tuple[int, int]] = []
    try:
        tree = ast.parse(path.read_text(encoding="utf-8", errors="replace"))
    except (OSError, SyntaxError, ValueError):
        tree = None
    for node in ast.walk(tree) if tree else ():
        if (isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant)
                and isinstance(node.value.value, str)):
            ranges.append((node.lineno, node.end_lineno or node.lineno))
    _DOCSTRING_CACHE[path] = ranges
    return ranges


def _in_docstring(root: Path, ref: dict[str, Any]) -> bool:
    path = str(ref.get("path", ""))
    if not path.endswith(".py"):
        return False
    line = int(ref.get("line") or 0)
    return any(a <= line <= b for a, b in _docstring_ranges(root / path))


def _is_catalogue(ref: dict[str, Any]) -> bool:
    snippet = str(ref.get("snippet") or "")
    path = str(ref.get("path", ""))
    name = path.rsplit("/", 1)[-1]
    return (any(m in snippet for m in _CATALOGUE_MARKERS)
            or name.startswith(("configuration_", "tokenization_", "modeling_")))


def fp_cause(item: Listed, vendored_paths: list[str], root: Path, override: str | None,
             by_path: dict[str, str] | None = None) -> str:
    """The cause group of a false positive, judged from where the scanner saw it.

    ``override`` (the truth entry's ``fp_causes[id]``) wins; then ``by_path`` (its
    ``fp_cause_paths``: path prefix → cause) when every reference lies under one prefix.
    """
    if override:
        return override
    refs = item.refs
    paths = [str(r.get("path", "")) for r in refs]
    for prefix, cause in (by_path or {}).items():
        if paths and all(_under(p, [prefix]) for p in paths):
            return cause
    if refs and all(_under(p, vendored_paths) for p in paths):
        return "vendored copy"
    if refs and all(_is_catalogue(r) for r in refs):
        return "library catalogue"
    if refs and all(_in_docstring(root, r) for r in refs):
        return "docstring"
    if refs and all(_is_test(p) for p in paths):
        return "test fixture"
    return "other"


def cause_group(cause: str) -> str:
    """``other: detail`` → ``other``."""
    return cause.split(":", 1)[0].strip()


# -- running ------------------------------------------------------------------------------------
def ptmx_command(explicit: str | None) -> list[str]:
    """How to call ptmx: ``--ptmx``, else the ptmx next to this Python, else ``python -m ptmx``."""
    if explicit:
        return explicit.split()
    beside = Path(sys.executable).with_name("ptmx")
    if beside.exists():
        return [str(beside)]
    found = shutil.which("ptmx")
    return [found] if found else [sys.executable, "-m", "ptmx"]


@dataclass
class Result:
    """One repository's comparison."""

    repo: str
    truth: list[dict[str, Any]]
    listed: list[Listed]
    vendored_flagged: int
    seconds: float
    error: str | None = None
    files: int = 0                       # files the scan read (stats.files_scanned)
    inproc_s: float | None = None        # scan_project() alone, in this process (--in-process)
    tp: list[str] = field(default_factory=list)
    tp_vendored_only: list[str] = field(default_factory=list)
    fps: list[tuple[str, str]] = field(default_factory=list)      # (id, cause)
    misses: list[tuple[str, str, str]] = field(default_factory=list)  # (id, cause, how)


def run_scan(cmd: list[str], checkout: Path, data: str | None, timeout: float,
             runs: int = 1) -> tuple[Any, float, str | None]:
    """Run ``ptmx scan`` ``runs`` times; the parsed JSON, median wall seconds, an error or None."""
    args = [*cmd, "scan", str(checkout), "--format", "json"]
    if data:
        args += ["--data", data]
    times: list[float] = []
    doc: Any = None
    for _ in range(max(1, runs)):
        start = time.perf_counter()
        try:
            proc = subprocess.run(args, capture_output=True, text=True, timeout=timeout, check=False)
        except subprocess.TimeoutExpired:
            return None, time.perf_counter() - start, f"timeout after {timeout:.0f} s"
        times.append(time.perf_counter() - start)
        try:
            doc = json.loads(proc.stdout)
        except json.JSONDecodeError:
            tail = (proc.stderr or proc.stdout).strip().splitlines()[-1:] or ["no output"]
            return None, times[-1], f"exit {proc.returncode}: {tail[0][:200]}"
    return doc, statistics.median(times), None


def compare(entry: dict[str, Any], doc: Any, seconds: float, error: str | None, root: Path) -> Result:
    """Match the listed models against the truth entry."""
    listed, flagged = listed_models(doc) if doc is not None else ([], 0)
    res = Result(entry["repo"], entry["models"], listed, flagged, seconds, error)
    if isinstance(doc, dict):
        res.files = int((doc.get("stats") or {}).get("files_scanned") or 0)
    vendored_paths = entry.get("vendored_paths", [])
    overrides = {norm_id(k): v for k, v in entry.get("fp_causes", {}).items()}
    truth_ids = {norm_id(m["id"]): m for m in entry["models"]}
    listed_ids: dict[str, Listed] = {}
    for item in listed:
        listed_ids.setdefault(norm_id(item.model), item)
    for key, m in truth_ids.items():
        item = listed_ids.get(key)
        if item is None:
            res.misses.append((m["id"], miss_cause(m.get("how", "")), m.get("how", "")))
            continue
        res.tp.append(m["id"])
        paths = [str(r.get("path", "")) for r in item.refs]
        if paths and all(_under(p, vendored_paths) for p in paths):
            res.tp_vendored_only.append(m["id"])
    for key, item in listed_ids.items():
        if key not in truth_ids:
            res.fps.append((item.model, fp_cause(item, vendored_paths, root, overrides.get(key),
                                                 entry.get("fp_cause_paths"))))
    return res


_STORE: Any = None


def _in_process(root: Path, data: str | None, runs: int) -> float:
    """Median seconds of ``scan_project(root)`` in this process (the dataset opened once)."""
    global _STORE
    from ptmx.config import bundled_data_dir
    from ptmx.scan.report import scan_project
    from ptmx.store import open_store

    if _STORE is None:
        _STORE = open_store(Path(data) if data else bundled_data_dir())
    times = []
    for _ in range(max(1, runs)):
        start = time.perf_counter()
        scan_project(root, _STORE)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def percentile(values: list[float], q: float) -> float:
    """Nearest-rank percentile (q in 0..100)."""
    if not values:
        return 0.0
    ordered = sorted(values)
    rank = max(1, min(len(ordered), math.ceil(q / 100 * len(ordered))))
    return ordered[rank - 1]


# -- reporting ----------------------------------------------------------------------------------
def _ids(items: list[str], limit: int = 12) -> str:
    shown = ", ".join(f"`{i}`" for i in items[:limit])
    more = len(items) - limit
    return shown + (f", … +{more} more" if more > 0 else "")


def _grouped(pairs: list[tuple[str, str]], order: tuple[str, ...], limit: int) -> str:
    groups: dict[str, list[str]] = {}
    for model, cause in pairs:
        groups.setdefault(cause, []).append(model)
    def key(label: str) -> tuple[int, str]:
        g = cause_group(label)
        return (order.index(g) if g in order else len(order), label)
    return "; ".join(f"**{label}** ({len(ids)}): {_ids(ids, limit)}"
                     for label, ids in sorted(groups.items(), key=lambda kv: key(kv[0])))


def _without_largest(ok: list[Result]) -> dict[str, Any] | None:
    """Recall and precision without the repository with the largest truth (it can dominate)."""
    if len(ok) < 2:
        return None
    big = max(ok, key=lambda r: len(r.truth))
    if not big.truth:
        return None
    rest = [r for r in ok if r is not big]
    truth = sum(len(r.truth) for r in rest)
    listed = sum(len(r.listed) for r in rest)
    tp = sum(len(r.tp) for r in rest)
    return {"repo": big.repo, "truth": len(big.truth), "tp": tp, "truth_rest": truth,
            "listed_rest": listed, "recall": tp / truth if truth else None,
            "precision": tp / listed if listed else None}


def totals(results: list[Result]) -> dict[str, Any]:
    """Pooled recall/precision, per-repository mean recall, p50/p90 time, cause counts."""
    ok = [r for r in results if r.error is None]
    n_truth = sum(len(r.truth) for r in ok)
    n_listed = sum(len(r.listed) for r in ok)
    n_tp = sum(len(r.tp) for r in ok)
    per_repo = [len(r.tp) / len(r.truth) for r in ok if r.truth]
    times = [r.seconds for r in results]
    fp_counts = {c: 0 for c in FP_CAUSES}
    miss_counts = {c: 0 for c in MISS_CAUSES}
    for r in ok:
        for _, cause in r.fps:
            fp_counts[cause_group(cause) if cause_group(cause) in fp_counts else "other"] += 1
        for _, cause, _ in r.misses:
            miss_counts[cause_group(cause) if cause_group(cause) in miss_counts else "other"] += 1
    return {
        "repos": len(results), "errors": len(results) - len(ok), "truth": n_truth,
        "listed": n_listed, "tp": n_tp, "fp": n_listed - n_tp, "missed": n_truth - n_tp,
        "recall": n_tp / n_truth if n_truth else None,
        "precision": n_tp / n_listed if n_listed else None,
        "mean_recall_per_repo": statistics.fmean(per_repo) if per_repo else None,
        "largest": _without_largest(ok),
        "tp_vendored_only": sum(len(r.tp_vendored_only) for r in ok),
        "p50_s": percentile(times, 50), "p90_s": percentile(times, 90),
        "max_s": max(times) if times else 0.0,
        "fp_causes": fp_counts, "miss_causes": miss_counts,
    }


def _pct(x: float | None) -> str:
    return "n/a" if x is None else f"{100 * x:.1f} %"


def markdown(results: list[Result], tot: dict[str, Any], limit: int) -> str:
    """The summary table, the totals and the per-repository causes."""
    inproc = any(r.inproc_s is not None for r in results)
    lines = ["| repository | listed | truth | TP | FP | missed | recall | set aside | scan s |"
             + (" files | in-process s | ms/file |" if inproc else ""),
             "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
             + (" ---: | ---: | ---: |" if inproc else "")]
    for r in results:
        if r.error:
            lines.append(f"| {r.repo} | error: {r.error} | {len(r.truth)} | | | | | {r.seconds:.2f} |")
            continue
        rec = f"{100 * len(r.tp) / len(r.truth):.0f} %" if r.truth else "–"
        tp = f"{len(r.tp)}" + (f" ({len(r.tp_vendored_only)}†)" if r.tp_vendored_only else "")
        extra = ""
        if inproc and r.inproc_s is not None:
            per = 1000 * r.inproc_s / r.files if r.files else 0.0
            extra = f" {r.files} | {r.inproc_s:.2f} | {per:.1f} |"
        lines.append(f"| {r.repo} | {len(r.listed)} | {len(r.truth)} | {tp} | {len(r.fps)} | "
                     f"{len(r.misses)} | {rec} | {r.vendored_flagged} | {r.seconds:.2f} |{extra}")
    total_extra = ""
    if inproc and tot.get("inproc_p50_s") is not None:
        total_extra = (f" {tot['files']} | p50 {tot['inproc_p50_s']:.2f} | "
                       f"{tot['ms_per_file']:.1f} |")
    lines.append(f"| **total** ({tot['repos']} repos) | {tot['listed']} | {tot['truth']} | {tot['tp']} | "
                 f"{tot['fp']} | {tot['missed']} | {_pct(tot['recall'])} | "
                 f"{sum(r.vendored_flagged for r in results)} | p50 {tot['p50_s']:.2f} |{total_extra}")
    lines += [
        "",
        "† true positives whose every listed reference lies in a vendored copy (found for the wrong reason).",
        "",
        f"- **Recall** (truth models listed): {tot['tp']}/{tot['truth']} = {_pct(tot['recall'])}; "
        f"mean per repository (repositories with a non-empty truth): {_pct(tot['mean_recall_per_repo'])}",
        f"- **Precision** (listed models that are real): {tot['tp']}/{tot['listed']} = "
        f"{_pct(tot['precision'])}",
        f"- **Scan time** (whole `ptmx scan` process): p50 {tot['p50_s']:.2f} s, "
        f"p90 {tot['p90_s']:.2f} s, max {tot['max_s']:.2f} s; an empty folder takes "
        f"{tot.get('empty_folder_s', 0.0):.2f} s (start-up and dataset cost)",
        *([f"- **Scan time in-process** (`scan_project()` alone, dataset already open): p50 "
           f"{tot['inproc_p50_s']:.2f} s, p90 {tot['inproc_p90_s']:.2f} s, max "
           f"{tot['inproc_max_s']:.2f} s; {tot['ms_per_file']:.1f} ms per file over "
           f"{tot['files']} files"] if tot.get("inproc_p50_s") is not None else []),
        "- **set aside**: models the scan lists as `\"vendored\": true` (not counted as listed)",
        *([f"- Without {tot['largest']['repo']} ({tot['largest']['truth']} truth models): recall "
           f"{tot['largest']['tp']}/{tot['largest']['truth_rest']} = {_pct(tot['largest']['recall'])}, "
           f"precision {tot['largest']['tp']}/{tot['largest']['listed_rest']} = "
           f"{_pct(tot['largest']['precision'])}"] if tot.get("largest") else []),
        "- **False positives by cause**: " + ", ".join(
            f"{c} {n}" for c, n in tot["fp_causes"].items()),
        "- **Misses by cause**: " + ", ".join(f"{c} {n}" for c, n in tot["miss_causes"].items()),
        "",
        "### Per repository: false positives and misses by cause",
        "",
    ]
    for r in results:
        if r.error or (not r.fps and not r.misses):
            continue
        lines.append(f"- **{r.repo}**")
        if r.fps:
            lines.append(f"  - false positives: {_grouped(r.fps, FP_CAUSES, limit)}")
        if r.misses:
            lines.append(f"  - misses: {_grouped([(m, c) for m, c, _ in r.misses], MISS_CAUSES, limit)}")
    return "\n".join(lines) + "\n"


def machine() -> str:
    """``nproc``, CPU model, Python."""
    cpu = platform.processor() or "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    try:
        load = ", load average at start {:.1f} {:.1f} {:.1f}".format(*os.getloadavg())
    except OSError:
        load = ""
    return f"{os.cpu_count()} CPUs (nproc), {cpu}, Python {platform.python_version()}{load}"


def commit() -> str:
    """The ptmx commit (with ``+dirty`` when the work tree differs)."""
    def git(*args: str) -> str:
        out = subprocess.run(["git", "-C", str(REPO), *args], capture_output=True, text=True, check=False)
        return out.stdout.strip()
    sha = git("rev-parse", "--short", "HEAD") or "unknown"
    return sha + ("+dirty" if git("status", "--porcelain", "--", "ptmx") else "")


def fetch_list(truth: list[dict[str, Any]]) -> str:
    """The repository/commit list and a recipe to rebuild the checkouts."""
    rows = [f"{e['repo']} {e['commit']}" for e in truth]
    recipe = [
        "",
        "# Recreate the checkouts (one folder per repository, named owner__name):",
        "#   while read repo sha; do d=/tmp/repos/${repo/\\//__}; git init -q $d &&",
        "#     git -C $d fetch -q --depth 1 https://github.com/$repo $sha &&",
        "#     git -C $d checkout -q FETCH_HEAD;",
        "#   done < <(python benchmarks/scan_real.py --fetch-list | grep -v -e '^#' -e '^$')",
        "# The baseline checkouts came from stored snapshots that lack files of 4 MiB and more",
        "# (and symlinks); a full clone has them, which can change scan times.",
    ]
    return "\n".join(rows + recipe)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--repos", type=Path, help="folder of checkouts, one subfolder per repo (owner__name)")
    ap.add_argument("--truth", type=Path, default=DEFAULT_TRUTH, help="truth file (default: %(default)s)")
    ap.add_argument("--fetch-list", action="store_true", help="print the repo/commit list and exit")
    ap.add_argument("--only", action="append", default=[], help="only these owner/name (repeatable)")
    ap.add_argument("--ptmx", help="command that runs ptmx (default: the ptmx beside this Python)")
    ap.add_argument("--data", help="pass --data DIR to ptmx scan (default: its own default)")
    ap.add_argument("--timeout", type=float, default=600.0, help="seconds per scan (default: 600)")
    ap.add_argument("--runs", type=int, default=1, help="scans per repository; time = median (default: 1)")
    ap.add_argument("--limit", type=int, default=12, help="ids shown per cause group (default: 12)")
    ap.add_argument("--write", type=Path, help="append the section to this Markdown file")
    ap.add_argument("--heading", default="Scan on real repositories", help="section heading for --write")
    ap.add_argument("--json", type=Path, help="also write the raw comparison as JSON")
    ap.add_argument("--in-process", action="store_true",
                    help="also time scan_project() in this process (needs ptmx importable): "
                         "per-file cost without start-up")
    args = ap.parse_args(argv)

    truth = json.loads(args.truth.read_text(encoding="utf-8"))
    if args.fetch_list:
        print(fetch_list(truth))
        return 0
    if args.repos is None:
        ap.error("--repos is required (or --fetch-list)")
    if args.only:
        truth = [e for e in truth if e["repo"] in set(args.only)]

    cmd = ptmx_command(args.ptmx)
    machine_text = machine()
    with tempfile.TemporaryDirectory(prefix="ptmx-empty-") as empty:
        _, empty_s, _ = run_scan(cmd, Path(empty), args.data, args.timeout, args.runs)
    results: list[Result] = []
    for entry in truth:
        root = args.repos / entry["repo"].replace("/", "__", 1)
        if not root.is_dir():
            results.append(Result(entry["repo"], entry["models"], [], 0, 0.0, "checkout missing"))
            print(f"{entry['repo']}: checkout missing at {root}", file=sys.stderr)
            continue
        doc, seconds, error = run_scan(cmd, root, args.data, args.timeout, args.runs)
        res = compare(entry, doc, seconds, error, root)
        if args.in_process:
            res.inproc_s = _in_process(root, args.data, args.runs)
        results.append(res)
        print(f"{entry['repo']}: listed {len(res.listed)}, truth {len(res.truth)}, TP {len(res.tp)}, "
              f"{seconds:.2f} s{' — ' + error if error else ''}", file=sys.stderr)

    tot = totals(results)
    tot["empty_folder_s"] = empty_s
    timed = [r for r in results if r.inproc_s is not None]
    if timed:
        values = [r.inproc_s for r in timed if r.inproc_s is not None]
        tot["inproc_p50_s"], tot["inproc_p90_s"] = percentile(values, 50), percentile(values, 90)
        tot["inproc_max_s"] = max(values)
        tot["files"] = sum(r.files for r in timed)
        tot["ms_per_file"] = 1000 * sum(values) / max(1, tot["files"])
    body = markdown(results, tot, args.limit)
    print(body)
    if args.write:
        header = (f"## {args.heading}\n\n"
                  f"- date: {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC\n"
                  f"- machine: {machine_text}\n"
                  f"- ptmx commit: {commit()}; command: `{' '.join(cmd)} scan <checkout> --format json`"
                  + (f" --data {args.data}" if args.data else "") + "\n"
                  f"- truth: `{args.truth.name}` ({len(truth)} repositories, {tot['truth']} models)\n\n")
        existing = args.write.read_text(encoding="utf-8") if args.write.exists() else ""
        args.write.write_text(existing + ("\n" if existing else "") + header + body, encoding="utf-8")
    if args.json:
        raw = {"totals": tot, "repos": [{
            "repo": r.repo, "seconds": r.seconds, "in_process_s": r.inproc_s, "files": r.files,
            "error": r.error, "listed": [i.model for i in r.listed],
            "vendored_flagged": r.vendored_flagged, "tp": r.tp, "tp_vendored_only": r.tp_vendored_only,
            "fp": [{"id": m, "cause": c} for m, c in r.fps],
            "missed": [{"id": m, "cause": c, "how": h} for m, c, h in r.misses]} for r in results]}
        args.json.write_text(json.dumps(raw, indent=1) + "\n", encoding="utf-8")
    return 1 if tot["errors"] else 0


if __name__ == "__main__":
    sys.exit(main())
