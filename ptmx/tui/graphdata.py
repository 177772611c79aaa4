"""One level of the supply-chain neighbourhood, for the graph tree.

Uses ``ptmx.graph.neighbourhood`` when that package is present; otherwise it builds the same
levels from the store's model and project pages (model → projects, base ↑, derived ↓;
project → models), so the graph screen works in every build.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ptmx.store import model_page, project_page
from ptmx.tui.format import plural


@dataclass
class Item:
    """A node of the tree: a model or a project (expandable), or an informational leaf."""

    kind: str  # "model" | "project" | "info"
    ref: str
    detail: str = ""
    node: Any = None  # the ptmx.graph Node, when that package produced this item

    @property
    def label(self) -> str:
        icon = {"model": "◆", "project": "▣"}.get(self.kind, "·")
        return f"{icon} {self.ref}" + (f"  ({self.detail})" if self.detail else "")


@dataclass
class Branch:
    """A labelled group of neighbours ('used by 1,704 projects'), possibly cut at ``limit``."""

    label: str
    items: list[Item] = field(default_factory=list)
    total: int = 0


@dataclass
class Level:
    """What expanding one node shows: a summary of the node itself and its branches."""

    summary: str
    branches: list[Branch]
    subgraph: Any = None  # the ptmx.graph result behind it (for export), when available


RELATION_LABELS = {
    "used-by": ("used by", "project"), "uses": ("uses", "model"),
    "base": ("↑ base", "model"), "derived": ("↓ derived", "model"),
}


def expand(store: Any, item: Item, limit: int = 200) -> Level:
    """The neighbours of one model or project, grouped by relation, at most ``limit`` each."""
    try:
        from ptmx.graph import neighbourhood
    except ImportError:
        return _expand_from_pages(store, item.kind, item.ref, limit)
    found = neighbourhood(store, item.node or item.ref, item.kind, depth=1, limit=limit)
    root = found.root.node
    branches = []
    for branch in found.root.branches:
        prefix, noun = RELATION_LABELS.get(branch.relation, (branch.relation, "node"))
        children = [Item(c.node.kind if c.node.in_dataset else "info", c.node.name,
                         _detail(c.node), c.node) for c in branch.children]
        branches.append(Branch(f"{prefix} {plural(branch.total, noun)}", children,
                               len(children) + branch.more))
    return Level(_detail(root, summary=True), branches, found)


def _detail(node: Any, summary: bool = False) -> str:
    bits = []
    if node.kind == "model":
        bits.append(node.license or "no license")
        if node.links is not None and (summary or node.links):
            bits.append(plural(node.links, "project"))
        if not node.in_dataset:
            bits.append("not in dataset")
    else:
        if summary or node.license:
            bits.append(f"license {node.license or 'none found'}")
        if node.links is not None:
            bits.append(plural(node.links, "model"))
    return " · ".join(bits)


def _expand_from_pages(store: Any, kind: str, ref: str, limit: int) -> Level:
    if kind == "model":
        page = model_page(store, ref)
        projects = [Item("project", p["project"]) for p in page.projects]
        bases = [Item("model" if b.get("in_dataset") else "info", b["base_model"],
                      b.get("relation") or "") for b in page.base_models]
        derived = [Item("model", d["model"], d.get("relation") or "")
                   for d in page.derived_models]
        summary = f"{' AND '.join(page.licenses) or 'no license'} · " \
                  f"{plural(page.reuse_count, 'project')}"
        branches = [
            Branch(f"used by {plural(len(projects), 'project')}", projects[:limit],
                   len(projects)),
            Branch(f"↑ base {plural(len(bases), 'model')}", bases[:limit], len(bases)),
            Branch(f"↓ derived {plural(len(derived), 'model')}", derived[:limit], len(derived)),
        ]
        return Level(summary, [b for b in branches if b.total])
    page = project_page(store, ref)
    models = [Item("model", m["model"], m.get("license") or "no license") for m in page.models]
    licenses = "not scanned" if page.licenses is None else (", ".join(page.licenses) or
                                                            "no license found")
    return Level(f"license {licenses} · {plural(len(models), 'model')}",
                 [Branch(f"uses {plural(len(models), 'model')}", models[:limit], len(models))])
