"""The Store: a DuckDB database over a PeaTMOSS Parquet folder.

Small, hot tables (models, licenses, links, lookup tables, ptmx's extensions) are materialised as
DuckDB tables, sorted by ``model_id`` so point lookups skip most row groups; the large
GitHub/discussion tables stay views over their Parquet files. Materialising costs about a second
at full PeaTMOSS scale, so it is done once into a cache file under the user cache folder, keyed by
the dataset's path and every file's size and mtime; later opens attach that file read-only in
milliseconds. (Where no cache can be written, the same tables are built in memory.)

After opening, external access is switched off and the configuration locked, so no query (not
even the SQL console's) can read files outside the dataset folder, write files, or reach the
network. Nothing in the dataset folder is ever written.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import tempfile
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

import duckdb

from ptmx import __version__
from ptmx.errors import DataError, MissingTableError, QueryError, UsageError
from ptmx.store.base_link import build_base_link
from ptmx.store.detail import build_model_detail
from ptmx.store.schema import HOT_TABLES, OPTIONAL_COLUMNS
from ptmx.store.validate import TableFiles, check, discover, read_manifest

if TYPE_CHECKING:
    import pyarrow as pa

Params = Sequence[Any] | dict[str, Any]
# ``progress(step_label, done, total)``: called while a cache is built (never when it exists).
Progress = Callable[[str, int, int], None]
# Built by the store: see _build_summary, detail.build_model_detail, base_link.build_base_link.
DERIVED_TABLES = ("model_summary", "reuse_link", "project_summary", "model_detail", "base_link")
CACHE_FORMAT = 10  # bump when the cached layout changes

# DuckDB hands every connect() of one file in a process the same database instance, whose
# configuration we lock; so one sealed root connection per cache file is shared by its Stores.
_SHARED_ROOTS: dict[Path, duckdb.DuckDBPyConnection] = {}
_SHARED_LOCK = threading.Lock()


def _quote_ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


@contextmanager
def _setting(con: duckdb.DuckDBPyConnection, name: str, value: str) -> Iterator[None]:
    """DuckDB's ``name`` at ``value`` for the statements inside, then back to its default
    (storage choices the cache build makes per table)."""
    con.execute(f"SET {name}='{value}'")
    try:
        yield
    finally:
        con.execute(f"RESET {name}")


def _sql_string(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def fingerprint(folder: Path, tables: dict[str, TableFiles]) -> str:
    """Changes whenever any table file of ``folder`` (or ptmx's cache layout) changes."""
    where = hashlib.sha256(str(folder.resolve()).encode()).hexdigest()[:16]
    # DuckDB's version too: model_key holds its hash() values, which a new DuckDB may change.
    parts: list[Any] = [CACHE_FORMAT, __version__, duckdb.__version__]
    for name in sorted(tables):
        for path in tables[name].files:
            st = path.stat()
            parts.append((name, path.name, st.st_size, st.st_mtime_ns))
    return f"{where}-{hashlib.sha256(json.dumps(parts).encode()).hexdigest()[:16]}"


class _Steps:
    """Counts the build's steps for a progress callback: ``start(label)`` before each step
    reports how many are done; ``finish()`` reports ``done == total``."""

    def __init__(self, progress: Progress | None, total: int) -> None:
        self.progress = progress
        self.total = total
        self.done = 0
        self.label = ""

    def start(self, label: str) -> None:
        if self.label:
            self.done += 1
        self.label = label
        if self.progress is not None:
            self.progress(label, min(self.done, self.total - 1), self.total)

    def finish(self) -> None:
        self.done = self.total
        if self.progress is not None:
            self.progress("ready", self.total, self.total)


class Store:
    """Read-only access to one dataset folder. Thread-safe: each call takes its own cursor."""

    def __init__(self, folder: Path, tables: dict[str, TableFiles], manifest: dict[str, Any],
                 cache_dir: Path | None = None, progress: Progress | None = None) -> None:
        self.folder = folder
        self._progress = progress
        self.manifest = manifest
        self._files = tables
        self._lock = threading.Lock()
        started = time.perf_counter()
        self.cache_file: Path | None = None
        # One-line notes for the user (a corrupt cache rebuilt); the CLI prints them on stderr.
        self.notices: list[str] = []
        self.memory_limit = _memory_limit()
        self._root = self._open(cache_dir)
        self._row_counts: dict[str, int] | None = None
        self.open_seconds = time.perf_counter() - started
        self.last_query_seconds: float | None = None

    # -- opening -------------------------------------------------------------------------
    @property
    def row_counts(self) -> dict[str, int]:
        """Rows of every dataset table (counted on first use: only `stats` needs them)."""
        if self._row_counts is None:
            with self.cursor() as cur:
                try:
                    self._row_counts = self._count_rows(cur)
                except duckdb.Error as exc:
                    raise self.failure(exc) from exc
        return self._row_counts

    def _open(self, cache_dir: Path | None) -> duckdb.DuckDBPyConnection:
        if cache_dir is not None:
            target = cache_dir / f"{fingerprint(self.folder, self._files)}.duckdb"
            with _SHARED_LOCK, contextlib.suppress(OSError, duckdb.IOException):
                shared = _SHARED_ROOTS.get(target)
                if shared is not None and target.exists():
                    self.cache_file = target
                    return shared
                opened = self._open_cache(target)
                if opened is not None:
                    _SHARED_ROOTS[target] = opened
                    self.cache_file = target
                    return opened
        # No cache: the files were never checked against a build that succeeded.
        steps = self._steps(writes_file=False)
        steps.start("checking files")
        check(self.folder, self._files)
        con = duckdb.connect(":memory:", config={"threads": "2"})
        con.execute("SET enable_progress_bar=false")
        self._materialise(con, steps)
        self._lock_down(con)
        steps.finish()
        return con

    def _steps(self, *, writes_file: bool) -> _Steps:
        """The build's steps: checking the files, each hot table, the views, the derived tables,
        the indexes and (for a cache file) writing it."""
        hot = sum(1 for name in self._files if name in HOT_TABLES)
        views = 1 if len(self._files) > hot else 0
        return _Steps(self._progress, 1 + hot + views + len(DERIVED_TABLES) + 1 + int(writes_file))

    def _open_cache(self, target: Path) -> duckdb.DuckDBPyConnection | None:
        """The cache file, built if absent; a corrupt one (truncated, overwritten) is deleted
        and built again once, with a notice. None: no usable cache (the caller builds in memory)."""
        for attempt in range(2):
            if not target.exists():
                # The cache is keyed by every file's size and mtime: the Parquet files are
                # checked (footers read) only when a cache is built from them.
                steps = self._steps(writes_file=True)
                steps.start("checking files")
                check(self.folder, self._files)
                self._build_cache(target, steps)
                steps.finish()
            con: duckdb.DuckDBPyConnection | None = None
            try:
                con = duckdb.connect(str(target), read_only=True, config={"threads": "2"})
                self._lock_down(con)
                _check_complete(con, target)
                return con
            except duckdb.Error as exc:
                if con is not None:
                    con.close()
                target.unlink(missing_ok=True)
                Path(str(target) + ".wal").unlink(missing_ok=True)
                if attempt == 0:
                    self.notices.append(f"cache file {target.name} was unreadable "
                                        f"({_one_line(exc)[:120]}); deleted and rebuilt")
        return None

    def _count_rows(self, con: duckdb.DuckDBPyConnection) -> dict[str, int]:
        # Reads every table's metadata: a damaged cache fails here, not on a later page.
        counts: dict[str, int] = {}
        for name in (*self._files, *DERIVED_TABLES):
            row = con.execute(f"SELECT count(*) FROM {_quote_ident(name)}").fetchone()
            if name in self._files:
                counts[name] = int(row[0]) if row else 0
        return counts

    def _build_cache(self, target: Path, steps: _Steps) -> None:
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp_name = tempfile.mkstemp(prefix=".build-", suffix=".duckdb", dir=target.parent)
        os.close(fd)
        tmp = Path(tmp_name)
        tmp.unlink()  # DuckDB wants to create the file itself
        try:
            # Bounded memory: sorting tens of millions of tag rows spills to disk beside the
            # cache instead of growing the process (1x PeaTMOSS stays well under the limit).
            con = duckdb.connect(str(tmp), config={
                "threads": "2", "memory_limit": "768MB",
                "temp_directory": str(target.parent / ".spill")})
            try:
                con.execute("SET enable_progress_bar=false")
                self._materialise(con, steps)
                steps.start("writing cache")
                con.execute("CHECKPOINT")
            finally:
                con.close()
            # Atomic: a concurrent opener sees either no cache or a complete one.
            os.replace(tmp, target)
            # Caches of earlier versions of the same folder are dead weight now.
            folder_key = target.name.split("-", 1)[0]
            for old in target.parent.glob(f"{folder_key}-*.duckdb"):
                if old != target:
                    old.unlink(missing_ok=True)
        finally:
            tmp.unlink(missing_ok=True)
            Path(str(tmp) + ".wal").unlink(missing_ok=True)

    def _source(self, tf: TableFiles) -> str:
        files = ", ".join(_sql_string(str(p.resolve())) for p in tf.files)
        # Parts of different ptmx versions (more columns in newer crawls) line up by name.
        union = "" if tf.same_columns else ", union_by_name=true"
        return f"read_parquet([{files}]{union})"

    def _source_select(self, name: str, tf: TableFiles) -> str:
        return f"SELECT {self._select_list(name, tf)} FROM {self._source(tf)}"

    def _materialise(self, con: duckdb.DuckDBPyConnection, steps: _Steps) -> None:
        try:
            views = [name for name in self._files if name not in HOT_TABLES]
            for name, tf in self._files.items():
                if name not in HOT_TABLES:
                    continue
                steps.start(f"table {name}")
                # Sorted by the model key, zone maps let `WHERE model_id = ?` skip row groups.
                # Files already in that order (ptmx import writes them so) are copied as they
                # are: sorting 24M tag rows again cost ~1.5 s of a 10x first open.
                order = " ORDER BY model_id" if "model_id" in tf.schema.names \
                    and not tf.ordered_by("model_id") else ""
                # model's three wide strings (id, URL, sha) stored uncompressed: compressing
                # them was 3.4 of the 5.4 s this table took at 10x PeaTMOSS.
                with _setting(con, "disabled_compression_methods", "dict_fsst") \
                        if name == "model" else contextlib.nullcontext():
                    con.execute(f"CREATE TABLE {_quote_ident(name)} AS "
                                f"{self._source_select(name, tf)}{order}")
            if views:
                steps.start("views")
            for name in views:
                con.execute(f"CREATE VIEW {_quote_ident(name)} AS "
                            f"{self._source_select(name, self._files[name])}")
            self._build_summary(con, steps)
            steps.start("model_detail")
            build_model_detail(con, set(self._files))
            steps.start("base_link")
            build_base_link(con, set(self._files))
            steps.start("indexes")
            # Name lookups (exact, then case-insensitive) are the first step of every page:
            # model_key holds each model's id under the hash of its lower-case name, sorted by
            # the hash, so a lookup reads one row group (zone maps) and then the model by id.
            # (An ART index on model_lc cost 2.8-3.5 s of a 10x first open; this 0.7 s.)
            con.execute("CREATE TABLE model_key AS SELECT hash(model_lc) AS h, model_id "
                        "FROM model_summary ORDER BY h")
        except duckdb.Error as exc:
            raise DataError(f"{self.folder}: cannot load dataset ({_one_line(exc)})") from exc

    def _lock_down(self, con: duckdb.DuckDBPyConnection) -> None:
        # From here on only the dataset folder is readable and nothing is writable. Cursors
        # inherit these settings (and no progress bar may draw over the TUI).
        # One call: each execute() has a fixed cost that every command would pay.
        con.execute("; ".join([
            "SET enable_progress_bar=false",
            # The bound on a user's query (the console): larger sorts and joins spill or fail.
            f"SET memory_limit={_sql_string(self.memory_limit)}",
            f"SET allowed_directories=[{_sql_string(str(self.folder.resolve()) + '/')}]",
            "SET enable_external_access=false",
            "SET autoinstall_known_extensions=false",
            "SET autoload_known_extensions=false",
            "SET lock_configuration=true",
        ]))

    def _select_list(self, name: str, tf: TableFiles) -> str:
        """All columns as stored, plus NULLs for optional columns a file lacks."""
        import pyarrow as pa

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

    def _build_summary(self, con: duckdb.DuckDBPyConnection, steps: _Steps) -> None:
        """Derived tables every page reads, computed once per dataset version.

        ``model_summary``: one row per model with what lists and page heads show (a page
        reads the repository URL and sha from ``model`` itself: carrying them here made this
        table's build a third slower at 10x PeaTMOSS, for one row a page).
        ``reuse_link``: one row per distinct model→project link with both sides' names, the
        model's license and the files, so neither page has to join the large tables.
        """
        author = (
            "CASE WHEN contains(m.context_id, '/') THEN split_part(m.context_id, '/', 1) END"
        )
        hub_join, hub = ("LEFT JOIN model_hub h ON h.id = m.model_hub_id", "h.name") \
            if "model_hub" in self._files else ("", "CAST(NULL AS VARCHAR)")
        steps.start("model_summary")
        # Stored uncompressed: search scans every model_lc value, and decompressing FSST
        # strings made that scan 3-4x slower (85 vs 23 ms at 10x PeaTMOSS); compressing them
        # was also ~40 % of building this table. The cost is disk: ~2x this table's size.
        with _setting(con, "force_compression", "uncompressed"):
            con.execute(f"""
                CREATE TABLE model_summary AS
                WITH lic AS (
                    -- Sorting each list after aggregating: an ordered string_agg was 5x slower.
                    SELECT ml.model_id, array_to_string(list_sort(list(l.name)), ' AND ') AS license
                    FROM model_to_license ml JOIN license l ON l.id = ml.license_id
                    WHERE l.name IS NOT NULL
                    GROUP BY ml.model_id
                ), reuse AS (
                    SELECT model_id, count(DISTINCT reuse_repository_id) AS reuse_count
                    FROM model_to_reuse_repository GROUP BY model_id
                )
                SELECT m.id AS model_id, m.context_id AS model, lower(m.context_id) AS model_lc,
                       {author} AS author,
                       m.downloads, m.likes, lic.license, coalesce(reuse.reuse_count, 0) AS reuse_count,
                       {hub} AS hub
                FROM model m LEFT JOIN lic ON lic.model_id = m.id
                             LEFT JOIN reuse ON reuse.model_id = m.id {hub_join}
                ORDER BY m.downloads DESC NULLS LAST, m.context_id
            """)
        files = (
            # Sorted after aggregating: an ordered aggregate is several times slower.
            "SELECT model_id, reuse_repository_id, list_sort(list(DISTINCT path)) AS files "
            "FROM reuse_file GROUP BY ALL" if "reuse_file" in self._files else
            "SELECT NULL::BIGINT AS model_id, NULL::BIGINT AS reuse_repository_id, "
            "CAST([] AS VARCHAR[]) AS files WHERE false"
        )
        steps.start("reuse_link")
        # Its repeated names stored uncompressed: compressing them was ~0.6 of its 2.2 s at 10x.
        with _setting(con, "disabled_compression_methods", "dict_fsst"):
            con.execute(f"""
                CREATE TABLE reuse_link AS
                WITH x AS (SELECT DISTINCT model_id, reuse_repository_id
                           FROM model_to_reuse_repository),
                     f AS ({files})
                SELECT x.model_id, s.model, s.license, s.downloads, s.reuse_count,
                       x.reuse_repository_id AS project_id, r.owner || '/' || r.name AS project,
                       r.url, coalesce(f.files, CAST([] AS VARCHAR[])) AS files
                FROM x JOIN model_summary s ON s.model_id = x.model_id
                       JOIN reuse_repository r ON r.id = x.reuse_repository_id
                       LEFT JOIN f ON f.model_id = x.model_id
                                  AND f.reuse_repository_id = x.reuse_repository_id
                ORDER BY x.model_id, project
            """)
        # One row per project: its models count and its scanned licenses as one AND expression
        # (keys that are OR expressions parenthesised; 'NONE' when scanned without a license;
        # NULL when never scanned), as the license engine and the graph read them.
        if "reuse_repository_license" in self._files:
            lic_cte = """, lic AS (
                SELECT reuse_repository_id AS id,
                       CASE WHEN count(license_key) = 0 THEN 'NONE'
                            ELSE array_to_string(list_sort(list(DISTINCT
                                 CASE WHEN contains(lower(license_key), ' or ')
                                      THEN '(' || license_key || ')' ELSE license_key END)),
                                 ' AND ') END AS license
                FROM reuse_repository_license GROUP BY 1)"""
            lic_join, lic_col = "LEFT JOIN lic ON lic.id = r.id", "lic.license"
        else:
            lic_cte, lic_join, lic_col = "", "", "CAST(NULL AS VARCHAR)"
        steps.start("project_summary")
        con.execute(f"""
            CREATE TABLE project_summary AS
            WITH links AS (SELECT project_id, count(*) AS links FROM reuse_link GROUP BY 1)
                 {lic_cte}
            SELECT r.id AS project_id, r.owner || '/' || r.name AS project, r.url,
                   {lic_col} AS license, coalesce(links.links, 0) AS links
            FROM reuse_repository r LEFT JOIN links ON links.project_id = r.id {lic_join}
            ORDER BY r.id
        """)
        # Single-row lookups by id: an ART index beats a scan even on a sorted table. (Not on
        # reuse_link.project_id: fetching a busy project's scattered rows through an index
        # took 100 ms at full scale, a scan of the links takes 2.)
        con.execute("CREATE INDEX model_summary_id ON model_summary (model_id)")
        if "model_card" in self._files:
            con.execute("CREATE INDEX model_card_id ON model_card (model_id)")

    # -- access --------------------------------------------------------------------------
    @property
    def tables(self) -> list[str]:
        """Names of the tables present (dataset tables plus ptmx's derived ``model_summary``)."""
        return sorted([*self._files, *DERIVED_TABLES])

    def columns(self) -> dict[str, list[tuple[str, str]]]:
        """Every table's columns as (name, type), for schema panels and completion. Read through
        DuckDB's relation API: the catalog, with no SQL text."""
        with self.cursor() as cur:
            try:
                return {t: list(zip(rel.columns, map(str, rel.dtypes), strict=True))
                        for t in self.tables for rel in [cur.table(t)]}
            except duckdb.Error as exc:
                raise self.failure(exc) from exc

    def dataset_files(self) -> list[Path]:
        """Every file of the dataset (table files and the manifest), resolved."""
        from ptmx.store.schema import MANIFEST

        files = [p.resolve() for tf in self._files.values() for p in tf.files]
        return [*files, (self.folder / MANIFEST).resolve()]

    def has(self, table: str) -> bool:
        """Whether ``table`` is present (an absent optional table is not an error by itself)."""
        return table in self._files or table in DERIVED_TABLES

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
                raise self.failure(exc) from exc
        self.last_query_seconds = time.perf_counter() - started
        return result

    def rows(self, sql: str, params: Params = ()) -> list[dict[str, Any]]:
        """Like :meth:`query`, as a list of dicts (built from plain tuples: for the small
        results of a page this skips Arrow's fixed cost, about a millisecond per query)."""
        started = time.perf_counter()
        with self.cursor() as cur:
            try:
                cur.execute(sql, params)
                names = [d[0] for d in cur.description or ()]
                result = [dict(zip(names, row, strict=True)) for row in cur.fetchall()]
            except duckdb.Error as exc:
                raise self.failure(exc) from exc
        self.last_query_seconds = time.perf_counter() - started
        return result

    def scalar(self, sql: str, params: Params = ()) -> Any:
        """The first column of the first row (None when there is no row)."""
        with self.cursor() as cur:
            try:
                row = cur.execute(sql, params).fetchone()
            except duckdb.Error as exc:
                raise self.failure(exc) from exc
        return row[0] if row else None

    def failure(self, exc: duckdb.Error) -> DataError | QueryError:
        """The error to raise for a failed query. A damaged cache file (DuckDB checks every
        block it reads) is deleted, so the next run rebuilds it instead of failing again."""
        message = _one_line(exc)
        if self.cache_file is None or not _is_corruption(exc):
            return QueryError(message)
        with _SHARED_LOCK:
            _SHARED_ROOTS.pop(self.cache_file, None)
        self.cache_file.unlink(missing_ok=True)
        return DataError(f"cache file {self.cache_file} is damaged ({message[:120]}); deleted it",
                         hint="run the command again to rebuild the cache")

    def close(self) -> None:
        """Release the database (a shared cache connection stays open for other Stores)."""
        if self.cache_file is None:
            self._root.close()


def _relation(cur: duckdb.DuckDBPyConnection, sql: str, params: Params) -> duckdb.DuckDBPyRelation:
    """A lazy relation: Arrow results straight from it avoid the DB-API copy."""
    return cur.sql(sql, params=params if params else None)


# A DuckDB file: three 4 KiB headers, then its blocks.
_HEADER_BYTES = 3 * 4096


def _check_complete(con: duckdb.DuckDBPyConnection, path: Path) -> None:
    """A truncated cache opens and counts fine; it fails on the first block past the end. The
    file must be as long as the blocks its header lists."""
    row = con.execute("SELECT total_blocks, block_size FROM pragma_database_size()").fetchone()
    if row and path.stat().st_size < _HEADER_BYTES + int(row[0]) * int(row[1]):
        raise duckdb.IOException(f"truncated: {path.stat().st_size} bytes, "
                                 f"{int(row[0])} blocks of {int(row[1])} expected")


def _is_corruption(exc: duckdb.Error) -> bool:
    text = str(exc).lower()
    return isinstance(exc, duckdb.IOException | duckdb.SerializationException) or \
        "corrupt" in text or "checksum" in text


def _memory_limit() -> str:
    from ptmx.config import query_memory

    try:
        return query_memory()
    except ValueError as exc:
        raise UsageError(str(exc)) from None


def _one_line(exc: BaseException) -> str:
    return " ".join(str(exc).split())


def open_store(folder: str | Path, *, cache: bool = True, progress: Progress | None = None) -> Store:
    """Validate ``folder`` and open it; raises :class:`DataError` with one line naming the file.

    ``cache=False`` skips the persistent cache file (everything is built in memory).
    ``progress(step_label, done, total)`` is called before each step of a cache build and once
    more with ``done == total`` at its end; never when the cache already exists.
    """
    path = Path(folder).expanduser()
    tables = discover(path)
    manifest = read_manifest(path)
    from ptmx.config import cache_dir

    return Store(path, tables, manifest, cache_dir() / "datasets" if cache else None, progress)


def cache_ready(folder: str | Path) -> bool:
    """Whether ``folder`` has a cache already (an open takes milliseconds, nothing to report).
    Raises :class:`DataError` like :func:`open_store` when the folder is not a dataset."""
    from ptmx.config import cache_dir

    path = Path(folder).expanduser()
    return (cache_dir() / "datasets" / f"{fingerprint(path, discover(path))}.duckdb").exists()
