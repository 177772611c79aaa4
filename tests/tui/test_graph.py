"""The graph screen: a lazily expanded neighbourhood tree; Enter opens pages; export."""

from __future__ import annotations

from textual.widgets import Tree

from ptmx.store import model_page
from ptmx.tui.screens.graph import LIMIT, GraphScreen
from ptmx.tui.screens.project import ProjectScreen
from tests.tui.conftest import SIZE, notes, screen_text, settle

MODEL = "bert-base-uncased"  # reused by more projects than one expansion shows


async def open_graph(app, pilot) -> GraphScreen:
    await settle(pilot)
    app.open_graph(MODEL, "model")
    await settle(pilot)
    assert isinstance(app.screen, GraphScreen)
    return app.screen


def branch(tree: Tree, prefix: str):
    return next(c for c in tree.root.children if str(c.label).startswith(prefix))


async def test_graph_expands_lazily_with_counts(app, sample_store):
    page = model_page(sample_store, MODEL)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_graph(app, pilot)
        tree = screen.query_one("#graph", Tree)
        assert tree.root.is_expanded
        used_by = branch(tree, "used by")
        assert f"{page.reuse_count:,} projects" in str(used_by.label)
        assert used_by.is_expanded  # the root's only branch opens by itself
        shown = [c for c in used_by.children if c.data is not None]
        assert len(shown) == min(LIMIT, page.reuse_count)
        assert f"… {page.reuse_count - LIMIT:,} more" in str(used_by.children[-1].label)
        # Collapsed projects have not been fetched: expanding one fetches its models.
        project = shown[0]
        assert not project.children
        project.expand()
        await settle(pilot)
        uses = project.children[0]
        assert str(uses.label).startswith("uses")
        assert "graph of bert-base-uncased" in screen_text(app)
        # Enter on a project node opens its page.
        tree.move_cursor(project)
        await pilot.pause()
        assert tree.cursor_node is project
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ProjectScreen)
        assert app.screen.page.project == project.data.ref


async def test_export_writes_the_shown_subgraph(app, tmp_path):
    import pytest

    pytest.importorskip("ptmx.graph")
    target = tmp_path / "shown.graphml"
    async with app.run_test(size=SIZE) as pilot:
        await open_graph(app, pilot)
        await pilot.press("e")
        await settle(pilot)
        box = app.screen.query_one("#answer")
        box.value = str(target)
        await pilot.press("enter")
        await settle(pilot)
        assert target.is_file()
        assert MODEL in target.read_text()
        assert any("graph exported" in n for n in notes(app))
