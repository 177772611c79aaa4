"""The shapes every graph question returns, and how a user's ID becomes a node.

A result is a :class:`Subgraph`: the nodes and edges it found plus a tree (``root``) ready to
render as an expandable outline. Trees group a node's neighbors into :class:`Branch` es by
relation and count what they leave out, so a renderer can say "1,654 more" without the data.

Node keys are ``kind:name`` (``model:bert-base-uncased``, ``project:owner/name``) because the same
text can name both a model and a project (``ProsusAI/finbert`` is both in PeaTMOSS).

Edges point from dependent to dependency: ``project -uses-> model`` and
``derived model -base-> base model``.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any

from ptmx.errors import NotFoundError, UsageError
from ptmx.graph import queries
from ptmx.safetext import visible
from ptmx.store import Store, find_project_id, suggest_models, suggest_projects
from ptmx.store.lookup import normalise_model_id, normalise_project

if TYPE_CHECKING:
    import networkx as nx

KINDS = ("model", "project")

# Relations of a branch, seen from the node the branch hangs under.
USES = "uses"          # project -> models it uses
USED_BY = "used-by"    # model -> projects using it
BASE = "base"          # model -> its base models (up the lineage)
DERIVED = "derived"    # model -> models derived from it (down the lineage)


@dataclass(frozen=True, slots=True)
class Node:
    """A model or a project with the attributes exports and trees show."""

    key: str
    kind: str
    name: str
    id: int | None = None          # dataset id; None for a base model known only by name
    license: str | None = None     # model: hub tags joined ' AND '; project: ScanCode keys
    downloads: int | None = None   # models only
    links: int | None = None       # model: projects reusing it; project: models it uses
    in_dataset: bool = True

    def attributes(self) -> dict[str, Any]:
        """Node attributes for networkx and the export formats."""
        return {"kind": self.kind, "label": self.name, "license": self.license,
                "downloads": self.downloads, "links": self.links, "in_dataset": self.in_dataset}


@dataclass(slots=True)
class Edge:
    """A dependency: ``source`` uses (kind ``uses``) or derives from (kind ``base``) ``target``."""

    source: str
    target: str
    kind: str                      # "uses" | "base"
    relation: str | None = None    # lineage only: finetune, quantized, adapter, merge, unspecified
    origin: str | None = None      # lineage only: where the edge comes from (card, hub)
    # Lineage only, with the hub tables (hub refresh / hub crawl): ``dataset``, ``hub`` or
    # ``card-declared`` (None: the dataset, before any hub table was read).
    provenance: str | None = None
    corrected_from: str | None = None  # the hub's own relation tag, when ptmx corrected it
    hub_relation: str | None = None    # a dataset edge the hub also has: the hub's relation


@dataclass
class Branch:
    """The neighbors of one tree node in one relation.

    ``total`` = ``len(children)`` + ``seen`` (already placed elsewhere in the tree) + ``more``
    (left out by the limit, not expanded). The tree parent itself is not counted.
    """

    relation: str
    children: list[TreeNode] = field(default_factory=list)
    total: int = 0
    seen: int = 0
    more: int = 0


@dataclass
class TreeNode:
    """One node of a result tree; ``expanded`` is False where the walk stopped (depth limit)."""

    node: Node
    depth: int = 0
    relation: str | None = None    # the branch relation this node was reached through
    branches: list[Branch] = field(default_factory=list)
    expanded: bool = False

    def walk(self) -> Iterator[TreeNode]:
        """This node and every descendant, depth first (iterative: lineage chains can be long)."""
        stack = [self]
        while stack:
            tree = stack.pop()
            yield tree
            stack.extend(reversed([c for b in tree.branches for c in b.children]))

    def parents(self) -> dict[str, str]:
        """Tree parent key of every descendant's key."""
        return {c.node.key: t.node.key for t in self.walk()
                for b in t.branches for c in b.children}

    def to_dict(self) -> dict[str, Any]:
        """Nested JSON-ready dict."""
        return {
            "key": self.node.key, "kind": self.node.kind, "name": self.node.name,
            "depth": self.depth, "relation": self.relation, "expanded": self.expanded,
            "branches": [
                {"relation": b.relation, "total": b.total, "seen": b.seen, "more": b.more,
                 "children": [c.to_dict() for c in b.children]}
                for b in self.branches
            ],
        }


@dataclass
class Subgraph:
    """Nodes, edges and a tree over them; the base of every graph result."""

    root: TreeNode
    nodes: dict[str, Node]
    edges: list[Edge]

    @property
    def node_count(self) -> int:
        return len(self.nodes)

    @property
    def edge_count(self) -> int:
        return len(self.edges)

    @property
    def truncated(self) -> int:
        """Neighbours left out by limits, over the whole tree."""
        return sum(b.more for t in self.root.walk() for b in t.branches)

    def to_networkx(self) -> nx.DiGraph:
        """A directed graph (dependent → dependency) with node and edge attributes."""
        import networkx as nx  # ~100 ms to import: only the commands that build graphs pay

        graph = nx.DiGraph()
        graph.add_nodes_from((n.key, n.attributes()) for n in self.nodes.values())
        graph.add_edges_from(
            (e.source, e.target, {"kind": e.kind, "relation": e.relation, "origin": e.origin})
            for e in self.edges
        )
        return graph

    def node_rows(self) -> list[dict[str, Any]]:
        """One flat dict per tree node (depth, parent, relation) in tree order."""
        parents = self.root.parents()
        return [{"key": t.node.key, "kind": t.node.kind, "name": t.node.name, "depth": t.depth,
                 "parent": parents.get(t.node.key), "relation": t.relation,
                 "license": t.node.license, "downloads": t.node.downloads,
                 "links": t.node.links, "in_dataset": t.node.in_dataset}
                for t in self.root.walk()]

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready summary: counts, flat nodes (with their tree position) and edges."""
        return {
            "root": self.root.node.key,
            "node_count": self.node_count,
            "edge_count": self.edge_count,
            "truncated": self.truncated,
            "nodes": self.node_rows(),
            "edges": [asdict(e) for e in self.edges],
        }


class EdgeSet:
    """Edges without duplicates, in discovery order."""

    def __init__(self) -> None:
        self._edges: dict[tuple[str, str, str], Edge] = {}

    def add(self, edge: Edge) -> None:
        self._edges.setdefault((edge.source, edge.target, edge.kind), edge)

    def to_list(self) -> list[Edge]:
        return list(self._edges.values())


def model_key(name: str) -> str:
    return f"model:{name}"


def project_key(name: str) -> str:
    return f"project:{name}"


def model_node(row: dict[str, Any]) -> Node:
    """A model node from a query row (id NULL: a base model outside the dataset)."""
    return Node(key=model_key(row["name"]), kind="model", name=row["name"], id=row.get("id"),
                license=row.get("license"), downloads=row.get("downloads"),
                links=row.get("links"), in_dataset=row.get("id") is not None)


def project_node(row: dict[str, Any]) -> Node:
    """A project node from a query row."""
    return Node(key=project_key(row["name"]), kind="project", name=row["name"], id=row["id"],
                license=row.get("license"), links=row.get("links"))


def resolve(store: Store, ref: str, kind: str | None = None) -> Node:
    """The node a user means by ``ref`` (model id, ``owner/name``, URL or ``kind:name`` key).

    Unknown: :class:`NotFoundError` with the closest names. Both a model and a project:
    :class:`UsageError` asking for ``kind``.
    """
    if kind is not None and kind not in KINDS:
        raise UsageError(f"unknown kind {kind!r} (expected model or project)")
    text = ref.strip()
    for prefix in KINDS:
        if text.startswith(prefix + ":"):
            kind, text = prefix, text[len(prefix) + 1:]
    if not text:
        raise UsageError("empty model or project id")
    # The model's attributes come with its lookup (one query: a shell lookup pays for each).
    model = queries.model_named(store, normalise_model_id(text)) if kind in (None, "model") else None
    project_id = find_project_id(store, text) if kind in (None, "project") else None
    # Ids echoed in messages are outside text: control characters are shown, not sent.
    shown = visible(text, newlines=False)
    if model is not None and project_id is not None:
        raise UsageError(
            f"'{shown}' is both a model and a project",
            hint=f"add --kind model or --kind project (or write model:{shown} / project:{shown})",
        )
    if model is not None:
        return model_node(model)
    if project_id is not None:
        return project_node(queries.projects_by_id(store, [project_id])[0])
    if kind in (None, "model"):
        # A base model named on a card but absent from the dataset is still a lineage node.
        outside = queries.outside_model(store, normalise_model_id(text))
        if outside is not None:
            return model_node({"name": outside["name"]})
    raise NotFoundError(f"no {kind or 'model or project'} '{shown}' in the dataset",
                        hint=_suggestions(store, text, kind))


def require_model(store: Store, ref: str) -> Node:
    """Like :func:`resolve` with ``kind='model'``."""
    return resolve(store, ref, "model")


def _suggestions(store: Store, text: str, kind: str | None) -> str | None:
    close: list[str] = []
    if kind in (None, "model"):
        close += suggest_models(store, text, 3)
    if kind == "project" or (kind is None and "/" in normalise_project(text)):
        close += [p for p in suggest_projects(store, text, 3) if p not in close]
    return "did you mean " + visible(", ".join(close), newlines=False) if close else None
