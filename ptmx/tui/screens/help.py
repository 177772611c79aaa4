"""Help (``?`` / F1): every key of the screen underneath, its widgets, and the global keys.

Built from the bindings themselves (not a hand-kept list), so it cannot drift from what the keys
do; screens add the keys that are not bindings (typing, mouse) in ``HELP_EXTRA``.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, ClassVar

from rich.table import Table
from rich.text import Text
from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.dom import DOMNode
from textual.screen import ModalScreen, Screen
from textual.widgets import Input, Static

Section = tuple[str, list[tuple[str, str]]]

WIDGET_NAMES = {
    "PagedTable": "table", "DataTable": "table", "Tree": "tree", "Tabs": "tabs",
    "TabbedContent": "tabs", "VerticalScroll": "page",
}


def _bindings_of(node: DOMNode, *, framework: bool | None = None) -> list[Binding]:
    """The node's bindings as its class hierarchy declares them (later classes win).

    ``framework``: True keeps only those Textual's own base classes declare (focus keys, copy),
    False only ptmx's, None both.
    """
    by_key: dict[str, Binding] = {}
    for cls in reversed(type(node).__mro__):
        from_textual = cls.__module__.startswith("textual.")
        if framework is not None and from_textual != framework:
            continue
        for binding in Binding.make_bindings(cls.__dict__.get("BINDINGS", [])):
            by_key[binding.key] = binding
    return list(by_key.values())


def _rows(app: App[Any], bindings: Iterable[Binding]) -> list[tuple[str, str]]:
    """(keys, description) with the keys of one action joined: 'home / ctrl+home'."""
    grouped: dict[tuple[str, str], list[str]] = {}
    for b in bindings:
        if b.system or not (b.description or b.tooltip):
            continue
        text = b.tooltip or b.description
        grouped.setdefault((b.action, text), []).append(app.get_key_display(b))
    return [(" / ".join(dict.fromkeys(keys)), text) for (_, text), keys in grouped.items()]


def collect_keys(app: App[Any], screen: Screen[Any]) -> list[Section]:
    """Sections of (keys, meaning) for ``screen``: its own keys, its widgets', global ones."""
    crumb = getattr(screen, "AREA", type(screen).__name__)
    own = _rows(app, _bindings_of(screen, framework=False)) + list(
        getattr(screen, "HELP_EXTRA", []))
    sections: list[Section] = [(f"this screen: {crumb}", own)]
    seen: set[str] = set()
    for widget in screen.query("*"):
        kind = type(widget).__name__
        if kind not in WIDGET_NAMES or kind in seen or isinstance(widget, Input):
            continue
        if kind == "VerticalScroll" and not widget.can_focus:
            continue
        seen.add(kind)
        rows = _rows(app, _bindings_of(widget))
        if rows:
            sections.append((f"in the {WIDGET_NAMES[kind]} (when focused)", rows))
    everywhere = _rows(app, _bindings_of(app)) + _rows(app, _bindings_of(screen, framework=True))
    everywhere.insert(0, (app.COMMAND_PALETTE_BINDING.replace("ctrl+", "^"),
                          "command palette: every action as 'area: action'"))
    sections.append(("everywhere", everywhere))
    return sections


class HelpScreen(ModalScreen[None]):
    """The keys of the screen it was opened from."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q,f1,question_mark", "close", "Close", id="help.close"),
    ]

    def __init__(self, sections: list[Section], title: str = "keys") -> None:
        super().__init__()
        self.sections = sections
        self.title_text = title

    @property
    def crumb(self) -> str:
        return "help"

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help"):
            for title, rows in self.sections:
                table = Table(box=None, show_header=False, expand=True, padding=(0, 1),
                              title=Text(title, style="bold"), title_justify="left")
                table.add_column("key", style="bold", no_wrap=True, min_width=12)
                table.add_column("what", ratio=1)
                for keys, what in rows:
                    table.add_row(keys, what)
                yield Static(table)
        yield Static(" esc / q / F1: close", id="help-footer")

    def on_mount(self) -> None:
        self.query_one("#help").border_title = self.title_text
        self.query_one("#help").focus()

    def action_close(self) -> None:
        self.dismiss(None)
