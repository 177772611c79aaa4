"""The SQL console: read-only SQL over every table, results in a table, errors in place.

Queries go through ``ptmx.store.run_readonly`` (one SELECT, no writes, no file or network
access) on a cursor this screen owns, so Esc can ``interrupt()`` a long query. Results are
capped; the status line says "N of >N rows" when there were more. Up/down walk the history.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, ClassVar

from rich.text import Text
from textual import on, work
from textual.binding import Binding, BindingType
from textual.widget import Widget
from textual.widgets import DataTable, Input, Static

from ptmx.render.safe import safe_text
from ptmx.safetext import visible
from ptmx.store import QueryResult, run_readonly
from ptmx.tui.messages import QueryDone, QueryFailed
from ptmx.tui.screens.base import PtmxScreen, error_text
from ptmx.tui.widgets.error_panel import ErrorPanel

ROW_CAP = 1000
CELL_MAX = 120


def cell(value: object) -> Text:
    """A result value as one line of inert text (long values cut)."""
    if value is None:
        return Text("NULL")
    text = " ".join(str(value).split()) if isinstance(value, str) else str(value)
    return safe_text(text if len(text) <= CELL_MAX else text[: CELL_MAX - 1] + "…",
                     newlines=False)


class ConsoleScreen(PtmxScreen):
    """Read-only SQL console."""

    AREA = "SQL console"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "Back / cancel", id="console.back",
                tooltip="Cancel the running query, else back"),
        Binding("up", "history(-1)", "Previous", show=False, id="console.history-prev",
                tooltip="Previous query in the history"),
        Binding("down", "history(1)", "Next", show=False, id="console.history-next",
                tooltip="Next query in the history"),
        Binding("ctrl+y", "copy", "Copy error", id="console.copy",
                tooltip="Copy the error (or the query) to the clipboard"),
    ]
    HELP_EXTRA: ClassVar[list[tuple[str, str]]] = [
        ("enter", "in the query box: run the query"),
        ("tab", "move between the query box and the results"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.history: list[str] = []
        self._at = 0  # position in history; len(history) = the draft being typed
        self._draft = ""
        self._cursor: Any = None
        self.result: QueryResult | None = None

    @property
    def crumb(self) -> str:
        return "SQL console"

    def compose_body(self) -> Iterable[Widget]:
        yield Input(placeholder="SELECT …   (enter runs · ↑/↓ history · esc cancels)", id="sql",
                    compact=True)
        yield Static(visible("tables: " + ", ".join(self.store.tables)), id="tables", markup=False,
                     classes="note")
        yield ErrorPanel(id="error")
        yield DataTable(id="result", zebra_stripes=True)

    def on_mount(self) -> None:
        self.query_one("#sql", Input).focus()
        self.set_context(f"read-only · at most {ROW_CAP:,} rows shown")

    def palette_commands(self) -> list[tuple[str, str, Any]]:
        return [("console: copy the error or query", "ctrl+y", self.action_copy)]

    @property
    def running(self) -> bool:
        return self._cursor is not None

    # -- running --------------------------------------------------------------------------
    @on(Input.Submitted, "#sql")
    def _submitted(self, event: Input.Submitted) -> None:
        self.run_sql(event.value)

    def run_sql(self, sql: str) -> None:
        """Run ``sql`` (also used by tests and the palette)."""
        sql = sql.strip()
        if not sql:
            return
        if not self.history or self.history[-1] != sql:
            self.history.append(sql)
        self._at, self._draft = len(self.history), ""
        self.query_one("#error", ErrorPanel).clear()
        self.set_context("running…  (esc cancels)")
        self.busy(self.query_one("#result"), self.run_query(sql))

    @work(thread=True, exclusive=True, exit_on_error=False, group="sql")
    def run_query(self, sql: str) -> None:
        def run() -> QueryResult:
            with self.store.cursor() as cur:
                self._cursor = cur
                try:
                    return self.timed(run_readonly, self.store, sql, ROW_CAP, cur)
                finally:
                    self._cursor = None

        self.deliver(run, QueryDone, QueryFailed)

    @on(QueryDone)
    def _query_done(self, message: QueryDone) -> None:
        result = self.result = message.result
        table = self.query_one("#result", DataTable)
        table.clear(columns=True)
        labels = [safe_text(name, newlines=False) for name in result.table.column_names]
        rows = [[cell(v) for v in row.values()] for row in result.table.to_pylist()]
        # Widths measured here, as DataTable would on its next idle: a frame drawn before that
        # idle would otherwise stay cached with the columns cut to their headers' width.
        for i, label in enumerate(labels):
            width = max([label.cell_len, *(row[i].cell_len for row in rows)])
            table.add_column(label, width=width)
        table.add_rows(rows)
        self.set_context(f"{result.shown} in {result.seconds * 1000:.1f} ms"
                         if self.ptmx.show_timings else result.shown)

    @on(QueryFailed)
    def _query_failed(self, failure: QueryFailed) -> None:
        message = error_text(failure.error)
        if "interrupt" in message.lower():
            message = "query cancelled"
        self.query_one("#error", ErrorPanel).show(message)
        self.query_one("#result", DataTable).clear(columns=True)
        self.result = None
        self.set_context("query failed: the error is shown above (ctrl+y copies it)")

    def on_unmount(self) -> None:
        if self._cursor is not None:  # leaving the console stops its query too
            self._cursor.interrupt()
        super().on_unmount()

    # -- keys -----------------------------------------------------------------------------
    def action_back(self) -> None:
        if self._cursor is not None:
            self._cursor.interrupt()
            self.notify("cancelling the query…")
            return
        super().action_back()

    def action_history(self, step: int) -> None:
        if not self.history:
            return
        box = self.query_one("#sql", Input)
        if self._at == len(self.history):
            self._draft = box.value
        self._at = max(0, min(self._at + step, len(self.history)))
        box.value = self.history[self._at] if self._at < len(self.history) else self._draft
        box.cursor_position = len(box.value)

    def action_copy(self) -> None:
        error = self.query_one("#error", ErrorPanel).message
        text = error or self.query_one("#sql", Input).value
        if text:
            self.app.copy_to_clipboard(text)
            self.notify("copied the error" if error else "copied the query")
