"""SARIF output: one result per finding and place, pointing at the loading line."""

from __future__ import annotations

from pathlib import Path

from ptmx.scan.report import RULES, scan_project
from ptmx.scan.sarif import to_sarif
from ptmx.store import Store
from tests.scan.test_report import fake_engine

FIXTURES = Path(__file__).parent / "fixtures"


def test_sarif_log_shape_and_locations(sample_store: Store) -> None:
    report = scan_project(FIXTURES / "chatbot", sample_store,
                          verdict_fn=fake_engine({"mit": "conflict"}, fix="relicense"))
    log = to_sarif(report)
    assert log["version"] == "2.1.0"
    (run,) = log["runs"]
    rules = run["tool"]["driver"]["rules"]
    assert [r["id"] for r in rules] == list(RULES)
    assert run["originalUriBaseIds"]["SRCROOT"]["uri"].startswith("file://")
    conflicts = [r for r in run["results"] if r["ruleId"] == "license-conflict"]
    # facebook/bart-large-cnn (mit) is loaded on two lines: one result for each.
    assert [(r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
             r["locations"][0]["physicalLocation"]["region"]["startLine"]) for r in conflicts] \
        == [("chatbot/models.py", 10), ("chatbot/models.py", 11)]
    assert all(r["level"] == "error" for r in conflicts)
    assert "Fix: relicense" in conflicts[0]["message"]["text"]
    for result in run["results"]:
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"]
    fingerprints = [r["partialFingerprints"]["ptmxFinding/v1"] for r in run["results"]]
    assert len(set(fingerprints)) == len(fingerprints)


def test_notebook_results_name_the_cell(sample_store: Store) -> None:
    log = to_sarif(scan_project(FIXTURES / "patterns", sample_store,
                                verdict_fn=fake_engine({"mit": "drift"})))
    nb = [r for r in log["runs"][0]["results"]
          if r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
          == "notebooks/explore.ipynb"]
    assert nb, "the notebook's model should have a (fake) drift finding"
    assert nb[0]["properties"]["cell"] == 3
    assert "region" not in nb[0]["locations"][0]["physicalLocation"]
    assert nb[0]["message"]["text"].startswith("[cell 3, line 2]")
