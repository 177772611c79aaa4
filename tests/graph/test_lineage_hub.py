"""`graph lineage` with the hub tables: typed edges from hub_snapshot and hub_models (newest row
per model), their source and the hub tag ptmx corrected, in tree, table and JSON."""

from __future__ import annotations

import csv
import io
import json

import pytest

from ptmx.cli import main
from ptmx.graph import lineage
from ptmx.store import Store, open_store
from tests.graph.hubfix import hub_row, write_hub_models, write_old_hub_snapshot


@pytest.fixture
def hub_lineage_store(chain_store: Store) -> Store:
    folder = chain_store.folder
    write_old_hub_snapshot(folder, [
        hub_row("merge-m", 1, base_models=["base-a", "ghost/base"], base_model_relation="merge"),
    ])
    write_hub_models(folder, [
        # ft-b: the hub confirms its base and its card names a parent the hub did not recognise.
        hub_row("ft-b", 2, base_models=["base-a"], base_model_relation="finetune",
                declared_base_models=["ghost/extra"]),
        # q-c: adapter-only files under a finetune tag; the dataset says quantized.
        hub_row("q-c", 2, base_models=["ft-b"], base_model_relation="adapter",
                relation_corrected_from="finetune"),
        # A GGUF child of ft-b known only to the hub; its newest row wins over the older one.
        hub_row("quant/gguf-d", 1, base_models=["ft-b"], base_model_relation="finetune"),
        hub_row("lora/e", 2, declared_base_models=["q-c"]),
        hub_row("base-a", 2, base_models=["hub-root/pre"], base_model_relation="finetune"),
        # Deleted since: its newest row is not_found, so its old edge is not the hub now.
        hub_row("gone/f", 1, base_models=["ft-b"], base_model_relation="finetune"),
    ])
    write_hub_models(folder, [
        hub_row("quant/gguf-d", 3, base_models=["ft-b"], base_model_relation="quantized",
                relation_corrected_from="finetune"),
        hub_row("gone/f", 3, status="not_found"),
    ], part=1)
    return open_store(folder)


def _by_model(rows: list[dict]) -> dict[str, dict]:
    return {r["model"]: r for r in rows}


def test_lineage_adds_the_hubs_typed_edges(hub_lineage_store: Store) -> None:
    result = lineage(hub_lineage_store, "ft-b")
    up = _by_model(result.ancestors)
    down = _by_model(result.descendants)
    assert set(up) == {"base-a", "ghost/extra", "hub-root/pre"}
    assert set(down) == {"q-c", "quant/gguf-d", "lora/e"}  # not gone/f

    assert up["base-a"]["source"] == "dataset" and up["base-a"]["relation"] == "finetune"
    assert up["base-a"]["hub_relation"] == "finetune" and up["base-a"]["origin"] == "test card"
    assert (up["ghost/extra"]["source"], up["ghost/extra"]["relation"],
            up["ghost/extra"]["generation"]) == ("card-declared", "declared", 1)
    assert (up["hub-root/pre"]["source"], up["hub-root/pre"]["generation"],
            up["hub-root/pre"]["base_of"]) == ("hub", 2, "base-a")
    assert up["hub-root/pre"]["in_dataset"] is False

    # The dataset's relation stays; the hub's (corrected from its tag) is beside it.
    assert (down["q-c"]["source"], down["q-c"]["relation"], down["q-c"]["hub_relation"],
            down["q-c"]["corrected_from"]) == ("dataset", "quantized", "adapter", "finetune")
    gguf = down["quant/gguf-d"]
    assert (gguf["source"], gguf["relation"], gguf["corrected_from"], gguf["derived_from"]) == (
        "hub", "quantized", "finetune", "ft-b")
    assert (down["lora/e"]["source"], down["lora/e"]["relation"], down["lora/e"]["generation"],
            down["lora/e"]["derived_from"]) == ("card-declared", "declared", 2, "q-c")
    assert result.hub_edges == 6
    edges = {(e.source, e.target): e for e in result.edges}
    assert edges[("model:quant/gguf-d", "model:ft-b")].provenance == "hub"


def test_an_older_snapshot_without_the_typed_columns_still_gives_edges(
        hub_lineage_store: Store) -> None:
    down = _by_model(lineage(hub_lineage_store, "base-a").descendants)
    assert down["merge-m"]["source"] == "dataset" and down["merge-m"]["hub_relation"] == "merge"
    assert down["merge-m"]["corrected_from"] is None


def test_lineage_cli_shows_source_and_correction_in_every_format(
        hub_lineage_store: Store, capsys: pytest.CaptureFixture[str]) -> None:
    data = str(hub_lineage_store.folder)
    assert main(["graph", "lineage", "ft-b", "--data", data, "--format", "json"]) == 0
    result = json.loads(capsys.readouterr()[0])
    down = _by_model(result["descendants"])
    assert down["quant/gguf-d"]["source"] == "hub"
    assert down["quant/gguf-d"]["corrected_from"] == "finetune"
    assert down["q-c"]["hub_relation"] == "adapter"
    assert _by_model(result["ancestors"])["ghost/extra"]["source"] == "card-declared"
    assert result["hub_edges"] == 6
    json_edges = {(e["source"], e["target"]): e for e in result["edges"]}
    assert json_edges[("model:quant/gguf-d", "model:ft-b")]["provenance"] == "hub"
    assert json_edges[("model:quant/gguf-d", "model:ft-b")]["corrected_from"] == "finetune"

    assert main(["graph", "lineage", "ft-b", "--data", data, "--format", "csv"]) == 0
    rows = _by_model(list(csv.DictReader(io.StringIO(capsys.readouterr()[0]))))
    assert (rows["quant/gguf-d"]["source"], rows["quant/gguf-d"]["corrected_from"],
            rows["quant/gguf-d"]["relation"]) == ("hub", "finetune", "quantized")
    assert rows["lora/e"]["source"] == "card-declared"

    assert main(["graph", "lineage", "ft-b", "--data", data, "--format", "table"]) == 0
    table = capsys.readouterr()[0]
    assert "card-declared" in table and "corrected_from" in table

    assert main(["graph", "lineage", "ft-b", "--data", data]) == 0
    tree = capsys.readouterr()[0]
    assert "edge(s) from the hub tables" in tree
    gguf_line = next(line for line in tree.splitlines() if "quant/gguf-d" in line)
    assert "quantized, from hub, hub tag: finetune" in gguf_line
    lora_line = next(line for line in tree.splitlines() if "lora/e" in line)
    assert "declared, from card-declared" in lora_line


def test_lineage_without_hub_tables_is_unchanged(chain_store: Store) -> None:
    result = lineage(chain_store, "ft-b")
    assert result.hub_edges == 0
    assert {r["source"] for r in result.ancestors + result.descendants} == {"dataset"}
