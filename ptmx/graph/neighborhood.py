"""The neighborhood of a model or a project, to a given depth, with "N more" beyond a limit.

From a model: its base models (up), derived models (down) and the projects reusing it; from a
project: the models it uses. Applied again at each level, depth 2 from a model gives the other
models its projects also use, and depth 2 from a project the lineage and other users of its models.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ptmx.errors import UsageError
from ptmx.graph.core import BASE, DERIVED, USED_BY, USES, Node, Subgraph, TreeNode, resolve
from ptmx.graph.walk import walk
from ptmx.store import Store

DEFAULT_LIMIT = 50


@dataclass
class Neighborhood(Subgraph):
    """Nodes within ``depth`` hops of ``root``; ``limit`` new neighbors per branch (None: all)."""

    depth: int = 1
    limit: int | None = DEFAULT_LIMIT

    def to_dict(self) -> dict[str, Any]:
        return {"depth": self.depth, "limit": self.limit, **super().to_dict()}


def relations(tree: TreeNode) -> tuple[str, ...]:
    """What a node of a neighborhood expands into (lineage first: it is short)."""
    if tree.node.kind == "project":
        return (USES,)
    return (BASE, DERIVED, USED_BY)


def neighborhood(
    store: Store,
    ref: str | Node,
    kind: str | None = None,
    depth: int = 1,
    limit: int | None = DEFAULT_LIMIT,
) -> Neighborhood:
    """The neighborhood of ``ref`` (model id, ``owner/name``, ``kind:name`` key, or a Node).

    Raises NotFoundError (with suggestions) for unknown ids and UsageError when ``ref`` names both
    a model and a project and ``kind`` is not given. ``limit`` None or 0 lists every neighbor.
    """
    if depth < 1:
        raise UsageError(f"depth must be at least 1 (got {depth})")
    if limit is not None and limit < 0:
        raise UsageError(f"limit must be positive (got {limit})")
    limit = limit or None
    root = ref if isinstance(ref, Node) else resolve(store, ref, kind)
    found = walk(store, root, relations, depth, limit)
    return Neighborhood(found.root, found.nodes, found.edges, depth=depth, limit=limit)
