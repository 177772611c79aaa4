"""``hub refresh``: look many models up and write the answers as a ``hub_snapshot`` Parquet table.

The table (``<out>/hub_snapshot.parquet``) has one row per model asked for, keyed by ``model`` (the
id as in the PeaTMOSS ``model.context_id``, so the store can join it). A failure is a row too:
``status`` is ``ok``, ``renamed`` or the error kind (``not_found``, ``gated``, ``timeout``...), with
the one-line ``error``. The run is resumable: models already in the table are skipped unless their
failure was transient (rate limit, timeout, server error...), which are tried again. The table is
rewritten every ``flush_every`` answers and at the end — each time to a temp file that is then
renamed over the old one, so an interrupted run leaves a complete, readable table.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import tempfile
from collections.abc import Callable, Iterable, Mapping
from concurrent.futures import Future, ThreadPoolExecutor, as_completed
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from ptmx.errors import DataError, PtmxError, UsageError
from ptmx.hub.client import HubClient, model_ref
from ptmx.hub.models import HubModelInfo

TABLE = "hub_snapshot"
TRANSIENT_KINDS = frozenset({"rate_limited", "server_error", "timeout", "connection",
                             "bad_response", "offline"})

_TS = pa.timestamp("ms", tz="UTC")
SCHEMA = pa.schema([
    ("model", pa.string()),
    ("live_id", pa.string()),
    ("status", pa.string()),
    ("error", pa.string()),
    ("fetched_at", _TS),
    ("source", pa.string()),
    ("private", pa.bool_()),
    ("gated", pa.string()),
    ("disabled", pa.bool_()),
    ("downloads", pa.int64()),
    ("downloads_all_time", pa.int64()),
    ("likes", pa.int64()),
    ("license", pa.string()),
    ("licenses", pa.list_(pa.string())),
    ("license_name", pa.string()),
    ("sha", pa.string()),
    ("last_modified", _TS),
    ("created_at", _TS),
    ("library_name", pa.string()),
    ("pipeline_tag", pa.string()),
    ("tags", pa.list_(pa.string())),
    ("datasets", pa.list_(pa.string())),
    ("base_models", pa.list_(pa.string())),
    ("base_model_relation", pa.string()),
    ("children_count", pa.int64()),
    ("parameter_count", pa.int64()),
    ("card_data", pa.string()),  # the hub's cardData as JSON text
    # What the repository ships (ptmx.hub.artifacts) and its typed lineage.
    ("weights_format", pa.string()),  # safetensors | pickle | gguf | onnx | adapter | other | none
    ("weight_formats", pa.list_(pa.string())),
    ("weight_files", pa.list_(pa.string())),
    ("weights_size", pa.int64()),
    ("pickle_only", pa.bool_()),
    ("risks", pa.list_(pa.string())),  # risk ids: pickle-weights, license-link-missing, ...
    ("dtypes", pa.string()),  # safetensors parameters by dtype, as JSON text
    ("gguf", pa.string()),  # GGUF facts (architecture, context_length, total), as JSON text
    ("relation_corrected_from", pa.string()),  # the hub's relation when the files contradict it
    ("declared_base_models", pa.list_(pa.string())),  # card parents the hub did not recognise
    ("spaces", pa.list_(pa.string())),
    # From the second call (blobs=true&securityStatus=true); null when it was skipped
    # (--no-files) or failed, and in tables written before these columns existed.
    ("security_status", pa.string()),  # clean | issues | pending (scans not done)
    ("security_issues", pa.list_(pa.string())),  # "path (level)" per file the hub flags
    ("weight_file_sizes", pa.list_(pa.int64())),  # bytes, aligned with weight_files
])

Progress = Callable[[int, int, str, str], None]  # (done, total, model, status)


@dataclass
class RefreshResult:
    """What one ``hub refresh`` run did."""

    path: Path
    requested: int
    skipped: int  # already in the table from an earlier run
    fetched: int
    ok: int
    failed: int
    by_status: dict[str, int]
    answered: int = 0  # lookups of this run the hub answered with metadata (ok or renamed)
    files_failed: int = 0  # answered models whose second call (sizes, security scan) failed

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready dict."""
        return {"path": str(self.path), "requested": self.requested, "skipped": self.skipped,
                "fetched": self.fetched, "ok": self.ok, "failed": self.failed,
                "by_status": self.by_status, "files_failed": self.files_failed}


def _ts(value: str | float | None) -> dt.datetime | None:
    if value is None:
        return None
    if isinstance(value, int | float):
        return dt.datetime.fromtimestamp(value, tz=dt.UTC)
    try:
        return dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None


def info_row(model: str, info: HubModelInfo) -> dict[str, Any]:
    """A ``hub_snapshot`` row for a successful lookup."""
    return {
        "model": model, "live_id": info.id, "status": "renamed" if info.renamed else "ok",
        "error": None, "fetched_at": _ts(info.fetched_at), "source": info.source,
        "private": info.private, "gated": info.gated, "disabled": info.disabled,
        "downloads": info.downloads, "downloads_all_time": info.downloads_all_time,
        "likes": info.likes, "license": info.license, "licenses": info.licenses,
        "license_name": info.license_name, "sha": info.sha,
        "last_modified": _ts(info.last_modified), "created_at": _ts(info.created_at),
        "library_name": info.library_name, "pipeline_tag": info.pipeline_tag, "tags": info.tags,
        "datasets": info.datasets, "base_models": info.base_models,
        "base_model_relation": info.base_model_relation, "children_count": info.children_total,
        "parameter_count": info.parameter_count,
        "card_data": json.dumps(info.card_data, ensure_ascii=False, default=str)
        if info.card_data else None,
        **_artifact_columns(info),
        "relation_corrected_from": info.relation_corrected_from,
        "declared_base_models": info.declared_base_models, "spaces": info.spaces,
    }


def _artifact_columns(info: HubModelInfo) -> dict[str, Any]:
    art = info.artifacts
    if art is None or art.weights == "unknown":
        return {"weights_format": info.weights}
    return {
        "weights_format": art.weights, "weight_formats": art.formats,
        "weight_files": [f.path for f in art.files], "weights_size": art.weights_size,
        "pickle_only": art.pickle_only, "risks": [r.id for r in art.risks],
        "dtypes": json.dumps(art.dtypes) if art.dtypes else None,
        "gguf": json.dumps(art.gguf, default=str) if art.gguf else None,
        **security_columns(art.security),
        "weight_file_sizes": [f.size for f in art.files]
        if art.files and any(f.size is not None for f in art.files) else None,
    }


def security_status(security: Mapping[str, Any] | None) -> str | None:
    """The hub's own scan in one word: ``clean``, ``issues``, ``pending`` (None: not asked)."""
    if not security:
        return None
    if security.get("files_with_issues"):
        return "issues"
    return "clean" if security.get("scans_done") else "pending"


def security_columns(security: Mapping[str, Any] | None) -> dict[str, Any]:
    """``security_status`` and ``security_issues`` of a snapshot row."""
    issues = [f"{i['path']} ({i['level']})" for i in (security or {}).get("files_with_issues") or []]
    return {"security_status": security_status(security),
            "security_issues": issues if security else None}


def failure_row(model: str, error: PtmxError) -> dict[str, Any]:
    """A ``hub_snapshot`` row recording why a lookup failed."""
    kind = getattr(error, "kind", None) or "error"
    row = dict.fromkeys(SCHEMA.names)
    row.update({"model": model, "status": kind, "error": error.one_line(),
                "fetched_at": dt.datetime.now(tz=dt.UTC), "source": "live"})
    return row


def _add_files(client: HubClient, info: HubModelInfo) -> bool:
    """The second call for one model; False when it failed (the row keeps the first answer)."""
    try:
        client.add_files(info)
    except PtmxError:
        return False
    return True


def read_models_file(path: Path) -> list[str]:
    """Model ids from a text file: one per line; blank lines and ``#`` comments ignored."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError(f"{path}: cannot read the models file ({exc})") from None
    models = []
    for line in text.splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            models.append(line)
    return list(dict.fromkeys(models))


def load_existing(path: Path) -> dict[str, dict[str, Any]]:
    """Rows of an earlier run, by model (empty if there is none)."""
    if not path.exists():
        return {}
    try:
        table = pq.read_table(path)
    except (pa.ArrowInvalid, OSError) as exc:
        raise DataError(f"{path}: cannot read the earlier hub snapshot ({exc})",
                        hint="remove it to start over") from None
    rows = {}
    for row in table.to_pylist():
        if row.get("model"):
            rows[row["model"]] = {name: row.get(name) for name in SCHEMA.names}
    return rows


def write_table(path: Path, rows: Iterable[dict[str, Any]]) -> None:
    """Write rows atomically: a temp file beside ``path``, renamed over it."""
    write_parquet_atomic(path, pa.Table.from_pylist(sorted(rows, key=lambda r: r["model"]),
                                                    schema=SCHEMA))


def write_parquet_atomic(path: Path, table: pa.Table) -> None:
    """``table`` as zstd Parquet at ``path``, all or nothing: a temp file beside it, renamed over
    it (a reader or a crash never sees half a file)."""
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(fd)
    try:
        pq.write_table(table, tmp, compression="zstd")
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def refresh(
    models: Iterable[str],
    out: Path,
    client: HubClient,
    *,
    on_progress: Progress | None = None,
    flush_every: int = 25,
    files: bool = True,
) -> RefreshResult:
    """Look ``models`` up (concurrently, per the client's settings) into ``out/hub_snapshot``.

    ``files`` makes the second call per answered model (file sizes and the hub's security
    scan, as ``hub info`` does); without it those columns stay null.
    """
    if out.exists() and not out.is_dir():
        raise UsageError(f"{out}: exists and is not a folder")
    if not out.parent.exists():
        raise UsageError(f"{out.parent}: parent folder does not exist")
    out.mkdir(exist_ok=True)
    path = out / f"{TABLE}.parquet"
    rows = load_existing(path)

    wanted: list[str] = []
    invalid: list[tuple[str, PtmxError]] = []
    for text in dict.fromkeys(models):
        try:
            wanted.append(model_ref(text))
        except PtmxError as exc:
            invalid.append((text.strip(), exc))
    wanted = list(dict.fromkeys(wanted))
    todo = [m for m in wanted
            if m not in rows or rows[m]["status"] in TRANSIENT_KINDS]
    skipped = len(wanted) - len(todo)
    for text, error in invalid:
        rows[text] = failure_row(text, error)

    done = 0
    pending = 0
    answered = 0
    files_failed = 0
    total = len(todo)
    if on_progress and total:
        on_progress(0, total, "", "")

    def record(model: str, result: HubModelInfo | PtmxError) -> None:
        nonlocal done, pending, answered
        row = info_row(model, result) if isinstance(result, HubModelInfo) \
            else failure_row(model, result)
        answered += isinstance(result, HubModelInfo)
        rows[model] = row
        done += 1
        pending += 1
        if pending >= flush_every:
            write_table(path, rows.values())
            pending = 0
        if on_progress:
            on_progress(done, total, model, row["status"])

    # The second call (sizes, the hub's scan) runs in its own pool as first answers arrive, so
    # both calls keep ``concurrency`` requests in flight; rows are still written on this thread.
    pool = ThreadPoolExecutor(max_workers=max(1, client.settings.concurrency),
                              thread_name_prefix="ptmx-hub-files") if files else None
    second: dict[Future[bool], tuple[str, HubModelInfo]] = {}

    def first(model: str, result: HubModelInfo | PtmxError) -> None:
        if pool is not None and isinstance(result, HubModelInfo):
            second[pool.submit(_add_files, client, result)] = (model, result)
        else:
            record(model, result)

    try:
        client.model_infos(todo, on_result=first)
        for future in as_completed(second):
            model, info = second.pop(future)
            files_failed += not future.result()
            record(model, info)
    finally:
        if pool is not None:
            pool.shutdown(wait=True, cancel_futures=True)
        # Also on Ctrl-C: keep what was fetched (without sizes when the second call did not
        # finish) so the next run resumes from there.
        for model, info in second.values():
            rows[model] = info_row(model, info)
        write_table(path, rows.values())

    by_status: dict[str, int] = {}
    for model in [*wanted, *(t for t, _ in invalid)]:
        status = rows[model]["status"]
        by_status[status] = by_status.get(status, 0) + 1
    ok = by_status.get("ok", 0) + by_status.get("renamed", 0)
    return RefreshResult(path=path, requested=len(wanted) + len(invalid), skipped=skipped,
                         fetched=done, ok=ok, failed=len(wanted) + len(invalid) - ok,
                         by_status=dict(sorted(by_status.items())), answered=answered,
                         files_failed=files_failed)
