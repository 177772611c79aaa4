"""`ptmx sample build SRC OUT`: the bundled real sample, rebuilt from the PeaTMOSS artifact files.

Inputs (in SRC): mapping.csv, all_gh_licenses.json, filtered_models.json, model_metadata_sample.json.
Models are every id in mapping.csv, filtered_models.json and the hand-checked cards; projects are
every project of mapping.csv. Ids are assigned in sorted order so a rebuild is byte-for-byte the
same data. Nothing is invented: what the artifact does not say (likes, sha, files) stays NULL.
"""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import pyarrow as pa

from ptmx.errors import UsageError
from ptmx.ingest.extensions import card_rows, load_json, repo_license_rows
from ptmx.ingest.writer import DatasetWriter

FILES = ("mapping.csv", "all_gh_licenses.json", "filtered_models.json",
         "model_metadata_sample.json")
HF_HUB = "Hugging Face"
HF_URL = "https://huggingface.co"


def _read_mapping(path: Path) -> list[tuple[str, str, str]]:
    """(owner/name, model id, license tag or '') per row of mapping.csv."""
    rows = []
    with path.open(newline="", encoding="utf-8") as handle:
        for lineno, row in enumerate(csv.reader(handle), 1):
            if len(row) != 4:
                raise UsageError(f"{path}:{lineno}: expected 4 columns "
                                 f"(project, model, model URL, license), found {len(row)}")
            project, model, _url, license_tag = (c.strip() for c in row)
            rows.append((project.removeprefix("github.com/"), model, license_tag))
    return rows


def build_sample(src: Path, out: Path, *, force: bool = False) -> dict[str, int]:
    """Build the sample dataset from the artifact folder ``src`` into ``out``; returns row counts."""
    for name in FILES:
        if not (src / name).is_file():
            raise UsageError(f"{src / name}: artifact file missing",
                             hint="SRC must hold " + ", ".join(FILES))
    mapping = _read_mapping(src / "mapping.csv")
    scan = load_json(src / "all_gh_licenses.json", "repository licenses")
    downloads = load_json(src / "filtered_models.json", "model downloads")
    cards = load_json(src / "model_metadata_sample.json", "model cards")

    model_names = sorted({m for _, m, _ in mapping} | set(downloads) | set(cards))
    model_ids = {m: i for i, m in enumerate(model_names, 1)}
    projects = sorted({p for p, _, _ in mapping})
    project_ids = {p: i for i, p in enumerate(projects, 1)}
    license_names = sorted({lic for _, _, lic in mapping if lic})
    license_ids = {name: i for i, name in enumerate(license_names, 1)}
    authors = sorted({m.split("/", 1)[0] for m in model_names if "/" in m})
    author_ids = {a: i for i, a in enumerate(authors, 1)}

    model = pa.table({
        "id": pa.array(range(1, len(model_names) + 1), pa.int64()),
        "context_id": model_names,
        "model_hub_id": pa.array([1] * len(model_names), pa.int64()),
        "sha": pa.nulls(len(model_names), pa.string()),
        "repo_url": [f"{HF_URL}/{m}" for m in model_names],
        "downloads": pa.array([downloads.get(m) for m in model_names], pa.int64()),
        "likes": pa.nulls(len(model_names), pa.int64()),
        "has_snapshot": pa.array([0] * len(model_names), pa.int64()),
    })
    model_license = sorted({(model_ids[m], license_ids[lic]) for _, m, lic in mapping if lic})
    links = sorted({(model_ids[m], project_ids[p]) for p, m, _ in mapping})
    tables: dict[str, pa.Table] = {
        "model": model,
        "model_hub": pa.table({"id": pa.array([1], pa.int64()), "name": [HF_HUB], "url": [HF_URL]}),
        "license": pa.table({"id": pa.array(list(license_ids.values()), pa.int64()),
                             "name": license_names}),
        "model_to_license": _pairs(model_license, "model_id", "license_id"),
        "reuse_repository": pa.table({
            "id": pa.array(range(1, len(projects) + 1), pa.int64()),
            "owner": [p.split("/", 1)[0] for p in projects],
            "name": [p.split("/", 1)[1] for p in projects],
            "url": [f"https://github.com/{p}" for p in projects],
        }),
        "model_to_reuse_repository": _pairs(links, "model_id", "reuse_repository_id"),
        "author": pa.table({"id": pa.array(list(author_ids.values()), pa.int64()),
                            "name": authors}),
        "model_to_author": _pairs(
            sorted((model_ids[m], author_ids[m.split("/", 1)[0]]) for m in model_names if "/" in m),
            "model_id", "author_id"),
    }
    lowered = {p.lower(): i for p, i in project_ids.items()}
    tables["reuse_repository_license"], _ = repo_license_rows(scan, lowered)
    tables["model_card"], tables["model_base"], _ = card_rows(cards, model_ids)

    with DatasetWriter(out, force=force, inputs=[src]) as writer:
        for name, table in tables.items():
            writer.write(name, table)
        # The attribution travels with the data: a rebuild rewrites it too.
        shutil.copyfile(Path(__file__).with_name("DATA_README.md"), writer.tmp / "README.md")
        writer.commit(
            name="PeaTMOSS real sample",
            source="PurdueDualityLab/PeaTMOSS-Artifact: " + ", ".join(FILES),
            extra={"built_by": "ptmx sample build", "mapping_rows": len(mapping)},
        )
        return dict(writer.row_counts)


def _pairs(pairs: list[tuple[int, int]], left: str, right: str) -> pa.Table:
    return pa.table({left: pa.array([a for a, _ in pairs], pa.int64()),
                     right: pa.array([b for _, b in pairs], pa.int64())})
