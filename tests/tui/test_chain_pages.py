"""The model page's projects tab and the project page show each link's verdict on the model's
effective terms, saying which ancestor's licence decided it (issue 18)."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import DataTable

from ptmx.store import open_store
from ptmx.tui.app import PtmxApp
from tests.licenses.conftest import build_license_dataset
from tests.licenses.test_chains import EDGES, MODELS, PROJECTS
from tests.tui.conftest import screen_text, settle


@pytest.fixture
def chain_app(tmp_path: Path) -> PtmxApp:
    store = open_store(build_license_dataset(tmp_path / "chains-tui", MODELS, PROJECTS, EDGES))
    return PtmxApp(store, show_timings=False)


def _rows(table: DataTable) -> list[list[str]]:  # type: ignore[type-arg]
    return [[getattr(c, "plain", str(c)) for c in table.get_row_at(i)]
            for i in range(table.row_count)]


async def test_projects_tab_says_the_verdict_is_inherited(chain_app: PtmxApp) -> None:
    async with chain_app.run_test(size=(160, 45)) as pilot:
        await settle(pilot)
        chain_app.open_model("acme/l4")
        await settle(pilot)
        text = screen_text(chain_app)
        assert "inherited terms (base chain)" in text and "meta/llama3" in text
        await pilot.press("2")
        table = chain_app.screen.query_one("#project-table", DataTable)
        assert _rows(table)[0][:2] == ["use-constrained (inherited from meta/llama3)",
                                       "alice/app"]
        await pilot.press("v")  # the filter still works on the verdict itself
        assert len(_rows(table)) == 1


async def test_project_page_says_the_verdict_is_inherited(chain_app: PtmxApp) -> None:
    async with chain_app.run_test(size=(160, 45)) as pilot:
        await settle(pilot)
        chain_app.open_project("alice/app")
        await settle(pilot)
        table = chain_app.screen.query_one("#models", DataTable)
        cells = {r[1]: r[0] for r in _rows(table)}
        assert cells["acme/relabel"] == "use-constrained (inherited from acme/nc-base)"
        assert cells["acme/plain"] == "ok"
        table.move_cursor(row=[r[1] for r in _rows(table)].index("acme/relabel-ft"))
        await settle(pilot)
        text = screen_text(chain_app)
        assert "base chain: acme/relabel (apache-2.0) · acme/nc-base (cc-by-nc-4.0)" in text
