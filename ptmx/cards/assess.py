"""Assess one model's documentation: from the dataset (:func:`assess`), or from a card dict such as
a live hub card or a scanned project's model (:func:`assess_card_dict`).

Both go through the one evaluator of the rules (:mod:`ptmx.cards.scoring`): the dataset's models
in the report's vectorised SQL (:mod:`ptmx.cards.queries`), a card dict as a one-row table. Both
then become a :class:`~ptmx.cards.results.CardAssessment` here.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from ptmx.cards import queries
from ptmx.cards.hubcard import card_facts
from ptmx.cards.results import CardAssessment, Evidence, Finding, RuleResult
from ptmx.cards.rules import (
    RULES,
    RULES_BY_KEY,
    SOURCE_CARD,
    SOURCE_NAME,
    SOURCE_PEATMOSS,
    Rule,
    filled,
)
from ptmx.cards.scoring import CHECKS, score_card
from ptmx.cards.vocabulary import Status
from ptmx.errors import NotFoundError
from ptmx.store import Store, require_model_id, require_project_id

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

# What each check (ptmx.cards.scoring.CHECKS) says when it finds an inconsistency.
_FINDING_TEXTS: dict[str, Callable[[dict[str, Any]], str]] = {
    "license-mismatch": lambda row: (
        f"the hub's license tag says {', '.join(row.get('license_tags') or []) or 'none'} "
        f"but the card says {_show(row.get('card_license'))}"),
    "license-other-unnamed": lambda row: (
        "the license is 'other' and neither the card nor the metadata names it or links to it"),
    "base-model-not-in-hub-metadata": lambda row: (
        f"the card names base model {_show(row.get('card_base_model'))} but the hub's "
        "metadata has no base_model"),
}


def _findings(row: dict[str, Any]) -> list[Finding]:
    return [Finding(c.rule, RULES_BY_KEY[c.rule].severity, c.kind, _FINDING_TEXTS[c.kind](row))
            for c in CHECKS if row.get(c.flag)]


def _note(r: Rule, row: dict[str, Any], status: Status, applies: bool,
          conflicts: list[str]) -> str | None:
    """Why a rule does not count, or what is inconsistent."""
    if status == Status.NOT_ASSESSED and row["assessed"]:
        return "no source in this data records it (" + "; ".join(r.sources) + ")"
    if status == Status.MISSING:
        return "not stated" if applies else \
            "not counted: nothing says this model is derived from another"
    if status == Status.INCONSISTENT:
        return "; ".join(conflicts)
    return None


def _build(row: dict[str, Any], evidence: dict[str, list[Evidence]],
           notes: Sequence[str] = ()) -> CardAssessment:
    findings = _findings(row) if row["assessed"] else []
    by_rule: dict[str, list[str]] = {}
    for f in findings:
        by_rule.setdefault(f.rule, []).append(f.message)
    results = []
    for r in RULES:
        status = Status(row[f"st_{r.key}"])
        applies = bool(row[f"applies_{r.key}"])
        ev = list(evidence.get(r.key, []))
        if r.derived_only and row.get("derived_hint"):
            ev.append(Evidence(SOURCE_NAME, f"the id contains '{row['derived_hint']}', which "
                                            "suggests a derived model"))
        results.append(RuleResult(
            key=r.key, label=r.label, severity=r.severity, status=status,
            counts=status != Status.NOT_ASSESSED and applies, evidence=ev,
            note=_note(r, row, status, applies, by_rule.get(r.key, []))))
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
    row.update(score_card(row))
    return _build(row, evidence, notes)


def completeness(card: Mapping[str, Any]) -> float | None:
    """Completeness (0–100) of a card dict, None when it says nothing: the hook
    :mod:`ptmx.hub.drift` calls to compare the snapshot's card with the live one."""
    return assess_card_dict(card).completeness
