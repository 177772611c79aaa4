"""License engine: explained verdicts for model→project links and base→derived edges.

Public API (plain data in, plain data out; the CLI and the TUI both render it):

- :func:`audit` (store) → :class:`AuditResult`: every relation, the summary by verdict and the
  upstream-family → downstream-family flow.
- :func:`check` (store, project=None, model=None) → :class:`CheckResult`: findings worse than
  ok-with-obligations; ``exit_code`` is 1 when any is a conflict or drift.
- :func:`explain` (a, b=None, activity=None) → :class:`Explanation`.
- :func:`verdict_for` (upstream_expr, downstream_expr, activity) → :class:`Judgement`.
- :func:`resolve` / :func:`lookup`: any license spelling → its knowledge record.
- :func:`to_sarif` (check result) → SARIF 2.1.0 dict.

The vocabulary (:class:`Verdict`, :class:`Activity`, :class:`Family`) lives in
:mod:`ptmx.licenses.vocabulary`; the rules' texts in ``data/rules.json``.
"""

from ptmx.licenses.audit import (
    AUDIT_KEYS,
    CHAIN_KEYS,
    AuditRecord,
    AuditResult,
    CheckResult,
    audit,
    check,
    lineage,
)
from ptmx.licenses.chains import Ancestor, Chain, Effective, Lineage, imposes, judge_effective
from ptmx.licenses.explain import (
    Explanation,
    ModelExplanation,
    describe,
    explain,
    explain_model,
    is_license,
)
from ptmx.licenses.expressions import NONE, parse
from ptmx.licenses.other import Resolution, is_other, resolve_other
from ptmx.licenses.remedies import Alternative, Remedy, remedies_for
from ptmx.licenses.sarif import to_sarif
from ptmx.licenses.symbols import License, knowledge, lookup, resolve, tags_in_family
from ptmx.licenses.verdicts import (
    ACTIVITIES,  # kept for callers outside licenses until they use the enum
    Judgement,
    check_activity,
    family_of,
    link_activity,
    verdict_for,
)
from ptmx.licenses.vocabulary import Activity, Family, Verdict, worst

__all__ = [
    "ACTIVITIES",
    "AUDIT_KEYS",
    "CHAIN_KEYS",
    "NONE",
    "Activity",
    "Alternative",
    "Ancestor",
    "AuditRecord",
    "AuditResult",
    "Chain",
    "CheckResult",
    "Effective",
    "Explanation",
    "Family",
    "Judgement",
    "License",
    "Lineage",
    "ModelExplanation",
    "Remedy",
    "Resolution",
    "Verdict",
    "audit",
    "check",
    "check_activity",
    "describe",
    "explain",
    "explain_model",
    "family_of",
    "imposes",
    "is_license",
    "is_other",
    "judge_effective",
    "knowledge",
    "lineage",
    "link_activity",
    "lookup",
    "parse",
    "remedies_for",
    "resolve",
    "resolve_other",
    "tags_in_family",
    "to_sarif",
    "verdict_for",
    "worst",
]
