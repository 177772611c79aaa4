"""Model and project pages: drilling in with Enter, backing out with Esc/q."""

from __future__ import annotations

from textual.widgets import DataTable, TabbedContent

from ptmx.store import model_page, project_page
from ptmx.tui.screens.model import ModelScreen
from ptmx.tui.screens.models import ModelsScreen
from ptmx.tui.screens.project import ProjectScreen
from tests.tui.conftest import SIZE, notes, screen_text, settle

MODEL = "distilroberta-base"  # in the sample: reused by projects and has a derived model


async def open_model(app, pilot, name: str = MODEL) -> ModelScreen:
    """Search for ``name`` (set in one go: typing is tested elsewhere) and open it."""
    await settle(pilot)
    app.screen.query_one("#search").value = name
    await settle(pilot)
    await pilot.press("enter", "enter")
    await settle(pilot)
    assert isinstance(app.screen, ModelScreen)
    return app.screen


async def test_model_page_shows_what_the_dataset_says(app, sample_store):
    page = model_page(sample_store, MODEL)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_model(app, pilot)
        assert screen.page.model == MODEL
        text = screen_text(app)
        assert f"ptmx › models › {MODEL}" in text
        assert f"projects ({page.reuse_count:,})" in text
        assert f"{page.downloads:,}" in text
        for license_ in page.licenses:
            assert license_ in text
        await pilot.press("2")
        await settle(pilot)
        table = screen.query_one("#project-table", DataTable)
        assert table.row_count == len(page.projects)
        await pilot.press("y")  # on the projects tab: the highlighted project
        assert app.clipboard == page.projects[0]["project"]
        await pilot.press("1", "y")  # on the overview: the model itself
        assert app.clipboard == MODEL


async def test_drill_into_project_and_back_out(app, sample_store):
    page = model_page(sample_store, MODEL)
    first = page.projects[0]["project"]
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_model(app, pilot)
        await pilot.press("2", "tab")  # projects tab, then into its table
        await settle(pilot)
        assert screen.query_one(TabbedContent).active == "projects"
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ProjectScreen)
        project = project_page(sample_store, first)
        text = screen_text(app)
        assert first in text
        assert MODEL in text  # the project's models include the one we came from
        assert app.screen.query_one("#models", DataTable).row_count == len(project.models)
        # Enter on the project's model table opens that model's page.
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ModelScreen) and app.screen is not screen
        assert app.screen.page.model == project.models[0]["model"]
        await pilot.press("escape", "escape")
        await settle(pilot)
        assert app.screen is screen
        await pilot.press("q")
        await settle(pilot)
        assert isinstance(app.screen, ModelsScreen)


async def test_lineage_tab_opens_a_derived_model(app, sample_store):
    derived = model_page(sample_store, MODEL).derived_models[0]["model"]
    async with app.run_test(size=SIZE) as pilot:
        await open_model(app, pilot)
        await pilot.press("3", "tab")
        await settle(pilot)
        assert "↓ derived" in screen_text(app)
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen.page.model == derived
        assert f"{MODEL} › {derived}"[:60] in screen_text(app) or derived in app.screen.crumb


async def test_unknown_model_explains_with_suggestions(app):
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.open_model("distilroberta-bass")
        await settle(pilot)
        text = screen_text(app)
        assert "no model 'distilroberta-bass'" in text
        assert "did you mean" in text
        assert any("did you mean" in n for n in notes(app))
        assert app.is_running


async def test_hub_key_looks_up_in_a_worker(sample_store):
    from ptmx import hub
    from ptmx.tui.app import PtmxApp

    class GoneHub:
        """A hub client whose model was deleted since the snapshot."""

        def model_info(self, model, revision=None, **_):
            raise hub.HubNotFoundError(f"{model} is not on the hub")

        def model_card(self, *_args, **_kwargs):
            raise AssertionError("not reached")

        def close(self):
            pass

    class DownHub(GoneHub):
        def model_info(self, model, revision=None, **_):
            raise hub.HubServerError("the hub answered 503", status=503)

    app = PtmxApp(sample_store, hub=GoneHub(), show_timings=False)
    async with app.run_test(size=SIZE) as pilot:
        await open_model(app, pilot)
        # The lookup runs in a worker: a soft failure is an answer on the page ...
        await pilot.press("h")
        await settle(pilot)
        assert "live on the hub: not_found" in screen_text(app)
        app.hub = DownHub()  # ... and a hard one a notification, never a crash
        await pilot.press("h")
        await settle(pilot)
        assert any("503" in n for n in notes(app))
        assert app.is_running
