"""The documentation rules' vocabulary as types: how much a missing field matters, and what a
rule found. ``StrEnum`` members are their strings, so reports and SQL keep the same values."""

from __future__ import annotations

from enum import StrEnum


class Severity(StrEnum):
    """How much a card field matters, most first; ``weight`` is its share of completeness."""

    CRITICAL = "critical"
    IMPORTANT = "important"
    NICE = "nice"

    @property
    def weight(self) -> int:
        """Critical fields weigh 3, important 2, nice-to-have 1."""
        return _WEIGHTS[self]

    def and_above(self) -> tuple[Severity, ...]:
        """This severity and every severity above it (important → critical, important)."""
        order = list(Severity)
        return tuple(order[: order.index(self) + 1])


_WEIGHTS = {Severity.CRITICAL: 3, Severity.IMPORTANT: 2, Severity.NICE: 1}


class Status(StrEnum):
    """What one rule found for one model; ``credit`` is its share of the field's weight."""

    PASS = "pass"
    MISSING = "missing"
    INCONSISTENT = "inconsistent"
    NOT_ASSESSED = "not assessed"

    @property
    def credit(self) -> float | None:
        """1 for pass, ½ for inconsistent, 0 for missing; None: the rule does not count."""
        return _CREDIT.get(self)


_CREDIT = {Status.PASS: 1.0, Status.INCONSISTENT: 0.5, Status.MISSING: 0.0}
