"""`graph impact` judges every affected project on the upstream model's effective terms: its own
licence and what its bases' licences require (issue 18), with the chain and inherited_from."""

from __future__ import annotations

import json
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from ptmx.cli import main
from ptmx.graph import impact
from ptmx.licenses import link_activity, verdict_for
from ptmx.store import open_store


def _write(folder: Path, name: str, rows: dict[str, list]) -> None:
    pq.write_table(pa.table(rows), folder / f"{name}.parquet")


@pytest.fixture
def relabel(tmp_path: Path) -> Path:
    """nc-base (CC-BY-NC-4.0) <- relabel (an Apache-2.0 relabel) <- used by eve/shop (MIT)."""
    _write(tmp_path, "model", {"id": [1, 2], "context_id": ["nc-base", "relabel"],
                               "model_hub_id": [1, 1], "downloads": [100, 50]})
    _write(tmp_path, "license", {"id": [1, 2], "name": ["cc-by-nc-4.0", "apache-2.0"]})
    _write(tmp_path, "model_to_license", {"model_id": [1, 2], "license_id": [1, 2]})
    _write(tmp_path, "reuse_repository", {"id": [1], "owner": ["eve"], "name": ["shop"]})
    _write(tmp_path, "model_to_reuse_repository", {"model_id": [2], "reuse_repository_id": [1]})
    _write(tmp_path, "reuse_repository_license", {"reuse_repository_id": [1],
                                                  "license_key": ["mit"], "source": ["test"]})
    _write(tmp_path, "model_base", {
        "model_id": pa.array([2], pa.int64()), "model": ["relabel"], "base_model": ["nc-base"],
        "base_model_id": pa.array([1], pa.int64()), "relation": ["finetune"],
        "source": ["test card"]})
    return tmp_path


def test_impact_judges_the_project_on_the_relabels_inherited_terms(
        relabel: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["graph", "impact", "nc-base", "--data", str(relabel), "--format", "json"]) == 0
    result = json.loads(capsys.readouterr()[0])
    shop = next(a for a in result["affected"] if a["name"] == "eve/shop")
    assert shop["path"] == ["nc-base", "relabel", "eve/shop"]
    derive, use = shop["verdicts"]
    assert derive["inherited_from"] is None and derive["chain"] is None  # nc-base has no bases
    assert use["upstream"] == "apache-2.0" and use["downstream"] == "mit"
    assert use["inherited_from"] == "nc-base"
    assert use["chain"][0]["model"] == "nc-base"
    assert use["chain"][0]["license"] == "cc-by-nc-4.0"
    assert "non-commercial use only" in use["chain"][0]["imposes"]
    assert "nc-base" in use["reason"]

    # The relabel's own Apache-2.0 alone would let the project through: the chain is the change.
    own = impact(open_store(relabel), "nc-base", license_judge=verdict_for, link_activity=link_activity)
    own_use = next(a for a in own.affected if a.node.name == "eve/shop").verdicts
    assert own_use is not None and own_use[1]["verdict"] != use["verdict"]
    assert "chain" not in own_use[1]

    assert main(["graph", "impact", "nc-base", "--data", str(relabel), "--format", "csv"]) == 0
    out = capsys.readouterr()[0]
    assert "inherited_from" in out.splitlines()[0] and "nc-base" in out


def test_impact_tree_shows_the_effective_verdict(relabel: Path,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["graph", "impact", "nc-base", "--data", str(relabel), "--format", "json"]) == 0
    verdict = next(a for a in json.loads(capsys.readouterr()[0])["affected"]
                   if a["name"] == "eve/shop")["verdicts"][-1]["verdict"]
    assert main(["graph", "impact", "nc-base", "--data", str(relabel)]) == 0
    line = next(ln for ln in capsys.readouterr()[0].splitlines() if "eve/shop" in ln)
    assert f"[{verdict}]" in line
