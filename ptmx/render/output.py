"""Write rows as a rich table, JSON (a list of objects) or CSV on stdout.

Rows come from the dataset (or a user's SQL), so in a table every cell, header and title is an
inert ``Text`` (:func:`ptmx.render.safe.safe_text`): control characters shown, ``[/]`` or
``[link=…]`` never markup. JSON and CSV keep the values exactly as they are.
"""

from __future__ import annotations

import csv
import datetime as dt
import decimal
import json
import sys
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, TextIO

import pyarrow as pa
from rich.console import Console

from ptmx.render.safe import safe_text

FORMATS = ("table", "json", "csv")


def to_records(rows: pa.Table | Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Rows as a list of plain dicts, whatever they came as."""
    if isinstance(rows, pa.Table):
        records: list[dict[str, Any]] = rows.to_pylist()
        return records
    return [dict(r) for r in rows]


def _jsonable(value: Any) -> Any:
    if isinstance(value, (dt.date, dt.datetime, dt.time)):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return float(value)
    if isinstance(value, bytes):
        return value.hex()
    if isinstance(value, set | frozenset):
        return sorted(value)
    raise TypeError(f"cannot serialise {type(value).__name__}")


def dumps(value: Any) -> str:
    """JSON text for any value ptmx produces (dates, decimals, sets included)."""
    return json.dumps(value, default=_jsonable, ensure_ascii=False, indent=2)


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list | tuple):
        return "; ".join(_cell(v) for v in value)
    if isinstance(value, dict):
        return json.dumps(value, default=_jsonable, ensure_ascii=False)
    if isinstance(value, float):
        return f"{value:.4g}"
    if isinstance(value, int) and not isinstance(value, bool):
        return f"{value:,}"
    return str(value)


def emit(
    rows: pa.Table | Iterable[Mapping[str, Any]],
    fmt: str = "table",
    *,
    columns: Sequence[str] | None = None,
    title: str | None = None,
    out: TextIO | None = None,
) -> None:
    """Print rows in ``fmt``; ``columns`` picks and orders the columns (default: all, in order)."""
    out = out or sys.stdout
    records = to_records(rows)
    if columns is None:
        if isinstance(rows, pa.Table):
            columns = rows.column_names
        else:
            seen: dict[str, None] = {}
            for r in records:
                seen.update(dict.fromkeys(r))
            columns = list(seen)
    if fmt == "json":
        out.write(dumps([{c: r.get(c) for c in columns} for r in records]) + "\n")
    elif fmt == "csv":
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(columns)
        for r in records:
            writer.writerow(
                ["" if r.get(c) is None else
                 (json.dumps(r[c], default=_jsonable) if isinstance(r.get(c), dict | list) else r[c])
                 for c in columns]
            )
    elif fmt == "table":
        print_table(records, columns, title=title, out=out)
    else:
        raise ValueError(f"unknown format {fmt!r}")


def print_table(
    records: list[dict[str, Any]],
    columns: Sequence[str],
    *,
    title: str | None = None,
    out: TextIO | None = None,
) -> None:
    """A rich table; numbers right-aligned, long text folded rather than cut."""
    from rich.table import Table

    table = Table(title=safe_text(title, newlines=False) if title is not None else None,
                  show_lines=False, header_style="bold")
    numeric = {
        c for c in columns
        if records and all(isinstance(r.get(c), int | float) or r.get(c) is None for r in records)
        and any(r.get(c) is not None for r in records)
    }
    for c in columns:
        table.add_column(safe_text(c, newlines=False), justify="right" if c in numeric else "left",
                         overflow="fold")
    for r in records:
        table.add_row(*(safe_text(_cell(r.get(c))) for c in columns))
    console_for(out).print(table)


def console_for(out: TextIO | None = None, *, stderr: bool = False) -> Console:
    """A rich Console on ``out`` (stdout by default); plain when not a terminal."""
    if stderr:
        return Console(stderr=True, highlight=False, soft_wrap=True)
    return Console(file=out or sys.stdout, highlight=False)
