"""Everything the dataset says about one model or one project, and dataset-wide counts.

Results are plain dataclasses so the CLI (JSON/table) and the TUI render the same objects.
Optional tables that are absent simply leave their part empty; ``missing_tables`` says which.
"""

from __future__ import annotations

import contextlib
import json
from dataclasses import asdict, dataclass, field
from typing import Any

from ptmx.store.lookup import require_model_id, require_project_id
from ptmx.store.store import Store

# (field on ModelPage, lookup table, link table, key column in the link table)
_MODEL_LISTS = (
    ("tags", "tag", "model_to_tag", "tag_id"),
    ("datasets", "dataset", "model_to_dataset", "dataset_id"),
    ("papers", "paper", "model_to_paper", "paper_id"),
    ("libraries", "library", "model_to_library", "library_id"),
    ("frameworks", "framework", "model_to_framework", "framework_id"),
    ("architectures", "architecture", "model_to_architecture", "architecture_id"),
    ("languages", "language", "model_to_language", "language_id"),
)


@dataclass
class ModelPage:
    """One model as the dataset knows it."""

    id: int
    model: str
    author: str | None
    hub: str | None
    repo_url: str | None
    sha: str | None
    downloads: int | None
    likes: int | None
    licenses: list[str]
    reuse_count: int
    projects: list[dict[str, Any]]
    tags: list[str] = field(default_factory=list)
    datasets: list[str] = field(default_factory=list)
    papers: list[str] = field(default_factory=list)
    libraries: list[str] = field(default_factory=list)
    frameworks: list[str] = field(default_factory=list)
    architectures: list[str] = field(default_factory=list)
    languages: list[str] = field(default_factory=list)
    base_models: list[dict[str, Any]] = field(default_factory=list)
    derived_models: list[dict[str, Any]] = field(default_factory=list)
    card: dict[str, Any] | None = None
    missing_tables: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready dict."""
        return asdict(self)


@dataclass
class ProjectPage:
    """One reusing GitHub project: its models and its own licenses."""

    id: int
    project: str
    url: str | None
    licenses: list[str] | None  # None: never scanned; []: scanned, no license found
    license_source: str | None
    models: list[dict[str, Any]]
    missing_tables: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready dict."""
        return asdict(self)


def model_page(store: Store, ref: str) -> ModelPage:
    """The page of the model named ``ref``; :class:`NotFoundError` with suggestions if unknown."""
    model_id = require_model_id(store, ref)
    head = store.rows(
        """SELECT model_id AS id, model, author, repo_url, sha, downloads, likes, reuse_count,
                  license, hub
           FROM model_summary WHERE model_id = ?""",
        [model_id],
    )[0]
    missing: list[str] = []
    page = ModelPage(
        id=head["id"], model=head["model"], author=head["author"], hub=head["hub"],
        repo_url=head["repo_url"], sha=head["sha"], downloads=head["downloads"],
        likes=head["likes"], reuse_count=head["reuse_count"],
        licenses=head["license"].split(" AND ") if head["license"] else [],
        projects=_model_projects(store, model_id),
    )
    # All name lists in one round trip: each is a tiny indexed lookup, the query overhead dominates.
    lists = []
    for attr, table, link, key in _MODEL_LISTS:
        if store.has(table) and store.has(link):
            lists.append(f"SELECT '{attr}' AS attr, t.name FROM {link} x JOIN {table} t "
                         f"ON t.id = x.{key} WHERE x.model_id = $id")
        else:
            missing.append(link)
    if lists:
        found: dict[str, list[str]] = {}
        for row in store.rows(" UNION ALL ".join(lists) + " ORDER BY attr, name", {"id": model_id}):
            found.setdefault(row["attr"], []).append(row["name"])
        for attr, names in found.items():
            setattr(page, attr, names)
    if store.has("model_base"):
        # Both directions in one round trip; bases outside the dataset have no id and still
        # match by name.
        edges = store.rows(
            """SELECT 'base' AS direction, base_model AS model, base_model_id IS NOT NULL
                      AS in_dataset, relation, source
               FROM model_base WHERE model_id = $id
               UNION ALL
               SELECT 'derived', model, true, relation, source FROM model_base
               WHERE base_model_id = $id OR (base_model_id IS NULL AND base_model = $name)
               ORDER BY direction, model""",
            {"id": model_id, "name": page.model},
        )
        page.base_models = [
            {"base_model": e["model"], "in_dataset": e["in_dataset"], "relation": e["relation"],
             "source": e["source"]} for e in edges if e["direction"] == "base"]
        page.derived_models = [
            {"model": e["model"], "relation": e["relation"], "source": e["source"]}
            for e in edges if e["direction"] == "derived"]
    else:
        missing.append("model_base")
    if store.has("model_card"):
        cards = store.rows("SELECT * FROM model_card WHERE model_id = ? LIMIT 1", [model_id])
        page.card = _plain_card(cards[0]) if cards else None
    else:
        missing.append("model_card")
    page.missing_tables = missing
    return page


def _plain_card(row: dict[str, Any]) -> dict[str, Any]:
    card = {k: v for k, v in row.items() if k != "model_id"}
    for key in ("hyper_parameters", "evaluation"):
        if isinstance(card.get(key), str):
            with contextlib.suppress(json.JSONDecodeError):
                card[key] = json.loads(card[key])
    return card


def _model_projects(store: Store, model_id: int) -> list[dict[str, Any]]:
    # Through Arrow: for thousands of rows with a list column it is 2-3x faster than tuples.
    return store.query(
        "SELECT project, url, files FROM reuse_link WHERE model_id = ? ORDER BY project",
        [model_id],
    ).to_pylist()


def project_page(store: Store, ref: str) -> ProjectPage:
    """The page of project ``owner/name``; :class:`NotFoundError` with suggestions if unknown."""
    project_id = require_project_id(store, ref)
    head = store.rows(
        "SELECT owner || '/' || name AS project, url FROM reuse_repository WHERE id = ?",
        [project_id],
    )[0]
    missing: list[str] = []
    licenses: list[str] | None = None
    source = None
    if store.has("reuse_repository_license"):
        rows = store.rows(
            """SELECT license_key, source FROM reuse_repository_license
               WHERE reuse_repository_id = ? ORDER BY license_key NULLS LAST""",
            [project_id],
        )
        if rows:
            licenses = [r["license_key"] for r in rows if r["license_key"] is not None]
            source = rows[0]["source"]
    else:
        missing.append("reuse_repository_license")
    if not store.has("reuse_file"):
        missing.append("reuse_file")
    models = store.query(
        """SELECT model, license, downloads, reuse_count, files FROM reuse_link
           WHERE project_id = ? ORDER BY model""",
        [project_id],
    ).to_pylist()
    return ProjectPage(id=project_id, project=head["project"], url=head["url"], licenses=licenses,
                       license_source=source, models=models, missing_tables=missing)


def stats(store: Store) -> dict[str, Any]:
    """Dataset-wide counts: models, projects, links, licenses, hubs, and extension coverage."""
    def count(sql: str) -> int:
        return int(store.scalar(sql) or 0)

    result: dict[str, Any] = {
        "dataset": str(store.folder),
        "name": store.manifest.get("name"),
        "models": count("SELECT count(*) FROM model"),
        "projects": count("SELECT count(*) FROM reuse_repository"),
        "links": count("SELECT count(*) FROM (SELECT DISTINCT model_id, reuse_repository_id "
                       "FROM model_to_reuse_repository)"),
        "licenses": count("SELECT count(*) FROM license"),
        "hubs": count("SELECT count(*) FROM model_hub") if store.has("model_hub") else 0,
        "reused_models": count("SELECT count(*) FROM model_summary WHERE reuse_count > 0"),
        "models_with_license": count("SELECT count(DISTINCT model_id) FROM model_to_license"),
    }
    if store.has("reuse_repository_license"):
        result["projects_scanned"] = count(
            "SELECT count(DISTINCT reuse_repository_id) FROM reuse_repository_license")
    if store.has("model_card"):
        result["model_cards"] = count("SELECT count(*) FROM model_card")
    if store.has("model_base"):
        result["base_edges"] = count("SELECT count(*) FROM model_base")
    result["tables"] = {t: n for t, n in sorted(store.row_counts.items())}
    return result
