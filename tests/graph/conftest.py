"""Graph fixtures: links rebuilt straight from the sample's Parquet files, and a tiny dataset
with lineage chains (the sample's cards give only one generation) to test walks through them."""

from __future__ import annotations

import csv
from collections import defaultdict
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from ptmx.config import bundled_data_dir
from ptmx.store import Store, open_store
from tests.conftest import ARTIFACT

Links = dict[str, set[str]]


def _read(name: str) -> list[dict]:
    return pq.read_table(bundled_data_dir() / f"{name}.parquet").to_pylist()


@pytest.fixture(scope="session")
def parquet_links() -> tuple[Links, Links]:
    """(model → projects, project → models) read with pyarrow, without the store or DuckDB."""
    models = {r["id"]: r["context_id"] for r in _read("model")}
    projects = {r["id"]: f"{r['owner']}/{r['name']}" for r in _read("reuse_repository")}
    by_model: Links = defaultdict(set)
    by_project: Links = defaultdict(set)
    for r in _read("model_to_reuse_repository"):
        model, project = models[r["model_id"]], projects[r["reuse_repository_id"]]
        by_model[model].add(project)
        by_project[project].add(model)
    return by_model, by_project


@pytest.fixture(scope="session")
def mapping_links() -> Links:
    """model → projects from the artifact's mapping.csv (skips when ../shared is absent)."""
    path = ARTIFACT / "mapping.csv"
    if not path.is_file():
        pytest.skip(f"PeaTMOSS artifact not present at {path} (CI keeps ../shared beside the repo)")
    links: Links = defaultdict(set)
    with path.open(newline="", encoding="utf-8") as handle:
        for row in csv.reader(handle):
            if row and row[0].startswith("github.com/"):
                links[row[1]].add(row[0].removeprefix("github.com/"))
    return links


def _write(folder: Path, name: str, rows: dict[str, list]) -> None:
    pq.write_table(pa.table(rows), folder / f"{name}.parquet")


# Lineage: base-a <- ft-b (finetune) <- q-c (quantized); merge-m merges base-a and ghost/base
# (a base outside the dataset); loop-x and loop-y name each other (a corrupt cycle).
CHAIN_MODELS = ["base-a", "ft-b", "q-c", "other", "loop-x", "loop-y", "merge-m"]
CHAIN_PROJECTS = ["alice/app", "bob/tool", "carol/svc", "dave/x"]


@pytest.fixture
def chain_store(tmp_path: Path) -> Store:
    """A small dataset with multi-generation lineage and projects at every level."""
    ids = {name: i for i, name in enumerate(CHAIN_MODELS, 1)}
    pids = {name: i for i, name in enumerate(CHAIN_PROJECTS, 1)}
    _write(tmp_path, "model", {
        "id": list(ids.values()), "context_id": CHAIN_MODELS, "model_hub_id": [1] * len(ids),
        "downloads": [1000 - 10 * i for i in ids.values()],
    })
    _write(tmp_path, "license", {"id": [1, 2, 3], "name": ["apache-2.0", "mit", "cc-by-nc-4.0"]})
    _write(tmp_path, "model_to_license", {
        "model_id": [ids["base-a"], ids["ft-b"], ids["q-c"], ids["other"]],
        "license_id": [1, 3, 3, 2],
    })
    _write(tmp_path, "reuse_repository", {
        "id": list(pids.values()),
        "owner": [p.split("/")[0] for p in CHAIN_PROJECTS],
        "name": [p.split("/")[1] for p in CHAIN_PROJECTS],
    })
    links = [("base-a", "alice/app"), ("ft-b", "bob/tool"), ("other", "bob/tool"),
             ("q-c", "carol/svc"), ("q-c", "dave/x"), ("base-a", "dave/x")]
    _write(tmp_path, "model_to_reuse_repository", {
        "model_id": [ids[m] for m, _ in links],
        "reuse_repository_id": [pids[p] for _, p in links],
    })
    _write(tmp_path, "reuse_repository_license", {
        "reuse_repository_id": [1, 2, 3],
        "license_key": ["mit", "gpl-3.0", None],
        "source": ["test"] * 3,
    })
    bases = [("ft-b", "base-a", "finetune"), ("q-c", "ft-b", "quantized"),
             ("merge-m", "base-a", "merge"), ("merge-m", "ghost/base", "merge"),
             ("loop-x", "loop-y", "unspecified"), ("loop-y", "loop-x", "unspecified")]
    _write(tmp_path, "model_base", {
        "model_id": pa.array([ids[m] for m, _, _ in bases], pa.int64()),
        "model": [m for m, _, _ in bases],
        "base_model": [b for _, b, _ in bases],
        "base_model_id": pa.array([ids.get(b) for _, b, _ in bases], pa.int64()),
        "relation": [r for _, _, r in bases],
        "source": ["test card"] * len(bases),
    })
    return open_store(tmp_path)
