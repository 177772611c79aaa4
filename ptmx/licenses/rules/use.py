"""Rules for USE: a project loads the model at run time; its licence covers its code only."""

from __future__ import annotations

from ptmx.licenses.expressions import NONE, Leaf
from ptmx.licenses.rules.book import Outcome, fragment, license_id, outcome, preferred_id, short_name
from ptmx.licenses.rules.shared import Rule, always
from ptmx.licenses.rules.terms import Terms, carries, names, osadl_conflicts
from ptmx.licenses.symbols import License
from ptmx.licenses.vocabulary import Activity, Family

USE = Activity.USE


def _permissive(u: License, leaf: Leaf, terms: Terms | None) -> Outcome:
    bad = osadl_conflicts(leaf, terms)
    if bad:
        return outcome("use.permissive.osadl-no", u, USE, symbol=leaf.symbol, bad=names(bad))
    return outcome("use.permissive", u, USE,
                   notice=fragment("and-notice") if "notice" in u.obligations else "")


def _copyleft(u: License, leaf: Leaf, terms: Terms | None) -> Outcome:
    network = fragment("network-source") if u.copyleft == "network" else ""
    if terms is not None and any(carries(u, d) for d in terms.licenses):
        return outcome("use.copyleft.carried", u, USE, declared=terms.text, network=network)
    target = preferred_id(u.carriers[0]) if u.carriers else license_id(u)
    if terms is None or not terms.licenses:
        return outcome("use.copyleft.no-project-license", u, USE, network=network, target=target)
    return outcome("use.copyleft.not-carried", u, USE, declared=terms.text, network=network,
                   target=target)


def _non_commercial(u: License, leaf: Leaf, terms: Terms | None) -> Outcome:
    if terms and terms.licenses:
        code = fragment("project-code.own", declared=terms.text)
    else:
        code = fragment("project-code.none")
    return outcome("use.non-commercial", u, USE, project_code=code,
                   no_derivatives=fragment("and-no-derivatives") if u.no_derivatives else "")


def _custom_agreement(u: License, leaf: Leaf, terms: Terms | None) -> Outcome:
    policy = fragment("and-use-policy") if u.use_restrictions else ""
    if u.commercial == "yes":
        return outcome("use.custom-agreement", u, USE, policy=policy)
    return outcome("use.custom-agreement.limited", u, USE, policy=policy,
                   cap=u.cap or fragment("cap.unknown"), limit=u.cap or fragment("limit.unknown"),
                   naming=fragment("naming-rule", naming=u.naming) if u.naming else "")


def _no_grant(u: License, leaf: Leaf, terms: Terms | None) -> Outcome:
    return outcome("use.no-grant", u, USE,
                   declares=fragment("no-license") if u.symbol == NONE else short_name(u))


RULES: dict[Family, Rule] = {
    Family.PUBLIC_DOMAIN: always("use.public-domain", USE),
    Family.PERMISSIVE: _permissive,
    Family.WEAK_COPYLEFT: _copyleft,
    Family.STRONG_COPYLEFT: _copyleft,
    Family.SHARE_ALIKE: _copyleft,
    Family.NO_DERIVATIVES: always("use.no-derivatives", USE),
    Family.NON_COMMERCIAL: _non_commercial,
    Family.USE_RESTRICTED: always("use.use-restricted", USE),
    Family.CUSTOM_AGREEMENT: _custom_agreement,
    Family.NO_GRANT: _no_grant,
}
