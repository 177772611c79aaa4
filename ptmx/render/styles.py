"""One style map for the vocabulary types, read by the CLI (rich) and the TUI (Textual) alike,
so a verdict or a card severity looks the same wherever it is shown."""

from __future__ import annotations

from ptmx.cards.vocabulary import Severity, Status
from ptmx.licenses.vocabulary import Verdict

VERDICT_STYLES: dict[Verdict, str] = {
    Verdict.OK: "green", Verdict.OK_WITH_OBLIGATIONS: "cyan", Verdict.USE_CONSTRAINED: "yellow",
    Verdict.DRIFT: "magenta", Verdict.CONFLICT: "bold red", Verdict.UNKNOWN: "yellow",
    Verdict.AMBIGUOUS: "yellow",
}

SEVERITY_STYLES: dict[Severity, str] = {
    Severity.CRITICAL: "bold red", Severity.IMPORTANT: "yellow", Severity.NICE: "dim",
}


def verdict_style(verdict: str | None) -> str:
    """The style of ``verdict``; no style for anything that is not a verdict."""
    return VERDICT_STYLES.get(verdict, "") if verdict else ""  # type: ignore[call-overload]


def severity_style(severity: str | None) -> str:
    """The style of a card rule's ``severity``; no style for anything else."""
    return SEVERITY_STYLES.get(severity, "") if severity else ""  # type: ignore[call-overload]


STATUS_STYLES: dict[Status, str] = {
    Status.PASS: "green", Status.MISSING: "bold red", Status.INCONSISTENT: "yellow",
    Status.NOT_ASSESSED: "dim",
}


def status_style(status: str | None) -> str:
    """The style of what a card rule found (``status``); no style for anything else."""
    return STATUS_STYLES.get(status, "") if status else ""  # type: ignore[call-overload]
