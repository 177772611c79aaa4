"""Licenses and documentation screens: they render the audit and the documentation report, or
say plainly which table the dataset lacks."""

from __future__ import annotations

import pytest
from textual.widgets import DataTable

from ptmx.tui.screens.docs import DocumentationScreen
from ptmx.tui.screens.licenses import LicensesScreen
from tests.tui.conftest import SIZE, screen_text, settle


async def test_licenses_screen(app, sample_store):
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("f3")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, LicensesScreen)
        text = screen_text(app)
        table = screen.query_one("#findings-table", DataTable)
        assert table.row_count == len(screen.findings) > 0
        assert f"findings ({len(screen.findings):,})" in text
        await pilot.press("3", "tab", "enter")
        await settle(pilot)
        assert app.screen is not screen  # Enter opened the finding's project or model


async def test_documentation_screen(app):
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("f4")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, DocumentationScreen)
        table = screen.query_one("#worst", DataTable)
        assert table.row_count == len(screen.models) > 0
        table.focus()
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen.crumb == screen.models[0]


async def test_a_dataset_without_the_optional_tables(tmp_path):
    """A bare PeaTMOSS import (no licence scan, no cards, no lineage; but reuse_file): every
    screen still opens and says what it cannot show."""
    from ptmx.ingest.sqlite_import import import_sqlite
    from ptmx.store import open_store
    from ptmx.tui.app import PtmxApp
    from tests.conftest import make_peatmoss_db

    import_sqlite(make_peatmoss_db(tmp_path / "p.db"), tmp_path / "ds")
    store = open_store(tmp_path / "ds")
    app = PtmxApp(store, show_timings=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert app.screen.table.total == 4
        app.open_model("bert-base-uncased")
        await settle(pilot)
        await pilot.press("2")
        await settle(pilot)
        text = screen_text(app)
        assert "app/bot.py" in text and "alice/chatbot" in text  # the files column is back
        await pilot.press("f4")
        await settle(pilot)
        text = " ".join(screen_text(app).split())  # wrapped lines joined
        assert "model_card" in text  # the report needs it, and says so
        # and names what adds it (not "add model_card.parquet", not "not available yet")
        assert "ptmx import" in text and "--model-cards" in text
        assert "model_card.parquet" not in text and "not available yet" not in text
        await pilot.press("f3")
        await settle(pilot)
        assert isinstance(app.screen, LicensesScreen)
        assert app.is_running
    store.close()


@pytest.mark.parametrize("size", [(80, 24), (160, 45)])
async def test_documentation_table_shows_why_a_model_ranks_where_it_does(app, size):
    """The least-documented table is sorted by risk: risk, projects and card share are on screen
    next to each model, even at 80 columns (a long id once pushed them past the right edge)."""
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        await pilot.press("f4")
        await settle(pilot)
        screen = app.screen
        text = screen_text(app)
        assert "riskiest first: risk = reuse × missing critical fields" in text  # not cut
        first = next(line for line in text.splitlines() if screen.models[0] in line)
        head = first.split(screen.models[0])[0].split()
        assert len(head) == 3 and head[2].endswith("%")  # risk, projects, card
        table = screen.query_one("#worst", DataTable)
        table.focus()
        await pilot.press("y")
        assert app.clipboard == screen.models[0]  # the id, not the risk in the first cell
