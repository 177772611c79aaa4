"""Pointers name something the user has; typing right after / is not lost."""

from __future__ import annotations

import pytest
from textual import events
from textual.widgets import Input

from ptmx.errors import HubError, MissingTableError, QueryError
from ptmx.tui.screens.base import error_text
from tests.tui.conftest import settle


@pytest.mark.parametrize("size", [(80, 24), (160, 45)])
async def test_text_typed_in_the_same_burst_as_slash_is_kept(app, size):
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        await pilot.press("down")  # on the table
        for key, char in [("slash", "/"), ("b", "b"), ("e", "e"), ("r", "r"), ("t", "t")]:
            app.post_message(events.Key(key, char))  # one burst: no pause between keys
        await settle(pilot)
        assert app.screen.query_one("#search", Input).value == "bert"
        assert app.screen.params.text == "bert"


def test_a_missing_table_points_at_the_import_option_that_adds_it():
    error = MissingTableError("the documentation report needs the table 'model_card', which "
                              "ds does not have", hint="add model_card.parquet to the dataset")
    text = error_text(error)
    assert "ptmx import" in text and "--model-cards" in text
    assert "add model_card.parquet" not in text
    licences = MissingTableError("x needs the table 'reuse_repository_license', which ds "
                                 "does not have", hint="add it")
    assert "--repo-licenses" in error_text(licences)


def test_hub_hints_in_the_tui_do_not_name_cli_flags():
    error = HubError("the hub did not answer",
                     hint="check your network and HF_ENDPOINT, or use --offline to answer "
                          "from the cache")
    text = error_text(error)
    assert "--offline" not in text and "HF_HUB_OFFLINE=1" in text


def test_the_console_time_limit_hint_names_the_variable_not_a_flag():
    error = QueryError("query stopped after the time limit of 30 s",
                       hint="raise it with --timeout SECONDS or PTMX_QUERY_TIMEOUT")
    text = error_text(error)
    assert "--timeout" not in text and "PTMX_QUERY_TIMEOUT=SECONDS" in text


async def test_filter_dialog_points_at_what_the_dataset_has(app, tmp_path):
    from ptmx.ingest.sqlite_import import import_sqlite
    from ptmx.store import open_store
    from ptmx.tui.app import PtmxApp
    from tests.conftest import make_peatmoss_db

    import_sqlite(make_peatmoss_db(tmp_path / "p.db"), tmp_path / "ds")
    store = open_store(tmp_path / "ds")
    for each in (app, PtmxApp(store, show_timings=False)):
        async with each.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            await pilot.press("down", "f")
            await settle(pilot)
            text = " ".join(str(s.render()) for s in each.screen.query(".note"))
            assert "not available yet" not in text
            for table in ("model_to_tag", "model_to_library"):
                has = each.store.has(table)
                assert (f"console (F5) has table {table}" in text) == has
                assert (f"has no {table} table" in text) == (not has)
    store.close()
