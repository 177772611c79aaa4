"""Neighborhoods on the bundled sample, checked against links read independently of ptmx."""

from __future__ import annotations

import json

import pytest

from ptmx.cli import main
from ptmx.errors import NotFoundError, UsageError
from ptmx.graph import USED_BY, USES, neighborhood
from ptmx.store import Store

BIG = ("spacy/en_core_web_sm", "bert-base-uncased", "gpt2")


def _cli_json(capsys: pytest.CaptureFixture[str], *argv: str) -> dict:
    assert main(["graph", "neighbors", *argv, "--format", "json"]) == 0
    return json.loads(capsys.readouterr().out)


def _names(result: dict, kind: str, depth: int = 1) -> set[str]:
    return {n["name"] for n in result["nodes"] if n["kind"] == kind and n["depth"] == depth}


def _pick_models(links: dict[str, set[str]]) -> list[str]:
    """The big models plus a one-project model and a mid-sized one, found in the data."""
    by_size = sorted(links, key=lambda m: (len(links[m]), m))
    single = next(m for m in by_size if len(links[m]) == 1)
    middle = next(m for m in by_size if 20 <= len(links[m]) <= 60)
    return [*BIG, single, middle]


def test_cli_json_lists_exactly_the_projects_of_each_model(capsys, parquet_links) -> None:
    by_model, _ = parquet_links
    for model in _pick_models(by_model):
        result = _cli_json(capsys, model)
        assert _names(result, "project") == by_model[model], model
        assert result["truncated"] == 0


def test_projects_match_the_artifact_mapping(capsys, mapping_links) -> None:
    assert len(mapping_links["bert-base-uncased"]) == 1704
    assert len(mapping_links["spacy/en_core_web_sm"]) == 2014
    for model in (*BIG, "roberta-base"):
        assert _names(_cli_json(capsys, model), "project") == mapping_links[model], model


def test_project_neighbors_are_its_models(sample_store: Store, parquet_links) -> None:
    _, by_project = parquet_links
    busiest = max(by_project, key=lambda p: len(by_project[p]))
    result = neighborhood(sample_store, busiest, kind="project", limit=None)
    [branch] = result.root.branches
    assert branch.relation == USES and branch.total == len(by_project[busiest])
    assert {c.node.name for c in branch.children} == by_project[busiest]


def test_limit_counts_what_it_leaves_out(sample_store: Store, parquet_links) -> None:
    total = len(parquet_links[0]["bert-base-uncased"])
    result = neighborhood(sample_store, "bert-base-uncased", limit=10)
    [branch] = result.root.branches
    assert branch.relation == USED_BY
    assert (branch.total, len(branch.children), branch.more) == (total, 10, total - 10)
    assert result.node_count == 11 and result.edge_count == 10
    assert result.truncated == total - 10
    assert not branch.children[0].expanded  # depth 1: the projects are leaves


def test_depth_two_reaches_the_other_models_of_the_projects(sample_store, parquet_links) -> None:
    by_model, by_project = parquet_links
    model = "microsoft/layoutlmv3-base"
    result = neighborhood(sample_store, model, depth=2, limit=None)
    projects = by_model[model]
    expected = set().union(*(by_project[p] for p in projects)) - {model}
    depth2 = {t.node.name for t in result.root.walk() if t.depth == 2}
    assert depth2 == expected
    # Every reuse edge among the nodes found is in the data, and none is missing.
    uses = {(e.source, e.target) for e in result.edges if e.kind == "uses"}
    assert uses == {(f"project:{p}", f"model:{m}") for p in projects for m in by_project[p]}


def test_depth_two_with_a_limit_shows_each_node_once(sample_store: Store) -> None:
    result = neighborhood(sample_store, "bert-base-uncased", depth=2, limit=5)
    keys = [t.node.key for t in result.root.walk()]
    assert len(keys) == len(set(keys)) == result.node_count
    for tree in result.root.walk():
        for branch in tree.branches:
            assert branch.total == len(branch.children) + branch.seen + branch.more
            assert len(branch.children) <= 5


def test_lineage_neighbors_appear_both_ways(sample_store: Store) -> None:
    up = neighborhood(sample_store, "tiiuae/falcon-7b-instruct")
    assert [(b.relation, [c.node.name for c in b.children]) for b in up.root.branches
            if b.relation == "base"] == [("base", ["tiiuae/falcon-7b"])]
    down = neighborhood(sample_store, "tiiuae/falcon-7b")
    derived = [b for b in down.root.branches if b.relation == "derived"]
    assert [c.node.name for c in derived[0].children] == ["tiiuae/falcon-7b-instruct"]


def test_networkx_graph_carries_node_attributes(sample_store: Store) -> None:
    graph = neighborhood(sample_store, "gpt2", limit=None).to_networkx()
    root = graph.nodes["model:gpt2"]
    assert root["kind"] == "model" and root["license"] == "mit" and root["downloads"] > 0
    assert graph.in_degree("model:gpt2") == graph.number_of_nodes() - 1
    assert all(d["kind"] == "project" for n, d in graph.nodes(data=True) if n != "model:gpt2")


def test_an_id_that_is_both_a_model_and_a_project_needs_a_kind(sample_store: Store) -> None:
    with pytest.raises(UsageError, match="both a model and a project"):
        neighborhood(sample_store, "ProsusAI/finbert")
    as_model = neighborhood(sample_store, "ProsusAI/finbert", kind="model")
    as_project = neighborhood(sample_store, "project:ProsusAI/finbert")
    assert as_model.root.node.kind == "model" and as_project.root.node.kind == "project"


def test_unknown_ids_suggest_close_names(sample_store: Store) -> None:
    with pytest.raises(NotFoundError) as caught:
        neighborhood(sample_store, "bert-base-uncasd")
    assert "bert-base-uncased" in caught.value.one_line()
    with pytest.raises(NotFoundError, match="no project"):
        neighborhood(sample_store, "nobody/nothing-here", kind="project")


def test_bad_depth_and_limit_are_usage_errors(sample_store: Store) -> None:
    with pytest.raises(UsageError):
        neighborhood(sample_store, "gpt2", depth=0)
    with pytest.raises(UsageError):
        neighborhood(sample_store, "gpt2", limit=-1)


def test_project_licenses_tell_unscanned_from_none_found(chain_store: Store) -> None:
    # 'NONE' = scanned, no license found; None = never scanned (as the license engine reads it).
    result = neighborhood(chain_store, "q-c")
    licenses = {c.node.name: c.node.license for b in result.root.branches for c in b.children}
    assert licenses["carol/svc"] == "NONE" and licenses["dave/x"] is None


def test_the_tree_parent_is_not_listed_again(chain_store: Store) -> None:
    result = neighborhood(chain_store, "q-c", depth=2)
    [ft_b] = [c for b in result.root.branches if b.relation == "base" for c in b.children]
    assert {b.relation: [c.node.name for c in b.children] for b in ft_b.branches} == {
        "base": ["base-a"], "used-by": ["bob/tool"]}  # no "derived": q-c is where we came from
    assert ("model:q-c", "model:ft-b") in {(e.source, e.target) for e in result.edges}


@pytest.mark.parametrize(("ref", "kind", "depth", "limit"), [
    ("bert-base-uncased", "model", 2, 50), ("spacy/en_core_web_sm", "model", 2, 5),
    ("gpt2", "model", 3, 20), ("bert-base-uncased", "model", 2, None),
    ("huggingface/transformers", "project", 3, 10), ("groq/mlagility", "project", 2, 50)])
def test_long_neighbor_lists_counted_in_arrow_give_the_same_tree(
        sample_store: Store, monkeypatch: pytest.MonkeyPatch, ref: str, kind: str, depth: int,
        limit: int | None) -> None:
    # Lists longer than walk.BIG are counted with Arrow compute instead of Python loops; the
    # tree, its seen/more counts and the edges must not depend on which path a list took.
    from ptmx.graph import walk

    def run(big: int) -> dict:
        monkeypatch.setattr(walk, "BIG", big)
        result = neighborhood(sample_store, ref, kind=kind, depth=depth, limit=limit)
        return {**result.to_dict(), "tree": result.root.to_dict()}

    in_python, in_arrow = run(10**9), run(1)
    assert in_arrow == in_python
    assert in_python["node_count"] > 20 and in_python["edge_count"] >= in_python["node_count"] - 1
