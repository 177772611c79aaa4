"""Lineage and blast radius: the sample's card edges, and multi-generation chains in a tiny set."""

from __future__ import annotations

from dataclasses import dataclass

import pyarrow.parquet as pq
import pytest

from ptmx.config import bundled_data_dir
from ptmx.errors import MissingTableError, NotFoundError
from ptmx.graph import impact, lineage
from ptmx.store import Store, open_store


def test_sample_lineage_matches_model_base(sample_store: Store) -> None:
    rows = pq.read_table(bundled_data_dir() / "model_base.parquet").to_pylist()
    for row in rows:
        up = lineage(sample_store, row["model"])
        assert row["base_model"] in {a["model"] for a in up.ancestors}
        assert all(a["generation"] >= 1 for a in up.ancestors)
        if row["base_model_id"] is None:
            # Not in the dataset, yet shown by the card's name and reachable by it.
            [base] = [a for a in up.ancestors if a["model"] == row["base_model"]]
            assert base["in_dataset"] is False
        down = lineage(sample_store, row["base_model"])
        assert row["model"] in {d["model"] for d in down.descendants}


def test_lineage_follows_chains_both_ways(chain_store: Store) -> None:
    up = lineage(chain_store, "q-c")
    assert [(a["model"], a["generation"], a["relation"]) for a in up.ancestors] == [
        ("ft-b", 1, "quantized"), ("base-a", 2, "finetune")]
    assert up.descendants == []
    down = lineage(chain_store, "base-a")
    assert sorted((d["model"], d["generation"]) for d in down.descendants) == [
        ("ft-b", 1), ("merge-m", 1), ("q-c", 2)]
    assert {(d["model"], d["derived_from"]) for d in down.descendants} >= {("q-c", "ft-b")}


def test_lineage_of_a_base_outside_the_dataset(chain_store: Store) -> None:
    ghost = lineage(chain_store, "ghost/base")
    assert ghost.root.node.in_dataset is False
    assert [d["model"] for d in ghost.descendants] == ["merge-m"]
    merged = lineage(chain_store, "merge-m")
    assert {(a["model"], a["in_dataset"]) for a in merged.ancestors} == {
        ("base-a", True), ("ghost/base", False)}


def test_lineage_cycles_terminate(chain_store: Store) -> None:
    result = lineage(chain_store, "loop-x")
    assert [a["model"] for a in result.ancestors] == ["loop-y"]
    assert [d["model"] for d in result.descendants] == []  # loop-y is already placed above
    assert result.node_count == 2


def test_lineage_without_model_base_is_a_clear_error(tmp_path, chain_store: Store) -> None:
    for path in chain_store.folder.glob("*.parquet"):
        if path.stem != "model_base":
            (tmp_path / "copy").mkdir(exist_ok=True)
            (tmp_path / "copy" / path.name).write_bytes(path.read_bytes())
    store = open_store(tmp_path / "copy")
    with pytest.raises(MissingTableError, match="model_base"):
        lineage(store, "base-a")


def test_impact_reaches_projects_through_derived_models(chain_store: Store) -> None:
    result = impact(chain_store, "base-a")
    paths = {a.node.name: [n.name for n in a.path] for a in result.affected}
    assert paths == {
        "ft-b": ["base-a", "ft-b"],
        "merge-m": ["base-a", "merge-m"],
        "alice/app": ["base-a", "alice/app"],
        "dave/x": ["base-a", "dave/x"],            # direct use beats the path through q-c
        "bob/tool": ["base-a", "ft-b", "bob/tool"],
        "q-c": ["base-a", "ft-b", "q-c"],
        "carol/svc": ["base-a", "ft-b", "q-c", "carol/svc"],
    }
    assert (result.projects, result.models, result.direct_projects) == (4, 3, 2)
    distances = [a.distance for a in result.affected]
    assert distances == sorted(distances)
    carol = next(a for a in result.affected if a.node.name == "carol/svc")
    assert carol.relations == ["derived", "derived", "used-by"]


def test_impact_on_the_sample_through_a_fine_tune(sample_store: Store, parquet_links) -> None:
    by_model, _ = parquet_links
    result = impact(sample_store, "EleutherAI/gpt-j-6b")
    projects = {a.node.name for a in result.affected if a.node.kind == "project"}
    assert projects == by_model["EleutherAI/gpt-j-6b"] | by_model["nomic-ai/gpt4all-j"]
    via_finetune = [a for a in result.affected if a.distance == 2]
    assert via_finetune and all(a.path[1].name == "nomic-ai/gpt4all-j" for a in via_finetune)


def test_impact_of_an_unknown_model_suggests_names(sample_store: Store) -> None:
    with pytest.raises(NotFoundError, match="no model"):
        impact(sample_store, "gtp2")


@dataclass
class Judged:
    """What a license judge answers, as ptmx.licenses.Verdict has it."""

    verdict: str
    activity: str
    reason: str = "test"
    fix: str | None = None


def test_impact_asks_the_license_judge_for_each_step(chain_store: Store) -> None:
    calls = []

    def judge(upstream, downstream, activity):
        calls.append((upstream, downstream, activity))
        return Judged("conflict" if "nc" in (upstream or "") else "ok", activity)

    result = impact(chain_store, "base-a", license_judge=judge)
    assert result.license_engine
    carol = next(a for a in result.affected if a.node.name == "carol/svc")
    assert [(v["activity"], v["verdict"]) for v in carol.verdicts] == [
        ("derive", "ok"), ("derive", "conflict"), ("use", "conflict")]
    assert carol.verdicts[0]["upstream"] == "apache-2.0"
    assert carol.verdicts[0]["downstream"] == "cc-by-nc-4.0"
    assert len(calls) == len(set(calls))  # each distinct pair is judged once


def test_impact_refines_a_projects_use_with_link_activity(chain_store: Store) -> None:
    result = impact(chain_store, "base-a", license_judge=lambda u, d, a: Judged("ok", a),
                    link_activity=lambda upstream, downstream: "redistribute")
    carol = next(a for a in result.affected if a.node.name == "carol/svc")
    assert [v["activity"] for v in carol.verdicts] == ["derive", "derive", "redistribute"]


def test_impact_without_a_judge_has_no_verdicts(chain_store: Store) -> None:
    result = impact(chain_store, "base-a")
    assert not result.license_engine and all(a.verdicts is None for a in result.affected)


def test_a_failing_judge_is_a_bug_and_propagates(chain_store: Store) -> None:
    def broken(upstream, downstream, activity):
        raise RuntimeError("no table")

    with pytest.raises(RuntimeError, match="no table"):
        impact(chain_store, "base-a", license_judge=broken)


def test_impact_with_the_real_license_engine(chain_store: Store) -> None:
    from ptmx.licenses import link_activity, verdict_for

    result = impact(chain_store, "base-a", license_judge=verdict_for,
                    link_activity=link_activity)
    verdicts = [v for a in result.affected for v in a.verdicts]
    assert verdicts and all(v["verdict"] and v["reason"] for v in verdicts)


def test_everything_but_lineage_works_without_extension_tables(tmp_path, chain_store) -> None:
    from ptmx.graph import export, neighborhood, supply_graph, top

    folder = tmp_path / "bare"
    folder.mkdir()
    for path in chain_store.folder.glob("*.parquet"):
        if path.stem not in ("model_base", "reuse_repository_license"):
            (folder / path.name).write_bytes(path.read_bytes())
    store = open_store(folder)
    near = neighborhood(store, "base-a", depth=2, limit=None)
    # Its projects, then their other models; no lineage edges to follow.
    assert {n.name for n in near.nodes.values()} == {"base-a", "alice/app", "dave/x", "q-c"}
    assert all(n.license is None for n in near.nodes.values() if n.kind == "project")
    assert {a.node.name for a in impact(store, "base-a").affected} == {"alice/app", "dave/x"}
    assert top(store, "in-degree", 3)[0]["derived"] == 0
    assert top(store, "pagerank", 3)
    assert export(supply_graph(store), tmp_path / "g.graphml").stat().st_size > 0


def test_verdicts_read_a_card_license_when_hub_tags_are_missing(sample_store):
    cards = {r["model_id"]: r["license"] for r in pq.read_table(
        bundled_data_dir() / "model_card.parquet").to_pylist() if r["license"]}
    tagged = {r["model_id"] for r in pq.read_table(
        bundled_data_dir() / "model_to_license.parquet").to_pylist()}
    bases = pq.read_table(bundled_data_dir() / "model_base.parquet").to_pylist()
    # A derived model with no hub tag but a card license, and a base in the dataset.
    edge = next(b for b in bases if b["base_model_id"] is not None
                and b["model_id"] not in tagged and b["model_id"] in cards)
    result = impact(sample_store, edge["base_model"],
                    license_judge=lambda u, d, a: Judged("ok", a))
    [derived] = [a for a in result.affected if a.node.name == edge["model"]]
    assert derived.node.license is None  # the node shows hub tags, as model pages do
    assert derived.verdicts[0]["downstream"] == cards[edge["model_id"]]
    assert derived.verdicts[0]["activity"] == "derive"
