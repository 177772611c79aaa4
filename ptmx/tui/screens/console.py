"""The SQL console: a multi-line editor with SQL highlighting and completion of table and column
names, a schema panel, results in a table (exportable, copyable), errors in place.

Queries go through ``ptmx.store.run_readonly`` (one SELECT, no writes, no file or network
access) on a cursor this screen owns, so Esc can ``interrupt()`` a long query. Results are
capped at a row limit that ctrl+l raises; the status line says "N of >N rows" when there were
more. The history (ctrl+↑/↓) is kept between sessions (:mod:`ptmx.tui.history`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any, ClassVar

from rich.text import Text
from textual import on, work
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.widget import Widget
from textual.widgets import DataTable, Static, TextArea, Tree

from ptmx.render.safe import safe_text
from ptmx.safetext import visible
from ptmx.store import QueryResult, run_readonly
from ptmx.tui import history
from ptmx.tui.messages import QueryDone, QueryFailed, SchemaLoaded
from ptmx.tui.screens.base import PtmxScreen, error_text
from ptmx.tui.sheet import Sheet
from ptmx.tui.widgets.error_panel import ErrorPanel

LIMITS = (1_000, 10_000, 100_000)  # ctrl+l cycles through them
ROW_CAP = LIMITS[0]
CELL_MAX = 120
SCHEMA_WIDTH = 120  # the schema panel is open at first on terminals at least this wide
WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_]*$")
Schema = dict[str, list[tuple[str, str]]]


def cell(value: object) -> Text:
    """A result value as one line of inert text (long values cut; export keeps them whole)."""
    if value is None:
        return Text("NULL")
    text = " ".join(str(value).split()) if isinstance(value, str) else str(value)
    return safe_text(text if len(text) <= CELL_MAX else text[: CELL_MAX - 1] + "…",
                     newlines=False)


def completions(word: str, names: Iterable[str]) -> list[str]:
    """The names that start with ``word`` (any case), shortest first."""
    low = word.lower()
    return sorted({n for n in names if n.lower().startswith(low) and n != word},
                  key=lambda n: (len(n), n))


def common_prefix(names: list[str]) -> str:
    """The longest start all ``names`` share."""
    if not names:
        return ""
    first, last = min(names), max(names)
    i = 0
    while i < min(len(first), len(last)) and first[i] == last[i]:
        i += 1
    return first[:i]


class ConsoleScreen(PtmxScreen):
    """Read-only SQL console."""

    AREA = "SQL console"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "Back / cancel", id="console.back",
                tooltip="Cancel the running query, else back"),
        Binding("ctrl+r,ctrl+enter,f9", "run", "Run", id="console.run", key_display="^r",
                tooltip="Run the query in the editor"),
        Binding("tab", "complete", "Complete", show=False, priority=True, id="console.complete",
                tooltip="In the editor: complete a table or column name (else: next widget)"),
        Binding("ctrl+up", "history(-1)", "Previous", show=False, id="console.history-prev",
                tooltip="Previous query in the history"),
        Binding("ctrl+down", "history(1)", "Next", show=False, id="console.history-next",
                tooltip="Next query in the history"),
        Binding("ctrl+b", "schema", "Schema", id="console.schema", key_display="^b",
                tooltip="Show or hide the tables and their columns"),
        Binding("ctrl+l", "limit", "Limit", id="console.limit", key_display="^l",
                tooltip="Raise the row limit: " + " → ".join(f"{n:,}" for n in LIMITS)),
        Binding("ctrl+c", "copy_any", "Copy", show=False, priority=True, id="console.copy-any",
                tooltip="Copy the selection, else the highlighted cell, else the query"),
        Binding("ctrl+y", "copy", "Copy error", show=False, priority=True, id="console.copy",
                tooltip="Copy the error (or the query) to the clipboard"),
    ]
    HELP_EXTRA: ClassVar[list[tuple[str, str]]] = [
        ("enter", "in the editor: a new line (ctrl+r runs)"),
        ("enter on a table", "in the schema panel: insert its name in the editor"),
        ("e / ctrl+s", "on the results: export them (.csv .json .parquet)"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.history: list[str] = history.load()
        self._at = len(self.history)  # position in history; len(history) = the draft
        self._draft = ""
        self._cursor: Any = None
        self.result: QueryResult | None = None
        self.limit = LIMITS[0]
        self.schema: Schema = {}

    @property
    def crumb(self) -> str:
        return "SQL console"

    def compose_body(self) -> Iterable[Widget]:
        editor = TextArea(id="sql", soft_wrap=True, show_line_numbers=False,
                          tab_behavior="focus", compact=True)
        if "sql" in editor.available_languages:
            editor.language = "sql"
        with Horizontal(id="console"):
            with Vertical(id="console-main"):
                yield editor
                yield Static("", id="complete", classes="note", markup=False)
                yield ErrorPanel(id="error")
                yield DataTable(id="result", zebra_stripes=True)
            yield Tree(Text("tables"), id="schema")

    def on_mount(self) -> None:
        self.query_one("#sql", TextArea).focus()
        self.set_class(self.app.size.width >= SCHEMA_WIDTH, "-schema")
        self._show_limit()
        self._hint()
        self.load_schema()

    def palette_commands(self) -> list[tuple[str, str, Any]]:
        return [("console: run the query", "ctrl+r", self.action_run),
                ("console: show or hide the schema", "ctrl+b", self.action_schema),
                ("console: raise the row limit", "ctrl+l", self.action_limit),
                ("console: copy the error or query", "ctrl+y", self.action_copy)]

    @property
    def running(self) -> bool:
        return self._cursor is not None

    @property
    def editor(self) -> TextArea:
        return self.query_one("#sql", TextArea)

    # -- schema ---------------------------------------------------------------------------
    @work(thread=True, exclusive=True, exit_on_error=False, group="schema")
    def load_schema(self) -> None:
        self.deliver(self.store.columns, SchemaLoaded, "schema")

    @on(SchemaLoaded)
    def _schema_loaded(self, message: SchemaLoaded) -> None:
        self.schema = message.result
        tree = self.query_one("#schema", Tree)
        tree.clear()
        tree.root.expand()
        for table, columns in sorted(self.schema.items()):
            node = tree.root.add(safe_text(table, newlines=False), data=table)
            for name, kind in columns:
                label = safe_text(name, newlines=False)
                label.append(" " + visible(kind.lower(), newlines=False), style="dim")
                node.add_leaf(label, data=name)

    @on(Tree.NodeSelected, "#schema")
    def _insert_name(self, event: Tree.NodeSelected[str]) -> None:
        if event.node.data and event.node is not self.query_one("#schema", Tree).root:
            self.editor.insert(str(event.node.data))

    def names(self) -> list[str]:
        """Tables and columns, for completion."""
        return [*self.schema, *(c for cols in self.schema.values() for c, _ in cols)] or list(
            self.store.tables)

    # -- completion -----------------------------------------------------------------------
    def _word(self) -> str:
        editor = self.editor
        row, col = editor.cursor_location
        match = WORD.search(editor.document.get_line(row)[:col])
        return match.group(0) if match else ""

    @on(TextArea.Changed, "#sql")
    def _hint(self) -> None:
        word = self._word()
        found = completions(word, self.names()) if word else []
        hint = ("tab: " + ", ".join(found[:8]) + (" …" if len(found) > 8 else "")) if found \
            else "ctrl+r runs · tab completes names · ctrl+↑/↓ history · ctrl+b schema"
        self.query_one("#complete", Static).update(visible(hint, newlines=False))

    def action_complete(self) -> None:
        if self.focused is not self.editor:
            self.focus_next()
            return
        word = self._word()
        found = completions(word, self.names()) if word else []
        if not found:
            self.focus_next()
            return
        rest = (found[0] if len(found) == 1 else common_prefix(found))[len(word):]
        if rest and (len(found) == 1 or common_prefix(found).lower().startswith(word.lower())):
            self.editor.insert(rest)

    # -- running --------------------------------------------------------------------------
    def action_run(self) -> None:
        self.run_sql(self.editor.text)

    def run_sql(self, sql: str) -> None:
        """Run ``sql`` (also used by tests and the palette)."""
        sql = sql.strip()
        if not sql:
            return
        if not self.history or self.history[-1] != sql:
            self.history.append(sql)
            history.save(self.history)
        self._at, self._draft = len(self.history), ""
        self.query_one("#error", ErrorPanel).clear()
        self.set_context("running…  (esc cancels)")
        self.busy(self.query_one("#result"), self.run_query(sql, self.limit))

    @work(thread=True, exclusive=True, exit_on_error=False, group="sql")
    def run_query(self, sql: str, limit: int) -> None:
        def run() -> QueryResult:
            with self.store.cursor() as cur:
                self._cursor = cur
                try:
                    return self.timed(run_readonly, self.store, sql, limit, cur)
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
        more = " (ctrl+l raises the limit)" if result.truncated and self.limit < LIMITS[-1] \
            else ""
        shown = result.shown + more
        self.set_context(f"{shown} in {result.seconds * 1000:.1f} ms"
                         if self.ptmx.show_timings else shown)

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

    # -- copy and export ------------------------------------------------------------------
    def sheet(self) -> Sheet | None:
        """The last result, with its values as they are (not cut)."""
        result = self.result
        if result is None:
            return None
        columns = list(result.table.column_names)
        rows = [list(r.values()) for r in result.table.to_pylist()]
        table = self.query_one("#result", DataTable)
        if not rows:
            return Sheet("query", columns, lambda: rows)
        current = rows[min(table.cursor_row, len(rows) - 1)]
        value = current[min(table.cursor_column, len(current) - 1)]
        return Sheet("query", columns, lambda: rows, current, value,
                     None if current[0] is None else str(current[0]))

    def action_copy_any(self) -> None:
        """ctrl+c: the editor's selection, else the highlighted cell, else the query."""
        editor = self.editor
        if self.focused is editor and editor.selected_text:
            self._copy(editor.selected_text, "selection")
        elif self.focused is self.query_one("#result") and self.result is not None:
            self.action_copy_cell()
        elif editor.text.strip():
            self._copy(editor.text, "query")

    # -- keys -----------------------------------------------------------------------------
    def action_back(self) -> None:
        if self._cursor is not None:
            self._cursor.interrupt()
            self.notify("cancelling the query…")
            return
        super().action_back()

    def action_schema(self) -> None:
        self.set_class(not self.has_class("-schema"), "-schema")

    def action_limit(self) -> None:
        self.limit = LIMITS[(LIMITS.index(self.limit) + 1) % len(LIMITS)]
        self._show_limit()

    def _show_limit(self) -> None:
        self.set_context(f"read-only · limit {self.limit:,} rows (ctrl+l)")

    def action_history(self, step: int) -> None:
        if not self.history:
            return
        editor = self.editor
        if self._at == len(self.history):
            self._draft = editor.text
        self._at = max(0, min(self._at + step, len(self.history)))
        editor.text = self.history[self._at] if self._at < len(self.history) else self._draft
        editor.move_cursor(editor.document.end)

    def action_copy(self) -> None:
        error = self.query_one("#error", ErrorPanel).message
        text = error or self.editor.text
        if text:
            self.app.copy_to_clipboard(text)
            self.notify("copied the error" if error else "copied the query")
