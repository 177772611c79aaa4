"""The documentation screen: how often model cards miss each field, and the least documented
among the most reused models (Enter opens one)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import ClassVar

from rich.console import Group, RenderableType
from rich.text import Text
from textual import on, work
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.widget import Widget
from textual.widgets import DataTable, Static

from ptmx.cards import CardsReport, report
from ptmx.cards.report import label
from ptmx.render.renderables import bar_chart
from ptmx.render.safe import safe_text
from ptmx.render.styles import severity_style
from ptmx.render.values import listing, num, pct
from ptmx.tui.messages import ReportFailed, ReportLoaded
from ptmx.tui.screens.base import PtmxScreen, error_text, is_not_available

WHAT_IT_SHOWS = (
    "The documentation report scores each model card against the fields PeaTMOSS extracts "
    "(license, datasets, base model, evaluation, limitations and bias, …): how often each is "
    "missing, and the least documented among the most reused models."
)


class DocumentationScreen(PtmxScreen):
    """Model-card completeness."""

    AREA = "documentation"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "open", "Open model", priority=True, id="docs.open",
                tooltip="Open the highlighted model's page"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.models: list[str] = []

    @property
    def crumb(self) -> str:
        return "documentation"

    def compose_body(self) -> Iterable[Widget]:
        with VerticalScroll(id="fields", classes="page"):
            yield Static(Text("scoring model cards…", style="dim"), id="fields-body")
        yield DataTable(id="worst", cursor_type="row", zebra_stripes=True)

    def on_mount(self) -> None:
        self.set_context("model-card completeness")
        self.busy(self.query_one("#fields"), self.load_report())

    @work(thread=True, exclusive=True, exit_on_error=False, group="report")
    def load_report(self) -> None:
        self.deliver(lambda: self.timed(report, self.store, top=50), ReportLoaded, ReportFailed)

    @on(ReportFailed)
    def _report_failed(self, message: ReportFailed) -> None:
        error = message.error
        if is_not_available(error):
            self.query_one("#fields-body", Static).update(
                Group(safe_text(error_text(error), "bold"), Text(""), Text(WHAT_IT_SHOWS)))
            self.set_context("documentation report: not in this dataset")
        else:
            self.query_one("#fields-body", Static).update(
                safe_text(error_text(error), "bold red"))
            self.report(error, "documentation")
        self.query_one("#worst").display = False

    @on(ReportLoaded)
    def _report_loaded(self, message: ReportLoaded) -> None:
        self._show_report(message.result)

    def _show_report(self, report: CardsReport) -> None:
        fields = [f for f in report.fields if f.assessed]
        chart = bar_chart(
            ((f.label, f.missing, severity_style(f.severity)) for f in fields),
            width=max(8, min(28, self.size.width - 62)),
            extra={f.label: Text(f"{pct(f.share)}" + (
                f" (paper {pct(f.paper_share)})" if f.paper_share is not None else ""),
                style="dim") for f in fields})
        unassessed = [f.label for f in report.fields if not f.assessed]
        parts: list[RenderableType] = [
            Text(f"cards missing each field (share, and the PeaTMOSS paper's), of "
                 f"{report.assessed:,} assessed models "
                 f"({report.not_assessed:,} have no card data)", style="bold"),
            Text(f"card data: {report.from_peatmoss:,} from the PeaTMOSS extraction, "
                 f"{report.from_readme:,} from crawled READMEs (a README, being newer, wins)",
                 style="dim"), chart]
        if unassessed:
            parts.append(Text("not recorded anywhere in this dataset: " + ", ".join(unassessed),
                              style="italic dim"))
        self.query_one("#fields-body", Static).update(Group(*parts))
        table = self.query_one("#worst", DataTable)
        table.clear(columns=True)
        # The short numbers first, the sort key (risk) leading: a long model id would otherwise
        # push them past the right edge at 80 columns, leaving an order nothing on screen explains.
        table.add_columns("risk", "projects", "card", "model", "missing critical fields",
                          "source")
        self.models = []
        for m in report.riskiest:
            self.models.append(m.model)
            table.add_row(Text(num(m.risk), justify="right"),
                          Text(num(m.reuse_count), justify="right"),
                          Text(pct(m.completeness, fraction=False)),
                          safe_text(m.model, newlines=False),
                          safe_text(listing([label(k) for k in m.missing_critical], "none"),
                                    newlines=False),
                          safe_text(m.source, newlines=False), key=f"model:{m.model}")
        self.set_context(f"{len(self.models):,} of the most reused, riskiest first: "
                         "risk = reuse × missing critical fields")

    def action_open(self) -> None:
        table = self.query_one("#worst", DataTable)
        if table.row_count and table.display:
            self.ptmx.open_model(self.models[table.cursor_row])

    @on(DataTable.RowSelected, "#worst")
    def _selected(self, event: DataTable.RowSelected) -> None:
        self.ptmx.open_model(str(event.row_key.value).partition(":")[2])
