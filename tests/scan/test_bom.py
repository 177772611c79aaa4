"""The AI bill of materials: valid CycloneDX 1.6, one ML-model component per model."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft7Validator

from ptmx.scan.bom import spdx_id_for_tag, to_cyclonedx
from ptmx.scan.report import scan_project
from ptmx.store import Store

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture(scope="module")
def chatbot_bom(sample_store: Store) -> dict[str, Any]:
    return to_cyclonedx(scan_project(FIXTURES / "chatbot", sample_store))


@pytest.fixture(scope="module")
def patterns_bom(sample_store: Store) -> dict[str, Any]:
    return to_cyclonedx(scan_project(FIXTURES / "patterns", sample_store))


def _component(bom: dict[str, Any], name: str) -> dict[str, Any]:
    return next(c for c in bom["components"] if c["name"] == name)


def _errors(validator: Draft7Validator, bom: dict[str, Any]) -> list[str]:
    return [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(bom)]


def test_bom_validates_against_cyclonedx_1_6(sample_store: Store, bom_validator: Draft7Validator,
                                             chatbot_bom: dict[str, Any],
                                             patterns_bom: dict[str, Any]) -> None:
    legacy = to_cyclonedx(scan_project(FIXTURES / "legacy", sample_store))
    for bom in (chatbot_bom, patterns_bom, legacy):
        assert _errors(bom_validator, bom) == []


def test_validator_really_checks(bom_validator: Draft7Validator,
                                 chatbot_bom: dict[str, Any]) -> None:
    broken = copy.deepcopy(chatbot_bom)
    broken["components"][0]["type"] = "neural-network"
    broken["components"][1]["licenses"] = [{"license": {"id": "not-an-spdx-id"}}]
    assert len(_errors(bom_validator, broken)) >= 2


def test_project_is_the_root_component(chatbot_bom: dict[str, Any]) -> None:
    root = chatbot_bom["metadata"]["component"]
    assert (root["type"], root["name"], root["version"]) == ("application", "chatbot", "0.3.0")
    assert root["licenses"] == [{"license": {"id": "MIT", "acknowledgement": "declared"}}]
    deps = chatbot_bom["dependencies"][0]
    assert deps["ref"] == root["bom-ref"]
    assert sorted(deps["dependsOn"]) == sorted(c["bom-ref"] for c in chatbot_bom["components"])


def test_one_ml_model_component_per_model(chatbot_bom: dict[str, Any]) -> None:
    comps = chatbot_bom["components"]
    assert {c["type"] for c in comps} == {"machine-learning-model"}
    assert sorted(f"{c.get('group', '')}/{c['name']}" for c in comps) == [
        "/xlm-mlm-en-2048", "facebook/bart-large-cnn",
        "sentence-transformers/all-MiniLM-L6-v2", "tiiuae/falcon-7b-instruct"]


def test_component_fields(chatbot_bom: dict[str, Any]) -> None:
    bart = _component(chatbot_bom, "bart-large-cnn")
    assert bart["supplier"]["name"] == "facebook"
    assert bart["purl"] == "pkg:huggingface/facebook/bart-large-cnn"
    assert bart["licenses"] == [{"license": {"id": "MIT", "acknowledgement": "declared"}}]
    card = bart["modelCard"]
    assert card["modelParameters"]["task"] == "summarization"
    assert {"type": "ROUGE-1", "value": "42.9486"} in \
        card["quantitativeAnalysis"]["performanceMetrics"]
    occurrences = bart["evidence"]["occurrences"]
    assert [(o["location"], o["line"]) for o in occurrences] == [("chatbot/models.py", 10),
                                                                 ("chatbot/models.py", 11)]
    assert occurrences[1]["symbol"] == "AutoModelForSeq2SeqLM.from_pretrained"


def test_non_spdx_licenses_are_named(patterns_bom: dict[str, Any]) -> None:
    sd = _component(patterns_bom, "stable-diffusion-v1-5")
    (lic,) = sd["licenses"]
    assert "id" not in lic["license"] and "OpenRAIL" in lic["license"]["name"]


def test_base_model_becomes_pedigree(chatbot_bom: dict[str, Any]) -> None:
    falcon = _component(chatbot_bom, "falcon-7b-instruct")
    (ancestor,) = falcon["pedigree"]["ancestors"]
    assert (ancestor["type"], ancestor["group"], ancestor["name"]) == (
        "machine-learning-model", "tiiuae", "falcon-7b")


def test_unresolved_references_travel_in_metadata(chatbot_bom: dict[str, Any]) -> None:
    props = {p["name"]: p["value"] for p in chatbot_bom["metadata"]["properties"]}
    assert props["ptmx:unresolved_reference"].startswith("chatbot/models.py:22")


def test_every_dataset_license_tag_maps_to_a_schema_id_or_a_name(
        sample_store: Store, spdx_ids: frozenset[str]) -> None:
    tags = [r["name"] for r in sample_store.rows("SELECT name FROM license")]
    for tag in tags:
        ident = spdx_id_for_tag(tag)
        assert ident is None or ident in spdx_ids, tag
    assert spdx_id_for_tag("apache-2.0") == "Apache-2.0"
    assert spdx_id_for_tag("openrail") is None  # a family tag names no single license
