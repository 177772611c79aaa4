"""One level of the supply-chain neighbourhood, for the graph tree, and the export of what the
tree has shown. Wraps :func:`ptmx.graph.neighborhood` into labelled items and branches."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from rich.text import Text

from ptmx.graph import Edge, Neighborhood, Node, Subgraph, export, neighborhood
from ptmx.render.safe import safe_text
from ptmx.render.values import plural
from ptmx.store import Store


@dataclass
class Item:
    """A node of the tree: a model or a project (expandable), or an informational leaf."""

    kind: str  # "model" | "project" | "info"
    ref: str
    detail: str = ""
    node: Node | None = None  # the graph's Node behind this item (None for the tree's root)

    @property
    def label(self) -> Text:
        """'◆ owner/name  (detail)', inert: ids and license names are outside text."""
        icon = {"model": "◆", "project": "▣"}.get(self.kind, "·")
        return safe_text(f"{icon} {self.ref}" + (f"  ({self.detail})" if self.detail else ""),
                         newlines=False)


@dataclass
class Branch:
    """A labelled group of neighbours ('used by 1,704 projects'), possibly cut at ``limit``."""

    label: str
    items: list[Item] = field(default_factory=list)
    total: int = 0


@dataclass
class Level:
    """What expanding one node shows: a summary of the node itself and its branches."""

    summary: str
    branches: list[Branch]
    subgraph: Neighborhood | None = None  # the graph result behind it (for export)


RELATION_LABELS = {
    "used-by": ("used by", "project"), "uses": ("uses", "model"),
    "base": ("↑ base", "model"), "derived": ("↓ derived", "model"),
}


def expand(store: Store, item: Item, limit: int = 200) -> Level:
    """The neighbours of one model or project, grouped by relation, at most ``limit`` each."""
    found = neighborhood(store, item.node or item.ref, item.kind, depth=1, limit=limit)
    root = found.root.node
    branches = []
    for branch in found.root.branches:
        prefix, noun = RELATION_LABELS.get(branch.relation, (branch.relation, "node"))
        children = [Item(c.node.kind if c.node.in_dataset else "info", c.node.name,
                         _detail(c.node), c.node) for c in branch.children]
        branches.append(Branch(f"{prefix} {plural(branch.total, noun)}", children,
                               len(children) + branch.more))
    return Level(_detail(root, summary=True), branches, found)


def _detail(node: Node, summary: bool = False) -> str:
    bits = []
    if node.kind == "model":
        bits.append(node.license or "no license")
        if node.links is not None and (summary or node.links):
            bits.append(plural(node.links, "project"))
        if not node.in_dataset:
            bits.append("not in dataset")
    else:
        if summary or node.license:
            bits.append(f"license {node.license or 'none found'}")
        if node.links is not None:
            bits.append(plural(node.links, "model"))
    return " · ".join(bits)


def export_subgraphs(subgraphs: list[Neighborhood], path: str) -> Path:
    """Merge the graph results shown so far and write them to ``path`` (format by suffix)."""
    nodes: dict[str, Node] = {}
    edges: dict[tuple[str, str, str], Edge] = {}
    for sub in subgraphs:
        nodes.update(sub.nodes)
        for edge in sub.edges:
            edges.setdefault((edge.source, edge.target, edge.kind), edge)
    return export(Subgraph(subgraphs[0].root, nodes, list(edges.values())), path)
