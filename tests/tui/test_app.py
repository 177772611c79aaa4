"""App-wide behaviour: help lists every key, theme toggle, command palette, the status line."""

from __future__ import annotations

from textual.binding import Binding

from ptmx.tui.screens.console import ConsoleScreen
from ptmx.tui.screens.help import HelpScreen
from ptmx.tui.screens.licenses import LicensesScreen
from ptmx.tui.screens.models import ModelsScreen
from tests.tui.conftest import SIZE, screen_text, settle


def described(screen_class) -> list[Binding]:
    own = Binding.make_bindings(screen_class.__dict__.get("BINDINGS", []))
    return [b for b in own if b.description or b.tooltip]


async def test_help_lists_every_key_of_the_current_screen(app):
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("f1")
        await settle(pilot)
        assert isinstance(app.screen, HelpScreen)
        rows = [row for _, section in app.screen.sections for row in section]
        meanings = " ".join(what for _, what in rows)
        for binding in described(ModelsScreen):
            assert (binding.tooltip or binding.description) in meanings, binding.key
        assert any(keys == "/" for keys, _ in rows)
        assert "command palette" in meanings
        assert "keys: models" in screen_text(app)
        await pilot.press("escape")
        assert isinstance(app.screen, ModelsScreen)
        # From the table, '?' works too, and the table's own keys are listed.
        await pilot.press("down", "question_mark")
        await settle(pilot)
        titles = [title for title, _ in app.screen.sections]
        assert "in the table (when focused)" in titles
        await pilot.press("f1")  # F1 again closes it
        assert isinstance(app.screen, ModelsScreen)
        # On the console, its own keys are listed.
        await pilot.press("f5")
        await settle(pilot)
        await pilot.press("f1")
        await settle(pilot)
        meanings = " ".join(w for _, section in app.screen.sections for _, w in section)
        for binding in described(ConsoleScreen):
            assert (binding.tooltip or binding.description) in meanings


async def test_command_palette_areas_and_models(app):
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+p")
        await settle(pilot)
        await pilot.press(*"licenses")
        await pilot.pause(0.3)
        await settle(pilot)
        assert "licenses: audit summary" in screen_text(app)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, LicensesScreen)
        # Typing a model's name offers to open it.
        await pilot.press("ctrl+p")
        await settle(pilot)
        await pilot.press(*"gpt2")
        await pilot.pause(0.3)
        await settle(pilot)
        assert "model: open gpt2" in screen_text(app)
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen.crumb == "gpt2"


async def test_status_line_theme_and_function_keys(sample_store):
    from ptmx.tui.app import PtmxApp

    app = PtmxApp(sample_store)  # timings on, as a user sees them
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        text = screen_text(app)
        assert "last query" in text and " ms" in text
        assert sample_store.manifest["name"] in text
        assert app.theme == "textual-dark"
        await pilot.press("ctrl+t")
        assert app.theme == "textual-light"
        await pilot.press("ctrl+t")
        assert app.theme == "textual-dark"
        await pilot.press("f3")
        await settle(pilot)
        assert isinstance(app.screen, LicensesScreen)
        await pilot.press("f5")
        await settle(pilot)
        assert isinstance(app.screen, ConsoleScreen)
        counts = sample_store.row_counts  # a short context leaves room for the dataset's size
        assert (f"{counts['model']:,} models · {counts['reuse_repository']:,} projects"
                in screen_text(app))
        await pilot.press("f2")  # back down the stack, not a second models screen
        await settle(pilot)
        assert isinstance(app.screen, ModelsScreen)
        assert len(app.screen_stack) == 1  # areas are modes: nothing stacked under it
