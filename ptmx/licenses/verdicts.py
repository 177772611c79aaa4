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

from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from ptmx.errors import UsageError
from ptmx.licenses.expressions import NONE, And, Expr, Leaf, alternatives, leaves, parse
from ptmx.licenses.symbols import FAMILIES, License, knowledge

ACTIVITIES = ("use", "redistribute", "derive")
VERDICTS = ("ok", "ok-with-obligations", "use-constrained", "drift", "conflict", "unknown",
            "ambiguous")
# Order for folding expressions and for "worse than" (see the module docstring).
SEVERITY = {"ok": 0, "ok-with-obligations": 1, "use-constrained": 2, "drift": 3, "ambiguous": 4,
            "unknown": 5, "conflict": 6}
# What `ptmx licenses check` reports: everything worse than ok-with-obligations.
FINDINGS = ("use-constrained", "drift", "conflict", "unknown", "ambiguous")
FAILING = ("drift", "conflict")

RESTRICTIVE = ("non-commercial", "no-derivatives", "use-restricted", "custom-agreement",
               "no-grant")
IGNORED_DOWNSTREAM = ("exception", "not-a-license")


@dataclass(frozen=True)
class Verdict:
    """The verdict for one (upstream, downstream, activity) triple."""

    verdict: str
    activity: str
    rule: str
    reason: str
    fix: str
    upstream: str | None
    downstream: str | None
    upstream_family: str
    downstream_family: str
    deciding: str | None = None  # the upstream licence symbol whose terms decided
    explanation: str = ""  # the reason without the leading rule

    @property
    def severity(self) -> int:
        """Rank for sorting and folding (see SEVERITY)."""
        return SEVERITY[self.verdict]

    def to_dict(self) -> dict[str, Any]:
        """Plain data for JSON output and the TUI."""
        return {
            "upstream": self.upstream, "downstream": self.downstream, "activity": self.activity,
            "verdict": self.verdict, "rule": self.rule, "reason": self.reason, "fix": self.fix,
            "upstream_family": self.upstream_family, "downstream_family": self.downstream_family,
            "deciding": self.deciding, "explanation": self.explanation,
        }


@dataclass(frozen=True)
class _Outcome:
    verdict: str
    rule: str
    reason: str
    fix: str
    deciding: str | None = None


def _short(lic: License) -> str:
    """A readable name: the SPDX id where there is one, else the licence's title."""
    return lic.name if lic.symbol.startswith("LicenseRef-") else lic.symbol


def _id(lic: License) -> str:
    """The identifier to write in a licence field (HF tag for ptmx's own symbols)."""
    return knowledge().preferred_id(lic.symbol)


def _preferred(symbol: str) -> str:
    return knowledge().preferred_id(symbol)


def _display(expr: Expr) -> str:
    """An expression with readable names, for reasons."""
    if isinstance(expr, Leaf):
        return _short(expr.license)
    joiner = " AND " if isinstance(expr, And) else " OR "
    return joiner.join(_display(a) if isinstance(a, Leaf) else f"({_display(a)})"
                       for a in expr.args)


def _names(items: list[Leaf] | tuple[Leaf, ...]) -> str:
    return " AND ".join(_short(x.license) for x in items) or "no licence"


# ------------------------------------------------------------------------------------ families
def family_of(text: str | None) -> str:
    """The family of a whole expression, for the flow summary.

    AND → the most restrictive term; OR → the least restrictive branch; ``NONE`` → 'no-license';
    nothing recorded → 'unknown'.
    """
    if text is None:
        return "unknown"
    if text.strip().upper() == NONE:
        return "no-license"
    return _expr_family(parse(text))


def _expr_family(expr: Expr) -> str:
    order = {f: i for i, f in enumerate(FAMILIES)}
    if isinstance(expr, Leaf):
        return expr.family
    fams = [_expr_family(a) for a in expr.args]
    known = [f for f in fams if f in order]
    for meta in ("ambiguous", "unknown"):
        if meta in fams and (isinstance(expr, And) or not known):
            return meta
    if not known:
        return fams[0] if fams else "unknown"
    pick = max if isinstance(expr, And) else min
    return pick(known, key=order.__getitem__)


# ------------------------------------------------------------------------------------ downstream
@dataclass(frozen=True)
class _Terms:
    """What one downstream alternative (an AND of licences) declares."""

    leaves: tuple[Leaf, ...]

    @property
    def licences(self) -> list[Leaf]:
        """Real grants (licence exceptions, CLAs, unknown tags and NONE left out)."""
        return [x for x in self.leaves if x.family not in IGNORED_DOWNSTREAM
                and x.family not in ("unknown", "ambiguous") and x.license.symbol != NONE]

    @property
    def unknown(self) -> list[Leaf]:
        return [x for x in self.leaves if x.family in ("unknown", "ambiguous")]

    @property
    def no_license(self) -> bool:
        """Declares nothing at all (SPDX NONE, or only CLAs/exceptions)."""
        return not self.licences and not self.unknown

    @property
    def text(self) -> str:
        return _names(self.licences) if self.licences else "no licence"

    def restricts_commercial(self) -> bool:
        return any(x.license.commercial == "no" for x in self.licences)

    def strong_copyleft(self) -> list[Leaf]:
        return [x for x in self.licences if x.license.copyleft in ("strong", "network")]

    def further_restrictions(self, but: Leaf | None = None) -> list[Leaf]:
        return [x for x in self.licences if x.family in RESTRICTIVE and x is not but]


def _carries(u: License, d: Leaf) -> bool:
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


def _osadl_no(u: Leaf, d: Leaf) -> bool:
    return knowledge().osadl(u.symbol, d.symbol) == "no"


# ------------------------------------------------------------------------------------ leaf rules
def _who(activity: str) -> str:
    return "the derived model" if activity == "derive" else "the project"


def _unknown_downstream(u: License, activity: str, terms: _Terms | None) -> _Outcome:
    who = _who(activity)
    if terms is None:
        what = "is not recorded" if activity == "derive" else "was never scanned"
        reason = f"{_short(u)} sets conditions on what {who} may declare, but its licence {what}."
    else:
        reason = (f"{_short(u)} sets conditions on what {who} may declare, and "
                  f"{', '.join(x.text for x in terms.unknown)} cannot be identified.")
    return _Outcome("unknown", u.clause(activity), reason,
                    f"Identify {who}'s licence (LICENSE file or card metadata) and judge again.")


def _judge_use(u: License, leaf: Leaf, terms: _Terms | None) -> _Outcome:
    name = _short(u)
    clause = u.clause("use")
    fam = u.family
    if fam == "public-domain":
        return _Outcome("ok", clause, f"{name} is a public-domain dedication: no conditions.",
                        "Nothing to do.")
    if fam == "permissive":
        bad = [d for d in (terms.licences if terms else []) if _osadl_no(leaf, d)]
        if bad:
            d = _names(bad)
            return _Outcome(
                "ok-with-obligations", f"OSADL compatibility matrix: {leaf.symbol} in a {d} work "
                f"= No",
                f"Loading the model at run time is allowed ({clause}), but {name} material cannot "
                f"be shipped as part of a {d} work.",
                f"Keep the weights a separate download; never commit them under {d}.")
        extra = " and NOTICE" if "notice" in u.obligations else ""
        return _Outcome("ok", clause,
                        f"{name} grants use without conditions; its notice duties apply only when "
                        f"the weights are shipped.",
                        f"Nothing to do; if you ever ship the weights, include {name}'s licence "
                        f"text{extra}.")
    if fam in ("weak-copyleft", "strong-copyleft", "share-alike"):
        net = (" Serving a modified model over a network obliges you to offer its source."
               if u.copyleft == "network" else "")
        carried = terms is not None and any(_carries(u, d) for d in terms.licences)
        if carried:
            return _Outcome("ok", clause, f"Running the model is unrestricted and the project's "
                            f"{terms.text} is compatible with {name}.{net}",
                            "Nothing to do; keep the licence text with any copy of the weights.")
        target = _preferred(u.carriers[0]) if u.carriers else _id(u)
        if terms is None or not terms.licences:
            why = f"Running the model is unrestricted; modified or shipped weights must stay " \
                  f"under {name}.{net}"
        else:
            why = f"Running the model is unrestricted, but the project's {terms.text} could not " \
                  f"carry {name}: modified or shipped weights must stay under {name}.{net}"
        return _Outcome(
            "ok-with-obligations", clause, why,
            f"Keep the weights out of the repository and unmodified, or license the project "
            f"under {target}.")
    if fam == "no-derivatives":
        return _Outcome("ok-with-obligations", clause,
                        f"{name} allows use and verbatim sharing only; adapted weights may not be "
                        f"shared.",
                        "Use the weights as published; do not publish fine-tuned or quantized "
                        "versions.")
    if fam == "non-commercial":
        nd = " and adapted weights may not be shared" if u.no_derivatives else ""
        code = f"the project's {terms.text} covers only its own code" if terms and \
            terms.licences else "the project's licence does not change that"
        return _Outcome(
            "use-constrained", clause,
            f"Every user of the project is bound to non-commercial use of the model{nd}; {code}.",
            f"Use the project only non-commercially, or switch to a model whose licence allows "
            f"commercial use; state in the README that the weights are {name}.")
    if fam == "use-restricted":
        return _Outcome(
            "ok-with-obligations", clause,
            f"The use restrictions of {name} bind everyone who runs the project; the loading code "
            f"is Complementary Material and keeps its own licence.",
            f"Pass {name}'s use restrictions on: link the licence and its use policy in the "
            f"README.")
    if fam == "custom-agreement":
        policy = " and its acceptable-use policy" if u.use_restrictions else ""
        if u.commercial != "yes":
            naming = f"; products built with it must follow its naming rule ({u.naming})" \
                if u.naming else ""
            return _Outcome(
                "use-constrained", clause,
                f"{name} binds every user of the project: commercial use is limited "
                f"({u.cap or 'see the agreement'}){policy}.",
                f"Tell users that {name} applies (link it in the README); above "
                f"{u.cap or 'the limit'} a separate licence is needed{naming}.")
        return _Outcome("ok-with-obligations", clause,
                        f"Users of the project must accept {name}{policy}.",
                        f"Link {name} in the README and pass its use policy on to users.")
    if fam == "no-grant":
        return _Outcome(
            "use-constrained", clause,
            f"The model declares {('no licence' if u.symbol == NONE else name)}: all rights "
            f"reserved. Running the copy the hub serves relies on the author's tacit permission; "
            f"nothing may be redistributed or derived.",
            "Ask the model's author to add a licence, or switch to a licensed model.")
    return _unknown_upstream(u, "use")


def _unknown_upstream(u: License, activity: str, text: str | None = None) -> _Outcome:
    if u.family == "ambiguous":  # handled by _judge_ambiguous; kept for direct calls
        return _Outcome("ambiguous", u.clause(activity), f"'{u.name}' is a family tag.",
                        "Use the exact licence id.")
    shown = text or u.name
    if u.symbol == "LicenseRef-ptmx-other":
        reason = ("The model's licence tag is 'other': a custom licence named only in the card's "
                  "license_name/license_link or a LICENSE file.")
    elif u.symbol.startswith("LicenseRef-ptmx-unresolved"):
        reason = f"The model's licence {shown!r} is not a known licence id ({u.source})."
    elif u.family == "unknown":
        reason = f"The model's licence is recorded as {shown!r}: no licence was identified."
    else:
        reason = f"{shown!r} is a {u.label}, not a licence of its own."
    return _Outcome("unknown", u.clause(activity), reason,
                    "Read the model's licence (card license_name/license_link or LICENSE file) "
                    "and add its id to ptmx's alias table; until then treat it as all rights "
                    "reserved.")


def _judge_redistribute(u: License, leaf: Leaf, terms: _Terms | None) -> _Outcome:
    name = _short(u)
    clause = u.clause("redistribute")
    fam = u.family
    if fam in ("unknown", "exception", "not-a-license", "ambiguous"):
        return _unknown_upstream(u, "redistribute")
    if fam == "no-grant":
        return _Outcome("conflict", clause,
                        "The model grants no licence: shipping its weights needs the author's "
                        "permission.",
                        "Remove the weights from the repository (download them at run time) or "
                        "obtain a licence from the author.")
    if fam == "public-domain":
        return _Outcome("ok", clause, f"{name} is a public-domain dedication: the weights may be "
                        f"shipped without conditions.", "Nothing to do.")
    if terms is None:
        if fam == "permissive":
            return _obligations(u, clause, "Shipping the weights")
        return _unknown_downstream(u, "redistribute", None)
    declared = terms.text
    strong = terms.strong_copyleft()
    if fam == "permissive":
        bad = [d for d in terms.licences if _osadl_no(leaf, d)]
        if bad:
            verdict = "conflict" if any(d.license.copyleft != "none" for d in bad) else "drift"
            return _Outcome(verdict, f"OSADL compatibility matrix: {leaf.symbol} in a "
                            f"{_names(bad)} work = No",
                            f"The project ships {name} weights but declares {_names(bad)}, which "
                            f"cannot carry them.",
                            f"Keep the weights outside the {_names(bad)} work (a separate "
                            f"download under {name}), or relicense the project.")
        return _obligations(u, clause, "Shipping the weights")
    if strong and fam in RESTRICTIVE and not any(_carries(u, d) for d in strong):
        return _gpl_restriction(u, strong, "redistribute")
    if terms.no_license:
        verdict = "use-constrained" if u.commercial != "yes" else "ok-with-obligations"
        return _Outcome(verdict, clause,
                        f"The project declares no licence (its own code is all rights reserved); "
                        f"the shipped weights remain under {name}.",
                        f"Ship {name}'s text with the weights and state in the README that they "
                        f"are {name}.")
    if fam in ("weak-copyleft", "strong-copyleft", "share-alike"):
        if any(_carries(u, d) for d in terms.licences):
            return _obligations(u, clause, "Shipping the weights")
        if terms.unknown:
            return _unknown_downstream(u, "redistribute", terms)
        verdict = "drift" if fam == "weak-copyleft" else "conflict"
        return _Outcome(verdict, clause,
                        f"The project ships {name} weights but declares only {declared}, which "
                        f"cannot carry {name}'s copyleft.",
                        f"Declare the weights as {name} (e.g. '{declared} AND {_id(u)}') and "
                        f"ship its text, or download them at run time instead.")
    if fam == "no-derivatives":
        if any(x.license is u for x in terms.licences):
            return _obligations(u, clause, "Shipping the weights verbatim")
        if terms.unknown:
            return _unknown_downstream(u, "redistribute", terms)
        return _Outcome("drift", clause,
                        f"The project ships {name} weights under {declared}, which would allow "
                        f"the adaptations {name} forbids.",
                        f"Declare the weights separately as {name} and ship its text.")
    if fam == "non-commercial":
        if terms.restricts_commercial():
            return _Outcome("use-constrained", clause,
                            f"The shipped weights stay {name}: every user is bound to "
                            f"non-commercial use.",
                            f"Keep {name}'s text with the weights and say so in the README.")
        if terms.unknown:
            return _unknown_downstream(u, "redistribute", terms)
        return _Outcome("drift", clause,
                        f"The project declares {declared}, which allows commercial use, but ships "
                        f"{name} weights that do not.",
                        f"Declare the weights as {name} (e.g. '{declared} AND {_id(u)}') or "
                        f"remove them from the repository.")
    if fam == "use-restricted":
        if any(x.license.use_restrictions for x in terms.licences):
            return _obligations(u, clause, "Shipping the weights")
        if terms.unknown:
            return _unknown_downstream(u, "redistribute", terms)
        return _Outcome("conflict", clause,
                        f"Shipping {name} weights requires its use restrictions as enforceable "
                        f"terms; {declared} alone drops them.",
                        f"Declare the weights as {name} (e.g. '{declared} AND {_id(u)}') and "
                        f"ship the licence with its use restrictions.")
    if fam == "custom-agreement":
        if any(x.license.agreement == u.agreement for x in terms.licences):
            verdict = "use-constrained" if u.commercial != "yes" else "ok-with-obligations"
            return _Outcome(verdict, clause,
                            f"The shipped weights stay under {name}; its copy, notice and terms "
                            f"travel with them" + (f" (limit: {u.cap})." if u.cap else "."),
                            f"Ship {name}'s text and Notice with the weights.")
        if terms.unknown:
            return _unknown_downstream(u, "redistribute", terms)
        return _Outcome("conflict", clause,
                        f"Shipping {name} weights requires its agreement, notice and terms; "
                        f"{declared} alone misstates them.",
                        f"Declare the weights as {name} (e.g. '{declared} AND {_id(u)}') and "
                        f"ship the agreement and its Notice.")
    return _unknown_upstream(u, "redistribute")


def _obligations(u: License, clause: str, doing: str) -> _Outcome:
    name = _short(u)
    duties = [d.replace("-", " ") for d in u.obligations if d not in ("non-commercial",)]
    listed = ", ".join(duties) if duties else "keeping the licence text"
    verdict = "use-constrained" if u.commercial != "yes" else "ok-with-obligations"
    return _Outcome(verdict, clause, f"{doing} under {name} is allowed with duties: {listed}.",
                    f"Ship {name}'s licence text with the weights and keep its notices"
                    + (" and the NOTICE file" if "notice" in u.obligations else "") + ".")


def _gpl_restriction(u: License, strong: list[Leaf], activity: str) -> _Outcome:
    name = _short(u)
    gpl = _names(strong)
    return _Outcome("conflict", f"{strong[0].license.clause('derive')}",
                    f"{gpl} forbids further restrictions, so it cannot carry {name}'s terms "
                    f"({u.label}).",
                    f"Do not declare {gpl} for work containing {name} material; declare {name}'s "
                    f"own terms instead." if activity == "derive" else
                    f"Keep the {name} weights out of the {gpl} work (download them at run time).")


def _judge_derive(u: License, leaf: Leaf, terms: _Terms | None) -> _Outcome:
    name = _short(u)
    clause = u.clause("derive")
    fam = u.family
    if fam in ("unknown", "exception", "not-a-license", "ambiguous"):
        return _unknown_upstream(u, "derive")
    if fam == "no-grant":
        return _Outcome("conflict", clause,
                        "The base model grants no licence: nothing may be derived from it "
                        "without the author's permission.",
                        "Obtain a licence from the base model's author or derive from a "
                        "licensed base.")
    if fam == "no-derivatives" or u.no_derivatives:
        return _Outcome("conflict", clause,
                        f"{name} forbids sharing adapted material; a fine-tune, quantization, "
                        f"adapter or merge is an adaptation.",
                        "Do not publish the derived model, ask the licensor for permission, or "
                        "derive from a base that allows derivatives.")
    if fam == "public-domain":
        return _Outcome("ok", clause, f"{name} is a public-domain dedication: the derived model "
                        f"may carry any licence.", "Nothing to do.")
    none_note = (" The derived model declares no licence: it grants nothing to its own users."
                 if terms is not None and terms.no_license else "")
    if fam == "permissive":
        bad = [d for d in (terms.licences if terms else []) if _osadl_no(leaf, d)]
        if bad:
            verdict = "conflict" if any(d.license.copyleft != "none" for d in bad) else "drift"
            return _Outcome(verdict, f"OSADL compatibility matrix: {leaf.symbol} in a "
                            f"{_names(bad)} work = No",
                            f"{name} material cannot be relicensed under {_names(bad)}.",
                            f"Declare a licence compatible with {name} (for example {name} "
                            f"itself, or GPL-3.0 instead of GPL-2.0-only).")
        extra = ", mark the changes" if "state-changes" in u.obligations else ""
        return _Outcome("ok-with-obligations", clause,
                        f"{name} lets the derived model carry any licence; its notices must be "
                        f"kept.{none_note}",
                        f"Keep {name}'s licence text and notices in the derived model's "
                        f"repository{extra}.")
    if terms is None:
        return _unknown_downstream(u, "derive", None)
    declared = terms.text
    strong = terms.strong_copyleft()
    if strong and fam in RESTRICTIVE:
        return _gpl_restriction(u, strong, "derive")
    if fam in ("weak-copyleft", "strong-copyleft", "share-alike") or \
            (fam == "non-commercial" and u.copyleft == "share-alike"):
        carrier = next((d for d in terms.licences if _carries(u, d)), None)
        target = " or ".join(_preferred(c) for c in u.carriers[:3]) if u.carriers else _id(u)
        if carrier is not None:
            extra = [x for x in terms.further_restrictions(carrier)
                     if u.copyleft in ("strong", "network", "share-alike")
                     and x.license is not u and x.license.symbol not in u.carriers]
            if extra:
                return _Outcome("conflict", clause,
                                f"{name} allows no further restrictions, but the derived model "
                                f"also declares {_names(extra)}.",
                                f"Declare only {target} for the derived model.")
            verdict = "use-constrained" if u.commercial != "yes" else "ok-with-obligations"
            return _Outcome(verdict, clause,
                            f"The derived model declares {_short(carrier.license)}, which honours "
                            f"{name}'s copyleft; source/notice duties travel with it.",
                            f"Keep {name}'s notices and provide the weights in their preferred "
                            f"form for modification.")
        if terms.unknown:
            return _unknown_downstream(u, "derive", terms)
        if terms.no_license:
            return _Outcome("conflict", clause,
                            f"{name} requires the derived model to be licensed under {target}; "
                            f"it declares no licence at all.",
                            f"License the derived model under {target}.")
        verdict = "drift" if fam == "weak-copyleft" else "conflict"
        return _Outcome(verdict, clause,
                        f"The derived model declares {declared}, but {name} requires {target} "
                        f"for modified versions.",
                        f"Relicense the derived model under {target}, or derive from a base "
                        f"whose licence allows {declared}.")
    if fam == "non-commercial":
        if terms.restricts_commercial() or terms.no_license:
            return _Outcome("use-constrained", clause,
                            f"The derived model keeps {name}'s non-commercial condition"
                            + (" (it declares no licence, so the base's terms still bind its "
                               "users)." if terms.no_license else
                               f" ({declared}); every user is bound by it."),
                            f"Keep {name}'s attribution and licence text"
                            + (f"; declare {_id(u)} on the derived model" if terms.no_license
                               else "") + ".")
        if terms.unknown:
            return _unknown_downstream(u, "derive", terms)
        return _Outcome("drift", clause,
                        f"The derived model declares {declared}, which allows commercial use that "
                        f"{name} does not grant.",
                        f"Relicense the derived model under {_id(u)} (or another non-commercial "
                        f"licence), or derive from a base that allows commercial use.")
    if fam == "use-restricted":
        if any(x.license.use_restrictions for x in terms.licences):
            return _Outcome("ok-with-obligations", clause,
                            f"The derived model declares use-restricted terms ({declared}), "
                            f"which can carry {name}'s use restrictions.",
                            f"Make sure the derived licence repeats {name}'s use restrictions "
                            f"(Attachment A) and ship a copy of {name}.")
        if terms.unknown:
            return _unknown_downstream(u, "derive", terms)
        return _Outcome("conflict", clause,
                        f"{name}'s use restrictions must pass through to every derivative, but "
                        f"the derived model declares {declared}.",
                        f"Declare {_id(u)} (or a RAIL licence with the same use restrictions) "
                        f"on the derived model and ship a copy of {name}.")
    if fam == "custom-agreement":
        if any(x.license.agreement == u.agreement for x in terms.licences):
            verdict = "use-constrained" if u.commercial != "yes" else "ok-with-obligations"
            naming = f" and its name must {u.naming}" if u.naming else ""
            return _Outcome(verdict, clause,
                            f"The derived model keeps {name}" + (f" (limit: {u.cap})" if u.cap
                                                                   else "") + ".",
                            f"Ship {name}'s text and Notice with the derived model{naming}.")
        if terms.unknown:
            return _unknown_downstream(u, "derive", terms)
        naming = f"; its name must {u.naming}" if u.naming else ""
        return _Outcome("conflict", clause,
                        f"A model derived from a {name} base must stay under that agreement, but "
                        f"it declares {declared}.",
                        f"Declare {_id(u)} (the base's agreement) on the derived model, ship its "
                        f"text and Notice{naming}.")
    return _unknown_upstream(u, "derive")


_JUDGES = {"use": _judge_use, "redistribute": _judge_redistribute, "derive": _judge_derive}


def _judge_leaf(leaf: Leaf, downstream: list[_Terms] | None, activity: str) -> _Outcome:
    u = leaf.license
    if u.family == "ambiguous":
        return _judge_ambiguous(leaf, downstream, activity)
    if u.family in ("unknown", "exception", "not-a-license"):
        return _unknown_upstream(u, activity, leaf.text)
    judge = _JUDGES[activity]
    if downstream is None:
        out = judge(u, leaf, None)
    else:
        outs = [_table_guard(judge(u, leaf, terms), leaf, terms, activity)
                for terms in downstream]
        out = max(outs, key=lambda o: SEVERITY[o.verdict])
        if activity in ("use", "redistribute") and all(t.no_license for t in downstream) and \
                out.verdict not in ("unknown",):
            out = _Outcome(out.verdict, out.rule, out.reason + (
                " The project itself declares no licence: its own code is all rights reserved, "
                "which limits reuse of the project, not its use of the model."
                if "declares no licence" not in out.reason else ""), out.fix)
    return _Outcome(out.verdict, out.rule, out.reason, out.fix, u.symbol)


def _table_guard(out: _Outcome, leaf: Leaf, terms: _Terms, activity: str) -> _Outcome:
    """Never a plain ``ok`` for a pair the OSADL matrix calls incompatible."""
    if out.verdict != "ok":
        return out
    bad = [d for d in terms.licences if _osadl_no(leaf, d)]
    if not bad:
        return out
    d = _names(bad)
    return _Outcome(
        "ok-with-obligations", f"OSADL compatibility matrix: {leaf.symbol} in a {d} work = No",
        f"{out.reason} However, {_short(leaf.license)} material cannot become part of a {d} "
        f"work: keep it separate.",
        f"Keep the {_short(leaf.license)} material a separate download; never ship it under {d}."
        if activity != "derive" else f"Declare a licence compatible with {_short(leaf.license)}.")


def _judge_ambiguous(leaf: Leaf, downstream: list[_Terms] | None, activity: str) -> _Outcome:
    u = leaf.license
    kb = knowledge()
    results = []
    for symbol in u.candidates:
        cand = kb.get(symbol) or kb.resolve(symbol)
        if cand is None:
            continue
        out = _judge_leaf(Leaf(cand, symbol), downstream, activity)
        results.append((cand, out.verdict))
    verdicts = sorted({v for _, v in results}, key=SEVERITY.__getitem__)
    names = ", ".join(_short(c) for c, _ in results)
    if len(verdicts) == 1:
        spread = f"every candidate ({names}) would give {verdicts[0]} for {activity}"
    else:
        spread = (f"the candidates ({names}) range from {verdicts[0]} to {verdicts[-1]} for "
                  f"{activity}")
    example = _short(kb.get(u.candidates[0])) if u.candidates and kb.get(u.candidates[0]) else ""
    return _Outcome(
        "ambiguous", u.clause(activity),
        f"The tag '{leaf.text}' names a licence family, not a licence: {spread}.",
        "Replace the tag with the exact licence id"
        + (f" (e.g. {example})" if example else "")
        + " on the model card, or read its LICENSE file; ptmx then decides.", u.symbol)


# ------------------------------------------------------------------------------------ folding
def _fold(expr: Expr, downstream: list[_Terms] | None, activity: str) -> _Outcome:
    if isinstance(expr, Leaf):
        return _judge_leaf(expr, downstream, activity)
    outs = [_fold(arg, downstream, activity) for arg in expr.args]
    if isinstance(expr, And):
        worst = max(outs, key=lambda o: SEVERITY[o.verdict])
        note = f" (All of {_display(expr)} apply; this is the strictest term.)"
        return _Outcome(worst.verdict, worst.rule, worst.reason + note, worst.fix, worst.deciding)
    best = min(outs, key=lambda o: SEVERITY[o.verdict])
    chosen = best.deciding or "one branch"
    lic = knowledge().get(chosen)
    chosen = _short(lic) if lic else chosen
    note = f" ({_display(expr)}: the licensee may choose {chosen}, the most favourable branch.)"
    return _Outcome(best.verdict, best.rule, best.reason + note, best.fix, best.deciding)


def _downstream_terms(text: str | None) -> list[_Terms] | None:
    if text is None or not text.strip():
        return None
    if text.strip().upper() == NONE:
        return [_Terms(())]
    return [_Terms(alt) for alt in alternatives(parse(text))]


def check_activity(activity: str) -> str:
    """Validate an activity name (case-insensitive); UsageError otherwise."""
    act = (activity or "").strip().lower()
    if act not in ACTIVITIES:
        raise UsageError(f"unknown activity {activity!r}", hint="use one of " +
                         ", ".join(ACTIVITIES))
    return act


@lru_cache(maxsize=65536)
def verdict_for(upstream: str | None, downstream: str | None, activity: str = "use") -> Verdict:
    """The verdict for ``upstream`` (the model's / base's licence expression) against
    ``downstream`` (the project's / derived model's; ``"NONE"`` = declares no licence,
    None = not known) under ``activity``. Cached: the audit calls it once per distinct triple.
    """
    act = check_activity(activity)
    down = _downstream_terms(downstream)
    if upstream is None or not upstream.strip():
        who = "base model" if act == "derive" else "model"
        out = _Outcome("unknown", "no licence recorded",
                       f"No licence is recorded for the {who} in this dataset (on the Hub a model "
                       f"without a licence grants nothing).",
                       f"Check the {who}'s card or LICENSE file; until then treat it as all rights "
                       f"reserved.")
    else:
        out = _fold(parse(upstream), down, act)
    # The reason starts with the rule, so it stands alone wherever it is shown (JSON, CSV).
    return Verdict(out.verdict, act, out.rule, f"{out.rule}: {out.reason}", out.fix, upstream,
                   downstream, family_of(upstream),
                   family_of(downstream) if downstream is not None else
                   ("unknown" if act == "derive" else "not-scanned"), out.deciding, out.reason)


def link_activity(upstream: str | None, downstream: str | None) -> str:
    """USE, or REDISTRIBUTE when the project's scan shows the model's own (model/content)
    licence among the project's licences, e.g. ``mit AND stable-diffusion-2022-08-22`` for a
    CreativeML OpenRAIL-M model: the weights (or their licence) are vendored."""
    if not upstream or not downstream or downstream.strip().upper() == NONE:
        return "use"
    return _link_activity(upstream, downstream)


@lru_cache(maxsize=65536)
def _link_activity(upstream: str, downstream: str) -> str:
    down = {x.license.symbol for x in leaves(parse(downstream))}
    for leaf in leaves(parse(upstream)):
        if leaf.license.weights_signal and leaf.license.symbol in down:
            return "redistribute"
    return "use"
