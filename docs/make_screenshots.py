"""Regenerate the README screenshots of `ptmx browse`: docs/loading.svg, docs/browse.svg,
docs/model.svg and docs/console.svg.

    .venv/bin/python docs/make_screenshots.py [--data DIR]

Runs the real app headless on the bundled sample (or ``--data``) at 100×30, waits for every
query to finish, and saves Textual's SVG screenshot. Query timings are left out of the status
line and the cursor does not blink, so re-running it gives the same files. The loading screen
of a first open is drawn from a stand-in cache build held at one step (the real one is over in
a moment on the sample), with the elapsed time it shows set to a fixed value.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from textual.widgets import Input, TextArea  # noqa: E402

from ptmx.config import bundled_data_dir  # noqa: E402
from ptmx.store import open_store  # noqa: E402
from ptmx.tui.app import PtmxApp  # noqa: E402

SIZE = (100, 30)
SEARCH = "bert"
CONSOLE_SQL = ("SELECT license, count(*) AS models, sum(reuse_count) AS projects\n"
               "FROM model_summary\nGROUP BY license ORDER BY models DESC")
MODEL = "microsoft/layoutlmv3-base"  # non-commercial licence: its verdicts explain themselves


async def settle(pilot) -> None:
    """Until no worker runs and the screen expects nothing more."""
    app = pilot.app
    for _ in range(200):
        await pilot.pause(0.02)
        busy = any(w.is_running or w.state.name == "PENDING" for w in app.workers)
        if not busy and not getattr(app.screen, "settling", False):
            await pilot.pause()
            return
    raise TimeoutError("the app did not settle")


async def shoot(app: PtmxApp, pilot, path: Path) -> None:
    await settle(pilot)
    for box in app.screen.query(Input):
        box.cursor_blink = False
    for area in app.screen.query(TextArea):
        area.cursor_blink = False
    await pilot.pause()
    app.save_screenshot(path.name, str(path.parent))
    print(f"wrote {path}")


LOADING_STEP = ("model_detail", 11, 14, 9)  # step label, done, total, seconds elapsed


async def loading(data: Path) -> None:
    """The loading screen of a first open, as a 1× dataset shows it ~9 s in."""
    from ptmx.tui.screens.loading import LoadingScreen

    release = threading.Event()
    step, done, total, elapsed = LOADING_STEP

    def opener(progress):
        progress(step, done, total)
        release.wait(30)
        raise RuntimeError("screenshot only")

    app = PtmxApp(None, opener=opener, where="~/peatmoss", show_timings=False)
    app.title = "ptmx browse"
    async with app.run_test(size=SIZE) as pilot:
        for _ in range(100):
            await pilot.pause(0.02)
            screen = app.screen
            if isinstance(screen, LoadingScreen) and screen._step == step:
                break
        screen._started = time.monotonic() - elapsed
        screen._tick()
        await pilot.pause()
        app.save_screenshot("loading.svg", str(HERE))
        print(f"wrote {HERE / 'loading.svg'}")
        release.set()
        app.exit()


async def main(data: Path) -> None:
    await loading(data)
    store = open_store(data)
    app = PtmxApp(store, show_timings=False)
    app.title = "ptmx browse"
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press(*SEARCH)
        await settle(pilot)
        await pilot.press("down", "down")
        await shoot(app, pilot, HERE / "browse.svg")
        app.open_model(MODEL)
        await shoot(app, pilot, HERE / "model.svg")
        await pilot.press("f5")
        await settle(pilot)
        app.screen.query_one("#sql", TextArea).text = CONSOLE_SQL
        app.screen.action_run()
        await shoot(app, pilot, HERE / "console.svg")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=bundled_data_dir())
    asyncio.run(main(parser.parse_args().data))
