"""SVG snapshots of the main screens at 100×30 (regenerate with ``pytest --snapshot-update``).

Deterministic: fixed size, no query timings in the status line, cursor blink off, and every
worker finished before the picture is taken.
"""

from __future__ import annotations

import pytest
from textual.widgets import Input

from ptmx.tui.app import PtmxApp
from tests.tui.conftest import SIZE, settle

pytestmark = pytest.mark.usefixtures("card_scores")


def still(*keys: str, then=None):
    """A run_before that presses ``keys``, optionally calls ``then(app)``, and lets it settle."""

    async def run_before(pilot) -> None:
        await settle(pilot)
        for key in keys:
            await pilot.press(key)
            await settle(pilot)
        if then is not None:
            then(pilot.app)
            await settle(pilot)
        for box in pilot.app.screen.query(Input):
            box.cursor_blink = False
        await pilot.pause()

    return run_before


def test_models_screen(snap_compare, sample_store):
    assert snap_compare(PtmxApp(sample_store, show_timings=False), terminal_size=SIZE,
                        run_before=still())


def test_model_page(snap_compare, sample_store):
    assert snap_compare(PtmxApp(sample_store, show_timings=False), terminal_size=SIZE,
                        run_before=still(then=lambda app: app.open_model("xlm-roberta-base")))


def test_graph(snap_compare, sample_store):
    assert snap_compare(PtmxApp(sample_store, show_timings=False), terminal_size=SIZE,
                        run_before=still(then=lambda app: app.open_graph("nomic-ai/gpt4all-j",
                                                                          "model")))


def test_console_result(snap_compare, sample_store):
    def query(app) -> None:
        app.screen.run_sql("SELECT license, count(*) AS models FROM model_summary "
                           "GROUP BY license ORDER BY models DESC, license LIMIT 8")

    assert snap_compare(PtmxApp(sample_store, show_timings=False), terminal_size=SIZE,
                        run_before=still("f5", then=query))


def test_help(snap_compare, sample_store):
    assert snap_compare(PtmxApp(sample_store, show_timings=False), terminal_size=SIZE,
                        run_before=still("f1"))
