"""The project page: the models a GitHub project reuses (license and verdict of each, judged on
the model's effective terms: its licence and its bases') and the project's own licenses."""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any, ClassVar

from rich.console import Group
from rich.text import Text
from textual import on, work
from textual.binding import Binding, BindingType
from textual.widget import Widget
from textual.widgets import DataTable, Static

from ptmx.licenses import AuditRecord
from ptmx.render.renderables import kv_table, verdict_cell
from ptmx.render.safe import safe_text
from ptmx.render.styles import verdict_style
from ptmx.render.values import listing, num, plural, text
from ptmx.safetext import visible
from ptmx.store import ProjectPage, project_page
from ptmx.tui.audit_cache import link_verdicts
from ptmx.tui.messages import (
    ProjectPageFailed,
    ProjectPageLoaded,
    VerdictsFailed,
    VerdictsLoaded,
)
from ptmx.tui.screens.base import PtmxScreen, error_text, is_not_available


def project_licenses(page: ProjectPage) -> str:
    """The project's own licenses, saying plainly when it was never scanned or had none."""
    if page.licenses is None:
        return "not scanned"
    if not page.licenses:
        return "scanned: no license found"
    return listing(page.licenses)


class ProjectScreen(PtmxScreen):
    """One reusing project's page."""

    AREA = "project page"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "open", "Open model", priority=True, id="project.open",
                tooltip="Open the highlighted model's page"),
        Binding("g", "graph", "Graph", id="project.graph",
                tooltip="This project's neighbourhood"),
    ]

    def __init__(self, ref: str) -> None:
        super().__init__()
        self.ref = ref
        self.page: ProjectPage | None = None
        self.verdicts: dict[str, AuditRecord] = {}

    @property
    def crumb(self) -> str:
        return self.page.project if self.page else self.ref

    def compose_body(self) -> Iterable[Widget]:
        yield Static("", id="head", classes="head")
        yield DataTable(id="models", cursor_type="row", zebra_stripes=True)
        yield Static("", id="verdicts", classes="detail")

    def on_mount(self) -> None:
        self.set_context(f"loading {self.ref}…")
        self.busy(self.query_one("#models"), self.load_page(self.ref))

    def palette_commands(self) -> list[tuple[str, str, Any]]:
        return [(f"project: graph of {visible(self.crumb, newlines=False)}", "g",
                 self.action_graph),
                ("project: copy owner/name", "y", self.action_copy)]

    @work(thread=True, exclusive=True, exit_on_error=False, group="page")
    def load_page(self, ref: str) -> None:
        self.deliver(lambda: self.timed(project_page, self.store, ref), ProjectPageLoaded,
                     ProjectPageFailed)

    @on(ProjectPageFailed)
    def _page_failed(self, message: ProjectPageFailed) -> None:
        self.query_one("#head", Static).update(safe_text(error_text(message.error), "bold red"))
        self.set_context(f"cannot open {self.ref}")
        self.report(message.error, "project")

    @on(ProjectPageLoaded)
    def _page_loaded(self, message: ProjectPageLoaded) -> None:
        page = self.page = message.result
        self.on_screen_resume()
        head = kv_table([
            ("url", text(page.url)),
            ("licenses", project_licenses(page)),
            ("license source", text(page.license_source)),
            ("reuses", plural(len(page.models), "model")),
        ])
        self.query_one("#head", Static).update(Group(safe_text(page.project, "bold"), head))
        self._fill(page)
        self.set_context(f"{page.project} · {plural(len(page.models), 'model')}")
        self.query_one("#models", DataTable).focus()
        self.load_verdicts(page.id)

    def _fill(self, page: ProjectPage, verdicts: dict[str, AuditRecord] | None = None) -> None:
        table = self.query_one("#models", DataTable)
        table.clear(columns=True)
        if verdicts is not None:  # first: a long model id must not push it off-screen
            table.add_column("verdict")
        table.add_column("model")
        table.add_column("license")
        table.add_column("downloads")
        table.add_column("projects")
        no_files = "reuse_file" in page.missing_tables
        if not no_files:
            table.add_column("files")
        for m in page.models:
            cells: list[Text] = [safe_text(m["model"], newlines=False),
                                 safe_text(text(m.get("license")), newlines=False)]
            if verdicts is not None:
                cells.insert(0, _verdict_cell(verdicts.get(m["model"])))
            cells += [Text(num(m.get("downloads")), justify="right"),
                      Text(num(m.get("reuse_count")), justify="right")]
            if not no_files:
                cells.append(safe_text(listing(m.get("files") or []), newlines=False))
            table.add_row(*cells, key=m["model"])

    @work(thread=True, exclusive=True, exit_on_error=False, group="verdicts")
    def load_verdicts(self, project_id: int) -> None:
        self.deliver(lambda: self.timed(link_verdicts, self.store, project_id=project_id),
                     VerdictsLoaded, VerdictsFailed)

    @on(VerdictsLoaded)
    def _verdicts_loaded(self, message: VerdictsLoaded) -> None:
        self.verdicts = {r.model: r for r in message.result if r.model is not None}
        if self.page is not None:
            self._fill(self.page, self.verdicts)
        self._explain()

    @on(DataTable.RowHighlighted, "#models")
    def _explain(self, _event: Any = None) -> None:
        """Why the highlighted model's link has its verdict, and what to do about it."""
        table = self.query_one("#models", DataTable)
        if not table.row_count or not self.verdicts:
            return
        model = str(table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value)
        record = self.verdicts.get(model)
        if record is None:
            return
        self.query_one("#verdicts", Static).update(Group(
            Text.assemble(safe_text(record.verdict, verdict_style(record.verdict)),
                          safe_text(f" ({record.activity}): {record.reason}")),
            *_chain_lines(record),
            safe_text(f"fix: {record.fix}", "italic") if record.fix else Text("")))

    @on(VerdictsFailed)
    def _verdicts_failed(self, message: VerdictsFailed) -> None:
        style = "italic dim" if is_not_available(message.error) else "red"
        self.query_one("#verdicts", Static).update(
            safe_text("verdicts: " + error_text(message.error), style))

    def action_open(self) -> None:
        table = self.query_one("#models", DataTable)
        if table.row_count:
            key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key
            self.ptmx.open_model(str(key.value))

    @on(DataTable.RowSelected, "#models")
    def _selected(self, event: DataTable.RowSelected) -> None:
        self.ptmx.open_model(str(event.row_key.value))

    def action_graph(self) -> None:
        self.ptmx.open_graph(self.page.project if self.page else self.ref, "project")

    def page_id(self) -> str | None:
        return self.page.project if self.page else self.ref

    def action_copy(self) -> None:
        """Copy owner/name (the palette's command; ``y`` copies a highlighted row's id)."""
        self._copy(self.page_id() or self.ref, "id")


def _verdict_cell(record: AuditRecord | None) -> Text:
    """The link's verdict, saying which ancestor's terms decided it when one did."""
    if record is None:
        return verdict_cell(None)
    cell = verdict_cell(record.verdict)
    if record.inherited_from:
        cell.append_text(safe_text(f" (inherited from {record.inherited_from})", newlines=False))
    return cell


def _chain_lines(record: AuditRecord) -> list[Text]:
    """The model's chain in one line (the panel is a few lines high): each ancestor with its
    licence, or why its terms are unknown; the reason above says which one decided."""
    if not record.chain:
        return []
    parts = []
    for a in json.loads(record.chain):
        gap = a.get("gap")
        what = ("cycle" if gap and gap.startswith("cycle") else "terms unknown") if gap else \
            a.get("license")
        parts.append(f"{a.get('model')} ({what})")
    return [Text.assemble(Text("base chain: ", style="bold"),
                          safe_text(" · ".join(parts), newlines=False))]
