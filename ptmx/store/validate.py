"""Find a dataset folder's tables and check them before DuckDB sees them.

Every problem becomes one :class:`~ptmx.errors.DataError` line that names the file at fault.
Finding the tables only lists the folder; a table's schema (its Parquet footer) is read when
first asked for, which :func:`check` does before the store builds its cache from the files. A
run that finds the cache of exactly these files (sizes and mtimes) reads no footer at all.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ptmx.errors import DataError
from ptmx.store.schema import MANIFEST, REQUIRED, expected_columns

if TYPE_CHECKING:
    import pyarrow as pa


@dataclass(frozen=True)
class TableFiles:
    """Where one table lives: a single Parquet file or a folder of part files."""

    name: str
    files: tuple[Path, ...]

    @cached_property
    def schema(self) -> pa.Schema:
        """The table's columns (read from the Parquet footers).

        Parts written by different ptmx versions may differ in columns (a crawl adds columns
        to ``hub_models`` over time): their union is the table, each column's type must agree.
        """
        import pyarrow as pa

        schemas = self._part_schemas
        if all(schema.equals(schemas[0]) for schema in schemas[1:]):
            return schemas[0]
        try:
            # Widening (int32 beside int64) is what DuckDB does on reading too.
            return pa.unify_schemas(schemas, promote_options="permissive")
        except (pa.ArrowInvalid, pa.ArrowTypeError) as exc:
            raise DataError(f"{self.files[0].parent}: part files disagree on a column's type "
                            f"({_one_line(exc)})") from exc

    @cached_property
    def _part_schemas(self) -> list[pa.Schema]:
        return [_read_schema(p, p) for p in self.files]

    @property
    def same_columns(self) -> bool:
        """Whether every part has the same columns in the same order (no union by name needed)."""
        first = self._part_schemas[0].names
        return all(schema.names == first for schema in self._part_schemas[1:])

    def ordered_by(self, column: str) -> bool:
        """Whether the files' row groups come in ascending, non-overlapping ``column`` order
        with no NULL (from the footers' statistics: no data is read). Zone maps then skip
        row groups as well as on a sorted copy; rows within a group need not be sorted."""
        import pyarrow.parquet as pq

        last = None
        try:
            for path in self.files:
                meta = pq.ParquetFile(path).metadata
                paths = [meta.schema.column(i).path for i in range(meta.num_columns)]
                if column not in paths:
                    return False
                index = paths.index(column)
                for group in range(meta.num_row_groups):
                    stats = meta.row_group(group).column(index).statistics
                    if stats is None or not stats.has_min_max or not stats.has_null_count \
                            or stats.null_count:
                        return False
                    if last is not None and stats.min < last:
                        return False
                    last = stats.max
        except (OSError, ValueError, TypeError):
            return False
        return True

    @property
    def location(self) -> Path:
        """The file (or folder) a user would look at."""
        single = len(self.files) == 1 and self.files[0].parent.name != self.name
        return self.files[0] if single else self.files[0].parent


def _kind_ok(kind: str, arrow_type: pa.DataType) -> bool:
    import pyarrow as pa

    if kind == "integer":
        # A text id column cannot be joined as a number; every integer width (and null-only) works.
        return bool(pa.types.is_integer(arrow_type) or pa.types.is_null(arrow_type))
    if kind == "text":
        # Numbers cast to text losslessly (e.g. a context_id that happens to be numeric).
        return bool(
            pa.types.is_string(arrow_type) or pa.types.is_large_string(arrow_type)
            or pa.types.is_string_view(arrow_type) or pa.types.is_integer(arrow_type)
            or pa.types.is_null(arrow_type) or pa.types.is_dictionary(arrow_type)
        )
    return True


def _one_line(exc: BaseException) -> str:
    return " ".join(str(exc).split())[:160]


def _read_schema(path: Path, shown: Path) -> pa.Schema:
    import pyarrow as pa
    import pyarrow.parquet as pq

    try:
        return pq.read_schema(path)
    except (pa.ArrowInvalid, OSError) as exc:
        reason = _one_line(exc)
        raise DataError(f"{shown}: not a readable Parquet file ({reason})") from exc


def discover(folder: Path) -> dict[str, TableFiles]:
    """All tables in ``folder``: ``<name>.parquet`` files and ``<name>/`` folders of parts."""
    if not folder.exists():
        raise DataError(f"{folder}: dataset folder does not exist",
                        hint="pass --data DIR or set PTMX_DATA to a PeaTMOSS Parquet folder")
    if not folder.is_dir():
        raise DataError(f"{folder}: not a folder", hint="--data takes a folder of Parquet files")
    tables: dict[str, TableFiles] = {}
    for entry in sorted(folder.iterdir()):
        if entry.name.startswith("."):
            continue
        if entry.is_file() and entry.suffix == ".parquet":
            tables[entry.stem] = TableFiles(entry.stem, (entry,))
        elif entry.is_dir():
            parts = tuple(sorted(p for p in entry.glob("*.parquet") if p.is_file()))
            if parts:
                tables[entry.name] = TableFiles(entry.name, parts)
    if not tables:
        raise DataError(f"{folder}: no Parquet tables found (the folder is empty or holds no "
                        "*.parquet)", hint="import one with `ptmx import PeaTMOSS.db OUT`")
    return tables


def check(folder: Path, tables: dict[str, TableFiles]) -> None:
    """Raise on the first unreadable file, or required table or column that is missing or of
    the wrong kind."""
    for tf in tables.values():
        tf.schema  # noqa: B018  (reads every footer: an unreadable file is named here)
    for name in REQUIRED:
        if name not in tables:
            raise DataError(f"{folder / (name + '.parquet')}: required table '{name}' is missing",
                            hint="a PeaTMOSS dataset folder needs " + ", ".join(REQUIRED))
    for name, tf in tables.items():
        for column, kind in expected_columns(name).items():
            field = tf.schema.get_field_index(column)
            if field < 0:
                if column in REQUIRED.get(name, {}) or _is_key(name, column):
                    raise DataError(f"{tf.location}: required column '{column}' is missing "
                                    f"from table '{name}'")
                continue
            arrow_type = tf.schema.field(field).type
            if not _kind_ok(kind, arrow_type):
                raise DataError(f"{tf.location}: column '{name}.{column}' is {arrow_type}, "
                                f"which cannot be read as {kind}")


def _is_key(table: str, column: str) -> bool:
    """Join columns of optional tables are as required as the table itself."""
    return column.endswith("_id") or column in {"id", "name", "path", "model", "base_model"}


def read_manifest(folder: Path) -> dict[str, Any]:
    """The folder's ``ptmx.json`` (empty if absent); a broken one is an error."""
    path = folder / MANIFEST
    if not path.exists() and not path.is_symlink():
        return {}
    if not path.is_file():
        # A folder, a FIFO (reading it would block forever), a device, a dangling link.
        raise DataError(f"{path}: manifest is not a regular file")
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError, RecursionError) as exc:
        reason = "nested too deeply" if isinstance(exc, RecursionError) else _one_line(exc)
        raise DataError(f"{path}: manifest is not valid JSON ({reason})") from exc
    if not isinstance(data, dict):
        raise DataError(f"{path}: manifest must be a JSON object")
    return data
