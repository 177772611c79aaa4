"""A first open shows a loading screen fed by the store's progress, then the models list; an
open that fails is one line on screen and a clean exit with code 2 — never a traceback."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from ptmx.errors import DataError
from ptmx.store import open_store
from ptmx.tui.app import PtmxApp
from ptmx.tui.screens.loading import LoadingScreen
from ptmx.tui.screens.models import ModelsScreen
from tests.tui.conftest import screen_text, settle

SIZES = [(80, 24), (160, 45)]
SAMPLE = Path(__file__).resolve().parents[2] / "data"


async def _wait_for(pilot, condition, rounds: int = 200) -> None:
    for _ in range(rounds):
        if condition():
            return
        await pilot.pause(0.05)
    raise AssertionError("condition never met")


@pytest.mark.parametrize("size", SIZES)
async def test_loading_screen_shows_progress_then_the_models(size, tmp_path, monkeypatch):
    monkeypatch.setenv("PTMX_CACHE", str(tmp_path / "cache"))
    reached, release = threading.Event(), threading.Event()
    steps: list[tuple[str, int, int]] = []

    def opener(progress):
        def relay(step: str, done: int, total: int) -> None:
            steps.append((step, done, total))
            progress(step, done, total)
            if step == "model_summary":  # hold the build here while the test reads the screen
                reached.set()
                release.wait(10)

        return open_store(SAMPLE, progress=relay)

    app = PtmxApp(None, opener=opener, where=str(SAMPLE), show_timings=False)
    async with app.run_test(size=size) as pilot:
        await _wait_for(pilot, reached.is_set)
        await pilot.pause(0.1)
        assert isinstance(app.screen, LoadingScreen)
        text = screen_text(app)
        assert "building its cache" in text
        assert "model_summary" in text
        assert "s" in text and str(SAMPLE)[-20:] in text.replace("\n", "")  # where, elapsed
        # The bar stands where the build is: some steps done, not all.
        total = steps[-1][2]
        assert 0 < steps[-1][1] < total
        release.set()
        await _wait_for(pilot, lambda: isinstance(app.screen, ModelsScreen))
        await settle(pilot)
        assert "bert" in screen_text(app)
        assert steps[-1][1] == steps[-1][2]
        assert app.open_error is None


@pytest.mark.parametrize("size", SIZES)
async def test_an_open_error_is_one_line_and_a_clean_exit(size):
    def opener(progress):
        progress("checking files", 0, 5)
        raise DataError("/x/model.parquet: not a Parquet file (magic bytes missing)")

    app = PtmxApp(None, opener=opener, where="/x")
    async with app.run_test(size=size) as pilot:
        await _wait_for(pilot, lambda: app.open_error is not None)
        await pilot.pause()
        text = screen_text(app)
        assert "cannot open this dataset" in text
        assert "not a Parquet file" in text and "Traceback" not in text
        await pilot.press("q")
        await pilot.pause()
    assert app.return_code == 2
    assert isinstance(app.open_error, DataError)


async def test_an_unexpected_failure_is_one_line_too():
    def opener(progress):
        raise MemoryError("out of memory\nwhile sorting")

    app = PtmxApp(None, opener=opener, where="/x")
    async with app.run_test(size=(80, 24)) as pilot:
        await _wait_for(pilot, lambda: app.open_error is not None)
        await pilot.pause()
        text = screen_text(app)
        assert "MemoryError: out of memory while sorting" in text
        await pilot.press("enter")
        await pilot.pause()
    assert app.return_code == 2
