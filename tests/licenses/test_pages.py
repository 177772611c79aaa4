"""`ptmx model` and `ptmx project` judge each link on the model's effective terms (issue 18): the
verdict says which ancestor's licence decided it, and the chain is in the JSON and the table."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ptmx.cli import main
from ptmx.licenses import audit
from ptmx.store import open_store
from tests.licenses.conftest import build_license_dataset
from tests.licenses.test_chains import EDGES, MODELS, PROJECTS


@pytest.fixture
def chain_dir(tmp_path: Path) -> Path:
    return build_license_dataset(tmp_path / "chains-pages", MODELS, PROJECTS, EDGES)


def _json(capsys: pytest.CaptureFixture[str], *argv: str) -> dict:  # type: ignore[type-arg]
    assert main(list(argv)) == 0
    return json.loads(capsys.readouterr().out)  # type: ignore[no-any-return]


def test_model_page_json_judges_links_on_the_chain(capsys: pytest.CaptureFixture[str],
                                                   chain_dir: Path) -> None:
    page = _json(capsys, "model", "acme/relabel", "--data", str(chain_dir), "--format", "json")
    (project,) = page["projects"]
    assert project["project"] == "alice/app"
    assert (project["verdict"], project["activity"], project["inherited_from"],
            project["project_license"]) == ("use-constrained", "use", "acme/nc-base", "mit")
    assert "Inherited from acme/nc-base" in project["reason"]
    assert page["chain"] == [{
        "model": "acme/nc-base", "license": "cc-by-nc-4.0", "depth": 1,
        "via": "acme/relabel → acme/nc-base", "relation": "finetune",
        "imposes": ["non-commercial use only", "attribution / licence notice"]}]
    assert page["license_verdicts"] == {"use-constrained": 1}


def test_model_without_bases_has_an_empty_chain(capsys: pytest.CaptureFixture[str],
                                                chain_dir: Path) -> None:
    page = _json(capsys, "model", "acme/plain", "--data", str(chain_dir), "--format", "json")
    assert page["chain"] == [] and page["chain_gaps"] == []
    (project,) = page["projects"]
    assert project["verdict"] == "ok" and project["inherited_from"] is None


def test_model_page_agrees_with_the_audit(capsys: pytest.CaptureFixture[str],
                                          chain_dir: Path) -> None:
    records = {(r.model, r.project): r for r in audit(open_store(chain_dir)).records
               if r.kind == "link"}
    for model in ("acme/relabel", "acme/relabel-ft", "acme/rail-mit", "acme/l4", "acme/cyc-a",
                  "acme/orphan", "acme/plain"):
        page = _json(capsys, "model", model, "--data", str(chain_dir), "--format", "json")
        for p in page["projects"]:
            rec = records[(model, p["project"])]
            assert (p["verdict"], p["inherited_from"]) == (rec.verdict, rec.inherited_from)


def test_model_page_table_says_inherited_and_prints_the_chain(
        capsys: pytest.CaptureFixture[str], chain_dir: Path) -> None:
    assert main(["model", "acme/l4", "--data", str(chain_dir)]) == 0
    out = capsys.readouterr().out
    assert "use-constrained (inherited from meta/llama3)" in out
    assert "effective terms" in out
    for ancestor in ("acme/l3", "acme/l2", "acme/l1", "meta/llama3"):
        assert ancestor in out
    assert "no licence recorded" in out  # acme/l3, a gap the walk goes through


def test_model_page_says_cycles_and_missing_ancestors(capsys: pytest.CaptureFixture[str],
                                                      chain_dir: Path) -> None:
    page = _json(capsys, "model", "acme/cyc-a", "--data", str(chain_dir), "--format", "json")
    assert any("cycle" in g for g in page["chain_gaps"])
    page = _json(capsys, "model", "acme/orphan", "--data", str(chain_dir), "--format", "json")
    assert page["chain_gaps"] == ["ghost/base: not in the dataset: its licence and bases are "
                                  "unknown"]
    assert page["projects"][0]["verdict"] == "ok"


def test_project_page_json_and_table(capsys: pytest.CaptureFixture[str],
                                     chain_dir: Path) -> None:
    page = _json(capsys, "project", "alice/app", "--data", str(chain_dir), "--format", "json")
    models = {m["model"]: m for m in page["models"]}
    assert models["acme/relabel-ft"]["verdict"] == "use-constrained"
    assert models["acme/relabel-ft"]["inherited_from"] == "acme/nc-base"
    assert [a["model"] for a in models["acme/relabel-ft"]["chain"]] == ["acme/relabel",
                                                                         "acme/nc-base"]
    assert models["acme/plain"]["verdict"] == "ok" and models["acme/plain"]["chain"] is None
    assert page["license_verdicts"] == {"ok": 1, "use-constrained": 3}
    assert main(["project", "gnu/app", "--data", str(chain_dir)]) == 0
    out = capsys.readouterr().out
    assert "ok-with-obligations (inherited from acme/rail-base)" in out
    assert "use restrictions pass through" in out


def test_project_page_table_lists_the_worst_first(capsys: pytest.CaptureFixture[str],
                                                  chain_dir: Path) -> None:
    assert main(["project", "alice/app", "--data", str(chain_dir)]) == 0
    out = capsys.readouterr().out
    assert out.index("use-constrained (inherited from") < out.index("acme/plain")


def test_pages_read_card_licences_and_each_scanned_key_once(
        capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    # acme/carded has no licence in the dataset, only on its card; its base acme/card-base too.
    # bob/twice was scanned with the same key in two files.
    import pyarrow as pa
    import pyarrow.parquet as pq

    models = {"acme/carded": [], "acme/card-base": [], "acme/free": ["mit"]}
    projects = {"bob/twice": (["gpl-3.0", "gpl-3.0"], ["acme/carded", "acme/free"])}
    folder = build_license_dataset(tmp_path / "cards-pages", models, projects,
                                   [("acme/carded", "acme/card-base", "finetune")])
    pq.write_table(pa.table({"model_id": pa.array([1, 2], pa.int64()),
                             "license": ["cc-by-nc-4.0", "cc-by-nc-4.0"]}),
                   folder / "model_card.parquet")
    page = _json(capsys, "model", "acme/carded", "--data", str(folder), "--format", "json")
    (project,) = page["projects"]
    assert project["project_license"] == "gpl-3.0"
    assert project["verdict"] == "use-constrained"  # the card's non-commercial licence
    assert page["chain"][0]["license"] == "cc-by-nc-4.0"  # the base's card licence
    project_page = _json(capsys, "project", "bob/twice", "--data", str(folder), "--format",
                         "json")
    records = {(r.model, r.project): r for r in audit(open_store(folder)).records
               if r.kind == "link"}
    for m in project_page["models"]:
        rec = records[(m["model"], "bob/twice")]
        assert (m["verdict"], m["project_license"]) == (rec.verdict, rec.downstream)
