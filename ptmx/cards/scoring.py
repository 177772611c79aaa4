"""The one evaluator of the card rules: facts → inconsistencies, a status per rule, completeness,
missing critical fields and risk.

It is SQL, written once from the rules (:data:`ptmx.cards.rules.RULES`) and the checks below, and
it serves both paths: :mod:`ptmx.cards.queries` runs it over every model of a dataset (the facts
come from the dataset's tables), :func:`score_card` runs it over a one-row table built from a
single card dict (the facts come from :func:`ptmx.cards.hubcard.card_facts`). So a hub card and
the report cannot disagree on what the facts mean.

The facts it reads (:data:`INPUTS`): ``assessed``, ``reuse_count``, ``derived_hint``,
``has_<rule>`` (None: nothing here can tell) and what the checks compare (license keys on the card
and in the hub's tags, a base model on the card and in the hub's metadata).

SQL text is built only from ptmx's own constants; a card's values are bind parameters.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import Any

import duckdb

from ptmx.cards.rules import RULES
from ptmx.cards.vocabulary import Severity, Status

# Statuses as small codes: cheap to compare and sum over 281k rows, and the code of a counted rule
# is twice its credit. NOT_ASSESSED is NULL.
STATUS_CODES = {Status.MISSING: 0, Status.INCONSISTENT: 1, Status.PASS: 2}
STATUS_NAMES: dict[int | None, Status] = ({v: k for k, v in STATUS_CODES.items()}
                                          | {None: Status.NOT_ASSESSED})
MISSING_CODE, INCONSISTENT_CODE, PASS_CODE = (STATUS_CODES[s] for s in (
    Status.MISSING, Status.INCONSISTENT, Status.PASS))


@dataclass(frozen=True)
class Check:
    """An inconsistency between sources that makes a documented rule ``inconsistent``."""

    flag: str  # column it sets
    rule: str  # rule key it concerns
    kind: str  # finding kind, as reported
    condition: str  # SQL over the facts (NULL counts as false)


CHECKS: tuple[Check, ...] = (
    # license tag vs card text: the card names a license no tag names ('other' as a tag is the
    # hub's "see the card", so it cannot disagree).
    Check("license_mismatch", "license", "license-mismatch",
          """card_license_key IS NOT NULL AND len(license_tag_keys) > 0
             AND NOT list_contains(license_tag_keys, card_license_key)
             AND NOT list_contains(license_tag_keys, 'other')"""),
    # `other`, with neither a license name nor a link anywhere
    Check("license_other_unnamed", "license", "license-other-unnamed",
          """(list_contains(license_tag_keys, 'other')
              OR card_license_key IS NOT DISTINCT FROM 'other')
             AND coalesce(card_license_key, 'other') = 'other'
             AND NOT card_license_link"""),
    # the card names a base model; the hub's metadata (tags seen for this model) has none
    Check("base_unconfirmed", "base_model", "base-model-not-in-hub-metadata",
          "card_has_base_model AND has_hub_tags AND NOT hub_base_row AND NOT tag_base_model"),
)
FLAGS = tuple(c.flag for c in CHECKS)

# The facts the evaluator reads, with their SQL types (the one-row table of a single card).
INPUTS: dict[str, str] = {
    "assessed": "BOOLEAN", "reuse_count": "BIGINT", "derived_hint": "VARCHAR",
    **{f"has_{r.key}": "BOOLEAN" for r in RULES},
    "card_license_key": "VARCHAR", "license_tag_keys": "VARCHAR[]",
    "card_license_link": "BOOLEAN", "card_has_base_model": "BOOLEAN", "has_hub_tags": "BOOLEAN",
    "hub_base_row": "BOOLEAN", "tag_base_model": "BOOLEAN",
}


def _status_sql(key: str) -> str:
    conflict = " OR ".join(c.flag for c in CHECKS if c.rule == key) or "false"
    return f"""CAST(CASE WHEN NOT assessed OR has_{key} IS NULL THEN NULL
                         WHEN has_{key} THEN (CASE WHEN {conflict} THEN {INCONSISTENT_CODE}
                                                  ELSE {PASS_CODE} END)
                         ELSE {MISSING_CODE} END AS TINYINT) AS st_{key}"""


def scoring_ctes(source: str, carry: Sequence[str]) -> list[str]:
    """CTEs ``checks``, ``statuses``, ``sums`` and ``scored`` over the relation ``source`` (which
    has every column of :data:`INPUTS`). ``scored`` keeps ``carry`` and adds the flags,
    ``st_<rule>`` (a status code, see :data:`STATUS_CODES`), ``applies_<rule>``,
    ``weight_total``, ``weight_earned2``, ``missing_critical``, ``completeness`` and ``risk``."""
    checks = ", ".join(f"coalesce({c.condition}, false) AS {c.flag}" for c in CHECKS)
    statuses = []
    for r in RULES:
        statuses.append(_status_sql(r.key))
        # A derived-only rule (base model) applies to models known to be derived: from a named
        # base, hub metadata, or (a hint) the model's name.
        applies = ("coalesce(has_base_model, false) OR derived_hint IS NOT NULL"
                   if r.derived_only else "true")
        statuses.append(f"({applies}) AS applies_{r.key}")
    kept = ", ".join(dict.fromkeys([*carry, "assessed", "reuse_count", *FLAGS]))
    # Integer arithmetic: halves rounded up, the same for one card and for 281k models.
    counted = {r.key: f"(st_{r.key} IS NOT NULL AND applies_{r.key})" for r in RULES}
    total = " + ".join(f"(CASE WHEN {counted[r.key]} THEN {r.weight} ELSE 0 END)" for r in RULES)
    earned2 = " + ".join(f"(CASE WHEN {counted[r.key]} THEN {r.weight} * st_{r.key} ELSE 0 END)"
                         for r in RULES)
    missing_critical = " + ".join(
        f"(CASE WHEN st_{r.key} = {MISSING_CODE} AND applies_{r.key} THEN 1 ELSE 0 END)"
        for r in RULES if r.severity is Severity.CRITICAL)
    return [
        f"checks AS (SELECT *, {checks} FROM {source})",
        # MATERIALIZED, and narrow: the scores below read every status several times.
        f"statuses AS MATERIALIZED (SELECT {kept}, {', '.join(statuses)} FROM checks)",
        f"""sums AS (SELECT *, ({total}) AS weight_total, ({earned2}) AS weight_earned2,
                            ({missing_critical}) AS missing_critical
                     FROM statuses)""",
        """scored AS (
        SELECT *,
               CASE WHEN assessed AND weight_total > 0
                    THEN ((1000 * weight_earned2 + weight_total) // (2 * weight_total)) / 10.0
               END AS completeness,
               CASE WHEN assessed THEN reuse_count * missing_critical END AS risk
        FROM sums)""",
    ]


def name_statuses(row: dict[str, Any]) -> dict[str, Any]:
    """Replace a fetched row's status codes by their names (in place; returns the row)."""
    for r in RULES:
        row[f"st_{r.key}"] = STATUS_NAMES[row[f"st_{r.key}"]]
    return row


# --- a single card ------------------------------------------------------------------------------

@cache
def _one_row_sql() -> str:
    inputs = ", ".join(f"CAST(? AS {kind}) AS {name}" for name, kind in INPUTS.items())
    ctes = [f"facts AS (SELECT {inputs})", *scoring_ctes("facts", ())]
    return "WITH " + ",\n".join(ctes) + "\nSELECT * FROM scored"


_local = threading.local()  # one in-memory DuckDB connection per thread, opened on first use


def _connection() -> duckdb.DuckDBPyConnection:
    con: duckdb.DuckDBPyConnection | None = getattr(_local, "con", None)
    if con is None:
        con = _local.con = duckdb.connect()
    return con


def score_card(facts: Mapping[str, Any]) -> dict[str, Any]:
    """The evaluator over one card's facts (a row with the :data:`INPUTS` columns): flags,
    named statuses, ``applies_<rule>``, ``missing_critical``, ``completeness`` and ``risk``."""
    values = tuple(tuple(v) if isinstance(v, list | tuple) else v
                   for v in (facts.get(name) for name in INPUTS))
    out = dict(_evaluate(values))
    for name in ("assessed", "reuse_count"):
        out.pop(name)  # the caller's facts stay as given
    return name_statuses(out)


# Planning the statement costs a few milliseconds; cards share few distinct fact rows (a hub
# refresh scores the snapshot's and the live card of each model), so answers are remembered.
@lru_cache(maxsize=4096)
def _evaluate(values: tuple[Any, ...]) -> tuple[tuple[str, Any], ...]:
    params = [list(v) if isinstance(v, tuple) else v for v in values]
    cur = _connection().execute(_one_row_sql(), params)
    names = [d[0] for d in cur.description or ()]
    row = cur.fetchone()
    assert row is not None  # a SELECT without FROM gives one row
    return tuple(zip(names, row, strict=True))
