"""The paper screen (F6): the PeaTMOSS paper's headline analyses reproduced on the open dataset,
each beside the paper's published figure — what ``ptmx paper`` prints, section by section.

The analyses are computed once, in a worker (a loading indicator shows meanwhile), and drawn
with the same rich renderables as the CLI (:func:`ptmx.render.paper.renderables`), cut at each
section's heading so ``n``/``p`` (or 1–7) move between sections.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import partial
from typing import Any, ClassVar

from rich.console import Group, RenderableType
from rich.rule import Rule
from rich.text import Text
from textual import on, work
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.widget import Widget
from textual.widgets import Static

from ptmx.paper import TITLES, PaperReport, build
from ptmx.render.paper import renderables
from ptmx.render.safe import safe_text
from ptmx.tui.messages import Done, Failed
from ptmx.tui.screens.base import PtmxScreen, error_text, is_not_available

NOTES = "notes"  # the closing section: where this dataset differs from the paper


class PaperLoaded(Done[PaperReport]):
    """The paper's analyses, computed."""


class PaperFailed(Failed):
    """The analyses could not be computed."""


def split_sections(items: list[RenderableType], names: Iterable[str]) -> list[
        tuple[str, list[RenderableType]]]:
    """The CLI's renderables as (section name, items): a new section starts at each rule
    (one per analysis, then the closing notes); the title line goes with the first."""
    order = [*names, NOTES]
    out: list[tuple[str, list[RenderableType]]] = []
    head: list[RenderableType] = []
    for item in items:
        if isinstance(item, Rule) and len(out) < len(order):
            out.append((order[len(out)], [*head, item]))
            head = []
        elif out:
            out[-1][1].append(item)
        else:
            head.append(item)
    return out


class PaperScreen(PtmxScreen):
    """The PeaTMOSS paper's findings, reproduced."""

    AREA = "paper"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("n", "section(1)", "Next", id="paper.next",
                tooltip="Next section of the paper"),
        Binding("p", "section(-1)", "Prev", id="paper.prev",
                tooltip="Previous section of the paper"),
        *(Binding(str(i), f"goto({i - 1})", f"Section {i}", show=False, id=f"paper.goto-{i}",
                  tooltip=f"Go to section {i}") for i in range(1, 8)),
        Binding("r", "reload", "Recompute", show=False, id="paper.reload",
                tooltip="Compute the analyses again"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.report_data: PaperReport | None = None
        self.sections: list[str] = []
        self.current = 0

    @property
    def crumb(self) -> str:
        return "paper"

    def compose_body(self) -> Iterable[Widget]:
        with VerticalScroll(id="paper", classes="page"):
            yield Static(Text("reproducing the paper's analyses…", style="dim"), id="paper-intro")

    def on_mount(self) -> None:
        self.set_context("the PeaTMOSS paper (Jiang et al., MSR 2024), reproduced")
        self.query_one("#paper").focus()
        self.action_reload()

    def action_reload(self) -> None:
        """Compute the analyses (again) in a worker."""
        self.busy(self.query_one("#paper"), self.load_paper())

    @work(thread=True, exclusive=True, exit_on_error=False, group="paper")
    def load_paper(self) -> None:
        self.deliver(lambda: self.timed(build, self.store), PaperLoaded, PaperFailed)

    @on(PaperFailed)
    def _paper_failed(self, message: PaperFailed) -> None:
        error = message.error
        style = "bold" if is_not_available(error) else "bold red"
        self.query_one("#paper-intro", Static).update(safe_text(error_text(error), style))
        if not is_not_available(error):
            self.report(error, "paper")

    @on(PaperLoaded)
    def _paper_loaded(self, message: PaperLoaded) -> None:
        self.report_data = message.result
        self._draw()

    def on_resize(self) -> None:
        if self.report_data is not None:
            self._draw()

    def _draw(self) -> None:
        """One Static per section; bars shrink on narrow terminals, as in the CLI."""
        rep = self.report_data
        assert rep is not None
        width = max(8, min(20, (self.size.width - 62) // 2))
        parts = split_sections(renderables(rep, width), rep.sections)
        scroll = self.query_one("#paper", VerticalScroll)
        intro = self.query_one("#paper-intro", Static)
        timing = f" · computed in {rep.seconds:.1f} s" if self.ptmx.show_timings else ""
        intro.update(Text(f"{len(parts)} sections · n / p or 1–{len(parts)} to move{timing}",
                          style="dim"))
        names = [name for name, _ in parts]
        if names == self.sections:  # a redraw (resize): the same sections, updated in place
            for name, items in parts:
                self.query_one(f"#paper-{name}", Static).update(Group(*items))
            return
        self.sections = names
        scroll.mount_all(Static(Group(*items), id=f"paper-{name}", classes="paper-section")
                         for name, items in parts)
        self.current = min(self.current, max(len(self.sections) - 1, 0))
        self._say_where()

    def _say_where(self) -> None:
        if not self.sections:
            return
        name = self.sections[self.current]
        title = TITLES.get(name, "Where this dataset differs from the paper")
        self.set_context(f"section {self.current + 1}/{len(self.sections)}: {title}")

    def action_goto(self, index: int) -> None:
        """Scroll to section ``index`` (0-based)."""
        if not self.sections or not 0 <= index < len(self.sections):
            return
        self.current = index
        target = self.query_one(f"#paper-{self.sections[index]}", Static)
        self.query_one("#paper", VerticalScroll).scroll_to_widget(target, top=True,
                                                                  animate=False)
        self._say_where()

    def action_section(self, step: int) -> None:
        """Next (1) or previous (-1) section."""
        if self.sections:
            self.action_goto(max(0, min(len(self.sections) - 1, self.current + step)))

    def palette_commands(self) -> list[tuple[str, str, Any]]:
        """'paper: go to <section>' for each computed section."""
        return [(f"paper: go to {TITLES.get(name, 'Where this dataset differs from the paper')}",
                 str(i + 1) if i < 7 else "", partial(self.action_goto, i))
                for i, name in enumerate(self.sections)]
