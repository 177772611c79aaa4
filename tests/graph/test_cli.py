"""`ptmx graph ...` as a user runs it: outputs, exit codes, one-line errors."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import networkx as nx
import pytest

from ptmx.cli import main


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    rc = main(["graph", *argv])
    out, err = capsys.readouterr()
    return rc, out, err


def test_neighbors_tree_says_how_much_is_left_out(capsys, parquet_links) -> None:
    total = len(parquet_links[0]["bert-base-uncased"])
    rc, out, _ = run(capsys, "neighbors", "bert-base-uncased", "--limit", "3")
    assert rc == 0
    assert f"used by {total:,} projects" in out
    assert f"… {total - 3:,} more" in out
    assert len([ln for ln in out.splitlines() if "models" in ln]) == 3  # the projects shown


def test_neighbors_of_a_project(capsys, parquet_links) -> None:
    _, by_project = parquet_links
    rc, out, _ = run(capsys, "neighbours", "https://github.com/huggingface/transformers",
                     "--format", "json")
    result = json.loads(out)
    assert rc == 0 and result["root"] == "project:huggingface/transformers"
    models = {n["name"] for n in result["nodes"] if n["depth"] == 1}
    assert models == by_project["huggingface/transformers"]


def test_ambiguous_id_asks_for_kind(capsys) -> None:
    rc, out, err = run(capsys, "neighbors", "ProsusAI/finbert")
    assert rc == 2 and out == ""
    assert "both a model and a project" in err and "--kind" in err
    assert len(err.strip().splitlines()) == 1
    rc, out, _ = run(capsys, "neighbors", "ProsusAI/finbert", "--kind", "project",
                     "--format", "json")
    assert rc == 0 and json.loads(out)["nodes"][0]["kind"] == "project"


@pytest.mark.parametrize("argv", [
    ("neighbors", "bert-base-uncasd"), ("lineage", "bert-base-uncasd"),
    ("impact", "bert-base-uncasd"), ("export", "bert-base-uncasd", "--out", "x.json"),
])
def test_unknown_ids_exit_2_with_suggestions(capsys, argv) -> None:
    rc, out, err = run(capsys, *argv)
    assert rc == 2 and out == ""
    assert "did you mean bert-base-uncased" in err and "Traceback" not in err


def test_bad_depth_is_a_usage_error(capsys) -> None:
    with pytest.raises(SystemExit) as caught:
        main(["graph", "neighbors", "gpt2", "--depth", "0"])
    assert caught.value.code == 2


def test_lineage_formats(capsys) -> None:
    rc, out, _ = run(capsys, "lineage", "tiiuae/falcon-7b-instruct")
    assert rc == 0 and "↑ base 1 model" in out and "tiiuae/falcon-7b " in out
    rc, out, _ = run(capsys, "lineage", "tiiuae/falcon-7b", "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(out)))
    assert rc == 0 and [(r["direction"], r["model"], r["of"]) for r in rows] == [
        ("derived", "tiiuae/falcon-7b-instruct", "tiiuae/falcon-7b")]


def test_impact_json_lists_every_dependent_with_a_path(capsys, parquet_links) -> None:
    by_model, _ = parquet_links
    rc, out, _ = run(capsys, "impact", "EleutherAI/gpt-j-6b", "--format", "json")
    result = json.loads(out)
    expected = by_model["EleutherAI/gpt-j-6b"] | by_model["nomic-ai/gpt4all-j"]
    assert rc == 0 and result["projects"] == len(expected)
    assert {a["name"] for a in result["affected"] if a["kind"] == "project"} == expected
    assert all(a["path"][0] == "EleutherAI/gpt-j-6b" and a["path"][-1] == a["name"]
               for a in result["affected"])


def test_impact_tree_has_a_summary(capsys) -> None:
    rc, out, _ = run(capsys, "impact", "EleutherAI/gpt-j-6b", "--limit", "2")
    assert rc == 0 and "derived model(s) are affected" in out and "↓ derived" in out


@pytest.mark.parametrize("by", ["reuse", "in-degree", "pagerank", "co-usage", "projects"])
def test_top_in_every_format(capsys, by: str) -> None:
    rc, out, _ = run(capsys, "top", "--by", by, "--limit", "4", "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(out)))
    assert rc == 0 and [r["rank"] for r in rows] == ["1", "2", "3", "4"]
    rc, out, _ = run(capsys, "top", "--by", by, "--limit", "4", "--format", "json")
    assert rc == 0 and len(json.loads(out)) == 4


def test_export_neighborhood_and_whole_graph(capsys, tmp_path: Path) -> None:
    target = tmp_path / "gpt2.graphml"
    rc, _, err = run(capsys, "export", "gpt2", "--out", str(target))
    graph = nx.read_graphml(target)
    assert rc == 0 and "wrote" in err and graph.has_node("model:gpt2")
    assert f"{graph.number_of_nodes():,} nodes" in err
    whole = tmp_path / "all.gexf"
    rc, _, err = run(capsys, "export", "--to", str(whole))
    assert rc == 0 and nx.read_gexf(whole).number_of_nodes() > graph.number_of_nodes()


def test_export_takes_out_like_every_other_command(capsys, tmp_path: Path) -> None:
    with pytest.raises(SystemExit):
        main(["graph", "export", "--help"])
    helptext = capsys.readouterr().out
    assert "--out FILE" in helptext and "--to" not in helptext  # --to: a hidden old name
    rc, _, err = run(capsys, "export", "gpt2")
    assert rc == 2 and "--out FILE" in err and len(err.strip().splitlines()) <= 2
    assert not list(tmp_path.iterdir())


def test_export_rejects_unknown_suffix_before_writing(capsys, tmp_path: Path) -> None:
    rc, _, err = run(capsys, "export", "gpt2", "--out", str(tmp_path / "g.png"))
    assert rc == 2 and ".graphml" in err and not list(tmp_path.iterdir())


def test_lineage_tree_limit(capsys, chain_store) -> None:
    rc = main(["--data", str(chain_store.folder), "graph", "lineage", "base-a", "--limit", "1"])
    out = capsys.readouterr().out
    assert rc == 0 and "↓ derived 2 models" in out and "… 1 more" in out
    assert "0 base model(s), 3 derived model(s)" in out
