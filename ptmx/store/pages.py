"""Everything the dataset says about one model or one project, and dataset-wide counts.

Results are plain dataclasses so the CLI (JSON/table) and the TUI render the same objects.
Optional tables that are absent simply leave their part empty; ``missing_tables`` says which.
"""

from __future__ import annotations

import contextlib
import json
from dataclasses import dataclass, field, fields
from typing import Any

from ptmx.store.detail import MODEL_LISTS, list_query
from ptmx.store.lookup import require_model_id, require_project_id
from ptmx.store.store import Store


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
        """Plain JSON-ready dict (its values are the page's own lists and dicts, not copies)."""
        return {f.name: getattr(self, f.name) for f in fields(self)}


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
        """Plain JSON-ready dict (its values are the page's own lists and dicts, not copies)."""
        return {f.name: getattr(self, f.name) for f in fields(self)}


def model_page(store: Store, ref: str) -> ModelPage:
    """The page of the model named ``ref``; :class:`NotFoundError` with suggestions if unknown."""
    model_id = require_model_id(store, ref)
    # Head, name lists, lineage and card in one round trip: each part is an indexed single-row
    # lookup, so DuckDB's fixed cost per query (~1 ms) is what a page would otherwise pay.
    card = ("(SELECT c FROM model_card c WHERE c.model_id = $id LIMIT 1)"
            if store.has("model_card") else "NULL")
    head = store.rows(
        f"""SELECT model_id AS id, model, author, downloads, likes, reuse_count, license, hub,
                   (SELECT struct_pack(repo_url, sha) FROM model WHERE id = $id LIMIT 1) AS repo,
                   (SELECT list(d) FROM model_detail d WHERE d.model_id = $id) AS detail,
                   {card} AS card
            FROM model_summary WHERE model_id = $id""",
        {"id": model_id},
    )[0]
    detail: dict[str, Any] = {}
    for row in head["detail"] or ():
        if row["list"] == "lineage":
            detail["base_models"], detail["derived_models"] = (row["base_models"],
                                                               row["derived_models"])
    missing = [link for _attr, table, link, _key in MODEL_LISTS
               if not (store.has(table) and store.has(link))]
    lists: dict[str, Any] = dict(_model_lists(store, model_id))
    page = ModelPage(
        id=head["id"], model=head["model"], author=head["author"], hub=head["hub"],
        repo_url=head["repo"]["repo_url"], sha=head["repo"]["sha"], downloads=head["downloads"],
        likes=head["likes"], reuse_count=head["reuse_count"],
        licenses=head["license"].split(" AND ") if head["license"] else [],
        projects=_model_projects(store, model_id),
        **lists,
        base_models=[dict(b) for b in detail.get("base_models") or []],
        derived_models=[dict(d) for d in detail.get("derived_models") or []],
    )
    if not store.has("model_base"):
        missing.append("model_base")
    if store.has("model_card"):
        page.card = _plain_card(head["card"]) if head["card"] else None
    else:
        missing.append("model_card")
    page.missing_tables = missing
    return page


def _model_lists(store: Store, model_id: int) -> dict[str, list[str]]:
    """The page's seven name lists, each sorted and without repeats (code point order, which
    is DuckDB's order of VARCHAR too)."""
    sql = list_query({name for _attr, table, link, _key in MODEL_LISTS for name in (table, link)
                      if store.has(name)})
    found: dict[str, set[str]] = {attr: set() for attr, *_ in MODEL_LISTS}
    for row in store.rows(sql, {"id": model_id}) if sql else ():
        found[row["list"]].add(row["name"])
    return {attr: sorted(names) for attr, names in found.items()}


def _plain_card(row: dict[str, Any]) -> dict[str, Any]:
    card = {k: v for k, v in row.items() if k != "model_id"}
    for key in ("hyper_parameters", "evaluation"):
        if isinstance(card.get(key), str):
            with contextlib.suppress(json.JSONDecodeError):
                card[key] = json.loads(card[key])
    return card


def _model_projects(store: Store, model_id: int) -> list[dict[str, Any]]:
    # As tuples, not Arrow: Arrow converts thousands of rows with a list column faster, but
    # importing pyarrow costs a one-shot `ptmx model` more than that.
    return store.rows(
        "SELECT project, url, files FROM reuse_link WHERE model_id = ? ORDER BY project",
        [model_id],
    )


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
    models = store.rows(
        """SELECT model, license, downloads, reuse_count, files FROM reuse_link
           WHERE project_id = ? ORDER BY model""",
        [project_id],
    )
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
