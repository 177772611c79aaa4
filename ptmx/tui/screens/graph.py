"""The graph screen: a model's or project's neighbourhood as a tree, expanded lazily.

model → projects that reuse it → the other models those projects use → …; base models ↑ and
derived models ↓. Each expansion is one worker call; nothing is fetched for collapsed nodes.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, ClassVar

from rich.text import Text
from textual import on, work
from textual.binding import Binding, BindingType
from textual.widget import Widget
from textual.widgets import Tree
from textual.widgets.tree import TreeNode

from ptmx.graph import Neighborhood
from ptmx.render.safe import safe_text
from ptmx.safetext import visible
from ptmx.tui.graphdata import Item, expand, export_subgraphs
from ptmx.tui.messages import Exported, LevelLoaded
from ptmx.tui.screens.base import PtmxScreen
from ptmx.tui.screens.prompt import PromptScreen

LIMIT = 200
AUTO_EXPAND = 12  # branches with at most this many neighbours are shown expanded


class GraphScreen(PtmxScreen):
    """Neighborhood tree of one model or project."""

    AREA = "graph"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "open", "Open", priority=True, id="graph.open",
                tooltip="Open the highlighted model's or project's page"),
        Binding("space", "toggle_node", "Expand", id="graph.toggle",
                tooltip="Expand or collapse the highlighted node"),
        Binding("e", "export", "Export", id="graph.export",
                tooltip="Export the shown subgraph to a file"),
    ]
    HELP_EXTRA: ClassVar[list[tuple[str, str]]] = [
        ("click ▶", "expand a node"),
    ]

    def __init__(self, ref: str, kind: str) -> None:
        super().__init__()
        self.ref = ref
        self.kind = kind
        self._loaded: set[int] = set()  # tree node ids whose neighbours were fetched
        self.subgraphs: list[Neighborhood] = []  # what has been shown, for export

    @property
    def crumb(self) -> str:
        return f"graph of {self.ref}"

    def compose_body(self) -> Iterable[Widget]:
        tree: Tree[Item] = Tree(Item(self.kind, self.ref).label, data=Item(self.kind, self.ref),
                                id="graph")
        tree.auto_expand = False
        yield tree

    def on_mount(self) -> None:
        tree = self.query_one("#graph", Tree)
        self.set_context(f"neighbourhood of {self.kind} {self.ref}")
        tree.focus()
        self._load(tree.root)

    def palette_commands(self) -> list[tuple[str, str, Any]]:
        return [("graph: export the shown subgraph", "e", self.action_export)]

    # -- lazy expansion -------------------------------------------------------------------
    def _load(self, node: TreeNode[Item]) -> None:
        item = node.data
        if item is None or item.kind not in ("model", "project") or node.id in self._loaded:
            return
        self._loaded.add(node.id)
        node.add_leaf("loading…")
        node.expand()
        # One worker group per node: expanding a second node must not cancel the first.
        worker = self.run_worker(
            lambda: self.deliver(lambda: self.timed(expand, self.store, item, LIMIT),
                                 lambda level: LevelLoaded(node, level), "graph"),
            name="load_level", group=f"expand-{node.id}", thread=True, exclusive=True,
            exit_on_error=False,
        )
        self.busy(self.query_one("#graph"), worker)

    @on(LevelLoaded)
    def _level_loaded(self, message: LevelLoaded) -> None:
        node, level = message.node, message.level
        if level.subgraph is not None:
            self.subgraphs.append(level.subgraph)
        node.remove_children()
        item = node.data
        if item is not None and not item.detail:
            node.set_label(item.label + safe_text(f"  ({level.summary})", newlines=False))
        if not level.branches:
            node.add_leaf("no neighbours in this dataset")
        came_from = node.parent.parent.data if node.parent and node.parent.parent else None
        for branch in level.branches:
            # Small branches open by themselves; big ones wait to be asked.
            lone = node.is_root and len(level.branches) == 1
            group = node.add(safe_text(branch.label, newlines=False),
                             expand=lone or branch.total <= AUTO_EXPAND)
            for child in branch.items:
                if came_from and (child.kind, child.ref) == (came_from.kind, came_from.ref):
                    continue  # the node we came from: already one level up
                if child.kind in ("model", "project"):
                    group.add(child.label, data=child)
                else:
                    group.add_leaf(child.label, data=child)
            if branch.total > len(branch.items):
                group.add_leaf(Text(f"… {branch.total - len(branch.items):,} more "
                                    "(open the page for the full list)"))
        node.expand()

    def on_tree_node_expanded(self, event: Tree.NodeExpanded[Item]) -> None:
        self._load(event.node)

    # -- actions --------------------------------------------------------------------------
    def _current(self) -> TreeNode[Item] | None:
        return self.query_one("#graph", Tree).cursor_node

    def action_toggle_node(self) -> None:
        node = self._current()
        if node is not None and node.allow_expand:
            node.toggle()

    def action_open(self) -> None:
        node = self._current()
        if node is None or node.data is None:
            if node is not None:
                node.toggle()
            return
        if node.data.kind == "model":
            self.ptmx.open_model(node.data.ref)
        elif node.data.kind == "project":
            self.ptmx.open_project(node.data.ref)

    def on_tree_node_selected(self, event: Tree.NodeSelected[Item]) -> None:
        event.stop()
        self.action_open()

    def page_id(self) -> str | None:
        node = self._current()
        if node is not None and node.data is not None and node.data.kind != "info":
            return node.data.ref
        return self.ref

    def action_export(self) -> None:
        if not self.subgraphs:
            self.notify("nothing to export yet: the tree is still loading", title="graph",
                        severity="warning", markup=False)
            return
        default = visible(f"ptmx-graph-{self.ref.replace('/', '_')}.graphml", newlines=False)

        def chosen(path: str | None) -> None:
            if path:
                self.busy(self.query_one("#graph"), self.export(path))

        self.app.push_screen(PromptScreen(
            "export the shown subgraph to", default,
            "the suffix picks the format: .graphml .gexf .dot .json", paths=True), chosen)

    @work(thread=True, exclusive=True, exit_on_error=False, group="export")
    def export(self, path: str) -> None:
        self.deliver(lambda: str(self.timed(export_subgraphs, self.subgraphs, path)), Exported,
                     "graph export")

    @on(Exported)
    def _exported(self, message: Exported) -> None:
        nodes = len({k for sg in self.subgraphs for k in sg.nodes})
        self.notify(visible(f"{nodes:,} nodes written to {message.result}"),
                    title="graph exported", markup=False)
