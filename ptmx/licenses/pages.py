"""Link verdicts for one model's page or one project's page, judged on effective terms.

`ptmx model ID` lists the projects that reuse the model and `ptmx project ID` the models a
project reuses; each of those links gets the verdict the audit gives it (the model's own licence
AND what its base models' licences impose, see :mod:`ptmx.licenses.chains`), the ancestor whose
terms decided (``inherited_from``) and the model's chain. Only that page's links and the base
edges above its models are read, as plain rows: a one-shot lookup loads no Arrow.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field, replace
from typing import Any

from ptmx.licenses import queries
from ptmx.licenses.chains import Chain, Lineage, judge_effective
from ptmx.licenses.other import resolve_other
from ptmx.licenses.rules import fragment
from ptmx.licenses.verdicts import Judgement, link_activity, verdict_for
from ptmx.licenses.vocabulary import Verdict
from ptmx.store import Store

# Per link, the keys a page row gains (JSON), in order.
LINK_KEYS = ("verdict", "activity", "inherited_from", "reason", "fix")


@dataclass(frozen=True)
class LinkVerdict:
    """One link's verdict on a page: the other side's name (project or model), the licence of
    the downstream project, and the verdict with the ancestor that decided it."""

    model: str
    project: str
    upstream: str | None
    downstream: str | None
    activity: str
    verdict: str
    reason: str
    fix: str
    inherited_from: str | None
    chain: list[dict[str, Any]] | None  # the model's ancestors (None: it has no base model)

    def label(self) -> str:
        """The verdict for a table cell: ``conflict (inherited from acme/base)``."""
        if self.inherited_from:
            return f"{self.verdict} (inherited from {self.inherited_from})"
        return self.verdict

    def to_dict(self, *, with_chain: bool = True) -> dict[str, Any]:
        """The page keys (see :data:`LINK_KEYS`), plus the project licence and, with
        ``with_chain``, the chain."""
        out: dict[str, Any] = {"verdict": self.verdict, "activity": self.activity,
                               "project_license": self.downstream,
                               "inherited_from": self.inherited_from, "reason": self.reason,
                               "fix": self.fix}
        if with_chain:
            out["chain"] = self.chain
        return out


@dataclass
class PageVerdicts:
    """The verdicts of one page's links, keyed by the other side's name."""

    links: dict[str, LinkVerdict] = field(default_factory=dict)
    chain: list[dict[str, Any]] = field(default_factory=list)  # model pages: the model's chain
    gaps: list[str] = field(default_factory=list)  # model pages: the chain's gaps, in words

    def counts(self) -> dict[str, int]:
        """Links by verdict, best first."""
        found = Counter(v.verdict for v in self.links.values())
        return {v.value: found[v.value] for v in sorted(Verdict, key=lambda v: v.rank)
                if found[v.value]}

    def inherited(self) -> int:
        """How many links were decided by an ancestor's terms."""
        return sum(1 for v in self.links.values() if v.inherited_from)


def _judge(upstream: str | None, downstream: str | None, model: str,
           chain: Chain | None) -> tuple[Judgement, Chain | None, str | None]:
    """One link as the audit judges it (``ptmx.licenses.audit``): ``other`` read through the
    model's family when known, then the licence with its chain when the model has bases."""
    other = resolve_other(model=model) if upstream is not None and upstream.lower() == "other" \
        else None
    judged_up = other.license.symbol if other is not None else upstream
    by = None
    if chain is None:
        j = verdict_for(judged_up, downstream, link_activity(judged_up, downstream))
    else:
        eff = judge_effective(judged_up, chain, downstream)
        j, by = eff.judgement, (eff.inherited_from.model if eff.inherited_from else None)
    if other is not None:
        note = fragment("other.resolved", tag=upstream, name=other.license.name, how=other.how,
                        source=other.source)
        j = replace(j, upstream=upstream, explanation=note + j.explanation,
                    reason=f"{j.rule}: {note}{j.explanation}")
    return j, chain, by


def _page_lineage(store: Store, model_ids: list[int]) -> Lineage:
    """The lineage above these models as the audit sees it: the dataset's base edges and the
    Hub's ``base_model`` tags, each able to lead to models whose bases only the other knows
    (so read in turns until no new dataset model turns up)."""
    edges: dict[tuple[Any, ...], dict[str, Any]] = {}
    hub: dict[str, list[Any]] = {}
    known: set[int] = set(model_ids)
    frontier = set(model_ids)
    while frontier:
        for r in queries.ancestry(store, sorted(frontier)):
            edges.setdefault((r["derived_id"], r["base"], r["base_id"]), r)
        known |= {r["base_id"] for r in edges.values() if r["base_id"] is not None}
        hub = queries.hub_bases(store, sorted(known))
        frontier = {p for p in hub["parent_id"] if p is not None} - known
        known |= frontier
    lineage = Lineage.from_rows(edges.values())
    if hub:
        lineage.add_hub(hub)
    return lineage


def _records(store: Store, *, model_id: int | None = None,
             project_id: int | None = None) -> tuple[list[LinkVerdict], Lineage]:
    rows = queries.link_rows(store, model_id=model_id, project_id=project_id)
    ids = sorted({r["model_id"] for r in rows} | ({model_id} if model_id is not None else set()))
    lineage = _page_lineage(store, ids)
    out = []
    judged: dict[tuple[str | None, str | None, str, int], tuple[Judgement, Chain | None,
                                                               str | None]] = {}
    for row in rows:
        mid = row["model_id"]
        key = (row["upstream"], row["downstream"], row["model"], mid)
        if key not in judged:
            chain = lineage.chain(mid, row["model"]) if lineage.has_bases(mid) else None
            judged[key] = _judge(row["upstream"], row["downstream"], row["model"], chain)
        j, chain, by = judged[key]
        chain_rows = json.loads(chain.json) if chain is not None and chain.json else None
        out.append(LinkVerdict(row["model"], row["project"], row["upstream"], row["downstream"],
                               j.activity, j.verdict, j.reason, j.fix, by, chain_rows))
    return out, lineage


def model_link_verdicts(store: Store, model_id: int) -> PageVerdicts:
    """The verdict of each project reusing this model (keyed by project), and its chain."""
    records, lineage = _records(store, model_id=model_id)
    found = PageVerdicts({r.project: r for r in records})
    chain = lineage.chain(model_id)
    found.chain = json.loads(chain.json) if chain.json else []
    found.gaps = [f"{a.model}: {a.gap}" for a in chain.gaps]
    return found


def project_link_verdicts(store: Store, project_id: int) -> PageVerdicts:
    """The verdict of each model this project reuses (keyed by model)."""
    records, _ = _records(store, project_id=project_id)
    return PageVerdicts({r.model: r for r in records})
