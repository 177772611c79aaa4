"""What an assessment returns: plain dataclasses that the CLI, the TUI, ``ptmx scan`` and the hub
drift all read (``to_dict()`` gives the JSON form)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ptmx.cards.vocabulary import Severity, Status


def _levels(severity: str, *, or_worse: bool) -> tuple[Severity, ...]:
    """``severity`` (and with ``or_worse`` every severity above it); ValueError names the known
    ones."""
    try:
        level = Severity(severity)
    except ValueError:
        known = ", ".join(Severity)
        raise ValueError(f"unknown severity {severity!r}; choose from {known}") from None
    return level.and_above() if or_worse else (level,)


@dataclass(frozen=True)
class Evidence:
    """One thing a source says (or does not say) about a field."""

    source: str  # model_card | PeaTMOSS | hub card | model name
    detail: str  # e.g. "model_card.license = 'apache-2.0'"

    def __str__(self) -> str:
        return f"{self.source}: {self.detail}"


@dataclass
class RuleResult:
    """One rule applied to one model."""

    key: str
    label: str
    severity: Severity
    status: Status
    counts: bool  # whether it counts in completeness, risk and `cards check`
    evidence: list[Evidence] = field(default_factory=list)
    note: str | None = None  # why it does not count, or what is inconsistent

    @property
    def failing(self) -> bool:
        """Missing, and counted against the model."""
        return self.status == Status.MISSING and self.counts

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready dict."""
        return {"key": self.key, "label": self.label, "severity": self.severity,
                "status": self.status, "counts": self.counts,
                "evidence": [str(e) for e in self.evidence], "note": self.note}


@dataclass
class Finding:
    """An inconsistency between sources (the card vs the hub's metadata)."""

    rule: str
    severity: Severity
    kind: str  # license-mismatch | license-other-unnamed | base-model-not-in-hub-metadata
    message: str

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready dict."""
        return {"rule": self.rule, "severity": self.severity, "kind": self.kind,
                "message": self.message}


@dataclass
class CardAssessment:
    """How well one model is documented.

    ``assessed`` is False when there is no card data for the model: every rule is then
    "not assessed" and ``completeness``/``risk`` are None — never "missing everything".
    """

    model: str
    model_id: int | None
    assessed: bool
    source: str | None  # where the card data came from
    reuse_count: int
    results: list[RuleResult]
    findings: list[Finding]
    completeness: float | None  # 0–100, None when not assessed
    risk: int | None  # reuse × missing critical fields, None when not assessed
    notes: list[str] = field(default_factory=list)

    @property
    def status(self) -> str:
        """``assessed`` or ``not assessed``."""
        return "assessed" if self.assessed else Status.NOT_ASSESSED

    def result(self, key: str) -> RuleResult:
        """The result of rule ``key``."""
        for r in self.results:
            if r.key == key:
                return r
        raise KeyError(key)

    def missing(self, severity: str | None = None, *, or_worse: bool = False) -> list[RuleResult]:
        """Rules missing and counted against the model: all of them, those of ``severity``, or
        with ``or_worse`` those of ``severity`` and above (the ``--fail-on`` threshold)."""
        wanted = _levels(severity, or_worse=or_worse) if severity is not None else None
        return [r for r in self.results
                if r.failing and (wanted is None or r.severity in wanted)]

    @property
    def missing_critical(self) -> int:
        """How many critical fields are missing (the risk multiplier)."""
        return len(self.missing(Severity.CRITICAL))

    @property
    def passed(self) -> list[RuleResult]:
        """Rules the card satisfies."""
        return [r for r in self.results if r.status == Status.PASS]

    @property
    def inconsistent(self) -> list[RuleResult]:
        """Rules documented, but contradicted by another source."""
        return [r for r in self.results if r.status == Status.INCONSISTENT]

    def fails(self, threshold: str, *, strict: bool = False) -> bool:
        """Whether ``cards check --fail-on threshold`` fails this model (with ``strict``, an
        inconsistency at that severity fails it too)."""
        if self.missing(threshold, or_worse=True):
            return True
        levels = _levels(threshold, or_worse=True)
        return strict and any(r.severity in levels for r in self.inconsistent)

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready dict."""
        return {
            "model": self.model, "model_id": self.model_id, "status": self.status,
            "source": self.source, "reuse_count": self.reuse_count,
            "completeness": self.completeness, "risk": self.risk,
            "missing_critical": self.missing_critical if self.assessed else None,
            "missing": [r.key for r in self.missing()],
            "rules": [r.to_dict() for r in self.results],
            "findings": [f.to_dict() for f in self.findings],
            "notes": self.notes,
        }
