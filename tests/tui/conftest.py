"""Helpers for driving ptmx browse with Textual's Pilot on the bundled sample."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import suppress
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.worker import WorkerFailed

from ptmx.store import Store
from ptmx.tui.app import PtmxApp

SIZE = (100, 30)


async def settle(pilot: Pilot[Any], rounds: int = 50) -> None:
    """Wait until no worker is running, every message they caused has been handled, and the
    screen expects nothing more (e.g. card scores due after a short quiet period)."""
    app = pilot.app
    for _ in range(rounds):
        await pilot.pause()
        idle = not any(w.is_running or w.state.name == "PENDING" for w in app.workers)
        if idle and not getattr(app.screen, "settling", False):
            await pilot.pause()
            if not any(w.is_running for w in app.workers):
                return
        with suppress(WorkerFailed):
            await app.workers.wait_for_complete()
        if idle:
            await pilot.pause(0.05)
    raise AssertionError("workers did not settle")


def notes(app: PtmxApp) -> list[str]:
    """Every notification shown so far, as 'title: message'."""
    return [f"{n.title}: {n.message}" for n in app._notifications]


def screen_text(app: PtmxApp) -> str:
    """The current screen as plain text (what a user reads)."""
    import io

    from rich.console import Console

    width, height = app.size
    console = Console(width=width, height=height, file=io.StringIO(), force_terminal=True,
                      record=True, legacy_windows=False, safe_box=False)
    console.print(app.screen._compositor.render_update(full=True,
                                                       screen_stack=app._background_screens))
    return console.export_text(styles=False)


@pytest.fixture(autouse=True)
def _no_loading_flicker(monkeypatch):
    """Loading indicators animate, and Pilot waits for an idle app after every key: keep them
    for jobs longer than a test's, so tests stay fast (one test checks they do appear)."""
    from ptmx.tui.screens import base, models

    monkeypatch.setattr(base, "BUSY_DELAY", 30.0)
    # Card scores cost ~0.1 s of CPU per page: only the tests that look at them (the
    # ``card_scores`` fixture) compute them, and without the quiet period a user gets.
    monkeypatch.setattr(models, "CARD_SCORES", False)
    monkeypatch.setattr(models, "SCORE_DELAY", 0.01)


@pytest.fixture(autouse=True)
def _state_dir(monkeypatch, tmp_path):
    """The console history goes to a test folder, never the user's."""
    monkeypatch.setenv("PTMX_STATE_DIR", str(tmp_path / "state"))


@pytest.fixture
def card_scores(monkeypatch):
    """Compute card completeness in the models table, as the app does for users."""
    from ptmx.tui.screens import models

    monkeypatch.setattr(models, "CARD_SCORES", True)


@pytest.fixture
def app(sample_store: Store) -> Iterator[PtmxApp]:
    """A fresh app on the shared sample store (no timings, so screens are deterministic)."""
    yield PtmxApp(sample_store, show_timings=False)
