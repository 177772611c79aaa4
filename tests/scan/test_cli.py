"""`ptmx scan`: every format, --out, --fail-on exit codes, --hub, one-line errors."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from jsonschema import Draft7Validator

from ptmx.cli import main
from tests.hub.conftest import point_env_at
from tests.hub.fakehub import FakeHub

FIXTURES = Path(__file__).parent / "fixtures"
CHATBOT = str(FIXTURES / "chatbot")


@pytest.fixture(autouse=True)
def _bundled_sample(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("PTMX_DATA", raising=False)


def test_table(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "250")  # no folding: each cell on one line
    assert main(["scan", CHATBOT]) == 0
    out = capsys.readouterr().out
    assert "project chatbot 0.3.0" in out and "license MIT" in out
    for text in ("facebook/bart-large-cnn", "xlm-mlm-en-2048", "chatbot/models.py:10 (+1)",
                 'f-string f"acme/lang-{lang}"', "scanned 5 files"):
        assert text in out


def test_table_shows_brackets_as_written(capsys: pytest.CaptureFixture[str],
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    """A notebook location reads ``path[cell 3]:2``; rich markup once swallowed ``[cell 3]``."""
    monkeypatch.setenv("COLUMNS", "250")
    assert main(["scan", str(FIXTURES / "patterns")]) == 0
    assert "notebooks/explore.ipynb[cell 3]:2" in capsys.readouterr().out


def test_json(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["scan", CHATBOT, "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["project"]["license"] == "MIT"
    assert {m["model"] for m in data["models"]} >= {"xlm-mlm-en-2048", "facebook/bart-large-cnn"}
    assert data["unresolved"][0]["line"] == 22


def test_sarif(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["scan", CHATBOT, "--format", "sarif"]) == 0
    log = json.loads(capsys.readouterr().out)
    assert log["version"] == "2.1.0" and log["runs"][0]["tool"]["driver"]["name"] == "ptmx"


def test_cyclonedx_to_file(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                           bom_validator: Draft7Validator) -> None:
    out = tmp_path / "bom.json"
    assert main(["scan", CHATBOT, "--format", "cyclonedx", "--out", str(out)]) == 0
    captured = capsys.readouterr()
    assert captured.out == ""
    assert f"wrote cyclonedx to {out}" in captured.err
    bom = json.loads(out.read_text())
    assert list(bom_validator.iter_errors(bom)) == []


def test_fail_on_exits_1_only_at_the_threshold(capsys: pytest.CaptureFixture[str]) -> None:
    # The chatbot's models: one NC (use-constrained), one without a license, two cards missing
    # a critical field; no conflict or drift.
    assert main(["scan", CHATBOT, "--format", "json", "--fail-on", "conflict"]) == 0
    assert main(["scan", CHATBOT, "--format", "json", "--fail-on", "drift"]) == 0
    capsys.readouterr()
    assert main(["scan", CHATBOT, "--format", "json", "--fail-on", "drift,critical"]) == 1
    err = capsys.readouterr().err
    assert "2 finding(s) fail --fail-on drift,critical: card-critical" in err
    assert main(["scan", CHATBOT, "--format", "json", "--fail-on", "important"]) == 1
    assert "4 finding(s) fail --fail-on important: card-critical, card-important" \
        in capsys.readouterr().err


@pytest.mark.parametrize(("argv", "message"), [
    (["scan", "/no/such/project"], "ptmx: /no/such/project: no such folder"),
    (["scan", CHATBOT, "--fail-on", "everything"], "ptmx: --fail-on 'everything': choose from"),
])
def test_errors_are_one_line(capsys: pytest.CaptureFixture[str], argv: list[str],
                             message: str) -> None:
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.startswith(message) and err.count("\n") == 1 and "Traceback" not in err


@pytest.fixture
def fake_hub(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeHub]:
    """A fake hub on 127.0.0.1 with one model that is not in the dataset."""
    server = FakeHub().start()
    server.add_model(
        "acme/tiny-llm", sha="c" * 40, pipeline_tag="text-generation",
        tags=["transformers", "license:mit", "base_model:acme/base"],
        cardData={"license": "mit", "datasets": "wikitext", "base_model": ["acme/base"]},
        baseModels={"relation": "finetune", "models": [{"_id": "x1", "id": "acme/base"}]},
    )
    point_env_at(server.url, tmp_path, monkeypatch)
    yield server
    server.stop()


def test_hub_fills_in_models_outside_the_dataset(tmp_path: Path, fake_hub: FakeHub,
                                                 capsys: pytest.CaptureFixture[str],
                                                 bom_validator: Draft7Validator) -> None:
    project = tmp_path / "proj"
    project.mkdir()
    (project / "app.py").write_text('from transformers import AutoModel\n'
                                    'AutoModel.from_pretrained("acme/tiny-llm")\n'
                                    'AutoModel.from_pretrained("acme/ghost")\n')
    assert main(["scan", str(project), "--hub", "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    ghost, model = data["models"]
    assert ghost["model"] == "acme/ghost" and ghost["live"]["status"] != "ok"
    (unknown,) = [f for f in data["findings"] if f["rule"] == "model-unknown"]
    assert unknown["model"] == "acme/ghost" and "the hub answered" in unknown["message"]
    assert (model["model"], model["in_dataset"], model["licenses"], model["license_source"]) == (
        "acme/tiny-llm", False, ["mit"], "hub")
    assert model["live"]["status"] == "ok" and model["live"]["sha"] == "c" * 40
    assert [b["base_model"] for b in model["base_models"]] == ["acme/base"]

    assert main(["scan", str(project), "--hub", "--format", "cyclonedx"]) == 0
    bom = json.loads(capsys.readouterr().out)
    assert list(bom_validator.iter_errors(bom)) == []
    comp = next(c for c in bom["components"] if c["name"] == "tiny-llm")
    assert comp["licenses"][0]["license"]["id"] == "MIT"
    assert comp["pedigree"]["ancestors"][0]["name"] == "base"


def test_hub_offline_says_so_without_failing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("PTMX_CACHE", str(tmp_path / "cache"))
    assert main(["scan", CHATBOT, "--hub", "--format", "json"]) == 0
    models = json.loads(capsys.readouterr().out)["models"]
    assert {m["live"]["status"] for m in models} == {"offline"}
