"""`ptmx graph impact --hub`: Spaces on the hub as dependents beside the GitHub projects."""

from __future__ import annotations

import json
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest

from ptmx.cli import main
from tests.hub.conftest import HF_VARS
from tests.hub.fakehub import FakeHub

MODEL = "EleutherAI/gpt-j-6b"
SPACES = [f"demo{i}/gptj-space-{i}" for i in range(100)]


def _env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, endpoint: str) -> None:
    for name in HF_VARS:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("HF_ENDPOINT", endpoint)
    monkeypatch.setenv("HF_HOME", str(tmp_path / "hf-home"))
    monkeypatch.setenv("PTMX_CACHE", str(tmp_path / "cache"))
    monkeypatch.setenv("PTMX_HUB_BACKOFF", "0.001")
    monkeypatch.setenv("PTMX_HUB_BACKOFF_MAX", "0.002")
    monkeypatch.setenv("PTMX_HUB_RETRIES", "1")
    monkeypatch.setenv("PTMX_HUB_JITTER", "0")
    monkeypatch.setenv("PTMX_HUB_TIMEOUT", "2")


@pytest.fixture
def hub(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[FakeHub]:
    server = FakeHub().start()
    server.add_model(MODEL, spaces=SPACES, siblings=[{"rfilename": "pytorch_model.bin"}])
    _env(monkeypatch, tmp_path, server.url)
    yield server
    server.stop()


def test_impact_json_adds_the_spaces_as_direct_dependents(
        hub: FakeHub, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["graph", "impact", MODEL, "--format", "json"]) == 0
    without = json.loads(capsys.readouterr()[0])
    assert without["spaces"] is None and hub.seen() == []  # no --hub, no call
    assert main(["graph", "impact", MODEL, "--hub", "--format", "json"]) == 0
    result = json.loads(capsys.readouterr()[0])
    spaces = [a for a in result["affected"] if a["kind"] == "space"]
    assert [a["name"] for a in spaces] == sorted(SPACES, key=str.lower)
    assert all(a["distance"] == 1 and a["via"] == "used-by-space" and a["path"] == [MODEL, a["name"]]
               for a in spaces)
    assert result["spaces"] == 100 and result["spaces_capped"] is True
    assert result["projects"] == without["projects"]  # the GitHub projects are all still there


def test_impact_tree_lists_the_spaces(hub: FakeHub, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["graph", "impact", MODEL, "--hub", "--limit", "3"]) == 0
    out = capsys.readouterr()[0]
    assert "100+ Space(s) on the hub use it" in out
    assert "demo0/gptj-space-0" in out and "… 97 more" in out


def test_an_unreachable_hub_is_a_warning_and_the_dataset_answer_stands(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
        capsys: pytest.CaptureFixture[str]) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    _env(monkeypatch, tmp_path, f"http://127.0.0.1:{port}")
    assert main(["graph", "impact", MODEL, "--hub", "--format", "json"]) == 0
    out, err = capsys.readouterr()
    result = json.loads(out)
    assert result["projects"] > 0 and result["spaces"] is None
    assert "warning: Spaces not looked up on the hub" in err and "Traceback" not in err
