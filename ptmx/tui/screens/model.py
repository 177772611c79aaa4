"""The model page: what the dataset says about one model, in four tabs.

Overview (metadata, licenses with the verdicts of its downstream links and the licences it
inherits from its base models, tags, datasets, papers), Projects (who reuses it, the verdict of
each link on the model's effective terms, and in which files), Lineage (base models ↑ and
derived models ↓), Card (completeness and what is missing). ``h`` looks the model up live on the hub.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, ClassVar

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text
from textual import on, work
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.widget import Widget
from textual.widgets import DataTable, Static, TabbedContent, TabPane

from ptmx.cards import CardAssessment, completeness
from ptmx.cards.readme import assess_by_source
from ptmx.hub import HubLookup, lookup_with_drift
from ptmx.licenses import Chain, Verdict, imposes, lineage, verdict_for
from ptmx.render.renderables import (
    hub_renderable,
    kv_table,
    verdict_cell,
    verdict_summary,
    worst_reasons,
)
from ptmx.render.safe import safe_text
from ptmx.render.values import listing, num, plural, text
from ptmx.safetext import visible
from ptmx.store import ModelPage, Store, model_page
from ptmx.tui.audit_cache import link_verdicts
from ptmx.tui.messages import (
    CardAssessed,
    CardFailed,
    HubAnswered,
    HubFailed,
    ModelPageFailed,
    ModelPageLoaded,
    VerdictsFailed,
    VerdictsLoaded,
)
from ptmx.tui.screens.base import PtmxScreen, error_text, is_not_available

HUB_HELP = ("h looks this model up live on the Hugging Face Hub: its current license, "
            "downloads, likes and files, and what changed since the PeaTMOSS snapshot.")


class ModelScreen(PtmxScreen):
    """One model's page."""

    AREA = "model page"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "open", "Open", priority=True, id="model.open",
                tooltip="Open the highlighted project or model"),
        Binding("g", "graph", "Graph", id="model.graph", tooltip="This model's neighbourhood"),
        Binding("h", "hub", "Hub", id="model.hub", tooltip="Look the model up live on the hub"),
        Binding("r", "hub(True)", "Refresh hub", show=False, id="model.hub-refresh",
                tooltip="Look the model up on the hub again, bypassing the cache"),
        Binding("s", "sort_projects", "Sort", show=False, id="model.sort",
                tooltip="Projects tab: sort by the next column (verdict, project, licence)"),
        Binding("v", "filter_verdict", "Verdict", show=False, id="model.verdict",
                tooltip="Projects tab: show only one verdict (again: the next; then all)"),
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
        # project → (verdict, project licence, the ancestor whose terms decided or None)
        self.links: dict[str, tuple[str, str | None, str | None]] = {}
        self.sort_by = "verdict"
        self.verdict_filter: str | None = None

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
        crumb = visible(self.crumb, newlines=False)
        return [
            (f"model: graph of {crumb}", "g", self.action_graph),
            (f"model: look up {crumb} on the hub", "h", self.action_hub),
            ("model: copy the model id", "y", self.action_copy),
        ]

    # -- loading --------------------------------------------------------------------------
    @work(thread=True, exclusive=True, exit_on_error=False, group="page")
    def load_page(self, ref: str) -> None:
        self.deliver(lambda: self.timed(model_page, self.store, ref), ModelPageLoaded,
                     ModelPageFailed)

    @on(ModelPageFailed)
    def _page_failed(self, message: ModelPageFailed) -> None:
        self.query_one("#head", Static).update(safe_text(error_text(message.error), "bold red"))
        self.set_context(f"cannot open {self.ref}")
        self.report(message.error, "model")

    @on(ModelPageLoaded)
    def _page_loaded(self, message: ModelPageLoaded) -> None:
        with self.app.batch_update():
            self._show_page(message.result)

    def _show_page(self, page: ModelPage) -> None:
        self.page = page
        self.on_screen_resume()  # the crumb now holds the canonical id
        self._fill_overview(page)
        self._fill_projects(page)
        self._fill_lineage(page)
        self.set_context(f"{page.model} · {plural(page.reuse_count, 'project')} reuse it")
        self.load_verdicts(page.id)
        self.load_card(page.model)

    def _fill_overview(self, page: ModelPage) -> None:
        title = safe_text(page.model, "bold")
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
        parts: list[RenderableType] = [kv_table(lists)] if lists else []
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

    def _fill_projects(self, page: ModelPage) -> None:
        """The projects tab: verdict and project licence once the audit is in; sorted by
        ``sort_by`` (verdict: worst first) and narrowed to ``verdict_filter``."""
        table = self.query_one("#project-table", DataTable)
        table.clear(columns=True)
        with_files = self.store.has("reuse_file")
        judged = bool(self.links)
        if judged:  # first: a long project name must not push it off-screen
            table.add_column("verdict", key="verdict")
        table.add_column("project", key="project")
        if judged:
            table.add_column("project licence", key="licence")
        if with_files:
            table.add_column("files where it is used", key="files")
        rows = [p for p in page.projects
                if self.verdict_filter is None
                or self.links.get(p["project"], ("", None, None))[0] == self.verdict_filter]
        rows.sort(key=self._project_order)
        for project in rows:
            name = project["project"]
            verdict, licence, inherited = self.links.get(name, (None, None, None))
            cells: list[Text] = [safe_text(name, newlines=False)]
            if judged:
                cells = [inherited_cell(verdict, inherited), *cells,
                         safe_text(text(licence), newlines=False)]
            if with_files:
                cells.append(safe_text(listing(project.get("files") or []), newlines=False))
            table.add_row(*cells, key="project:" + name)
        shown = (f"{len(rows):,} of {len(page.projects):,} projects: verdict "
                 f"{self.verdict_filter} (v: next verdict)" if self.verdict_filter else "")
        order = f"sorted by {self.sort_by}" + (" (worst first)" if self.sort_by == "verdict"
                                               else "")
        note = " · ".join(filter(None, [shown, order + " (s: next column)" if judged else ""]))
        if not with_files:
            note = " · ".join(filter(None, [note, "the files where each project uses the model "
                                                  "are not in this dataset (table reuse_file)"]))
        self.query_one("#projects-note", Static).update(note)

    def _project_order(self, project: dict[str, Any]) -> tuple[Any, ...]:
        name = project["project"]
        verdict, licence, _ = self.links.get(name, (None, None, None))
        rank = -verdict_rank(verdict)
        if self.sort_by == "licence":
            return (text(licence).lower(), name.lower())
        if self.sort_by == "project":
            return (name.lower(),)
        return (rank, name.lower())

    def action_sort_projects(self) -> None:
        order = ("verdict", "project", "licence")
        self.sort_by = order[(order.index(self.sort_by) + 1) % len(order)]
        if self.page is not None:
            self._fill_projects(self.page)

    def action_filter_verdict(self) -> None:
        present = sorted({v for v, _, _ in self.links.values()}, key=lambda v: -verdict_rank(v))
        if not present:
            self.notify("no verdicts yet for this model's projects", severity="warning",
                        markup=False)
            return
        cycle: list[str | None] = [*present, None]
        at = cycle.index(self.verdict_filter) if self.verdict_filter in cycle else -1
        self.verdict_filter = cycle[(at + 1) % len(cycle)]
        if self.page is not None:
            self._fill_projects(self.page)

    def _fill_lineage(self, page: ModelPage) -> None:
        table = self.query_one("#lineage-table", DataTable)
        table.clear(columns=True)
        table.add_columns("", "model", "relation", "in dataset", "source")
        for base in page.base_models:
            table.add_row(*_cells("↑ base", base["base_model"], text(base.get("relation")),
                                  "yes" if base.get("in_dataset") else "no",
                                  text(base.get("source"))),
                          key="base:" + base["base_model"])
        for derived in page.derived_models:
            table.add_row(*_cells("↓ derived", derived["model"], text(derived.get("relation")),
                                  "yes", text(derived.get("source"))),
                          key="derived:" + derived["model"])
        note = ("no base or derived model known for this model"
                if not (page.base_models or page.derived_models)
                else "enter opens a model that is in the dataset")
        self.query_one("#lineage-note", Static).update(note)

    @work(thread=True, exclusive=True, exit_on_error=False, group="verdicts")
    def load_verdicts(self, model_id: int) -> None:
        self.deliver(lambda: self.timed(link_verdicts, self.store, model_id=model_id),
                     VerdictsLoaded, VerdictsFailed)

    @on(VerdictsLoaded)
    def _verdicts_loaded(self, message: VerdictsLoaded) -> None:
        records = message.result
        links = [r for r in records if r.kind == "link"]
        edges = [r for r in records if r.kind == "edge"]
        lines = [verdict_summary((r.verdict for r in links), "links to projects"),
                 verdict_summary((r.verdict for r in edges), "lineage edges"),
                 *worst_reasons((r.verdict, r.reason) for r in links + edges)]
        self.query_one("#verdicts", Static).update(Group(
            Text("license verdicts", style="bold"),  # on effective terms (see docstring)
            *([line for line in lines if line.plain] or [Text("no links or lineage edges")]),
            # the audit behind the records built the lineage already: this is a lookup
            *(inherited_lines(lineage(self.store).chain(self.page.id)) if self.page else [])))
        self.links = {r.project: (r.verdict, r.downstream, r.inherited_from)
                      for r in links if r.project}
        if self.page is not None:
            self._fill_projects(self.page)

    @on(VerdictsFailed)
    def _verdicts_failed(self, message: VerdictsFailed) -> None:
        style = "italic dim" if is_not_available(message.error) else "red"
        self.query_one("#verdicts", Static).update(
            safe_text("license verdicts: " + error_text(message.error), style))

    @work(thread=True, exclusive=True, exit_on_error=False, group="card")
    def load_card(self, model: str) -> None:
        self.deliver(lambda: self.timed(_card_by_source, self.store, model), CardAssessed,
                     CardFailed)

    @on(CardAssessed)
    def _card_assessed(self, message: CardAssessed) -> None:
        result = message.result
        score = self.query_one("#card-score", Static)
        tab = self.query_one(TabbedContent).get_tab("card")
        if not result.assessed:
            score.update(Group(Text("card completeness: not assessed", style="bold"),
                               safe_text("; ".join(result.notes) or "this dataset has no card "
                                         "data for this model", "italic")))
            tab.label = "card (n/a)"
        else:
            missing = Table.grid(padding=(0, 2))
            missing.add_column(no_wrap=True)
            missing.add_column(style="dim")
            for rule in result.missing():
                missing.add_row(safe_text(rule.label), safe_text(rule.severity))
            parts: list[RenderableType] = [
                Text(f"card completeness: {result.completeness:.0f}%", style="bold"),
                safe_text(f"source: {text(result.source)}", "dim"),
                *(safe_text(n, "dim") for n in result.notes if n.startswith("also: ")),
                Text("missing:" if result.missing() else "missing: nothing"), missing]
            parts += [safe_text(f"{f.kind}: {f.message}", "yellow") for f in result.findings]
            score.update(Group(*parts))
            tab.label = f"card ({result.completeness:.0f}%)"
        self._show_card_fields()

    @on(CardFailed)
    def _card_failed(self, message: CardFailed) -> None:
        style = "italic dim" if is_not_available(message.error) else "red"
        self.query_one("#card-score", Static).update(
            safe_text("card completeness: " + error_text(message.error), style))
        self._show_card_fields()

    def _show_card_fields(self) -> None:
        card = self.page.card if self.page else None
        body: RenderableType
        if not card:
            body = Text("no model card metadata for this model in the dataset", style="italic")
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

    def _open_row(self, table: DataTable[Text]) -> None:
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
                self.notify(visible(f"{ref} is not in this dataset"), severity="warning",
                            markup=False)
        elif kind == "project":
            self.ptmx.open_project(ref)

    def _base_in_dataset(self, ref: str) -> bool:
        page = self.page
        return bool(page and any(b["base_model"] == ref and b.get("in_dataset")
                                 for b in page.base_models))

    def action_graph(self) -> None:
        self.ptmx.open_graph(self.page.model if self.page else self.ref, "model")

    def page_id(self) -> str | None:
        return self.page.model if self.page else self.ref

    def action_copy(self) -> None:
        """Copy the model id (the palette's command; ``y`` copies a highlighted row's id)."""
        self._copy(self.page_id() or self.ref, "id")

    def action_hub(self, refresh: bool = False) -> None:
        model = self.page.model if self.page else self.ref
        self.action_tab("hub-tab")
        again = " again (not from the cache)" if refresh else ""
        self.query_one("#hub", Static).update(safe_text(f"looking up {model} on the hub{again}…"))
        self.busy(self.query_one("#hub"), self.load_hub(model, refresh))

    @work(thread=True, exclusive=True, exit_on_error=False, group="hub")
    def load_hub(self, model: str, refresh: bool = False) -> None:
        client = self.ptmx.hub

        def lookup() -> HubLookup:
            # client None: ptmx.hub's own client, from the environment. The engine and the card
            # scorer are passed in: the hub judges drift with them but imports neither.
            return lookup_with_drift(self.store, model, refresh, client=client,
                                     license_judge=verdict_for,
                                     completeness_fn=completeness)

        self.deliver(lambda: self.timed(lookup), HubAnswered, HubFailed)

    @on(HubAnswered)
    def _hub_answered(self, message: HubAnswered) -> None:
        self.query_one("#hub", Static).update(Group(
            hub_renderable(message.result),
            Text("r looks it up again, bypassing the cache", style="dim italic")))

    @on(HubFailed)
    def _hub_failed(self, message: HubFailed) -> None:
        self.query_one("#hub", Static).update(safe_text("hub: " + error_text(message.error),
                                                        "red"))
        self.report(message.error, "hub")


def inherited_cell(verdict: str | None, inherited_from: str | None) -> Text:
    """A link's verdict, saying which ancestor's terms decided it when one did."""
    cell = verdict_cell(verdict)
    if verdict and inherited_from:
        cell.append_text(safe_text(f" (inherited from {inherited_from})", newlines=False))
    return cell


def inherited_lines(chain: Chain) -> list[Text]:
    """The model's chain: the licences it inherits from its bases, with the path to each, or
    why an ancestor's terms are unknown."""
    if not chain.ancestors:
        return []
    out = [Text("inherited terms (base chain)", style="bold")]
    for a in chain.ancestors:
        what = a.gap or ", ".join(imposes(a.license)) or "nothing beyond its licence"
        if a.declared:
            what += f" (tagged {a.declared})"
        if a.source == "hub":
            what += " [Hub base_model tag]"
        out.append(Text.assemble(safe_text(a.license or "—", "bold", newlines=False),
                                 safe_text(f" from {a.via}: {what}", newlines=False)))
    return out


def verdict_rank(verdict: str | None) -> int:
    """How bad a verdict is (Verdict.rank; 0 for none or an unknown word)."""
    try:
        return Verdict(verdict).rank if verdict else 0
    except ValueError:
        return 0


def _cells(*values: str) -> list[Text]:
    """One table row of outside text, each cell inert."""
    return [safe_text(value, newlines=False) for value in values]


def _card_by_source(store: Store, model: str) -> CardAssessment:
    """The card the report uses for ``model`` (a crawled README when there is one, being newer
    than PeaTMOSS's extraction), with the other source's completeness as an ``also:`` note."""
    result, other = assess_by_source(store, model, "all")
    if other is not None:
        done = "not assessed" if other.completeness is None else f"{other.completeness:.0f}%"
        result.notes.append(f"also: {other.source}: completeness {done}")
    return result
