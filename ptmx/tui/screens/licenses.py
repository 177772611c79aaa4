"""The licenses screen: the audit summary by verdict, the flow of license families (a text bar
chart), and the findings; Enter on a finding opens its project (or derived model), ``m`` its
model."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, ClassVar

from rich.console import Group
from rich.table import Table
from rich.text import Text
from textual import on, work
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.widget import Widget
from textual.widgets import DataTable, Static, TabbedContent, TabPane

from ptmx.tui import capabilities as caps
from ptmx.tui.format import VERDICT_STYLES, pct, text
from ptmx.tui.screens.base import PtmxScreen, error_text, is_not_available
from ptmx.tui.screens.model import verdict_cell

FINDINGS_SHOWN = 2000  # worst first; the CLI (`ptmx licenses check`) lists them all
WHAT_IT_SHOWS = (
    "The license audit checks every model → project link in the dataset: for each it gives a "
    "verdict (ok, ok with obligations, use-constrained, drift, conflict, unknown) explained by "
    "the clause that drives it, summarises them, shows how license families flow from models "
    "to projects, and lists the findings."
)


def bar_chart(rows: Iterable[tuple[str, int, str]], width: int = 28,
              extra: dict[str, Text] | None = None) -> Table:
    """label  ████████  1,234 — one bar per (label, count, style), scaled to the largest."""
    rows = list(rows)
    top = max((n for _, n, _ in rows), default=0) or 1
    table = Table.grid(padding=(0, 1))
    table.add_column(no_wrap=True, overflow="ellipsis", max_width=42)
    table.add_column(no_wrap=True)
    table.add_column(justify="right", no_wrap=True)
    table.add_column(overflow="fold")
    for label, n, style in rows:
        bar = "█" * max(1, round(n / top * width)) if n else ""
        table.add_row(Text(label, style=style), Text(bar, style=style or "cyan"), f"{n:,}",
                      (extra or {}).get(label, ""))
    return table


class LicensesScreen(PtmxScreen):
    """Dataset-wide license audit."""

    AREA = "licenses"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "open", "Open", priority=True, id="licenses.open",
                tooltip="Open the highlighted finding's project (or derived model)"),
        Binding("m", "open('model')", "Model", id="licenses.open-model",
                tooltip="Open the highlighted finding's (upstream) model"),
        Binding("1", "tab('summary')", "Summary", show=False, id="licenses.tab-summary"),
        Binding("2", "tab('flow')", "Flow", show=False, id="licenses.tab-flow"),
        Binding("3", "tab('findings')", "Findings", show=False, id="licenses.tab-findings"),
    ]
    HELP_EXTRA: ClassVar[list[tuple[str, str]]] = [("1 / 2 / 3", "summary / flow / findings")]

    def __init__(self) -> None:
        super().__init__()
        self.findings: list[Any] = []

    @property
    def crumb(self) -> str:
        return "licenses"

    def compose_body(self) -> Iterable[Widget]:
        with TabbedContent(id="tabs", initial="summary"):
            with TabPane("summary", id="summary"), VerticalScroll(classes="page"):
                yield Static(Text("running the audit…", style="dim"), id="summary-body")
            with TabPane("family flow", id="flow"), VerticalScroll(classes="page"):
                yield Static("", id="flow-body")
            with TabPane("findings", id="findings"):
                yield DataTable(id="findings-table", cursor_type="row", zebra_stripes=True)
                yield Static("", id="finding", classes="detail")

    def on_mount(self) -> None:
        self.set_context("license audit of every model → project link")
        if self.can_run(caps.license_audit, self.failed_load_audit):
            self.busy(self.query_one("#tabs"), self.load_audit())

    def palette_commands(self) -> list[tuple[str, str, Any]]:
        return [("licenses: findings list", "3", lambda: self.action_tab("findings")),
                ("licenses: family flow", "2", lambda: self.action_tab("flow"))]

    @work(thread=True, exclusive=True, exit_on_error=False, group="audit")
    def load_audit(self) -> tuple[Any, list[Any]]:
        def run() -> tuple[Any, list[Any]]:
            result = caps.license_audit(self.store)
            return result, result.findings()

        return self.timed(run)

    def failed_load_audit(self, error: BaseException) -> None:
        if is_not_available(error):
            body = Group(Text(error_text(error), style="bold"), Text(""), Text(WHAT_IT_SHOWS))
            self.query_one("#summary-body", Static).update(body)
            self.query_one("#flow-body", Static).update(body)
            self.set_context("license audit: not available yet")
        else:
            self.query_one("#summary-body", Static).update(
                Text(error_text(error), style="bold red"))
            self.report(error, "licenses")

    def show_load_audit(self, result: tuple[Any, list[Any]]) -> None:
        audit, findings = result
        self._show_summary(audit)
        self._show_flow(audit.flow)
        self.findings = findings[:FINDINGS_SHOWN]
        table = self.query_one("#findings-table", DataTable)
        table.clear(columns=True)
        half = max(24, (self.size.width - 24) // 2)  # long ids must not hide the other side
        table.add_column("verdict")
        table.add_column("model", width=half)
        table.add_column("→ project / derived model", width=half)
        for i, f in enumerate(self.findings):
            table.add_row(verdict_cell(f.verdict), text(f.model), text(f.project or f.derived),
                          key=str(i))
        shown = (f"{len(findings):,}" if len(findings) <= FINDINGS_SHOWN
                 else f"{FINDINGS_SHOWN:,} of {len(findings):,}")
        self.query_one(TabbedContent).get_tab("findings").label = f"findings ({shown})"
        self.set_context(f"{audit.links:,} links and {audit.edges:,} lineage edges judged · "
                         f"{len(findings):,} findings")
        self._explain()

    def _show_summary(self, audit: Any) -> None:
        links = [(r["verdict"], r["links"], VERDICT_STYLES.get(r["verdict"], ""))
                 for r in audit.summary if r["links"]]
        shares = {r["verdict"]: Text(pct(r["share_of_links"]), style="dim")
                  for r in audit.summary}
        edges = [(r["verdict"], r["edges"], VERDICT_STYLES.get(r["verdict"], ""))
                 for r in audit.summary if r["edges"]]
        parts: list[Any] = [Text(f"verdicts over {audit.links:,} model → project links",
                                 style="bold"), bar_chart(links, extra=shares)]
        if edges:
            parts += [Text(""), Text(f"verdicts over {audit.edges:,} base → derived edges",
                                     style="bold"), bar_chart(edges)]
        parts += [Text(""), Text(f"undecided (unknown or ambiguous): "
                                 f"{pct(audit.undecided_share)} of links", style="dim")]
        self.query_one("#summary-body", Static).update(Group(*parts))

    def _show_flow(self, flow: list[dict[str, Any]]) -> None:
        parts: list[Any] = []
        for relation, title in (("link", "license family of the model → of the project"),
                                ("edge", "family of the base model → of the derived model")):
            rows = [r for r in flow if r["relation"] == relation]
            if not rows:
                continue
            breakdown = {
                f"{r['upstream_family']} → {r['downstream_family']}": Text(" · ").join(
                    Text(f"{v} {n:,}", style=VERDICT_STYLES.get(v, ""))
                    for v, n in r["verdicts"].items())
                for r in rows}
            parts += [Text(title, style="bold"), bar_chart(
                ((f"{r['upstream_family']} → {r['downstream_family']}", r["count"], "")
                 for r in rows), width=max(6, min(28, self.size.width - 80)),
                extra=breakdown), Text("")]
        self.query_one("#flow-body", Static).update(
            Group(*parts) if parts else Text("no links to show", style="dim"))

    @on(DataTable.RowHighlighted, "#findings-table")
    def _explain(self, _event: Any = None) -> None:
        table = self.query_one("#findings-table", DataTable)
        if not table.row_count:
            return
        f = self.findings[table.cursor_row]
        self.query_one("#finding", Static).update(Group(
            Text.assemble((f.verdict, VERDICT_STYLES.get(f.verdict, "")),
                          f" · {text(f.upstream)} → {text(f.downstream)} ({f.activity}): "
                          f"{f.reason}"),
            Text(f"fix: {f.fix}", style="italic")))

    def action_tab(self, tab: str) -> None:
        self.query_one(TabbedContent).active = tab

    def action_open(self, what: str = "") -> None:
        table = self.query_one("#findings-table", DataTable)
        if not table.row_count or self.query_one(TabbedContent).active != "findings":
            return
        self._open(table.cursor_row, what)

    @on(DataTable.RowSelected, "#findings-table")
    def _selected(self, event: DataTable.RowSelected) -> None:
        self._open(int(str(event.row_key.value)), "")

    def _open(self, index: int, what: str) -> None:
        f = self.findings[index]
        if what == "model" and f.model:
            self.ptmx.open_model(f.model)
        elif f.project:
            self.ptmx.open_project(f.project)
        elif f.derived:
            self.ptmx.open_model(f.derived)
