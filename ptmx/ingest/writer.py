"""Write a dataset folder safely: into a temp folder beside the target, renamed into place at the end.

An error, Ctrl-C, SIGTERM or SIGHUP removes the temp folder and leaves the target as it was; an
existing target is replaced (with ``force``) only once the new dataset is complete and has passed
validation. A target that holds the inputs (the source database's folder, or one above it), the
current folder or the home folder is refused outright: replacing it would delete them.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import signal
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from types import TracebackType
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from ptmx import __version__
from ptmx.errors import STOP_SIGNALS, UsageError, check_stop, stop_on_signals
from ptmx.store.schema import MANIFEST

COMPRESSION = "zstd"




def _holds(folder: Path, path: Path) -> bool:
    """Whether ``path`` is ``folder`` or lies inside it (both already resolved)."""
    return path == folder or folder in path.parents


def check_inputs_safe(out: Path, inputs: Sequence[Path]) -> None:
    """Refuse an ``out`` whose replacement would delete an input, the current folder or home."""
    target = out.resolve()
    for source in inputs:
        if _holds(target, source.resolve()):
            raise UsageError(f"{out}: holds the input {source}; replacing it would delete it",
                             hint="choose a new folder for the dataset")
    for precious, what in ((Path.cwd().resolve(), "the current folder"),
                           (Path.home().resolve(), "your home folder")):
        if precious != Path(precious.anchor) and _holds(target, precious):
            raise UsageError(f"{out}: is (or holds) {what}; choose a new folder for the dataset")


def check_target(out: Path, force: bool, inputs: Sequence[Path] = ()) -> None:
    """Refuse to overwrite a non-empty ``out`` unless ``force``, or ever one that holds an input;
    its parent must exist."""
    check_inputs_safe(out, inputs)
    if out.exists() and not out.is_dir():
        raise UsageError(f"{out}: exists and is not a folder; choose another output path")
    if out.exists() and any(out.iterdir()) and not force:
        raise UsageError(f"{out}: already exists and is not empty",
                         hint="pass --force to replace it once the new dataset is complete")
    if not out.parent.exists():
        raise UsageError(f"{out.parent}: parent folder does not exist")


class DatasetWriter:
    """Collects tables in a temp folder; :meth:`commit` moves them to ``out`` atomically."""

    def __init__(self, out: Path, *, force: bool = False, inputs: Sequence[Path] = ()) -> None:
        check_target(out, force, inputs)
        # Absolute: `.` or `..` has no name to put beside, nor a parent to rename in. (Not
        # resolved: an OUT that is a symlink is replaced as a link, as before.)
        self.out = Path(os.path.abspath(out))
        self.force = force
        self.tmp = Path(tempfile.mkdtemp(prefix=f".{self.out.name}.ptmx-", dir=self.out.parent))
        self.row_counts: dict[str, int] = {}
        self._signals = stop_on_signals()

    def __enter__(self) -> DatasetWriter:
        self._signals.__enter__()
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        # Any failure (KeyboardInterrupt, SIGTERM, SIGHUP included) leaves no partial dataset.
        try:
            if self.tmp.exists():
                shutil.rmtree(self.tmp, ignore_errors=True)
        finally:
            self._signals.__exit__(kind, exc, tb)

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
        check_stop()  # a stop asked for while copying, whose exception a library swallowed
        with _signals_held():
            # Between the two renames OUT is missing: no signal may end the process there.
            if self.out.exists():
                old = self.out.with_name(f".{self.out.name}.ptmx-old-{os.getpid()}")
                self.out.rename(old)
                try:
                    self.tmp.rename(self.out)
                except OSError:
                    old.rename(self.out)
                    raise
                shutil.rmtree(old, ignore_errors=True)
            else:
                self.tmp.rename(self.out)
        return self.out


@contextmanager
def _signals_held() -> Iterator[None]:
    """Delay SIGINT, SIGTERM and SIGHUP until the block is done."""
    held = {signal.SIGINT, *STOP_SIGNALS}
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, held)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)
