"""Rankings and the whole graph, checked against counts made from the Parquet files directly."""

from __future__ import annotations

from collections import Counter
from itertools import combinations

import networkx as nx
import pyarrow.parquet as pq
import pytest

from ptmx.config import bundled_data_dir
from ptmx.errors import UsageError
from ptmx.graph import pagerank, supply_graph, top
from ptmx.store import Store


def test_most_reused_matches_the_links(sample_store: Store, parquet_links) -> None:
    by_model, _ = parquet_links
    rows = top(sample_store, "reuse", 10)
    assert [r["rank"] for r in rows] == list(range(1, 11))
    assert [r["projects"] for r in rows] == sorted((len(p) for p in by_model.values()),
                                                   reverse=True)[:10]
    assert all(r["projects"] == len(by_model[r["model"]]) for r in rows)


def test_busiest_projects_match_the_links(sample_store: Store, parquet_links) -> None:
    _, by_project = parquet_links
    rows = top(sample_store, "projects", 5)
    assert all(r["models"] == len(by_project[r["project"]]) for r in rows)
    assert rows[0]["models"] == max(len(m) for m in by_project.values())


def test_co_usage_pairs_match_a_count_in_python(sample_store: Store, parquet_links) -> None:
    _, by_project = parquet_links
    pairs: Counter[tuple[str, str]] = Counter()
    for models in by_project.values():
        pairs.update(combinations(sorted(models), 2))
    rows = top(sample_store, "co-usage", 5)
    assert [r["projects"] for r in rows] == [n for _, n in pairs.most_common(5)]
    assert all(pairs[tuple(sorted((r["model_a"], r["model_b"])))] == r["projects"] for r in rows)
    with_gpt2 = top(sample_store, "co-usage", 5, model="gpt2")
    assert all("gpt2" in (r["model_a"], r["model_b"]) for r in with_gpt2)
    best = max(n for pair, n in pairs.items() if "gpt2" in pair)
    assert with_gpt2[0]["projects"] == best


def test_in_degree_counts_projects_and_derived_models(chain_store: Store) -> None:
    rows = {r["model"]: r for r in top(chain_store, "in-degree", 10)}
    assert (rows["base-a"]["projects"], rows["base-a"]["derived"]) == (2, 2)
    assert rows["base-a"]["in_degree"] == 4
    assert rows["ft-b"]["in_degree"] == 2  # bob/tool and q-c


def test_pagerank_matches_the_closed_form() -> None:
    # project -> model: x_project = 1/(2+d), x_model = (1+d)/(2+d).
    graph = nx.DiGraph([("p", "m")])
    rank = pagerank(graph, alpha=0.85, tol=1e-12)
    assert rank["p"] == pytest.approx(1 / 2.85) and rank["m"] == pytest.approx(1.85 / 2.85)


def test_pagerank_splits_a_projects_vote_among_its_models() -> None:
    graph = nx.DiGraph([("p1", "a"), ("p2", "a"), ("p2", "b"), ("p3", "c")])
    rank = pagerank(graph)
    assert sum(rank.values()) == pytest.approx(1.0)
    assert rank["a"] > rank["c"] > rank["b"]  # c has p3's whole vote, b half of p2's
    assert pagerank(nx.DiGraph()) == {}


def test_pagerank_ranking_on_the_sample(sample_store: Store, parquet_links) -> None:
    by_model, _ = parquet_links
    rows = top(sample_store, "pagerank", 10)
    scores = [r["pagerank"] for r in rows]
    assert scores == sorted(scores, reverse=True)
    assert all(r["projects"] == len(by_model[r["model"]]) for r in rows)
    most_reused = max(by_model, key=lambda m: len(by_model[m]))
    assert rows[0]["model"] == most_reused


def test_whole_graph_has_every_link_and_lineage_edge(sample_store: Store, parquet_links) -> None:
    by_model, by_project = parquet_links
    bases = pq.read_table(bundled_data_dir() / "model_base.parquet").to_pylist()
    graph = supply_graph(sample_store)
    uses = [(u, v) for u, v, d in graph.edges(data=True) if d["kind"] == "uses"]
    assert len(uses) == sum(len(p) for p in by_model.values())
    assert {(u, v) for u, v, d in graph.edges(data=True) if d["kind"] == "base"} == {
        (f"model:{b['model']}", f"model:{b['base_model']}") for b in bases}
    projects = [n for n, d in graph.nodes(data=True) if d["kind"] == "project"]
    assert len(projects) == len(by_project)
    assert not any(graph.nodes[n]["in_dataset"] for n in graph
                   if n.removeprefix("model:") in {b["base_model"] for b in bases
                                                   if b["base_model_id"] is None})


def test_bad_rankings_are_usage_errors(sample_store: Store) -> None:
    with pytest.raises(UsageError):
        top(sample_store, "fame", 5)
    with pytest.raises(UsageError):
        top(sample_store, "reuse", 5, model="gpt2")


def test_pagerank_with_lineage_credits_bases(chain_store: Store) -> None:
    plain = {r["model"]: r for r in top(chain_store, "pagerank", 20)}
    assert "ghost/base" not in plain and "merge-m" not in plain  # no reuse links
    with_lineage = {r["model"]: r for r in top(chain_store, "pagerank", 20, lineage=True)}
    assert "ghost/base" in with_lineage
    # base-a gains the standing of its fine-tunes, which projects use (the loop-x/loop-y cycle
    # is a rank sink, as in any PageRank, so compare with the rest of the chain).
    rank = {m: r["pagerank"] for m, r in with_lineage.items()}
    assert rank["base-a"] > max(rank["ft-b"], rank["q-c"], rank["other"])
    assert plain["base-a"]["pagerank"] <= max(plain[m]["pagerank"] for m in ("q-c", "other"))
    assert with_lineage["base-a"]["in_degree"] == plain["base-a"]["in_degree"] + 2
