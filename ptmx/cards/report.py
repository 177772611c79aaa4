"""The documentation report: the share of cards missing each field (as in the PeaTMOSS paper's
figure), the riskiest models (reuse × missing critical fields), and grouped views by author, task,
library or license.

Only models with card data are assessed; the others are counted as "not assessed", never as
missing everything. All per-model work happens in one vectorised pass
(:func:`ptmx.cards.queries.report_data`).
"""

from __future__ import annotations

import time
from dataclasses import asdict, dataclass, field
from typing import Any

from ptmx.cards import queries
from ptmx.cards.queries import PEATMOSS_SOURCE, SOURCES
from ptmx.cards.readme import readme_facts
from ptmx.cards.rules import RULES, RULES_BY_KEY
from ptmx.cards.vocabulary import Severity
from ptmx.errors import UsageError
from ptmx.store import Store

VIEWS = ("field", "model", *queries.GROUPINGS)
_SEVERITY_ORDER = list(Severity)

# Share of ~11,700 cards missing each field in the PeaTMOSS analysis (MSR 2024), as quoted in
# ptmx issue 7; shown next to this dataset's shares for context. None: the paper gives no figure.
PAPER_MISSING = {
    "carbon": 0.95, "grant": 0.92, "output_format": 0.82, "limitations_and_bias": 0.82,
    "input_format": 0.77, "hardware": 0.71, "parameter_count": 0.70, "hyper_parameters": 0.67,
    "paper": 0.52, "evaluation": 0.41, "base_model": 0.27, "datasets": 0.26, "license": 0.22,
}


@dataclass
class FieldShare:
    """How many assessed cards miss one field."""

    field: str  # rule key
    label: str
    severity: Severity
    sources: list[str]
    assessed: int  # models whose data can tell (0: nothing in this dataset records the field)
    missing: int  # not documented, as the paper counts it
    counted: int  # of those, how many count against the model (base model: derived ones only)
    inconsistent: int
    filled: int  # documented (assessed - missing)
    share: float | None  # missing / assessed, 0–1; None when not assessed
    paper_share: float | None  # the PeaTMOSS paper's figure, for context

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready dict."""
        return asdict(self)


@dataclass
class RiskyModel:
    """One assessed model, by how much its missing documentation hurts downstream."""

    model: str
    model_id: int | None  # None: a crawled model outside the dataset
    author: str | None
    reuse_count: int
    downloads: int | None
    completeness: float | None
    risk: int
    missing_critical: list[str]  # rule keys
    missing: list[str]  # every counted missing rule key
    source: str = PEATMOSS_SOURCE  # the card data: PeaTMOSS extraction, or README YYYY-MM-DD

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready dict."""
        return asdict(self)


@dataclass
class GroupRow:
    """Documentation of the models of one author / task / library / license."""

    group: str
    models: int
    assessed: int
    not_assessed: int
    reuse: int
    completeness: float | None  # mean over assessed models
    missing_critical_models: int  # assessed models missing at least one critical field
    risk: int
    most_missing: list[str]  # up to 3 fields most often missing, critical first: "label (n)"

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready dict."""
        return asdict(self)


@dataclass
class CardsReport:
    """Everything ``ptmx cards report`` shows."""

    dataset: str | None
    by: str
    top: int
    min_reuse: int
    models: int  # models reused at least min_reuse times
    assessed: int
    not_assessed: int
    fields: list[FieldShare]
    riskiest: list[RiskyModel]
    groups: list[GroupRow] = field(default_factory=list)
    total_groups: int = 0
    seconds: float = 0.0
    source: str = "all"  # which card data: peatmoss, readme or all
    from_peatmoss: int = 0  # assessed models scored from the PeaTMOSS extraction
    from_readme: int = 0  # assessed models scored from a crawled README

    @property
    def worst(self) -> list[RiskyModel]:
        """Alias of ``riskiest``."""
        return self.riskiest

    def share_of(self, key: str) -> FieldShare:
        """The share for rule ``key``."""
        return next(f for f in self.fields if f.field == key)

    def rows(self, view: str | None = None) -> list[dict[str, Any]]:
        """The rows of one view (``field``, ``model`` or the grouping), for table/CSV output."""
        view = view or self.by
        if view == "field":
            return [f.to_dict() | {"sources": "; ".join(f.sources)} for f in self.fields]
        if view == "model":
            return [m.to_dict() for m in self.riskiest]
        return [g.to_dict() for g in self.groups]

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready dict."""
        return {
            "dataset": self.dataset, "by": self.by, "top": self.top, "min_reuse": self.min_reuse,
            "source": self.source, "from_peatmoss": self.from_peatmoss,
            "from_readme": self.from_readme,
            "models": self.models, "assessed": self.assessed, "not_assessed": self.not_assessed,
            "fields": [f.to_dict() for f in self.fields],
            "riskiest": [m.to_dict() for m in self.riskiest],
            "groups": [g.to_dict() for g in self.groups], "total_groups": self.total_groups,
            "seconds": round(self.seconds, 3),
        }


def _fields(totals: dict[str, Any]) -> list[FieldShare]:
    shares = []
    for r in RULES:
        assessed = int(totals[f"assessed_{r.key}"])
        missing = int(totals[f"missing_{r.key}"])
        shares.append(FieldShare(
            field=r.key, label=r.label, severity=r.severity, sources=list(r.sources),
            assessed=assessed, missing=missing, counted=int(totals[f"counted_{r.key}"]),
            inconsistent=int(totals[f"inconsistent_{r.key}"]), filled=assessed - missing,
            share=missing / assessed if assessed else None,
            paper_share=PAPER_MISSING.get(r.key)))
    # As in the paper's figure: most often missing first; fields nothing records go last.
    return sorted(shares, key=lambda f: (f.share is None, -(f.share or 0),
                                         _SEVERITY_ORDER.index(f.severity)))


def _group(row: dict[str, Any]) -> GroupRow:
    # Critical fields first (what the risk score counts), then by how often they are missing.
    counts = sorted(((RULES_BY_KEY[r.key].weight, int(row[f"missing_{r.key}"]), r.label)
                     for r in RULES if row[f"missing_{r.key}"]),
                    key=lambda c: (-c[0], -c[1], c[2]))
    return GroupRow(
        group=str(row["grp"]), models=int(row["models"]), assessed=int(row["assessed"]),
        not_assessed=int(row["not_assessed"]), reuse=int(row["reuse"] or 0),
        completeness=float(row["completeness"]) if row["completeness"] is not None else None,
        missing_critical_models=int(row["missing_critical_models"]), risk=int(row["risk"] or 0),
        most_missing=[f"{label} ({n:,})" for _, n, label in counts[:3]])


def report(store: Store, by: str = "field", top: int = 20, min_reuse: int = 0,
           source: str = "all") -> CardsReport:
    """The documentation report over the models reused by at least ``min_reuse`` projects;
    ``top`` limits the riskiest models and the groups; ``by`` is ``field`` (default), ``model``,
    or a grouping (``author``, ``task``, ``library``, ``license``).

    ``source`` picks the card data: ``peatmoss`` (the ``model_card`` table, PeaTMOSS's
    extraction), ``readme`` (READMEs crawled into ``hub_card`` by ``ptmx hub crawl --cards``,
    the newest per model) or ``all``. With ``all``, a model that has both is scored from its
    README: the crawl read the card as it is now, while the extraction froze it in 2023, and a
    reviewer asks about the card a project pulls today. ``ptmx cards show`` names the other
    source's completeness beside it. Every model row says which source scored it.
    """
    if by not in VIEWS:
        raise UsageError(f"cannot report by {by!r}; choose from {', '.join(VIEWS)}")
    if source not in SOURCES:
        raise UsageError(f"unknown card source {source!r}; choose from {', '.join(SOURCES)}")
    if top < 1:
        raise UsageError("--top must be at least 1")
    if min_reuse < 0:
        raise UsageError("--min-reuse must be 0 or more")
    if source == "peatmoss" or (source == "all" and not store.has(queries.HUB_CARD)):
        store.require("model_card", "the documentation report")
    elif source == "readme" or not store.has("model_card"):
        store.require(queries.HUB_CARD, "the documentation report from crawled READMEs")
    started = time.perf_counter()
    grouping = by if by in queries.GROUPINGS else None
    facts = readme_facts(store) if source != "peatmoss" else None
    data = queries.report_data(store, by=grouping, top=top, min_reuse=min_reuse, source=source,
                               readme_facts=facts)
    totals = data["totals"]
    riskiest = [RiskyModel(
        model=m["model"], model_id=None if m["model_id"] is None else int(m["model_id"]),
        author=m["author"], reuse_count=int(m["reuse_count"]), downloads=m["downloads"],
        completeness=m["completeness"], risk=int(m["risk"] or 0),
        missing_critical=queries.missing_keys(m, critical_only=True),
        missing=queries.missing_keys(m), source=m["source"],
    ) for m in data["riskiest"]]
    groups = [_group(g) for g in data.get("groups", [])]
    total_groups = int(data["groups"][0]["total_groups"]) if data.get("groups") else 0
    assessed = int(totals["assessed"])
    return CardsReport(
        dataset=store.manifest.get("name") or str(store.folder), by=by, top=top,
        min_reuse=min_reuse, models=int(totals["models"]), assessed=assessed,
        not_assessed=int(totals["models"]) - assessed, fields=_fields(totals),
        riskiest=riskiest, groups=groups, total_groups=total_groups,
        seconds=time.perf_counter() - started, source=source,
        from_peatmoss=int(totals["from_peatmoss"]),
        from_readme=assessed - int(totals["from_peatmoss"]))


def number(value: float | int | None, suffix: str = "") -> str:
    """A report figure: "—" when unknown, one decimal for shares, thousands separators."""
    if value is None:
        return "—"
    if isinstance(value, float):
        return f"{value:.1f}{suffix}"
    return f"{value:,}{suffix}"


def missing_text(share: FieldShare) -> str:
    """'19 / 50', and how many of those count when not all do ('19 / 50, 2 counted')."""
    text = f"{share.missing:,} / {share.assessed:,}"
    if share.counted != share.missing:
        text += f", {share.counted:,} counted"
    return text


def label(key: str) -> str:
    """A rule key → what a person calls the field."""
    return RULES_BY_KEY[key].label if key in RULES_BY_KEY else key
