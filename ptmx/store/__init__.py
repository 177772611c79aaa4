"""DuckDB over a PeaTMOSS Parquet folder: open and validate, named queries, read-only console.

Knows nothing of Textual or rich; returns Arrow tables and dataclasses.
"""

from ptmx.store.console import QueryResult, check_read_only, run_readonly
from ptmx.store.lookup import (
    count_models,
    find_model_id,
    find_project_id,
    license_names,
    normalise_model_id,
    normalise_project,
    require_model_id,
    require_project_id,
    search_model_rows,
    search_models,
    suggest_models,
    suggest_projects,
)
from ptmx.store.pages import ModelPage, ProjectPage, model_page, project_page, stats
from ptmx.store.store import Store, open_store

open = open_store

__all__ = [
    "ModelPage", "ProjectPage", "QueryResult", "Store", "check_read_only", "count_models",
    "find_model_id", "find_project_id", "license_names", "model_page", "normalise_model_id",
    "normalise_project",
    "open", "open_store", "project_page", "require_model_id", "require_project_id",
    "run_readonly", "search_model_rows", "search_models", "stats", "suggest_models", "suggest_projects",
]
