"""The downstream side as the rules see it: what one alternative declares, and how licences
carry one another."""

from __future__ import annotations

from dataclasses import dataclass

from ptmx.licenses.expressions import NONE, And, Expr, Leaf
from ptmx.licenses.rules.book import fragment, short_name
from ptmx.licenses.symbols import License, knowledge
from ptmx.licenses.vocabulary import Family

_UNDECIDED = (Family.UNKNOWN, Family.AMBIGUOUS)


def display(expr: Expr) -> str:
    """An expression with readable names, for reasons."""
    if isinstance(expr, Leaf):
        return short_name(expr.license)
    joiner = " AND " if isinstance(expr, And) else " OR "
    return joiner.join(display(a) if isinstance(a, Leaf) else f"({display(a)})"
                       for a in expr.args)


def names(items: list[Leaf] | tuple[Leaf, ...]) -> str:
    """Several licences as one AND, by readable name ("no licence" for none)."""
    return " AND ".join(short_name(x.license) for x in items) or fragment("no-license")


@dataclass(frozen=True)
class Terms:
    """What one downstream alternative (an AND of licences) declares."""

    leaves: tuple[Leaf, ...]

    @property
    def licenses(self) -> list[Leaf]:
        """Real grants (license exceptions, CLAs, unknown tags and NONE left out)."""
        return [x for x in self.leaves if x.license.family.is_grant and x.license.symbol != NONE]

    @property
    def unknown(self) -> list[Leaf]:
        """Tags that cannot be identified (unknown or a family tag)."""
        return [x for x in self.leaves if x.license.family in _UNDECIDED]

    @property
    def no_license(self) -> bool:
        """Declares nothing at all (SPDX NONE, or only CLAs/exceptions)."""
        return not self.licenses and not self.unknown

    @property
    def text(self) -> str:
        """The declared licences by readable name."""
        return names(self.licenses)

    def restricts_commercial(self) -> bool:
        """Some declared licence forbids commercial use."""
        return any(x.license.commercial == "no" for x in self.licenses)

    def strong_copyleft(self) -> list[Leaf]:
        """The declared licences with strong or network copyleft (they allow no further
        restrictions)."""
        return [x for x in self.licenses if x.license.copyleft in ("strong", "network")]

    def further_restrictions(self, but: Leaf | None = None) -> list[Leaf]:
        """The declared licences, other than ``but``, that restrict every recipient."""
        return [x for x in self.licenses if x.license.family.restrictive and x is not but]


def carries(u: License, d: Leaf) -> bool:
    """Whether declaring ``d`` honours the copyleft / share-alike of ``u``. The OSADL matrix
    decides where it has an opinion; the record's carrier list covers the rest (CC, data and
    model licences)."""
    if d.license is u or d.license.symbol == u.symbol:
        return True
    opinion = knowledge().osadl(u.symbol, d.symbol)
    if opinion in ("same", "yes"):
        return True
    if opinion == "no":
        return False
    return d.license.symbol in u.carriers


def osadl_no(u: Leaf, d: Leaf) -> bool:
    """The OSADL matrix says ``u`` material may not become part of a ``d`` work."""
    return knowledge().osadl(u.symbol, d.symbol) == "no"


def osadl_conflicts(leaf: Leaf, terms: Terms | None) -> list[Leaf]:
    """The declared licences the OSADL matrix calls incompatible with ``leaf``."""
    return [d for d in (terms.licenses if terms else []) if osadl_no(leaf, d)]
