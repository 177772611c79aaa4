"""DuckDB over a PeaTMOSS Parquet folder: open and validate, named queries, read-only console.

Knows nothing of Textual or rich; returns Arrow tables and dataclasses.

The names below are loaded on first use (PEP 562), so a one-shot command imports only the
modules it calls: `ptmx search` never loads the SQL console or the page builders.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
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

_WHERE = {
    "console": ("QueryResult", "check_read_only", "run_readonly"),
    "lookup": ("count_models", "find_model_id", "find_project_id", "license_names",
               "normalise_model_id", "normalise_project", "require_model_id",
               "require_project_id", "search_model_rows", "search_models", "suggest_models",
               "suggest_projects"),
    "pages": ("ModelPage", "ProjectPage", "model_page", "project_page", "stats"),
    "store": ("Store", "open_store"),
}
_MODULE_OF = {name: module for module, names in _WHERE.items() for name in names}


def __getattr__(name: str) -> Any:
    if name == "open":
        name = "open_store"
    module = _MODULE_OF.get(name)
    if module is None:
        raise AttributeError(f"module 'ptmx.store' has no attribute {name!r}")
    return getattr(importlib.import_module(f"ptmx.store.{module}"), name)


__all__ = [
    "ModelPage", "ProjectPage", "QueryResult", "Store", "check_read_only", "count_models",
    "find_model_id", "find_project_id", "license_names", "model_page", "normalise_model_id",
    "normalise_project",
    "open", "open_store", "project_page", "require_model_id", "require_project_id",
    "run_readonly", "search_model_rows", "search_models", "stats", "suggest_models",
    "suggest_projects",
]
