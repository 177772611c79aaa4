"""Write a dataset folder safely: into a temp folder beside the target, renamed into place at the end.

An error or Ctrl-C removes the temp folder and leaves the target as it was; an existing target is
replaced (with ``force``) only once the new dataset is complete and has passed validation.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import tempfile
from pathlib import Path
from types import TracebackType
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from ptmx import __version__
from ptmx.errors import UsageError
from ptmx.store.schema import MANIFEST

COMPRESSION = "zstd"


def check_target(out: Path, force: bool) -> None:
    """Refuse to overwrite a non-empty ``out`` unless ``force``; its parent must exist."""
    if out.exists() and not out.is_dir():
        raise UsageError(f"{out}: exists and is not a folder; choose another output path")
    if out.exists() and any(out.iterdir()) and not force:
        raise UsageError(f"{out}: already exists and is not empty",
                         hint="pass --force to replace it once the new dataset is complete")
    if not out.parent.exists():
        raise UsageError(f"{out.parent}: parent folder does not exist")


class DatasetWriter:
    """Collects tables in a temp folder; :meth:`commit` moves them to ``out`` atomically."""

    def __init__(self, out: Path, *, force: bool = False) -> None:
        self.out = out
        self.force = force
        check_target(out, force)
        self.tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.ptmx-", dir=out.parent))
        self.row_counts: dict[str, int] = {}

    def __enter__(self) -> DatasetWriter:
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        # Any failure (including KeyboardInterrupt) leaves no partial dataset behind.
        if self.tmp.exists():
            shutil.rmtree(self.tmp, ignore_errors=True)

    def path(self, table: str) -> Path:
        """Where ``table`` is written inside the temp folder."""
        return self.tmp / f"{table}.parquet"

    def write(self, table: str, data: pa.Table) -> None:
        """Write a whole (small) table."""
        pq.write_table(data, self.path(table), compression=COMPRESSION)
        self.row_counts[table] = data.num_rows

    def open_stream(self, table: str, schema: pa.Schema) -> pq.ParquetWriter:
        """A Parquet writer for a table written in batches; caller closes it and sets the count."""
        return pq.ParquetWriter(self.path(table), schema, compression=COMPRESSION)

    def commit(self, *, name: str, source: str, extra: dict[str, Any] | None = None) -> Path:
        """Write the manifest, validate the folder, then move it to ``out``."""
        manifest = {
            "name": name,
            "version": 1,
            "created": dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat(),
            "created_by": f"ptmx {__version__}",
            "source": source,
            "tables": dict(sorted(self.row_counts.items())),
            **(extra or {}),
        }
        (self.tmp / MANIFEST).write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
        # Validate with the readers' own checks (every file readable, required tables and
        # columns present and castable); materialising the tables would cost memory and time.
        from ptmx.store.validate import check, discover, read_manifest

        check(self.tmp, discover(self.tmp))
        read_manifest(self.tmp)
        os.chmod(self.tmp, 0o755)  # mkdtemp makes it 0700; a dataset is meant to be shared
        if self.out.exists():
            old = self.out.with_name(f".{self.out.name}.ptmx-old-{os.getpid()}")
            self.out.rename(old)
            self.tmp.rename(self.out)
            shutil.rmtree(old, ignore_errors=True)
        else:
            self.tmp.rename(self.out)
        return self.out
