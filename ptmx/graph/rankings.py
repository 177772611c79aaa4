"""Whole-graph analytics: the supply-chain graph, PageRank, and the rankings built on them.

The whole graph holds every project with a reuse link and every model with a link or a lineage
edge; models nobody reuses or derives from are not part of the supply chain and are left out.
Counting rankings (reuse, in-degree, busiest projects, co-usage) are answered by SQL alone;
only PageRank builds the graph: by default the bipartite reuse graph (projects vote for the
models they use), optionally with lineage edges so a fine-tune's standing flows to its base.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ptmx.errors import UsageError
from ptmx.graph import queries
from ptmx.graph.core import model_key, project_key, require_model
from ptmx.store import Store

if TYPE_CHECKING:  # imported where a graph is built: ~100 ms that lookups need not pay
    import networkx as nx

RANKINGS = ("reuse", "in-degree", "pagerank", "co-usage", "projects")


def supply_graph(store: Store, *, lineage: bool = True) -> nx.DiGraph:
    """The whole graph: ``project -uses-> model`` and (with ``lineage``) ``derived -base-> base``.

    Node attributes: kind, label, license, downloads, links, in_dataset (as in subgraphs).
    """
    import networkx as nx

    graph = nx.DiGraph()
    models = queries.linked_models(store, lineage)
    graph.add_nodes_from(
        (model_key(name), {"kind": "model", "label": name, "license": lic, "downloads": dl,
                           "links": links, "in_dataset": True})
        for name, lic, dl, links in zip(
            *(models.column(c).to_pylist() for c in ("name", "license", "downloads", "links")),
            strict=True)
    )
    projects = queries.linked_projects(store)
    graph.add_nodes_from(
        (project_key(name), {"kind": "project", "label": name, "license": lic, "downloads": None,
                             "links": links, "in_dataset": True})
        for name, lic, links in zip(
            *(projects.column(c).to_pylist() for c in ("name", "license", "links")), strict=True)
    )
    model_names = dict(zip(models.column("id").to_pylist(), models.column("name").to_pylist(),
                           strict=True))
    project_names = dict(zip(projects.column("id").to_pylist(),
                             projects.column("name").to_pylist(), strict=True))
    links = queries.all_links(store)
    graph.add_edges_from(
        (project_key(project_names[p]), model_key(model_names[m]), {"kind": "uses"})
        for p, m in zip(links.column("project_id").to_pylist(),
                        links.column("model_id").to_pylist(), strict=True)
    )
    if lineage:
        for row in queries.all_bases(store).to_pylist():
            base = model_key(row["base_name"])
            if base not in graph:  # a base named on a card but absent from the dataset
                graph.add_node(base, kind="model", label=row["base_name"], license=None,
                               downloads=None, links=0, in_dataset=False)
            graph.add_edge(model_key(model_names[row["model_id"]]), base, kind="base",
                           relation=row["relation"], origin=row["source"])
    return graph


def pagerank(graph: nx.DiGraph, alpha: float = 0.85, tol: float = 1.0e-6,
             max_iter: int = 200) -> dict[Any, float]:
    """PageRank by power iteration, with networkx's semantics (uniform teleport, dangling mass
    spread uniformly, stop when the L1 change < N·tol).

    Written out because ``nx.pagerank`` needs SciPy, which ptmx does not depend on; plain lists
    keep it near 10 ms per iteration at full PeaTMOSS scale. Edges point to dependencies, so rank
    flows from projects to the models they use (split among them) and from fine-tunes to bases.
    """
    nodes = list(graph)
    n = len(nodes)
    if n == 0:
        return {}
    index = {node: i for i, node in enumerate(nodes)}
    src: list[int] = []
    dst: list[int] = []
    out_degree = [0] * n
    for u, v in graph.edges():
        i = index[u]
        src.append(i)
        dst.append(index[v])
        out_degree[i] += 1
    dangling = [i for i, d in enumerate(out_degree) if d == 0]
    share = [alpha / d if d else 0.0 for d in out_degree]
    x = [1.0 / n] * n
    for _ in range(max_iter):
        base = (1.0 - alpha) / n + alpha * sum(x[i] for i in dangling) / n
        new = [base] * n
        flow = [xi * s for xi, s in zip(x, share, strict=True)]
        for i, j in zip(src, dst, strict=True):
            new[j] += flow[i]
        err = sum(abs(a - b) for a, b in zip(new, x, strict=True))
        x = new
        if err < n * tol:
            break
    return dict(zip(nodes, x, strict=True))


def top(store: Store, by: str = "reuse", limit: int = 20, model: str | None = None,
        *, lineage: bool = False) -> list[dict[str, Any]]:
    """A ranking as rows (first column ``rank``).

    ``reuse``: models by reusing projects; ``in-degree``: by projects + derived models;
    ``pagerank``: by PageRank on the reuse graph (``lineage``: plus derived → base edges, so
    bases outside the dataset can rank too); ``projects``: projects by models used;
    ``co-usage``: model pairs used together by the most projects (only pairs with ``model``
    when given).
    """
    if by not in RANKINGS:
        raise UsageError(f"unknown ranking {by!r} (expected one of {', '.join(RANKINGS)})")
    if limit < 1:
        raise UsageError(f"limit must be at least 1 (got {limit})")
    if model is not None and by != "co-usage":
        raise UsageError("a model narrows only the co-usage ranking (use --by co-usage)")
    if by == "reuse":
        rows = queries.most_reused(store, limit)
    elif by == "in-degree":
        rows = queries.in_degree(store, limit)
    elif by == "projects":
        rows = queries.busiest_projects(store, limit)
    elif by == "co-usage":
        model_id = None
        if model is not None:
            node = require_model(store, model)
            if node.id is None:
                return []
            model_id = node.id
        rows = queries.co_usage(store, limit, model_id)
    else:
        rows = _pagerank_rows(store, limit, lineage)
    return [{"rank": i, **row} for i, row in enumerate(rows, 1)]


def _pagerank_rows(store: Store, limit: int, lineage: bool) -> list[dict[str, Any]]:
    graph = supply_graph(store, lineage=lineage)
    rank = pagerank(graph)
    models = [k for k, data in graph.nodes(data=True) if data["kind"] == "model"]
    models.sort(key=lambda k: (-rank[k], graph.nodes[k]["label"]))
    rows = []
    for key in models[:limit]:
        data = graph.nodes[key]
        projects = sum(1 for u in graph.predecessors(key) if graph.nodes[u]["kind"] == "project")
        rows.append({"model": data["label"], "pagerank": round(rank[key], 8),
                     "in_degree": graph.in_degree(key), "projects": projects,
                     "downloads": data["downloads"], "license": data["license"]})
    return rows
