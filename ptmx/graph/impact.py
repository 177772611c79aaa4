"""Blast radius: everything that depends on a model, directly or through models derived from it.

Each affected model or project comes with its shortest dependency path from the model, so a user
can see *why* it is affected if the model is withdrawn, relicensed or found faulty. When the
caller passes a license judge (the CLI passes ``ptmx.licenses.verdict_for``), each step of a path
also gets its verdict; without one the verdicts are absent (``license_engine`` is False). With an
``effective_judge`` (the CLI builds one from ``ptmx.licenses.judge_effective`` and the dataset's
lineage) each step is judged against the upstream model's *effective* terms: its own licence and
what its base models' licences require of every derivative; the step then carries the ``chain``
and the ancestor the decisive terms are ``inherited_from``. The graph never imports the license
engine: licenses and graph are independent siblings.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, NamedTuple, Protocol

from ptmx.graph import queries
from ptmx.graph.core import (
    DERIVED,
    USED_BY,
    Branch,
    Edge,
    Node,
    Subgraph,
    TreeNode,
    project_node,
    require_model,
)
from ptmx.graph.lineage import MAX_GENERATIONS, merge_hub
from ptmx.graph.walk import Walk, walk
from ptmx.store import Store

# Activities as the license engine names them: a project loads a model (use); a model is
# fine-tuned, quantized, merged or adapted from its base (derive).
ACTIVITY = {USED_BY: "use", DERIVED: "derive"}
# A Hugging Face Space running the model (from the hub, not from PeaTMOSS).
SPACE = "space"
USED_BY_SPACE = "used-by-space"

Verdict = dict[str, Any]


class Judgement(Protocol):
    """What a license judge answers for one step (``ptmx.licenses.Verdict`` fits)."""

    @property
    def verdict(self) -> str: ...
    @property
    def activity(self) -> str: ...
    @property
    def reason(self) -> str: ...
    @property
    def fix(self) -> str | None: ...


# (upstream expression, downstream expression, activity) -> judgement; e.g. ``verdict_for``.
LicenseJudge = Callable[[str | None, str | None, str], Judgement]


class EffectiveTerms(NamedTuple):
    """What an effective judge answers for one step."""

    judgement: Judgement
    chain: list[dict[str, Any]] | None  # the upstream model's ancestors (None: it has none)
    inherited_from: str | None  # the ancestor whose terms decided (None: its own licence)


# (upstream model id, upstream model name, upstream expression, downstream expression,
# activity) -> its effective terms' verdict. Activity "use" lets the judge refine the use (e.g.
# into "redistribute" when the project vendors the weights under the model's or a base's licence).
EffectiveJudge = Callable[[int | None, str, str | None, str | None, str], EffectiveTerms]
# (upstream, downstream) -> the activity of a project's use: "use", or "redistribute" when the
# project vendors the weights; e.g. ``ptmx.licenses.link_activity``.
LinkActivity = Callable[[str | None, str | None], str]


@dataclass
class Affected:
    """One dependent of the model and how it depends on it."""

    node: Node
    distance: int
    path: list[Node]             # from the model to this node, both included
    relations: list[str]         # per step: "derived" (a model derived from the previous one)
                                 # or "used-by" (a project using the previous model)
    verdicts: list[Verdict] | None = None  # per step; None when the license engine is absent

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.node.kind, "name": self.node.name, "distance": self.distance,
            "via": self.relations[-1], "path": [n.name for n in self.path],
            "relations": self.relations, "license": self.node.license,
            "verdicts": self.verdicts,
        }


@dataclass
class Impact(Subgraph):
    """The dependents of ``root`` (a tree of ``derived``/``used-by`` branches) and their paths."""

    affected: list[Affected] = field(default_factory=list)
    license_engine: bool = False
    spaces_source: str | None = None  # "hub" when Spaces were looked up (``--hub``)
    spaces_capped: bool = False  # the hub lists at most 100 Spaces: there may be more
    spaces_capped_models: list[str] = field(default_factory=list)  # whose 100 may be more
    # ``--hub``: the models whose Spaces were looked up, and those skipped with the reason.
    hub_looked_up: list[str] = field(default_factory=list)
    hub_skipped: list[dict[str, str]] = field(default_factory=list)

    @property
    def spaces(self) -> int:
        return sum(1 for a in self.affected if a.node.kind == SPACE)

    def models_by_nearness(self) -> list[Node]:
        """The root and every affected model, nearest first (most downloaded first within a
        distance): the order in which ``--hub`` looks their Spaces up."""
        models = [a for a in self.affected if a.node.kind == "model"]
        models.sort(key=lambda a: (a.distance, -(a.node.downloads or 0), a.node.name.lower()))
        return [self.root.node, *(a.node for a in models)]

    def add_spaces(self, spaces: Sequence[str], *, capped: bool, source: str = "hub",
                   model: Node | None = None) -> None:
        """Add the Spaces using ``model`` (the root by default; as the hub lists them) as its
        dependents: in ``affected`` (a Space used by several models once, by the nearest added
        first), in the tree (a ``used-by-space`` branch under the model) and in the edges."""
        owner = model or self.root.node
        via = next((a for a in self.affected if a.node.key == owner.key), None)
        path, relations = (via.path, via.relations) if via else ([self.root.node], [])
        tree = next((t for t in self.root.walk() if t.node.key == owner.key), None)
        known = {a.node.key for a in self.affected}
        branch = Branch(USED_BY_SPACE)
        for name in dict.fromkeys(spaces):
            node = Node(f"space:{name}", SPACE, name, in_dataset=False)
            self.edges.append(Edge(node.key, owner.key, "uses"))
            branch.total += 1
            if node.key in known:
                branch.seen += 1
                continue
            known.add(node.key)
            self.nodes[node.key] = node
            self.affected.append(Affected(node, len(path), [*path, node],
                                          [*relations, USED_BY_SPACE]))
            branch.children.append(TreeNode(node, len(path), USED_BY_SPACE, expanded=True))
        if tree is not None and branch.total:
            tree.branches.append(branch)
        self.affected.sort(key=lambda a: (a.distance, a.node.kind, a.node.name.lower()))
        self.spaces_source = source
        self.spaces_capped = self.spaces_capped or capped
        if capped:
            self.spaces_capped_models.append(owner.name)

    @property
    def projects(self) -> int:
        return sum(1 for a in self.affected if a.node.kind == "project")

    @property
    def models(self) -> int:
        return sum(1 for a in self.affected if a.node.kind == "model")

    @property
    def direct_projects(self) -> int:
        return sum(1 for a in self.affected if a.node.kind == "project" and a.distance == 1)

    def rows(self) -> list[dict[str, Any]]:
        """One flat row per affected node (for tables and CSV)."""
        rows = []
        for a in self.affected:
            row = {"kind": a.node.kind, "name": a.node.name, "distance": a.distance,
                   "via": a.relations[-1], "license": a.node.license,
                   "path": " > ".join(n.name for n in a.path)}
            if a.verdicts is not None:
                row["verdicts"] = " > ".join(str(v.get("verdict")) for v in a.verdicts)
                inherited = [str(v["inherited_from"]) for v in a.verdicts
                             if v.get("inherited_from")]
                if inherited:
                    row["inherited_from"] = " > ".join(dict.fromkeys(inherited))
            rows.append(row)
        return rows

    def to_dict(self) -> dict[str, Any]:
        base = super().to_dict()
        return {
            "model": self.root.node.name, "projects": self.projects, "models": self.models,
            "direct_projects": self.direct_projects, "license_engine": self.license_engine,
            "spaces": self.spaces if self.spaces_source else None,
            "spaces_capped": self.spaces_capped, "spaces_source": self.spaces_source,
            "spaces_capped_models": self.spaces_capped_models,
            "hub_lookups": {"looked_up": self.hub_looked_up, "skipped": self.hub_skipped}
            if self.spaces_source or self.hub_skipped else None,
            "node_count": base["node_count"], "edge_count": base["edge_count"],
            "affected": [a.to_dict() for a in self.affected], "edges": base["edges"],
        }


def _rule(tree: TreeNode) -> tuple[str, ...]:
    # Projects are leaves: nothing in PeaTMOSS depends on a project.
    return (DERIVED, USED_BY) if tree.node.kind == "model" else ()


def _down(tree: TreeNode) -> tuple[str, ...]:
    # The hub's lineage is followed down only: a base model does not depend on its derivatives.
    return (DERIVED,) if tree.node.kind == "model" else ()


def _add_hub_lineage(store: Store, found: Walk) -> None:
    """With the hub tables (``hub refresh``, ``hub crawl``): the models the hub says derive from
    the affected ones (typed and corrected as in ``graph lineage``, card-declared parents
    included), and the dataset's projects that use those models. The edges keep their
    provenance, relation and the hub tag ptmx corrected."""
    before = set(found.placed)
    if not merge_hub(store, found, _down):
        return
    fresh = [t for key, t in found.placed.items()
             if key not in before and t.node.kind == "model" and t.node.id is not None]
    if not fresh:
        return
    users: dict[int, list[dict[str, Any]]] = {}
    for row in queries.projects_using(store, [t.node.id for t in fresh if t.node.id]).to_pylist():
        users.setdefault(row["parent"], []).append(row)
    for tree in fresh:
        rows = users.get(tree.node.id or -1)
        if not rows:
            continue
        branch = Branch(USED_BY)
        tree.branches.append(branch)
        for row in rows:
            node = project_node(row)
            found.edges.append(Edge(node.key, tree.node.key, "uses"))
            branch.total += 1
            if node.key in found.placed:
                branch.seen += 1
                continue
            found.nodes[node.key] = node
            child = TreeNode(node, tree.depth + 1, USED_BY, expanded=True)
            branch.children.append(child)
            found.placed[node.key] = child
            found.parent[node.key] = tree.node.key


def impact(store: Store, model: str | Node, *, license_judge: LicenseJudge | None = None,
           link_activity: LinkActivity | None = None,
           effective_judge: EffectiveJudge | None = None) -> Impact:
    """Every model and project depending on ``model``, nearest first, each with its path.

    With ``license_judge`` each step also gets its verdict; ``link_activity`` refines a project's
    "use" of a model (e.g. into "redistribute"). ``effective_judge``, when given, judges every
    step instead (on the upstream model's effective terms). Errors of the judge propagate: they
    are bugs.
    """
    root = model if isinstance(model, Node) else require_model(store, model)
    # Depth: one step to the projects beyond the longest lineage chain a walk may follow.
    found = walk(store, root, _rule, MAX_GENERATIONS + 1, None)
    _add_hub_lineage(store, found)
    steps = None if license_judge is None and effective_judge is None else _Steps(
        license_judge, link_activity, _expressions(store, found.nodes), effective_judge)
    affected: list[Affected] = []
    for tree in found.root.walk():
        if tree is found.root:
            continue
        chain = [tree]
        while chain[-1] is not found.root:
            chain.append(found.placed[found.parent[chain[-1].node.key]])
        chain.reverse()
        path = [t.node for t in chain]
        relations = [t.relation or "" for t in chain[1:]]
        verdicts = None if steps is None else steps.along(path, relations)
        affected.append(Affected(tree.node, tree.depth, path, relations, verdicts))
    affected.sort(key=lambda a: (a.distance, a.node.kind, a.node.name.lower()))
    return Impact(found.root, found.nodes, found.edges, affected=affected,
                  license_engine=steps is not None)


def _expressions(store: Store, nodes: dict[str, Node]) -> dict[str, str | None]:
    """Each node's license expression as the license audit reads it: a model without hub tags
    is taken at its card's word."""
    cards = queries.card_licenses(store, [n.id for n in nodes.values()
                                          if n.kind == "model" and n.license is None
                                          and n.id is not None])
    return {k: n.license or (cards.get(n.id) if n.id is not None else None)
            for k, n in nodes.items()}


class _Steps:
    """The verdicts along paths, each distinct (upstream, downstream, activity) judged once."""

    def __init__(self, judge: LicenseJudge | None, link_activity: LinkActivity | None,
                 expression: dict[str, str | None],
                 effective: EffectiveJudge | None = None) -> None:
        self.judge = judge
        self.link_activity = link_activity
        self.expression = expression
        self.effective = effective
        self.cache: dict[tuple[str | None, str | None, str], Verdict] = {}
        self.terms: dict[tuple[str, str | None, str], Verdict] = {}

    def along(self, path: list[Node], relations: list[str]) -> list[Verdict]:
        if self.effective is not None:
            return [self.effective_step(up, self.expression[down.key], ACTIVITY[relation])
                    for up, down, relation in zip(path[:-1], path[1:], relations, strict=True)]
        return [self.step(self.expression[up.key], self.expression[down.key], ACTIVITY[relation])
                for up, down, relation in zip(path[:-1], path[1:], relations, strict=True)]

    def effective_step(self, up: Node, downstream: str | None, activity: str) -> Verdict:
        """One step judged on ``up``'s effective terms (memoised per model, downstream and
        activity: the chain is the model's)."""
        assert self.effective is not None
        upstream = self.expression[up.key]
        key = (up.key, downstream, activity)
        if key not in self.terms:
            terms = self.effective(up.id, up.name, upstream, downstream, activity)
            judged = terms.judgement
            self.terms[key] = {
                "upstream": upstream, "downstream": downstream,
                "activity": str(judged.activity), "verdict": str(judged.verdict),
                "reason": judged.reason, "fix": judged.fix, "chain": terms.chain,
                "inherited_from": terms.inherited_from}
        return dict(self.terms[key])

    def step(self, upstream: str | None, downstream: str | None, activity: str) -> Verdict:
        assert self.judge is not None
        key = (upstream, downstream, activity)
        if key not in self.cache:
            if activity == "use" and self.link_activity is not None:
                activity = str(self.link_activity(upstream, downstream))
            judged = self.judge(upstream, downstream, activity)
            self.cache[key] = {"verdict": str(judged.verdict), "activity": str(judged.activity),
                               "reason": judged.reason, "fix": judged.fix}
        return {"upstream": upstream, "downstream": downstream, "activity": activity,
                **self.cache[key]}
