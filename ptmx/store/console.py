"""Read-only SQL for people: `ptmx query` and the TUI's SQL console.

Only one SELECT-like statement is run. Anything that would change state (CREATE, INSERT, COPY,
ATTACH, INSTALL, SET, PRAGMA, CALL ...) is refused before it runs; and because the store has
switched external access off, even a SELECT cannot read files outside the dataset or the network.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import duckdb
import pyarrow as pa

from ptmx.errors import QueryError
from ptmx.store.store import Store

ALLOWED = {duckdb.StatementType.SELECT, duckdb.StatementType.EXPLAIN}


@dataclass
class QueryResult:
    """Up to ``limit`` rows of a user's query, and whether more were left behind."""

    table: pa.Table
    truncated: bool
    seconds: float

    @property
    def shown(self) -> str:
        """"N rows" or "N of >N rows" when capped."""
        n = self.table.num_rows
        noun = "row" if n == 1 and not self.truncated else "rows"
        return f"{n:,} of >{n:,} rows" if self.truncated else f"{n:,} {noun}"


def check_read_only(sql: str) -> None:
    """Raise :class:`QueryError` unless ``sql`` is exactly one read-only statement."""
    try:
        statements = duckdb.extract_statements(sql)
    except duckdb.Error as exc:
        raise QueryError(" ".join(str(exc).split())) from exc
    if not statements:
        raise QueryError("empty query")
    if len(statements) > 1:
        raise QueryError("one statement at a time, please (found "
                         f"{len(statements)})")
    kind = statements[0].type
    if kind not in ALLOWED:
        name = kind.name.replace("_STATEMENT", "")
        raise QueryError(f"read-only: {name} statements are refused; only SELECT queries run here")


def run_readonly(store: Store, sql: str, limit: int = 1000,
                 cursor: duckdb.DuckDBPyConnection | None = None) -> QueryResult:
    """Run one read-only query, keeping at most ``limit`` rows.

    Pass ``cursor`` to be able to ``interrupt()`` the query from another thread.
    """
    check_read_only(sql)
    started = time.perf_counter()
    with store.cursor() if cursor is None else _borrowed(cursor) as cur:
        try:
            reader = cur.sql(sql).to_arrow_reader(min(limit + 1, 10_000))
            batches: list[pa.RecordBatch] = []
            taken = 0
            for batch in reader:
                batches.append(batch)
                taken += batch.num_rows
                if taken > limit:
                    break
            table = pa.Table.from_batches(batches, schema=reader.schema)
        except duckdb.Error as exc:
            raise QueryError(" ".join(str(exc).split())) from exc
    truncated = table.num_rows > limit
    seconds = time.perf_counter() - started
    store.last_query_seconds = seconds
    return QueryResult(table.slice(0, limit), truncated, seconds)


class _borrowed:
    """Context manager that hands out a caller-owned cursor without closing it."""

    def __init__(self, cur: duckdb.DuckDBPyConnection) -> None:
        self.cur = cur

    def __enter__(self) -> duckdb.DuckDBPyConnection:
        return self.cur

    def __exit__(self, *exc: object) -> None:
        return None
