"""`graph impact --hub` looks up the Spaces of every model in the impact, not only the root:
nearest first, at most --hub-models, within --hub-deadline, saying what was skipped and why."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from ptmx.cli import main
from ptmx.store import Store
from tests.hub.conftest import point_env_at
from tests.hub.fakehub import FakeHub, Fault


@pytest.fixture
def spaces_hub(chain_store: Store, monkeypatch: pytest.MonkeyPatch,
               tmp_path: Path) -> Iterator[FakeHub]:
    server = FakeHub().start()
    server.add_model("base-a", spaces=["s/a1", "s/shared"])
    server.add_model("ft-b", spaces=["s/b1", "s/shared"])
    server.add_model("merge-m", spaces=[f"s/m{i}" for i in range(100)])
    # q-c is not on the hub: its lookup fails and is said.
    point_env_at(server.url, tmp_path / "hub", monkeypatch, timeout=2)
    yield server
    server.stop()


def _impact(chain_store: Store, capsys: pytest.CaptureFixture[str], *extra: str
            ) -> tuple[dict, str]:
    assert main(["graph", "impact", "base-a", "--data", str(chain_store.folder), "--hub",
                 "--format", "json", *extra]) == 0
    out, err = capsys.readouterr()
    return json.loads(out), err


def test_every_models_spaces_are_dependents_with_their_path(
        chain_store: Store, spaces_hub: FakeHub, capsys: pytest.CaptureFixture[str]) -> None:
    result, err = _impact(chain_store, capsys)
    spaces = {a["name"]: a for a in result["affected"] if a["kind"] == "space"}
    assert spaces["s/a1"]["path"] == ["base-a", "s/a1"] and spaces["s/a1"]["distance"] == 1
    assert spaces["s/b1"]["path"] == ["base-a", "ft-b", "s/b1"]
    assert spaces["s/b1"]["relations"] == ["derived", "used-by-space"]
    assert spaces["s/b1"]["distance"] == 2
    assert spaces["s/shared"]["path"] == ["base-a", "s/shared"]  # once, by the nearest model
    assert result["spaces"] == 103 and len(spaces) == 103
    assert result["spaces_capped"] is True and result["spaces_capped_models"] == ["merge-m"]
    lookups = result["hub_lookups"]
    assert set(lookups["looked_up"]) == {"base-a", "ft-b", "merge-m"}
    assert [s["model"] for s in lookups["skipped"]] == ["q-c"]
    assert "q-c" not in err or "skipped" in err
    assert "Spaces looked up for 3 of 4 models" in err
    # Spaces are edges too (space -uses-> model), beside the GitHub projects.
    assert {"source": "space:s/b1", "target": "model:ft-b"} in [
        {"source": e["source"], "target": e["target"]} for e in result["edges"]]
    assert result["projects"] == 4
    calls = [s.path for s in spaces_hub.seen("/api/models/")]
    assert sorted(set(calls)) == ["/api/models/base-a", "/api/models/ft-b",
                                  "/api/models/merge-m", "/api/models/q-c"]


def test_the_cap_keeps_the_nearest_models_and_says_what_it_left_out(
        chain_store: Store, spaces_hub: FakeHub, capsys: pytest.CaptureFixture[str]) -> None:
    result, err = _impact(chain_store, capsys, "--hub-models", "2")
    lookups = result["hub_lookups"]
    assert lookups["looked_up"] == ["base-a", "ft-b"]  # distance 0, then the most downloaded
    assert {s["model"]: s["reason"] for s in lookups["skipped"]} == {
        "merge-m": "over --hub-models 2", "q-c": "over --hub-models 2"}
    assert "2 over --hub-models 2" in err
    assert not spaces_hub.seen("/api/models/merge-m")


def test_the_deadline_stops_the_lookups_and_says_so(
        chain_store: Store, spaces_hub: FakeHub, capsys: pytest.CaptureFixture[str]) -> None:
    for model in ("base-a", "ft-b", "merge-m", "q-c"):
        spaces_hub.fail(f"/api/models/{model}", Fault(delay=3, passthrough=True))
    result, err = _impact(chain_store, capsys, "--hub-deadline", "0.3")
    lookups = result["hub_lookups"]
    assert lookups["looked_up"] == []
    assert len(lookups["skipped"]) == 4
    assert any("--hub-deadline of 0.3 s passed" in s["reason"] for s in lookups["skipped"])
    assert result["spaces"] is None and result["projects"] == 4
    assert "warning: Spaces not looked up on the hub" in err


def test_the_tree_shows_spaces_under_the_model_that_uses_them(
        chain_store: Store, spaces_hub: FakeHub, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["graph", "impact", "base-a", "--data", str(chain_store.folder), "--hub",
                 "--limit", "2"]) == 0
    out = capsys.readouterr()[0]
    assert "103+ Space(s) on the hub use it or a model derived from it" in out
    lines = out.splitlines()
    b1 = next(i for i, line in enumerate(lines) if "s/b1" in line)
    ft = next(i for i, line in enumerate(lines) if "ft-b" in line)
    assert ft < b1 and "Space" in lines[b1]
    assert "… 98 more" in out  # merge-m's 100, 2 shown


def test_bad_hub_options_are_usage_errors(chain_store: Store,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    for bad in (["--hub-deadline", "0"], ["--hub-deadline", "x"], ["--hub-models", "0"]):
        with pytest.raises(SystemExit) as exc:
            main(["graph", "impact", "base-a", "--data", str(chain_store.folder), *bad])
        assert exc.value.code == 2
    assert "Traceback" not in capsys.readouterr()[1]
