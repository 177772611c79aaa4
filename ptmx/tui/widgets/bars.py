"""The one-line title bar (where am I: the screen stack as breadcrumbs) and the status line."""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from rich.table import Table
from rich.text import Text
from textual.reactive import reactive
from textual.widget import Widget

from ptmx.render.safe import safe_text

if TYPE_CHECKING:
    from ptmx.tui.app import PtmxApp


class TitleBar(Widget):
    """``ptmx › models › bert-base-uncased`` on the left, the dataset's name on the right."""

    DEFAULT_CSS = """
    TitleBar { height: 1; background: $primary-background; color: $text; }
    """

    crumbs: reactive[tuple[str, ...]] = reactive(())

    def render(self) -> Table:
        app = cast("PtmxApp", self.app)
        name = app.dataset_name  # a manifest or folder name: outside text, made inert below
        room = self.size.width - min(len(name), 40) - 3
        crumbs = list(self.crumbs)
        # Where you are matters most: drop crumbs from the left, never the current one.
        while (len(crumbs) > 1 and crumbs[:1] + crumbs[2:] != ["…"]
               and len(" ptmx › " + " › ".join(crumbs)) > room):
            crumbs = ["…", *crumbs[2:]] if crumbs[0] == "…" else ["…", *crumbs[1:]]
        path = Text(" ptmx", style="bold")
        for crumb in crumbs:
            path.append(" › ", style="dim")
            path.append_text(safe_text(crumb, newlines=False))
        grid = Table.grid(expand=True)
        grid.add_column(ratio=1, no_wrap=True, overflow="ellipsis")
        grid.add_column(justify="right", no_wrap=True, overflow="ellipsis", max_width=40)
        grid.add_row(path, safe_text(name + " ", "italic", newlines=False))
        return grid


class StatusLine(Widget):
    """What this screen shows (left) and the dataset counts and last query time (right)."""

    DEFAULT_CSS = """
    StatusLine { height: 1; background: $panel; color: $text-muted; }
    """

    context: reactive[str] = reactive("")

    def on_mount(self) -> None:
        self.watch(self.app, "last_query", self._app_changed, init=False)
        self.watch(self.app, "running", self._app_changed, init=False)

    def _app_changed(self, _value: object) -> None:
        self.refresh()

    def render(self) -> Table:
        app = cast("PtmxApp", self.app)
        left = " " + self.context
        if app.running:
            timing = "working…"
        elif app.show_timings and app.last_query is not None:
            timing = f"last query {app.last_query * 1000:.1f} ms"
        else:
            timing = ""
        # The screen's own context comes first; the dataset figures shrink to make room.
        counts = app.counts_text.split(" · ")
        variants = [counts, counts[:2], counts[:1], []]
        room = self.size.width - len(left) - 3
        right = ""
        for parts in variants:
            right = " · ".join([*parts, timing] if timing else parts)
            if len(right) <= room:
                break
        grid = Table.grid(expand=True)
        grid.add_column(ratio=1, no_wrap=True, overflow="ellipsis")
        grid.add_column(justify="right", no_wrap=True)
        grid.add_row(safe_text(left, newlines=False),
                     Text(right + " ", style="bold" if app.running else ""))
        return grid
