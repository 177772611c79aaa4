"""The paper screen (F6): the paper's analyses computed in a worker, shown section by section
with the paper's figures beside them, at 80×24 and 160×45."""

from __future__ import annotations

import pytest

from ptmx.paper import SECTIONS
from ptmx.tui.screens.base import PtmxScreen
from ptmx.tui.screens.paper import PaperScreen, split_sections
from tests.tui.conftest import screen_text, settle


async def _open(app, pilot) -> PaperScreen:
    await settle(pilot)
    await pilot.press("f6")
    await settle(pilot)
    assert isinstance(app.screen, PaperScreen)
    return app.screen


@pytest.mark.parametrize("size", [(80, 24), (160, 45)])
async def test_paper_screen_shows_sections_and_moves_between_them(app, size):
    async with app.run_test(size=size) as pilot:
        screen = await _open(app, pilot)
        assert screen.sections == [*SECTIONS, "notes"]
        text = screen_text(app)
        assert "ptmx › models › paper" in text
        assert "section 1/7" in text
        assert "PeaTMOSS paper" in text
        await pilot.press("n")
        await settle(pilot)
        assert screen.current == 1
        text = screen_text(app)
        assert "section 2/7: Documentation shortcomings" in text
        assert "paper" in text  # the paper's published share sits beside this dataset's
        await pilot.press("7")
        await settle(pilot)
        assert screen.current == 6
        assert "Where this dataset differs" in screen_text(app)
        await pilot.press("p", "p")
        await settle(pilot)
        assert screen.current == 4
        await pilot.press("escape")
        await settle(pilot)
        assert not isinstance(app.screen, PaperScreen) and isinstance(app.screen, PtmxScreen)


async def test_paper_screen_key_in_help_and_palette(app):
    from ptmx.tui.commands import PtmxCommands
    from ptmx.tui.screens.help import collect_keys

    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        everywhere = dict(collect_keys(app, app.screen))["everywhere"]
        assert any(keys.lower() == "f6" and "paper" in what for keys, what in everywhere)
        texts = [t for t, _, _ in PtmxCommands(app.screen)._commands()]
        assert any(t.startswith("paper:") for t in texts)


async def test_loading_indicator_while_computing(app, monkeypatch):
    import threading

    from ptmx.tui.screens import base, paper

    release = threading.Event()
    real = paper.build

    def slow(store):
        release.wait(10)
        return real(store)

    monkeypatch.setattr(paper, "build", slow)
    monkeypatch.setattr(base, "BUSY_DELAY", 0.01)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("f6")
        for _ in range(20):
            await pilot.pause(0.02)
            if app.screen.query_one("#paper").loading:
                break
        assert app.screen.query_one("#paper").loading
        release.set()
        await settle(pilot)
        assert not app.screen.query_one("#paper").loading
        assert app.screen.sections


def test_split_sections_keeps_the_title_with_the_first():
    from rich.rule import Rule
    from rich.text import Text

    items = [Text("title"), Rule("a"), Text("a1"), Rule("b"), Text("b1"), Rule("notes"), Text("n")]
    parts = split_sections(items, ["a", "b"])
    assert [name for name, _ in parts] == ["a", "b", "notes"]
    assert len(parts[0][1]) == 3 and len(parts[2][1]) == 2


def test_paper_screen_snapshot(snap_compare, sample_store):
    from ptmx.tui.app import PtmxApp
    from tests.tui.test_snapshots import still

    assert snap_compare(PtmxApp(sample_store, show_timings=False), terminal_size=(100, 30),
                        run_before=still("f6", "n"))


async def test_resizing_redraws_in_place(app):
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await _open(app, pilot)
        await pilot.resize_terminal(160, 45)
        await settle(pilot)
        assert screen.sections == [*SECTIONS, "notes"]
        assert len(screen.query(".paper-section")) == len(screen.sections)
