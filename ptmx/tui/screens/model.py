"""The model page: what the dataset says about one model, in four tabs.

Overview (metadata, licenses with the verdicts of its downstream links, tags, datasets, papers),
Projects (who reuses it, and in which files), Lineage (base models ↑ and derived models ↓), Card
(completeness and what is missing). ``h`` looks the model up live on the hub.
"""

from __future__ import annotations

from collections import Counter
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

from ptmx.store import ModelPage, model_page
from ptmx.tui import capabilities as caps
from ptmx.tui.format import (
    NONE,
    VERDICT_STYLES,
    listing,
    num,
    plural,
    text,
    verdict_order,
)
from ptmx.tui.screens.base import PtmxScreen, error_text, is_not_available

HUB_HELP = ("h looks this model up live on the Hugging Face Hub: its current license, "
            "downloads, likes and files, and what changed since the PeaTMOSS snapshot.")


def kv_table(rows: Iterable[tuple[str, Any]]) -> Table:
    """A two-column 'label  value' table."""
    table = Table.grid(padding=(0, 2))
    table.add_column(style="bold", no_wrap=True)
    table.add_column(ratio=1, overflow="fold")
    for label, value in rows:
        table.add_row(label, value if isinstance(value, Text) else Text(str(value)))
    return table


def verdict_cell(verdict: str | None) -> Text:
    """A verdict, coloured by how bad it is."""
    return Text(verdict or NONE, style=VERDICT_STYLES.get(verdict or "", ""))


def verdict_summary(records: list[dict[str, Any]], what: str) -> Text:
    """'links to projects: ok 1,699 · ok-with-obligations 5' (coloured), or '' when none."""
    if not records:
        return Text("")
    counts = Counter(r["verdict"] for r in records)
    line = Text(f"{what}: ")
    for i, verdict in enumerate(sorted(counts, key=verdict_order)):
        if i:
            line.append(" · ")
        line.append(f"{verdict} {counts[verdict]:,}", style=VERDICT_STYLES.get(verdict, ""))
    return line


def worst_reasons(records: list[dict[str, Any]], n: int = 3) -> list[Text]:
    """The ``n`` most frequent (verdict, reason) pairs among the non-ok records, worst first."""
    bad = Counter((r["verdict"], r["reason"]) for r in records
                  if r["verdict"] not in ("ok", "ok-with-obligations"))
    ranked = sorted(bad.items(), key=lambda kv: (-verdict_order(kv[0][0]), -kv[1]))[:n]
    return [Text.assemble((f"{verdict} ×{count:,}: ", VERDICT_STYLES.get(verdict, "")), reason)
            for (verdict, reason), count in ranked]


def hub_renderable(result: Any) -> Group:
    """A HubLookup: status, then the drift table (snapshot vs live), then warnings."""
    status = getattr(result, "status", "?")
    source = getattr(result, "source", "")
    parts: list[Any] = [Text(f"live on the hub: {status}" + (f" (from {source})" if source
                                                              else ""), style="bold")]
    if getattr(result, "message", None):
        hint = getattr(result, "hint", None)
        parts.append(Text(result.message + (f" (hint: {hint})" if hint else "")))
    drift = getattr(result, "drift", None)
    if drift is not None:
        table = Table(box=None, padding=(0, 1), expand=True)
        for column in ("field", "snapshot", "live", "change"):
            table.add_column(column, overflow="fold")
        for row in drift.rows:
            style = "" if row.change in ("same", "unknown") else "bold"
            detail = f"{row.change}" + (f": {row.detail}" if row.detail else "")
            table.add_row(row.field, text(row.snapshot), text(row.live), detail, style=style)
        parts.append(table)
        parts.extend(Text(note, style="italic") for note in drift.notes)
    elif getattr(result, "info", None) is not None:
        info = result.info.to_dict() if hasattr(result.info, "to_dict") else {}
        parts.append(kv_table((k, text(v)) for k, v in info.items()
                              if not isinstance(v, list | dict)))
    parts.extend(Text("warning: " + w, style="yellow") for w in getattr(result, "warnings", []))
    return Group(*parts)


class ModelScreen(PtmxScreen):
    """One model's page."""

    AREA = "model page"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "open", "Open", priority=True, id="model.open",
                tooltip="Open the highlighted project or model"),
        Binding("g", "graph", "Graph", id="model.graph", tooltip="This model's neighbourhood"),
        Binding("h", "hub", "Hub", id="model.hub", tooltip="Look the model up live on the hub"),
        Binding("y", "copy", "Copy id", show=False, id="model.copy",
                tooltip="Copy the model id to the clipboard"),
        Binding("1", "tab('overview')", "Overview", show=False, id="model.tab-overview"),
        Binding("2", "tab('projects')", "Projects", show=False, id="model.tab-projects"),
        Binding("3", "tab('lineage')", "Lineage", show=False, id="model.tab-lineage"),
        Binding("4", "tab('card')", "Card", show=False, id="model.tab-card"),
        Binding("5", "tab('hub-tab')", "Hub tab", show=False, id="model.tab-hub"),
    ]
    HELP_EXTRA: ClassVar[list[tuple[str, str]]] = [
        ("←/→ on tabs", "switch tab (or 1–5)"),
        ("tab", "move focus between the tabs and the table"),
    ]

    def __init__(self, ref: str) -> None:
        super().__init__()
        self.ref = ref
        self.page: ModelPage | None = None

    @property
    def crumb(self) -> str:
        return self.page.model if self.page else self.ref

    def compose_body(self) -> Iterable[Widget]:
        with TabbedContent(id="tabs", initial="overview"):
            with TabPane("overview", id="overview"), VerticalScroll(classes="page"):
                yield Static("", id="head")
                yield Static("", id="verdicts", classes="section")
                yield Static("", id="lists", classes="section")
            with TabPane("projects", id="projects"):
                yield Static("", id="projects-note", classes="note", markup=False)
                yield DataTable(id="project-table", cursor_type="row", zebra_stripes=True)
            with TabPane("lineage", id="lineage"):
                yield Static("", id="lineage-note", markup=False)
                yield DataTable(id="lineage-table", cursor_type="row")
            with TabPane("card", id="card"), VerticalScroll(classes="page"):
                yield Static("", id="card-score")
                yield Static("", id="card-fields", classes="section")
            with TabPane("hub", id="hub-tab"), VerticalScroll(classes="page"):
                yield Static("press h: " + HUB_HELP, id="hub", markup=False)

    def on_mount(self) -> None:
        self.set_context(f"loading {self.ref}…")
        self.busy(self.query_one("#tabs"), self.load_page(self.ref))

    def palette_commands(self) -> list[tuple[str, str, Any]]:
        return [
            (f"model: graph of {self.crumb}", "g", self.action_graph),
            (f"model: look up {self.crumb} on the hub", "h", self.action_hub),
            ("model: copy the model id", "y", self.action_copy),
        ]

    # -- loading --------------------------------------------------------------------------
    @work(thread=True, exclusive=True, exit_on_error=False, group="page")
    def load_page(self, ref: str) -> ModelPage:
        return self.timed(model_page, self.store, ref)

    def failed_load_page(self, error: BaseException) -> None:
        self.query_one("#head", Static).update(Text(error_text(error), style="bold red"))
        self.set_context(f"cannot open {self.ref}")
        self.report(error, "model")

    def show_load_page(self, page: ModelPage) -> None:
        with self.app.batch_update():
            self._show_page(page)

    def _show_page(self, page: ModelPage) -> None:
        self.page = page
        self.on_screen_resume()  # the crumb now holds the canonical id
        self._fill_overview(page)
        self._fill_projects(page)
        self._fill_lineage(page)
        self.set_context(f"{page.model} · {plural(page.reuse_count, 'project')} reuse it")
        if self.can_run(caps.link_verdicts, self.failed_load_verdicts):
            self.load_verdicts(page.id)
        if self.can_run(caps.card_assessment, self.failed_load_card):
            self.load_card(page.model)

    def _fill_overview(self, page: ModelPage) -> None:
        title = Text(page.model, style="bold")
        head = kv_table([
            ("author", text(page.author)),
            ("hub", f"{text(page.hub)}  {page.repo_url or ''}".strip()),
            ("snapshot sha", text(page.sha)),
            ("downloads", num(page.downloads)),
            ("likes", num(page.likes)),
            ("licenses", listing(page.licenses, "none declared")),
            ("reused by", plural(page.reuse_count, "project")),
            ("base models", listing((b["base_model"] for b in page.base_models), "none known")),
            ("derived", plural(len(page.derived_models), "model")),
        ])
        self.query_one("#head", Static).update(Group(title, head))
        lists = [(attr, listing(getattr(page, attr)))
                 for attr, link in (("tags", "model_to_tag"), ("datasets", "model_to_dataset"),
                                    ("papers", "model_to_paper"),
                                    ("libraries", "model_to_library"),
                                    ("frameworks", "model_to_framework"),
                                    ("architectures", "model_to_architecture"),
                                    ("languages", "model_to_language"))
                 if link not in page.missing_tables]
        parts: list[Any] = [kv_table(lists)] if lists else []
        if page.missing_tables:
            parts.append(Text("not in this dataset (so not shown): " +
                              ", ".join(page.missing_tables), style="italic dim"))
        self.query_one("#lists", Static).update(Group(*parts))
        self.query_one("#verdicts", Static).update(Text("license verdicts: loading…",
                                                        style="dim"))
        tabs = self.query_one(TabbedContent)
        tabs.get_tab("projects").label = f"projects ({page.reuse_count:,})"
        lineage = len(page.base_models) + len(page.derived_models)
        tabs.get_tab("lineage").label = f"lineage ({lineage})"

    def _fill_projects(self, page: ModelPage, verdicts: dict[str, str] | None = None) -> None:
        table = self.query_one("#project-table", DataTable)
        table.clear(columns=True)
        with_files = self.store.has("reuse_file")
        if verdicts is not None:  # first: a long project name must not push it off-screen
            table.add_column("verdict", key="verdict")
        table.add_column("project", key="project")
        if with_files:
            table.add_column("files where it is used", key="files")
        self.query_one("#projects-note", Static).update(
            "" if with_files else "the files where each project uses the model are not in "
            "this dataset (table reuse_file)")
        for project in page.projects:
            cells: list[Any] = [project["project"]]
            if verdicts is not None:
                cells.insert(0, verdict_cell(verdicts.get(project["project"])))
            if with_files:
                cells.append(listing(project.get("files") or []))
            table.add_row(*cells, key="project:" + project["project"])

    def _fill_lineage(self, page: ModelPage) -> None:
        table = self.query_one("#lineage-table", DataTable)
        table.clear(columns=True)
        table.add_columns("", "model", "relation", "in dataset", "source")
        for base in page.base_models:
            table.add_row("↑ base", base["base_model"], text(base.get("relation")),
                          "yes" if base.get("in_dataset") else "no", text(base.get("source")),
                          key="base:" + base["base_model"])
        for derived in page.derived_models:
            table.add_row("↓ derived", derived["model"], text(derived.get("relation")), "yes",
                          text(derived.get("source")), key="derived:" + derived["model"])
        note = ("no base or derived model known for this model"
                if not (page.base_models or page.derived_models)
                else "enter opens a model that is in the dataset")
        self.query_one("#lineage-note", Static).update(note)

    @work(thread=True, exclusive=True, exit_on_error=False, group="verdicts")
    def load_verdicts(self, model_id: int) -> list[dict[str, Any]]:
        return self.timed(caps.link_verdicts, self.store, model_id=model_id)

    def show_load_verdicts(self, records: list[dict[str, Any]]) -> None:
        links = [r for r in records if r["kind"] == "link"]
        edges = [r for r in records if r["kind"] == "edge"]
        lines = [verdict_summary(links, "links to projects"),
                 verdict_summary(edges, "lineage edges"), *worst_reasons(links + edges)]
        self.query_one("#verdicts", Static).update(Group(
            Text("license verdicts", style="bold"),
            *([line for line in lines if line.plain] or [Text("no links or lineage edges")])))
        if self.page is not None:
            self._fill_projects(self.page, {r["project"]: r["verdict"] for r in links})

    def failed_load_verdicts(self, error: BaseException) -> None:
        style = "italic dim" if is_not_available(error) else "red"
        self.query_one("#verdicts", Static).update(
            Text("license verdicts: " + error_text(error), style=style))

    @work(thread=True, exclusive=True, exit_on_error=False, group="card")
    def load_card(self, model: str) -> Any:
        return self.timed(caps.card_assessment, self.store, model)

    def show_load_card(self, result: Any) -> None:
        score = self.query_one("#card-score", Static)
        tab = self.query_one(TabbedContent).get_tab("card")
        if not result.assessed:
            score.update(Group(Text("card completeness: not assessed", style="bold"),
                               Text("; ".join(result.notes) or "this dataset has no card data "
                                    "for this model", style="italic")))
            tab.label = "card (n/a)"
        else:
            missing = Table.grid(padding=(0, 2))
            missing.add_column(no_wrap=True)
            missing.add_column(style="dim")
            for rule in result.missing():
                missing.add_row(rule.label, rule.severity)
            parts: list[Any] = [
                Text(f"card completeness: {result.completeness:.0f}%", style="bold"),
                Text(f"source: {text(result.source)}", style="dim"),
                Text("missing:" if result.missing() else "missing: nothing"), missing]
            parts += [Text(f"{f.kind}: {f.message}", style="yellow") for f in result.findings]
            score.update(Group(*parts))
            tab.label = f"card ({result.completeness:.0f}%)"
        self._show_card_fields()

    def failed_load_card(self, error: BaseException) -> None:
        style = "italic dim" if is_not_available(error) else "red"
        self.query_one("#card-score", Static).update(
            Text("card completeness: " + error_text(error), style=style))
        self._show_card_fields()

    def _show_card_fields(self) -> None:
        card = self.page.card if self.page else None
        if not card:
            body: Any = Text("no model card metadata for this model in the dataset",
                             style="italic")
        else:
            body = kv_table((k, text(v)) for k, v in card.items()
                            if v not in (None, "", [], {}) and k != "model")
        self.query_one("#card-fields", Static).update(body)

    # -- actions --------------------------------------------------------------------------
    def action_tab(self, tab: str) -> None:
        self.query_one(TabbedContent).active = tab

    def action_open(self) -> None:
        tabs = self.query_one(TabbedContent)
        if tabs.active == "projects":
            self._open_row(self.query_one("#project-table", DataTable))
        elif tabs.active == "lineage":
            self._open_row(self.query_one("#lineage-table", DataTable))

    @on(DataTable.RowSelected)
    def _row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self._open_key(str(event.row_key.value))

    def _open_row(self, table: DataTable) -> None:
        if table.row_count:
            key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key
            self._open_key(str(key.value))

    def _open_key(self, key: str) -> None:
        kind, _, ref = key.partition(":")
        if kind == "derived":
            self.ptmx.open_model(ref)
        elif kind == "base":
            if self._base_in_dataset(ref):
                self.ptmx.open_model(ref)
            else:
                self.notify(f"{ref} is not in this dataset", severity="warning", markup=False)
        elif kind == "project":
            self.ptmx.open_project(ref)

    def _base_in_dataset(self, ref: str) -> bool:
        page = self.page
        return bool(page and any(b["base_model"] == ref and b.get("in_dataset")
                                 for b in page.base_models))

    def action_graph(self) -> None:
        self.ptmx.open_graph(self.page.model if self.page else self.ref, "model")

    def action_copy(self) -> None:
        model = self.page.model if self.page else self.ref
        self.app.copy_to_clipboard(model)
        self.notify(f"copied {model}", markup=False)

    def action_hub(self) -> None:
        if caps.missing(caps.hub_lookup):
            self.query_one("#hub", Static).update(
                Text(HUB_HELP + "\nNot available yet: the hub client (ptmx.hub) is not in "
                     "this build.", style="italic"))
            self.action_tab("hub-tab")
            self.notify("live hub lookup is not available yet; " + HUB_HELP,
                        title="hub", severity="warning", markup=False)
            return
        model = self.page.model if self.page else self.ref
        self.action_tab("hub-tab")
        self.query_one("#hub", Static).update(Text(f"looking up {model} on the hub…"))
        self.busy(self.query_one("#hub"), self.load_hub(model))

    @work(thread=True, exclusive=True, exit_on_error=False, group="hub")
    def load_hub(self, model: str) -> Any:
        return self.timed(caps.hub_lookup, self.store, model, self.ptmx.hub)

    def show_load_hub(self, result: Any) -> None:
        self.query_one("#hub", Static).update(hub_renderable(result))

    def failed_load_hub(self, error: BaseException) -> None:
        self.query_one("#hub", Static).update(Text("hub: " + error_text(error), style="red"))
        self.report(error, "hub")
