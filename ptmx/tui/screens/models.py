"""The first screen: every model, searched as you type, filtered, sorted, one page at a time.

Only the pages in view are fetched (``search_models`` with an offset), so 281k models cost no
more than 2k. Searching is "latest wins" without a fixed debounce: a keystroke starts a search at
once unless one is running, in which case the newest text is searched as soon as it finishes.
So a single key shows its result after one query, and fast typing never queues stale ones.
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import Any, ClassVar

from textual import on, work
from textual.binding import Binding, BindingType
from textual.widget import Widget
from textual.widgets import Input, Static

from ptmx.store import count_models, license_names, search_models
from ptmx.store.lookup import SORTABLE
from ptmx.tui import capabilities as caps
from ptmx.tui.format import NONE, num, plural, text
from ptmx.tui.screens.base import PtmxScreen
from ptmx.tui.widgets.paged_table import Column, PagedTable

PAGE = 200
PENDING = object()  # card completeness still being computed
SCORE_DELAY = 0.3  # seconds of quiet before card completeness is computed
CARD_SCORES = True  # show card completeness when ptmx.cards is present (tests may switch off)


def card_cell(value: Any) -> str:
    """Completeness 0–100 → '38%'; not assessed → '–'; still computing → '…'."""
    if value is PENDING:
        return "…"
    return NONE if value is None else f"{value:.0f}%"
TEXT_COLUMNS = {"model", "author", "license"}  # sorted A→Z first; numbers sort largest first


@dataclass(frozen=True)
class Filters:
    """What the models list is narrowed to (None: no filter)."""

    license: str | None = None
    family: str | None = None
    author: str | None = None

    def describe(self) -> str:
        parts = [f"{k} {v}" for k, v in (("license", self.license), ("family", self.family),
                                         ("author", self.author)) if v]
        return " · ".join(parts)

    def __bool__(self) -> bool:
        return bool(self.license or self.family or self.author)


@dataclass(frozen=True)
class SearchParams:
    """One search: text, filters and order. Pages of the same params belong together."""

    text: str = ""
    filters: Filters = Filters()
    order_by: str = "downloads"
    descending: bool = True


def _filter_args(store: Any, filters: Filters) -> dict[str, Any] | None:
    """Keyword filters for search_models/count_models; None when nothing can match."""
    extra: dict[str, Any] = {}
    if filters.license:
        extra["license"] = filters.license
    if filters.author:
        extra["author"] = filters.author
    if filters.family:
        try:
            from ptmx.licenses import tags_in_family
        except ImportError as exc:
            from ptmx.tui.capabilities import NotAvailable

            raise NotAvailable("filtering by license family needs the license engine") from exc
        tags = tags_in_family(license_names(store), filters.family)
        if not tags:
            return None
        extra["licenses"] = tags
    return extra


def fetch_page(store: Any, params: SearchParams, page: int) -> list[dict[str, Any]]:
    """One page of models for ``params`` (runs in a worker)."""
    extra = _filter_args(store, params.filters)
    if extra is None:
        return []
    table = search_models(store, params.text, limit=PAGE, offset=page * PAGE,
                          order_by=params.order_by, descending=params.descending, **extra)
    return table.to_pylist()


def fetch_count(store: Any, params: SearchParams) -> int | None:
    """How many models match ``params``."""
    extra = _filter_args(store, params.filters)
    if extra is None:
        return 0
    return int(count_models(store, params.text, **extra))


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
            Column("model", "model", 24, flex=True),
            Column("author", "author", 14, drop=4, fmt=text),
            Column("downloads", "downloads", 11, numeric=True, fmt=num),
            Column("likes", "likes", 6, numeric=True, drop=3, fmt=num),
            Column("license", "license", 14, fmt=text),
            Column("reuse_count", "projects", 8, numeric=True, fmt=num),
        ]
        if self._scores:
            columns.append(Column("card", "card", 5, numeric=True, drop=2, fmt=card_cell))
        return columns

    @property
    def _scores(self) -> bool:
        """Whether card completeness can be shown (ptmx.cards is present)."""
        return CARD_SCORES and caps.missing(caps.card_scores) is None

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
    def load_results(self, params: SearchParams) -> tuple[SearchParams, int | None, list[dict]]:
        rows = self.timed(fetch_page, self.store, params, 0)
        # A short first page is the whole answer; otherwise the count follows separately so
        # the rows are on screen one query sooner.
        return params, (len(rows) if len(rows) < PAGE else None), rows

    @work(thread=True, exclusive=True, exit_on_error=False, group="count")
    def load_count(self, params: SearchParams, generation: int) -> tuple[int, int | None]:
        return generation, self.timed(fetch_count, self.store, params)

    def show_load_count(self, result: tuple[int, int | None]) -> None:
        generation, total = result
        if total is not None:
            self.table.set_total(generation, total)

    def show_load_results(self, result: tuple[SearchParams, int | None, list[dict]]) -> None:
        params, total, rows = result
        self._searching = False
        table = self.table
        self._score_later(table.generation + 1, 0, rows)
        table.sort_key, table.sort_descending = params.order_by, params.descending
        table.empty_text = "no model matches" + (f" '{params.text}'" if params.text else "") + (
            f" with {params.filters.describe()}" if params.filters else "")
        generation = table.reset(total, rows)
        if total is None:
            self.load_count(params, generation)
        self.shown, self.shown_at = params, time.perf_counter()
        if self._dirty:
            self.search()
        elif self._open_when_shown:
            self._open_when_shown = False
            self.action_open()

    def failed_load_results(self, error: BaseException) -> None:
        self._searching = self._open_when_shown = False
        self.report(error, "search")
        if self._dirty:
            self.search()

    @on(PagedTable.PagesNeeded, "#models")
    def _pages_needed(self, message: PagedTable.PagesNeeded) -> None:
        if self.shown is not None:
            self.busy(self.table, self.load_pages(self.shown, message.generation, message.pages))

    @work(thread=True, exclusive=True, exit_on_error=False, group="pages")
    def load_pages(self, params: SearchParams, generation: int,
                   pages: list[int]) -> tuple[int, dict[int, list[dict]]]:
        return generation, {p: self.timed(fetch_page, self.store, params, p) for p in pages}

    def show_load_pages(self, result: tuple[int, dict[int, list[dict]]]) -> None:
        generation, pages = result
        for page, rows in pages.items():
            self._score_later(generation, page, rows)
            self.table.set_page(generation, page, rows)

    # -- card completeness: filled in after the rows, never holding them up ----------------
    def _score_later(self, generation: int, page: int, rows: list[dict]) -> None:
        """Score a page once the user has stopped typing: a score costs a fixed ~0.1 s of
        CPU per call, which must not compete with the next keystroke's search."""
        if not self._scores or not rows:
            return
        for row in rows:
            row["card"] = PENDING
        self.set_timer(SCORE_DELAY, lambda: self._score(generation, page, rows))

    def _score(self, generation: int, page: int, rows: list[dict]) -> None:
        if generation != self.table.generation:
            return  # a newer search replaced these rows
        ids = [row["model_id"] for row in rows]
        self.run_worker(lambda: (generation, page, self.timed(caps.card_scores, self.store, ids)),
                        name="load_scores", group=f"cards-{page}", thread=True, exclusive=True,
                        exit_on_error=False)

    def show_load_scores(self, result: tuple[int, int, dict[int, float | None]]) -> None:
        generation, page, scores = result
        rows = self.table.page_rows(generation, page)
        if rows is None:
            return
        for row in rows:
            row["card"] = scores.get(row["model_id"])
        self.table.refresh()

    def failed_load_scores(self, error: BaseException) -> None:
        self.log.warning("card completeness", repr(error))  # the column just stays "…"

    def failed_load_pages(self, error: BaseException) -> None:
        self.table.forget_requests()
        self.report(error, "models")

    @on(Input.Changed, "#search")
    def _typed(self, event: Input.Changed) -> None:
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
        self.set_context(what)

    def _show_filters(self) -> None:
        f = self.params.filters
        bits = [f.describe()] if f else []
        label = next((c.label for c in self._columns() if c.key == self.params.order_by),
                     self.params.order_by)
        bits.append(f"sorted by {label} {'▼' if self.params.descending else '▲'}")
        prefix = "filter: " if f else ""
        self.query_one("#filters", Static).update(" " + prefix + " · ".join(bits)
                                                  + ("   (x clears)" if f else ""))

    def _set_params(self, **changes: Any) -> None:
        self.params = replace(self.params, **changes)
        self._show_filters()
        self.search()

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
        self.query_one("#search", Input).focus()

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
            self.notify(f"{row['model']} has no author part (no owner/ in its id)",
                        severity="warning", markup=False)
            return
        self._set_params(filters=replace(self.params.filters, author=row["author"]))

    def action_filter_license(self) -> None:
        row = self.table.current
        if row is None:
            return
        if not row.get("license"):
            self.notify(f"{row['model']} declares no license", severity="warning", markup=False)
            return
        first = str(row["license"]).split(" AND ")[0]
        self._set_params(filters=replace(self.params.filters, license=first))

    def action_clear_filters(self) -> None:
        self.query_one("#search", Input).value = ""
        self._set_params(text="", filters=Filters())

    def action_filters(self) -> None:
        from ptmx.tui.screens.filters import FilterScreen

        seen = sorted({
            part for page in self.table.loaded_rows() for part in
            str(page.get("license") or "").split(" AND ") if part
        })

        def apply(filters: Filters | None) -> None:
            if filters is not None:
                self._set_params(filters=filters)

        self.app.push_screen(FilterScreen(self.params.filters, seen), apply)


