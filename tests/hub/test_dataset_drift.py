"""`ptmx drift`: the dataset's reused models beside the hub tables (hub_models, hub_snapshot).

The fixtures copy the bundled sample and write hub tables shaped as the crawl and refresh write
them (snapshot.SCHEMA + license_link, snapshot, scope), so no network is involved.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import shutil
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from ptmx.cli import main
from ptmx.hub.dataset_drift import KINDS, dataset_drift, hub_now
from ptmx.hub.snapshot import SCHEMA
from ptmx.store import open_store

SAMPLE = Path(__file__).resolve().parents[2] / "data"
HUB_MODELS_SCHEMA = pa.schema([*SCHEMA, ("license_link", pa.string()), ("snapshot", pa.string()),
                               ("scope", pa.string())])
HOSTILE_ID = "d4data/\x1b[2J[link=https://evil.example]x[/link][/]"
NOW = dt.datetime(2026, 12, 1, tzinfo=dt.UTC)
EARLIER = dt.datetime(2026, 6, 1, tzinfo=dt.UTC)


def hub_row(model: str, *, fetched_at: dt.datetime = NOW, **values: Any) -> dict[str, Any]:
    """A hub_models row: every column NULL but the ones given (status ok, live_id = model)."""
    row: dict[str, Any] = dict.fromkeys(HUB_MODELS_SCHEMA.names)
    row.update(model=model, live_id=model, status="ok", fetched_at=fetched_at,
               snapshot=fetched_at.date().isoformat(), scope="reused", licenses=[],
               base_models=[])
    row.update(values)
    return row


def write_hub(folder: Path, rows: list[dict[str, Any]], table: str = "hub_models") -> None:
    """``rows`` as a part file of ``table`` (hub_models) or as hub_snapshot.parquet."""
    if table == "hub_snapshot":
        pq.write_table(pa.Table.from_pylist(
            [{k: r.get(k) for k in SCHEMA.names} for r in rows], schema=SCHEMA),
            folder / "hub_snapshot.parquet")
        return
    (folder / table).mkdir(exist_ok=True)
    pq.write_table(pa.Table.from_pylist(rows, schema=HUB_MODELS_SCHEMA),
                   folder / table / "part-0.parquet")


# The sample's models used below: all reused, all apache-2.0 in the dataset unless said.
LICENSED = "timm/resnext50_32x4d.a1h_in1k"  # projects: mit, NONE, mit
SAME_LICENSE = "timm/tf_mobilenetv3_large_minimal_100.in1k"
RENAMED = "hkunlp/instructor-xl"
DELETED = "EleutherAI/pythia-70m-deduped"
GATED = "microsoft/beit-base-patch16-224-pt22k-ft22k"
REBASED = "nomic-ai/gpt4all-j"  # dataset base: EleutherAI/gpt-j-6b
PARENT = "distilbert-base-uncased"  # one derived model in the dataset
REFORMATTED = "bert-base-cased"
HOSTILE = "d4data/biomedical-ner-all"


def drift_rows() -> list[dict[str, Any]]:
    """One model per kind of change, plus ones that must not show a change."""
    return [
        hub_row(LICENSED, license="cc-by-nc-4.0", licenses=["cc-by-nc-4.0"]),
        hub_row(SAME_LICENSE, license="Apache-2.0", licenses=["Apache-2.0"]),
        hub_row(RENAMED, live_id="hkunlp/instructor-xl-v2", licenses=["apache-2.0"]),
        hub_row(DELETED, live_id=None, status="not_found", error="404"),
        hub_row(GATED, gated="manual", licenses=["apache-2.0"]),
        hub_row(REBASED, licenses=["apache-2.0"], base_models=["EleutherAI/gpt-j-6b-v2"]),
        hub_row(PARENT, licenses=["apache-2.0"]),
        *[hub_row(f"kid{i}/distil-{i}", licenses=["mit"], base_models=[PARENT])
          for i in range(3)],
        hub_row(REFORMATTED, licenses=["apache-2.0"], weights_format="safetensors"),
        # An older row that the newer one overrides: gpl then, mit (= the dataset's) now.
        hub_row("gpt2", fetched_at=EARLIER, licenses=["gpl-3.0"]),
        hub_row("gpt2", licenses=["mit"]),
        hub_row(HOSTILE, live_id=HOSTILE_ID, licenses=["apache-2.0"], base_models=[PARENT],
                gated="\x1b]8;;https://evil.example\x07[bold]x[/]"),
    ]


@pytest.fixture
def data(tmp_path: Path) -> Path:
    """The sample with a hub_models crawl and an older hub_snapshot (hub refresh)."""
    folder = tmp_path / "data"
    shutil.copytree(SAMPLE, folder)
    write_hub(folder, drift_rows())
    write_hub(folder, [hub_row(REFORMATTED, fetched_at=EARLIER, weights_format="pickle",
                               licenses=["apache-2.0"])], table="hub_snapshot")
    return folder


def by_kind(items: list[Any], kind: str) -> dict[str, Any]:
    return {i.model: i for i in items if i.kind == kind}


def test_each_kind_of_change_is_found(data: Path) -> None:
    result = dataset_drift(open_store(data))
    assert result.tables == ["hub_models", "hub_snapshot"]
    assert set(by_kind(result.items, "license")) == {LICENSED}
    lic = by_kind(result.items, "license")[LICENSED]
    assert (lic.then, lic.now) == ("Apache-2.0", "CC-BY-NC-4.0")  # SPDX, as the engine spells them
    assert set(by_kind(result.items, "rename")) == {RENAMED, HOSTILE}
    assert by_kind(result.items, "rename")[RENAMED].now == "hkunlp/instructor-xl-v2"
    assert set(by_kind(result.items, "deleted")) == {DELETED}
    assert GATED in by_kind(result.items, "gated")
    base = by_kind(result.items, "base")[REBASED]
    assert base.then == "EleutherAI/gpt-j-6b" and base.now == "EleutherAI/gpt-j-6b-v2"
    derivatives = by_kind(result.items, "derivatives")[PARENT]
    # The dataset knows d4data/biomedical-ner-all; the hub names it and three kids.
    assert (derivatives.then, derivatives.now) == ("1", "4")
    weights = by_kind(result.items, "weights")[REFORMATTED]
    assert (weights.then, weights.now) == ("pickle", "safetensors")
    # Normalised licences (Apache-2.0 = apache-2.0) and the newest row (gpt2: mit) are no change.
    changed = {i.model for i in result.items}
    assert SAME_LICENSE not in changed and "gpt2" not in changed


def test_a_licence_change_flips_project_verdicts(data: Path) -> None:
    result = dataset_drift(open_store(data), ["license"])
    assert {i.kind for i in result.items} == {"license"}
    flips = [v for v in result.verdicts if v.model == LICENSED]
    assert flips, "apache-2.0 → cc-by-nc-4.0 must change the verdict of a project using it"
    assert all(v.before != v.after for v in flips)
    assert {v.project_license for v in flips} <= {"mit", "NONE"}
    assert by_kind(result.items, "license")[LICENSED].verdicts_changed == len(flips)
    assert result.summary()["projects_flipped"] == len(result.projects_flipped) >= 1


def test_reused_models_without_a_hub_row_are_counted(data: Path) -> None:
    result = dataset_drift(open_store(data))
    assert result.reused == 1512
    crawled_reused = {r["model"] for r in drift_rows()} - {f"kid{i}/distil-{i}" for i in range(3)}
    assert result.crawled == len(crawled_reused)
    assert result.not_crawled == result.reused - result.crawled
    assert result.summary()["not_crawled"] == result.not_crawled


def test_hub_now_gives_the_newest_licence_and_gating(data: Path) -> None:
    now = hub_now(open_store(data), [LICENSED, GATED, "gpt2", "no/such"])
    assert now[LICENSED.lower()].license == "CC-BY-NC-4.0"
    assert now[GATED.lower()].gated == "manual"
    assert now["gpt2"].license == "MIT"
    assert "no/such" not in now


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    rc = main(["drift", *args])
    out, err = capsys.readouterr()
    return rc, out, err


def test_table_has_a_summary_then_full_ids(data: Path, capsys: pytest.CaptureFixture[str]) -> None:
    rc, out, err = run(capsys, "--data", str(data))
    assert rc == 0, err
    assert "not crawled yet" in out and "projects whose verdict changes" in out
    for model in (LICENSED, RENAMED, DELETED, GATED, REBASED, "hkunlp/instructor-xl-v2"):
        assert model in out  # full ids in a pipe, never cut
    assert "verdicts that change" in out


def test_hostile_hub_text_stays_inert_in_the_table(data: Path,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    rc, out, _ = run(capsys, "--data", str(data), "--kind", "rename", "--kind", "gated")
    assert rc == 0
    assert "\x1b" not in out and "\x07" not in out
    assert "[link=https://evil.example]x[/link][/]" in out  # shown literally, not applied


def test_json_fields(data: Path, capsys: pytest.CaptureFixture[str]) -> None:
    rc, out, _ = run(capsys, "--data", str(data), "--format", "json")
    assert rc == 0
    doc = json.loads(out)
    assert set(doc) == {"summary", "drift", "verdict_changes"}
    assert set(doc["summary"]["changes"]) == set(KINDS)
    assert doc["summary"]["reused_models"] == 1512
    item = next(i for i in doc["drift"] if i["kind"] == "license")
    assert set(item) == {"kind", "model", "projects", "then", "now", "detail", "live_id",
                         "verdicts_changed"}
    change = doc["verdict_changes"][0]
    assert set(change) == {"model", "project", "project_license", "license_then", "license_now",
                           "before", "after"}


def test_csv_and_jsonl_list_changes(data: Path, capsys: pytest.CaptureFixture[str]) -> None:
    rc, out, _ = run(capsys, "--data", str(data), "--format", "csv", "--kind", "deleted")
    assert rc == 0
    rows = list(csv.DictReader(io.StringIO(out)))
    assert [(r["kind"], r["model"]) for r in rows] == [("deleted", DELETED)]
    rc, out, _ = run(capsys, "--data", str(data), "--format", "jsonl", "--limit", "2")
    assert rc == 0 and len(out.splitlines()) == 2
    assert all("kind" in json.loads(line) for line in out.splitlines())


def test_fail_on_exit_codes(data: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(capsys, "--data", str(data), "--fail-on", "verdict")[0] == 1
    assert run(capsys, "--data", str(data), "--kind", "deleted", "--fail-on", "verdict")[0] == 0
    assert run(capsys, "--data", str(data), "--kind", "gated", "--fail-on", "gated")[0] == 1
    with pytest.raises(SystemExit) as bad:
        main(["drift", "--data", str(data), "--kind", "nope"])
    assert bad.value.code == 2
    assert "invalid choice" in capsys.readouterr().err


def test_without_a_hub_table_exit_2_with_a_pointer(capsys: pytest.CaptureFixture[str]) -> None:
    rc, out, err = run(capsys, "--data", str(SAMPLE))
    assert rc == 2 and out == ""
    assert len(err.strip().splitlines()) == 1
    assert "ptmx hub crawl --reused" in err and "ptmx hub refresh" in err


def test_a_newer_row_without_files_keeps_the_known_weights_change(tmp_path: Path) -> None:
    """A listing row (the crawl's --all or descendants: no file list, weights 'unknown') newer
    than the rows that know the format does not hide the change."""
    folder = tmp_path / "data"
    shutil.copytree(SAMPLE, folder)
    later = dt.datetime(2026, 12, 3, tzinfo=dt.UTC)
    write_hub(folder, [
        hub_row(REFORMATTED, licenses=["apache-2.0"], weights_format="safetensors"),
        hub_row(REFORMATTED, fetched_at=later, licenses=["apache-2.0"], weights_format="unknown"),
    ])
    write_hub(folder, [hub_row(REFORMATTED, fetched_at=EARLIER, weights_format="pickle",
                               licenses=["apache-2.0"])], table="hub_snapshot")
    weights = by_kind(dataset_drift(open_store(folder), ["weights"]).items, "weights")
    assert (weights[REFORMATTED].then, weights[REFORMATTED].now) == ("pickle", "safetensors")
