"""`ptmx licenses audit|check|explain` as a user runs them: output formats and exit codes."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from ptmx.cli import main
from ptmx.licenses import AUDIT_KEYS
from tests.licenses.conftest import EDGES, PROJECTS


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    rc = main(list(argv))
    out, err = capsys.readouterr()
    return rc, out, err


def test_audit_json_has_the_documented_keys(capsys, license_dir: Path) -> None:
    rc, out, _ = run(capsys, "licenses", "audit", "--data", str(license_dir), "--format", "json")
    rows = json.loads(out)
    links = sum(len(models) for _, models in PROJECTS.values())
    assert rc == 0 and len(rows) == links + len(EDGES)
    assert all(tuple(r) == AUDIT_KEYS for r in rows)
    edge = next(r for r in rows if r["derived"] == "acme/llama-ft")
    assert edge["project"] is None and edge["model"] == "meta/llama3"


def test_audit_csv_and_verdict_filter(capsys, license_dir: Path) -> None:
    rc, out, _ = run(capsys, "licenses", "audit", "--data", str(license_dir), "--format", "csv",
                     "--verdict", "conflict", "--verdict", "drift")
    rows = list(csv.DictReader(io.StringIO(out)))
    assert rc == 0
    assert sorted(r["verdict"] for r in rows) == ["conflict", "drift"]


def test_audit_table_ends_with_summary_and_flow(capsys, license_dir: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "300")  # no folding, so words can be found
    rc, out, err = run(capsys, "licenses", "audit", "--data", str(license_dir), "--limit", "3")
    assert rc == 0
    assert "Summary by verdict" in out and "Licence-family flow" in out
    assert "more records not listed" in err
    assert out.index("conflict") < out.index("Summary")  # worst records first


def test_check_exit_codes(capsys, license_dir: Path) -> None:
    rc, _, err = run(capsys, "licenses", "check", "--data", str(license_dir),
                     "--project", "alice/app")
    assert rc == 0 and "no conflict or drift" in err
    rc, out, _ = run(capsys, "licenses", "check", "--data", str(license_dir), "--model",
                     "meta/llama3", "--format", "json")
    assert rc == 1 and json.loads(out)[0]["verdict"] == "conflict"
    rc, _, err = run(capsys, "licenses", "check", "--data", str(license_dir), "--project",
                     "nobody/nothing")
    assert rc == 2 and err.startswith("ptmx: ") and len(err.strip().splitlines()) == 1


def test_check_sarif(capsys, license_dir: Path) -> None:
    rc, out, _ = run(capsys, "licenses", "check", "--data", str(license_dir), "--format", "sarif")
    log = json.loads(out)
    assert rc == 1
    assert log["version"] == "2.1.0" and log["$schema"].endswith("sarif-2.1.0.json")
    run_ = log["runs"][0]
    rules = run_["tool"]["driver"]["rules"]
    assert {r["id"] for r in rules} >= {"PTMX-LIC-CONFLICT", "PTMX-LIC-DRIFT"}
    levels = {r["properties"]["verdict"]: r["level"] for r in run_["results"]}
    assert levels["conflict"] == levels["drift"] == "error"
    assert levels["use-constrained"] == "warning"
    for result in run_["results"]:
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"]
        assert result["message"]["text"]
        assert result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
        assert result["partialFingerprints"]
    assert run_["invocations"][0]["exitCode"] == 1


def test_explain_one_license(capsys) -> None:
    rc, out, _ = run(capsys, "licenses", "explain", "cc-by-nc-sa-4.0", "--format", "json")
    info = json.loads(out)
    assert rc == 0
    assert info["family"] == "non-commercial" and "share-alike" in info["obligations"]
    assert info["may_declare"] and info["clauses"]["derive"]
    rc, out, _ = run(capsys, "licenses", "explain", "unlicense")
    assert rc == 0 and "public domain" in out


def test_explain_a_pair_gives_the_rule_per_activity(capsys) -> None:
    rc, out, _ = run(capsys, "licenses", "explain", "llama3", "apache-2.0", "--format", "json")
    data = json.loads(out)
    assert rc == 0
    by_activity = {v["activity"]: v for v in data["verdicts"]}
    assert set(by_activity) == {"use", "redistribute", "derive"}
    assert by_activity["derive"]["verdict"] == "conflict"
    assert "Llama 3" in by_activity["derive"]["rule"]
    rc, out, _ = run(capsys, "licenses", "explain", "gpl-3.0", "mit", "--activity", "derive")
    assert rc == 0 and "conflict" in out


def test_explain_unknown_license_is_one_line_exit_2(capsys) -> None:
    rc, out, err = run(capsys, "licenses", "explain", "apache-2", "mit")
    assert rc == 2 and out == ""
    assert "unknown licence 'apache-2'" in err and "did you mean" in err
