"""Rules for REDISTRIBUTE: the weights ship with the project, under the project's declared
licences."""

from __future__ import annotations

from collections.abc import Callable

from ptmx.licenses.expressions import Leaf
from ptmx.licenses.rules.book import Outcome, fragment, limited, outcome
from ptmx.licenses.rules.shared import (
    Rule,
    always,
    gpl_restriction,
    obligations,
    osadl_incompatible,
    unknown_downstream,
)
from ptmx.licenses.rules.terms import Terms, carries, osadl_conflicts
from ptmx.licenses.symbols import License
from ptmx.licenses.vocabulary import Activity, Family

REDISTRIBUTE = Activity.REDISTRIBUTE


def _permissive(u: License, leaf: Leaf, terms: Terms | None) -> Outcome:
    bad = osadl_conflicts(leaf, terms)
    return osadl_incompatible(u, leaf, bad, REDISTRIBUTE) if bad else obligations(u)


def _declared(rule: Callable[[License, Terms], Outcome]) -> Rule:
    """``rule`` once the project's licences are known, compatible with GPL-style "no further
    restrictions", and not empty: those cases read the same for every family."""

    def judged(u: License, leaf: Leaf, terms: Terms | None) -> Outcome:
        if terms is None:
            return unknown_downstream(u, REDISTRIBUTE, None)
        strong = terms.strong_copyleft()
        if strong and u.family.restrictive and not any(carries(u, d) for d in strong):
            return gpl_restriction(u, strong, REDISTRIBUTE)
        if terms.no_license:
            return outcome(limited("redistribute.no-project-license", u), u, REDISTRIBUTE)
        return rule(u, terms)

    return judged


def _unless_unknown(u: License, terms: Terms, rule_id: str) -> Outcome:
    """Rule ``rule_id`` against what the project declares, unless part of it is unknown."""
    if terms.unknown:
        return unknown_downstream(u, REDISTRIBUTE, terms)
    return outcome(rule_id, u, REDISTRIBUTE, declared=terms.text)


def _copyleft(u: License, terms: Terms) -> Outcome:
    if any(carries(u, d) for d in terms.licenses):
        return obligations(u)
    weak = u.family is Family.WEAK_COPYLEFT
    return _unless_unknown(u, terms, "redistribute.weak-copyleft.not-carried" if weak else
                           "redistribute.copyleft.not-carried")


def _no_derivatives(u: License, terms: Terms) -> Outcome:
    if any(x.license is u for x in terms.licenses):
        return obligations(u, verbatim=True)
    return _unless_unknown(u, terms, "redistribute.no-derivatives.relicensed")


def _non_commercial(u: License, terms: Terms) -> Outcome:
    if terms.restricts_commercial():
        return outcome("redistribute.non-commercial.kept", u, REDISTRIBUTE)
    return _unless_unknown(u, terms, "redistribute.non-commercial.commercial")


def _use_restricted(u: License, terms: Terms) -> Outcome:
    if any(x.license.use_restrictions for x in terms.licenses):
        return obligations(u)
    return _unless_unknown(u, terms, "redistribute.use-restricted.dropped")


def _custom_agreement(u: License, terms: Terms) -> Outcome:
    if any(x.license.agreement == u.agreement for x in terms.licenses):
        return outcome(limited("redistribute.custom-agreement.kept", u), u, REDISTRIBUTE,
                       cap_note=fragment("cap-note", cap=u.cap) if u.cap else "")
    return _unless_unknown(u, terms, "redistribute.custom-agreement.misstated")


RULES: dict[Family, Rule] = {
    Family.NO_GRANT: always("redistribute.no-grant", REDISTRIBUTE),
    Family.PUBLIC_DOMAIN: always("redistribute.public-domain", REDISTRIBUTE),
    Family.PERMISSIVE: _permissive,
    Family.WEAK_COPYLEFT: _declared(_copyleft),
    Family.STRONG_COPYLEFT: _declared(_copyleft),
    Family.SHARE_ALIKE: _declared(_copyleft),
    Family.NO_DERIVATIVES: _declared(_no_derivatives),
    Family.NON_COMMERCIAL: _declared(_non_commercial),
    Family.USE_RESTRICTED: _declared(_use_restricted),
    Family.CUSTOM_AGREEMENT: _declared(_custom_agreement),
}
