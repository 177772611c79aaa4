"""First open (cache build) of a dataset folder, step by step, against a plain copy into DuckDB.

``python benchmarks/open_floor.py DATASET [--json]`` builds ptmx's cache in a scratch file the
way :class:`ptmx.store.Store` does (same statements, same settings: 2 threads, 768 MB memory
limit, spill folder) and times every statement, then times the **floor**: ``CREATE TABLE t AS
SELECT * FROM read_parquet(...)`` of the same hot tables into a fresh DuckDB file with the same
settings, nothing derived, no sort, no index. Each side runs in a fresh process so peak RSS is
its own; wall and CPU (user + sys) are printed for both, and the ratio.

Plain Python, run by hand: speed figures go to RESULTS.md, not to timed unit tests.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
SETTINGS = {"threads": "2", "memory_limit": "768MB"}


def _peak_rss_mb() -> float:
    """This process's peak RSS. Not ru_maxrss: Linux carries it over from the parent across
    fork and exec, so a child of a large benchmark process would report the parent's."""
    with open("/proc/self/status") as status:
        return int(next(ln.split()[1] for ln in status if ln.startswith("VmHWM"))) / 1024


def _cpu() -> float:
    ru = resource.getrusage(resource.RUSAGE_SELF)
    return ru.ru_utime + ru.ru_stime


class _Timed:
    """A connection stand-in that times each statement (the first words name it)."""

    def __init__(self, con: Any) -> None:
        self.con = con
        self.steps: list[tuple[str, float, float]] = []

    def execute(self, sql: str, *args: Any) -> Any:
        wall, cpu = time.perf_counter(), _cpu()
        result = self.con.execute(sql, *args)
        label = " ".join(sql.split())[:70]
        self.steps.append((label, time.perf_counter() - wall, _cpu() - cpu))
        return result


def ptmx_side(folder: Path, scratch: Path) -> dict[str, Any]:
    """ptmx's cache build, statement by statement."""
    import duckdb

    from ptmx.store.store import Store, _Steps
    from ptmx.store.validate import check, discover

    wall, cpu = time.perf_counter(), _cpu()
    tables = discover(folder)
    check(folder, tables)
    store = Store.__new__(Store)
    store.folder, store._files = folder, tables
    con = duckdb.connect(str(scratch), config={**SETTINGS, "temp_directory": str(scratch) + ".spill"})
    con.execute("SET enable_progress_bar=false")
    timed = _Timed(con)
    store._materialise(timed, _Steps(None, 1))  # type: ignore[arg-type]
    con.execute("CHECKPOINT")
    con.close()
    return {"wall": time.perf_counter() - wall, "cpu": _cpu() - cpu,
            "peak_rss_mb": _peak_rss_mb(),
            "steps": timed.steps}


def floor_side(folder: Path, scratch: Path) -> dict[str, Any]:
    """Plain copy of the same hot tables into DuckDB: the engine's own floor."""
    import duckdb

    from ptmx.store.schema import HOT_TABLES
    from ptmx.store.validate import discover

    wall, cpu = time.perf_counter(), _cpu()
    tables = discover(folder)
    con = duckdb.connect(str(scratch), config={**SETTINGS, "temp_directory": str(scratch) + ".spill"})
    con.execute("SET enable_progress_bar=false")
    for name, tf in tables.items():
        if name not in HOT_TABLES:
            continue
        files = ", ".join("'" + str(p.resolve()).replace("'", "''") + "'" for p in tf.files)
        con.execute(f'CREATE TABLE "{name}" AS SELECT * FROM read_parquet([{files}])')
    con.execute("CHECKPOINT")
    con.close()
    return {"wall": time.perf_counter() - wall, "cpu": _cpu() - cpu,
            "peak_rss_mb": _peak_rss_mb()}


def run(folder: Path, side: str) -> dict[str, Any]:
    """One side in a fresh process (its own peak RSS)."""
    with tempfile.TemporaryDirectory(prefix="ptmx-open-floor-") as tmp:
        result = subprocess.run([sys.executable, __file__, str(folder), "--side", side,
                                 "--scratch", str(Path(tmp) / "x.duckdb")],
                                capture_output=True, text=True, check=True,
                                env={**os.environ, "PYTHONPATH": str(REPO)})
    return dict(json.loads(result.stdout.strip().splitlines()[-1]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path)
    parser.add_argument("--side", choices=["ptmx", "floor"])
    parser.add_argument("--scratch", type=Path)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    if args.side:
        fn = ptmx_side if args.side == "ptmx" else floor_side
        print(json.dumps(fn(args.folder, args.scratch)))
        return
    ptmx, floor = run(args.folder, "ptmx"), run(args.folder, "floor")
    if args.json:
        print(json.dumps({"ptmx": ptmx, "floor": floor}))
        return
    for label, wall, cpu in sorted(ptmx["steps"], key=lambda s: -s[2])[:12]:
        print(f"{wall:7.2f} s wall {cpu:7.2f} s CPU  {label}")
    for name, side in (("ptmx first open", ptmx), ("floor (plain copy)", floor)):
        print(f"{name}: {side['wall']:.2f} s wall, {side['cpu']:.2f} s CPU, "
              f"{side['peak_rss_mb']:.0f} MB peak RSS")
    print(f"ratio wall {ptmx['wall'] / floor['wall']:.2f}x, CPU {ptmx['cpu'] / floor['cpu']:.2f}x")


if __name__ == "__main__":
    main()
