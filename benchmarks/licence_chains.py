"""Licence chains (issue 18): what inheritance changes, and what `licenses audit` costs with it.

``PYTHONPATH=. python benchmarks/licence_chains.py DATA [DATA ...] [--runs 5] [--before DIR]``

For each dataset folder (the bundled sample ``data``, a synthetic one from ``synth.py``):

1. **Inheritance.** Runs :func:`ptmx.licenses.audit` twice on one open store: with effective
   terms (the default: the model's licence AND what its base chain imposes) and with
   ``inherit=False`` (each relation judged on the upstream model's own licence, as before issue
   18). Rows come in the same order, so they are compared one by one: how many link (and edge)
   verdicts change, as ``from → to`` counts; how many records have a chain and how many an
   ancestor decides; the unknown+ambiguous share of link verdicts, both ways.
2. **In process.** ``--runs`` fresh Python processes each open the store and time the first
   ``audit()`` (cold: verdict caches and chains empty) and the median of three more (warm);
   wall clock and CPU time (``time.process_time``). Medians over the processes are printed.
3. **Whole process.** ``ptmx --data DATA licenses audit --format json`` with stdout to
   /dev/null, ``--runs`` times after one unmeasured run (the dataset's cache is built then);
   wall clock and CPU (user + sys of the child, from ``RUSAGE_CHILDREN``).

``--before DIR`` also times a folder holding another checkout's ``ptmx`` package (e.g.
``git archive 10e678f ptmx | tar -x -C DIR``), interleaved run by run with this one, for a
before/after on the same machine at the same moment. No network; set PTMX_CACHE to a folder of
yours. ``--json OUT`` writes every figure. Plain Python, run by hand (no timed unit tests): the
issue's target is the 1x audit under 1 s with chains on.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
TARGET_MS = 1000

# Runs in a fresh process with the checkout to time first on sys.path.
_CHILD = """
import json, statistics, sys, time
sys.meta_path = [f for f in sys.meta_path if "editable" not in repr(f).lower()]
sys.path.insert(0, sys.argv[1])
import ptmx
assert ptmx.__file__.startswith(sys.argv[1]), ptmx.__file__
from pathlib import Path
from ptmx.licenses import audit
from ptmx.store import open_store
store = open_store(Path(sys.argv[2]))
store.query("SELECT 1", [])
def timed():
    wall, cpu = time.perf_counter(), time.process_time()
    result = audit(store)
    return (time.perf_counter() - wall) * 1000, (time.process_time() - cpu) * 1000, result
cold_wall, cold_cpu, result = timed()
warm = [timed() for _ in range(3)]
print(json.dumps({"records": result.table.num_rows, "cold_wall_ms": cold_wall,
                  "cold_cpu_ms": cold_cpu,
                  "warm_wall_ms": statistics.median(w for w, _, _ in warm),
                  "warm_cpu_ms": statistics.median(c for _, c, _ in warm)}))
"""


def inheritance(data: str) -> dict[str, Any]:
    """Verdicts with and without inheritance, compared record by record."""
    from ptmx.licenses import Verdict, audit
    from ptmx.store import open_store

    store = open_store(Path(data))
    effective = audit(store)
    own = audit(store, inherit=False)
    eff_t, own_t = effective.table, own.table
    assert eff_t.num_rows == own_t.num_rows
    kinds = eff_t.column("kind").to_pylist()
    before = own_t.column("verdict").to_pylist()
    after = eff_t.column("verdict").to_pylist()
    chains = eff_t.column("chain").is_valid().to_pylist()
    inherited = eff_t.column("inherited_from").is_valid().to_pylist()
    out: dict[str, Any] = {"records": eff_t.num_rows, "links": effective.links,
                           "edges": effective.edges,
                           "undecided_share_own": own.undecided_share,
                           "undecided_share_effective": effective.undecided_share}
    for kind in ("link", "edge"):
        rows = [i for i, k in enumerate(kinds) if k == kind]
        changed = Counter(f"{before[i]} → {after[i]}" for i in rows if before[i] != after[i])
        out[kind] = {"total": len(rows), "with_chain": sum(chains[i] for i in rows),
                     "decided_by_ancestor": sum(inherited[i] for i in rows),
                     "changed": sum(changed.values()),
                     "changes": dict(changed.most_common())}
    undecided = {v.value for v in Verdict if v.undecided}
    out["link"]["undecided_own"] = sum(1 for i, k in enumerate(kinds)
                                       if k == "link" and before[i] in undecided)
    out["link"]["undecided_effective"] = sum(1 for i, k in enumerate(kinds)
                                             if k == "link" and after[i] in undecided)
    return out


def in_process(checkout: str, data: str) -> dict[str, float]:
    out = subprocess.run([sys.executable, "-c", _CHILD, checkout, data], capture_output=True,
                         text=True, check=True, env=os.environ, timeout=600)
    result: dict[str, float] = json.loads(out.stdout.strip().splitlines()[-1])
    return result


def whole_process(checkout: str, data: str) -> dict[str, float]:
    env = {**os.environ, "PYTHONPATH": checkout}
    argv = [sys.executable, "-m", "ptmx", "--data", data, "licenses", "audit", "--format", "json"]
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    wall = time.perf_counter()
    subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, check=True, env=env,
                   timeout=600)
    wall = time.perf_counter() - wall
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - usage.ru_utime) + (after.ru_stime - usage.ru_stime)
    return {"wall_ms": wall * 1000, "cpu_ms": cpu * 1000}


def timings(checkouts: dict[str, str], data: str, runs: int) -> dict[str, dict[str, Any]]:
    """In-process and whole-process figures per checkout, run interleaved."""
    for checkout in checkouts.values():  # builds the dataset's cache; not measured
        whole_process(checkout, data)
    raw: dict[str, dict[str, list[dict[str, float]]]] = {
        name: {"in": [], "whole": []} for name in checkouts}
    for _ in range(runs):
        for name, checkout in checkouts.items():
            raw[name]["in"].append(in_process(checkout, data))
            raw[name]["whole"].append(whole_process(checkout, data))
    out: dict[str, dict[str, Any]] = {}
    for name, runs_of in raw.items():
        med = {key: statistics.median(r[key] for r in runs_of["in"])
               for key in ("cold_wall_ms", "cold_cpu_ms", "warm_wall_ms", "warm_cpu_ms")}
        med |= {f"whole_{key}": statistics.median(r[key] for r in runs_of["whole"])
                for key in ("wall_ms", "cpu_ms")}
        med["whole_wall_min_ms"] = min(r["wall_ms"] for r in runs_of["whole"])
        med["cold_cpu_max_ms"] = max(r["cold_cpu_ms"] for r in runs_of["in"])
        out[name] = med
    return out


def report(data: str, inh: dict[str, Any], times: dict[str, dict[str, Any]]) -> None:
    print(f"== {data}: {inh['links']:,} links, {inh['edges']:,} edges")
    for kind in ("link", "edge"):
        k = inh[kind]
        print(f"  {kind}s: {k['with_chain']:,} of {k['total']:,} have a base chain, "
              f"{k['decided_by_ancestor']:,} decided by an ancestor; "
              f"{k['changed']:,} verdicts change with inheritance")
        for change, n in k["changes"].items():
            print(f"    {change}: {n:,}")
    print(f"  unknown+ambiguous share of links: own licence {inh['undecided_share_own']:.2%} "
          f"({inh['link']['undecided_own']:,}), effective "
          f"{inh['undecided_share_effective']:.2%} ({inh['link']['undecided_effective']:,})")
    for name, t in times.items():
        met = "yes" if t["cold_wall_ms"] < TARGET_MS and t["cold_cpu_ms"] < TARGET_MS else "no"
        print(f"  {name:6} in process: cold {t['cold_wall_ms']:.0f} ms wall / "
              f"{t['cold_cpu_ms']:.0f} ms CPU (max {t['cold_cpu_max_ms']:.0f}), warm "
              f"{t['warm_wall_ms']:.0f} / {t['warm_cpu_ms']:.0f}; whole process "
              f"`licenses audit --format json`: {t['whole_wall_ms']:.0f} ms wall "
              f"(min {t['whole_wall_min_ms']:.0f}) / {t['whole_cpu_ms']:.0f} ms CPU; "
              f"cold under 1 s: {met}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("data", nargs="+", help="dataset folders (e.g. data, a synthetic 1x)")
    parser.add_argument("--runs", type=int, default=5, help="fresh processes per figure")
    parser.add_argument("--before", help="a folder holding another checkout's ptmx package")
    parser.add_argument("--json", help="write every figure to this file")
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    checkouts = {"before": str(Path(args.before).resolve())} if args.before else {}
    checkouts["now"] = str(ROOT)
    load = os.getloadavg()
    print(f"nproc {os.cpu_count()}, load average {load[0]:.1f} {load[1]:.1f} {load[2]:.1f}, "
          f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, {args.runs} runs")
    everything = {}
    for data in args.data:
        inh = inheritance(data)
        times = timings(checkouts, data, args.runs)
        report(data, inh, times)
        everything[data] = {"inheritance": inh, "timings": times}
    load = os.getloadavg()
    print(f"load average at the end {load[0]:.1f} {load[1]:.1f} {load[2]:.1f}")
    if args.json:
        Path(args.json).write_text(json.dumps(everything, indent=2, ensure_ascii=False) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
