"""Hostile input in the TUI: outside text is shown as text, never acted on (issue 14).

A dataset imported from a PeaTMOSS-shaped SQLite file whose model id, project owner, license name
and folder name carry rich markup (``[/]``, ``[link=…]``) and terminal escapes (OSC 8 hyperlink,
colour, clear screen). Each case drives the real app with Pilot and reads what the screen
renders: the text appears literally (control characters made visible), no ESC or BEL byte
reaches the screen, no segment carries a link, nothing crashes (no ``MarkupError``).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator

import pytest
from rich.segment import Segment
from textual.pilot import Pilot
from textual.widgets import DataTable, Tree
from textual.widgets._toast import Toast

from ptmx.ingest.sqlite_import import import_sqlite
from ptmx.safetext import visible
from ptmx.store import Store, open_store
from ptmx.tui.app import PtmxApp
from ptmx.tui.screens.console import ConsoleScreen
from ptmx.tui.screens.graph import GraphScreen
from ptmx.tui.screens.licenses import LicensesScreen
from ptmx.tui.screens.model import ModelScreen
from ptmx.tui.screens.project import ProjectScreen
from tests.conftest import make_peatmoss_db
from tests.tui.conftest import notes, settle

MODEL = "acme/evil[/]\x1b]8;;http://x\x07link[link=http://evil]x"
OWNER = "[bold red]own\x1b[2J"
PROJECT = f"{OWNER}/chatbot"
LICENSE = "[/]lic\x1b[31m[link=http://evil]"
FOLDER = "ds[b]x[link=https:evil]y\x1b[31m"  # the store opens it (no slash: one folder)
SIZE = (200, 40)  # wide enough for the whole id in every table


def shown(value: str) -> str:
    """How a piece of outside text must appear on screen: itself, control characters visible."""
    return visible(value, newlines=False)


@pytest.fixture(scope="module")
def hostile_store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    tmp = tmp_path_factory.mktemp("hostile-tui")
    db = make_peatmoss_db(tmp / "PeaTMOSS.db")
    con = sqlite3.connect(db)
    con.execute("UPDATE model SET context_id = ? WHERE id = 1", (MODEL,))
    con.execute("UPDATE reuse_repository SET owner = ? WHERE id = 1", (OWNER,))
    con.execute("UPDATE license SET name = ? WHERE id = 1", (LICENSE,))
    con.commit()
    con.close()
    import_sqlite(db, tmp / FOLDER)
    store = open_store(tmp / FOLDER)
    yield store
    store.close()


@pytest.fixture(autouse=True)
def _quick(monkeypatch: pytest.MonkeyPatch) -> None:
    """No loading indicators or card scores: they only slow Pilot down here."""
    from ptmx.tui.screens import base, models

    monkeypatch.setattr(base, "BUSY_DELAY", 30.0)
    monkeypatch.setattr(models, "CARD_SCORES", False)


@pytest.fixture
def app(hostile_store: Store) -> PtmxApp:
    return PtmxApp(hostile_store, show_timings=False)


def rendered(app: PtmxApp) -> list[Segment]:
    """Every segment the screen (toasts included) renders now."""
    update = app.screen._compositor.render_update(full=True,
                                                  screen_stack=app._background_screens)
    return [segment for line in update.strips for strip in line for segment in strip]


async def assert_inert(pilot: Pilot[None], *expected: str) -> str:
    """The screen shows each of ``expected`` literally, and nothing in it can act."""
    app = pilot.app
    await pilot.pause(0.05)  # let the last refresh reach the compositor
    segments = rendered(app)
    text = "".join(segment.text for segment in segments)
    for value in expected:
        assert shown(value) in text, (shown(value), text[-3000:])
    assert "\x1b" not in text and "\x07" not in text
    links = [s.style.link for s in segments if s.style is not None and s.style.link]
    assert not links, links
    assert app.is_running
    return text


async def test_models_table_shows_the_id_and_license_as_text(app):
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert app.screen.table.total == 4
        # The title bar shows the dataset's folder name as text too.
        text = await assert_inert(pilot, MODEL)
        assert shown(LICENSE)[:13] in text  # the license column is narrow: its first cells


async def test_search_text_echoed_in_the_empty_table_is_text(app):
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        typed = "[/]\x1b[31mnothing[link=http://evil]"  # pasted: the box shows \x1b too
        app.screen.query_one("#search").value = typed
        await settle(pilot)
        assert app.screen.table.total == 0
        await assert_inert(pilot, f"no model matches '{typed}'")


async def test_model_page_title_breadcrumb_and_head(app):
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.open_model(MODEL)
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, ModelScreen) and screen.page is not None
        text = await assert_inert(pilot, f"ptmx › models › {MODEL}", LICENSE)
        assert text.count(shown(MODEL)) >= 2  # breadcrumb and the page's title


async def test_model_page_projects_tab_shows_the_owner_as_text(app):
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.open_model(MODEL)
        await settle(pilot)
        await pilot.press("2")
        await settle(pilot)
        table = app.screen.query_one("#project-table", DataTable)
        assert table.row_count == 2
        await assert_inert(pilot, PROJECT)


async def test_project_page_shows_owner_and_model_as_text(app):
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.open_project(PROJECT)
        await settle(pilot)
        assert isinstance(app.screen, ProjectScreen) and app.screen.page is not None
        await assert_inert(pilot, f"ptmx › models › {PROJECT}", MODEL, LICENSE)


async def test_graph_tree_labels_are_text(app):
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.open_graph(MODEL, "model")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, GraphScreen)
        tree = screen.query_one("#graph", Tree)
        labels = [node.label.plain for node in _walk(tree.root)]
        assert any(shown(MODEL) in label for label in labels), labels
        assert any(shown(PROJECT) in label for label in labels), labels
        await assert_inert(pilot, MODEL, PROJECT)


def _walk(node):
    yield node
    for child in node.children:
        yield from _walk(child)


async def test_notifications_show_the_id_as_text(app):
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(pilot)
        app.open_model(MODEL)
        await settle(pilot)
        await pilot.press("y")
        await settle(pilot)
        assert app.clipboard == MODEL  # the clipboard gets the real id ...
        assert any(shown(f"copied {MODEL}") in n for n in notes(app))  # ... the toast, text
        await assert_inert(pilot)
        toasts = [toast.render().plain for toast in app.screen.query(Toast)]
        assert any(shown(f"copied {MODEL}") in t for t in toasts), toasts
        assert not any("\x1b" in t or "\x07" in t for t in toasts)


async def test_an_unknown_hostile_id_fails_as_text(app):
    bad = "nope[/]\x1b[31m[link=http://evil]x"
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.open_model(bad)
        await settle(pilot)
        assert any(shown(bad) in n for n in notes(app)), notes(app)
        await assert_inert(pilot, bad)


async def test_licenses_screen_with_a_hostile_license_name(app):
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("f3")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, LicensesScreen)
        assert screen.findings  # the unknown license is a finding
        await pilot.press("3")
        await settle(pilot)
        await assert_inert(pilot, LICENSE)


async def test_console_results_and_errors_are_text(app):
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("f5")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, ConsoleScreen)
        screen.run_sql("SELECT model, license FROM model_summary ORDER BY model_id LIMIT 1")
        await settle(pilot)
        assert screen.result is not None and screen.result.table.num_rows == 1
        await assert_inert(pilot, MODEL, LICENSE)
        screen.run_sql('SELECT * FROM "[/]\x1b[31m[link=http://evil]"')
        await settle(pilot)
        assert screen.result is None
        await assert_inert(pilot, "[/]\x1b[31m[link=http://evil]")


async def test_command_palette_lists_a_hostile_model_as_text(app):
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"evil")
        await pilot.pause(0.3)
        await settle(pilot)
        await assert_inert(pilot, f"model: open {MODEL}")
        await pilot.press("enter")  # the highlighted hit: the hostile model
        await settle(pilot)
        assert isinstance(app.screen, ModelScreen) and app.screen.page is not None
        assert app.screen.page.model == MODEL
