"""`ptmx scan PATH --suggest --hub` (issue 18): a scan's remedies also name Hub models of the same
task, as `licenses check --suggest --hub` does (same source, request budget and exit 3), in the
JSON, the SARIF fixes and the table; `--hub` alone still only looks the models up."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from ptmx.cli import main
from tests.hub.fakehub import FakeHub, Fault
from tests.licenses.test_hub_remedies import TASK, fake_hub  # noqa: F401  (fixture)
from tests.licenses.test_remedies import remedy_dir  # noqa: F401  (fixture)

MIT = "MIT License\n\nPermission is hereby granted, free of charge, to any person obtaining a copy"


@pytest.fixture
def project(tmp_path: Path, remedy_dir: Path) -> Path:  # noqa: F811
    # The card rules read model_card.source (the dataset's column); the licence fixture's cards
    # lack it, so it is added here.
    cards = pq.read_table(remedy_dir / "model_card.parquet")
    pq.write_table(cards.append_column("source", pa.array(["readme"] * cards.num_rows)),
                   remedy_dir / "model_card.parquet")
    root = tmp_path / "proj"
    root.mkdir()
    (root / "LICENSE").write_text(MIT)
    (root / "app.py").write_text('from transformers import AutoModel\n'
                                 'm = AutoModel.from_pretrained("acme/t5-nc")\n')
    return root


def _scan(capsys: pytest.CaptureFixture[str], project: Path, data: Path, *extra: str,
          fmt: str = "json") -> tuple[int, str, str]:
    rc = main(["scan", str(project), "--data", str(data), "--format", fmt, *extra])
    captured = capsys.readouterr()
    return rc, captured.out, captured.err


def _listings(server: FakeHub) -> list[str]:
    """The tasks listed (``--hub`` alone also asks /api/models/ID for each model found)."""
    return [dict(s.query)["pipeline_tag"] for s in server.seen("/api/models")
            if "pipeline_tag" in dict(s.query)]


def _remedy(out: str) -> dict[str, Any]:
    report = json.loads(out)
    finding = next(f for f in report["findings"] if f.get("remedy"))
    assert finding["model"] == "acme/t5-nc"
    remedy: dict[str, Any] = finding["remedy"]
    return remedy


def test_scan_suggest_hub_adds_compatible_hub_models(
        capsys: pytest.CaptureFixture[str], fake_hub: FakeHub, remedy_dir: Path,  # noqa: F811
        project: Path) -> None:
    rc, out, _ = _scan(capsys, project, remedy_dir, "--suggest", "--hub")
    remedy = _remedy(out)
    assert rc == 0
    assert [a["model"] for a in remedy["alternatives"] if "source" not in a] == ["acme/flan-free"]
    hub = [a for a in remedy["alternatives"] if a.get("source") == "hub"]
    # the NC model, the relabel of an NC base and the other task's model are left out
    assert [a["model"] for a in hub] == ["google/flan-t5-base", "acme/mdw-t5", "acme/mit-t5"]
    assert all(a["verdict"] in ("ok", "ok-with-obligations") for a in hub)
    assert _listings(fake_hub) == [TASK]  # one listing, for the model's task


def test_scan_hub_without_suggest_asks_no_listing(
        capsys: pytest.CaptureFixture[str], fake_hub: FakeHub, remedy_dir: Path,  # noqa: F811
        project: Path) -> None:
    rc, out, _ = _scan(capsys, project, remedy_dir, "--hub")
    assert rc == 0 and _listings(fake_hub) == []
    assert all(not f.get("remedy") for f in json.loads(out)["findings"])
    rc, out, _ = _scan(capsys, project, remedy_dir, "--suggest")  # dataset only, no request
    assert rc == 0 and _listings(fake_hub) == []
    assert all("source" not in a for a in _remedy(out)["alternatives"])


def test_scan_sarif_and_table_show_hub_alternatives(
        capsys: pytest.CaptureFixture[str], fake_hub: FakeHub, remedy_dir: Path,  # noqa: F811
        project: Path) -> None:
    rc, out, _ = _scan(capsys, project, remedy_dir, "--suggest", "--hub", fmt="sarif")
    texts = [f["description"]["text"] for r in json.loads(out)["runs"][0]["results"]
             for f in r.get("fixes", [])]
    assert rc == 0
    assert any("google/flan-t5-base" in t and "from the Hugging Face Hub, 5,000,000 downloads"
               in t for t in texts)
    assert any("acme/flan-free" in t and "reused by" in t for t in texts)
    rc, out, _ = _scan(capsys, project, remedy_dir, "--suggest", "--hub", fmt="table")
    assert rc == 0 and "google/flan-t5-base (apache-2.0, hub)" in out.replace("\n", "")


def test_scan_hub_listing_failure_exits_3_in_one_line(
        capsys: pytest.CaptureFixture[str], fake_hub: FakeHub, remedy_dir: Path,  # noqa: F811
        project: Path) -> None:
    fake_hub.fail_listing_at(0, Fault(500), Fault(500))
    rc, out, err = _scan(capsys, project, remedy_dir, "--suggest", "--hub")
    assert rc == 3 and out == ""
    assert err.startswith("ptmx: ") and "Traceback" not in err


def test_scan_keeps_the_request_budget(
        capsys: pytest.CaptureFixture[str], fake_hub: FakeHub, remedy_dir: Path,  # noqa: F811
        project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from ptmx.cli import licenses as cli_licenses

    monkeypatch.setattr(cli_licenses, "HUB_REQUESTS", 0)
    rc, out, err = _scan(capsys, project, remedy_dir, "--suggest", "--hub")
    assert rc == 0 and _listings(fake_hub) == []
    assert "tasks not asked" in err
    assert [a["model"] for a in _remedy(out)["alternatives"]] == ["acme/flan-free"]
