"""Remedies (issue 18): for each conflict, drift and use-constrained finding, models of the dataset
that do the same job under acceptable terms, and for drift the licence to carry."""

from __future__ import annotations

import json
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from ptmx.cli import main
from ptmx.licenses import check, remedies_for
from ptmx.licenses.remedies import card_license, name_family
from ptmx.store import Store, open_store
from tests.licenses.conftest import build_license_dataset

MODELS = {
    "acme/bert-nc": ["cc-by-nc-4.0"],
    "acme/bert-free": ["mit"],
    "acme/bert-apache": ["apache-2.0"],
    "acme/bert-rail": ["creativeml-openrail-m"],
    "acme/bert-nc2": ["cc-by-nc-sa-4.0"],
    "acme/bert-ft": ["apache-2.0"],        # an Apache relabel of the NC bert: drift
    "acme/t5-nc": ["cc-by-nc-4.0"],
    "acme/flan-free": ["apache-2.0"],      # another name, same task as t5-nc (card task)
}
PROJECTS = {
    "alice/app": (["mit"], ["acme/bert-nc", "acme/t5-nc"]),
    "bob/a": (["mit"], ["acme/bert-free", "acme/bert-apache", "acme/flan-free"]),
    "bob/b": (["mit"], ["acme/bert-apache", "acme/bert-rail"]),
    "bob/c": (["mit"], ["acme/bert-apache", "acme/bert-nc2"]),
}
EDGES = [("acme/bert-ft", "acme/bert-nc", "finetune")]


@pytest.fixture
def remedy_dir(tmp_path: Path) -> Path:
    folder = build_license_dataset(tmp_path / "remedies", MODELS, PROJECTS, EDGES)
    ids = {m: i for i, m in enumerate(MODELS, 1)}
    cards = ["acme/t5-nc", "acme/flan-free"]
    pq.write_table(pa.table({
        "model_id": pa.array([ids[m] for m in cards], pa.int64()), "model": cards,
        "license": pa.array([None, None], pa.string()),
        "task": ["summarization", "Summarization"]}), folder / "model_card.parquet")
    return folder


@pytest.fixture
def remedy_store(remedy_dir: Path) -> Store:
    return open_store(remedy_dir)


def test_name_family() -> None:
    assert name_family("google/bert-base-uncased")[0] == "bert"  # type: ignore[index]
    assert name_family("spacy/en_core_web_sm")[0] == "en-core"  # type: ignore[index]
    # a generic first word is no family: text-to-video is not text2vec
    assert name_family("damo-vilab/text-to-video-ms-1.7b")[0] == "text-to-video"  # type: ignore[index]


def test_use_constrained_link_gets_compatible_alternatives_by_reuse(
        remedy_store: Store) -> None:
    result = check(remedy_store, model="acme/bert-nc")
    link = next(r for r in result.findings if r.project == "alice/app")
    (remedy,) = [m for r, m in zip(result.findings, remedies_for(remedy_store, result.findings),
                                   strict=True) if r is link]
    assert remedy is not None and remedy.job == "name family bert*"
    # most reused first; the NC-SA sibling is not a remedy for a commercial project
    assert [a.model for a in remedy.alternatives] == [
        "acme/bert-apache", "acme/bert-free", "acme/bert-rail"]
    assert all(a.verdict in ("ok", "ok-with-obligations") for a in remedy.alternatives)
    assert remedy.alternatives[0].reuse_count == 3
    # the Apache relabel is no remedy: it inherits the NC term of its base
    assert "acme/bert-ft" not in [a.model for a in remedy.alternatives]


def test_the_task_gives_the_job_when_the_dataset_knows_it(remedy_store: Store) -> None:
    result = check(remedy_store, model="acme/t5-nc")
    (remedy,) = remedies_for(remedy_store, result.findings)
    assert remedy is not None and remedy.job == "task summarization"
    assert [a.model for a in remedy.alternatives] == ["acme/flan-free"]


def test_drift_says_the_licence_to_carry(remedy_store: Store) -> None:
    result = check(remedy_store, model="acme/bert-ft")
    edge = next(r for r in result.findings if r.derived == "acme/bert-ft")
    assert edge.verdict == "drift"
    remedy = remedies_for(remedy_store, [edge])[0]
    assert remedy is not None and remedy.carry is not None
    # The expression names the licence; the text is the card line the Hub reads (its own id).
    assert remedy.carry["license"] == "CC-BY-NC-4.0" and remedy.carry["text"] == \
        "license: cc-by-nc-4.0"
    assert remedy.carry["verdict_after"] == "use-constrained"
    assert remedy.carry["licence_text"] == "https://creativecommons.org/licenses/by-nc/4.0/legalcode"


def test_check_suggest_in_json_and_sarif(capsys: pytest.CaptureFixture[str],
                                         remedy_dir: Path) -> None:
    rc = main(["licenses", "check", "--model", "acme/bert-ft", "--suggest", "--data",
               str(remedy_dir), "--format", "json"])
    rows = json.loads(capsys.readouterr().out)
    assert rc == 1
    drift = next(r for r in rows if r["derived"] == "acme/bert-ft")
    assert drift["remedy"]["carry"]["license"] == "CC-BY-NC-4.0"
    rc = main(["licenses", "check", "--model", "acme/bert-ft", "--suggest", "--data",
               str(remedy_dir), "--format", "sarif"])
    sarif = json.loads(capsys.readouterr().out)
    result = next(r for r in sarif["runs"][0]["results"]
                  if r["properties"]["derived"] == "acme/bert-ft")
    first = result["fixes"][0]
    assert first["description"]["text"].startswith("Declare CC-BY-NC-4.0 on acme/bert-ft")
    change = first["artifactChanges"][0]
    assert change["artifactLocation"]["uri"] == "README.md"
    assert change["replacements"][0]["insertedContent"]["text"] == "license: cc-by-nc-4.0\n"
    assert any(f["description"]["text"].startswith("Derive from acme/bert-")
               for f in result["fixes"][1:])


def test_audit_without_suggest_has_no_remedy_key(capsys: pytest.CaptureFixture[str],
                                                 remedy_dir: Path) -> None:
    main(["licenses", "audit", "--data", str(remedy_dir), "--format", "json"])
    rows = json.loads(capsys.readouterr().out)
    assert not any("remedy" in r for r in rows)
    main(["licenses", "audit", "--suggest", "--data", str(remedy_dir), "--format", "json"])
    rows = json.loads(capsys.readouterr().out)
    assert {r["verdict"] for r in rows if "remedy" in r} <= {
        "conflict", "drift", "use-constrained"}
    assert any("remedy" in r for r in rows)


def test_card_text_for_licences_the_hub_lists_and_does_not() -> None:
    """A model card's ``license:`` takes the Hub's ids only: an AND becomes a list, and a licence
    the Hub's list lacks becomes ``other`` named in ``license_name`` with its text's link."""
    assert card_license("gemma AND CC-BY-NC-4.0") == "license:\n- gemma\n- cc-by-nc-4.0"
    assert card_license("LicenseRef-ptmx-amazon-sl") == \
        "license: other\nlicense_name: amazon-sl\nlicense_link: https://aws.amazon.com/asl/"
    assert card_license("llama2 AND LicenseRef-ptmx-amazon-sl").splitlines() == [
        "license:", "- llama2", "- other", "license_name: amazon-sl",
        "license_link: https://aws.amazon.com/asl/"]
    two = card_license("LicenseRef-ptmx-amazon-sl AND CC-BY-ND-3.0")
    assert "license_name: amazon-sl-and-cc-by-nd-3.0" in two and two.endswith("license_link: LICENSE")
