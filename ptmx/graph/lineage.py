"""Lineage of a model: its base models up to the roots, and every model derived from it.

Edges come from ``model_base`` (model cards, and hub data where an import has it); a base that
is not in the dataset is still shown, by the name the card gives.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ptmx.graph.core import BASE, DERIVED, Node, Subgraph, TreeNode, require_model
from ptmx.graph.walk import walk
from ptmx.store import Store

# Lineage chains are short; the bound only stops a corrupt table with a long cycle-free chain
# (cycles end by themselves: each model is placed once).
MAX_GENERATIONS = 100


@dataclass
class Lineage(Subgraph):
    """``root`` has a ``base`` branch (ancestors, recursively) and a ``derived`` branch."""

    ancestors: list[dict[str, Any]] = field(default_factory=list)
    descendants: list[dict[str, Any]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {**super().to_dict(), "ancestors": self.ancestors, "descendants": self.descendants}


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
    store.require("model_base", "lineage")
    root = model if isinstance(model, Node) else require_model(store, model)
    found = walk(store, root, _rule, MAX_GENERATIONS, None)
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
            "relation": edge.relation if edge else None,
            "source": edge.origin if edge else None,
            "in_dataset": tree.node.in_dataset, "license": tree.node.license,
            "downloads": tree.node.downloads,
        })
    for rows in (ancestors, descendants):
        rows.sort(key=lambda r: r["generation"])
    return Lineage(found.root, found.nodes, found.edges, ancestors=ancestors,
                   descendants=descendants)
