"""Whole process vs in process (issue 17): what a script feels next to what the TUI feels.

``python benchmarks/whole_process.py --sample --write`` and
``python benchmarks/whole_process.py --dataset DIR --sqlite DB --label 1x --write``.

For each question (several search terms, model pages, a project page, the unlimited depth-2
walk, the license audit, ``--help``, ``--version``) it measures:

- **in process, function** (what the TUI feels): the ptmx call on one opened store, median of
  ``--runs`` after a warm-up;
- **in process, CLI** : ``ptmx.cli.main(argv)`` with the same argv as the whole process, in a
  warm process (stdout to /dev/null): the whole-process work minus interpreter start, imports and
  the first open;
- **whole process** (what a script feels): ``ptmx --data DIR ARGV`` spawned fresh each run,
  stdout to /dev/null, wall and CPU (user + sys) time from the OS, min and median;
- **DuckDB floor**, also whole process: a bare ``python -c "import duckdb; con =
  duckdb.connect(CACHE, read_only=True); con.execute(SQL).fetchall()"`` on ptmx's own cache file
  for the dataset, running the SQL that gives the same answer (for ``--help``/``--version``:
  ``python -c pass``, the interpreter alone);
- **sqlite3 (Python)**, whole process, where a SQLite file is given: ``sqlite_baseline.py``'s
  answer to the same question on it (indexes and side tables added by ``sqlite_baseline.prepare``:
  pass a copy, or ``--prepare`` one).

ptmx's modules are byte-compiled first (``compileall``), as an installed ptmx is: with
``PYTHONDONTWRITEBYTECODE`` set, every fresh ptmx would otherwise compile its sources (~20 ms).
Both sides do the same work: the same page size for search (``--limit``), the depth-2 walk with
no per-branch limit everywhere. Whole-process runs are interleaved (ptmx, floor, sqlite3, ptmx, …)
so the machine's drift hits every column alike. Nothing outside Python is needed.

It also runs ``python -X importtime -m ptmx search bert`` and keeps the 15 largest cumulative
import times. ``--write`` stores the figures per dataset in ``whole_process.json`` and rewrites
the first section of RESULTS.md (run.py keeps that section when it regenerates the file).
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
STORE_JSON = HERE / "whole_process.json"
RESULTS = HERE / "RESULTS.md"
BEGIN = "<!-- whole-process: written by whole_process.py, kept by run.py -->"
END = "<!-- /whole-process -->"
TITLE = "## Whole process vs in process (issue 17)"
# The figures before issue 17's start-up work, for comparison (same machine, 1x, CPU medians).
BASELINE = (
    "Before (commit 66bba31, the baseline of issue 17, 1x, CPU median): `search` 724–882 ms "
    "(3.8–3.9× the floor), `model` 784–864 ms (3.8–3.9×), `project` 828 ms (4.0×), depth-2 walk "
    "1,172 ms (5.6×), audit 2,177 ms (5.8×), `--help` 649 ms (24× `python -c pass`). At "
    "10e678f (start-up work merged), same script, 1x, CPU median ÷ floor: `search` 1.1–1.2×, "
    "`model` 1.2–1.3×, `project` 1.2×, walk 2.4× (483 vs 200 ms), audit 3.7×, `--help` 42 ms; "
    "those runs compiled ptmx's sources in every process (PYTHONDONTWRITEBYTECODE was set in "
    "the shell, ~20 ms): the script now byte-compiles ptmx first, as an installed ptmx is.\n\n"
    "The machine is shared (2 cores, several engineers' builds and tests): read the CPU "
    "columns and the ratios, measured interleaved; wall times swing with the load.\n\n"
    "What ptmx still adds to the floor for search/model/project (1x, `time.process_time()` "
    "around each step of fresh processes): importing its own modules (argparse, json, "
    "ptmx.cli/render/store: 20–30 ms; 1–4 ms per ptmx module, the page dataclasses the "
    "largest), building the "
    "parser of the core area (2–3 ms), listing and stat-ing the dataset's files for the cache "
    "key (1.3 ms), the lock-down SETs (2 ms); the most reused model's page also encodes 2,457 "
    "projects with their file lists as JSON (~15 ms), which the floor (a bare fetchall) does "
    "not. Since issue 18 the model and project pages carry each link's licence verdict and the "
    "model's chain: the floor reads their inputs too (each project's licence, the base edges "
    "above the page's models by recursive SQL) and judges nothing, as the audit's floor; ptmx "
    "also imports the licence engine (~15 ms CPU, its modules' dataclasses and rule tables), "
    "loads its knowledge base (~9 ms: 245 licence records, 485 aliases) and reads the lineage "
    "a level at a time (1.5–5 ms per query). The walk and the audit are the graph and licenses "
    "areas' own work (the Python walk, the licence engine's verdicts, one JSON encoder call per "
    "record): see the notes below.")

Statement = tuple[str, list[Any]]

# --- the DuckDB floor: the SQL that gives each answer, on ptmx's cache ------------------------

_RANK = ("CASE WHEN model_lc = $n THEN 0 WHEN starts_with(model_lc, $n) "
         "OR contains(model_lc, '/' || $n) THEN 1 ELSE 2 END")
SEARCH_SQL = f"""SELECT model, downloads, license, reuse_count FROM model_summary
    WHERE contains(model_lc, $n) ORDER BY {_RANK}, downloads DESC NULLS LAST, model LIMIT $limit"""
# Pages: the name → id lookup, then lookups by that id (the floor script is given the id, as
# ptmx passes the id it found to its next queries).
# The name lookup through the cache's model_key (hash of the lower-case name, sorted by it),
# as ptmx does: without it model_lc has no index since open17e and the floor would scan.
MODEL_ID_SQL = """SELECT s.model_id FROM model_key k JOIN model_summary s ON s.model_id = k.model_id
    WHERE k.h = hash(lower($name)) AND s.model_lc = lower($name)
    ORDER BY s.model = $name DESC, s.model_id LIMIT 1"""
MODEL_HEAD_SQL = """SELECT model_id AS id, model, author, downloads, likes, reuse_count, license,
        hub, (SELECT struct_pack(repo_url, sha) FROM model WHERE id = $id LIMIT 1) AS repo,
        (SELECT list(d) FROM model_detail d WHERE d.model_id = $id) AS detail,
        (SELECT c FROM model_card c WHERE c.model_id = $id LIMIT 1) AS card
    FROM model_summary WHERE model_id = $id"""
# The page's projects with what its licence verdicts read (issue 18 put them on the page): each
# project's licence, and the base edges above the model with the bases' licences. The floor
# reads them and judges nothing, as the audit's floor.
MODEL_PROJECTS_SQL = """SELECT l.project, l.url, l.files, ps.license FROM reuse_link l
    JOIN project_summary ps ON ps.project_id = l.project_id
    WHERE l.model_id = $id ORDER BY l.project"""
_LINEAGE = """WITH RECURSIVE up(id) AS (
        SELECT unnest(CAST($ids AS BIGINT[]))
        UNION SELECT b.base_model_id FROM model_base b JOIN up ON b.model_id = up.id
        WHERE b.base_model_id IS NOT NULL)
    SELECT b.base_model, b.base_model_id, s.license, b.model_id, b.relation FROM model_base b
    LEFT JOIN model_summary s ON s.model_id = b.base_model_id
    WHERE b.model_id IN (SELECT id FROM up)"""
MODEL_LINEAGE_SQL = _LINEAGE.replace("$ids", "[$id]")
PROJECT_ID_SQL = """SELECT id FROM reuse_repository
    WHERE lower(owner) = lower($owner) AND lower(name) = lower($repo)
    ORDER BY (owner = $owner AND name = $repo) DESC, id LIMIT 1"""
PROJECT_SQL = """SELECT owner || '/' || name AS project, url,
           (SELECT list(license_key ORDER BY license_key NULLS LAST)
            FROM reuse_repository_license WHERE reuse_repository_id = $id) AS licenses
    FROM reuse_repository WHERE id = $id"""
PROJECT_MODELS_SQL = """SELECT model, license, downloads, reuse_count, files FROM reuse_link
    WHERE project_id = $id ORDER BY model"""
# The lineage above the project's models, for their verdicts.
PROJECT_LINEAGE_SQL = _LINEAGE.replace(
    "CAST($ids AS BIGINT[])", "(SELECT list(model_id) FROM reuse_link WHERE project_id = $id)")
# Depth 2 from a model, every neighbour: level 1 = its projects, bases and derived models;
# level 2 = the models of those projects, and the projects and lineage of those models.
WALK_SQL = """WITH root AS (SELECT id FROM model WHERE context_id = $name LIMIT 1),
    l1p AS (SELECT project_id AS id FROM reuse_link WHERE model_id IN (SELECT id FROM root)),
    l1m AS (SELECT base_model_id AS id FROM base_link
            WHERE model_id IN (SELECT id FROM root) AND base_model_id IS NOT NULL
            UNION SELECT model_id FROM base_link WHERE base_model_id IN (SELECT id FROM root)),
    frontier AS (SELECT id FROM root UNION SELECT id FROM l1m)
    SELECT 'used_by', l.model_id, p.project_id, p.project, p.license, p.links
    FROM reuse_link l JOIN project_summary p ON p.project_id = l.project_id
    WHERE l.model_id IN (SELECT id FROM frontier)
    UNION ALL
    SELECT 'uses', project_id, model_id, model, license, reuse_count FROM reuse_link
    WHERE project_id IN (SELECT id FROM l1p)
    UNION ALL
    SELECT 'base', model_id, base_model_id, base_model, base_license, base_reuse_count
    FROM base_link WHERE model_id IN (SELECT id FROM frontier)
    UNION ALL
    SELECT 'derived', base_model_id, model_id, model, license, reuse_count FROM base_link
    WHERE base_model_id IN (SELECT id FROM frontier)"""
# The license audit's two reads (the join only: the floor does not judge anything).
_AUDIT_CTES = """WITH scan AS (
        SELECT reuse_repository_id AS pid, count(license_key) AS n_keys,
               array_to_string(list_sort(list(CASE WHEN contains(lower(license_key), ' or ')
                   THEN '(' || license_key || ')' ELSE license_key END)), ' AND ') AS keys
        FROM reuse_repository_license GROUP BY reuse_repository_id),
    card AS (SELECT model_id, any_value(license) AS license FROM model_card
             WHERE license IS NOT NULL GROUP BY model_id)"""
AUDIT_LINKS_SQL = f"""{_AUDIT_CTES}
    SELECT mr.model_id, ms.model, coalesce(ms.license, card.license) AS upstream,
           mr.reuse_repository_id, r.owner || '/' || r.name AS project,
           CASE WHEN scan.pid IS NULL THEN NULL WHEN scan.n_keys = 0 THEN 'NONE'
                ELSE scan.keys END AS downstream
    FROM model_to_reuse_repository mr JOIN model_summary ms ON ms.model_id = mr.model_id
    JOIN reuse_repository r ON r.id = mr.reuse_repository_id
    LEFT JOIN scan ON scan.pid = mr.reuse_repository_id
    LEFT JOIN card ON card.model_id = mr.model_id
    ORDER BY mr.model_id, mr.reuse_repository_id"""
AUDIT_EDGES_SQL = f"""{_AUDIT_CTES}
    SELECT b.base_model, b.base_model_id, coalesce(bs.license, bc.license),
           coalesce(ds.model, b.model), b.model_id, coalesce(ds.license, dc.license), b.relation
    FROM model_base b LEFT JOIN model_summary bs ON bs.model_id = b.base_model_id
    LEFT JOIN card bc ON bc.model_id = b.base_model_id
    LEFT JOIN model_summary ds ON ds.model_id = b.model_id
    LEFT JOIN card dc ON dc.model_id = b.model_id
    ORDER BY b.base_model_id NULLS LAST, b.model_id, b.base_model"""


@dataclass
class Question:
    """One row: the ptmx argv, its in-process call, the floor's SQL and sqlite3's call."""

    key: str
    what: str
    argv: list[str]
    call: Callable[[Any], Any] | None = None  # store → answer (None: no in-process function)
    floor: list[Statement] | None = None  # None: the interpreter alone (python -c pass)
    sqlite: str | None = None  # a Python expression over `sb` and `con`
    needs: tuple[str, ...] = field(default=())  # tables the floor SQL reads


def questions(targets: dict[str, str], limit: int, ids: dict[str, int],
              present: set[str]) -> list[Question]:
    """The rows of the table, from the dataset's targets (``ids``: the targets' ids;
    ``present``: the dataset's tables)."""
    from ptmx import licenses
    from ptmx.graph import neighborhood
    from ptmx.store import model_page, project_page, search_models
    from ptmx.store.detail import list_query

    # A model page's name lists: the page's own SQL (the floor runs it as well).
    lists_sql = list_query(present)

    out: list[Question] = []
    for tag in ("common", "rare", "none"):
        term = targets[f"search_{tag}"]
        out.append(Question(
            f"search_{tag}", f"`search {term}` ({tag}), first {limit}",
            ["search", term, "--limit", str(limit), "--format", "json"],
            lambda s, t=term: search_models(s, t, limit=limit),
            [(SEARCH_SQL, {"n": term.lower(), "limit": limit})],
            f"sb.search(con, {term!r}, {limit})"))
    for tag, label in (("typical_model", "3-10 projects"), ("top_model", "most reused")):
        name = targets[tag]
        out.append(Question(
            f"model_{tag}", f"`model` page, {label}", ["model", name, "--format", "json"],
            # The page and its links' verdicts, as `ptmx model` and the TUI's page compute.
            lambda s, n=name, i=ids[tag]: (model_page(s, n), licenses.model_link_verdicts(s, i)),
            [(MODEL_ID_SQL, {"name": name}), (MODEL_HEAD_SQL, {"id": ids[tag]}),
             *([(lists_sql, {"id": ids[tag]})] if lists_sql else []),
             (MODEL_PROJECTS_SQL, {"id": ids[tag]}),
             *([(MODEL_LINEAGE_SQL, {"id": ids[tag]})] if "model_base" in present else [])],
            f"sb.model_page(con, {name!r})"))
    project = targets["top_project"]
    owner, _, repo = project.partition("/")
    out.append(Question(
        "project_page", "`project` page, busiest", ["project", project, "--format", "json"],
        lambda s: (project_page(s, project),
                   licenses.project_link_verdicts(s, ids["top_project"])),
        [(PROJECT_ID_SQL, {"owner": owner, "repo": repo}),
         (PROJECT_SQL, {"id": ids["top_project"]}), (PROJECT_MODELS_SQL, {"id": ids["top_project"]}),
         *([(PROJECT_LINEAGE_SQL, {"id": ids["top_project"]})] if "model_base" in present else [])],
        f"sb.project_page(con, {project!r})"))
    top = targets["top_model"]
    out.append(Question(
        "walk_depth2", "`graph neighbors` depth 2, most reused, no limit",
        ["graph", "neighbors", top, "--kind", "model", "--depth", "2", "--limit", "0",
         "--format", "json"],
        lambda s: neighborhood(s, top, kind="model", depth=2, limit=0),
        [(WALK_SQL, {"name": top})], f"sb.neighbourhood(con, {top!r}, 2)"))
    out.append(Question(
        "license_audit", "`licenses audit --format json` (floor: join only)",
        ["licenses", "audit", "--format", "json"], licenses.audit,
        [(AUDIT_LINKS_SQL, {}), (AUDIT_EDGES_SQL, {})], "sb.license_audit(con)"))
    out.append(Question("help", "`ptmx --help` (floor: `python -c pass`)", ["--help"]))
    out.append(Question("version", "`ptmx --version` (floor: `python -c pass`)", ["--version"]))
    return out


def pick_targets(store: Any, rare: str, none: str) -> dict[str, str]:
    """Same picks as sqlite_baseline.pick_targets (most reused model, first model with 3-10
    projects, busiest project), read from the store."""
    def one(sql: str) -> str:
        return str(store.scalar(sql))

    return {
        "top_model": one("SELECT model FROM model_summary ORDER BY reuse_count DESC, model_id "
                         "LIMIT 1"),
        "typical_model": one("SELECT model FROM model_summary WHERE reuse_count BETWEEN 3 AND 10 "
                             "ORDER BY model_id LIMIT 1"),
        "top_project": one("SELECT project FROM project_summary ORDER BY links DESC, project_id "
                           "LIMIT 1"),
        "search_common": "bert", "search_rare": rare, "search_none": none,
    }


# --- whole-process timing (Python only) -------------------------------------------------------

@dataclass
class Runs:
    """Wall and CPU seconds and peak RSS (KiB) of each run of one command."""

    wall: list[float] = field(default_factory=list)
    cpu: list[float] = field(default_factory=list)
    rss_kb: list[int] = field(default_factory=list)

    def summary(self) -> dict[str, float]:
        return {"wall_min": min(self.wall), "wall_med": statistics.median(self.wall),
                "cpu_min": min(self.cpu), "cpu_med": statistics.median(self.cpu),
                "rss_mb": max(self.rss_kb) / 1024, "runs": len(self.wall)}


def spawn(cmd: list[str], env: dict[str, str], runs: Runs | None) -> tuple[int, bytes]:
    """Run ``cmd`` to the end; with ``runs``, record its wall/CPU time (output discarded),
    otherwise return its output (for checking)."""
    out = subprocess.DEVNULL if runs is not None else subprocess.PIPE
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.PIPE if runs is None else out,
                            env=env, cwd=REPO)
    data = b""
    if runs is None:
        data, err = proc.communicate()
        if proc.returncode != 0:
            raise SystemExit(f"{' '.join(cmd)[:200]} failed ({proc.returncode}): "
                             f"{err.decode(errors='replace')[-400:]}")
        return proc.returncode, data
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - started
    proc.returncode = os.waitstatus_to_exitcode(status)
    runs.wall.append(wall)
    runs.cpu.append(usage.ru_utime + usage.ru_stime)
    runs.rss_kb.append(usage.ru_maxrss)
    return proc.returncode, data


def ptmx_command() -> list[str]:
    """The installed `ptmx` script beside this interpreter, else ``python -m ptmx``."""
    script = Path(sys.executable).parent / "ptmx"
    return [str(script)] if script.exists() else [sys.executable, "-m", "ptmx"]


def floor_code(cache: Path, statements: list[Statement] | None, show: bool = False) -> str:
    """``python -c`` source of the DuckDB floor (``show``: print each result's row count)."""
    if statements is None:
        return "pass"
    fetch = "print(len({}))" if show else "{}"
    # No progress bar (ptmx turns it off too): it would print into the row counts.
    lines = ["import duckdb", f"con = duckdb.connect({str(cache)!r}, read_only=True)",
             "con.execute('SET enable_progress_bar=false')"]
    lines += [fetch.format(f"con.execute({sql!r}, {params!r}).fetchall()")
              for sql, params in statements]
    return "\n".join(lines)


def sqlite_code(db: Path, expr: str, show: bool = False) -> str:
    """``python -c`` source answering with sqlite_baseline on ``db``."""
    body = f"print(sb._size({expr}))" if show else expr
    return (f"import sys\nsys.path.insert(0, {str(HERE)!r})\nimport sqlite_baseline as sb\n"
            f"con = sb.connect({str(db)!r})\n{body}")


def answer_size(argv: list[str], text: bytes) -> str:
    """A short description of ptmx's answer (records, nodes), to set beside the floor's rows."""
    if argv[0].startswith("--"):
        return f"{len(text)} bytes"
    value = json.loads(text)
    if isinstance(value, list):
        return f"{len(value)} records"
    if "node_count" in value:
        return f"{value['node_count']} nodes, {value['edge_count']} edges"
    if "projects" in value:
        return f"{len(value['projects'])} projects"
    return f"{len(value.get('models', value))} items"


def whole_process(qs: list[Question], folder: Path, cache: Path, sqlite: Path | None,
                  runs: int, env: dict[str, str]) -> dict[str, dict[str, Any]]:
    """Check each command once, then ``runs`` interleaved timed runs of ptmx, floor, sqlite3."""
    ptmx = ptmx_command()
    py = [sys.executable]
    out: dict[str, dict[str, Any]] = {}
    for q in qs:
        argv = q.argv if q.argv[0].startswith("--") else ["--data", str(folder), *q.argv]
        cmds = {"ptmx": [*ptmx, *argv], "floor": [*py, "-c", floor_code(cache, q.floor)]}
        if sqlite is not None and q.sqlite:
            cmds["sqlite"] = [*py, "-c", sqlite_code(sqlite, q.sqlite)]
        sizes = {"ptmx": answer_size(q.argv, spawn(cmds["ptmx"], env, None)[1])}
        if q.floor is not None:
            rows = spawn([*py, "-c", floor_code(cache, q.floor, show=True)], env, None)[1]
            sizes["floor"] = " + ".join(rows.decode().split()) + " rows"
        if "sqlite" in cmds and q.sqlite:
            sizes["sqlite"] = spawn([*py, "-c", sqlite_code(sqlite, q.sqlite, show=True)],
                                    env, None)[1].decode().strip()
        timings = {name: Runs() for name in cmds}
        for _ in range(runs):
            for name, cmd in cmds.items():
                spawn(cmd, env, timings[name])
        out[q.key] = {name: r.summary() for name, r in timings.items()}
        out[q.key]["sizes"] = sizes
        p, f = out[q.key]["ptmx"], out[q.key]["floor"]
        print(f"  {q.key}: ptmx {p['wall_med'] * 1000:.0f} ms wall / {p['cpu_med'] * 1000:.0f} ms "
              f"CPU, floor {f['wall_med'] * 1000:.0f} / {f['cpu_med'] * 1000:.0f} ms; {sizes}",
              file=sys.stderr)
    return out


# --- in process -------------------------------------------------------------------------------

def timed(fn: Callable[[], Any], runs: int) -> list[float]:
    """Seconds of ``runs`` calls after one untimed warm-up."""
    fn()
    seconds = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        seconds.append(time.perf_counter() - started)
    return seconds


def cli_in_process(argv: list[str]) -> None:
    """``ptmx.cli.main(argv)`` with stdout discarded (``--help`` and ``--version`` exit)."""
    from ptmx.cli import main

    with open(os.devnull, "w") as sink, contextlib.redirect_stdout(sink), \
            contextlib.suppress(SystemExit):
        code = main(argv)
        if code:
            raise RuntimeError(f"ptmx {' '.join(argv)} exited {code}")


def in_process(qs: list[Question], store: Any, folder: Path, runs: int) -> dict[str, Any]:
    """Median seconds of each question's function and of its CLI main, in this process."""
    out: dict[str, Any] = {}
    for q in qs:
        argv = q.argv if q.argv[0].startswith("--") else ["--data", str(folder), *q.argv]
        call = q.call
        fn = statistics.median(timed(lambda c=call: c(store), runs)) if call else None
        cli = statistics.median(timed(lambda a=argv: cli_in_process(a), runs))
        out[q.key] = {"function": fn, "cli": cli}
    return out


# --- import time ------------------------------------------------------------------------------

def import_times(folder: Path, env: dict[str, str], runs: int) -> list[dict[str, Any]]:
    """Least cumulative and self ms per module of ``python -X importtime -m ptmx search bert``
    over ``runs`` processes (wall time: the least is the one the machine's load spoilt least)."""
    per: dict[str, list[tuple[int, int, int]]] = {}
    for _ in range(runs):
        result = subprocess.run(
            [sys.executable, "-X", "importtime", "-m", "ptmx", "--data", str(folder), "search",
             "bert", "--format", "json"], capture_output=True, text=True, env=env, cwd=REPO,
            check=True)
        for line in result.stderr.splitlines():
            if not line.startswith("import time:") or "cumulative" in line:
                continue
            self_us, cumulative, name = line.removeprefix("import time:").split("|", 2)
            depth = (len(name) - len(name.lstrip())) // 2
            per.setdefault(name.strip(), []).append((int(cumulative), int(self_us), depth))
    rows = [{"module": m, "cumulative_ms": min(v[0] for v in vals) / 1000,
             "self_ms": min(v[1] for v in vals) / 1000, "depth": vals[0][2]}
            for m, vals in per.items()]
    return sorted(rows, key=lambda r: -r["cumulative_ms"])


# The CLI's area modules in registration order (as ptmx.cli.AREAS). importlib.import_module is
# not traced by -X importtime, so each area is timed by importing them one by one in a fresh
# process: each figure is what that area adds to what the areas before it already imported.
AREAS = ("ptmx.cli.core", "ptmx.cli.licenses", "ptmx.cli.graph", "ptmx.cli.cards", "ptmx.cli.hub",
         "ptmx.cli.scan")
_AREA_CHILD = """
import importlib, sys, time
started = time.process_time()
import ptmx.cli
print("ptmx.cli (argparse, ptmx, errors)", time.process_time() - started)
for name in sys.argv[1:]:
    started = time.process_time()
    importlib.import_module(name)
    print(name, time.process_time() - started)
"""


def area_times(env: dict[str, str], runs: int) -> dict[str, float]:
    """Median CPU ms each CLI area module adds, imported in registration order in a fresh
    process (CPU time: on a loaded machine wall time inflates with the load)."""
    per: dict[str, list[float]] = {}
    for _ in range(runs):
        result = subprocess.run([sys.executable, "-c", _AREA_CHILD, *AREAS], capture_output=True,
                                text=True, env=env, cwd=REPO, check=True)
        for line in result.stdout.splitlines():
            name, seconds = line.rsplit(" ", 1)
            per.setdefault(name, []).append(float(seconds) * 1000)
    return {name: statistics.median(ms) for name, ms in per.items()}


# --- report -----------------------------------------------------------------------------------

def _ms(seconds: float | None) -> str:
    if seconds is None:
        return "—"
    return f"{seconds * 1000:,.0f}" if seconds >= 0.1 else f"{seconds * 1000:.1f}"


def _ratio(a: float, b: float | None) -> str:
    return f"{a / b:.1f}×" if b else "—"


def table(qs: list[Question], inproc: dict[str, Any], whole: dict[str, Any]) -> list[str]:
    """Markdown rows: in-process figures, then whole-process ptmx / floor / sqlite3 and ratios."""
    has_sqlite = any("sqlite" in w for w in whole.values())
    head = ["question", "in-proc fn", "in-proc CLI", "ptmx wall med (min)", "ptmx CPU med",
            "floor wall med (min)", "floor CPU med", "ptmx ÷ floor wall / CPU"]
    if has_sqlite:
        head += ["sqlite3 wall med", "ptmx ÷ sqlite3 wall"]
    lines = ["| " + " | ".join(head) + " |", "|---|" + "---:|" * (len(head) - 1)]
    for q in qs:
        w, i = whole[q.key], inproc[q.key]
        p, f = w["ptmx"], w["floor"]
        cells = [q.what, _ms(i["function"]), _ms(i["cli"]),
                 f"{_ms(p['wall_med'])} ({_ms(p['wall_min'])})", _ms(p["cpu_med"]),
                 f"{_ms(f['wall_med'])} ({_ms(f['wall_min'])})", _ms(f["cpu_med"]),
                 f"{_ratio(p['wall_med'], f['wall_med'])} / {_ratio(p['cpu_med'], f['cpu_med'])}"]
        if has_sqlite:
            s = w.get("sqlite")
            cells += [_ms(s["wall_med"]) if s else "—",
                      _ratio(p["wall_med"], s["wall_med"]) if s else "—"]
        lines.append("| " + " | ".join(cells) + " |")
    return lines


def machine() -> str:
    """nproc, CPU model, memory, OS, Python, DuckDB."""
    import duckdb

    cpu, mem = platform.processor() or "unknown CPU", "unknown memory"
    with contextlib.suppress(OSError, StopIteration):
        cpu = next(line.split(":", 1)[1].strip() for line in
                   Path("/proc/cpuinfo").read_text().splitlines() if line.startswith("model name"))
        kb = int(next(line.split()[1] for line in Path("/proc/meminfo").read_text().splitlines()
                      if line.startswith("MemTotal")))
        mem = f"{kb / 2**20:.0f} GiB"
    return (f"nproc {os.cpu_count()}, {cpu}, {mem}; {platform.system()} {platform.release()}; "
            f"Python {platform.python_version()}, DuckDB {duckdb.__version__}")


def commit() -> str:
    """The checked-out commit, and whether ptmx/ has uncommitted changes."""
    try:
        sha = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True,
                             text=True, cwd=REPO, check=True).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no", "--",
                                "ptmx", "pyproject.toml"], capture_output=True, text=True,
                               cwd=REPO).stdout.strip()
        return sha + (" (ptmx/ with uncommitted changes)" if dirty else "")
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def section(label: str, describe: str, qs: list[Question], inproc: dict[str, Any],
            whole: dict[str, Any], targets: dict[str, str], runs: int, sqlite: Path | None,
            load: str) -> str:
    """One dataset's part of the RESULTS.md section."""
    sizes = "; ".join(f"{q.key}: " + ", ".join(f"{k} {v}" for k, v in whole[q.key]["sizes"].items())
                      for q in qs if q.floor is not None)
    sqlite_note = (f" sqlite3: `sqlite_baseline.py` on a prepared copy of the SQLite source "
                   f"({sqlite.name})." if sqlite else " No SQLite file for this dataset.")
    return (f"### {label} ({describe})\n\nMeasured {dt.date.today().isoformat()}, commit "
            f"{commit()}, load average {load} at the start; whole process: {runs} runs each, "
            "interleaved, after one checked run; "
            f"in process: median of {runs} after a warm-up.{sqlite_note}\n\n"
            + "\n".join(table(qs, inproc, whole))
            + f"\n\nInputs: {json.dumps(targets)}\n\nAnswer sizes: {sizes}\n")


def imports_section(rows: list[dict[str, Any]], areas: dict[str, float], folder: str,
                    runs: int, load: str) -> str:
    """Top 15 cumulative imports and the per-area figures."""
    top = ["| module | cumulative ms | self ms | depth |", "|---|---:|---:|---:|"]
    top += [f"| `{r['module']}` | {r['cumulative_ms']:.1f} | {r['self_ms']:.1f} | {r['depth']} |"
            for r in rows[:15]]
    area = ["| area module (in `build_parser` order) | CPU ms it adds |", "|---|---:|"]
    area += [f"| `{name}` | {ms:.1f} |" for name, ms in areas.items()]
    area.append(f"| all of them | {sum(areas.values()):.1f} |")
    return ("### Import time of `python -X importtime -m ptmx search bert --format json`\n\n"
            f"Least of {runs} fresh processes on {folder}, load average {load}. Wall times "
            "(what `-X importtime` reports): they grow with the machine's load. Cumulative time "
            "includes the "
            "modules imported beneath (depth 0 = imported by the entry point itself); a module "
            "imported a second time costs nothing, so each one counts where it is first "
            "imported. The CLI imports its area modules with `importlib.import_module`, which "
            "`-X importtime` does not trace: their imports appear at depth 0.\n\nTop 15 "
            "cumulative:\n\n" + "\n".join(top) + "\n\nBy CLI area (a command imports only its "
            "own area since issue 17; `--help` imports none), median CPU time of the same number of fresh "
            "processes, each area timed after the ones before it:\n\n" + "\n".join(area) + "\n")


def write(saved: dict[str, Any]) -> None:
    """Store the sections and rewrite the whole-process block at the top of RESULTS.md."""
    STORE_JSON.write_text(json.dumps(saved, indent=2, ensure_ascii=False) + "\n")
    order = sorted((k for k in saved["sections"]),
                   key=lambda k: (k != "sample", k))
    intro = (
        f"{TITLE}\n\nGenerated by `python benchmarks/whole_process.py` (see its docstring); "
        f"machine: {saved['machine']}.\n\n"
        "Which figure is which: **in-proc fn** = the ptmx function on an opened store, in "
        "process (what the TUI feels); **in-proc CLI** = `ptmx.cli.main(argv)` with the same "
        "argv, in a warm process (stdout discarded); every other column is a **whole process**, "
        "spawned fresh per run (what a script feels): `ptmx --data DIR ARGV` with stdout to "
        "/dev/null, the **DuckDB floor** = `python -c \"import duckdb; con = "
        "duckdb.connect(CACHE, read_only=True); con.execute(SQL).fetchall()\"` on ptmx's own "
        "cache file with the SQL giving the same answer (in `whole_process.py`), and sqlite3 = "
        "`sqlite_baseline.py` on the SQLite source. Times in ms; wall = elapsed, CPU = user + "
        "sys of the process; ratio = ptmx whole process ÷ floor (issue 17's goal for search and "
        "model: ≤ 1.2×). Same work on both sides: search pages of 20, the depth-2 walk with no "
        "per-branch limit.\n\n" + BASELINE + "\n\n")
    body = intro + "\n".join(saved["sections"][k] for k in order)
    if saved.get("imports"):
        body += "\n" + saved["imports"]
    block = f"{BEGIN}\n{body}{END}\n"
    text = RESULTS.read_text() if RESULTS.exists() else "# ptmx benchmarks\n\n"
    RESULTS.write_text(with_block(text, block))


def with_block(text: str, block: str) -> str:
    """``text`` with the whole-process block replaced, or inserted after the title."""
    if BEGIN in text and END in text:
        before, rest = text.split(BEGIN, 1)
        after = rest.split(END, 1)[1].lstrip("\n")
        return before + block + "\n" + after
    title, _, rest = text.partition("\n\n")
    return f"{title}\n\n{block}\n{rest}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sample", action="store_true", help="the bundled sample (data/)")
    parser.add_argument("--dataset", type=Path, help="a PeaTMOSS Parquet folder (read only)")
    parser.add_argument("--label", help="its name in RESULTS.md (default: the folder name)")
    parser.add_argument("--sqlite", type=Path,
                        help="SQLite source of --dataset, prepared by sqlite_baseline (a copy)")
    parser.add_argument("--prepare", nargs=2, metavar=("LICENSES_JSON", "CARDS_JSON"),
                        help="prepare --sqlite first (adds indexes and a side file beside it)")
    parser.add_argument("--runs", type=int, default=10, help="runs per figure (default 10)")
    parser.add_argument("--limit", type=int, default=20, help="search page (default 20)")
    parser.add_argument("--rare", default="xlnet", help="a term matching fewer rows than a page")
    parser.add_argument("--none", default="zzqx", help="a term matching nothing")
    parser.add_argument("--imports-only", action="store_true",
                        help="only the import-time part (on the last dataset given)")
    parser.add_argument("--only", help="comma-separated question keys (e.g. search_common,help)")
    parser.add_argument("--importtime-runs", type=int, default=5)
    parser.add_argument("--cache", type=Path, default=Path("/tmp/ptmx-bench/cache"),
                        help="PTMX_CACHE for every ptmx process (default: run.py's)")
    parser.add_argument("--write", action="store_true",
                        help="store the figures and rewrite the section of RESULTS.md")
    args = parser.parse_args()
    os.environ["PTMX_CACHE"] = str(args.cache)
    sys.path.insert(0, str(REPO))
    from ptmx.config import bundled_data_dir
    from ptmx.store import open_store

    jobs: list[tuple[str, Path, Path | None]] = []
    if args.sample:
        jobs.append(("sample", bundled_data_dir(), None))
    if args.dataset:
        jobs.append((args.label or args.dataset.name, args.dataset.resolve(), args.sqlite))
    if not jobs:
        parser.error("give --sample and/or --dataset DIR")
    if args.sqlite and args.prepare:
        sys.path.insert(0, str(HERE))
        import sqlite_baseline as sb

        sb.prepare(args.sqlite, licenses_json=args.prepare[0], cards_json=args.prepare[1])
    env = {**os.environ, "PTMX_CACHE": str(args.cache)}
    # An installed ptmx has its bytecode compiled (pip does it), as duckdb's has: without it
    # (e.g. PYTHONDONTWRITEBYTECODE=1 in this shell) every ptmx run compiles its own sources,
    # ~20 ms that the floor never pays.
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(REPO / "ptmx")], check=True)
    saved: dict[str, Any] = (json.loads(STORE_JSON.read_text()) if STORE_JSON.exists()
                             else {"sections": {}})
    for label, folder, sqlite in [] if args.imports_only else jobs:
        print(f"== {label}: {folder}", file=sys.stderr)
        store = open_store(folder)  # builds the cache file once (not timed)
        if store.cache_file is None:
            raise SystemExit(f"no cache file under {args.cache}: cannot measure the floor")
        targets = pick_targets(store, args.rare, args.none)
        matches = store.scalar("SELECT count(*) FROM model_summary WHERE contains(model_lc, ?)",
                               [args.rare])
        if not 0 < matches < args.limit:
            print(f"  warning: --rare {args.rare!r} matches {matches} models", file=sys.stderr)
        ids = {"top_model": store.scalar("SELECT model_id FROM model_summary WHERE model = ?",
                                         [targets["top_model"]]),
               "typical_model": store.scalar("SELECT model_id FROM model_summary WHERE model = ?",
                                             [targets["typical_model"]]),
               "top_project": store.scalar("SELECT project_id FROM project_summary "
                                           "WHERE project = ?", [targets["top_project"]])}
        qs = questions(targets, args.limit, ids, set(store.tables))
        if args.only:
            qs = [q for q in qs if q.key in args.only.split(",")]
        load = " ".join(f"{x:.1f}" for x in os.getloadavg())
        inproc = in_process(qs, store, folder, args.runs)
        whole = whole_process(qs, folder, store.cache_file, sqlite, args.runs, env)
        counts = store.rows("SELECT (SELECT count(*) FROM model) AS m, "
                            "(SELECT count(*) FROM reuse_repository) AS p, "
                            "(SELECT count(*) FROM model_to_reuse_repository) AS l")[0]
        describe = f"{counts['m']:,} models, {counts['p']:,} projects, {counts['l']:,} links"
        text = section(label, describe, qs, inproc, whole, targets, args.runs, sqlite,
                       load)
        print(text)
        saved["sections"][label] = text
        saved.setdefault("raw", {})[label] = {"in_process": inproc, "whole_process": whole,
                                              "targets": targets}
    folder = jobs[-1][1]
    load = " ".join(f"{x:.1f}" for x in os.getloadavg())
    rows = import_times(folder, env, args.importtime_runs)
    areas = area_times(env, args.importtime_runs)
    saved["imports"] = imports_section(rows, areas, jobs[-1][0], args.importtime_runs,
                                       load)
    print(saved["imports"])
    saved["machine"] = machine()
    if args.write:
        write(saved)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
