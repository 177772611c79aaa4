"""PtmxApp: the explorer's application object.

It owns what is global: the store, the optional hub client, the theme, the status figures (last
query time, jobs running), navigation between screens, and how errors are reported (as
notifications — never a crash). Screens do the rest.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, ClassVar

from textual import events
from textual.app import App
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.reactive import reactive
from textual.screen import Screen
from textual.widgets import Input, TextArea

from ptmx.hub import HubClient
from ptmx.store import Store
from ptmx.tui.commands import PtmxCommands

if TYPE_CHECKING:
    from ptmx.tui.screens.loading import Opener

DARK, LIGHT = "textual-dark", "textual-light"
#: The top-level areas, each a Textual mode with its own screen stack (F2–F5 switch).
AREAS = ("models", "licenses", "documentation", "console", "drift")


def _area_screen(area: str) -> Callable[[], Screen[None]]:
    """A factory of the area's first screen (imported late: ``ptmx browse`` starts faster)."""

    def make() -> Screen[None]:
        from ptmx.tui.screens.console import ConsoleScreen
        from ptmx.tui.screens.docs import DocumentationScreen
        from ptmx.tui.screens.drift import DriftScreen
        from ptmx.tui.screens.licenses import LicensesScreen
        from ptmx.tui.screens.models import ModelsScreen

        kinds: dict[str, type[Screen[None]]] = {
            "models": ModelsScreen, "licenses": LicensesScreen,
            "documentation": DocumentationScreen, "console": ConsoleScreen,
            "drift": DriftScreen}
        return kinds[area]()

    return make


class PtmxApp(App[None]):
    """``ptmx browse``: models, model and project pages, graph, licenses, docs, SQL console."""

    CSS_PATH = "ptmx.tcss"
    TITLE = "ptmx"
    COMMANDS = App.COMMANDS | {PtmxCommands}
    MODES: ClassVar[dict[str, str | Callable[[], Screen[None]]]] = {
        area: _area_screen(area) for area in AREAS}
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("f1", "help", "Help", id="app.help", tooltip="Every key of this screen"),
        Binding("question_mark", "help", "Help", show=False, key_display="?", id="app.help-?"),
        Binding("f2", "area('models')", "Models", show=False, id="app.models"),
        Binding("f3", "area('licenses')", "Licenses", show=False, id="app.licenses",
                tooltip="License audit: verdicts, family flow, findings"),
        Binding("f4", "area('documentation')", "Docs", show=False, id="app.documentation",
                tooltip="Model-card completeness"),
        Binding("f5", "area('console')", "SQL", show=False, id="app.console",
                tooltip="Read-only SQL console over all tables"),
        Binding("f6", "paper", "Paper", show=False, id="app.paper",
                tooltip="The PeaTMOSS paper's analyses reproduced, beside its figures"),
        Binding("f7", "area('drift')", "Drift", show=False, id="app.drift",
                tooltip="What changed on the hub for the reused models"),
        Binding("ctrl+t", "toggle_theme", "Theme", show=False, id="app.theme",
                tooltip="Switch between the dark and the light theme"),
        Binding("ctrl+q", "quit", "Quit", show=False, id="app.quit", priority=True),
    ]

    store: Store
    last_query: reactive[float | None] = reactive(None)
    running: reactive[int] = reactive(0)

    class QueryTimed(Message):
        """A worker finished a store call that took ``seconds``."""

        def __init__(self, seconds: float) -> None:
            super().__init__()
            self.seconds = seconds

    def __init__(self, store: Store | None, hub: HubClient | None = None, *, show_timings: bool = True,
                 theme: str = DARK, opener: Opener | None = None, where: str = "") -> None:
        """``hub`` is a hub client to use for live lookups (None: ptmx.hub's default).

        ``store=None`` with an ``opener`` (a first open: the cache is still to build): a loading
        screen runs ``opener(progress)`` in a worker and shows its progress, then the models;
        ``where`` names the dataset on it. An error while opening ends the app with return code
        2 and is kept in :attr:`open_error`.
        ``show_timings=False`` keeps query times out of the status line (for snapshots).
        """
        super().__init__()
        if store is None and opener is None:
            raise ValueError("PtmxApp needs a store or an opener")
        if store is not None:
            self.store = store
        self._opener = opener
        self._where = where
        #: Why the dataset could not be opened (set by the loading screen; None: it was).
        self.open_error: BaseException | None = None
        self.hub = hub
        self.show_timings = show_timings
        self._start_theme = theme

    # -- lifecycle ------------------------------------------------------------------------
    def on_mount(self) -> None:
        self.theme = self._start_theme
        if self._opener is not None and not hasattr(self, "store"):
            from ptmx.tui.screens.loading import LoadingScreen

            self.push_screen(LoadingScreen(self._opener, self._where))
            return
        self.switch_mode("models")

    def store_opened(self, store: Store) -> None:
        """The loading screen's worker has opened the store: on to the models."""
        self.store = store
        self.pop_screen()
        self.switch_mode("models")

    async def _on_key(self, event: events.Key) -> None:
        # A printable key typed to a table that has since given the focus to a text box (the
        # same burst as '/'): it is text for the box, not a key of the screen.
        from ptmx.tui.widgets.paged_table import typed_to

        table, focused = typed_to.pop(event, None), self.focused
        if (table is not None and focused is not table and event.is_printable
                and isinstance(focused, Input | TextArea)):
            focused.post_message(events.Key(event.key, event.character))
            event.prevent_default()  # App._on_key (bindings) is not to see it
        # Otherwise Textual goes on to App._on_key itself (handlers run along the MRO).

    def on_ptmx_app_query_timed(self, message: QueryTimed) -> None:
        self.last_query = message.seconds

    # -- status ---------------------------------------------------------------------------
    @property
    def dataset_name(self) -> str:
        """The dataset's name from its manifest, else its folder name."""
        return str(self.store.manifest.get("name") or self.store.folder.name)

    @property
    def counts_text(self) -> str:
        """'2,421 models · 7,956 projects · 22,860 links'."""
        counts = self.store.row_counts
        return (f"{counts.get('model', 0):,} models · {counts.get('reuse_repository', 0):,} "
                f"projects · {counts.get('model_to_reuse_repository', 0):,} links")

    def report(self, error: BaseException, what: str = "") -> None:
        """Show ``error`` as a notification (unavailable features as a gentle warning)."""
        from ptmx.tui.screens.base import error_text, is_not_available

        if is_not_available(error):
            self.notify(error_text(error), title="not available", severity="warning",
                        markup=False)
            return
        self.log.error(what, repr(error))
        self.notify(error_text(error), title=what or "error", severity="error", timeout=10,
                    markup=False)

    # -- navigation -----------------------------------------------------------------------
    def _leave(self) -> None:
        """What belonged to the screen being left goes with it: its notifications."""
        self.clear_notifications()

    def open_model(self, ref: str) -> None:
        """Push the page of model ``ref`` onto the current area's stack."""
        from ptmx.tui.screens.model import ModelScreen

        self._leave()
        self.push_screen(ModelScreen(ref))

    def open_project(self, ref: str) -> None:
        """Push the page of project ``owner/name``."""
        from ptmx.tui.screens.project import ProjectScreen

        self._leave()
        self.push_screen(ProjectScreen(ref))

    def open_graph(self, ref: str, kind: str) -> None:
        """Push the neighbourhood tree of a model or project."""
        from ptmx.tui.screens.graph import GraphScreen

        self._leave()
        self.push_screen(GraphScreen(ref, kind))

    def go_back(self) -> None:
        """Pop the current screen; from an area's first screen, back to the models."""
        self._leave()
        if len(self.screen_stack) > 1:
            self.pop_screen()
        elif self.current_mode != "models":
            self.switch_mode("models")
        else:
            self.exit()

    def action_area(self, area: str) -> None:
        """Switch to a top-level area (a mode): its own stack, as it was left; never stacked
        on the current page."""
        from ptmx.tui.screens.help import HelpScreen

        if isinstance(self.screen, HelpScreen):
            self.screen.dismiss(None)
        if self.current_mode == area:
            return
        self._leave()
        self.switch_mode(area)

    def action_help(self) -> None:
        """Show every key of the current screen (or close help if it is open)."""
        from ptmx.tui.screens.help import HelpScreen, collect_keys

        if isinstance(self.screen, HelpScreen):
            self.screen.dismiss(None)
            return
        area = getattr(self.screen, "AREA", "")
        self.push_screen(HelpScreen(collect_keys(self, self.screen), f"keys: {area}"))

    def action_paper(self) -> None:
        """Push the paper screen (the paper's analyses reproduced) onto the current area."""
        from ptmx.tui.screens.paper import PaperScreen

        if isinstance(self.screen, PaperScreen):
            return
        self._leave()
        self.push_screen(PaperScreen())

    def action_toggle_theme(self) -> None:
        """Dark ↔ light."""
        self.theme = LIGHT if self.theme == DARK else DARK
