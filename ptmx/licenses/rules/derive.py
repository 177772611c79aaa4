"""Rules for DERIVE: a fine-tune, quantization, adapter or merge declares its own licence."""

from __future__ import annotations

from collections.abc import Callable

from ptmx.licenses.expressions import Leaf
from ptmx.licenses.rules.book import (
    Outcome,
    fragment,
    license_id,
    limited,
    outcome,
    preferred_id,
    short_name,
)
from ptmx.licenses.rules.shared import (
    Rule,
    always,
    gpl_restriction,
    osadl_incompatible,
    unknown_downstream,
)
from ptmx.licenses.rules.terms import Terms, carries, names, osadl_conflicts
from ptmx.licenses.symbols import License
from ptmx.licenses.vocabulary import Activity, Family

DERIVE = Activity.DERIVE
_PASS_THROUGH = ("strong", "network", "share-alike")  # copyleft that allows no further terms


def family_for_deriving(u: License) -> Family:
    """The family whose rule decides: a no-derivatives condition (e.g. CC BY-NC-ND) outranks
    every other term of a grant, except that a missing grant stays a missing grant."""
    if u.no_derivatives and u.family.is_grant and u.family is not Family.NO_GRANT:
        return Family.NO_DERIVATIVES
    return u.family


def _permissive(u: License, leaf: Leaf, terms: Terms | None) -> Outcome:
    bad = osadl_conflicts(leaf, terms)
    if bad:
        return osadl_incompatible(u, leaf, bad, DERIVE)
    declares_nothing = terms is not None and terms.no_license
    return outcome("derive.permissive", u, DERIVE,
                   none_note=fragment("derived-no-license") if declares_nothing else "",
                   changes=fragment("mark-changes") if "state-changes" in u.obligations else "")


def _declared(rule: Callable[[License, Terms], Outcome]) -> Rule:
    """``rule`` once the derived model's licence is known and compatible with GPL-style "no
    further restrictions": those cases read the same for every family."""

    def judged(u: License, leaf: Leaf, terms: Terms | None) -> Outcome:
        if terms is None:
            return unknown_downstream(u, DERIVE, None)
        strong = terms.strong_copyleft()
        if strong and u.family.restrictive:
            return gpl_restriction(u, strong, DERIVE)
        return rule(u, terms)

    return judged


def _unless_unknown(u: License, terms: Terms, rule_id: str, **params: object) -> Outcome:
    """Rule ``rule_id`` against what the derived model declares, unless part of it is unknown."""
    if terms.unknown:
        return unknown_downstream(u, DERIVE, terms)
    return outcome(rule_id, u, DERIVE, declared=terms.text, **params)


def _copyleft(u: License, terms: Terms) -> Outcome:
    carriers = u.carriers[:3]
    target = fragment("or").join(map(preferred_id, carriers)) if carriers else license_id(u)
    carrier = next((d for d in terms.licenses if carries(u, d)), None)
    if carrier is not None:
        return _carried(u, terms, carrier, target)
    if terms.no_license:
        return outcome("derive.copyleft.no-license", u, DERIVE, target=target)
    weak = u.family is Family.WEAK_COPYLEFT
    return _unless_unknown(u, terms, "derive.weak-copyleft.relicensed" if weak else
                           "derive.copyleft.relicensed", target=target)


def _carried(u: License, terms: Terms, carrier: Leaf, target: str) -> Outcome:
    """The derived model declares a licence that honours ``u``'s copyleft: fine unless it adds
    restrictions that copyleft forbids."""
    extra = [x for x in terms.further_restrictions(carrier)
             if u.copyleft in _PASS_THROUGH and x.license is not u
             and x.license.symbol not in u.carriers]
    if extra:
        return outcome("derive.copyleft.further-restrictions", u, DERIVE, extra=names(extra),
                       target=target)
    return outcome(limited("derive.copyleft.carried", u), u, DERIVE,
                   carrier=short_name(carrier.license))


def _non_commercial(u: License, terms: Terms) -> Outcome:
    if u.copyleft == "share-alike":  # e.g. CC BY-NC-SA: share-alike decides first
        return _copyleft(u, terms)
    if terms.no_license:
        return outcome("derive.non-commercial.no-license", u, DERIVE)
    if terms.restricts_commercial():
        return outcome("derive.non-commercial.kept", u, DERIVE, declared=terms.text)
    return _unless_unknown(u, terms, "derive.non-commercial.commercial")


def _use_restricted(u: License, terms: Terms) -> Outcome:
    if any(x.license.use_restrictions for x in terms.licenses):
        return outcome("derive.use-restricted.carried", u, DERIVE, declared=terms.text)
    return _unless_unknown(u, terms, "derive.use-restricted.dropped")


def _custom_agreement(u: License, terms: Terms) -> Outcome:
    if any(x.license.agreement == u.agreement for x in terms.licenses):
        return outcome(limited("derive.custom-agreement.kept", u), u, DERIVE,
                       cap_note=fragment("cap-note", cap=u.cap) if u.cap else "",
                       naming=fragment("name-must", naming=u.naming) if u.naming else "")
    return _unless_unknown(u, terms, "derive.custom-agreement.left",
                           naming=fragment("then-name-must", naming=u.naming) if u.naming else "")


RULES: dict[Family, Rule] = {
    Family.NO_GRANT: always("derive.no-grant", DERIVE),
    Family.NO_DERIVATIVES: always("derive.no-derivatives", DERIVE),
    Family.PUBLIC_DOMAIN: always("derive.public-domain", DERIVE),
    Family.PERMISSIVE: _permissive,
    Family.WEAK_COPYLEFT: _declared(_copyleft),
    Family.STRONG_COPYLEFT: _declared(_copyleft),
    Family.SHARE_ALIKE: _declared(_copyleft),
    Family.NON_COMMERCIAL: _declared(_non_commercial),
    Family.USE_RESTRICTED: _declared(_use_restricted),
    Family.CUSTOM_AGREEMENT: _declared(_custom_agreement),
}
