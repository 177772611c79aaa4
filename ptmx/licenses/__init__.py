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
- :func:`model_link_verdicts` / :func:`project_link_verdicts` (store, id) → :class:`PageVerdicts`:
  the verdicts of one model page's or project page's links, on effective terms.

The vocabulary (:class:`Verdict`, :class:`Activity`, :class:`Family`) lives in
:mod:`ptmx.licenses.vocabulary`; the rules' texts in ``data/rules.json``.
"""

from __future__ import annotations

import importlib
import sys
import types
from typing import TYPE_CHECKING, Any

from ptmx.licenses.chains import Ancestor, Chain, Effective, Lineage, imposes, judge_effective
from ptmx.licenses.expressions import NONE, parse
from ptmx.licenses.other import Resolution, is_other, resolve_other
from ptmx.licenses.pages import (
    LinkVerdict,
    PageVerdicts,
    model_link_verdicts,
    project_link_verdicts,
)
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

if TYPE_CHECKING:
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
    from ptmx.licenses.explain import (
        Explanation,
        ModelExplanation,
        describe,
        explain,
        explain_model,
        is_license,
    )
    from ptmx.licenses.remedies import Alternative, Remedy, remedies_for
    from ptmx.licenses.sarif import to_sarif

# Names whose modules build Arrow tables, loaded on first use (PEP 562): a one-shot
# `ptmx model --format json` judges its page's links without importing pyarrow.
_WHERE = {
    "audit": ("AUDIT_KEYS", "CHAIN_KEYS", "AuditRecord", "AuditResult", "CheckResult", "audit",
              "check", "lineage"),
    "explain": ("Explanation", "ModelExplanation", "describe", "explain", "explain_model",
                "is_license"),
    "remedies": ("Alternative", "Remedy", "remedies_for"),
    "sarif": ("to_sarif",),
}
_MODULE_OF = {name: module for module, names in _WHERE.items() for name in names}


class _Package(types.ModuleType):
    """This package, loading :data:`_WHERE` lazily. Two submodules share the name of the
    function they are known for (``audit``, ``explain``): importing the submodule would bind
    the package attribute to the module, so the function is bound instead, as the eager
    ``from ptmx.licenses.audit import audit`` of old did."""

    def __getattr__(self, name: str) -> Any:
        module = _MODULE_OF.get(name)
        if module is None:
            raise AttributeError(f"module 'ptmx.licenses' has no attribute {name!r}")
        value = getattr(importlib.import_module(f"ptmx.licenses.{module}"), name)
        setattr(self, name, value)
        return value

    def __setattr__(self, name: str, value: Any) -> None:
        if isinstance(value, types.ModuleType) and _MODULE_OF.get(name) == name:
            value = getattr(value, name)
        super().__setattr__(name, value)


sys.modules[__name__].__class__ = _Package

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
    "LinkVerdict",
    "ModelExplanation",
    "PageVerdicts",
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
    "model_link_verdicts",
    "parse",
    "project_link_verdicts",
    "remedies_for",
    "resolve",
    "resolve_other",
    "tags_in_family",
    "to_sarif",
    "verdict_for",
    "worst",
]
