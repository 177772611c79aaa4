"""The license engine's vocabulary as types: verdicts, activities and license families.

Each is a ``StrEnum``, so a member *is* its string (JSON, CSV, SQL and old comparisons keep
working) while code that names a member by attribute fails loudly on a typo. The order of a
verdict and whether it fails a check live here and nowhere else; styles for terminals live in
:mod:`ptmx.render.styles`.
"""

from __future__ import annotations

from enum import StrEnum


class Verdict(StrEnum):
    """What one (upstream, downstream, activity) relation comes to, best first by ``rank``."""

    OK = "ok"
    OK_WITH_OBLIGATIONS = "ok-with-obligations"
    USE_CONSTRAINED = "use-constrained"
    DRIFT = "drift"
    CONFLICT = "conflict"
    UNKNOWN = "unknown"
    AMBIGUOUS = "ambiguous"

    @property
    def rank(self) -> int:
        """Order for folding expressions and for "worse than": an AND with a conflicting term
        is a conflict whatever else it holds, so ``conflict`` ranks above the undecided ones."""
        return _VERDICT_RANK[self]

    @property
    def failing(self) -> bool:
        """Whether ``licenses check`` fails (exit 1) on it."""
        return self in (Verdict.DRIFT, Verdict.CONFLICT)

    @property
    def finding(self) -> bool:
        """Whether ``licenses check`` reports it: everything worse than ok-with-obligations."""
        return self not in (Verdict.OK, Verdict.OK_WITH_OBLIGATIONS)

    @property
    def undecided(self) -> bool:
        """The license must be read by a person before anything is decided."""
        return self in (Verdict.UNKNOWN, Verdict.AMBIGUOUS)


_VERDICT_RANK = {
    Verdict.OK: 0, Verdict.OK_WITH_OBLIGATIONS: 1, Verdict.USE_CONSTRAINED: 2, Verdict.DRIFT: 3,
    Verdict.AMBIGUOUS: 4, Verdict.UNKNOWN: 5, Verdict.CONFLICT: 6,
}


def worst(verdicts: list[Verdict] | list[str]) -> Verdict | None:
    """The worst of ``verdicts`` by rank, or None for none."""
    found = [Verdict(v) for v in verdicts]
    return max(found, key=lambda v: v.rank) if found else None


class Activity(StrEnum):
    """What the downstream side does with the model (research notes P2)."""

    USE = "use"                    # loads it at run time; its license covers its code only
    REDISTRIBUTE = "redistribute"  # ships the weights under its own declared licenses
    DERIVE = "derive"              # publishes a fine-tune, quantization, adapter or merge


class Family(StrEnum):
    """License families: the grants (first ten, least to most restrictive in practice) and the
    meta families that are no grant of their own."""

    PUBLIC_DOMAIN = "public-domain"
    PERMISSIVE = "permissive"
    WEAK_COPYLEFT = "weak-copyleft"
    SHARE_ALIKE = "share-alike"
    STRONG_COPYLEFT = "strong-copyleft"
    USE_RESTRICTED = "use-restricted"
    CUSTOM_AGREEMENT = "custom-agreement"
    NON_COMMERCIAL = "non-commercial"
    NO_DERIVATIVES = "no-derivatives"
    NO_GRANT = "no-grant"
    AMBIGUOUS = "ambiguous"
    UNKNOWN = "unknown"
    EXCEPTION = "exception"
    NOT_A_LICENSE = "not-a-license"

    @property
    def is_grant(self) -> bool:
        """A family of real licenses, as opposed to a tag to resolve or a term to ignore."""
        return self not in _META_FAMILIES

    @property
    def restrictive(self) -> bool:
        """Terms that bind every downstream use (NC, ND, RAIL, custom agreements, no grant)."""
        return self in _RESTRICTIVE_FAMILIES

    @property
    def label(self) -> str:
        """The family in words, for screens and reports."""
        return _FAMILY_LABELS[self]


_META_FAMILIES = frozenset({Family.AMBIGUOUS, Family.UNKNOWN, Family.EXCEPTION, Family.NOT_A_LICENSE})
_RESTRICTIVE_FAMILIES = frozenset({Family.NON_COMMERCIAL, Family.NO_DERIVATIVES,
                                   Family.USE_RESTRICTED, Family.CUSTOM_AGREEMENT, Family.NO_GRANT})
_FAMILY_LABELS = {
    Family.PUBLIC_DOMAIN: "public domain", Family.PERMISSIVE: "permissive",
    Family.WEAK_COPYLEFT: "weak copyleft", Family.SHARE_ALIKE: "share-alike",
    Family.STRONG_COPYLEFT: "strong copyleft", Family.USE_RESTRICTED: "use-restricted (RAIL)",
    Family.CUSTOM_AGREEMENT: "custom agreement", Family.NON_COMMERCIAL: "non-commercial",
    Family.NO_DERIVATIVES: "no-derivatives", Family.NO_GRANT: "no grant",
    Family.AMBIGUOUS: "ambiguous tag", Family.UNKNOWN: "unknown",
    Family.EXCEPTION: "licence exception", Family.NOT_A_LICENSE: "not a licence",
}
