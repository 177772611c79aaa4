"""Where ``hub crawl`` keeps its work: a hidden folder in the dataset, a state file, Parquet parts.

A crawl writes its rows as numbered part files into ``DATA/.hub_crawl/`` and, after each batch, a
state file (``state.json``) naming how many parts are complete and where the listing goes on (the
next page's path, never a token). Both are written to a temp file and renamed, so a kill at any
moment leaves either the previous state or the new one; parts the state does not count yet are
dropped on resume. Only when the crawl is complete are its parts renamed into the shared part
folders (``DATA/hub_models/``, ``DATA/hub_card/``), so readers never see half a crawl -- except
after a kill in the middle of those renames, until the next ``hub crawl`` of the dataset (with
any options) finishes them first.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from ptmx.errors import DataError, UsageError
from ptmx.hub.snapshot import write_parquet_atomic

WORK_DIR = ".hub_crawl"
STATE_FILE = "state.json"
STATE_VERSION = 1
TABLES = ("hub_models", "hub_card")
_TS = pa.timestamp("ms", tz="UTC")

CARD_SCHEMA = pa.schema([
    ("model", pa.string()),
    ("live_id", pa.string()),
    ("fetched_at", _TS),
    ("source", pa.string()),
    ("readme", pa.string()),
    ("status", pa.string()),
])


def models_schema() -> pa.Schema:
    """``hub_models`` columns: whatever ``hub_snapshot``'s SCHEMA holds now, then the crawl's own.

    Read at call time (not frozen at import) so columns appended to SCHEMA flow through."""
    from ptmx.hub import snapshot

    extra = [pa.field("license_link", pa.string()), pa.field("snapshot", pa.string()),
             pa.field("scope", pa.string())]
    return pa.schema([*snapshot.SCHEMA, *(f for f in extra if f.name not in snapshot.SCHEMA.names)])


def _atomic_write(path: Path, data: bytes) -> None:
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


class CrawlWork:
    """The hidden work folder of one crawl: its state and its numbered parts."""

    def __init__(self, data: Path) -> None:
        if not data.is_dir():
            raise UsageError(f"{data}: dataset folder does not exist")
        self.data = data
        self.dir = data / WORK_DIR
        self.state: dict[str, Any] = {}

    @property
    def state_path(self) -> Path:
        return self.dir / STATE_FILE

    def load(self) -> dict[str, Any] | None:
        """The saved state of an unfinished crawl (None if there is none)."""
        if not self.state_path.exists():
            return None
        try:
            state = json.loads(self.state_path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise DataError(f"{self.state_path}: unreadable crawl state ({exc})",
                            hint="rerun with --restart to start over") from None
        if not isinstance(state, dict) or state.get("version") != STATE_VERSION:
            raise DataError(f"{self.state_path}: crawl state of another ptmx version",
                            hint="rerun with --restart to start over")
        return state

    def reset(self) -> None:
        """Forget any earlier unfinished crawl (``--restart``)."""
        shutil.rmtree(self.dir, ignore_errors=True)

    def begin(self, state: dict[str, Any]) -> None:
        """Start (or resume) with ``state``: drop parts written after its last save."""
        self.dir.mkdir(exist_ok=True)
        self.state = state
        committed = {self.part_name(t, i) for t in TABLES for i in range(state["parts"].get(t, 0))}
        for path in self.dir.iterdir():
            if path.name != STATE_FILE and path.name not in committed:
                path.unlink(missing_ok=True)  # a batch cut short by a kill, or a temp file
        self.save()

    def save(self) -> None:
        data = json.dumps({**self.state, "version": STATE_VERSION}, sort_keys=True).encode()
        _atomic_write(self.state_path, data)

    @staticmethod
    def part_name(table: str, index: int) -> str:
        return f"{table}-{index:06d}.parquet"

    def write_part(self, table: str, rows: list[dict[str, Any]], schema: pa.Schema) -> None:
        """Write one batch of rows as the table's next part (the state counts it once saved)."""
        if not rows:
            return
        index = self.state["parts"].get(table, 0)
        path = self.dir / self.part_name(table, index)
        write_parquet_atomic(path, pa.Table.from_pylist(rows, schema=schema))
        self.state["parts"][table] = index + 1

    def publish(self) -> dict[str, list[Path]]:
        """Move every part into its table's part folder, then remove the work folder.

        Safe to repeat after a kill: a part already moved is simply gone from the work folder."""
        self.state["phase"] = "publish"
        self.save()
        run = self.state["run"]
        moved: dict[str, list[Path]] = {t: [] for t in TABLES}
        for table in TABLES:
            target = self.data / table
            for index in range(self.state["parts"].get(table, 0)):
                src = self.dir / self.part_name(table, index)
                dest = target / f"part-{run}-{index:06d}.parquet"
                if src.exists():
                    target.mkdir(exist_ok=True)
                    os.replace(src, dest)
                if dest.exists():
                    moved[table].append(dest)
        shutil.rmtree(self.dir, ignore_errors=True)
        return moved


def existing_ids(paths: Iterable[Path]) -> int:
    """Rows in the given parts (from the footers only)."""
    return sum(pq.ParquetFile(p).metadata.num_rows for p in paths)
