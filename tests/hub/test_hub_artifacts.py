"""What a repository ships: weights, formats, risks, typed lineage and Spaces — through the CLI
against the fake hub, which shapes its answers like the real one (``expand`` gives only what is
asked for, sizes need ``blobs=true``, the hub's scan needs ``securityStatus=true``)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest

from ptmx.cli import main
from ptmx.hub.artifacts import weight_format
from tests.hub.conftest import make_snapshot
from tests.hub.fakehub import FakeHub


def _lfs(name: str, size: int) -> dict[str, Any]:
    return {"rfilename": name, "size": 135, "blobId": "b" * 40,
            "lfs": {"size": size, "sha256": "e" * 64, "pointerSize": 135}}


def _plain(name: str, size: int = 1_000) -> dict[str, Any]:
    return {"rfilename": name, "size": size, "blobId": "c" * 40}


SPACES = [f"user{i}/demo-{i}" for i in range(100)]


def add_repositories(hub: FakeHub) -> None:
    """Real-shaped repositories: adapter-only, GGUF, pickle-only, no weights, FP8, flagged."""
    hub.add_model(
        "lora/tiny-adapter", downloads=900, library_name="peft",
        tags=["peft", "safetensors", "base_model:acme/base", "base_model:finetune:acme/base",
              "license:mit"],
        cardData={"license": "mit", "base_model": "acme/base", "library_name": "peft"},
        baseModels={"relation": "finetune", "models": [{"_id": "x1", "id": "acme/base"}]},
        siblings=[_plain(".gitattributes"), _plain("README.md"), _plain("adapter_config.json"),
                  _lfs("adapter_model.safetensors", 13_000_000)],
    )
    hub.add_model(
        "quant/tiny-GGUF", downloads=800, library_name="gguf", gated="manual",
        tags=["gguf", "llama", "base_model:acme/base", "base_model:finetune:acme/base",
              "license:apache-2.0"],
        baseModels={"relation": "finetune", "models": [{"_id": "x1", "id": "acme/base"}]},
        gguf={"total": 1_100_048_384, "architecture": "llama", "context_length": 2048,
              "chat_template": "{% for m in messages %}{{ m }}{% endfor %}",
              "bos_token": "<s>", "eos_token": "</s>"},
        siblings=[_plain("README.md"), _lfs("tiny.Q4_K_M.gguf", 667_000_000),
                  _lfs("tiny.Q8_0.gguf", 1_170_000_000)],
    )
    hub.add_model(
        "old/pickle-only", downloads=700,
        tags=["transformers", "pytorch", "bert", "license:other"],
        cardData={"license": "other", "license_name": "old-license", "license_link": "LICENSE"},
        siblings=[_plain("README.md"), _plain("config.json"), _lfs("pytorch_model.bin", 440_000_000),
                  _lfs("training_args.bin", 4_000)],
        securityRepoStatus={"scansDone": True, "filesWithIssues": []},
    )
    hub.add_model(
        "acme/no-weights", downloads=600,
        siblings=[_plain(".gitattributes"), _plain("README.md"), _plain("config.json")],
    )
    hub.add_model(
        "acme/fp8-chat", downloads=500,
        tags=["transformers", "safetensors", "base_model:acme/base",
              "base_model:finetune:acme/base", "license:apache-2.0"],
        cardData={"license": "apache-2.0", "base_model": ["acme/base", "ghost/unlisted-parent"]},
        baseModels={"relation": "finetune", "models": [{"_id": "x1", "id": "acme/base"}]},
        safetensors={"parameters": {"BF16": 1_000_000, "F8_E4M3": 7_000_000_000},
                     "total": 7_001_000_000},
        siblings=[_plain("README.md"), _lfs("model-00001-of-00002.safetensors", 4_000_000_000),
                  _lfs("model-00002-of-00002.safetensors", 3_100_000_000),
                  _plain("LICENSE"), _lfs("pytorch_model.bin", 14_000_000_000)],
        spaces=SPACES,
    )
    hub.add_model(
        "evil/flagged", downloads=400,
        siblings=[_plain("README.md"), _lfs("model.pkl", 1_000_000)],
        securityRepoStatus={"scansDone": True,
                            "filesWithIssues": [{"path": "model.pkl", "level": "unsafe"}]},
    )


@pytest.fixture
def repos(hub: FakeHub) -> FakeHub:
    add_repositories(hub)
    return hub


def _info(model: str, capsys: pytest.CaptureFixture[str]) -> dict[str, Any]:
    assert main(["hub", "info", model, "--format", "json"]) == 0
    out, _ = capsys.readouterr()
    live: dict[str, Any] = json.loads(out)["live"]
    return live


def test_the_info_call_asks_for_files_and_never_mixes_expand_with_blobs(
        repos: FakeHub, hub_env: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _info("acme/fp8-chat", capsys)
    calls = repos.seen("/api/models/acme/fp8-chat")
    expanded = [dict.fromkeys(v for k, v in c.query if k == "expand") for c in calls]
    assert any({"siblings", "gguf", "spaces", "safetensors"} <= set(e) for e in expanded)
    files = [c for c in calls if ("blobs", "true") in c.query]
    assert len(files) == 1 and ("securityStatus", "true") in files[0].query
    assert not any(k == "expand" for k, _ in files[0].query)


def test_adapter_only_repository_is_an_adapter_whatever_the_tag_says(
        repos: FakeHub, hub_env: Path, capsys: pytest.CaptureFixture[str]) -> None:
    live = _info("lora/tiny-adapter", capsys)
    assert live["weights"] == "adapter"
    assert live["artifacts"]["adapter_only"] is True
    assert live["artifacts"]["weights_size"] == 13_000_000  # the LFS size, not the pointer's
    assert live["base_model_relation"] == "adapter"
    assert live["relation_corrected_from"] == "finetune"
    assert live["lineage"] == [{"parent": "acme/base", "relation": "adapter", "source": "hub",
                                "corrected_from": "finetune"}]
    assert live["risks"] == []


def test_gguf_repository_is_quantized_with_its_facts(
        repos: FakeHub, hub_env: Path, capsys: pytest.CaptureFixture[str]) -> None:
    live = _info("quant/tiny-GGUF", capsys)
    art = live["artifacts"]
    assert live["weights"] == "gguf" and art["quantized"] == ["gguf"]
    assert art["gguf"] == {"architecture": "llama", "context_length": 2048,
                           "total": 1_100_048_384}
    assert live["parameter_count"] == 1_100_048_384  # no safetensors: the GGUF total
    assert art["weights_size"] == 667_000_000 + 1_170_000_000
    assert live["base_model_relation"] == "quantized"
    assert live["relation_corrected_from"] == "finetune"


def test_pickle_only_repository_gets_the_finding_and_a_missing_license_file(
        repos: FakeHub, hub_env: Path, capsys: pytest.CaptureFixture[str]) -> None:
    live = _info("old/pickle-only", capsys)
    art = live["artifacts"]
    assert live["weights"] == "pickle" and art["pickle_only"] is True
    # training state is pickle too, but not weights
    assert [f["path"] for f in art["files"]] == ["pytorch_model.bin"]
    # the file's own size (from the blobs=true call: the LFS size, not the pointer's 135 bytes)
    assert [f["size"] for f in art["files"]] == [440_000_000]
    assert art["weights_size"] == 440_000_000
    risks = {r["id"]: r for r in live["risks"]}
    assert set(risks) == {"pickle-weights", "license-link-missing"}
    assert risks["pickle-weights"]["severity"] == "important"
    assert risks["pickle-weights"]["fix"] == "prefer a safetensors revision, or pin and scan it"
    assert risks["pickle-weights"]["files"] == ["pytorch_model.bin"]
    assert risks["license-link-missing"]["files"] == ["LICENSE"]
    assert art["security"] == {"scans_done": True, "files_with_issues": []}


def test_no_weights_repository(repos: FakeHub, hub_env: Path,
                               capsys: pytest.CaptureFixture[str]) -> None:
    live = _info("acme/no-weights", capsys)
    assert live["weights"] == "none" and live["artifacts"]["files"] == []
    assert [r["id"] for r in live["risks"]] == ["no-weights"]
    assert live["artifacts"]["file_count"] == 3


def test_dtypes_declared_parents_and_spaces(repos: FakeHub, hub_env: Path,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    live = _info("acme/fp8-chat", capsys)
    art = live["artifacts"]
    assert live["weights"] == "safetensors" and art["formats"] == ["safetensors", "pickle"]
    assert not art["pickle_only"] and live["risks"] == []  # safetensors beside the .bin
    assert art["dtypes"] == {"F8_E4M3": 7_000_000_000, "BF16": 1_000_000}
    assert live["declared_base_models"] == ["ghost/unlisted-parent"]
    assert {"parent": "ghost/unlisted-parent", "relation": None, "source": "declared",
            "corrected_from": None} in live["lineage"]
    assert live["spaces"] == SPACES and live["spaces_capped"] is True
    assert live["relation_corrected_from"] is None


def test_hub_security_scan_flags_become_a_critical_risk(
        repos: FakeHub, hub_env: Path, capsys: pytest.CaptureFixture[str]) -> None:
    live = _info("evil/flagged", capsys)
    risks = {r["id"]: r for r in live["risks"]}
    assert risks["hub-scan-issues"]["severity"] == "critical"
    assert risks["hub-scan-issues"]["files"] == ["model.pkl"]
    assert "pickle-weights" in risks


def test_info_table_shows_weights_risks_and_spaces(
        repos: FakeHub, hub_env: Path, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "250")  # one line per cell, to read it back
    assert main(["hub", "info", "old/pickle-only"]) == 0
    out, _ = capsys.readouterr()
    assert "pickle (pickle only)" in out and "pickle-weights" in out
    assert "prefer a safetensors revision" in out and "440.0 MB" in out
    assert "no issues" in out  # the hub's scan ran and flagged nothing
    assert main(["hub", "info", "acme/fp8-chat"]) == 0
    out, _ = capsys.readouterr()
    assert "F8_E4M3 7,000,000,000" in out and "ghost/unlisted-parent" in out
    assert "100+: user0/demo-0" in out
    assert main(["hub", "info", "lora/tiny-adapter"]) == 0
    out, _ = capsys.readouterr()
    assert "corrected by ptmx from the hub's finetune" in out


def test_a_failed_files_call_is_a_warning_not_a_failure(
        repos: FakeHub, hub_env: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from tests.hub.fakehub import Fault

    # The info call answers; every later call to the path (the files call and its retries) fails.
    repos.fail("/api/models/old/pickle-only", Fault(passthrough=True), *[Fault(500)] * 5)
    assert main(["hub", "info", "old/pickle-only", "--format", "json"]) == 0
    out, err = capsys.readouterr()
    doc = json.loads(out)
    assert doc["live"]["weights"] == "pickle"  # the names from the first answer suffice
    assert doc["live"]["artifacts"]["security"] is None
    assert "security scan not fetched" in err


def test_children_show_gated_weights_and_corrected_relation(
        repos: FakeHub, hub_env: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["hub", "children", "acme/base", "--format", "json", "--limit", "50"]) == 0
    out, _ = capsys.readouterr()
    rows = {r["model"]: r for r in json.loads(out)}
    assert rows["quant/tiny-GGUF"]["gated"] == "manual"
    assert rows["quant/tiny-GGUF"]["relation"] == "quantized"
    assert rows["quant/tiny-GGUF"]["hub_relation"] == "finetune"
    assert rows["lora/tiny-adapter"]["relation"] == "adapter"
    assert rows["lora/tiny-adapter"]["weights"] == "adapter"
    assert rows["acme/fp8-chat"]["relation"] == "finetune"
    assert rows["acme/fp8-chat"]["hub_relation"] is None
    assert rows["kid0/tiny-finetune-0"]["gated"] is None


def _children(capsys: pytest.CaptureFixture[str], relation: str) -> dict[str, Any]:
    assert main(["hub", "children", "acme/base", "--relation", relation, "--format", "json"]) == 0
    return {r["model"]: r for r in json.loads(capsys.readouterr()[0])}


def test_relation_filter_follows_the_corrected_relation(
        repos: FakeHub, hub_env: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The hub tags the GGUF and the adapter-only repositories ``finetune``: --relation asks
    for ptmx's reading, so they are a quantization and an adapter, not fine-tunes."""
    quantized = _children(capsys, "quantized")
    assert set(quantized) == {"quant/tiny-GGUF", "kid4/tiny-quantized-4"}
    assert quantized["quant/tiny-GGUF"]["hub_relation"] == "finetune"
    assert set(_children(capsys, "adapter")) == {"lora/tiny-adapter"}
    finetunes = _children(capsys, "finetune")
    assert "quant/tiny-GGUF" not in finetunes and "lora/tiny-adapter" not in finetunes
    assert {"acme/fp8-chat", "acme/tiny-llm", "kid0/tiny-finetune-0"} <= set(finetunes)
    assert {r["relation"] for r in finetunes.values()} == {"finetune"}
    assert _children(capsys, "merge") == {}
    # One listing of every child per run, filtered here (the hub's typed filter misses some).
    filters = {v for s in repos.seen("/api/models") if s.path == "/api/models"
               for k, v in s.query if k == "filter"}
    assert filters == {"base_model:acme/base"}


def test_refresh_snapshot_keeps_the_new_fields_and_drift_reports_a_format_change(
        repos: FakeHub, hub_env: Path, tmp_path: Path,
        capsys: pytest.CaptureFixture[str]) -> None:
    data = make_snapshot(tmp_path / "data")
    tiny = repos.models["acme/tiny-llm"]
    tiny["siblings"] = [_plain("README.md"), _lfs("pytorch_model.bin", 4_400_000)]
    models = tmp_path / "models.txt"
    models.write_text("acme/tiny-llm\nacme/fp8-chat\nquant/tiny-GGUF\n")
    assert main(["hub", "refresh", "--models", str(models), "--out", str(data)]) == 0
    rows = {r["model"]: r for r in pq.read_table(data / "hub_snapshot.parquet").to_pylist()}
    assert rows["acme/tiny-llm"]["weights_format"] == "pickle"
    assert rows["acme/tiny-llm"]["pickle_only"] is True
    assert rows["acme/tiny-llm"]["risks"] == ["pickle-weights"]
    assert rows["acme/fp8-chat"]["declared_base_models"] == ["ghost/unlisted-parent"]
    assert rows["acme/fp8-chat"]["spaces"] == SPACES
    assert json.loads(rows["acme/fp8-chat"]["dtypes"]) == {"F8_E4M3": 7_000_000_000,
                                                          "BF16": 1_000_000}
    assert rows["quant/tiny-GGUF"]["relation_corrected_from"] == "finetune"
    assert rows["quant/tiny-GGUF"]["base_model_relation"] == "quantized"
    assert json.loads(rows["quant/tiny-GGUF"]["gguf"])["context_length"] == 2048
    capsys.readouterr()

    # The authors convert to safetensors: drift against the refresh snapshot says so.
    tiny["siblings"] = [_plain("README.md"), _lfs("model.safetensors", 4_400_000)]
    assert main(["hub", "info", "acme/tiny-llm", "--refresh", "--format", "json",
                 "--data", str(data)]) == 0
    drift = {r["field"]: r for r in json.loads(capsys.readouterr()[0])["drift"]["rows"]}
    assert drift["weights format"]["snapshot"] == "pickle"
    assert drift["weights format"]["live"] == "safetensors"
    assert drift["weights format"]["change"] == "changed"
    assert drift["risks"]["change"] == "removed"


@pytest.mark.parametrize(("name", "fmt"), [
    ("pytorch_model-00001-of-00002.bin", "pickle"), ("sd/v1-5.ckpt", "pickle"),
    ("model.safetensors", "safetensors"), ("onnx/model.onnx", "onnx"),
    ("q/model.Q4_0.gguf", "gguf"), ("tf_model.h5", "keras"), ("flax_model.msgpack", "flax"),
    ("training_args.bin", None), ("optimizer.pt", None), ("config.json", None),
])
def test_weight_format_of_a_file_name(name: str, fmt: str | None) -> None:
    assert weight_format(name) == fmt


async def test_the_async_lookup_the_tui_runs_has_weights_sizes_and_the_hub_scan(
        repos: FakeHub, tmp_path: Path) -> None:
    from ptmx.hub import HubSettings, lookup_with_drift_async

    settings = HubSettings(endpoint=repos.url, cache_dir=tmp_path / "cache", max_retries=1,
                           backoff_base=0.001, backoff_max=0.002, jitter=0.0, timeout=2.0,
                           connect_timeout=1.0)
    lookup = await lookup_with_drift_async(None, "old/pickle-only", settings=settings)
    assert lookup.info is not None
    facts = lookup.info.supply_chain()
    assert facts["weights"] == "pickle" and facts["pickle_only"] is True
    assert [r["id"] for r in facts["risks"]] == ["pickle-weights", "license-link-missing"]
    assert facts["security"] == {"scans_done": True, "files_with_issues": []}
    assert lookup.info.artifacts is not None
    assert lookup.info.artifacts.weights_size == 440_000_000


def test_hostile_file_and_space_names_are_shown_not_obeyed(
        hub: FakeHub, hub_env: Path, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "250")
    evil = "\x1b]8;;http://x\x07[red]boom[/]\x1b[2J.bin"
    hub.add_model("evil/names", siblings=[_plain("README.md"), _lfs(evil, 10)],
                  spaces=["x/\x1b[31mred-space"],
                  cardData={"license_link": "\x1b[2JLICENSE"})
    assert main(["hub", "info", "evil/names"]) == 0
    out, err = capsys.readouterr()
    assert "\x1b" not in out and "\x1b" not in err and "\x07" not in out
    assert "[red]boom[/]" in out  # markup shown as text, not applied
    assert "\\x1b[2J.bin" in out and "x/\\x1b[31mred-space" in out  # escapes made visible
