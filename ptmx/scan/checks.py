"""What the scan keeps of the license engine's verdict and of the card rules' assessment.

:func:`license_check` reads a :func:`ptmx.licenses.verdict_for` result by attribute into a
:class:`LicenseCheck`; :func:`card_check` reads a :class:`ptmx.cards.CardAssessment` into a
:class:`CardCheck`. Both are typed records whose ``asdict`` form is the scan's JSON shape, so the
table, JSON, SARIF and CycloneDX writers read fields, never strings picked out of a label.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

from ptmx.cards import CardAssessment
from ptmx.cards.vocabulary import Status
from ptmx.licenses.vocabulary import Verdict


class EngineVerdict(Protocol):
    """The fields the scan reads of a license engine result (``verdict_for``)."""

    @property
    def verdict(self) -> str: ...

    @property
    def rule(self) -> str: ...

    @property
    def reason(self) -> str: ...

    @property
    def fix(self) -> str: ...


# (upstream expression, downstream expression, activity) → the engine's verdict.
VerdictFn = Callable[[str | None, str | None, str], EngineVerdict]

# The verdict as the scan's findings name it: ``license-<category>`` is the finding's rule.
_CATEGORY = {
    Verdict.OK: "ok", Verdict.OK_WITH_OBLIGATIONS: "obligations",
    Verdict.USE_CONSTRAINED: "constrained", Verdict.DRIFT: "drift",
    Verdict.CONFLICT: "conflict", Verdict.UNKNOWN: "unknown", Verdict.AMBIGUOUS: "unknown",
}


@dataclass
class LicenseCheck:
    """One model's license against the project's, for one activity."""

    verdict: Verdict
    category: str  # ok | obligations | constrained | drift | conflict | unknown
    reason: str | None
    fix: str | None
    clause: str | None  # the engine's rule: the clause that decides
    # The engine names no obligations of its own yet; the key stays for the JSON shape.
    obligations: list[str] | None
    upstream: str | None
    downstream: str | None
    activity: str
    # Effective terms (issue 18): the model's base chain (None: no bases recorded) and the
    # ancestor whose licence decided the verdict (None: the model's own licence decides).
    chain: list[dict[str, Any]] | None = None
    inherited_from: str | None = None
    remedy: dict[str, Any] | None = None  # with --suggest, for conflict/drift/constrained

    @property
    def finding(self) -> bool:
        """Worth a finding: anything worse than ok-with-obligations."""
        return self.verdict.finding


def license_check(raw: EngineVerdict, upstream: str | None, downstream: str | None,
                  activity: str) -> LicenseCheck:
    """The engine's verdict as the scan reports it."""
    verdict = Verdict(raw.verdict)
    return LicenseCheck(verdict=verdict, category=_CATEGORY[verdict], reason=raw.reason,
                        fix=raw.fix, clause=raw.rule, obligations=None, upstream=upstream,
                        downstream=downstream, activity=activity)


@dataclass
class CardGap:
    """One card field a rule found missing (or inconsistent) and that counts against the model."""

    field: str
    label: str
    severity: str
    detail: str | None


@dataclass
class CardCheck:
    """What the card rules say about one model."""

    assessed: bool
    completeness: float | None
    source: str | None
    missing: list[CardGap] = field(default_factory=list)
    inconsistent: list[CardGap] = field(default_factory=list)
    findings: list[str] = field(default_factory=list)

    def missing_of(self, severity: str) -> list[CardGap]:
        """The missing fields of one severity."""
        return [gap for gap in self.missing if gap.severity == severity]


def card_check(assessment: CardAssessment) -> CardCheck:
    """A card assessment → what the scan reports.

    Only rules that count against the model are "missing" (a base-model rule does not count for
    a model nothing says is derived).
    """
    def pick(status: Status) -> list[CardGap]:
        return [CardGap(r.key, r.label or r.key, r.severity, r.note)
                for r in assessment.results if r.status == status and r.counts]

    return CardCheck(assessed=assessment.assessed, completeness=assessment.completeness,
                     source=assessment.source, missing=pick(Status.MISSING),
                     inconsistent=pick(Status.INCONSISTENT),
                     findings=[f.message for f in assessment.findings])
