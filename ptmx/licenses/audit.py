"""Audit a dataset: a verdict for every model→project link and every base→derived edge.

Links default to USE (the project loads the model at run time) and become REDISTRIBUTE when the
project's licence scan shows the model's own licence (``mit AND stable-diffusion-2022-08-22``);
edges are DERIVE. The dataset is read with one query per relation kind, and each distinct
(upstream, downstream, activity) triple is judged once (the sample's 22,860 links have a few
hundred), so the whole audit costs little more than its two queries.
"""

from __future__ import annotations

import json
import time
import weakref
from collections import Counter
from collections.abc import Callable, Collection
from dataclasses import dataclass, field, replace
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from ptmx.licenses import queries
from ptmx.licenses.chains import Chain, Effective, Lineage, judge_effective
from ptmx.licenses.other import Resolution, resolve_other
from ptmx.licenses.rules import fragment, outcome
from ptmx.licenses.verdicts import Judgement, link_activity, verdict_for
from ptmx.licenses.vocabulary import Activity, Family, Verdict
from ptmx.store import Store, require_model_id, require_project_id

# The keys of one audit record, in output order (`ptmx licenses audit --format json`).
AUDIT_KEYS = ("model", "project", "derived", "upstream", "downstream", "activity", "verdict",
              "reason", "fix")
# Keys a record carries only when its upstream model has base models (issue 18): the chain of
# ancestors with what each imposes, and the ancestor whose terms decided (None: its own licence).
CHAIN_KEYS = ("chain", "inherited_from")


@dataclass(slots=True)
class AuditRecord:
    """The verdict for one relation: a link (model → project) or an edge (base → derived)."""

    kind: str  # "link" | "edge"
    model: str | None  # the upstream model: the reused one, or the base
    project: str | None  # the reusing project (links only)
    derived: str | None  # the derived model (edges only)
    upstream: str | None  # the upstream model's licence as stored
    downstream: str | None  # the project's ('NONE' = scanned, no licence) or derived model's
    activity: str
    verdict: str
    reason: str
    fix: str
    rule: str
    upstream_family: str
    downstream_family: str
    model_id: int | None = None
    project_id: int | None = None
    derived_id: int | None = None
    chain: str | None = None  # JSON list of ancestors (see Effective.chain_rows), None: no bases
    inherited_from: str | None = None  # the ancestor whose licence decided the verdict

    @property
    def severity(self) -> int:
        """Rank of the verdict (higher is worse)."""
        return Verdict(self.verdict).rank

    def to_dict(self, *, full: bool = False) -> dict[str, Any]:
        """The record as plain data: the documented keys, or every field with ``full``."""
        keys = AUDIT_KEYS if not full else tuple(k for k in self.__slots__ if k not in CHAIN_KEYS)
        return with_chain({k: getattr(self, k) for k in keys}, self.chain, self.inherited_from)


def with_chain(row: dict[str, Any], chain: str | None, inherited_from: str | None) -> dict[str, Any]:
    """``row`` plus the chain keys when the model has bases (records of models without bases
    keep exactly the keys they always had)."""
    if chain is not None:
        row["chain"] = json.loads(chain)
        row["inherited_from"] = inherited_from
    return row


class AuditResult:
    """Every record (as an Arrow table, materialised as records on demand), the summary by
    verdict and the family flow."""

    def __init__(self, table: pa.Table, seconds: float) -> None:
        self.table = table
        self.seconds = seconds
        kinds = table.column("kind")
        self.links = pc.sum(pc.equal(kinds, "link")).as_py() or 0
        self.edges = table.num_rows - self.links
        self.summary = summarise(table)
        self.flow = flows(table)
        undecided = sum(r["links"] for r in self.summary if Verdict(r["verdict"]).undecided)
        #: unknown + ambiguous among links (the issue's quality bar: ≤ 3 %)
        self.undecided_share = undecided / self.links if self.links else 0.0
        self._records: list[AuditRecord] | None = None

    @property
    def records(self) -> list[AuditRecord]:
        """Every record as :class:`AuditRecord` (built on first access)."""
        if self._records is None:
            self._records = [AuditRecord(**row) for row in self.table.to_pylist()]
        return self._records

    def rows(self, *, full: bool = False) -> list[dict[str, Any]]:
        """The records as plain dicts (see :data:`AUDIT_KEYS`)."""
        names = [n for n in self.table.column_names if n not in CHAIN_KEYS] if full else \
            list(AUDIT_KEYS)
        rows: list[dict[str, Any]] = self.table.select([*names, *CHAIN_KEYS]).to_pylist()
        for row in rows:
            chain, inherited = row.pop("chain"), row.pop("inherited_from")
            with_chain(row, chain, inherited)
        return rows

    def selected(self, *, verdicts: Collection[str] = (), limit: int | None = None) -> pa.Table:
        """The columns of :meth:`rows` (``chain`` as JSON text, ``inherited_from``) as Arrow,
        ``verdicts`` only, the first ``limit``: for output written from Arrow directly."""
        table = self.table.select([*AUDIT_KEYS, *CHAIN_KEYS])
        if verdicts:
            table = table.filter(pc.is_in(table.column("verdict"),
                                          pa.array(sorted(verdicts), pa.string())))
        return table.slice(0, limit) if limit else table

    def findings(self) -> list[AuditRecord]:
        """Records worse than ok-with-obligations, worst first."""
        mask = pc.is_in(self.table.column("verdict"), _FINDINGS)
        found = [AuditRecord(**row) for row in self.table.filter(mask).to_pylist()]
        return sorted(found, key=lambda r: -r.severity)


@dataclass
class CheckResult:
    """Findings for one project and/or model (or the whole dataset)."""

    scope: dict[str, str | None]
    checked: int
    findings: list[AuditRecord] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def exit_code(self) -> int:
        """1 when any finding is a conflict or drift (for CI), else 0."""
        return 1 if any(Verdict(r.verdict).failing for r in self.findings) else 0

    def rows(self, *, full: bool = False) -> list[dict[str, Any]]:
        """The findings as plain dicts."""
        return [r.to_dict(full=full) for r in self.findings]


# ------------------------------------------------------------------------------------ building
# What `ptmx licenses check` reports, as an Arrow filter value.
_FINDINGS = pa.array([v.value for v in Verdict if v.finding], pa.string())
_NULL = "\x00null"  # stands for a missing licence in the pair key (never a real licence text)
_SEP = "\x00|\x00"
# Verdict columns, taken once per distinct relation key (the chain column is spread per model).
_VERDICT_FIELDS = ("activity", "verdict", "reason", "fix", "rule", "upstream_family",
                   "downstream_family", "inherited_from")
SCHEMA = pa.schema([
    ("kind", pa.string()), ("model", pa.string()), ("project", pa.string()),
    ("derived", pa.string()), ("upstream", pa.string()), ("downstream", pa.string()),
    ("activity", pa.string()), ("verdict", pa.string()), ("reason", pa.string()),
    ("fix", pa.string()), ("rule", pa.string()), ("upstream_family", pa.string()),
    ("downstream_family", pa.string()), ("model_id", pa.int64()), ("project_id", pa.int64()),
    ("derived_id", pa.int64()), ("chain", pa.string()), ("inherited_from", pa.string()),
])


@dataclass(frozen=True)
class _Judged:
    """The verdict columns of one distinct relation."""

    activity: str
    verdict: str
    reason: str
    fix: str
    rule: str
    upstream_family: str
    downstream_family: str
    inherited_from: str | None

    @classmethod
    def of(cls, j: Judgement, eff: Effective | None = None) -> _Judged:
        by = eff.inherited_from.model if eff is not None and eff.inherited_from else None
        return cls(j.activity, j.verdict, j.reason, j.fix, j.rule, j.upstream_family,
                   j.downstream_family, by)


@dataclass
class _Chains:
    """The chains of one column of model ids, split the way the verdicts need them.

    ``terms`` keys a row by the licences its model inherits ('' = no bases), so the many models
    that inherit the same licences share one judgement; ``model`` keys it by the model itself
    ('' = no bases), for the few relations whose verdict an ancestor decides (the reason then
    names that ancestor and the path to it). ``json`` is the chain column, one text per model.
    """

    terms: pa.Array
    model: pa.Array
    json: pa.Array
    by_terms: dict[str, Chain]  # a chain (any) with those inherited licences
    by_model: dict[str, Chain]


def _chains(ids: pa.Array, lineage: Lineage) -> _Chains:
    ids = ids.cast(pa.int64())
    uniq = pc.unique(ids)
    terms: list[str | None] = []
    models: list[str | None] = []
    texts: list[str | None] = []
    by_terms: dict[str, Chain] = {}
    by_model: dict[str, Chain] = {}
    numbers: dict[tuple[str, ...], str] = {}
    for mid in uniq.to_pylist():
        if not lineage.has_bases(mid):
            terms.append("")
            models.append("")
            texts.append(None)
            continue
        chain = lineage.chain(mid)
        # licences as a small number: the key must not depend on what a licence text holds
        number = numbers.setdefault(chain.licenses, str(len(numbers)))
        by_terms.setdefault(number, chain)
        by_model[str(mid)] = chain
        terms.append(number)
        models.append(str(mid))
        texts.append(chain.json)
    where = pc.index_in(ids, uniq)

    def spread(values: list[str | None], fill: str | None) -> pa.Array:
        column = pa.array(values, pa.string()).take(where)
        return pc.fill_null(column, fill) if fill is not None else column

    return _Chains(spread(terms, ""), spread(models, ""), spread(texts, None), by_terms,
                   by_model)


def _judge_keys(key: pa.Array, chains: _Chains,
                judge: Callable[[list[str], Chain | None], _Judged]) -> dict[str, pa.Array]:
    """The verdict columns of every row. ``key`` ends with the row's inherited-licences
    number: each distinct key is judged once with any chain of those licences; where an
    ancestor decides, the rows are judged again per model (their reason names the ancestor),
    the rest keep the shared judgement. This holds because :func:`judge_effective` reads a
    chain only through ``chain.licenses`` until an ancestor decides."""
    first = pc.dictionary_encode(key).combine_chunks()
    shared: list[_Judged] = []
    for k in first.dictionary.to_pylist():
        parts = k.split(_SEP)
        shared.append(judge(parts[:-1], chains.by_terms.get(parts[-1])))
    inherited = pa.array([j.inherited_from is not None for j in shared], pa.bool_())
    if not pc.any(inherited).as_py():
        return _spread(first, shared)
    per_model = inherited.take(first.indices)
    model_part = pc.if_else(per_model, chains.model, pa.scalar("", pa.string()))
    final = pc.dictionary_encode(pc.binary_join_element_wise(key, model_part, _SEP)) \
        .combine_chunks()
    known = dict(zip(first.dictionary.to_pylist(), shared, strict=True))
    judged = []
    for k in final.dictionary.to_pylist():
        head, _, model = k.rpartition(_SEP)
        if not model:
            judged.append(known[head])
        else:
            judged.append(judge(head.split(_SEP)[:-1], chains.by_model[model]))
    return _spread(final, judged)


def _spread(encoded: pa.DictionaryArray, judged: list[_Judged]) -> dict[str, pa.Array]:
    """The verdict columns of each distinct key, spread to every row with one ``take``."""
    return {f: pa.array([getattr(v, f) for v in judged], pa.string()).take(encoded.indices)
            for f in _VERDICT_FIELDS}


def _key(*columns: pa.Array) -> pa.Array:
    return pc.binary_join_element_wise(*columns, _SEP)


def _link_table(store: Store, lineage: Lineage, *, model_id: int | None = None,
                project_id: int | None = None) -> pa.Table:
    """Links with verdicts, vectorised: each distinct (licence pair, inherited licences) is
    judged once and its verdict columns are spread to every link of that key with one
    ``take``; only links whose verdict an ancestor decides are judged per model."""
    links = queries.links(store, model_id=model_id, project_id=project_id)
    n = links.num_rows
    up = links.column("upstream").cast(pa.string())
    down = links.column("downstream").cast(pa.string())
    columns: dict[str, Any] = {f: pa.array([], pa.string()) for f in _VERDICT_FIELDS}
    chain_column: pa.Array = pa.array([], pa.string())
    if n:
        chains = _chains(links.column("model_id"), lineage)
        chain_column = chains.json
        family, resolved = _other_by_family(links.column("model").cast(pa.string()), up)

        def judge(parts: list[str], chain: Chain | None) -> _Judged:
            u, d, model = parts
            return _judge_link(None if u == _NULL else u, None if d == _NULL else d, chain,
                               resolved.get(model) if model else None)

        key = _key(pc.fill_null(up, _NULL), pc.fill_null(down, _NULL), family, chains.terms)
        columns = _judge_keys(key, chains, judge)
    nulls = pa.nulls(n, pa.string())
    return pa.table({
        "kind": pa.array(["link"] * n, pa.string()), "model": links.column("model"),
        "project": links.column("project"), "derived": nulls, "upstream": up, "downstream": down,
        **{f: columns[f] for f in _VERDICT_FIELDS if f != "inherited_from"},
        "model_id": links.column("model_id").cast(pa.int64()),
        "project_id": links.column("project_id").cast(pa.int64()),
        "derived_id": pa.nulls(n, pa.int64()),
        "chain": chain_column, "inherited_from": columns["inherited_from"],
    }, schema=SCHEMA)


def _other_by_family(models: pa.Array, up: pa.Array) -> tuple[pa.Array, dict[str, Resolution]]:
    """For links whose model says ``other``: the model's name where its family tells the licence
    ('' elsewhere), and the resolutions by name."""
    mask = pc.fill_null(pc.equal(pc.utf8_lower(up), "other"), False)
    resolved: dict[str, Resolution] = {}
    for name in pc.unique(models.filter(mask)).to_pylist():
        found = resolve_other(model=name) if name else None
        if found is not None:
            resolved[name] = found
    if not resolved:
        return pa.array([""] * len(models), pa.string()), resolved
    hit = pc.and_(mask, pc.is_in(models, pa.array(list(resolved), pa.string())))
    column = pc.if_else(pc.fill_null(hit, False), models, pa.scalar("", pa.string()))
    return column, resolved


def _judge_link(upstream: str | None, downstream: str | None, chain: Chain | None,
                other: Resolution | None) -> _Judged:
    """One distinct link: its licence (``other`` read through the model family when known),
    judged with its chain when it has one."""
    judged_up = other.license.symbol if other is not None else upstream
    if chain is None:
        j = verdict_for(judged_up, downstream, link_activity(judged_up, downstream))
        eff = None
    else:
        eff = judge_effective(judged_up, chain, downstream)
        j = eff.judgement
    if other is not None:
        note = fragment("other.resolved", tag=upstream, name=other.license.name, how=other.how,
                        source=other.source)
        j = replace(j, upstream=upstream, explanation=note + j.explanation,
                    reason=f"{j.rule}: {note}{j.explanation}")
    return _Judged.of(j, eff)


def _edge_verdict(upstream: str | None, downstream: str | None, relation: str | None,
                  base: str | None, base_known: bool, chain: Chain | None) -> _Judged:
    eff = None
    if upstream is None and not base_known:
        out = outcome("upstream.base-outside-dataset", None, Activity.DERIVE, base=base)
        v = Judgement(out.verdict, Activity.DERIVE, out.rule, f"{out.rule}: {out.reason}",
                      out.fix, None, downstream, Family.UNKNOWN,
                      verdict_for(None, downstream, Activity.DERIVE).downstream_family, None,
                      out.reason, out.rule_id)
    elif chain is not None:
        eff = judge_effective(upstream, chain, downstream, Activity.DERIVE)
        v = eff.judgement
    else:
        v = verdict_for(upstream, downstream, Activity.DERIVE)
    if relation and relation != "unspecified":
        v = replace(v, reason=f"[{relation}] {v.reason}",
                    explanation=f"[{relation}] {v.explanation}")
    return _Judged.of(v, eff)


def _edge_table(store: Store, lineage: Lineage, edges: pa.Table | None = None, *,
                model_id: int | None = None) -> pa.Table:
    """Edges with verdicts, vectorised like links (the key adds the relation, and the base's
    name only when the base is outside the dataset, since the reason then names it). The
    base's own bases bind the derived model too."""
    if edges is None:
        edges = queries.edges(store, model_id=model_id)
    n = edges.num_rows
    if not n:
        return SCHEMA.empty_table()
    up = edges.column("upstream").cast(pa.string())
    down = edges.column("downstream").cast(pa.string())
    relation = pc.fill_null(edges.column("relation").cast(pa.string()), "unspecified")
    base = edges.column("base").cast(pa.string())
    base_id = edges.column("base_id").cast(pa.int64())
    outside = pc.and_(pc.is_null(up), pc.is_null(base_id))
    base_part = pc.if_else(outside, pc.fill_null(base, ""), pa.scalar("", pa.string()))
    chains = _chains(base_id, lineage)

    def judge(parts: list[str], chain: Chain | None) -> _Judged:
        u, d, rel, b, out = parts
        return _edge_verdict(None if u == _NULL else u, None if d == _NULL else d, rel,
                             b or None, out != "true", chain)

    key = _key(pc.fill_null(up, _NULL), pc.fill_null(down, _NULL), relation, base_part,
               pc.cast(outside, pa.string()), chains.terms)
    columns = _judge_keys(key, chains, judge)
    return pa.table({
        "kind": pa.array(["edge"] * n, pa.string()), "model": base,
        "project": pa.nulls(n, pa.string()), "derived": edges.column("derived").cast(pa.string()),
        "upstream": up, "downstream": down,
        **{f: columns[f] for f in _VERDICT_FIELDS if f != "inherited_from"},
        "model_id": base_id, "project_id": pa.nulls(n, pa.int64()),
        "derived_id": edges.column("derived_id").cast(pa.int64()),
        "chain": chains.json, "inherited_from": columns["inherited_from"],
    }, schema=SCHEMA)


def summarise(table: pa.Table) -> list[dict[str, Any]]:
    """Counts by verdict for links and edges, in verdict order, with the share of links."""
    counts = {(r["kind"], r["verdict"]): r["verdict_count"] for r in
              table.group_by(["kind", "verdict"]).aggregate([("verdict", "count")]).to_pylist()}
    n_links = sum(c for (k, _), c in counts.items() if k == "link")
    rows = []
    for verdict in Verdict:
        links, edges = counts.get(("link", verdict), 0), counts.get(("edge", verdict), 0)
        if links or edges:
            rows.append({"verdict": verdict.value, "links": links, "edges": edges,
                         "share_of_links": round(links / n_links, 4) if n_links else 0.0})
    return rows


def flows(table: pa.Table) -> list[dict[str, Any]]:
    """Upstream family → downstream family with counts (the paper's Sankey, as rows), largest
    first per relation kind; ``verdicts`` breaks each flow down by verdict."""
    keys = ["kind", "upstream_family", "downstream_family", "verdict"]
    grouped = table.group_by(keys).aggregate([("verdict", "count")]).to_pylist()
    merged: dict[tuple[str, str, str], dict[str, int]] = {}
    for r in grouped:
        merged.setdefault((r["kind"], r["upstream_family"], r["downstream_family"]),
                          {})[r["verdict"]] = r["verdict_count"]
    order = sorted(merged, key=lambda k: (k[0] != "link", -sum(merged[k].values()), k[1], k[2]))
    return [{"relation": kind, "upstream_family": up, "downstream_family": down,
             "count": sum(merged[(kind, up, down)].values()),
             "verdicts": {name.value: merged[(kind, up, down)][name] for name in Verdict
                          if name in merged[(kind, up, down)]}}
            for kind, up, down in order]


# ------------------------------------------------------------------------------------ API
# One lineage per open store: a dataset folder is read-only while it is open, so its chains
# (and their JSON) are built once and shared by every audit, check and explain on that store.
_LINEAGES: weakref.WeakKeyDictionary[Store, Lineage] = weakref.WeakKeyDictionary()


def lineage(store: Store, edges: pa.Table | None = None) -> Lineage:
    """The dataset's base edges as a :class:`Lineage` (chains per model, memoised), built once
    per open store (from ``edges`` when the caller has read them already)."""
    found = _LINEAGES.get(store)
    if found is None:
        found = Lineage(queries.edges(store) if edges is None else edges)
        found.add_hub(queries.hub_bases(store))  # the Hub's base_model tags (issue 18)
        _LINEAGES[store] = found
    return found


def audit(store: Store, *, inherit: bool = True) -> AuditResult:
    """Judge every model→project link and base→derived edge of the dataset against the
    effective terms of the upstream model (its licence and its bases'). ``inherit=False``
    judges each against the upstream model's own licence only (no chains): what ptmx did
    before issue 18, kept to measure what inheritance changes."""
    started = time.perf_counter()
    edges = queries.edges(store)
    chains = lineage(store, edges) if inherit else Lineage(edges.slice(0, 0))
    table = pa.concat_tables([_link_table(store, chains), _edge_table(store, chains, edges)])
    return AuditResult(table, time.perf_counter() - started)


def check(store: Store, project: str | None = None, model: str | None = None) -> CheckResult:
    """Findings worse than ok-with-obligations for a project and/or a model (both None: the
    whole dataset). Unknown names raise NotFoundError with suggestions."""
    project_id = require_project_id(store, project) if project else None
    model_id = require_model_id(store, model) if model else None
    chains = lineage(store)
    tables = [_link_table(store, chains, model_id=model_id, project_id=project_id)]
    if project_id is None:
        tables.append(_edge_table(store, chains, model_id=model_id))
    table = pa.concat_tables(tables)
    verdicts = table.column("verdict").to_pylist()
    counts = Counter(verdicts)
    found = table.filter(pc.is_in(table.column("verdict"), _FINDINGS))
    findings = sorted((AuditRecord(**row) for row in found.to_pylist()),
                      key=lambda r: (-r.severity, r.model or "", r.project or r.derived or ""))
    return CheckResult({"project": project, "model": model}, table.num_rows, findings,
                       {v.value: counts[v] for v in Verdict if v in counts})
