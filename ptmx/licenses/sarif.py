"""SARIF 2.1.0 for `ptmx licenses check --format sarif`, so code-scanning UIs show the findings.

One rule per verdict kind; one result per finding, located at the project's ``LICENSE`` file
(where the fix usually lands) with the model and project as logical locations. Levels: conflict
and drift → error (they fail the check), use-constrained → warning, unknown/ambiguous → note.
"""

from __future__ import annotations

import hashlib
from typing import Any

from ptmx import __version__
from ptmx.licenses.audit import AuditRecord, CheckResult
from ptmx.licenses.remedies import Remedy
from ptmx.licenses.vocabulary import Verdict

SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json"
LOCATION_URI = "LICENSE"

RULES: dict[Verdict, dict[str, str]] = {
    Verdict.CONFLICT: {
        "id": "PTMX-LIC-CONFLICT", "name": "LicenseConflict", "level": "error",
        "short": "The downstream licence violates a condition of the upstream licence.",
        "full": "The derived or shipping work breaks a copyleft, share-alike, no-derivatives, "
                "pass-through or agreement condition of the model's licence.",
    },
    Verdict.DRIFT: {
        "id": "PTMX-LIC-DRIFT", "name": "LicenseDrift", "level": "error",
        "short": "The downstream declares more freedom than the upstream licence grants.",
        "full": "The project or derived model is declared under terms (e.g. commercial use, "
                "relicensing) that the model's licence does not grant.",
    },
    Verdict.USE_CONSTRAINED: {
        "id": "PTMX-LIC-USE-CONSTRAINED", "name": "UseConstrained", "level": "warning",
        "short": "The model's licence restricts every user (non-commercial, research-only, "
                 "user caps).",
        "full": "Whoever runs the project is bound by the model's non-commercial, research-only "
                "or user-cap terms, whatever the project's own licence says.",
    },
    Verdict.UNKNOWN: {
        "id": "PTMX-LIC-UNKNOWN", "name": "LicenseUnknown", "level": "note",
        "short": "A licence could not be identified.",
        "full": "The model's or downstream licence is custom ('other'), missing or unrecognised; "
                "read the licence text to decide.",
    },
    Verdict.AMBIGUOUS: {
        "id": "PTMX-LIC-AMBIGUOUS", "name": "LicenseAmbiguous", "level": "note",
        "short": "The licence tag names a family, not a licence.",
        "full": "Tags such as openrail, bsd, cc, gpl or lgpl hide a choice between licences with "
                "different terms; use the exact licence id.",
    },
}
_ORDER = list(RULES)


def _rule(verdict: Verdict) -> dict[str, Any]:
    r = RULES[verdict]
    return {
        "id": r["id"], "name": r["name"],
        "shortDescription": {"text": r["short"]},
        "fullDescription": {"text": r["full"]},
        "help": {"text": f"{r['full']} Run `ptmx licenses explain UPSTREAM DOWNSTREAM` for the "
                         f"clause."},
        "defaultConfiguration": {"level": r["level"]},
        "properties": {"tags": ["license", "supply-chain"]},
    }


def _insertion(uri: str, text: str) -> dict[str, Any]:
    """An artifact change that inserts ``text`` at the top of ``uri`` (an empty deleted region
    is SARIF's insertion point)."""
    return {"artifactLocation": {"uri": uri, "uriBaseId": "%SRCROOT%"},
            "replacements": [{"deletedRegion": {"startLine": 1, "startColumn": 1,
                                                "endLine": 1, "endColumn": 1},
                              "insertedContent": {"text": text + "\n"}}]}


def fixes(rec: AuditRecord, remedy: Remedy) -> list[dict[str, Any]]:
    """SARIF fixes for one finding: the licence to carry (a model card line for a derived model,
    a notice in the project's LICENSE for shipped weights), then each alternative model."""
    out: list[dict[str, Any]] = []
    if remedy.carry:
        c = remedy.carry
        uri = "README.md" if rec.derived else LOCATION_URI
        out.append({"description": {"text": f"Declare {c['license']} on {c['for']} "
                                            f"({c['where']})."},
                    "artifactChanges": [_insertion(uri, str(c["text"]))]})
    for alt in remedy.alternatives:
        what = (f"Derive from {alt.model} ({alt.license}) instead of {rec.model}"
                if rec.derived else f"Use {alt.model} ({alt.license}) instead of {rec.model}")
        if alt.source == "dataset":
            why = f"reused by {alt.reuse_count:,} projects"
        else:  # a Hub model: its downloads are what ranks it
            why = f"from the Hugging Face Hub, {alt.downloads or 0:,} downloads"
        note = f"{what}: same {remedy.job}; {why}; verdict {alt.verdict}."
        out.append({"description": {"text": note},
                    "artifactChanges": [_insertion(LOCATION_URI, f"Model choice: {note}")]})
    return out


def _result(rec: AuditRecord, remedy: Remedy | None = None) -> dict[str, Any]:
    downstream_name = rec.project or rec.derived or ""
    target = f"project {rec.project}" if rec.project else f"derived model {rec.derived}"
    text = (f"{rec.verdict}: {rec.model} ({rec.upstream or 'no licence recorded'}) → {target} "
            f"({rec.downstream or 'unknown'}), {rec.activity}. {rec.reason} Fix: {rec.fix}")
    fingerprint = hashlib.sha256(
        f"{rec.kind}|{rec.model}|{downstream_name}|{rec.verdict}".encode()).hexdigest()[:32]
    logical = [{"name": rec.model or "", "kind": "module",
                "fullyQualifiedName": f"huggingface:{rec.model}"}]
    if rec.project:
        logical.append({"name": rec.project, "kind": "package",
                        "fullyQualifiedName": f"github:{rec.project}"})
    if rec.derived:
        logical.append({"name": rec.derived, "kind": "module",
                        "fullyQualifiedName": f"huggingface:{rec.derived}"})
    verdict = Verdict(rec.verdict)
    result: dict[str, Any] = {
        "ruleId": RULES[verdict]["id"],
        "ruleIndex": _ORDER.index(verdict),
        "level": RULES[verdict]["level"],
        "message": {"text": text},
        "locations": [{
            "physicalLocation": {
                "artifactLocation": {"uri": LOCATION_URI, "uriBaseId": "%SRCROOT%"},
                "region": {"startLine": 1},
            },
            "logicalLocations": logical,
        }],
        "partialFingerprints": {"ptmxLicenseFinding/v1": fingerprint},
        "properties": {
            "model": rec.model, "project": rec.project, "derived": rec.derived,
            "upstream": rec.upstream, "downstream": rec.downstream,
            "activity": rec.activity, "verdict": rec.verdict, "rule": rec.rule, "fix": rec.fix,
        },
    }
    if rec.inherited_from:
        result["properties"]["inherited_from"] = rec.inherited_from
    if remedy is not None:
        found = fixes(rec, remedy)
        if found:
            result["fixes"] = found
        result["properties"]["remedy"] = remedy.to_dict()
    return result


def to_sarif(result: CheckResult, remedies: list[Remedy | None] | None = None) -> dict[str, Any]:
    """The check's findings as a SARIF 2.1.0 log (a JSON-ready dict); with ``remedies`` (one per
    finding, from :func:`ptmx.licenses.remedies_for`) each result carries its ``fixes``."""
    paired = remedies if remedies is not None else [None] * len(result.findings)
    return {
        "$schema": SCHEMA_URI,
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "ptmx", "version": __version__,
                "rules": [_rule(v) for v in _ORDER],
            }},
            "automationDetails": {"id": "ptmx/licenses/check/"},
            "results": [_result(r, m) for r, m in zip(result.findings, paired, strict=True)],
            "invocations": [{"executionSuccessful": True,
                             "exitCode": result.exit_code,
                             "properties": {"scope": result.scope, "checked": result.checked,
                                            "counts": result.counts}}],
        }],
    }
