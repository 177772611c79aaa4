"""`ptmx hub info|refresh|children` end to end against the fake hub (env-configured)."""

from __future__ import annotations

import json
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from ptmx.cli import main
from tests.hub.conftest import make_snapshot
from tests.hub.fakehub import FakeHub, Fault


@pytest.fixture
def data(tmp_path: Path) -> Path:
    return make_snapshot(tmp_path / "data")


def test_info_table_shows_live_metadata_and_drift(hub: FakeHub, hub_env: Path, data: Path,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    rc = main(["hub", "info", "acme/tiny-llm", "--data", str(data)])
    out, err = capsys.readouterr()
    assert rc == 0
    assert "acme/tiny-llm on the hub" in out and "since the snapshot" in out
    assert "apache-2.0" in out and "mit" in out and "+4,000" in out
    assert "Traceback" not in err


def test_info_json_is_one_object(hub: FakeHub, hub_env: Path, data: Path,
                                 capsys: pytest.CaptureFixture[str]) -> None:
    rc = main(["hub", "info", "bert-base-uncased", "--format", "json", "--data", str(data)])
    out, err = capsys.readouterr()
    doc = json.loads(out)
    assert rc == 0 and doc["status"] == "renamed" and doc["source"] == "live"
    assert doc["live"]["id"] == "google-bert/bert-base-uncased"
    assert {r["field"]: r["change"] for r in doc["drift"]["rows"]}["id"] == "renamed"
    assert "renamed on the hub" in err  # diagnostics on stderr, data on stdout


def test_info_for_a_deleted_model_exits_3_with_one_line(hub: FakeHub, hub_env: Path, data: Path,
                                                        capsys: pytest.CaptureFixture[str]) -> None:
    rc = main(["hub", "info", "acme/gone", "--data", str(data)])
    out, err = capsys.readouterr()
    assert rc == 3 and "gone" in out  # the drift still shows it disappeared
    assert err.strip().splitlines()[-1].startswith("ptmx: model 'acme/gone' not found")


def test_info_without_a_snapshot_still_answers(hub: FakeHub, hub_env: Path, tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("PTMX_DATA", str(tmp_path / "nowhere"))
    rc = main(["hub", "info", "acme/base"])
    out, err = capsys.readouterr()
    assert rc == 0 and "acme/base on the hub" in out and "no snapshot to compare with" in err


def test_offline_flag_uses_the_cache_and_refresh_refetches(
        hub: FakeHub, hub_env: Path, data: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["hub", "info", "acme/base", "--data", str(data)]) == 0
    assert main(["hub", "info", "acme/base", "--offline", "--data", str(data)]) == 0
    _, err = capsys.readouterr()
    assert "offline: answered from the cache" in err
    assert main(["hub", "info", "acme/base", "--refresh", "--data", str(data)]) == 0
    info_calls = [r for r in hub.seen("/api/models/acme/base") if ("expand", "sha") in r.query]
    assert len(info_calls) == 2  # the first run and the --refresh one; --offline sent nothing
    assert main(["hub", "info", "acme/tiny-llm", "--offline", "--data", str(data)]) == 3
    _, err = capsys.readouterr()
    assert "offline mode: no cached answer" in err and "Traceback" not in err


def test_hf_hub_offline_env(hub: FakeHub, hub_env: Path, data: Path,
                            monkeypatch: pytest.MonkeyPatch,
                            capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    assert main(["hub", "info", "acme/base", "--data", str(data)]) == 3
    assert hub.seen() == []


def test_500_then_success_through_the_cli(hub: FakeHub, hub_env: Path, data: Path,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    hub.fail("/api/models/acme/base", Fault(500), Fault(503))
    assert main(["hub", "info", "acme/base", "--data", str(data)]) == 0


def test_connection_refused_is_one_line_exit_3(refused_url: str, hub_env: Path, data: Path,
                                               monkeypatch: pytest.MonkeyPatch,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("HF_ENDPOINT", refused_url)
    rc = main(["hub", "info", "acme/base", "--data", str(data)])
    out, err = capsys.readouterr()
    assert rc == 3 and out == ""
    assert err.count("\n") == 1 and err.startswith(f"ptmx: cannot connect to {refused_url}")


def test_bad_id_is_a_usage_error(hub: FakeHub, hub_env: Path,
                                 capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["hub", "info", "not a model"]) == 2
    assert hub.seen() == []


def test_children_lists_every_page(hub: FakeHub, hub_env: Path,
                                   capsys: pytest.CaptureFixture[str]) -> None:
    rc = main(["hub", "children", "acme/base", "--format", "json"])
    out, err = capsys.readouterr()
    rows = json.loads(out)
    assert rc == 0 and len(rows) == 6 and rows[0]["model"] == "acme/tiny-llm"
    assert {r["relation"] for r in rows} == {"finetune", "quantized"}
    assert "the hub counts 6 derived models" in err


def test_children_by_relation_csv(hub: FakeHub, hub_env: Path,
                                  capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["hub", "children", "acme/base", "--relation", "quantized", "--format",
                 "csv"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("model,relation") and lines[1].startswith("kid4/tiny-quantized-4")


def test_refresh_from_a_models_file(hub: FakeHub, hub_env: Path, tmp_path: Path,
                                    capsys: pytest.CaptureFixture[str]) -> None:
    listing = tmp_path / "models.txt"
    listing.write_text("acme/tiny-llm\nacme/gone\n", encoding="utf-8")
    out = tmp_path / "out"
    rc = main(["hub", "refresh", "--models", str(listing), "--out", str(out), "--format",
               "json"])
    stdout, err = capsys.readouterr()
    assert rc == 0 and json.loads(stdout)["by_status"] == {"ok": 1, "private_or_missing": 1}
    assert "2 models" in err
    assert pq.read_table(out / "hub_snapshot.parquet").num_rows == 2


def test_refresh_top_n_from_the_dataset(hub: FakeHub, hub_env: Path, data: Path,
                                        capsys: pytest.CaptureFixture[str]) -> None:
    rc = main(["hub", "refresh", "--top", "2", "--out", str(data), "--data", str(data)])
    assert rc == 0
    models = set(pq.read_table(data / "hub_snapshot.parquet").column("model").to_pylist())
    assert models == {"bert-base-uncased", "acme/base"}  # the two most downloaded


def test_refresh_needs_a_source(hub_env: Path, tmp_path: Path,
                                capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        main(["hub", "refresh", "--out", str(tmp_path)])
    assert exc.value.code == 2
