"""The verdict engine: one upstream licence expression, one downstream, one activity → a verdict
with the clause that drives it, the reason in words, and a concrete fix.

Activities (research notes P2): ``use`` (a project loads the model at run time: the project's
licence covers its code, not the weights), ``redistribute`` (the weights ship with the project,
under the project's declared licences) and ``derive`` (fine-tune, quantization, adapter, merge:
the derived model declares its own licence).

Verdicts, from best to worst: ``ok`` < ``ok-with-obligations`` < ``use-constrained`` (NC,
research-only or user caps bind every user) < ``drift`` (downstream declares more freedom than
upstream grants) < ``conflict``; ``unknown`` and ``ambiguous`` say the licence must be read first.
For folding expressions they rank between ``drift`` and ``conflict``: an AND with a conflicting
term is a conflict whatever else it holds, an OR with an ``ok`` branch is ``ok`` (the licensee
picks it), and anything else containing an unknown stays unknown.

Expressions: on the upstream side AND = every term applies (the worst term decides) and OR = the
licensee may choose (the best branch decides). On the downstream side an AND is the set of terms
the downstream declares (``MIT AND CreativeML-OpenRAIL-M`` does carry the RAIL terms) and an OR
lets recipients choose, so every branch must be acceptable (the worst decides).

Where the OSADL matrix has an opinion on a pair of open-source licences, it overrides family
reasoning: a pair it calls incompatible is never ``ok``; a pair it calls compatible is a carrier
for copyleft and never a ``conflict``.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from functools import lru_cache
from typing import Any

from ptmx.errors import UsageError
from ptmx.licenses.expressions import NONE, And, Expr, Leaf, alternatives, leaves, parse
from ptmx.licenses.rules import (
    Outcome,
    Terms,
    display,
    fragment,
    judge,
    names,
    osadl_conflicts,
    outcome,
    short_name,
    unknown_upstream,
)
from ptmx.licenses.rules.book import preferred_id
from ptmx.licenses.symbols import License, knowledge
from ptmx.licenses.vocabulary import Activity, Family, Verdict

ACTIVITIES = tuple(Activity)  # kept for callers outside licenses until they use the enum

# Families in order, from the least to the most restrictive for whoever receives the work: the
# flow summary names an AND by its most restrictive term and an OR by its least.
_FAMILY_ORDER = {f: i for i, f in enumerate(f for f in Family if f.is_grant)}


@dataclass(frozen=True)
class Judgement:
    """The verdict for one (upstream, downstream, activity) triple."""

    verdict: Verdict
    activity: Activity
    rule: str
    reason: str
    fix: str
    upstream: str | None
    downstream: str | None
    upstream_family: str
    downstream_family: str
    deciding: str | None = None  # the upstream license symbol whose terms decided
    explanation: str = ""  # the reason without the leading rule
    rule_id: str = ""  # the entry of data/rules.json that decided (not part of the output)

    @property
    def severity(self) -> int:
        """Rank for sorting and folding (see :attr:`Verdict.rank`)."""
        return self.verdict.rank

    def to_dict(self) -> dict[str, Any]:
        """Plain data for JSON output and the TUI."""
        return {
            "upstream": self.upstream, "downstream": self.downstream, "activity": self.activity,
            "verdict": self.verdict, "rule": self.rule, "reason": self.reason, "fix": self.fix,
            "upstream_family": self.upstream_family, "downstream_family": self.downstream_family,
            "deciding": self.deciding, "explanation": self.explanation,
        }


# ------------------------------------------------------------------------------------ families
def family_of(text: str | None) -> str:
    """The family of a whole expression, for the flow summary.

    AND → the most restrictive term; OR → the least restrictive branch; ``NONE`` → 'no-license';
    nothing recorded → 'unknown'.
    """
    if text is None:
        return Family.UNKNOWN
    if text.strip().upper() == NONE:
        return "no-license"
    return _expr_family(parse(text))


def _expr_family(expr: Expr) -> Family:
    if isinstance(expr, Leaf):
        return expr.license.family
    fams = [_expr_family(a) for a in expr.args]
    known = [f for f in fams if f in _FAMILY_ORDER]
    for meta in (Family.AMBIGUOUS, Family.UNKNOWN):
        if meta in fams and (isinstance(expr, And) or not known):
            return meta
    if not known:
        return fams[0] if fams else Family.UNKNOWN
    pick = max if isinstance(expr, And) else min
    return pick(known, key=_FAMILY_ORDER.__getitem__)


# ------------------------------------------------------------------------------------ one leaf
def _judge_leaf(leaf: Leaf, downstream: list[Terms] | None, activity: Activity) -> Outcome:
    u = leaf.license
    if u.family is Family.AMBIGUOUS:
        return _judge_ambiguous(leaf, downstream, activity)
    if not u.family.is_grant:
        return unknown_upstream(u, activity, leaf.text)
    if downstream is None:
        out = judge(u, leaf, None, activity)
    else:
        outs = [_table_guard(judge(u, leaf, terms, activity), leaf, terms, activity)
                for terms in downstream]
        out = max(outs, key=lambda o: o.verdict.rank)
        if activity is not Activity.DERIVE and all(t.no_license for t in downstream) and \
                out.verdict is not Verdict.UNKNOWN and \
                fragment("declares-no-license") not in out.reason:
            out = replace(out, reason=out.reason + fragment("project-declares-nothing"))
    return replace(out, deciding=u.symbol)


def _table_guard(out: Outcome, leaf: Leaf, terms: Terms, activity: Activity) -> Outcome:
    """Never a plain ``ok`` for a pair the OSADL matrix calls incompatible."""
    if out.verdict is not Verdict.OK:
        return out
    bad = osadl_conflicts(leaf, terms)
    if not bad:
        return out
    rule_id = "osadl.separate.derive" if activity is Activity.DERIVE else "osadl.separate"
    return outcome(rule_id, leaf.license, activity, symbol=leaf.symbol, bad=names(bad),
                   reason=out.reason)


def _judge_ambiguous(leaf: Leaf, downstream: list[Terms] | None, activity: Activity) -> Outcome:
    """A family tag: judge every licence it may stand for and report the spread."""
    u = leaf.license
    kb = knowledge()
    results: list[tuple[License, Outcome]] = []
    for symbol in u.candidates:
        cand = kb.get(symbol) or kb.resolve(symbol)
        if cand is None:
            continue
        results.append((cand, _judge_leaf(Leaf(cand, symbol), downstream, activity)))
    verdicts = sorted({o.verdict for _, o in results}, key=lambda v: v.rank)
    listed = ", ".join(short_name(c) for c, _ in results)
    if len(verdicts) == 1:
        spread = fragment("spread.same", names=listed, first=verdicts[0], activity=activity)
        if not verdicts[0].undecided:
            return _all_candidates(leaf, results, spread, activity)
    else:
        spread = fragment("spread.range", names=listed, first=verdicts[0], last=verdicts[-1],
                          activity=activity)
        if not any(v.finding for v in verdicts):
            # ok for one reading, ok-with-obligations for another: whichever is meant, nothing
            # is wrong, and the strictest reading's duties are the ones that may apply
            return _all_candidates(leaf, results, spread, activity, "ambiguous.all-acceptable")
    first = kb.get(u.candidates[0]) if u.candidates else None
    example = fragment("example", example=short_name(first)) if first else ""
    out = outcome("ambiguous.tag", u, activity, tag=leaf.text, spread=spread, example=example)
    return replace(out, deciding=u.symbol)


def _all_candidates(leaf: Leaf, results: list[tuple[License, Outcome]], spread: str,
                    activity: Activity, rule: str = "ambiguous.all-candidates") -> Outcome:
    """Every licence a family tag may stand for gives the same decided verdict (or, with
    ``ambiguous.all-acceptable``, none gives a finding): the strictest reading's verdict is the
    verdict, whichever reading is meant (that candidate's reason and fix show why)."""
    lic, first = max(results, key=lambda r: r[1].verdict.rank)
    out = outcome(f"{rule}.{first.verdict}", lic, activity, tag=leaf.text,
                  spread=spread, verdict=first.verdict, example_name=short_name(lic),
                  example_reason=first.reason, example_fix=first.fix,
                  example_id=preferred_id(lic.symbol))
    return replace(out, deciding=leaf.license.symbol)


# ------------------------------------------------------------------------------------ folding
def _fold(expr: Expr, downstream: list[Terms] | None, activity: Activity) -> Outcome:
    if isinstance(expr, Leaf):
        return _judge_leaf(expr, downstream, activity)
    outs = [_fold(arg, downstream, activity) for arg in expr.args]
    if isinstance(expr, And):
        worst = max(outs, key=lambda o: o.verdict.rank)
        return replace(worst, reason=worst.reason + fragment("and-note",
                                                              expression=display(expr)))
    best = min(outs, key=lambda o: o.verdict.rank)
    chosen = best.deciding or fragment("one-branch")
    lic = knowledge().get(chosen)
    note = fragment("or-note", expression=display(expr),
                    chosen=short_name(lic) if lic else chosen)
    return replace(best, reason=best.reason + note)


def _downstream_terms(text: str | None) -> list[Terms] | None:
    if text is None or not text.strip():
        return None
    if text.strip().upper() == NONE:
        return [Terms(())]
    return [Terms(alt) for alt in alternatives(parse(text))]


def check_activity(activity: str) -> Activity:
    """Validate an activity name (case-insensitive); UsageError otherwise."""
    act = (activity or "").strip().lower()
    if act not in tuple(Activity):
        raise UsageError(f"unknown activity {activity!r}", hint="use one of " +
                         ", ".join(Activity))
    return Activity(act)


@lru_cache(maxsize=65536)
def verdict_for(upstream: str | None, downstream: str | None,
                activity: str = Activity.USE) -> Judgement:
    """The verdict for ``upstream`` (the model's / base's license expression) against
    ``downstream`` (the project's / derived model's; ``"NONE"`` = declares no license,
    None = not known) under ``activity``. Cached: the audit calls it once per distinct triple.
    """
    act = check_activity(activity)
    down = _downstream_terms(downstream)
    if upstream is None or not upstream.strip():
        who = fragment("who.base" if act is Activity.DERIVE else "who.model")
        out = outcome("upstream.none-recorded", None, act, who=who)
    else:
        out = _fold(parse(upstream), down, act)
    if downstream is not None:
        down_family = family_of(downstream)
    else:
        down_family = Family.UNKNOWN if act is Activity.DERIVE else "not-scanned"
    # The reason starts with the rule, so it stands alone wherever it is shown (JSON, CSV).
    return Judgement(out.verdict, act, out.rule, f"{out.rule}: {out.reason}", out.fix, upstream,
                     downstream, family_of(upstream), down_family, out.deciding, out.reason,
                     out.rule_id)


def link_activity(upstream: str | None, downstream: str | None) -> Activity:
    """USE, or REDISTRIBUTE when the project's scan shows the model's own (model/content)
    license among the project's licenses, e.g. ``mit AND stable-diffusion-2022-08-22`` for a
    CreativeML OpenRAIL-M model: the weights (or their license) are vendored."""
    if not upstream or not downstream or downstream.strip().upper() == NONE:
        return Activity.USE
    return _link_activity(upstream, downstream)


@lru_cache(maxsize=65536)
def _link_activity(upstream: str, downstream: str) -> Activity:
    down = {x.license.symbol for x in leaves(parse(downstream))}
    for leaf in leaves(parse(upstream)):
        if leaf.license.weights_signal and leaf.license.symbol in down:
            return Activity.REDISTRIBUTE
    return Activity.USE
