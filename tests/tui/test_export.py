"""Every table can be exported (CSV, JSON, Parquet, the path completed as it is typed) and
copied: the highlighted row's id (y), cell (c) and row (Y)."""

from __future__ import annotations

import csv
import json

import pyarrow.parquet as pq
import pytest
from textual.widgets import Input

from ptmx.tui.screens.prompt import PromptScreen
from ptmx.tui.widgets.path_input import complete
from tests.tui.conftest import notes, settle

SIZES = [(80, 24), (160, 45)]


async def export(pilot, path) -> None:
    """Press e, replace the proposed path with ``path``, and wait for the file."""
    app = pilot.app
    await pilot.press("e")
    await settle(pilot)
    assert isinstance(app.screen, PromptScreen)
    box = app.screen.query_one(Input)
    box.value = str(path)
    await pilot.press("enter")
    await settle(pilot)
    assert path.exists(), notes(app)


@pytest.mark.parametrize("size", SIZES)
async def test_models_export_every_match_not_only_the_rows_loaded(app, sample_store, tmp_path,
                                                                  size):
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        await pilot.press("down")  # into the table
        await export(pilot, tmp_path / "models.parquet")
        table = pq.read_table(tmp_path / "models.parquet")
        assert table.num_rows == sample_store.row_counts["model"] > len(
            app.screen.table.loaded_rows())
        assert "model" in table.column_names and "license" in table.column_names
        assert any("rows written to" in n for n in notes(app))


async def test_models_export_csv_has_full_ids_and_y_copies_the_id(app, tmp_path):
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press(*"bert", "down")
        await settle(pilot)
        row = app.screen.table.current
        await pilot.press("y")
        assert app.clipboard == row["model"]
        await pilot.press("Y")
        assert app.clipboard.split("\t")[0] == row["model"]
        await export(pilot, tmp_path / "bert.csv")
        with (tmp_path / "bert.csv").open() as f:
            rows = list(csv.DictReader(f))
        ids = {r["model"] for r in rows}
        assert len(rows) == app.screen.table.total and row["model"] in ids
        assert not any(i.endswith("…") for i in ids)


@pytest.mark.parametrize("size", SIZES)
async def test_findings_export_json_with_reason_and_fix(app, tmp_path, size):
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        await pilot.press("f3")
        await settle(pilot)
        await pilot.press("3", "tab")
        screen = app.screen
        await pilot.press("y")
        assert app.clipboard == screen.findings[0].model
        await pilot.press("c")  # the verdict cell
        assert app.clipboard == screen.findings[0].verdict
        await export(pilot, tmp_path / "findings.json")
        records = json.loads((tmp_path / "findings.json").read_text())
        assert len(records) == len(screen.findings)
        assert records[0]["fix"] == screen.findings[0].fix


@pytest.mark.parametrize("size", SIZES)
async def test_documentation_and_project_tables_export_and_copy(app, tmp_path, size):
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        await pilot.press("f4")
        await settle(pilot)
        screen = app.screen
        await pilot.press("y")
        assert app.clipboard == screen.models[0]
        await export(pilot, tmp_path / "docs.csv")
        assert screen.models[0] in (tmp_path / "docs.csv").read_text()
        app.open_model("bert-base-uncased")
        await settle(pilot)
        await pilot.press("2")
        await settle(pilot)
        await export(pilot, tmp_path / "projects.csv")
        with (tmp_path / "projects.csv").open() as f:
            rows = list(csv.DictReader(f))
        assert len(rows) == app.screen.page.reuse_count


async def test_a_bad_export_path_is_one_line_not_a_crash(app, tmp_path):
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("down")
        await pilot.press("e")
        await settle(pilot)
        app.screen.query_one(Input).value = str(tmp_path / "nowhere" / "m.csv")
        await pilot.press("enter")
        await settle(pilot)
        assert any("does not exist" in n for n in notes(app)) and app.is_running
        await pilot.press("e")
        await settle(pilot)
        app.screen.query_one(Input).value = str(tmp_path / "m.xlsx")
        await pilot.press("enter")
        await settle(pilot)
        assert any(".csv, .json, .parquet" in n for n in notes(app))


def test_path_completion(tmp_path):
    (tmp_path / "exports").mkdir()
    (tmp_path / "exp.csv").write_text("")
    (tmp_path / ".hidden").write_text("")
    assert complete(str(tmp_path / "exp")) == str(tmp_path / "exp.csv")
    assert complete(str(tmp_path / "expo")) == str(tmp_path / "exports") + "/"
    assert complete(str(tmp_path / "zzz")) is None
    assert complete(str(tmp_path) + "/") == str(tmp_path / "exp.csv")  # no hidden files


async def test_the_export_dialog_completes_paths(app, tmp_path):
    (tmp_path / "results-folder").mkdir()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("down", "e")
        await settle(pilot)
        box = app.screen.query_one(Input)
        box.value = ""
        await pilot.press(*str(tmp_path / "res"))
        await pilot.pause(0.2)
        await pilot.press("right")  # → takes the suggestion
        await pilot.pause()
        assert box.value == str(tmp_path / "results-folder") + "/"


async def test_the_palette_offers_export_and_copy(app):
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("f3")
        await settle(pilot)
        from ptmx.tui.commands import PtmxCommands

        provider = PtmxCommands(app.screen)
        labels = [label for label, _, _ in provider._commands()]
        assert "table: export to .csv, .json or .parquet" in labels
        assert "table: copy the highlighted row's id" in labels
