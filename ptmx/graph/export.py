"""Write a graph as GraphML, GEXF, DOT or JSON node-link, chosen by the file's suffix.

Files are written to a temporary file beside the target and renamed into place, so a failed or
interrupted export never leaves a half-written file where Gephi or Graphviz would read it.
GraphML and GEXF cannot hold a missing value, so absent attributes (a project's downloads, an
unscanned license) are left off the node rather than written as empty strings.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from ptmx.errors import DataError, UsageError
from ptmx.graph.core import Subgraph

if TYPE_CHECKING:  # imported by the writers: ~100 ms that graph lookups need not pay
    import networkx as nx

FORMATS = {".graphml": "graphml", ".gexf": "gexf", ".dot": "dot", ".gv": "dot", ".json": "json"}


def format_for(path: str | os.PathLike[str]) -> str:
    """The export format named by ``path``'s suffix; UsageError for an unknown one."""
    suffix = Path(path).suffix.lower()
    if suffix not in FORMATS:
        raise UsageError(f"cannot export to '{Path(path).name}': use a .graphml, .gexf, .dot "
                         "or .json file")
    return FORMATS[suffix]


def export(graph: nx.DiGraph | Subgraph, path: str | os.PathLike[str],
           fmt: str | None = None) -> Path:
    """Write ``graph`` (a networkx graph or any graph result) to ``path`` atomically."""
    target = Path(path).expanduser()
    fmt = fmt or format_for(target)
    if fmt not in set(FORMATS.values()):
        raise UsageError(f"unknown export format {fmt!r}")
    if isinstance(graph, Subgraph):
        graph = graph.to_networkx()
    writer: Callable[[nx.DiGraph, Any], None] = {
        "graphml": _write_graphml, "gexf": _write_gexf, "dot": _write_dot, "json": _write_json,
    }[fmt]
    folder = target.parent if str(target.parent) else Path(".")
    if not folder.is_dir():
        raise DataError(f"cannot write {target}: folder {folder} does not exist")
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=folder)
    try:
        with os.fdopen(fd, "wb") as handle:
            writer(graph, handle)
        os.chmod(tmp, _file_mode(target))
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return target


def _file_mode(target: Path) -> int:
    """The mode a plain ``open(target, 'w')`` would give (mkstemp's is owner-only)."""
    if target.exists():
        return target.stat().st_mode & 0o777
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


def _without_missing(graph: nx.DiGraph) -> nx.DiGraph:
    """A copy whose node/edge attributes drop None values (GraphML/GEXF have no null)."""
    import networkx as nx

    clean = nx.DiGraph()
    clean.add_nodes_from((n, {k: v for k, v in d.items() if v is not None})
                         for n, d in graph.nodes(data=True))
    clean.add_edges_from((u, v, {k: val for k, val in d.items() if val is not None})
                         for u, v, d in graph.edges(data=True))
    return clean


def _write_graphml(graph: nx.DiGraph, handle: Any) -> None:
    import networkx as nx

    nx.write_graphml(_without_missing(graph), handle)


def _write_gexf(graph: nx.DiGraph, handle: Any) -> None:
    import networkx as nx

    nx.write_gexf(_without_missing(graph), handle)


def _write_json(graph: nx.DiGraph, handle: Any) -> None:
    import networkx as nx

    data = nx.node_link_data(graph, edges="edges")
    handle.write(json.dumps(data, ensure_ascii=False, indent=1).encode("utf-8"))


def _write_dot(graph: nx.DiGraph, handle: Any) -> None:
    import io

    text = io.StringIO()
    write_dot_text(graph, text)
    handle.write(text.getvalue().encode("utf-8"))


def _dot_id(value: Any) -> str:
    # Always quoted: model and project names contain '/', '-', '.' which bare DOT ids cannot.
    return '"' + str(value).replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def _dot_attrs(attrs: dict[str, Any]) -> str:
    parts = [f"{k}={_dot_id(v)}" for k, v in attrs.items() if v is not None]
    return f" [{', '.join(parts)}]" if parts else ""


def write_dot_text(graph: nx.DiGraph, out: TextIO) -> None:
    """Graphviz DOT: models as boxes, projects as ellipses, lineage edges dashed."""
    out.write("digraph ptmx {\n  rankdir=LR;\n  node [fontsize=10];\n")
    for node, data in graph.nodes(data=True):
        attrs = dict(data)
        attrs["shape"] = "box" if data.get("kind") == "model" else "ellipse"
        if data.get("in_dataset") is False:
            attrs["style"] = "dashed"
        out.write(f"  {_dot_id(node)}{_dot_attrs(attrs)};\n")
    for u, v, data in graph.edges(data=True):
        attrs = dict(data)
        if data.get("kind") == "base":
            attrs["style"] = "dashed"
        out.write(f"  {_dot_id(u)} -> {_dot_id(v)}{_dot_attrs(attrs)};\n")
    out.write("}\n")
