"""The Store: one in-memory DuckDB database over a PeaTMOSS Parquet folder.

Small, hot tables (models, licenses, links, lookup tables, ptmx's extensions) are loaded into
memory once at open, which turns a model page from a Parquet scan (~20 ms at full scale) into a
few milliseconds; the large GitHub/discussion tables stay views over their Parquet files. After
loading, external access is switched off and the configuration locked, so no query (not even the
SQL console's) can read files outside the dataset folder, write files, or reach the network.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa

from ptmx.errors import DataError, MissingTableError, QueryError
from ptmx.store.schema import HOT_TABLES, OPTIONAL_COLUMNS
from ptmx.store.validate import TableFiles, check, discover, read_manifest

Params = Sequence[Any] | dict[str, Any]


def _quote_ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _sql_string(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


class Store:
    """Read-only access to one dataset folder. Thread-safe: each call takes its own cursor."""

    def __init__(self, folder: Path, tables: dict[str, TableFiles], manifest: dict) -> None:
        self.folder = folder
        self.manifest = manifest
        self._files = tables
        self._root = duckdb.connect(":memory:", config={"threads": "2"})
        self._lock = threading.Lock()
        started = time.perf_counter()
        self._load()
        self.open_seconds = time.perf_counter() - started
        self.last_query_seconds: float | None = None

    # -- opening -------------------------------------------------------------------------
    def _source(self, tf: TableFiles) -> str:
        files = ", ".join(_sql_string(str(p)) for p in tf.files)
        return f"read_parquet([{files}])"

    def _load(self) -> None:
        con = self._root
        try:
            for name, tf in self._files.items():
                select = self._select_list(name, tf)
                kind = "TABLE" if name in HOT_TABLES else "VIEW"
                con.execute(
                    f"CREATE {kind} {_quote_ident(name)} AS SELECT {select} FROM {self._source(tf)}"
                )
            self._build_summary()
        except duckdb.Error as exc:
            raise DataError(f"{self.folder}: cannot load dataset ({_one_line(exc)})") from exc
        # Lock the sandbox: from here on only the dataset folder is readable, nothing writable.
        con.execute(f"SET allowed_directories=[{_sql_string(str(self.folder.resolve()) + '/')}]")
        con.execute("SET enable_external_access=false")
        con.execute("SET autoinstall_known_extensions=false")
        con.execute("SET autoload_known_extensions=false")
        con.execute("SET lock_configuration=true")
        self.row_counts = {
            name: self._root.execute(f"SELECT count(*) FROM {_quote_ident(name)}").fetchone()[0]
            for name in self._files
        }

    def _select_list(self, name: str, tf: TableFiles) -> str:
        """All columns as stored, plus NULLs for optional columns a file lacks."""
        star = "*"
        if name == "model" and not pa.types.is_string(tf.schema.field("context_id").type):
            # context_id is declared INTEGER in PeaTMOSS but holds names: always read it as text.
            star = "* REPLACE (CAST(context_id AS VARCHAR) AS context_id)"
        parts = [star]
        for column, kind in OPTIONAL_COLUMNS.get(name, {}).items():
            if tf.schema.get_field_index(column) < 0:
                sql_type = "BIGINT" if kind == "integer" else "VARCHAR"
                parts.append(f"CAST(NULL AS {sql_type}) AS {_quote_ident(column)}")
        return ", ".join(parts)

    def _build_summary(self) -> None:
        """One row per model with what every list shows; computed once instead of per page."""
        author = (
            "CASE WHEN contains(m.context_id, '/') THEN split_part(m.context_id, '/', 1) END"
        )
        self._root.execute(f"""
            CREATE TABLE model_summary AS
            WITH lic AS (
                SELECT ml.model_id, string_agg(l.name, ' AND ' ORDER BY l.name) AS license
                FROM model_to_license ml JOIN license l ON l.id = ml.license_id
                GROUP BY ml.model_id
            ), reuse AS (
                SELECT model_id, count(DISTINCT reuse_repository_id) AS reuse_count
                FROM model_to_reuse_repository GROUP BY model_id
            )
            SELECT m.id AS model_id, m.context_id AS model, {author} AS author,
                   m.downloads, m.likes, lic.license, coalesce(reuse.reuse_count, 0) AS reuse_count
            FROM model m LEFT JOIN lic ON lic.model_id = m.id
                         LEFT JOIN reuse ON reuse.model_id = m.id
            ORDER BY m.downloads DESC NULLS LAST, m.context_id
        """)

    # -- access --------------------------------------------------------------------------
    @property
    def tables(self) -> list[str]:
        """Names of the tables present (dataset tables plus ptmx's derived ``model_summary``)."""
        return sorted([*self._files, "model_summary"])

    def has(self, table: str) -> bool:
        """Whether ``table`` is present (an absent optional table is not an error by itself)."""
        return table in self._files or table == "model_summary"

    def require(self, table: str, feature: str) -> None:
        """Raise a one-line error saying ``feature`` needs ``table`` when it is absent."""
        if not self.has(table):
            raise MissingTableError(
                f"{feature} needs the table '{table}', which {self.folder} does not have",
                hint=f"add {table}.parquet to the dataset (see data/README.md)",
            )

    @contextmanager
    def cursor(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """A cursor for one unit of work on the calling thread; closed afterwards."""
        with self._lock:
            cur = self._root.cursor()
        try:
            yield cur
        finally:
            cur.close()

    def query(self, sql: str, params: Params = ()) -> pa.Table:
        """Run trusted SQL (ptmx's own, with user text only as bind parameters) → Arrow table."""
        started = time.perf_counter()
        with self.cursor() as cur:
            try:
                result = _relation(cur, sql, params).to_arrow_table()
            except duckdb.Error as exc:
                raise QueryError(_one_line(exc)) from exc
        self.last_query_seconds = time.perf_counter() - started
        return result

    def rows(self, sql: str, params: Params = ()) -> list[dict[str, Any]]:
        """Like :meth:`query`, as a list of dicts."""
        return self.query(sql, params).to_pylist()

    def scalar(self, sql: str, params: Params = ()) -> Any:
        """The first column of the first row (None when there is no row)."""
        with self.cursor() as cur:
            row = cur.execute(sql, params).fetchone()
        return row[0] if row else None

    def close(self) -> None:
        """Release the database."""
        self._root.close()


def _relation(cur: duckdb.DuckDBPyConnection, sql: str, params: Params) -> duckdb.DuckDBPyRelation:
    """A lazy relation: Arrow results straight from it avoid the DB-API copy."""
    return cur.sql(sql, params=params if params else None)


def _one_line(exc: BaseException) -> str:
    return " ".join(str(exc).split())


def open_store(folder: str | Path) -> Store:
    """Validate ``folder`` and open it; raises :class:`DataError` with one line naming the file."""
    path = Path(folder).expanduser()
    tables = discover(path)
    check(path, tables)
    manifest = read_manifest(path)
    return Store(path, tables, manifest)
