"""The TUI shows where card data comes from: the model page's card tab names the source (a
crawled README or PeaTMOSS's extraction) and the other one; the documentation screen counts
both."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import DataTable

from ptmx.store import open_store
from ptmx.tui.app import PtmxApp
from ptmx.tui.screens import base
from ptmx.tui.screens.docs import DocumentationScreen
from ptmx.tui.screens.model import ModelScreen
from tests.cards.test_readme_source import crawled  # noqa: F401  (the fixture)
from tests.tui.conftest import screen_text, settle


@pytest.fixture(autouse=True)
def _quiet(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(base, "BUSY_DELAY", 30.0)
    monkeypatch.setenv("PTMX_STATE_DIR", str(tmp_path / "state"))


async def test_card_tab_names_readme_source_and_the_other(crawled: Path) -> None:  # noqa: F811
    app = PtmxApp(open_store(crawled), show_timings=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        app.open_model("facebook/bart-base")
        await settle(pilot)
        assert isinstance(app.screen, ModelScreen)
        await pilot.press("4")
        await settle(pilot)
        text = screen_text(app)
        assert "source: README 2026-12-01" in text
        assert "also: PeaTMOSS extraction" in text


async def test_documentation_screen_counts_both_sources(crawled: Path) -> None:  # noqa: F811
    app = PtmxApp(open_store(crawled), show_timings=False)
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(pilot)
        app.push_screen(DocumentationScreen())
        await settle(pilot)
        text = screen_text(app)
        assert "2 from crawled READMEs" in text
        table = app.screen.query_one("#worst", DataTable)
        sources = {str(table.get_row_at(i)[-1]) for i in range(table.row_count)}
        assert sources == {"README 2026-12-01", "PeaTMOSS extraction"}
