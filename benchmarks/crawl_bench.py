"""Benchmark of ``ptmx hub crawl --all``: throughput and peak memory against a loopback hub.

A fake hub (tests/hub/fakehub.py) on 127.0.0.1 serves N generated models (made on demand, so
the server itself stays small), 1,000 per page as the real hub does; ``ptmx hub crawl --all`` runs
as a child process against it into a tiny dataset folder. Reported per size: wall time, models
per second, and the crawler's peak RSS (``wait4`` rusage of the child, so the hub's own memory
is not counted). The issue asks for < 1 GB at 2,000,000 models.

Run from the repository root::

    python benchmarks/crawl_bench.py                 # 20k and 200k
    python benchmarks/crawl_bench.py --sizes 20000 200000 2000000 --json out.json
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from tests.hub.conftest import make_snapshot  # noqa: E402
from tests.hub.fakehub import FakeHub  # noqa: E402


def one(size: int, work: Path) -> dict[str, Any]:
    """Crawl ``size`` generated models once; wall time, rate and the crawler's peak RSS."""
    hub = FakeHub().start()
    hub.add_generated(size)
    try:
        ds = make_snapshot(work / f"ds-{size}")
        env = {k: v for k, v in os.environ.items() if not k.startswith(("HF_", "HUGGING"))}
        env.update({"HF_ENDPOINT": hub.url, "HF_HOME": str(work / "hf-home"),
                    "PTMX_CACHE": str(work / "cache"), "PYTHONPATH": str(REPO),
                    "PTMX_HUB_TIMEOUT": "120"})
        started = time.perf_counter()
        proc = subprocess.Popen([sys.executable, "-m", "ptmx", "--data", str(ds), "hub", "crawl",
                                 "--all", "--format", "json"], env=env,
                                stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        out = proc.stdout.read() if proc.stdout else b""
        _, status, usage = os.wait4(proc.pid, 0)
        proc.returncode = os.waitstatus_to_exitcode(status)
        wall = time.perf_counter() - started
        if proc.returncode != 0:
            raise SystemExit(f"crawl of {size} models failed with exit {proc.returncode}")
        result = json.loads(out)
        rows = sum(_rows(Path(p)) for p in result["files"]["hub_models"])
        return {"models": size, "rows": rows, "pages": result["pages"],
                "seconds": round(wall, 1), "models_per_s": round(size / wall),
                "peak_rss_mb": round(usage.ru_maxrss / 1024, 1)}  # ru_maxrss is KiB on Linux
    finally:
        hub.stop()


def _rows(path: Path) -> int:
    import pyarrow.parquet as pq

    return int(pq.ParquetFile(path).metadata.num_rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[20_000, 200_000])
    parser.add_argument("--json", type=Path, help="also write the results here")
    args = parser.parse_args()
    machine = f"{platform.node()} {platform.machine()}, {os.cpu_count()} cores, " \
              f"Python {platform.python_version()}"
    results = []
    with tempfile.TemporaryDirectory(prefix="ptmx-crawl-bench-") as tmp:
        for size in args.sizes:
            row = one(size, Path(tmp))
            results.append(row)
            print(json.dumps(row), flush=True)
    report = {"date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()), "machine": machine,
              "results": results}
    if args.json:
        args.json.write_text(json.dumps(report, indent=2) + "\n")
    print("| models | rows | pages | seconds | models/s | peak RSS (MB) |")
    print("|---:|---:|---:|---:|---:|---:|")
    for r in results:
        print(f"| {r['models']:,} | {r['rows']:,} | {r['pages']:,} | {r['seconds']} | "
              f"{r['models_per_s']:,} | {r['peak_rss_mb']} |")
    print(f"\n{report['machine']}; {report['date']}")


if __name__ == "__main__":
    main()
