"""The projects tab shows each project's licence and verdict, sorted and filtered; findings
filter by verdict; the hub's drift lists the projects whose verdict changes, numbers as the
CLI writes them."""

from __future__ import annotations

import io

import pytest
from rich.console import Console
from textual.widgets import DataTable

from ptmx.render.renderables import verdict_changes
from ptmx.render.values import figure
from tests.tui.conftest import settle

MODEL = "bert-base-uncased"


async def hub_tab_text(app, pilot) -> str:
    """Open MODEL's page, look it up on the hub (``h``) and return the hub tab as plain text."""
    from textual.widgets import Static

    await settle(pilot)
    app.open_model(MODEL)
    await settle(pilot)
    await pilot.press("h")
    await settle(pilot)
    out = io.StringIO()
    Console(file=out, width=200).print(app.screen.query_one("#hub", Static).content)
    return out.getvalue()


def plain_rows(table: DataTable) -> list[list[str]]:
    return [[getattr(c, "plain", str(c)) for c in table.get_row_at(i)]
            for i in range(table.row_count)]


@pytest.mark.parametrize("size", [(80, 24), (160, 45)])
async def test_projects_tab_licence_verdict_sort_and_filter(app, size):
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        app.open_model(MODEL)
        await settle(pilot)
        screen = app.screen
        await pilot.press("2")
        table = screen.query_one("#project-table", DataTable)
        labels = [c.label.plain for c in table.ordered_columns]
        assert labels[:3] == ["verdict", "project", "project licence"]
        rows = plain_rows(table)
        verdicts = [r[0] for r in rows]
        assert [rank(v) for v in verdicts] == sorted((rank(v) for v in verdicts), reverse=True)
        await pilot.press("s")  # by project
        names = [r[1] for r in plain_rows(table)]
        assert names == sorted(names, key=str.lower)
        await pilot.press("v")  # the worst verdict only
        worst = verdicts[0]
        kept = plain_rows(table)
        assert kept and all(r[0] == worst for r in kept)
        assert len(kept) == verdicts.count(worst)


def rank(verdict: str) -> int:
    from ptmx.licenses import Verdict

    try:
        return Verdict(verdict).rank
    except ValueError:
        return 0


@pytest.mark.parametrize("size", [(80, 24), (160, 45)])
async def test_findings_filter_by_verdict(app, size):
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        await pilot.press("f3")
        await settle(pilot)
        screen = app.screen
        everything = list(screen.all_findings)
        await pilot.press("v")
        first = screen.verdict_filter
        assert first is not None
        assert screen.findings and all(f.verdict == first for f in screen.findings)
        assert len(screen.findings) == min(sum(f.verdict == first for f in everything), 2000)
        present = {f.verdict for f in everything}
        for _ in present:
            await pilot.press("v")
        assert screen.verdict_filter is None and len(screen.findings) == min(len(everything),
                                                                            2000)


def test_numbers_as_the_cli_writes_them():
    assert figure(3087168) == "3,087,168"
    assert figure(100.0, percent=True) == "100 %"
    assert figure(None) == "–"


def test_the_projects_whose_verdict_changes_are_listed():
    moved = [{"project": "alice/bot", "project_license": "mit", "before": "ok",
              "after": "use-constrained"},
             {"project": "bob/app", "project_license": "apache-2.0", "before": "ok",
              "after": "conflict"}]
    out = io.StringIO()
    Console(file=out, width=100).print(verdict_changes(moved))
    text = out.getvalue()
    assert "2 projects change verdict" in text
    for name in ("alice/bot", "bob/app", "use-constrained", "conflict", "mit"):
        assert name in text
    # the worst live verdict first: bob's conflict before alice's use-constrained
    assert text.index("bob/app") < text.index("alice/bot")


def test_a_long_list_of_verdict_changes_shows_the_worst_and_says_where_the_rest_are():
    moved = [{"project": f"p/{i:04}", "project_license": "mit", "before": "ok",
              "after": "conflict" if i % 100 == 7 else "use-constrained"} for i in range(1_704)]
    out = io.StringIO()
    Console(file=out, width=120).print(verdict_changes(moved, "bert-base-uncased", limit=20))
    text = out.getvalue()
    assert "1,704 projects change verdict" in text
    shown = [line.split()[0] for line in text.splitlines() if line.strip().startswith("p/")]
    conflicts = [f"p/{i:04}" for i in range(7, 1_704, 100)]  # 17 of them
    assert shown == [*conflicts, "p/0000", "p/0001", "p/0002"]
    assert ("… and 1,684 more: `ptmx hub info bert-base-uncased --format json` lists every "
            "project's verdict") in " ".join(text.split())  # the caption wraps to the table


@pytest.mark.parametrize("size", [(80, 24), (160, 45)])
async def test_hub_tab_lists_the_projects_whose_verdict_changes(app, size, tmp_path,
                                                                monkeypatch):
    """A real HTTP server speaking the hub's JSON: the live licence turned non-commercial."""

    from tests.hub.conftest import point_env_at
    from tests.hub.fakehub import FakeHub

    server = FakeHub().start()
    try:
        server.add_model(MODEL, sha="d" * 40, downloads=3_087_168, likes=2000,
                         tags=["transformers", "license:cc-by-nc-4.0"],
                         cardData={"license": "cc-by-nc-4.0"})
        point_env_at(server.url, tmp_path, monkeypatch, retries=1, timeout=5)
        async with app.run_test(size=size) as pilot:
            text = await hub_tab_text(app, pilot)
            assert "3,087,168" in text and "3087168" not in text
            assert "change verdict" in text and "use-constrained" in text
            # the sample's 1,704 projects of this model are not all laid out in the tab
            assert "1,704 projects change verdict" in text and "… and 1,654 more" in text
            asked = len(server.seen("/api/models"))
            await pilot.press("r")  # again, not from the cache
            await settle(pilot)
            assert len(server.seen("/api/models")) > asked
    finally:
        server.stop()


async def test_hub_tab_shows_the_weights_and_the_pickle_risk(app, tmp_path, monkeypatch):
    """A model whose repository ships only pickle weights: the model page's hub tab says so and
    gives the risk with its fix (issue 19), at 80×24 where the tab is narrow."""

    from tests.hub.conftest import point_env_at
    from tests.hub.fakehub import FakeHub
    from tests.hub.test_hub_artifacts import _lfs, _plain

    server = FakeHub().start()
    try:
        server.add_model(MODEL, sha="e" * 40, downloads=3_087_168, likes=2000,
                         tags=["transformers", "pytorch", "license:apache-2.0"],
                         cardData={"license": "apache-2.0"},
                         siblings=[_plain("README.md"), _plain("config.json"),
                                   _lfs("pytorch_model.bin", 440_000_000)])
        point_env_at(server.url, tmp_path, monkeypatch, retries=1, timeout=5)
        async with app.run_test(size=(80, 24)) as pilot:
            text = await hub_tab_text(app, pilot)
            assert "weights" in text and "pickle only" in text
            assert "pickle-weights" in text and "pytorch_model.bin" in text
            assert "prefer a safetensors revision, or pin and scan it" in text
    finally:
        server.stop()
