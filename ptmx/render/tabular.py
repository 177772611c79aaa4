"""Write a table (column names and rows of plain values) to a file: CSV, JSON or Parquet, the
format chosen by the file's suffix. Used by the TUI's export of any table; values are written
as they are (full ids, no ellipsis, no thousands separators)."""

from __future__ import annotations

import csv
import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from ptmx.errors import UsageError

SUFFIXES = (".csv", ".json", ".parquet")


def _jsonable(value: Any) -> Any:
    return str(value)


def _csv_cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list | tuple):
        return "; ".join(_csv_cell(v) for v in value)
    if isinstance(value, dict):
        return json.dumps(value, default=_jsonable, ensure_ascii=False)
    return str(value)


def write_table(columns: Sequence[str], rows: Sequence[Sequence[Any]], path: Path) -> Path:
    """Write ``rows`` under ``columns`` to ``path`` (.csv, .json or .parquet); returns the
    path written. A missing folder or an unknown suffix is a :class:`UsageError`."""
    suffix = path.suffix.lower()
    if suffix not in SUFFIXES:
        raise UsageError(f"cannot export to {path.name}: the file name must end in "
                         + ", ".join(SUFFIXES))
    if not path.parent.is_dir():
        raise UsageError(f"cannot export to {path}: folder {path.parent} does not exist")
    records = [dict(zip(columns, row, strict=False)) for row in rows]
    if suffix == ".csv":
        with path.open("w", newline="", encoding="utf-8") as out:
            writer = csv.writer(out)
            writer.writerow(columns)
            writer.writerows([_csv_cell(v) for v in row] for row in rows)
    elif suffix == ".json":
        path.write_text(json.dumps(records, default=_jsonable, ensure_ascii=False, indent=2)
                        + "\n", encoding="utf-8")
    else:
        try:
            table = pa.Table.from_pylist(records) if records else pa.table(
                {c: pa.array([], pa.string()) for c in columns})
        except (pa.ArrowInvalid, pa.ArrowTypeError):  # mixed types in a column: as text
            table = pa.table({c: pa.array([None if r.get(c) is None else str(r.get(c))
                                           for r in records], pa.string()) for c in columns})
        pq.write_table(table, path)
    return path
