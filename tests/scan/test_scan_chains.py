"""`ptmx scan` judges each model it finds on its effective terms (issue 18): the model's licence
and what its base models' licences require, with the chain and the ancestor that decided, in
the JSON, the SARIF and the table; ``--suggest`` adds remedies."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ptmx.cli import main
from ptmx.scan.report import scan_project
from ptmx.scan.sarif import to_sarif
from ptmx.store import open_store
from tests.licenses.conftest import build_license_dataset
from tests.licenses.test_chains import EDGES
from tests.licenses.test_chains import MODELS as CHAIN_MODELS

# one more model of the relabel's name family, with no base: a remedy candidate
MODELS = {**CHAIN_MODELS, "acme/relabel-clean": ["apache-2.0"]}

PROJECTS = {"alice/app": (["mit"], ["acme/relabel", "acme/relabel-clean"]),
            "bob/app": (["mit"], ["acme/relabel-clean"])}


@pytest.fixture
def chain_dir(tmp_path: Path) -> Path:
    return build_license_dataset(tmp_path / "chains", MODELS, PROJECTS, EDGES)


def _project(tmp_path: Path, license_text: str, *models: str) -> Path:
    root = tmp_path / "proj"
    root.mkdir()
    (root / "LICENSE").write_text(license_text)
    (root / "app.py").write_text("from transformers import AutoModel\n" + "".join(
        f'm{i} = AutoModel.from_pretrained("{m}")\n' for i, m in enumerate(models)))
    return root


MIT = "MIT License\n\nPermission is hereby granted, free of charge, to any person obtaining a copy"
GPL = "GNU GENERAL PUBLIC LICENSE\nVersion 3, 29 June 2007\n"


def _use(report, model):  # type: ignore[no-untyped-def]
    return next(u for u in report.models if u.model == model)


@pytest.mark.parametrize(("model", "verdict", "by"), [
    ("acme/relabel", "use-constrained", "acme/nc-base"),       # 1 hop: NC base → Apache relabel
    ("acme/relabel-ft", "use-constrained", "acme/nc-base"),    # 2 hops
    ("acme/l4", "use-constrained", "meta/llama3"),             # 4 hops, through a gap
    ("acme/plain", "ok", None),                                # no base
])
def test_scan_judges_on_effective_terms(tmp_path: Path, chain_dir: Path, model: str,
                                        verdict: str, by: str | None) -> None:
    report = scan_project(_project(tmp_path, MIT, model), open_store(chain_dir))
    v = _use(report, model).verdict
    assert v is not None and v.verdict == verdict and v.inherited_from == by
    if by:
        assert by in (v.reason or "")
        assert [a["model"] for a in v.chain or []][-1] in (by, "acme/l3") or by in \
            [a["model"] for a in v.chain or []]


def test_openrail_base_mit_finetune_in_a_gpl_project(tmp_path: Path, chain_dir: Path) -> None:
    report = scan_project(_project(tmp_path, GPL, "acme/rail-mit"), open_store(chain_dir))
    v = _use(report, "acme/rail-mit").verdict
    assert v is not None and v.inherited_from == "acme/rail-base"
    # using the weights: the RAIL use restrictions bind the project (an obligation) ...
    assert v.verdict == "ok-with-obligations" and "use restrictions" in (v.reason or "")
    # ... shipping them: GPL-3.0 cannot carry the RAIL restrictions the MIT card dropped
    shipped = scan_project(tmp_path / "proj", open_store(chain_dir), activity="redistribute")
    s = _use(shipped, "acme/rail-mit").verdict
    assert s is not None and s.verdict == "conflict" and s.inherited_from == "acme/rail-base"
    assert any(f.rule == "license-conflict" and f.model == "acme/rail-mit"
               for f in shipped.findings)


def test_cycle_and_missing_ancestor_are_said(tmp_path: Path, chain_dir: Path) -> None:
    report = scan_project(_project(tmp_path, MIT, "acme/cyc-a", "acme/orphan"),
                          open_store(chain_dir))
    cyc, orphan = _use(report, "acme/cyc-a").verdict, _use(report, "acme/orphan").verdict
    assert cyc is not None and orphan is not None
    assert cyc.verdict == "ok" and any("cycle" in (a.get("gap") or "") for a in cyc.chain or [])
    assert orphan.verdict == "ok" and orphan.chain and orphan.chain[0]["model"] == "ghost/base"
    assert orphan.chain[0].get("gap")


def test_scan_json_sarif_and_table_carry_the_chain(tmp_path: Path, chain_dir: Path,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    root = _project(tmp_path, MIT, "acme/relabel")
    assert main(["scan", str(root), "--data", str(chain_dir), "--format", "json",
                 "--suggest"]) == 0
    data = json.loads(capsys.readouterr().out)
    v = next(m for m in data["models"] if m["model"] == "acme/relabel")["verdict"]
    assert v["inherited_from"] == "acme/nc-base"
    assert v["chain"][0]["model"] == "acme/nc-base" and v["chain"][0]["license"] == "cc-by-nc-4.0"
    assert "non-commercial use only" in v["chain"][0]["imposes"]
    assert v["remedy"]["alternatives"][0]["model"] == "acme/relabel-clean"

    report = scan_project(root, open_store(chain_dir), suggest=True)
    sarif = to_sarif(report)
    result = next(r for r in sarif["runs"][0]["results"] if r["ruleId"] == "license-constrained")
    assert "acme/nc-base" in result["message"]["text"]
    assert any("acme/relabel-clean" in f["description"]["text"] for f in result["fixes"])

    assert main(["scan", str(root), "--data", str(chain_dir), "--suggest"]) == 0
    out = capsys.readouterr().out
    assert "via acme/nc-base" in out and "remedy: use acme/relabel-clean" in out
