"""The SQL console: results, errors in place (copyable), refusals, row cap, history, cancel."""

from __future__ import annotations

import pytest
from textual.widgets import DataTable, TextArea

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
    pilot.app.screen.query_one("#sql", TextArea).text = sql
    await pilot.press("ctrl+r")
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
        box = screen.query_one("#sql", TextArea)
        box.text = "SELECT 3"  # a draft, not run yet
        await pilot.press("ctrl+up")
        assert box.text == "SELECT * FROM range(5000)"
        await pilot.press("ctrl+up", "ctrl+up")
        assert box.text.startswith("SELECT context_id")
        await pilot.press("ctrl+down", "ctrl+down")
        assert box.text == "SELECT 3"


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
        box = screen.query_one("#sql", TextArea)
        box.text = "SELECT sum(a.range * b.range) FROM range(100000) a, range(1000000) b"
        await pilot.press("ctrl+r")
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


@pytest.mark.parametrize("size", [(80, 24), (160, 45)])
async def test_results_get_most_of_the_screen(app, size):
    async with app.run_test(size=size) as pilot:
        screen = await open_console(app, pilot)
        await run(pilot, "SELECT * FROM range(500)")
        table = screen.query_one("#result", DataTable)
        assert table.size.height >= size[1] - 10  # 80x24: was 3 rows under a table list
        assert screen.has_class("-schema") == (size[0] >= 120)  # the schema panel fits


async def test_multi_line_editor_sql_highlighting_and_completion(app):
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_console(app, pilot)
        editor = screen.query_one("#sql", TextArea)
        assert editor.language == "sql"  # tree-sitter's SQL grammar is installed
        await pilot.press(*"SELECT repo_", "tab")  # a column name of model_summary et al.
        assert editor.text.startswith("SELECT repo_")
        editor.text = ""
        await pilot.press(*"SELECT count(*)", "enter", *"FROM model_su")
        assert "model_summary" in screen_text(app)  # offered as they type
        await pilot.press("tab")
        assert editor.text == "SELECT count(*)\nFROM model_summary"
        await pilot.press("ctrl+r")
        await settle(pilot)
        assert screen.query_one("#result", DataTable).row_count == 1


async def test_schema_panel_toggles_and_lists_columns(app):
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_console(app, pilot)
        assert "context_id" not in screen_text(app)
        await pilot.press("ctrl+b")
        await pilot.pause()
        assert screen.has_class("-schema")
        assert "model_summary" in screen.schema
        assert any(c == "reuse_count" for c, _ in screen.schema["model_summary"])


async def test_ctrl_c_copies_and_does_not_quit(app):
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_console(app, pilot)
        await run(pilot, "SELECT 'abc' AS x, 42 AS y")
        await pilot.press("ctrl+c")  # the editor has focus, no selection: the query
        assert app.clipboard == "SELECT 'abc' AS x, 42 AS y"
        screen.query_one("#result", DataTable).focus()
        await pilot.press("ctrl+c")
        assert app.clipboard == "abc"
        assert app.is_running and app.screen is screen


async def test_row_limit_toggle_and_export(app, tmp_path):
    import pyarrow.parquet as pq

    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_console(app, pilot)
        await run(pilot, "SELECT * FROM range(5000)")
        assert "ctrl+l raises the limit" in screen_text(app)
        await pilot.press("ctrl+l")
        await run(pilot, "SELECT * FROM range(5000)")
        assert screen.query_one("#result", DataTable).row_count == 5000
        screen.query_one("#result", DataTable).focus()
        await pilot.press("e")
        await settle(pilot)
        app.screen.query_one("Input").value = str(tmp_path / "r.parquet")
        await pilot.press("enter")
        await settle(pilot)
        assert pq.read_table(tmp_path / "r.parquet").num_rows == 5000


async def test_history_survives_a_restart_and_keeps_no_secrets(sample_store, tmp_path):
    from ptmx.tui import history
    from ptmx.tui.app import PtmxApp

    app = PtmxApp(sample_store, show_timings=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_console(app, pilot)
        await run(pilot, "SELECT 1 AS one")
        await run(pilot, "SELECT 'hf_abcdefghijklmnopqrstuvwx' AS token")
    saved = history.history_file().read_text()
    assert "SELECT 1 AS one" in saved and "hf_abc" not in saved
    assert history.history_file().stat().st_mode & 0o077 == 0  # the owner's only
    again = PtmxApp(sample_store, show_timings=False)
    async with again.run_test(size=(80, 24)) as pilot:
        screen = await open_console(again, pilot)
        await pilot.press("ctrl+up")
        assert screen.query_one("#sql", TextArea).text == "SELECT 1 AS one"
