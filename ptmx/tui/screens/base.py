"""What every ptmx screen shares: the frame, the back key, and how workers report back.

Workers (``@work(thread=True, exclusive=True, exit_on_error=False, group=...)``) only compute;
they end with :meth:`PtmxScreen.deliver`, which posts a typed message from
:mod:`ptmx.tui.messages` (the result, or the failure) that the screen handles with ``@on(...)``
on the event loop. A result is routed by its type, never by the worker's name. A failure
without a handler of its own (:class:`~ptmx.tui.messages.JobFailed`) becomes a notification,
and so does a bug in a handler: never a crash. The widget marked busy for a worker gets its
loading indicator back off when the worker ends. A loading indicator only appears when a job
takes longer than a blink, so fast typing does not make the table flicker.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar, TypeVar, cast

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.message import Message
from textual.screen import Screen
from textual.timer import Timer
from textual.widget import Widget
from textual.widgets import DataTable
from textual.worker import Worker, WorkerState, get_current_worker

from ptmx.errors import MissingTableError, PtmxError
from ptmx.render.tabular import write_table
from ptmx.safetext import visible
from ptmx.tui.messages import Failed, JobFailed, SheetExported, WorkerMessage
from ptmx.tui.pointers import tui_hint
from ptmx.tui.sheet import Sheet, data_table_sheet, row_text
from ptmx.tui.widgets.bars import StatusLine, TitleBar
from ptmx.tui.widgets.keybar import KeyBar

if TYPE_CHECKING:
    from ptmx.store import Store
    from ptmx.tui.app import PtmxApp

T = TypeVar("T")
BUSY_DELAY = 0.15  # seconds before a loading indicator appears


class PtmxScreen(Screen[None]):
    """A screen in the stack, with title bar, status line and footer."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "Back", id="back", tooltip="Back to the previous screen"),
        Binding("q", "back", "Back", show=False, id="back-q",
                tooltip="Back to the previous screen"),
        Binding("y", "copy_id", "Copy id", show=False, id="copy-id",
                tooltip="Copy the highlighted row's id (model id, owner/name) to the clipboard"),
        Binding("c", "copy_cell", "Copy cell", show=False, id="copy-cell",
                tooltip="Copy the highlighted cell to the clipboard"),
        Binding("Y", "copy_row", "Copy row", show=False, id="copy-row", key_display="Y",
                tooltip="Copy the highlighted row (tab-separated) to the clipboard"),
        Binding("e,ctrl+s", "export", "Export", show=False, id="export",
                tooltip="Export the table to a .csv, .json or .parquet file"),
    ]
    #: Keys that are not bindings (typing, mouse), listed by the help screen: (key, meaning).
    HELP_EXTRA: ClassVar[list[tuple[str, str]]] = []
    #: What kind of screen this is, for the help screen's title.
    AREA: ClassVar[str] = "screen"

    def __init__(self) -> None:
        super().__init__()
        self._busy: dict[Worker[None], tuple[Widget, Timer]] = {}

    # -- frame ----------------------------------------------------------------------------
    @property
    def crumb(self) -> str:
        """This screen's name in the breadcrumbs."""
        return "?"

    @property
    def ptmx(self) -> PtmxApp:
        """The app, typed."""
        return cast("PtmxApp", self.app)

    @property
    def store(self) -> Store:
        """The open dataset."""
        return self.ptmx.store

    def compose(self) -> ComposeResult:
        yield TitleBar()
        with Vertical(id="body"):
            yield from self.compose_body()
        yield StatusLine()
        yield KeyBar()

    def compose_body(self) -> Iterable[Widget]:
        """The screen's own widgets, between the title bar and the status line."""
        return ()

    def on_screen_resume(self) -> None:
        crumbs = tuple(
            s.crumb for s in self.app.screen_stack if isinstance(s, PtmxScreen)
        )
        self.query_one(TitleBar).crumbs = crumbs

    @property
    def settling(self) -> bool:
        """Whether the screen still expects results (tests and benchmarks wait for it)."""
        return bool(self._busy)

    def set_context(self, text: str) -> None:
        """The left part of the status line."""
        self.query_one(StatusLine).context = text

    def action_back(self) -> None:
        """Pop this screen (an area's first screen goes back to the models; that one quits)."""
        self.ptmx.go_back()

    # -- workers --------------------------------------------------------------------------
    def timed(self, func: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """Call ``func`` (in a worker thread) and tell the app how long it took."""
        started = time.perf_counter()
        try:
            return func(*args, **kwargs)
        finally:
            self.ptmx.post_message(self.ptmx.QueryTimed(time.perf_counter() - started))

    def busy(self, widget: Widget, worker: Worker[None]) -> Worker[None]:
        """Show ``widget`` as loading while ``worker`` runs (after a short delay)."""
        previous = [w for w, (target, _) in self._busy.items() if target is widget]
        for w in previous:
            self._busy.pop(w)[1].stop()
            self.ptmx.running = max(self.ptmx.running - 1, 0)
        timer = self.set_timer(BUSY_DELAY, lambda: self._show_loading(worker))
        self._busy[worker] = (widget, timer)
        self.ptmx.running += 1
        return worker

    def _show_loading(self, worker: Worker[None]) -> None:
        # A timer event can be queued just before the worker's completion is handled: only
        # show the indicator for a job that is still ours and still running.
        if worker in self._busy and not worker.is_finished:
            self._busy[worker][0].loading = True

    def on_unmount(self) -> None:
        # Workers of a closed screen never report back: release their share of "working…".
        for _, timer in self._busy.values():
            timer.stop()
            self.ptmx.running = max(self.ptmx.running - 1, 0)
        self._busy.clear()

    def deliver(self, compute: Callable[[], T], done: Callable[[T], Message],
                failed: Callable[[BaseException], Failed] | str) -> None:
        """The body of a worker: run ``compute`` and post ``done(result)``, or the failure
        (``failed(error)``, or a :class:`JobFailed` titled ``failed`` when it is a string).
        Nothing is posted by a worker that was cancelled meanwhile (a newer one replaced it)."""
        try:
            result = compute()
        except Exception as exc:
            message: Message = (JobFailed(exc, failed) if isinstance(failed, str)
                                else failed(exc))
        else:
            message = done(result)
        if not get_current_worker().is_cancelled:
            self.post_message(message)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        worker = event.worker
        if worker.state not in (WorkerState.SUCCESS, WorkerState.ERROR, WorkerState.CANCELLED):
            return
        if worker in self._busy:
            widget, timer = self._busy.pop(worker)
            timer.stop()
            if not any(target is widget for target, _ in self._busy.values()):
                widget.loading = False
            self.ptmx.running = max(self.ptmx.running - 1, 0)
        if worker.state == WorkerState.ERROR and worker.error is not None:
            self.report(worker.error, worker.name)  # deliver() itself failed: still say so

    @on(JobFailed)
    def _job_failed(self, message: JobFailed) -> None:
        self.report(message.error, message.what)

    async def _on_message(self, message: Message) -> None:
        if not isinstance(message, WorkerMessage):
            await super()._on_message(message)
            return
        try:
            await super()._on_message(message)
        except Exception as exc:  # a rendering bug must not take the app down
            self.report(exc, type(message).__name__)

    def report(self, error: BaseException, what: str = "") -> None:
        """An error as a notification: one line for ptmx errors, type and text otherwise."""
        self.ptmx.report(error, what)

    # -- copy and export: every table ------------------------------------------------------
    def sheet(self) -> Sheet | None:
        """The table the user is looking at, as data (None: there is none on screen).
        Default: the focused DataTable, else the first one shown; screens with other tables
        (or better ids) override it."""
        tables = [t for t in self.query(DataTable) if t.display and t.region.area]
        focused = self.focused if isinstance(self.focused, DataTable) else None
        table = focused or (tables[0] if tables else None)
        if table is None:
            return None
        return data_table_sheet(table, self.sheet_name())

    def sheet_name(self) -> str:
        """A default file name stem for an export of this screen's table."""
        return self.AREA.replace(" ", "-")

    def page_id(self) -> str | None:
        """What ``y`` copies when no table row is highlighted (the page's own id)."""
        return None

    def _copy(self, text: str, what: str) -> None:
        self.app.copy_to_clipboard(text)
        shown = visible(text if len(text) <= 60 else text[:59] + "…", newlines=False)
        self.notify(f"copied {shown}", title=f"copied the {what}", markup=False)

    def action_copy_id(self) -> None:
        sheet = self.sheet()
        ident = (sheet.row_id if sheet else None) or self.page_id()
        if ident:
            self._copy(ident, "id")
        else:
            self.notify("nothing to copy here", severity="warning", markup=False)

    def action_copy_cell(self) -> None:
        sheet = self.sheet()
        if sheet is None or sheet.current is None:
            self.notify("no cell highlighted", severity="warning", markup=False)
            return
        self._copy("" if sheet.cell is None else str(sheet.cell), "cell")

    def action_copy_row(self) -> None:
        sheet = self.sheet()
        if sheet is None or sheet.current is None:
            self.notify("no row highlighted", severity="warning", markup=False)
            return
        self._copy(row_text(sheet.current), "row")

    def action_export(self) -> None:
        sheet = self.sheet()
        if sheet is None or not sheet.columns:
            self.notify("no table to export here", severity="warning", markup=False)
            return
        from ptmx.tui.screens.prompt import PromptScreen

        def chosen(path: str | None) -> None:
            if path:
                self.export_sheet(sheet, path)

        self.app.push_screen(PromptScreen(
            f"export {sheet.name} to", f"ptmx-{sheet.name}.csv",
            "the suffix picks the format: .csv .json .parquet", paths=True), chosen)

    @work(thread=True, exclusive=True, exit_on_error=False, group="export")
    def export_sheet(self, sheet: Sheet, path: str) -> None:
        """Write every row of ``sheet`` to ``path`` (in a worker: rows may be queried)."""
        def write() -> SheetExported:
            rows = sheet.rows()
            target = write_table(sheet.columns, rows, Path(path).expanduser())
            return SheetExported(str(target), len(rows))

        self.deliver(lambda: self.timed(write), lambda done: done, "export")

    @on(SheetExported)
    def _sheet_exported(self, message: SheetExported) -> None:
        self.notify(visible(f"{message.rows:,} rows written to {message.path}",
                            newlines=False), title="exported", markup=False)


def error_text(error: BaseException) -> str:
    """One line for a user: the ptmx message (and hint), or the exception's type and text.
    Hints are rewritten to name what a TUI user has (see :mod:`ptmx.tui.pointers`)."""
    if isinstance(error, PtmxError):
        hint = tui_hint(error)
        line = " ".join(error.message.split()) + (f" (hint: {hint})" if hint else "")
        return visible(line, newlines=False)
    return visible(f"{type(error).__name__}: {error}", newlines=False)


def is_not_available(error: BaseException) -> bool:
    """Whether ``error`` says a feature cannot run here: the dataset lacks a table it needs.
    Shown in place, as information rather than alarm."""
    return isinstance(error, MissingTableError)
