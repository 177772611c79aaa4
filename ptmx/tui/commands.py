"""Command palette (ctrl+p): every action as "area: action", plus "model: open <id>" and
"project: open <owner/name>" found by name.

Screens add their own commands with a ``palette_commands()`` method returning
``(text, help, callback)`` triples, so the palette always matches the screen it was opened on.
The palette reads its prompts as Textual markup: every prompt goes through ``safe_markup`` (ids
come from the dataset).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterator
from functools import partial
from typing import TYPE_CHECKING, Any, cast

from textual.command import DiscoveryHit, Hit, Hits, Provider

from ptmx.render.safe import safe_markup
from ptmx.store import search_models, suggest_projects

if TYPE_CHECKING:
    from ptmx.tui.app import PtmxApp

Command = tuple[str, str, Callable[[], Any]]


class PtmxCommands(Provider):
    """ptmx's commands for the current screen, and models found by name."""

    def _commands(self) -> Iterator[Command]:
        app = cast("PtmxApp", self.app)
        screen_commands = getattr(self.screen, "palette_commands", None)
        if screen_commands is not None:
            yield from screen_commands()
        # Every ptmx screen with a table (the graph's e exports the graph: its own command).
        if hasattr(self.screen, "sheet") and getattr(self.screen, "AREA", "") != "graph":
            screen: Any = self.screen
            yield ("table: export to .csv, .json or .parquet", "e / ctrl+s", screen.action_export)
            yield ("table: copy the highlighted row's id", "y", screen.action_copy_id)
            yield ("table: copy the highlighted cell", "c", screen.action_copy_cell)
            yield ("table: copy the highlighted row", "Y", screen.action_copy_row)
        yield ("models: browse and search models", "F2",
               partial(app.action_area, "models"))
        yield ("licenses: audit summary, family flow, findings", "F3",
               partial(app.action_area, "licenses"))
        yield ("documentation: model-card completeness", "F4",
               partial(app.action_area, "documentation"))
        yield ("console: read-only SQL over all tables", "F5",
               partial(app.action_area, "console"))
        yield ("paper: the PeaTMOSS paper's analyses reproduced", "F6", app.action_paper)
        yield ("drift: what changed on the hub for the reused models", "F7",
               partial(app.action_area, "drift"))
        yield ("view: toggle dark / light theme", "ctrl+t", app.action_toggle_theme)
        yield ("help: keys of this screen", "F1 or ?", app.action_help)

    async def discover(self) -> Hits:
        for text, help_text, callback in self._commands():
            yield DiscoveryHit(safe_markup(text, newlines=False), callback, text=text,
                               help=safe_markup(help_text))

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for text, help_text, callback in self._commands():
            score = matcher.match(text)
            if score > 0:
                yield Hit(score, matcher.highlight(safe_markup(text, newlines=False)), callback,
                          text=text, help=safe_markup(help_text))
        words = query.strip()
        if len(words) >= 2:
            async for hit in self._models(words):
                yield hit
        if "/" in words:
            async for hit in self._projects(words):
                yield hit

    async def _projects(self, text: str) -> Hits:
        """'project: open <owner/name>' for the projects closest to ``text``."""
        app = cast("PtmxApp", self.app)
        needle = text.removeprefix("project:").removeprefix("open").strip()
        try:
            names = await asyncio.to_thread(suggest_projects, app.store, needle, 3)
        except Exception:
            return
        for i, name in enumerate(names):
            label = f"project: open {name}"
            yield Hit(0.45 - i * 0.01, safe_markup(label, newlines=False),
                      partial(app.open_project, name), text=label,
                      help="project page")

    async def _models(self, text: str) -> Hits:
        """'model: open <id>' for the best few models whose id contains ``text``."""
        app = cast("PtmxApp", self.app)
        needle = text.removeprefix("model:").removeprefix("open").strip()
        if len(needle) < 2:
            return
        try:
            table = await asyncio.to_thread(search_models, app.store, needle, limit=5)
        except Exception:  # the palette must keep working whatever the store says
            return
        for i, model in enumerate(table.column("model").to_pylist()):
            label = f"model: open {model}"
            yield Hit(0.5 - i * 0.01, safe_markup(label, newlines=False),
                      partial(app.open_model, model), text=label,
                      help="model page")
