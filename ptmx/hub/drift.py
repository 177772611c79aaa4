"""What changed on the hub since the PeaTMOSS snapshot: a small diff of one model.

:func:`compare` takes the snapshot's :class:`~ptmx.store.ModelPage` and the live
:class:`~ptmx.hub.models.HubModelInfo` (or None when the model is gone) and returns a
:class:`Drift` whose rows are ``{field, snapshot, live, change, detail}``. ``change`` is one of
``same, changed, added, removed, up, down, renamed, gone, unknown``.

Two judgements belong to sibling packages, which the hub does not import: the caller passes them
in as typed functions (``ptmx hub info`` passes ``ptmx.licenses.verdict_for`` and
``ptmx.cards.completeness``). Their errors are bugs and propagate.

- ``license_judge(upstream, downstream, activity)`` (:data:`LicenseJudge`): the verdict for a
  project under ``downstream`` (``NONE``: scanned, no license) reusing a model under
  ``upstream``. Used when the license changed, to say which of the model's projects get a
  different verdict (projects never scanned are left out).
- ``completeness_fn(card)`` (:data:`CompletenessFn`): the completeness of a ``model_card``-shaped
  dict. The live side is built by :func:`ptmx.hub.models.card_from_hub` and carries the raw
  README under ``readme`` when it was fetched.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any, Protocol

from ptmx.hub.models import API_CARD_FIELDS, HubModelInfo, card_from_hub
from ptmx.store import ModelPage, Store, model_page


class Judgement(Protocol):
    """What a license judge answers (``ptmx.licenses.Verdict`` fits): its ``verdict`` label."""

    @property
    def verdict(self) -> str: ...


# (upstream expression, downstream expression, activity) -> judgement; e.g. ``verdict_for``.
LicenseJudge = Callable[[str | None, str | None, str], Judgement]
# A card dict -> its completeness (0-100, None when the card says nothing).
CompletenessFn = Callable[[Mapping[str, Any]], float | None]

SAME, CHANGED, ADDED, REMOVED = "same", "changed", "added", "removed"
UP, DOWN, RENAMED, GONE, UNKNOWN = "up", "down", "renamed", "gone", "unknown"
QUIET = frozenset({SAME, UNKNOWN})

# What the snapshot implies about availability: PeaTMOSS lists models the public API showed.
SNAPSHOT_AVAILABILITY = "public"
GONE_STATUSES = {"not_found": "not found", "private_or_missing": "not found or private"}
Change = tuple[str, str | None]


@dataclass
class DriftRow:
    """One compared field."""

    field: str
    snapshot: Any
    live: Any
    change: str
    detail: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """Plain dict (the CLI/TUI row)."""
        return asdict(self)


@dataclass
class Drift:
    """Snapshot vs live for one model."""

    model: str  # id in the snapshot
    live_id: str | None  # id on the hub now (None when gone)
    status: str  # ok | renamed | not_found | private_or_missing | disabled | gated
    rows: list[DriftRow]
    project_verdicts: list[dict[str, Any]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    checked_at: float | None = None

    @property
    def changed(self) -> list[DriftRow]:
        """The rows that show a change."""
        return [r for r in self.rows if r.change not in QUIET]

    def row(self, name: str) -> DriftRow | None:
        """The row for ``name`` (None if it was not compared)."""
        return next((r for r in self.rows if r.field == name), None)

    def to_rows(self) -> list[dict[str, Any]]:
        """Rows as plain dicts (field, snapshot, live, change, detail)."""
        return [r.to_dict() for r in self.rows]

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready dict."""
        return {"model": self.model, "live_id": self.live_id, "status": self.status,
                "changed": len(self.changed), "rows": self.to_rows(),
                "project_verdicts": self.project_verdicts, "notes": self.notes,
                "checked_at": self.checked_at}


# -- comparison helpers -----------------------------------------------------------------------
def _norm_set(values: Sequence[str] | None) -> set[str]:
    return {v.strip().lower() for v in values or [] if v and v.strip()}


def _set_change(then: Sequence[str] | None, now: Sequence[str] | None) -> tuple[str, str | None]:
    a, b = _norm_set(then), _norm_set(now)
    if a == b:
        return SAME, None
    if not a:
        return ADDED, None
    if not b:
        return REMOVED, None
    parts = []
    if b - a:
        parts.append("new: " + ", ".join(sorted(b - a)))
    if a - b:
        parts.append("gone: " + ", ".join(sorted(a - b)))
    return CHANGED, "; ".join(parts)


def _number_change(then: Any, now: Any) -> tuple[str, str | None]:
    if not isinstance(then, int | float) or not isinstance(now, int | float):
        return UNKNOWN, None
    if then == now:
        return SAME, None
    delta = now - then
    pct = f" ({delta / then:+.0%})" if then else ""
    shown = f"{delta:+,}" if isinstance(delta, int) else f"{delta:+,.1f}"
    return (UP if delta > 0 else DOWN), f"{shown}{pct}"


def _value_change(then: Any, now: Any) -> tuple[str, str | None]:
    if isinstance(then, int | float) and isinstance(now, int | float) \
            and not isinstance(then, bool):
        return _number_change(then, now)
    if then is None:
        return UNKNOWN, None
    return (SAME, None) if then == now else (CHANGED, None)


def _joined(values: Sequence[str] | None) -> str | None:
    return " AND ".join(sorted(values)) if values else None


def _card_fields(card: dict[str, Any] | None) -> list[str]:
    if not card:
        return []
    return sorted(f for f in API_CARD_FIELDS if card.get(f) not in (None, "", [], {}))


def project_expression(keys: Sequence[str]) -> str:
    """A scanned project's license keys as one AND expression, as ptmx.licenses reads them:
    a key that is itself an OR expression is parenthesised; no key at all is ``NONE``."""
    parts = [f"({k})" if " or " in k.lower() else k for k in keys if k and k.strip()]
    return " AND ".join(parts) if parts else "NONE"


def _verdict_rows(license_judge: LicenseJudge, before: str | None, after: str | None,
                  projects: list[dict[str, Any]], activity: str, notes: list[str]
                  ) -> tuple[DriftRow | None, list[dict[str, Any]]]:
    memo: dict[tuple[str | None, str | None], str] = {}

    def judge(upstream: str | None, downstream: str | None) -> str:
        if (upstream, downstream) not in memo:
            memo[(upstream, downstream)] = str(
                license_judge(upstream, downstream, activity).verdict)
        return memo[(upstream, downstream)]

    scanned = [p for p in projects if p["licenses"] is not None]
    if not scanned:
        if projects:
            notes.append(f"license verdicts: none of the {len(projects)} projects has had its "
                         "license scanned")
        return None, []
    verdicts = []
    for p in scanned:
        downstream = project_expression(p["licenses"])
        verdicts.append({"project": p["project"], "project_license": downstream,
                         "before": judge(before, downstream), "after": judge(after, downstream)})
    moved = sum(1 for v in verdicts if v["before"] != v["after"])

    def summary(key: str) -> str:
        counts = Counter(v[key] for v in verdicts)
        return ", ".join(f"{k}: {n}" for k, n in sorted(counts.items()))

    row = DriftRow(
        "project verdicts", summary("before"), summary("after"), CHANGED if moved else SAME,
        f"{moved} of {len(verdicts)} scanned projects change verdict (activity: {activity})",
    )
    return row, verdicts


# -- the comparison, one function per field group ----------------------------------------------
def _gone(page: ModelPage, status: str) -> Drift:
    """Only availability can be compared when the hub gives no metadata."""
    gone = status in GONE_STATUSES
    live = GONE_STATUSES.get(status, status.replace("_", " "))
    rows = [
        DriftRow("id", page.model, None, GONE if gone else UNKNOWN),
        DriftRow("availability", SNAPSHOT_AVAILABILITY, live, GONE if gone else CHANGED,
                 "deleted, renamed to a private repo, or made private (the hub does not say "
                 "which)" if gone else None),
    ]
    return Drift(page.model, None, status, rows,
                 notes=["live metadata unavailable: only availability could be compared"])


def _identity_rows(page: ModelPage, info: HubModelInfo) -> list[DriftRow]:
    availability = info.availability
    return [
        DriftRow("id", page.model, info.id, RENAMED if info.renamed else SAME,
                 f"the hub redirects {page.model} to {info.id}" if info.renamed else None),
        DriftRow("availability", SNAPSHOT_AVAILABILITY, availability,
                 SAME if availability == SNAPSHOT_AVAILABILITY else CHANGED,
                 "the snapshot does not record gating" if info.gated and not info.private
                 else None),
    ]


def _license_row(page: ModelPage, info: HubModelInfo) -> DriftRow:
    change, detail = _set_change(page.licenses, info.licenses)
    if info.license_name and "other" in info.licenses:
        detail = "; ".join(filter(None, [detail, f"license_name: {info.license_name}"]))
    return DriftRow("license", _joined(page.licenses), _joined(info.licenses), change, detail)


def _count_rows(page: ModelPage, info: HubModelInfo) -> list[DriftRow]:
    change, _ = _value_change(page.sha, info.sha)
    rows = [DriftRow("commit", page.sha, info.sha, change,
                     "new commits since the snapshot" if change == CHANGED else None)]
    change, detail = _number_change(page.downloads, info.downloads)
    rows.append(DriftRow("downloads (30 days)", page.downloads, info.downloads, change, detail))
    change, detail = _number_change(page.likes, info.likes)
    rows.append(DriftRow("likes", page.likes, info.likes, change, detail))
    return rows


def _base_row(page: ModelPage, info: HubModelInfo) -> DriftRow:
    then_bases = None if "model_base" in page.missing_tables else sorted(
        b["base_model"] for b in page.base_models if b.get("base_model"))
    change, detail = (UNKNOWN, "the snapshot has no model_base table") if then_bases is None \
        else _set_change(then_bases, info.base_models)
    if info.base_model_relation:
        detail = "; ".join(filter(None, [detail, f"relation: {info.base_model_relation}"]))
    return DriftRow("base models", then_bases, sorted(info.base_models), change, detail)


def _dataset_row(page: ModelPage, info: HubModelInfo) -> DriftRow:
    then_datasets: list[str] | None = None
    if "model_to_dataset" not in page.missing_tables:
        then_datasets = list(page.datasets)
    elif page.card and page.card.get("datasets") is not None:
        then_datasets = list(page.card["datasets"])
    change, detail = (UNKNOWN, None) if then_datasets is None \
        else _set_change(then_datasets, info.datasets)
    return DriftRow("datasets", then_datasets, sorted(info.datasets), change, detail)


def _card_rows(page: ModelPage, info: HubModelInfo, completeness_fn: CompletenessFn | None,
               live_readme: str | None) -> list[DriftRow]:
    live_card = card_from_hub(info, live_readme)
    then_fields = _card_fields(page.card) if page.card else None
    now_fields = _card_fields(live_card)
    change: str
    detail: str | None
    if then_fields is None:
        change, detail = UNKNOWN, "no card record in the snapshot"
    else:
        change, detail = _set_change(then_fields, now_fields)
        if change in (ADDED, REMOVED):
            change = CHANGED
    rows = [DriftRow("card fields", then_fields, now_fields, change, detail)]
    if completeness_fn is not None:
        then_score = completeness_fn(page.card) if page.card else None
        now_score = completeness_fn(live_card)
        change, detail = _value_change(then_score, now_score)
        rows.append(DriftRow("card completeness", then_score, now_score, change, detail))
    return rows


def weights_rows(previous: Mapping[str, Any] | None, info: HubModelInfo) -> list[DriftRow]:
    """The weights format, the weight formats and the risk findings, against the last
    ``hub refresh`` row of the model (nothing when that row has no weights column)."""
    if not previous or previous.get("weights_format") in (None, "unknown") \
            or info.weights == "unknown":
        return []
    before, now = previous["weights_format"], info.weights
    rows = [DriftRow("weights format", before, now, SAME if before == now else CHANGED,
                     f"{before} → {now} since the hub snapshot" if before != now else None)]
    then_formats = previous.get("weight_formats")
    if then_formats is not None and info.artifacts is not None:
        change, detail = _set_change(list(then_formats), info.artifacts.formats)
        rows.append(DriftRow("weight formats", sorted(then_formats),
                             sorted(info.artifacts.formats), change, detail))
    then_risks = previous.get("risks")
    if then_risks is not None and info.artifacts is not None:
        now_risks = [r.id for r in info.artifacts.risks]
        change, detail = _set_change(list(then_risks), now_risks)
        rows.append(DriftRow("risks", sorted(then_risks), sorted(now_risks), change, detail))
    security = security_row(previous, info)
    if security is not None:
        rows.append(security)
    return rows


def security_row(previous: Mapping[str, Any], info: HubModelInfo) -> DriftRow | None:
    """The hub's own security scan then (the ``hub refresh`` row) and now; None when either
    side did not ask for it (``--no-files``, an older table, a failed second call)."""
    from ptmx.hub.snapshot import security_columns

    before = previous.get("security_status")
    now = security_columns(info.artifacts.security if info.artifacts else None)
    if before is None or now["security_status"] is None:
        return None
    then_issues = set(previous.get("security_issues") or [])
    now_issues = set(now["security_issues"] or [])
    change = SAME if then_issues == now_issues else CHANGED
    detail = "; ".join(filter(None, [
        "newly flagged: " + ", ".join(sorted(now_issues - then_issues)) if now_issues - then_issues
        else None,
        "no longer flagged: " + ", ".join(sorted(then_issues - now_issues))
        if then_issues - now_issues else None])) or None
    if before != now["security_status"]:
        change = CHANGED
        detail = "; ".join(filter(None, [f"{before} → {now['security_status']} since the hub "
                                         "snapshot", detail]))
    return DriftRow("security status", before, now["security_status"], change, detail)


def compare(
    page: ModelPage,
    info: HubModelInfo | None,
    *,
    status: str | None = None,
    license_judge: LicenseJudge | None = None,
    projects: list[dict[str, Any]] | None = None,
    completeness_fn: CompletenessFn | None = None,
    live_readme: str | None = None,
    activity: str = "use",
    previous: Mapping[str, Any] | None = None,
) -> Drift:
    """Compare the snapshot ``page`` with the live ``info``.

    ``previous`` is the model's ``hub_snapshot`` row (from ``hub refresh``), when there is one:
    the weights format, formats and risks are compared with it.

    ``status`` says why ``info`` is None (``not_found``, ``private_or_missing``, ``disabled``,
    ``gated``). ``projects`` (from :func:`ptmx.hub.queries.project_licenses`) feeds
    ``license_judge``; without a judge (or projects) no project verdicts are compared.
    """
    status = status or ("renamed" if info is not None and info.renamed else "ok")
    if info is None:
        return _gone(page, status)
    notes: list[str] = []
    rows = _identity_rows(page, info)
    license_row = _license_row(page, info)
    rows.append(license_row)
    project_verdicts: list[dict[str, Any]] = []
    if license_row.change != SAME and license_judge is not None and projects is not None:
        row, project_verdicts = _verdict_rows(license_judge, license_row.snapshot,
                                              license_row.live, projects, activity, notes)
        if row is not None:
            rows.append(row)
    rows += _count_rows(page, info)
    rows.append(_base_row(page, info))
    rows.append(_dataset_row(page, info))
    rows += _card_rows(page, info, completeness_fn, live_readme)
    rows += weights_rows(previous, info)
    return Drift(page.model, info.id, status, rows, project_verdicts=project_verdicts,
                 notes=notes, checked_at=info.fetched_at)


def drift_for(store: Store, model: str, info: HubModelInfo | None, *,
              status: str | None = None, license_judge: LicenseJudge | None = None,
              completeness_fn: CompletenessFn | None = None, live_readme: str | None = None,
              activity: str = "use") -> Drift:
    """:func:`compare` with the snapshot read from ``store`` (NotFoundError if not in it)."""
    from ptmx.hub.queries import project_licenses

    page = model_page(store, model)
    projects = project_licenses(store, page.id) if license_judge is not None else None
    return compare(page, info, status=status, license_judge=license_judge, projects=projects,
                   completeness_fn=completeness_fn, live_readme=live_readme, activity=activity)
