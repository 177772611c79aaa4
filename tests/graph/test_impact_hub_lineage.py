"""`graph impact` with the hub tables: models the hub (not the dataset) says derive from the
model are dependents too, with the projects that use them; their edges keep the typed relation,
the hub tag ptmx corrected and the provenance, as in `graph lineage` (issue 19)."""

from __future__ import annotations

import json

import pytest

from ptmx.cli import main
from ptmx.graph import impact
from ptmx.store import Store, open_store
from tests.graph.hubfix import hub_row, write_hub_models


@pytest.fixture
def hub_store(chain_store: Store) -> Store:
    folder = chain_store.folder
    write_hub_models(folder, [
        # "other" is in the dataset (used by bob/tool); only the hub knows it comes from q-c,
        # and its GGUF files made ptmx correct the hub's finetune tag.
        hub_row("other", 2, base_models=["q-c"], base_model_relation="quantized",
                relation_corrected_from="finetune"),
        # A hub-only adapter of "other", and a card that names q-c the hub did not recognise.
        hub_row("lora/on-other", 2, base_models=["other"], base_model_relation="adapter"),
        hub_row("fan/declared", 2, declared_base_models=["q-c"]),
        # Deleted since: its newest row is not_found, so it depends on nothing now.
        hub_row("gone/g", 1, base_models=["q-c"], base_model_relation="finetune"),
        hub_row("gone/g", 3, status="not_found"),
    ])
    return open_store(folder)


def _affected(result: dict) -> dict[str, dict]:
    return {a["name"]: a for a in result["affected"]}


def test_impact_follows_the_hubs_derivatives_to_their_projects(hub_store: Store) -> None:
    result = impact(hub_store, "q-c")
    affected = {a.node.name: a for a in result.affected}
    assert {"carol/svc", "dave/x"} <= set(affected)  # the dataset's own dependents
    assert affected["other"].relations == ["derived"]
    assert affected["bob/tool"].path[1].name == "other"
    assert affected["bob/tool"].relations == ["derived", "used-by"]
    assert affected["lora/on-other"].distance == 2
    assert affected["fan/declared"].relations == ["derived"]
    assert "gone/g" not in affected
    edges = {(e.source, e.target): e for e in result.edges}
    typed = edges[("model:other", "model:q-c")]
    assert (typed.relation, typed.corrected_from, typed.provenance) == (
        "quantized", "finetune", "hub")
    assert edges[("model:fan/declared", "model:q-c")].provenance == "card-declared"
    assert ("project:bob/tool", "model:other") in edges


def test_without_hub_tables_impact_is_the_datasets(chain_store: Store) -> None:
    names = {a.node.name for a in impact(chain_store, "q-c").affected}
    assert names == {"carol/svc", "dave/x"}


def test_impact_cli_json_and_verdicts_along_the_hub_path(
        hub_store: Store, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["graph", "impact", "q-c", "--data", str(hub_store.folder),
                 "--format", "json"]) == 0
    result = json.loads(capsys.readouterr()[0])
    affected = _affected(result)
    assert affected["bob/tool"]["path"] == ["q-c", "other", "bob/tool"]
    assert affected["bob/tool"]["via"] == "used-by"
    assert [v["activity"] for v in affected["bob/tool"]["verdicts"]][:2] == ["derive", "use"]
    edge = next(e for e in result["edges"]
                if (e["source"], e["target"]) == ("model:other", "model:q-c"))
    assert (edge["relation"], edge["corrected_from"], edge["provenance"]) == (
        "quantized", "finetune", "hub")
    assert result["projects"] == 3  # carol/svc, dave/x and, through the hub, bob/tool
