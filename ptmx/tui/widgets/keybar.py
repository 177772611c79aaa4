"""The footer: the keys that work now, in one line, clickable.

Textual's Footer builds one widget per key and rebuilds them on every focus change (tens of
milliseconds each time); this bar renders the same information as a single line of text.
"""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import events
from textual.binding import Binding
from textual.screen import Screen
from textual.widget import Widget


class KeyBar(Widget):
    """``⏎ Open  g Graph  f1 Help            ^p palette``, from the screen's active bindings."""

    COMPONENT_CLASSES: ClassVar[set[str]] = {"keybar--key", "keybar--description",
                                             "keybar--disabled"}
    DEFAULT_CSS = """
    KeyBar {
        height: 1;
        background: $footer-background;
        color: $footer-foreground;
        & > .keybar--key { color: $footer-key-foreground; text-style: bold; }
        & > .keybar--description { color: $footer-description-foreground; }
        & > .keybar--disabled { color: $text-disabled; }
    }
    """

    def __init__(self) -> None:
        super().__init__()
        self._spans: list[tuple[int, int, str]] = []  # (start, end, key) for clicks

    def on_mount(self) -> None:
        self.screen.bindings_updated_signal.subscribe(self, self._bindings_changed)

    def on_unmount(self) -> None:
        self.screen.bindings_updated_signal.unsubscribe(self)

    def _bindings_changed(self, screen: Screen[object]) -> None:
        if screen is self.screen:
            self.refresh()

    def _shown(self) -> list[tuple[Binding, bool]]:
        seen: set[str] = set()
        shown = []
        for _node, binding, enabled, _tooltip in self.screen.active_bindings.values():
            if binding.show and binding.action not in seen:
                seen.add(binding.action)
                shown.append((binding, enabled))
        return shown

    def render(self) -> Text:
        key_style = self.get_component_rich_style("keybar--key")
        description_style = self.get_component_rich_style("keybar--description")
        disabled_style = self.get_component_rich_style("keybar--disabled")
        line = Text(no_wrap=True, overflow="ellipsis")
        self._spans = []
        for binding, enabled in self._shown():
            start = len(line)
            line.append(" ")
            line.append(self.app.get_key_display(binding),
                        key_style if enabled else disabled_style)
            line.append(" " + binding.description + " ",
                        description_style if enabled else disabled_style)
            self._spans.append((start, len(line), binding.key))
        palette = self.app.COMMAND_PALETTE_BINDING
        if self.app.ENABLE_COMMAND_PALETTE:
            right = Text.assemble((" ^p", key_style), (" palette ", description_style))
            gap = self.size.width - len(line) - len(right)
            if gap > 0:
                line.append(" " * gap)
                self._spans.append((len(line), len(line) + len(right), palette))
                line.append_text(right)
        return line

    def on_click(self, event: events.Click) -> None:
        for start, end, key in self._spans:
            if start <= event.x < end:
                self.app.simulate_key(key)
                return
