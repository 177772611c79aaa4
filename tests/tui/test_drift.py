"""The drift screen (F7) and the models list's "now" columns, on the sample plus hub tables
written by tests.hub.test_dataset_drift (no network)."""

from __future__ import annotations

import pytest
from textual.widgets import DataTable

from ptmx.store import open_store
from ptmx.tui.app import PtmxApp
from ptmx.tui.screens.drift import DriftScreen
from ptmx.tui.screens.model import ModelScreen
from ptmx.tui.screens.models import ModelsScreen
from tests.hub.test_dataset_drift import DELETED, GATED, LICENSED, data  # noqa: F401 (fixture)
from tests.tui.conftest import screen_text, settle

SIZES = [(80, 24), (160, 45)]


@pytest.fixture
def hub_app(data):  # noqa: F811 (the fixture imported above)
    return PtmxApp(open_store(data), show_timings=False)


@pytest.mark.parametrize("size", SIZES)
async def test_drift_screen_lists_changes_and_opens_the_model(hub_app, size):
    async with hub_app.run_test(size=size) as pilot:
        await settle(pilot)
        await pilot.press("f7")
        await settle(pilot)
        screen = hub_app.screen
        assert isinstance(screen, DriftScreen)
        text = screen_text(hub_app)
        assert "1,512 reused models" in text and "not crawled yet" in text
        assert "project verdicts" in text
        table = screen.query_one("#drift", DataTable)
        assert table.row_count == len(screen.items) == len(screen.result.items) == 9
        # Hostile hub text is shown, never applied, and no escape reaches the terminal.
        assert "\x1b" not in text
        table.focus()
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(hub_app.screen, ModelScreen)
        assert hub_app.screen.crumb == screen.items[0].model


async def test_kind_filter(hub_app):
    async with hub_app.run_test(size=(160, 45)) as pilot:
        await settle(pilot)
        await pilot.press("f7")
        await settle(pilot)
        screen = hub_app.screen
        await pilot.press("k")  # every kind → license
        await settle(pilot)
        assert screen.kind == "license"
        assert [i.model for i in screen.items] == [LICENSED]
        assert "CC-BY-NC-4.0" in screen_text(hub_app)
        screen.show_kind("deleted")
        await settle(pilot)
        assert [i.model for i in screen.items] == [DELETED]
        assert screen.query_one("#drift", DataTable).row_count == 1


async def test_hostile_hub_text_is_inert_on_the_drift_screen(hub_app):
    async with hub_app.run_test(size=(160, 45)) as pilot:
        await settle(pilot)
        await pilot.press("f7")
        await settle(pilot)
        hub_app.screen.show_kind("rename")
        await settle(pilot)
        text = screen_text(hub_app)
        assert "[link=https://evil.example]x[/link][/]" in text
        assert "\x1b" not in text and "\x07" not in text


async def test_without_a_hub_table_the_screen_says_what_fills_one(app):
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("f7")
        await settle(pilot)
        text = " ".join(screen_text(app).split())
        assert "ptmx hub crawl --reused" in text
        assert not app.screen.query_one("#drift", DataTable).display


@pytest.mark.parametrize("size", SIZES)
async def test_models_list_has_now_columns_with_a_hub_table(hub_app, size):
    async with hub_app.run_test(size=size) as pilot:
        await settle(pilot)
        screen = hub_app.screen
        assert isinstance(screen, ModelsScreen) and screen.has_hub
        screen.query_one("#search").value = "beit-base-patch16-224-pt22k-ft22k"
        await settle(pilot)
        row = screen.table.current or screen.table.loaded_rows()[0]
        assert row["model"] == GATED and row["gated"] == "manual"
        assert row["license_now"] == "Apache-2.0"
        text = screen_text(hub_app)
        if size[0] >= 160:
            assert "licence now" in text and "manual" in text


async def test_models_list_without_a_hub_table_has_no_now_columns(app):
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(pilot)
        assert not app.screen.has_hub
        assert "licence now" not in screen_text(app)
