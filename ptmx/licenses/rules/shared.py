"""Rules every activity shares: an upstream licence nobody can judge, a downstream licence
nobody knows, GPL-style "no further restrictions" and the duties of shipping weights."""

from __future__ import annotations

from collections.abc import Callable

from ptmx.licenses.expressions import Leaf
from ptmx.licenses.rules.book import Outcome, fragment, limited, outcome
from ptmx.licenses.rules.terms import Terms, names
from ptmx.licenses.symbols import License
from ptmx.licenses.vocabulary import Activity, Family

Rule = Callable[[License, Leaf, Terms | None], Outcome]


def always(rule_id: str, activity: Activity) -> Rule:
    """A rule whose outcome depends on the upstream license alone."""

    def rule(u: License, leaf: Leaf, terms: Terms | None) -> Outcome:
        return outcome(rule_id, u, activity)

    return rule


def osadl_incompatible(u: License, leaf: Leaf, bad: list[Leaf], activity: Activity) -> Outcome:
    """Shipping or deriving permissive material into works the OSADL matrix calls incompatible:
    a conflict when one of them is copyleft, else drift."""
    copyleft = any(d.license.copyleft != "none" for d in bad)
    rule_id = f"{activity}.permissive.osadl-no" + ("-copyleft" if copyleft else "")
    return outcome(rule_id, u, activity, symbol=leaf.symbol, bad=names(bad))


def unknown_upstream(u: License, activity: Activity, text: str | None = None) -> Outcome:
    """The upstream licence is a family tag, unknown, or no licence of its own."""
    if u.family is Family.AMBIGUOUS:  # judged candidate by candidate upstream; kept for direct calls
        return outcome("upstream.family-tag", u, activity, tag=u.name)
    if u.symbol == "LicenseRef-ptmx-other":
        rule_id = "upstream.other"
    elif u.symbol.startswith("LicenseRef-ptmx-unresolved"):
        rule_id = "upstream.unresolved"
    elif u.family is Family.UNKNOWN:
        rule_id = "upstream.unknown"
    else:
        rule_id = "upstream.not-a-license"
    return outcome(rule_id, u, activity, shown=text or u.name, source=u.source)


def unknown_downstream(u: License, activity: Activity, terms: Terms | None) -> Outcome:
    """``u`` sets conditions on what the downstream declares, which is not known."""
    derive = activity is Activity.DERIVE
    if terms is None:
        return outcome("downstream.not-recorded" if derive else "downstream.not-scanned", u,
                       activity)
    return outcome("downstream.unidentified", u, activity,
                   who=fragment("who.derived" if derive else "who.project"),
                   unknown=", ".join(x.text for x in terms.unknown))


def gpl_restriction(u: License, strong: list[Leaf], activity: Activity) -> Outcome:
    """A strong copyleft downstream licence cannot carry ``u``'s restrictions."""
    return outcome(f"{activity}.gpl-restriction", u, activity, gpl=names(strong),
                   gpl_clause=strong[0].license.clause(Activity.DERIVE))


def obligations(u: License, *, verbatim: bool = False) -> Outcome:
    """Shipping ``u``'s weights is allowed with the licence's duties."""
    duties = [d.replace("-", " ") for d in u.obligations if d != "non-commercial"]
    rule_id = "redistribute.obligations.verbatim" if verbatim else "redistribute.obligations"
    return outcome(limited(rule_id, u), u, Activity.REDISTRIBUTE,
                   duties=", ".join(duties) if duties else fragment("duties.none"),
                   notice=fragment("and-notice-file") if "notice" in u.obligations else "")
