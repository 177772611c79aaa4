"""Licence fixtures: a tiny dataset whose relations cover every verdict the sample lacks
(drift and conflict on base→derived edges, redistribution, unscanned projects)."""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from ptmx.store import Store, open_store

MODELS = {
    # model id: licence tags (several = an AND)
    "acme/free": ["mit"],
    "acme/apache": ["apache-2.0"],
    "acme/nc-base": ["cc-by-nc-4.0"],
    "acme/nc-ft": ["apache-2.0"],
    "meta/llama3": ["llama3"],
    "acme/llama-ft": ["apache-2.0"],
    "acme/gpl-model": ["gpl-3.0"],
    "acme/rail": ["creativeml-openrail-m"],
    "acme/other": ["other"],
    "acme/family": ["openrail"],
    "acme/ghost-ft": ["mit"],
    "acme/dual": ["mit", "cc-by-nc-4.0"],
}
# project: (ScanCode keys | None for "scanned, nothing found" | "unscanned", models)
PROJECTS = {
    "alice/app": (["mit"], ["acme/free", "acme/nc-base"]),
    "bob/nolicense": (None, ["acme/free", "acme/gpl-model"]),
    "carol/vendored": (["mit", "stable-diffusion-2022-08-22"], ["acme/rail"]),
    "dave/unscanned": ("unscanned", ["acme/free", "acme/nc-base"]),
    "erin/gpl2": (["gpl-2.0"], ["acme/apache"]),
    "frank/pd": (["unlicense"], ["acme/free", "acme/other", "acme/family"]),
    "gina/multi": (["apache-2.0", "mit", "generic-cla"], ["acme/dual"]),
}
EDGES = [  # (derived, base, relation)
    ("acme/nc-ft", "acme/nc-base", "finetune"),
    ("acme/llama-ft", "meta/llama3", "finetune"),
    ("acme/ghost-ft", "ghost/base", "adapter"),
]


def _write(folder: Path, name: str, columns: dict[str, pa.Array | list]) -> None:
    pq.write_table(pa.table(columns), folder / f"{name}.parquet")


Projects = dict[str, tuple[list[str] | str | None, list[str]]]


def build_license_dataset(folder: Path, models: dict[str, list[str]] | None = None,
                          projects: Projects | None = None,
                          edges: list[tuple[str, str, str]] | None = None) -> Path:
    """Write the tiny dataset (or one shaped like it from ``models``, ``projects`` and
    ``edges``) as Parquet files into ``folder`` (created if needed)."""
    models = MODELS if models is None else models
    projects = PROJECTS if projects is None else projects
    edges = EDGES if edges is None else edges
    folder.mkdir(parents=True, exist_ok=True)
    ids = {m: i for i, m in enumerate(models, 1)}
    tags = sorted({t for ts in models.values() for t in ts})
    tag_ids = {t: i for i, t in enumerate(tags, 1)}
    pids = {p: i for i, p in enumerate(projects, 1)}
    _write(folder, "model", {"id": pa.array(list(ids.values()), pa.int64()),
                             "context_id": list(ids), "model_hub_id": [1] * len(ids)})
    _write(folder, "license", {"id": pa.array(list(tag_ids.values()), pa.int64()),
                               "name": list(tag_ids)})
    pairs = [(ids[m], tag_ids[t]) for m, ts in models.items() for t in ts]
    _write(folder, "model_to_license", {"model_id": pa.array([a for a, _ in pairs], pa.int64()),
                                        "license_id": pa.array([b for _, b in pairs], pa.int64())})
    _write(folder, "reuse_repository", {
        "id": pa.array(list(pids.values()), pa.int64()),
        "owner": [p.split("/", 1)[0] for p in pids], "name": [p.split("/", 1)[1] for p in pids]})
    links = [(ids[m], pids[p]) for p, (_, ms) in projects.items() for m in ms]
    _write(folder, "model_to_reuse_repository", {
        "model_id": pa.array([a for a, _ in links], pa.int64()),
        "reuse_repository_id": pa.array([b for _, b in links], pa.int64())})
    scan_ids: list[int] = []
    scan_keys: list[str | None] = []
    for project, (keys, _) in projects.items():
        if keys == "unscanned":
            continue
        for key in keys or [None]:
            scan_ids.append(pids[project])
            scan_keys.append(key)
    _write(folder, "reuse_repository_license", {
        "reuse_repository_id": pa.array(scan_ids, pa.int64()),
        "license_key": pa.array(scan_keys, pa.string()),
        "source": ["test"] * len(scan_ids)})
    _write(folder, "model_base", {
        "model_id": pa.array([ids[d] for d, _, _ in edges], pa.int64()),
        "model": [d for d, _, _ in edges],
        "base_model": [b for _, b, _ in edges],
        "base_model_id": pa.array([ids.get(b) for _, b, _ in edges], pa.int64()),
        "relation": [r for _, _, r in edges],
        "source": ["test"] * len(edges)})
    return folder


@pytest.fixture
def license_store(tmp_path: Path) -> Store:
    """The tiny licence dataset, opened."""
    return open_store(build_license_dataset(tmp_path / "lic"))


@pytest.fixture
def license_dir(tmp_path: Path) -> Path:
    """The tiny licence dataset's folder (for the CLI's --data)."""
    return build_license_dataset(tmp_path / "lic")
