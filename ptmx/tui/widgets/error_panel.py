"""An error shown where the result would have been: selectable, and copyable with one key."""

from __future__ import annotations

from textual.widgets import Static


class ErrorPanel(Static):
    """A query's error message in place of its result (hidden while there is none)."""

    DEFAULT_CSS = """
    ErrorPanel {
        display: none;
        height: auto;
        max-height: 8;
        border: round $error;
        border-title-color: $error;
        padding: 0 1;
        color: $text-error;
    }
    ErrorPanel.-shown { display: block; }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__("", id=id, markup=False)
        self.message = ""
        self.border_title = "error"
        self.border_subtitle = "ctrl+y copies"

    def show(self, message: str) -> None:
        """Show ``message`` (plain text: brackets in SQL must not be read as markup)."""
        self.message = message
        self.update(message)
        self.set_class(True, "-shown")

    def clear(self) -> None:
        """Hide the panel."""
        self.message = ""
        self.update("")
        self.set_class(False, "-shown")
