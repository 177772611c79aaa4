"""Hub tables beside a dataset, as `hub refresh` (hub_snapshot) and `hub crawl` (hub_models)
write them: fixture Parquet built from ptmx.hub.snapshot.SCHEMA."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from ptmx.hub.snapshot import SCHEMA

HUB_MODELS_SCHEMA = pa.schema([*SCHEMA, pa.field("license_link", pa.string()),
                               pa.field("snapshot", pa.string()), pa.field("scope", pa.string())])


def hub_row(model: str, day: int, *, status: str = "ok", **fields: Any) -> dict[str, Any]:
    row: dict[str, Any] = dict.fromkeys(HUB_MODELS_SCHEMA.names)
    row.update({"model": model, "live_id": model, "status": status,
                "fetched_at": dt.datetime(2026, 11, day, tzinfo=dt.UTC),
                "snapshot": f"2026-11-{day:02d}", "scope": "all", "source": "live"})
    row.update(fields)
    return row


def write_hub_models(folder: Path, rows: list[dict[str, Any]], part: int = 0) -> None:
    (folder / "hub_models").mkdir(exist_ok=True)
    pq.write_table(pa.Table.from_pylist(rows, schema=HUB_MODELS_SCHEMA),
                   folder / "hub_models" / f"part-{part}.parquet")


def write_old_hub_snapshot(folder: Path, rows: list[dict[str, Any]]) -> None:
    """A hub_snapshot from before the typed-lineage columns (no corrected/declared columns)."""
    old = pa.schema([f for f in SCHEMA if f.name not in (
        "relation_corrected_from", "declared_base_models", "security_status", "security_issues",
        "weight_file_sizes")])
    pq.write_table(pa.Table.from_pylist(
        [{k: r.get(k) for k in old.names} for r in rows], schema=old),
        folder / "hub_snapshot.parquet")
