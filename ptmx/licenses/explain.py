"""`explain`: what one licence requires, the verdict for a pair under each activity, or a
model's effective terms along its base chain."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ptmx.errors import NotFoundError, UsageError
from ptmx.licenses import queries
from ptmx.licenses.audit import lineage
from ptmx.licenses.chains import Chain, Effective, imposes, judge_effective
from ptmx.licenses.expressions import NONE, leaves, parse, render
from ptmx.licenses.rules import fragment
from ptmx.licenses.symbols import knowledge
from ptmx.licenses.verdicts import Judgement, check_activity, family_of, verdict_for
from ptmx.licenses.vocabulary import Activity, Family
from ptmx.store import Store, require_model_id


@dataclass
class Explanation:
    """One license (``license`` set) or a pair (``verdicts`` set, one per activity asked)."""

    upstream: str
    downstream: str | None = None
    license: dict[str, Any] | None = None
    verdicts: list[Judgement] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """Plain data for JSON output and the TUI."""
        if self.license is not None:
            return self.license
        return {"upstream": self.upstream, "downstream": self.downstream,
                "verdicts": [v.to_dict() for v in self.verdicts]}


def _validate(text: str, role: str) -> str:
    """Reject spellings nobody knows (one-line NotFoundError with suggestions)."""
    if not text or not text.strip():
        raise UsageError(f"empty {role} licence")
    if text.strip().upper() == NONE:
        return NONE
    kb = knowledge()
    for leaf in leaves(parse(text)):
        if leaf.license.symbol.startswith("LicenseRef-ptmx-unresolved"):
            close = kb.suggest(leaf.text)
            hint = ("did you mean " + ", ".join(close) + "?") if close else \
                "use an SPDX id, a Hugging Face licence tag or a ScanCode key"
            raise NotFoundError(f"unknown licence {leaf.text!r}", hint=hint)
    return text.strip()


def is_license(text: str) -> bool:
    """Whether ``text`` reads as a licence or expression ptmx knows (else it may be a model)."""
    if not text or not text.strip():
        return False
    if text.strip().upper() == NONE:
        return True
    return not any(leaf.license.symbol.startswith("LicenseRef-ptmx-unresolved")
                   for leaf in leaves(parse(text)))


def describe(text: str) -> dict[str, Any]:
    """What a licence (or expression) is and requires, as plain data."""
    expr = parse(text)
    items = leaves(expr)
    kb = knowledge()
    if len(items) == 1:
        lic = items[0].license
        info = lic.to_dict()
        info["input"] = text
        info["family_label"] = lic.label
        info["aliases"] = [f"{r['alias']} ({r['vocabulary']})" for r in kb.aliases_of(lic.symbol)]
        if items[0].exception is not None:
            info["exception"] = items[0].exception.symbol
        return info
    family = family_of(text)
    return {
        "input": text, "symbol": render(expr), "family": family,
        "family_label": Family(family).label if family in tuple(Family) else family,
        "parts": [describe(leaf.text) for leaf in items],
    }


def explain(a: str, b: str | None = None, activity: str | None = None) -> Explanation:
    """``explain(a)``: what licence ``a`` requires; ``explain(a, b)``: the verdict for a work
    under ``a`` used by / shipped in / derived into a work under ``b``, for ``activity`` (all
    three when None). ``b`` may be ``NONE`` (declares no licence)."""
    up = _validate(a, "upstream")
    if b is None:
        if activity is not None:
            raise UsageError("--activity needs two licences (upstream and downstream)")
        return Explanation(up, license=describe(up))
    down = _validate(b, "downstream")
    acts = [check_activity(activity)] if activity else list(Activity)
    return Explanation(up, down, verdicts=[verdict_for(up, down, act) for act in acts])


@dataclass
class ModelExplanation:
    """A model's effective terms: its own licence, what each ancestor imposes, the gaps, and
    the verdicts of its effective terms against a downstream licence."""

    model: str
    license: str | None
    chain: Chain
    downstream: str | None = None
    verdicts: list[Effective] = field(default_factory=list)

    def terms(self) -> list[dict[str, Any]]:
        """The effective terms, one row per source: the model itself, then each ancestor."""
        rows: list[dict[str, Any]] = [{
            "source": self.model, "via": self.model, "license": self.license,
            "imposes": imposes(self.license),
            "note": None if self.license else fragment("chain.no-license")}]
        for a in self.chain.ancestors:
            row = {"source": a.model, "via": a.via, "license": a.license,
                   "imposes": [] if a.gap else imposes(a.license), "note": a.gap}
            if a.source:  # "hub": the Hub's base_model tag, not the dataset, names this base
                row["edge"] = a.source
            if a.declared:  # what the Hub tagged, when the licence was read from license_name
                row["declared"] = a.declared
            rows.append(row)
        return rows

    def to_dict(self) -> dict[str, Any]:
        """Plain data for JSON output and the TUI."""
        return {
            "model": self.model, "license": self.license, "downstream": self.downstream,
            "effective_terms": self.terms(),
            "verdicts": [{**e.judgement.to_dict(),
                          "inherited_from": e.inherited_from.model if e.inherited_from else None}
                         for e in self.verdicts],
        }


def explain_model(store: Store, model: str, downstream: str | None = None,
                  activity: str | None = None) -> ModelExplanation:
    """What a model's effective terms are (its licence AND its bases'), with the chain; with a
    ``downstream`` licence, the verdict of those terms under each activity (``use`` alone, with
    no downstream licence: what binds every user)."""
    model_id = require_model_id(store, model)
    name, own = queries.model_license(store, model_id)
    chain = lineage(store).chain(model_id, name)
    down = _validate(downstream, "downstream") if downstream is not None else None
    every = list(Activity) if down is not None else [Activity.USE]
    acts = [check_activity(activity)] if activity else every
    verdicts = [judge_effective(own, chain, down, act) for act in acts]
    return ModelExplanation(name, own, chain, down, verdicts)
