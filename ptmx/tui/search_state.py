"""The models list's search state: what is searched (text, filters, order) and how one page of
it is fetched. Plain data and store calls, no widgets: the models screen and the filter dialog
both use it, and neither imports the other.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ptmx.cards import assess_ids
from ptmx.licenses import tags_in_family
from ptmx.store import Store, count_models, license_names, search_models

PAGE = 200  # rows per page fetched
TEXT_COLUMNS = {"model", "author", "license"}  # sorted A→Z first; numbers sort largest first

Row = dict[str, Any]  # one model as search_models returns it (plus the screen's "card")


@dataclass(frozen=True)
class Filters:
    """What the models list is narrowed to (None: no filter)."""

    license: str | None = None
    family: str | None = None
    author: str | None = None
    task: str | None = None  # a tag (text-classification, …): needs model_to_tag
    library: str | None = None  # needs model_to_library

    def describe(self) -> str:
        parts = [f"{k} {v}" for k, v in (("license", self.license), ("family", self.family),
                                         ("author", self.author), ("task", self.task),
                                         ("library", self.library)) if v]
        return " · ".join(parts)

    def __bool__(self) -> bool:
        return bool(self.license or self.family or self.author or self.task or self.library)


@dataclass(frozen=True)
class SearchParams:
    """One search: text, filters and order. Pages of the same params belong together."""

    text: str = ""
    filters: Filters = Filters()
    order_by: str = "downloads"
    descending: bool = True


@dataclass(frozen=True)
class _FilterArgs:
    """The keyword filters search_models and count_models take."""

    license: str | None = None
    author: str | None = None
    licenses: list[str] | None = None
    task: str | None = None
    library: str | None = None

    def kwargs(self) -> dict[str, Any]:
        return {"license": self.license, "author": self.author, "licenses": self.licenses,
                "task": self.task, "library": self.library}


def _filter_args(store: Store, filters: Filters) -> _FilterArgs | None:
    """The store's filters for ``filters``; None when nothing can match (an empty family)."""
    tags = None
    if filters.family:
        # The license engine maps a family to the tags of this dataset that belong to it.
        tags = tags_in_family(license_names(store), filters.family)
        if not tags:
            return None
    # A filter the dataset cannot apply (no model_to_tag) is not silently ignored: the dialog
    # offers it only where the table exists, so here it narrows or matches nothing.
    for value, table in ((filters.task, "model_to_tag"), (filters.library, "model_to_library")):
        if value and not store.has(table):
            return None
    return _FilterArgs(license=filters.license or None, author=filters.author or None,
                       licenses=tags, task=filters.task or None, library=filters.library or None)


def fetch_page(store: Store, params: SearchParams, page: int) -> list[Row]:
    """One page of models for ``params`` (runs in a worker)."""
    args = _filter_args(store, params.filters)
    if args is None:
        return []
    table = search_models(store, params.text, limit=PAGE, offset=page * PAGE,
                          order_by=params.order_by, descending=params.descending, **args.kwargs())
    rows: list[Row] = table.to_pylist()
    return rows


EXPORT_COLUMNS = ("model", "author", "downloads", "likes", "license", "reuse_count")


def fetch_all(store: Store, params: SearchParams) -> list[list[Any]]:
    """Every model matching ``params``, in order, as rows of :data:`EXPORT_COLUMNS` (export)."""
    args = _filter_args(store, params.filters)
    if args is None:
        return []
    total = fetch_count(store, params)
    table = search_models(store, params.text, limit=max(total, 1), offset=0,
                          order_by=params.order_by, descending=params.descending, **args.kwargs())
    return [[row.get(c) for c in EXPORT_COLUMNS] for row in table.to_pylist()]


def fetch_count(store: Store, params: SearchParams) -> int:
    """How many models match ``params``."""
    args = _filter_args(store, params.filters)
    if args is None:
        return 0
    return int(count_models(store, params.text, **args.kwargs()))


def filter_choices(store: Store) -> dict[str, list[str]]:
    """Completion lists of the task and library filters (absent when the dataset lacks the
    table): the names models carry most first."""
    from ptmx.store.lookup import filter_names

    choices = {}
    for what, link, table in (("task", "model_to_tag", "tag"), ("library", "model_to_library", "library")):
        if store.has(link):
            choices[what] = filter_names(store, table)
    return choices


def card_scores(store: Store, model_ids: list[int]) -> dict[int, float | None]:
    """Card completeness (0–100, None when the dataset has no card data) for many models."""
    return {a.model_id: a.completeness for a in assess_ids(store, model_ids)
            if a.model_id is not None}
