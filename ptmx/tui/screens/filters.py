"""The filter dialog of the models screen: license, license family, author, and task and library
when the dataset has PeaTMOSS's tag/library tables (otherwise it says which table is missing)."""

from __future__ import annotations

from typing import Any, ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.suggester import SuggestFromList
from textual.widgets import Button, Input, Label, Static

from ptmx.tui.search_state import Filters, filter_choices

# Filters that need an optional PeaTMOSS table: (what, the table, the prompt).
NEEDS_TABLE = (("task", "model_to_tag", "task (a tag: text-classification, fill-mask, …)"),
               ("library", "model_to_library", "library (transformers, timm, diffusers, …)"))


class FilterScreen(ModalScreen[Filters | None]):
    """Edit the models filters; dismisses with the new Filters, or None when cancelled."""

    AREA = "filter dialog"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="filters.cancel"),
        Binding("ctrl+r", "clear", "Clear all", id="filters.clear"),
    ]
    HELP_EXTRA: ClassVar[list[tuple[str, str]]] = [
        ("enter", "apply the filters"),
        ("tab / shift+tab", "next / previous field"),
    ]

    def __init__(self, current: Filters, licenses: list[str]) -> None:
        super().__init__()
        self.current = current
        self.licenses = licenses

    def compose(self) -> ComposeResult:
        store = getattr(self.app, "store", None)
        with Vertical(id="dialog"):
            yield Label("Filter models", classes="dialog-title")
            yield Label("license tag (e.g. apache-2.0, mit, other)")
            yield Input(self.current.license or "", id="license", compact=True,
                        suggester=SuggestFromList(self.licenses, case_sensitive=False))
            yield Label("license family (permissive, copyleft, non-commercial, …)")
            yield Input(self.current.family or "", id="family", compact=True)
            yield Label("author (the owner part of owner/name)")
            yield Input(self.current.author or "", id="author", compact=True)
            notes = []
            for what, table, prompt in NEEDS_TABLE:
                if store is not None and store.has(table):
                    yield Label(prompt)
                    yield Input(getattr(self.current, what) or "", id=what, compact=True)
                else:
                    notes.append(f"{what}: this dataset has no {table} table")
            if notes:
                yield Static("\n".join(notes), classes="note", markup=False)
            with Horizontal(classes="buttons"):
                yield Button("Apply", variant="primary", id="apply")
                yield Button("Clear all", id="clear")
                yield Button("Cancel", id="cancel")

    def on_mount(self) -> None:
        if self.query("#task, #library"):
            # Five fields: labels without their blank line above, so the dialog fits 80x24.
            for label in self.query("#dialog Label").results(Label):
                label.styles.margin = (0, 0, 0, 0)
            self._load_choices()

    @work(thread=True, exclusive=True, group="filter-choices")
    def _load_choices(self) -> None:
        """Completion of task and library names (a grouped scan of millions of tag rows at
        full scale: off the screen's thread)."""
        store = getattr(self.app, "store", None)
        if store is None:
            return
        choices = filter_choices(store)
        self.app.call_from_thread(self._set_choices, choices)

    def _set_choices(self, choices: dict[str, list[str]]) -> None:
        for what, names in choices.items():
            for field in self.query(f"#{what}").results(Input):
                field.suggester = SuggestFromList(names, case_sensitive=False)

    def _value(self, name: str) -> str | None:
        fields = list(self.query(f"#{name}").results(Input))
        if not fields or fields[0].disabled:
            return None
        return fields[0].value.strip() or None

    def _filters(self) -> Filters:
        return Filters(license=self._value("license"), family=self._value("family"),
                       author=self._value("author"), task=self._value("task"),
                       library=self._value("library"))

    @on(Input.Submitted)
    @on(Button.Pressed, "#apply")
    def action_apply(self, _event: Any = None) -> None:
        self.dismiss(self._filters())

    @on(Button.Pressed, "#clear")
    def action_clear(self, _event: Any = None) -> None:
        self.dismiss(Filters())

    @on(Button.Pressed, "#cancel")
    def action_cancel(self, _event: Any = None) -> None:
        self.dismiss(None)
