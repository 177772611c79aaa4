"""Areas are Textual modes: F2–F5 switch between them without stacking pages, each area keeps
its own stack, and a notification does not follow the user to the next screen."""

from __future__ import annotations

import pytest

from ptmx.tui.screens.console import ConsoleScreen
from ptmx.tui.screens.licenses import LicensesScreen
from ptmx.tui.screens.model import ModelScreen
from ptmx.tui.screens.models import ModelsScreen
from tests.tui.conftest import notes, screen_text, settle

SIZES = [(80, 24), (160, 45)]


@pytest.mark.parametrize("size", SIZES)
async def test_function_keys_switch_areas_without_stacking(app, size):
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        app.open_model("bert-base-uncased")
        await settle(pilot)
        await pilot.press("f3")
        await settle(pilot)
        assert isinstance(app.screen, LicensesScreen)
        assert len(app.screen_stack) == 1
        top = screen_text(app).splitlines()[0]
        assert "licenses" in top and "bert-base-uncased" not in top  # no "… › model › licenses"
        await pilot.press("f4", "f5")
        await settle(pilot)
        assert isinstance(app.screen, ConsoleScreen)
        assert "documentation" not in screen_text(app).splitlines()[0]
        await pilot.press("f2")  # back to the models area as it was left: on the model page
        await settle(pilot)
        assert isinstance(app.screen, ModelScreen)
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, ModelsScreen)


async def test_escape_from_an_area_goes_back_to_the_models(app):
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("f3")
        await settle(pilot)
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, ModelsScreen) and app.is_running


async def test_a_notification_does_not_follow_to_the_next_screen(app):
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        app.open_model("bert-base-uncased")
        await settle(pilot)
        app.notify("hub: the hub did not answer", severity="error", timeout=30)
        await pilot.pause()
        assert notes(app)
        await pilot.press("f3")
        await settle(pilot)
        assert not notes(app)
        assert "did not answer" not in screen_text(app)
