"""Card fixtures: the hand-checked cards read straight from the artifact (or the sample's
Parquet), and tiny datasets built with the real importer's card mapping."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from ptmx.ingest.extensions import card_rows
from ptmx.store import Store, open_store
from tests.conftest import ARTIFACT

CARDS_JSON = ARTIFACT / "model_metadata_sample.json"


@pytest.fixture(scope="session")
def artifact_cards() -> dict[str, dict[str, Any]]:
    """model id → hand-checked card, as published (skips when ../shared is absent)."""
    if not CARDS_JSON.is_file():
        pytest.skip(f"PeaTMOSS artifact not present at {CARDS_JSON}")
    return json.loads(CARDS_JSON.read_text(encoding="utf-8"))


def _write(folder: Path, name: str, table: pa.Table | dict[str, list]) -> None:
    pq.write_table(table if isinstance(table, pa.Table) else pa.table(table),
                   folder / f"{name}.parquet")


def build_dataset(folder: Path, models: list[dict[str, Any]]) -> Store:
    """A dataset folder from model specs and the store over it.

    Each spec: ``id`` (hub id), optional ``licenses`` (tags), ``reuse`` (number of projects),
    ``card`` (a hand-checked-style card dict, as in model_metadata_sample.json), ``tags``.
    """
    folder.mkdir(parents=True, exist_ok=True)
    ids = {m["id"]: i for i, m in enumerate(models, 1)}
    _write(folder, "model", {
        "id": pa.array(list(ids.values()), pa.int64()), "context_id": list(ids),
        "model_hub_id": pa.array([1] * len(ids), pa.int64()),
        "downloads": pa.array([1000 * i for i in ids.values()], pa.int64())})
    _write(folder, "model_hub", {"id": pa.array([1], pa.int64()), "name": ["Hugging Face"],
                                 "url": ["https://huggingface.co"]})
    names = sorted({lic for m in models for lic in m.get("licenses", [])})
    lic_ids = {n: i for i, n in enumerate(names, 1)}
    _write(folder, "license", {"id": pa.array(list(lic_ids.values()), pa.int64()),
                               "name": pa.array(list(lic_ids), pa.string())})
    pairs = [(ids[m["id"]], lic_ids[lic]) for m in models for lic in m.get("licenses", [])]
    _write(folder, "model_to_license", {
        "model_id": pa.array([p[0] for p in pairs], pa.int64()),
        "license_id": pa.array([p[1] for p in pairs], pa.int64())})
    most = max([m.get("reuse", 0) for m in models] + [1])
    _write(folder, "reuse_repository", {
        "id": pa.array(range(1, most + 1), pa.int64()),
        "owner": [f"owner{i}" for i in range(1, most + 1)],
        "name": [f"app{i}" for i in range(1, most + 1)]})
    links = [(ids[m["id"]], p) for m in models for p in range(1, m.get("reuse", 0) + 1)]
    _write(folder, "model_to_reuse_repository", {
        "model_id": pa.array([x[0] for x in links], pa.int64()),
        "reuse_repository_id": pa.array([x[1] for x in links], pa.int64())})
    cards = {m["id"]: m["card"] for m in models if m.get("card") is not None}
    card_table, base_table, _ = card_rows(cards, ids)
    _write(folder, "model_card", card_table)
    _write(folder, "model_base", base_table)
    tagged = [m for m in models if "tags" in m]
    if tagged:
        tag_names = sorted({t for m in tagged for t in m["tags"]})
        tag_ids = {t: i for i, t in enumerate(tag_names, 1)}
        _write(folder, "tag", {"id": pa.array(list(tag_ids.values()), pa.int64()),
                               "name": pa.array(list(tag_ids), pa.string())})
        mt = [(ids[m["id"]], tag_ids[t]) for m in tagged for t in m["tags"]]
        _write(folder, "model_to_tag", {"model_id": pa.array([x[0] for x in mt], pa.int64()),
                                        "tag_id": pa.array([x[1] for x in mt], pa.int64())})
    return open_store(folder)


def full_card(**overrides: Any) -> dict[str, Any]:
    """A hand-checked-style card with every field filled in (override to blank some)."""
    card: dict[str, Any] = {
        "model_type": "nlp", "model_tasks": "text classification",
        "frameworks": ["pytorch", "transformers"], "datasets": ["imdb"],
        "license": "apache-2.0", "github": "https://github.com/acme/x",
        "paper": "https://arxiv.org/abs/1810.04805", "upstream_model": "bert-base-uncased",
        "parameter_count": "110M", "hyper_parameters": {"epochs": "3", "batch_size": "32"},
        "evaluation": {"accuracy": "0.93"}, "hardware": "1x A100",
        "limitation_and_bias": "Trained on movie reviews only.", "code_demo": "pipeline(...)",
        "input_format": "text", "output_format": "label", "carbon_emitted": "1.2 kg",
    }
    card.update(overrides)
    return card


EMPTY_CARD = {key: "" for key in full_card()} | {"frameworks": [], "datasets": [""],
                                                  "hyper_parameters": {"epochs": ""},
                                                  "evaluation": ""}
