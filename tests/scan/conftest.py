"""Fixtures for scan tests: offline validators for CycloneDX 1.6 and SPDX 3.0.1."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import rdflib
from jsonschema import Draft7Validator
from referencing import Registry, Resource
from spdx3_validate.core import check_graph, schema_validator
from spdx3_validate.spdx_versions import find_version

SCHEMA_DIR = Path(__file__).parent / "schema"
SCHEMA_FILES = ("bom-1.6.schema.json", "spdx.schema.json", "jsf-0.82.schema.json")
SPDX3 = Path(__file__).parent / "spdx3"  # the official SPDX 3.0.1 files (see NOTICE.md there)


@pytest.fixture(scope="session")
def bom_validator() -> Draft7Validator:
    """The CycloneDX 1.6 schema with its two referenced schemas served from local files.

    The registry maps each schema's ``$id`` (http://cyclonedx.org/schema/...) to the file here and
    has no retrieve hook, so an unknown reference fails instead of reaching the network.
    """
    resources = [Resource.from_contents(json.loads((SCHEMA_DIR / name).read_text()))
                 for name in SCHEMA_FILES]
    registry = Registry().with_resources((r.contents["$id"], r) for r in resources)
    schema = resources[0].contents
    Draft7Validator.check_schema(schema)
    return Draft7Validator(schema, registry=registry,
                           format_checker=Draft7Validator.FORMAT_CHECKER)


@pytest.fixture(scope="session")
def spdx_ids() -> frozenset[str]:
    """The SPDX license ids the CycloneDX schema accepts in ``license.id``."""
    return frozenset(json.loads((SCHEMA_DIR / "spdx.schema.json").read_text())["enum"])


@pytest.fixture(scope="session")
def spdx_shacl() -> rdflib.Graph:
    """The SPDX 3.0.1 SHACL model, from the vendored copy."""
    graph = rdflib.Graph()
    graph.parse(SPDX3 / "spdx-model.ttl", format="turtle")
    return graph


@pytest.fixture(scope="session")
def spdx_validator() -> Any:
    """spdx3-validate's JSON schema validator over the vendored SPDX 3.0.1 schema."""
    return schema_validator(json.loads((SPDX3 / "schema.json").read_text()))


def spdx_errors(doc: dict[str, Any], validator: Any, shacl: rdflib.Graph) -> list[str]:
    """spdx3-validate's schema and SHACL checks, with the context served from the local copy."""
    errors = [f"schema {e.json_path}: {e.message[:200]}" for e in validator.iter_errors(doc)]
    version = find_version(doc["@context"])
    assert version is not None, "the document's @context is not SPDX 3.0.1"
    local = dict(doc)
    local["@context"] = json.loads((SPDX3 / "spdx-context.jsonld").read_text())["@context"]
    graph = rdflib.Graph()
    graph.parse(data=json.dumps(local), format="json-ld")
    return errors + check_graph(graph, shacl, version, True)


def project_loading(folder: Path, *models: str) -> Path:
    """A project folder whose app.py loads each of ``models`` with transformers."""
    folder.mkdir()
    (folder / "app.py").write_text("from transformers import AutoModel\n" + "".join(
        f'AutoModel.from_pretrained("{m}")\n' for m in models))
    return folder
