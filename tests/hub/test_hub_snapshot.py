"""`hub refresh` as a library: the hub_snapshot table, failures as rows, resuming, atomic writes."""

from __future__ import annotations

import json
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from ptmx.cli import main
from ptmx.errors import UsageError
from ptmx.hub import HubClient, HubSettings
from ptmx.hub.queries import snapshot_row
from ptmx.hub.snapshot import SCHEMA, load_existing, read_models_file, refresh
from ptmx.store import open_store
from tests.hub.conftest import make_snapshot
from tests.hub.fakehub import FakeHub, Fault
from tests.hub.test_hub_artifacts import add_repositories


@pytest.fixture
def repos(hub: FakeHub) -> FakeHub:
    add_repositories(hub)
    return hub


MODELS = ["acme/tiny-llm", "bert-base-uncased", "acme/gone", "acme/locked"]


def rows_by_model(path: Path) -> dict[str, dict]:
    return {r["model"]: r for r in pq.read_table(path).to_pylist()}


def test_refresh_writes_one_row_per_model_including_failures(
        hub: FakeHub, settings: HubSettings, tmp_path: Path) -> None:
    out = make_snapshot(tmp_path / "data")
    with HubClient(settings) as client:
        result = refresh([*MODELS, "not valid!"], out, client)
    rows = rows_by_model(result.path)
    assert pq.read_schema(result.path).names == SCHEMA.names
    assert {m: r["status"] for m, r in rows.items()} == {
        "acme/tiny-llm": "ok", "bert-base-uncased": "renamed",
        "acme/gone": "private_or_missing", "acme/locked": "disabled", "not valid!": "invalid_id"}
    assert rows["bert-base-uncased"]["live_id"] == "google-bert/bert-base-uncased"
    assert rows["acme/tiny-llm"]["license"] == "mit" and rows["acme/tiny-llm"]["downloads"] == 5000
    assert "not found" in rows["acme/gone"]["error"]
    assert (result.ok, result.failed, result.requested) == (2, 3, 5)
    assert [p.name for p in out.iterdir() if p.name.startswith(".")] == []  # no temp files left

    # The store picks the table up and can join it with the snapshot.
    store = open_store(out)
    joined = store.rows(
        "SELECT m.context_id, m.downloads AS then, h.downloads AS now FROM model m "
        "JOIN hub_snapshot h ON h.model = m.context_id WHERE h.status = 'ok'")
    assert joined == [{"context_id": "acme/tiny-llm", "then": 1000, "now": 5000}]


def test_refresh_resumes_and_retries_only_transient_failures(
        hub: FakeHub, settings: HubSettings, tmp_path: Path) -> None:
    out = tmp_path / "out"
    hub.fail("/api/models/acme/base", Fault(503))
    with HubClient(settings.with_options(max_retries=0)) as client:
        first = refresh([*MODELS, "acme/base"], out, client)
    assert rows_by_model(first.path)["acme/base"]["status"] == "server_error"
    before = len(hub.seen())
    with HubClient(settings.with_options(refresh=True)) as client:
        second = refresh([*MODELS, "acme/base"], out, client)
    assert second.skipped == 4 and second.fetched == 1
    # Only the retried model is asked again (its info call, then its files call).
    assert {s.path for s in hub.seen()[before:]} == {"/api/models/acme/base"}
    assert rows_by_model(second.path)["acme/base"]["status"] == "ok"


def test_an_interrupted_refresh_keeps_what_it_fetched(hub: FakeHub, settings: HubSettings,
                                                      tmp_path: Path) -> None:
    out = tmp_path / "out"

    def stop_after_two(done: int, _total: int, _model: str, _status: str) -> None:
        if done == 2:
            raise KeyboardInterrupt

    with HubClient(settings.with_options(concurrency=1)) as client, \
            pytest.raises(KeyboardInterrupt):
        refresh(MODELS, out, client, on_progress=stop_after_two)
    kept = rows_by_model(out / "hub_snapshot.parquet")
    assert len(kept) >= 2 and set(kept) <= set(MODELS)
    with HubClient(settings) as client:
        result = refresh(MODELS, out, client)
    assert result.skipped == len(kept) and len(rows_by_model(result.path)) == 4


def test_flushes_during_the_run(hub: FakeHub, settings: HubSettings, tmp_path: Path) -> None:
    out = tmp_path / "out"
    sizes: list[int] = []

    def watch(done: int, _total: int, _model: str, _status: str) -> None:
        path = out / "hub_snapshot.parquet"
        sizes.append(pq.read_table(path).num_rows if path.exists() else 0)

    with HubClient(settings.with_options(concurrency=1)) as client:
        refresh(MODELS, out, client, on_progress=watch, flush_every=1)
    assert sizes == [0, 1, 2, 3, 4]


def test_models_file_and_bad_out(tmp_path: Path, settings: HubSettings) -> None:
    listing = tmp_path / "models.txt"
    listing.write_text("# top models\nacme/a\n\n  acme/b  # why\nacme/a\n", encoding="utf-8")
    assert read_models_file(listing) == ["acme/a", "acme/b"]
    (tmp_path / "file").write_text("x")
    with HubClient(settings) as client, pytest.raises(UsageError, match="not a folder"):
        refresh(["acme/a"], tmp_path / "file", client)


def test_refresh_makes_the_files_call_unless_told_not_to(
        repos: FakeHub, settings: HubSettings, hub_env: Path, tmp_path: Path,
        capsys: pytest.CaptureFixture[str]) -> None:
    models = ["old/pickle-only", "evil/flagged", "acme/fp8-chat", "acme/no-weights"]
    with HubClient(settings) as client:
        result = refresh(models, tmp_path / "with", client)
    rows = rows_by_model(result.path)
    assert pq.read_schema(result.path).names[-3:] == [
        "security_status", "security_issues", "weight_file_sizes"]
    assert rows["old/pickle-only"]["security_status"] == "clean"
    assert rows["old/pickle-only"]["security_issues"] == []
    assert rows["old/pickle-only"]["weight_files"] == ["pytorch_model.bin"]
    assert rows["old/pickle-only"]["weight_file_sizes"] == [440_000_000]
    assert rows["evil/flagged"]["security_status"] == "issues"
    assert rows["evil/flagged"]["security_issues"] == ["model.pkl (unsafe)"]
    assert rows["acme/fp8-chat"]["weight_file_sizes"] == [4_000_000_000, 3_100_000_000,
                                                          14_000_000_000]
    assert rows["acme/fp8-chat"]["security_status"] is None  # the hub gave no scan
    assert result.files_failed == 0
    files_calls = [s for s in repos.seen() if ("blobs", "true") in s.query]
    assert sorted(s.path for s in files_calls) == sorted(f"/api/models/{m}" for m in models)

    before = len(repos.seen())
    with HubClient(settings.with_options(refresh=True)) as client:
        quick = refresh(models, tmp_path / "without", client, files=False)
    assert len(repos.seen()) - before == len(models)  # one call per model
    rows = rows_by_model(quick.path)
    assert rows["evil/flagged"]["security_status"] is None
    assert rows["evil/flagged"]["weight_file_sizes"] is None
    assert rows["evil/flagged"]["weights_format"] == "pickle"

    # The CLI: --no-files, and the JSON summary says how many second calls failed.
    capsys.readouterr()
    listing = tmp_path / "models.txt"
    listing.write_text("evil/flagged\n")
    env_out = tmp_path / "cli"
    assert main(["hub", "refresh", "--models", str(listing), "--out", str(env_out),
                 "--no-files", "--format", "json"]) == 0
    summary = json.loads(capsys.readouterr()[0])
    assert summary["files_failed"] == 0 and summary["ok"] == 1
    assert rows_by_model(env_out / "hub_snapshot.parquet")["evil/flagged"][
        "security_status"] is None


def test_a_failed_files_call_keeps_the_first_answer(
        repos: FakeHub, settings: HubSettings, tmp_path: Path) -> None:
    # The info call goes through; the files call that follows gets a 503.
    repos.fail("/api/models/evil/flagged", Fault(passthrough=True), Fault(503))
    with HubClient(settings.with_options(max_retries=0)) as client:
        result = refresh(["evil/flagged"], tmp_path / "out", client)
    row = rows_by_model(result.path)["evil/flagged"]
    assert row["status"] == "ok" and row["weights_format"] == "pickle"
    assert row["security_status"] is None and result.files_failed == 1


def test_an_older_snapshot_without_the_new_columns_still_reads(
        hub: FakeHub, settings: HubSettings, tmp_path: Path) -> None:
    out = make_snapshot(tmp_path / "data")
    old_schema = pa.schema([f for f in SCHEMA if f.name not in (
        "security_status", "security_issues", "weight_file_sizes")])
    pq.write_table(pa.Table.from_pylist([{"model": "acme/tiny-llm", "live_id": "acme/tiny-llm",
                                          "status": "ok", "weights_format": "pickle"}],
                                        schema=old_schema), out / "hub_snapshot.parquet")
    assert load_existing(out / "hub_snapshot.parquet")["acme/tiny-llm"]["security_status"] is None
    row = snapshot_row(open_store(out), "acme/tiny-llm")
    assert row is not None and row["weights_format"] == "pickle"
    assert row.get("security_status") is None
    # A refresh over it rewrites the table with every column.
    with HubClient(settings) as client:
        result = refresh(["acme/tiny-llm", "acme/base"], out, client)
    assert pq.read_schema(result.path).names == SCHEMA.names
    assert result.skipped == 1
