"""`ptmx import PeaTMOSS.db OUT`: the published SQLite release → a Parquet dataset folder.

Python's sqlite3 reads (DuckDB's SQLite extension would need a download); pyarrow writes zstd
Parquet in batches, so memory stays bounded whatever the table size. SQLite is dynamically typed:
a column declared INTEGER may hold text (PeaTMOSS's ``model.context_id`` holds hub names), so each
column's Arrow type is chosen from its declaration and widened to text the moment a batch shows a
value that does not fit; the table is then rewritten from the start with the wider type.

Speed: rows are transposed with ``zip`` and handed to Arrow column by column, and Arrow's C
conversion is the type check (a per-value Python check ran 7.5M times at 1x PeaTMOSS); Python
looks at single values only in a chunk Arrow refuses. Text is decoded by sqlite3's C decoder, the
replacing one only for a table that holds text that is not UTF-8.

The database is outside input: a table whose name could not be a file name is skipped with a note
(never a path outside the new folder), and a damaged file fails in one line.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyarrow as pa

from ptmx.errors import DataError, UsageError, check_stop
from ptmx.ingest.cards import read_card_names, write_cards
from ptmx.ingest.extensions import check_repo_licenses, iter_json_object, repo_license_rows
from ptmx.ingest.writer import DatasetWriter, check_inputs_safe
from ptmx.store.schema import REQUIRED, expected_columns

SQLITE_MAGIC = b"SQLite format 3\x00"
BATCH_ROWS = 122_880  # rows per Parquet row group: DuckDB's own default, which it reads best
BATCH_BYTES = 64 * 1024 * 1024  # flush early for tables with large text (issue bodies, diffs)
CHUNK_ROWS = 1_000  # rows fetched at a time where a row may hold large text
NUMERIC_CHUNK_ROWS = 20_000  # ... where every column is a number (8 bytes a value)

Progress = Callable[[str, int, int], None]  # (table, rows done, rows total)
LICENSES = "repository licenses"
# Table names become file names: letters, digits, _ . - only, and no leading dot.
_TABLE_NAME = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$")


@dataclass
class ImportReport:
    """What an import wrote."""

    out: Path
    row_counts: dict[str, int] = field(default_factory=dict)
    widened: dict[str, list[str]] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)


_ALL_FIT = object()  # _first_misfit found no misfit


class _Widen(Exception):
    def __init__(self, column: str, value: Any) -> None:
        self.column = column
        self.value = value


def _arrow_type(declared: str) -> pa.DataType:
    decl = (declared or "").upper()
    if "INT" in decl:
        return pa.int64()
    if any(k in decl for k in ("REAL", "FLOA", "DOUB")):
        return pa.float64()
    if "BLOB" in decl:
        return pa.binary()
    return pa.string()


def _fits(value: Any, arrow_type: pa.DataType) -> bool:
    if value is None:
        return True
    if pa.types.is_int64(arrow_type):
        return isinstance(value, int) and -(2**63) <= value < 2**63
    if pa.types.is_float64(arrow_type):
        return isinstance(value, int | float)
    if pa.types.is_binary(arrow_type):
        return isinstance(value, bytes)
    return isinstance(value, str)


def _as_text(value: Any) -> str | None:
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, bytes):
        return value.decode("utf-8", errors="replace")
    return str(value)


def connect(db: Path) -> sqlite3.Connection:
    """Open ``db`` read-only after checking it really is SQLite with PeaTMOSS's core tables."""
    if not db.exists():
        raise UsageError(f"{db}: file not found")
    if not db.is_file():
        raise UsageError(f"{db}: not a file (expected the PeaTMOSS.db release)")
    with db.open("rb") as handle:
        if handle.read(16) != SQLITE_MAGIC:
            raise DataError(f"{db}: not a SQLite database (expected the PeaTMOSS.db release)")
    try:
        con = sqlite3.connect(f"file:{db.resolve()}?mode=ro", uri=True)
        names = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    except sqlite3.DatabaseError as exc:
        raise DataError(f"{db}: unreadable SQLite database ({exc})") from exc
    missing = [t for t in REQUIRED if t not in names]
    if missing:
        con.close()
        raise DataError(f"{db}: not a PeaTMOSS database: missing core table(s) "
                        + ", ".join(missing))
    con.text_factory = _lenient_text
    return con


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _tables(con: sqlite3.Connection, report: ImportReport) -> list[str]:
    names = [str(r[0]) for r in con.execute(
        "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%' ORDER BY name"
    )]
    bad = [n for n in names if not _TABLE_NAME.match(n) or n.endswith(".parquet")]
    if bad:
        report.notes.append(f"skipped {len(bad)} table(s) whose names cannot be file names: "
                            + ", ".join(repr(n) for n in bad[:5]))
    return [n for n in names if n not in bad]


def _columns(con: sqlite3.Connection, table: str) -> list[tuple[str, str]]:
    return [(str(r[1]), str(r[2])) for r in con.execute(f"PRAGMA table_info({_quote(table)})")]


def _lenient_text(raw: bytes) -> str:
    return raw.decode("utf-8", errors="replace")


def _first_misfit(values: Sequence[Any], arrow_type: pa.DataType) -> Any:
    """The first value that does not fit ``arrow_type``, or :data:`_ALL_FIT`."""
    return next((v for v in values if not _fits(v, arrow_type)), _ALL_FIT)


def _to_arrow(column: str, values: Sequence[Any], arrow_type: pa.DataType) -> pa.Array:
    """One chunk of a column as Arrow. Arrow's C conversion does the type check; Python looks
    at single values only when it refuses (a rare chunk), to name the value or convert it."""
    if pa.types.is_string(arrow_type):
        try:
            return pa.array(values, type=arrow_type)
        except (pa.ArrowInvalid, pa.ArrowTypeError):  # numbers, or bytes that are not UTF-8
            return pa.array([_as_text(v) for v in values], type=arrow_type)
    if pa.types.is_int64(arrow_type):
        # Inferred, not cast: a cast to int64 would truncate a REAL 1.5 to 1 without a word.
        # Python ints within int64 infer as int64 (all NULL as null); anything else is a misfit.
        try:
            inferred = pa.array(values)
        except (pa.ArrowInvalid, pa.ArrowTypeError, OverflowError):
            inferred = None
        if inferred is not None and pa.types.is_int64(inferred.type):
            return inferred
        if inferred is not None and pa.types.is_null(inferred.type):
            return pa.nulls(len(values), arrow_type)
    elif pa.types.is_float64(arrow_type):
        try:
            return pa.array(values, type=arrow_type)
        except (pa.ArrowInvalid, pa.ArrowTypeError, OverflowError):
            pass  # text (a misfit), or an integer beyond 2**53 (fits, converted below)
    bad = _first_misfit(values, arrow_type)
    if bad is not _ALL_FIT:
        raise _Widen(column, bad)
    if pa.types.is_float64(arrow_type):
        return pa.array([None if v is None else float(v) for v in values], type=arrow_type)
    return pa.array(values, type=arrow_type)


def _batches(con: sqlite3.Connection, table: str, names: list[str],
             types: dict[str, pa.DataType]) -> Iterator[pa.Table]:
    """The table in slices of at most BATCH_ROWS rows (one Parquet row group each), cut early
    past BATCH_BYTES. Rows are fetched in small chunks and turned into Arrow at once, so at
    most one chunk of Python objects is alive; its Arrow size is what is counted."""
    cols = ", ".join(_quote(c) for c in names)
    cur = con.execute(f"SELECT {cols} FROM {_quote(table)}")
    schema = pa.schema([(c, types[c]) for c in names])
    # Numbers take 8 bytes a value: big chunks are safe. Text may be megabytes a row.
    numeric = all(pa.types.is_int64(t) or pa.types.is_float64(t) for t in schema.types)
    step = NUMERIC_CHUNK_ROWS if numeric else CHUNK_ROWS
    pending: list[pa.RecordBatch] = []
    rows = size = 0
    while chunk := cur.fetchmany(min(step, BATCH_ROWS - rows)):
        columns = zip(*chunk, strict=True)
        batch = pa.record_batch([_to_arrow(c, values, types[c])
                                 for c, values in zip(names, columns, strict=True)],
                                schema=schema)
        pending.append(batch)
        rows += batch.num_rows
        size += batch.nbytes
        if rows >= BATCH_ROWS or size >= BATCH_BYTES:
            yield pa.Table.from_batches(pending, schema=schema)
            pending, rows, size = [], 0, 0
    if pending:
        yield pa.Table.from_batches(pending, schema=schema)


def _write_table(con: sqlite3.Connection, writer: DatasetWriter, table: str, names: list[str],
                 types: dict[str, pa.DataType], total: int, progress: Progress | None) -> int:
    schema = pa.schema([(c, types[c]) for c in names])
    done = 0
    with writer.open_stream(table, schema) as stream:
        if progress:
            progress(table, 0, total)
        for batch in _batches(con, table, names, types):
            check_stop()
            stream.write_table(batch, row_group_size=BATCH_ROWS)
            done += batch.num_rows
            if progress:
                progress(table, done, total)
    return done


def _copy_table(con: sqlite3.Connection, writer: DatasetWriter, table: str,
                progress: Progress | None, report: ImportReport) -> int:
    declared = _columns(con, table)
    names = [c for c, _ in declared]
    types = {c: _arrow_type(d) for c, d in declared}
    total = con.execute(f"SELECT count(*) FROM {_quote(table)}").fetchone()[0]
    # C-speed UTF-8 decoding for the copy; text that is not UTF-8 restarts the table with the
    # replacing decoder that every other query of the import uses.
    con.text_factory = str
    try:
        while True:
            try:
                done = _write_table(con, writer, table, names, types, total, progress)
            except _Widen as widen:
                _widen(table, widen, types, report)
                continue
            except sqlite3.OperationalError as exc:
                if not str(exc).startswith("Could not decode") or con.text_factory is _lenient_text:
                    raise
                con.text_factory = _lenient_text
                continue
            writer.row_counts[table] = done
            return done
    finally:
        con.text_factory = _lenient_text


def _widen(table: str, widen: _Widen, types: dict[str, pa.DataType],
           report: ImportReport) -> None:
    if expected_columns(table).get(widen.column) == "integer":
        # ptmx joins or sorts by this column as a number: text cannot be kept. Say so now
        # rather than after copying every other table.
        raise DataError(f"{table}.{widen.column} is declared {types[widen.column]} and "
                        f"ptmx reads it as a number, but it holds {widen.value!r:.60}",
                        hint="fix that value in the database, then import again") from None
    # Keep the value as the database holds it (text), and start the table again.
    types[widen.column] = pa.string()
    report.widened.setdefault(table, []).append(widen.column)


def import_sqlite(db: Path, out: Path, *, force: bool = False,
                  repo_licenses: Path | None = None, model_cards: Path | None = None,
                  progress: Progress | None = None) -> ImportReport:
    """Convert ``db`` into a dataset folder at ``out``; see the module docstring."""
    # Read the side files through first: a mistake in them should fail before an hour of
    # copying. Both are streamed (flat memory whatever their size) and read again when written.
    inputs = [p for p in (db, repo_licenses, model_cards) if p]
    check_inputs_safe(out, inputs)
    if repo_licenses:
        check_repo_licenses(iter_json_object(repo_licenses, LICENSES), repo_licenses)
    card_names = read_card_names(model_cards) if model_cards else None
    con = connect(db)
    report = ImportReport(out=out)
    try:
        with DatasetWriter(out, force=force, inputs=inputs) as writer:
            _copy_tables(con, writer, progress, report)
            if repo_licenses:
                projects = {
                    f"{o}/{n}".lower(): i
                    for i, o, n in con.execute("SELECT id, owner, name FROM reuse_repository")
                }
                rows, skipped = repo_license_rows(iter_json_object(repo_licenses, LICENSES),
                                                  projects)
                writer.write("reuse_repository_license", rows)
                report.notes.append(f"repository licenses: {rows.num_rows:,} rows; "
                                    f"{skipped:,} scanned projects are not in the database")
            if card_names is not None:
                cards, bases, skipped = write_cards(writer, card_names)
                report.notes.append(f"model cards: {cards:,} cards, {bases:,} base-model edges; "
                                    f"{skipped:,} cards name models not in the database")
            writer.commit(name=db.stem, source=str(db.name),
                          extra={"widened_to_text": report.widened})
            report.row_counts = dict(writer.row_counts)
    except sqlite3.DatabaseError as exc:
        # A damaged page or a locked file shows only once a table is read.
        raise DataError(f"{db}: cannot read the source database ({exc})") from exc
    finally:
        con.close()
    return report


def _copy_tables(con: sqlite3.Connection, writer: DatasetWriter, progress: Progress | None,
                 report: ImportReport) -> None:
    for table in _tables(con, report):
        _copy_table(con, writer, table, progress, report)
