"""Licenses and documentation screens: they render the capability packages' results, or say
plainly that the package is not in this build yet."""

from __future__ import annotations

from textual.widgets import DataTable

from ptmx.tui import capabilities as caps
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
        if caps.missing(caps.license_audit):
            assert "not available yet" in text
            return
        audit = caps.license_audit(sample_store)
        table = screen.query_one("#findings-table", DataTable)
        assert table.row_count == len(screen.findings) > 0
        assert f"findings ({len(screen.findings):,})" in text
        await pilot.press("3", "tab", "enter")
        await settle(pilot)
        assert app.screen is not screen  # Enter opened the finding's project or model
        del audit


async def test_documentation_screen(app):
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("f4")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, DocumentationScreen)
        text = screen_text(app)
        if caps.missing(caps.card_report):
            assert "not available yet" in text
            return
        table = screen.query_one("#worst", DataTable)
        assert table.row_count == len(screen.models) > 0
        table.focus()
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen.crumb == screen.models[0]


async def test_missing_package_is_explained_not_crashed(app, monkeypatch):
    real = caps.optional
    monkeypatch.setattr(caps, "optional",
                        lambda name: None if name in ("ptmx.licenses", "ptmx.cards") else real(name))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("f3")
        await settle(pilot)
        assert "license audit is not available yet" in screen_text(app)
        await pilot.press("f4")
        await settle(pilot)
        assert "documentation report is not available yet" in screen_text(app)
        assert app.is_running


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
        assert "model_card" in screen_text(app)  # the report needs it, and says so
        await pilot.press("f3")
        await settle(pilot)
        assert isinstance(app.screen, LicensesScreen)
        assert app.is_running
    store.close()
