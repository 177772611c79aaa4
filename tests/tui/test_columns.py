"""Tables never cut key information while there is room: columns are sized to their content
and the terminal, a key widens the highlighted column, and the status line shows the
highlighted row's full id and licence."""

from __future__ import annotations

import pytest

from ptmx.tui.widgets.fit import Column, fit
from tests.tui.conftest import screen_text, settle

COLUMNS = [Column("model", "model", 24, flex=True, whole=True),
           Column("author", "author", 14, drop=4),
           Column("downloads", "downloads", 11, numeric=True),
           Column("license", "license", 14, whole=True)]


def test_fit_gives_every_key_column_its_widest_value_when_there_is_room():
    lengths = {"model": [10, 12, 50], "author": [5, 9], "downloads": [9], "license": [10, 25]}
    layout = dict((c.key, w) for c, w in fit(COLUMNS, 160, lengths))
    assert layout["model"] >= 50 and layout["license"] >= 25
    assert sum(layout.values()) + len(layout) - 1 == 160  # the rest goes to the flex column


def test_fit_hides_optional_columns_before_cutting_and_cuts_the_fewest_values():
    lengths = {"model": sorted([20] * 9 + [60]), "author": [9], "downloads": [9],
               "license": [10] * 9 + [27]}
    layout = dict((c.key, w) for c, w in fit(COLUMNS, 50, lengths))
    assert "author" not in layout
    assert layout["downloads"] == 11  # numbers are never cut
    assert layout["model"] >= 20 and layout["license"] >= 10  # only the outliers are cut


def test_a_widened_column_takes_room_from_the_others():
    lengths = {"model": [30], "author": [9], "downloads": [9], "license": [12]}
    before = dict((c.key, w) for c, w in fit(COLUMNS, 80, lengths))
    after = dict((c.key, w) for c, w in fit(COLUMNS, 80, lengths, {"license": 8}))
    assert after["license"] == before["license"] + 8
    assert sum(after.values()) == sum(before.values())


@pytest.mark.parametrize("size", [(80, 24), (160, 45)])
async def test_the_status_line_shows_the_full_id_and_licence(app, size):
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        await pilot.press("down")
        screen = app.screen
        screen.action_sort("license")
        await settle(pilot)
        row = screen.table.current
        status = screen_text(app).splitlines()[-2]
        assert row["model"] in status and str(row["license"]) in status


async def test_at_160_columns_no_id_or_licence_is_cut(app):
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(pilot)
        table = app.screen.table
        lengths = table.content_widths()
        assert table.column_width("model") >= lengths["model"][-1]
        assert table.column_width("license") >= lengths["license"][-1]
        assert "…" not in "".join(screen_text(app).splitlines()[3:-3])


async def test_at_80_columns_most_ids_are_whole_and_a_key_widens_the_column(app):
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        table = app.screen.table
        rows = table.loaded_rows()
        for key in ("model", "license"):  # 80 cells cannot hold every id: 5 in 6 are whole
            cut = [r for r in rows if len(str(r[key])) > table.column_width(key)]
            assert len(cut) <= len(rows) // 6, (key, len(cut))
        await pilot.press("down", "right", "right")  # the table, then the licence column
        column = table.current_column.key
        before = table.column_width(column)
        await pilot.press("greater_than_sign")
        await pilot.pause()
        assert table.column_width(column) == before + 4
        await pilot.press("less_than_sign")
        await pilot.pause()
        assert table.column_width(column) == before
