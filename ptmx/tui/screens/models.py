"""The first screen: every model, searched as you type, filtered, sorted, one page at a time.

Only the pages in view are fetched (``search_models`` with an offset), so 281k models cost no
more than 2k. Searching is "latest wins" without a fixed debounce: a keystroke starts a search at
once unless one is running, in which case the newest text is searched as soon as it finishes.
So a single key shows its result after one query, and fast typing never queues stale ones.
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from dataclasses import replace
from typing import Any, ClassVar

from textual import on, work
from textual.binding import Binding, BindingType
from textual.widget import Widget
from textual.widgets import Input, Static

from ptmx.hub.dataset_drift import hub_now, hub_tables
from ptmx.render.values import NONE, num, plural, text
from ptmx.safetext import visible
from ptmx.store.lookup import SORTABLE
from ptmx.tui.messages import (
    CountLoaded,
    PagesFailed,
    PagesLoaded,
    ResultsFailed,
    ResultsLoaded,
    ScoresFailed,
    ScoresLoaded,
)
from ptmx.tui.screens.base import PtmxScreen
from ptmx.tui.screens.filters import FilterScreen
from ptmx.tui.search_state import (
    EXPORT_COLUMNS,
    PAGE,
    TEXT_COLUMNS,
    Filters,
    Row,
    SearchParams,
    card_scores,
    fetch_all,
    fetch_count,
    fetch_page,
)
from ptmx.tui.sheet import Sheet
from ptmx.tui.widgets.paged_table import Column, PagedTable


class _Pending:
    """Card completeness still being computed (shown as '…')."""


PENDING = _Pending()
SCORE_DELAY = 0.3  # seconds of quiet before card completeness is computed
CARD_SCORES = True  # show card completeness (tests switch it off: it costs CPU per page)


def card_cell(value: Any) -> str:
    """Completeness 0–100 → '38%'; not assessed → '–'; still computing → '…'."""
    if value is PENDING:
        return "…"
    return NONE if value is None else f"{value:.0f}%"


class ModelsScreen(PtmxScreen):
    """Models table with search-as-you-type, filters and sorting."""

    AREA = "models"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "Clear", id="models.back",
                tooltip="Clear the search (from the table: back to the search box)"),
        Binding("q", "quit", "Quit", show=False, id="models.quit",
                tooltip="Quit ptmx (also ctrl+q anywhere)"),
        Binding("slash", "focus_search", "Search", key_display="/", id="models.search",
                tooltip="Type part of a model id; the table follows as you type"),
        Binding("down", "focus_table", "To table", show=False, id="models.to-table"),
        Binding("enter", "open", "Open", priority=True, id="models.open", tooltip="Open the model's page"),
        Binding("f", "filters", "Filter", id="models.filter",
                tooltip="Filter by license, license family or author"),
        Binding("a", "filter_author", "Author", show=False, id="models.filter-author",
                tooltip="Only models by the author of the highlighted model"),
        Binding("l", "filter_license", "License", show=False, id="models.filter-license",
                tooltip="Only models under the highlighted model's license"),
        Binding("x", "clear_filters", "Clear", show=False, id="models.clear",
                tooltip="Clear search text and filters"),
        Binding("s", "sort", "Sort", id="models.sort",
                tooltip="Sort by the highlighted column (again: reverse); ←/→ pick the column"),
        Binding("g", "graph", "Graph", id="models.graph",
                tooltip="The highlighted model's neighbourhood as a tree"),
    ]
    HELP_EXTRA: ClassVar[list[tuple[str, str]]] = [
        ("typing", "in the search box: filter the models by id as you type"),
        ("enter / ↓", "in the search box: move to the table"),
        ("←/→", "in the table: pick the column that s sorts by"),
        ("click header", "sort by that column (again: reverse)"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.params = SearchParams()
        self.shown: SearchParams | None = None  # params of the rows on screen
        self.shown_at = 0.0  # perf_counter when they arrived (benchmarks read it)
        self._searching = False
        self._dirty = False
        self._open_when_shown = False
        self._hub: bool | None = None

    @property
    def crumb(self) -> str:
        return "models"

    def compose_body(self) -> Iterable[Widget]:
        yield Input(placeholder="search models by id…  (/ to come back here)", id="search",
                    compact=True)
        yield Static("", id="filters", markup=False)
        yield PagedTable(self._columns(), page_size=PAGE, id="models")

    def _columns(self) -> list[Column]:
        columns = [
            Column("model", "model", 24, flex=True, whole=True),
            Column("author", "author", 14, drop=4, fmt=text),
            Column("downloads", "downloads", 11, numeric=True, fmt=num),
            Column("likes", "likes", 6, numeric=True, drop=3, fmt=num),
            Column("license", "license", 14, whole=True, fmt=text),
            Column("reuse_count", "projects", 8, numeric=True, fmt=num),
        ]
        if self._scores:
            columns.append(Column("card", "card", 5, numeric=True, drop=2, fmt=card_cell))
        if self.has_hub:
            # The hub now (hub crawl / hub refresh): first to give way on a narrow terminal.
            columns += [Column("license_now", "licence now", 14, drop=6, fmt=text),
                        Column("gated", "gated", 6, drop=7, fmt=text)]
        return columns

    @property
    def has_hub(self) -> bool:
        """Whether the dataset has a hub table (the "now" columns are shown)."""
        if self._hub is None:
            self._hub = bool(hub_tables(self.store))
        return self._hub

    def _with_now(self, rows: list[Row]) -> list[Row]:
        """``rows`` with the hub's licence and gating now (in the worker: one query a page)."""
        if self.has_hub and rows:
            now = hub_now(self.store, [str(r["model"]) for r in rows])
            for row in rows:
                hub = now.get(str(row["model"]).lower())
                row["license_now"] = hub.license if hub else None
                row["gated"] = hub.gated if hub else None
        return rows

    @property
    def _scores(self) -> bool:
        """Whether card completeness is shown."""
        return CARD_SCORES

    @property
    def settling(self) -> bool:
        return (super().settling or self._searching
                or any(row.get("card") is PENDING for row in self.table.loaded_rows()))

    @property
    def table(self) -> PagedTable:
        return self.query_one("#models", PagedTable)

    def on_mount(self) -> None:
        self.table.sort_key = self.params.order_by
        self._show_filters()
        self.search()
        self.query_one("#search", Input).focus()

    # -- searching ------------------------------------------------------------------------
    def search(self) -> None:
        """Search with the current params now, or as soon as the running search is done."""
        if self._searching:
            self._dirty = True
            return
        self._searching, self._dirty = True, False
        self.busy(self.table, self.load_results(self.params))

    @work(thread=True, exclusive=True, exit_on_error=False, group="search")
    def load_results(self, params: SearchParams) -> None:
        def first_page() -> ResultsLoaded:
            rows = self._with_now(self.timed(fetch_page, self.store, params, 0))
            # A short first page is the whole answer; otherwise the count follows separately
            # so the rows are on screen one query sooner.
            return ResultsLoaded(params, len(rows) if len(rows) < PAGE else None, rows)

        self.deliver(first_page, lambda message: message, ResultsFailed)

    @work(thread=True, exclusive=True, exit_on_error=False, group="count")
    def load_count(self, params: SearchParams, generation: int) -> None:
        self.deliver(lambda: self.timed(fetch_count, self.store, params),
                     lambda total: CountLoaded(generation, total), "search")

    @on(CountLoaded)
    def _count_loaded(self, message: CountLoaded) -> None:
        if message.total is not None:
            self.table.set_total(message.generation, message.total)

    @on(ResultsLoaded)
    def _results_loaded(self, message: ResultsLoaded) -> None:
        params, total, rows = message.params, message.total, message.rows
        self._searching = False
        table = self.table
        self._score_later(table.generation + 1, 0, rows)
        table.sort_key, table.sort_descending = params.order_by, params.descending
        table.empty_text = visible(
            "no model matches" + (f" '{params.text}'" if params.text else "")
            + (f" with {params.filters.describe()}" if params.filters else ""), newlines=False)
        generation = table.reset(total, rows)
        if total is None:
            self.load_count(params, generation)
        self.shown, self.shown_at = params, time.perf_counter()
        if self._dirty:
            self.search()
        elif self._open_when_shown:
            self._open_when_shown = False
            self.action_open()

    @on(ResultsFailed)
    def _results_failed(self, message: ResultsFailed) -> None:
        self._searching = self._open_when_shown = False
        self.report(message.error, "search")
        if self._dirty:
            self.search()

    @on(PagedTable.PagesNeeded, "#models")
    def _pages_needed(self, message: PagedTable.PagesNeeded) -> None:
        if self.shown is not None:
            self.busy(self.table, self.load_pages(self.shown, message.generation, message.pages))

    @work(thread=True, exclusive=True, exit_on_error=False, group="pages")
    def load_pages(self, params: SearchParams, generation: int, pages: list[int]) -> None:
        self.deliver(lambda: {p: self._with_now(self.timed(fetch_page, self.store, params, p))
                              for p in pages},
                     lambda found: PagesLoaded(generation, found), PagesFailed)

    @on(PagesLoaded)
    def _pages_loaded(self, message: PagesLoaded) -> None:
        for page, rows in message.pages.items():
            self._score_later(message.generation, page, rows)
            self.table.set_page(message.generation, page, rows)

    @on(PagesFailed)
    def _pages_failed(self, message: PagesFailed) -> None:
        self.table.forget_requests()
        self.report(message.error, "models")

    # -- card completeness: filled in after the rows, never holding them up ----------------
    def _score_later(self, generation: int, page: int, rows: list[Row]) -> None:
        """Score a page once the user has stopped typing: a score costs a fixed ~0.1 s of
        CPU per call, which must not compete with the next keystroke's search."""
        if not self._scores or not rows:
            return
        for row in rows:
            row["card"] = PENDING
        self.set_timer(SCORE_DELAY, lambda: self._score(generation, page, rows))

    def _score(self, generation: int, page: int, rows: list[Row]) -> None:
        if generation != self.table.generation:
            return  # a newer search replaced these rows
        ids = [row["model_id"] for row in rows]
        # One worker group per page: scoring page 2 must not cancel page 1's scores.
        self.run_worker(lambda: self.deliver(
            lambda: self.timed(card_scores, self.store, ids),
            lambda scores: ScoresLoaded(generation, page, scores), ScoresFailed),
            name="load_scores", group=f"cards-{page}", thread=True, exclusive=True,
            exit_on_error=False)

    @on(ScoresLoaded)
    def _scores_loaded(self, message: ScoresLoaded) -> None:
        rows = self.table.page_rows(message.generation, message.page)
        if rows is None:
            return
        for row in rows:
            row["card"] = message.scores.get(row["model_id"])
        self.table.refresh()

    @on(ScoresFailed)
    def _scores_failed(self, message: ScoresFailed) -> None:
        self.log.warning("card completeness", repr(message.error))  # the column stays "…"

    @on(Input.Changed, "#search")
    def _typed(self, event: Input.Changed) -> None:
        shown = visible(event.value, newlines=False)
        if shown != event.value:  # pasted control characters: searched for as their escapes
            event.input.value = shown
            return
        if event.value != self.params.text:
            self.params = replace(self.params, text=event.value)
            self.search()

    @on(Input.Submitted, "#search")
    def _submitted(self) -> None:
        self.action_focus_table()

    # -- status ---------------------------------------------------------------------------
    @on(PagedTable.RowHighlighted, "#models")
    def _highlighted(self, message: PagedTable.RowHighlighted) -> None:
        table = self.table
        total = table.total
        if not table.row_count:
            what = table.empty_text
        else:
            count = plural(total, "model") if total is not None else f"{table.row_count - 1:,}+ models"
            what = f"row {message.index + 1:,} of {count}"
            row = message.row
            if row is not None:  # the full id and licence, however narrow their columns
                what = f"{row['model']} · {text(row.get('license'))} · {what}"
        self.set_context(what)

    def _show_filters(self) -> None:
        f = self.params.filters
        bits = [f.describe()] if f else []
        label = next((c.label for c in self._columns() if c.key == self.params.order_by),
                     self.params.order_by)
        bits.append(f"sorted by {label} {'▼' if self.params.descending else '▲'}")
        prefix = "filter: " if f else ""
        self.query_one("#filters", Static).update(visible(
            " " + prefix + " · ".join(bits) + ("   (x clears)" if f else ""), newlines=False))

    def _set_params(self, **changes: Any) -> None:
        self.params = replace(self.params, **changes)
        self._show_filters()
        self.search()

    # -- copy and export ------------------------------------------------------------------
    def sheet(self) -> Sheet | None:
        """Every model of the current search (fetched in full on export)."""
        table, params, store = self.table, self.shown or self.params, self.store
        row = table.current
        current = [row.get(c) for c in EXPORT_COLUMNS] if row else None
        cell = row.get(table.current_column.key) if row else None
        return Sheet("models", list(EXPORT_COLUMNS), lambda: fetch_all(store, params), current,
                     cell, row["model"] if row else None)

    # -- actions --------------------------------------------------------------------------
    def action_back(self) -> None:
        search = self.query_one("#search", Input)
        if self.focused is not search:
            search.focus()
        elif search.value:
            search.value = ""

    def action_quit(self) -> None:
        self.app.exit()

    def action_focus_search(self) -> None:
        # At once, not on the next idle: keys typed in the same burst as / belong to the box
        # (they were taken as table keys: 'e' exported, 'g' opened the graph).
        self.set_focus(self.query_one("#search", Input))

    def action_focus_table(self) -> None:
        self.table.focus()

    def action_open(self) -> None:
        if self.focused is self.query_one("#search"):
            self.action_focus_table()
            return
        if self.shown != self.params:
            self._open_when_shown = True  # Enter typed ahead of the results: open when in
            return
        row = self.table.current
        if row is not None:
            self.ptmx.open_model(row["model"])

    @on(PagedTable.RowSelected, "#models")
    def _selected(self, message: PagedTable.RowSelected) -> None:
        self.ptmx.open_model(message.row["model"])

    def action_graph(self) -> None:
        row = self.table.current
        if row is not None:
            self.ptmx.open_graph(row["model"], "model")

    def action_sort(self, key: str | None = None) -> None:
        key = key or self.table.current_column.key
        if key not in SORTABLE:
            label = next((c.label for c in self._columns() if c.key == key), key)
            self.notify(f"the store cannot sort by {label} yet; pick another column with ←/→",
                        severity="warning", markup=False)
            return
        # Again on the same column reverses; a new column starts A→Z or largest first.
        same = key == self.params.order_by
        descending = not self.params.descending if same else key not in TEXT_COLUMNS
        self._set_params(order_by=key, descending=descending)

    @on(PagedTable.HeaderClicked, "#models")
    def _header(self, message: PagedTable.HeaderClicked) -> None:
        self.action_sort(message.column.key)

    def action_filter_author(self) -> None:
        row = self.table.current
        if row is None:
            return
        if not row.get("author"):
            self.notify(visible(f"{row['model']} has no author part (no owner/ in its id)"),
                        severity="warning", markup=False)
            return
        self._set_params(filters=replace(self.params.filters, author=row["author"]))

    def action_filter_license(self) -> None:
        row = self.table.current
        if row is None:
            return
        if not row.get("license"):
            self.notify(visible(f"{row['model']} declares no license"), severity="warning",
                        markup=False)
            return
        first = str(row["license"]).split(" AND ")[0]
        self._set_params(filters=replace(self.params.filters, license=first))

    def action_clear_filters(self) -> None:
        self.query_one("#search", Input).value = ""
        self._set_params(text="", filters=Filters())

    def action_filters(self) -> None:
        seen = sorted({
            part for page in self.table.loaded_rows() for part in
            str(page.get("license") or "").split(" AND ") if part
        })

        def apply(filters: Filters | None) -> None:
            if filters is not None:
                self._set_params(filters=filters)

        self.app.push_screen(FilterScreen(self.params.filters, seen), apply)


