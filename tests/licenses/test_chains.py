"""Effective terms through the base chain (issue 18): a project using a model is bound by what its
base models' licences require of every derivative, whatever the model's own card declares."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ptmx.cli import main
from ptmx.licenses import AuditRecord, audit, check, verdict_for
from ptmx.store import Store, open_store
from tests.licenses.conftest import build_license_dataset

MODELS = {
    "acme/nc-base": ["cc-by-nc-4.0"],
    "acme/relabel": ["apache-2.0"],        # 1 hop: an Apache relabel of a non-commercial base
    "acme/relabel-ft": ["mit"],            # 2 hops
    "acme/rail-base": ["creativeml-openrail-m"],
    "acme/rail-mit": ["mit"],              # OpenRAIL base → MIT fine-tune
    "meta/llama3": ["llama3"],
    "acme/l1": ["apache-2.0"],
    "acme/l2": ["mit"],
    "acme/l3": [],                         # no licence recorded: a gap the walk goes through
    "acme/l4": ["apache-2.0"],             # 4 hops from Llama 3
    "acme/cyc-a": ["apache-2.0"],
    "acme/cyc-b": ["mit"],
    "acme/orphan": ["mit"],                # its base is not in the dataset
    "acme/plain": ["mit"],                 # no base at all
}
PROJECTS = {
    "alice/app": (["mit"], ["acme/relabel", "acme/relabel-ft", "acme/plain", "acme/l4"]),
    "gnu/app": (["gpl-3.0"], ["acme/rail-mit"]),
    "gnu/ships": (["gpl-3.0", "stable-diffusion-2022-08-22"], ["acme/rail-mit"]),
    "cy/app": (["mit"], ["acme/cyc-a", "acme/orphan"]),
}
EDGES = [
    ("acme/relabel", "acme/nc-base", "finetune"),
    ("acme/relabel-ft", "acme/relabel", "finetune"),
    ("acme/rail-mit", "acme/rail-base", "finetune"),
    ("acme/l1", "meta/llama3", "finetune"),
    ("acme/l2", "acme/l1", "quantized"),
    ("acme/l3", "acme/l2", "adapter"),
    ("acme/l4", "acme/l3", "merge"),
    ("acme/cyc-a", "acme/cyc-b", "finetune"),
    ("acme/cyc-b", "acme/cyc-a", "finetune"),
    ("acme/orphan", "ghost/base", "adapter"),
]


@pytest.fixture
def chain_store(tmp_path: Path) -> Store:
    return open_store(build_license_dataset(tmp_path / "chains", MODELS, PROJECTS, EDGES))


def _link(store: Store, model: str, project: str) -> AuditRecord:
    return next(r for r in audit(store).records if r.model == model and r.project == project)


def _edge(store: Store, base: str, derived: str) -> AuditRecord:
    return next(r for r in audit(store).records if r.model == base and r.derived == derived)


def _rows(store: Store) -> dict[tuple[str | None, str | None], dict[str, object]]:
    return {(r["model"], r["project"] or r["derived"]): r for r in audit(store).rows()}


def test_apache_relabel_of_a_non_commercial_base_binds_the_project(chain_store: Store) -> None:
    rec = _link(chain_store, "acme/relabel", "alice/app")
    assert (rec.activity, rec.verdict) == ("use", "use-constrained")
    assert rec.inherited_from == "acme/nc-base"
    assert "Inherited from acme/nc-base (cc-by-nc-4.0) along acme/relabel → acme/nc-base" \
        in rec.reason
    row = _rows(chain_store)[("acme/relabel", "alice/app")]
    assert row["chain"] == [{
        "model": "acme/nc-base", "license": "cc-by-nc-4.0", "depth": 1,
        "via": "acme/relabel → acme/nc-base", "relation": "finetune",
        "imposes": ["non-commercial use only", "attribution / licence notice"]}]


def test_two_hops_still_carry_the_non_commercial_term(chain_store: Store) -> None:
    rec = _link(chain_store, "acme/relabel-ft", "alice/app")
    assert rec.verdict == "use-constrained" and rec.inherited_from == "acme/nc-base"
    assert "acme/relabel-ft → acme/relabel → acme/nc-base" in rec.reason
    # and the edge that relabels the relabel drifts from the grand-base as well
    edge = _edge(chain_store, "acme/relabel", "acme/relabel-ft")
    assert edge.verdict == "drift" and edge.inherited_from == "acme/nc-base"


def test_openrail_base_mit_finetune_gpl_project(chain_store: Store) -> None:
    used = _link(chain_store, "acme/rail-mit", "gnu/app")
    assert (used.activity, used.verdict) == ("use", "ok-with-obligations")
    assert used.inherited_from == "acme/rail-base"
    assert "use restrictions" in used.reason
    # the project ships the weights (its scan lists the RAIL licence): GPL cannot carry them
    shipped = _link(chain_store, "acme/rail-mit", "gnu/ships")
    assert (shipped.activity, shipped.verdict) == ("redistribute", "conflict")
    assert shipped.inherited_from == "acme/rail-base"
    # the MIT fine-tune itself dropped the RAIL use restrictions
    assert _edge(chain_store, "acme/rail-base", "acme/rail-mit").verdict == "conflict"


def test_four_hops_through_a_model_without_licence(chain_store: Store) -> None:
    rec = _link(chain_store, "acme/l4", "alice/app")
    assert rec.verdict == "use-constrained" and rec.inherited_from == "meta/llama3"
    assert "acme/l4 → acme/l3 → acme/l2 → acme/l1 → meta/llama3" in rec.reason
    chain = _rows(chain_store)[("acme/l4", "alice/app")]["chain"]
    assert isinstance(chain, list)
    assert [(a["model"], a["depth"]) for a in chain] == [
        ("acme/l3", 1), ("acme/l2", 2), ("acme/l1", 3), ("meta/llama3", 4)]
    assert chain[0]["gap"].startswith("no licence recorded")
    assert chain[3]["license"] == "llama3"
    assert "use restrictions pass through" in chain[3]["imposes"]
    assert any(t.startswith("user cap: 700M") for t in chain[3]["imposes"])


def test_a_cycle_is_said_and_not_followed(chain_store: Store) -> None:
    rec = _link(chain_store, "acme/cyc-a", "cy/app")
    assert rec.verdict == "ok" and rec.inherited_from is None
    chain = _rows(chain_store)[("acme/cyc-a", "cy/app")]["chain"]
    assert isinstance(chain, list)
    assert chain[0]["model"] == "acme/cyc-b" and "imposes" in chain[0]
    assert chain[1]["model"] == "acme/cyc-a"
    assert chain[1]["gap"].startswith("cycle: the lineage leads back to acme/cyc-a")


def test_a_missing_ancestor_is_said_and_changes_nothing(chain_store: Store) -> None:
    rec = _link(chain_store, "acme/orphan", "cy/app")
    assert rec.verdict == "ok" and rec.inherited_from is None
    assert rec.reason == verdict_for("mit", "mit", "use").reason  # its own licence, word for word
    chain = _rows(chain_store)[("acme/orphan", "cy/app")]["chain"]
    assert chain == [{"model": "ghost/base", "license": None, "depth": 1,
                      "via": "acme/orphan → ghost/base", "relation": "adapter",
                      "gap": "not in the dataset: its licence and bases are unknown"}]


def test_records_of_models_without_bases_keep_their_keys(chain_store: Store) -> None:
    row = _rows(chain_store)[("acme/plain", "alice/app")]
    assert "chain" not in row and "inherited_from" not in row


def test_check_of_one_model_judges_its_whole_chain(chain_store: Store) -> None:
    result = check(chain_store, model="acme/l4")
    link = next(r for r in result.findings if r.project == "alice/app")
    assert link.verdict == "use-constrained" and link.inherited_from == "meta/llama3"


@pytest.fixture
def chain_dir(tmp_path: Path) -> Path:
    return build_license_dataset(tmp_path / "chains-cli", MODELS, PROJECTS, EDGES)


def test_explain_model_prints_the_chain(capsys: pytest.CaptureFixture[str],
                                        chain_dir: Path) -> None:
    rc = main(["licenses", "explain", "acme/l4", "--data", str(chain_dir), "--format", "json"])
    data = json.loads(capsys.readouterr().out)
    assert rc == 0 and data["model"] == "acme/l4" and data["license"] == "apache-2.0"
    assert [t["source"] for t in data["effective_terms"]] == [
        "acme/l4", "acme/l3", "acme/l2", "acme/l1", "meta/llama3"]
    (use,) = data["verdicts"]
    assert (use["activity"], use["verdict"], use["inherited_from"]) == (
        "use", "use-constrained", "meta/llama3")
    rc = main(["licenses", "explain", "acme/relabel", "mit", "--data", str(chain_dir)])
    out = capsys.readouterr().out
    assert rc == 0 and "Effective terms of acme/relabel" in out and "acme/nc-base" in out
    assert "derive" in out and "drift" in out  # an MIT derivative drops the base's NC term


def test_explain_of_an_unknown_model_is_one_line(capsys: pytest.CaptureFixture[str],
                                                 chain_dir: Path) -> None:
    rc = main(["licenses", "explain", "acme/nope", "--data", str(chain_dir)])
    err = capsys.readouterr().err
    assert rc == 2 and err.startswith("ptmx: no model 'acme/nope'") and "Traceback" not in err


def test_an_unknown_derived_licence_does_not_hide_an_inherited_base(chain_store: Store) -> None:
    # Seen on the Hub's real lineage (inceptionai/jais-adapted-7b, an Apache relabel of Llama 2):
    # a derivative whose licence is not recorded is undecided under a restrictive base, whether
    # that base is its own (acme/l1 → acme/l2 would be) or further up the chain.
    edge = _edge(chain_store, "acme/l2", "acme/l3")  # mit, under Llama 3 → no licence recorded
    assert edge.verdict == "unknown" and edge.inherited_from == "meta/llama3"
    assert verdict_for("llama3", None, "derive").verdict == "unknown"
    # a known derived licence is judged as before: the Apache relabel of the Llama 3 line
    assert _edge(chain_store, "acme/l3", "acme/l4").verdict == "conflict"


def test_the_licence_to_carry_keeps_the_base_and_the_ancestor(tmp_path: Path) -> None:
    # OpenLLM-Ro/RoGemma-7b-Instruct (cc-by-nc-4.0, a Gemma fine-tune) → its DPO model: the
    # conflict comes from Gemma, but carrying `gemma` alone would drop the parent's NonCommercial.
    from ptmx.licenses.remedies import remedies_for

    store = open_store(build_license_dataset(
        tmp_path / "carry", {"g/gemma": ["gemma"], "ro/instruct": ["cc-by-nc-4.0"],
                             "ro/dpo": ["cc-by-nc-4.0"], "ro/relabel": ["apache-2.0"]},
        {"a/app": (["mit"], ["ro/dpo"])},
        [("ro/instruct", "g/gemma", "finetune"), ("ro/dpo", "ro/instruct", "finetune"),
         ("ro/relabel", "ro/instruct", "finetune")]))
    edges = [_edge(store, "ro/instruct", d) for d in ("ro/dpo", "ro/relabel")]
    assert [(e.verdict, e.inherited_from) for e in edges] == [("conflict", "g/gemma")] * 2
    carried = [r.carry and r.carry["license"] for r in remedies_for(store, edges) if r]
    assert len(carried) == 2 and all(c and "CC-BY-NC-4.0" in c and "gemma" in c.lower()
                                     for c in carried)
    assert all(verdict_for("cc-by-nc-4.0", c, "derive").verdict != "drift" for c in carried)
