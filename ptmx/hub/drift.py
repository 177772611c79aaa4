"""What changed on the hub since the PeaTMOSS snapshot: a small diff of one model.

:func:`compare` takes the snapshot's :class:`~ptmx.store.ModelPage` and the live
:class:`~ptmx.hub.models.HubModelInfo` (or None when the model is gone) and returns a
:class:`Drift` whose rows are ``{field, snapshot, live, change, detail}``. ``change`` is one of
``same, changed, added, removed, up, down, renamed, gone, unknown``.

Two judgements belong to other packages and come in as optional callables, so this module works
(and is tested) without them:

- ``verdict_fn(upstream, downstream, activity)`` — ptmx.licenses' verdict for a project under
  ``downstream`` (``NONE``: scanned, no license) reusing a model under ``upstream``. Used when the
  license changed, to say which of the model's projects get a different verdict (projects never
  scanned are left out). :func:`default_verdict_fn` imports ``verdict_for`` lazily from
  ptmx.licenses when it exists.
- ``completeness_fn(card)`` — ptmx.cards' completeness of a ``model_card``-shaped dict (a number,
  or any comparable label). The live side is built by :func:`ptmx.hub.models.card_from_hub` and
  carries the raw README under ``readme`` when it was fetched. :func:`default_completeness_fn`
  imports ``ptmx.cards.completeness`` lazily when it exists.
"""

from __future__ import annotations

import enum
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

from ptmx.hub.models import API_CARD_FIELDS, HubModelInfo, card_from_hub
from ptmx.store import ModelPage, Store, model_page

VerdictFn = Callable[[str | None, str | None, str], Any]
CompletenessFn = Callable[[dict[str, Any]], Any]

SAME, CHANGED, ADDED, REMOVED = "same", "changed", "added", "removed"
UP, DOWN, RENAMED, GONE, UNKNOWN = "up", "down", "renamed", "gone", "unknown"
QUIET = frozenset({SAME, UNKNOWN})

# What the snapshot implies about availability: PeaTMOSS lists models the public API showed.
SNAPSHOT_AVAILABILITY = "public"
GONE_STATUSES = {"not_found": "not found", "private_or_missing": "not found or private"}


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


# -- optional hooks ---------------------------------------------------------------------------
def default_verdict_fn() -> VerdictFn | None:
    """``verdict_for`` from ptmx.licenses (or its ``verdicts`` module) if provided, else None."""
    import importlib

    for name in ("ptmx.licenses", "ptmx.licenses.verdicts"):
        try:
            found = getattr(importlib.import_module(name), "verdict_for", None)
        except ImportError:
            continue
        if callable(found):
            return found
    return None


def default_completeness_fn() -> CompletenessFn | None:
    """``ptmx.cards.completeness`` if that package provides it, else None."""
    try:
        from ptmx.cards import completeness  # type: ignore[attr-defined]
    except ImportError:
        return None
    return completeness if callable(completeness) else None


def verdict_label(value: Any) -> str:
    """A verdict object, enum, dict or string → its short label."""
    for attr in ("verdict", "level", "status", "outcome"):
        inner = value.get(attr) if isinstance(value, dict) else getattr(value, attr, None)
        if inner is not None:
            value = inner
            break
    if isinstance(value, enum.Enum):
        value = value.value
    return str(value)


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


def _verdict_rows(verdict_fn: VerdictFn, before: str | None, after: str | None,
                  projects: list[dict[str, Any]], activity: str, notes: list[str]
                  ) -> tuple[DriftRow | None, list[dict[str, Any]]]:
    memo: dict[tuple[str | None, str | None], str] = {}
    failed: list[str] = []

    def judge(upstream: str | None, downstream: str | None) -> str:
        if (upstream, downstream) not in memo:
            try:
                memo[(upstream, downstream)] = verdict_label(
                    verdict_fn(upstream, downstream, activity))
            except Exception as exc:  # a hook's failure must not sink the lookup
                failed.append(f"{type(exc).__name__}: {exc}")
                memo[(upstream, downstream)] = UNKNOWN
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
    if failed:
        notes.append(f"license verdicts: {failed[0]}")
    moved = sum(1 for v in verdicts if v["before"] != v["after"])

    def summary(key: str) -> str:
        counts = Counter(v[key] for v in verdicts)
        return ", ".join(f"{k}: {n}" for k, n in sorted(counts.items()))

    row = DriftRow(
        "project verdicts", summary("before"), summary("after"), CHANGED if moved else SAME,
        f"{moved} of {len(verdicts)} scanned projects change verdict (activity: {activity})",
    )
    return row, verdicts


# -- the comparison ---------------------------------------------------------------------------
def compare(
    page: ModelPage,
    info: HubModelInfo | None,
    *,
    status: str | None = None,
    verdict_fn: VerdictFn | None = None,
    projects: list[dict[str, Any]] | None = None,
    completeness_fn: CompletenessFn | None = None,
    live_readme: str | None = None,
    activity: str = "use",
) -> Drift:
    """Compare the snapshot ``page`` with the live ``info``.

    ``status`` says why ``info`` is None (``not_found``, ``private_or_missing``, ``disabled``,
    ``gated``). ``projects`` (from :func:`ptmx.hub.queries.project_licenses`) feeds ``verdict_fn``.
    """
    status = status or ("renamed" if info is not None and info.renamed else "ok")
    rows: list[DriftRow] = []
    notes: list[str] = []
    if info is None:
        gone = status in GONE_STATUSES
        rows.append(DriftRow("id", page.model, None, GONE if gone else UNKNOWN))
        live = GONE_STATUSES.get(status, status.replace("_", " "))
        rows.append(DriftRow(
            "availability", SNAPSHOT_AVAILABILITY, live, GONE if gone else CHANGED,
            "deleted, renamed to a private repo, or made private (the hub does not say which)"
            if gone else None))
        notes.append("live metadata unavailable: only availability could be compared")
        return Drift(page.model, None, status, rows, notes=notes)

    rows.append(DriftRow("id", page.model, info.id, RENAMED if info.renamed else SAME,
                         f"the hub redirects {page.model} to {info.id}" if info.renamed else None))
    availability = info.availability
    rows.append(DriftRow(
        "availability", SNAPSHOT_AVAILABILITY, availability,
        SAME if availability == SNAPSHOT_AVAILABILITY else CHANGED,
        "the snapshot does not record gating" if info.gated and not info.private else None))

    lic_change, lic_detail = _set_change(page.licenses, info.licenses)
    if info.license_name and "other" in info.licenses:
        lic_detail = "; ".join(filter(None, [lic_detail, f"license_name: {info.license_name}"]))
    rows.append(DriftRow("license", _joined(page.licenses), _joined(info.licenses), lic_change,
                         lic_detail))
    if lic_change != SAME and verdict_fn is not None and projects is not None:
        row, verdicts = _verdict_rows(verdict_fn, _joined(page.licenses),
                                      _joined(info.licenses), projects, activity, notes)
        if row is not None:
            rows.append(row)
        project_verdicts = verdicts
    else:
        project_verdicts = []
        if lic_change != SAME and verdict_fn is None:
            notes.append("license changed: project verdicts need ptmx.licenses")

    change, _ = _value_change(page.sha, info.sha)
    rows.append(DriftRow("commit", page.sha, info.sha, change,
                         "new commits since the snapshot" if change == CHANGED else None))
    change, detail = _number_change(page.downloads, info.downloads)
    rows.append(DriftRow("downloads (30 days)", page.downloads, info.downloads, change, detail))
    change, detail = _number_change(page.likes, info.likes)
    rows.append(DriftRow("likes", page.likes, info.likes, change, detail))

    if "model_base" in page.missing_tables:
        then_bases = None
    else:
        then_bases = sorted(b["base_model"] for b in page.base_models if b.get("base_model"))
    if then_bases is None:
        change, detail = UNKNOWN, "the snapshot has no model_base table"
    else:
        change, detail = _set_change(then_bases, info.base_models)
    if info.base_model_relation:
        detail = "; ".join(filter(None, [detail, f"relation: {info.base_model_relation}"]))
    rows.append(DriftRow("base models", then_bases, sorted(info.base_models), change, detail))

    if "model_to_dataset" not in page.missing_tables:
        then_datasets: list[str] | None = list(page.datasets)
    elif page.card and page.card.get("datasets") is not None:
        then_datasets = list(page.card["datasets"])
    else:
        then_datasets = None
    change, detail = (UNKNOWN, None) if then_datasets is None \
        else _set_change(then_datasets, info.datasets)
    rows.append(DriftRow("datasets", then_datasets, sorted(info.datasets), change, detail))

    live_card = card_from_hub(info, live_readme)
    then_fields = _card_fields(page.card) if page.card else None
    now_fields = _card_fields(live_card)
    if then_fields is None:
        change, detail = UNKNOWN, "no card record in the snapshot"
    else:
        change, detail = _set_change(then_fields, now_fields)
        if change in (ADDED, REMOVED):
            change = CHANGED
    rows.append(DriftRow("card fields", then_fields, now_fields, change, detail))

    if completeness_fn is not None:
        try:
            then_score = completeness_fn(page.card) if page.card else None
            now_score = completeness_fn(live_card)
        except Exception as exc:  # a hook's failure must not sink the lookup
            notes.append(f"card completeness: {type(exc).__name__}: {exc}")
        else:
            change, detail = _value_change(then_score, now_score)
            rows.append(DriftRow("card completeness", then_score, now_score, change, detail))

    return Drift(page.model, info.id, status, rows, project_verdicts=project_verdicts,
                 notes=notes, checked_at=info.fetched_at)


def drift_for(store: Store, model: str, info: HubModelInfo | None, *,
              status: str | None = None, verdict_fn: VerdictFn | None = None,
              completeness_fn: CompletenessFn | None = None, live_readme: str | None = None,
              activity: str = "use") -> Drift:
    """:func:`compare` with the snapshot read from ``store`` (NotFoundError if not in it)."""
    from ptmx.hub.queries import project_licenses

    page = model_page(store, model)
    projects = project_licenses(store, page.id) if verdict_fn is not None else None
    return compare(page, info, status=status, verdict_fn=verdict_fn, projects=projects,
                   completeness_fn=completeness_fn, live_readme=live_readme, activity=activity)
