"""The licences screen's findings show the remedy of the highlighted conflict, drift or
use-constrained finding (issue 18): alternatives of the dataset with their licence and why they
qualify, or the licence a derived model should carry; found in a worker, so the list never
waits for it, and never from the Hub."""

from __future__ import annotations

import threading
from pathlib import Path

from textual.widgets import DataTable

from ptmx.licenses.remedies import Remedies
from ptmx.store import open_store
from ptmx.tui.app import PtmxApp
from ptmx.tui.screens.licenses import LicensesScreen
from tests.licenses.test_remedies import remedy_dir  # noqa: F401  (fixture)
from tests.tui.conftest import screen_text, settle

SMALL = (80, 24)
# On the bundled sample: an NC model used by projects (use-constrained), and the models of its
# name family that `ptmx licenses audit --suggest` names for it (Dolly v2, MIT).
NC_MODEL = "databricks/dolly-v1-6b"
ALTERNATIVES = ("databricks/dolly-v2-12b (mit)", "databricks/dolly-v2-3b (mit)",
                "databricks/dolly-v2-7b (mit)")


async def _findings(app: PtmxApp, pilot) -> LicensesScreen:  # type: ignore[no-untyped-def]
    await settle(pilot)
    await pilot.press("f3")
    await settle(pilot)
    await pilot.press("3")
    await settle(pilot)
    screen = app.screen
    assert isinstance(screen, LicensesScreen)
    return screen


async def _highlight(screen: LicensesScreen, pilot, model: str,  # type: ignore[no-untyped-def]
                     verdict: str | None = None) -> None:
    row = next(i for i, f in enumerate(screen.findings)
               if f.model == model and (verdict is None or f.verdict == verdict))
    screen.query_one("#findings-table", DataTable).move_cursor(row=row)
    await pilot.pause()


async def test_a_use_constrained_finding_shows_its_alternatives(app):
    async with app.run_test(size=SMALL) as pilot:
        screen = await _findings(app, pilot)
        await _highlight(screen, pilot, NC_MODEL)
        await settle(pilot)
        text = screen_text(app)
        assert "use instead (name family dolly*):" in text
        for alt in ALTERNATIVES:
            assert alt in text
        assert "reused by 9 projects" in text  # why the 12b ranks first


async def test_the_remedy_is_found_without_blocking_the_list(app, monkeypatch):
    """While a remedy is being found the panel says so and the cursor still moves."""
    release = threading.Event()
    original = Remedies.for_record

    def slow(self, rec):  # type: ignore[no-untyped-def]
        release.wait(30)
        return original(self, rec)

    monkeypatch.setattr(Remedies, "for_record", slow)
    async with app.run_test(size=SMALL) as pilot:
        screen = await _findings(app, pilot)
        await _highlight(screen, pilot, NC_MODEL)
        await pilot.pause()
        assert "finding alternatives…" in screen_text(app)
        table = screen.query_one("#findings-table", DataTable)
        table.focus()
        before = table.cursor_row
        await pilot.press("down")
        assert table.cursor_row == before + 1  # the list answered while the worker waited
        await pilot.press("up")
        release.set()
        await settle(pilot)
        assert ALTERNATIVES[0] in screen_text(app)


async def test_a_drift_finding_shows_the_licence_to_carry(remedy_dir: Path):  # noqa: F811
    """An Apache relabel of a NonCommercial model: the derived model should carry the base's
    licence, and the panel says which text to put where."""
    app = PtmxApp(open_store(remedy_dir), show_timings=False)
    async with app.run_test(size=SMALL) as pilot:
        screen = await _findings(app, pilot)
        await _highlight(screen, pilot, "acme/bert-nc", "drift")
        await settle(pilot)
        text = screen_text(app)
        assert "carry: CC-BY-NC-4.0 on acme/bert-ft (model card):" in text
        assert "  license: cc-by-nc-4.0" in text  # the Hub's id, as the card must spell it
        assert "or derive from (name family bert*):" in text
        assert "acme/bert-apache (apache-2.0) ok-with-obligations · reused by 3 projects" in text
        assert "acme/bert-free (mit) ok-with-obligations · reused by 1 project " in text


async def test_an_unknown_finding_has_no_remedy(app):
    """Only conflict, drift and use-constrained findings get one (no worker for the others)."""
    async with app.run_test(size=SMALL) as pilot:
        screen = await _findings(app, pilot)
        f = next(f for f in screen.findings if f.verdict == "unknown")
        await _highlight(screen, pilot, f.model or "", "unknown")
        await settle(pilot)
        text = screen_text(app)
        assert "fix: " in text
        assert "use instead" not in text and "finding alternatives" not in text
        assert not screen.remedies
