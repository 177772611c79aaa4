"""``ptmx drift``: what changed on the Hub for every reused model of the dataset.

The dataset froze the Hub in 2023; ``ptmx hub refresh`` (table ``hub_snapshot``) and ``ptmx hub
crawl`` (table ``hub_models``) record the Hub now. For each *reused* model (at least one project
link) :func:`dataset_drift` takes the newest hub row (by ``fetched_at``, over both tables) and
reports one :class:`DriftItem` per change:

- ``license``: the dataset's licence vs the hub's, both normalised by the licence engine (an
  ``other`` licence is resolved from its ``license_name`` / ``license_link`` when it can be);
- ``rename``: the hub answers under another id (``live_id`` ≠ ``model``);
- ``deleted``: the hub row says ``not_found``;
- ``gated``: the model is gated now (the snapshot lists public models only);
- ``base``: the hub's base models differ from the dataset's (``model_base``);
- ``derivatives``: more hub models name it as their base than the dataset records;
- ``weights``: the weights format changed between two hub rows that both know it.

For a licence change every model→project link is judged before and after with the licence
engine (the model's own licence against the project's scanned licences, as ``hub info`` does for
one model; inherited chains are the audit's business), and :attr:`DatasetDrift.verdicts` lists
the links whose verdict moves. Models without any hub row are counted (``not_crawled``).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from functools import cache
from importlib import resources
from typing import Any

from ptmx.licenses import link_activity, resolve_other, verdict_for
from ptmx.licenses.expressions import parse, render
from ptmx.licenses.queries import links
from ptmx.store import Store

HUB_TABLES = ("hub_models", "hub_snapshot")
KINDS = ("license", "rename", "deleted", "gated", "base", "derivatives", "weights")
GONE = frozenset({"not_found"})
# The columns every hub table is read as (a missing one is NULL); the types of snapshot.SCHEMA.
_COLUMNS: dict[str, str] = {
    "model": "VARCHAR", "live_id": "VARCHAR", "status": "VARCHAR", "fetched_at": "TIMESTAMPTZ",
    "gated": "VARCHAR", "license": "VARCHAR", "licenses": "VARCHAR[]",
    "license_name": "VARCHAR", "license_link": "VARCHAR", "base_models": "VARCHAR[]",
    "children_count": "BIGINT", "weights_format": "VARCHAR", "snapshot": "VARCHAR",
}
_CARD = ("card AS (SELECT model_id, any_value(license) AS license FROM model_card "
         "WHERE license IS NOT NULL GROUP BY model_id)")
_NO_CARD = ("card AS (SELECT CAST(NULL AS BIGINT) AS model_id, CAST(NULL AS VARCHAR) AS license "
            "WHERE false)")


class NoHubTableError(LookupError):
    """The dataset has neither ``hub_models`` nor ``hub_snapshot``."""


@dataclass
class DriftItem:
    """One change of one reused model."""

    kind: str
    model: str
    projects: int  # the model's project links in the dataset
    then: str | None
    now: str | None
    detail: str | None = None
    live_id: str | None = None
    verdicts_changed: int = 0  # licence changes: links whose verdict moves

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready dict."""
        return asdict(self)


@dataclass
class VerdictChange:
    """A model→project link whose licence verdict moves with the hub's licence."""

    model: str
    project: str
    project_license: str
    license_then: str | None
    license_now: str | None
    before: str
    after: str

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready dict."""
        return asdict(self)


@dataclass
class DatasetDrift:
    """The dataset-wide drift: items, verdict changes and what the hub tables cover."""

    tables: list[str]
    reused: int  # reused models of the dataset
    crawled: int  # of which have a hub row
    items: list[DriftItem] = field(default_factory=list)
    verdicts: list[VerdictChange] = field(default_factory=list)
    unscanned_links: int = 0  # links of licence-changed models whose project was never scanned

    @property
    def not_crawled(self) -> int:
        """Reused models without any hub row yet."""
        return self.reused - self.crawled

    @property
    def by_kind(self) -> dict[str, int]:
        """Items per kind, in :data:`KINDS` order (zeros included)."""
        counts = Counter(i.kind for i in self.items)
        return {k: counts.get(k, 0) for k in KINDS}

    @property
    def projects_flipped(self) -> list[str]:
        """The projects with at least one link whose verdict changes, sorted."""
        return sorted({v.project for v in self.verdicts})

    def summary(self) -> dict[str, Any]:
        """Counts: models, coverage, changes per kind, verdict flips."""
        return {"hub_tables": self.tables, "reused_models": self.reused, "crawled": self.crawled,
                "not_crawled": self.not_crawled, "changes": self.by_kind,
                "verdict_changes": len(self.verdicts),
                "projects_flipped": len(self.projects_flipped),
                "unscanned_links": self.unscanned_links}

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready dict."""
        return {"summary": self.summary(), "drift": [i.to_dict() for i in self.items],
                "verdict_changes": [v.to_dict() for v in self.verdicts]}


# -- SQL ----------------------------------------------------------------------------------------
@cache
def _sql(name: str) -> str:
    return resources.files("ptmx.hub").joinpath(name).read_text(encoding="utf-8")


def hub_tables(store: Store) -> list[str]:
    """The hub tables the dataset has (``hub_models``, ``hub_snapshot``)."""
    return [t for t in HUB_TABLES if store.has(t)]


def _hub_rows(store: Store, tables: Sequence[str]) -> str:
    """One SELECT per hub table with the columns of :data:`_COLUMNS` (NULL where a table lacks
    one), joined by UNION ALL. Only fixed table and column names go into the text."""
    parts = []
    for table in tables:
        present = set(store.query(f"SELECT * FROM {table} LIMIT 0").column_names)
        cols = [f"CAST({c} AS {t}) AS {c}" if c in present else f"CAST(NULL AS {t}) AS {c}"
                for c, t in _COLUMNS.items()]
        parts.append(f"SELECT {', '.join(cols)}, '{table}' AS src FROM {table}")
    return " UNION ALL ".join(parts)


# -- licence normalisation ------------------------------------------------------------------------
def _canonical(spelling: str) -> str:
    return render(parse(spelling))


def dataset_license(text: str | None) -> str | None:
    """The dataset's licence (names joined by `` AND ``) in the engine's canonical spelling."""
    if not text or not text.strip():
        return None
    return " AND ".join(sorted({_canonical(p) for p in text.split(" AND ") if p.strip()}))


def hub_license(license_: str | None, licenses: Sequence[str] | None, name: str | None,
                link: str | None, model: str | None = None, *, resolve: bool = True
                ) -> str | None:
    """The hub's licence in the engine's canonical spelling; ``other`` resolved through its
    ``license_name`` / ``license_link`` when the engine knows them (and ``resolve``)."""
    tags = [t for t in (licenses or ([license_] if license_ else [])) if t and t.strip()]
    if not tags:
        return None
    out = set()
    for tag in tags:
        resolution = resolve_other(name, link, model) \
            if resolve and tag.strip().lower() == "other" else None
        out.add(resolution.license.symbol if resolution is not None else _canonical(tag))
    return " AND ".join(sorted(out))


# -- the comparison -------------------------------------------------------------------------------
def _is_gated(value: Any) -> bool:
    return value not in (None, "", "false", "False", "0")


def _lc_set(values: Sequence[str] | None) -> set[str]:
    return {v.strip().lower() for v in values or [] if v and v.strip()}


def _items_of(row: dict[str, Any], has_bases: bool) -> list[DriftItem]:
    """Every change the model's newest hub row shows against the dataset."""
    model, n = row["model"], int(row["reuse_count"])

    def item(kind: str, then: Any, now: Any, detail: str | None = None) -> DriftItem:
        return DriftItem(kind, model, n, then, now, detail, row["live_id"])

    status = (row["status"] or "ok").lower()
    if status in GONE:
        return [item("deleted", "public", status.replace("_", " "), "the hub has no such model")]
    out: list[DriftItem] = []
    live = row["live_id"]
    if live and live != model:
        out.append(item("rename", model, live, f"the hub redirects {model} to {live}"))
    if _is_gated(row["gated"]):
        out.append(item("gated", "public", f"gated ({row['gated']})",
                        "access needs an accepted request on the hub"))
    if status not in ("ok", "renamed"):
        return out  # an error row says nothing reliable about the fields below
    then_lic = dataset_license(row["license"])
    now_lic = hub_license(row["hub_license"], row["hub_licenses"], row["hub_license_name"],
                          row["hub_license_link"], model)
    # "other" in both, unresolved in the dataset: the same words, not a change.
    same_words = then_lic == hub_license(row["hub_license"], row["hub_licenses"], None, None,
                                         resolve=False)
    if then_lic != now_lic and not same_words:
        out.append(item("license", then_lic, now_lic,
                        "no licence on the hub now" if now_lic is None else None))
    hub_bases = row["hub_bases"]
    if has_bases and hub_bases is not None and _lc_set(row["bases"]) != _lc_set(hub_bases):
        then_b, now_b = _lc_set(row["bases"]), _lc_set(hub_bases)
        detail = "; ".join(filter(None, [
            "new: " + ", ".join(sorted(now_b - then_b)) if now_b - then_b else None,
            "gone: " + ", ".join(sorted(then_b - now_b)) if then_b - now_b else None]))
        out.append(item("base", ", ".join(sorted(row["bases"])) or None,
                        ", ".join(sorted(hub_bases)) or None, detail))
    if int(row["derived_now"]) > int(row["derived"]):
        out.append(item("derivatives", str(row["derived"]), str(row["derived_now"]),
                        f"+{int(row['derived_now']) - int(row['derived']):,} derived models on "
                        "the hub"))
    w_then, w_now = row["weights_then"], row["weights_now"]
    if w_then and w_now and w_now != "unknown" and w_then != w_now:
        out.append(item("weights", w_then, w_now, f"{w_then} → {w_now}"))
    return out


def _judge(upstream: str | None, downstream: str) -> str:
    return str(verdict_for(upstream, downstream, link_activity(upstream, downstream)).verdict)


def _verdict_changes(store: Store, model_id: int, change: DriftItem
                     ) -> tuple[list[VerdictChange], int]:
    """The links of a licence-changed model whose verdict moves; and how many links were left
    out because their project was never scanned."""
    table = links(store, model_id=model_id).select(["project", "upstream", "downstream"])
    out, unscanned = [], 0
    for link in table.to_pylist():
        down = link["downstream"]
        if down is None:
            unscanned += 1
            continue
        # The dataset side as the engine reads it (its own spelling), the hub side canonical.
        before, after = _judge(link["upstream"], down), _judge(change.now, down)
        if before != after:
            out.append(VerdictChange(change.model, link["project"], down, change.then,
                                     change.now, before, after))
    return out, unscanned


def dataset_drift(store: Store, kinds: Sequence[str] | None = None) -> DatasetDrift:
    """The drift of every reused model (``kinds`` keeps only those kinds; default all).
    Raises :class:`NoHubTableError` when the dataset has no hub table."""
    tables = hub_tables(store)
    if not tables:
        raise NoHubTableError("the dataset has no hub table (hub_models or hub_snapshot)")
    wanted = set(kinds or KINDS)
    card = _CARD if store.has("model_card") else _NO_CARD
    sql = _sql("dataset_drift.sql").format(hub_rows=_hub_rows(store, tables), card=card)
    rows = store.rows(sql)
    result = DatasetDrift(list(tables), len(rows), sum(1 for r in rows if r["crawled"]))
    has_bases = store.has("model_base")
    for row in rows:
        if not row["crawled"]:
            continue
        for it in _items_of(row, has_bases):
            if it.kind not in wanted:
                continue
            if it.kind == "license":
                changes, unscanned = _verdict_changes(store, int(row["model_id"]), it)
                it.verdicts_changed = len(changes)
                result.verdicts += changes
                result.unscanned_links += unscanned
            result.items.append(it)
    return result


@dataclass(frozen=True)
class HubNow:
    """The hub's values now for one model (the TUI's "now" columns)."""

    license: str | None
    gated: str | None
    status: str | None
    live_id: str | None


def hub_now(store: Store, models: Sequence[str]) -> dict[str, HubNow]:
    """The newest hub row of each of ``models`` (keys lower-cased); {} without a hub table."""
    tables = hub_tables(store)
    if not tables or not models:
        return {}
    sql = _sql("dataset_drift_now.sql").format(hub_rows=_hub_rows(store, tables))
    out = {}
    for r in store.rows(sql, [list(models)]):
        lic = hub_license(r["license"], r["licenses"], r["license_name"], r["license_link"],
                          r["model_lc"])
        gated = str(r["gated"]) if _is_gated(r["gated"]) else None
        out[r["model_lc"]] = HubNow(lic, gated, r["status"], r["live_id"])
    return out
