"""The loading screen of a first open: the cache build's progress, then the models list.

``ptmx browse`` on a dataset without a cache starts Textual at once and opens the store in a
thread worker; the store's progress callback (``progress(step, done, total)``) feeds a bar, the
step's name and the elapsed time, so a first open is never a blank terminal. An error while
opening is one line on this screen (and again on stderr after exit), never a traceback.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Center, Middle, Vertical
from textual.screen import Screen
from textual.widgets import Label, ProgressBar, Static

from ptmx.safetext import visible
from ptmx.store import Store

StoreProgress = Callable[[str, int, int], None]
#: Opens the store, reporting through the callback (``open_store(folder, progress=...)``).
Opener = Callable[[StoreProgress], Store]


def _one_line(error: BaseException) -> str:
    from ptmx.errors import PtmxError

    text = " ".join(str(error).split()) or type(error).__name__
    if not isinstance(error, PtmxError):
        text = f"{type(error).__name__}: {text}"
    return visible(text, newlines=False)[:500]


class LoadingScreen(Screen[None]):
    """A title, the dataset folder, a progress bar with the current step and the elapsed time."""

    AREA = "loading"
    DEFAULT_CSS = """
    LoadingScreen { align: center middle; }
    LoadingScreen #loading-box { width: 72; max-width: 100%; height: auto; padding: 1 2;
                                 border: round $accent; }
    LoadingScreen #loading-title { text-style: bold; }
    LoadingScreen #loading-step { color: $text-muted; }
    LoadingScreen #loading-error { color: $error; }
    LoadingScreen ProgressBar { width: 100%; }
    LoadingScreen ProgressBar Bar { width: 1fr; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("q,escape,enter", "quit_after_error", "Quit", show=False),
    ]

    def __init__(self, opener: Opener, where: str) -> None:
        super().__init__()
        self._opener = opener
        self._where = where
        self._started = time.monotonic()
        self._step = "starting"
        self.error: BaseException | None = None

    def compose(self) -> ComposeResult:
        with Middle(), Center(), Vertical(id="loading-box"):
            yield Label("ptmx: first open of this dataset — building its cache", id="loading-title")
            yield Static(Text(visible(self._where, newlines=False)), id="loading-where")
            yield ProgressBar(total=None, show_eta=False, id="loading-bar")
            yield Static(Text("starting"), id="loading-step")
            yield Static("", id="loading-error")

    def on_mount(self) -> None:
        self.set_interval(0.5, self._tick)
        self.run_worker(self._open, thread=True, exclusive=True, name="open-store")

    def _open(self) -> None:
        """In a thread: the store's work never blocks the screen's drawing."""
        app = self.app
        try:
            store = self._opener(lambda step, done, total:
                                 app.call_from_thread(self.show_step, step, done, total))
        except Exception as exc:  # every failure is one line on screen, never a traceback
            app.call_from_thread(self.show_error, exc)
            return
        app.call_from_thread(self._loaded, store)

    def _loaded(self, store: Store) -> None:
        from ptmx.tui.app import PtmxApp

        if isinstance(self.app, PtmxApp):
            self.app.store_opened(store)

    def show_step(self, step: str, done: int, total: int) -> None:
        """A step of the build: the bar's position and the step's name."""
        self._step = visible(step, newlines=False)
        bar = self.query_one("#loading-bar", ProgressBar)
        bar.update(total=max(total, 1), progress=min(done, max(total, 1)))
        self._tick()

    def _tick(self) -> None:
        if self.error is None:
            elapsed = time.monotonic() - self._started
            self.query_one("#loading-step", Static).update(Text(f"{self._step} · {elapsed:.0f} s"))

    def show_error(self, error: BaseException) -> None:
        """The dataset cannot be opened: one line, and a key to leave."""
        from ptmx.tui.app import PtmxApp

        self.error = error
        if isinstance(self.app, PtmxApp):
            self.app.open_error = error
        self.query_one("#loading-title", Label).update("ptmx: cannot open this dataset")
        self.query_one("#loading-bar", ProgressBar).display = False
        self.query_one("#loading-step", Static).update(Text("press q, Esc or Enter to quit"))
        self.query_one("#loading-error", Static).update(Text(_one_line(error)))

    def action_quit_after_error(self) -> None:
        if self.error is not None:
            self.app.exit(return_code=2)
