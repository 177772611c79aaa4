"""`ptmx scan --format spdx`: an SPDX 3.0.1 JSON-LD AI BOM, valid by spdx3-validate's own checks
(JSON schema and SHACL) and readable by the official bindings.

spdx3-validate fetches the SPDX context, SHACL model and JSON schema from spdx.org; the official
copies are vendored in ``tests/scan/spdx3/`` (see NOTICE.md there), so nothing here reaches the
network: the document's context URL is resolved to the local file before rdflib parses it.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
import rdflib
import spdx_python_model

from ptmx.cli import main
from ptmx.scan.report import scan_project
from ptmx.scan.spdx import CONTEXT_URL, derivation, license_expression, to_spdx
from ptmx.store import Store
from tests.scan.conftest import spdx_errors

FIXTURES = Path(__file__).parent / "fixtures"


def _graph(doc: dict[str, Any], kind: str) -> list[dict[str, Any]]:
    return [e for e in doc["@graph"] if e.get("type") == kind]


@pytest.fixture(scope="module")
def chatbot(sample_store: Store) -> dict[str, Any]:
    report = scan_project(FIXTURES / "chatbot", sample_store)
    # What `scan --hub` carries for a pickle-only repository (ptmx.hub's lookup result).
    report.models[0].live = {
        "status": "ok", "weights": "pickle",
        "risks": [{"id": "pickle-weights", "severity": "important",
                   "explanation": "the repository ships its weights only in pickle-based files",
                   "fix": "prefer a safetensors revision, or pin and scan it"}]}
    return to_spdx(report)


def test_document_is_valid_spdx_3_0_1(chatbot: dict[str, Any], spdx_validator: Any,
                                      spdx_shacl: rdflib.Graph) -> None:
    assert chatbot["@context"] == CONTEXT_URL
    assert spdx_errors(chatbot, spdx_validator, spdx_shacl) == []


def test_the_validators_really_check(chatbot: dict[str, Any], spdx_validator: Any,
                                     spdx_shacl: rdflib.Graph) -> None:
    broken = copy.deepcopy(chatbot)
    model = _graph(broken, "ai_AIPackage")[0]
    model["software_primaryPurpose"] = "banana"
    del model["creationInfo"]
    errors = spdx_errors(broken, spdx_validator, spdx_shacl)
    assert any(e.startswith("schema") for e in errors)
    assert any("creationInfo" in e for e in errors if not e.startswith("schema"))


def test_the_bindings_read_it_back(chatbot: dict[str, Any]) -> None:
    model, objects = spdx_python_model.load_data(chatbot)
    packages = {p.name: p for p in objects.foreach_type(model.ai_AIPackage)}
    bart = packages["facebook/bart-large-cnn"]
    assert list(bart.ai_domain) == ["summarization"]
    assert bart.software_downloadLocation == "https://huggingface.co/facebook/bart-large-cnn"
    assert bart.suppliedBy.name == "facebook"
    assert {e.key for e in bart.ai_metric} >= {"ROUGE-1", "ROUGE-L"}
    docs = list(objects.foreach_type(model.SpdxDocument))
    assert len(docs) == 1


def test_one_ai_package_per_model_with_card_facts(chatbot: dict[str, Any],
                                                  sample_store: Store) -> None:
    report = scan_project(FIXTURES / "chatbot", sample_store)
    packages = {p["name"]: p for p in _graph(chatbot, "ai_AIPackage")}
    assert {u.model for u in report.models} <= set(packages)
    falcon = packages["tiiuae/falcon-7b-instruct"]
    assert falcon["software_primaryPurpose"] == "model"
    assert {e["key"] for e in falcon["ai_hyperparameter"]} >= {"layers"}
    assert falcon["ai_domain"] == ["text generation"]
    assert falcon["ai_limitation"]  # the card's limitations and bias


def test_relationships_to_project_licenses_and_base_models(chatbot: dict[str, Any]) -> None:
    by_id = {e.get("spdxId"): e for e in chatbot["@graph"]}
    rels = _graph(chatbot, "Relationship")
    project = _graph(chatbot, "software_Package")[0]
    depends = [r for r in rels if r["relationshipType"] == "dependsOn"]
    assert len(depends) == 1 and depends[0]["from"] == project["spdxId"]
    loaded = {by_id[t]["name"] for t in depends[0]["to"]}
    assert "tiiuae/falcon-7b-instruct" in loaded
    descends = [r for r in rels if r["relationshipType"] == "descendantOf"]
    pairs = {(by_id[r["from"]]["name"], by_id[r["to"][0]]["name"]) for r in descends}
    assert ("tiiuae/falcon-7b-instruct", "tiiuae/falcon-7b") in pairs
    declared = [r for r in rels if r["relationshipType"] == "hasDeclaredLicense"]
    expressions = {by_id[r["from"]]["name"]: by_id[r["to"][0]]["simplelicensing_licenseExpression"]
                   for r in declared}
    assert expressions["sentence-transformers/all-MiniLM-L6-v2"] == "Apache-2.0"
    assert expressions["xlm-mlm-en-2048"] == "CC-BY-NC-4.0"
    assert "tiiuae/falcon-7b-instruct" not in expressions  # no license known: none claimed


def test_hub_risks_become_annotations(chatbot: dict[str, Any]) -> None:
    statements = [a["statement"] for a in _graph(chatbot, "Annotation")]
    assert any(s.startswith("ptmx risk pickle-weights (important)") and
               "prefer a safetensors revision, or pin and scan it" in s for s in statements)
    assert any(s.startswith("ptmx license verdict") for s in statements)


def test_license_expression_names_what_spdx_does_not_know() -> None:
    assert license_expression(["apache-2.0"]) == "Apache-2.0"
    assert license_expression(["mit", "llama2"]) == "MIT AND LicenseRef-llama2"
    assert license_expression([]) is None


def test_cli_writes_spdx(sample_store: Store, tmp_path: Path, spdx_validator: Any,
                         capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "bom.spdx.json"
    assert main(["scan", str(FIXTURES / "chatbot"), "--format", "spdx", "--out", str(out)]) == 0
    doc = json.loads(out.read_text())
    # The same writer as above (SHACL-checked there); here the schema and the bindings.
    assert list(spdx_validator.iter_errors(doc)) == []
    model, objects = spdx_python_model.load_data(doc)
    assert len(list(objects.foreach_type(model.ai_AIPackage))) == 5  # 4 loaded + 1 base model
    assert "wrote spdx" in capsys.readouterr().err


def test_derivation_says_where_the_parent_comes_from_and_what_ptmx_corrected() -> None:
    assert derivation({"relation": "quantized", "source": "hub", "corrected_from": "finetune"}) \
        == "quantized (source: hub, corrected from finetune)"
    assert derivation({"relation": "finetune", "source": "declared", "corrected_from": None}) \
        == "finetune (source: declared)"
    assert derivation({"base_model": "x", "relation": None, "source": None}) \
        == "unspecified (source: unknown)"
