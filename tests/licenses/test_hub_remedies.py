"""`--suggest --hub` (issue 18): remedies also come from the Hub, the most downloaded models of the
same task, crawled (hub_models) or live (tests/hub/fakehub.py), whose effective terms the
downstream licence accepts; the requests are bounded, and a hub failure exits 3."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pyarrow as pa
import pytest

from ptmx.cli import main
from tests.graph.hubfix import hub_row, write_hub_models
from tests.hub.conftest import point_env_at
from tests.hub.fakehub import FakeHub, Fault
from tests.licenses.test_remedies import remedy_dir  # noqa: F401  (fixture)

TASK = "summarization"


def _model(server: FakeHub, model: str, downloads: int, licence: str | None,
           task: str = TASK, bases: tuple[str, ...] = (), **card: Any) -> None:
    tags = ["transformers", *(f"license:{licence}" for licence in [licence] if licence),
            *(f"base_model:finetune:{b}" for b in bases)]
    server.add_model(model, downloads=downloads, pipeline_tag=task, tags=tags,
                     cardData={"license": licence, **card})


@pytest.fixture
def fake_hub(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Any:
    server = FakeHub().start()
    _model(server, "bigscience/t0-nc", 9_000_000, "cc-by-nc-4.0")       # NC: not for a MIT app
    _model(server, "google/flan-t5-base", 5_000_000, "apache-2.0")
    _model(server, "acme/relabel", 4_000_000, "apache-2.0", bases=("acme/t5-nc",))  # NC base
    _model(server, "acme/mdw-t5", 3_000_000, "other", license_name="open-mdw")
    _model(server, "acme/ghost-based", 2_500_000, "mit", bases=("ghost/none",))   # base unknown
    _model(server, "acme/mit-t5", 1_000_000, "mit")
    _model(server, "acme/bert-masker", 10_000_000, "mit", task="fill-mask")  # another job
    point_env_at(server.url, tmp_path, monkeypatch, retries=0, timeout=5)
    yield server
    server.stop()


def _remedy(capsys: pytest.CaptureFixture[str], folder: Path, *extra: str) -> dict[str, Any]:
    rc = main(["licenses", "check", "--project", "alice/app", "--suggest", *extra,
               "--data", str(folder), "--format", "json"])
    assert rc == 0
    findings = json.loads(capsys.readouterr().out)
    return next(f["remedy"] for f in findings if f["model"] == "acme/t5-nc")


def test_hub_alternatives_are_compatible_and_ranked_by_downloads(
        capsys: pytest.CaptureFixture[str], fake_hub: FakeHub, remedy_dir: Path) -> None:  # noqa: F811
    remedy = _remedy(capsys, remedy_dir, "--hub")
    hub = [a for a in remedy["alternatives"] if a.get("source") == "hub"]
    assert [a["model"] for a in hub] == ["google/flan-t5-base", "acme/mdw-t5", "acme/mit-t5"]
    assert hub[1]["license"] == "OpenMDW-1.0"  # 'other' read through its license_name
    assert all(a["verdict"] in ("ok", "ok-with-obligations") for a in hub)
    assert [a["model"] for a in remedy["alternatives"] if "source" not in a] == [
        "acme/flan-free"]  # the dataset's alternative comes first, as before
    (asked,) = fake_hub.seen("/api/models")
    query = dict(asked.query)
    assert (query["pipeline_tag"], query["sort"]) == (TASK, "downloads")
    assert {"tags", "cardData", "downloads"} <= {v for k, v in asked.query if k == "expand"}


def test_without_hub_no_request_is_made(capsys: pytest.CaptureFixture[str], fake_hub: FakeHub,
                                        remedy_dir: Path) -> None:  # noqa: F811
    remedy = _remedy(capsys, remedy_dir)
    assert all("source" not in a for a in remedy["alternatives"])
    assert fake_hub.seen("/api/models") == []


def test_crawled_hub_models_rows_are_candidates(capsys: pytest.CaptureFixture[str],
                                                fake_hub: FakeHub,
                                                remedy_dir: Path) -> None:  # noqa: F811
    write_hub_models(remedy_dir, [
        hub_row("crawl/t5-big", 2, license="apache-2.0", pipeline_tag=TASK, downloads=7_000_000),
        hub_row("crawl/t5-nc", 2, license="cc-by-nc-4.0", pipeline_tag=TASK, downloads=8_000_000),
        hub_row("crawl/t5-gone", 2, status="not_found", pipeline_tag=TASK, downloads=9_000_000),
    ])
    remedy = _remedy(capsys, remedy_dir, "--hub")
    hub = [(a["model"], a["source"]) for a in remedy["alternatives"] if a.get("source")]
    assert hub == [("crawl/t5-big", "hub crawl"), ("google/flan-t5-base", "hub"),
                   ("acme/mdw-t5", "hub")]


def test_sarif_and_table_show_hub_fixes(capsys: pytest.CaptureFixture[str], fake_hub: FakeHub,
                                        remedy_dir: Path) -> None:  # noqa: F811
    rc = main(["licenses", "check", "--project", "alice/app", "--suggest", "--hub",
               "--data", str(remedy_dir), "--format", "sarif"])
    log = json.loads(capsys.readouterr().out)
    texts = [f["description"]["text"] for r in log["runs"][0]["results"] for f in r.get("fixes", [])]
    assert rc == 0 and any("google/flan-t5-base" in t and "from the Hugging Face Hub, 5,000,000 "
                           "downloads" in t for t in texts)
    assert main(["licenses", "check", "--project", "alice/app", "--suggest", "--hub",
                 "--data", str(remedy_dir)]) == 0
    assert "google/flan-t5-base (apache-2.0, hub)" in capsys.readouterr().out.replace("\n", "")


def test_a_hub_failure_exits_3_in_one_line(capsys: pytest.CaptureFixture[str],
                                           fake_hub: FakeHub,
                                           remedy_dir: Path) -> None:  # noqa: F811
    fake_hub.fail_listing_at(0, Fault(500), Fault(500))
    rc = main(["licenses", "check", "--project", "alice/app", "--suggest", "--hub",
               "--data", str(remedy_dir), "--format", "json"])
    captured = capsys.readouterr()
    assert rc == 3 and captured.out == ""
    assert captured.err.startswith("ptmx: ") and "Traceback" not in captured.err


def test_the_request_budget_is_kept(capsys: pytest.CaptureFixture[str], fake_hub: FakeHub,
                                    remedy_dir: Path, monkeypatch: pytest.MonkeyPatch,  # noqa: F811
                                    ) -> None:
    from ptmx.cli import licenses as cli_licenses

    monkeypatch.setattr(cli_licenses, "HUB_REQUESTS", 0)
    rc = main(["licenses", "audit", "--suggest", "--hub", "--data", str(remedy_dir),
               "--format", "json"])
    captured = capsys.readouterr()
    assert rc == 0 and fake_hub.seen("/api/models") == []
    assert "tasks not asked" in captured.err


def test_hub_needs_suggest(capsys: pytest.CaptureFixture[str], remedy_dir: Path) -> None:  # noqa: F811
    assert main(["licenses", "audit", "--hub", "--data", str(remedy_dir)]) == 2
    assert "--hub" in capsys.readouterr().err


def test_a_task_only_a_hub_row_records_is_used(capsys: pytest.CaptureFixture[str],
                                               fake_hub: FakeHub,
                                               remedy_dir: Path) -> None:  # noqa: F811
    write_hub_models(remedy_dir, [hub_row("acme/bert-nc", 2, license="cc-by-nc-4.0",
                                          pipeline_tag="fill-mask")])
    rc = main(["licenses", "check", "--project", "alice/app", "--suggest", "--hub",
               "--data", str(remedy_dir), "--format", "json"])
    findings = json.loads(capsys.readouterr().out)
    remedy = next(f["remedy"] for f in findings if f["model"] == "acme/bert-nc")
    assert rc == 0 and [a["model"] for a in remedy["alternatives"] if a.get("source")] == [
        "acme/bert-masker"]  # fill-mask is broad: a Hub model of the bert family
    asked = {dict(s.query)["pipeline_tag"] for s in fake_hub.seen("/api/models")}
    assert asked == {TASK, "fill-mask"}


def test_hub_alternatives_of_a_broad_task_come_from_the_name_family_and_kind(
        capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        remedy_dir: Path) -> None:  # noqa: F811
    # acme/t5-nc's card task made broad: a Hub model of the task alone no longer does its job
    import pyarrow.parquet as pq
    cards = pq.read_table(remedy_dir / "model_card.parquet").to_pylist()
    for c in cards:
        c["task"] = "text2text generation"
    pq.write_table(pa.Table.from_pylist(cards), remedy_dir / "model_card.parquet")
    server = FakeHub().start()
    try:
        _model(server, "google/flan-t5-base", 5_000_000, "apache-2.0", task="text2text-generation")
        _model(server, "acme/t5-nc-finetuned-x", 4_000_000, "mit", task="text2text-generation")
        _model(server, "other/t5-nc2-chat", 3_000_000, "mit", task="text2text-generation")
        _model(server, "other/t5-nc2", 1_000_000, "apache-2.0", task="text2text-generation")
        point_env_at(server.url, tmp_path, monkeypatch, retries=0, timeout=5)
        remedy = _remedy(capsys, remedy_dir, "--hub")
    finally:
        server.stop()
    hub = [a["model"] for a in remedy["alternatives"] if a.get("source") == "hub"]
    # flan-t5 is of another name family; the fine-tune is named after the flagged model;
    # t5-nc2-chat has a role t5-nc does not
    assert hub == ["other/t5-nc2"]
