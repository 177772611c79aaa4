"""The Hub's `base_model` tags extend the chains licences are judged on (issue 18): a model whose
base only the Hub records is bound by that base's terms, through models outside the dataset, and
an ancestor tagged `license: other` is read through its license_name / license_link."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ptmx.cli import main
from ptmx.licenses import AuditRecord, audit, explain_model
from ptmx.store import Store, open_store
from tests.graph.hubfix import hub_row, write_hub_models, write_old_hub_snapshot
from tests.licenses.conftest import build_license_dataset

MODELS = {
    "acme/nc-base": ["cc-by-nc-4.0"],
    "acme/hub-relabel": ["apache-2.0"],   # its base is only a Hub tag
    "acme/hub-ft": ["mit"],               # → hubonly/mid (not in the dataset) → Llama 3 ('other')
    "acme/known": ["mit"],                # the dataset records its base; the Hub agrees
    "acme/lost": ["mit"],                 # its Hub base is nowhere: a gap
    "acme/stale": ["mit"],                # its newest Hub row is a failure
    "acme/plain": ["mit"],
}
PROJECTS = {
    "alice/app": (["mit"], ["acme/hub-relabel", "acme/hub-ft", "acme/known", "acme/lost",
                            "acme/stale", "acme/plain"]),
}
EDGES = [("acme/known", "acme/nc-base", "finetune")]
LLAMA = "meta-llama/Meta-Llama-3-8B"


def _hub(folder: Path) -> None:
    write_hub_models(folder, [
        hub_row("acme/hub-relabel", 2, license="apache-2.0", base_models=["ACME/nc-base"],
                base_model_relation="finetune"),
        hub_row("acme/hub-ft", 2, license="mit", base_models=["hubonly/mid"],
                base_model_relation="adapter"),
        hub_row("hubonly/mid", 2, license="apache-2.0", base_models=[LLAMA],
                base_model_relation="finetune"),
        hub_row(LLAMA, 2, license="other", license_name="llama3",
                license_link="https://huggingface.co/meta-llama/Meta-Llama-3-8B/blob/main/LICENSE"),
        hub_row("acme/known", 2, license="mit", base_models=["acme/nc-base"],
                base_model_relation="finetune"),
        hub_row("acme/lost", 2, license="mit", base_models=["ghost/nowhere"]),
        hub_row("acme/stale", 1, license="mit", base_models=["acme/nc-base"]),
    ])
    write_hub_models(folder, [hub_row("acme/stale", 3, status="not_found")], part=1)


@pytest.fixture
def hub_dir(tmp_path: Path) -> Path:
    folder = build_license_dataset(tmp_path / "hub-chains", MODELS, PROJECTS, EDGES)
    _hub(folder)
    return folder


@pytest.fixture
def hub_store(hub_dir: Path) -> Store:
    return open_store(hub_dir)


def _link(store: Store, model: str) -> AuditRecord:
    return next(r for r in audit(store).records if r.model == model and r.project == "alice/app")


def test_a_base_only_the_hub_records_binds_the_project(hub_store: Store) -> None:
    rec = _link(hub_store, "acme/hub-relabel")
    assert (rec.verdict, rec.inherited_from) == ("use-constrained", "acme/nc-base")  # its id
    (a,) = json.loads(rec.chain or "[]")
    assert (a["license"], a["source"], a["relation"]) == ("cc-by-nc-4.0", "hub", "finetune")


def test_the_hub_chain_runs_through_models_outside_the_dataset(hub_store: Store) -> None:
    rec = _link(hub_store, "acme/hub-ft")
    chain = json.loads(rec.chain or "[]")
    assert [a["model"] for a in chain] == ["hubonly/mid", LLAMA]
    assert chain[0]["license"] == "apache-2.0" and chain[0]["relation"] == "adapter"
    llama = chain[1]
    assert llama["via"] == f"acme/hub-ft → hubonly/mid → {LLAMA}"
    assert llama["declared"] == "other (license_name: llama3)"
    assert "keep the Meta Llama 3 Community License Agreement" in llama["imposes"]
    assert (rec.verdict, rec.inherited_from) == ("use-constrained", LLAMA)


def test_dataset_edges_are_not_doubled_and_gaps_are_said(hub_store: Store) -> None:
    known = json.loads(_link(hub_store, "acme/known").chain or "[]")
    assert [(a["model"], a.get("source")) for a in known] == [("acme/nc-base", None)]
    lost = json.loads(_link(hub_store, "acme/lost").chain or "[]")
    assert lost[0]["model"] == "ghost/nowhere" and "not in the dataset" in lost[0]["gap"]
    assert _link(hub_store, "acme/lost").verdict == "ok"


def test_a_model_whose_newest_hub_row_failed_gets_no_hub_base(hub_store: Store) -> None:
    rec = _link(hub_store, "acme/stale")
    assert rec.chain is None and rec.verdict == "ok"


def test_a_hub_snapshot_extends_chains_too(tmp_path: Path) -> None:
    folder = build_license_dataset(tmp_path / "snap", MODELS, PROJECTS, EDGES)
    write_old_hub_snapshot(folder, [hub_row("acme/hub-relabel", 2, license="apache-2.0",
                                            base_models=["acme/nc-base"])])
    rec = _link(open_store(folder), "acme/hub-relabel")
    assert (rec.verdict, rec.inherited_from) == ("use-constrained", "acme/nc-base")


def test_pages_and_explain_agree_with_the_audit(capsys: pytest.CaptureFixture[str],
                                                hub_dir: Path, hub_store: Store) -> None:
    for model in ("acme/hub-relabel", "acme/hub-ft", "acme/known", "acme/lost", "acme/stale"):
        assert main(["model", model, "--data", str(hub_dir), "--format", "json"]) == 0
        page = json.loads(capsys.readouterr().out)
        rec = _link(hub_store, model)
        (project,) = page["projects"]
        assert (project["verdict"], project["inherited_from"]) == (rec.verdict,
                                                                   rec.inherited_from)
        assert page["chain"] == json.loads(rec.chain or "[]")
    assert main(["project", "alice/app", "--data", str(hub_dir), "--format", "json"]) == 0
    models = {m["model"]: m for m in json.loads(capsys.readouterr().out)["models"]}
    assert models["acme/hub-ft"]["inherited_from"] == LLAMA
    terms = explain_model(hub_store, "acme/hub-ft").terms()
    assert [t["source"] for t in terms] == ["acme/hub-ft", "hubonly/mid", LLAMA]


def test_the_page_table_says_a_base_is_a_hub_tag(capsys: pytest.CaptureFixture[str],
                                                hub_dir: Path) -> None:
    assert main(["model", "acme/hub-ft", "--data", str(hub_dir)]) == 0
    out = " ".join(capsys.readouterr().out.split())
    assert "use-constrained (inherited from meta-llama/Meta-Llama-3-8B)" in out
    assert "[Hub base_model tag]" in out and "license_name: llama3" in out


def test_explain_model_says_which_bases_are_hub_tags(capsys: pytest.CaptureFixture[str],
                                                     hub_dir: Path) -> None:
    assert main(["licenses", "explain", "acme/hub-ft", "--data", str(hub_dir),
                 "--format", "json"]) == 0
    terms = json.loads(capsys.readouterr().out)["effective_terms"]
    llama = terms[-1]
    assert (llama["edge"], llama["declared"]) == ("hub", "other (license_name: llama3)")
    assert main(["licenses", "explain", "acme/hub-ft", "--data", str(hub_dir)]) == 0
    assert "[Hub base_model tag]" in " ".join(capsys.readouterr().out.split())
