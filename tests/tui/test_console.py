"""The SQL console: results, errors in place (copyable), refusals, row cap, history, cancel."""

from __future__ import annotations

from textual.widgets import DataTable, Input

from ptmx.tui.screens.console import ROW_CAP, ConsoleScreen
from ptmx.tui.widgets.error_panel import ErrorPanel
from tests.tui.conftest import SIZE, screen_text, settle


async def open_console(app, pilot) -> ConsoleScreen:
    await settle(pilot)
    await pilot.press("f5")
    await settle(pilot)
    assert isinstance(app.screen, ConsoleScreen)
    return app.screen


async def run(pilot, sql: str) -> None:
    box = pilot.app.screen.query_one("#sql", Input)
    box.value = sql
    await pilot.press("enter")
    await settle(pilot)


async def test_good_queries_row_cap_and_history(app, sample_store):
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_console(app, pilot)
        await run(pilot, "SELECT context_id, downloads FROM model ORDER BY downloads DESC LIMIT 3")
        table = screen.query_one("#result", DataTable)
        assert table.row_count == 3
        top = sample_store.rows("SELECT context_id FROM model ORDER BY downloads DESC LIMIT 1")
        assert top[0]["context_id"] in screen_text(app)
        assert "3 rows" in screen_text(app)
        assert not screen.query_one(ErrorPanel).display
        await run(pilot, "SELECT * FROM range(5000)")
        assert table.row_count == ROW_CAP
        assert f"{ROW_CAP:,} of >{ROW_CAP:,} rows" in screen_text(app)
        box = screen.query_one("#sql", Input)
        box.value = "SELECT 3"  # a draft, not run yet
        await pilot.press("up")
        assert box.value == "SELECT * FROM range(5000)"
        await pilot.press("up", "up")
        assert box.value.startswith("SELECT context_id")
        await pilot.press("down", "down")
        assert box.value == "SELECT 3"


async def test_errors_in_place_copyable_and_writes_refused(app):
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_console(app, pilot)
        await run(pilot, "SELEC nonsense")
        panel = screen.query_one(ErrorPanel)
        assert panel.display
        assert "syntax error" in panel.message.lower()
        assert "syntax error" in screen_text(app).lower()
        await pilot.press("ctrl+y")
        assert app.clipboard == panel.message
        await run(pilot, "CREATE TABLE x AS SELECT 1")
        assert "read-only" in panel.message
        assert app.is_running


async def test_escape_cancels_a_long_query(app, monkeypatch):
    from ptmx.tui.screens import base

    monkeypatch.setattr(base, "BUSY_DELAY", 0.05)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_console(app, pilot)
        box = screen.query_one("#sql", Input)
        box.value = "SELECT sum(a.range * b.range) FROM range(100000) a, range(1000000) b"
        await pilot.press("enter")
        for _ in range(100):  # wait for the worker to reach DuckDB
            if screen.running:
                break
            await pilot.pause(0.02)
        await pilot.pause(0.2)
        result = screen.query_one("#result", DataTable)
        assert result.loading  # a slow job shows a loading indicator
        await pilot.press("escape")
        await settle(pilot)
        assert "cancelled" in screen.query_one(ErrorPanel).message
        assert app.screen is screen  # cancelling did not also leave the console
        assert not result.loading
