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


def _result(rec: AuditRecord) -> dict[str, Any]:
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
    return {
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


def to_sarif(result: CheckResult) -> dict[str, Any]:
    """The check's findings as a SARIF 2.1.0 log (a JSON-ready dict)."""
    return {
        "$schema": SCHEMA_URI,
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "ptmx", "version": __version__,
                "rules": [_rule(v) for v in _ORDER],
            }},
            "automationDetails": {"id": "ptmx/licenses/check/"},
            "results": [_result(r) for r in result.findings],
            "invocations": [{"executionSuccessful": True,
                             "exitCode": result.exit_code,
                             "properties": {"scope": result.scope, "checked": result.checked,
                                            "counts": result.counts}}],
        }],
    }
