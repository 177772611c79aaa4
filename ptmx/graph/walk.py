"""Breadth-first walks over the supply-chain graph, a few queries per level.

Neighborhood, lineage and blast radius are the same walk with different rules for which
relations a node expands; the rule is a function of the tree node so lineage can keep going
up from ancestors and down from descendants.

Per level it runs at most three queries (projects using the frontier's models, models used by
its projects, lineage edges either way), each already ordered and with the attributes a node
needs, returned as Arrow columns; Node objects are built only for the neighbors it shows, so a
model with 2,000 projects and a limit of 50 makes 50 nodes, not 2,000. A neighbor list longer
than ``BIG`` rows is not turned into Python items at all: which of its rows are in the tree
already (seen), which are shown and how many are left (more), and which give edges, are worked out
with Arrow compute, and only the rows shown are converted. Depth 2 from the most reused model
touches ~20k neighbor rows at 10x PeaTMOSS; the walk then costs what the nodes it shows cost.
"""

from __future__ import annotations

import gc
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from itertools import pairwise, repeat
from typing import TYPE_CHECKING, Any

from ptmx.graph import queries
from ptmx.graph.core import (
    BASE,
    DERIVED,
    USED_BY,
    USES,
    Branch,
    Edge,
    Node,
    TreeNode,
    model_node,
)
from ptmx.store import Store

if TYPE_CHECKING:
    import pyarrow as pa  # imported where used: an unlimited walk reads plain columns, no Arrow

Rule = Callable[[TreeNode], Sequence[str]]
# In-dataset nodes are known by (kind, id) before their names are fetched; models outside the
# dataset (bases named on cards) by ("outside", lower-case name).
Ident = tuple[str, int | str]
Columns = dict[str, Sequence[Any]]
# Neighbour lists longer than this stay in Arrow (see the module docstring); below it, the ~10
# Arrow calls per list (~200 µs) cost more than plain Python over its rows (~1 µs a row).
BIG = 200
UNBOUNDED = 1 << 62


@dataclass(slots=True)
class _Item:
    """One neighbor of a frontier node in one relation."""

    ident: Ident
    node: Node | None          # built up front for lineage rows; from ``row`` when placed
    kind: str                  # edge kind: "uses" | "base"
    outward: bool              # edge goes from the frontier node to the neighbor
    relation: str | None = None
    origin: str | None = None
    row: tuple[Columns, int] | None = None   # (query columns, row index) of a reuse neighbor


class _Rows:
    """A long list of reuse neighbors of one frontier node: its rows of one query, in Arrow."""

    __slots__ = ("ids", "kind", "outward", "table")

    def __init__(self, table: pa.Table, kind: str, outward: bool) -> None:
        self.table = table
        self.ids = table.column("id").combine_chunks()
        self.kind = kind          # the neighbors' kind
        self.outward = outward

    def __len__(self) -> int:
        return int(self.table.num_rows)

    def in_tree(self, placed_ids: _PlacedIds) -> pa.Array:
        """Per row: is that neighbor placed in the tree already?"""
        import pyarrow.compute as pc  # ~25 ms to import: only walks with long limited lists

        return pc.is_in(self.ids, value_set=placed_ids.array())

    def branch(self, relation: str, came_from: Ident | None, placed_ids: _PlacedIds,
               limit: int | None) -> tuple[Branch, list[_Item]]:
        """The branch's counts, and the neighbors to show (the first ``limit`` not placed)."""
        import pyarrow.compute as pc

        placed = self.in_tree(placed_ids)
        total, seen = len(self), int(pc.sum(placed).as_py() or 0)
        if came_from is not None and came_from[0] == self.kind and pc.any(
                pc.equal(self.ids, came_from[1])).as_py():
            total, seen = total - 1, seen - 1  # the tree parent is placed; it is not counted
        fresh = pc.indices_nonzero(pc.invert(placed))
        shown = fresh if limit is None else fresh.slice(0, limit)
        branch = Branch(relation, total=total, seen=seen, more=len(fresh) - len(shown))
        return branch, _items(self.table.take(shown), self.kind, self.outward)

    def placed_items(self, placed_ids: _PlacedIds) -> list[_Item]:
        """The neighbors, in row order, that ended up in the tree (each gives an edge)."""
        return [_Item((self.kind, child_id), None, "uses", self.outward)
                for child_id in self.ids.filter(self.in_tree(placed_ids)).to_pylist()]


class _Short:
    """A short list of reuse neighbors of one frontier node: rows ``start``..``end`` of one
    query's columns, converted to Python lists once for all short lists of that query. Rows are
    read in place, with no per-row object: an unlimited depth-2 walk reads ~20k of them."""

    __slots__ = ("columns", "end", "kind", "outward", "start")

    def __init__(self, columns: Columns, start: int, end: int, kind: str, outward: bool) -> None:
        self.columns = columns
        self.start = start
        self.end = end
        self.kind = kind          # the neighbors' kind
        self.outward = outward

    def rows(self, came_from: Ident | None) -> list[int]:
        """Indices of the rows, without the tree parent (not a neighbor to list again)."""
        rows = range(self.start, self.end)
        if came_from is None or came_from[0] != self.kind:
            return list(rows)
        ids = self.columns["id"]
        return [i for i in rows if ids[i] != came_from[1]]


class _PlacedIds:
    """The ids of one kind placed in the tree so far, with an Arrow copy made only when asked
    for and only again after a change (every long list of a level tests against it)."""

    __slots__ = ("_array", "ids")

    def __init__(self) -> None:
        self.ids: list[int] = []
        self._array: pa.Array | None = None

    def append(self, node_id: int) -> None:
        self.ids.append(node_id)
        self._array = None

    def extend(self, node_ids: Iterable[int]) -> None:
        self.ids.extend(node_ids)
        self._array = None

    def array(self) -> pa.Array:
        import pyarrow as pa

        if self._array is None:
            self._array = pa.array(self.ids, pa.int64())
        return self._array


def _columns(table: pa.Table) -> Columns:
    columns: Columns = {name: table.column(name).to_pylist() for name in table.column_names}
    columns.pop("parent", None)
    return columns


def _items(table: pa.Table, kind: str, outward: bool) -> list[_Item]:
    columns = _columns(table)
    # Pairs are DISTINCT in SQL, so they go straight in (this loop is the hot one).
    return [_Item((kind, child_id), None, "uses", outward, row=(columns, i))
            for i, child_id in enumerate(columns["id"])]


# What a (node, relation) pair found: lineage items, a long reuse list, or a short one.
Group = list[_Item] | _Rows | _Short


@dataclass
class Walk:
    """What a walk found: the tree, its nodes, its edges and each node's tree parent."""

    root: TreeNode
    nodes: dict[str, Node]
    edges: list[Edge]
    parent: dict[str, str] = field(default_factory=dict)
    placed: dict[str, TreeNode] = field(default_factory=dict)


def _ident(node: Node) -> Ident:
    if node.id is None:
        return ("outside", node.name.lower())
    return (node.kind, node.id)


def walk(store: Store, root: Node, rule: Rule, depth: int | None, limit: int | None) -> Walk:
    """Expand level by level from ``root``; ``depth``/``limit`` None mean unbounded.

    Each node appears once in the tree, under the first parent that reaches it; a later parent
    counts it as ``seen`` and still gets the edge. Beyond ``limit`` new neighbors per branch
    are only counted (``more``) and not expanded.
    """
    # A walk allocates tens of thousands of small objects and no reference cycles (trees point
    # down only): the cycle collector's passes over them were a quarter of a depth-2 walk.
    with _no_cycle_collection():
        return _walk(store, root, rule, depth, limit)


@contextmanager
def _no_cycle_collection() -> Iterator[None]:
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _walk(store: Store, root: Node, rule: Rule, depth: int | None, limit: int | None) -> Walk:
    state = _Walker(root, limit)
    frontier = [state.tree]
    level = 0
    while frontier and (depth is None or level < depth):
        level += 1
        wanted = {t.node.key: tuple(rule(t)) for t in frontier}
        # Unlimited: every row is shown, so every list is read in place (no Arrow compute).
        found = _neighbors(store, [t.node for t in frontier], wanted,
                           BIG if limit is not None else UNBOUNDED)
        next_frontier: list[TreeNode] = []
        for current in frontier:
            current.expanded = True
            for relation in wanted[current.node.key]:
                next_frontier += state.expand(current, relation, found.get(
                    (current.node.key, relation)), level)
        state.add_edges(found)
        frontier = next_frontier
    return state.result()


class _Walker:
    """What a walk has placed so far: tree nodes, their parents, ids by kind, and edges."""

    def __init__(self, root: Node, limit: int | None) -> None:
        self.tree = TreeNode(root)
        self.limit = limit
        self.placed: dict[Ident, TreeNode] = {_ident(root): self.tree}
        # The ids placed so far per kind, for the Arrow membership tests of long lists.
        self.placed_ids: dict[str, _PlacedIds] = defaultdict(_PlacedIds)
        if root.id is not None:
            self.placed_ids[root.kind].append(root.id)
        # The key of every placed node, per kind of ident and id: a short list's rows are looked
        # up by id alone (no ident tuple per row).
        self.keys: dict[str, dict[int | str, str]] = defaultdict(dict)
        self.keys[_ident(root)[0]][_ident(root)[1]] = root.key
        self.parent: dict[Ident, TreeNode] = {}
        # Edges without duplicates, in discovery order (as EdgeSet, keyed the same way). A reuse
        # edge of a short list is only keyed here (None) and made an Edge at the end.
        self.edges: dict[tuple[str, str, str], Edge | None] = {}

    def expand(self, current: TreeNode, relation: str, group: Group | None,
               level: int) -> list[TreeNode]:
        """Add ``current``'s branch for ``relation``; returns the children it placed."""
        up = self.parent.get(_ident(current.node))
        came_from = _ident(up.node) if up is not None else None
        if isinstance(group, _Short):
            return self.expand_short(current, relation, group, came_from, level)
        if isinstance(group, _Rows):
            branch, items = group.branch(relation, came_from, self.placed_ids[group.kind],
                                         self.limit)
        else:
            # The node we came from is the tree parent, not a neighbor to list again.
            items = [item for item in group or () if item.ident != came_from]
            if not items:
                return []
            branch = Branch(relation, total=len(items))
        for item in items:
            if item.ident in self.placed:
                branch.seen += 1
            elif self.limit is None or len(branch.children) < self.limit:
                branch.children.append(self.place(current, item, level, relation))
            else:
                branch.more += 1
        current.branches.append(branch)
        return list(branch.children)

    def expand_short(self, current: TreeNode, relation: str, group: _Short,
                     came_from: Ident | None, level: int) -> list[TreeNode]:
        """:meth:`expand` for a short reuse list, reading its rows in place.

        A list holds each neighbour once (the pairs are DISTINCT), so which rows are new does
        not depend on the rows placed before them in the same list: they are picked at once,
        and the first ``limit`` of them placed."""
        rows = group.rows(came_from)
        if not rows:
            return []
        kind, columns = group.kind, group.columns
        ids, names, licenses, links = (columns["id"], columns["name"], columns["license"],
                                       columns["links"])
        downloads = columns.get("downloads")
        keys = self.keys[kind]
        fresh = [i for i in rows if ids[i] not in keys]
        branch = Branch(relation, total=len(rows), seen=len(rows) - len(fresh))
        if self.limit is not None and len(fresh) > self.limit:
            branch.more = len(fresh) - self.limit
            fresh = fresh[:self.limit]
        children, placed, parent = branch.children, self.placed, self.parent
        for i in fresh:
            node_id, name = ids[i], names[i]
            node = Node(f"{kind}:{name}", kind, name, int(node_id), licenses[i],
                        None if downloads is None else downloads[i], links[i])
            child = TreeNode(node, level, relation)
            ident = (kind, node_id)
            placed[ident] = child
            parent[ident] = current
            keys[node_id] = node.key
            children.append(child)
        self.placed_ids[kind].extend(ids[i] for i in fresh)
        current.branches.append(branch)
        return list(children)

    def place(self, current: TreeNode, item: _Item, level: int, relation: str) -> TreeNode:
        node = item.node or _node_from(item)
        child = TreeNode(node, level, relation)
        self.placed[item.ident] = child
        self.keys[item.ident[0]][item.ident[1]] = node.key
        if node.id is not None:
            self.placed_ids[node.kind].append(node.id)
        self.parent[item.ident] = current
        return child

    def add_edges(self, found: dict[tuple[str, str], Group]) -> None:
        """Edges between nodes that are both in the result, whichever parent placed them."""
        edges = self.edges
        for (owner, _relation), group in found.items():
            if isinstance(group, _Short):
                # ~20k rows at depth 2 of the most reused model: looked up and keyed in bulk.
                # A key already there keeps its place (and a reuse edge's value is None anyway).
                keys = self.keys[group.kind]
                found_keys = [k for k in map(keys.get, group.columns["id"][group.start:group.end])
                              if k is not None]
                pairs = (zip(repeat(owner), found_keys, repeat("uses")) if group.outward
                         else zip(found_keys, repeat(owner), repeat("uses")))
                edges.update(zip(pairs, repeat(None)))
                continue
            hits = (group.placed_items(self.placed_ids[group.kind]) if isinstance(group, _Rows)
                    else [item for item in group if item.ident in self.placed])
            for item in hits:
                other = self.placed[item.ident].node.key
                source, target = (owner, other) if item.outward else (other, owner)
                self.edges.setdefault((source, target, item.kind),
                                      Edge(source, target, item.kind, item.relation, item.origin))

    def result(self) -> Walk:
        by_key = {t.node.key: t for t in self.placed.values()}
        parents = {self.placed[ident].node.key: p.node.key for ident, p in self.parent.items()}
        edges = [Edge(*ends) if edge is None else edge for ends, edge in self.edges.items()]
        return Walk(self.tree, {k: t.node for k, t in by_key.items()}, edges, parents, by_key)


def _listed(found: dict[tuple[str, str], Group], key: tuple[str, str]) -> list[_Item]:
    """The item list of ``key`` (short groups and lineage are lists; long groups never get here)."""
    group = found[key]
    assert isinstance(group, list)
    return group


def _node_from(item: _Item) -> Node:
    """The node of a reuse neighbor, built from its query row only once it is shown."""
    assert item.row is not None
    columns, i = item.row
    kind, node_id = item.ident
    return _row_node(kind, node_id, columns, i)


def _row_node(kind: str, node_id: int | str, columns: Columns, i: int) -> Node:
    name = columns["name"][i]
    downloads = columns["downloads"][i] if "downloads" in columns else None
    return Node(key=f"{kind}:{name}", kind=kind, name=name, id=int(node_id),
                license=columns["license"][i], downloads=downloads, links=columns["links"][i])


def _runs(parents: Sequence[int]) -> list[tuple[int, int]]:
    """(parent, end row) of each run of equal parents (rows come grouped by parent)."""
    runs = [(before, i) for i, (before, after) in enumerate(pairwise(parents), 1)
            if before != after]
    if parents:
        runs.append((parents[-1], len(parents)))
    return runs


def _neighbors(
    store: Store, nodes: list[Node], wanted: Mapping[str, Sequence[str]], big: int = BIG
) -> dict[tuple[str, str], Group]:
    """Neighbours of ``nodes`` for the relations each wants, keyed by (node key, relation).

    Lists longer than ``big`` rows stay in Arrow (:class:`_Rows`); an unlimited walk shows
    every row, so it passes no bound and reads every list in place (:class:`_Short`)."""
    found: dict[tuple[str, str], Group] = defaultdict(list)
    keys: dict[tuple[str, str], set[Ident]] = defaultdict(set)
    by_id = {(n.kind, n.id): n for n in nodes if n.id is not None}
    outside = {n.name.lower(): n for n in nodes if n.kind == "model" and n.id is None}

    def ids(kind: str, relation: str) -> list[int]:
        return [n.id for n in nodes
                if n.kind == kind and n.id is not None and relation in wanted[n.key]]

    def add(owner: Node, relation: str, item: _Item) -> None:
        # A pair may be listed twice (e.g. a base named by the card and by the hub): keep one.
        if item.ident not in keys[(owner.key, relation)]:
            keys[(owner.key, relation)].add(item.ident)
            _listed(found, (owner.key, relation)).append(item)

    for relation, kind, fetch, fetch_columns, child_kind, outward in (
        (USED_BY, "model", queries.projects_using, queries.projects_using_columns, "project",
         False),
        (USES, "project", queries.models_used_by, queries.models_used_by_columns, "model", True),
    ):
        wanted_ids = ids(kind, relation)
        if not wanted_ids:
            continue
        owner_key = {n.id: n.key for n in nodes if n.kind == kind}
        if big >= UNBOUNDED:
            # Every list is short: plain columns, read in place (no Arrow at all).
            columns = fetch_columns(store, wanted_ids)
            begin = 0
            for parent_id, end in _runs(columns.pop("parent")):
                found[(owner_key[parent_id], relation)] = _Short(columns, begin, end, child_kind,
                                                                 outward)
                begin = end
            continue
        import pyarrow as pa

        table = fetch(store, wanted_ids)
        # Rows come grouped by parent; long groups stay Arrow slices, the rest become items in
        # one conversion (per-group conversions would cost more than they save).
        runs = _runs(table.column("parent").to_pylist())
        short: list[tuple[int, int]] = []  # (start, length) of each short list in ``table``
        spans: list[tuple[tuple[str, str], int]] = []
        start = at = 0
        for parent_id, end in runs:
            key = (owner_key[parent_id], relation)
            if end - start > big:
                found[key] = _Rows(table.slice(start, end - start), child_kind, outward)
            else:
                short.append((start, end - start))
                at += end - start
                spans.append((key, at))
                found[key] = []  # keeps the rows' order of owners; filled below
            start = end
        if short:
            # One conversion for every short list (per-list conversions cost more than they save);
            # slices only when some lists stay in Arrow (an unlimited walk has none).
            columns = _columns(table if len(short) == len(runs) else
                               pa.concat_tables([table.slice(*span) for span in short]))
            begin = 0
            for key, end in spans:
                found[key] = _Short(columns, begin, end, child_kind, outward)
                begin = end

    base_ids = ids("model", BASE)
    derived_ids = ids("model", DERIVED)
    derived_outside = [n.name for n in outside.values() if DERIVED in wanted[n.key]]
    for row in queries.lineage_of(store, base_ids, derived_ids, derived_outside):
        child = model_node(row)
        item = _Item(_ident(child), child, "base", row["direction"] == "base",
                     row["relation"], row["source"])
        if row["direction"] == "base":
            add(by_id[("model", row["parent"])], BASE, item)
            continue
        owner = (by_id.get(("model", row["parent"])) if row["parent"] is not None
                 else outside.get(row["parent_name"].lower()))
        if owner is not None:  # None: matched by name, but not that base in this frontier
            add(owner, DERIVED, item)
    return found
