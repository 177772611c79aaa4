"""SVG snapshots of the main screens at 100×30 (regenerate with ``pytest --snapshot-update``).

Deterministic: fixed size, no query timings in the status line, cursor blink off, and every
worker finished before the picture is taken.
"""

from __future__ import annotations

import pytest
from textual.widgets import Input, TextArea

from ptmx.tui.app import PtmxApp
from tests.tui.conftest import SIZE, settle

pytestmark = pytest.mark.usefixtures("card_scores")


def still(*keys: str, then=None):
    """A run_before that presses ``keys``, optionally calls ``then(app)``, and lets it settle."""

    def steady(app) -> None:
        # Cursors stop blinking before anything slow happens: a picture taken late on a loaded
        # machine otherwise caught the cursor in its hidden half-second (CI, console layout).
        for box in app.screen.query(Input):
            box.cursor_blink = False
        for area in app.screen.query(TextArea):
            area.cursor_blink = False

    async def run_before(pilot) -> None:
        await settle(pilot)
        for key in keys:
            await pilot.press(key)
            steady(pilot.app)
            await settle(pilot)
        if then is not None:
            steady(pilot.app)
            then(pilot.app)
            await settle(pilot)
        steady(pilot.app)
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


@pytest.mark.parametrize("size", [(80, 24), (160, 45)])
def test_models_screen_sized_to_content(snap_compare, sample_store, size):
    """Columns sized to their content: at 160 no id or licence is cut; at 80 the status line
    carries the highlighted row's full id and licence."""
    assert snap_compare(PtmxApp(sample_store, show_timings=False), terminal_size=size,
                        run_before=still("down"))


@pytest.mark.parametrize("size", [(80, 24), (160, 45)])
def test_console_layout(snap_compare, sample_store, size):
    """The results get most of the screen; the schema panel is open from 120 columns."""
    def query(app) -> None:
        app.screen.query_one("#sql").text = ("SELECT license, count(*) AS models\n"
                                             "FROM model_summary GROUP BY license\n"
                                             "ORDER BY models DESC, license")
        app.screen.action_run()

    assert snap_compare(PtmxApp(sample_store, show_timings=False), terminal_size=size,
                        run_before=still("f5", then=query))


@pytest.mark.parametrize("size", [(80, 24), (160, 45)])
def test_loading_screen(snap_compare, size, monkeypatch):
    """A first open's loading screen held at one step: title, folder, bar, step and seconds."""
    import threading
    import time
    import types

    from ptmx.tui.screens import loading
    from ptmx.tui.screens.loading import LoadingScreen

    # The screen's clock stands still at 9 s: its half-second ticker redrew "10 s" when a loaded
    # machine took the picture more than 0.5 s after the clock was set.
    monkeypatch.setattr(loading, "time", types.SimpleNamespace(monotonic=lambda: 109.0))
    reached = threading.Event()

    def opener(progress):
        progress("model_detail", 11, 14)
        reached.set()
        # Held until the app closes after the picture (a fixed 1.5 s was too short on a loaded
        # machine), then the open fails, off screen.
        deadline = time.monotonic() + 30
        while not app._exit and app.is_running and time.monotonic() < deadline:
            time.sleep(0.02)
        raise RuntimeError("held for the snapshot")

    async def run_before(pilot) -> None:
        for _ in range(100):
            await pilot.pause(0.02)
            screen = pilot.app.screen
            if reached.is_set() and isinstance(screen, LoadingScreen) and screen._step != "starting":
                break
        screen._started = 100.0  # "9 s", whatever the machine's speed
        screen._tick()
        await pilot.pause()

    app = PtmxApp(None, opener=opener, where="/data/peatmoss", show_timings=False)
    assert snap_compare(app, terminal_size=size, run_before=run_before)
