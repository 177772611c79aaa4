"""Blast radius: everything that depends on a model, directly or through models derived from it.

Each affected model or project comes with its shortest dependency path from the model, so a user
can see *why* it is affected if the model is withdrawn, relicensed or found faulty. When the
license engine (``ptmx.licenses``) is installed, each step of a path also gets its verdict;
without it the verdicts are simply absent (``license_engine`` is False).
"""

from __future__ import annotations

import dataclasses
import enum
import importlib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from ptmx.graph import queries
from ptmx.graph.core import DERIVED, USED_BY, Node, Subgraph, TreeNode, require_model
from ptmx.graph.lineage import MAX_GENERATIONS
from ptmx.graph.walk import walk
from ptmx.store import Store

# Activities as the license engine names them: a project loads a model (use); a model is
# fine-tuned, quantized, merged or adapted from its base (derive).
ACTIVITY = {USED_BY: "use", DERIVED: "derive"}

Verdict = dict[str, Any]


@dataclass
class Affected:
    """One dependent of the model and how it depends on it."""

    node: Node
    distance: int
    path: list[Node]             # from the model to this node, both included
    relations: list[str]         # per step: "derived" (a model derived from the previous one)
                                 # or "used-by" (a project using the previous model)
    verdicts: list[Verdict] | None = None  # per step; None when the license engine is absent

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.node.kind, "name": self.node.name, "distance": self.distance,
            "via": self.relations[-1], "path": [n.name for n in self.path],
            "relations": self.relations, "license": self.node.license,
            "verdicts": self.verdicts,
        }


@dataclass
class Impact(Subgraph):
    """The dependents of ``root`` (a tree of ``derived``/``used-by`` branches) and their paths."""

    affected: list[Affected] = field(default_factory=list)
    license_engine: bool = False

    @property
    def projects(self) -> int:
        return sum(1 for a in self.affected if a.node.kind == "project")

    @property
    def models(self) -> int:
        return sum(1 for a in self.affected if a.node.kind == "model")

    @property
    def direct_projects(self) -> int:
        return sum(1 for a in self.affected if a.node.kind == "project" and a.distance == 1)

    def rows(self) -> list[dict[str, Any]]:
        """One flat row per affected node (for tables and CSV)."""
        rows = []
        for a in self.affected:
            row = {"kind": a.node.kind, "name": a.node.name, "distance": a.distance,
                   "via": a.relations[-1], "license": a.node.license,
                   "path": " > ".join(n.name for n in a.path)}
            if a.verdicts is not None:
                row["verdicts"] = " > ".join(str(v.get("verdict")) for v in a.verdicts)
            rows.append(row)
        return rows

    def to_dict(self) -> dict[str, Any]:
        base = super().to_dict()
        return {
            "model": self.root.node.name, "projects": self.projects, "models": self.models,
            "direct_projects": self.direct_projects, "license_engine": self.license_engine,
            "node_count": base["node_count"], "edge_count": base["edge_count"],
            "affected": [a.to_dict() for a in self.affected], "edges": base["edges"],
        }


def _rule(tree: TreeNode) -> tuple[str, ...]:
    # Projects are leaves: nothing in PeaTMOSS depends on a project.
    return (DERIVED, USED_BY) if tree.node.kind == "model" else ()


def impact(store: Store, model: str | Node, *, licenses: bool = True) -> Impact:
    """Every model and project depending on ``model``, nearest first, each with its path."""
    root = model if isinstance(model, Node) else require_model(store, model)
    # Depth: one step to the projects beyond the longest lineage chain a walk may follow.
    found = walk(store, root, _rule, MAX_GENERATIONS + 1, None)
    judge = _license_hook() if licenses else None
    cache: dict[tuple[Any, Any, str], Verdict] = {}
    expression: dict[str, str | None] = {}
    if judge is not None:
        # Judge licenses as the license engine's audit does: a model without hub tags is
        # taken at its card's word.
        cards = queries.card_licenses(store, [n.id for n in found.nodes.values()
                                              if n.kind == "model" and n.license is None
                                              and n.id is not None])
        expression = {k: n.license or (cards.get(n.id) if n.id is not None else None)
                      for k, n in found.nodes.items()}
    affected: list[Affected] = []
    for tree in found.root.walk():
        if tree is found.root:
            continue
        chain = [tree]
        while chain[-1] is not found.root:
            chain.append(found.placed[found.parent[chain[-1].node.key]])
        chain.reverse()
        path = [t.node for t in chain]
        relations = [t.relation or "" for t in chain[1:]]
        verdicts = None
        if judge is not None:
            verdicts = [
                _step_verdict(judge, cache, expression[up.key], expression[down.key],
                              ACTIVITY[relation])
                for up, down, relation in zip(path[:-1], path[1:], relations, strict=True)
            ]
        affected.append(Affected(tree.node, tree.depth, path, relations, verdicts))
    affected.sort(key=lambda a: (a.distance, a.node.kind, a.node.name.lower()))
    return Impact(found.root, found.nodes, found.edges, affected=affected,
                  license_engine=judge is not None)


# -- optional license engine --------------------------------------------------------------------

Judge = Callable[[Any, Any, Any], Any]


def _license_hook() -> Judge | None:
    """``ptmx.licenses.verdict_for`` wrapped to take activity names, or None if not installed."""
    try:
        licenses = importlib.import_module("ptmx.licenses")
        verdict_for = licenses.verdict_for
    except (ImportError, AttributeError):
        return None
    activities = getattr(licenses, "Activity", None)
    # The engine may refine USE into REDISTRIBUTE (a project vendoring the weights).
    link_activity = getattr(licenses, "link_activity", None)

    def judge(upstream: Any, downstream: Any, activity: str) -> Any:
        if activity == "use" and callable(link_activity):
            activity = str(link_activity(upstream, downstream))
        if isinstance(activities, type) and issubclass(activities, enum.Enum):
            try:
                return verdict_for(upstream, downstream, activities[activity.upper()])
            except KeyError:
                pass
        return verdict_for(upstream, downstream, activity)

    return judge


def _step_verdict(judge: Judge, cache: dict[tuple[Any, Any, str], Verdict],
                  upstream: str | None, downstream: str | None, activity: str) -> Verdict:
    key = (upstream, downstream, activity)
    if key not in cache:
        try:
            cache[key] = _plain_verdict(judge(upstream, downstream, activity))
        except Exception as exc:  # a broken engine must not break the blast radius
            cache[key] = {"verdict": None, "reason": f"license engine failed: {exc}"}
    return {"upstream": upstream, "downstream": downstream, "activity": activity, **cache[key]}


_VERDICT_KEYS = ("verdict", "activity", "reason", "fix")


def _plain_verdict(result: Any) -> Verdict:
    """Whatever the engine returns (dataclass, dict, object, string) as a plain dict."""
    if result is None or isinstance(result, str | enum.Enum):
        return {"verdict": _plain_value(result)}
    if dataclasses.is_dataclass(result) and not isinstance(result, type):
        data = dataclasses.asdict(result)
    elif isinstance(result, dict):
        data = dict(result)
    elif hasattr(result, "to_dict"):
        data = result.to_dict()
    else:
        data = {k: getattr(result, k) for k in _VERDICT_KEYS if hasattr(result, k)}
    out = {k: _plain_value(data.get(k)) for k in _VERDICT_KEYS if k in data}
    out.setdefault("verdict", str(result))
    return out


def _plain_value(value: Any) -> Any:
    return value.value if isinstance(value, enum.Enum) else value
