"""Assess one model's documentation: from the dataset (:func:`assess`), or from a card dict such as
a live hub card or a scanned project's model (:func:`assess_card_dict`).

Statuses from the dataset come from the same vectorised SQL as the report
(:mod:`ptmx.cards.queries`); card dicts go through :func:`decide`, its Python twin. Both then
become a :class:`~ptmx.cards.results.CardAssessment` here.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Mapping, Sequence
from typing import Any

from ptmx.cards import queries
from ptmx.cards.hubcard import card_facts
from ptmx.cards.results import CardAssessment, Evidence, Finding, RuleResult
from ptmx.cards.rules import (
    CRITICAL,
    INCONSISTENT,
    MISSING,
    NOT_ASSESSED,
    PASS,
    RULES,
    SOURCE_CARD,
    SOURCE_NAME,
    SOURCE_PEATMOSS,
    filled,
    score,
)
from ptmx.errors import NotFoundError
from ptmx.store import Store, require_model_id, require_project_id

# --- deciding statuses (Python twin of queries.scored_sql) ---------------------------------------

def decide(row: dict[str, Any]) -> dict[str, Any]:
    """Add ``st_<rule>``, ``applies_<rule>``, ``completeness``, ``missing_critical`` and
    ``risk`` to a facts row (as the report's SQL does)."""
    conflict = {"license": row["license_mismatch"] or row["license_other_unnamed"],
                "base_model": row["base_unconfirmed"]}
    statuses, applies = {}, {}
    for r in RULES:
        has = row.get(f"has_{r.key}")
        if not row["assessed"] or has is None:
            status = NOT_ASSESSED
        elif has:
            status = INCONSISTENT if conflict.get(r.key) else PASS
        else:
            status = MISSING
        statuses[r.key] = row[f"st_{r.key}"] = status
        applies[r.key] = row[f"applies_{r.key}"] = (
            bool(row.get("has_base_model")) or row.get("derived_hint") is not None
            if r.key == "base_model" else True)
    missing = [r.key for r in RULES if r.severity == CRITICAL
               and statuses[r.key] == MISSING and applies[r.key]]
    row["missing_critical"] = len(missing)
    row["completeness"] = score(statuses, applies) if row["assessed"] else None
    row["risk"] = int(row.get("reuse_count") or 0) * len(missing) if row["assessed"] else None
    return row


# --- evidence from the dataset ------------------------------------------------------------------

def _show(value: Any, limit: int = 120) -> str:
    if isinstance(value, str):
        with contextlib.suppress(json.JSONDecodeError):  # shown as the text it is
            value = json.loads(value) if value[:1] in "[{" else value
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    text = " ".join(text.split())
    return repr(text if len(text) <= limit else text[: limit - 1] + "…")


def _store_evidence(row: dict[str, Any]) -> dict[str, list[Evidence]]:
    found: dict[str, list[Evidence]] = {r.key: [] for r in RULES}
    for r in RULES:
        value = row.get(f"card_{r.key}")
        if filled(value):
            found[r.key].append(Evidence(SOURCE_CARD, f"{r.key} = {_show(value)}"))
    if row.get("license_tags"):
        found["license"].append(Evidence(
            SOURCE_PEATMOSS, "model_to_license: " + ", ".join(row["license_tags"])))
    if row.get("table_datasets"):
        found["datasets"].append(Evidence(
            SOURCE_PEATMOSS, "model_to_dataset: " + _show(row["table_datasets"])))
    if row.get("table_papers"):
        found["paper"].append(Evidence(
            SOURCE_PEATMOSS, "model_to_paper: " + _show(row["table_papers"])))
    tags = row.get("hub_tags") or []
    for key, prefix in (("datasets", "dataset:"), ("paper", "arxiv:"),
                        ("base_model", "base_model:")):
        picked = [t for t in tags if t.startswith(prefix)]
        if picked:
            found[key].append(Evidence(SOURCE_PEATMOSS, "model_to_tag: " + ", ".join(picked)))
    if row.get("model_bases"):
        found["base_model"].append(Evidence(
            SOURCE_PEATMOSS, "model_base: " + ", ".join(row["model_bases"])))
    return found


# --- building the assessment --------------------------------------------------------------------

def _findings(row: dict[str, Any]) -> list[Finding]:
    found = []
    tags = ", ".join(row.get("license_tags") or []) or "none"
    card_license = row.get("card_license")
    if row.get("license_mismatch"):
        found.append(Finding(
            "license", CRITICAL, "license-mismatch",
            f"the hub's license tag says {tags} but the card says {_show(card_license)}"))
    if row.get("license_other_unnamed"):
        found.append(Finding(
            "license", CRITICAL, "license-other-unnamed",
            "the license is 'other' and neither the card nor the metadata names it or links "
            "to it"))
    if row.get("base_unconfirmed"):
        found.append(Finding(
            "base_model", CRITICAL, "base-model-not-in-hub-metadata",
            f"the card names base model {_show(row.get('card_base_model'))} but the hub's "
            "metadata has no base_model"))
    return found


def _build(row: dict[str, Any], evidence: dict[str, list[Evidence]],
           notes: Sequence[str] = ()) -> CardAssessment:
    findings = _findings(row) if row["assessed"] else []
    by_rule: dict[str, list[str]] = {}
    for f in findings:
        by_rule.setdefault(f.rule, []).append(f.message)
    results = []
    for r in RULES:
        status = row[f"st_{r.key}"]
        applies = bool(row[f"applies_{r.key}"])
        ev = list(evidence.get(r.key, []))
        note = None
        if r.key == "base_model" and row.get("derived_hint"):
            ev.append(Evidence(SOURCE_NAME, f"the id contains '{row['derived_hint']}', which "
                                            "suggests a derived model"))
        if status == NOT_ASSESSED and row["assessed"]:
            note = "no source in this data records it (" + "; ".join(r.sources) + ")"
        elif status == MISSING and not applies:
            note = "not counted: nothing says this model is derived from another"
        elif status == MISSING:
            note = "not stated"
        elif status == INCONSISTENT:
            note = "; ".join(by_rule.get(r.key, []))
        results.append(RuleResult(
            key=r.key, label=r.label, severity=r.severity, status=status,
            counts=status != NOT_ASSESSED and applies, evidence=ev, note=note))
    all_notes = list(notes)
    if not row["assessed"]:
        all_notes.insert(0, "not assessed: there is no card data for this model")
    return CardAssessment(
        model=row.get("model") or "(unnamed)", model_id=row.get("model_id"),
        assessed=bool(row["assessed"]), source=row.get("card_source"),
        reuse_count=int(row.get("reuse_count") or 0), results=results, findings=findings,
        completeness=row.get("completeness"), risk=row.get("risk"), notes=all_notes)


# --- public API ---------------------------------------------------------------------------------

def assess_ids(store: Store, model_ids: Sequence[int]) -> list[CardAssessment]:
    """Assessments of the given models (numeric ids), in the order given."""
    rows = {row["model_id"]: row for row in queries.assessment_rows(store, model_ids)}
    out = []
    for mid in model_ids:
        row = rows.get(int(mid))
        if row is None:
            raise NotFoundError(f"no model with id {mid} in the dataset")
        out.append(_build(row, _store_evidence(row)))
    return out


def assess(store: Store, model: str | int) -> CardAssessment:
    """How well ``model`` (hub id, or numeric id) is documented, from the dataset.

    A model with no card data comes back ``assessed=False`` ("not assessed"); an unknown model
    raises :class:`~ptmx.errors.NotFoundError` with suggestions.
    """
    model_id = model if isinstance(model, int) else require_model_id(store, model)
    return assess_ids(store, [model_id])[0]


def assess_project(store: Store, project: str) -> tuple[str, list[CardAssessment]]:
    """The project's ``owner/name`` and an assessment of every model it reuses."""
    project_id = require_project_id(store, project)
    name = store.scalar("SELECT owner || '/' || name FROM reuse_repository WHERE id = ?",
                        [project_id])
    return str(name), assess_ids(store, queries.project_model_ids(store, project_id))


def assess_card_dict(
    card: Mapping[str, Any],
    *,
    model: str | None = None,
    reuse_count: int = 0,
    license_tags: Sequence[str] | None = None,
    hub_tags: Sequence[str] | None = None,
    prose: bool | None = None,
) -> CardAssessment:
    """How well a card given as a dict documents its model (a live hub card, a stored
    ``model_card`` row, a hand-checked card, a README under ``readme``; see
    :mod:`ptmx.cards.hubcard` for the shapes).

    ``reuse_count`` feeds the risk score; ``license_tags``/``hub_tags`` add the hub's metadata
    when the caller holds it separately (then "card vs hub" inconsistencies are checked);
    ``prose`` overrides whether the card's prose was read. An empty card is "not assessed".
    """
    row, evidence, notes = card_facts(card, model=model, license_tags=license_tags,
                                      hub_tags=hub_tags, prose=prose)
    row["reuse_count"] = reuse_count
    return _build(decide(row), evidence, notes)


def completeness(card: Mapping[str, Any]) -> float | None:
    """Completeness (0–100) of a card dict, None when it says nothing: the hook
    :mod:`ptmx.hub.drift` calls to compare the snapshot's card with the live one."""
    return assess_card_dict(card).completeness
