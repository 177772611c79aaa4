"""The models screen: paging, search as you type, sorting and filters on the bundled sample."""

from __future__ import annotations

from ptmx.store import count_models, search_models
from ptmx.tui import search_state
from ptmx.tui.app import PtmxApp
from ptmx.tui.screens.models import PAGE, ModelsScreen
from tests.tui.conftest import SIZE, notes, screen_text, settle


async def test_table_pages_through_all_models_and_sorts(app, sample_store):
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, ModelsScreen)
        table = screen.table
        total = count_models(sample_store)
        assert table.total == total
        # Only the first page is fetched, never the whole table.
        assert 0 < len(table.loaded_rows()) <= PAGE < total
        text = screen_text(app)
        assert f"row 1 of {total:,} models" in text
        top = search_models(sample_store, limit=1).to_pylist()[0]["model"]
        assert top[:20] in text
        # End jumps to the last model, fetching only the page in view.
        await pilot.press("down", "end")
        await settle(pilot)
        assert table.cursor_row == total - 1
        last = search_models(sample_store, limit=1, offset=total - 1).to_pylist()[0]
        assert table.current["model"] == last["model"]
        assert len(table.loaded_rows()) < total
        assert f"row {total:,} of {total:,} models" in screen_text(app)
        # s sorts by the highlighted column (model); s again reverses.
        await pilot.press("home", "s")
        await settle(pilot)
        expected = search_models(sample_store, limit=5, order_by="model",
                                 descending=False).column("model").to_pylist()
        assert [r["model"] for r in table.loaded_rows()[:5]] == expected
        assert "sorted by model ▲" in screen_text(app)
        await pilot.press("s")
        await settle(pilot)
        assert screen.params.descending and "sorted by model ▼" in screen_text(app)


async def test_search_as_you_type_narrows_the_table(app, sample_store):
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press(*"bert")
        await settle(pilot)
        table = app.screen.table
        assert table.total == count_models(sample_store, "bert") < count_models(sample_store)
        assert all("bert" in row["model"].lower() for row in table.loaded_rows())
        assert app.screen.shown.text == "bert"
        await pilot.press(*"zzq")
        await settle(pilot)
        assert table.total == 0
        assert "no model matches 'bertzzq'" in screen_text(app)
        await pilot.press("escape")  # clears the search
        await settle(pilot)
        assert table.total == count_models(sample_store)


async def test_filters_from_the_row_and_from_the_dialog(app, sample_store):
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = app.screen
        await pilot.press("down")
        license_ = screen.table.current["license"].split(" AND ")[0]
        await pilot.press("l")
        await settle(pilot)
        rows = screen.table.loaded_rows()
        assert rows and all(license_ in r["license"].split(" AND ") for r in rows)
        assert f"filter: license {license_}" in screen_text(app)
        await pilot.press("x")
        await settle(pilot)
        assert not screen.params.filters
        assert screen.table.total == count_models(sample_store)
        # The dialog: the sample has no tag/library tables, and it says so.
        await pilot.press("f")
        await settle(pilot)
        assert "task: this dataset has no model_to_tag table" in screen_text(app)
        app.screen.query_one("#author").focus()
        await pilot.press(*"google", "enter")
        await settle(pilot)
        assert app.screen is screen and screen.params.filters.author == "google"
        rows = screen.table.loaded_rows()
        assert rows and all(r["author"] == "google" for r in rows)


async def test_enter_typed_ahead_opens_the_searched_model(app):
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press(*"gpt2", "enter", "enter")  # no waiting for the results
        await settle(pilot)
        assert app.screen.crumb == "gpt2"


async def test_store_failure_is_a_notification_not_a_crash(app, monkeypatch):
    from ptmx.errors import QueryError
    from ptmx.tui import search_state

    def broken(*_args, **_kwargs):
        raise QueryError("the disk is on fire")

    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        monkeypatch.setattr(search_state, "search_models", broken)
        await pilot.press("x")
        await settle(pilot)
        assert any("the disk is on fire" in n for n in notes(app))
        assert app.is_running


async def test_at_80_by_24_with_card_completeness(sample_store, card_scores):
    app = PtmxApp(sample_store, show_timings=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        text = screen_text(app)
        header = next(line for line in text.splitlines() if line.startswith("model"))
        for label in ("downloads", "license", "projects"):
            assert label in header  # author and likes may go at 80 columns; these never do
        assert "f1 Help" in text
        rows = app.screen.table.loaded_rows()
        scores = search_state.card_scores(sample_store, [r["model_id"] for r in rows])
        assert [r["card"] for r in rows] == [scores[r["model_id"]] for r in rows]
        assert any(r["card"] is not None for r in rows)
        # At 80 columns the card column gives way to ids and licences; with room it is back.
        await pilot.resize_terminal(120, 30)
        await settle(pilot)
        header = next(line for line in screen_text(app).splitlines() if line.startswith("model"))
        assert header.rstrip().endswith("card")


async def test_family_filter_keeps_only_that_license_family(app, sample_store):
    from ptmx.licenses import resolve

    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = app.screen
        await pilot.press("down", "f")  # from the search box into the table, then the dialog
        await settle(pilot)
        family = app.screen.query_one("#family")
        assert not family.disabled
        family.focus()
        await pilot.press(*"non-commercial", "enter")
        await settle(pilot)
        assert app.screen is screen
        rows = screen.table.loaded_rows()
        assert rows, "the sample has CC-BY-NC models"
        for row in rows:
            families = {resolve(tag).family for tag in row["license"].split(" AND ")}
            assert "non-commercial" in families
        # The count is of the filtered list, not of all models.
        assert screen.table.total == len(rows) < count_models(sample_store)
