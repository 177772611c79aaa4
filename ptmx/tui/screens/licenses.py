"""The licenses screen: the audit summary by verdict, the flow of license families (a text bar
chart), and the findings; Enter on a finding opens its project (or derived model), ``m`` its
model. The highlighted conflict, drift or use-constrained finding shows its remedy (models of
the dataset doing the same job under acceptable terms, the licence a derived model should
carry), found in a worker so that moving through the list never waits for it."""

from __future__ import annotations

import threading
from collections.abc import Iterable
from typing import Any, ClassVar

from rich.console import Group
from rich.text import Text
from textual import on, work
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.widget import Widget
from textual.widgets import DataTable, Static, TabbedContent, TabPane

from ptmx.licenses import AuditRecord, AuditResult, Remedy, Verdict
from ptmx.licenses.audit import lineage
from ptmx.licenses.remedies import REMEDIED, Remedies
from ptmx.render.renderables import bar_chart, verdict_cell
from ptmx.render.safe import safe_text
from ptmx.render.styles import verdict_style
from ptmx.render.values import pct, text
from ptmx.tui.audit_cache import license_audit
from ptmx.tui.messages import AuditFailed, AuditLoaded, Failed, WorkerMessage
from ptmx.tui.screens.base import PtmxScreen, error_text, is_not_available
from ptmx.tui.sheet import Sheet

FINDING_COLUMNS = ("verdict", "model", "project", "derived", "upstream", "downstream",
                   "activity", "rule", "reason", "fix")
FINDINGS_SHOWN = 2000  # worst first; the CLI (`ptmx licenses check`) lists them all
WHAT_IT_SHOWS = (
    "The license audit checks every model → project link in the dataset: for each it gives a "
    "verdict (ok, ok with obligations, use-constrained, drift, conflict, unknown) explained by "
    "the clause that drives it, summarises them, shows how license families flow from models "
    "to projects, and lists the findings."
)
REMEDY_PANEL = 8  # lines of the finding's detail, its top border included
RemedyKey = tuple[str | None, ...]


def remedy_key(f: AuditRecord) -> RemedyKey:
    """What a finding's remedy depends on (the licence to carry names the project)."""
    return (f.model, f.project, f.derived, f.upstream, f.downstream, f.activity,
            f.inherited_from)


class RemedyFound(WorkerMessage):
    """The remedy of the findings with this key (None: none applies)."""

    def __init__(self, key: RemedyKey, remedy: Remedy | None) -> None:
        super().__init__()
        self.key = key
        self.remedy = remedy


class RemedyFailed(Failed):
    """Remedies could not be found (the error is said in the detail panel)."""


def remedy_lines(f: AuditRecord, remedy: Remedy | None) -> list[Text]:
    """The remedy as lines of the detail panel: the licence to carry, then each alternative with
    its licence and why it qualifies (the job it matches, its verdict, its reuse)."""
    if remedy is None:
        return []
    lines: list[Text] = []
    if remedy.carry:
        c = remedy.carry
        lines.append(safe_text(f"carry: {c['license']} on {text(c.get('for'))} ({c['where']}):",
                               "bold", newlines=False))
        # The card metadata may be several lines (a list of licences, license_name/link).
        lines.extend(safe_text(f"  {line}", newlines=False) for line in str(c["text"]).splitlines())
    if remedy.alternatives:
        verb = "derive from" if f.derived else "use instead"
        lines.append(safe_text(f"{'or ' if lines else ''}{verb} ({remedy.job}):", "bold",
                               newlines=False))
        for a in remedy.alternatives:
            why = (f"reused by {a.reuse_count:,} project{'' if a.reuse_count == 1 else 's'}"
                   if a.source == "dataset"
                   else f"Hub, {a.downloads or 0:,} downloads")
            lines.append(Text.assemble(
                safe_text(f"  {a.model} ({a.license}) ", newlines=False),
                safe_text(a.verdict, verdict_style(a.verdict)),
                safe_text(f" · {why}", "dim", newlines=False)))
    elif not lines:
        lines.append(safe_text(f"no alternative found ({remedy.job or 'no job known'})", "dim",
                               newlines=False))
    return lines


class LicensesScreen(PtmxScreen):
    """Dataset-wide license audit."""

    AREA = "licenses"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "open", "Open", priority=True, id="licenses.open",
                tooltip="Open the highlighted finding's project (or derived model)"),
        Binding("m", "open('model')", "Model", id="licenses.open-model",
                tooltip="Open the highlighted finding's (upstream) model"),
        Binding("v", "filter_verdict", "Verdict", id="licenses.verdict",
                tooltip="Findings: show only one verdict (again: the next; then all)"),
        Binding("1", "tab('summary')", "Summary", show=False, id="licenses.tab-summary"),
        Binding("2", "tab('flow')", "Flow", show=False, id="licenses.tab-flow"),
        Binding("3", "tab('findings')", "Findings", show=False, id="licenses.tab-findings"),
    ]
    HELP_EXTRA: ClassVar[list[tuple[str, str]]] = [("1 / 2 / 3", "summary / flow / findings")]

    def __init__(self) -> None:
        super().__init__()
        self.all_findings: list[AuditRecord] = []
        self.findings: list[AuditRecord] = []  # the rows of the findings table
        self.verdict_filter: str | None = None
        self.total_findings = 0
        self.remedies: dict[RemedyKey, Remedy | None] = {}  # found so far, by remedy_key
        self.remedy_error: str | None = None
        self._finder: Remedies | None = None
        self._finder_lock = threading.Lock()  # remedy workers run in threads

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
        self.busy(self.query_one("#tabs"), self.load_audit())
        # The finding's detail grows by its remedy (a header, three alternatives): set on the
        # widget, since the shared ptmx.tcss (.detail, five lines) outranks a screen's CSS.
        self.query_one("#finding", Static).styles.max_height = REMEDY_PANEL

    def palette_commands(self) -> list[tuple[str, str, Any]]:
        return [("licenses: findings list", "3", lambda: self.action_tab("findings")),
                ("licenses: family flow", "2", lambda: self.action_tab("flow"))]

    @work(thread=True, exclusive=True, exit_on_error=False, group="audit")
    def load_audit(self) -> None:
        def run() -> AuditLoaded:
            result = license_audit(self.store)
            return AuditLoaded(result, result.findings())

        self.deliver(lambda: self.timed(run), lambda loaded: loaded, AuditFailed)

    @on(AuditFailed)
    def _audit_failed(self, message: AuditFailed) -> None:
        error = message.error
        if is_not_available(error):
            body = Group(safe_text(error_text(error), "bold"), Text(""), Text(WHAT_IT_SHOWS))
            self.query_one("#summary-body", Static).update(body)
            self.query_one("#flow-body", Static).update(body)
            self.set_context("license audit: not in this dataset")
        else:
            self.query_one("#summary-body", Static).update(
                safe_text(error_text(error), "bold red"))
            self.report(error, "licenses")

    @on(AuditLoaded)
    def _audit_loaded(self, message: AuditLoaded) -> None:
        audit, findings = message.audit, message.findings
        self._show_summary(audit)
        self._show_flow(audit.flow)
        self.all_findings, self.total_findings = findings, len(findings)
        self._fill_findings()
        self.set_context(f"{audit.links:,} links and {audit.edges:,} lineage edges judged · "
                         f"{len(findings):,} findings")

    def _fill_findings(self) -> None:
        matching = [f for f in self.all_findings
                    if self.verdict_filter is None or f.verdict == self.verdict_filter]
        self.findings = matching[:FINDINGS_SHOWN]
        table = self.query_one("#findings-table", DataTable)
        table.clear(columns=True)
        # Sized to their content (never cut: the table scrolls sideways when it must).
        table.add_columns("verdict", "model", "→ project / derived model")
        for i, f in enumerate(self.findings):
            table.add_row(verdict_cell(f.verdict), safe_text(text(f.model), newlines=False),
                          safe_text(text(f.project or f.derived), newlines=False), key=str(i))
        shown = (f"{len(matching):,}" if len(matching) <= FINDINGS_SHOWN
                 else f"{FINDINGS_SHOWN:,} of {len(matching):,}")
        which = f"{self.verdict_filter} " if self.verdict_filter else ""
        self.query_one(TabbedContent).get_tab("findings").label = f"{which}findings ({shown})"
        self._explain()

    def action_filter_verdict(self) -> None:
        present = sorted({f.verdict for f in self.all_findings},
                         key=lambda v: -Verdict(v).rank)
        cycle: list[str | None] = [*present, None]
        at = cycle.index(self.verdict_filter) if self.verdict_filter in cycle else -1
        self.verdict_filter = cycle[(at + 1) % len(cycle)]
        self.action_tab("findings")
        self._fill_findings()

    def _show_summary(self, audit: AuditResult) -> None:
        links = [(r["verdict"], r["links"], verdict_style(r["verdict"]))
                 for r in audit.summary if r["links"]]
        shares = {r["verdict"]: Text(pct(r["share_of_links"]), style="dim")
                  for r in audit.summary}
        edges = [(r["verdict"], r["edges"], verdict_style(r["verdict"]))
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
                    safe_text(f"{v} {n:,}", verdict_style(v))
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
            self.query_one("#finding", Static).update("")
            return
        f = self.findings[table.cursor_row]
        head = Text.assemble(safe_text(f.verdict, verdict_style(f.verdict)),
                             safe_text(f" · {text(f.upstream)} → {text(f.downstream)} "
                                       f"({f.activity}): {f.reason}"))
        fix = safe_text(f"fix: {f.fix}", "italic")
        if Verdict(f.verdict) not in REMEDIED:
            self.query_one("#finding", Static).update(Group(head, fix))
            return
        # With a remedy the reason and fix take one line each (in full in the sheet, `y`).
        head.no_wrap, head.overflow = True, "ellipsis"
        fix.no_wrap, fix.overflow = True, "ellipsis"
        key = remedy_key(f)
        if key in self.remedies:
            lines = remedy_lines(f, self.remedies[key])
        elif self.remedy_error is not None:
            lines = [safe_text(f"remedy: {self.remedy_error}", "red", newlines=False)]
        else:
            lines = [Text("remedy: finding alternatives…", style="dim")]
            self.find_remedy(f)
        self.query_one("#finding", Static).update(Group(head, fix, *lines))

    @work(thread=True, exclusive=True, exit_on_error=False, group="remedy")
    def find_remedy(self, f: AuditRecord) -> None:
        """The remedy of ``f`` from the dataset only (the TUI never asks the Hub for it)."""
        def run() -> Remedy | None:
            with self._finder_lock:
                if self._finder is None:
                    self._finder = Remedies(self.store, lineage(self.store))
                if f.model_id is not None:
                    self._finder.prepare([f.model_id])
                return self._finder.for_record(f)

        self.deliver(run, lambda remedy: RemedyFound(remedy_key(f), remedy), RemedyFailed)

    @on(RemedyFound)
    def _remedy_found(self, message: RemedyFound) -> None:
        self.remedies[message.key] = message.remedy
        self._explain_if(message.key)

    @on(RemedyFailed)
    def _remedy_failed(self, message: RemedyFailed) -> None:
        self.remedy_error = error_text(message.error)
        self.report(message.error, "remedies")
        self._explain_if(None)

    def _explain_if(self, key: RemedyKey | None) -> None:
        """Show the highlighted finding again when its remedy (``key``; None: any) arrived."""
        table = self.query_one("#findings-table", DataTable)
        if table.row_count and 0 <= table.cursor_row < len(self.findings):
            f = self.findings[table.cursor_row]
            if key is None or remedy_key(f) == key:
                self._explain()

    def sheet(self) -> Sheet | None:
        """The findings, with their full records (rule, reason, fix)."""
        if self.query_one(TabbedContent).active != "findings":
            return None
        table = self.query_one("#findings-table", DataTable)
        records = [[getattr(f, c) for c in FINDING_COLUMNS] for f in self.findings]
        if not records:
            return Sheet("findings", list(FINDING_COLUMNS), lambda: records)
        index = min(table.cursor_row, len(records) - 1)
        f = self.findings[index]
        column = FINDING_COLUMNS.index(("verdict", "model", "project")[
            min(table.cursor_column, 2)]) if table.cursor_column < 3 else 0
        return Sheet("findings", list(FINDING_COLUMNS), lambda: records, records[index],
                     records[index][column], f.model)

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
