"""Exports open in networkx's readers (GraphML, GEXF, JSON) and DOT is well-formed."""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import networkx as nx
import pytest

from ptmx.errors import DataError, UsageError
from ptmx.graph import export, neighborhood
from ptmx.store import Store


@pytest.fixture(scope="module")
def subgraph(sample_store: Store) -> nx.DiGraph:
    # Lineage and reuse edges, models in and out of the dataset, projects without downloads.
    result = neighborhood(sample_store, "tiiuae/falcon-7b-instruct", depth=2, limit=None)
    graph = result.to_networkx()
    other = neighborhood(sample_store, "TheBloke/wizardLM-13B-1.0-fp16", limit=None)
    return nx.compose(graph, other.to_networkx())


def _check_round_trip(original: nx.DiGraph, read: nx.DiGraph) -> None:
    assert set(read.nodes) == set(original.nodes)
    assert set(read.edges) == set(original.edges)
    for node, data in original.nodes(data=True):
        got = read.nodes[node]
        assert got["kind"] == data["kind"] and got["label"] == data["label"]
        assert got.get("license") == data["license"]
        downloads = got.get("downloads")
        assert (None if downloads is None else int(downloads)) == data["downloads"]


@pytest.mark.parametrize("suffix", [".graphml", ".gexf"])
def test_xml_formats_round_trip(subgraph: nx.DiGraph, tmp_path: Path, suffix: str) -> None:
    path = export(subgraph, tmp_path / f"g{suffix}")
    reader = nx.read_graphml if suffix == ".graphml" else nx.read_gexf
    read = reader(path)
    _check_round_trip(subgraph, read)


def test_json_node_link_round_trips(subgraph: nx.DiGraph, tmp_path: Path) -> None:
    path = export(subgraph, tmp_path / "g.json")
    data = json.loads(path.read_text(encoding="utf-8"))
    read = nx.node_link_graph(data, edges="edges")
    _check_round_trip(subgraph, read)
    assert any(n["downloads"] is None for n in data["nodes"])  # JSON keeps nulls


def test_dot_is_well_formed(subgraph: nx.DiGraph, tmp_path: Path) -> None:
    text = export(subgraph, tmp_path / "g.dot").read_text(encoding="utf-8")
    lines = text.strip().splitlines()
    assert lines[0] == "digraph ptmx {" and lines[-1] == "}"
    quoted = r'"(?:[^"\\]|\\.)*"'
    node_line = re.compile(rf"^  {quoted}( \[.*\])?;$")
    edge_line = re.compile(rf"^  {quoted} -> {quoted}( \[.*\])?;$")
    body = [ln for ln in lines[1:-1] if not ln.startswith(("  rankdir", "  node ["))]
    edges = [ln for ln in body if edge_line.match(ln)]
    nodes = [ln for ln in body if node_line.match(ln) and ln not in edges]
    assert len(nodes) == subgraph.number_of_nodes() and len(edges) == subgraph.number_of_edges()
    assert len(nodes) + len(edges) == len(body)


def test_dot_escapes_quotes_and_backslashes(tmp_path: Path) -> None:
    graph = nx.DiGraph()
    graph.add_node('project:a"b\\c', kind="project", label='a"b\\c')
    text = export(graph, tmp_path / "g.gv").read_text(encoding="utf-8")
    assert '"project:a\\"b\\\\c"' in text


def test_export_writes_atomically(subgraph: nx.DiGraph, tmp_path: Path, monkeypatch) -> None:
    target = tmp_path / "g.graphml"
    target.write_text("previous export")

    def fail(graph, handle):
        handle.write(b"<partial")
        raise OSError("disk full")

    # ptmx.graph.export is the function; patch the module it lives in.
    monkeypatch.setattr(sys.modules["ptmx.graph.export"], "_write_graphml", fail)
    with pytest.raises(OSError, match="disk full"):
        export(subgraph, target)
    assert target.read_text() == "previous export"
    assert [p.name for p in tmp_path.iterdir()] == ["g.graphml"]  # no temp file left


def test_unknown_suffix_and_missing_folder(subgraph: nx.DiGraph, tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="graphml"):
        export(subgraph, tmp_path / "g.png")
    with pytest.raises(DataError, match="does not exist"):
        export(subgraph, tmp_path / "nowhere" / "g.dot")
