"""The filter dialog of the models screen: license, license family, author (task and library
when the dataset and store can do them; otherwise it says why not)."""

from __future__ import annotations

from typing import Any, ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.suggester import SuggestFromList
from textual.widgets import Button, Input, Label, Static

from ptmx.tui.search_state import Filters

# Filters the dialog names but the store cannot apply yet: (what, the table it would need).
NOT_YET = (("task", "model_to_tag"), ("library", "model_to_library"))


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
            for what, table in NOT_YET:
                if store is not None and not store.has(table):
                    notes.append(f"{what}: this dataset has no {table} table")
                else:  # the dataset has it; this list cannot filter by it, the console can
                    notes.append(f"{what}: not a filter of this list; the SQL console (F5) "
                                 f"has table {table}")
            if notes:
                yield Static("\n".join(notes), classes="note", markup=False)
            with Horizontal(classes="buttons"):
                yield Button("Apply", variant="primary", id="apply")
                yield Button("Clear all", id="clear")
                yield Button("Cancel", id="cancel")

    def _value(self, name: str) -> str | None:
        field = self.query_one(f"#{name}", Input)
        return field.value.strip() or None if not field.disabled else None

    def _filters(self) -> Filters:
        return Filters(license=self._value("license"), family=self._value("family"),
                       author=self._value("author"))

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
