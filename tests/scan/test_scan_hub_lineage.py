"""``ptmx scan --hub``: the hub's typed lineage reaches the scan — parents the Hub recognises,
parents only the card declares, the relation ptmx corrected from the files — in the JSON, the
SPDX 3.0.1 AI BOM (validated by schema and SHACL) and the CycloneDX pedigree. The hub is the
loopback fake (tests/hub/fakehub.py) with the real-shaped repositories of the hub tests."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import rdflib
from jsonschema import Draft7Validator

from ptmx.cli import main
from tests.hub.conftest import point_env_at
from tests.hub.fakehub import FakeHub
from tests.hub.test_hub_artifacts import add_repositories
from tests.scan.conftest import project_loading, spdx_errors

LOADED = ("quant/tiny-GGUF", "lora/tiny-adapter", "acme/fp8-chat", "tiiuae/falcon-7b-instruct")


@pytest.fixture
def hub(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeHub]:
    server = FakeHub().start()
    add_repositories(server)
    # In the bundled dataset too, with tiiuae/falcon-7b as its base (from the card's
    # upstream model); the hub names the same base, in other case, and a parent the dataset
    # does not know.
    server.add_model(
        "tiiuae/falcon-7b-instruct", tags=["transformers", "license:apache-2.0",
                                           "base_model:TIIUAE/falcon-7b",
                                           "base_model:finetune:TIIUAE/falcon-7b"],
        cardData={"license": "apache-2.0", "base_model": ["TIIUAE/falcon-7b", "acme/extra"]},
        baseModels={"relation": "finetune", "models": [{"_id": "x2", "id": "TIIUAE/falcon-7b"}]},
        siblings=[{"rfilename": "model.safetensors", "size": 1_000}],
    )
    point_env_at(server.url, tmp_path, monkeypatch)
    yield server
    server.stop()


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return project_loading(tmp_path / "proj", *LOADED)


def _scan(project: Path, fmt: str, capsys: pytest.CaptureFixture[str]) -> Any:
    assert main(["scan", str(project), "--hub", "--format", fmt]) == 0
    return json.loads(capsys.readouterr().out)


def _descends(doc: dict[str, Any]) -> dict[tuple[str, str], list[str]]:
    """(model, base) → the comments of its descendantOf relationships."""
    names = {e["spdxId"]: e.get("name") for e in doc["@graph"] if "spdxId" in e}
    out: dict[tuple[str, str], list[str]] = {}
    for rel in doc["@graph"]:
        if rel.get("type") == "Relationship" and rel["relationshipType"] == "descendantOf":
            for target in rel["to"]:
                out.setdefault((names[rel["from"]], names[target]), []).append(rel["comment"])
    return out


def test_json_live_carries_typed_lineage_and_spaces(hub: FakeHub, project: Path,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    models = {m["model"]: m for m in _scan(project, "json", capsys)["models"]}
    fp8 = models["acme/fp8-chat"]
    assert {"parent": "ghost/unlisted-parent", "relation": None, "source": "declared",
            "corrected_from": None} in fp8["live"]["lineage"]
    assert len(fp8["live"]["spaces"]) == 100 and fp8["live"]["spaces_capped"] is True
    assert {b["base_model"]: b["source"] for b in fp8["base_models"]} == {
        "acme/base": "hub", "ghost/unlisted-parent": "declared"}
    gguf = models["quant/tiny-GGUF"]
    assert gguf["live"]["lineage"] == [{"parent": "acme/base", "relation": "quantized",
                                        "source": "hub", "corrected_from": "finetune"}]
    assert gguf["base_models"] == [{"base_model": "acme/base", "in_dataset": False,
                                    "relation": "quantized", "source": "hub",
                                    "corrected_from": "finetune"}]


def test_spdx_relates_declared_parents_and_corrected_relations(
        hub: FakeHub, project: Path, capsys: pytest.CaptureFixture[str], spdx_validator: Any,
        spdx_shacl: rdflib.Graph) -> None:
    doc = _scan(project, "spdx", capsys)
    assert spdx_errors(doc, spdx_validator, spdx_shacl) == []
    descends = _descends(doc)
    assert descends[("quant/tiny-GGUF", "acme/base")] == [
        "quantized (source: hub, corrected from finetune)"]
    assert descends[("lora/tiny-adapter", "acme/base")] == [
        "adapter (source: hub, corrected from finetune)"]
    assert descends[("acme/fp8-chat", "acme/base")] == ["finetune (source: hub)"]
    # only the card names it; the hub does not recognise it
    assert descends[("acme/fp8-chat", "ghost/unlisted-parent")] == ["unspecified (source: declared)"]
    parents = {e["name"] for e in doc["@graph"] if e.get("type") == "ai_AIPackage"}
    assert "ghost/unlisted-parent" in parents


def test_a_base_the_dataset_knows_is_not_repeated(
        hub: FakeHub, project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    doc = _scan(project, "spdx", capsys)
    falcon = {base: comments for (model, base), comments in _descends(doc).items()
              if model == "tiiuae/falcon-7b-instruct"}
    # the dataset's edge as the dataset gives it, once; the hub adds the parent it alone knows
    assert falcon == {"tiiuae/falcon-7b": ["unspecified (source: card upstream_model)"],
                      "acme/extra": ["unspecified (source: declared)"]}


def test_cyclonedx_pedigree_says_what_ptmx_corrected(
        hub: FakeHub, project: Path, capsys: pytest.CaptureFixture[str],
        bom_validator: Draft7Validator) -> None:
    bom = _scan(project, "cyclonedx", capsys)
    assert list(bom_validator.iter_errors(bom)) == []
    ancestors = {c["name"]: {a["name"]: {p["name"]: p["value"] for p in a["properties"]}
                             for a in c["pedigree"]["ancestors"]}
                 for c in bom["components"] if c.get("pedigree")}
    assert ancestors["tiny-GGUF"]["base"] == {
        "ptmx:relation": "quantized", "ptmx:in_dataset": "false", "ptmx:source": "hub",
        "ptmx:relation_corrected_from": "finetune"}
    assert ancestors["fp8-chat"]["unlisted-parent"]["ptmx:source"] == "declared"
    assert "ptmx:relation_corrected_from" not in ancestors["fp8-chat"]["base"]
