"""A one-line question dialog (e.g. where to export the graph)."""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, Static


class PromptScreen(ModalScreen[str | None]):
    """Ask for one value; dismisses with it (enter) or None (esc)."""

    AREA = "question dialog"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="prompt.cancel"),
    ]

    def __init__(self, question: str, default: str = "", note: str = "") -> None:
        super().__init__()
        self.question = question
        self.default = default
        self.note = note

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Label(self.question, classes="dialog-title")
            yield Input(self.default, id="answer", compact=True)
            if self.note:
                yield Static(self.note, classes="note", markup=False)
            yield Static("enter: ok · esc: cancel", classes="note")

    @on(Input.Submitted)
    def _ok(self, event: Input.Submitted) -> None:
        self.dismiss(event.value.strip() or None)

    def action_cancel(self) -> None:
        self.dismiss(None)
