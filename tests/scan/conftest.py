"""Fixtures for scan tests: an offline CycloneDX 1.6 validator."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from jsonschema import Draft7Validator
from referencing import Registry, Resource

SCHEMA_DIR = Path(__file__).parent / "schema"
SCHEMA_FILES = ("bom-1.6.schema.json", "spdx.schema.json", "jsf-0.82.schema.json")


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
