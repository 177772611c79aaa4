"""Effective terms: a model's own licence AND what its base models' licences require of every
derivative, along the lineage (``model_base``) of the dataset.

A fine-tune of a non-commercial base is non-commercial whatever its card says; a quantization of
a Llama fine-tune still carries the Llama agreement. :class:`Lineage` reads the base edges once
(one pass over the edge table the audit already loads) and answers, per model and memoised, its
:class:`Chain`: every ancestor with its licence, the path to it, and the gaps (a base outside the
dataset, a base with no licence recorded, a cycle). :func:`judge_effective` judges a relation
against the model's own licence and each inherited licence and keeps the strictest, saying which
ancestor imposed it.

An inherited licence only ever makes a verdict stricter. An ancestor whose licence is undecided
(unknown, or a family tag whose readings disagree) is reported in the chain and changes nothing;
when the model's *own* licence is undecided, an inherited verdict wins only where no reading of
the own licence could be stricter (a conflict, or use-constrained for plain use).
"""

from __future__ import annotations

import json
from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass, replace
from functools import cache, cached_property, lru_cache
from json.encoder import encode_basestring
from typing import TYPE_CHECKING, Any, NamedTuple

from ptmx.licenses.expressions import NONE, leaves, parse
from ptmx.licenses.other import UNDECIDED_TAGS, Resolution, is_other, resolve_other
from ptmx.licenses.rules import fragment
from ptmx.licenses.verdicts import Judgement, link_activity, verdict_for
from ptmx.licenses.vocabulary import Activity, Verdict

if TYPE_CHECKING:  # Arrow only as the type of the audit's edge table: pages build from rows
    import pyarrow as pa

# The columns of queries.hub_bases, in the order add_hub reads them.
HUB_COLUMNS = ("child", "parent", "relation", "child_id", "parent_id", "parent_license",
               "hub_license", "license_name", "license_link", "parent_on_hub")
_EDGE_COLUMNS = ("base", "base_id", "upstream", "derived", "derived_id", "relation")
MAX_DEPTH = 32  # a lineage deeper than this is cut (and said); real ones have a handful of hops
ARROW = " → "


class Ancestor(NamedTuple):
    """One base model on a model's chain: ``path`` runs from the model to it, ``via`` is that
    path in words (``model → base → base's base``), ``gap`` why its terms are not known (outside
    the dataset, no licence recorded, a cycle)."""

    model: str
    model_id: int | None
    license: str | None
    depth: int
    path: tuple[str, ...]
    via: str
    relation: str | None = None
    gap: str | None = None
    source: str | None = None  # "hub": the edge is the Hub's base_model tag, not the dataset's
    declared: str | None = None  # the licence as tagged, when ``license`` was resolved from it


class _Edge(NamedTuple):
    base_id: int | None
    base: str
    license: str | None
    relation: str | None
    source: str | None = None
    declared: str | None = None


@dataclass(frozen=True, eq=False)
class Chain:
    """A model's ancestors, nearest first (one object per model: compared by identity)."""

    model: str
    model_id: int | None
    ancestors: tuple[Ancestor, ...] = ()

    @cached_property
    def inherited(self) -> tuple[Ancestor, ...]:
        """Ancestors whose licence is known, one per distinct licence (the nearest)."""
        seen: set[str] = set()
        out = []
        for a in self.ancestors:
            if a.gap is None and a.license and a.license not in seen:
                seen.add(a.license)
                out.append(a)
        return tuple(out)

    @cached_property
    def licenses(self) -> tuple[str, ...]:
        """The inherited licences, nearest first (one per distinct licence)."""
        return tuple(a.license or "" for a in self.inherited)

    @cached_property
    def json(self) -> str | None:
        """The ancestors as a JSON list (None without ancestors): model, license, depth, via,
        relation when known, and what it imposes or why its terms are unknown. Written by hand
        from escaped strings: the audit writes thousands of chains and json.dumps of dicts
        cost three times as much."""
        if not self.ancestors:
            return None
        parts = []
        for a in self.ancestors:
            text = (f'{{"model":{_q(a.model)},"license":{_q(a.license) if a.license else "null"},'
                    f'"depth":{a.depth},"via":{_q(a.via)}')
            if a.relation:
                text += f',"relation":{_q(a.relation)}'
            if a.source:
                text += f',"source":{_q(a.source)}'
            if a.declared:
                text += f',"declared":{_q(a.declared)}'
            if a.gap:
                text += f',"gap":{_q(a.gap)}}}'
            else:
                text += f',"imposes":{_imposes_json(a.license)}}}'
            parts.append(text)
        return "[" + ",".join(parts) + "]"

    @property
    def gaps(self) -> list[Ancestor]:
        """Ancestors whose terms could not be read (and cycles)."""
        return [a for a in self.ancestors if a.gap is not None]


class Lineage:
    """The base edges of a dataset as adjacency lists, with a memoised chain per model."""

    def __init__(self, edges: pa.Table | None = None) -> None:
        self._bases: dict[int, list[_Edge]] = {}
        self._names: dict[int, str] = {}
        if edges is not None and edges.num_rows:
            cols = {name: edges.column(name).to_pylist() for name in _EDGE_COLUMNS}
            self._add(zip(*(cols[name] for name in _EDGE_COLUMNS), strict=True))
        self._memo: dict[int, Chain] = {}
        self._children: dict[int, list[int]] | None = None

    @classmethod
    def from_rows(cls, rows: Iterable[dict[str, Any]]) -> Lineage:
        """A lineage from edge rows as dicts (the columns of ``queries.edges``): for one page's
        ancestry, read without Arrow."""
        found = cls()
        found._add(tuple(r[name] for name in _EDGE_COLUMNS) for r in rows)
        return found

    def _add(self, edges: Iterable[tuple[Any, ...]]) -> None:
        for base, base_id, lic, derived, derived_id, relation in edges:
            if derived_id is None:
                continue
            self._names.setdefault(derived_id, derived)
            if base_id is not None:
                self._names.setdefault(base_id, base)
            rel = None if relation in (None, "", "unspecified") else relation
            self._bases.setdefault(derived_id, []).append(_Edge(base_id, base, lic, rel))

    def add_hub(self, columns: dict[str, list[Any]]) -> int:
        """Extend the lineage with the Hub's ``base_model`` edges (the columns of
        ``queries.hub_bases``): a base the dataset does not record for a model is added, and a
        base outside the dataset that the Hub knows is followed further (it gets an id below
        zero; its licence is the Hub's). A ``license: other`` is read through the Hub row's
        ``license_name`` / ``license_link`` (then the model family), as a model's own is.
        Called before any chain is asked for; returns the number of edges added."""
        outside: dict[str, int] = {}
        have = {(d, e.base.lower()) for d, edges in self._bases.items() for e in edges}
        added = 0
        for child_name, parent_name, relation, child_id, parent_id, *lic_columns, on_hub in zip(
                *(columns[name] for name in HUB_COLUMNS), strict=True):
            parent_l = parent_name.lower()
            child = child_id if child_id is not None else \
                outside.setdefault(child_name.lower(), -1 - len(outside))
            if (child, parent_l) in have:
                continue  # the dataset (or an earlier row) records this base already
            have.add((child, parent_l))
            parent = parent_id if parent_id is not None else \
                outside.setdefault(parent_l, -1 - len(outside)) if on_hub else None
            lic = lic_columns[0] or lic_columns[1]
            declared = None
            if lic is None or lic.strip().lower() in UNDECIDED_TAGS:  # else the tag decides
                lic, declared = _hub_license(parent_name, *lic_columns)
            rel = None if relation in (None, "", "unspecified") else relation
            self._bases.setdefault(child, []).append(
                _Edge(parent, parent_name, lic, rel, "hub", declared))
            self._names.setdefault(child, child_name)
            if parent is not None:
                self._names.setdefault(parent, parent_name)
            added += 1
        self._memo.clear()
        self._children = None
        return added

    def __len__(self) -> int:
        return sum(len(b) for b in self._bases.values())

    def relatives(self, model_id: int) -> list[int]:
        """The model's base family: its direct bases (in the dataset) and their other
        derivatives, for looking up models that do the same job."""
        if self._children is None:
            children: dict[int, list[int]] = {}
            for derived, bases in self._bases.items():
                for base_id, *_ in bases:
                    if base_id is not None:
                        children.setdefault(base_id, []).append(derived)
            self._children = children
        out: list[int] = []
        for base_id, *_ in self._bases.get(model_id, ()):
            if base_id is not None:
                out.append(base_id)
                out.extend(self._children.get(base_id, ()))
        return [m for m in dict.fromkeys(out) if m != model_id]

    def has_bases(self, model_id: int | None) -> bool:
        """Whether the model has at least one recorded base."""
        return model_id is not None and model_id in self._bases

    def chain(self, model_id: int | None, name: str | None = None) -> Chain:
        """The chain of one model (empty for a model without bases), memoised."""
        label = name or (self._names.get(model_id, "") if model_id is not None else "")
        if model_id is None or model_id not in self._bases:
            return Chain(label, model_id)
        found = self._memo.get(model_id)
        if found is None:
            found = Chain(label, model_id, tuple(self._walk(model_id, label)))
            self._memo[model_id] = found
        return found

    def _walk(self, start: int, label: str) -> list[Ancestor]:
        """Breadth first from ``start``: nearest ancestors first, each reached once; an edge
        back onto the path it came by is a cycle (said, not followed)."""
        outside, no_license = _gap_texts()
        out: list[Ancestor] = []
        seen = {start}
        queue: deque[tuple[int, tuple[str, ...], str, tuple[int, ...]]] = deque(
            [(start, (label,), label, (start,))])
        while queue:
            node, path, via, ids = queue.popleft()
            depth = len(path)
            for base_id, base, lic, rel, src, declared in self._bases.get(node, ()):
                step, step_via = (*path, base), f"{via}{ARROW}{base}"
                if base_id is None:
                    out.append(Ancestor(base, None, None, depth, step, step_via, rel, outside,
                                        src))
                elif base_id in ids:
                    out.append(Ancestor(base, base_id, lic, depth, step, step_via, rel,
                                        fragment("chain.cycle", model=base), src))
                elif base_id not in seen:  # else a diamond, reached already by a shorter path
                    seen.add(base_id)
                    if depth > MAX_DEPTH:
                        out.append(Ancestor(base, base_id, lic, depth, step, step_via, rel,
                                            fragment("chain.too-deep", depth=MAX_DEPTH), src))
                        continue
                    out.append(Ancestor(base, base_id, lic, depth, step, step_via, rel,
                                        None if lic else no_license, src, declared))
                    queue.append((base_id, step, step_via, (*ids, base_id)))
        return out


def _hub_license(parent: str, dataset: str | None, hub: str | None, license_name: str | None,
                 license_link: str | None) -> tuple[str | None, str | None]:
    """A hub ancestor's licence (the dataset's, else the Hub's) and, when that was ``other``
    and is resolved through license_name / license_link / the model family, what was tagged."""
    lic = dataset or hub
    if lic is not None and not is_other(lic):
        return lic, None
    if lic is None and not (license_name or license_link):
        return None, None  # nothing tagged: its terms stay unknown, not guessed from its name
    found = _resolve(license_name, license_link, parent)
    if found is None:
        return lic, None
    how = license_name if found.how == "license_name" else found.matched
    return found.license.symbol, f"{lic or 'none'} ({found.how}: {how})"


@lru_cache(maxsize=4096)
def _resolve(license_name: str | None, license_link: str | None,
             model: str) -> Resolution | None:
    return resolve_other(license_name, license_link, model)


def _q(text: str) -> str:
    """A JSON string literal (non-ASCII kept as is, like ``ensure_ascii=False``)."""
    return encode_basestring(text)


@lru_cache(maxsize=4096)
def _imposes_json(text: str | None) -> str:
    return json.dumps(list(_imposes(text)), ensure_ascii=False, separators=(",", ":"))


@cache
def _gap_texts() -> tuple[str, str]:
    return fragment("chain.outside"), fragment("chain.no-license")


# ------------------------------------------------------------------------------------ terms
def imposes(text: str | None) -> list[str]:
    """What a licence requires of every derivative and its users, in short words."""
    return list(_imposes(text))


@lru_cache(maxsize=4096)
def _imposes(text: str | None) -> tuple[str, ...]:
    if not text or text.strip().upper() == NONE:
        return ()
    out: list[str] = []
    for leaf in leaves(parse(text)):
        lic = leaf.license
        if not lic.family.is_grant:
            continue
        terms = []
        if lic.commercial == "no":
            terms.append("non-commercial use only")
        elif lic.cap:
            terms.append(f"user cap: {lic.cap}")
        if lic.use_restrictions:
            terms.append("use restrictions pass through")
        if lic.agreement:
            terms.append(f"keep the {lic.name}")
        if lic.naming:
            terms.append(f"name must {lic.naming}")
        if lic.no_derivatives:
            terms.append("no derivatives")
        if lic.copyleft in ("strong", "network", "share-alike"):
            terms.append(f"{lic.copyleft} copyleft")
        elif lic.copyleft == "weak":
            terms.append("weak copyleft")
        if {"attribution", "notice", "license-copy"} & set(lic.obligations):
            terms.append("attribution / licence notice")
        for t in terms:
            if t not in out:
                out.append(t)
    return tuple(out)


def _ceiling(activity: Activity) -> Verdict:
    """The strictest verdict any licence can give for ``activity``."""
    return Verdict.USE_CONSTRAINED if activity is Activity.USE else Verdict.CONFLICT


def _stricter(candidate: Verdict, current: Verdict, activity: Activity) -> bool:
    if candidate.undecided:
        return False
    if current.undecided:
        return candidate is Verdict.CONFLICT or candidate is _ceiling(activity)
    return candidate.rank > current.rank


@dataclass(frozen=True)
class Effective:
    """A relation judged against a model's effective terms."""

    judgement: Judgement
    chain: Chain
    inherited_from: Ancestor | None = None

    def chain_rows(self) -> list[dict[str, Any]]:
        """The chain as plain data: each ancestor, its licence, the path, its relation, what
        it imposes on every derivative (or why its terms are not known)."""
        rows: list[dict[str, Any]] = json.loads(self.chain_json() or "[]")
        return rows

    def chain_json(self) -> str | None:
        """The chain as JSON text (None for a model without bases), built once per chain."""
        return self.chain.json


def _activity(own: str | None, licenses: tuple[str, ...], downstream: str | None) -> Activity:
    """A link's activity: use, or redistribute when the project's scan shows the model's own or
    an inherited licence (the shipped weights carry both)."""
    act = link_activity(own, downstream)
    if act is Activity.USE and any(link_activity(lic, downstream) is Activity.REDISTRIBUTE
                                   for lic in licenses):
        return Activity.REDISTRIBUTE
    return act


@lru_cache(maxsize=65536)
def _decide(own: str | None, licenses: tuple[str, ...], downstream: str | None,
            activity: Activity | None) -> tuple[Judgement, Judgement, int]:
    """The own licence's judgement, the strictest one, and the index of the inherited licence
    that gave it (-1: the own licence decides). Cached: thousands of models share a handful
    of (own, inherited) licence combinations."""
    act = _activity(own, licenses, downstream) if activity is None else activity
    base = verdict_for(own, downstream, act)
    best, index = base, -1
    for i, lic in enumerate(licenses):
        j = verdict_for(lic, downstream, act)
        if _stricter(j.verdict, best.verdict, act) or \
                _unknown_downstream(j.verdict, best.verdict, lic, downstream, act):
            best, index = j, i
    return base, best, index


def _unknown_downstream(candidate: Verdict, current: Verdict, lic: str, downstream: str | None,
                        activity: Activity) -> bool:
    """Whether an inherited licence that is known, but undecided here only because the
    downstream licence is not known (a derived model whose card names none), makes a milder
    verdict undecided: the derived model may not carry the ancestor's terms. Without this, an
    Apache relabel of a Llama 2 base passed its derivatives of unknown licence as
    ok-with-obligations, while the Llama 2 base's own derivatives were unknown."""
    if downstream is not None or not candidate.undecided or current.undecided:
        return False
    worst = verdict_for(lic, NONE, activity).verdict  # what a derivative that carries nothing gets
    return not worst.undecided and worst.rank > current.rank


def judge_effective(own: str | None, chain: Chain, downstream: str | None,
                    activity: Activity | None = None) -> Effective:
    """Judge ``own`` (the model's licence) and every licence ``chain`` inherits against
    ``downstream``; the strictest decides. ``activity`` None = a link (use, or redistribute when
    the project's scan shows the model's or an inherited licence)."""
    base, best, index = _decide(own, chain.licenses, downstream, activity)
    if index < 0:
        return Effective(base, chain)
    by = chain.inherited[index]
    note = fragment("inherited", ancestor=by.model, license=by.license, via=by.via)
    if base.verdict.undecided:
        note += fragment("inherited.own-undecided", own=own or fragment("own.not-recorded"))
    explanation = f"{note}{best.explanation}"
    judged = replace(best, upstream=own, explanation=explanation,
                     reason=f"{best.rule}: {explanation}",
                     upstream_family=base.upstream_family)
    return Effective(judged, chain, by)


def verdicts_along(chain: Chain, downstream: str | None,
                   activity: Activity) -> list[tuple[Ancestor, Judgement]]:
    """Each inherited licence's own verdict against ``downstream`` (for explaining a chain)."""
    return [(a, verdict_for(a.license, downstream, activity)) for a in chain.inherited]
