"""Floors for ``ptmx import``: the same SQLite tables copied to zstd Parquet by other means.

``python benchmarks/import_floor.py DB [--duckdb-python PY]`` prints, for fresh processes, wall,
CPU (user + sys) and peak RSS of:

- **duckdb**: DuckDB's own SQLite scanner, ``COPY (SELECT * FROM s.t) TO 't.parquet' (FORMAT
  parquet, COMPRESSION zstd)`` per table. The extension is not bundled with DuckDB and this
  project's DuckDB (2.0.x) has no build of it on PyPI; the PyPI package
  ``duckdb-extension-sqlite-scanner`` ships it for DuckDB 1.5.x. So ``--duckdb-python`` names the
  Python of a side venv holding ``duckdb==1.5.5`` and ``duckdb-extension-sqlite-scanner==1.5.5``
  (``python -m venv V && V/bin/pip install duckdb==1.5.5 duckdb-extension-sqlite-scanner==1.5.5``).
  A table whose declared INTEGER column holds text (``model.context_id``) fails the typed scan and
  is copied again with ``sqlite_all_varchar`` (all columns as text), as a user would.
- **plain**: the plainest sqlite3 → pyarrow copy in Python: ``fetchmany`` of 20,000 rows,
  ``pa.array`` of each column with inferred types, no type check, no byte bound, no validation.

Plain Python, run by hand; run.py calls :func:`measure` for its import rows.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

_DUCKDB = r'''
def hwm_mb():  # not ru_maxrss: Linux carries that over from the parent across fork and exec
    with open("/proc/self/status") as status:
        return int(next(ln.split()[1] for ln in status if ln.startswith("VmHWM"))) / 1024
import duckdb, glob, json, os, resource, sys, time
import duckdb_extension_sqlite_scanner as ext
db, out = sys.argv[1], sys.argv[2]
started = time.perf_counter()
con = duckdb.connect()
con.execute("LOAD '%s'" % glob.glob(os.path.dirname(ext.__file__) + "/extensions/*/*.duckdb_extension")[0])
def attach(all_varchar):
    con.execute(f"SET sqlite_all_varchar={str(all_varchar).lower()}")
    con.execute(f"ATTACH '{db}' AS s (TYPE sqlite, READ_ONLY)")
attach(False)
tables = [r[0] for r in con.execute("SELECT table_name FROM information_schema.tables "
                                    "WHERE table_catalog = 's'").fetchall()]
text = []
for t in tables:
    q = f"COPY (SELECT * FROM s.\"{t}\") TO '{out}/{t}.parquet' (FORMAT parquet, COMPRESSION zstd)"
    try:
        con.execute(q)
    except duckdb.TypeMismatchException:
        text.append(t)
        con.execute("DETACH s"); attach(True); con.execute(q); con.execute("DETACH s"); attach(False)
ru = resource.getrusage(resource.RUSAGE_SELF)
print(json.dumps({"wall": time.perf_counter() - started, "cpu": ru.ru_utime + ru.ru_stime,
                  "peak_rss_mb": hwm_mb(), "tables": len(tables), "all_varchar": text}))
'''

_PLAIN = r'''
def hwm_mb():  # not ru_maxrss: Linux carries that over from the parent across fork and exec
    with open("/proc/self/status") as status:
        return int(next(ln.split()[1] for ln in status if ln.startswith("VmHWM"))) / 1024
import json, resource, sqlite3, sys, time
import pyarrow as pa, pyarrow.parquet as pq
db, out = sys.argv[1], sys.argv[2]
started = time.perf_counter()
con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
names = [r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type = 'table' "
                                   "AND name NOT LIKE 'sqlite_%' ORDER BY name")]
for t in names:
    cols = [r[1] for r in con.execute(f'PRAGMA table_info("{t}")')]
    cur = con.execute(f'SELECT * FROM "{t}"')
    writer = None
    while rows := cur.fetchmany(20_000):
        columns = list(zip(*rows))
        try:
            arrays = [pa.array(c) for c in columns]
        except (pa.ArrowInvalid, pa.ArrowTypeError):  # mixed types (model.context_id): as text
            arrays = [pa.array([None if v is None else str(v) for v in c]) for c in columns]
        batch = pa.record_batch(arrays, names=cols)
        if writer is None:
            writer = pq.ParquetWriter(f"{out}/{t}.parquet", batch.schema, compression="zstd")
        if batch.schema != writer.schema:
            batch = batch.cast(writer.schema)
        writer.write_batch(batch)
    if writer is not None:
        writer.close()
ru = resource.getrusage(resource.RUSAGE_SELF)
print(json.dumps({"wall": time.perf_counter() - started, "cpu": ru.ru_utime + ru.ru_stime,
                  "peak_rss_mb": hwm_mb(), "tables": len(names)}))
'''


def measure(db: Path, kind: str, python: str = sys.executable) -> dict[str, Any] | None:
    """One fresh-process copy of ``db``'s tables (``kind`` = duckdb | plain); None if it fails."""
    code = _DUCKDB if kind == "duckdb" else _PLAIN
    with tempfile.TemporaryDirectory(prefix=f"ptmx-import-floor-{kind}-") as out:
        result = subprocess.run([python, "-c", code, str(db), out], capture_output=True,
                                text=True, check=False)
    if result.returncode != 0:
        print(f"  {kind} floor failed: {result.stderr.strip()[-300:]}", file=sys.stderr)
        return None
    return dict(json.loads(result.stdout.strip().splitlines()[-1]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("db", type=Path)
    parser.add_argument("--duckdb-python", help="Python of a venv with DuckDB's sqlite scanner")
    args = parser.parse_args()
    results = {"plain": measure(args.db, "plain")}
    if args.duckdb_python:
        results["duckdb"] = measure(args.db, "duckdb", args.duckdb_python)
    print(json.dumps(results, indent=1))


if __name__ == "__main__":
    main()
