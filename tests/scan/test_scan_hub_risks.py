"""``ptmx scan --hub``: what the hub says about a model's files (weights format, pickle-only,
the hub's security scan) reaches the JSON, SARIF, CycloneDX and the table. The hub is the
loopback fake (tests/hub/fakehub.py)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft7Validator

from ptmx.cli import main
from tests.hub.conftest import point_env_at
from tests.hub.fakehub import FakeHub
from tests.scan.conftest import project_loading

PICKLE_FIX = "prefer a safetensors revision, or pin and scan it"


def _lfs(name: str, size: int) -> dict[str, Any]:
    return {"rfilename": name, "size": 135, "blobId": "b" * 40,
            "lfs": {"size": size, "sha256": "e" * 64, "pointerSize": 135}}


def _plain(name: str) -> dict[str, Any]:
    return {"rfilename": name, "size": 1_000, "blobId": "c" * 40}


@pytest.fixture
def hub(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeHub]:
    server = FakeHub().start()
    server.add_model(
        "old/pickle-only", sha="a" * 40, tags=["transformers", "pytorch", "license:mit"],
        cardData={"license": "mit"},
        siblings=[_plain("README.md"), _plain("config.json"), _lfs("pytorch_model.bin", 4_000_000)],
        securityRepoStatus={"scansDone": True, "filesWithIssues": []},
    )
    server.add_model(
        "acme/safe", sha="d" * 40, tags=["transformers", "safetensors", "license:mit"],
        cardData={"license": "mit"},
        siblings=[_plain("README.md"), _lfs("model.safetensors", 4_000_000),
                  _lfs("pytorch_model.bin", 4_000_000)],
    )
    # No card on the hub for these two: no card findings, only the hub's risks can fail a gate.
    server.add_model(
        "old/bare-pickle", sha="e" * 40, tags=["transformers", "pytorch", "license:mit"],
        cardData={},
        siblings=[_plain("README.md"), _lfs("pytorch_model.bin", 4_000_000)],
    )
    server.add_model(
        "evil/flagged", sha="f" * 40, tags=["license:mit"], cardData={},
        siblings=[_plain("README.md"), _lfs("model.safetensors", 1_000_000),
                  _lfs("extra.pkl", 1_000)],
        securityRepoStatus={"scansDone": True,
                            "filesWithIssues": [{"path": "extra.pkl", "level": "unsafe"}]},
    )
    point_env_at(server.url, tmp_path, monkeypatch)
    yield server
    server.stop()


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return project_loading(tmp_path / "proj", "old/pickle-only", "acme/safe")


def _scan(project: Path, fmt: str, capsys: pytest.CaptureFixture[str]) -> Any:
    assert main(["scan", str(project), "--hub", "--format", fmt]) == 0
    out = capsys.readouterr().out
    return json.loads(out) if fmt != "table" else out


def test_json_live_carries_weights_and_risks(hub: FakeHub, project: Path,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    doc = _scan(project, "json", capsys)
    models = {m["model"]: m for m in doc["models"]}
    live = models["old/pickle-only"]["live"]
    assert live["weights"] == "pickle" and live["pickle_only"] is True
    (risk,) = [r for r in live["risks"] if r["id"] == "pickle-weights"]
    assert risk["files"] == ["pytorch_model.bin"] and risk["fix"] == PICKLE_FIX
    # safetensors beside the .bin: no risk (the trap)
    safe = models["acme/safe"]["live"]
    assert safe["weights"] == "safetensors" and safe["risks"] == []
    rules = [(f["rule"], f["model"]) for f in doc["findings"]]
    assert ("pickle-weights", "old/pickle-only") in rules
    assert ("pickle-weights", "acme/safe") not in rules


def test_sarif_has_a_pickle_weights_rule_and_result(hub: FakeHub, project: Path,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    sarif = _scan(project, "sarif", capsys)
    run = sarif["runs"][0]
    assert "pickle-weights" in [r["id"] for r in run["tool"]["driver"]["rules"]]
    (result,) = [r for r in run["results"] if r["ruleId"] == "pickle-weights"]
    assert result["level"] == "warning"  # the risk's severity: important
    assert result["properties"]["model"] == "old/pickle-only"
    text = result["message"]["text"]
    assert "pytorch_model.bin" in text and PICKLE_FIX in text
    loc = result["locations"][0]["physicalLocation"]
    assert loc["artifactLocation"]["uri"] == "app.py" and loc["region"]["startLine"] == 2


def test_bom_gets_weights_and_risk_properties(hub: FakeHub, project: Path,
                                              capsys: pytest.CaptureFixture[str],
                                              bom_validator: Draft7Validator) -> None:
    bom = _scan(project, "cyclonedx", capsys)
    assert list(bom_validator.iter_errors(bom)) == []
    props = {c["name"]: {(p["name"], p["value"]) for p in c.get("properties", [])}
             for c in bom["components"]}
    risky = props["pickle-only"]
    assert ("ptmx:weights", "pickle") in risky
    assert any(n == "ptmx:risk" and v.startswith("pickle-weights (important)") for n, v in risky)
    assert ("ptmx:weights", "safetensors") in props["safe"]
    assert not any(n == "ptmx:risk" for n, _ in props["safe"])


def test_table_mentions_the_risk(hub: FakeHub, project: Path, monkeypatch: pytest.MonkeyPatch,
                                 capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("COLUMNS", "250")  # no folding: each cell on one line
    out = _scan(project, "table", capsys)
    row = next(line for line in out.splitlines() if "old/pickle-only" in line)
    assert "pickle-weights (pickle)" in row
    safe = next(line for line in out.splitlines() if "acme/safe" in line)
    assert "pickle-weights" not in safe


def test_without_hub_no_risk_column(project: Path, capsys: pytest.CaptureFixture[str],
                                    monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("COLUMNS", "250")
    assert main(["scan", str(project)]) == 0
    out = capsys.readouterr().out
    assert "old/pickle-only" in out and "pickle-weights" not in out



def _project_loading(tmp_path: Path, model: str) -> Path:
    return project_loading(tmp_path / model.replace("/", "-"), model)


def _fail_on(root: Path, level: str, capsys: pytest.CaptureFixture[str],
             *more: str) -> tuple[int, str]:
    code = main(["scan", str(root), "--format", "json", "--fail-on", level, *more])
    return code, capsys.readouterr().err


def test_fail_on_important_trips_on_pickle_only_weights(
        hub: FakeHub, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = _project_loading(tmp_path, "old/bare-pickle")
    code, err = _fail_on(root, "important", capsys, "--hub")
    assert code == 1
    assert "1 finding(s) fail --fail-on important: pickle-weights" in err
    # pickle-only weights are important, not critical: a critical gate lets them pass
    assert _fail_on(root, "critical", capsys, "--hub")[0] == 0


def test_fail_on_critical_trips_on_files_the_hubs_scan_flags(
        hub: FakeHub, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = _project_loading(tmp_path, "evil/flagged")
    code, err = _fail_on(root, "critical", capsys, "--hub")
    assert code == 1
    assert "1 finding(s) fail --fail-on critical: hub-scan-issues" in err
    code, err = _fail_on(root, "important", capsys, "--hub")
    assert code == 1 and "1 finding(s) fail --fail-on important: hub-scan-issues" in err
    # without --hub nothing is known of the files: the same gate passes
    assert _fail_on(root, "critical", capsys)[0] == 0
