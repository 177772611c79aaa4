"""`graph lineage` with a large ``hub_models`` table (issue 19): how long the hub edges cost.

Builds ``/tmp/ptmx-bench-lineage-hub`` (or ARGV[1]): the bundled sample plus ``hub_models`` with
ROWS (default 300,000) rows in parts of 100,000, shaped as ``ptmx hub crawl`` writes them (the
SCHEMA of ptmx.hub.snapshot plus license_link, snapshot, scope). Two extra snapshots of part of
the rows exercise the newest-row-per-model rule. Three cases:

- ``typical``: a dataset model with no hub edges (the query alone),
- ``few``: a dataset model with 12 hub children and a card-declared one,
- ``fan-out``: ``bert-base-uncased`` with 100,000 hub children (the worst case: every child is a
  tree node).

Prints the median CPU (``time.process_time``) and wall time of 5 runs of the single query
(``queries.hub_lineage``) and of the whole ``lineage()`` on an open store.

    PYTHONPATH=. python benchmarks/lineage_hub.py [DIR] [ROWS]
"""

from __future__ import annotations

import shutil
import statistics
import sys
import time
from pathlib import Path

from ptmx.config import bundled_data_dir
from ptmx.graph import lineage, queries
from ptmx.store import open_store
from tests.graph.hubfix import hub_row, write_hub_models

CASES = {"typical": "bert-large-uncased", "few": "distilbert-base-uncased",
         "fan-out": "bert-base-uncased"}


def build(out: Path, rows_wanted: int) -> None:
    if out.exists():
        shutil.rmtree(out)
    shutil.copytree(bundled_data_dir(), out)
    rows = []
    for i in range(rows_wanted):
        if i < 100_000:
            parent = "bert-base-uncased"
        elif i < 100_012:
            parent = "distilbert-base-uncased"
        else:
            parent = f"org{i % 997}/base-{i % 5000}"
        rows.append(hub_row(f"user{i}/m-{i}", 1 + i % 20, base_models=[parent],
                            base_model_relation=("finetune", "adapter", "quantized", "merge")[i % 4],
                            relation_corrected_from="finetune" if i % 4 == 1 else None,
                            tags=["transformers", "license:mit"],
                            weight_files=["model.safetensors"]))
        if len(rows) == 100_000:
            write_hub_models(out, rows, part=i)
            rows = []
    rows.append(hub_row("card/declared", 2, declared_base_models=["distilbert-base-uncased"]))
    write_hub_models(out, rows, part=rows_wanted)
    # Older snapshots of some models: the newest row must win.
    write_hub_models(out, [hub_row(f"user{i}/m-{i}", 1, base_models=["old/parent"])
                           for i in range(100_000, 150_000)], part=rows_wanted + 1)


def measure(fn: object, runs: int = 5) -> tuple[float, float]:
    cpu, wall = [], []
    for _ in range(runs):
        c, w = time.process_time(), time.perf_counter()
        fn()  # type: ignore[operator]
        cpu.append(time.process_time() - c)
        wall.append(time.perf_counter() - w)
    return statistics.median(cpu), statistics.median(wall)


def main() -> None:
    out = Path(sys.argv[1]) if len(sys.argv) > 1 else Path("/tmp/ptmx-bench-lineage-hub")
    rows = int(sys.argv[2]) if len(sys.argv) > 2 else 300_000
    build(out, rows)
    store = open_store(out)
    print(f"hub_models rows: {store.scalar('SELECT count(*) FROM hub_models'):,}")
    for case, model in CASES.items():
        lineage(store, model)  # warm
        q_cpu, q_wall = measure(lambda m=model: queries.hub_lineage(store, [m], [m]))
        l_cpu, l_wall = measure(lambda m=model: lineage(store, m))
        result = lineage(store, model)
        print(f"{case:8} {model:26} hub edges {result.hub_edges:>7,}  "
              f"query cpu {q_cpu * 1000:7.0f} ms wall {q_wall * 1000:7.0f} ms  "
              f"lineage() cpu {l_cpu * 1000:7.0f} ms wall {l_wall * 1000:7.0f} ms")


if __name__ == "__main__":
    main()
