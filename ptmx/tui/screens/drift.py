"""The drift screen: what changed on the Hub for the dataset's reused models (``ptmx drift``).

Built on :func:`ptmx.hub.dataset_drift.dataset_drift`, the same data as the CLI: a summary
(coverage, changes per kind, projects whose licence verdict changes) over one row per change.
``k`` (or the palette) shows one kind of change at a time; Enter opens the model's page. Without
a hub table the screen says which command fills one. Hub text is shown as inert ``Text``.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from functools import partial
from typing import Any, ClassVar

from rich.console import Group
from rich.text import Text
from textual import on, work
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.widget import Widget
from textual.widgets import DataTable, Static

from ptmx.hub.dataset_drift import KINDS, DatasetDrift, DriftItem, NoHubTableError, dataset_drift
from ptmx.render.safe import safe_text
from ptmx.render.values import num
from ptmx.safetext import visible
from ptmx.tui.messages import Done, Failed
from ptmx.tui.screens.base import PtmxScreen, error_text

NO_HUB = ("This dataset has no hub table yet. `ptmx hub crawl --reused` (or `ptmx hub refresh "
          "--top N --out DATA`) records the Hub now; this screen then shows what changed for "
          "the models the projects reuse: licences, renames, deletions, gating, base models, "
          "derivatives, weights, and the projects whose verdict changes.")


class DriftLoaded(Done[DatasetDrift]):
    """The dataset-wide drift."""


class DriftFailed(Failed):
    """The drift could not be computed (or there is no hub table)."""


class DriftScreen(PtmxScreen):
    """Changes on the hub since the snapshot, for every reused model."""

    AREA = "drift"
    # The summary is a few lines; the changes take the rest (ptmx.tcss is shared: kept here).
    DEFAULT_CSS = """
    DriftScreen #drift-head { height: auto; max-height: 40%; padding: 0 1; }
    DriftScreen #drift { height: 1fr; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "open", "Open model", priority=True, id="drift.open",
                tooltip="Open the highlighted model's page"),
        Binding("k", "next_kind", "Kind", id="drift.kind",
                tooltip="Show one kind of change at a time: " + ", ".join(KINDS)),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.result: DatasetDrift | None = None
        self.kind: str | None = None  # None: every kind
        self.items: list[DriftItem] = []  # the rows shown

    @property
    def crumb(self) -> str:
        return "drift"

    def compose_body(self) -> Iterable[Widget]:
        with VerticalScroll(id="drift-head"):
            yield Static(Text("comparing the dataset with the hub tables…", style="dim"),
                         id="drift-summary")
        yield DataTable(id="drift", cursor_type="row", zebra_stripes=True)

    def on_mount(self) -> None:
        self.set_context("drift: the dataset vs the hub now")
        self.busy(self.query_one("#drift-head"), self.load_drift())

    @work(thread=True, exclusive=True, exit_on_error=False, group="drift")
    def load_drift(self) -> None:
        self.deliver(lambda: self.timed(dataset_drift, self.store), DriftLoaded, DriftFailed)

    @on(DriftFailed)
    def _failed(self, message: DriftFailed) -> None:
        summary = self.query_one("#drift-summary", Static)
        if isinstance(message.error, NoHubTableError):
            summary.update(Text(NO_HUB))
            self.set_context("drift: no hub table in this dataset")
        else:
            summary.update(safe_text(error_text(message.error), "bold red"))
            self.report(message.error, "drift")
        self.query_one("#drift").display = False

    @on(DriftLoaded)
    def _loaded(self, message: DriftLoaded) -> None:
        self.result = message.result
        self._show()

    # -- drawing --------------------------------------------------------------------------
    def _summary(self, result: DatasetDrift) -> Group:
        counts = "  ".join(f"{kind} {n:,}" for kind, n in result.by_kind.items())
        lines = [
            Text(f"{result.reused:,} reused models · {result.crawled:,} with a hub row · "
                 f"{result.not_crawled:,} not crawled yet ({' + '.join(result.tables)})",
                 style="bold"),
            Text(counts),
            Text(f"licence changes move {len(result.verdicts):,} project verdicts in "
                 f"{len(result.projects_flipped):,} projects",
                 style="bold red" if result.verdicts else "dim"),
            Text("showing: " + (self.kind or "every kind") + "   (k: next kind)", style="dim"),
        ]
        return Group(*lines)

    def _show(self) -> None:
        result = self.result
        if result is None:
            return
        self.query_one("#drift-summary", Static).update(self._summary(result))
        self.items = [i for i in result.items if self.kind in (None, i.kind)]
        table = self.query_one("#drift", DataTable)
        table.clear(columns=True)
        # "now" right after the id: on 80 columns it is the value that must stay in view.
        table.add_columns("kind", "model", "now", "then", "projects", "verdicts")
        for n, item in enumerate(self.items):
            table.add_row(Text(item.kind), safe_text(item.model, newlines=False),
                          safe_text(item.now or "–", newlines=False),
                          safe_text(item.then or "–", newlines=False),
                          Text(num(item.projects), justify="right"),
                          Text(num(item.verdicts_changed) if item.kind == "license" else "",
                               justify="right"), key=str(n))
        self.set_context(f"drift: {len(self.items):,} changes"
                         + (f" of kind {self.kind}" if self.kind else ""))

    # -- actions --------------------------------------------------------------------------
    def show_kind(self, kind: str | None) -> None:
        """Show only ``kind`` (None: every kind)."""
        self.kind = kind
        self._show()

    def action_next_kind(self) -> None:
        order: list[str | None] = [None, *KINDS]
        self.show_kind(order[(order.index(self.kind) + 1) % len(order)])

    def action_open(self) -> None:
        table = self.query_one("#drift", DataTable)
        if table.row_count and table.display:
            self.ptmx.open_model(self.items[table.cursor_row].model)

    @on(DataTable.RowHighlighted, "#drift")
    def _highlighted(self, event: DataTable.RowHighlighted) -> None:
        # The full ids and values, however narrow their columns.
        if 0 <= event.cursor_row < len(self.items):
            item = self.items[event.cursor_row]
            self.set_context(visible(
                f"{item.kind} · {item.model}: {item.then or '–'} → {item.now or '–'}"
                + (f" · {item.detail}" if item.detail else ""), newlines=False))

    @on(DataTable.RowSelected, "#drift")
    def _selected(self, event: DataTable.RowSelected) -> None:
        self.ptmx.open_model(self.items[int(str(event.row_key.value))].model)

    def palette_commands(self) -> Iterator[tuple[str, str, Any]]:
        """'drift: show … changes' for every kind."""
        yield ("drift: show every kind of change", "k", partial(self.show_kind, None))
        for kind in KINDS:
            yield (f"drift: show {kind} changes only", "k", partial(self.show_kind, kind))
