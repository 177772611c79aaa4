"""Lineage of a model: its base models up to the roots, and every model derived from it.

Edges come from ``model_base`` (model cards, and hub data where an import has it); a base that
is not in the dataset is still shown, by the name the card gives. When the dataset folder also
holds the hub tables (``hub_snapshot`` from ``hub refresh``, ``hub_models`` from ``hub crawl``),
the hub's typed edges are added: its relation as ptmx corrected it from the files (with the tag it
corrected), and card parents the hub did not recognise (``declared``). Each row says its
``source``: ``dataset``, ``hub`` or ``card-declared``.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field
from typing import Any

from ptmx.graph import queries
from ptmx.graph.core import (
    BASE,
    DERIVED,
    Branch,
    Edge,
    Node,
    Subgraph,
    TreeNode,
    model_node,
    require_model,
)
from ptmx.graph.walk import Rule, Walk, walk
from ptmx.store import Store

# Lineage chains are short; the bound only stops a corrupt table with a long cycle-free chain
# (cycles end by themselves: each model is placed once).
MAX_GENERATIONS = 100
DATASET = "dataset"


@dataclass
class Lineage(Subgraph):
    """``root`` has a ``base`` branch (ancestors, recursively) and a ``derived`` branch."""

    ancestors: list[dict[str, Any]] = field(default_factory=list)
    descendants: list[dict[str, Any]] = field(default_factory=list)
    hub_edges: int = 0  # edges read from the hub tables (new or confirming a dataset edge)

    def to_dict(self) -> dict[str, Any]:
        return {**super().to_dict(), "ancestors": self.ancestors, "descendants": self.descendants,
                "hub_edges": self.hub_edges}


def _rule(tree: TreeNode) -> tuple[str, ...]:
    # Ancestors keep going up, descendants keep going down; the root goes both ways.
    if tree.node.kind != "model":
        return ()
    if tree.relation is None:
        return (BASE, DERIVED)
    return (tree.relation,)


def lineage(store: Store, model: str | Node) -> Lineage:
    """Ancestors and descendants of ``model`` with the relation of each edge.

    ``ancestors``/``descendants`` are flat rows (generation 1 = direct) in walk order.
    """
    if not any(store.has(t) for t in queries.HUB_TABLES):
        store.require("model_base", "lineage")
    root = model if isinstance(model, Node) else require_model(store, model)
    found = walk(store, root, _rule, MAX_GENERATIONS, None)
    hub_edges = merge_hub(store, found)
    by_pair = {(e.source, e.target): e for e in found.edges}
    ancestors: list[dict[str, Any]] = []
    descendants: list[dict[str, Any]] = []
    for tree in found.root.walk():
        if tree is found.root:
            continue
        parent = found.parent[tree.node.key]
        if tree.relation == BASE:
            edge = by_pair.get((parent, tree.node.key))
            rows, of = ancestors, "base_of"
        else:
            edge = by_pair.get((tree.node.key, parent))
            rows, of = descendants, "derived_from"
        rows.append({
            "model": tree.node.name, "generation": tree.depth,
            of: found.nodes[parent].name,
            **_edge_fields(edge),
            "in_dataset": tree.node.in_dataset, "license": tree.node.license,
            "downloads": tree.node.downloads,
        })
    for rows in (ancestors, descendants):
        rows.sort(key=lambda r: r["generation"])
    return Lineage(found.root, found.nodes, found.edges, ancestors=ancestors,
                   descendants=descendants, hub_edges=hub_edges)


def _edge_fields(edge: Edge | None) -> dict[str, Any]:
    """The typed-edge columns of a lineage row; ``origin`` keeps the dataset's own source."""
    if edge is None:
        return {"relation": None, "source": None, "corrected_from": None, "hub_relation": None,
                "origin": None}
    return {"relation": edge.relation, "source": edge.provenance or DATASET,
            "corrected_from": edge.corrected_from, "hub_relation": edge.hub_relation,
            "origin": edge.origin}


def merge_hub(store: Store, found: Walk, rule: Rule = _rule) -> int:
    """Add the hub's edges to ``found`` (edges, nodes, tree); the number of hub edges read.
    ``rule`` says which way each tree node is followed (lineage: both; impact: down only)."""
    placed = {t.node.key: t for t in found.root.walk()}
    up = [t.node.name for t in placed.values() if BASE in rule(t)]
    down = [t.node.name for t in placed.values() if DERIVED in rule(t)]
    hub = queries.hub_lineage(store, up, down)
    if not hub:
        return 0
    by_lower = {n.name.lower(): n for n in found.nodes.values() if n.kind == "model"}
    unknown = {name for r in hub for name in (r["child"], r["parent"])
               if name.lower() not in by_lower}
    for row in queries.models_by_name(store, sorted(unknown)):
        by_lower.setdefault(row["name"].lower(), model_node(row))

    def node(name: str) -> Node:
        low = name.lower()
        found_node = by_lower.get(low)
        if found_node is None:
            found_node = by_lower[low] = model_node({"name": name})  # on the hub only
        found.nodes.setdefault(found_node.key, found_node)
        return found_node

    existing = {(e.source.lower(), e.target.lower()): e for e in found.edges if e.kind == "base"}
    new: list[Edge] = []
    for r in hub:
        child, parent = node(r["child"]), node(r["parent"])
        edge = existing.get((child.key.lower(), parent.key.lower()))
        if edge is None:
            edge = Edge(child.key, parent.key, "base", r["relation"], origin=r["source"],
                        provenance=r["source"], corrected_from=r["corrected_from"])
            existing[(child.key.lower(), parent.key.lower())] = edge
            found.edges.append(edge)
            new.append(edge)
        elif edge.provenance is None:  # a dataset edge the hub confirms: keep both relations
            edge.provenance = DATASET
            edge.hub_relation = r["relation"]
            edge.corrected_from = r["corrected_from"]
            edge.relation = edge.relation or r["relation"]
    _place(found, placed, new, rule)
    return len(hub)


def _place(found: Walk, placed: dict[str, TreeNode], new: list[Edge], rule: Rule) -> None:
    """Hang the models the hub's edges add under the tree nodes they connect to, breadth first
    (ancestors keep going up, descendants down; each model is placed once)."""
    ups: dict[str, list[str]] = {}
    downs: dict[str, list[str]] = {}
    for e in new:
        ups.setdefault(e.source, []).append(e.target)
        downs.setdefault(e.target, []).append(e.source)
    queue = deque(placed.values())
    while queue:
        tree = queue.popleft()
        for relation, keys in ((BASE, ups.get(tree.node.key, [])),
                               (DERIVED, downs.get(tree.node.key, []))):
            if relation not in rule(tree):
                continue
            fresh = [key for key in dict.fromkeys(keys) if key not in placed]
            if not fresh:
                continue
            branch = next((b for b in tree.branches if b.relation == relation), None)
            if branch is None:
                branch = Branch(relation)
                tree.branches.append(branch)
            for key in fresh:
                child = TreeNode(found.nodes[key], depth=tree.depth + 1, relation=relation,
                                 expanded=True)
                branch.children.append(child)
                branch.total += 1
                placed[key] = found.placed[key] = child
                found.parent[key] = tree.node.key
                queue.append(child)
