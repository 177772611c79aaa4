"""Task and library filters in the models list's filter dialog, on a tiny dataset that has
PeaTMOSS's tag and library tables (the bundled sample lacks them)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from ptmx.store import open_store
from ptmx.store.lookup import count_models, filter_names, search_model_rows
from ptmx.tui.app import PtmxApp
from ptmx.tui.screens.filters import FilterScreen
from ptmx.tui.screens.models import ModelsScreen
from tests.tui.conftest import screen_text, settle

SIZES = [(80, 24), (160, 45)]
SAMPLE = Path(__file__).resolve().parents[2] / "data"


@pytest.fixture(scope="module")
def tagged(tmp_path_factory: pytest.TempPathFactory):
    """The sample plus tag/library tables: the three most downloaded models are
    text-classification, the first two use the library 'transformers', the third 'timm'."""
    folder = tmp_path_factory.mktemp("tagged") / "ds"
    shutil.copytree(SAMPLE, folder)
    store = open_store(SAMPLE)
    top = store.rows("SELECT model_id, model FROM model_summary ORDER BY downloads DESC NULLS LAST,"
                     " model LIMIT 4")
    ids = [int(r["model_id"]) for r in top]
    pq.write_table(pa.table({"id": [1, 2], "name": ["text-classification", "fill-mask"]}),
                   folder / "tag.parquet")
    pq.write_table(pa.table({"model_id": ids, "tag_id": [1, 1, 1, 2]}),
                   folder / "model_to_tag.parquet")
    pq.write_table(pa.table({"id": [1, 2], "name": ["transformers", "timm"]}),
                   folder / "library.parquet")
    pq.write_table(pa.table({"model_id": ids[:3], "library_id": [1, 1, 2]}),
                   folder / "model_to_library.parquet")
    return open_store(folder), [r["model"] for r in top]


def test_store_filters_by_task_and_library_with_bound_text(tagged):
    store, top = tagged
    assert count_models(store, task="Text-Classification") == 3
    assert count_models(store, task="text-classification", library="timm") == 1
    rows = search_model_rows(store, task="text-classification", library="transformers")
    assert [r["model"] for r in rows] == top[:2]
    # User text is a bound parameter: quotes are just characters that match nothing.
    assert count_models(store, task="x') OR true OR ('") == 0
    assert filter_names(store, "tag") == ["text-classification", "fill-mask"]
    assert filter_names(open_store(SAMPLE), "tag") == []


@pytest.mark.parametrize("size", SIZES)
async def test_dialog_filters_by_task_and_library(tagged, size):
    store, top = tagged
    app = PtmxApp(store, show_timings=False)
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, ModelsScreen)
        await pilot.press("down", "f")  # from the table (typed into the search box, f is text)
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, FilterScreen)
        text = screen_text(app)
        assert "task (a tag" in text and "library (" in text
        assert "has no model_to_tag" not in text
        # Every field and the buttons are on screen, even at 80x24.
        assert "Apply" in text and "Cancel" in text
        dialog.query_one("#task").focus()
        await pilot.press(*"text-classification")
        dialog.query_one("#library").focus()
        await pilot.press(*"timm", "enter")
        await settle(pilot)
        assert app.screen is screen
        assert screen.params.filters.task == "text-classification"
        assert screen.params.filters.library == "timm"
        rows = screen.table.loaded_rows()
        assert [r["model"] for r in rows] == [top[2]]
        assert screen.table.total == 1
        assert "task text-classification · library timm" in screen_text(app)


@pytest.mark.parametrize("size", SIZES)
async def test_dialog_without_the_tables_says_which_is_missing(size):
    app = PtmxApp(open_store(SAMPLE), show_timings=False)
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        await pilot.press("down", "f")  # from the table (typed into the search box, f is text)
        await settle(pilot)
        text = screen_text(app)
        assert "task: this dataset has no model_to_tag table" in text
        assert "library: this dataset has no model_to_library table" in text
        assert "Apply" in text
