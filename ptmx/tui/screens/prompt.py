"""A one-line question dialog (e.g. where to export the graph)."""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, Static

from ptmx.tui.widgets.path_input import PathSuggester


class PromptScreen(ModalScreen[str | None]):
    """Ask for one value; dismisses with it (enter) or None (esc)."""

    AREA = "question dialog"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="prompt.cancel"),
    ]

    def __init__(self, question: str, default: str = "", note: str = "", *,
                 paths: bool = False) -> None:
        """``paths``: the answer is a file path, completed from the file system (→)."""
        super().__init__()
        self.question = question
        self.default = default
        self.note = note
        self.paths = paths

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Label(self.question, classes="dialog-title")
            yield Input(self.default, id="answer", compact=True,
                        suggester=PathSuggester() if self.paths else None)
            if self.note:
                yield Static(self.note, classes="note", markup=False)
            yield Static("enter: ok · esc: cancel" + (" · →: complete the path"
                                                      if self.paths else ""), classes="note")

    @on(Input.Submitted)
    def _ok(self, event: Input.Submitted) -> None:
        self.dismiss(event.value.strip() or None)

    def action_cancel(self) -> None:
        self.dismiss(None)
