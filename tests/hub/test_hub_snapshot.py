"""`hub refresh` as a library: the hub_snapshot table, failures as rows, resuming, atomic writes."""

from __future__ import annotations

from pathlib import Path

import pyarrow.parquet as pq
import pytest

from ptmx.errors import UsageError
from ptmx.hub import HubClient, HubSettings
from ptmx.hub.snapshot import SCHEMA, read_models_file, refresh
from ptmx.store import open_store
from tests.hub.conftest import make_snapshot
from tests.hub.fakehub import FakeHub, Fault

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
    assert [s.path for s in hub.seen()[before:]] == ["/api/models/acme/base"]
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
