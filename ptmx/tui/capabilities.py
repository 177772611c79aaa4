"""The TUI's one doorway to ptmx's capability packages (licenses, graph, cards, hub).

Those packages are optional from the TUI's point of view: a build (or a checkout mid-way through
development) may lack one. Each function here imports its package lazily and, if it is missing,
raises :class:`NotAvailable` whose message says what the feature will do, so a screen can show
that in place instead of crashing. Everything here runs inside worker threads.
"""

from __future__ import annotations

import importlib
import threading
import weakref
from types import ModuleType
from typing import Any

from ptmx.errors import PtmxError


class NotAvailable(PtmxError):
    """A feature whose capability package is not part of this build (yet)."""


def optional(module: str) -> ModuleType | None:
    """Import ``module`` or return None when it (or something it needs) is absent."""
    try:
        return importlib.import_module(module)
    except ImportError:
        return None


def _need(module: str, attr: str, feature: str) -> Any:
    mod = optional(module)
    func = getattr(mod, attr, None) if mod else None
    if func is None:
        raise NotAvailable(f"{feature} is not available yet: {module}.{attr} is not in this build")
    return func


# feature adapter → (module, attribute, what it is called) — lets screens check before they
# start a worker, so an absent package costs nothing (no exception, no traceback in the log).
REQUIRES: dict[str, tuple[str, str, str]] = {}


def missing(adapter: Any) -> NotAvailable | None:
    """The NotAvailable error ``adapter`` would raise right now, or None if it can run."""
    module, attr, feature = REQUIRES[adapter.__name__]
    try:
        _need(module, attr, feature)
    except NotAvailable as error:
        return error
    return None


def _requires(module: str, attr: str, feature: str) -> Any:
    def mark(func: Any) -> Any:
        REQUIRES[func.__name__] = (module, attr, feature)
        return func
    return mark


def available(module: str, attr: str) -> bool:
    """Whether ``module.attr`` can be used (for showing or hiding keys)."""
    mod = optional(module)
    return bool(mod and getattr(mod, attr, None))


# -- adapters: one per feature the TUI shows (signatures settle as the packages land) ----------
@_requires("ptmx.licenses", "audit", "the license audit")
def license_audit(store: Any) -> Any:
    """The dataset-wide audit (every link and lineage edge judged), computed once per store:
    the licenses screen and every model and project page read the same result."""
    audit = _need("ptmx.licenses", "audit", "the license audit")
    with _AUDIT_LOCK:
        found = _AUDITS.get(store)
    if found is None:
        found = audit(store)
        with _AUDIT_LOCK:
            _AUDITS[store] = found
    return found


_AUDITS: weakref.WeakKeyDictionary[Any, Any] = weakref.WeakKeyDictionary()
_AUDIT_LOCK = threading.Lock()


@_requires("ptmx.licenses", "audit", "license verdicts")
def link_verdicts(store: Any, *, model_id: int | None = None,
                  project_id: int | None = None) -> list[dict[str, Any]]:
    """The audit records of one model (its links, and lineage edges it is part of) or of one
    project (its links), as plain dicts."""
    import pyarrow.compute as pc

    table = license_audit(store).table
    if model_id is not None:
        mask = pc.or_kleene(pc.equal(table.column("model_id"), model_id),
                            pc.equal(table.column("derived_id"), model_id))
    else:
        mask = pc.equal(table.column("project_id"), project_id)
    return table.filter(pc.fill_null(mask, False)).to_pylist()


@_requires("ptmx.cards", "assess", "model-card completeness")
def card_assessment(store: Any, model: str) -> Any:
    """How well ``model``'s card documents it: completeness and the fields it lacks."""
    return _need("ptmx.cards", "assess", "model-card completeness")(store, model)


@_requires("ptmx.cards", "assess_ids", "card completeness")
def card_scores(store: Any, model_ids: list[int]) -> dict[int, float | None]:
    """Completeness (0–100, None when the dataset has no card data) for many models at once."""
    assess_ids = _need("ptmx.cards", "assess_ids", "card completeness")
    return {a.model_id: a.completeness for a in assess_ids(store, model_ids)}


@_requires("ptmx.cards", "report", "the documentation report")
def card_report(store: Any) -> Any:
    """Completeness by field and the least documented among the most reused models."""
    return _need("ptmx.cards", "report", "the documentation report")(store, top=50)


@_requires("ptmx.hub", "lookup_with_drift", "the live hub lookup")
def hub_lookup(store: Any, model: str, client: Any = None) -> Any:
    """The model as the live hub has it now, with the drift against the snapshot."""
    lookup = _need("ptmx.hub", "lookup_with_drift", "the live hub lookup")
    return lookup(store, model, client=client) if client is not None else lookup(store, model)


def export_subgraphs(subgraphs: list[Any], path: str) -> Any:
    """Merge the graph results shown so far and write them to ``path`` (format by suffix)."""
    graph = optional("ptmx.graph")
    if graph is None or not subgraphs:
        raise NotAvailable("graph export is not available yet: ptmx.graph is not in this build")
    nodes: dict[str, Any] = {}
    edges: dict[tuple[str, str, str], Any] = {}
    for sub in subgraphs:
        nodes.update(sub.nodes)
        for edge in sub.edges:
            edges.setdefault((edge.source, edge.target, edge.kind), edge)
    merged = graph.Subgraph(subgraphs[0].root, nodes, list(edges.values()))
    return graph.export(merged, path)
