"""Read-only SQL for people: `ptmx query` and the TUI's SQL console.

Only one SELECT-like statement is run. Anything that would change state (CREATE, INSERT, COPY,
ATTACH, INSTALL, SET, PRAGMA, CALL ...) is refused before it runs; and because the store has
switched external access off, even a SELECT cannot read files outside the dataset or the network.
``EXPLAIN`` is allowed only of a SELECT (``EXPLAIN ANALYZE`` runs the statement it explains).

Every query is bounded: a timer interrupts it after the time limit (``$PTMX_QUERY_TIMEOUT``, 30 s
by default), and the store's DuckDB memory limit stops one that would take all memory.
"""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING

import duckdb

from ptmx import config
from ptmx.errors import QueryError, UsageError
from ptmx.store.store import Store

if TYPE_CHECKING:
    import pyarrow as pa

ALLOWED = {duckdb.StatementType.SELECT, duckdb.StatementType.EXPLAIN}
# What EXPLAIN may precede: `EXPLAIN [ANALYZE | (options)]`, then the explained statement.
_EXPLAIN = re.compile(r"^\s*EXPLAIN\s+(?:ANALY[SZ]E\s+|\([^)]*\)\s*)?", re.IGNORECASE)


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
        raise _refused(kind)
    if kind == duckdb.StatementType.EXPLAIN:
        _check_explained(statements[0].query)


def _refused(kind: duckdb.StatementType) -> QueryError:
    name = kind.name.replace("_STATEMENT", "")
    return QueryError(f"read-only: {name} statements are refused; only SELECT queries run here")


def _check_explained(text: str) -> None:
    """EXPLAIN only of a SELECT: ``EXPLAIN ANALYZE`` would run an INSERT it explains."""
    match = _EXPLAIN.match(text)
    try:
        inner = duckdb.extract_statements(text[match.end():]) if match else []
    except duckdb.Error:
        inner = []
    if len(inner) != 1 or inner[0].type != duckdb.StatementType.SELECT:
        raise QueryError("read-only: EXPLAIN is allowed only of a SELECT query")


def query_timeout(timeout: float | None) -> float:
    """``timeout`` if given, else ``$PTMX_QUERY_TIMEOUT`` (default 30 s); 0 means no limit."""
    if timeout is not None:
        return timeout
    try:
        return config.query_timeout()
    except ValueError as exc:
        raise UsageError(str(exc)) from None


@contextmanager
def _time_limit(cur: duckdb.DuckDBPyConnection, seconds: float) -> Iterator[threading.Event]:
    """Interrupt ``cur`` after ``seconds`` (0: never); the event says whether it fired."""
    fired = threading.Event()
    done = threading.Lock()
    finished = False

    def stop() -> None:
        # Under the lock so a late timer never interrupts the cursor's next query.
        with done:
            if not finished:
                fired.set()
                cur.interrupt()

    timer = threading.Timer(seconds, stop) if seconds > 0 else None
    if timer is not None:
        timer.daemon = True
        timer.start()
    try:
        yield fired
    finally:
        with done:
            finished = True
        if timer is not None:
            timer.cancel()


def run_readonly(store: Store, sql: str, limit: int = 1000,
                 cursor: duckdb.DuckDBPyConnection | None = None,
                 timeout: float | None = None) -> QueryResult:
    """Run one read-only query, keeping at most ``limit`` rows, stopped after ``timeout``
    seconds (default: :func:`query_timeout`).

    Pass ``cursor`` to be able to ``interrupt()`` the query from another thread.
    """
    import pyarrow as pa

    check_read_only(sql)
    seconds_allowed = query_timeout(timeout)
    started = time.perf_counter()
    with store.cursor() if cursor is None else _borrowed(cursor) as cur, \
            _time_limit(cur, seconds_allowed) as fired:
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
            if fired.is_set():
                raise QueryError(f"query stopped after the time limit of {seconds_allowed:g} s",
                                 hint="raise it with --timeout SECONDS or PTMX_QUERY_TIMEOUT"
                                 ) from None
            raise store.failure(exc) from exc
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
