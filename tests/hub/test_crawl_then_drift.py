"""End to end, as a user runs it: ``ptmx hub crawl --reused`` against the loopback hub, then
``ptmx drift`` on the same dataset folder (issue 20's "Done when").

The hub serves a licence that changed since the snapshot for a reused model, a renamed and a
deleted model, a model gated since, a model that gained a derivative and one whose authors
converted its weights between two crawls; drift must report each, and the projects whose licence
verdict flips, in its JSON.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from ptmx.cli import main
from tests.hub.conftest import make_snapshot
from tests.hub.fakehub import FakeHub
from tests.hub.test_hub_artifacts import _lfs, _plain

TINY = "acme/tiny-llm"  # apache-2.0 in the dataset; used by alice (mit), bob (gpl-3.0), carol (none)
RENAMED, NEW_ID = "bert-base-uncased", "google-bert/bert-base-uncased"
DELETED = "acme/gone"
GATED = "acme/base"


@pytest.fixture
def ds(tmp_path: Path) -> Path:
    """The tiny dataset; every reused model has a project: tiny-llm (3 projects), the renamed
    bert-base-uncased, the deleted acme/gone and acme/base (one each)."""
    folder = make_snapshot(tmp_path / "ds")
    links = [(1, 1), (1, 2), (1, 3), (2, 1), (3, 2), (5, 3)]
    pq.write_table(pa.Table.from_pylist(
        [{"model_id": m, "reuse_repository_id": r} for m, r in links],
        schema=pa.schema([("model_id", pa.int64()), ("reuse_repository_id", pa.int64())])),
        folder / "model_to_reuse_repository.parquet")
    return folder


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    capsys.readouterr()
    rc = main(list(argv))
    out, err = capsys.readouterr()
    return rc, out, err


def drift_json(ds: Path, capsys: pytest.CaptureFixture[str], *args: str) -> dict[str, Any]:
    rc, out, err = run(capsys, "drift", "--data", str(ds), "--format", "json", "--limit", "0",
                       *args)
    assert rc == 0, err
    doc: dict[str, Any] = json.loads(out)
    return doc


def items(doc: dict[str, Any], kind: str) -> dict[str, dict[str, Any]]:
    return {i["model"]: i for i in doc["drift"] if i["kind"] == kind}


def test_crawl_reused_then_drift_reports_licence_flip_rename_deletion(
        hub: FakeHub, hub_env: Path, ds: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # The hub now: tiny-llm moved to a non-commercial licence; acme/gone is deleted (the fake
    # hub never had it); bert-base-uncased answers 307 to google-bert/... (conftest).
    hub.add_model(TINY, **{**hub.models[TINY], "tags": ["transformers", "license:cc-by-nc-4.0"],
                           "cardData": {"license": "cc-by-nc-4.0"}})
    hub.models[GATED]["gated"] = "manual"
    hub.add_model("kid9/tiny-chat", tags=["base_model:acme/tiny-llm"])

    rc, _, err = run(capsys, "--data", str(ds), "hub", "crawl", "--reused", "--format", "json")
    assert rc == 0, err

    doc = drift_json(ds, capsys)
    summary = doc["summary"]
    assert summary["reused_models"] == 4 and summary["not_crawled"] == 0

    lic = items(doc, "license")
    assert set(lic) == {TINY}
    assert (lic[TINY]["then"], lic[TINY]["now"]) == ("Apache-2.0", "CC-BY-NC-4.0")
    assert lic[TINY]["projects"] == 3

    # The licence change flips the verdict of the projects that use tiny-llm: a mit project
    # and a gpl-3.0 one that were fine with apache-2.0 now face a non-commercial clause.
    flips = {(v["model"], v["project"]): v for v in doc["verdict_changes"]}
    assert {m for m, _ in flips} == {TINY}
    assert {"alice/chatbot", "bob/gpl-tool"} <= {p for _, p in flips}
    chatbot = flips[(TINY, "alice/chatbot")]
    assert chatbot["license_then"] == "Apache-2.0" and chatbot["license_now"] == "CC-BY-NC-4.0"
    assert chatbot["project_license"] == "mit"
    assert chatbot["before"] == "ok" and chatbot["after"] != "ok"
    assert lic[TINY]["verdicts_changed"] == len(flips)
    assert summary["projects_flipped"] >= 2

    renamed = items(doc, "rename")
    assert set(renamed) == {RENAMED}
    assert renamed[RENAMED]["now"] == NEW_ID and renamed[RENAMED]["live_id"] == NEW_ID
    assert set(items(doc, "deleted")) == {DELETED}
    assert set(items(doc, "gated")) == {GATED}
    derivatives = items(doc, "derivatives")
    assert TINY in derivatives and int(derivatives[TINY]["now"]) >= 1

    # The same through the table a reviewer reads, and as a CI gate.
    rc, out, _ = run(capsys, "drift", "--data", str(ds), "--fail-on", "verdict")
    assert rc == 1
    assert "alice/chatbot" in out and NEW_ID in out and DELETED in out


def test_a_second_crawl_after_a_weights_conversion_is_a_weights_change(
        hub: FakeHub, hub_env: Path, ds: Path, capsys: pytest.CaptureFixture[str]) -> None:
    hub.models[TINY]["siblings"] = [_plain("README.md"), _lfs("pytorch_model.bin", 4_400_000)]
    assert run(capsys, "--data", str(ds), "hub", "crawl", "--reused")[0] == 0
    assert "weights" not in {i["kind"] for i in drift_json(ds, capsys)["drift"]}

    # The authors convert to safetensors; a later crawl (a second snapshot) sees it.
    hub.models[TINY]["siblings"] = [_plain("README.md"), _lfs("model.safetensors", 4_400_000)]
    assert run(capsys, "--data", str(ds), "hub", "crawl", "--reused")[0] == 0
    assert len(list((ds / "hub_models").glob("part-*.parquet"))) >= 2
    weights = items(drift_json(ds, capsys, "--kind", "weights"), "weights")
    assert set(weights) == {TINY}
    assert (weights[TINY]["then"], weights[TINY]["now"]) == ("pickle", "safetensors")


README = """---
license: cc-by-nc-4.0
datasets:
- wikitext
---
# Tiny LLM
## Limitations
It is biased in ways we describe at length.
## Evaluation
Perplexity 12 on wikitext.
"""


def test_crawl_cards_then_the_card_commands_read_the_readme(
        hub: FakeHub, hub_env: Path, ds: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """`hub crawl --reused --cards`, then `cards show/report --source readme` on the same folder:
    the crawled README is scored and says its source (issue 20, --cards)."""
    hub.readmes[TINY] = README
    assert run(capsys, "--data", str(ds), "hub", "crawl", "--reused", "--cards")[0] == 0
    rc, out, err = run(capsys, "cards", "show", TINY, "--source", "readme", "--format", "json",
                       "--data", str(ds))
    assert rc == 0, err
    card = json.loads(out)
    assert card["source"].startswith("README 20") and card["status"] == "assessed"
    rules = {r["key"]: r for r in card["rules"]}
    assert rules["license"]["status"] == "pass" and "cc-by-nc-4.0" in rules["license"]["evidence"][0]
    assert rules["evaluation"]["status"] == "pass" and rules["paper"]["status"] == "missing"
    assert card["other_source"]["source"] == "PeaTMOSS extraction"
    rc, out, err = run(capsys, "cards", "report", "--source", "readme", "--format", "json",
                       "--data", str(ds))
    assert rc == 0, err
    assert "README 20" in out and TINY in out
