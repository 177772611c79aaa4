"""The verdict rules as a dispatch table: (activity, licence family) → the rule that judges one
upstream licence against one downstream alternative.

Each rule picks an entry of the rule book (``data/rules.json``) by id; the entry holds the
verdict and the texts. An upstream family with no rule for the activity (a family tag, an
unknown licence, an exception on its own) is reported as unknown.
"""

from __future__ import annotations

from ptmx.licenses.expressions import Leaf
from ptmx.licenses.rules import derive, redistribute, use
from ptmx.licenses.rules.book import Outcome, fragment, outcome, rule_book, short_name
from ptmx.licenses.rules.shared import Rule, unknown_upstream
from ptmx.licenses.rules.terms import Terms, display, names, osadl_conflicts
from ptmx.licenses.symbols import License
from ptmx.licenses.vocabulary import Activity, Family

RULES: dict[tuple[Activity, Family], Rule] = {
    **{(Activity.USE, family): rule for family, rule in use.RULES.items()},
    **{(Activity.REDISTRIBUTE, family): rule for family, rule in redistribute.RULES.items()},
    **{(Activity.DERIVE, family): rule for family, rule in derive.RULES.items()},
}


def judge(u: License, leaf: Leaf, terms: Terms | None, activity: Activity) -> Outcome:
    """The outcome for upstream licence ``u`` (as written in ``leaf``) against one downstream
    alternative (None: the downstream licence is not known) under ``activity``."""
    family = derive.family_for_deriving(u) if activity is Activity.DERIVE else u.family
    rule = RULES.get((activity, family))
    if rule is None:
        return unknown_upstream(u, activity)
    return rule(u, leaf, terms)


__all__ = [
    "RULES",
    "Outcome",
    "Rule",
    "Terms",
    "display",
    "fragment",
    "judge",
    "names",
    "osadl_conflicts",
    "outcome",
    "rule_book",
    "short_name",
    "unknown_upstream",
]
