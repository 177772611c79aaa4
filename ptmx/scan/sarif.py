"""The scan's findings as SARIF 2.1.0, for code-scanning dashboards and CI annotations.

One result per finding and place: a license conflict on a model loaded in three files annotates
all three lines. Paths are relative to the scanned folder (``uriBaseId`` SRCROOT). Notebook
findings name the cell in the message and a property, since SARIF regions count lines of the
file, not of a cell.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

from ptmx import __version__
from ptmx.scan.report import RULES, ScanReport

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"


def _rule_name(rule_id: str) -> str:
    return "".join(part.capitalize() for part in rule_id.split("-"))


def _fixes(model: str, remedy: dict[str, Any]) -> list[dict[str, Any]]:
    """SARIF fixes of a remedy: the licence to carry (a notice in the project's LICENSE),
    then each alternative model (a note beside it)."""
    out: list[dict[str, Any]] = []
    carry = remedy.get("carry")
    if carry:
        out.append({"description": {"text": f"Declare {carry['license']} ({carry['where']})."},
                    "artifactChanges": [_insertion("LICENSE", str(carry["text"]))]})
    for alt in remedy.get("alternatives") or []:
        # a Hub model (``source``) is ranked by its downloads, not by the dataset's reuse
        why = (f"from the Hugging Face Hub, {alt.get('downloads') or 0:,} downloads"
               if alt.get("source") else f"reused by {alt['reuse_count']:,} projects")
        note = (f"Use {alt['model']} ({alt['license']}) instead of {model}: same "
                f"{remedy.get('job')}; {why}; verdict {alt['verdict']}.")
        out.append({"description": {"text": note},
                    "artifactChanges": [_insertion("LICENSE", f"Model choice: {note}")]})
    return out


def _insertion(uri: str, text: str) -> dict[str, Any]:
    return {"artifactLocation": {"uri": uri, "uriBaseId": "SRCROOT"},
            "replacements": [{"deletedRegion": {"startLine": 1, "startColumn": 1,
                                                "endLine": 1, "endColumn": 1},
                              "insertedContent": {"text": text + "\n"}}]}


def to_sarif(report: ScanReport) -> dict[str, Any]:
    """The report as a SARIF log (a JSON-ready dict)."""
    rules = [{
        "id": rule_id,
        "name": _rule_name(rule_id),
        "shortDescription": {"text": text},
        "defaultConfiguration": {"level": level},
    } for rule_id, (level, text) in RULES.items()]
    index = {rule_id: i for i, rule_id in enumerate(RULES)}
    results = []
    for finding in report.findings:
        text = finding.message + (f" Fix: {finding.fix}" if finding.fix else "")
        for loc in finding.locations or [{}]:
            result: dict[str, Any] = {
                "ruleId": finding.rule,
                "ruleIndex": index[finding.rule],
                "level": finding.level,
                "message": {"text": text},
            }
            props: dict[str, Any] = {}
            if finding.model:
                props["model"] = finding.model
            if loc:
                physical: dict[str, Any] = {
                    "artifactLocation": {"uri": loc["path"], "uriBaseId": "SRCROOT"}}
                if loc.get("cell") is None:
                    region: dict[str, Any] = {"startLine": max(1, int(loc["line"])),
                                              "startColumn": max(1, int(loc["column"]))}
                    if loc.get("snippet"):
                        region["snippet"] = {"text": loc["snippet"]}
                    physical["region"] = region
                else:
                    props["cell"] = loc["cell"]
                    props["lineInCell"] = loc["line"]
                    result["message"]["text"] = f"[cell {loc['cell']}, line {loc['line']}] {text}"
                result["locations"] = [{"physicalLocation": physical}]
                key = f"{finding.rule}|{finding.model}|{loc['path']}|{loc.get('snippet', '')}"
                result["partialFingerprints"] = {
                    "ptmxFinding/v1": hashlib.sha256(key.encode()).hexdigest()[:32]}
            if finding.remedy:
                props["remedy"] = finding.remedy
                result["fixes"] = _fixes(finding.model or "", finding.remedy)
            if props:
                result["properties"] = props
            results.append(result)
    root_uri = Path(report.root).resolve().as_uri().rstrip("/") + "/"
    return {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {"name": "ptmx", "version": __version__,
                                "semanticVersion": __version__, "rules": rules}},
            "originalUriBaseIds": {"SRCROOT": {"uri": root_uri}},
            "results": results,
            "properties": {
                "projectLicense": report.project_license.expression,
                "activity": report.activity,
                "models": [m.model for m in report.listed()],
                "vendoredSetAside": report.set_aside,
            },
        }],
    }
